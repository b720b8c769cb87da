/*
 * migrate/jwk.c - JWKs and JWK Sets (RFC 7517, 7518 §6, 8037) and RFC 7638
 * thumbprints
 *
 * Public members are taken from the key material, never from text we were
 * given: n and e as minimal big-endian octets (Base64urlUInt), EC
 * coordinates padded to the curve's full length, Ed25519's raw 32 bytes.
 * A thumbprint is the SHA-256 of the required members in lexicographic
 * order with no whitespace; that string is built by hand because a JSON
 * library's member order and escaping are not part of its contract.
 *
 * ks_jwk_thumbprint() of JSON text deliberately hashes the member values
 * as written, which is what RFC 7638 §3 and other implementations do.
 */
#include <keyshift/jose.h>

#include <string.h>

#include <jansson.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "hash.h"
#include "jose_int.h"
#include "vec.h"

struct ks_jwks {
	ks_vec keys;  /* ks_key *, owned, public only */
};

/* The public members of a key, base64url-encoded. */
struct jwk_vals {
	const char *kty;
	const char *crv;  /* NULL for RSA */
	ks_str a;         /* x, or n */
	ks_str b;         /* y, or e; empty for OKP */
};

#define JWK_VALS_INIT { NULL, NULL, KS_STR_INIT, KS_STR_INIT }

static void
jwk_vals_dispose(struct jwk_vals *v)
{
	ks_str_dispose(&v->a);
	ks_str_dispose(&v->b);
}

static int
put_bn(ks_str *out, const EVP_PKEY *pkey, const char *param, size_t pad)
{
	uint8_t buf[2048];
	BIGNUM *bn = NULL;
	int n, error = 0;

	if (!EVP_PKEY_get_bn_param(pkey, param, &bn)) {
		ks_jose__ssl_error("cannot read public key");
		return KS_ERROR;
	}
	if (pad)
		n = pad <= sizeof(buf) ?
		    BN_bn2binpad(bn, buf, (int)pad) : -1;
	else
		n = (size_t)BN_num_bytes(bn) <= sizeof(buf) ?
		    BN_bn2bin(bn, buf) : -1;
	BN_free(bn);
	if (n <= 0) {
		ks_error_set(KS_ERROR_SSL, "public key member out of range");
		return KS_ERROR;
	}
	error = ks_b64url_encode(out, buf, (size_t)n);
	return error;
}

static int
public_values(struct jwk_vals *v, const ks_key *key)
{
	uint8_t raw[32];
	size_t rawlen = sizeof(raw);
	int error;

	switch (key->type) {
	case KS_KTY_EC_P256:
	case KS_KTY_EC_P384: {
		size_t n = key->type == KS_KTY_EC_P256 ? 32 : 48;

		v->kty = "EC";
		v->crv = key->type == KS_KTY_EC_P256 ? "P-256" : "P-384";
		if ((error = put_bn(&v->a, key->pkey,
		    OSSL_PKEY_PARAM_EC_PUB_X, n)) < 0)
			return error;
		return put_bn(&v->b, key->pkey, OSSL_PKEY_PARAM_EC_PUB_Y, n);
	}
	case KS_KTY_RSA:
		v->kty = "RSA";
		if ((error = put_bn(&v->a, key->pkey, OSSL_PKEY_PARAM_RSA_N,
		    0)) < 0)
			return error;
		return put_bn(&v->b, key->pkey, OSSL_PKEY_PARAM_RSA_E, 0);
	case KS_KTY_ED25519:
		v->kty = "OKP";
		v->crv = "Ed25519";
		if (!EVP_PKEY_get_raw_public_key(key->pkey, raw, &rawlen) ||
		    rawlen != sizeof(raw)) {
			ks_jose__ssl_error("cannot read public key");
			return KS_ERROR;
		}
		return ks_b64url_encode(&v->a, raw, rawlen);
	}
	ks_error_set(KS_ERROR_INVALID, "unsupported key type");
	return KS_EINVALID;
}

