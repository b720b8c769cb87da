// Print the RFC 7638 SHA-256 thumbprint of every key of a JWK Set (or of a
// single JWK) with npm jose, one per line, as "KID THUMBPRINT".
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint } from 'jose';

const doc = JSON.parse(readFileSync(process.argv[2], 'utf8'));
for (const jwk of doc.keys ?? [doc]) {
  console.log(`${jwk.kid ?? '-'} ${await calculateJwkThumbprint(jwk, 'sha256')}`);
}
