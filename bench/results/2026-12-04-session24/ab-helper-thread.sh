#!/bin/bash
cd /work/main
ulimit -n $(ulimit -Hn)
G=bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll
for i in 1 2 3; do
  for v in pool thread; do
    dll=""
    [ $v = pool ] && dll="--beacon-dll /tmp/beacon-web-fd2bf3e/release/Beacon.Web.dll"
    dotnet $G --systems beacon --scenarios broadcast,targeted --broadcast-rates 10 $dll --results /tmp/abht/$v-$i > /tmp/abht/$v-$i.log 2>&1
  done
done
