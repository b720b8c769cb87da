/*
 * keyshift/jose.h - key pairs, JWKs, JWK Sets and private_key_jwt assertions
 *
 * The building blocks for moving an OAuth client from a shared secret to
 * private_key_jwt (RFC 7523, RFC 10070): generate or load a signing key,
 * publish its public half as a JWK Set (RFC 7517) whose kid is the RFC 7638
 * thumbprint, sign client assertions, and lint assertions the way a strict
 * authorization server would judge them.
 *
 * Only the algorithms FAPI 2.0 and mainstream servers use are offered:
 * ES256, ES384, PS256, RS256 and EdDSA/Ed25519. Private key material never
 * leaves a ks_key except through ks_key_write_pem(), and it never appears in
 * an error message.
 */
#ifndef KS_KEYSHIFT_JOSE_H
#define KS_KEYSHIFT_JOSE_H

#include <keyshift/common.h>
#include <keyshift/error.h>

KS_BEGIN_DECL

/** A signing key pair, or a public key read from a JWK. */
typedef struct ks_key ks_key;

/** A JWK Set: an ordered list of public keys. */
typedef struct ks_jwks ks_jwks;

/*
 * When adding an algorithm, update alg_table[] in migrate/key.c,
 * key_alg_fits() there, the verifier in migrate/jws.c, docs/JOSE.md and
 * tests/cli/3*-assertion.bats.
 */
typedef enum {
	KS_JOSE_ALG_UNKNOWN = 0,
	KS_JOSE_ALG_ES256,   /**< ECDSA P-256 SHA-256, signature R||S */
	KS_JOSE_ALG_ES384,   /**< ECDSA P-384 SHA-384, signature R||S */
	KS_JOSE_ALG_PS256,   /**< RSASSA-PSS SHA-256, MGF1-SHA-256, salt 32 */
	KS_JOSE_ALG_RS256,   /**< RSASSA-PKCS1-v1_5 SHA-256 */
	KS_JOSE_ALG_EDDSA,   /**< Ed25519 under the RFC 8037 name */
	KS_JOSE_ALG_ED25519  /**< Ed25519 under the RFC 9864 name */
} ks_jose_alg;

/** Length of a SHA-256 JWK thumbprint in base64url, without the NUL. */
#define KS_JWK_THUMBPRINT_LEN 43

/** Smallest RSA modulus keyshift generates or accepts (FAPI 2.0). */
#define KS_KEY_RSA_MIN_BITS 2048
/** RSA modulus size used when none is asked for. */
#define KS_KEY_RSA_DEFAULT_BITS 2048

/**
 * The JWS name of `alg` ("ES256", ...), or NULL for KS_JOSE_ALG_UNKNOWN.
 * The string is static.
 */
KS_EXTERN(const char *) ks_jose_alg_name(ks_jose_alg alg);

/**
 * Look up an algorithm by its JWS name (case-sensitive, as in RFC 7515).
 * @return 0, or KS_EINVALID for a name keyshift does not sign with.
 */
KS_EXTERN(int) ks_jose_alg_parse(ks_jose_alg *out, const char *name);

/**
 * Generate a new key pair for `alg`.
 *
 * @param out receives the key; the caller frees it with ks_key_free()
 * @param rsa_bits modulus size for PS256/RS256 (0: the default); must be
 *        2048, 3072 or 4096, and 0 for the other algorithms
 * @return 0, KS_EINVALID for an unsupported algorithm or size, KS_ERROR
 */
KS_EXTERN(int) ks_key_generate(ks_key **out, ks_jose_alg alg,
    unsigned rsa_bits);

/**
 * Read a key from PEM text: a PKCS#8 private key (plain or encrypted), a
 * traditional private key, or a SubjectPublicKeyInfo public key.
 *
 * A line "alg: NAME" before the PEM block (RFC 7468 explanatory text, as
 * written by ks_key_write_pem()) sets the key's algorithm; otherwise it is
 * ES256/ES384 by curve, EdDSA for Ed25519 and PS256 for RSA. Keys below
 * FAPI 2.0 strength (RSA < 2048 bits, EC below P-256) are refused.
 *
 * @param passphrase NUL-terminated, or NULL for an unencrypted key
 * @return 0, KS_EINVALID (malformed, wrong passphrase, weak or unsupported
 *         key), KS_ENOMEM
 */
KS_EXTERN(int) ks_key_load_pem(ks_key **out, const char *pem, size_t len,
    const char *passphrase);

/** ks_key_load_pem() on the contents of `path` (at most 64 KiB). */
KS_EXTERN(int) ks_key_load_file(ks_key **out, const char *path,
    const char *passphrase);

