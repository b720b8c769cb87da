/*
 * store/store_write.h - the writer's side of the datastore
 *
 * Library-internal: used by scanner/'s single writer thread, which owns
 * the connection while a scan runs. Every put_* runs inside a transaction
 * opened with ks_store_tx_begin(); the writer commits one transaction per
 * batch, so a crash loses at most the batch in flight and never corrupts
 * what is recorded.
 */
#ifndef KS_STORE_STORE_WRITE_H
#define KS_STORE_STORE_WRITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/finding.h>
#include <keyshift/store.h>

struct ks_store_rule {
	const char *id;
	const char *name;
	const char *category;
	const char *confidence;
	const char *family;
	const char *structural_id;
	const char *pattern;
};

struct ks_store_provenance {
	const char *blob_id;
	const char *source;     /* "fs", "stdin", "git", ... */
	const char *path;       /* may hold any bytes */
	const char *repo;       /* NULL unless a repository */
	const char *commit;     /* NULL unless git */
	const char *extra_json; /* NULL or a JSON object with more context */
};

/* Start a scan run ("running"); `*_json` are JSON texts (may be NULL). */
int ks_store_run_begin(ks_store *s, const char *command,
    const char *targets_json, const char *options_json, int64_t *run_id_out)
    KS_WARN_UNUSED;
/* End it: status "complete", "failed" or "canceled"; stats as JSON. */
int ks_store_run_finish(ks_store *s, int64_t run_id, const char *status,
    const char *stats_json) KS_WARN_UNUSED;

/*
 * One transaction per batch. tx_begin takes the write lock at once
 * (BEGIN IMMEDIATE; waits up to the busy timeout). If tx_commit fails,
 * call tx_rollback. KS_EINVALID when one is already (not) open.
 */
int ks_store_tx_begin(ks_store *s) KS_WARN_UNUSED;
int ks_store_tx_commit(ks_store *s) KS_WARN_UNUSED;
/* Roll back the open transaction, if any. NULL is a harmless no-op. */
void ks_store_tx_rollback(ks_store *s);

/*
 * Move the WAL's content into the main file and truncate the WAL (at the
 * end of a scan, so the -wal file does not keep growing). Outside a
 * transaction only.
 */
int ks_store_checkpoint(ks_store *s) KS_WARN_UNUSED;

/* Upsert a rule's metadata (idempotent). */
int ks_store_put_rule(ks_store *s, const struct ks_store_rule *r)
    KS_WARN_UNUSED;
/* Upsert a blob (idempotent). */
int ks_store_put_blob(ks_store *s, const char *blob_id, uint64_t size)
    KS_WARN_UNUSED;
/* Record that the blob was seen at a place (idempotent per place: blob,
 * source, repo, commit, path); creates the blob row if needed. */
int ks_store_put_provenance(ks_store *s, int64_t run_id,
    const struct ks_store_provenance *p) KS_WARN_UNUSED;
/*
 * Record an occurrence: upsert the finding by `occ->fingerprint` (computing
 * the keyed HMAC of `secret` under the store's key; plaintext only when
 * `store_plaintext`), then the occurrence, unique per (finding, blob,
 * path, start, end). The caller wipes `secret` afterwards.
 *
 * `occ->rule_id` must have been recorded with ks_store_put_rule()
 * (else KS_ENOTFOUND); `blob_id` is required (its row is created if
 * ks_store_put_blob() was not called). Every copy of `secret` left in
 * `occ->snippet` is masked with '*' before the snippet is stored. Only
 * `occ`'s fingerprint, rule_id, preview, source, path, blob_id, offsets,
 * lines/columns, snippet, client_id, issuer, commit, author and date are
 * read; the rule's name, category and confidence come from the rule.
 * Returns 0, KS_EINVALID (no transaction, bad fingerprint, a CHECK
 * failed), KS_ENOTFOUND, KS_ERROR.
 */
int ks_store_put_occurrence(ks_store *s, int64_t run_id,
    const ks_occurrence *occ, const uint8_t *secret, size_t secret_len,
    bool store_plaintext) KS_WARN_UNUSED;
int ks_store_put_diagnostic(ks_store *s, int64_t run_id,
    const ks_diagnostic *d) KS_WARN_UNUSED;

#endif
