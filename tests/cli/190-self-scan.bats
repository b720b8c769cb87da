#!/usr/bin/env bats
# keyshift scans its own repository clean: full git history plus the
# working tree, with the committed .keyshiftignore (the rule pack's
# examples) and .keyshift-ignore (synthetic test strings in history).

bats_require_minimum_version 1.5.0
load helpers

@test "keyshift's own repository scans clean" {
	cd "$KS_SOURCE_DIR"
	run --separate-stderr ks scan --no-store --format jsonl .
	if [ "$status" -ne 0 ]; then
		printf '%s\n' "$output" | jq -r '"\(.path):\(.line): \(.rule) \(.fingerprint)"' >&2
	fi
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}
