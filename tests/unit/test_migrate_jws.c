/*
 * tests/unit/test_migrate_jws.c - JWS parse/sign/verify against the RFC
 * 7515 and RFC 8037 appendix examples
 *
 * The RFC example keys below are published test vectors, not secrets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <keyshift/jose.h>

#include "encode.h"
#include "jose_int.h"

/* RFC 7515 A.1-A.3 share this payload. */
#define RFC7515_PAYLOAD_B64 \
	"eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt" \
	"cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"

/* RFC 7515 A.2: RS256. */
#define A2_N \
	"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4" \
	"qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2j" \
	"Z47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7W" \
	"TBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK" \
	"-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"
#define A2_D \
	"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKM" \
	"gvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaY" \
	"LU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0" \
	"ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDV" \
	"ZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ"
#define A2_SIG \
	"cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7" \
	"AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4" \
	"BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K" \
	"0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv" \
	"hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB" \
	"p0igcN_IoypGlUPQGe77Rw"

/* RFC 7515 A.3: ES256 (randomised, so verify only). */
#define A3_JWK \
	"{\"kty\":\"EC\",\"crv\":\"P-256\"," \
	"\"x\":\"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU\"," \
	"\"y\":\"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0\"}"
#define A3_JWS \
	"eyJhbGciOiJFUzI1NiJ9." RFC7515_PAYLOAD_B64 "." \
	"DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA" \
	"pmWQxfKTUJqPP3-Kg6NU1Q"

/* RFC 8037 A.1 and A.4: Ed25519 (deterministic). */
#define A4_D "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
#define A4_JWS \
	"eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc." \
	"hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9" \
	"g7sVvpAr_MuM0KAg"

static BIGNUM *
b64_bn(const char *b64)
{
	ks_str raw = KS_STR_INIT;
	BIGNUM *bn;

	assert_int_equal(0, ks_b64url_decode(&raw, b64, strlen(b64)));
	bn = BN_bin2bn((const uint8_t *)raw.ptr, (int)raw.len, NULL);
	ks_str_wipe(&raw);
	assert_non_null(bn);
	return bn;
}

static ks_key *
rfc7515_a2_key(void)
{
	BIGNUM *n = b64_bn(A2_N), *e = b64_bn("AQAB"), *d = b64_bn(A2_D);
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *pkey = NULL;
	OSSL_PARAM *params;
	ks_key *key = NULL;

	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e));
	assert_true(OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d));
	params = OSSL_PARAM_BLD_to_param(bld);
	assert_true(EVP_PKEY_fromdata_init(ctx) > 0);
	assert_true(EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_KEYPAIR, params) > 0);
	assert_int_equal(0, ks_key__wrap(&key, pkey, true, "RFC 7515 A.2"));
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	EVP_PKEY_CTX_free(ctx);
	BN_free(n);
	BN_free(e);
	BN_clear_free(d);
	return key;
}

static void
test_migrate_jws__rfc7515_a2_rs256_sign_is_exact(void **state)
{
	const char *input = "eyJhbGciOiJSUzI1NiJ9." RFC7515_PAYLOAD_B64;
	ks_str sig = KS_STR_INIT, b64 = KS_STR_INIT;
	ks_key *key = rfc7515_a2_key();

	assert_int_equal(0, ks_jws__sign_raw(&sig, key, KS_JOSE_ALG_RS256,
	    input, strlen(input)));
	assert_int_equal(0, ks_b64url_encode(&b64, (uint8_t *)sig.ptr,
	    sig.len));
	assert_string_equal(A2_SIG, b64.ptr);
	assert_int_equal(0, ks_jws__verify_raw(key, KS_JOSE_ALG_RS256, input,
	    strlen(input), (uint8_t *)sig.ptr, sig.len));
	/* The same key under PS256 must not accept a PKCS#1 v1.5 signature. */
	assert_int_equal(KS_EINVALID, ks_jws__verify_raw(key,
	    KS_JOSE_ALG_PS256, input, strlen(input), (uint8_t *)sig.ptr,
	    sig.len));
	ks_str_dispose(&sig);
	ks_str_dispose(&b64);
	ks_key_free(key);
}

