/*
 * tests/unit/test_migrate_assertion.c - signing client assertions and the
 * assertion linter
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <jansson.h>

#include <keyshift/jose.h>

#include "jose_int.h"

#define NOW 1700000000
#define ISS "https://as.example"

struct fixture {
	ks_key *key;
	ks_jwks *jwks;
	char rules[1024];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || ks_key_generate(&f->key, KS_JOSE_ALG_ES256, 0) < 0 ||
	    ks_jwks_new(&f->jwks) < 0 || ks_jwks_add(f->jwks, f->key) < 0)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ks_jwks_free(f->jwks);
	ks_key_free(f->key);
	free(f);
	return 0;
}

static int
collect(const char *rule, const char *message, void *payload)
{
	struct fixture *f = payload;

	strncat(f->rules, rule, sizeof(f->rules) - strlen(f->rules) - 2);
	strcat(f->rules, " ");
	return 0;
}

/* Lint `token`; returns the rules found, space-separated. */
static const char *
lint(struct fixture *f, const char *token)
{
	ks_lint_options o = KS_LINT_OPTIONS_INIT;
	size_t n = 99;

	o.issuer = ISS;
	o.client_id = "client-1";
	o.now = NOW;
	f->rules[0] = '\0';
	assert_int_equal(0, ks_assertion_lint(&n, token, strlen(token),
	    f->jwks, &o, collect, f));
	return f->rules;
}

static const char *
lint_signed(struct fixture *f, const char *header, const char *claims)
{
	ks_str jws = KS_STR_INIT;
	char hdr[512];
	static char rules[1024];

	snprintf(hdr, sizeof(hdr), header, ks_key_kid(f->key));
	assert_int_equal(0, ks_jws__sign_compact(&jws, f->key,
	    KS_JOSE_ALG_ES256, hdr, strlen(hdr), claims, strlen(claims)));
	snprintf(rules, sizeof(rules), "%s", lint(f, jws.ptr));
	ks_str_dispose(&jws);
	return rules;
}

#define GOOD_HDR "{\"alg\":\"ES256\",\"kid\":\"%s\"," \
	"\"typ\":\"client-authentication+jwt\"}"
#define CLAIMS(extra) "{\"iss\":\"client-1\",\"sub\":\"client-1\"," \
	"\"aud\":\"" ISS "\",\"jti\":\"0123456789abcdef0123\"," extra "}"
#define TIMES "\"iat\":1700000000,\"exp\":1700000060"

static void
test_migrate_assertion__sign_and_lint_clean(void **state)
{
	struct fixture *f = *state;
	ks_assertion_options o = KS_ASSERTION_OPTIONS_INIT;
	struct ks_jws jws = KS_JWS_INIT;
	ks_buf a = KS_BUF_INIT, b = KS_BUF_INIT;
	json_t *claims;
	char hdr[256];

	o.client_id = "client-1";
	o.audience = ISS;
	o.now = NOW;
	o.nbf = true;
	assert_int_equal(0, ks_assertion_sign(&a, f->key, &o));
	assert_int_equal(0, ks_assertion_sign(&b, f->key, &o));
	assert_string_equal("", lint(f, a.ptr));
	assert_int_equal(0, ks_jws__parse(&jws, a.ptr, a.size));
	snprintf(hdr, sizeof(hdr), GOOD_HDR, ks_key_kid(f->key));
	assert_string_equal(hdr, jws.header.ptr);
	claims = json_loadb(jws.payload.ptr, jws.payload.len, 0, NULL);
	assert_non_null(claims);
	assert_string_equal("client-1", json_string_value(json_object_get(
	    claims, "iss")));
	assert_string_equal("client-1", json_string_value(json_object_get(
	    claims, "sub")));
	assert_string_equal(ISS, json_string_value(json_object_get(claims,
	    "aud")));
	assert_int_equal(NOW, json_integer_value(json_object_get(claims,
	    "iat")));
	assert_int_equal(NOW, json_integer_value(json_object_get(claims,
	    "nbf")));
	assert_int_equal(NOW + 60, json_integer_value(json_object_get(claims,
	    "exp")));
	/* 24 random bytes: 32 base64url characters. */
	assert_int_equal(32, strlen(json_string_value(json_object_get(claims,
	    "jti"))));
	assert_string_not_equal(a.ptr, b.ptr);
	json_decref(claims);
	ks_jws__dispose(&jws);
	ks_buf_dispose(&a);
	ks_buf_dispose(&b);
}

