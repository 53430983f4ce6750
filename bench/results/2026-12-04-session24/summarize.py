import json,glob,sys
for sc in ['broadcast10','targeted']:
  for f in sorted(glob.glob(sys.argv[1]+f'/*/*{sc}.json')):
    d=json.load(open(f))
    for s,r in d['results'].items():
        print(f"{sc:11s} {f.split('/')[-2]:10s} rt {r['publishRoundTripMs']['p50']:6.2f}/{r['publishRoundTripMs']['p99']:6.2f} lat {r['latencyMs']['p50']:6.2f}/{r['latencyMs']['p99']:7.2f}/{r['latencyMs']['max']:7.2f} cpu {r['cpuCores']['server']:.3f}/{r['cpuCores']['generator']:.3f} gc {r['gcPauseMs']['server']}")
