#!/usr/bin/env bats
# tests/cli/360-assertion.bats - keyshift assertion sign|lint, interop with
# npm jose in both directions, and one jose-signed bad case per lint rule.
# Keys are generated at run time.
bats_require_minimum_version 1.5.0
load helpers

JOSE="$KS_SOURCE_DIR/tests/support/jose"
ALGS="ES256 ES384 PS256 RS256 EdDSA"
ISS=https://as.example
TYP=client-authentication+jwt

setup_file() {
	"$KS_SOURCE_DIR/tests/support/jose/install.sh"
	export KEYS="$BATS_FILE_TMPDIR/keys"
	mkdir -p "$KEYS"
	for alg in $ALGS; do
		"$KEYSHIFT" keys generate --alg "$alg" --out "$KEYS/$alg.pem" >"$KEYS/$alg.kid"
		"$KEYSHIFT" keys jwks "$KEYS/$alg.pem" >"$KEYS/$alg.jwks"
	done
	"$KEYSHIFT" keys generate --alg ES256 --out "$KEYS/other.pem" >"$KEYS/other.kid"
	"$KEYSHIFT" keys jwks "$KEYS/other.pem" >"$KEYS/other.jwks"
}

not() {
	! "$@"
}

kid() {
	cat "$KEYS/$1.kid"
}

# jose_sign HEADER CLAIMS [ALG]: a token signed by npm jose with KEYS/ALG.pem.
jose_sign() {
	node "$JOSE/sign.mjs" --key "$KEYS/${3:-ES256}.pem" --header "$1" --claims "$2" >token
}

# hdr [ALG [KID [TYP]]]: a protected header.
hdr() {
	local alg=${1:-ES256}
	printf '{"alg":"%s","kid":"%s","typ":"%s"}' "$alg" "${2:-$(kid "$alg")}" "${3:-$TYP}"
}

# claims [EXTRA]: good claims, with the JSON members EXTRA replacing or
# adding to them.
claims() {
	node -e '
		const now = Math.floor(Date.now() / 1000);
		const c = { iss: "client-1", sub: "client-1", aud: process.argv[1],
		    jti: require("node:crypto").randomBytes(18).toString("base64url"),
		    iat: now, exp: now + 60 };
		console.log(JSON.stringify(Object.assign(c, JSON.parse(`{${process.argv[2]}}`))))' \
	    "$ISS" "${1:-}"
}

# lint_rule RULE: lint ./token against the ES256 JWKS; expect exactly RULE.
lint_rule() {
	run -1 ks assertion lint --jwks "$KEYS/${2:-ES256}.jwks" --issuer "$ISS" \
	    --client-id client-1 token
	echo "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "$1: "* ]]
}

@test "assertion --help prints the usage" {
	run -0 ks assertion --help
	[[ "$output" == *"assertion sign --key KEY.pem"* ]]
	[[ "$output" == *"assertion lint --jwks JWKS.json"* ]]
	run -2 ks assertion
	run -2 ks assertion sign --key "$KEYS/ES256.pem"
	run -2 ks assertion lint token
	run -2 ks assertion sign --key "$KEYS/ES256.pem" --client-id c --aud "$ISS" --lifetime 0
}

@test "jose verifies keyshift's assertions with keyshift's JWKS, every alg" {
	for alg in $ALGS; do
		ks assertion sign --key "$KEYS/$alg.pem" --client-id client-1 --aud "$ISS" >token
		run -0 node "$JOSE/verify.mjs" "$KEYS/$alg.jwks" token --aud "$ISS" \
		    --iss client-1 --sub client-1 --typ "$TYP"
		[[ "$output" == *"\"alg\":\"$alg\""* ]]
		[[ "$output" == *"\"kid\":\"$(kid "$alg")\""* ]]
		run -0 ks assertion lint --jwks "$KEYS/$alg.jwks" --issuer "$ISS" \
		    --client-id client-1 token
		[ -z "$output" ]
	done
}