/**
 * Write the private key to a new file `path` as PKCS#8 PEM, mode 0600,
 * refusing to replace anything that exists (KS_EEXISTS). With a
 * passphrase the key is encrypted (PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC).
 * The file is complete or absent: it is written, fsynced, and removed on
 * failure. Intermediate buffers are wiped.
 *
 * @return 0, KS_EEXISTS, KS_EINVALID (a public key), KS_ERROR
 */
KS_EXTERN(int) ks_key_write_pem(const ks_key *key, const char *path,
    const char *passphrase);

/**
 * Read a public key from one JWK (RFC 7517). Private members are ignored;
 * the resulting key can only verify.
 * @return 0, KS_EINVALID, KS_ENOMEM
 */
KS_EXTERN(int) ks_key_from_jwk(ks_key **out, const char *json, size_t len);

/** Flags for ks_key_to_jwk() and ks_jwks_to_json(). */
enum ks_jwk_flags {
	KS_JWK_PRETTY = (1 << 0)  /**< indent the JSON */
};

/**
 * Write the public JWK of `key` to `out`: kty, use "sig", alg, kid, and
 * the public members (minimal Base64urlUInt n and e, fixed-length EC
 * coordinates), plus x5c, x5t and x5t#S256 once a certificate was made
 * with ks_key_self_sign(). Never a private member.
 */
KS_EXTERN(int) ks_key_to_jwk(ks_buf *out, const ks_key *key, unsigned flags);

/**
 * The RFC 7638 SHA-256 thumbprint of the key, base64url. Borrowed: valid
 * until ks_key_free().
 */
KS_EXTERN(const char *) ks_key_thumbprint(const ks_key *key);

/**
 * The key id: the thumbprint for generated or loaded keys, the JWK's "kid"
 * member for keys read from JWKs (NULL when it had none). Borrowed.
 */
KS_EXTERN(const char *) ks_key_kid(const ks_key *key);

/** Replace the key id (the string is copied). NULL removes it. */
KS_EXTERN(int) ks_key_set_kid(ks_key *key, const char *kid);

/** The algorithm the key signs with by default. */
KS_EXTERN(ks_jose_alg) ks_key_alg(const ks_key *key);

/**
 * Set the key's algorithm.
 * @return 0, or KS_EINVALID when `alg` does not fit the key type
 */
KS_EXTERN(int) ks_key_set_alg(ks_key *key, ks_jose_alg alg);

/** Whether `alg` can be used with the key's type and curve. */
KS_EXTERN(bool) ks_key_alg_fits(const ks_key *key, ks_jose_alg alg);

/** Whether the key holds private material (can sign). */
KS_EXTERN(bool) ks_key_is_private(const ks_key *key);

/**
 * Make a self-signed X.509 certificate for the key (subject CN = the key
 * id, valid from now for `days` days), for servers that register keys as
 * certificates. It is kept in the key and published by ks_key_to_jwk().
 * @return 0, KS_EINVALID (public key, days out of 1..3650), KS_ERROR
 */
KS_EXTERN(int) ks_key_self_sign(ks_key *key, unsigned days);

/**
 * Read a passphrase from the first line of the file `path` (the line end is
 * not part of it). The memory is wiped by ks_jose_passphrase_free().
 * @param out receives a NUL-terminated copy owned by the caller
 * @return 0, KS_EINVALID (empty), KS_ENOTFOUND, KS_ERROR
 */
KS_EXTERN(int) ks_jose_passphrase_read(char **out, const char *path);

/** Wipe and free a passphrase from ks_jose_passphrase_read(). NULL is fine. */
KS_EXTERN(void) ks_jose_passphrase_free(char *passphrase);

/** Free a key, wiping its private material. NULL is fine. */
KS_EXTERN(void) ks_key_free(ks_key *key);

/**
 * The RFC 7638 SHA-256 thumbprint of the JWK in `json`, computed from its
 * required members as they are written (so it matches other
 * implementations even for a non-minimal encoding).
 *
 * @param out receives KS_JWK_THUMBPRINT_LEN characters and a NUL
 * @return 0, KS_EINVALID (not a JWK, unsupported kty, missing member)
 */
KS_EXTERN(int) ks_jwk_thumbprint(char out[KS_JWK_THUMBPRINT_LEN + 1],
    const char *json, size_t len);

/** Create an empty JWK Set; free it with ks_jwks_free(). */
KS_EXTERN(int) ks_jwks_new(ks_jwks **out);

/**
 * Add the public part of `key` to the set. The set takes its own reference
 * to the key material; the caller keeps ownership of `key`.
 * @return 0, KS_EEXISTS when a key with the same kid is already there
 */
KS_EXTERN(int) ks_jwks_add(ks_jwks *set, const ks_key *key);

/**
 * Read a JWK Set ({"keys":[...]}). Keys of a type keyshift does not verify
 * with (e.g. "oct", X25519) are skipped as RFC 7517 §5 asks; a malformed
 * key of a known type is an error. Duplicate kids are kept (see
 * ks_jwks_find()).
 * @return 0, KS_EINVALID, KS_ENOMEM
 */
