import base64, hmac, hashlib, json, time, sys
key=sys.argv[1].encode()
b=lambda d: base64.urlsafe_b64encode(json.dumps(d,separators=(',',':')).encode()).rstrip(b'=')
now=int(time.time())
h=b({"alg":"HS256","typ":"JWT"}); p=b({"aud":"beacon","iss":"beacon","exp":now+36000,"iat":now,"nbf":now,"sub":"nb","role":"user"})
sig=base64.urlsafe_b64encode(hmac.new(key,h+b'.'+p,hashlib.sha256).digest()).rstrip(b'=')
print((h+b'.'+p+b'.'+sig).decode())
