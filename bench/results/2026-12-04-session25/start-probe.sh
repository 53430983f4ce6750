#!/bin/bash
# start Beacon as the harness does; sample its CPU (ticks/0.25 s), RssAnon and thread count for $1 s after ready
cd /work/main
D=$(mktemp -d); PORT=${PORT:-5611}
KEY=$(head -c 32 /dev/urandom | xxd -p -c 64)
R=/work/main/bench/.artifacts/bin/Beacon.Web/release
ASPNETCORE_ENVIRONMENT=Production dotnet $R/Beacon.Web.dll --urls http://127.0.0.1:$PORT --contentRoot $R --environment Production --Auth:SigningKey=$KEY --Realtime:MaxClients=20000 --Realtime:AllowAnonymous=true --RateLimiting:Enabled=false --Database:SqlitePath=$D/beacon.db --Logging:LogLevel:Default=Warning $EXTRA > $D/log 2>&1 &
PID=$!
T0=$(date +%s.%N)
until ! kill -0 $PID 2>/dev/null || curl -sf http://127.0.0.1:$PORT/api/sse/stats >/dev/null; do sleep 0.05; done
echo "ready after $(echo "$(date +%s.%N) - $T0" | bc)"
prev=0
for i in $(seq 1 $((${1:-10}*4))); do
  s=($(cut -d' ' -f14,15 /proc/$PID/stat)); tot=$((s[0]+s[1]))
  anon=$(grep RssAnon /proc/$PID/status | awk '{print $2}'); th=$(ls /proc/$PID/task | wc -l)
  printf "%5.2f cpu+%3d anon=%6d th=%d\n" $(echo "$(date +%s.%N) - $T0" | bc) $((tot-prev)) $anon $th
  prev=$tot; sleep 0.25
done
kill $PID; wait $PID 2>/dev/null; rm -rf $D
