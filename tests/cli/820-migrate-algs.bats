#!/usr/bin/env bats
# tests/cli/820-migrate-algs.bats - the whole flow with every algorithm
# keyshift signs with, against the real oidc-provider: ES256 (R||S
# signatures: the server refuses DER), PS256, RS256 and EdDSA.
bats_require_minimum_version 1.5.0
load helpers
load migrate_helpers

setup_file() {
	as_install
}

setup() {
	ks_setup
	unset KEYSHIFT_REGISTRATION_TOKEN
	as_start
	gen_repo repo
	run -1 ks scan repo
}

teardown() {
	as_stop
	ks_teardown
}

migrate_with() {
	run -0 ks migrate --yes --alg "$1" --issuer "$ISS" --client-id "$CLIENT" \
		--registration-token-file "$RAT_FILE" --old-secret-file "$SECRET_FILE" \
		--key-dir "$TMP/keys" --config-dir "$TMP/cfg"
	[[ $output == *"verified: access token issued with aud = $ISS ($1)"* ]]
	[[ $output == *"state: secret_retired"* ]]
	rec=$(as_client)
	[ "$(jq -r .token_endpoint_auth_signing_alg <<<"$rec")" = "$1" ]
	[ "$(jq -r '.jwks.keys[0].alg' <<<"$rec")" = "$1" ]
	ln -s "$OIDC/node_modules" "$TMP/cfg/node_modules"
	run -0 node "$TMP/cfg/openid-client.mjs"
	[[ $output == *"access token obtained"* ]]
}

@test "ES256 end to end" {
	migrate_with ES256
}

@test "PS256 end to end" {
	migrate_with PS256
}

@test "RS256 end to end" {
	migrate_with RS256
}

@test "EdDSA end to end" {
	migrate_with EdDSA
	[ "$(jq -r '.jwks.keys[0].crv' <<<"$(as_client)")" = Ed25519 ]
}