int
ks_jose__put_json_string(ks_str *out, const char *s)
{
	int error;

	if ((error = ks_str_putc(out, '"')) < 0)
		return error;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		/* The escapes JSON.stringify() and jansson both emit. */
		switch (c) {
		case '"':
			error = ks_str_puts(out, "\\\"");
			break;
		case '\\':
			error = ks_str_puts(out, "\\\\");
			break;
		case '\b':
			error = ks_str_puts(out, "\\b");
			break;
		case '\f':
			error = ks_str_puts(out, "\\f");
			break;
		case '\n':
			error = ks_str_puts(out, "\\n");
			break;
		case '\r':
			error = ks_str_puts(out, "\\r");
			break;
		case '\t':
			error = ks_str_puts(out, "\\t");
			break;
		default:
			if (c < 0x20)
				error = ks_str_printf(out, "\\u%04x", c);
			else
				error = ks_str_putc(out, (char)c);
		}
		if (error < 0)
			return error;
	}
	return ks_str_putc(out, '"');
}

/* Members are given already in lexicographic order, name then value. */
static int
thumbprint_of(char out[KS_JWK_THUMBPRINT_LEN + 1], size_t n,
    const char *const *members)
{
	uint8_t digest[KS_SHA256_LEN];
	ks_str json = KS_STR_INIT, b64 = KS_STR_INIT;
	size_t i;
	int error;

	if ((error = ks_str_putc(&json, '{')) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		if ((i && (error = ks_str_putc(&json, ',')) < 0) ||
		    (error = ks_jose__put_json_string(&json,
		    members[2 * i])) < 0 ||
		    (error = ks_str_putc(&json, ':')) < 0 ||
		    (error = ks_jose__put_json_string(&json,
		    members[2 * i + 1])) < 0)
			goto done;
	}
	if ((error = ks_str_putc(&json, '}')) < 0)
		goto done;
	ks_sha256(digest, json.ptr, json.len);
	if ((error = ks_b64url_encode(&b64, digest, sizeof(digest))) < 0)
		goto done;
	memcpy(out, b64.ptr, KS_JWK_THUMBPRINT_LEN);
	out[KS_JWK_THUMBPRINT_LEN] = '\0';
done:
	ks_str_dispose(&json);
	ks_str_dispose(&b64);
	return error;
}

int
ks_jwk__thumbprint_key(ks_key *key)
{
	struct jwk_vals v = JWK_VALS_INIT;
	int error;

	if ((error = public_values(&v, key)) < 0)
		goto done;
	if (key->type == KS_KTY_RSA) {
		const char *m[] = { "e", v.b.ptr, "kty", v.kty, "n", v.a.ptr };

		error = thumbprint_of(key->thumbprint, 3, m);
	} else if (key->type == KS_KTY_ED25519) {
		const char *m[] = { "crv", v.crv, "kty", v.kty, "x", v.a.ptr };

		error = thumbprint_of(key->thumbprint, 3, m);
	} else {
		const char *m[] = { "crv", v.crv, "kty", v.kty, "x", v.a.ptr,
			"y", v.b.ptr };

		error = thumbprint_of(key->thumbprint, 4, m);
	}
done:
	jwk_vals_dispose(&v);
	return error;
}

static const char *
member_str(json_t *obj, const char *name)
{
	json_t *v = json_object_get(obj, name);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Required string members; names NULL-terminated. */
static int
need_strings(json_t *obj, const char *kty, const char **names,
    const char **values)
{
	size_t i;

	for (i = 0; names[i]; i++) {
		json_t *v = json_object_get(obj, names[i]);

		if (!json_is_string(v)) {
			ks_error_set(KS_ERROR_INVALID, "%s JWK: member '%s' "
			    "is missing or not a string", kty, names[i]);
			return KS_EINVALID;
		}
		/* Embedded NULs would make the thumbprint ambiguous. */
		if (strlen(json_string_value(v)) != json_string_length(v)) {
			ks_error_set(KS_ERROR_INVALID, "%s JWK: member '%s' "
			    "holds a NUL", kty, names[i]);
			return KS_EINVALID;
		}
		values[i] = json_string_value(v);
	}
	return 0;
}

static int
load_json_object(json_t **out, const char *json, size_t len, const char *what)
{
	json_error_t jerr;
	json_t *root;

	*out = NULL;
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		ks_error_set(KS_ERROR_INVALID, "%s: invalid JSON at line %d: "
		    "%s", what, jerr.line, jerr.text);
		return KS_EINVALID;
	}
	if (!json_is_object(root)) {
		json_decref(root);
		ks_error_set(KS_ERROR_INVALID, "%s: not a JSON object", what);
		return KS_EINVALID;
	}
	*out = root;
	return 0;
}

