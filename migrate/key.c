/*
 * migrate/key.c - signing keys: generation, PEM files, self-signed certs
 *
 * A ks_key wraps one OpenSSL EVP_PKEY of a type keyshift signs with (EC
 * P-256/P-384, RSA >= 2048 bits, Ed25519) and remembers the JWS algorithm
 * to use it with. Weak keys are refused where keys enter: generation,
 * PEM and JWK import, so nothing downstream needs to check again.
 *
 * PKCS#8 has no room for the JWS algorithm, and an RSA key can be used
 * with RS256 or PS256. The algorithm is therefore written as RFC 7468
 * explanatory text ("alg: RS256") before the PEM block, which OpenSSL and
 * most PEM readers skip. Without it RSA keys default to PS256 (FAPI 2.0).
 *
 * Private key PEM only ever sits in OpenSSL secure-memory BIOs or in wiped
 * buffers; errors name files, never contents.
 */
#include <keyshift/jose.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "fileio.h"
#include "hash.h"
#include "jose_int.h"
#include "secret.h"

static const struct {
	ks_jose_alg alg;
	const char *name;
} alg_table[] = {
	{ KS_JOSE_ALG_ES256, "ES256" },
	{ KS_JOSE_ALG_ES384, "ES384" },
	{ KS_JOSE_ALG_PS256, "PS256" },
	{ KS_JOSE_ALG_RS256, "RS256" },
	{ KS_JOSE_ALG_EDDSA, "EdDSA" },
	{ KS_JOSE_ALG_ED25519, "Ed25519" },
};

const char *
ks_jose_alg_name(ks_jose_alg alg)
{
	size_t i;

	for (i = 0; i < sizeof(alg_table) / sizeof(alg_table[0]); i++)
		if (alg_table[i].alg == alg)
			return alg_table[i].name;
	return NULL;
}

int
ks_jose_alg_parse(ks_jose_alg *out, const char *name)
{
	size_t i;

	KS_ASSERT_ARG(out);
	*out = KS_JOSE_ALG_UNKNOWN;
	for (i = 0; name && i < sizeof(alg_table) / sizeof(alg_table[0]); i++) {
		if (strcmp(alg_table[i].name, name) == 0) {
			*out = alg_table[i].alg;
			return 0;
		}
	}
	ks_error_set(KS_ERROR_INVALID, "unsupported algorithm '%s'",
	    name ? name : "");
	return KS_EINVALID;
}

ks_jose_alg
ks_key__default_alg(enum ks_key_type type)
{
	switch (type) {
	case KS_KTY_EC_P256:
		return KS_JOSE_ALG_ES256;
	case KS_KTY_EC_P384:
		return KS_JOSE_ALG_ES384;
	case KS_KTY_RSA:
		return KS_JOSE_ALG_PS256;
	case KS_KTY_ED25519:
		return KS_JOSE_ALG_EDDSA;
	}
	return KS_JOSE_ALG_UNKNOWN;
}

static bool
type_fits(enum ks_key_type type, ks_jose_alg alg)
{
	switch (alg) {
	case KS_JOSE_ALG_ES256:
		return type == KS_KTY_EC_P256;
	case KS_JOSE_ALG_ES384:
		return type == KS_KTY_EC_P384;
	case KS_JOSE_ALG_PS256:
	case KS_JOSE_ALG_RS256:
		return type == KS_KTY_RSA;
	case KS_JOSE_ALG_EDDSA:
	case KS_JOSE_ALG_ED25519:
		return type == KS_KTY_ED25519;
	case KS_JOSE_ALG_UNKNOWN:
		break;
	}
	return false;
}

bool
ks_key_alg_fits(const ks_key *key, ks_jose_alg alg)
{
	return key && type_fits(key->type, alg);
}

void
ks_jose__ssl_error(const char *what)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e ? ERR_reason_error_string(e) : NULL;

	if (reason)
		ks_error_set(KS_ERROR_SSL, "%s: %s", what, reason);
	else
		ks_error_set(KS_ERROR_SSL, "%s", what);
	ERR_clear_error();
}

