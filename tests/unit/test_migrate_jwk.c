/*
 * tests/unit/test_migrate_jwk.c - JWKs, JWK Sets and RFC 7638 thumbprints
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <keyshift/jose.h>

#include "encode.h"
#include "jose_int.h"

/* RFC 7638 §3.1: the RSA public key of RFC 7517 Appendix A.1. */
#define RFC7638_N \
	"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7" \
	"aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXA" \
	"rwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7" \
	"d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lF" \
	"d2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
#define RFC7638_JWK \
	"{\"kty\":\"RSA\",\"n\":\"" RFC7638_N "\",\"e\":\"AQAB\"," \
	"\"alg\":\"RS256\",\"kid\":\"2011-04-29\"}"
#define RFC7638_TP "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"

/* RFC 8037 Appendix A.2/A.3: the Ed25519 public key. */
#define RFC8037_JWK \
	"{\"kty\":\"OKP\",\"crv\":\"Ed25519\"," \
	"\"x\":\"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\"}"
#define RFC8037_TP "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"

/* RFC 7515 Appendix A.3: the P-256 public key. */
#define RFC7515_A3_X "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"
#define RFC7515_A3_Y "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"

static void
test_migrate_jwk__rfc7638_thumbprint(void **state)
{
	char tp[KS_JWK_THUMBPRINT_LEN + 1];

	assert_int_equal(0, ks_jwk_thumbprint(tp, RFC7638_JWK,
	    strlen(RFC7638_JWK)));
	assert_string_equal(RFC7638_TP, tp);
}

static void
test_migrate_jwk__rfc7638_thumbprint_of_key_material(void **state)
{
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_from_jwk(&key, RFC7638_JWK,
	    strlen(RFC7638_JWK)));
	assert_string_equal(RFC7638_TP, ks_key_thumbprint(key));
	assert_string_equal("2011-04-29", ks_key_kid(key));
	assert_int_equal(KS_JOSE_ALG_RS256, ks_key_alg(key));
	assert_false(ks_key_is_private(key));
	ks_key_free(key);
}

static void
test_migrate_jwk__rfc8037_thumbprint(void **state)
{
	char tp[KS_JWK_THUMBPRINT_LEN + 1];
	ks_key *key = NULL;

	assert_int_equal(0, ks_jwk_thumbprint(tp, RFC8037_JWK,
	    strlen(RFC8037_JWK)));
	assert_string_equal(RFC8037_TP, tp);
	assert_int_equal(0, ks_key_from_jwk(&key, RFC8037_JWK,
	    strlen(RFC8037_JWK)));
	assert_string_equal(RFC8037_TP, ks_key_thumbprint(key));
	assert_int_equal(KS_JOSE_ALG_EDDSA, ks_key_alg(key));
	ks_key_free(key);
}

static void
test_migrate_jwk__thumbprint_ignores_order_and_optional_members(void **state)
{
	const char *j = " { \"x\" : \"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo\","
	    "\n\"use\":\"sig\", \"kid\":\"k\", \"crv\":\"Ed25519\",\"kty\":\"OKP\"}";
	char tp[KS_JWK_THUMBPRINT_LEN + 1];

	assert_int_equal(0, ks_jwk_thumbprint(tp, j, strlen(j)));
	assert_string_equal(RFC8037_TP, tp);
}

static void
test_migrate_jwk__thumbprint_rejects_bad_input(void **state)
{
	char tp[KS_JWK_THUMBPRINT_LEN + 1];
	const char *bad[] = {
		"", "[]", "{\"kty\":\"RSA\",\"n\":\"AQAB\"}",
		"{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":1,\"y\":\"a\"}",
		"{\"kty\":\"XYZ\"}", "{\"kty\":\"OKP\",\"kty\":\"OKP\"}",
		"{\"n\":\"AQAB\",\"e\":\"AQAB\"}",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(KS_EINVALID,
		    ks_jwk_thumbprint(tp, bad[i], strlen(bad[i])));
}

static void
test_migrate_jwk__ec_import_and_export(void **state)
{
	const char *j = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC7515_A3_X
	    "\",\"y\":\"" RFC7515_A3_Y "\"}";
	char tp[KS_JWK_THUMBPRINT_LEN + 1];
	ks_buf out = KS_BUF_INIT;
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_from_jwk(&key, j, strlen(j)));
	assert_int_equal(0, ks_jwk_thumbprint(tp, j, strlen(j)));
	assert_string_equal(tp, ks_key_thumbprint(key));
	assert_null(ks_key_kid(key));
	assert_int_equal(0, ks_key_to_jwk(&out, key, 0));
	assert_non_null(strstr(out.ptr, "\"x\":\"" RFC7515_A3_X "\""));
	assert_non_null(strstr(out.ptr, "\"y\":\"" RFC7515_A3_Y "\""));
	assert_non_null(strstr(out.ptr, "\"use\":\"sig\""));
	assert_non_null(strstr(out.ptr, "\"alg\":\"ES256\""));
	ks_buf_dispose(&out);
	ks_key_free(key);
}

