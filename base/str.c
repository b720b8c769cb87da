/*
 * base/str.c - growable byte strings with a cap
 */
#include "str.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "alloc.h"
#include "errors.h"

char ks_str__empty[1];

void
ks_str_init(ks_str *s, size_t max)
{
	s->ptr = ks_str__empty;
	s->len = 0;
	s->cap = 0;
	s->max = max;
}

int
ks_str_grow(ks_str *s, size_t extra)
{
	size_t max = s->max ? s->max : KS_STR_MAX_DEFAULT;
	size_t need, cap;
	char *p;

	if (extra > max || s->len > max - extra) {
		ks_error_set(KS_ERROR_NOMEMORY,
		    "buffer would exceed its cap of %zu bytes", max);
		return KS_ENOMEM;
	}
	need = s->len + extra + 1;
	if (need <= s->cap)
		return 0;
	cap = s->cap ? s->cap : 64;
	while (cap < need)
		cap = cap + cap / 2 + 16;
	if ((p = ks__realloc(s->cap ? s->ptr : NULL, cap)) == NULL)
		return KS_ENOMEM;
	if (!s->cap)
		p[0] = '\0';
	s->ptr = p;
	s->cap = cap;
	return 0;
}

int
ks_str_put(ks_str *s, const void *data, size_t n)
{
	int error;

	if ((error = ks_str_grow(s, n)) < 0)
		return error;
	if (n)
		memmove(s->ptr + s->len, data, n);
	s->len += n;
	s->ptr[s->len] = '\0';
	return 0;
}

int
ks_str_puts(ks_str *s, const char *cstr)
{
	return ks_str_put(s, cstr, strlen(cstr));
}

int
ks_str_putc(ks_str *s, char c)
{
	return ks_str_put(s, &c, 1);
}

int
ks_str_vprintf(ks_str *s, const char *fmt, va_list ap)
{
	va_list cp;
	int n, error;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0) {
		ks_error_set(KS_ERROR_INVALID, "bad format string");
		return KS_ERROR;
	}
	if ((error = ks_str_grow(s, (size_t)n)) < 0)
		return error;
	vsnprintf(s->ptr + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
	return 0;
}

int
ks_str_printf(ks_str *s, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ks_str_vprintf(s, fmt, ap);
	va_end(ap);
	return error;
}

void
ks_str_truncate(ks_str *s, size_t len)
{
	if (len < s->len) {
		s->len = len;
		s->ptr[len] = '\0';
	}
}

void
ks_str_clear(ks_str *s)
{
	ks_str_truncate(s, 0);
}

void
ks_str_wipe(ks_str *s)
{
	if (s->cap)
		OPENSSL_cleanse(s->ptr, s->cap);
	ks_str_dispose(s);
}

void
ks_str_dispose(ks_str *s)
{
	size_t max = s->max;

	if (s->cap)
		ks__free(s->ptr);
	ks_str_init(s, max);
}

char *
ks_str_detach(ks_str *s, size_t *len_out)
{
	char *p;

	if (!s->cap) {
		if ((p = ks__malloc(1)) != NULL)
			p[0] = '\0';
	} else {
		p = s->ptr;
	}
	if (len_out)
		*len_out = s->len;
	ks_str_init(s, s->max);
	return p;
}

int
ks_buf_set_from_str(ks_buf *out, ks_str *s)
{
	size_t len;
	char *p = ks_str_detach(s, &len);

	if (!p)
		return KS_ENOMEM;
	ks_buf_dispose(out);
	out->ptr = p;
	out->size = len;
	out->reserved = len + 1;
	return 0;
}

int
ks_buf_set(ks_buf *out, const void *data, size_t n)
{
	ks_str s = KS_STR_INIT;
	int error;

	if ((error = ks_str_put(&s, data, n)) < 0)
		return error;
	return ks_buf_set_from_str(out, &s);
}

void
ks_buf_dispose(ks_buf *buf)
{
	if (!buf)
		return;
	ks__free(buf->ptr);
	buf->ptr = NULL;
	buf->size = buf->reserved = 0;
}
