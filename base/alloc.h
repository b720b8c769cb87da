/*
 * base/alloc.h - the one allocator every keyshift module goes through
 *
 * Tests may install a failing or counting allocator with ks_alloc_set().
 * Memory from these functions is never released with plain free().
 */
#ifndef KS_BASE_ALLOC_H
#define KS_BASE_ALLOC_H

#include <stddef.h>

struct ks_allocator {
	void *(*malloc_fn)(size_t n);
	void *(*realloc_fn)(void *p, size_t n);
	void (*free_fn)(void *p);
};

/* Install `a` (NULL restores the libc allocator). Not thread-safe: call
 * before any thread starts. */
void ks_alloc_set(const struct ks_allocator *a);

/* Each sets KS_ENOMEM's message (class NOMEMORY) when it fails. */
void *ks__malloc(size_t n);
void *ks__calloc(size_t count, size_t size);
void *ks__realloc(void *p, size_t n);
/* Grow an array of `count` elements of `size` bytes; overflow-checked. */
void *ks__reallocarray(void *p, size_t count, size_t size);
char *ks__strdup(const char *s);
char *ks__strndup(const char *s, size_t n);
void *ks__memdup(const void *p, size_t n);
void ks__free(void *p);

#endif
