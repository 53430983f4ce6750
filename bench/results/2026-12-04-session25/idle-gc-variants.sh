#!/bin/bash
# alternated idle rounds: GC variants
cd /work/main
ulimit -n $(ulimit -Hn)
G=bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll
for i in 1 2 3; do
  for v in default segments region1m; do
    env=""
    [ $v = segments ] && env="--server-env DOTNET_GCName=libclrgc.so"
    [ $v = region1m ] && env="--server-env DOTNET_GCRegionSize=100000"
    dotnet $G --systems beacon --scenarios idle --idle-sizes 1000,5000,10000 --idle-hold 10 $env --results /tmp/s25/idle/$v-$i > /tmp/s25/idle-$v-$i.log 2>&1
    grep -E "^\| beacon" /tmp/s25/idle/$v-$i/*summary.md | sed "s/^/$v-$i /"
  done
done
