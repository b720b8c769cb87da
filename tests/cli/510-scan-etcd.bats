#!/usr/bin/env bats
# keyshift scan etcd://: a real etcd (Debian etcd-server), started here on
# 127.0.0.1 with free ports and a temporary data dir, filled through its v3
# JSON gateway with generated secrets, scanned by prefix.

bats_require_minimum_version 1.5.0
load helpers
load etcd_helpers

# The per-test teardown of helpers.bash, plus the etcd a test may start.
# helpers.bash's ks_teardown, after what this suite started.
teardown() {
	[ -z "${AUTH_ETCD_PID:-}" ] || { kill "$AUTH_ETCD_PID"; wait "$AUTH_ETCD_PID"; } 2>/dev/null || true
	ks_teardown
}

setup_file() {
	ETCD_DIR=$(mktemp -d "${BATS_TMPDIR:-/tmp}/ks-etcd.XXXXXX")
	start_etcd "$ETCD_DIR"
	export ETCD_DIR ETCD_URL ETCD_PID
	# Secrets under several prefixes; generated, never committed.
	PROD_SECRET=$(gen_google_secret)
	STAGING_SECRET=$(gen_google_secret)
	INFRA_SECRET=$(gen_google_secret)
	LAST_SECRET=$(gen_google_secret)
	export PROD_SECRET STAGING_SECRET INFRA_SECRET LAST_SECRET
	etcd_put /app/prod/oauth/client_secret "$PROD_SECRET"
	etcd_put /app/prod/feature_flags '{"dark_mode": true}'
	etcd_put /app/staging/config.yml "$(printf 'oauth:\n  client_id: abc\n  client_secret: "%s"\n' "$STAGING_SECRET")"
	etcd_put /infra/google "$INFRA_SECRET"
	gen_pem_key "$ETCD_DIR/key.pem"
	etcd_put /infra/tls/key.pem "$(cat "$ETCD_DIR/key.pem")"
	# More keys than one page (256), with a secret after the first pages.
	etcd_bulk /bulk/k 700
	etcd_put /bulk/zz_last "$LAST_SECRET"
}

teardown_file() {
	stop_etcd
	rm -rf "$ETCD_DIR"
}

target() {  # target PREFIX: the etcd:// URL of this test's etcd
	printf 'etcd://%s%s' "${ETCD_URL#http://}" "$1"
}

paths_of() {
	jq -r '[.findings[].path] | unique | .[]' <<<"$output"
}

@test "etcd: a prefix scan finds the secrets under it and names the keys" {
	run --separate-stderr ks scan --no-store --format json "$(target /app/prod/)"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = /app/prod/oauth/client_secret ]
	[ "$(jq -r '[.findings[].source] | unique | join(",")' <<<"$output")" = etcd ]
	[ "$(jq -r '.scan.files' <<<"$output")" = 2 ]
	[[ "$output" != *"$PROD_SECRET"* ]]

	run --separate-stderr ks scan --no-store --format json "$(target /app/)"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' /app/prod/oauth/client_secret /app/staging/config.yml)" ]
	# A multi-line value is scanned as it is: line 3 of the YAML.
	[ "$(jq -r '.findings[] | select(.path=="/app/staging/config.yml") | .line' <<<"$output" | sort -u)" = 3 ]
}

@test "etcd: several prefixes, a PEM key, and the whole keyspace" {
	run --separate-stderr ks scan --no-store --format json "$(target /infra/)"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' /infra/google /infra/tls/key.pem)" ]
	[ "$(jq -r '.findings[] | select(.path=="/infra/tls/key.pem") | .rule' <<<"$output")" = ks.pem.private-key.pkcs8 ]
	run --separate-stderr ks scan --no-store --format json "$(target "")"
	[ "$status" -eq 1 ]
	[ "$(paths_of | wc -l)" = 5 ]
	[ "$(jq -r '.scan.files' <<<"$output")" = 706 ]
}

