#!/bin/bash
# usage: run.sh <system> <pidpattern> <out> [generator args]
sys=$1; pat=$2; out=$3; shift 3
cd /work/main
dotnet bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll --systems $sys --scenarios idle --idle-sizes ${SIZES:-10000} --idle-hold ${HOLD:-20} --idle-hold-others ${HOLD:-20} "$@" --results /tmp/s22/r-$out > /tmp/s22/$out.log 2>&1 &
for i in $(seq 120); do sleep 0.5; grep -q "started in" /tmp/s22/$out.log && break; done
pid=$(for p in $(pgrep -f "$pat"); do [ "$(readlink /proc/$p/exe)" != "${p}" ] && readlink /proc/$p/exe | grep -q dotnet && echo $p; done | head -1); echo pid $pid; cat /proc/$pid/cmdline | tr "\0" " " | cut -c1-150; echo
sleep ${BASEWAIT:-1}; /tmp/s22/smaps.py snap $pid /tmp/s22/$out-base.json
for i in $(seq 240); do sleep 1; grep -q "connected in" /tmp/s22/$out.log && break; done
sleep 3; /tmp/s22/smaps.py snap $pid /tmp/s22/$out-10k.json
[ -n "$HEAP" ] && dotnet run --project bench/HeapStat -c Release --no-build -- $pid 60 --memory > /tmp/s22/heap-$out.txt 2>&1
wait
grep -E "B/connection|dropped" /tmp/s22/$out.log
/tmp/s22/smaps.py diff /tmp/s22/$out-base.json /tmp/s22/$out-10k.json ${SIZES:-10000}
