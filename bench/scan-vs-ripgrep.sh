#!/usr/bin/env bash
# bench/scan-vs-ripgrep.sh [SIZE_MB] - keyshift's directory scan against
# ripgrep with the same patterns, in the same run, on the same tree.
#
# Prints median wall times over REPS runs (default 5) with 1 thread and
# with all cores, and the throughput ratio ripgrep_time / keyshift_time
# (>= 1.0 means keyshift is at least as fast). Both read from a warm page
# cache. ripgrep runs with -P (PCRE2, as keyshift) and -U (patterns may span
# lines, as PEM blocks do), --no-ignore --hidden so both read every file.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
KEYSHIFT=${KEYSHIFT:-$here/build/cli/keyshift}
SIZE_MB=${1:-512}
REPS=${REPS:-5}
WORK=${WORK:-/tmp/ks-bench-tree-$SIZE_MB}
CORES=$(nproc)

command -v rg >/dev/null || { echo "needs ripgrep (apt-get install ripgrep)" >&2; exit 2; }
[ -x "$KEYSHIFT" ] || { echo "build keyshift first ($KEYSHIFT)" >&2; exit 2; }

if [ ! -f "$WORK/.done" ]; then
	rm -rf "$WORK"; mkdir -p "$WORK/tree"
	python3 "$here/bench/gen_tree.py" "$WORK/tree" "$SIZE_MB" 42
	touch "$WORK/.done"
fi
bytes=$(du -sb "$WORK/tree" | cut -f1)

# The same patterns: every built-in rule's PCRE2 pattern.
mapfile -t pats < <("$KEYSHIFT" rules list --json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print(r["pattern"].replace("\n", " ") if not r["pattern"].lstrip().startswith("(?x)") else r["pattern"].replace("\n", "\\n"))
')
rgargs=()
for p in "${pats[@]}"; do rgargs+=(-e "$p"); done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
timeit() {
	local s e
	s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
	awk -v d=$((e - s)) 'BEGIN {printf "%.4f\n", d / 1e9}'
}

# Warm the page cache.
cat "$WORK"/tree/*/* >/dev/null

declare -A T
for j in 1 "$CORES"; do
	ks=(); rgt=()
	for _ in $(seq 1 "$REPS"); do
		ks+=("$(timeit "$KEYSHIFT" scan --no-store --quiet --format jsonl -j "$j" "$WORK/tree")")
		rgt+=("$(timeit rg -P -U --no-ignore --hidden -j "$j" --no-messages -c "${rgargs[@]}" "$WORK/tree")")
	done
	T[ks$j]=$(printf '%s\n' "${ks[@]}" | median)
	T[rg$j]=$(printf '%s\n' "${rgt[@]}" | median)
done

printf 'tree: %s MB, %d patterns, %d reps, medians\n' "$((bytes / 1000000))" "${#pats[@]}" "$REPS"
for j in 1 "$CORES"; do
	ks=${T[ks$j]} rgt=${T[rg$j]}
	awk -v j="$j" -v ks="$ks" -v rg="$rgt" -v b="$bytes" 'BEGIN {
		printf "jobs=%-2s keyshift %6.2f s (%6.0f MB/s)   ripgrep %6.2f s (%6.0f MB/s)   ratio rg/keyshift = %.2fx\n",
		    j, ks, b / 1e6 / ks, rg, b / 1e6 / rg, rg / ks }'
done
