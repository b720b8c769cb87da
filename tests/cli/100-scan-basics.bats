#!/usr/bin/env bats
# keyshift scan: exit codes, exact locations, stdin, formats, help.

bats_require_minimum_version 1.5.0
load helpers

@test "--version and help" {
	run ks --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^keyshift\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	run ks help scan
	[ "$status" -eq 0 ]
	[[ "$output" == *"--max-file-size"* ]]
	run ks --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"scan"* && "$output" == *"rules"* ]]
}

# The commands `keyshift --help` lists, one per line.
listed_commands() {
	ks --help | sed -n '/^commands:$/,/^$/p' | awk 'NF > 1 {print $1}'
}

@test "help COMMAND and COMMAND --help work for every listed command" {
	cmds=$(listed_commands)
	[ "$(wc -l <<<"$cmds")" -ge 10 ]
	for c in $cmds; do
		run --separate-stderr ks help "$c"
		echo "help $c: $status $stderr" >&2
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		if [ "$c" = help ]; then
			[[ "$output" == "usage: keyshift "* ]]
		else
			[[ "$output" == "usage: keyshift $c"* ]]
			help_out=$output
			run -0 ks "$c" --help
			[ "$output" = "$help_out" ]
		fi
	done
	run -2 ks help no-such-command
}

@test "the man page renders without warnings and covers every command" {
	command -v man >/dev/null
	MANWIDTH=80 run --separate-stderr man --warnings -l "$KS_SOURCE_DIR/docs/keyshift.1"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[[ "$output" == *"EXIT STATUS"* ]]
	for c in $(listed_commands); do
		grep -qE "^ +keyshift $c( |$)" <<<"$output" ||
			{ echo "man page: no 'keyshift $c' line" >&2; return 1; }
	done
}

@test "exit 0 and a summary on a clean tree" {
	mkdir tree
	printf 'hello world\nnothing to see here\n' > tree/readme.txt
	run ks scan --no-store tree
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 findings"* ]]
	[[ "$output" == *"1 file"* ]]
}

