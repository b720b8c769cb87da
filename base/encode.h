/*
 * base/encode.h - hex, base64 and base64url (RFC 4648)
 */
#ifndef KS_BASE_ENCODE_H
#define KS_BASE_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "str.h"

/* Write 2*n lowercase hex digits and a NUL to `out` (2*n+1 bytes). */
void ks_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly 2*n hex digits; KS_EINVALID on a bad digit. */
int ks_hex_decode(uint8_t *out, const char *in, size_t n);

enum ks_b64_flags {
	KS_B64_URL = (1 << 0),      /* the URL-safe alphabet (- _) */
	KS_B64_NOPAD = (1 << 1),    /* encoding: omit '='; decoding: forbid it */
	KS_B64_LENIENT = (1 << 2)   /* decoding: skip whitespace, accept either
				       alphabet and missing padding */
};

int ks_base64_encode(ks_str *out, const uint8_t *in, size_t n,
    unsigned flags) KS_WARN_UNUSED;
/* Append the decoded bytes to `out`; KS_EINVALID on malformed input. */
int ks_base64_decode(ks_str *out, const char *in, size_t n,
    unsigned flags) KS_WARN_UNUSED;

/* base64url without padding, the JOSE form (RFC 7515 §2). */
#define ks_b64url_encode(out, in, n) \
	ks_base64_encode((out), (in), (n), KS_B64_URL | KS_B64_NOPAD)
#define ks_b64url_decode(out, in, n) \
	ks_base64_decode((out), (in), (n), KS_B64_URL | KS_B64_NOPAD)

#endif
