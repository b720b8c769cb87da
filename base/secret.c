/*
 * base/secret.c - buffers for secret bytes
 */
#include "secret.h"

#include <string.h>

#include <openssl/crypto.h>

#include "alloc.h"
#include "errors.h"

int
ks_secret_new(ks_secret **out, const void *data, size_t n)
{
	ks_secret *s;

	*out = NULL;
	if ((s = ks__malloc(sizeof(*s))) == NULL)
		return KS_ENOMEM;
	if ((s->ptr = ks__malloc(n + 1)) == NULL) {
		ks__free(s);
		return KS_ENOMEM;
	}
	if (n)
		memcpy(s->ptr, data, n);
	s->ptr[n] = '\0';
	s->len = n;
	*out = s;
	return 0;
}

void
ks_secret_free(ks_secret *s)
{
	if (!s)
		return;
	ks_wipe(s->ptr, s->len + 1);
	ks__free(s->ptr);
	ks__free(s);
}

void
ks_wipe(void *p, size_t n)
{
	if (p && n)
		OPENSSL_cleanse(p, n);
}
