#!/bin/bash
# run.sh <label> <path> <n> [token]
cd /work/main; D=$(pwd)/bench/.artifacts/bin/Beacon.Web/release; KEY=bench-signing-key-0123456789abcdef0123456789
rm -f /tmp/nb/b.db*
(ulimit -n 20000; exec dotnet $D/Beacon.Web.dll --urls http://127.0.0.1:5099 --contentRoot $D --environment Production "--Auth:SigningKey=$KEY" --Realtime:MaxClients=20000 --Realtime:AllowAnonymous=true --RateLimiting:Enabled=false --Database:SqlitePath=/tmp/nb/b.db --Logging:LogLevel:Default=Warning > /tmp/nb/server-$1.log 2>&1) &
sleep 8; pid=$(pgrep -f "Beacon.Web.dll --urls http://127.0.0.1:5099" | head -1)
(ulimit -n 20000; exec python3 /tmp/nb/hold.py 5099 "$2" $3 $4 > /tmp/nb/hold-$1.log 2>&1) &
for i in $(seq 60); do sleep 1; grep -q held /tmp/nb/hold-$1.log && break; done; cat /tmp/nb/hold-$1.log | tail -2; sleep 5
dotnet run --project bench/HeapStat -c Release --no-build -- $pid 60 > /tmp/nb/heap-$1.txt 2>&1; head -1 /tmp/nb/heap-$1.txt; grep VmRSS /proc/$pid/status
pkill -f hold.py; kill $pid; sleep 2
