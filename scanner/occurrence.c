/*
 * scanner/occurrence.c - fingerprints, previews, locations and snippets
 *
 * The fingerprint names a finding: it depends only on the rule family and
 * the secret bytes, so the same secret found by one family is one finding
 * whatever its path, line, repository or machine. A domain-separation
 * prefix and NUL separators keep (family, secret) pairs from colliding by
 * concatenation. It is a plain hash, not a keyed one: it is meant to be
 * shared (SARIF partialFingerprints, allow lists), so like any preview it
 * lets someone who already holds a candidate secret confirm it. The store
 * keys its own secret digest with a per-store HMAC key.
 */
#include "occurrence.h"

#include <stdio.h>
#include <string.h>

#include <keyshift/scan.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "hash.h"
#include "str.h"

#define FINGERPRINT_DOMAIN "keyshift-fingerprint-v1"

/* A snippet never grows past this, whatever the preview's length. */
#define SNIPPET_MAX 512

void
ks_fingerprint(char out[KS_FINGERPRINT_HEXLEN + 1], const char *family,
    const uint8_t *secret, size_t len)
{
	const void *parts[3];
	size_t lens[3];
	uint8_t digest[KS_SHA256_LEN];

	parts[0] = FINGERPRINT_DOMAIN;          /* with its NUL */
	lens[0] = sizeof(FINGERPRINT_DOMAIN);
	parts[1] = family;                      /* with its NUL */
	lens[1] = strlen(family) + 1;
	parts[2] = secret;
	lens[2] = len;
	ks_sha256_parts(digest, 3, parts, lens);
	ks_hex_encode(out, digest, KS_FINGERPRINT_HEXLEN / 2);
	ks_wipe(digest, sizeof(digest));
}

int
ks_secret_preview(char **out, const uint8_t *secret, size_t len)
{
	size_t i, shown = len / 4 < 4 ? len / 4 : 4;
	char buf[64];

	for (i = 0; i < shown; i++)
		buf[i] = secret[i] >= 0x20 && secret[i] < 0x7f ?
		    (char)secret[i] : '?';
	snprintf(buf + shown, sizeof(buf) - shown, "****(%zu)", len);
	*out = ks__strdup(buf);
	return *out ? 0 : KS_ENOMEM;
}

void
ks_locate(struct ks_line_cursor *c, const uint8_t *data, size_t off,
    uint32_t *line_out, uint32_t *column_out)
{
	if (off < c->pos) {
		c->pos = 0;
		c->line = 1;
		c->line_start = 0;
	}
	while (c->pos < off) {
		const uint8_t *nl = memchr(data + c->pos, '\n', off - c->pos);

		if (!nl) {
			c->pos = off;
			break;
		}
		c->line++;
		c->pos = (size_t)(nl - data) + 1;
		c->line_start = c->pos;
	}
	*line_out = c->line > UINT32_MAX ? UINT32_MAX : (uint32_t)c->line;
	*column_out = off - c->line_start + 1 > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)(off - c->line_start + 1);
}

static bool
in_secret(size_t pos, const struct ks_rule_match *all, size_t nall)
{
	size_t i;

	for (i = 0; i < nall; i++)
		if (pos >= all[i].secret_start && pos < all[i].secret_end)
			return true;
	return false;
}

static int
put_range(ks_str *s, const uint8_t *data, size_t from, size_t to,
    const struct ks_rule_match *all, size_t nall)
{
	size_t i;
	int error;

	for (i = from; i < to; i++) {
		char c = (char)data[i];

		if (in_secret(i, all, nall))
			c = '*';
		else if (data[i] < 0x20 || data[i] == 0x7f)
			c = ' ';
		if ((error = ks_str_putc(s, c)) < 0)
			return error;
	}
	return 0;
}

int
ks_snippet(char **out, const uint8_t *data, size_t len,
    const struct ks_rule_match *m, const char *preview,
    const struct ks_rule_match *all, size_t nall)
{
	ks_str s = KS_STR_INIT;
	size_t before = m->start, after = m->end;
	size_t pre_from = m->start, suf_to = m->end;
	bool pre_cut = false, suf_cut = false;
	int error;

	*out = NULL;
	ks_str_init(&s, SNIPPET_MAX);
	if (m->secret_start - m->start > KS_SNIPPET_CONTEXT) {
		pre_from = m->secret_start - KS_SNIPPET_CONTEXT;
		pre_cut = true;
	}
	if (m->end - m->secret_end > KS_SNIPPET_CONTEXT) {
		suf_to = m->secret_end + KS_SNIPPET_CONTEXT;
		suf_cut = true;
	}
	while (!pre_cut && before > 0 &&
	    m->start - before < KS_SNIPPET_CONTEXT && data[before - 1] != '\n')
		before--;
	while (!suf_cut && after < len &&
	    after - m->end < KS_SNIPPET_CONTEXT && data[after] != '\n' &&
	    data[after] != '\r')
		after++;
	if ((error = put_range(&s, data, before, m->start, all, nall)) < 0 ||
	    (pre_cut && (error = ks_str_puts(&s, "...")) < 0) ||
	    (error = put_range(&s, data, pre_from, m->secret_start, all,
	    nall)) < 0 ||
	    (error = ks_str_puts(&s, preview)) < 0 ||
	    (error = put_range(&s, data, m->secret_end, suf_to, all,
	    nall)) < 0 ||
	    (suf_cut && (error = ks_str_puts(&s, "...")) < 0) ||
	    (error = put_range(&s, data, m->end, after, all, nall)) < 0)
		goto done;
	*out = ks_str_detach(&s, NULL);
	error = *out ? 0 : KS_ENOMEM;
done:
	ks_str_dispose(&s);
	return error;
}

