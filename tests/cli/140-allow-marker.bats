#!/usr/bin/env bats
# The inline allow marker: `keyshift:allow [RULE-ID] [reason]` on a line.

bats_require_minimum_version 1.5.0
load helpers

marker() { printf 'keyshift:%s' allow; }

@test "a marked line is not reported and the allowance is recorded" {
	s1=$(gen_google_secret) s2=$(gen_google_secret)
	printf 'a: %s  # %s test fixture only\nb: %s\n' "$s1" "$(marker)" "$s2" > f.yml
	run --separate-stderr ks scan --store s.db --format jsonl f.yml
	[ "$status" -eq 1 ]
	[ "$(wc -l <<<"$output")" -eq 1 ]
	[ "$(jq -r .line <<<"$output")" = 2 ]
	[ "$(db_query s.db 'SELECT count(*) FROM inline_allow')" = 1 ]
	[ "$(db_query s.db 'SELECT reason FROM inline_allow')" = "test fixture only" ]
	[ "$(db_query s.db 'SELECT line FROM inline_allow')" = 1 ]
	# Rescanning records no duplicate allowance.
	run ks scan --store s.db --format jsonl f.yml
	[ "$(db_query s.db 'SELECT count(*) FROM inline_allow')" = 1 ]
	# Text summary counts it as suppressed.
	run ks scan --no-store f.yml
	[[ "$output" == *"1 finding "*"; 1 suppressed"* ]]
}

@test "a marker naming a rule allows only that rule" {
	s=$(gen_google_secret)
	printf 'x: %s  # %s ks.google.oauth-client-secret documented sample\n' "$s" "$(marker)" > g.yml
	run ks scan --no-store --format jsonl g.yml
	[ "$status" -eq 0 ]
	printf 'x: %s  # %s ks.aws.access-key-id wrong rule\n' "$s" "$(marker)" > h.yml
	run ks scan --no-store --format jsonl h.yml
	[ "$status" -eq 1 ]
	[ "$(jq -r .rule <<<"$output" | sort -u)" = ks.google.oauth-client-secret ]
}

@test "a similar word is not a marker; the whole file is not allowed" {
	s=$(gen_google_secret)
	printf 'x: %s # %sed\n' "$s" "$(marker)" > a.yml
	run ks scan --no-store --format jsonl a.yml
	[ "$status" -eq 1 ]
	printf '# %s\n\nx: %s\n' "$(marker)" "$s" > b.yml
	run ks scan --no-store --format jsonl b.yml
	[ "$status" -eq 1 ]
}

@test "a multi-line private key is allowed by a marker on its BEGIN line" {
	gen_pem_key k.pem EC
	{ printf '# next block: %s\n' "$(marker)"; sed '1s/$/ '"$(marker)"'/' k.pem; } > marked.txt
	run ks scan --no-store --format jsonl marked.txt
	[ "$status" -eq 0 ]
	run ks scan --no-store --format jsonl k.pem
	[ "$status" -eq 1 ]
}
