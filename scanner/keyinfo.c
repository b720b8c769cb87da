/*
 * scanner/keyinfo.c - type, size and encryption of a found private key
 *
 * Nothing here asks for or guesses a passphrase, except PKCS#12, whose
 * well-known defaults ("" and no password, Google's "notasecret",
 * Java's "changeit") are worth reporting: a key store with a default
 * password is as good as a plain key.
 */
#define _GNU_SOURCE
#include "keyinfo.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "secret.h"
#include "str.h"

static int
no_pass(char *buf, int size, int rwflag, void *u)
{
	(void)buf;
	(void)size;
	(void)rwflag;
	(void)u;
	return -1;
}

static void
pkey_desc(char *out, size_t cap, EVP_PKEY *k)
{
	char group[64] = "";
	int id = EVP_PKEY_get_base_id(k);

	switch (id) {
	case EVP_PKEY_RSA:
		snprintf(out, cap, "RSA %d", EVP_PKEY_get_bits(k));
		break;
	case EVP_PKEY_DSA:
		snprintf(out, cap, "DSA %d", EVP_PKEY_get_bits(k));
		break;
	case EVP_PKEY_EC:
		if (!EVP_PKEY_get_utf8_string_param(k,
		    OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group), NULL))
			snprintf(group, sizeof(group), "%d bits",
			    EVP_PKEY_get_bits(k));
		snprintf(out, cap, "EC %s", strcmp(group, "prime256v1") == 0 ?
		    "P-256" : strcmp(group, "secp384r1") == 0 ? "P-384" :
		    strcmp(group, "secp521r1") == 0 ? "P-521" : group);
		break;
	case EVP_PKEY_ED25519:
		snprintf(out, cap, "Ed25519");
		break;
	case EVP_PKEY_ED448:
		snprintf(out, cap, "Ed448");
		break;
	default:
		snprintf(out, cap, "%s %d", OBJ_nid2sn(id), EVP_PKEY_get_bits(k));
	}
}

/* Rebuild a clean PEM (label, optional RFC 1421 headers, 64-column body). */
static int
clean_pem(ks_str *pem, const char *label, const uint8_t *match, size_t mlen,
    const uint8_t *body, size_t blen)
{
	const char *hdrs[] = { "Proc-Type:", "DEK-Info:" };
	size_t i, h;
	int error;

	if ((error = ks_str_printf(pem, "-----BEGIN %s-----\n", label)) < 0)
		return error;
	for (h = 0; h < 2; h++) {
		const uint8_t *p = memmem(match, mlen, hdrs[h], strlen(hdrs[h]));
		size_t e;

		if (!p)
			continue;
		for (e = (size_t)(p - match); e < mlen && match[e] != '\n' &&
		    match[e] != '\r' && match[e] != '\\' && match[e] != '"';
		    e++)
			;
		if ((error = ks_str_put(pem, p, e - (size_t)(p - match))) < 0 ||
		    (error = ks_str_putc(pem, '\n')) < 0)
			return error;
	}
	if (pem->len > strlen(label) + 17 && (error = ks_str_putc(pem, '\n')) < 0)
		return error;
	for (i = 0; i < blen; i += 64)
		if ((error = ks_str_put(pem, body + i, blen - i < 64 ? blen - i :
		    64)) < 0 || (error = ks_str_putc(pem, '\n')) < 0)
			return error;
	return ks_str_printf(pem, "-----END %s-----\n", label);
}

