#!/usr/bin/env bats
# tests/cli/840-migrate-vendors.bats - the Keycloak, Okta, Auth0 and Entra
# adapters against a local server that checks every request against the
# vendor's documented shape (tests/support/vendor/vendor_api.py), and
# their --dry-run output. No vendor is contacted.
bats_require_minimum_version 1.5.0
load helpers

VENDOR="$KS_SOURCE_DIR/tests/support/vendor/vendor_api.py"

setup() {
	ks_setup
	unset KEYSHIFT_ADMIN_TOKEN
	export KEYSHIFT_ALLOW_HTTP_LOOPBACK=1
	export VENDOR_TOKEN=$(rand_chars 40)
	(umask 077; printf '%s\n' "$VENDOR_TOKEN" >admin-token)
	python3 "$VENDOR" --port-file port --log vendor.log &
	VPID=$!
	for i in $(seq 1 100); do
		[ -s port ] && break
		sleep 0.1
	done
	[ -s port ]
	URL="http://127.0.0.1:$(cat port)"
	ks keys generate --alg ES256 --out ec.pem >ec.kid
	ks keys generate --alg PS256 --out rsa.pem >rsa.kid
}

teardown() {
	kill "$VPID" 2>/dev/null || true
	wait "$VPID" 2>/dev/null || true
	ks_teardown
}

adapter() {
	ks migrate register --admin-url "$URL" --admin-token-file admin-token "$@"
}

state() {
	curl -s "$URL/_state" | jq -r "$1"
}

no_bad() {
	! grep -q '^BAD' vendor.log || { cat vendor.log >&2; false; } || false
}

@test "keycloak: client-jwt with an inline JWKS, full representation kept" {
	run -0 adapter --provider keycloak --realm ks --client-id ks-kc-client --key ec.pem
	[[ $output == *"switched to private_key_jwt via the keycloak admin API"* ]]
	no_bad
	grep -q '^OK keycloak GET /admin/realms/ks/clients$' vendor.log
	grep -q '^OK keycloak PUT /admin/realms/ks/clients/5f1c9d3e' vendor.log
	[ "$(state .keycloak.clientAuthenticatorType)" = client-jwt ]
	[ "$(state '.keycloak.attributes["jwks.string"]' | jq -r '.keys[0].kid')" = "$(cat ec.kid)" ]
	[ "$(state '.keycloak.attributes["token.endpoint.auth.signing.alg"]')" = ES256 ]
	[[ $output != *"$VENDOR_TOKEN"* ]]
}

