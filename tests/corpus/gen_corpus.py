#!/usr/bin/env python3
"""tests/corpus/gen_corpus.py - generate the labelled detection corpus

    gen_corpus.py OUTDIR [--seed N]

Writes OUTDIR/pos/*, OUTDIR/neg/* and OUTDIR/labels.json. Nothing here is
committed or secret: every value is random, every key is made by openssl,
ssh-keygen, puttygen or gpg in a temporary directory at run time, and
the strings that rules match are assembled at run time, so this file
itself scans clean. labels.json maps each file to the rules allowed to
find it ("expect": a positive's acceptable rule ids, primary first; []
for a negative) and its category.

Tools that are missing (puttygen, gpg) skip their cases with a note on
stderr; eval.py reports what ran.
"""
import base64
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import urllib.parse

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEXL = "0123456789abcdef"
B64 = ALNUM + "+/"
DASH5 = "-" * 5


class Corpus:
    def __init__(self, out, rng):
        self.out = out
        self.rng = rng
        self.labels = {}
        self.n = 0
        self.notes = []
        os.makedirs(os.path.join(out, "pos"), exist_ok=True)
        os.makedirs(os.path.join(out, "neg"), exist_ok=True)

    def rand(self, n, alphabet=ALNUM):
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def _put(self, kind, name, data, label):
        self.n += 1
        rel = "%s/%04d-%s" % (kind, self.n, name)
        path = os.path.join(self.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "wb" if isinstance(data, bytes) else "w"
        with open(path, mode) as f:
            f.write(data)
        self.labels[rel] = label

    def pos(self, rules, category, fmt, data, ext="txt"):
        if isinstance(rules, str):
            rules = [rules]
        self._put("pos", "%s-%s.%s" % (rules[0].replace("ks.", ""), fmt, ext),
                  data, {"expect": rules, "rule": rules[0],
                         "category": category, "format": fmt})

    def neg(self, what, data, ext="txt"):
        self._put("neg", "%s.%s" % (what, ext), data,
                  {"expect": [], "category": "negative", "format": what})


def pem_label(kind):
    return kind + " PRIVATE KEY"


def begin(label):
    return DASH5 + "BEGIN " + label + DASH5


def end(label):
    return DASH5 + "END " + label + DASH5


# ---- config formats: a secret under a key -------------------------------

def wrap_formats(c, key_env, key_dotted, value, extra=None):
    """(fmt, ext, text) for one secret in many config formats. key_env is
    SCREAMING_CASE, key_dotted a dotted path (last part the leaf)."""
    parts = key_dotted.split(".")
    extra = extra or {}
    out = []
    env_lines = ["%s=%s" % (k, v) for k, v in extra.get("env", [])]
    out.append(("env", "env", "\n".join(env_lines + ["%s=%s" % (key_env, value)]) + "\n"))
    out.append(("env-quoted", "env", "export %s=\"%s\"\n" % (key_env, value)))
    out.append(("properties", "properties", "%s=%s\n" % (key_dotted, value)))
    y = ""
    for i, p in enumerate(parts[:-1]):
        y += "  " * i + p + ":\n"
    y += "  " * (len(parts) - 1) + "%s: \"%s\"\n" % (parts[-1], value)
    out.append(("yaml", "yml", y))
    obj = value
    for p in reversed(parts):
        obj = {p: obj}
    out.append(("json", "json", json.dumps(obj, indent=2) + "\n"))
    out.append(("compose", "yml", "services:\n  app:\n    image: app:1\n    environment:\n      - %s=%s\n" % (key_env, value)))
    out.append(("workflow", "yml", "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      %s: %s\n    steps:\n      - run: make\n" % (key_env, value)))
    out.append(("tfvars", "tfvars", "%s = \"%s\"\n" % (key_env.lower(), value)))
    out.append(("python", "py", "%s = \"%s\"\n" % (key_env, value)))
    return out


def oauth_cases(c):
    # (rule(s), env key, dotted key, value generator, formats to keep)
    A = "ks.oauth.client-secret.assignment"
    E = "ks.oauth.client-secret.env-entry"
    def gsecret():
        return "GOCSPX-" + c.rand(28, URLSAFE)
    def entra():
        return c.rand(3, ALNUM) + c.rand(1, string.digits) + "Q~" + c.rand(34, URLSAFE + "~.")
    specs = [
        (["ks.google.oauth-client-secret", A, E], "GOOGLE_CLIENT_SECRET", "google.oauth.client-secret", gsecret),
        (["ks.microsoft.entra-client-secret", A, E], "AZURE_CLIENT_SECRET", "azure.activedirectory.client-secret", entra),
        (["ks.okta.oauth-client-secret", A, E], "OKTA_CLIENT_SECRET", "okta.oauth2.client-secret", lambda: c.rand(40, URLSAFE)),
        (["ks.auth0.oauth-client-secret", A, E], "AUTH0_CLIENT_SECRET", "auth0.client-secret", lambda: c.rand(64, URLSAFE)),
        (["ks.github.oauth-app-secret", A, E], "GITHUB_CLIENT_SECRET", "github.client-secret", lambda: c.rand(40, HEXL)),
        (["ks.aws.cognito-client-secret", A, E], "COGNITO_CLIENT_SECRET", "cognito.client-secret", lambda: c.rand(52, string.ascii_lowercase + string.digits)),
        (["ks.ping.oauth-client-secret", A, E], "PINGONE_CLIENT_SECRET", "pingone.client-secret", lambda: c.rand(64, URLSAFE + "~.")),
        (["ks.onelogin.oauth-client-secret", A, E], "ONELOGIN_CLIENT_SECRET", "onelogin.client-secret", lambda: c.rand(64, HEXL)),
        (["ks.salesforce.consumer-secret", A, E], "SALESFORCE_CONSUMER_SECRET", "salesforce.consumer-secret", lambda: c.rand(64, "0123456789ABCDEF")),
        ([A, E], "OIDC_CLIENT_SECRET", "oidc.client-secret", lambda: c.rand(32, URLSAFE + "~.")),
    ]
    for rules, kenv, kdot, gen in specs:
        for fmt, ext, text in wrap_formats(c, kenv, kdot, gen()):
            c.pos(rules, "oauth-client-secret", fmt, text, ext)
    # other casings and syntaxes of the generic assignment
    for tmpl in ['clientSecret: "%s"\n', '"client_secret": "%s",\n', "ClientSecret = '%s'\n",
                 "<ClientSecret>%s</ClientSecret>\n", "config.client_secret = \"%s\"\n",
                 "cfg := oauth2.Config{ClientID: \"app\", ClientSecret: \"%s\"}\n",
                 "$client_secret = '%s';\n", "  'client_secret' => '%s',\n",
                 "curl -d grant_type=client_credentials -d client_id=app -d client_secret=%s https://as.example/token\n",
                 "ENV OAUTH_CLIENT_SECRET %s\n", "oauth login --client-secret %s\n",
                 "env:\n  - name: OAUTH_CLIENT_SECRET\n    value: \"%s\"\n"]:
        c.pos([A, E], "oauth-client-secret", "syntax", tmpl % c.rand(36, URLSAFE), "txt")
    # Google client_secret.json, web and installed; legacy secret
    cid = "%d-%s.apps.googleusercontent.com" % (c.rng.randrange(10**11, 10**12), c.rand(32, string.ascii_lowercase + string.digits))
    for kind in ("web", "installed"):
        for i in range(3):
            doc = {kind: {"client_id": cid, "project_id": "demo-%d" % i,
                          "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                          "token_uri": "https://oauth2.googleapis.com/token",
                          "client_secret": gsecret(),
                          "redirect_uris": ["http://localhost"]}}
            c.pos(["ks.google.oauth-client-secret", A], "oauth-client-secret", "client_secret-" + kind, json.dumps(doc), "json")
        doc[kind]["client_secret"] = c.rand(24, URLSAFE)
        c.pos(["ks.google.oauth-client-secret.legacy", A], "oauth-client-secret", "legacy-" + kind, json.dumps(doc), "json")
    # GitHub app client id next to a secret
    for cidg in ("Iv1." + c.rand(16, HEXL), "Ov23" + c.rand(16, ALNUM), "Iv23" + c.rand(16, ALNUM)):
        c.pos(["ks.github.oauth-app-secret.with-client-id", "ks.github.oauth-app-secret", A], "oauth-client-secret", "with-id",
              "client_id: %s\nclient_secret: %s\n" % (cidg, c.rand(40, HEXL)), "yml")
    # GitLab gloas
    for i in range(4):
        c.pos("ks.gitlab.oauth-app-secret", "oauth-client-secret", "gloas", "GITLAB_OAUTH_SECRET=gloas-%s\n" % c.rand(64, HEXL), "env")
    # Keycloak adapter + realm export
    for i in range(3):
        c.pos(["ks.keycloak.client-secret", A], "oauth-client-secret", "keycloak-json", json.dumps({
            "realm": "demo", "auth-server-url": "https://sso.example.org/", "ssl-required": "external",
            "resource": "app-%d" % i, "credentials": {"secret": c.rand(32)}}, indent=2), "json")
        c.pos("ks.keycloak.client-secret", "oauth-client-secret", "quarkus", "quarkus.oidc.auth-server-url=https://sso.example.org/realms/demo\nquarkus.oidc.client-id=app\nquarkus.oidc.credentials.secret=%s\n" % c.rand(32), "properties")
        realm = {"realm": "demo", "clients": [
            {"clientId": "web-%d" % i, "publicClient": True, "redirectUris": ["/*"]},
            {"clientId": "svc-%d" % i, "enabled": True, "clientAuthenticatorType": "client-secret",
             "secret": c.rand(32), "publicClient": False, "serviceAccountsEnabled": True}]}
        c.pos("ks.keycloak.realm-client-secret", "oauth-client-secret", "realm-export", json.dumps(realm, indent=2), "json")
    # Salesforce consumer key + secret
    for i in range(3):
        key = "3MVG9" + c.rand(80, ALNUM + "._")
        c.pos(["ks.salesforce.consumer-secret.with-key", "ks.salesforce.consumer-secret"], "oauth-client-secret", "consumer-key",
              "sf.consumer.key=%s\nsf.consumer.secret=%s\n" % (key, c.rand(64, "0123456789ABCDEF")), "properties")
    # Spring registrations
    for prov, val in (("okta", c.rand(40, URLSAFE)), ("keycloak", c.rand(32)), ("azure", entra())):
        rules = [A]
        if prov == "okta":
            rules = ["ks.okta.oauth-client-secret", A]
        if prov == "azure":
            rules = ["ks.microsoft.entra-client-secret", A]
        c.pos(rules, "oauth-client-secret", "spring-yaml",
              "spring:\n  security:\n    oauth2:\n      client:\n        registration:\n          %s:\n            client-id: demo-app\n            client-secret: %s\n        provider:\n          %s:\n            issuer-uri: https://idp.example.org/realms/demo\n" % (prov, val, prov), "yml")
        c.pos(rules, "oauth-client-secret", "spring-properties",
              "spring.security.oauth2.client.registration.%s.client-id=demo-app\nspring.security.oauth2.client.registration.%s.client-secret=%s\nspring.security.oauth2.client.provider.%s.issuer-uri=https://idp.example.org/realms/demo\n" % (prov, prov, val, prov), "properties")
    # Kubernetes Secret with stringData, and with base64 data (decoded)
    for i in range(3):
        v = c.rand(40, URLSAFE)
        c.pos([A], "oauth-client-secret", "k8s-stringdata",
              "apiVersion: v1\nkind: Secret\nmetadata:\n  name: oidc-%d\ntype: Opaque\nstringData:\n  client-id: app\n  client-secret: %s\n" % (i, v), "yaml")
        c.pos(["ks.google.oauth-client-secret", A], "oauth-client-secret", "k8s-data-base64",
              "apiVersion: v1\nkind: Secret\nmetadata:\n  name: google-%d\ntype: Opaque\ndata:\n  client-id: %s\n  client-secret: %s\n" % (
                  i, base64.b64encode(b"app.apps.googleusercontent.com").decode(), base64.b64encode(gsecret().encode()).decode()), "yaml")


def token_cases(c):
    T = []
    def add(rule, cat, fmt, text, ext="env"):
        c.pos(rule, cat, fmt, text, ext)
    for i in range(4):
        add("ks.aws.access-key-id", "cloud-credential", "env", "AWS_ACCESS_KEY_ID=AKIA%s\n" % c.rand(16, string.ascii_uppercase + "234567"))
        kid = "AKIA" + c.rand(16, string.ascii_uppercase + "234567")
        add(["ks.aws.secret-access-key", "ks.aws.access-key-id"], "cloud-credential", "credentials",
            "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (kid, c.rand(40, B64)), "ini")
        add("ks.google.api-key", "cloud-credential", "js", "const firebaseConfig = { apiKey: \"AIza%s\" };\n" % c.rand(35, URLSAFE), "js")
        add("ks.azure.storage-account-key", "cloud-credential", "connstr",
            "AZURE_STORAGE_CONNECTION_STRING=\"DefaultEndpointsProtocol=https;AccountName=acct%d;AccountKey=%s==;EndpointSuffix=core.windows.net\"\n" % (i, c.rand(86, B64)))
        add("ks.azure.shared-access-key", "cloud-credential", "servicebus",
            "SB=Endpoint=sb://ns%d.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=%s=\n" % (i, c.rand(43, B64)))
        add("ks.github.token", "api-token", "env", "GITHUB_TOKEN=gh%s_%s\n" % (c.rng.choice("pousr"), c.rand(36)))
        add("ks.github.fine-grained-pat", "api-token", "env", "GH_TOKEN=github_pat_%s_%s\n" % (c.rand(22), c.rand(59)))
        add("ks.gitlab.token", "api-token", "env", "GITLAB_TOKEN=%s-%s\n" % (c.rng.choice(["glpat", "gldt", "glrt", "glptt"]), c.rand(20, URLSAFE)))
        add("ks.slack.token", "api-token", "env", "SLACK_BOT_TOKEN=xoxb-%s-%s-%s\n" % (c.rand(12, string.digits), c.rand(13, string.digits), c.rand(24)))
        add("ks.slack.webhook-url", "api-token", "env", "SLACK_WEBHOOK=https://hooks.slack.com/services/T%s/B%s/%s\n" % (c.rand(9, string.ascii_uppercase + string.digits), c.rand(9, string.ascii_uppercase + string.digits), c.rand(24)))
        add("ks.stripe.secret-key", "api-token", "env", "STRIPE_SECRET_KEY=%s_%s_%s\n" % (c.rng.choice(["sk", "rk"]), c.rng.choice(["live", "test"]), c.rand(24 + i * 20)))
        add("ks.stripe.webhook-secret", "api-token", "env", "STRIPE_WEBHOOK_SECRET=whsec_%s\n" % c.rand(32))
        add("ks.twilio.auth-token", "api-token", "env", "TWILIO_ACCOUNT_SID=AC%s\nTWILIO_AUTH_TOKEN=%s\n" % (c.rand(32, HEXL), c.rand(32, HEXL)))
        add("ks.sendgrid.api-key", "api-token", "env", "SENDGRID_API_KEY=SG.%s.%s\n" % (c.rand(22, URLSAFE), c.rand(43, URLSAFE)))
        add(["ks.npm.token", "ks.npm.npmrc-auth-token"], "api-token", "npmrc", "//registry.npmjs.org/:_authToken=npm_%s\n" % c.rand(36), "npmrc")
        add("ks.npm.npmrc-auth-token", "api-token", "npmrc-uuid", "//registry.npmjs.org/:_authToken=%s-%s-4%s-8%s-%s\n" % (c.rand(8, HEXL), c.rand(4, HEXL), c.rand(3, HEXL), c.rand(3, HEXL), c.rand(12, HEXL)), "npmrc")
        add("ks.pypi.token", "api-token", "pypirc", "[pypi]\nusername = __token__\npassword = pypi-AgEIcHlwaS5vcmc%s\n" % c.rand(120, URLSAFE), "pypirc")
        add("ks.docker.hub-token", "api-token", "env", "DOCKERHUB_TOKEN=dckr_pat_%s\n" % c.rand(27, URLSAFE))
        auth = base64.b64encode(("ci:" + c.rand(20)).encode()).decode()
        add("ks.docker.config-auth", "cloud-credential", "config-json", json.dumps({"auths": {"registry.example.org": {"auth": auth}}}, indent=2), "json")
        add("ks.jwt.hmac-secret", "generic", "env", "JWT_SECRET=%s\n" % c.rand(48, URLSAFE))
        add("ks.db.connection-url", "generic", "env", "DATABASE_URL=%s://app:%s@db-%d.internal:5432/app\n" % (c.rng.choice(["postgres", "postgresql", "mysql", "mongodb+srv", "redis", "amqp"]), c.rand(20), i))
        add("ks.openai.api-key", "api-token", "env", "OPENAI_API_KEY=sk-proj-%sT3BlbkFJ%s\n" % (c.rand(74, URLSAFE), c.rand(74, URLSAFE)))
        add("ks.anthropic.api-key", "api-token", "env", "ANTHROPIC_API_KEY=sk-ant-api03-%s\n" % c.rand(95, URLSAFE))
        add("ks.huggingface.token", "api-token", "env", "HF_TOKEN=hf_%s\n" % c.rand(34, string.ascii_letters))
        add("ks.shopify.token", "api-token", "env", "SHOPIFY_ACCESS_TOKEN=shpat_%s\n" % c.rand(32, HEXL))
        add("ks.vault.service-token", "api-token", "env", "VAULT_TOKEN=hvs.%s\n" % c.rand(90, URLSAFE))
        add("ks.digitalocean.token", "api-token", "env", "DIGITALOCEAN_TOKEN=dop_v1_%s\n" % c.rand(64, HEXL))
        add("ks.okta.api-token", "api-token", "env", "OKTA_API_TOKEN=00%s\n" % c.rand(40, URLSAFE))
    # a Terraform state with an access key secret
    c.pos(["ks.aws.secret-access-key"], "cloud-credential", "tfstate", json.dumps({
        "version": 4, "resources": [{"type": "aws_iam_access_key", "name": "ci", "instances": [{
            "attributes": {"id": "AKIA" + c.rand(16, string.ascii_uppercase + "234567"),
                           "secret_access_key": c.rand(40, B64)}}]}]}, indent=2) if False else
        "resource \"aws_iam_access_key\" \"ci\" {}\n# state\n{\n  \"aws_secret_access_key\": \"%s\"\n}\n" % c.rand(40, B64), "tfstate")


# ---- private keys ----------------------------------------------------

def run(cmd, **kw):
    return subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, **kw).stdout


def have(tool):
    return shutil.which(tool) is not None


def make_keys(c, tmp):
    """Yield (rule, name, text-or-bytes) for freshly made keys."""
    out = []
    def f(name):
        return os.path.join(tmp, name)
    o = "openssl"
    run([o, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f("rsa.pem")])
    run([o, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("ec8.pem")])
    run([o, "genpkey", "-algorithm", "ED25519", "-out", f("ed.pem")])
    run([o, "rsa", "-in", f("rsa.pem"), "-traditional", "-out", f("rsa1.pem")])
    run([o, "ec", "-in", f("ec8.pem"), "-out", f("sec1.pem")])
    run([o, "rsa", "-in", f("rsa.pem"), "-aes256", "-traditional", "-passout", "pass:kspass", "-out", f("rsa1e.pem")])
    run([o, "ec", "-in", f("ec8.pem"), "-aes256", "-passout", "pass:kspass", "-out", f("sec1e.pem")])
    run([o, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", f("rsa.pem"), "-passout", "pass:kspass", "-out", f("p8e.pem")])
    run([o, "genpkey", "-genparam", "-algorithm", "DSA", "-pkeyopt", "dsa_paramgen_bits:2048", "-out", f("dsap.pem")])
    run([o, "genpkey", "-paramfile", f("dsap.pem"), "-out", f("dsa8.pem")])
    run([o, "dsa", "-in", f("dsa8.pem"), "-out", f("dsa.pem")])
    rd = lambda n: open(f(n)).read()
    out += [("ks.pem.private-key.pkcs8", "rsa-pkcs8", rd("rsa.pem")),
            ("ks.pem.private-key.pkcs8", "ec-pkcs8", rd("ec8.pem")),
            ("ks.pem.private-key.pkcs8", "ed25519-pkcs8", rd("ed.pem")),
            ("ks.pem.private-key.pkcs1", "rsa-pkcs1", rd("rsa1.pem")),
            ("ks.pem.private-key.pkcs1", "rsa-pkcs1-encrypted", rd("rsa1e.pem")),
            ("ks.pem.private-key.sec1", "ec-sec1", rd("sec1.pem")),
            ("ks.pem.private-key.sec1", "ec-sec1-encrypted", rd("sec1e.pem")),
            ("ks.pem.private-key.pkcs8-encrypted", "pkcs8-encrypted", rd("p8e.pem"))]
    if "DSA PRIVATE KEY" in rd("dsa.pem"):
        out.append(("ks.pem.private-key.dsa", "dsa", rd("dsa.pem")))
    if have("ssh-keygen"):
        for t, pw in (("ed25519", ""), ("ecdsa", ""), ("rsa", ""), ("ed25519", "kspass")):
            n = "id_%s_%s" % (t, "enc" if pw else "plain")
            run(["ssh-keygen", "-q", "-t", t, "-N", pw, "-C", "corpus", "-f", f(n)])
            out.append(("ks.pem.private-key.openssh", "openssh-" + t + ("-bcrypt" if pw else ""), rd(n)))
    else:
        c.notes.append("ssh-keygen missing: no OpenSSH key cases")
    if have("puttygen") and have("ssh-keygen"):
        with open(f("pw"), "w") as p:
            p.write("kspass\n")
        for ver in ("2", "3"):
            for enc in (False, True):
                n = "k%s%s.ppk" % (ver, "e" if enc else "")
                cmd = ["puttygen", f("id_ed25519_plain"), "-O", "private", "-o", f(n), "--ppk-param", "version=" + ver]
                if enc:
                    cmd += ["--new-passphrase", f("pw")]
                run(cmd)
                out.append(("ks.putty.private-key", "ppk%s%s" % (ver, "-encrypted" if enc else ""), rd(n)))
        run(["puttygen", f("id_rsa_plain"), "-O", "private", "-o", f("krsa.ppk")])
        out.append(("ks.putty.private-key", "ppk-rsa", rd("krsa.ppk")))
    else:
        c.notes.append("puttygen missing: no PPK cases")
    if have("gpg"):
        home = f("gnupg")
        os.makedirs(home, mode=0o700)
        for algo, pw in (("ed25519", ""), ("rsa2048", "kspass")):
            env = dict(os.environ, GNUPGHOME=home)
            uid = "corpus-%s <corpus-%s@example.invalid>" % (algo, algo)
            cmd = ["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", pw, "--quick-gen-key", uid, algo, "default", "never"]
            subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            sec = subprocess.run(["gpg", "--batch", "--pinentry-mode", "loopback", "--passphrase", pw, "--armor", "--export-secret-keys", uid],
                                 check=True, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
            out.append(("ks.pgp.private-key-block", "pgp-" + algo, sec))
            pub = subprocess.run(["gpg", "--batch", "--armor", "--export", uid], check=True, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode()
            c.neg("pgp-public-block", pub, "asc")
    else:
        c.notes.append("gpg missing: no PGP cases")
    # PKCS#12: binary and base64, empty and real passwords
    run([o, "req", "-x509", "-new", "-key", f("rsa.pem"), "-subj", "/CN=corpus", "-days", "2", "-out", f("crt.pem")])
    for pw in ("", "notasecret", "kspass-" + c.rand(8)):
        n = "ks%d.p12" % len(out)
        run([o, "pkcs12", "-export", "-inkey", f("rsa.pem"), "-in", f("crt.pem"), "-passout", "pass:" + pw, "-out", f(n)])
        der = open(f(n), "rb").read()
        out.append(("ks.pkcs12.keystore", "p12-binary", der))
        out.append(("ks.pkcs12.keystore", "p12-base64", base64.b64encode(der).decode()))
    # a PKCS#12 of certificates alone (a trust store) is no finding
    run([o, "pkcs12", "-export", "-nokeys", "-in", f("crt.pem"), "-passout", "pass:", "-out", f("trust.p12")])
    c.neg("p12-certificates-only", open(f("trust.p12"), "rb").read(), "p12")
    c.neg("p12-certificates-only-base64", base64.b64encode(open(f("trust.p12"), "rb").read()).decode(), "txt")
    # public material for negatives
    pubs = {"public-key-pem": run([o, "pkey", "-in", f("rsa.pem"), "-pubout"]).decode(),
            "certificate": rd("crt.pem"),
            "csr": run([o, "req", "-new", "-key", f("ec8.pem"), "-subj", "/CN=corpus"]).decode(),
            "ec-params": run([o, "ecparam", "-name", "prime256v1"]).decode()}
    if have("ssh-keygen"):
        pubs["ssh-public-key"] = rd("id_ed25519_plain.pub")
    return out, pubs


def jwk_cases(c):
    """JWKs with private members, built by node from fresh keys."""
    script = r"""
const c = require('crypto');
const out = [];
for (const [t, o] of [['rsa', {modulusLength: 2048}], ['ec', {namedCurve: 'P-256'}], ['ec', {namedCurve: 'P-384'}], ['ed25519', {}]]) {
  const {privateKey, publicKey} = c.generateKeyPairSync(t, o);
  out.push({priv: privateKey.export({format: 'jwk'}), pub: publicKey.export({format: 'jwk'})});
}
out.push({priv: {kty: 'oct', alg: 'HS256', k: c.randomBytes(32).toString('base64url')}});
console.log(JSON.stringify(out));
"""
    try:
        keys = json.loads(run(["node", "-e", script]))
    except (OSError, subprocess.CalledProcessError):
        c.notes.append("node missing: no JWK cases")
        return
    for i, k in enumerate(keys):
        priv = k["priv"]
        rule = "ks.jwk.symmetric-key" if priv["kty"] == "oct" else "ks.jwk.private-key"
        priv = dict(priv, kid="corpus-%d" % i)
        c.pos(rule, "private-key", "jwk", json.dumps(priv, indent=2), "json")
        c.pos(rule, "private-key", "jwks", json.dumps({"keys": [priv]}), "json")
        c.pos(rule, "private-key", "jwk-in-string", json.dumps({"signing_jwk": json.dumps(priv)}), "json")
        c.pos(rule, "private-key", "jwk-env", "SIGNING_JWK='%s'\n" % json.dumps(priv, separators=(",", ":")), "env")
        if priv["kty"] == "RSA":
            # the CRT members alone give the key away
            crt = {m: priv[m] for m in ("kty", "n", "e", "dp", "dq", "qi")}
            c.pos(rule, "private-key", "jwk-crt-only", json.dumps(crt, indent=2), "json")
            c.pos(rule, "private-key", "jwk-d-first", json.dumps(dict(reversed(list(priv.items())))), "json")
        if "pub" in k:
            pub = dict(k["pub"], kid="corpus-%d" % i)
            c.neg("jwk-public", json.dumps(pub, indent=2), "json")
            c.neg("jwks-public", json.dumps({"keys": [pub]}), "json")


def embed_key(c, rule, name, text):
    """The key as a file and inside the usual carriers."""
    if isinstance(text, bytes):
        c.pos(rule, "private-key", name, text, "p12")
        return
    c.pos(rule, "private-key", name + "-file", text, "key")
    if rule == "ks.pkcs12.keystore":
        c.pos(rule, "private-key", name + "-yaml", "keystore: %s\n" % text, "yml")
        c.pos(rule, "private-key", name + "-json", json.dumps({"p12": text}), "json")
        return
    body = text.strip("\n")
    c.pos(rule, "private-key", name + "-json", json.dumps({"name": "svc", "private_key": text}), "json")
    c.pos(rule, "private-key", name + "-yaml-block", "tls:\n  key: |\n" + "".join("    " + l + "\n" for l in body.split("\n")), "yml")
    c.pos(rule, "private-key", name + "-yaml-quoted", "key: \"%s\"\n" % body.replace("\n", "\\n"), "yml")
    lines = body.split("\n")
    java = "String KEY =\n" + " +\n".join("    \"%s\\n\"" % l for l in lines) + ";\n"
    c.pos(rule, "private-key", name + "-java", java, "java")
    py = "KEY = (\n" + "".join("    \"%s\\n\"\n" % l for l in lines) + ")\n"
    c.pos(rule, "private-key", name + "-python", py, "py")
    c.pos(rule, "private-key", name + "-tfstate", json.dumps({"version": 4, "resources": [{"type": "tls_private_key", "instances": [{"attributes": {"private_key_pem": text}}]}]}, indent=2), "tfstate")
    if rule.startswith("ks.pem."):
        b = base64.b64encode(text.encode()).decode()
        c.pos(rule, "private-key", name + "-k8s-secret-b64", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\ntype: kubernetes.io/tls\ndata:\n  tls.crt: %s\n  tls.key: %s\n" % (base64.b64encode(b"not a cert").decode(), b), "yaml")
        c.pos(rule, "private-key", name + "-base64", "PRIVATE_KEY_B64=%s\n" % b, "env")
        # `base64 key.pem > key.b64`: wrapped at 76 columns, or 64
        for w in (76, 64):
            c.pos(rule, "private-key", name + "-base64-wrapped%d" % w, "".join(b[i:i + w] + "\n" for i in range(0, len(b), w)), "b64")


def service_account(c, rsa_pem):
    doc = {"type": "service_account", "project_id": "corpus-demo", "private_key_id": c.rand(40, HEXL),
           "private_key": rsa_pem, "client_email": "svc@corpus-demo.iam.gserviceaccount.com",
           "client_id": c.rand(21, string.digits), "token_uri": "https://oauth2.googleapis.com/token"}
    c.pos("ks.pem.private-key.pkcs8", "private-key", "gcp-service-account", json.dumps(doc, indent=2), "json")


# ---- hard negatives --------------------------------------------------

def negatives(c, pubs):
    for k, v in pubs.items():
        c.neg(k, v, "pem")
        c.neg(k + "-json", json.dumps({"value": v}), "json")
    refs = ["${OAUTH_CLIENT_SECRET}", "$(OAUTH_CLIENT_SECRET)", "%env(OAUTH_CLIENT_SECRET)%", "{{ .Values.oauth.clientSecret }}",
            "<your-client-secret>", "changeme", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "********************************", "REPLACE_ME",
            "os.environ['OAUTH_CLIENT_SECRET']", "process.env.OAUTH_CLIENT_SECRET", "vault:secret/data/oauth#client_secret",
            "null", "", "~", "None", "client_secret_basic", "client_secret_post", "{{ oauth_client_secret }}", "#{OAUTH_SECRET}",
            "${{ secrets.OAUTH_CLIENT_SECRET }}", "!vault |", "ENC[AES256_GCM,data:abc,iv:def,tag:ghi,type:str]", "your_client_secret_here",
            "<%= ENV['CLIENT_SECRET'] %>", "System.getenv(\"CLIENT_SECRET\")", "insert-client-secret-here", "secret-here", "placeholder-secret-value"]
    keys = [("OKTA_CLIENT_SECRET", "okta.oauth2.client-secret"), ("AUTH0_CLIENT_SECRET", "auth0.client-secret"),
            ("CLIENT_SECRET", "oauth.client-secret"), ("GITHUB_CLIENT_SECRET", "github.client-secret"),
            ("AZURE_CLIENT_SECRET", "azure.client-secret"), ("JWT_SECRET", "jwt.secret")]
    for i, r in enumerate(refs):
        ke, kd = keys[i % len(keys)]
        for fmt, ext, text in wrap_formats(c, ke, kd, r)[:6:2 if i % 2 else 3]:
            c.neg("placeholder-" + fmt, text, ext)
    c.neg("k8s-secretkeyref", "env:\n  - name: OAUTH_CLIENT_SECRET\n    valueFrom:\n      secretKeyRef:\n        name: oidc\n        key: client-secret\n", "yaml")
    c.neg("auth-methods", json.dumps({"token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"]}), "json")
    c.neg("client-secret-expires", json.dumps({"client_id": "abc", "client_secret_expires_at": 0}), "json")
    c.neg("redacted-pem", begin("RSA PRIVATE KEY") + "\nMIIEpAIBAAKCAQEA...REDACTED...\n" + end("RSA PRIVATE KEY") + "\n", "md")
    c.neg("truncated-pem", "\"private_key\": \"" + begin("PRIVATE KEY") + "\\nMIIEv...\\n" + end("PRIVATE KEY") + "\\n\"\n", "json")
    c.neg("docs-pem", "Your key file starts with `" + begin("OPENSSH PRIVATE KEY") + "` and ends with `" + end("OPENSSH PRIVATE KEY") + "`.\n", "md")
    c.neg("keycloak-masked", json.dumps({"clients": [{"clientId": "svc", "secret": "*" * 10}]}), "json")
    c.neg("aws-doc-key", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY\n", "ini")
    c.neg("stripe-doc-key", "STRIPE_SECRET_KEY=sk_test_" + "4eC39HqLyjWDarjtT1zdp7dc\n", "env")
    c.neg("stripe-publishable", "STRIPE_PUBLISHABLE_KEY=pk_live_%s\n" % c.rand(24), "env")
    for i in range(12):
        c.neg("uuid", "request_id: %s-%s-%s-%s-%s\n" % (c.rand(8, HEXL), c.rand(4, HEXL), c.rand(4, HEXL), c.rand(4, HEXL), c.rand(12, HEXL)), "yml")
        c.neg("git-sha", "commit %s\nMerge: %s\n" % (c.rand(40, HEXL), c.rand(40, HEXL)), "txt")
        c.neg("sri", "<script src=\"a.js\" integrity=\"sha384-%s\"></script>\n" % c.rand(64, B64), "html")
        c.neg("lockfile", "\"integrity\": \"sha512-%s==\",\n\"resolved\": \"https://registry.npmjs.org/a/-/a-1.0.0.tgz\"\n" % c.rand(86, B64), "json")
        c.neg("google-client-id", "GOOGLE_CLIENT_ID=%d-%s.apps.googleusercontent.com\n" % (c.rng.randrange(10**11, 10**12), c.rand(32, string.ascii_lowercase + string.digits)), "env")
        c.neg("img-data", "<img src=\"data:image/png;base64,%s\">\n" % base64.b64encode(os.urandom(300)).decode(), "html")
        c.neg("low-entropy", "CLIENT_SECRET=%s\n" % (c.rng.choice("ab") * 32), "env")
        c.neg("db-url-placeholder", "DATABASE_URL=postgres://%s@db:5432/app\n" % c.rng.choice(["user:password", "app:${DB_PASSWORD}", "app:<password>", "app:****", "app:changeme"]), "env")
        c.neg("short-tokens", "GITHUB_TOKEN=ghp_%s\nSTRIPE=sk_live_%s\nGOOGLE=GOCSPX-%s\n" % (c.rand(20), c.rand(10), c.rand(12)), "env")
        c.neg("hash-config", "checksum: %s\nsha256: %s\n" % (c.rand(40, HEXL), c.rand(64, HEXL)), "yml")
    c.neg("minified", "var a=function(b){return b.client_secret||null},c={clientSecret:d.clientSecret,clientId:e};\n", "js")
    c.neg("code-var", "session = OAuth2Session(client_id, client_secret=self.oauth_client_secret)\n", "py")
    c.neg("getter", "String secret = registration.getClientSecret();\n", "java")
    # documentation values: "example" in them, typed-in runs, AWS's keys
    for v in ("this1234is5678my91011example1213client1415secret", "idpexamplesecret456",
              "123456789012345678901234567890", "abcdefghijklmnopqrstuvwxyz0123456789"):
        c.neg("example-value", json.dumps({"ClientId": "app", "ClientSecret": v}, indent=2), "json")
    c.neg("aws-presigned-example", "https://b.s3.amazonaws.com/o?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA" + "EXAMPLE123456789%2F20240101%2Fus-east-1%2Fs3%2Faws4_request\n", "rst")
    c.neg("docs-pem-example-body", json.dumps({"privateKey": begin("RSA PRIVATE KEY") + "\nEXAMPLE" + c.rand(57, B64) + "\n" + c.rand(64, B64) + "\n" + end("RSA PRIVATE KEY") + "\n"}), "json")
    c.neg("docs-jwk", json.dumps({"kty": "EC", "crv": "P-256", "x": "...", "y": "...", "d": "<private exponent>"}), "json")


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: gen_corpus.py OUTDIR [--seed N]")
    out = sys.argv[1]
    seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else random.SystemRandom().randrange(1 << 30)
    if os.path.exists(out):
        shutil.rmtree(out)
    c = Corpus(out, random.Random(seed))
    oauth_cases(c)
    token_cases(c)
    with tempfile.TemporaryDirectory(prefix="ks-corpus-") as tmp:
        keys, pubs = make_keys(c, tmp)
        for rule, name, text in keys:
            embed_key(c, rule, name, text)
            if name == "rsa-pkcs8":
                service_account(c, text)
        jwk_cases(c)
        negatives(c, pubs)
    with open(os.path.join(out, "labels.json"), "w") as f:
        json.dump({"seed": seed, "notes": c.notes, "files": c.labels}, f, indent=1, sort_keys=True)
    npos = sum(1 for v in c.labels.values() if v["expect"])
    print("corpus: %d positives, %d negatives (seed %d) in %s" % (npos, len(c.labels) - npos, seed, out), file=sys.stderr)
    for n in c.notes:
        print("corpus: " + n, file=sys.stderr)


if __name__ == "__main__":
    main()