static void
pem_info(char *out, size_t cap, const char *label, const uint8_t *match,
    size_t mlen, const uint8_t *body, size_t blen)
{
	ks_str pem = KS_STR_INIT;
	bool legacy_enc = memmem(match, mlen, "ENCRYPTED", 9) != NULL &&
	    memmem(match, mlen, "Proc-Type", 9) != NULL;
	BIO *bio = NULL;
	EVP_PKEY *k = NULL;

	out[0] = '\0';
	if (strcmp(label, "ENCRYPTED PRIVATE KEY") == 0) {
		snprintf(out, cap, "PKCS#8, encrypted");
		return;
	}
	if (legacy_enc) {
		const uint8_t *dek = memmem(match, mlen, "DEK-Info:", 9);
		char alg[32] = "";
		size_t i = 0;

		if (dek)
			for (dek += 9; dek < match + mlen && *dek == ' '; dek++)
				;
		while (dek && dek + i < match + mlen && i + 1 < sizeof(alg) &&
		    (dek[i] == '-' || (dek[i] >= 'A' && dek[i] <= 'Z') ||
		    (dek[i] >= '0' && dek[i] <= '9')))
			i++;
		if (dek && i)
			memcpy(alg, dek, i);
		snprintf(out, cap, "%s, encrypted (legacy PEM%s%s)",
		    strncmp(label, "RSA", 3) == 0 ? "RSA" :
		    strncmp(label, "EC", 2) == 0 ? "EC" : "DSA", i ? " " : "",
		    alg);
		return;
	}
	if (clean_pem(&pem, label, match, mlen, body, blen) < 0 ||
	    (bio = BIO_new_mem_buf(pem.ptr, (int)pem.len)) == NULL)
		goto done;
	if ((k = PEM_read_bio_PrivateKey(bio, NULL, no_pass, NULL)) != NULL) {
		char d[64];

		pkey_desc(d, sizeof(d), k);
		snprintf(out, cap, "%s, unencrypted", d);
	}
done:
	ERR_clear_error();
	EVP_PKEY_free(k);
	BIO_free(bio);
	ks_str_wipe(&pem);
}

static bool
ssh_string(const uint8_t **p, const uint8_t *end, const uint8_t **s,
    uint32_t *n)
{
	if (end - *p < 4)
		return false;
	*n = (uint32_t)(*p)[0] << 24 | (uint32_t)(*p)[1] << 16 |
	    (uint32_t)(*p)[2] << 8 | (*p)[3];
	*p += 4;
	if ((size_t)(end - *p) < *n)
		return false;
	*s = *p;
	*p += *n;
	return true;
}

static void
openssh_info(char *out, size_t cap, const uint8_t *raw, size_t n)
{
	const uint8_t *p = raw + 15, *end = raw + n, *cipher, *kdf, *opt, *pub;
	const uint8_t *kt, *q, *e, *mod;
	uint32_t lc, lk, lo, lp, lt, le, lm, nkeys;
	char type[48] = "?";

	out[0] = '\0';
	if (n < 15 || memcmp(raw, "openssh-key-v1", 15) != 0)
		return;
	if (!ssh_string(&p, end, &cipher, &lc) || !ssh_string(&p, end, &kdf,
	    &lk) || !ssh_string(&p, end, &opt, &lo) || end - p < 4)
		return;
	nkeys = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
	p += 4;
	(void)nkeys;
	if (!ssh_string(&p, end, &pub, &lp))
		return;
	q = pub;
	if (ssh_string(&q, pub + lp, &kt, &lt)) {
		if (lt == 7 && memcmp(kt, "ssh-rsa", 7) == 0 &&
		    ssh_string(&q, pub + lp, &e, &le) &&
		    ssh_string(&q, pub + lp, &mod, &lm)) {
			size_t bits = lm * 8;

			while (lm && *mod == 0) {
				mod++;
				lm--;
				bits -= 8;
			}
			if (lm)
				for (uint8_t b = *mod; !(b & 0x80); b <<= 1)
					bits--;
			snprintf(type, sizeof(type), "RSA %zu", bits);
		} else if (lt == 11 && memcmp(kt, "ssh-ed25519", 11) == 0) {
			snprintf(type, sizeof(type), "Ed25519");
		} else if (lt > 11 && memcmp(kt, "ecdsa-sha2-", 11) == 0) {
			snprintf(type, sizeof(type), "ECDSA %s",
			    lt == 19 && memcmp(kt + 11, "nistp256", 8) == 0 ?
			    "P-256" : lt == 19 && memcmp(kt + 11, "nistp384",
			    8) == 0 ? "P-384" : "P-521");
		} else {
			snprintf(type, sizeof(type), "%.*s", (int)(lt < 40 ?
			    lt : 40), (const char *)kt);
		}
	}
	if (lc == 4 && memcmp(cipher, "none", 4) == 0)
		snprintf(out, cap, "%s, unencrypted", type);
	else
		snprintf(out, cap, "%s, encrypted (OpenSSH %.*s, %.*s)", type,
		    (int)(lk < 16 ? lk : 16), (const char *)kdf,
		    (int)(lc < 24 ? lc : 24), (const char *)cipher);
}

