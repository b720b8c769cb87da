/*
 * base/errors.c - the thread-local last-error record
 */
#include "errors.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KS_ERROR_MSG_MAX 1024

static _Thread_local char last_message[KS_ERROR_MSG_MAX];
static _Thread_local ks_error last_error;
static _Thread_local int has_error;

/* Messages never hold control characters: they reach terminals. */
static void
sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

void
ks_error_set(int klass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	sanitize(last_message);
	last_error.message = last_message;
	last_error.klass = klass;
	has_error = 1;
}

void
ks_error_set_os(const char *fmt, ...)
{
	int saved = errno;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(last_message, sizeof(last_message), fmt, ap);
	va_end(ap);
	n = strlen(last_message);
	snprintf(last_message + n, sizeof(last_message) - n, ": %s",
	    strerror(saved));
	sanitize(last_message);
	last_error.message = last_message;
	last_error.klass = KS_ERROR_OS;
	has_error = 1;
	errno = saved;
}

void
ks_error_set_oom(void)
{
	snprintf(last_message, sizeof(last_message), "out of memory");
	last_error.message = last_message;
	last_error.klass = KS_ERROR_NOMEMORY;
	has_error = 1;
}

const ks_error *
ks_error_last(void)
{
	return has_error ? &last_error : NULL;
}

void
ks_error_clear(void)
{
	has_error = 0;
	last_message[0] = '\0';
}

ks_error *
ks_error_dup(void)
{
	ks_error *e;

	if (!has_error)
		return NULL;
	/* Plain malloc: this must work even when ks__malloc is failing. */
	if ((e = malloc(sizeof(*e))) == NULL)
		return NULL;
	e->klass = last_error.klass;
	if ((e->message = strdup(last_message)) == NULL) {
		free(e);
		return NULL;
	}
	return e;
}

void
ks_error_restore(ks_error *e)
{
	if (!e)
		return;
	ks_error_set(e->klass, "%s", e->message);
	ks_error_free(e);
}

void
ks_error_free(ks_error *e)
{
	if (!e)
		return;
	free(e->message);
	free(e);
}
