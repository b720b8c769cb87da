#!/usr/bin/env python3
"""bench/gen_history.py - a deterministic git fast-import stream

Writes to stdout a history of COMMITS commits on one branch (plus a few
side branches merged back and some tags), built from text that exists on
the machine (/usr/include, /usr/share/doc, /usr/share/perl: sorted, so the
same machine image gives the same repository). Each commit edits a few
files (inserting, deleting and replacing line ranges drawn from the
corpus) and now and then adds or removes one; a handful of commits plant
a generated secret (made up here from the seeded PRNG: nothing real).

usage: gen_history.py COMMITS FILES SEED > stream
"""
import os
import random
import sys


def corpus_lines(limit=64 << 20):
    roots = ["/usr/include", "/usr/share/doc", "/usr/share/perl",
             "/usr/share/perl5", "/usr/lib/python3"]
    files = []
    for root in roots:
        for d, dirs, names in os.walk(root):
            dirs.sort()
            for n in sorted(names):
                if n.endswith((".h", ".txt", ".md", ".py", ".pm", ".pl",
                               ".rst", ".html", ".c")):
                    files.append(os.path.join(d, n))
    lines, total = [], 0
    for f in files:
        try:
            with open(f, "rb") as fp:
                data = fp.read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        for ln in data.splitlines(True):
            lines.append(ln)
            total += len(ln)
        if total >= limit:
            break
    return lines


def main():
    ncommits, nfiles, seed = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    rnd = random.Random(seed)
    pool = corpus_lines()
    out = sys.stdout.buffer

    def chunk(n):
        i = rnd.randrange(0, len(pool) - n)
        return pool[i:i + n]

    dirs = ["src/%s/%s" % (a, b) for a in ("core", "net", "ui", "db", "util",
                                         "api", "cli", "io")
            for b in ("a", "b", "c", "d", "e", "f")]
    tree = {}
    for i in range(nfiles):
        path = "%s/file%05d.txt" % (rnd.choice(dirs), i)
        tree[path] = chunk(rnd.randrange(40, 1600))
    paths = sorted(tree)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

    def blob(lines):
        data = b"".join(lines)
        out.write(b"data %d\n" % len(data))
        out.write(data)
        out.write(b"\n")

    t = 1500000000
    mark = 0
    for c in range(ncommits):
        t += rnd.randrange(60, 7200)
        mark += 1
        author = "Dev%02d <dev%02d@example.com>" % (c % 17, c % 17)
        out.write(b"commit refs/heads/main\nmark :%d\n" % mark)
        out.write(("author %s %d +0000\ncommitter %s %d +0000\n" %
                   (author, t, author, t)).encode())
        msg = ("change %d\n" % c).encode()
        out.write(b"data %d\n%s" % (len(msg), msg))
        if c == 0:
            out.write(b"deleteall\n")
            for p in paths:
                out.write(("M 100644 inline %s\n" % p).encode())
                blob(tree[p])
            continue
        for _ in range(rnd.randrange(1, 5)):
            p = rnd.choice(paths)
            lines = tree[p]
            op = rnd.randrange(3)
            at = rnd.randrange(0, len(lines) + 1)
            if op == 0:
                lines = lines[:at] + chunk(rnd.randrange(1, 40)) + lines[at:]
            elif op == 1 and len(lines) > 50:
                lines = lines[:at] + lines[at + rnd.randrange(1, 30):]
            else:
                lines = lines[:at] + chunk(rnd.randrange(1, 10)) + \
                    lines[at + rnd.randrange(1, 10):]
            if c % 997 == 0:
                secret = "GOCSPX-" + "".join(rnd.choice(alphabet)
                                             for _ in range(28))
                lines = lines[:at] + [("client_secret = \"%s\"\n" %
                                       secret).encode()] + lines[at:]
            tree[p] = lines
            out.write(("M 100644 inline %s\n" % p).encode())
            blob(lines)
        if c % 50 == 0:
            p = "%s/new%06d.txt" % (rnd.choice(dirs), c)
            tree[p] = chunk(rnd.randrange(40, 800))
            paths.append(p)
            out.write(("M 100644 inline %s\n" % p).encode())
            blob(tree[p])
        if c % 70 == 0 and len(paths) > nfiles // 2:
            p = paths.pop(rnd.randrange(len(paths)))
            del tree[p]
            out.write(("D %s\n" % p).encode())
        if c % 1000 == 0:
            out.write(("reset refs/tags/v%d\nfrom :%d\n" %
                       (c // 1000, mark)).encode())
    out.write(b"done\n")


if __name__ == "__main__":
    main()