int
ks_jose__read_secret_file(ks_str *out, const char *path, size_t max)
{
	int error;

	/*
	 * ks_fd_read_all() grows by 64 KiB per read; reserving that much
	 * beyond the cap up front means the buffer is never reallocated, so
	 * no unwiped copy of the contents is left behind in freed memory.
	 */
	if ((error = ks_str_grow(out, max + 65536 + 1)) < 0)
		return error;
	return ks_file_read(out, path, max);
}

static int
classify(enum ks_key_type *out, EVP_PKEY *pkey, const char *what)
{
	char group[64];
	int bits = EVP_PKEY_get_bits(pkey);

	switch (EVP_PKEY_get_base_id(pkey)) {
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_group_name(pkey, group, sizeof(group),
		    NULL)) {
			ks_error_set(KS_ERROR_INVALID,
			    "%s: EC key without a named curve", what);
			return KS_EINVALID;
		}
		if (strcmp(group, "prime256v1") == 0 ||
		    strcmp(group, "P-256") == 0) {
			*out = KS_KTY_EC_P256;
			return 0;
		}
		if (strcmp(group, "secp384r1") == 0 ||
		    strcmp(group, "P-384") == 0) {
			*out = KS_KTY_EC_P384;
			return 0;
		}
		if (bits < 256) {
			ks_error_set(KS_ERROR_INVALID,
			    "%s: EC curve '%s' is weaker than P-256 "
			    "(FAPI 2.0 minimum)", what, group);
			return KS_EINVALID;
		}
		ks_error_set(KS_ERROR_INVALID,
		    "%s: unsupported EC curve '%s' (use P-256 or P-384)",
		    what, group);
		return KS_EINVALID;
	case EVP_PKEY_RSA:
		if (bits < KS_KEY_RSA_MIN_BITS) {
			ks_error_set(KS_ERROR_INVALID,
			    "%s: RSA key of %d bits is below the %d-bit "
			    "minimum (FAPI 2.0)", what, bits,
			    KS_KEY_RSA_MIN_BITS);
			return KS_EINVALID;
		}
		if (bits > 16384) {
			ks_error_set(KS_ERROR_INVALID,
			    "%s: RSA key of %d bits is too large", what, bits);
			return KS_EINVALID;
		}
		*out = KS_KTY_RSA;
		return 0;
	case EVP_PKEY_ED25519:
		*out = KS_KTY_ED25519;
		return 0;
	default:
		ks_error_set(KS_ERROR_INVALID,
		    "%s: unsupported key type (use EC P-256/P-384, RSA or "
		    "Ed25519)", what);
		return KS_EINVALID;
	}
}