static int
thumbprint_obj(char out[KS_JWK_THUMBPRINT_LEN + 1], json_t *obj)
{
	const char *kty = member_str(obj, "kty");
	const char *v[4];

	if (!kty) {
		ks_error_set(KS_ERROR_INVALID,
		    "JWK: member 'kty' is missing or not a string");
		return KS_EINVALID;
	}
	if (strcmp(kty, "RSA") == 0) {
		const char *names[] = { "e", "n", NULL };
		const char *m[6];

		if (need_strings(obj, kty, names, v) < 0)
			return KS_EINVALID;
		m[0] = "e"; m[1] = v[0]; m[2] = "kty"; m[3] = kty;
		m[4] = "n"; m[5] = v[1];
		return thumbprint_of(out, 3, m);
	}
	if (strcmp(kty, "EC") == 0) {
		const char *names[] = { "crv", "x", "y", NULL };
		const char *m[8];

		if (need_strings(obj, kty, names, v) < 0)
			return KS_EINVALID;
		m[0] = "crv"; m[1] = v[0]; m[2] = "kty"; m[3] = kty;
		m[4] = "x"; m[5] = v[1]; m[6] = "y"; m[7] = v[2];
		return thumbprint_of(out, 4, m);
	}
	if (strcmp(kty, "OKP") == 0) {
		const char *names[] = { "crv", "x", NULL };
		const char *m[6];

		if (need_strings(obj, kty, names, v) < 0)
			return KS_EINVALID;
		m[0] = "crv"; m[1] = v[0]; m[2] = "kty"; m[3] = kty;
		m[4] = "x"; m[5] = v[1];
		return thumbprint_of(out, 3, m);
	}
	if (strcmp(kty, "oct") == 0) {
		const char *names[] = { "k", NULL };
		const char *m[4];

		if (need_strings(obj, kty, names, v) < 0)
			return KS_EINVALID;
		m[0] = "k"; m[1] = v[0]; m[2] = "kty"; m[3] = kty;
		return thumbprint_of(out, 2, m);
	}
	ks_error_set(KS_ERROR_INVALID, "JWK: unsupported kty");
	return KS_EINVALID;
}

int
ks_jwk_thumbprint(char out[KS_JWK_THUMBPRINT_LEN + 1], const char *json,
    size_t len)
{
	json_t *root = NULL;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(json);
	out[0] = '\0';
	if ((error = load_json_object(&root, json, len, "JWK")) < 0)
		return error;
	error = thumbprint_obj(out, root);
	json_decref(root);
	return error;
}

/* Strict base64url of exactly `want` bytes (any length when 0). */
static int
decode_member(ks_str *out, const char *b64, size_t want, const char *kty,
    const char *name)
{
	int error;

	if ((error = ks_b64url_decode(out, b64, strlen(b64))) < 0 ||
	    out->len == 0 || (want && out->len != want)) {
		ks_error_set(KS_ERROR_INVALID, "%s JWK: member '%s' is not "
		    "valid base64url of the right length", kty, name);
		return KS_EINVALID;
	}
	return 0;
}

