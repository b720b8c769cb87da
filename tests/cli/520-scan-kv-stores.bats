#!/usr/bin/env bats
# keyshift scan consul:// vault:// springconfig://: these servers cannot be
# installed here, so the adapters run against tests/support/kvserver.py,
# which serves their documented response shapes (recursion, listing,
# auth errors) on 127.0.0.1. Tested against documented shapes only.

bats_require_minimum_version 1.5.0
load helpers

# helpers.bash's ks_teardown, after what this suite started.
teardown() {
	[ -z "${KV_PID:-}" ] || { kill "$KV_PID"; wait "$KV_PID"; } 2>/dev/null || true
	ks_teardown
}

# start_kv [ARGS...]: serve $TMP/kv.json; sets KV (host:port) and KV_PID.
start_kv() {
	local i
	rm -f "$TMP/kv.port"
	python3 "$KS_SOURCE_DIR/tests/support/kvserver.py" --data "$TMP/kv.json" \
		--port-file "$TMP/kv.port" --log "$TMP/kv.log" "$@" 3>&- &
	KV_PID=$!
	for i in $(seq 100); do
		[ -s "$TMP/kv.port" ] && break
		sleep 0.05
	done
	KV="127.0.0.1:$(cat "$TMP/kv.port")"
}

paths_of() {
	jq -r '[.findings[].path] | unique | .[]' <<<"$output"
}

# The data every test serves, with generated secrets.
write_data() {
	CONSUL_SECRET=$(gen_google_secret)
	CONSUL_DEEP=$(gen_google_secret)
	VAULT_SECRET=$(gen_google_secret)
	VAULT_DEEP=$(gen_google_secret)
	SPRING_SECRET=$(gen_google_secret)
	gen_pem_key "$TMP/key.pem"
	jq -n --arg cs "$CONSUL_SECRET" --arg cd "$CONSUL_DEEP" \
		--arg vs "$VAULT_SECRET" --arg vd "$VAULT_DEEP" \
		--arg ss "$SPRING_SECRET" --rawfile pem "$TMP/key.pem" '{
	  consul: {
	    "app/": null,
	    "app/prod/": null,
	    "app/prod/client_secret": $cs,
	    "app/prod/deep/er/config.json": ("{\"client_secret\": \"" + $cd + "\"}"),
	    "app/prod/port": "8080",
	    "other/key": "nothing"
	  },
	  vault: {
	    secret: {
	      "app/oauth": {client_id: "abc", client_secret: $vs, port: 8443},
	      "app/nested/deeper/tls": {"key.pem": $pem},
	      "app/nested/deeper/google": {value: $vd},
	      "unrelated/x": {a: "b"}
	    }
	  },
	  spring: {
	    "billing/prod": [
	      {name: "https://git.example/config/billing-prod.yml",
	       source: {"spring.security.oauth2.client.registration.google.client-secret": $ss,
	                "server.port": 8080}},
	      {name: "https://git.example/config/application.yml",
	       source: {"logging.level.root": "INFO"}}
	    ]
	  }
	}' > "$TMP/kv.json"
}

@test "consul: recursive read of a prefix, keys at any depth" {
	write_data
	start_kv --consul-token c0nsul-t0ken
	CONSUL_HTTP_TOKEN=c0nsul-t0ken run --separate-stderr ks scan --no-store --format json "consul://$KV/app/prod"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' app/prod/client_secret app/prod/deep/er/config.json)" ]
	[ "$(jq -r '[.findings[].source] | unique | join(",")' <<<"$output")" = consul ]
	[ "$(jq -r .scan.files <<<"$output")" = 3 ]
	grep -qx 'GET /v1/kv/app/prod?recurse=true' "$TMP/kv.log"
	[[ "$(cat "$TMP/kv.log")" != *c0nsul* ]]
	# No key under the prefix (404): nothing found, but said so.
	CONSUL_HTTP_TOKEN=c0nsul-t0ken run --separate-stderr ks scan --no-store "consul://$KV/none/"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"none/: empty: the store has no key here"* ]]
}

