#!/bin/bash
# run.sh <label> <path> <n> [heapstat args...]
# Session 23: HeapStat of a Production node holding n streams; /tmp/nb/hold.py is ../2026-12-04-session21/hold.py
cd /work/main; D=$(pwd)/bench/.artifacts/bin/Beacon.Web/release; KEY=bench-signing-key-0123456789abcdef0123456789
label=$1; path=$2; n=$3; shift 3
rm -f /tmp/nb/b.db*
(ulimit -n 20000; exec dotnet $D/Beacon.Web.dll --urls http://127.0.0.1:5099 --contentRoot $D --environment Production "--Auth:SigningKey=$KEY" --Realtime:MaxClients=20000 --Realtime:AllowAnonymous=true --RateLimiting:Enabled=false --Database:SqlitePath=/tmp/nb/b.db --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.AspNetCore=Warning --Logging:LogLevel:Beacon.Requests=Warning > /tmp/nb/server-$label.log 2>&1) &
for i in $(seq 60); do sleep 0.5; curl -s -o /dev/null http://127.0.0.1:5099/api/sse/stats && break; done; pid=$(pgrep -f "Beacon.Web.dll --urls http://127.0.0.1:5099" | head -1)
(ulimit -n 20000; exec python3 /tmp/nb/hold.py 5099 "$path" $n > /tmp/nb/hold-$label.log 2>&1) &
for i in $(seq 60); do sleep 1; grep -q held /tmp/nb/hold-$label.log && break; done; tail -2 /tmp/nb/hold-$label.log; sleep 3
dotnet run --project bench/HeapStat -c Release --no-build -- $pid 200 "$@" > /tmp/nb/heap-$label.txt 2>&1; head -1 /tmp/nb/heap-$label.txt; grep VmRSS /proc/$pid/status
pkill -f hold.py; kill $pid; sleep 2
