/*
 * migrate/jws.c - JWS compact serialization: parse, sign, verify
 * (RFC 7515, RFC 7518 §3, RFC 8037 §3.1)
 *
 * Signatures go through EVP_DigestSign/Verify. Two details are the classic
 * interop bugs and are handled here, once:
 *   - ES256/ES384 signatures on the wire are R||S, each padded to the
 *     curve's size (RFC 7518 §3.4); OpenSSL speaks DER Ecdsa-Sig-Value.
 *   - PS256 is RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt;
 *     OpenSSL's defaults differ (maximum salt), so each is set explicitly.
 * Ed25519 signs the signing input itself, with no digest.
 *
 * The parser is strict: exactly three segments, base64url without padding
 * or stray characters, and a size cap. It is a fuzzing target
 * (tests/fuzz/fuzz_jose.c).
 */
#include <keyshift/jose.h>

#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "jose_int.h"

void
ks_jws__dispose(struct ks_jws *jws)
{
	if (!jws)
		return;
	ks_str_dispose(&jws->header);
	ks_str_dispose(&jws->payload);
	ks_str_dispose(&jws->signature);
	jws->input = NULL;
	jws->input_len = 0;
}

static int
decode_segment(ks_str *out, const char *p, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_')) {
			ks_error_set(KS_ERROR_INVALID,
			    "JWS %s is not base64url", what);
			return KS_EINVALID;
		}
	}
	if (ks_b64url_decode(out, p, n) < 0) {
		ks_error_set(KS_ERROR_INVALID, "JWS %s is not base64url", what);
		return KS_EINVALID;
	}
	return 0;
}

int
ks_jws__parse(struct ks_jws *out, const char *compact, size_t len)
{
	const char *d1, *d2;
	int error;

	if (len > KS_JOSE_JWS_MAX) {
		ks_error_set(KS_ERROR_INVALID, "JWS larger than %d bytes",
		    KS_JOSE_JWS_MAX);
		return KS_EINVALID;
	}
	d1 = memchr(compact, '.', len);
	d2 = d1 ? memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - compact)) : NULL;
	if (!d1 || !d2 || memchr(d2 + 1, '.',
	    len - (size_t)(d2 + 1 - compact))) {
		ks_error_set(KS_ERROR_INVALID,
		    "not a compact JWS (want three dot-separated parts)");
		return KS_EINVALID;
	}
	if (d1 == compact) {
		ks_error_set(KS_ERROR_INVALID, "JWS header is empty");
		return KS_EINVALID;
	}
	if ((error = decode_segment(&out->header, compact,
	    (size_t)(d1 - compact), "header")) < 0 ||
	    (error = decode_segment(&out->payload, d1 + 1,
	    (size_t)(d2 - d1 - 1), "payload")) < 0 ||
	    (error = decode_segment(&out->signature, d2 + 1,
	    len - (size_t)(d2 + 1 - compact), "signature")) < 0) {
		ks_jws__dispose(out);
		return error;
	}
	out->input = compact;
	out->input_len = (size_t)(d2 - compact);
	return 0;
}

static size_t
ec_size(const ks_key *key)
{
	return key->type == KS_KTY_EC_P384 ? 48 : 32;
}

int
ks_jws__ecdsa_der_to_raw(ks_str *out, const uint8_t *der, size_t len,
    size_t n)
{
	const uint8_t *p = der;
	const BIGNUM *r, *s;
	ECDSA_SIG *sig;
	uint8_t buf[2 * 66];
	int error = 0;

	if (n > 66 || len > 512 ||
	    (sig = d2i_ECDSA_SIG(NULL, &p, (long)len)) == NULL) {
		ERR_clear_error();
		ks_error_set(KS_ERROR_INVALID, "malformed ECDSA signature");
		return KS_EINVALID;
	}
	ECDSA_SIG_get0(sig, &r, &s);
	if (p != der + len || BN_bn2binpad(r, buf, (int)n) < 0 ||
	    BN_bn2binpad(s, buf + n, (int)n) < 0) {
		ks_error_set(KS_ERROR_INVALID, "malformed ECDSA signature");
		error = KS_EINVALID;
	} else {
		error = ks_str_put(out, buf, 2 * n);
	}
	ECDSA_SIG_free(sig);
	return error;
}

int
ks_jws__ecdsa_raw_to_der(ks_str *out, const uint8_t *raw, size_t len)
{
	BIGNUM *r = NULL, *s = NULL;
	ECDSA_SIG *sig = NULL;
	uint8_t *der = NULL;
	int n, error = 0;

	if (len == 0 || len % 2 || len > 2 * 66) {
		ks_error_set(KS_ERROR_INVALID,
		    "ECDSA signature has the wrong length");
		return KS_EINVALID;
	}
	if ((sig = ECDSA_SIG_new()) == NULL ||
	    (r = BN_bin2bn(raw, (int)(len / 2), NULL)) == NULL ||
	    (s = BN_bin2bn(raw + len / 2, (int)(len / 2), NULL)) == NULL ||
	    !ECDSA_SIG_set0(sig, r, s)) {
		BN_free(r);
		BN_free(s);
		ks_jose__ssl_error("cannot convert ECDSA signature");
		error = KS_ERROR;
		goto done;
	}
	if ((n = i2d_ECDSA_SIG(sig, &der)) <= 0) {
		ks_jose__ssl_error("cannot convert ECDSA signature");
		error = KS_ERROR;
		goto done;
	}
	error = ks_str_put(out, der, (size_t)n);
done:
	OPENSSL_free(der);
	ECDSA_SIG_free(sig);
	return error;
}

