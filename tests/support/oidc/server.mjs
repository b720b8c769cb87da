// tests/support/oidc/server.mjs - a real authorization server for the
// migration tests: npm oidc-provider 8.x on 127.0.0.1, random port.
//
//   node server.mjs --state FILE [--client-id ID]
//
// Enabled: client_credentials, dynamic registration (RFC 7591, with an
// initial access token) and registration management (RFC 7592, rotating
// registration access tokens). One client_secret_basic client is preloaded
// through the storage adapter, so RFC 7592 can manage it. Its secret comes
// from $KS_TEST_CLIENT_SECRET (the tests generate it; nothing is
// committed). When listening, the server writes FILE (JSON: issuer,
// client_id, registration_client_uri, registration_access_token,
// initial_access_token) and logs one line per request to stdout (method,
// path, status; never a header or a body).
import { randomBytes } from 'node:crypto';
import { writeFileSync, renameSync } from 'node:fs';
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const stateFile = opt('--state');
const clientId = opt('--client-id', 'ks-test-client');
const secret = process.env.KS_TEST_CLIENT_SECRET;
if (!stateFile || !secret) {
  console.error('usage: KS_TEST_CLIENT_SECRET=... node server.mjs --state FILE');
  process.exit(2);
}

// The storage adapter: one Map per process, the shape oidc-provider's
// adapter interface asks for.
const storage = new Map();
class MapAdapter {
  constructor(model) { this.model = model; }
  key(id) { return `${this.model}:${id}`; }
  async upsert(id, payload) { storage.set(this.key(id), payload); }
  async find(id) { return storage.get(this.key(id)); }
  async findByUserCode() { return undefined; }
  async findByUid() { return undefined; }
  async consume(id) {
    const v = storage.get(this.key(id));
    if (v) v.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) { storage.delete(this.key(id)); }
  async revokeByGrantId() {}
}

const http = createServer();
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${http.address().port}`;
const initialAccessToken = randomBytes(24).toString('base64url');

// Preload the client record as dynamic registration would have stored it.
await new MapAdapter('Client').upsert(clientId, {
  client_id: clientId,
  client_secret: secret,
  client_id_issued_at: Math.floor(Date.now() / 1000),
  client_secret_expires_at: 0,
  client_name: 'keyshift test client',
  grant_types: ['client_credentials'],
  response_types: [],
  redirect_uris: [],
  token_endpoint_auth_method: 'client_secret_basic',
  scope: 'api',
  contacts: ['ops@example.test'],
});

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [],
  scopes: ['api'],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post',
    'private_key_jwt', 'none'],
  enabledJWA: {
    clientAuthSigningAlgValues: ['RS256', 'PS256', 'ES256', 'EdDSA'],
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    registration: { enabled: true, initialAccessToken },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
  },
});
provider.on('server_error', (ctx, err) => console.log(`server_error ${err}`));

const rat = new provider.RegistrationAccessToken({ clientId });
const registrationAccessToken = await rat.save();

const cb = provider.callback();
http.on('request', (req, res) => {
  res.on('finish', () => {
    console.log(`${req.method} ${req.url.split('?')[0]} ${res.statusCode}`);
  });
  cb(req, res);
});

const state = {
  issuer,
  client_id: clientId,
  registration_endpoint: `${issuer}/reg`,
  registration_client_uri: `${issuer}/reg/${clientId}`,
  registration_access_token: registrationAccessToken,
  initial_access_token: initialAccessToken,
};
writeFileSync(`${stateFile}.tmp`, JSON.stringify(state), { mode: 0o600 });
renameSync(`${stateFile}.tmp`, stateFile);
process.on('SIGTERM', () => process.exit(0));
