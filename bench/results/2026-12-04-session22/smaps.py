#!/usr/bin/env python3
"""Snapshot /proc/PID/smaps as JSON lines, or diff two snapshots by mapping kind."""
import sys, json, re
def snap(pid):
    maps=[]; cur=None
    for line in open(f"/proc/{pid}/smaps"):
        m=re.match(r'^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$', line)
        if m:
            cur={'start':int(m[1],16),'end':int(m[2],16),'perm':m[3],'name':m[4].strip(),'rss':0,'anon':0}
            maps.append(cur); continue
        k,_,v=line.partition(':')
        if k=='Rss': cur['rss']=int(v.split()[0])
        elif k=='Anonymous': cur['anon']=int(v.split()[0])
    st={}
    for line in open(f"/proc/{pid}/status"):
        k,_,v=line.partition(':'); st[k]=v.strip()
    return {'maps':maps,'threads':int(st['Threads']),'rss':st['VmRSS'],'anon':st['RssAnon'],'file':st['RssFile']}
def kind(m):
    size=(m['end']-m['start'])//1024
    n=m['name']
    if n.startswith('/'):
        return 'file:'+('dll' if n.endswith('.dll') else 'so' if '.so' in n else 'other')
    if n.startswith('['): return n
    if n.startswith('/memfd') or 'doublemapper' in n: return 'doublemapper'
    if 'x' in m['perm']: return 'anon-exec'
    return f"anon {m['perm']} size>={1<<(size.bit_length()-1) if size else 0}KB"
if sys.argv[1]=='snap':
    json.dump(snap(int(sys.argv[2])),open(sys.argv[3],'w'))
else:
    a=json.load(open(sys.argv[2])); b=json.load(open(sys.argv[3])); n=int(sys.argv[4]) if len(sys.argv)>4 else 1
    print('threads',a['threads'],'->',b['threads'],' rss',a['rss'],'->',b['rss'],' anon',a['anon'],'->',b['anon'])
    def agg(s):
        d={}
        maps=s['maps']; i=0
        while i<len(maps):
            m=maps[i]
            if m['name']=='' :
                j=i; tot=0
                while j+1<len(maps) and maps[j+1]['name']=='' and maps[j+1]['start']==maps[j]['end']: j+=1
                area=(maps[j]['end']-m['start'])>>20
                k='anon area '+('>=16GB: the GC reservation' if area>=16384 else '64MB arena?' if area in (64,128) else f'{area}MB')
                if any('x' in x['perm'] for x in maps[i:j+1]): k+=' exec'
                d[k]=d.get(k,0)+sum(x['rss'] for x in maps[i:j+1]); i=j+1; continue
            k=kind(m); d[k]=d.get(k,0)+m['rss']; i+=1
        return d
    da,db=agg(a),agg(b)
    rows=sorted(set(da)|set(db),key=lambda k:-(db.get(k,0)-da.get(k,0)))
    for k in rows:
        d=db.get(k,0)-da.get(k,0)
        if abs(d)>=256: print(f"{k:40s} {da.get(k,0)/1024:9.1f} -> {db.get(k,0)/1024:9.1f} MB  diff {d/1024:8.1f} MB  {d*1024/n:8.0f} B/conn")