@test "keycloak: a jwks.url instead of inline keys" {
	run -0 adapter --provider keycloak --realm ks --client-id ks-kc-client --key ec.pem \
		--jwks-uri https://keys.example.test/jwks.json
	no_bad
	[ "$(state '.keycloak.attributes["use.jwks.url"]')" = true ]
	[ "$(state '.keycloak.attributes["jwks.url"]')" = https://keys.example.test/jwks.json ]
}

@test "okta: app JWKS credential with our kid, then private_key_jwt (SSWS)" {
	run -0 adapter --provider okta --app-id 0oa1keyshifttest --client-id 0oa1keyshifttest --key ec.pem
	no_bad
	grep -q '^OK okta POST /api/v1/apps/0oa1keyshifttest/credentials/jwks$' vendor.log
	grep -q '^OK okta PUT /api/v1/apps/0oa1keyshifttest$' vendor.log
	[ "$(state '.okta.jwks[0].kid')" = "$(cat ec.kid)" ]
	[ "$(state .okta.credentials.oauthClient.token_endpoint_auth_method)" = private_key_jwt ]
}

@test "auth0: public_key credential (RSA only), then client_authentication_methods" {
	run -2 adapter --provider auth0 --client-id ks-auth0-client --key ec.pem
	[[ $output == *"auth0 accepts RSA keys only"* ]]
	run -0 adapter --provider auth0 --client-id ks-auth0-client --key rsa.pem
	no_bad
	[ "$(state '.auth0.credentials[0].alg')" = PS256 ]
	[ "$(state '.auth0.client_authentication_methods.private_key_jwt.credentials[0].id')" = cred_1 ]
	[ "$(state .auth0.token_endpoint_auth_method)" = null ]
}

@test "entra: keyCredentials PATCH keeps the existing certificate and adds ours" {
	run -0 adapter --provider entra --app-id 00000000-aaaa-4bbb-8ccc-000000000e17 \
		--client-id app --key rsa.pem
	no_bad
	[ "$(state '.entra.keyCredentials | length')" = 2 ]
	[ "$(state '.entra.keyCredentials[0].keyId')" = 11111111-2222-4333-8444-555555555555 ]
	[ "$(state '.entra.keyCredentials[1].displayName')" = "CN=$(cat rsa.kid)" ]
}

@test "a wrong admin token is refused by the shape checker and reported" {
	echo wrong >bad-token
	run -2 ks migrate register --admin-url "$URL" --admin-token-file bad-token \
		--provider keycloak --realm ks --client-id ks-kc-client --key ec.pem
	[[ $output == *"answered 400"* ]]
	grep -q "^BAD keycloak GET .*Authorization must be 'Bearer <token>'" vendor.log
}

@test "--dry-run prints every adapter's exact requests, tokens redacted, and sends nothing" {
	run -0 adapter --dry-run --provider keycloak --realm ks --client-id ks-kc-client --key ec.pem
	[[ $output == *"GET $URL/admin/realms/ks/clients?clientId=ks-kc-client"* ]]
	[[ $output == *"PUT $URL/admin/realms/ks/clients/{id from the GET}"* ]]
	[[ $output == *'"clientAuthenticatorType": "client-jwt"'* ]]
	[[ $output == *"Authorization: Bearer [redacted]"* ]]
	[[ $output != *"$VENDOR_TOKEN"* ]]
	run -0 adapter --dry-run --provider okta --app-id 0oa1 --client-id 0oa1 --key ec.pem
	[[ $output == *"POST $URL/api/v1/apps/0oa1/credentials/jwks"* ]]
	[[ $output == *"Authorization: SSWS [redacted]"* ]]
	[[ $output == *'"token_endpoint_auth_method": "private_key_jwt"'* ]]
	run -0 adapter --dry-run --provider auth0 --client-id c1 --key rsa.pem
	[[ $output == *"POST $URL/api/v2/clients/c1/credentials"* ]]
	[[ $output == *'"credential_type": "public_key"'* ]]
	[[ $output == *"PATCH $URL/api/v2/clients/c1"* ]]
	[[ $output == *'"id": "{id from the POST}"'* ]]
	run -0 adapter --dry-run --provider entra --app-id o1 --client-id c1 --key rsa.pem
	[[ $output == *"GET $URL/v1.0/applications/o1?\$select=keyCredentials"* ]]
	[[ $output == *'"type": "AsymmetricX509Cert"'* ]]
	[[ $output == *"dry run: nothing was sent"* ]]
	# no token needed for a dry run, and nothing reached the server
	run -0 ks migrate register --dry-run --admin-url "$URL" --provider okta \
		--app-id 0oa1 --client-id 0oa1 --key ec.pem
	[ ! -s vendor.log ]
}

@test "the guided flow registers through an adapter (--provider) and journals it" {
	python3 "$KS_SOURCE_DIR/tests/support/oidc/skewed_metadata.py" --port-file iss.port --skew 0 &
	MPID=$!
	for i in $(seq 1 100); do
		[ -s iss.port ] && break
		sleep 0.1
	done
	iss="http://127.0.0.1:$(cat iss.port)/tenant"
	run -0 ks migrate --yes --until registered --issuer "$iss" --client-id ks-kc-client \
		--provider keycloak --realm ks --admin-url "$URL" --admin-token-file admin-token \
		--key-dir "$TMP/keys"
	kill "$MPID"
	no_bad
	[[ $output == *"registered through the keycloak admin API: kid "* ]]
	[[ $output == *"state: registered"* ]]
	[ "$(state .keycloak.clientAuthenticatorType)" = client-jwt ]
	run -0 ks migrate status ks-kc-client
	[[ $output == *"provider    keycloak"* ]]
	[[ $output == *"PUT $URL/admin/realms/ks/clients/5f1c9d3e-0000-4000-8000-00000000c11e -> 204"* ]]
	[[ $output != *"$VENDOR_TOKEN"* ]]
}