@test "consul: a missing or wrong token is an authentication error" {
	write_data
	start_kv --consul-token c0nsul-t0ken
	run --separate-stderr ks scan --no-store "consul://$KV/app"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"consul at 'consul://$KV' requires credentials (HTTP 403)"* ]]
	[[ "$stderr" == *CONSUL_HTTP_TOKEN* ]]
	CONSUL_HTTP_TOKEN=wrong run --separate-stderr ks scan --no-store "consul://$KV/app"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refused the credentials (HTTP 403: ACL not found)"* ]]
	[[ "$stderr" != *wrong* ]]
}

@test "vault: recursive LIST and read of KV v2, one blob per field" {
	write_data
	start_kv --vault-token hvs.t0ken
	VAULT_TOKEN=hvs.t0ken run --separate-stderr ks scan --no-store --format json "vault://$KV/secret/app"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' 'secret/app/nested/deeper/google#value' 'secret/app/nested/deeper/tls#key.pem' 'secret/app/oauth#client_secret')" ]
	[ "$(jq -r '[.findings[].source] | unique | join(",")' <<<"$output")" = vault ]
	[ "$(jq -r '.findings[] | select(.path | endswith("#key.pem")) | .rule' <<<"$output")" = ks.pem.private-key.pkcs8 ]
	# Listing walked the folders; nothing outside the path was read.
	grep -qx 'LIST /v1/secret/metadata/app/' "$TMP/kv.log"
	grep -qx 'LIST /v1/secret/metadata/app/nested/deeper/' "$TMP/kv.log"
	grep -qx 'GET /v1/secret/data/app/oauth' "$TMP/kv.log"
	! grep -q unrelated "$TMP/kv.log" || false
	# A path that names one secret.
	VAULT_TOKEN=hvs.t0ken run --separate-stderr ks scan --no-store --format json "vault://$KV/secret/app/oauth"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = 'secret/app/oauth#client_secret' ]
}

@test "vault: no token and a bad token; the token never shows" {
	write_data
	start_kv --vault-token hvs.t0ken
	run --separate-stderr ks scan --no-store "vault://$KV/secret/app"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"requires credentials (HTTP 403)"* && "$stderr" == *VAULT_TOKEN* ]]
	VAULT_TOKEN=hvs.wr0ng run --separate-stderr ks scan --no-store "vault://$KV/secret/app"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refused the credentials (HTTP 403: permission denied)"* ]]
	[[ "$stderr" != *wr0ng* ]]
	# The token is accepted from the credentials file (0600) too.
	printf '# keyshift store credentials\nVAULT_TOKEN=hvs.t0ken\n' > creds
	chmod 600 creds
	run --separate-stderr ks scan --no-store --credentials creds "vault://$KV/secret/app"
	[ "$status" -eq 1 ]
	chmod 640 creds
	run --separate-stderr ks scan --no-store --credentials creds "vault://$KV/secret/app"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"refusing the credentials file 'creds'"* ]]
}

@test "springconfig: property sources as NAME=value lines, basic auth" {
	write_data
	start_kv --spring-user cfg --spring-password s3cret-pw
	run --separate-stderr ks scan --no-store "springconfig://$KV/billing/prod"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"requires credentials (HTTP 401)"* && "$stderr" == *SPRING_CLOUD_CONFIG_USERNAME* ]]
	SPRING_CLOUD_CONFIG_USERNAME=cfg SPRING_CLOUD_CONFIG_PASSWORD=s3cret-pw \
		run --separate-stderr ks scan --no-store --format json "springconfig://$KV/billing/prod"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = 'billing/prod#https://git.example/config/billing-prod.yml' ]
	[ "$(jq -r '[.findings[].source] | unique | join(",")' <<<"$output")" = springconfig ]
	[ "$(jq -r '[.findings[].rule] | unique | join(",")' <<<"$output")" = "ks.google.oauth-client-secret,ks.oauth.client-secret.assignment" ]
	[[ "$stderr$output" != *s3cret-pw* ]]
	# Only one of the pair is a configuration error.
	SPRING_CLOUD_CONFIG_USERNAME=cfg run --separate-stderr ks scan --no-store "springconfig://$KV/billing/prod"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"set both"* ]]
	run --separate-stderr ks scan --no-store "springconfig://$KV/billing"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"APPLICATION/PROFILE"* ]]
}

