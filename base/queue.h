/*
 * base/queue.h - a bounded, blocking multi-producer multi-consumer queue
 *
 * Backpressure: push blocks while the queue is full, so a fast producer
 * never buffers a whole repository in memory.
 */
#ifndef KS_BASE_QUEUE_H
#define KS_BASE_QUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include <keyshift/common.h>

typedef struct ks_queue ks_queue;

int ks_queue_new(ks_queue **out, size_t capacity) KS_WARN_UNUSED;
/* Free the queue; items still inside are passed to `dispose` if given. */
void ks_queue_free(ks_queue *q, void (*dispose)(void *item));
/* Block until there is room, then enqueue `item` (ownership moves to the
 * queue). Returns KS_ECANCELED, keeping ownership with the caller, when the
 * queue was closed. */
int ks_queue_push_take(ks_queue *q, void *item) KS_WARN_UNUSED;
/* Block until an item is there; NULL once the queue is closed and empty. */
void *ks_queue_pop(ks_queue *q);
/* No more pushes; wakes every waiter. */
void ks_queue_close(ks_queue *q);

#endif
