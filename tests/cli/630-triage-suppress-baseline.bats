#!/usr/bin/env bats
# Triage, .keyshift-ignore suppressions (expiry, path scope, unused
# entries) and baselines for CI gates.

bats_require_minimum_version 1.5.0
load helpers

fp_of() {  # fp_of PATH: the fingerprint of the Google secret found in PATH
	ks scan --no-store --format jsonl "$1" | jq -r 'select(.rule == "ks.google.oauth-client-secret") | .fingerprint' | head -n1
}

@test "triage records status, reason, user and time, shown in reports" {
	mkdir tree
	printf 'google_secret: %s\n' "$(gen_google_secret)" > tree/a.yml
	run -1 ks scan -o /dev/null tree
	fp=$(fp_of tree)
	KEYSHIFT_USER=alice SOURCE_DATE_EPOCH=1767225600 run -0 ks findings triage "${fp:0:12}" --status false-positive --reason "a test value"
	[ "$output" = "$fp: false-positive" ]
	run -0 ks findings show "$fp"
	[[ "$output" == *"status       false-positive"* ]]
	[[ "$output" == *"2026-01-01T00:00:00Z  false-positive  alice  a test value"* ]]
	run -0 ks findings list --status false-positive
	[[ "$output" == "$fp  false-positive"* ]]
	# every format shows the status, who set it, when and why
	for f in text json jsonl csv sarif markdown html; do
		run -1 ks report --format "$f"
		echo "format $f" >&2
		[[ "$output" == *"false-positive"* ]]
		[[ "$output" == *"alice"* ]]
		[[ "$output" == *"2026-01-01T00:00:00Z"* ]]
		[[ "$output" == *"a test value"* ]]
	done
	run -1 ks report --format jsonl
	[ "$(jq -c '[.status, .status_user, .status_time, .status_reason]' <<<"$output")" = \
		'["false-positive","alice","2026-01-01T00:00:00Z","a test value"]' ]
	run -1 ks report --format sarif
	[ "$(jq -r '.runs[0].results[0].suppressions[0].justification' <<<"$output")" = "a test value" ]
	[ "$(jq -r '.runs[0].results[0].properties.statusUser' <<<"$output")" = alice ]
	run -1 ks report --format csv
	[[ "$(sed -n 1p <<<"$output")" == *",status_reason,status_user,status_time"$'\r' ]]
	[[ "$(sed -n 2p <<<"$output")" == *",a test value,alice,2026-01-01T00:00:00Z"$'\r' ]]
	run -0 ks report --status open
	run -2 ks findings triage "$fp" --status bogus
	run -1 ks findings triage 0000000000000000 --status open
	# a later change wins, and an untriaged finding carries none of it
	printf 'google_secret: %s\n' "$(gen_google_secret)" > tree/b.yml
	run -1 ks scan -o /dev/null tree
	KEYSHIFT_USER=bob SOURCE_DATE_EPOCH=1767312000 run -0 ks findings triage "$fp" --status revoked --reason "rotated"
	run -1 ks report --format jsonl
	[ "$(jq -c 'select(.fingerprint == "'"$fp"'") | [.status, .status_user, .status_time, .status_reason]' <<<"$output")" = \
		'["revoked","bob","2026-01-02T00:00:00Z","rotated"]' ]
	[ "$(jq -c 'select(.fingerprint != "'"$fp"'") | [.status, .status_user, .status_time]' <<<"$output" | sort -u)" = \
		'["open",null,null]' ]
}

@test "a suppression hides its fingerprint wherever it moves; a new secret on that line is reported" {
	mkdir tree
	s1=$(gen_google_secret)
	printf 'google_secret: %s\n' "$s1" > tree/a.yml
	fp=$(fp_of tree)
	printf '# known test credential\n%s  reason="test tenant" owner="sec@example.com"\n' "$fp" > .keyshift-ignore
	run -0 ks scan --no-store tree
	[[ "$output" == *"0 findings"*"1 suppressed"* ]]
	# moved to another file and line: still suppressed
	mkdir tree/sub
	printf '\n\n\nx: 1\ngoogle_secret: %s\n' "$s1" > tree/sub/moved.yml
	rm tree/a.yml
	run -0 ks scan --no-store tree
	# a new secret on the suppressed line is reported
	printf '\n\n\nx: 1\ngoogle_secret: %s\n' "$(gen_google_secret)" > tree/sub/moved.yml
	run -1 ks scan --no-store --format jsonl tree
	[ "$(printf '%s\n' "$output" | jq -r 'select(.rule == "ks.google.oauth-client-secret") | .line')" = 5 ]
}

