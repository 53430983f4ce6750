#!/bin/bash
# alternated one-node broadcast10 rounds: the fan-out helper thread at nice 0 vs nice 10, with nchan in each round
cd /work/main
ulimit -n $(ulimit -Hn)
G=bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll
DLL=/tmp/s25/art-nice/bin/Beacon.Web/release/Beacon.Web.dll
for i in 1 2 3; do
  for v in nice0 nice10 nchan; do
    case $v in
      nice0) a="--systems beacon --beacon-dll $DLL";;
      nice10) a="--systems beacon --beacon-dll $DLL --server-env BEACON_HELPER_NICE=10";;
      nchan) a="--systems nchan";;
    esac
    dotnet $G $a --scenarios broadcast --broadcast-rates 10 --results /tmp/s25/abn/$v-$i > /tmp/s25/abn/$v-$i.log 2>&1
  done
done
