#!/usr/bin/env python3
"""tests/support/kvserver.py - Consul KV, Vault KV v2 and Spring Cloud Config
response shapes on 127.0.0.1, for the Bats suites.

None of these servers can be installed here, so keyshift's adapters are
tested against their documented responses only:

  Consul   GET /v1/kv/<prefix>?recurse
           https://developer.hashicorp.com/consul/api-docs/kv#read-key
           [{"Key", "Value" (base64 or null), "Flags", "CreateIndex",
           "ModifyIndex", "LockIndex"}], 404 when no key matches,
           403 "ACL not found" without a valid X-Consul-Token.
  Vault    LIST /v1/<mount>/metadata/<path>  (also GET ?list=true)
           GET  /v1/<mount>/data/<path>
           https://developer.hashicorp.com/vault/api-docs/secret/kv/kv-v2
           {"data": {"keys": [...]}} (folders end in "/"),
           {"data": {"data": {...}, "metadata": {...}}}, 404 {"errors": []},
           403 {"errors": ["permission denied"]} without X-Vault-Token.
  Spring   GET /<application>/<profile>[/<label>]
           https://docs.spring.io/spring-cloud-config/reference/server/
           {"name", "profiles", "label", "version", "state",
           "propertySources": [{"name", "source": {...}}]}, 401 without
           HTTP basic credentials when they are configured.

The data comes from a JSON file:
  {"consul": {"key": "value", ...},
   "vault": {"mount": {"path/to/secret": {"field": "value"}}},
   "spring": {"app/profile": [{"name": "...", "source": {...}}]}}

Usage: kvserver.py --data FILE --port-file FILE [--consul-token T]
       [--vault-token T] [--spring-user U --spring-password P]
       [--fail-first N] [--log FILE] [--tls-cert PEM --tls-key PEM]
The port is written to --port-file once the socket listens. --fail-first
answers the first N requests with 503 (to test retries). --log records one
"METHOD PATH" line per request (never headers: they carry tokens).
--tls-cert/--tls-key serve https instead (for the TLS verification tests).
"""
import argparse
import base64
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

ARGS = None
DATA = {}
LOCK = threading.Lock()
FAILS = [0]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet; see --log
        pass

    def reply(self, status, body, ctype="application/json"):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def handle_any(self):
        url = urlsplit(self.path)
        path = unquote(url.path)
        query = parse_qs(url.query, keep_blank_values=True)
        if ARGS.log:
            with LOCK, open(ARGS.log, "a") as f:
                f.write(f"{self.command} {self.path}\n")
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with LOCK:
            if FAILS[0] < ARGS.fail_first:
                FAILS[0] += 1
                return self.reply(503, {"errors": ["try again"]})
        if path.startswith("/v1/kv/"):
            return self.consul(path[len("/v1/kv/"):], query)
        if path.startswith("/v1/"):
            return self.vault(path[len("/v1/"):], query)
        return self.spring(path.strip("/"))

    do_GET = do_POST = do_LIST = handle_any

    # -- Consul ------------------------------------------------------------
    def consul(self, prefix, query):
        if ARGS.consul_token and \
                self.headers.get("X-Consul-Token") != ARGS.consul_token:
            return self.reply(403, b"ACL not found", "text/plain")
        kv = DATA.get("consul", {})
        if "recurse" in query:
            keys = sorted(k for k in kv if k.startswith(prefix))
        else:
            keys = [prefix] if prefix in kv else []
        if not keys:
            return self.reply(404, b"", "text/plain")
        out = []
        for i, k in enumerate(keys):
            v = kv[k]
            out.append({
                "LockIndex": 0, "Key": k, "Flags": 0,
                "Value": None if v is None else
                base64.b64encode(v.encode()).decode(),
                "CreateIndex": 10 + i, "ModifyIndex": 10 + i})
        return self.reply(200, out)

    # -- Vault KV v2 ---------------------------------------------------------
    def vault(self, rest, query):
        if ARGS.vault_token and \
                self.headers.get("X-Vault-Token") != ARGS.vault_token:
            return self.reply(403, {"errors": ["permission denied"]})
        mount, _, rest = rest.partition("/")
        kind, _, sub = rest.partition("/")
        secrets = DATA.get("vault", {}).get(mount)
        if secrets is None:
            return self.reply(404, {"errors": [
                f"no handler for route \"{mount}/{rest}\""]})
        listing = self.command == "LIST" or \
            query.get("list", [""])[0] == "true"
        if kind == "metadata" and listing:
            folder = sub if sub == "" or sub.endswith("/") else sub + "/"
            children = set()
            for p in secrets:
                if p.startswith(folder):
                    tail = p[len(folder):]
                    head, slash, _ = tail.partition("/")
                    children.add(head + ("/" if slash else ""))
            if not children:
                return self.reply(404, {"errors": []})
            return self.reply(200, {"request_id": "r", "lease_id": "",
                                    "renewable": False, "lease_duration": 0,
                                    "data": {"keys": sorted(children)},
                                    "wrap_info": None, "warnings": None,
                                    "auth": None})
        if kind == "data" and self.command == "GET":
            if sub not in secrets:
                return self.reply(404, {"errors": []})
            return self.reply(200, {
                "request_id": "r", "lease_id": "", "renewable": False,
                "lease_duration": 0,
                "data": {"data": secrets[sub], "metadata": {
                    "created_time": "2018-03-22T02:24:06.945319214Z",
                    "custom_metadata": None, "deletion_time": "",
                    "destroyed": False, "version": 1}},
                "wrap_info": None, "warnings": None, "auth": None})
        return self.reply(405, {"errors": ["unsupported operation"]})

    # -- Spring Cloud Config ---------------------------------------------------
    def spring(self, path):
        if ARGS.spring_user:
            want = "Basic " + base64.b64encode(
                f"{ARGS.spring_user}:{ARGS.spring_password}".encode()
            ).decode()
            if self.headers.get("Authorization") != want:
                return self.reply(401, {"timestamp": "2024-01-01T00:00:00Z",
                                        "status": 401,
                                        "error": "Unauthorized",
                                        "path": "/" + path})
        parts = path.split("/")
        if len(parts) < 2:
            return self.reply(404, {"status": 404, "error": "Not Found"})
        app, profile = parts[0], parts[1]
        label = parts[2] if len(parts) > 2 else None
        sources = DATA.get("spring", {}).get(f"{app}/{profile}", [])
        return self.reply(200, {"name": app, "profiles": profile.split(","),
                                "label": label, "version": "0123abcd",
                                "state": None, "propertySources": sources})


def main():
    global ARGS, DATA
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--consul-token")
    ap.add_argument("--vault-token")
    ap.add_argument("--spring-user")
    ap.add_argument("--spring-password")
    ap.add_argument("--fail-first", type=int, default=0)
    ap.add_argument("--log")
    ap.add_argument("--tls-cert")
    ap.add_argument("--tls-key")
    ARGS = ap.parse_args()
    with open(ARGS.data) as f:
        DATA = json.load(f)
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if ARGS.tls_cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(ARGS.tls_cert, ARGS.tls_key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(ARGS.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(ARGS.port_file + ".tmp", ARGS.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
