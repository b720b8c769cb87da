#!/bin/sh
# bench/git-history.sh - keyshift full-history scans against git itself
#
# Builds (once, cached in $WORK) a deterministic repository with
# bench/gen_history.py | git fast-import: SIZE * 20000 commits over
# 3000 files (SIZE=1: ~1.9 GB of blob content, 400 MB packed). Prints, in
# one run: git cat-file --batch-all-objects --batch --unordered wall and
# CPU; keyshift's full-history scan with 1 and all cores (wall, CPU,
# peak RSS); the incremental rescan ratio; the median of 20 --staged
# scans of a 10-file change (process start and rule loading included).
#
# usage: bench/git-history.sh [KEYSHIFT]     env: SIZE=1 WORK=/tmp/ksbench
set -eu
KS=${1:-${KEYSHIFT:-keyshift}}
SIZE=${SIZE:-1}
WORK=${WORK:-/tmp/ksbench}
HERE=$(cd "$(dirname "$0")" && pwd)
NCPU=$(nproc)
REPO=$WORK/repo-$SIZE.git
T=/usr/bin/time
[ -x $T ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

mkdir -p "$WORK"
if [ ! -d "$REPO" ]; then
	git init -q --bare "$REPO"
	python3 "$HERE/gen_history.py" $((SIZE * 20000)) 3000 1 |
		git -C "$REPO" fast-import --done --quiet
	git -C "$REPO" symbolic-ref HEAD refs/heads/main
fi
echo "repository: $REPO: $(git -C "$REPO" rev-list --all | wc -l) commits," \
    "$(git -C "$REPO" count-objects -vH | sed -n 's/size-pack: //p') packed"

measure() {  # label command...: prints wall, CPU, peak RSS
	label=$1; shift
	$T -f "%e %U %S %M" -o "$WORK/time.out" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$WORK/time.out" | { read -r wall user sys rss
	printf '%-34s wall %6.2f s  cpu %6.2f s  peak RSS %5d MiB\n' "$label" \
	    "$wall" "$(echo "$user + $sys" | bc)" $((rss / 1024))
	echo "$wall" >"$WORK/last.wall"; }
}

# Warm the page cache so every contender reads from memory.
cat "$REPO"/objects/pack/* >/dev/null
measure "git cat-file --batch-all-objects" sh -c \
    "git -C '$REPO' cat-file --batch-all-objects --batch --unordered >/dev/null"
catw=$(cat "$WORK/last.wall")
measure "keyshift scan -j 1" "$KS" scan --no-store -q -j 1 "$REPO"
measure "keyshift scan -j $NCPU" "$KS" scan --no-store -q -j "$NCPU" "$REPO"
ksw=$(cat "$WORK/last.wall")
echo "full scan (all cores) / cat-file: $(echo "scale=2; $ksw / $catw" | bc)"

rm -f "$WORK/inc.db"*
measure "first scan (store)" "$KS" scan --store "$WORK/inc.db" -q "$REPO"
first=$(cat "$WORK/last.wall")
measure "incremental rescan (unchanged)" "$KS" scan --store "$WORK/inc.db" \
    --incremental -q "$REPO"
again=$(cat "$WORK/last.wall")
echo "incremental ratio: $(echo "scale=1; $first / ($again + 0.005)" | bc)x"

# --staged: a worktree of the repository with 10 modified files.
[ "${SKIP_FULL:-}" ] || true
WT=$WORK/wt-$SIZE
[ -d "$WT" ] || git clone -q "$REPO" "$WT"
(cd "$WT" && git ls-files | head -10 | while read -r f; do
	echo "change $$" >>"$f"; done && git add -A)
i=0; : >"$WORK/staged.ms"
while [ $i -lt 20 ]; do
	s=$(date +%s%N)
	(cd "$WT" && "$KS" scan --no-store -q --staged . >/dev/null 2>&1) || true
	e=$(date +%s%N)
	echo $(((e - s) / 1000000)) >>"$WORK/staged.ms"
	i=$((i + 1))
done
echo "staged scan of a 10-file change: median $(sort -n "$WORK/staged.ms" |
    sed -n 10p) ms over 20 runs"