static const EVP_MD *
alg_md(ks_jose_alg alg)
{
	switch (alg) {
	case KS_JOSE_ALG_ES256:
	case KS_JOSE_ALG_PS256:
	case KS_JOSE_ALG_RS256:
		return EVP_sha256();
	case KS_JOSE_ALG_ES384:
		return EVP_sha384();
	default:
		return NULL;
	}
}

static int
set_padding(EVP_PKEY_CTX *pctx, ks_jose_alg alg)
{
	if (alg == KS_JOSE_ALG_PS256)
		return EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PSS_PADDING) > 0 &&
		    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32) > 0 &&
		    EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) > 0;
	if (alg == KS_JOSE_ALG_RS256)
		return EVP_PKEY_CTX_set_rsa_padding(pctx,
		    RSA_PKCS1_PADDING) > 0;
	return 1;
}

int
ks_jws__sign_raw(ks_str *sig, const ks_key *key, ks_jose_alg alg,
    const void *input, size_t len)
{
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	uint8_t *buf = NULL;
	size_t n = 0;
	int error = 0;

	if (!key->has_private) {
		ks_error_set(KS_ERROR_INVALID, "cannot sign with a public key");
		return KS_EINVALID;
	}
	if (!ks_key_alg_fits(key, alg)) {
		ks_error_set(KS_ERROR_INVALID, "algorithm '%s' does not fit "
		    "the key", ks_jose_alg_name(alg) ? ks_jose_alg_name(alg) :
		    "?");
		return KS_EINVALID;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, &pctx, alg_md(alg), NULL, key->pkey) <= 0 ||
	    !set_padding(pctx, alg) ||
	    EVP_DigestSign(ctx, NULL, &n, input, len) <= 0) {
		ks_jose__ssl_error("cannot sign");
		error = KS_ERROR;
		goto done;
	}
	if ((buf = ks__malloc(n)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	if (EVP_DigestSign(ctx, buf, &n, input, len) <= 0) {
		ks_jose__ssl_error("cannot sign");
		error = KS_ERROR;
		goto done;
	}
	if (alg == KS_JOSE_ALG_ES256 || alg == KS_JOSE_ALG_ES384)
		error = ks_jws__ecdsa_der_to_raw(sig, buf, n, ec_size(key));
	else
		error = ks_str_put(sig, buf, n);
done:
	ks__free(buf);
	EVP_MD_CTX_free(ctx);
	return error;
}

int
ks_jws__verify_raw(const ks_key *key, ks_jose_alg alg, const void *input,
    size_t len, const uint8_t *sig, size_t siglen)
{
	ks_str der = KS_STR_INIT;
	EVP_MD_CTX *ctx = NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int error = 0, rc;

	if (!ks_key_alg_fits(key, alg)) {
		ks_error_set(KS_ERROR_INVALID, "algorithm '%s' does not fit "
		    "the key", ks_jose_alg_name(alg) ? ks_jose_alg_name(alg) :
		    "?");
		return KS_EINVALID;
	}
	if (alg == KS_JOSE_ALG_ES256 || alg == KS_JOSE_ALG_ES384) {
		/* Exactly R||S; a DER signature here is a signer bug. */
		if (siglen != 2 * ec_size(key)) {
			ks_error_set(KS_ERROR_INVALID, "%s signature must be "
			    "%zu bytes (R||S), not %zu", ks_jose_alg_name(alg),
			    2 * ec_size(key), siglen);
			return KS_EINVALID;
		}
		if ((error = ks_jws__ecdsa_raw_to_der(&der, sig, siglen)) < 0)
			goto done;
		sig = (const uint8_t *)der.ptr;
		siglen = der.len;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, &pctx, alg_md(alg), NULL,
	    key->pkey) <= 0 || !set_padding(pctx, alg)) {
		ks_jose__ssl_error("cannot verify");
		error = KS_ERROR;
		goto done;
	}
	rc = EVP_DigestVerify(ctx, sig, siglen, input, len);
	ERR_clear_error();
	if (rc != 1) {
		ks_error_set(KS_ERROR_INVALID, "signature does not verify");
		error = KS_EINVALID;
	}
done:
	EVP_MD_CTX_free(ctx);
	ks_str_dispose(&der);
	return error;
}

int
ks_jws__sign_compact(ks_str *out, const ks_key *key, ks_jose_alg alg,
    const char *header_json, size_t hlen, const char *payload, size_t plen)
{
	ks_str sig = KS_STR_INIT;
	int error;

	if ((error = ks_b64url_encode(out, (const uint8_t *)header_json,
	    hlen)) < 0 ||
	    (error = ks_str_putc(out, '.')) < 0 ||
	    (error = ks_b64url_encode(out, (const uint8_t *)payload,
	    plen)) < 0 ||
	    (error = ks_jws__sign_raw(&sig, key, alg, out->ptr,
	    out->len)) < 0 ||
	    (error = ks_str_putc(out, '.')) < 0 ||
	    (error = ks_b64url_encode(out, (const uint8_t *)sig.ptr,
	    sig.len)) < 0)
		goto done;
done:
	ks_str_dispose(&sig);
	return error;
}