@test "sign: claims shape, lifetime, nbf, kid and alg options" {
	now=$(date +%s)
	ks assertion sign --key "$KEYS/PS256.pem" --client-id client-1 --aud "$ISS" \
	    --lifetime 120 --nbf --alg RS256 --kid my-kid --now "$now" >token
	node -e '
		const [h, c] = require("node:fs").readFileSync("token", "utf8").trim()
		    .split(".").slice(0, 2).map((s) => JSON.parse(Buffer.from(s, "base64url")));
		const now = Number(process.argv[1]);
		const ok = h.alg === "RS256" && h.kid === "my-kid" && h.typ === process.argv[2] &&
		    Object.keys(h).length === 3 && c.iss === "client-1" && c.sub === "client-1" &&
		    c.aud === process.argv[3] && c.iat === now && c.nbf === now &&
		    c.exp === now + 120 && Buffer.from(c.jti, "base64url").length >= 16;
		process.exit(ok ? 0 : 1)' "$now" "$TYP" "$ISS"
	ks assertion sign --key "$KEYS/ES256.pem" --client-id c --aud "$ISS" >a
	ks assertion sign --key "$KEYS/ES256.pem" --client-id c --aud "$ISS" >b
	not cmp -s a b
	run -2 ks assertion sign --key "$KEYS/ES256.pem" --client-id c --aud "$ISS" --alg PS256
	[[ "$output" == *"does not fit the key"* ]]
}

@test "keyshift lint accepts jose-signed assertions, every alg" {
	for alg in $ALGS; do
		jose_sign "$(hdr "$alg")" "$(claims)" "$alg"
		run -0 ks assertion lint --jwks "$KEYS/$alg.jwks" --issuer "$ISS" \
		    --client-id client-1 token
		[ -z "$output" ]
	done
	# the token endpoint is accepted when the server wants it
	jose_sign "$(hdr)" "$(claims '"aud":"https://as.example/token"')"
	run -0 ks assertion lint --jwks "$KEYS/ES256.jwks" --token-endpoint https://as.example/token token
	# and read from standard input
	jose_sign "$(hdr)" "$(claims)"
	run -0 ks assertion lint --jwks "$KEYS/ES256.jwks" - <token
}

@test "tampered signatures are rejected by jose and keyshift" {
	for alg in ES256 PS256 EdDSA; do
		ks assertion sign --key "$KEYS/$alg.pem" --client-id client-1 --aud "$ISS" >orig
		# flip one bit in the middle of the signature
		node -e '
			const fs = require("node:fs"), t = fs.readFileSync("orig", "utf8").trim().split(".");
			const s = Buffer.from(t[2], "base64url"); s[s.length >> 1] ^= 1;
			fs.writeFileSync("token", `${t[0]}.${t[1]}.${s.toString("base64url")}`)'
		run -1 node "$JOSE/verify.mjs" "$KEYS/$alg.jwks" token --aud "$ISS"
		[[ "$output" == ERR_JWS_SIGNATURE_VERIFICATION_FAILED* ]]
		lint_rule signature-invalid "$alg"
		# and a changed claim under the old signature
		node -e '
			const fs = require("node:fs"), t = fs.readFileSync("orig", "utf8").trim().split(".");
			const c = JSON.parse(Buffer.from(t[1], "base64url")); c.sub = "admin"; c.iss = "admin";
			fs.writeFileSync("token", `${t[0]}.${Buffer.from(JSON.stringify(c)).toString("base64url")}.${t[2]}`)'
		run -1 node "$JOSE/verify.mjs" "$KEYS/$alg.jwks" token --aud "$ISS"
		run -1 ks assertion lint --jwks "$KEYS/$alg.jwks" --issuer "$ISS" token
		[[ "$output" == *"signature-invalid: "* ]]
	done
}

@test "wrong keys are rejected by jose and keyshift" {
	# signed by another key under its own kid: not in the set
	ks assertion sign --key "$KEYS/other.pem" --client-id client-1 --aud "$ISS" >token
	run -1 node "$JOSE/verify.mjs" "$KEYS/ES256.jwks" token --aud "$ISS"
	[[ "$output" == ERR_JWKS_NO_MATCHING_KEY* ]]
	lint_rule kid-unknown
	# signed by another key claiming the published kid
	ks assertion sign --key "$KEYS/other.pem" --client-id client-1 --aud "$ISS" \
	    --kid "$(kid ES256)" >token
	run -1 node "$JOSE/verify.mjs" "$KEYS/ES256.jwks" token --aud "$ISS"
	[[ "$output" == ERR_JWS_SIGNATURE_VERIFICATION_FAILED* ]]
	lint_rule signature-invalid
	# jose-signed with the wrong key, too
	jose_sign "$(hdr ES256 "$(kid ES256)")" "$(claims)" other
	run -1 node "$JOSE/verify.mjs" "$KEYS/ES256.jwks" token --aud "$ISS"
	lint_rule signature-invalid
}

