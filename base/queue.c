/*
 * base/queue.c - a bounded, blocking queue on pthreads
 */
#include "queue.h"

#include <pthread.h>

#include "alloc.h"
#include "errors.h"

struct ks_queue {
	pthread_mutex_t lock;
	pthread_cond_t not_empty;
	pthread_cond_t not_full;
	void **items;
	size_t cap, head, count;
	bool closed;
};

int
ks_queue_new(ks_queue **out, size_t capacity)
{
	ks_queue *q;

	*out = NULL;
	if ((q = ks__calloc(1, sizeof(*q))) == NULL)
		return KS_ENOMEM;
	q->cap = capacity ? capacity : 1;
	if ((q->items = ks__calloc(q->cap, sizeof(void *))) == NULL) {
		ks__free(q);
		return KS_ENOMEM;
	}
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->not_empty, NULL);
	pthread_cond_init(&q->not_full, NULL);
	*out = q;
	return 0;
}

void
ks_queue_free(ks_queue *q, void (*dispose)(void *item))
{
	if (!q)
		return;
	while (q->count) {
		void *it = q->items[q->head];

		q->head = (q->head + 1) % q->cap;
		q->count--;
		if (dispose)
			dispose(it);
	}
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->not_empty);
	pthread_cond_destroy(&q->not_full);
	ks__free(q->items);
	ks__free(q);
}

int
ks_queue_push_take(ks_queue *q, void *item)
{
	pthread_mutex_lock(&q->lock);
	while (q->count == q->cap && !q->closed)
		pthread_cond_wait(&q->not_full, &q->lock);
	if (q->closed) {
		pthread_mutex_unlock(&q->lock);
		return KS_ECANCELED;
	}
	q->items[(q->head + q->count) % q->cap] = item;
	q->count++;
	pthread_cond_signal(&q->not_empty);
	pthread_mutex_unlock(&q->lock);
	return 0;
}

void *
ks_queue_pop(ks_queue *q)
{
	void *it = NULL;

	pthread_mutex_lock(&q->lock);
	while (!q->count && !q->closed)
		pthread_cond_wait(&q->not_empty, &q->lock);
	if (q->count) {
		it = q->items[q->head];
		q->head = (q->head + 1) % q->cap;
		q->count--;
		pthread_cond_signal(&q->not_full);
	}
	pthread_mutex_unlock(&q->lock);
	return it;
}

void
ks_queue_close(ks_queue *q)
{
	pthread_mutex_lock(&q->lock);
	q->closed = true;
	pthread_cond_broadcast(&q->not_empty);
	pthread_cond_broadcast(&q->not_full);
	pthread_mutex_unlock(&q->lock);
}
