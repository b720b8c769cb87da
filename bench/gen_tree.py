#!/usr/bin/env python3
"""bench/gen_tree.py DIR SIZE_MB [SEED] - a deterministic tree of mixed text.

Source-like lines, YAML/JSON/.env configuration, logs and base64 blobs,
with a synthetic secret planted about once per MiB, so that matching and
prefiltering both have work. Secrets are generated from the seed, never
real.
"""
import os
import random
import string
import sys

WORDS = ("client server token request response config value handler error "
         "context buffer stream session user account service deploy build "
         "cache queue worker thread timeout retry backoff metric label "
         "namespace cluster region bucket object key secret password "
         "issuer audience scope grant refresh access identity provider "
         "oauth openid callback redirect endpoint").split()
ALNUM = string.ascii_letters + string.digits


def rand_word(r):
    return r.choice(WORDS)


def code_line(r):
    k = r.randrange(6)
    w = [rand_word(r) for _ in range(4)]
    if k == 0:
        return f"    if ({w[0]}_{w[1]} != NULL && {w[2]} > {r.randrange(1000)}) {{"
    if k == 1:
        return f"    {w[0]} := {w[1]}.{w[2].capitalize()}({w[3]}, {r.randrange(99)})"
    if k == 2:
        return f"# {' '.join(rand_word(r) for _ in range(r.randrange(4, 12)))}"
    if k == 3:
        return f"  {w[0]}_{w[1]}: {w[2]}-{r.randrange(10**6)}"
    if k == 4:
        return f'  "{w[0]}{w[1].capitalize()}": "{w[2]}/{w[3]}/{r.randrange(10**4)}",'
    return (f"2026-11-{r.randrange(1, 29):02d}T{r.randrange(24):02d}:00:00Z INFO "
            f"{w[0]} {w[1]} took {r.randrange(5000)}ms id={r.getrandbits(64):016x}")


def planted(r):
    k = r.randrange(4)
    if k == 0:
        return "GOCSPX-" + "".join(r.choice(ALNUM + "_-") for _ in range(28))
    if k == 1:
        return "AKIA" + "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))
    if k == 2:
        return "ghp_" + "".join(r.choice(ALNUM) for _ in range(36))
    return "client_secret: " + "".join(r.choice(ALNUM) for _ in range(32))


def main():
    root, size_mb = sys.argv[1], int(sys.argv[2])
    r = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 42)
    total, target, n = 0, size_mb << 20, 0
    next_secret = 1 << 20
    while total < target:
        d = os.path.join(root, f"d{n // 200:04d}")
        os.makedirs(d, exist_ok=True)
        ext = r.choice([".c", ".go", ".yml", ".json", ".log", ".env", ".txt"])
        lines = []
        fsize = r.randrange(4 << 10, 512 << 10)
        cur = 0
        while cur < fsize:
            if r.randrange(40) == 0:
                line = "".join(r.choice(ALNUM + "+/") for _ in range(76))
            else:
                line = code_line(r)
            if total + cur >= next_secret:
                line = f"  value = {planted(r)}"
                next_secret += 1 << 20
            lines.append(line)
            cur += len(line) + 1
        with open(os.path.join(d, f"f{n:06d}{ext}"), "w") as f:
            f.write("\n".join(lines) + "\n")
        total += cur
        n += 1
    print(f"{n} files, {total / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