static void
ppk_info(char *out, size_t cap, const uint8_t *m, size_t mlen)
{
	const uint8_t *alg = memmem(m, mlen, ": ", 2);
	const uint8_t *enc = memmem(m, mlen, "Encryption: ", 12);
	size_t la = 0, le = 0;

	out[0] = '\0';
	if (!alg || !enc || mlen < 21)
		return;
	alg += 2;
	while (alg + la < m + mlen && alg[la] > ' ' && alg[la] != '\\')
		la++;
	enc += 12;
	while (enc + le < m + mlen && enc[le] > ' ' && enc[le] != '\\')
		le++;
	snprintf(out, cap, "PuTTY v%c %.*s, %s", m[20], (int)(la < 40 ? la :
	    40), (const char *)alg, le == 4 && memcmp(enc, "none", 4) == 0 ?
	    "unencrypted" : "encrypted");
}

/* OpenPGP (RFC 4880): the first secret-key packet's algorithm and S2K
 * usage octet (0: the secret parts are in clear). */
static void
pgp_info(char *out, size_t cap, const uint8_t *raw, size_t n)
{
	static const int mpis[23] = { [1] = 2, [16] = 3, [17] = 4 };
	const uint8_t *p = raw, *end = raw + n;
	size_t plen, i;
	unsigned tag, algo;
	const char *name;

	out[0] = '\0';
	if (n < 8 || !(p[0] & 0x80))
		return;
	if (p[0] & 0x40) {           /* new format */
		tag = p[0] & 0x3f;
		if (p[1] < 192) {
			plen = p[1];
			p += 2;
		} else if (p[1] < 224) {
			plen = ((size_t)(p[1] - 192) << 8) + p[2] + 192;
			p += 3;
		} else if (p[1] == 255 && n > 6) {
			plen = (size_t)p[2] << 24 | (size_t)p[3] << 16 |
			    (size_t)p[4] << 8 | p[5];
			p += 6;
		} else {
			return;
		}
	} else {
		unsigned lt = p[0] & 3;

		tag = (p[0] >> 2) & 0xf;
		plen = lt == 0 ? p[1] : lt == 1 ? ((size_t)p[1] << 8 | p[2]) :
		    lt == 2 ? ((size_t)p[1] << 24 | (size_t)p[2] << 16 |
		    (size_t)p[3] << 8 | p[4]) : 0;
		p += lt == 0 ? 2 : lt == 1 ? 3 : 5;
	}
	if (tag != 5 || (size_t)(end - p) < plen || plen < 8 || p[0] != 4)
		return;
	end = p + plen;
	algo = p[5];
	p += 6;
	name = algo == 1 ? "RSA" : algo == 17 ? "DSA" : algo == 16 ?
	    "Elgamal" : algo == 19 ? "ECDSA" : algo == 22 ? "EdDSA" :
	    algo == 18 ? "ECDH" : "OpenPGP";
	if (algo == 18 || algo == 19 || algo == 22) {
		if (p >= end || (size_t)(end - p) < 1u + p[0])
			return;
		p += 1 + p[0];                  /* curve OID */
		i = 1;
	} else {
		i = algo < 23 ? (size_t)mpis[algo] : 0;
		if (!i)
			return;
	}
	for (; i > 0; i--) {
		size_t bits;

		if (end - p < 2)
			return;
		bits = (size_t)p[0] << 8 | p[1];
		p += 2 + (bits + 7) / 8;
		if (p > end)
			return;
	}
	if (algo == 18) {                       /* KDF parameters */
		if (p >= end || (size_t)(end - p) < 1u + p[0])
			return;
		p += 1 + p[0];
	}
	if (p >= end)
		return;
	snprintf(out, cap, "OpenPGP %s, %s", name, *p == 0 ? "unencrypted" :
	    "encrypted (S2K)");
}