static int
pkey_fromdata(EVP_PKEY **out, const char *type, OSSL_PARAM_BLD *bld)
{
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL, *check = NULL;
	int error = 0;

	*out = NULL;
	if ((params = OSSL_PARAM_BLD_to_param(bld)) == NULL ||
	    (ctx = EVP_PKEY_CTX_new_from_name(NULL, type, NULL)) == NULL ||
	    EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, out, EVP_PKEY_PUBLIC_KEY, params) <= 0) {
		ks_jose__ssl_error("JWK: invalid public key");
		error = KS_EINVALID;
		goto done;
	}
	/* A point off the curve or a bad modulus must never verify. */
	if ((check = EVP_PKEY_CTX_new_from_pkey(NULL, *out, NULL)) == NULL ||
	    EVP_PKEY_public_check(check) <= 0) {
		ks_jose__ssl_error("JWK: invalid public key");
		EVP_PKEY_free(*out);
		*out = NULL;
		error = KS_EINVALID;
	}
done:
	EVP_PKEY_CTX_free(check);
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	return error;
}

static int
import_ec(EVP_PKEY **out, json_t *obj)
{
	const char *names[] = { "crv", "x", "y", NULL };
	const char *v[3];
	ks_str x = KS_STR_INIT, y = KS_STR_INIT;
	uint8_t point[1 + 2 * 48];
	OSSL_PARAM_BLD *bld = NULL;
	size_t n;
	int error;

	if ((error = need_strings(obj, "EC", names, v)) < 0)
		return error;
	if (strcmp(v[0], "P-256") == 0) {
		n = 32;
	} else if (strcmp(v[0], "P-384") == 0) {
		n = 48;
	} else {
		ks_error_set(KS_ERROR_INVALID, "EC JWK: unsupported curve");
		return KS_ENOTFOUND;
	}
	if ((error = decode_member(&x, v[1], n, "EC", "x")) < 0 ||
	    (error = decode_member(&y, v[2], n, "EC", "y")) < 0)
		goto done;
	point[0] = 0x04;
	memcpy(point + 1, x.ptr, n);
	memcpy(point + 1 + n, y.ptr, n);
	if ((bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    v[0], 0) ||
	    !OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    point, 1 + 2 * n)) {
		ks_jose__ssl_error("JWK: cannot build key");
		error = KS_ERROR;
		goto done;
	}
	error = pkey_fromdata(out, "EC", bld);
done:
	OSSL_PARAM_BLD_free(bld);
	ks_str_dispose(&x);
	ks_str_dispose(&y);
	return error;
}

static int
import_rsa(EVP_PKEY **out, json_t *obj)
{
	const char *names[] = { "n", "e", NULL };
	const char *v[2];
	ks_str n = KS_STR_INIT, e = KS_STR_INIT;
	BIGNUM *bn_n = NULL, *bn_e = NULL;
	OSSL_PARAM_BLD *bld = NULL;
	int error;

	if ((error = need_strings(obj, "RSA", names, v)) < 0)
		return error;
	if ((error = decode_member(&n, v[0], 0, "RSA", "n")) < 0 ||
	    (error = decode_member(&e, v[1], 0, "RSA", "e")) < 0)
		goto done;
	if (n.len > 2048 || e.len > 8) {
		ks_error_set(KS_ERROR_INVALID, "RSA JWK: n or e too large");
		error = KS_EINVALID;
		goto done;
	}
	if ((bn_n = BN_bin2bn((uint8_t *)n.ptr, (int)n.len, NULL)) == NULL ||
	    (bn_e = BN_bin2bn((uint8_t *)e.ptr, (int)e.len, NULL)) == NULL ||
	    (bld = OSSL_PARAM_BLD_new()) == NULL ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e)) {
		ks_jose__ssl_error("JWK: cannot build key");
		error = KS_ERROR;
		goto done;
	}
	if (!BN_is_odd(bn_e) || BN_is_one(bn_e) || !BN_is_odd(bn_n)) {
		ks_error_set(KS_ERROR_INVALID, "RSA JWK: invalid n or e");
		error = KS_EINVALID;
		goto done;
	}
	error = pkey_fromdata(out, "RSA", bld);
done:
	OSSL_PARAM_BLD_free(bld);
	BN_free(bn_n);
	BN_free(bn_e);
	ks_str_dispose(&n);
	ks_str_dispose(&e);
	return error;
}

