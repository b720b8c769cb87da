/*
 * scanner/allow.c - the inline allow marker
 */
#include "allow.h"

#include <string.h>

/* Bytes that can end a marker's reason: a line end or a comment closer. */
static size_t
reason_end(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n' || p[i] == '\r')
			break;
		if (i + 1 < n && ((p[i] == '*' && p[i + 1] == '/') ||
		    (p[i] == '-' && p[i + 1] == '-' && i + 2 < n &&
		    p[i + 2] == '>')))
			break;
	}
	return i;
}

static bool
is_rule_char(uint8_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static void
copy_trimmed(char *dst, size_t cap, const uint8_t *p, size_t n)
{
	size_t i, k = 0;

	while (n && (p[0] == ' ' || p[0] == '\t'))
		p++, n--;
	while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	for (i = 0; i < n && k + 1 < cap; i++)
		dst[k++] = (p[i] < 0x20 || p[i] == 0x7f) ? ' ' : (char)p[i];
	dst[k] = '\0';
}

/* Parse the marker at `m` (pointing just past "keyshift:allow"). */
static bool
parse_marker(const uint8_t *m, size_t n, const char *rule_id,
    const char *family, struct ks_allow *out)
{
	size_t end = reason_end(m, n), i = 0, r;

	/* "keyshift:allowed" or "keyshift:allow-list" is another word. */
	if (end && is_rule_char(m[0]) && m[0] != '.')
		return false;
	while (i < end && (m[i] == ' ' || m[i] == '\t'))
		i++;
	r = i;
	while (r < end && is_rule_char(m[r]))
		r++;
	memset(out, 0, sizeof(*out));
	/* A rule id has a dot in it (ks.pem.private-key); anything else is
	 * the start of a reason. */
	if (r > i && memchr(m + i, '.', r - i) && r - i < sizeof(out->rule)) {
		memcpy(out->rule, m + i, r - i);
		out->rule[r - i] = '\0';
		if (strcmp(out->rule, rule_id) && (!family ||
		    strcmp(out->rule, family)))
			return false;
		i = r;
	}
	copy_trimmed(out->reason, sizeof(out->reason), m + i, end - i);
	return true;
}

bool
ks_allow_check(const uint8_t *data, size_t len, size_t start, size_t end,
    const char *rule_id, const char *family, struct ks_allow *out)
{
	static const char marker[] = KS_ALLOW_MARKER;
	const size_t mlen = sizeof(marker) - 1;
	size_t from = start, to = end, i;

	if (start > len || end > len || start > end)
		return false;
	/* The lines the match spans, whole. */
	while (from > 0 && data[from - 1] != '\n')
		from--;
	while (to < len && data[to] != '\n')
		to++;
	for (i = from; i + mlen <= to; i++) {
		const uint8_t *hit = memchr(data + i, 'k', to - i);

		if (!hit)
			break;
		i = (size_t)(hit - data);
		if (i + mlen > to)
			break;
		if (memcmp(hit, marker, mlen) == 0 && parse_marker(hit + mlen,
		    to - i - mlen, rule_id, family, out))
			return true;
	}
	return false;
}
