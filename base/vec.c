/*
 * base/vec.c - a growable array of pointers
 */
#include "vec.h"

#include <stdlib.h>

#include "alloc.h"
#include "errors.h"

int
ks_vec_push(ks_vec *v, void *item)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		void **p = ks__reallocarray(v->items, cap, sizeof(void *));

		if (!p)
			return KS_ENOMEM;
		v->items = p;
		v->cap = cap;
	}
	v->items[v->len++] = item;
	return 0;
}

void
ks_vec_dispose(ks_vec *v, void (*dispose)(void *item))
{
	size_t i;

	if (dispose)
		for (i = 0; i < v->len; i++)
			dispose(v->items[i]);
	ks__free(v->items);
	v->items = NULL;
	v->len = v->cap = 0;
}

/* `cmp` receives pointers to elements, i.e. `T **` cast to void *. */
void
ks_vec_sort(ks_vec *v, int (*cmp)(const void *a, const void *b))
{
	if (v->len > 1)
		qsort(v->items, v->len, sizeof(void *), cmp);
}
