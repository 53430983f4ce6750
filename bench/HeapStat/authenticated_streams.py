"""Holds N authenticated SSE streams (HS256 JWTs, one user each) open on a Beacon it starts, then runs HeapStat on it.

Usage: python3 bench/HeapStat/authenticated_streams.py <Beacon.Web.dll> <port> <N> <output file>
Build HeapStat first (dotnet build bench/HeapStat -c Release). The bench's own subscribers are anonymous; this is
how the memory an authenticated stream keeps was measured (bench/README.md, session 4).
"""
import socket, sys, time, hmac, hashlib, base64, json, subprocess, os, signal, tempfile
dll, port, n, out = os.path.abspath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
key = os.urandom(32).hex().upper()
def seg(b): return base64.urlsafe_b64encode(b).rstrip(b'=').decode()
def token(sub):
    now=int(time.time())
    h=seg(b'{"alg":"HS256","typ":"JWT"}')
    c=seg(json.dumps({"sub":sub,"role":"user","iss":"beacon","aud":"beacon","nbf":now-60,"iat":now,"exp":now+86400}).encode())
    s=seg(hmac.new(key.encode(), (h+'.'+c).encode(), hashlib.sha256).digest())
    return h+'.'+c+'.'+s
work = tempfile.mkdtemp(prefix='beacon-heap-')
heapstat = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'bin', 'Release', 'net10.0', 'HeapStat.dll')
p=subprocess.Popen(['dotnet',dll,'--urls',f'http://127.0.0.1:{port}','--contentRoot',os.path.dirname(dll),'--environment','Production',f'--Auth:SigningKey={key}','--Realtime:MaxClients=20000','--RateLimiting:Enabled=false',f'--Database:SqlitePath={work}/beacon.db','--Logging:LogLevel:Default=Warning'],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL)
for i in range(100):
    if p.poll() is not None:
        sys.exit(f'Beacon exited with {p.returncode}')
    try:
        socket.create_connection(('127.0.0.1',port),timeout=1).close(); break
    except OSError: time.sleep(0.3)
else:
    sys.exit('Beacon did not start listening')
time.sleep(2)
socks=[]
for i in range(n):
    s=socket.create_connection(('127.0.0.1',port))
    s.sendall(f'GET /api/sse HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\nAuthorization: Bearer {token("user-%d"%i)}\r\n\r\n'.encode())
    socks.append(s)
ok=0
for s in socks:
    s.settimeout(10); d=s.recv(4096)
    if b'200 OK' in d: ok+=1
print('connected', ok, 'of', n, flush=True)
time.sleep(8)
r=subprocess.run(['dotnet',heapstat,str(p.pid),'400'],capture_output=True,text=True)
open(out,'w').write(r.stdout)
print(r.stdout.splitlines()[0])
p.send_signal(signal.SIGTERM); p.wait(timeout=30)
