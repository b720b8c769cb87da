#!/usr/bin/env python3
"""tests/support/oidc/skewed_metadata.py - serve RFC 8414 metadata whose
Date header is SKEW seconds off, and whose issuer can be made wrong, for
the discovery tests.

    python3 skewed_metadata.py --port-file FILE --skew SECONDS [--wrong-issuer]
"""
import argparse
import json
import os
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, HTTPServer
import time

ap = argparse.ArgumentParser()
ap.add_argument("--port-file", required=True)
ap.add_argument("--skew", type=int, default=0)
ap.add_argument("--wrong-issuer", action="store_true")
args = ap.parse_args()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def send_header(self, name, value):
        # replace the server's own Date with the skewed one
        if name.lower() == "date":
            value = formatdate(time.time() + args.skew, usegmt=True)
        super().send_header(name, value)

    def do_GET(self):
        iss = f"http://127.0.0.1:{self.server.server_address[1]}/tenant"
        if self.path != "/.well-known/oauth-authorization-server/tenant":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = json.dumps({
            "issuer": iss + ("/evil" if args.wrong_issuer else ""),
            "token_endpoint": iss + "/token",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["ES256"],
        }).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


srv = HTTPServer(("127.0.0.1", 0), Handler)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(args.port_file + ".tmp", args.port_file)
srv.serve_forever()