/* The value of member `name` of the JWK object in m[0..mlen): quotes may
 * be escaped (a JWK inside a JSON string) or absent (a JS literal). */
static bool
jwk_member(const uint8_t *m, size_t mlen, const char *name,
    const uint8_t **v, size_t *vlen)
{
	size_t nl = strlen(name), i, j;

	for (i = 0; i + nl < mlen; i++) {
		if (memcmp(m + i, name, nl) != 0 || (i > 0 &&
		    (isalnum(m[i - 1]) || m[i - 1] == '_' || m[i - 1] == '$')))
			continue;
		j = i + nl;
		while (j < mlen && (m[j] == '"' || m[j] == '\\' ||
		    m[j] == '\'' || m[j] == ' ' || m[j] == '\t'))
			j++;
		if (j >= mlen || m[j] != ':')
			continue;
		j++;
		while (j < mlen && (m[j] == '"' || m[j] == '\\' ||
		    m[j] == '\'' || isspace(m[j])))
			j++;
		*v = m + j;
		while (j < mlen && (isalnum(m[j]) || m[j] == '-' ||
		    m[j] == '_'))
			j++;
		*vlen = (size_t)(m + j - *v);
		if (*vlen)
			return true;
	}
	return false;
}

static bool
jwk_is(const uint8_t *v, size_t n, const char *s)
{
	return n == strlen(s) && memcmp(v, s, n) == 0;
}

/* Type and size of a JWK from its public members: RSA bits from "n",
 * the curve of EC and OKP keys. */
static void
jwk_info(char *out, size_t cap, const uint8_t *m, size_t mlen)
{
	const uint8_t *kty, *crv, *n;
	size_t ktyl, crvl, nl;
	char what[64] = "";

	out[0] = '\0';
	if (!jwk_member(m, mlen, "kty", &kty, &ktyl))
		return;
	if (!jwk_member(m, mlen, "crv", &crv, &crvl))
		crvl = 0;
	if (jwk_is(kty, ktyl, "RSA")) {
		ks_str raw = KS_STR_INIT;

		snprintf(what, sizeof(what), "RSA");
		if (jwk_member(m, mlen, "n", &n, &nl) &&
		    ks_b64url_decode(&raw, (const char *)n, nl) == 0) {
			const uint8_t *b = (const uint8_t *)raw.ptr;
			size_t len = raw.len, bits;

			while (len && !*b) {
				b++;
				len--;
			}
			if (len) {
				bits = len * 8;
				for (uint8_t top = b[0]; !(top & 0x80);
				    top <<= 1)
					bits--;
				snprintf(what, sizeof(what), "RSA %zu", bits);
			}
		}
		ks_str_dispose(&raw);
	} else if (jwk_is(kty, ktyl, "oct")) {
		snprintf(what, sizeof(what), "oct (symmetric)");
	} else if ((jwk_is(kty, ktyl, "EC") || jwk_is(kty, ktyl, "OKP")) &&
	    crvl && crvl < 16) {
		snprintf(what, sizeof(what), "%s%.*s",
		    jwk_is(kty, ktyl, "EC") ? "EC " : "", (int)crvl,
		    (const char *)crv);
	}
	snprintf(out, cap, "JWK%s%s, unencrypted", what[0] ? " " : "", what);
}

