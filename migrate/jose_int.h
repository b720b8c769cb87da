/*
 * migrate/jose_int.h - internals shared by key.c, jwk.c, jws.c, assertion.c
 *
 * Never installed. The OpenSSL handle lives here so that the public header
 * stays free of OpenSSL.
 */
#ifndef KS_MIGRATE_JOSE_INT_H
#define KS_MIGRATE_JOSE_INT_H

#include <keyshift/jose.h>

#include <openssl/evp.h>

#include "str.h"

enum ks_key_type {
	KS_KTY_EC_P256 = 1,
	KS_KTY_EC_P384,
	KS_KTY_RSA,
	KS_KTY_ED25519
};

struct ks_key {
	EVP_PKEY *pkey;          /* owned (a reference) */
	enum ks_key_type type;
	ks_jose_alg alg;
	bool alg_explicit;       /* alg came from a JWK or PEM header */
	bool has_private;
	char thumbprint[KS_JWK_THUMBPRINT_LEN + 1];
	char *kid;               /* owned; may be NULL */
	uint8_t *cert_der;       /* owned; self-signed certificate or NULL */
	size_t cert_len;
};

/* Largest key file, JWK, JWK Set and assertion we read. */
#define KS_JOSE_KEY_FILE_MAX (64 * 1024)
#define KS_JOSE_JWKS_MAX (1024 * 1024)
#define KS_JOSE_JWS_MAX (64 * 1024)

/*
 * Wrap `pkey` (the reference is taken over, also on failure) in a new
 * ks_key: classify it, refuse weak or unsupported keys, compute the
 * thumbprint. `kid` NULL means the thumbprint.
 */
int ks_key__wrap(ks_key **out, EVP_PKEY *pkey, bool has_private,
    const char *what);
/* A new ks_key sharing the key material of `key` (public members only). */
int ks_key__dup_public(ks_key **out, const ks_key *key);
/* The default algorithm of a key type. */
ks_jose_alg ks_key__default_alg(enum ks_key_type type);

/* Compute key->thumbprint from the key material. */
int ks_jwk__thumbprint_key(ks_key *key);

/* Append `s` as a JSON string literal. */
int ks_jose__put_json_string(ks_str *out, const char *s);
/* Set KS_ERROR_SSL with `what` and OpenSSL's reason; clears its queue. */
void ks_jose__ssl_error(const char *what);
/* Read a file that may hold secrets into `out`, which is wiped by the
 * caller; the buffer never moves while it is being filled. */
int ks_jose__read_secret_file(ks_str *out, const char *path, size_t max);

/*
 * A compact JWS split into its parts. Borrowed pointers into the input for
 * the two signing-input segments; decoded header and payload are owned.
 */
struct ks_jws {
	const char *input;       /* borrowed: header.payload */
	size_t input_len;
	ks_str header;           /* decoded protected header JSON */
	ks_str payload;          /* decoded payload */
	ks_str signature;        /* decoded signature bytes */
};

#define KS_JWS_INIT { NULL, 0, KS_STR_INIT, KS_STR_INIT, KS_STR_INIT }

/* Split and decode; KS_EINVALID with a message for anything malformed. */
int ks_jws__parse(struct ks_jws *out, const char *compact, size_t len);
void ks_jws__dispose(struct ks_jws *jws);

/* Sign `input` with `alg`, appending the JWS signature bytes to `sig`. */
int ks_jws__sign_raw(ks_str *sig, const ks_key *key, ks_jose_alg alg,
    const void *input, size_t len);
/* 0 when `sig` is a valid `alg` signature of `input` by `key`;
 * KS_EINVALID (with a message) when it is not. */
int ks_jws__verify_raw(const ks_key *key, ks_jose_alg alg, const void *input,
    size_t len, const uint8_t *sig, size_t siglen);
/* Build header.payload.signature from JSON texts. */
int ks_jws__sign_compact(ks_str *out, const ks_key *key, ks_jose_alg alg,
    const char *header_json, size_t hlen, const char *payload, size_t plen);

/* ECDSA signature conversions (RFC 7518 §3.4): DER Ecdsa-Sig-Value to
 * fixed-length R||S of 2*n bytes, and back. */
int ks_jws__ecdsa_der_to_raw(ks_str *out, const uint8_t *der, size_t len,
    size_t n);
int ks_jws__ecdsa_raw_to_der(ks_str *out, const uint8_t *raw, size_t len);

#endif
