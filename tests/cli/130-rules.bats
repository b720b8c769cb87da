#!/usr/bin/env bats
# keyshift rules list|show|check, and user rules with --rules.

bats_require_minimum_version 1.5.0
load helpers

@test "rules check passes for every built-in rule" {
	run ks rules check
	[ "$status" -eq 0 ]
	[[ "$output" == *" 0 problems"* ]]
}

@test "rules list and show" {
	run ks rules list
	[ "$status" -eq 0 ]
	[ "$(wc -l <<<"$output")" -ge 8 ]
	id=$(awk 'NR==1 {print $1}' <<<"$output")
	run ks rules show "$id"
	[ "$status" -eq 0 ]
	[[ "$output" == *"id:          $id"* ]]
	[[ "$output" == *"pattern:"* ]]
	run --separate-stderr ks rules show no.such.rule
	[ "$status" -eq 2 ]
}

write_rule() {
	cat > "$1" <<YAML
rules:
  - id: test.internal.token
    name: Internal token
    description: A token format used only by this test.
    category: api-token
    confidence: high
    keywords: [ittok_]
    pattern: 'ittok_(?<secret>[a-z0-9]{24})'
    examples:
      - 'token = ittok_abcdefghijklmnopqrstuvwx'
    negative_examples:
      - 'token = ittok_short'
$2
YAML
}

@test "a user rule file is checked and used by scan" {
	write_rule my.yml ""
	run ks rules check my.yml
	[ "$status" -eq 0 ]
	tok="ittok_$(rand_chars 24 'a-z0-9')"
	printf 'x = %s\n' "$tok" > f.txt
	run ks scan --no-store --rules my.yml --format jsonl f.txt
	[ "$status" -eq 1 ]
	[ "$(jq -r .rule <<<"$output")" = test.internal.token ]
	[ "$(jq -r .column <<<"$output")" = 11 ]
}

@test "rules check reports unknown keys and failing examples" {
	write_rule bad.yml "    colour: blue"
	run ks rules check bad.yml
	[ "$status" -eq 1 ]
	[[ "$output" == *"bad.yml:"* && "$output" == *"colour"* ]]
	cat > wrong.yml <<'YAML'
rules:
  - id: test.wrong.example
    name: Wrong
    description: Its example does not match.
    category: generic
    confidence: low
    keywords: [wrongtok]
    pattern: 'wrongtok_(?<secret>[0-9]{8})'
    examples:
      - 'wrongtok_abc'
    negative_examples:
      - 'nothing'
YAML
	run ks rules check wrong.yml
	[ "$status" -eq 1 ]
	[[ "$output" == *"test.wrong.example"* ]]
	# A scan with a broken rule file is a usage error.
	run --separate-stderr ks scan --no-store --rules bad.yml .
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"colour"* ]]
}
