/*
 * reports/json_writer.h - RFC 8259 strings from arbitrary bytes
 *
 * Paths and snippets are bytes, not text. Valid UTF-8 is written as is
 * (escaping what JSON requires); each invalid byte becomes U+FFFD, and the
 * caller can add the raw bytes in a separate base64 field when
 * ks_json_is_utf8() says the value was not text.
 */
#ifndef KS_REPORTS_JSON_WRITER_H
#define KS_REPORTS_JSON_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid
 * (overlong, surrogate, out of range or truncated). */
size_t ks_utf8_seq(const unsigned char *s, size_t n);
bool ks_json_is_utf8(const char *s, size_t n);
/* Write `s` as a quoted JSON string (NULL writes null). */
void ks_json_string(FILE *fp, const char *s);
void ks_json_string_n(FILE *fp, const char *s, size_t n);
/* Write "key": then the string; with `base64_if_binary`, also
 * "key_base64": "..." when the value is not valid UTF-8. */
void ks_json_member_str(FILE *fp, bool *first, const char *key,
    const char *value, bool base64_if_binary);
void ks_json_member_u64(FILE *fp, bool *first, const char *key,
    unsigned long long v);
void ks_json_member_f64(FILE *fp, bool *first, const char *key, double v);
void ks_json_key(FILE *fp, bool *first, const char *key);

/* Terminal-safe rendering for text output: control characters and
 * invalid UTF-8 bytes are shown as \n, \t, \xNN escapes. */
void ks_text_safe(FILE *fp, const char *s);

#endif
