/*
 * base/hash.h - SHA-1 (git object ids), SHA-256, HMAC-SHA256, randomness
 */
#ifndef KS_BASE_HASH_H
#define KS_BASE_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

#define KS_SHA1_LEN 20
#define KS_SHA256_LEN 32
/* A git object id as hex, with NUL. */
#define KS_OID_HEXLEN 41

void ks_sha256(uint8_t out[KS_SHA256_LEN], const void *data, size_t n);
/* SHA-256 over several pieces, as if concatenated. */
void ks_sha256_parts(uint8_t out[KS_SHA256_LEN], size_t nparts,
    const void *const *data, const size_t *lens);
int ks_hmac_sha256(uint8_t out[KS_SHA256_LEN], const void *key, size_t keylen,
    const void *data, size_t n) KS_WARN_UNUSED;
/* The git blob id of `data`: SHA-1 of "blob <n>\0" + data, as hex. */
void ks_git_blob_id(char out[KS_OID_HEXLEN], const void *data, size_t n);
/* Cryptographically strong random bytes; KS_ERROR if the CSPRNG fails. */
int ks_random_bytes(void *out, size_t n) KS_WARN_UNUSED;
/* Constant-time comparison: 0 when equal. */
int ks_memcmp_ct(const void *a, const void *b, size_t n);

#endif
