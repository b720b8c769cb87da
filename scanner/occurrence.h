/*
 * scanner/occurrence.h - turning a rule match into an occurrence record
 *
 * Library-internal. Everything here runs on a worker with the blob's
 * bytes in hand; nothing that leaves the worker holds the secret in clear
 * except the ks_secret handed to the writer (and ks_occurrence.secret with
 * KS_SCAN_SHOW_SECRETS).
 */
#ifndef KS_SCANNER_OCCURRENCE_H
#define KS_SCANNER_OCCURRENCE_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/finding.h>

#include "matcher.h"
#include "secret.h"

/* Context bytes kept on each side of a match, and of each part of the
 * match around the secret, in a snippet. */
#define KS_SNIPPET_CONTEXT 40

/*
 * Lowercase hex of the first 16 bytes of
 * SHA-256("keyshift-fingerprint-v1" NUL family NUL secret).
 */
void ks_fingerprint(char out[KS_FINGERPRINT_HEXLEN + 1], const char *family,
    const uint8_t *secret, size_t len);

/* "GOCS****(35)": the first min(4, len/4) bytes ('?' for unprintable
 * ones), then "****(" len ")". Free with ks__free. */
int ks_secret_preview(char **out, const uint8_t *secret, size_t len)
    KS_WARN_UNUSED;

/* Walks forward through a blob to turn offsets into 1-based lines and
 * columns (bytes) without rescanning from the start for every match. */
struct ks_line_cursor {
	size_t pos;         /* offset already counted up to */
	size_t line;        /* 1-based line of `pos` */
	size_t line_start;  /* offset of that line's first byte */
};

#define KS_LINE_CURSOR_INIT { 0, 1, 0 }

void ks_locate(struct ks_line_cursor *c, const uint8_t *data, size_t off,
    uint32_t *line_out, uint32_t *column_out);

/*
 * The snippet of match `m`: up to KS_SNIPPET_CONTEXT bytes of its line
 * before it, the match with the secret replaced by `preview`, up to
 * KS_SNIPPET_CONTEXT bytes after it on its line. Control characters
 * become spaces; bytes of any secret in `all` (the blob's matches) become
 * '*', so a second secret on the same line never leaks through.
 */
int ks_snippet(char **out, const uint8_t *data, size_t len,
    const struct ks_rule_match *m, const char *preview,
    const struct ks_rule_match *all, size_t nall) KS_WARN_UNUSED;

/* Where an occurrence was seen; borrowed strings, copied into it. */
struct ks_occurrence_place {
	const char *source;
	const char *path;
	const char *blob_id;
	const char *commit;
	const char *author;
	const char *date;
};

/*
 * Fill `occ` (zeroed by the caller) for match `m` of `data`, and give the
 * secret bytes to *secret_out (wiped when freed). `cursor` must not have
 * passed m->secret_start (matches arrive in order of start). On failure
 * `occ` is disposed and *secret_out is NULL.
 */
int ks_occurrence_build(ks_occurrence *occ, ks_secret **secret_out,
    const uint8_t *data, size_t len, const struct ks_rule_match *m,
    const struct ks_rule_match *all, size_t nall,
    struct ks_line_cursor *cursor, const struct ks_occurrence_place *place,
    unsigned flags) KS_WARN_UNUSED;

#endif
