#!/usr/bin/env bats
# keyshift scan: inputs that cannot or must not be scanned, and hostile
# paths. Skipped inputs become diagnostics; the exit code still reflects
# the findings.

bats_require_minimum_version 1.5.0
load helpers

@test "binary and oversize files are skipped with a diagnostic" {
	mkdir tree
	secret=$(gen_google_secret)
	printf 'k: %s\n\0\0binary' "$secret" > tree/blob.bin
	{ printf 'k: %s\n' "$(gen_google_secret)"; head -c 4096 /dev/zero | tr '\0' 'a'; } > tree/big.txt
	printf 'k: %s\n' "$(gen_google_secret)" > tree/small.yml
	run --separate-stderr ks scan --no-store --format json --max-file-size 2K tree
	[ "$status" -eq 1 ]
	[ "$(jq -r '[.findings[].path] | unique | join(",")' <<<"$output")" = tree/small.yml ]
	[ "$(jq -r '.diagnostics[] | select(.path=="tree/blob.bin") | .kind' <<<"$output")" = binary ]
	[ "$(jq -r '.diagnostics[] | select(.path=="tree/big.txt") | .kind' <<<"$output")" = too-large ]
	[[ "$stderr" == *"tree/blob.bin"* && "$stderr" == *"tree/big.txt"* ]]
	# --binary scans it after all.
	run ks scan --no-store --format jsonl --binary tree/blob.bin
	[ "$status" -eq 1 ]
}

@test "only skipped inputs: exit 0 and diagnostics" {
	printf '\0\0\0' > only.bin
	run --separate-stderr ks scan --no-store only.bin
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"binary"* ]]
}

@test "an unreadable file gives a diagnostic and the scan goes on" {
	mkdir tree
	printf 'k: %s\n' "$(gen_google_secret)" > tree/readable.yml
	printf 'k: %s\n' "$(gen_google_secret)" > tree/locked.yml
	chmod 000 tree/locked.yml
	chmod 755 "$TMP" tree
	chmod 644 tree/readable.yml
	runner=()
	if [ "$(id -u)" -eq 0 ]; then
		# root reads anything: drop to nobody so the permission is real.
		runner=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	fi
	run --separate-stderr "${runner[@]}" "$KEYSHIFT" scan --no-store --format json tree
	[ "$status" -eq 1 ]
	[ "$(jq -r '.findings[].path' <<<"$output" | sort -u)" = tree/readable.yml ]
	[ "$(jq -r '.diagnostics[] | select(.path=="tree/locked.yml") | .kind' <<<"$output")" = unreadable ]
	[[ "$stderr" == *"tree/locked.yml"* ]]
}

@test "symlinks are not followed: loops and links out of the root" {
	mkdir -p outside tree/sub
	printf 'k: %s\n' "$(gen_google_secret)" > outside/secret.yml
	ln -s ../outside tree/escape-dir
	ln -s ../outside/secret.yml tree/escape-file
	ln -s .. tree/sub/up
	ln -s loop-b tree/loop-a
	ln -s loop-a tree/loop-b
	printf 'k: %s\n' "$(gen_google_secret)" > tree/inside.yml
	run --separate-stderr timeout 20 "$KEYSHIFT" scan --no-store --format json tree
	[ "$status" -eq 1 ]
	[ "$(jq -r '[.findings[].path] | unique | join(",")' <<<"$output")" = tree/inside.yml ]
}

@test "paths with spaces, newlines and non-UTF-8 bytes come out safely" {
	mkdir tree
	secret=$(gen_google_secret)
	printf 'k: %s\n' "$secret" > "tree/with space.yml"
	printf 'k: %s\n' "$secret" > "tree/new"$'\n'"line.yml"
	printf 'k: %s\n' "$secret" > "tree/bad"$'\xff\xfe'".yml"
	printf 'k: %s\n' "$secret" > "tree/esc"$'\e[31m'".yml"
	run ks scan --no-store --format json tree
	[ "$status" -eq 1 ]
	jq -e . <<<"$output" >/dev/null
	[ "$(jq -r '.findings | length' <<<"$output")" -eq 4 ]
	jq -e '.findings[] | select(.path=="tree/with space.yml")' <<<"$output" >/dev/null
	jq -e '.findings[] | select(.path=="tree/new\nline.yml")' <<<"$output" >/dev/null
	# The raw bytes survive in path_base64.
	b64=$(jq -r '.findings[] | select(.path_base64 != null) | .path_base64' <<<"$output")
	[ "$(printf '%s' "$b64" | base64 -d | od -An -tx1 | tr -d ' \n')" = "$(printf 'tree/bad\xff\xfe.yml' | od -An -tx1 | tr -d ' \n')" ]
	# Text output: no raw control characters reach the terminal.
	run ks scan --no-store tree
	[ "$status" -eq 1 ]
	assert_no_control_chars
	[[ "$output" == *'tree/new\nline.yml'* ]]
	[[ "$output" == *'tree/bad\xff\xfe.yml'* ]]
	[[ "$output" == *'tree/esc\x1b[31m.yml'* ]]
}
