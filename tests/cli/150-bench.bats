#!/usr/bin/env bats
# bench/scan-vs-ripgrep.sh on a small tree: it runs, ripgrep gets the
# rules' patterns as keyshift runs them (it matches at least the files
# keyshift reports, so its time is not that of a broken regex finding
# nothing), and a ratio is printed for 1 thread and for all cores.

bats_require_minimum_version 1.5.0
load helpers

@test "bench: same patterns in ripgrep, and a ratio per thread count" {
	command -v rg >/dev/null
	KEYSHIFT="$KEYSHIFT" REPS=1 WORK="$TMP/bench" run -0 --separate-stderr \
		"$KS_SOURCE_DIR/bench/scan-vs-ripgrep.sh" 8
	echo "$output" "$stderr" >&2
	[[ "$output" =~ "files with a match: keyshift "([0-9]+)", ripgrep "([0-9]+) ]]
	ks=${BASH_REMATCH[1]} rgf=${BASH_REMATCH[2]}
	[ "$ks" -gt 0 ]
	[ "$rgf" -ge "$ks" ]
	[ "$(grep -c 'ratio rg/keyshift = [0-9.]*x' <<<"$output")" -eq 2 ]
	grep -q "^jobs=1 " <<<"$output"
	grep -q "^jobs=$(nproc) " <<<"$output"
}

@test "bench: every rule pattern compiles in ripgrep, joined" {
	mapfile -d '' -t pats < <(ks rules list --json | python3 "$KS_SOURCE_DIR/bench/rg_patterns.py")
	[ "${#pats[@]}" -eq "$(ks rules list --json | jq length)" ]
	args=()
	for p in "${pats[@]}"; do args+=(-e "$p"); done
	mkdir tree
	printf 'aws = "%s"\n' "$(gen_aws_key_id)" > tree/a.txt
	gen_pem_key tree/k.pem
	run -0 rg -P -U --no-ignore -l "${args[@]}" tree
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "tree/a.txt tree/k.pem " ]
}
