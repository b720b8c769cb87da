#!/usr/bin/env bats
# Detection (issue 4): private keys in every form with their key info,
# decoding with key paths, OAuth clients paired and recorded. Keys are
# made here with openssl/ssh-keygen; matching strings are built at run
# time, so this file scans clean.

bats_require_minimum_version 1.5.0
load helpers


jsonl() {
	ks scan --no-store -q -f jsonl "$@"
}

@test "a key indented, escaped or base64-wrapped is one finding, with its key info" {
	gen_pem_key k.pem RSA
	python3 - <<-'PY'
		import base64, json
		k = open("k.pem").read()
		open("a.json", "w").write(json.dumps({"private_key": k}))
		open("b.yml", "w").write("tls:\n  key: |\n" + "".join("    " + l + "\n" for l in k.strip().split("\n")))
		open("c.yaml", "w").write("apiVersion: v1\nkind: Secret\nmetadata:\n  name: t\ndata:\n  tls.key: %s\n" % base64.b64encode(k.encode()).decode())
	PY
	base64 k.pem >d.b64
	run -1 jsonl k.pem a.json b.yml c.yaml d.b64
	[ "$(jq -r .path <<<"$output" | sort -u | wc -l)" -eq 5 ]
	[ "$(jq -r .fingerprint <<<"$output" | sort -u | wc -l)" -eq 1 ]
	[ "$(jq -r .key_info <<<"$output" | sort -u)" = "RSA 2048, unencrypted" ]
	[ "$(jq -r 'select(.path == "c.yaml") | .key_path' <<<"$output")" = "data.tls.key (base64)" ]
	[ "$(jq -r 'select(.path == "a.json") | .key_path' <<<"$output")" = "private_key" ]
}

@test "encrypted keys say so: PKCS#8, legacy PEM, OpenSSH bcrypt" {
	gen_pem_key k.pem EC
	openssl pkcs8 -topk8 -v2 aes-256-cbc -in k.pem -passout pass:x -out p8e.pem
	openssl ec -in k.pem -aes256 -passout pass:x -out legacy.pem 2>/dev/null
	ssh-keygen -q -t ed25519 -N pw -f id_enc
	run -1 jsonl p8e.pem legacy.pem id_enc
	[ "$(jq -r 'select(.path == "p8e.pem") | .key_info' <<<"$output")" = "PKCS#8, encrypted" ]
	jq -r 'select(.path == "legacy.pem") | .key_info' <<<"$output" | grep -q '^EC, encrypted (legacy PEM AES-256-CBC)$'
	jq -r 'select(.path == "id_enc") | .key_info' <<<"$output" | grep -q '^Ed25519, encrypted (OpenSSH bcrypt'
}

@test "a binary PKCS#12 is found by content, with its default password" {
	gen_pem_key k.pem RSA
	openssl req -x509 -new -key k.pem -subj /CN=t -days 1 -out c.pem
	openssl pkcs12 -export -inkey k.pem -in c.pem -passout pass:notasecret -out store.bin
	base64 -w0 store.bin >store.txt
	run -1 jsonl store.bin store.txt
	[ "$(jq -r .rule <<<"$output" | sort -u)" = ks.pkcs12.keystore ]
	[ "$(jq -r .fingerprint <<<"$output" | sort -u | wc -l)" -eq 1 ]
	jq -r .key_info <<<"$output" | grep -q 'password "notasecret"'
}

@test "public keys, certificates and CSRs are not findings" {
	gen_pem_key k.pem EC
	openssl pkey -in k.pem -pubout -out pub.pem
	openssl req -new -key k.pem -subj /CN=t -out csr.pem
	openssl req -x509 -new -key k.pem -subj /CN=t -days 1 -out crt.pem
	ssh-keygen -q -t ed25519 -N '' -f id && rm id
	# a PKCS#12 of certificates alone: a trust store, no key
	openssl pkcs12 -export -nokeys -in crt.pem -passout pass: -out trust.p12
	run -0 ks scan --no-store pub.pem csr.pem crt.pem id.pub trust.p12
}