static void
test_migrate_jwk__ec_point_off_curve_is_refused(void **state)
{
	/* RFC 7515 A.3's y with its last bit flipped. */
	const char *j = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"" RFC7515_A3_X
	    "\",\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5aw\"}";
	const char *short_x = "{\"kty\":\"EC\",\"crv\":\"P-256\",\"x\":\"AAAA\","
	    "\"y\":\"" RFC7515_A3_Y "\"}";
	ks_key *key = NULL;

	assert_int_equal(KS_EINVALID, ks_key_from_jwk(&key, j, strlen(j)));
	assert_null(key);
	assert_int_equal(KS_EINVALID, ks_key_from_jwk(&key, short_x,
	    strlen(short_x)));
}

static void
test_migrate_jwk__ec_coordinates_keep_leading_zeros(void **state)
{
	int tries, found = 0;

	/* About one P-256 key in 128 has a coordinate with a leading zero
	 * byte; RFC 7518 §6.2.1.2 wants it kept (43 characters). */
	for (tries = 0; tries < 4000 && !found; tries++) {
		ks_key *key = NULL, *back = NULL;
		ks_buf out = KS_BUF_INIT;
		const char *x, *y;

		assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_ES256, 0));
		assert_int_equal(0, ks_key_to_jwk(&out, key, 0));
		x = strstr(out.ptr, "\"x\":\"");
		y = strstr(out.ptr, "\"y\":\"");
		assert_non_null(x);
		assert_non_null(y);
		assert_int_equal('"', x[5 + 43]);
		assert_int_equal('"', y[5 + 43]);
		/* A leading zero byte encodes as 'A' followed by A-P. */
		if ((x[5] == 'A' && x[6] <= 'P') || (y[5] == 'A' && y[6] <= 'P')) {
			found = 1;
			assert_int_equal(0, ks_key_from_jwk(&back, out.ptr,
			    out.size));
			assert_string_equal(ks_key_thumbprint(key),
			    ks_key_thumbprint(back));
		}
		ks_key_free(back);
		ks_key_free(key);
		ks_buf_dispose(&out);
	}
	assert_true(found);
}

static void
test_migrate_jwk__rsa_members_are_minimal(void **state)
{
	ks_buf out = KS_BUF_INIT;
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_PS256, 2048));
	assert_int_equal(0, ks_key_to_jwk(&out, key, 0));
	assert_non_null(strstr(out.ptr, "\"e\":\"AQAB\""));
	/* 256 bytes, no leading zero: 342 characters. */
	assert_int_equal('"', strstr(out.ptr, "\"n\":\"")[5 + 342]);
	assert_null(strstr(out.ptr, "\"d\""));
	assert_null(strstr(out.ptr, "\"p\""));
	ks_buf_dispose(&out);
	ks_key_free(key);
}

static void
test_migrate_jwk__jwks_rejects_duplicate_kids(void **state)
{
	ks_jwks *set = NULL;
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_EDDSA, 0));
	assert_int_equal(0, ks_jwks_new(&set));
	assert_int_equal(0, ks_jwks_add(set, key));
	assert_int_equal(KS_EEXISTS, ks_jwks_add(set, key));
	assert_int_equal(1, ks_jwks_count(set));
	ks_jwks_free(set);
	ks_key_free(key);
}