@test "exit 1 with the exact path, line and column of a secret" {
	mkdir -p tree/config
	secret=$(gen_google_secret)
	printf 'first line\n\n  google_secret: %s\n' "$secret" > tree/config/app.yml
	run --separate-stderr ks scan --no-store --format jsonl tree
	[ "$status" -eq 1 ]
	line=$(printf '%s\n' "$output" | jq -c 'select(.category=="oauth-client-secret" and (.rule|test("google")))' | head -n1)
	[ -n "$line" ]
	[ "$(jq -r .path <<<"$line")" = "tree/config/app.yml" ]
	[ "$(jq -r .line <<<"$line")" = 3 ]
	[ "$(jq -r .column <<<"$line")" = 18 ]
	[ "$(jq -r .end_line <<<"$line")" = 3 ]
	[ "$(jq -r .end_column <<<"$line")" = $((18 + ${#secret} - 1)) ]
	[ "$(jq -r .source <<<"$line")" = fs ]
	[ "$(jq -r '.fingerprint|length' <<<"$line")" = 32 ]
	# Redacted by default: the secret appears nowhere in the output.
	[[ "$output" != *"$secret"* ]]
	[[ "$stderr" != *"$secret"* ]]
	[[ "$(jq -r .secret_preview <<<"$line")" == GOCS* ]]
}

@test "a private key is found by its BEGIN line" {
	mkdir tree
	gen_pem_key tree/server.key EC
	run ks scan --no-store --format jsonl tree
	[ "$status" -eq 1 ]
	[ "$(jq -r 'select(.category=="private-key") | .path' <<<"$output" | head -n1)" = tree/server.key ]
	[ "$(jq -r 'select(.category=="private-key") | .line' <<<"$output" | head -n1)" = 2 ]
}

@test "the same secret in two files is one fingerprint, two occurrences" {
	mkdir tree
	secret=$(gen_google_secret)
	printf 'a=1\nsecret: %s\n' "$secret" > tree/one.yml
	printf 'value: "%s"\n' "$secret" > tree/two.json
	run ks scan --no-store --format jsonl tree
	[ "$status" -eq 1 ]
	fps=$(jq -r 'select(.rule|test("google")) | .fingerprint' <<<"$output" | sort -u | wc -l)
	n=$(jq -r 'select(.rule|test("google")) | .path' <<<"$output" | wc -l)
	[ "$fps" -eq 1 ]
	[ "$n" -eq 2 ]
}

@test "stdin is scanned with '-' and named with --stdin-name" {
	secret=$(gen_aws_key_id)
	run bash -c "printf 'aws_access_key_id = %s\n' '$secret' | '$KEYSHIFT' scan --no-store --format jsonl -"
	[ "$status" -eq 1 ]
	[ "$(jq -r .source <<<"$output" | head -n1)" = stdin ]
	[ "$(jq -r .path <<<"$output" | head -n1)" = - ]
	[ "$(jq -r .line <<<"$output" | head -n1)" = 1 ]
	[ "$(jq -r .column <<<"$output" | head -n1)" = 21 ]
	run bash -c "printf 'x %s\n' '$secret' | '$KEYSHIFT' scan --no-store --format jsonl --stdin-name piped.env -"
	[ "$status" -eq 1 ]
	[ "$(jq -r .path <<<"$output" | head -n1)" = piped.env ]
}

@test "--show-secrets prints the secret, and only then" {
	secret=$(gen_google_secret)
	printf 'k: %s\n' "$secret" > f.yml
	run ks scan --no-store f.yml
	[ "$status" -eq 1 ]
	[[ "$output" != *"$secret"* ]]
	run ks scan --no-store --show-secrets --format jsonl f.yml
	[ "$status" -eq 1 ]
	[ "$(jq -r 'select(.rule|test("google")) | .secret' <<<"$output")" = "$secret" ]
}

@test "json is one document with version, scan and findings" {
	secret=$(gen_google_secret)
	printf 'k: %s\n' "$secret" > f.yml
	run ks scan --no-store --format json f.yml
	[ "$status" -eq 1 ]
	[ "$(jq -r .version <<<"$output")" = 1 ]
	[ "$(jq -r '.scan.files' <<<"$output")" = 1 ]
	[ "$(jq -r '.findings | length' <<<"$output")" -ge 1 ]
	[ "$(jq -r '.findings[0].path' <<<"$output")" = f.yml ]
}

@test "-o writes the report to a file" {
	secret=$(gen_google_secret)
	printf 'k: %s\n' "$secret" > f.yml
	run ks scan --no-store --format json -o report.json f.yml
	[ "$status" -eq 1 ]
	[ "$(jq -r '.findings[0].path' report.json)" = f.yml ]
}

@test "progress goes to stderr only when it is a terminal" {
	command -v script >/dev/null
	mkdir tree
	for i in 1 2 3 4; do
		head -c 12000000 /dev/urandom | base64 > "tree/blob$i.txt"
	done
	# stderr is script(1)'s terminal, stdout a file
	run -0 script -qec "'$KEYSHIFT' scan --no-store -j 1 tree >'$TMP/out.txt'" "$TMP/tty.log"
	grep -q 'MB/s' "$TMP/tty.log"
	! grep -q 'MB/s' "$TMP/out.txt" || false
	[[ "$(cat "$TMP/out.txt")" == "0 findings"* ]]
	# stderr a file: no progress, and nothing else for a clean scan
	run -0 script -qec "'$KEYSHIFT' scan --no-store -j 1 tree >'$TMP/out2.txt' 2>'$TMP/err.txt'" "$TMP/tty2.log"
	[ ! -s "$TMP/err.txt" ]
	! grep -q 'MB/s' "$TMP/tty2.log" || false
	# --quiet silences it at a terminal too
	run -0 script -qec "'$KEYSHIFT' scan --no-store -q -j 1 tree >/dev/null" "$TMP/tty3.log"
	! grep -q 'MB/s' "$TMP/tty3.log" || false
}

@test "usage errors exit 2 with a clear message" {
	run --separate-stderr ks scan --format nope .
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown format 'nope'"* ]]
	run --separate-stderr ks scan --jobs zero .
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--jobs"* ]]
	run --separate-stderr ks scan --no-such-option .
	[ "$status" -eq 2 ]
	run --separate-stderr ks scan --no-store does-not-exist
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"does-not-exist"* ]]
	run --separate-stderr ks frobnicate
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unknown command"* ]]
	run --separate-stderr ks scan --max-file-size 12Q .
	[ "$status" -eq 2 ]
}

@test "--exclude skips matching paths" {
	mkdir -p tree/vendor tree/src
	printf 'k: %s\n' "$(gen_google_secret)" > tree/vendor/lib.yml
	printf 'k: %s\n' "$(gen_google_secret)" > tree/src/app.yml
	run ks scan --no-store --format jsonl --exclude 'vendor' tree
	[ "$status" -eq 1 ]
	[ "$(jq -r .path <<<"$output" | sort -u)" = tree/src/app.yml ]
	run ks scan --no-store --format jsonl --exclude '*.yml' tree
	[ "$status" -eq 0 ]
}

@test "--jobs 1 and --jobs 4 give identical output" {
	mkdir tree
	for i in $(seq 1 40); do
		printf 'line\nkey%d: %s\n' "$i" "$(gen_google_secret)" > "tree/f$i.yml"
	done
	run ks scan --no-store --format jsonl --jobs 1 tree
	[ "$status" -eq 1 ]
	one=$output
	run ks scan --no-store --format jsonl --jobs 4 tree
	[ "$status" -eq 1 ]
	[ "$output" = "$one" ]
	[ "$(wc -l <<<"$one")" -eq 40 ]
}
