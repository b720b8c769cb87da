/*
 * reports/escape.h - writers that make arbitrary bytes safe for a format
 *
 * Paths, snippets and names are bytes, not text: they may hold invalid
 * UTF-8, control characters and markup. Each writer below makes one
 * value safe for one context; every string a reporter writes goes
 * through one of them (or the JSON writer in json_writer.h).
 */
#ifndef KS_REPORTS_ESCAPE_H
#define KS_REPORTS_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>

/*
 * HTML text and attribute values (double-quoted): & < > " ' become
 * entities; control characters and invalid UTF-8 bytes are shown as
 * \xNN so a hostile name is visible instead of interpreted. NULL writes
 * nothing.
 */
void ks_html_text(FILE *fp, const char *s);

/*
 * An RFC 3986 relative reference for a display path: bytes outside the
 * unreserved set (ALPHA DIGIT - . _ ~) and '/' are percent-encoded, so
 * spaces, '%', '#', '?' and non-ASCII bytes survive. A leading "./" is
 * dropped; an absolute path becomes a file:// URI.
 */
void ks_uri_path(FILE *fp, const char *path);

/*
 * One RFC 4180 field. Quoted when it holds '"', ',', CR or LF (quotes
 * doubled); a cell that starts with '=', '+', '-', '@', TAB or CR is
 * prefixed with "'" so spreadsheets do not run it as a formula. Invalid
 * UTF-8 bytes become U+FFFD. NULL writes an empty field.
 */
void ks_csv_cell(FILE *fp, const char *s);
/* True when ks_csv_cell() would add the formula guard to `s`. */
bool ks_csv_needs_guard(const char *s);

/*
 * Text for a Markdown (GFM) table cell: backslash-escapes the ASCII
 * punctuation Markdown gives meaning to (including '|' and '`'), writes
 * &lt; &gt; &amp; so no HTML reaches the renderer, and turns line breaks
 * and tabs into spaces; control characters are shown as \xNN and invalid
 * UTF-8 bytes as U+FFFD. NULL writes nothing.
 */
void ks_md_text(FILE *fp, const char *s);

#endif