int
ks_key__wrap(ks_key **out, EVP_PKEY *pkey, bool has_private, const char *what)
{
	ks_key *key = NULL;
	enum ks_key_type type;
	int error;

	*out = NULL;
	if ((error = classify(&type, pkey, what)) < 0)
		goto done;
	if ((key = ks__calloc(1, sizeof(*key))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	key->pkey = pkey;
	pkey = NULL;
	key->type = type;
	key->alg = ks_key__default_alg(type);
	key->has_private = has_private;
	if ((error = ks_jwk__thumbprint_key(key)) < 0)
		goto done;
	if ((key->kid = ks__strdup(key->thumbprint)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	*out = key;
	key = NULL;
done:
	EVP_PKEY_free(pkey);
	ks_key_free(key);
	return error;
}

int
ks_key__dup_public(ks_key **out, const ks_key *key)
{
	ks_key *k;

	*out = NULL;
	if ((k = ks__calloc(1, sizeof(*k))) == NULL)
		return KS_ENOMEM;
	/* Shares the EVP_PKEY: it is immutable once made. */
	if (!EVP_PKEY_up_ref(key->pkey)) {
		ks__free(k);
		ks_jose__ssl_error("cannot reference key");
		return KS_ERROR;
	}
	k->pkey = key->pkey;
	k->type = key->type;
	k->alg = key->alg;
	k->alg_explicit = key->alg_explicit;
	k->has_private = false;
	memcpy(k->thumbprint, key->thumbprint, sizeof(k->thumbprint));
	if (key->kid && (k->kid = ks__strdup(key->kid)) == NULL)
		goto oom;
	if (key->cert_der) {
		if ((k->cert_der = ks__memdup(key->cert_der,
		    key->cert_len)) == NULL)
			goto oom;
		k->cert_len = key->cert_len;
	}
	*out = k;
	return 0;
oom:
	ks_key_free(k);
	return KS_ENOMEM;
}

int
ks_key_generate(ks_key **out, ks_jose_alg alg, unsigned rsa_bits)
{
	EVP_PKEY *pkey = NULL;
	ks_key *key = NULL;
	int error;

	KS_ASSERT_ARG(out);
	*out = NULL;
	if (alg != KS_JOSE_ALG_PS256 && alg != KS_JOSE_ALG_RS256 &&
	    rsa_bits != 0) {
		ks_error_set(KS_ERROR_INVALID,
		    "a key size only applies to RSA algorithms");
		return KS_EINVALID;
	}
	switch (alg) {
	case KS_JOSE_ALG_ES256:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
		break;
	case KS_JOSE_ALG_ES384:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
		break;
	case KS_JOSE_ALG_PS256:
	case KS_JOSE_ALG_RS256:
		if (rsa_bits == 0)
			rsa_bits = KS_KEY_RSA_DEFAULT_BITS;
		if (rsa_bits < KS_KEY_RSA_MIN_BITS) {
			ks_error_set(KS_ERROR_INVALID,
			    "RSA keys below %d bits are refused (FAPI 2.0)",
			    KS_KEY_RSA_MIN_BITS);
			return KS_EINVALID;
		}
		if (rsa_bits != 2048 && rsa_bits != 3072 && rsa_bits != 4096) {
			ks_error_set(KS_ERROR_INVALID,
			    "unsupported RSA key size %u (use 2048, 3072 or "
			    "4096)", rsa_bits);
			return KS_EINVALID;
		}
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)rsa_bits);
		break;
	case KS_JOSE_ALG_EDDSA:
	case KS_JOSE_ALG_ED25519:
		pkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
		break;
	default:
		ks_error_set(KS_ERROR_INVALID, "unsupported algorithm");
		return KS_EINVALID;
	}
	if (!pkey) {
		ks_jose__ssl_error("key generation failed");
		return KS_ERROR;
	}
	if ((error = ks_key__wrap(&key, pkey, true, "generated key")) < 0)
		return error;
	key->alg = alg;
	key->alg_explicit = true;
	*out = key;
	return 0;
}

struct pw_state {
	const char *passphrase;
	bool asked;
};

static int
pw_cb(char *buf, int size, int rwflag, void *u)
{
	struct pw_state *st = u;
	size_t n;

	st->asked = true;
	if (!st->passphrase)
		return -1;
	n = strlen(st->passphrase);
	if (size < 0 || n > (size_t)size)
		return -1;
	memcpy(buf, st->passphrase, n);
	return (int)n;
}

/* The "alg: NAME" explanatory line before the PEM block, if any. */
static int
header_alg(ks_jose_alg *out, const char *pem, size_t len, const char *what)
{
	const char *p = pem, *end = pem + len;
	char name[16];

	*out = KS_JOSE_ALG_UNKNOWN;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		size_t n, i = 0;

		if (!eol)
			eol = end;
		n = (size_t)(eol - p);
		if (n >= 5 && memcmp(p, "-----", 5) == 0)
			break;
		if (n > 4 && strncasecmp(p, "alg:", 4) == 0) {
			const char *v = p + 4;

			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			while (v < eol && *v != '\r' && *v != ' ' &&
			    i < sizeof(name) - 1)
				name[i++] = *v++;
			name[i] = '\0';
			if (ks_jose_alg_parse(out, name) < 0) {
				ks_error_set(KS_ERROR_INVALID,
				    "%s: unsupported algorithm '%s' in the "
				    "PEM header", what, name);
				return KS_EINVALID;
			}
			return 0;
		}
		p = eol + 1;
	}
	return 0;
}

static bool
contains(const char *hay, size_t len, const char *needle)
{
	size_t n = strlen(needle), i;

	for (i = 0; n <= len && i <= len - n; i++)
		if (hay[i] == needle[0] && memcmp(hay + i, needle, n) == 0)
			return true;
	return false;
}

static int
load_pem(ks_key **out, const char *pem, size_t len, const char *passphrase,
    const char *what)
{
	struct pw_state st = { passphrase, false };
	ks_jose_alg alg;
	EVP_PKEY *pkey = NULL;
	ks_key *key = NULL;
	bool is_public;
	BIO *bio = NULL;
	int error;

	*out = NULL;
	if ((error = header_alg(&alg, pem, len, what)) < 0)
		return error;
	if (len > INT32_MAX ||
	    (bio = BIO_new_mem_buf(pem, (int)len)) == NULL) {
		ks_jose__ssl_error("cannot read key");
		return KS_ERROR;
	}
	is_public = contains(pem, len, "-----BEGIN PUBLIC KEY-----") &&
	    !contains(pem, len, "PRIVATE KEY-----");
	if (is_public)
		pkey = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	else
		pkey = PEM_read_bio_PrivateKey(bio, NULL, pw_cb, &st);
	BIO_free(bio);
	if (!pkey) {
		ERR_clear_error();
		if (st.asked && !passphrase)
			ks_error_set(KS_ERROR_INVALID, "%s: the key is "
			    "encrypted and needs a passphrase", what);
		else if (st.asked)
			ks_error_set(KS_ERROR_INVALID, "%s: cannot decrypt "
			    "the key (wrong passphrase?)", what);
		else
			ks_error_set(KS_ERROR_INVALID, "%s: not a PEM "
			    "private or public key", what);
		return KS_EINVALID;
	}
	if ((error = ks_key__wrap(&key, pkey, !is_public, what)) < 0)
		return error;
	if (alg != KS_JOSE_ALG_UNKNOWN) {
		if (!type_fits(key->type, alg)) {
			ks_error_set(KS_ERROR_INVALID, "%s: algorithm '%s' "
			    "does not fit the key", what, ks_jose_alg_name(alg));
			ks_key_free(key);
			return KS_EINVALID;
		}
		key->alg = alg;
		key->alg_explicit = true;
	}
	*out = key;
	return 0;
}

int
ks_key_load_pem(ks_key **out, const char *pem, size_t len,
    const char *passphrase)
{
	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(pem);
	return load_pem(out, pem, len, passphrase, "key");
}

int
ks_key_load_file(ks_key **out, const char *path, const char *passphrase)
{
	ks_str text = KS_STR_INIT;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(path);
	*out = NULL;
	if ((error = ks_jose__read_secret_file(&text, path,
	    KS_JOSE_KEY_FILE_MAX)) < 0)
		goto done;
	error = load_pem(out, text.ptr, text.len, passphrase, path);
done:
	ks_str_wipe(&text);
	return error;
}

/*
 * Create `path` atomically without ever replacing anything: write a
 * temporary file (O_EXCL, 0600) beside it, then link(2) it into place,
 * which fails with EEXIST like O_EXCL would. A crash leaves at most a
 * stray temporary, never a truncated key under the real name.
 */
static int
create_atomic(const char *path, const void *data, size_t n)
{
	ks_str tmp = KS_STR_INIT;
	uint8_t rnd[6];
	char hex[13];
	int error;

	if ((error = ks_random_bytes(rnd, sizeof(rnd))) < 0)
		goto done;
	ks_hex_encode(hex, rnd, sizeof(rnd));
	if ((error = ks_str_printf(&tmp, "%s.tmp-%s", path, hex)) < 0)
		goto done;
	if ((error = ks_file_create_excl(tmp.ptr, data, n, 0600)) < 0)
		goto done;
	if (link(tmp.ptr, path) < 0) {
		int e = errno;

		unlink(tmp.ptr);
		if (e == EEXIST) {
			errno = e;
			ks_error_set_os("cannot create '%s'", path);
			error = KS_EEXISTS;
			goto done;
		}
		/* File systems without hard links: plain O_EXCL. */
		error = ks_file_create_excl(path, data, n, 0600);
		goto done;
	}
	unlink(tmp.ptr);
done:
	ks_str_dispose(&tmp);
	return error;
}

int
ks_key_write_pem(const ks_key *key, const char *path, const char *passphrase)
{
	const EVP_CIPHER *cipher = NULL;
	BIO *bio = NULL;
	char *data;
	long n;
	int error = 0;

	KS_ASSERT_ARG(key);
	KS_ASSERT_ARG(path);
	if (!key->has_private) {
		ks_error_set(KS_ERROR_INVALID,
		    "cannot write '%s': not a private key", path);
		return KS_EINVALID;
	}
	if (passphrase) {
		if (!*passphrase || strlen(passphrase) > 1023) {
			ks_error_set(KS_ERROR_INVALID,
			    "the passphrase must be 1 to 1023 bytes");
			return KS_EINVALID;
		}
		cipher = EVP_aes_256_cbc();
	}
	/* Secure memory: cleared when freed. */
	if ((bio = BIO_new(BIO_s_secmem())) == NULL) {
		ks_jose__ssl_error("cannot encode key");
		return KS_ERROR;
	}
	if ((key->type == KS_KTY_RSA ||
	    key->alg != ks_key__default_alg(key->type)) &&
	    BIO_printf(bio, "alg: %s\n", ks_jose_alg_name(key->alg)) <= 0) {
		ks_jose__ssl_error("cannot encode key");
		error = KS_ERROR;
		goto done;
	}
	if (!PEM_write_bio_PKCS8PrivateKey(bio, key->pkey, cipher,
	    passphrase, passphrase ? (int)strlen(passphrase) : 0, NULL,
	    NULL)) {
		ks_jose__ssl_error("cannot encode key");
		error = KS_ERROR;
		goto done;
	}
	if ((n = BIO_get_mem_data(bio, &data)) <= 0) {
		ks_jose__ssl_error("cannot encode key");
		error = KS_ERROR;
		goto done;
	}
	error = create_atomic(path, data, (size_t)n);
done:
	BIO_free(bio);
	return error;
}

const char *
ks_key_thumbprint(const ks_key *key)
{
	return key ? key->thumbprint : NULL;
}

const char *
ks_key_kid(const ks_key *key)
{
	return key ? key->kid : NULL;
}

int
ks_key_set_kid(ks_key *key, const char *kid)
{
	char *copy = NULL;

	KS_ASSERT_ARG(key);
	if (kid && (copy = ks__strdup(kid)) == NULL)
		return KS_ENOMEM;
	ks__free(key->kid);
	key->kid = copy;
	return 0;
}

ks_jose_alg
ks_key_alg(const ks_key *key)
{
	return key ? key->alg : KS_JOSE_ALG_UNKNOWN;
}

int
ks_key_set_alg(ks_key *key, ks_jose_alg alg)
{
	KS_ASSERT_ARG(key);
	if (!type_fits(key->type, alg)) {
		ks_error_set(KS_ERROR_INVALID,
		    "algorithm '%s' does not fit the key",
		    ks_jose_alg_name(alg) ? ks_jose_alg_name(alg) : "?");
		return KS_EINVALID;
	}
	key->alg = alg;
	key->alg_explicit = true;
	return 0;
}

bool
ks_key_is_private(const ks_key *key)
{
	return key && key->has_private;
}

static int
add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	if ((ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value)) == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

int
ks_key_self_sign(ks_key *key, unsigned days)
{
	const EVP_MD *md = NULL;
	uint8_t serial[16], *der = NULL, *p;
	ASN1_INTEGER *sn = NULL;
	BIGNUM *bn = NULL;
	X509 *x = NULL;
	X509_NAME *name;
	int error = 0, len;

	KS_ASSERT_ARG(key);
	if (!key->has_private) {
		ks_error_set(KS_ERROR_INVALID,
		    "a certificate needs the private key");
		return KS_EINVALID;
	}
	if (days < 1 || days > 3650) {
		ks_error_set(KS_ERROR_INVALID,
		    "certificate validity must be 1 to 3650 days");
		return KS_EINVALID;
	}
	if ((error = ks_random_bytes(serial, sizeof(serial))) < 0)
		return error;
	serial[0] &= 0x7f;  /* positive, as RFC 5280 §4.1.2.2 wants */
	serial[0] |= 0x40;
	switch (key->type) {
	case KS_KTY_EC_P256:
	case KS_KTY_RSA:
		md = EVP_sha256();
		break;
	case KS_KTY_EC_P384:
		md = EVP_sha384();
		break;
	case KS_KTY_ED25519:
		md = NULL;  /* pure EdDSA */
		break;
	}
	if ((x = X509_new()) == NULL ||
	    !X509_set_version(x, 2) ||
	    (bn = BN_bin2bn(serial, sizeof(serial), NULL)) == NULL ||
	    (sn = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    !X509_set_serialNumber(x, sn) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), 0) ||
	    !X509_time_adj_ex(X509_getm_notAfter(x), (int)days, 0, NULL) ||
	    (name = X509_get_subject_name(x)) == NULL ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
	    (const unsigned char *)(key->kid ? key->kid : key->thumbprint),
	    -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) ||
	    !X509_set_pubkey(x, key->pkey) ||
	    !add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, NID_key_usage, "critical,digitalSignature") ||
	    !X509_sign(x, key->pkey, md)) {
		ks_jose__ssl_error("cannot make a self-signed certificate");
		error = KS_ERROR;
		goto done;
	}
	if ((len = i2d_X509(x, NULL)) <= 0) {
		ks_jose__ssl_error("cannot encode the certificate");
		error = KS_ERROR;
		goto done;
	}
	if ((der = ks__malloc((size_t)len)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	p = der;
	if (i2d_X509(x, &p) != len) {
		ks_jose__ssl_error("cannot encode the certificate");
		error = KS_ERROR;
		goto done;
	}
	ks__free(key->cert_der);
	key->cert_der = der;
	key->cert_len = (size_t)len;
	der = NULL;
done:
	ks__free(der);
	ASN1_INTEGER_free(sn);
	BN_free(bn);
	X509_free(x);
	return error;
}

int
ks_jose_passphrase_read(char **out, const char *path)
{
	ks_str text = KS_STR_INIT;
	char *eol;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(path);
	*out = NULL;
	if ((error = ks_jose__read_secret_file(&text, path, 4096)) < 0)
		goto done;
	if ((eol = memchr(text.ptr, '\n', text.len)) != NULL)
		ks_wipe(eol, text.len - (size_t)(eol - text.ptr));
	text.len = strlen(text.ptr);
	if (text.len && text.ptr[text.len - 1] == '\r')
		text.ptr[--text.len] = '\0';
	if (text.len == 0) {
		ks_error_set(KS_ERROR_INVALID, "'%s': empty passphrase", path);
		error = KS_EINVALID;
		goto done;
	}
	if ((*out = ks__strdup(text.ptr)) == NULL)
		error = KS_ENOMEM;
done:
	ks_str_wipe(&text);
	return error;
}

void
ks_jose_passphrase_free(char *passphrase)
{
	if (!passphrase)
		return;
	ks_wipe(passphrase, strlen(passphrase));
	ks__free(passphrase);
}

void
ks_key_free(ks_key *key)
{
	if (!key)
		return;
	/* EVP_PKEY_free clears private components itself. */
	EVP_PKEY_free(key->pkey);
	ks__free(key->kid);
	ks__free(key->cert_der);
	ks__free(key);
}
