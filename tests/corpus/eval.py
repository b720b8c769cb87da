#!/usr/bin/env python3
"""tests/corpus/eval.py - precision and recall of keyshift on the corpus

    eval.py --keyshift BIN [--corpus DIR] [--seed N] [--min-recall R]
            [--max-fp-rate F] [--show-misses] [--json FILE]

Generates the corpus (gen_corpus.py) into a temporary directory unless
--corpus names one, scans it with `keyshift scan --no-store -f jsonl`,
and compares the findings with labels.json:

- a positive file is found (recall) when a finding's rule is one of its
  expected rules; per rule, recall counts the file under its primary rule;
- a finding is a true positive when its rule is expected for its file,
  otherwise a false positive (precision, per category of the finding);
- the false-positive rate is the share of negative files with a finding.

Exit status 1 when recall < --min-recall or the false-positive rate >
--max-fp-rate (CI: 0.98 and 0.01), 2 on a usage or runtime error.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def pct(a, b):
    return "%6.2f%%" % (100.0 * a / b) if b else "     -"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--keyshift", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--seed")
    ap.add_argument("--min-recall", type=float, default=0.0)
    ap.add_argument("--max-fp-rate", type=float, default=1.0)
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()

    tmp = None
    corpus = a.corpus
    if not corpus or not os.path.exists(os.path.join(corpus, "labels.json")):
        if not corpus:
            tmp = tempfile.TemporaryDirectory(prefix="ks-eval-")
            corpus = os.path.join(tmp.name, "corpus")
        cmd = [sys.executable, os.path.join(HERE, "gen_corpus.py"), corpus]
        if a.seed:
            cmd += ["--seed", a.seed]
        subprocess.run(cmd, check=True)
    with open(os.path.join(corpus, "labels.json")) as f:
        meta = json.load(f)
    labels = meta["files"]
    p = subprocess.run([a.keyshift, "scan", "--no-store", "--no-ignore", "-q", "-f", "jsonl", corpus],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode not in (0, 1):
        sys.stderr.write(p.stderr.decode(errors="replace"))
        sys.exit(2)
    by_file = collections.defaultdict(list)
    prefix = os.path.abspath(corpus).rstrip("/") + "/"
    for line in p.stdout.decode().splitlines():
        o = json.loads(line)
        path = o["path"]
        if path.startswith(prefix):
            path = path[len(prefix):]
        elif path.startswith(corpus.rstrip("/") + "/"):
            path = path[len(corpus.rstrip("/")) + 1:]
        by_file[path].append(o)

    cat_pos = collections.Counter()
    cat_hit = collections.Counter()
    rule_pos = collections.Counter()
    rule_hit = collections.Counter()
    rule_cat = {}
    tp = collections.Counter()
    fp = collections.Counter()
    neg_files = neg_hit = 0
    misses, fps = [], []
    for rel, lab in sorted(labels.items()):
        found = by_file.get(rel, [])
        expect = set(lab["expect"])
        for o in found:
            if o["rule"] in expect:
                tp[o["category"]] += 1
            else:
                fp[o["category"]] += 1
                fps.append((rel, o["rule"]))
        if not expect:
            neg_files += 1
            if found:
                neg_hit += 1
            continue
        cat = lab["category"]
        cat_pos[cat] += 1
        rule_pos[lab["rule"]] += 1
        rule_cat[lab["rule"]] = cat
        if any(o["rule"] in expect for o in found):
            cat_hit[cat] += 1
            rule_hit[lab["rule"]] += 1
        else:
            misses.append((rel, sorted(set(o["rule"] for o in found))))

    npos = sum(cat_pos.values())
    nhit = sum(cat_hit.values())
    recall = nhit / npos if npos else 0.0
    fp_rate = neg_hit / neg_files if neg_files else 0.0
    ttp, tfp = sum(tp.values()), sum(fp.values())
    precision = ttp / (ttp + tfp) if ttp + tfp else 1.0

    rules_per_cat = collections.Counter()
    lst = subprocess.run([a.keyshift, "rules", "list", "--json"], stdout=subprocess.PIPE, check=True)
    for r in json.loads(lst.stdout):
        rules_per_cat[r["category"]] += 1

    print("corpus: %d positives, %d negatives (seed %s)" % (npos, neg_files, meta.get("seed")))
    for n in meta.get("notes", []):
        print("note: " + n)
    print()
    print("%-22s %5s %9s %9s %9s %6s" % ("category", "rules", "positives", "recall", "precision", "FP"))
    cats = sorted(set(cat_pos) | set(tp) | set(fp) | set(rules_per_cat))
    for cat in cats:
        print("%-22s %5d %9d %9s %9s %6d" % (cat, rules_per_cat[cat], cat_pos[cat], pct(cat_hit[cat], cat_pos[cat]),
                                             pct(tp[cat], tp[cat] + fp[cat]), fp[cat]))
    print("%-22s %5d %9d %9s %9s %6d" % ("all", sum(rules_per_cat.values()), npos, pct(nhit, npos), pct(ttp, ttp + tfp), tfp))
    print()
    print("%-48s %9s %9s" % ("rule (primary label)", "positives", "recall"))
    for r in sorted(rule_pos):
        print("%-48s %9d %9s" % (r, rule_pos[r], pct(rule_hit[r], rule_pos[r])))
    print()
    print("recall %.2f%%, precision %.2f%%, false-positive rate %.2f%% (%d of %d negative files)" % (
        100 * recall, 100 * precision, 100 * fp_rate, neg_hit, neg_files))
    if a.show_misses or recall < a.min_recall or fp_rate > a.max_fp_rate:
        for rel, got in misses:
            print("miss: %s (found: %s)" % (rel, ", ".join(got) or "nothing"))
        for rel, rule in fps:
            print("false positive: %s by %s" % (rel, rule))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"recall": recall, "precision": precision, "fp_rate": fp_rate, "positives": npos,
                       "negatives": neg_files, "by_category": {c: {"positives": cat_pos[c], "found": cat_hit[c],
                       "tp": tp[c], "fp": fp[c], "rules": rules_per_cat[c]} for c in cats},
                       "by_rule": {r: {"positives": rule_pos[r], "found": rule_hit[r]} for r in rule_pos}}, f, indent=1)
    ok = recall >= a.min_recall and fp_rate <= a.max_fp_rate
    if not ok:
        print("FAIL: recall must be >= %.2f%% and the false-positive rate <= %.2f%%" % (100 * a.min_recall, 100 * a.max_fp_rate))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
