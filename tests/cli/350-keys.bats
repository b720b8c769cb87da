#!/usr/bin/env bats
# tests/cli/350-keys.bats - keyshift keys generate|jwks|thumbprint, with npm
# jose as the independent implementation. Keys are generated at run time.
bats_require_minimum_version 1.5.0
load helpers

JOSE="$KS_SOURCE_DIR/tests/support/jose"
ALGS="ES256 ES384 PS256 RS256 EdDSA"

setup_file() {
	"$KS_SOURCE_DIR/tests/support/jose/install.sh"
}

# not CMD...: fail when CMD succeeds (a bare "! cmd" does not fail a test).
not() {
	! "$@"
}

# jwk_d KEY.pem: the private scalar of a key, base64url, via node's crypto.
jwk_d() {
	node -e 'const c = require("node:crypto"), fs = require("node:fs");
		console.log(c.createPrivateKey(fs.readFileSync(process.argv[1]))
		    .export({ format: "jwk" }).d)' "$1"
}

@test "keys --help prints the usage" {
	run -0 ks keys --help
	[[ "$output" == *"keys generate --alg ALG"* ]]
	[[ "$output" == *"keys jwks"* ]]
	[[ "$output" == *"keys thumbprint"* ]]
	run -2 ks keys
	run -2 ks keys frobnicate
	[[ "$output" == *"unknown keys subcommand 'frobnicate'"* ]]
}

@test "generate writes PKCS#8 PEM with mode 0600 and prints the kid last" {
	for alg in $ALGS; do
		run -0 ks keys generate --alg "$alg" --out "$alg.pem"
		kid=${lines[-1]}
		[[ "$kid" =~ ^[A-Za-z0-9_-]{43}$ ]]
		[ "$(stat -c %a "$alg.pem")" = 600 ]
		grep -q -- '-----BEGIN PRIVATE KEY-----' "$alg.pem"
		openssl pkey -in "$alg.pem" -noout
		run -0 ks keys jwks "$alg.pem"
		[[ "$output" == *"\"kid\": \"$kid\""* ]]
		[[ "$output" == *"\"alg\": \"$alg\""* ]]
	done
}

@test "generate refuses to overwrite a file or follow a symlink" {
	echo precious >existing
	run -2 ks keys generate --alg ES256 --out existing
	[[ "$output" == *"refusing to overwrite 'existing'"* ]]
	[ "$(cat existing)" = precious ]
	ln -s "$TMP/elsewhere" link
	run -2 ks keys generate --alg EdDSA --out link
	[ ! -e elsewhere ]
	run -2 ks keys generate --alg ES256 --out nodir/key.pem
	[ ! -e nodir ]
}

@test "generate refuses RSA below 2048 bits and bad options" {
	run -2 ks keys generate --alg RS256 --bits 1024 --out k.pem
	[[ "$output" == *"below 2048 bits"* ]]
	[ ! -e k.pem ]
	run -2 ks keys generate --alg PS256 --bits 2500 --out k.pem
	run -2 ks keys generate --alg ES256 --bits 2048 --out k.pem
	run -2 ks keys generate --alg HS256 --out k.pem
	run -2 ks keys generate --alg ES256
	run -0 ks keys generate --alg PS256 --bits 3072 --out k.pem
	openssl pkey -in k.pem -noout -text | grep -q '3072 bit'
}

@test "jwks refuses weak keys made elsewhere" {
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out rsa1024.pem 2>/dev/null
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-224 -out p224.pem 2>/dev/null
	run -2 ks keys jwks rsa1024.pem
	[[ "$output" == *"1024 bits is below the 2048-bit minimum"* ]]
	run -2 ks keys jwks p224.pem
	[[ "$output" == *"weaker than P-256"* ]]
	run -2 ks assertion sign --key rsa1024.pem --client-id c --aud https://as.example
}