static void
test_migrate_jwk__jwks_round_trip_has_no_private_members(void **state)
{
	ks_jose_alg algs[] = { KS_JOSE_ALG_ES256, KS_JOSE_ALG_ES384,
		KS_JOSE_ALG_RS256, KS_JOSE_ALG_EDDSA };
	ks_jwks *set = NULL, *back = NULL;
	ks_buf out = KS_BUF_INIT;
	size_t i, pos = 0;

	assert_int_equal(0, ks_jwks_new(&set));
	for (i = 0; i < 4; i++) {
		ks_key *key = NULL;

		assert_int_equal(0, ks_key_generate(&key, algs[i], 0));
		assert_int_equal(0, ks_jwks_add(set, key));
		ks_key_free(key);
	}
	assert_int_equal(0, ks_jwks_to_json(&out, set, KS_JWK_PRETTY));
	assert_null(strstr(out.ptr, "\"d\""));
	assert_int_equal(0, ks_jwks_parse(&back, out.ptr, out.size));
	assert_int_equal(4, ks_jwks_count(back));
	for (i = 0; i < 4; i++) {
		const ks_key *a = ks_jwks_get(set, i), *b = ks_jwks_get(back, i);

		assert_string_equal(ks_key_kid(a), ks_key_kid(b));
		assert_string_equal(ks_key_kid(a), ks_key_thumbprint(b));
		assert_int_equal(ks_key_alg(a), ks_key_alg(b));
		assert_false(ks_key_is_private(b));
	}
	pos = 0;
	assert_ptr_equal(ks_jwks_get(back, 2),
	    ks_jwks_find(back, ks_key_kid(ks_jwks_get(set, 2)), &pos));
	assert_null(ks_jwks_find(back, ks_key_kid(ks_jwks_get(set, 2)), &pos));
	ks_buf_dispose(&out);
	ks_jwks_free(set);
	ks_jwks_free(back);
}

static void
test_migrate_jwk__jwks_parse_skips_unknown_and_rejects_broken(void **state)
{
	const char *skip = "{\"keys\":[{\"kty\":\"oct\",\"k\":\"AAAA\"},"
	    "{\"kty\":\"OKP\",\"crv\":\"X25519\",\"x\":\"AAAA\"}," RFC8037_JWK "]}";
	const char *broken = "{\"keys\":[{\"kty\":\"EC\",\"crv\":\"P-256\"}]}";
	const char *notset = "{\"kty\":\"OKP\"}";
	ks_jwks *set = NULL;

	assert_int_equal(0, ks_jwks_parse(&set, skip, strlen(skip)));
	assert_int_equal(1, ks_jwks_count(set));
	ks_jwks_free(set);
	assert_int_equal(KS_EINVALID, ks_jwks_parse(&set, broken,
	    strlen(broken)));
	assert_null(set);
	assert_int_equal(KS_EINVALID, ks_jwks_parse(&set, notset,
	    strlen(notset)));
}

static void
test_migrate_jwk__weak_rsa_jwk_is_refused(void **state)
{
	/* A 512-bit modulus (odd), e = 65537. */
	const char *j = "{\"kty\":\"RSA\",\"e\":\"AQAB\",\"n\":\""
	    "w2A4DHGA7A4Xt7i2v6JHa8JpPvVeHBmWJNwzRrh3aXd8SR1qj5q0xnl4F0Zq7P4sQ2y5"
	    "JbVHn5qGm3w5F1Yg1w\"}";
	ks_key *key = NULL;

	assert_int_equal(KS_EINVALID, ks_key_from_jwk(&key, j, strlen(j)));
	assert_null(key);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_jwk__rfc7638_thumbprint),
		cmocka_unit_test(
		    test_migrate_jwk__rfc7638_thumbprint_of_key_material),
		cmocka_unit_test(test_migrate_jwk__rfc8037_thumbprint),
		cmocka_unit_test(
		    test_migrate_jwk__thumbprint_ignores_order_and_optional_members),
		cmocka_unit_test(test_migrate_jwk__thumbprint_rejects_bad_input),
		cmocka_unit_test(test_migrate_jwk__ec_import_and_export),
		cmocka_unit_test(test_migrate_jwk__ec_point_off_curve_is_refused),
		cmocka_unit_test(
		    test_migrate_jwk__ec_coordinates_keep_leading_zeros),
		cmocka_unit_test(test_migrate_jwk__rsa_members_are_minimal),
		cmocka_unit_test(test_migrate_jwk__jwks_rejects_duplicate_kids),
		cmocka_unit_test(
		    test_migrate_jwk__jwks_round_trip_has_no_private_members),
		cmocka_unit_test(
		    test_migrate_jwk__jwks_parse_skips_unknown_and_rejects_broken),
		cmocka_unit_test(test_migrate_jwk__weak_rsa_jwk_is_refused),
	};
	return cmocka_run_group_tests_name("migrate/jwk", tests, NULL, NULL);
}
