/*
 * base/encode.c - hex, base64 and base64url (RFC 4648)
 */
#include "encode.h"

#include <string.h>

#include "errors.h"

static const char hexdigits[] = "0123456789abcdef";
static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
ks_hex_encode(char *out, const uint8_t *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hexdigits[in[i] >> 4];
		out[2 * i + 1] = hexdigits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
ks_hex_decode(uint8_t *out, const char *in, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int hi = hexval(in[2 * i]), lo = hexval(in[2 * i + 1]);

		if (hi < 0 || lo < 0) {
			ks_error_set(KS_ERROR_INVALID, "invalid hex digit");
			return KS_EINVALID;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int
ks_base64_encode(ks_str *out, const uint8_t *in, size_t n, unsigned flags)
{
	const char *alpha = (flags & KS_B64_URL) ? b64url : b64std;
	bool pad = !(flags & KS_B64_NOPAD);
	size_t i;
	int error;

	if ((error = ks_str_grow(out, (n + 2) / 3 * 4)) < 0)
		return error;
	for (i = 0; i + 2 < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 |
		    in[i + 2];
		char q[4] = { alpha[v >> 18], alpha[(v >> 12) & 63],
		    alpha[(v >> 6) & 63], alpha[v & 63] };

		if ((error = ks_str_put(out, q, 4)) < 0)
			return error;
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)in[i] << 16;
		char q[4] = { alpha[v >> 18], alpha[(v >> 12) & 63], '=', '=' };

		error = ks_str_put(out, q, pad ? 4 : 2);
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		char q[4] = { alpha[v >> 18], alpha[(v >> 12) & 63],
		    alpha[(v >> 6) & 63], '=' };

		error = ks_str_put(out, q, pad ? 4 : 3);
	}
	return error;
}

static int
b64val(unsigned char c, unsigned flags)
{
	bool url = flags & KS_B64_URL, lenient = flags & KS_B64_LENIENT;

	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if ((c == '+' && (!url || lenient)) || (c == '-' && (url || lenient)))
		return 62;
	if ((c == '/' && (!url || lenient)) || (c == '_' && (url || lenient)))
		return 63;
	return -1;
}

int
ks_base64_decode(ks_str *out, const char *in, size_t n, unsigned flags)
{
	bool lenient = flags & KS_B64_LENIENT;
	uint32_t acc = 0;
	size_t i, bits = 0, pads = 0, chars = 0;
	int error;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		int v;

		if (lenient && (c == ' ' || c == '\n' || c == '\r' ||
		    c == '\t'))
			continue;
		if (c == '=') {
			if (flags & KS_B64_NOPAD && !lenient)
				goto bad;
			pads++;
			continue;
		}
		if (pads)
			goto bad;  /* data after padding */
		if ((v = b64val(c, flags)) < 0)
			goto bad;
		chars++;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			char b;

			bits -= 8;
			b = (char)((acc >> bits) & 0xff);
			if ((error = ks_str_putc(out, b)) < 0)
				return error;
		}
	}
	if (chars % 4 == 1 || pads > 2)
		goto bad;
	if (!lenient && !(flags & KS_B64_NOPAD) && (chars + pads) % 4)
		goto bad;
	/* Leftover bits must be zero (canonical encoding). */
	if (!lenient && bits && (acc & ((1u << bits) - 1)))
		goto bad;
	return 0;
bad:
	ks_error_set(KS_ERROR_INVALID, "invalid base64 input");
	return KS_EINVALID;
}