static void
test_migrate_jws__rfc7515_a3_es256_verifies(void **state)
{
	struct ks_jws jws = KS_JWS_INIT;
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_from_jwk(&key, A3_JWK, strlen(A3_JWK)));
	assert_int_equal(0, ks_jws__parse(&jws, A3_JWS, strlen(A3_JWS)));
	assert_string_equal("{\"alg\":\"ES256\"}", jws.header.ptr);
	assert_int_equal(64, jws.signature.len);
	assert_int_equal(0, ks_jws__verify_raw(key, KS_JOSE_ALG_ES256,
	    jws.input, jws.input_len, (uint8_t *)jws.signature.ptr,
	    jws.signature.len));
	/* One changed byte of signing input. */
	assert_int_equal(KS_EINVALID, ks_jws__verify_raw(key,
	    KS_JOSE_ALG_ES256, jws.input, jws.input_len - 1,
	    (uint8_t *)jws.signature.ptr, jws.signature.len));
	/* ES384 does not fit a P-256 key. */
	assert_int_equal(KS_EINVALID, ks_jws__verify_raw(key,
	    KS_JOSE_ALG_ES384, jws.input, jws.input_len,
	    (uint8_t *)jws.signature.ptr, jws.signature.len));
	ks_jws__dispose(&jws);
	ks_key_free(key);
}

static void
test_migrate_jws__es256_rejects_der_signatures(void **state)
{
	struct ks_jws jws = KS_JWS_INIT;
	ks_str der = KS_STR_INIT, raw = KS_STR_INIT;
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_from_jwk(&key, A3_JWK, strlen(A3_JWK)));
	assert_int_equal(0, ks_jws__parse(&jws, A3_JWS, strlen(A3_JWS)));
	assert_int_equal(0, ks_jws__ecdsa_raw_to_der(&der,
	    (uint8_t *)jws.signature.ptr, jws.signature.len));
	assert_int_equal(KS_EINVALID, ks_jws__verify_raw(key,
	    KS_JOSE_ALG_ES256, jws.input, jws.input_len, (uint8_t *)der.ptr,
	    der.len));
	assert_int_equal(0, ks_jws__ecdsa_der_to_raw(&raw, (uint8_t *)der.ptr,
	    der.len, 32));
	assert_memory_equal(jws.signature.ptr, raw.ptr, 64);
	ks_str_dispose(&der);
	ks_str_dispose(&raw);
	ks_jws__dispose(&jws);
	ks_key_free(key);
}

static void
test_migrate_jws__ecdsa_raw_keeps_leading_zeros(void **state)
{
	/* DER of r = 1, s = 2: both must come out padded to 32 bytes. */
	const uint8_t der[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02 };
	const uint8_t trailing[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01,
		0x02, 0x00 };
	ks_str raw = KS_STR_INIT;
	uint8_t want[64] = { 0 };

	want[31] = 1;
	want[63] = 2;
	assert_int_equal(0, ks_jws__ecdsa_der_to_raw(&raw, der, sizeof(der),
	    32));
	assert_int_equal(64, raw.len);
	assert_memory_equal(want, raw.ptr, 64);
	ks_str_clear(&raw);
	assert_int_equal(KS_EINVALID, ks_jws__ecdsa_der_to_raw(&raw, trailing,
	    sizeof(trailing), 32));
	ks_str_dispose(&raw);
}

