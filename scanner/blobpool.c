/*
 * scanner/blobpool.c - moving preloaded blobs from a source to a worker
 *
 * Layout: each blob is one allocation, a ks_str whose first HDR bytes are
 * a struct blob_hdr (the pool's doubly linked list and the sizes) and the
 * rest the content, NUL-terminated as every ks_str is. The ref points past
 * the header, so take() finds the header by subtraction and hands the
 * whole allocation to the worker's ks_blob_data.buf: no copy on either
 * side, and ks_str_wipe() wipes and frees it there.
 */
#include "blobpool.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "errors.h"
#include "secret.h"

struct blob_hdr {
	struct blob_hdr *prev, *next;
	size_t len;    /* content bytes */
	size_t cap;    /* bytes allocated, header included */
};

#define HDR sizeof(struct blob_hdr)

struct ks_blobpool {
	pthread_mutex_t lock;
	pthread_cond_t taken;
	struct blob_hdr head;   /* sentinel of the list of blobs in flight */
	size_t bytes;           /* allocated bytes in flight */
	size_t budget;
	unsigned long ntaken;   /* progress, for the soft bound */
};

int
ks_blobpool_new(struct ks_blobpool **out, size_t budget)
{
	struct ks_blobpool *p;

	*out = NULL;
	if ((p = ks__calloc(1, sizeof(*p))) == NULL)
		return KS_ENOMEM;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->taken, NULL);
	p->head.prev = p->head.next = &p->head;
	p->budget = budget ? budget : KS_BLOBPOOL_BUDGET;
	*out = p;
	return 0;
}

void
ks_blobpool_free(struct ks_blobpool *p)
{
	struct blob_hdr *h, *next;

	if (!p)
		return;
	for (h = p->head.next; h != &p->head; h = next) {
		size_t cap = h->cap;

		next = h->next;
		ks_wipe(h, cap);
		ks__free(h);
	}
	pthread_cond_destroy(&p->taken);
	pthread_mutex_destroy(&p->lock);
	ks__free(p);
}

int
ks_blobpool_begin(ks_str *s, size_t max)
{
	static const struct blob_hdr zero;

	ks_str_wipe(s);
	ks_str_init(s, max ? max + HDR : 0);
	return ks_str_put(s, &zero, HDR);
}

size_t
ks_blobpool_len(const ks_str *s)
{
	return s->len >= HDR ? s->len - HDR : 0;
}

const uint8_t *
ks_blobpool_bytes(const ks_str *s)
{
	return (const uint8_t *)s->ptr + (s->len >= HDR ? HDR : 0);
}

/* Wait while over budget, unless nothing has been taken for a second. */
static void
wait_for_room(struct ks_blobpool *p, size_t need)
{
	while (p->bytes > 0 && p->bytes + need > p->budget) {
		unsigned long before = p->ntaken;
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (pthread_cond_timedwait(&p->taken, &p->lock, &ts) ==
		    ETIMEDOUT && p->ntaken == before)
			break;
	}
}

int
ks_blobpool_put(struct ks_blobpool *p, ks_str *s, const uint8_t **data,
    size_t *len)
{
	struct blob_hdr *h;

	if (s->len < HDR || s->cap == 0) {
		ks_error_set(KS_ERROR_INVALID, "blob pool: blob not begun");
		return KS_EINVALID;
	}
	h = (struct blob_hdr *)(void *)s->ptr;
	h->len = s->len - HDR;
	h->cap = s->cap;
	pthread_mutex_lock(&p->lock);
	wait_for_room(p, h->cap);
	h->next = &p->head;
	h->prev = p->head.prev;
	h->prev->next = h;
	p->head.prev = h;
	p->bytes += h->cap;
	pthread_mutex_unlock(&p->lock);
	*data = (const uint8_t *)s->ptr + HDR;
	*len = h->len;
	ks_str_init(s, 0);   /* the allocation now belongs to the pool */
	return 0;
}

void
ks_blobpool_take(struct ks_blobpool *p, const uint8_t *data,
    struct ks_blob_data *out)
{
	struct blob_hdr *h = (struct blob_hdr *)(void *)(data - HDR);

	pthread_mutex_lock(&p->lock);
	h->prev->next = h->next;
	h->next->prev = h->prev;
	p->bytes -= h->cap;
	p->ntaken++;
	pthread_cond_broadcast(&p->taken);
	pthread_mutex_unlock(&p->lock);
	ks_str_wipe(&out->buf);
	out->buf.ptr = (char *)h;
	out->buf.len = HDR + h->len;
	out->buf.cap = h->cap;
	out->buf.max = 0;
	out->ptr = data;
	out->len = h->len;
	h->prev = h->next = NULL;
}