static int
import_okp(EVP_PKEY **out, json_t *obj)
{
	const char *names[] = { "crv", "x", NULL };
	const char *v[2];
	ks_str x = KS_STR_INIT;
	int error;

	if ((error = need_strings(obj, "OKP", names, v)) < 0)
		return error;
	if (strcmp(v[0], "Ed25519") != 0) {
		ks_error_set(KS_ERROR_INVALID, "OKP JWK: unsupported curve");
		return KS_ENOTFOUND;
	}
	if ((error = decode_member(&x, v[1], 32, "OKP", "x")) < 0)
		goto done;
	*out = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL,
	    (uint8_t *)x.ptr, x.len);
	if (!*out) {
		ks_jose__ssl_error("JWK: invalid public key");
		error = KS_EINVALID;
	}
done:
	ks_str_dispose(&x);
	return error;
}

/* KS_ENOTFOUND: a well-formed key keyshift does not verify with. */
static int
import_obj(ks_key **out, json_t *obj)
{
	const char *kty = member_str(obj, "kty");
	json_t *kid = json_object_get(obj, "kid");
	json_t *alg = json_object_get(obj, "alg");
	json_t *use = json_object_get(obj, "use");
	EVP_PKEY *pkey = NULL;
	ks_key *key = NULL;
	int error;

	*out = NULL;
	if (!json_is_object(obj)) {
		ks_error_set(KS_ERROR_INVALID, "JWK: not a JSON object");
		return KS_EINVALID;
	}
	if (!kty) {
		ks_error_set(KS_ERROR_INVALID,
		    "JWK: member 'kty' is missing or not a string");
		return KS_EINVALID;
	}
	if ((kid && !json_is_string(kid)) || (alg && !json_is_string(alg)) ||
	    (use && !json_is_string(use))) {
		ks_error_set(KS_ERROR_INVALID,
		    "JWK: kid, alg and use must be strings");
		return KS_EINVALID;
	}
	if (use && strcmp(json_string_value(use), "sig") != 0) {
		ks_error_set(KS_ERROR_INVALID, "JWK: not a signing key");
		return KS_ENOTFOUND;
	}
	if (strcmp(kty, "EC") == 0) {
		error = import_ec(&pkey, obj);
	} else if (strcmp(kty, "RSA") == 0) {
		error = import_rsa(&pkey, obj);
	} else if (strcmp(kty, "OKP") == 0) {
		error = import_okp(&pkey, obj);
	} else {
		ks_error_set(KS_ERROR_INVALID, "JWK: unsupported kty");
		return KS_ENOTFOUND;
	}
	if (error < 0)
		return error;
	if ((error = ks_key__wrap(&key, pkey, false, "JWK")) < 0)
		return error;
	ks__free(key->kid);
	key->kid = NULL;
	if (kid && (key->kid = ks__strdup(json_string_value(kid))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	if (alg) {
		ks_jose_alg a;

		/* An alg we do not know still pins the key: nothing we
		 * verify with may use it. */
		if (ks_jose_alg_parse(&a, json_string_value(alg)) < 0 ||
		    !ks_key_alg_fits(key, a))
			a = KS_JOSE_ALG_UNKNOWN;
		key->alg = a;
		key->alg_explicit = true;
	}
	*out = key;
	key = NULL;
	error = 0;
done:
	ks_key_free(key);
	return error;
}

int
ks_key_from_jwk(ks_key **out, const char *json, size_t len)
{
	json_t *root = NULL;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(json);
	*out = NULL;
	if ((error = load_json_object(&root, json, len, "JWK")) < 0)
		return error;
	error = import_obj(out, root);
	if (error == KS_ENOTFOUND)
		error = KS_EINVALID;
	json_decref(root);
	return error;
}

static int
set_str(json_t *obj, const char *name, const char *value)
{
	json_t *s = json_string(value);

	if (!s || json_object_set_new(obj, name, s) < 0) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	return 0;
}

static int
add_x509(json_t *obj, const ks_key *key)
{
	uint8_t sha1[20], sha256[KS_SHA256_LEN];
	ks_str b64 = KS_STR_INIT;
	json_t *arr = NULL, *s;
	int error;

	if ((error = ks_base64_encode(&b64, key->cert_der, key->cert_len,
	    0)) < 0)
		goto done;
	if ((arr = json_array()) == NULL ||
	    (s = json_string(b64.ptr)) == NULL ||
	    json_array_append_new(arr, s) < 0 ||
	    json_object_set(obj, "x5c", arr) < 0) {
		ks_error_set_oom();
		error = KS_ENOMEM;
		goto done;
	}
	if (!EVP_Digest(key->cert_der, key->cert_len, sha1, NULL, EVP_sha1(),
	    NULL)) {
		ks_jose__ssl_error("cannot hash the certificate");
		error = KS_ERROR;
		goto done;
	}
	ks_str_clear(&b64);
	if ((error = ks_b64url_encode(&b64, sha1, sizeof(sha1))) < 0 ||
	    (error = set_str(obj, "x5t", b64.ptr)) < 0)
		goto done;
	ks_sha256(sha256, key->cert_der, key->cert_len);
	ks_str_clear(&b64);
	if ((error = ks_b64url_encode(&b64, sha256, sizeof(sha256))) < 0 ||
	    (error = set_str(obj, "x5t#S256", b64.ptr)) < 0)
		goto done;
done:
	json_decref(arr);
	ks_str_dispose(&b64);
	return error;
}

static int
key_to_json(json_t **out, const ks_key *key)
{
	struct jwk_vals v = JWK_VALS_INIT;
	json_t *obj;
	int error;

	*out = NULL;
	if ((obj = json_object()) == NULL) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	if ((error = public_values(&v, key)) < 0 ||
	    (error = set_str(obj, "kty", v.kty)) < 0 ||
	    (error = set_str(obj, "use", "sig")) < 0 ||
	    (key->alg && (error = set_str(obj, "alg",
	    ks_jose_alg_name(key->alg))) < 0) ||
	    (key->kid && (error = set_str(obj, "kid", key->kid)) < 0))
		goto done;
	if (key->type == KS_KTY_RSA) {
		if ((error = set_str(obj, "n", v.a.ptr)) < 0 ||
		    (error = set_str(obj, "e", v.b.ptr)) < 0)
			goto done;
	} else {
		if ((error = set_str(obj, "crv", v.crv)) < 0 ||
		    (error = set_str(obj, "x", v.a.ptr)) < 0 ||
		    (v.b.len && (error = set_str(obj, "y", v.b.ptr)) < 0))
			goto done;
	}
	if (key->cert_der && (error = add_x509(obj, key)) < 0)
		goto done;
	*out = obj;
	obj = NULL;
done:
	json_decref(obj);
	jwk_vals_dispose(&v);
	return error;
}

static int
dump(ks_buf *out, json_t *root, unsigned flags)
{
	size_t jflags = JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII;
	char *text;
	int error;

	jflags |= (flags & KS_JWK_PRETTY) ? JSON_INDENT(2) : JSON_COMPACT;
	if ((text = json_dumps(root, jflags)) == NULL) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	error = ks_buf_set(out, text, strlen(text));
	free(text);  /* jansson's allocator */
	return error;
}

int
ks_key_to_jwk(ks_buf *out, const ks_key *key, unsigned flags)
{
	json_t *obj = NULL;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(key);
	if ((error = key_to_json(&obj, key)) < 0)
		return error;
	error = dump(out, obj, flags);
	json_decref(obj);
	return error;
}

int
ks_jwks_new(ks_jwks **out)
{
	KS_ASSERT_ARG(out);
	if ((*out = ks__calloc(1, sizeof(**out))) == NULL)
		return KS_ENOMEM;
	return 0;
}

static int
jwks_push(ks_jwks *set, ks_key *key)
{
	int error;

	if ((error = ks_vec_push(&set->keys, key)) < 0)
		ks_key_free(key);
	return error;
}

int
ks_jwks_add(ks_jwks *set, const ks_key *key)
{
	ks_key *copy;
	size_t i;
	int error;

	KS_ASSERT_ARG(set);
	KS_ASSERT_ARG(key);
	for (i = 0; key->kid && i < set->keys.len; i++) {
		const ks_key *k = set->keys.items[i];

		if (k->kid && strcmp(k->kid, key->kid) == 0) {
			ks_error_set(KS_ERROR_INVALID,
			    "duplicate kid '%s' in the JWK Set", key->kid);
			return KS_EEXISTS;
		}
	}
	if ((error = ks_key__dup_public(&copy, key)) < 0)
		return error;
	return jwks_push(set, copy);
}

int
ks_jwks_parse(ks_jwks **out, const char *json, size_t len)
{
	json_t *root = NULL, *keys, *item;
	ks_jwks *set = NULL;
	size_t i;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(json);
	*out = NULL;
	if (len > KS_JOSE_JWKS_MAX) {
		ks_error_set(KS_ERROR_INVALID, "JWK Set larger than %d bytes",
		    KS_JOSE_JWKS_MAX);
		return KS_EINVALID;
	}
	if ((error = load_json_object(&root, json, len, "JWK Set")) < 0)
		return error;
	keys = json_object_get(root, "keys");
	if (!json_is_array(keys)) {
		ks_error_set(KS_ERROR_INVALID,
		    "JWK Set: member 'keys' is missing or not an array");
		error = KS_EINVALID;
		goto done;
	}
	if ((error = ks_jwks_new(&set)) < 0)
		goto done;
	json_array_foreach(keys, i, item) {
		ks_key *key;

		error = import_obj(&key, item);
		if (error == KS_ENOTFOUND)
			continue;
		if (error < 0) {
			const ks_error *e = ks_error_last();

			ks_error_set(KS_ERROR_INVALID, "JWK Set: key %zu: %s",
			    i, e ? e->message : "invalid");
			goto done;
		}
		if ((error = jwks_push(set, key)) < 0)
			goto done;
	}
	*out = set;
	set = NULL;
	error = 0;
done:
	ks_jwks_free(set);
	json_decref(root);
	return error;
}

int
ks_jwks_to_json(ks_buf *out, const ks_jwks *set, unsigned flags)
{
	json_t *root = NULL, *arr;
	size_t i;
	int error = 0;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(set);
	if ((root = json_object()) == NULL || (arr = json_array()) == NULL ||
	    json_object_set_new(root, "keys", arr) < 0) {
		ks_error_set_oom();
		error = KS_ENOMEM;
		goto done;
	}
	for (i = 0; i < set->keys.len; i++) {
		json_t *obj;

		if ((error = key_to_json(&obj, set->keys.items[i])) < 0)
			goto done;
		if (json_array_append_new(arr, obj) < 0) {
			ks_error_set_oom();
			error = KS_ENOMEM;
			goto done;
		}
	}
	error = dump(out, root, flags);
done:
	json_decref(root);
	return error;
}

size_t
ks_jwks_count(const ks_jwks *set)
{
	return set ? set->keys.len : 0;
}

const ks_key *
ks_jwks_get(const ks_jwks *set, size_t i)
{
	return set && i < set->keys.len ? set->keys.items[i] : NULL;
}

const ks_key *
ks_jwks_find(const ks_jwks *set, const char *kid, size_t *pos)
{
	size_t i;

	if (!set || !kid || !pos)
		return NULL;
	for (i = *pos; i < set->keys.len; i++) {
		const ks_key *k = set->keys.items[i];

		if (k->kid && strcmp(k->kid, kid) == 0) {
			*pos = i + 1;
			return k;
		}
	}
	*pos = set->keys.len;
	return NULL;
}

static void
key_dispose(void *p)
{
	ks_key_free(p);
}

void
ks_jwks_free(ks_jwks *set)
{
	if (!set)
		return;
	ks_vec_dispose(&set->keys, key_dispose);
	ks__free(set);
}