static int
dup_span(char **out, const uint8_t *data, size_t start, size_t end)
{
	*out = NULL;
	if (start == KS_NOSPAN || end == KS_NOSPAN || end < start)
		return 0;
	*out = ks__strndup((const char *)data + start, end - start);
	return *out ? 0 : KS_ENOMEM;
}

static int
dup_opt(char **out, const char *s)
{
	*out = NULL;
	if (!s)
		return 0;
	*out = ks__strdup(s);
	return *out ? 0 : KS_ENOMEM;
}

int
ks_occurrence_build(ks_occurrence *occ, ks_secret **secret_out,
    const uint8_t *data, size_t len, const struct ks_rule_match *m,
    const struct ks_rule_match *all, size_t nall,
    struct ks_line_cursor *cursor, const struct ks_occurrence_place *place,
    unsigned flags)
{
	const ks_rule *rule = m->rule;
	const uint8_t *secret = data + m->secret_start;
	size_t slen = m->secret_end - m->secret_start;
	struct ks_line_cursor end_cursor;
	size_t last = slen ? m->secret_end - 1 : m->secret_start;
	int error = KS_ENOMEM;

	*secret_out = NULL;
	ks_locate(cursor, data, m->secret_start, &occ->line, &occ->column);
	end_cursor = *cursor;
	ks_locate(&end_cursor, data, last, &occ->end_line, &occ->end_column);
	occ->start = m->secret_start;
	occ->end = m->secret_end;
	ks_fingerprint(occ->fingerprint, ks_rule_family(rule), secret, slen);
	if ((occ->rule_id = ks__strdup(ks_rule_id(rule))) == NULL ||
	    (occ->rule_name = ks__strdup(ks_rule_name(rule))) == NULL ||
	    (occ->category = ks__strdup(ks_rule_category_name(
	    ks_rule_category_of(rule)))) == NULL ||
	    (occ->confidence = ks__strdup(ks_rule_confidence(rule))) == NULL)
		goto done;
	if ((error = ks_secret_preview(&occ->secret_preview, secret,
	    slen)) < 0 ||
	    (error = ks_snippet(&occ->snippet, data, len, m,
	    occ->secret_preview, all, nall)) < 0 ||
	    (error = dup_span(&occ->client_id, data, m->client_id_start,
	    m->client_id_end)) < 0 ||
	    (error = dup_span(&occ->issuer, data, m->issuer_start,
	    m->issuer_end)) < 0 ||
	    (error = dup_opt(&occ->source, place->source)) < 0 ||
	    (error = dup_opt(&occ->path, place->path)) < 0 ||
	    (error = dup_opt(&occ->blob_id, place->blob_id)) < 0 ||
	    (error = dup_opt(&occ->commit, place->commit)) < 0 ||
	    (error = dup_opt(&occ->author, place->author)) < 0 ||
	    (error = dup_opt(&occ->date, place->date)) < 0)
		goto done;
	if ((flags & KS_SCAN_SHOW_SECRETS) &&
	    (error = dup_span(&occ->secret, data, m->secret_start,
	    m->secret_end)) < 0)
		goto done;
	error = ks_secret_new(secret_out, secret, slen);
done:
	if (error < 0)
		ks_occurrence_dispose(occ);
	return error;
}

void
ks_occurrence_dispose(ks_occurrence *occ)
{
	if (!occ)
		return;
	if (occ->secret) {
		ks_wipe(occ->secret, strlen(occ->secret));
		ks__free(occ->secret);
	}
	ks__free(occ->rule_id);
	ks__free(occ->rule_name);
	ks__free(occ->category);
	ks__free(occ->confidence);
	ks__free(occ->secret_preview);
	ks__free(occ->source);
	ks__free(occ->path);
	ks__free(occ->blob_id);
	ks__free(occ->snippet);
	ks__free(occ->client_id);
	ks__free(occ->issuer);
	ks__free(occ->commit);
	ks__free(occ->author);
	ks__free(occ->date);
	ks__free(occ->provider);
	ks__free(occ->key_info);
	ks__free(occ->extra_json);
	ks__free(occ->status_reason);
	ks__free(occ->status_user);
	memset(occ, 0, sizeof(*occ));
}

void
ks_diagnostic_dispose(ks_diagnostic *diag)
{
	if (!diag)
		return;
	ks__free(diag->source);
	ks__free(diag->path);
	ks__free(diag->kind);
	ks__free(diag->message);
	memset(diag, 0, sizeof(*diag));
}
