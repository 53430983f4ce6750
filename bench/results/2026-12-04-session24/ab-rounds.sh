#!/bin/bash
# alternated two-node broadcast10 rounds: shared fan-out on vs off
cd /work/main
ulimit -n $(ulimit -Hn)
G=bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll
for i in 1 2 3; do
  for v in on off; do
    env=""
    [ $v = off ] && env="--server-env Realtime__ParallelFanOut=false"
    dotnet $G --systems beacon-2nodes-redis --scenarios broadcast --broadcast-rates 10 $env --results /tmp/ab2n/$v-$i > /tmp/ab2n/$v-$i.log 2>&1
    grep -E "^\| beacon" /tmp/ab2n/$v-$i/*summary.md | sed "s/^/$v-$i /"
  done
done
