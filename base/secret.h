/*
 * base/secret.h - buffers for secret bytes
 *
 * A ks_secret is wiped before its memory is released. Secrets never go into
 * a general ks_str, a log line or an error message.
 */
#ifndef KS_BASE_SECRET_H
#define KS_BASE_SECRET_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

typedef struct ks_secret {
	size_t len;
	uint8_t *ptr;  /* NUL-terminated for convenience; len excludes it */
} ks_secret;

int ks_secret_new(ks_secret **out, const void *data, size_t n) KS_WARN_UNUSED;
void ks_secret_free(ks_secret *s);
/* Zero `n` bytes in a way the compiler cannot elide. */
void ks_wipe(void *p, size_t n);

#endif
