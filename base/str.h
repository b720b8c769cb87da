/*
 * base/str.h - growable byte strings with a cap
 *
 * Invariants (git's strbuf): `ptr` is never NULL once initialised with
 * KS_STR_INIT, always NUL-terminated, `len` excludes the terminator. Every
 * string has a growth cap (curl's dynbuf): appending past `max` fails with
 * KS_ENOMEM instead of eating the machine.
 */
#ifndef KS_BASE_STR_H
#define KS_BASE_STR_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

/* Default cap: 1 GiB. */
#define KS_STR_MAX_DEFAULT ((size_t)1 << 30)

typedef struct ks_str {
	char *ptr;
	size_t len;
	size_t cap;  /* allocated bytes; 0 when ptr is the static empty string */
	size_t max;  /* growth cap; 0 means KS_STR_MAX_DEFAULT */
} ks_str;

extern char ks_str__empty[];
#define KS_STR_INIT { ks_str__empty, 0, 0, 0 }

void ks_str_init(ks_str *s, size_t max);
int ks_str_grow(ks_str *s, size_t extra) KS_WARN_UNUSED;
int ks_str_put(ks_str *s, const void *data, size_t n) KS_WARN_UNUSED;
int ks_str_puts(ks_str *s, const char *cstr) KS_WARN_UNUSED;
int ks_str_putc(ks_str *s, char c) KS_WARN_UNUSED;
int ks_str_printf(ks_str *s, const char *fmt, ...) KS_PRINTF(2, 3) KS_WARN_UNUSED;
int ks_str_vprintf(ks_str *s, const char *fmt, va_list ap) KS_WARN_UNUSED;
void ks_str_truncate(ks_str *s, size_t len);
void ks_str_clear(ks_str *s);
/* Zero the bytes, then release (for anything that held secret material). */
void ks_str_wipe(ks_str *s);
void ks_str_dispose(ks_str *s);
/* Hand the allocation to the caller (free with ks__free); `s` is reset. */
char *ks_str_detach(ks_str *s, size_t *len_out);

/* Move a ks_str into a public ks_buf. */
int ks_buf_set_from_str(ks_buf *out, ks_str *s);
int ks_buf_set(ks_buf *out, const void *data, size_t n) KS_WARN_UNUSED;

#endif
