# tests/cli/migrate_helpers.bash - a real authorization server for the
# migration suites: npm oidc-provider on 127.0.0.1, a random port, one
# preloaded client_secret_basic client whose secret is generated here.
#
# as_start sets ISS, CLIENT, SECRET_FILE (the old secret), RAT_FILE (the
# registration access token, 0600), IAT_FILE (initial access token) and
# exports KEYSHIFT_ALLOW_HTTP_LOOPBACK=1 (the test-only mode).
OIDC="$KS_SOURCE_DIR/tests/support/oidc"

as_install() {
	"$OIDC/install.sh" >/dev/null
}

as_start() {
	local i secret
	# a digit guaranteed: the rule takes a bare word for a variable name
	secret="ks7$(rand_chars 29)"
	mkdir -p "$TMP/as"
	chmod 700 "$TMP/as"
	SECRET_FILE="$TMP/as/old-secret"
	printf '%s\n' "$secret" >"$SECRET_FILE"
	KS_TEST_CLIENT_SECRET=$secret node "$OIDC/server.mjs" \
		--state "$TMP/as/state.json" --client-id "${1:-ks-test-client}" \
		>"$TMP/as/server.log" 2>&1 &
	AS_PID=$!
	for i in $(seq 1 100); do
		[ -s "$TMP/as/state.json" ] && break
		kill -0 "$AS_PID" 2>/dev/null || break
		sleep 0.1
	done
	[ -s "$TMP/as/state.json" ] || {
		cat "$TMP/as/server.log" >&2
		return 1
	}
	ISS=$(jq -r .issuer "$TMP/as/state.json")
	CLIENT=$(jq -r .client_id "$TMP/as/state.json")
	RAT_FILE="$TMP/as/rat"
	IAT_FILE="$TMP/as/iat"
	(umask 077; jq -r .registration_access_token "$TMP/as/state.json" >"$RAT_FILE")
	(umask 077; jq -r .initial_access_token "$TMP/as/state.json" >"$IAT_FILE")
	export KEYSHIFT_ALLOW_HTTP_LOOPBACK=1
}

as_stop() {
	if [ -n "${AS_PID:-}" ]; then
		kill "$AS_PID" 2>/dev/null || true
		wait "$AS_PID" 2>/dev/null || true
		AS_PID=
	fi
}

# as_client: the client's current record, through RFC 7592 (rotates the
# token file's content only on PUT, so a GET is safe to repeat).
as_client() {
	curl -sS -H "Authorization: Bearer $(cat "${1:-$RAT_FILE}")" \
		"$ISS/reg/$CLIENT"
}

# token_with_secret METHOD: status of a client_credentials request with
# the old secret (basic or post).
token_with_secret() {
	local s
	s=$(cat "$SECRET_FILE")
	if [ "$1" = basic ]; then
		curl -s -o /dev/null -w '%{http_code}' -u "$CLIENT:$s" \
			-d grant_type=client_credentials "$ISS/token"
	else
		curl -s -o /dev/null -w '%{http_code}' -d grant_type=client_credentials \
			-d "client_id=$CLIENT" -d "client_secret=$s" "$ISS/token"
	fi
}

# gen_repo DIR: a repository holding the client's secret in a .env file.
gen_repo() {
	mkdir -p "$1"
	printf 'OAUTH_ISSUER=%s\nOAUTH_CLIENT_ID=%s\nOAUTH_CLIENT_SECRET=%s\nLOG_LEVEL=info\n' \
		"$ISS" "$CLIENT" "$(cat "$SECRET_FILE")" >"$1/app.env"
}

# refute_secrets_in TEXT...: none of the secrets may appear.
refute_secrets_in() {
	local s rat iat
	s=$(cat "$SECRET_FILE")
	rat=$(jq -r .registration_access_token "$TMP/as/state.json")
	iat=$(cat "$IAT_FILE")
	for t in "$@"; do
		case $t in
		*"$s"*) echo "old client secret leaked" >&2; return 1 ;;
		*"$rat"*) echo "registration access token leaked" >&2; return 1 ;;
		*"$iat"*) echo "initial access token leaked" >&2; return 1 ;;
		esac
	done
}
