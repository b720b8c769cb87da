// Sign a JWS with npm jose, to feed keyshift's linter tokens made by an
// independent implementation, including deliberately broken ones.
// usage: node sign.mjs --header JSON --claims JSON
//          (--key KEY.pem | --hmac SECRET | --none)
// The header is used as given (alg included); claims are serialised with
// JSON.stringify. Prints the compact JWS.
import { readFileSync } from 'node:fs';
import { createPrivateKey, createSecretKey } from 'node:crypto';
import { CompactSign, base64url } from 'jose';

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, '');
  if (k === 'none') opt.none = true;
  else opt[k] = argv[++i];
}
const header = JSON.parse(opt.header);
const payload = new TextEncoder().encode(opt.claims);
JSON.parse(opt.claims); // must be JSON all the same

if (opt.none) {
  const enc = (b) => base64url.encode(b);
  console.log(`${enc(JSON.stringify(header))}.${enc(payload)}.`);
} else {
  const key = opt.hmac
    ? createSecretKey(Buffer.from(opt.hmac))
    : createPrivateKey(readFileSync(opt.key));
  console.log(await new CompactSign(payload).setProtectedHeader(header).sign(key));
}