static void
p12_info(char *out, size_t cap, const uint8_t *der, size_t n)
{
	static const char *const pws[] = { "", NULL, "notasecret", "changeit",
	    "password" };
	const unsigned char *p = der;
	PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)n);
	size_t i;

	out[0] = '\0';
	if (!p12) {
		ERR_clear_error();
		return;
	}
	snprintf(out, cap, "PKCS#12, encrypted (password not known)");
	for (i = 0; i < sizeof(pws) / sizeof(pws[0]); i++) {
		EVP_PKEY *k = NULL;
		X509 *cert = NULL;
		char d[64] = "no key";

		if (!PKCS12_verify_mac(p12, pws[i], pws[i] ? -1 : 0))
			continue;
		/* "no key" only when the contents were read: a store of
		 * certificates alone (a trust store) is no finding */
		if (!PKCS12_parse(p12, pws[i], &k, &cert, NULL))
			snprintf(d, sizeof(d), "contents not read");
		else if (k)
			pkey_desc(d, sizeof(d), k);
		snprintf(out, cap, "PKCS#12: %s, password %s%s%s", d,
		    !pws[i] ? "none" : !*pws[i] ? "empty" : "\"",
		    pws[i] && *pws[i] ? pws[i] : "", pws[i] && *pws[i] ?
		    "\" (a default)" : "");
		EVP_PKEY_free(k);
		X509_free(cert);
		break;
	}
	ERR_clear_error();
	PKCS12_free(p12);
}

int
ks_keyinfo(char **out, const char *rule_id, const uint8_t *match,
    size_t mlen, const uint8_t *body, size_t blen)
{
	static const struct { const char *rule, *label; } pems[] = {
		{ "ks.pem.private-key.pkcs1", "RSA PRIVATE KEY" },
		{ "ks.pem.private-key.sec1", "EC PRIVATE KEY" },
		{ "ks.pem.private-key.dsa", "DSA PRIVATE KEY" },
		{ "ks.pem.private-key.pkcs8", "PRIVATE KEY" },
		{ "ks.pem.private-key.pkcs8-encrypted", "ENCRYPTED PRIVATE KEY" },
	};
	char info[160] = "";
	ks_str raw = KS_STR_INIT;
	size_t i;

	*out = NULL;
	for (i = 0; i < sizeof(pems) / sizeof(pems[0]); i++)
		if (strcmp(rule_id, pems[i].rule) == 0)
			pem_info(info, sizeof(info), pems[i].label, match, mlen,
			    body, blen);
	if (strcmp(rule_id, "ks.putty.private-key") == 0)
		ppk_info(info, sizeof(info), match, mlen);
	else if (strncmp(rule_id, "ks.jwk.", 7) == 0)
		jwk_info(info, sizeof(info), match, mlen);
	else if (strcmp(rule_id, "ks.pem.private-key.openssh") == 0 ||
	    strcmp(rule_id, "ks.pgp.private-key-block") == 0 ||
	    strcmp(rule_id, "ks.pkcs12.keystore") == 0) {
		if (ks_base64_decode(&raw, (const char *)body, blen,
		    KS_B64_LENIENT) == 0) {
			const uint8_t *r = (const uint8_t *)raw.ptr;

			if (rule_id[3] == 'p' && rule_id[4] == 'e')
				openssh_info(info, sizeof(info), r, raw.len);
			else if (rule_id[4] == 'g')
				pgp_info(info, sizeof(info), r, raw.len);
			else
				p12_info(info, sizeof(info), r, raw.len);
		}
		ks_str_wipe(&raw);
	}
	if (!info[0])
		return 0;
	*out = ks__strdup(info);
	return *out ? 0 : KS_ENOMEM;
}
