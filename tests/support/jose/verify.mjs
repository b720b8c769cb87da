// Verify a client assertion with npm jose, as an independent implementation.
// usage: node verify.mjs JWKS.json TOKEN_FILE [--aud A] [--iss I] [--sub S]
//        [--typ T]
// Prints the verified claims and exits 0, or prints jose's error code and
// exits 1.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';

const [jwksPath, tokenPath, ...rest] = process.argv.slice(2);
const opt = {};
for (let i = 0; i < rest.length; i += 2) opt[rest[i].replace(/^--/, '')] = rest[i + 1];

const jwks = createLocalJWKSet(JSON.parse(readFileSync(jwksPath, 'utf8')));
const token = readFileSync(tokenPath, 'utf8').trim();
try {
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    audience: opt.aud,
    issuer: opt.iss,
    subject: opt.sub,
    typ: opt.typ ?? 'client-authentication+jwt',
    algorithms: ['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA'],
    clockTolerance: 5,
  });
  console.log(JSON.stringify({ header: protectedHeader, claims: payload }));
} catch (e) {
  console.log(e.code ?? e.name, e.message);
  process.exit(1);
}
