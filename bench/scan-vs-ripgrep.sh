#!/usr/bin/env bash
# bench/scan-vs-ripgrep.sh [SIZE_MB] - keyshift's directory scan against
# ripgrep with the same patterns, in the same run, on the same tree.
#
# Prints median wall times over REPS runs (default 5) with 1 thread and
# with all cores, and the throughput ratio ripgrep_time / keyshift_time
# (>= 1.0 means keyshift is at least as fast). Both read from a warm page
# cache. ripgrep runs with -P (PCRE2, as keyshift) and -U (patterns may span
# lines, as PEM blocks do), --no-ignore --hidden so both read every file.
# Before timing, both scan the tree once and the script stops unless
# ripgrep finds at least the files keyshift finds: a pattern that
# ripgrep reads differently would otherwise make it fast by finding nothing.
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

# The same patterns: every built-in rule's PCRE2 pattern (see
# bench/rg_patterns.py for the only changes one joined regex needs).
mapfile -d '' -t pats < <("$KEYSHIFT" rules list --json | python3 "$here/bench/rg_patterns.py")
[ "${#pats[@]}" -gt 0 ] || { echo "no rules from $KEYSHIFT" >&2; exit 2; }
rgargs=()
for p in "${pats[@]}"; do rgargs+=(-e "$p"); done

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# timeit CMD...: wall seconds; exit 0 and 1 (found / found nothing) are
# both a finished run, anything else stops the benchmark.
timeit() {
	local s e rc=0
	s=$(date +%s%N); "$@" >/dev/null 2>"$WORK/stderr" || rc=$?; e=$(date +%s%N)
	if [ "$rc" -gt 1 ]; then
		echo "failed ($rc): $1" >&2; head -5 "$WORK/stderr" >&2; exit 2
	fi
	awk -v d=$((e - s)) 'BEGIN {printf "%.4f\n", d / 1e9}'
}

# Warm the page cache, and check that both do the same work.
cat "$WORK"/tree/*/* >/dev/null
rc=0
"$KEYSHIFT" scan --no-store --quiet --format jsonl "$WORK/tree" >"$WORK/ks.jsonl" || rc=$?
[ "$rc" -le 1 ] || { echo "keyshift failed ($rc)" >&2; exit 2; }
ks_files=$(python3 -c 'import json, sys; print(len({json.loads(l)["path"] for l in sys.stdin}))' <"$WORK/ks.jsonl")
rc=0
rg -P -U --no-ignore --hidden --no-messages -l "${rgargs[@]}" "$WORK/tree" >"$WORK/rg.files" || rc=$?
[ "$rc" -le 1 ] || { echo "ripgrep failed ($rc) on the rule patterns" >&2; exit 2; }
rg_files=$(wc -l <"$WORK/rg.files")
if [ "$rg_files" -lt "$ks_files" ] || { [ "$ks_files" -eq 0 ] && [ "$SIZE_MB" -ge 8 ]; }; then
	echo "ripgrep matched $rg_files files, keyshift $ks_files: not the same patterns" >&2
	exit 2
fi

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
printf 'files with a match: keyshift %d, ripgrep %d (rg has no entropy or placeholder checks)\n' \
	"$ks_files" "$rg_files"
for j in 1 "$CORES"; do
	ks=${T[ks$j]} rgt=${T[rg$j]}
	awk -v j="$j" -v ks="$ks" -v rg="$rgt" -v b="$bytes" 'BEGIN {
		printf "jobs=%-2s keyshift %6.2f s (%6.0f MB/s)   ripgrep %6.2f s (%6.0f MB/s)   ratio rg/keyshift = %.2fx\n",
		    j, ks, b / 1e6 / ks, rg, b / 1e6 / rg, rg / ks }'
done
