/*
 * reports/json_writer.c - RFC 8259 strings from arbitrary bytes
 */
#include "json_writer.h"

#include <string.h>

#include "encode.h"
#include "str.h"

size_t
ks_utf8_seq(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len, i;
	unsigned long cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

bool
ks_json_is_utf8(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if ((k = ks_utf8_seq(p + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
}

void
ks_json_string_n(FILE *fp, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k;

	fputc('"', fp);
	while (i < n) {
		unsigned char c = p[i];

		if ((k = ks_utf8_seq(p + i, n - i)) == 0) {
			fputs("\\ufffd", fp);
			i++;
			continue;
		}
		if (k > 1) {
			fwrite(p + i, 1, k, fp);
			i += k;
			continue;
		}
		switch (c) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\b': fputs("\\b", fp); break;
		case '\f': fputs("\\f", fp); break;
		default:
			/* U+2028/2029 are valid JSON but break JS; DEL is
			 * harmless but unfriendly on terminals. */
			if (c < 0x20 || c == 0x7f)
				fprintf(fp, "\\u%04x", c);
			else
				fputc(c, fp);
		}
		i++;
	}
	fputc('"', fp);
}

void
ks_json_string(FILE *fp, const char *s)
{
	if (!s)
		fputs("null", fp);
	else
		ks_json_string_n(fp, s, strlen(s));
}

void
ks_json_key(FILE *fp, bool *first, const char *key)
{
	if (!*first)
		fputc(',', fp);
	*first = false;
	ks_json_string(fp, key);
	fputc(':', fp);
}

void
ks_json_member_str(FILE *fp, bool *first, const char *key, const char *value,
    bool base64_if_binary)
{
	ks_json_key(fp, first, key);
	ks_json_string(fp, value);
	if (base64_if_binary && value &&
	    !ks_json_is_utf8(value, strlen(value))) {
		ks_str b64 = KS_STR_INIT, k = KS_STR_INIT;

		if (ks_base64_encode(&b64, (const uint8_t *)value,
		    strlen(value), 0) == 0 &&
		    ks_str_printf(&k, "%s_base64", key) == 0) {
			ks_json_key(fp, first, k.ptr);
			ks_json_string(fp, b64.ptr);
		}
		ks_str_dispose(&b64);
		ks_str_dispose(&k);
	}
}

void
ks_json_member_u64(FILE *fp, bool *first, const char *key,
    unsigned long long v)
{
	ks_json_key(fp, first, key);
	fprintf(fp, "%llu", v);
}

void
ks_json_member_f64(FILE *fp, bool *first, const char *key, double v)
{
	ks_json_key(fp, first, key);
	fprintf(fp, "%.3f", v);
}

void
ks_text_safe(FILE *fp, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, k;

	while (i < n) {
		unsigned char c = p[i];

		if ((k = ks_utf8_seq(p + i, n - i)) == 0) {
			fprintf(fp, "\\x%02x", c);
			i++;
		} else if (k > 1) {
			/* C1 controls (U+0080..U+009F) can drive terminals. */
			if (k == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0)
				fprintf(fp, "\\u%04x", p[i + 1]);
			else
				fwrite(p + i, 1, k, fp);
			i += k;
		} else {
			if (c == '\n')
				fputs("\\n", fp);
			else if (c == '\t')
				fputs("\\t", fp);
			else if (c == '\\')
				fputs("\\\\", fp);
			else if (c < 0x20 || c == 0x7f)
				fprintf(fp, "\\x%02x", c);
			else
				fputc(c, fp);
			i++;
		}
	}
}
