/*
 * base/hash.c - hashing through OpenSSL's EVP interface
 */
#include "hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "encode.h"
#include "errors.h"

void
ks_sha256(uint8_t out[KS_SHA256_LEN], const void *data, size_t n)
{
	const void *parts[1] = { data };
	size_t lens[1] = { n };

	ks_sha256_parts(out, 1, parts, lens);
}

void
ks_sha256_parts(uint8_t out[KS_SHA256_LEN], size_t nparts,
    const void *const *data, const size_t *lens)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned int len = KS_SHA256_LEN;
	size_t i;

	/* Allocation failure here is not recoverable for a hash user. */
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL))
		abort();
	for (i = 0; i < nparts; i++)
		EVP_DigestUpdate(ctx, data[i], lens[i]);
	EVP_DigestFinal_ex(ctx, out, &len);
	EVP_MD_CTX_free(ctx);
}

int
ks_hmac_sha256(uint8_t out[KS_SHA256_LEN], const void *key, size_t keylen,
    const void *data, size_t n)
{
	unsigned int len = KS_SHA256_LEN;

	if (!HMAC(EVP_sha256(), key, (int)keylen, data, n, out, &len)) {
		ks_error_set(KS_ERROR_SSL, "HMAC-SHA256 failed");
		return KS_ERROR;
	}
	return 0;
}

void
ks_git_blob_id(char out[KS_OID_HEXLEN], const void *data, size_t n)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	uint8_t md[KS_SHA1_LEN];
	unsigned int len = sizeof(md);
	char hdr[32];
	int hlen = snprintf(hdr, sizeof(hdr), "blob %zu", n);

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL))
		abort();
	EVP_DigestUpdate(ctx, hdr, (size_t)hlen + 1);
	EVP_DigestUpdate(ctx, data, n);
	EVP_DigestFinal_ex(ctx, md, &len);
	EVP_MD_CTX_free(ctx);
	ks_hex_encode(out, md, KS_SHA1_LEN);
}

int
ks_random_bytes(void *out, size_t n)
{
	if (n > INT32_MAX || RAND_bytes(out, (int)n) != 1) {
		ks_error_set(KS_ERROR_SSL, "random number generator failed");
		return KS_ERROR;
	}
	return 0;
}

int
ks_memcmp_ct(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n);
}
