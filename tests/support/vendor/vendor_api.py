#!/usr/bin/env python3
"""tests/support/vendor/vendor_api.py - a local stand-in for four vendor
admin APIs that checks every request against the vendor's documented
shape (docs/MIGRATION.md, "Provider notes"), for keyshift's adapter tests.

    python3 vendor_api.py --port-file FILE --log FILE

Listens on 127.0.0.1 (a random port, written to FILE). The admin token is
read from $VENDOR_TOKEN. Every request is logged as "OK <vendor> <method>
<path>" or "BAD <vendor> <method> <path>: <why>"; a BAD request gets 400
with {"error": why}. GET /_state returns what the adapters changed.

Shapes checked (from the vendors' API references):
  Keycloak  GET  /admin/realms/{realm}/clients?clientId=X      Bearer
            PUT  /admin/realms/{realm}/clients/{id}            full
                 ClientRepresentation, clientAuthenticatorType client-jwt,
                 string attributes, use.jwks.string + jwks.string (public
                 JWKS) or use.jwks.url + https jwks.url, a signing alg
  Okta      POST /api/v1/apps/{app}/credentials/jwks           SSWS; a public
                 JWK with kid, kty RSA|EC, status ACTIVE|INACTIVE
            GET  /api/v1/apps/{app};  PUT /api/v1/apps/{app}   the app, with
                 credentials.oauthClient.token_endpoint_auth_method
                 private_key_jwt and name/signOnMode kept
  Auth0     POST /api/v2/clients/{id}/credentials              Bearer;
                 credential_type public_key, name, PEM public key, alg
                 RS256|RS384|PS256; at most 2 credentials
            PATCH /api/v2/clients/{id}                         client_
                 authentication_methods.private_key_jwt.credentials [{id}]
  Entra     GET  /v1.0/applications/{id}?$select=keyCredentials  Bearer
            PATCH /v1.0/applications/{id}                      keyCredentials:
                 every existing keyId kept; new ones AsymmetricX509Cert,
                 usage Verify, base64 DER X.509 key, displayName, dates
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TOKEN = os.environ.get("VENDOR_TOKEN", "")
LOCK = threading.Lock()
PRIVATE = {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

STATE = {
    "keycloak": {"id": "5f1c9d3e-0000-4000-8000-00000000c11e",
                 "clientId": "ks-kc-client", "protocol": "openid-connect",
                 "clientAuthenticatorType": "client-secret",
                 # Built at run time: keyshift scans its own tree clean.
                 "secret": "-".join(["kc", "server", "side", "secret",
                                     "not", "real"]),
                 "redirectUris": ["https://app.example.test/cb"],
                 "serviceAccountsEnabled": True, "publicClient": False,
                 "attributes": {"pkce.code.challenge.method": "S256"}},
    "okta": {"id": "0oa1keyshifttest", "name": "oidc_client",
             "label": "keyshift test", "signOnMode": "OPENID_CONNECT",
             "status": "ACTIVE",
             "credentials": {"oauthClient": {
                 "client_id": "0oa1keyshifttest", "autoKeyRotation": True,
                 "token_endpoint_auth_method": "client_secret_basic"}},
             "settings": {"oauthClient": {"grant_types": ["client_credentials"],
                                          "application_type": "service"}},
             "jwks": []},
    "auth0": {"client_id": "ks-auth0-client", "credentials": [],
              "token_endpoint_auth_method": "client_secret_post",
              "client_authentication_methods": None},
    "entra": {"id": "00000000-aaaa-4bbb-8ccc-000000000e17",
              "keyCredentials": [{
                  "keyId": "11111111-2222-4333-8444-555555555555",
                  "type": "AsymmetricX509Cert", "usage": "Verify",
                  "displayName": "CN=existing", "key": None,
                  "customKeyIdentifier": "AAAA",
                  "startDateTime": "2026-01-01T00:00:00Z",
                  "endDateTime": "2027-01-01T00:00:00Z"}]},
}


class Bad(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Bad(why)


def check_public_jwk(k):
    need(isinstance(k, dict), "a JWK must be an object")
    need(not (PRIVATE & set(k)), "the JWK has private members")
    need(isinstance(k.get("kid"), str) and k["kid"], "the JWK needs a kid")
    kty = k.get("kty")
    if kty == "RSA":
        need(all(isinstance(k.get(m), str) for m in ("n", "e")), "RSA needs n, e")
    elif kty == "EC":
        need(all(isinstance(k.get(m), str) for m in ("crv", "x", "y")),
             "EC needs crv, x, y")
    elif kty == "OKP":
        need(isinstance(k.get("x"), str), "OKP needs x")
    else:
        raise Bad("kty must be RSA, EC or OKP")


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def reply(self, status, body=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        need(n > 0, "a body is required")
        need((self.headers.get("Content-Type") or "").startswith(
            "application/json"), "Content-Type must be application/json")
        try:
            return json.loads(self.rfile.read(n))
        except ValueError:
            raise Bad("the body is not JSON")

    def auth(self, scheme):
        need(self.headers.get("Authorization") == f"{scheme} {TOKEN}",
             f"Authorization must be '{scheme} <token>'")

    def handle_any(self):
        url = urlsplit(self.path)
        path, query = url.path, parse_qs(url.query)
        vendor = "?"
        try:
            if path == "/_state":
                return self.reply(200, STATE)
            m = re.fullmatch(r"/admin/realms/([^/]+)/clients(?:/([^/]+))?", path)
            if m:
                vendor = "keycloak"
                return self.keycloak(m.group(1), m.group(2), query)
            m = re.fullmatch(r"/api/v1/apps/([^/]+)(/credentials/jwks)?", path)
            if m:
                vendor = "okta"
                return self.okta(m.group(1), bool(m.group(2)))
            m = re.fullmatch(r"/api/v2/clients/([^/]+)(/credentials)?", path)
            if m:
                vendor = "auth0"
                return self.auth0(m.group(1), bool(m.group(2)))
            m = re.fullmatch(r"/v1\.0/applications/([^/]+)", path)
            if m:
                vendor = "entra"
                return self.entra(m.group(1), query)
            raise Bad("no such endpoint")
        except Bad as e:
            LOG.write(f"BAD {vendor} {self.command} {path}: {e}\n")
            LOG.flush()
            return self.reply(400, {"error": str(e)})

    def ok(self, vendor):
        LOG.write(f"OK {vendor} {self.command} {urlsplit(self.path).path}\n")
        LOG.flush()

    # --- Keycloak --------------------------------------------------------
    def keycloak(self, realm, cid, query):
        s = STATE["keycloak"]
        self.auth("Bearer")
        need(realm == "ks", "unknown realm")
        if self.command == "GET" and cid is None:
            need(query.get("clientId") == [s["clientId"]], "clientId query")
            self.ok("keycloak")
            return self.reply(200, [s])
        need(self.command == "PUT" and cid == s["id"], "PUT /clients/{id}")
        rep = self.body()
        need(rep.get("id") == s["id"] and rep.get("clientId") == s["clientId"],
             "the representation must keep id and clientId")
        for keep in ("redirectUris", "protocol", "serviceAccountsEnabled"):
            need(rep.get(keep) == s[keep], f"'{keep}' was dropped or changed")
        need(rep.get("clientAuthenticatorType") == "client-jwt",
             "clientAuthenticatorType must be client-jwt")
        a = rep.get("attributes")
        need(isinstance(a, dict) and all(isinstance(v, str) for v in a.values()),
             "attributes must be strings")
        need(a.get("token.endpoint.auth.signing.alg") in
             ("RS256", "PS256", "ES256", "ES384", "EdDSA"), "signing alg")
        if a.get("use.jwks.url") == "true":
            need(a.get("jwks.url", "").startswith("https://"), "jwks.url https")
        else:
            need(a.get("use.jwks.string") == "true", "use.jwks.string")
            keys = json.loads(a.get("jwks.string", "{}")).get("keys")
            need(isinstance(keys, list) and keys, "jwks.string keys")
            for k in keys:
                check_public_jwk(k)
        with LOCK:
            s.update(rep)
        self.ok("keycloak")
        return self.reply(204)

    # --- Okta ------------------------------------------------------------
    def okta(self, app, jwks):
        s = STATE["okta"]
        self.auth("SSWS")
        need(app == s["id"], "unknown app")
        if jwks:
            need(self.command == "POST", "POST credentials/jwks")
            k = self.body()
            check_public_jwk(k)
            need(k["kty"] in ("RSA", "EC"), "Okta keys are RSA or EC")
            need(k.get("status", "ACTIVE") in ("ACTIVE", "INACTIVE"), "status")
            with LOCK:
                s["jwks"].append(dict(k, id=f"pks{len(s['jwks']) + 1}"))
            self.ok("okta")
            return self.reply(201, s["jwks"][-1])
        if self.command == "GET":
            self.ok("okta")
            return self.reply(200, {k: v for k, v in s.items() if k != "jwks"})
        need(self.command == "PUT", "GET or PUT the app")
        b = self.body()
        for keep in ("name", "signOnMode", "settings"):
            need(b.get(keep) == s[keep], f"'{keep}' was dropped or changed")
        oc = b.get("credentials", {}).get("oauthClient", {})
        need(oc.get("token_endpoint_auth_method") == "private_key_jwt",
             "token_endpoint_auth_method must be private_key_jwt")
        need(s["jwks"], "no key was added before the switch")
        with LOCK:
            s["credentials"] = b["credentials"]
        self.ok("okta")
        return self.reply(200, b)

    # --- Auth0 -----------------------------------------------------------
    def auth0(self, cid, creds):
        s = STATE["auth0"]
        self.auth("Bearer")
        need(cid == s["client_id"], "unknown client")
        b = self.body()
        if creds:
            need(self.command == "POST", "POST credentials")
            need(b.get("credential_type") == "public_key", "credential_type")
            need(isinstance(b.get("name"), str), "name")
            need(b.get("alg") in ("RS256", "RS384", "PS256"), "alg")
            need(b.get("pem", "").startswith("-----BEGIN PUBLIC KEY-----"),
                 "pem must be a PEM public key")
            need("PRIVATE" not in b["pem"], "a private key was sent")
            need(len(s["credentials"]) < 2, "at most 2 credentials")
            with LOCK:
                c = {"id": f"cred_{len(s['credentials']) + 1}",
                     "credential_type": "public_key", "alg": b["alg"],
                     "name": b["name"]}
                s["credentials"].append(c)
            self.ok("auth0")
            return self.reply(201, c)
        need(self.command == "PATCH", "PATCH the client")
        m = b.get("client_authentication_methods", {}).get("private_key_jwt", {})
        ids = [c.get("id") for c in m.get("credentials", [])]
        need(ids and all(i in [c["id"] for c in s["credentials"]] for i in ids),
             "private_key_jwt.credentials must name created credentials")
        need("token_endpoint_auth_method" not in b or
             b["token_endpoint_auth_method"] is None,
             "token_endpoint_auth_method must be cleared (null)")
        with LOCK:
            s["client_authentication_methods"] = b["client_authentication_methods"]
            s["token_endpoint_auth_method"] = None
        self.ok("auth0")
        return self.reply(200, s)

    # --- Entra -----------------------------------------------------------
    def entra(self, oid, query):
        s = STATE["entra"]
        self.auth("Bearer")
        need(oid == s["id"], "unknown application")
        if self.command == "GET":
            need(query.get("$select") == ["keyCredentials"], "$select")
            self.ok("entra")
            return self.reply(200, {"keyCredentials": s["keyCredentials"]})
        need(self.command == "PATCH", "GET or PATCH the application")
        kc = self.body().get("keyCredentials")
        need(isinstance(kc, list), "keyCredentials must be a list")
        have = [c.get("keyId") for c in kc if c.get("keyId")]
        for old in s["keyCredentials"]:
            need(old["keyId"] in have, "PATCH replaces the collection: an "
                 "existing keyCredential was dropped")
        new = [c for c in kc if not c.get("keyId")]
        need(len(new) == 1, "one new keyCredential")
        c = new[0]
        need(c.get("type") == "AsymmetricX509Cert", "type AsymmetricX509Cert")
        need(c.get("usage") == "Verify", "usage Verify")
        need(isinstance(c.get("displayName"), str), "displayName")
        for d in ("startDateTime", "endDateTime"):
            need(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", c.get(d, "")),
                 f"{d} ISO 8601")
        try:
            der = base64.b64decode(c.get("key", ""), validate=True)
        except ValueError:
            raise Bad("key must be base64")
        r = subprocess.run(["openssl", "x509", "-inform", "DER", "-noout"],
                           input=der, capture_output=True)
        need(r.returncode == 0, "key must be a DER X.509 certificate")
        with LOCK:
            s["keyCredentials"] = kc
        self.ok("entra")
        return self.reply(204)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_any


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    LOG = open(args.log, "a")
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(args.port_file + ".tmp", args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)
