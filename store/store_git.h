/*
 * store/store_git.h - per-repository, per-ref scan state (incremental)
 *
 * Library-internal: used by scanner/git_state.c on the calling thread,
 * never while a scan's writer owns the connection.
 */
#ifndef KS_STORE_STORE_GIT_H
#define KS_STORE_STORE_GIT_H

#include <stdint.h>

#include <keyshift/store.h>

/*
 * Call `cb` with every commit recorded for `repo` (as scanned by an
 * earlier complete run). Returns 0, cb's non-zero value, or an error.
 */
int ks_store_git_scanned(ks_store *s, const char *repo,
    int (*cb)(const char *ref, const char *commit, void *payload),
    void *payload) KS_WARN_UNUSED;

/*
 * Replace the state of `repo` with `pairs` ("ref\0commit\0" repeated,
 * `len` bytes), scanned by `run_id`; one transaction.
 */
int ks_store_git_record(ks_store *s, const char *repo, int64_t run_id,
    const char *pairs, size_t len) KS_WARN_UNUSED;

#endif
