/*
 * base/alloc.c - allocation wrappers with a swappable backend
 */
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"

static struct ks_allocator libc_allocator = { malloc, realloc, free };
static const struct ks_allocator *current = &libc_allocator;

void
ks_alloc_set(const struct ks_allocator *a)
{
	current = a ? a : &libc_allocator;
}

void *
ks__malloc(size_t n)
{
	void *p = current->malloc_fn(n ? n : 1);

	if (!p)
		ks_error_set_oom();
	return p;
}

void *
ks__calloc(size_t count, size_t size)
{
	void *p;
	size_t n;

	if (size && count > SIZE_MAX / size) {
		ks_error_set_oom();
		return NULL;
	}
	n = count * size;

	if ((p = ks__malloc(n)) != NULL)
		memset(p, 0, n > 0 ? n : 1);
	return p;
}

void *
ks__realloc(void *p, size_t n)
{
	void *q = current->realloc_fn(p, n ? n : 1);

	if (!q)
		ks_error_set_oom();
	return q;
}

void *
ks__reallocarray(void *p, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size) {
		ks_error_set_oom();
		return NULL;
	}
	return ks__realloc(p, count * size);
}

char *
ks__strdup(const char *s)
{
	return ks__memdup(s, strlen(s) + 1);
}

char *
ks__strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = ks__malloc(len + 1);

	if (p) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

void *
ks__memdup(const void *src, size_t n)
{
	void *p = ks__malloc(n);

	if (p && n)
		memcpy(p, src, n);
	return p;
}

void
ks__free(void *p)
{
	if (p)
		current->free_fn(p);
}
