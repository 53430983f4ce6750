#!/bin/bash
out=$1; shift
cd /work/main
dotnet bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll --systems beacon --scenarios idle --idle-sizes ${SIZES:-10000} --idle-hold 20 "$@" --results /tmp/s22/r-$out > /tmp/s22/$out.log 2>&1 &
for i in $(seq 120); do sleep 0.5; grep -q "started in" /tmp/s22/$out.log && break; done
pid=$(pgrep -f "Beacon.Web.dll --urls" | head -1)
for i in $(seq 400); do sleep 0.1; grep -q "connected in" /tmp/s22/$out.log && break; done
sleep ${DELAY:-0}
dotnet run --project bench/HeapStat -c Release --no-build -- $pid 30 --memory > /tmp/s22/heap-$out.txt 2>&1
wait
grep "B/conn" /tmp/s22/$out.log
