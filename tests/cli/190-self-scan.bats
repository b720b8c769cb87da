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

@test ".keyshiftignore paths are skipped in history and in modified files" {
	git init -q repo
	cd repo
	git config user.email dev@example.test
	git config user.name Dev
	mkdir -p rules src
	printf 'rules/\n' > .keyshiftignore
	printf 'k: %s\n' "$(gen_google_secret)" > rules/examples.yml
	printf 'k: %s\n' "$(gen_google_secret)" > src/app.yml
	git add . && git commit -qm one
	printf 'k: %s\n' "$(gen_google_secret)" >> rules/examples.yml
	run --separate-stderr ks scan --no-store --format jsonl .
	[ "$status" -eq 1 ]
	[ "$(jq -r .path <<<"$output" | sort -u)" = src/app.yml ]
	# --no-ignore scans them after all, history and working tree alike.
	run --separate-stderr ks scan --no-store --no-ignore --format jsonl .
	[ "$(jq -r 'select(.path=="rules/examples.yml") | .source' <<<"$output" | sort -u | tr '\n' ' ')" = "git worktree " ]
}
