// Sign a JWS with npm jose, to feed keyshift's linter tokens made by an
// independent implementation, including deliberately broken ones.
// usage: node sign.mjs --header JSON --claims JSON
//          (--key KEY.pem | --hmac SECRET | --none) [--raw]
// --raw signs an ES256 header jose would refuse (e.g. with crit) using
// node:crypto directly.
// The header is used as given (alg included); claims are serialised with
// JSON.stringify. Prints the compact JWS.
import { readFileSync } from 'node:fs';
import { createPrivateKey, createSecretKey, sign } from 'node:crypto';
import { CompactSign, base64url } from 'jose';

const argv = process.argv.slice(2);
const opt = {};
for (let i = 0; i < argv.length; i++) {
  const k = argv[i].replace(/^--/, '');
  if (k === 'none' || k === 'raw') opt[k] = true;
  else opt[k] = argv[++i];
}
const header = JSON.parse(opt.header);
const payload = new TextEncoder().encode(opt.claims);
JSON.parse(opt.claims); // must be JSON all the same

const enc = (b) => base64url.encode(b);
if (opt.none) {
  console.log(`${enc(JSON.stringify(header))}.${enc(payload)}.`);
} else if (opt.raw) {
  const input = `${enc(JSON.stringify(header))}.${enc(payload)}`;
  const key = createPrivateKey(readFileSync(opt.key));
  const sig = sign('sha256', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  console.log(`${input}.${enc(sig)}`);
} else {
  const key = opt.hmac
    ? createSecretKey(Buffer.from(opt.hmac))
    : createPrivateKey(readFileSync(opt.key));
  console.log(await new CompactSign(payload).setProtectedHeader(header).sign(key));
}