static void
test_migrate_assertion__sign_refuses_bad_options(void **state)
{
	struct fixture *f = *state;
	ks_assertion_options o = KS_ASSERTION_OPTIONS_INIT;
	ks_buf a = KS_BUF_INIT;

	assert_int_equal(KS_EINVALID, ks_assertion_sign(&a, f->key, &o));
	o.client_id = "c";
	assert_int_equal(KS_EINVALID, ks_assertion_sign(&a, f->key, &o));
	o.audience = ISS;
	o.lifetime = KS_ASSERTION_MAX_LIFETIME + 1;
	assert_int_equal(KS_EINVALID, ks_assertion_sign(&a, f->key, &o));
	o.lifetime = 0;
	o.alg = KS_JOSE_ALG_PS256;
	assert_int_equal(KS_EINVALID, ks_assertion_sign(&a, f->key, &o));
	o.alg = KS_JOSE_ALG_UNKNOWN;
	/* The set's copy is public only. */
	assert_int_equal(KS_EINVALID, ks_assertion_sign(&a,
	    ks_jwks_get(f->jwks, 0), &o));
	assert_null(a.ptr);
}

static void
test_migrate_assertion__lint_rules(void **state)
{
	struct fixture *f = *state;

	assert_string_equal("", lint_signed(f, GOOD_HDR, CLAIMS(TIMES)));
	assert_string_equal("typ-missing ", lint_signed(f,
	    "{\"alg\":\"ES256\",\"kid\":\"%s\"}", CLAIMS(TIMES)));
	assert_string_equal("typ-wrong ", lint_signed(f,
	    "{\"alg\":\"ES256\",\"kid\":\"%s\",\"typ\":\"JWT\"}",
	    CLAIMS(TIMES)));
	assert_string_equal("", lint_signed(f, "{\"alg\":\"ES256\",\"kid\":"
	    "\"%s\",\"typ\":\"application/Client-Authentication+JWT\"}",
	    CLAIMS(TIMES)));
	assert_string_equal("kid-missing ", lint_signed(f,
	    "{\"alg\":\"ES256\",\"typ\":\"client-authentication+jwt\"}",
	    CLAIMS(TIMES)));
	assert_string_equal("kid-unknown ", lint_signed(f,
	    "{\"alg\":\"ES256\",\"kid\":\"x%s\","
	    "\"typ\":\"client-authentication+jwt\"}", CLAIMS(TIMES)));
	assert_string_equal("crit-unsupported ", lint_signed(f,
	    "{\"alg\":\"ES256\",\"kid\":\"%s\",\"crit\":[\"b64\"],"
	    "\"typ\":\"client-authentication+jwt\"}", CLAIMS(TIMES)));
	assert_string_equal("exp-missing ", lint_signed(f, GOOD_HDR,
	    CLAIMS("\"iat\":1700000000")));
	assert_string_equal("exp-past ", lint_signed(f, GOOD_HDR,
	    CLAIMS("\"iat\":1699999000,\"exp\":1700000000")));
	assert_string_equal("exp-too-far ", lint_signed(f, GOOD_HDR,
	    CLAIMS("\"iat\":1700000000,\"exp\":1700003600")));
	assert_string_equal("iat-future ", lint_signed(f, GOOD_HDR,
	    CLAIMS("\"iat\":1700000011,\"exp\":1700000060")));
	assert_string_equal("", lint_signed(f, GOOD_HDR,
	    CLAIMS("\"iat\":1700000010,\"nbf\":1700000010,"
	    "\"exp\":1700000060.5")));
	assert_string_equal("nbf-future ", lint_signed(f, GOOD_HDR,
	    CLAIMS(TIMES ",\"nbf\":1700000100")));
	assert_string_equal("iat-invalid ", lint_signed(f, GOOD_HDR,
	    CLAIMS("\"iat\":\"now\",\"exp\":1700000060")));
	assert_string_equal("jti-missing ", lint_signed(f, GOOD_HDR,
	    "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"aud\":\"" ISS "\","
	    TIMES "}"));
	assert_string_equal("aud-array ", lint_signed(f, GOOD_HDR,
	    "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"aud\":[\"" ISS "\"],"
	    "\"jti\":\"j\"," TIMES "}"));
	assert_string_equal("aud-mismatch ", lint_signed(f, GOOD_HDR,
	    "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"aud\":\"" ISS
	    "/token\",\"jti\":\"j\"," TIMES "}"));
	assert_string_equal("aud-missing ", lint_signed(f, GOOD_HDR,
	    "{\"iss\":\"client-1\",\"sub\":\"client-1\",\"jti\":\"j\","
	    TIMES "}"));
	assert_string_equal("iss-sub-mismatch client-id-mismatch ",
	    lint_signed(f, GOOD_HDR, "{\"iss\":\"client-1\",\"sub\":\"x\","
	    "\"aud\":\"" ISS "\",\"jti\":\"j\"," TIMES "}"));
	assert_string_equal("iss-missing sub-missing ", lint_signed(f,
	    GOOD_HDR, "{\"aud\":\"" ISS "\",\"jti\":\"j\"," TIMES "}"));
}