@test "etcd: paging reads every key of a prefix larger than one page" {
	run --separate-stderr ks scan --no-store --format json "$(target /bulk/)"
	[ "$status" -eq 1 ]
	[ "$(jq -r '.scan.files' <<<"$output")" = 701 ]
	[ "$(paths_of)" = /bulk/zz_last ]
	# A prefix with nothing under it: nothing found, and a diagnostic
	# says so, so that a mistyped prefix does not read as clean.
	run --separate-stderr ks scan --no-store --format json "$(target /nothing/)"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.findings | length' <<<"$output")" = 0 ]
	[ "$(jq -r '.diagnostics[0].kind' <<<"$output")" = empty ]
	[[ "$stderr" == *"empty: the store has no key here"* ]]
}

@test "etcd: provenance in the store is the store URL plus the key" {
	run ks scan --store "$TMP/ks.db" "$(target /app/prod/)"
	[ "$status" -eq 1 ]
	[ "$(db_query "$TMP/ks.db" "SELECT source || ' ' || repo || ' ' || CAST(path AS TEXT) FROM blob_provenance ORDER BY path")" = \
		"$(printf 'etcd %s %s\n' "$(target '')" /app/prod/feature_flags "$(target '')" /app/prod/oauth/client_secret)" ]
}

@test "etcd: an unreachable etcd is exit 2 with a clear message" {
	port=$(free_port)
	run --separate-stderr ks scan --no-store "etcd://127.0.0.1:$port/app/"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot reach etcd at 'etcd://127.0.0.1:$port'"* ]]
	[[ "$stderr" == *"onnect"* ]]
	# The other targets of the run do not hide the failure.
	printf 'client_secret = "%s"\n' "$(gen_google_secret)" > local.env
	run --separate-stderr ks scan --no-store local.env "etcd://127.0.0.1:$port/app/"
	[ "$status" -eq 2 ]
}

@test "etcd: plain http to a remote host and credentials in the URL are refused" {
	run --separate-stderr ks scan --no-store etcd://etcd.example.com:2379/app
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refusing plain http to 'etcd.example.com'"* ]]
	[[ "$stderr" == *"etcd+https://"* ]]
	run --separate-stderr ks scan --no-store "etcd://root:hunter2@${ETCD_URL#http://}/app"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"credentials in the URL are refused"* ]]
	[[ "$stderr" != *hunter2* ]]
}

@test "etcd with authentication: username and password from env or file" {
	start_etcd "$TMP/auth"
	AUTH_ETCD_PID=$ETCD_PID
	pw=$(rand_chars 20)
	curl -fsS -X POST "$ETCD_URL/v3/auth/user/add" -d "{\"name\":\"root\",\"password\":\"$pw\"}" >/dev/null
	curl -fsS -X POST "$ETCD_URL/v3/auth/user/grant" -d '{"user":"root","role":"root"}' >/dev/null
	curl -fsS -X POST "$ETCD_URL/v3/auth/enable" -d '{}' >/dev/null
	token=$(curl -fsS -X POST "$ETCD_URL/v3/auth/authenticate" -d "{\"name\":\"root\",\"password\":\"$pw\"}" | jq -r .token)
	etcd_put /svc/secret "$(gen_google_secret)" "$token"
	url=$(target /svc/)

	run --separate-stderr ks scan --no-store "$url"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"requires credentials"* && "$stderr" == *ETCD_USERNAME* ]]

	ETCD_USERNAME=root ETCD_PASSWORD=wrong run --separate-stderr ks scan --no-store "$url"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refused the credentials"* ]]

	ETCD_USERNAME=root ETCD_PASSWORD=$pw run --separate-stderr ks scan --no-store --format json "$url"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = /svc/secret ]
	[[ "$stderr" != *"$pw"* && "$output" != *"$pw"* ]]

	KEYSHIFT_ETCD_TOKEN=$token run --separate-stderr ks scan --no-store "$url"
	[ "$status" -eq 1 ]

	printf 'ETCD_USERNAME = root\nETCD_PASSWORD = %s\n' "$pw" > creds
	chmod 644 creds
	run --separate-stderr ks scan --no-store --credentials creds "$url"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refusing the credentials file"* ]]
	chmod 600 creds
	run --separate-stderr ks scan --no-store --credentials creds "$url"
	[ "$status" -eq 1 ]
}