KS_EXTERN(int) ks_jwks_parse(ks_jwks **out, const char *json, size_t len);

/** Write the set as JSON. */
KS_EXTERN(int) ks_jwks_to_json(ks_buf *out, const ks_jwks *set,
    unsigned flags);

/** The number of keys in the set. */
KS_EXTERN(size_t) ks_jwks_count(const ks_jwks *set);

/** The i-th key, borrowed from the set; NULL past the end. */
KS_EXTERN(const ks_key *) ks_jwks_get(const ks_jwks *set, size_t i);

/**
 * The first key whose kid is `kid` at or after index `*pos`; `*pos` is
 * moved past it so that a caller can iterate over duplicates. Borrowed;
 * NULL when there are no more.
 */
KS_EXTERN(const ks_key *) ks_jwks_find(const ks_jwks *set, const char *kid,
    size_t *pos);

/** Free a set. NULL is fine. */
KS_EXTERN(void) ks_jwks_free(ks_jwks *set);

/** The "typ" of client assertions (RFC 10070). */
#define KS_ASSERTION_TYP "client-authentication+jwt"
/** Default assertion lifetime in seconds. */
#define KS_ASSERTION_DEFAULT_LIFETIME 60
/** Longest lifetime ks_assertion_sign() accepts, in seconds. */
#define KS_ASSERTION_MAX_LIFETIME 86400

typedef struct {
	unsigned version;
	const char *client_id;  /**< iss and sub; required */
	const char *audience;   /**< aud, a single string: the issuer */
	ks_jose_alg alg;        /**< 0: the key's algorithm */
	const char *kid;        /**< NULL: the key's kid */
	int64_t lifetime;       /**< exp - iat in seconds; 0: the default */
	int64_t now;            /**< iat; 0: the current time */
	bool nbf;               /**< add nbf = iat */
	/** NULL, or the base64url SHA-256 of the client's certificate (DER),
	 * sent as header "x5t#S256": Microsoft Entra ID finds the key by it,
	 * not by kid. */
	const char *x5t_s256;
} ks_assertion_options;

#define KS_ASSERTION_OPTIONS_VERSION 1
#define KS_ASSERTION_OPTIONS_INIT \
	{ KS_ASSERTION_OPTIONS_VERSION, NULL, NULL, KS_JOSE_ALG_UNKNOWN, \
	  NULL, 0, 0, false, NULL }

/**
 * Sign a client assertion (RFC 7523 §3, RFC 10070): header alg, kid and
 * typ "client-authentication+jwt"; claims iss = sub = client_id, aud, iat,
 * exp, a jti of 192 random bits and, if asked, nbf.
 *
 * @param out receives the compact JWS
 * @return 0, KS_EINVALID (bad options, public key, alg that does not fit)
 */
KS_EXTERN(int) ks_assertion_sign(ks_buf *out, const ks_key *key,
    const ks_assertion_options *opts);

typedef struct {
	unsigned version;
	const char *issuer;          /**< expected aud (RFC 10070) */
	const char *token_endpoint;  /**< accepted as aud when the server
				          wants it (legacy RFC 7523) */
	const char *client_id;       /**< expected iss and sub */
	int64_t max_lifetime;        /**< longest exp - iat, exp - now */
	int64_t skew;                /**< allowance for iat/nbf in the future */
	int64_t now;                 /**< 0: the current time */
} ks_lint_options;

#define KS_LINT_OPTIONS_VERSION 1
#define KS_LINT_DEFAULT_MAX_LIFETIME 300
#define KS_LINT_DEFAULT_SKEW 10
#define KS_LINT_OPTIONS_INIT \
	{ KS_LINT_OPTIONS_VERSION, NULL, NULL, NULL, \
	  KS_LINT_DEFAULT_MAX_LIFETIME, KS_LINT_DEFAULT_SKEW, 0 }

/**
 * Called once per problem. `rule` is a stable identifier such as
 * "aud-array" (the list is in docs/JOSE.md); `message` explains it and
 * never holds the assertion or key material. Both are borrowed for the
 * call. Return non-zero to stop (ks_assertion_lint() returns KS_EUSER).
 */
typedef int (*ks_lint_cb)(const char *rule, const char *message,
    void *payload);

/**
 * Lint a client assertion: verify its signature against `jwks` by kid and
 * report everything a strict authorization server would reject.
 *
 * @param problems_out receives the number of problems reported (may be NULL)
 * @param jwks the client's published keys
 * @return 0 when the lint ran (whatever it found), KS_EUSER when the
 *         callback stopped it, KS_ENOMEM
 */
KS_EXTERN(int) ks_assertion_lint(size_t *problems_out, const char *assertion,
    size_t len, const ks_jwks *jwks, const ks_lint_options *opts,
    ks_lint_cb cb, void *payload);

KS_END_DECL
#endif