@test "a JWK with private members is found in any member order, with its type and size" {
	node -e '
		const c = require("node:crypto"), fs = require("node:fs");
		const j = c.generateKeyPairSync("rsa", { modulusLength: 3072 }).privateKey.export({ format: "jwk" });
		fs.writeFileSync("d-first.json", JSON.stringify(Object.fromEntries(Object.entries(j).reverse()), null, 2));
		fs.writeFileSync("crt-only.json", JSON.stringify({ kty: j.kty, n: j.n, e: j.e, dp: j.dp, dq: j.dq, qi: j.qi }));
		const x = c.generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });
		fs.writeFileSync("okp.json", JSON.stringify(x));'
	run -1 jsonl d-first.json crt-only.json okp.json
	[ "$(jq -r 'select(.path == "d-first.json") | .key_info' <<<"$output")" = "JWK RSA 3072, unencrypted" ]
	[ "$(jq -r 'select(.path == "crt-only.json") | .key_info' <<<"$output")" = "JWK RSA 3072, unencrypted" ]
	[ "$(jq -r 'select(.path == "okp.json") | .key_info' <<<"$output")" = "JWK X25519, unencrypted" ]
}

@test "an installed Google client is paired, public, and recorded in the store" {
	s=$(gen_google_secret)
	cid="123456789012-$(rand_chars 32 a-z0-9).apps.googleusercontent.com"
	printf '{"installed":{"client_id":"%s","client_secret":"%s","token_uri":"https://oauth2.googleapis.com/token"}}\n' \
		"$cid" "$s" >client_secret.json
	run -1 jsonl client_secret.json
	line=$(jq -c 'select(.rule == "ks.google.oauth-client-secret")' <<<"$output")
	[ "$(jq -r .client_id <<<"$line")" = "$cid" ]
	[ "$(jq -r .issuer <<<"$line")" = "https://oauth2.googleapis.com/token" ]
	[ "$(jq -r .client_type <<<"$line")" = public ]
	jq -r .note <<<"$line" | grep -q PKCE
	run -1 ks scan --store db -q -o /dev/null client_secret.json
	[ "$(db_query db "SELECT provider || ' ' || public_client || ' ' || client_id FROM oauth_client")" = "google 1 $cid" ]
	[ "$(db_query db "SELECT key_path FROM oauth_client_location")" = "installed.client_secret" ]
}

@test "Spring registrations pair client id and the provider's issuer" {
	v=$(rand_chars 40 'A-Za-z0-9_-')
	{
		echo "spring.security.oauth2.client.registration.okta.client-id=demo-app"
		echo "spring.security.oauth2.client.registration.okta.client-secret=$v"
		echo "spring.security.oauth2.client.provider.okta.issuer-uri=https://dev-1.okta.com/oauth2/default"
	} >application.properties
	run -1 jsonl application.properties
	line=$(jq -c 'select(.rule == "ks.okta.oauth-client-secret")' <<<"$output")
	[ "$(jq -r .client_id <<<"$line")" = demo-app ]
	[ "$(jq -r .issuer <<<"$line")" = https://dev-1.okta.com/oauth2/default ]
	[ "$(jq -r .key_path <<<"$line")" = spring.security.oauth2.client.registration.okta.client-secret ]
}

@test "a Kubernetes Secret's data is decoded and keeps its key names" {
	v=$(rand_chars 40 'A-Za-z0-9_-')
	printf 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: oidc\ndata:\n  client-id: %s\n  client-secret: %s\n' \
		"$(printf app-42 | base64)" "$(printf '%s' "$v" | base64 -w0)" >secret.yaml
	run -1 ks scan --no-store -q -f jsonl --show-secrets secret.yaml
	line=$(jq -c 'select(.rule == "ks.oauth.client-secret.assignment")' <<<"$output")
	[ "$(jq -r .secret <<<"$line")" = "$v" ]
	[ "$(jq -r .key_path <<<"$line")" = "data.client-secret (base64)" ]
	[ "$(jq -r .client_id <<<"$line")" = app-42 ]
	[ "$(jq -r .line <<<"$line")" = 7 ]
}

@test "placeholders and references are not client secrets" {
	for v in '${OAUTH_CLIENT_SECRET}' '$(CLIENT_SECRET)' '%env(CLIENT_SECRET)%' '{{ .Values.secret }}' \
		'<your-client-secret>' changeme REPLACE_ME '********' "os.environ['S']" process.env.S \
		vault:secret/data/oidc#secret client_secret_basic null ''; do
		printf 'OKTA_CLIENT_SECRET=%s\nclient_secret: %s\n' "$v" "$v"
	done >placeholders.env
	run -0 ks scan --no-store placeholders.env
}