static void
test_migrate_assertion__lint_unsigned_and_hmac(void **state)
{
	struct fixture *f = *state;

	/* {"alg":"none","typ":"client-authentication+jwt"} . {} . */
	assert_non_null(strstr(lint(f, "eyJhbGciOiJub25lIiwidHlwIjoiY2xpZW50L"
	    "WF1dGhlbnRpY2F0aW9uK2p3dCJ9.e30."), "alg-none "));
	/* {"alg":"HS256"} */
	assert_non_null(strstr(lint(f, "eyJhbGciOiJIUzI1NiJ9.e30.AAAA"),
	    "alg-hmac "));
	/* {"alg":"ES512"} */
	assert_non_null(strstr(lint(f, "eyJhbGciOiJFUzUxMiJ9.e30.AAAA"),
	    "alg-unsupported "));
	/* {} */
	assert_non_null(strstr(lint(f, "e30.e30.AAAA"), "alg-missing "));
	assert_string_equal("malformed ", lint(f, "not a token"));
	assert_string_equal("malformed ", lint(f, "WzFd.e30.AAAA"));
}

static void
test_migrate_assertion__lint_tampered_and_wrong_key(void **state)
{
	struct fixture *f = *state;
	ks_assertion_options o = KS_ASSERTION_OPTIONS_INIT;
	ks_buf a = KS_BUF_INIT;
	ks_key *other = NULL;
	size_t n;

	o.client_id = "client-1";
	o.audience = ISS;
	o.now = NOW;
	assert_int_equal(0, ks_assertion_sign(&a, f->key, &o));
	n = a.size - 5;
	a.ptr[n] = a.ptr[n] == 'A' ? 'B' : 'A';
	assert_string_equal("signature-invalid ", lint(f, a.ptr));
	ks_buf_dispose(&a);

	/* Another key claiming the published kid. */
	assert_int_equal(0, ks_key_generate(&other, KS_JOSE_ALG_ES256, 0));
	o.kid = ks_key_kid(f->key);
	assert_int_equal(0, ks_assertion_sign(&a, other, &o));
	assert_string_equal("signature-invalid ", lint(f, a.ptr));
	ks_buf_dispose(&a);

	/* A key of another type under the published kid. */
	ks_key_free(other);
	assert_int_equal(0, ks_key_generate(&other, KS_JOSE_ALG_EDDSA, 0));
	assert_int_equal(0, ks_assertion_sign(&a, other, &o));
	assert_string_equal("alg-key-mismatch ", lint(f, a.ptr));
	ks_buf_dispose(&a);
	ks_key_free(other);
}

static int
stop(const char *rule, const char *message, void *payload)
{
	(*(int *)payload)++;
	return 1;
}

static void
test_migrate_assertion__lint_callback_can_stop(void **state)
{
	struct fixture *f = *state;
	ks_lint_options o = KS_LINT_OPTIONS_INIT;
	int calls = 0;
	size_t n;

	assert_int_equal(KS_EUSER, ks_assertion_lint(&n, "e30.e30.", 8,
	    f->jwks, &o, stop, &calls));
	assert_int_equal(1, calls);
	assert_int_equal(1, n);
	o.skew = -1;
	assert_int_equal(KS_EINVALID, ks_assertion_lint(&n, "e30.e30.", 8,
	    f->jwks, &o, stop, &calls));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_migrate_assertion__sign_and_lint_clean, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_assertion__sign_refuses_bad_options, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_assertion__lint_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_assertion__lint_unsigned_and_hmac, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_assertion__lint_tampered_and_wrong_key, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_assertion__lint_callback_can_stop, setup,
		    teardown),
	};
	return cmocka_run_group_tests_name("migrate/assertion", tests, NULL,
	    NULL);
}