@test "a passphrase encrypts the key and is needed to use it" {
	printf 'correct horse battery\n' >pass
	run -0 ks keys generate --alg ES256 --out enc.pem --passphrase-file pass
	kid=${lines[-1]}
	grep -q -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' enc.pem
	run -2 ks keys jwks enc.pem
	[[ "$output" == *"needs a passphrase"* ]]
	printf 'wrong\n' >bad
	run -2 ks keys jwks --passphrase-file bad enc.pem
	[[ "$output" == *"wrong passphrase"* ]]
	[[ "$output" != *"wrong"*"wrong"* ]]
	run -0 ks keys jwks --passphrase-file pass enc.pem
	[[ "$output" == *"\"kid\": \"$kid\""* ]]
	openssl pkey -in enc.pem -passin file:pass -noout
	: >empty
	run -2 ks keys generate --alg ES256 --out enc2.pem --passphrase-file empty
	[ ! -e enc2.pem ]
}

@test "jwks kids equal jose's calculateJwkThumbprint for every alg" {
	for alg in $ALGS; do
		run -0 ks keys generate --alg "$alg" --out "$alg.pem"
		echo "$alg ${lines[-1]}" >>kids
	done
	run -0 ks keys jwks ES256.pem ES384.pem PS256.pem RS256.pem EdDSA.pem
	printf '%s\n' "$output" >jwks.json
	run -0 node "$JOSE/thumbprint.mjs" jwks.json
	[ "${#lines[@]}" -eq 5 ]
	for line in "${lines[@]}"; do
		kid=${line% *}
		[ "$kid" = "${line#* }" ]
		grep -q " $kid\$" kids
	done
	# the thumbprint command agrees on each member
	for i in 0 1 2 3 4; do
		node -e 'const j = require(process.argv[1]); console.log(JSON.stringify(j.keys[process.argv[2]]))' \
		    "$TMP/jwks.json" "$i" >jwk.json
		run -0 ks keys thumbprint jwk.json
		grep -q " $output\$" kids
	done
}

@test "jwks members: use sig, minimal e, fixed-length EC coordinates, no private members" {
	ks keys generate --alg ES256 --out ec.pem
	ks keys generate --alg ES384 --out ec384.pem
	ks keys generate --alg RS256 --out rsa.pem
	run -0 ks keys jwks --compact ec.pem ec384.pem rsa.pem
	json=$output
	node -e '
		const s = JSON.parse(process.argv[1]), b = (x) => Buffer.from(x, "base64url");
		const [ec, ec384, rsa] = s.keys;
		const ok = ec.kty === "EC" && ec.crv === "P-256" && b(ec.x).length === 32 &&
		    b(ec.y).length === 32 && ec384.crv === "P-384" && b(ec384.x).length === 48 &&
		    rsa.kty === "RSA" && rsa.e === "AQAB" && b(rsa.n)[0] !== 0 &&
		    rsa.alg === "RS256" && s.keys.every((k) => k.use === "sig" &&
		        !["d", "p", "q", "dp", "dq", "qi"].some((m) => m in k));
		process.exit(ok ? 0 : 1)' "$json"
}

@test "jwks rejects duplicate kids" {
	ks keys generate --alg EdDSA --out a.pem
	cp a.pem b.pem
	run -2 ks keys jwks a.pem b.pem
	[[ "$output" == *"duplicate kid"* ]]
	[[ "$output" != *"{"* ]]
}

@test "jwks reads keys made by openssl and public keys" {
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ossl-ec.pem 2>/dev/null
	openssl genpkey -algorithm ED25519 -out ossl-ed.pem 2>/dev/null
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ossl-rsa.pem 2>/dev/null
	openssl pkey -in ossl-ec.pem -pubout -out ossl-ec.pub 2>/dev/null
	run -0 ks keys jwks ossl-ec.pem ossl-ed.pem ossl-rsa.pem
	printf '%s\n' "$output" >jwks.json
	# RSA keys without an alg header default to PS256 (FAPI 2.0)
	[[ "$output" == *'"alg": "PS256"'* ]]
	run -0 node "$JOSE/thumbprint.mjs" jwks.json
	for line in "${lines[@]}"; do [ "${line% *}" = "${line#* }" ]; done
	run -0 ks keys jwks --alg ES256 ossl-ec.pub
	run -2 ks keys jwks --alg RS256 ossl-ec.pem
}

