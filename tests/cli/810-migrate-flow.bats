#!/usr/bin/env bats
# tests/cli/810-migrate-flow.bats - `keyshift migrate --yes` end to end:
# a generated repository holding the client's secret is scanned, then the
# flow plans, makes a key, switches the client over RFC 7592, verifies a
# token, proves the old secret dead and writes the configuration and the
# patch, against a real oidc-provider on 127.0.0.1. The generated
# openid-client and curl configurations are run for real.
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
	STORE=$(default_store)
}

teardown() {
	as_stop
	ks_teardown
}

flow() {
	ks migrate --issuer "$ISS" --client-id "$CLIENT" \
		--registration-token-file "$RAT_FILE" --old-secret-file "$SECRET_FILE" \
		--key-dir "$TMP/keys" --config-dir "$TMP/cfg" "$@"
}

@test "without a terminal and without --yes only the plan is printed" {
	run -0 flow </dev/null
	[[ $output == *"Migration of client '$CLIENT' at $ISS to private_key_jwt"* ]]
	[[ $output == *"finding   "*"1 place(s)"* ]]
	[[ $output == *"this was the plan only; run with --yes"* ]]
	[ "$(db_query "$STORE" "select state from migration")" = planned ]
	! grep -q '^PUT ' "$TMP/as/server.log" || false
}

@test "migrate --yes: plan, key, RFC 7592 switch, verified token, old secret dead, config and patch" {
	run -0 flow --yes
	refute_secrets_in "$output"
	[[ $output == *"state: key_generated"* ]]
	[[ $output == *"registered: client_secret_basic -> private_key_jwt"* ]]
	[[ $output == *"verified: access token issued with aud = $ISS (ES256)"* ]]
	[[ $output == *"old secret: client_secret_basic rejected, client_secret_post rejected"* ]]
	[[ $output == *"server checks: replayed jti rejected, unknown kid rejected, expired assertion rejected"* ]]
	[[ $output == *"state: secret_retired"* ]]
	# the patch is shown, masked, and not applied
	[[ $output == *"--- a/repo/app.env"* ]]
	[[ $output == *"-OAUTH_CLIENT_SECRET=****"* ]]
	[[ $output == *"+OAUTH_CLIENT_SECRET=$TMP/keys/$CLIENT.pem"* ]]
	grep -q "^OAUTH_CLIENT_SECRET=$(cat "$SECRET_FILE")$" repo/app.env
	# the journal shows every step, with every HTTP exchange
	run -0 ks migrate status "$CLIENT"
	[[ $output == *"state       secret_retired"* ]]
	for s in "plan      planned" "state     key_generated" "PUT $ISS/reg/$CLIENT -> 200" \
		"state     registered" "POST $ISS/token -> 200" "state     verified" \
		"retire    old secret via client_secret_basic: rejected; via client_secret_post: rejected" \
		"state     secret_retired" "config    client configuration written to $TMP/cfg"; do
		[[ $output == *"$s"* ]] || { echo "missing: $s"; false; }
	done
	# the key: 0600, never in the store; the token file rotated, 0600
	key=$(readlink -f "$TMP/keys/$CLIENT.pem")
	[ "$(stat -c %a "$key")" = 600 ]
	[ "$(db_query "$STORE" "select count(*) from key where public_jwk like '%\"d\"%'")" = 0 ]
	[ "$(stat -c %a "$RAT_FILE")" = 600 ]
	# nothing secret in the store's journal or output files
	dump=$(sqlite3 "$STORE" .dump)
	refute_secrets_in "$dump" "$(cat "$TMP"/cfg/*)"
	case $dump in *"$(cat "$RAT_FILE")"*) false ;; esac
	keyline=$(grep -v -- '-----' "$key" | grep -v '^alg:' | head -1)
	case $dump in *"$keyline"*) false ;; esac
	# the server agrees
	[ "$(as_client | jq -r .token_endpoint_auth_method)" = private_key_jwt ]
	[ "$(token_with_secret basic)" = 401 ]
	[ "$(token_with_secret post)" = 401 ]
}

@test "--apply applies the patch: the secret literal is replaced with the key reference" {
	run -0 flow --yes --apply
	[[ $output == *"patch: $TMP/cfg/replace-secret.diff (applied)"* ]]
	grep -q "^OAUTH_CLIENT_SECRET=$TMP/keys/$CLIENT.pem$" repo/app.env
	! grep -qF -- "$(cat "$SECRET_FILE")" repo/app.env || false
	grep -q '^LOG_LEVEL=info$' repo/app.env
	run -0 ks migrate status "$CLIENT"
	[[ $output == *"patch     applied to repo/app.env (line 3)"* ]]
}

@test "an interrupted migration resumes where the journal says, without repeating a step" {
	run -0 flow --yes --until registered
	[[ $output == *"stopped at registered (--until)"* ]]
	[ "$(db_query "$STORE" "select state from migration")" = registered ]
	puts=$(grep -c '^PUT ' "$TMP/as/server.log")
	kid=$(db_query "$STORE" "select kid from key")
	# resume by client id, as a person would
	run -0 ks migrate "$CLIENT" --yes --old-secret-file "$SECRET_FILE" \
		--key-dir "$TMP/keys" --config-dir "$TMP/cfg"
	[[ $output == *"[done]"* ]]
	[[ $output == *"state: secret_retired"* ]]
	[ "$(grep -c '^PUT ' "$TMP/as/server.log")" = "$puts" ]
	[ "$(db_query "$STORE" "select count(*) from key")" = 1 ]
	[ "$(db_query "$STORE" "select kid from key")" = "$kid" ]
	run -0 ks migrate status "$CLIENT"
	[[ $output == *"resume    resumed at registered"* ]]
}