@test "retries: a store that fails twice with 503 is read on the third try" {
	write_data
	start_kv --fail-first 2
	run --separate-stderr ks scan --no-store --format json "consul://$KV/app/prod"
	[ "$status" -eq 1 ]
	[ "$(grep -c 'GET /v1/kv/app/prod' "$TMP/kv.log")" = 3 ]
	# Failing more often than the retries: a clear error.
	kill "$KV_PID"; wait "$KV_PID" 2>/dev/null || true
	start_kv --fail-first 10
	run --separate-stderr ks scan --no-store "consul://$KV/app/prod"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"unexpected HTTP status 503"* ]]
}

@test "malformed responses and unknown URL forms are clear errors" {
	printf '{"consul": {"k": "v"}}' > "$TMP/kv.json"
	start_kv
	# A Vault mount that does not exist: 404 from LIST and read.
	run --separate-stderr ks scan --no-store "vault://$KV/nomount/x"
	[ "$status" -eq 0 ]
	# Not JSON at all: point the Spring adapter at the Consul API.
	run --separate-stderr ks scan --no-store "springconfig://$KV/v1/kv"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"springconfig at 'springconfig://$KV'"* ]]
	run --separate-stderr ks scan --no-store "consul://[::1:8500/x"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"bad host or port"* ]]
	run --separate-stderr ks scan --no-store "vault+https://vault.example.invalid/secret/x"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot reach vault at 'vault+https://vault.example.invalid:8200'"* ]]
}

@test "https: TLS is verified by default; --insecure opts out, loudly" {
	write_data
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$TMP/tls.key" -out "$TMP/tls.crt" -days 1 \
		-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null
	start_kv --tls-cert "$TMP/tls.crt" --tls-key "$TMP/tls.key"
	run --separate-stderr ks scan --no-store "consul+https://$KV/app/prod"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"cannot reach consul at 'consul+https://$KV'"* ]]
	[[ "$stderr" == *"certificate"* ]]
	run --separate-stderr ks scan --no-store --format json --insecure "consul+https://$KV/app/prod"
	[ "$status" -eq 1 ]
	[ "$(paths_of)" = "$(printf '%s\n' app/prod/client_secret app/prod/deep/er/config.json)" ]
	[[ "$stderr" == *"warning: --insecure"*"NOT verified"* ]]
	# Plain http to the TLS port is not https: a transport error.
	run --separate-stderr ks scan --no-store "consul://$KV/app/prod"
	[ "$status" -eq 2 ]
}

@test "README and the man page name every target URL form and credentials variable" {
	local doc f w
	for f in README.md docs/keyshift.1; do
		# groff escapes off: \- is -, \fB etc. are fonts
		doc=$(sed 's/\\-/-/g; s/\\f[BIRP]//g; s/\\(em/-/g' "$KS_SOURCE_DIR/$f")
		for w in etcd:// etcd+https:// consul:// consul+https:// vault:// \
			vault+https:// springconfig:// springconfig+https:// \
			ETCD_USERNAME ETCD_PASSWORD KEYSHIFT_ETCD_TOKEN CONSUL_HTTP_TOKEN \
			VAULT_TOKEN SPRING_CLOUD_CONFIG_USERNAME SPRING_CLOUD_CONFIG_PASSWORD \
			--credentials --insecure; do
			[[ "$doc" == *"$w"* ]] || { echo "$f does not name $w" >&2; return 1; }
		done
	done
}
