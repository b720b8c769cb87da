/*
 * base/vec.h - a growable array of pointers
 */
#ifndef KS_BASE_VEC_H
#define KS_BASE_VEC_H

#include <stddef.h>

#include <keyshift/common.h>

typedef struct ks_vec {
	void **items;
	size_t len;
	size_t cap;
} ks_vec;

#define KS_VEC_INIT { NULL, 0, 0 }

int ks_vec_push(ks_vec *v, void *item) KS_WARN_UNUSED;
/* Release the array; each item goes to `dispose` if given. */
void ks_vec_dispose(ks_vec *v, void (*dispose)(void *item));
void ks_vec_sort(ks_vec *v, int (*cmp)(const void *a, const void *b));

#endif