@test "thumbprint reproduces RFC 7638 §3.1 and RFC 8037 A.3" {
	cat >rfc7638.json <<-'JWK'
	{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
	JWK
	echo '{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}' >rfc8037.json
	run -0 ks keys thumbprint rfc7638.json
	[ "$output" = NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs ]
	run -0 node "$JOSE/thumbprint.mjs" rfc7638.json
	[ "$output" = "2011-04-29 NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs" ]
	run -0 ks keys thumbprint rfc8037.json
	[ "$output" = kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k ]
	echo '{"kty":"EC"}' >bad.json
	run -2 ks keys thumbprint bad.json
	run -2 ks keys thumbprint missing.json
	run -2 ks keys thumbprint
}

@test "jwks --x509 adds a self-signed certificate with x5c, x5t and x5t#S256" {
	ks keys generate --alg RS256 --out rsa.pem
	ks keys generate --alg ES256 --out ec.pem
	run -0 ks keys jwks --x509 --days 30 rsa.pem ec.pem
	printf '%s\n' "$output" >jwks.json
	for i in 0 1; do
		node -e '
			const j = require(process.argv[1]).keys[process.argv[2]];
			const c = require("node:crypto");
			const der = Buffer.from(j.x5c[0], "base64");
			const cert = new c.X509Certificate(der);
			const s1 = c.createHash("sha1").update(der).digest("base64url");
			const s256 = c.createHash("sha256").update(der).digest("base64url");
			const pub = c.createPublicKey({ key: j, format: "jwk" });
			const ok = s1 === j["x5t"] && s256 === j["x5t#S256"] &&
			    cert.publicKey.equals(pub) && cert.verify(pub) &&
			    cert.subject.includes(j.kid);
			process.exit(ok ? 0 : 1)' "$TMP/jwks.json" "$i"
	done
	run -0 node "$JOSE/thumbprint.mjs" jwks.json
	for line in "${lines[@]}"; do [ "${line% *}" = "${line#* }" ]; done
	run -2 ks keys jwks --x509 --days 0 ec.pem
}

@test "no private key material on stdout, stderr or in the store" {
	printf 'Zq-passphrase-5ecr3t\n' >pass
	: >all-output
	for alg in $ALGS; do
		ks keys generate --alg "$alg" --out "$alg.pem" >>all-output 2>&1
		ks keys generate --alg "$alg" --out "$alg-enc.pem" --passphrase-file pass >>all-output 2>&1
		ks keys generate --alg "$alg" --out "$alg.pem" >>all-output 2>&1 || true
		ks keys jwks "$alg.pem" >>all-output 2>&1
		ks keys jwks --x509 "$alg.pem" >>all-output 2>&1
		ks keys jwks "$alg-enc.pem" >>all-output 2>&1 || true
		ks assertion sign --key "$alg.pem" --client-id c --aud https://as.example >>all-output 2>&1
		ks assertion sign --key "$alg-enc.pem" --client-id c --aud https://as.example >>all-output 2>&1 || true
		ks assertion sign --key "$alg.pem" --client-id c >>all-output 2>&1 || true
	done
	not grep -q 'PRIVATE KEY' all-output
	for alg in $ALGS; do
		d=$(jwk_d "$alg.pem")
		[ -n "$d" ]
		not grep -qF -- "$d" all-output
		# nor any line of the PEM body
		grep -v -- '-----\|^alg:' "$alg.pem" >body
		not grep -qFf body all-output
		if [ -d "$XDG_DATA_HOME" ]; then
			not grep -rqF -- "$d" "$XDG_DATA_HOME"
		fi
	done
	not grep -q 'Zq-passphrase' all-output
}