@test "lint rule alg-none" {
	node "$JOSE/sign.mjs" --none --header "{\"alg\":\"none\",\"kid\":\"$(kid ES256)\",\"typ\":\"$TYP\"}" \
	    --claims "$(claims)" >token
	lint_rule alg-none
}

@test "lint rule alg-missing" {
	# jose refuses to sign without alg: node:crypto signs it
	node "$JOSE/sign.mjs" --raw --key "$KEYS/ES256.pem" \
	    --header "{\"kid\":\"$(kid ES256)\",\"typ\":\"$TYP\"}" --claims "$(claims)" >token
	lint_rule alg-missing
}

@test "lint rule alg-unsupported" {
	# RS384: jose signs it with the RSA key, keyshift only takes RS256
	jose_sign "$(hdr RS384 "$(kid RS256)")" "$(claims)" RS256
	lint_rule alg-unsupported RS256
}

@test "lint rule alg-hmac" {
	node "$JOSE/sign.mjs" --hmac "$(rand_chars 32)" --header "$(hdr HS256 "$(kid ES256)")" \
	    --claims "$(claims)" >token
	lint_rule alg-hmac
}

@test "lint rule alg-key-mismatch" {
	jose_sign "$(hdr PS256 "$(kid ES256)")" "$(claims)" PS256
	lint_rule alg-key-mismatch
}

@test "lint rule kid-missing" {
	jose_sign "{\"alg\":\"ES256\",\"typ\":\"$TYP\"}" "$(claims)"
	lint_rule kid-missing
}

@test "lint rule kid-unknown" {
	jose_sign "$(hdr ES256 no-such-kid)" "$(claims)"
	lint_rule kid-unknown
}

@test "lint rule signature-invalid" {
	jose_sign "$(hdr)" "$(claims)"
	# swap in the signature of another token
	cp token first
	jose_sign "$(hdr)" "$(claims '"jti":"other"')"
	printf '%s.%s\n' "$(cut -d. -f1,2 <first)" "$(cut -d. -f3 <token)" >token
	lint_rule signature-invalid
}

@test "lint rule typ-wrong" {
	jose_sign "$(hdr ES256 "" JWT)" "$(claims)"
	lint_rule typ-wrong
}

@test "lint rule typ-missing" {
	jose_sign "{\"alg\":\"ES256\",\"kid\":\"$(kid ES256)\"}" "$(claims)"
	lint_rule typ-missing
}

@test "lint rule crit-unsupported" {
	# jose refuses to make this one: node:crypto signs it
	node "$JOSE/sign.mjs" --raw --key "$KEYS/ES256.pem" \
	    --header "{\"alg\":\"ES256\",\"kid\":\"$(kid ES256)\",\"typ\":\"$TYP\",\"crit\":[\"x-ks\"],\"x-ks\":1}" \
	    --claims "$(claims)" >token
	lint_rule crit-unsupported
}

@test "lint rule aud-array" {
	jose_sign "$(hdr)" "$(claims "\"aud\":[\"$ISS\"]")"
	lint_rule aud-array
}

@test "lint rule aud-mismatch (the token endpoint where the issuer is wanted)" {
	jose_sign "$(hdr)" "$(claims '"aud":"https://as.example/token"')"
	lint_rule aud-mismatch
	[[ "$output" == *"not the issuer 'https://as.example'"* ]]
}

@test "lint rule aud-missing" {
	now=$(date +%s)
	jose_sign "$(hdr)" "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"jti\":\"j1\",\"iat\":$now,\"exp\":$((now + 60))}"
	run -1 ks assertion lint --jwks "$KEYS/ES256.jwks" --issuer "$ISS" token
	[ "$output" = "aud-missing: the claims have no aud" ]
}

@test "lint rule exp-missing" {
	now=$(date +%s)
	jose_sign "$(hdr)" "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"aud\":\"$ISS\",\"jti\":\"j1\",\"iat\":$now}"
	lint_rule exp-missing
}

@test "lint rule exp-past" {
	now=$(date +%s)
	jose_sign "$(hdr)" "$(claims "\"iat\":$((now - 120)),\"exp\":$((now - 60))")"
	lint_rule exp-past
}