static void
test_migrate_jws__rfc8037_a4_ed25519_sign_is_exact(void **state)
{
	const char *hdr = "{\"alg\":\"EdDSA\"}";
	const char *payload = "Example of Ed25519 signing";
	ks_str d = KS_STR_INIT, out = KS_STR_INIT;
	struct ks_jws jws = KS_JWS_INIT;
	EVP_PKEY *pkey;
	ks_key *key = NULL;

	assert_int_equal(0, ks_b64url_decode(&d, A4_D, strlen(A4_D)));
	pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	    (uint8_t *)d.ptr, d.len);
	ks_str_wipe(&d);
	assert_non_null(pkey);
	assert_int_equal(0, ks_key__wrap(&key, pkey, true, "RFC 8037 A.1"));
	assert_string_equal("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k",
	    ks_key_thumbprint(key));
	assert_int_equal(0, ks_jws__sign_compact(&out, key, KS_JOSE_ALG_EDDSA,
	    hdr, strlen(hdr), payload, strlen(payload)));
	assert_string_equal(A4_JWS, out.ptr);
	assert_int_equal(0, ks_jws__parse(&jws, out.ptr, out.len));
	assert_int_equal(0, ks_jws__verify_raw(key, KS_JOSE_ALG_ED25519,
	    jws.input, jws.input_len, (uint8_t *)jws.signature.ptr,
	    jws.signature.len));
	ks_jws__dispose(&jws);
	ks_str_dispose(&out);
	ks_key_free(key);
}

static void
test_migrate_jws__sign_verify_every_alg(void **state)
{
	ks_jose_alg algs[] = { KS_JOSE_ALG_ES256, KS_JOSE_ALG_ES384,
		KS_JOSE_ALG_PS256, KS_JOSE_ALG_RS256, KS_JOSE_ALG_EDDSA };
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		struct ks_jws jws = KS_JWS_INIT;
		ks_str out = KS_STR_INIT;
		ks_key *key = NULL, *other = NULL;

		assert_int_equal(0, ks_key_generate(&key, algs[i], 0));
		assert_int_equal(0, ks_key_generate(&other, algs[i], 0));
		assert_int_equal(0, ks_jws__sign_compact(&out, key, algs[i],
		    "{}", 2, "{}", 2));
		assert_int_equal(0, ks_jws__parse(&jws, out.ptr, out.len));
		if (algs[i] == KS_JOSE_ALG_ES256)
			assert_int_equal(64, jws.signature.len);
		if (algs[i] == KS_JOSE_ALG_ES384)
			assert_int_equal(96, jws.signature.len);
		assert_int_equal(0, ks_jws__verify_raw(key, algs[i], jws.input,
		    jws.input_len, (uint8_t *)jws.signature.ptr,
		    jws.signature.len));
		assert_int_equal(KS_EINVALID, ks_jws__verify_raw(other, algs[i],
		    jws.input, jws.input_len, (uint8_t *)jws.signature.ptr,
		    jws.signature.len));
		jws.signature.ptr[3] ^= 1;
		assert_int_equal(KS_EINVALID, ks_jws__verify_raw(key, algs[i],
		    jws.input, jws.input_len, (uint8_t *)jws.signature.ptr,
		    jws.signature.len));
		ks_jws__dispose(&jws);
		ks_str_dispose(&out);
		ks_key_free(key);
		ks_key_free(other);
	}
}

static void
test_migrate_jws__parse_is_strict(void **state)
{
	const char *bad[] = {
		"", "abc", "a.b", "a.b.c.d", ".e30.", "e30=.e30.",
		"e30.e3+.", "e30.e30.a b", "e30.e30.A",
	};
	struct ks_jws jws = KS_JWS_INIT;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(KS_EINVALID,
		    ks_jws__parse(&jws, bad[i], strlen(bad[i])));
	assert_int_equal(0, ks_jws__parse(&jws, "e30.e30.", 8));
	assert_string_equal("{}", jws.header.ptr);
	assert_int_equal(0, jws.signature.len);
	assert_int_equal(7, jws.input_len);
	ks_jws__dispose(&jws);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_jws__rfc7515_a2_rs256_sign_is_exact),
		cmocka_unit_test(test_migrate_jws__rfc7515_a3_es256_verifies),
		cmocka_unit_test(test_migrate_jws__es256_rejects_der_signatures),
		cmocka_unit_test(test_migrate_jws__ecdsa_raw_keeps_leading_zeros),
		cmocka_unit_test(
		    test_migrate_jws__rfc8037_a4_ed25519_sign_is_exact),
		cmocka_unit_test(test_migrate_jws__sign_verify_every_alg),
		cmocka_unit_test(test_migrate_jws__parse_is_strict),
	};
	return cmocka_run_group_tests_name("migrate/jws", tests, NULL, NULL);
}
