#!/bin/bash
# $1 = system
cd /work/main; ulimit -n $(ulimit -Hn)
G=bench/.artifacts/bin/LoadGenerator/release/Beacon.LoadGenerator.dll
f=/tmp/jit/$1.txt; rm -f $f; touch $f
( while :; do echo "$(date +%H:%M:%S.%N | cut -c1-12) $(wc -l < $f)"; sleep 0.25; done ) > /tmp/jit/$1.count &
W=$!
dotnet $G --systems $1 --scenarios idle --idle-sizes 1000,5000,10000 --idle-hold 5 --idle-hold-others 5 --server-env DOTNET_JitStdOutFile=$f,DOTNET_JitDisasmSummary=1 --results /tmp/jit/r-$1 > /tmp/jit/$1.log 2>&1
kill $W
