import asyncio, sys, json, urllib.request
# Session 23: used by run.sh; opens N streams (200 at a time), reads them, holds them
port=int(sys.argv[1]); path=sys.argv[2]; n=int(sys.argv[3]); token=sys.argv[4] if len(sys.argv)>4 else None
held=[]
async def one(i):
    r,w=await asyncio.open_connection('127.0.0.1',port)
    p=path.replace('{i}',str(i))
    ws = p.startswith("/api/ws")
    hdr=f"GET {p} HTTP/1.1\r\nHost: x\r\n"+("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" if ws else "Accept: text/event-stream\r\n")+(f"Authorization: Bearer {token}\r\n" if token else "")+"\r\n"
    w.write(hdr.encode()); await w.drain()
    line=await r.readline()
    if b"200" not in line and b"101" not in line: print("bad",line)
    held.append((r,w))
    # drain in background
    async def drain():
        try:
            while await r.read(65536): pass
        except Exception: pass
    asyncio.ensure_future(drain())
async def main():
    for k in range(0,n,200):
        await asyncio.gather(*[one(i) for i in range(k,min(n,k+200))])
    print("held",len(held),flush=True)
    await asyncio.sleep(3600)
asyncio.run(main())
