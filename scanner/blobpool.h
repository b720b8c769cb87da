/*
 * scanner/blobpool.h - preloaded blobs handed from a source to a worker
 *
 * Library-internal. Archives and key-value stores produce their bytes on
 * the enumerator thread (an archive is a stream; a KV response holds many
 * values), but the pipeline matches on the workers. A blob pool carries
 * such bytes across without copying: the producer fills a ks_str begun
 * with ks_blobpool_begin(), ks_blobpool_put() moves it into the pool and
 * returns the pointer to set as ks_blob_ref.data, and the source's read()
 * moves it out again with ks_blobpool_take() into the worker's
 * ks_blob_data, which wipes and frees it after the blob.
 *
 * Memory: put() blocks while the bytes in the pool exceed the budget, so
 * an enumerator that outruns the workers waits for them. The bound is
 * soft: if no worker takes anything for a second (a canceled scan stops
 * reading), put() goes ahead rather than deadlock. Blobs never taken
 * (canceled scans) are wiped and freed by ks_blobpool_free().
 */
#ifndef KS_SCANNER_BLOBPOOL_H
#define KS_SCANNER_BLOBPOOL_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

#include "source.h"
#include "str.h"

struct ks_blobpool;

/* Default budget: 256 MiB in flight. */
#define KS_BLOBPOOL_BUDGET ((size_t)256 << 20)

int ks_blobpool_new(struct ks_blobpool **out, size_t budget) KS_WARN_UNUSED;
/* Wipe and free every blob not taken; NULL is a harmless no-op. */
void ks_blobpool_free(struct ks_blobpool *pool);

/*
 * Start a blob in `s` (cleared first; `max` content bytes at most, 0 for
 * the ks_str default). Append the content to `s` afterwards.
 */
int ks_blobpool_begin(ks_str *s, size_t max) KS_WARN_UNUSED;
/* The content appended so far. */
size_t ks_blobpool_len(const ks_str *s);
const uint8_t *ks_blobpool_bytes(const ks_str *s);

/*
 * Move the blob in `s` into the pool (`s` is reset). *data and *len are
 * what the ref carries; they stay valid until taken or the pool is freed.
 */
int ks_blobpool_put(struct ks_blobpool *pool, ks_str *s,
    const uint8_t **data, size_t *len) KS_WARN_UNUSED;

/*
 * Move the blob `data` (from put()) into `out` (out->buf owns it, out->ptr
 * and out->len point at the content). Each blob is taken once: the
 * pipeline reads every ref exactly once. Thread-safe.
 */
void ks_blobpool_take(struct ks_blobpool *pool, const uint8_t *data,
    struct ks_blob_data *out);

#endif