@test "lint rule exp-too-far" {
	now=$(date +%s)
	jose_sign "$(hdr)" "$(claims "\"exp\":$((now + 3600))")"
	lint_rule exp-too-far
	run -0 ks assertion lint --jwks "$KEYS/ES256.jwks" --issuer "$ISS" --max-lifetime 3600 token
}

@test "lint rule iat-future" {
	now=$(date +%s)
	jose_sign "$(hdr)" "$(claims "\"iat\":$((now + 120)),\"exp\":$((now + 180))")"
	lint_rule iat-future
	run -0 ks assertion lint --jwks "$KEYS/ES256.jwks" --issuer "$ISS" --skew 130 token
}

@test "lint rule iat-invalid" {
	jose_sign "$(hdr)" "$(claims '"iat":"yesterday"')"
	lint_rule iat-invalid
}

@test "lint rule nbf-invalid" {
	jose_sign "$(hdr)" "$(claims '"nbf":"soon"')"
	lint_rule nbf-invalid
}

@test "lint rule nbf-future" {
	now=$(date +%s)
	jose_sign "$(hdr)" "$(claims "\"nbf\":$((now + 120))")"
	lint_rule nbf-future
}

@test "lint rule jti-missing" {
	now=$(date +%s)
	jose_sign "$(hdr)" "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"aud\":\"$ISS\",\"iat\":$now,\"exp\":$((now + 60))}"
	lint_rule jti-missing
}

@test "lint rule iss-sub-mismatch" {
	jose_sign "$(hdr)" "$(claims '"sub":"client-2"')"
	run -1 ks assertion lint --jwks "$KEYS/ES256.jwks" --issuer "$ISS" token
	[ "$output" = "iss-sub-mismatch: iss and sub differ; both must be the client id" ]
}

@test "lint rule client-id-mismatch" {
	jose_sign "$(hdr)" "$(claims '"iss":"client-2","sub":"client-2"')"
	lint_rule client-id-mismatch
}

@test "lint rule iss-missing and sub-missing" {
	now=$(date +%s)
	jose_sign "$(hdr)" "{\"aud\":\"$ISS\",\"jti\":\"j1\",\"iat\":$now,\"exp\":$((now + 60))}"
	run -1 ks assertion lint --jwks "$KEYS/ES256.jwks" --issuer "$ISS" token
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "iss-missing: "* ]]
	[[ "${lines[1]}" == "sub-missing: "* ]]
}

@test "lint rule malformed, and runtime errors exit 2" {
	echo 'not.a-token' >token
	lint_rule malformed
	# duplicate members are refused, not resolved (RFC 7515 §5.2)
	jose_sign "$(hdr)" '{"iss":"client-1","iss":"client-2"}'
	lint_rule malformed
	run -2 ks assertion lint --jwks "$KEYS/ES256.jwks" missing-token
	run -2 ks assertion lint --jwks "$KEYS/ES256.pem" token
	run -2 ks assertion lint --jwks "$KEYS/ES256.jwks" --skew -1 token
}

@test "lint never prints the assertion" {
	jose_sign "$(hdr PS256 "$(kid ES256)" JWT)" "$(claims "\"aud\":[\"x\"]")" PS256
	run -1 ks assertion lint --jwks "$KEYS/ES256.jwks" --issuer "$ISS" token
	[ "${#lines[@]}" -ge 3 ]
	not grep -qF -- "$(cut -d. -f3 <token)" <<<"$output"
	not grep -qF -- "$(cut -d. -f2 <token)" <<<"$output"
}

@test "sign --x5t-s256 adds the certificate thumbprint Entra ID looks keys up by" {
	ks keys jwks --x509 "$KEYS/RS256.pem" >x509.jwks
	thumb=$(jq -r '.keys[0]["x5t#S256"]' x509.jwks)
	[ "${#thumb}" -eq 43 ]
	ks assertion sign --key "$KEYS/RS256.pem" --client-id client-1 --aud "$ISS" \
	    --x5t-s256 "$thumb" >token
	run -0 node "$JOSE/verify.mjs" x509.jwks token --aud "$ISS" --iss client-1
	[ "$(jq -r '.header["x5t#S256"]' <<<"$output")" = "$thumb" ]
	[ "$(jq -r '.header.kid' <<<"$output")" = "$(kid RS256)" ]
	run -2 ks assertion sign --key "$KEYS/RS256.pem" --client-id client-1 --aud "$ISS" \
	    --x5t-s256 not-a-thumbprint
	[[ "$output" == *"x5t#S256"* ]]
}
