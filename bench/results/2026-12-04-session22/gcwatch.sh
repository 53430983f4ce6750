#!/bin/bash
# gcwatch.sh <out> [generator args]: runs beacon idle 10k and samples GC metrics every 250 ms
out=$1; shift
cd /work/main
dotnet bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll --systems beacon --scenarios idle --idle-sizes ${SIZES:-10000} --idle-hold 5 "$@" --results /tmp/s22/r-$out > /tmp/s22/$out.log 2>&1 &
for i in $(seq 120); do sleep 0.5; grep -q "started in" /tmp/s22/$out.log && break; done
pid=$(pgrep -f "Beacon.Web.dll --urls" | head -1); port=$(tr '\0' ' ' < /proc/$pid/cmdline | grep -o "127.0.0.1:[0-9]*")
: > /tmp/s22/$out.gc
while kill -0 $pid 2>/dev/null && ! grep -q "idle held" /tmp/s22/$out.log; do
  m=$(curl -s --max-time 1 http://$port/metrics | grep -E "^dotnet_gc_collections_total|fragmentation_size_bytes.*gen2|memory_committed" | sed 's/{otel_scope_name="System.Runtime",gc_heap_generation=/ /; s/{otel_scope_name="System.Runtime"}//' | awk '{printf "%s=%s ", $1$2, $NF}')
  echo "$(date +%T.%N | cut -c1-12) rss=$(grep VmRSS /proc/$pid/status | awk '{print $2}') $m" >> /tmp/s22/$out.gc
  sleep 0.25
done
wait
grep "B/conn" /tmp/s22/$out.log
