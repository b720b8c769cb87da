/*
 * tests/fuzz/fuzz_jose.c - libFuzzer target for the JWK, JWK Set and JWS
 * parsers and the assertion linter
 *
 * Every input goes through each parser: they share no state, and an input
 * that is interesting to one (say, a JWK) is often a near miss for another.
 * Nothing here may crash, leak or read out of bounds, whatever the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <keyshift/jose.h>

#include "jose_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 7515 A.3's public key, so that the linter reaches verification. */
static const char jwks_text[] =
    "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\",\"kid\":\"k1\","
    "\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\","
    "\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}]}";

static int
ignore(const char *rule, const char *message, void *payload)
{
	(void)rule;
	(void)message;
	(void)payload;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ks_jwks *jwks;
	char tp[KS_JWK_THUMBPRINT_LEN + 1];
	ks_lint_options o = KS_LINT_OPTIONS_INIT;
	struct ks_jws jws = KS_JWS_INIT;
	const char *text = (const char *)data;
	ks_jwks *set = NULL;
	ks_key *key = NULL;
	ks_buf out = KS_BUF_INIT;

	if (!jwks && ks_jwks_parse(&jwks, jwks_text, sizeof(jwks_text) - 1) < 0)
		return 0;

	if (ks_jws__parse(&jws, text, size) == 0)
		ks_jws__dispose(&jws);

	(void)ks_jwk_thumbprint(tp, text, size);

	if (ks_key_from_jwk(&key, text, size) == 0) {
		(void)ks_key_to_jwk(&out, key, 0);
		ks_buf_dispose(&out);
		ks_key_free(key);
	}

	if (ks_jwks_parse(&set, text, size) == 0) {
		(void)ks_jwks_to_json(&out, set, KS_JWK_PRETTY);
		ks_buf_dispose(&out);
		ks_jwks_free(set);
	}

	o.issuer = "https://as.example";
	o.client_id = "client-1";
	o.now = 1300819000;
	(void)ks_assertion_lint(NULL, text, size, jwks, &o, ignore, NULL);
	return 0;
}