@test "a failure is journalled with its reason and the next run resumes" {
	run -0 flow --yes --until key_generated
	# the registration access token is wrong: the step fails
	echo wrong-token >"$TMP/wrong"
	run -2 ks migrate "$CLIENT" --yes --registration-token-file "$TMP/wrong" \
		--key-dir "$TMP/keys" --config-dir "$TMP/cfg"
	[[ $output == *"answered 401"* ]]
	run -0 ks migrate status "$CLIENT"
	[[ $output == *"state       failed"* ]]
	[[ $output == *"resumes at  key_generated"* ]]
	run -0 flow --yes
	[[ $output == *"state: secret_retired"* ]]
}

@test "the generated openid-client configuration runs with real npm openid-client and gets a token" {
	run -0 flow --yes
	[ -f "$TMP/cfg/openid-client.mjs" ]
	# resolve 'openid-client' from the test's node_modules
	ln -s "$OIDC/node_modules" "$TMP/cfg/node_modules"
	run -0 node "$TMP/cfg/openid-client.mjs"
	[[ $output == *"openid-client: access token obtained (Bearer, expires in"* ]]
	grep -q "token_endpoint_auth_method: 'private_key_jwt'" "$TMP/cfg/openid-client.mjs"
}

@test "the generated env file and curl recipe get a token with no secret" {
	run -0 flow --yes
	. "$TMP/cfg/keyshift.env"
	[ "$OAUTH_CLIENT_ID" = "$CLIENT" ]
	[ "$OAUTH_CLIENT_AUTH_METHOD" = private_key_jwt ]
	run -0 env KEYSHIFT="$KEYSHIFT" sh "$TMP/cfg/curl.sh"
	[ "$(jq -r .token_type <<<"$output")" = Bearer ]
	! grep -qi secret "$TMP/cfg/curl.sh" || ! grep -q 'client_secret=' "$TMP/cfg/curl.sh" || false
	for f in spring-application.yml SpringPrivateKeyJwt.java authlib_client.py \
		KeyshiftClientAssertion.cs tokensource.go; do
		grep -qF -- "$OAUTH_KEY_ID" "$TMP/cfg/$f"
		grep -qF -- "$CLIENT" "$TMP/cfg/$f"
	done
	grep -q 'client-authentication-method: private_key_jwt' "$TMP/cfg/spring-application.yml"
	grep -q "'exp': now + 60" "$TMP/cfg/authlib_client.py"
	grep -q 'ReuseTokenSource' "$TMP/cfg/tokensource.go"
}

@test "the flow names the finding by fingerprint; a missing issuer is a usage error" {
	# a secret alone, with no client id or issuer beside it
	rm -rf "$XDG_DATA_HOME" repo
	mkdir repo
	printf 'client_secret: "%s"\n' "$(cat "$SECRET_FILE")" >repo/app.yml
	run -1 ks scan repo
	fp=$(db_query "$STORE" "select fingerprint from finding")
	run -2 ks migrate "${fp:0:12}" --yes --client-id "$CLIENT"
	[[ $output == *"needs the client id and the issuer"* ]]
	run -0 ks migrate "${fp:0:12}" --yes --issuer "$ISS" --client-id "$CLIENT" \
		--registration-token-file "$RAT_FILE" --key-dir "$TMP/keys" --config-dir "$TMP/cfg"
	[[ $output == *"cannot prove the old secret dead"* ]]
	[ "$(db_query "$STORE" "select state from migration")" = verified ]
	[ "$(db_query "$STORE" "select f.fingerprint from migration m join finding f on f.id = m.finding")" = "$fp" ]
}

@test "what detection paired with the secret (client id, issuer) needs no flags" {
	paired=$(db_query "$STORE" "select count(*) from finding where client_id = '$CLIENT' and issuer = '$ISS'")
	[ "$paired" = 1 ] || skip "detection does not pair this client id and issuer"
	run -0 ks migrate --yes --registration-token-file "$RAT_FILE" \
		--old-secret-file "$SECRET_FILE" --key-dir "$TMP/keys" --config-dir "$TMP/cfg"
	[[ $output == *"Migration of client '$CLIENT' at $ISS"* ]]
	[[ $output == *"state: secret_retired"* ]]
}

@test "a public client (a Google installed app) is refused: its remedy is PKCE" {
	rm -rf "$XDG_DATA_HOME" repo
	mkdir repo
	printf '{"installed":{"client_id":"1234-ks.apps.googleusercontent.com","token_uri":"https://oauth2.googleapis.com/token","client_secret":"%s","redirect_uris":["http://localhost"]}}\n' \
		"$(gen_google_secret)" >repo/client_secret.json
	run -1 ks scan repo
	public=$(db_query "$STORE" "select count(*) from oauth_client where public_client = 1" 2>/dev/null || echo 0)
	[ "$public" -ge 1 ] || skip "detection does not mark public clients"
	fp=$(db_query "$STORE" "select fingerprint from oauth_client where public_client = 1 limit 1")
	run -1 ks migrate "$fp" --yes
	[[ $output == *"public client"*"PKCE"* ]]
	[ "$(db_query "$STORE" "select count(*) from migration")" = 0 ]
}
