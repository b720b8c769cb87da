#!/usr/bin/env bats
# tests/cli/800-migrate-verify.bats - discovery, verification and RFC
# 7591/7592 registration against a real authorization server (npm
# oidc-provider 8.x on 127.0.0.1, started per test).
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
	ks keys generate --alg ES256 --out key.pem >kid
}

teardown() {
	as_stop
	ks_teardown
}

register() {
	ks migrate register --issuer "$ISS" --client-id "$CLIENT" --key key.pem \
		--registration-uri "$ISS/reg/$CLIENT" --registration-token-file "$RAT_FILE" "$@"
}

@test "plain http is refused without the test-only loopback mode" {
	unset KEYSHIFT_ALLOW_HTTP_LOOPBACK
	run -2 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key key.pem
	[[ $output == *"refusing plain http"*"test-only"* ]]
	run -2 ks migrate verify --issuer "http://192.0.2.1" --client-id x --key key.pem \
		--allow-http-loopback
	[[ $output == *"refusing plain http to '192.0.2.1'"* ]]
}

@test "discovery: the issuer must match exactly; OIDC after an RFC 8414 404" {
	run -2 ks migrate verify --issuer "$ISS/" --client-id "$CLIENT" --key key.pem
	[[ $output == *"names issuer '$ISS', not '$ISS/'"* ]]
	run -1 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key key.pem
	[[ $output == *"metadata        $ISS/.well-known/openid-configuration"* ]]
	grep -q 'GET /.well-known/oauth-authorization-server 404' "$TMP/as/server.log"
	[[ $output == *"clock skew      +0 s"* || $output == *"clock skew      -1 s"* || $output == *"clock skew      +1 s"* ]]
}

@test "verify before registration: refused, both audiences probed, diagnosed, exit 1" {
	run -1 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key key.pem
	[[ $output == *"aud = issuer          rejected"* ]]
	[[ $output == *"aud = token endpoint  rejected"* ]]
	[[ $output == *"token           refused: 401 invalid_client"* ]]
	[[ $output == *"keys not registered for this client"* ]]
}

@test "register --dry-run prints the full RFC 7592 PUT, token redacted, and changes nothing" {
	run -0 register --dry-run
	[[ $output == *"PUT $ISS/reg/$CLIENT"* ]]
	[[ $output == *"Authorization: Bearer [redacted]"* ]]
	[[ $output == *'"token_endpoint_auth_method": "private_key_jwt"'* ]]
	[[ $output == *'"grant_types": ['* ]]
	[[ $output == *'"contacts": ['* ]]
	[[ $output == *"\"kid\": \"$(cat kid)\""* ]]
	[[ $output != *'"client_secret"'* && $output != *registration_access_token* ]]
	refute_secrets_in "$output"
	[ "$(as_client | jq -r .token_endpoint_auth_method)" = client_secret_basic ]
}

@test "register: full-record PUT, token rotated into the file (0600), other fields kept; idempotent" {
	before=$(as_client)
	old_rat=$(cat "$RAT_FILE")
	run -0 register
	[[ $output == *"client_secret_basic -> private_key_jwt (kids: $(cat kid))"* ]]
	[[ $output == *"registration access token rotated"* ]]
	refute_secrets_in "$output"
	[ "$(cat "$RAT_FILE")" != "$old_rat" ]
	[ "$(stat -c %a "$RAT_FILE")" = 600 ]
	# the old registration access token is dead, the new one works
	[ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $old_rat" "$ISS/reg/$CLIENT")" = 401 ]
	after=$(as_client)
	[ "$(jq -r .token_endpoint_auth_method <<<"$after")" = private_key_jwt ]
	[ "$(jq -r '.jwks.keys[0].kid' <<<"$after")" = "$(cat kid)" ]
	for f in client_name contacts scope grant_types; do
		[ "$(jq -c ".$f" <<<"$before")" = "$(jq -c ".$f" <<<"$after")" ]
	done
	# a second run sends no PUT
	puts=$(grep -c '^PUT ' "$TMP/as/server.log")
	run -0 register
	[[ $output == *"[already done]"* ]]
	[ "$(grep -c '^PUT ' "$TMP/as/server.log")" = "$puts" ]
}

@test "verify after registration: a token, the old secret dead (basic and post), probes rejected" {
	register >/dev/null
	run -0 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key key.pem \
		--old-secret-file "$SECRET_FILE"
	[[ $output == *"aud = issuer          accepted"* ]]
	[[ $output == *"token           ok: access token issued (Bearer"* ]]
	[[ $output == *"client_secret_basic        rejected"* ]]
	[[ $output == *"client_secret_post         rejected"* ]]
	[[ $output == *"the old secret is dead"* ]]
	[[ $output == *"replayed jti               rejected"* ]]
	[[ $output == *"unknown kid                rejected"* ]]
	[[ $output == *"expired assertion          rejected"* ]]
	refute_secrets_in "$output"
	# the server still echoes the old secret but refuses it
	[ -n "$(as_client | jq -r '.client_secret // empty')" ]
	[ "$(token_with_secret basic)" = 401 ]
	[ "$(token_with_secret post)" = 401 ]
}