@test "expired suppressions stop suppressing and are reported on stderr" {
	mkdir tree
	printf 'google_secret: %s\n' "$(gen_google_secret)" > tree/a.yml
	fp=$(fp_of tree)
	printf '%s  reason="until rotation" owner=bob expires=2026-01-31\n' "$fp" > .keyshift-ignore
	SOURCE_DATE_EPOCH=1769817600 run -0 ks scan --no-store tree       # 2026-01-31: still valid
	SOURCE_DATE_EPOCH=1769904000 run --separate-stderr -1 ks scan --no-store tree  # 2026-02-01
	[[ "$stderr" == *".keyshift-ignore:1: the suppression of ${fp:0:12} expired on 2026-01-31"* ]]
}

@test "path scope, a TARGET/.keyshift-ignore, and malformed files" {
	mkdir -p tree/tests tree/src
	s=$(gen_google_secret)
	printf 'google_secret: %s\n' "$s" > tree/tests/fixture.yml
	printf 'google_secret: %s\n' "$s" > tree/src/app.yml
	fp=$(fp_of tree/src)
	printf '%s reason="fixture" owner="qa" path="tests/*"\n' "$fp" > tree/.keyshift-ignore
	run -1 ks scan --no-store --format jsonl tree
	[ "$(printf '%s\n' "$output" | jq -r 'select(.rule == "ks.google.oauth-client-secret") | .path')" = tree/src/app.yml ]
	printf '%s reason="no owner"\n' "$fp" > bad-ignore
	run -2 ks scan --no-store --ignore-file bad-ignore tree
	[[ "$output" == *"bad-ignore:1: reason=\"...\" and owner=\"...\" are required"* ]]
	printf 'nothex reason=x owner=y\n' > bad-ignore
	run -2 ks scan --no-store --ignore-file bad-ignore tree
	printf '%s reason=x owner=y expires=2026-02-30\n' "$fp" > bad-ignore
	run -2 ks scan --no-store --ignore-file bad-ignore tree
	[[ "$output" == *"expires: expected YYYY-MM-DD"* ]]
}

@test "report --unused-suppressions lists entries that match nothing" {
	mkdir tree
	printf 'google_secret: %s\n' "$(gen_google_secret)" > tree/a.yml
	run -1 ks scan -o /dev/null tree
	fp=$(fp_of tree)
	{
		printf '%s  reason="used" owner=a\n' "$fp"
		printf '%s  reason="gone" owner=b\n' 0123456789abcdef0123456789abcdef
	} > .keyshift-ignore
	run -1 ks report --unused-suppressions
	[ "$output" = '.keyshift-ignore:2: 0123456789abcdef0123456789abcdef  owner="b" reason="gone"' ]
	run -0 ks report --format jsonl
	[ -z "$output" ]
	run -1 ks report --no-suppressions --format jsonl
	[ -n "$output" ]
	sed -i 2d .keyshift-ignore
	run -0 ks report --unused-suppressions
}

@test "baseline: sorted and stable; moved secrets stay quiet, new ones fail" {
	mkdir -p tree
	s1=$(gen_google_secret) s2=$(gen_google_secret)
	printf 'google_secret: %s\n' "$s1" > tree/a.yml
	printf 'x\ngoogle_secret: %s\n' "$s2" > tree/b.yml
	run -0 ks baseline create -o baseline.txt tree
	[ "$(grep -vc '^#' baseline.txt)" -ge 2 ]
	grep -v '^#' baseline.txt | sort -c
	[ "$(grep -v '^#' baseline.txt | sort -u | wc -l)" = "$(grep -vc '^#' baseline.txt)" ]
	! grep -qE '[0-9]{4}-[0-9]{2}-[0-9]{2}|a\.yml|:[0-9]' baseline.txt || false
	cp baseline.txt first.txt
	run -0 ks scan --no-store --baseline baseline.txt tree
	[[ "$output" == *"in the baseline"* ]]
	# moved to another line and file: still baselined, same baseline bytes
	mkdir tree/moved
	printf '\n\n\ngoogle_secret: %s\n' "$s1" > tree/moved/c.yml
	rm tree/a.yml
	run -0 ks scan --no-store --baseline baseline.txt tree
	run -0 ks baseline create -o again.txt tree
	cmp first.txt again.txt
	# a new secret fails the gate, and only it is reported
	printf 'google_secret: %s\n' "$(gen_google_secret)" >> tree/b.yml
	run -1 ks scan --no-store --baseline baseline.txt --format jsonl tree
	[ "$(printf '%s\n' "$output" | jq -r 'select(.rule == "ks.google.oauth-client-secret") | .line')" = 3 ]
	# a NEW secret on a baselined line (line 2 of b.yml held s2) is reported
	printf 'x\ngoogle_secret: %s\n' "$(gen_google_secret)" > tree/b.yml
	run -1 ks scan --no-store --baseline baseline.txt --format jsonl tree
	[ "$(printf '%s\n' "$output" | jq -r 'select(.rule == "ks.google.oauth-client-secret") | "\(.path):\(.line)"')" = tree/b.yml:2 ]
	printf 'junk\n' > broken.txt
	run -2 ks scan --no-store --baseline broken.txt tree
}