@test "verify with the old secret before cutover: the secret still works, exit 1" {
	run -1 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key key.pem \
		--old-secret-file "$SECRET_FILE"
	[[ $output == *"client_secret_basic        accepted  <-- unexpected"* ]]
	[[ $output == *"the old secret STILL WORKS"* ]]
}

@test "RFC 7591: register a new private_key_jwt client and get a token with it" {
	run -0 ks migrate register --issuer "$ISS" --new --key key.pem \
		--initial-token-file "$IAT_FILE" --client-name "keyshift bats" --scope api
	[[ $output == *"registered new client "*"(private_key_jwt, kid $(cat kid))"* ]]
	refute_secrets_in "$output"
	new=$(sed -n 's/^registered new client \([^ ]*\) .*/\1/p' <<<"$output")
	[ -n "$new" ]
	[ -s "$new.registration-token" ]
	[ "$(stat -c %a "$new.registration-token")" = 600 ]
	run -0 ks migrate verify --issuer "$ISS" --client-id "$new" --key key.pem
	[[ $output == *"token           ok"* ]]
	# without the initial access token the server refuses
	run -2 ks migrate register --issuer "$ISS" --new --key key.pem
	[[ $output == *"answered 40"*"access token"* ]]
}

@test "the registration access token comes from the environment too, never from argv" {
	export KEYSHIFT_REGISTRATION_TOKEN=$(cat "$RAT_FILE")
	run -0 ks migrate register --issuer "$ISS" --client-id "$CLIENT" --key key.pem \
		--registration-uri "$ISS/reg/$CLIENT"
	[[ $output == *"rotated: the new one is in '$CLIENT.registration-token'"* ]]
	refute_secrets_in "$output"
	unset KEYSHIFT_REGISTRATION_TOKEN
	run -2 ks migrate register --issuer "$ISS" --client-id "$CLIENT" --key key.pem \
		--registration-uri "$ISS/reg/$CLIENT"
	[[ $output == *"KEYSHIFT_REGISTRATION_TOKEN"* ]]
}

# skewed_server SKEW [--wrong-issuer]: RFC 8414 metadata at $URL/tenant.
skewed_server() {
	python3 "$OIDC/skewed_metadata.py" --port-file "$TMP/skew.port" --skew "$@" &
	SKEW_PID=$!
	for i in $(seq 1 100); do
		[ -s "$TMP/skew.port" ] && break
		sleep 0.1
	done
	URL="http://127.0.0.1:$(cat "$TMP/skew.port")"
}

@test "discovery: RFC 8414 path insertion, clock skew from the Date header is measured and warned about" {
	skewed_server 120
	run -1 ks migrate verify --issuer "$URL/tenant" --client-id c --key key.pem
	kill "$SKEW_PID"
	[[ $output == *"metadata        $URL/.well-known/oauth-authorization-server/tenant"* ]]
	[[ $output =~ clock\ skew\ +\+1(19|20|21)\ s ]]
	[[ $output =~ "clock skew: the server's clock is +1"(19|20|21)" s from ours (above 5 s)" ]]
}

@test "discovery: a document naming another issuer is refused, with no fallback" {
	skewed_server 0 --wrong-issuer
	run -2 ks migrate verify --issuer "$URL/tenant" --client-id c --key key.pem
	kill "$SKEW_PID"
	[[ $output == *"names issuer '$URL/tenant/evil', not '$URL/tenant': refusing it (RFC 8414 §3.3)"* ]]
}

@test "the verbose trace shows headers with credentials redacted and never a body" {
	register >/dev/null
	run -0 env KEYSHIFT_HTTP_TRACE=1 "$KEYSHIFT" migrate verify -v --issuer "$ISS" \
		--client-id "$CLIENT" --key key.pem --old-secret-file "$SECRET_FILE"
	[[ $output == *"> POST /token HTTP/1.1"* ]]
	[[ $output == *"> Authorization: [redacted]"* ]]
	[[ $output == *"http: POST $ISS/token -> 401"* ]]
	[[ $output != *"client_assertion="* && $output != *"access_token"* ]]
	refute_secrets_in "$output"
	s=$(cat "$SECRET_FILE")
	basic=$(printf '%s:%s' "$CLIENT" "$s" | base64 -w0)
	[[ $output != *"$basic"* ]]
}

@test "an algorithm the server does not list is caught before any token request" {
	ks keys generate --alg ES384 --out es384.pem >/dev/null
	run -2 ks migrate verify --issuer "$ISS" --client-id "$CLIENT" --key es384.pem
	[[ $output == *"the server accepts none of the algorithms this key signs with (ES384)"* ]]
	! grep -q '^POST /token' "$TMP/as/server.log" || false
}
