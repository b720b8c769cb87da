/*
 * keyshift/inventory.h - reading the datastore: occurrences, findings,
 * triage history and diagnostics
 *
 * What reporters and the `findings` commands read. Every listing comes in
 * a deterministic order that never depends on how a scan was scheduled:
 * occurrences by (rule id, path bytes, line, column, start byte, end
 * byte, blob id, fingerprint); findings by (rule id, fingerprint).
 *
 * Records handed to the caller own their strings, allocated with the
 * keyshift allocator: an occurrence is released with
 * ks_occurrence_dispose(), a finding with ks_finding_info_dispose().
 * Records passed to a callback are borrowed and valid only during the
 * call. Paths and snippets are bytes (possibly not UTF-8): escape them.
 */
#ifndef KS_KEYSHIFT_INVENTORY_H
#define KS_KEYSHIFT_INVENTORY_H

#include <keyshift/common.h>
#include <keyshift/error.h>
#include <keyshift/finding.h>
#include <keyshift/store.h>

KS_BEGIN_DECL

/** Room for the longest triage status ("false-positive") and a NUL. */
#define KS_STATUS_MAX 16

/**
 * Which rows to read. Every NULL or 0 field matches everything; the
 * fields that are set must all match.
 */
typedef struct {
	unsigned version;
	const char *status;      /**< "open", "false-positive", ... */
	const char *category;    /**< rule category, "private-key", ... */
	const char *rule;        /**< rule id, "ks.pem.private-key" */
	const char *source;      /**< "fs", "stdin", "git", ... */
	/** A fingerprint or a prefix of it (hex digits only). */
	const char *fingerprint;
	/** Only what this run saw (a scan's own results); 0: all runs. */
	int64_t run_id;
	/** Fill `secret` where a scan stored the plaintext. */
	bool include_secrets;
} ks_inventory_filter;

#define KS_INVENTORY_FILTER_VERSION 1
#define KS_INVENTORY_FILTER_INIT \
	{ KS_INVENTORY_FILTER_VERSION, NULL, NULL, NULL, NULL, NULL, 0, false }

/** One stored occurrence with what the store knows beyond the scan. */
typedef struct {
	/** Owned by the caller of ks_occurrence_iter_next():
	 * ks_occurrence_dispose(&rec.occ). `confidence` is set; `secret`
	 * only with include_secrets and a stored plaintext. */
	ks_occurrence occ;
	char status[KS_STATUS_MAX];  /**< the finding's triage status */
	int64_t occurrence_id;       /**< row id, stable within this store */
	int64_t first_run, last_run; /**< scan_run ids */
} ks_stored_occurrence;

typedef struct ks_occurrence_iter ks_occurrence_iter;

/**
 * Start reading occurrences matching `filter` (NULL: all).
 * The iterator holds a read transaction: it sees one snapshot and must
 * be freed before the store is closed.
 * @return 0; KS_EINVALID for a bad filter; KS_ERROR.
 */
KS_EXTERN(int) ks_occurrence_iter_new(ks_occurrence_iter **out,
    ks_store *store, const ks_inventory_filter *filter) KS_WARN_UNUSED;

/**
 * Read the next occurrence into `*out` (overwritten without freeing: the
 * caller disposes each record it receives).
 * @return 0; KS_ITEROVER at the end; KS_ENOMEM; KS_ERROR.
 */
KS_EXTERN(int) ks_occurrence_iter_next(ks_stored_occurrence *out,
    ks_occurrence_iter *it) KS_WARN_UNUSED;

/** Free the iterator. NULL is a harmless no-op. */
KS_EXTERN(void) ks_occurrence_iter_free(ks_occurrence_iter *it);

/**
 * Called once per occurrence; the record is borrowed for the call.
 * Return non-zero to stop: the foreach then returns KS_EUSER.
 */
typedef int (*ks_occurrence_cb)(const ks_stored_occurrence *rec,
    void *payload);

/** Every matching occurrence, in order. @return 0; KS_EUSER; KS_ERROR. */
KS_EXTERN(int) ks_store_foreach_occurrence(ks_store *store,
    const ks_inventory_filter *filter, ks_occurrence_cb cb, void *payload)
    KS_WARN_UNUSED;

/** One finding: a distinct secret of one rule family. */
typedef struct {
	char fingerprint[KS_FINGERPRINT_HEXLEN + 1];
	char *rule_id;           /**< the rule that first found it */
	char *rule_name;
	char *category;
	char *confidence;
	char *family;
	char *secret_preview;
	char *secret;            /**< plaintext: only with include_secrets */
	char *client_id;         /**< or NULL */
	char *issuer;            /**< or NULL */
	char status[KS_STATUS_MAX];
	char *status_reason;     /**< or NULL */
	char *status_user;       /**< or NULL */
	int64_t status_time;     /**< unix time; 0 if never triaged */
	int64_t occurrences;     /**< number of places */
	int64_t paths;           /**< number of distinct paths */
	int64_t first_run, last_run;   /**< scan_run ids */
	int64_t first_seen, last_seen; /**< start times of those runs */
} ks_finding_info;

/** Free the strings of a finding (wiping `secret`); not the struct. */
KS_EXTERN(void) ks_finding_info_dispose(ks_finding_info *info);

/** Called once per finding; `info` is borrowed for the call. Non-zero
 * stops with KS_EUSER. */
typedef int (*ks_finding_cb)(const ks_finding_info *info, void *payload);

/**
 * Every finding with at least one occurrence matching `filter` (NULL:
 * all findings), one per fingerprint, by (rule id, fingerprint).
 * @return 0; KS_EUSER; KS_ERROR.
 */
KS_EXTERN(int) ks_store_foreach_finding(ks_store *store,
    const ks_inventory_filter *filter, ks_finding_cb cb, void *payload)
    KS_WARN_UNUSED;

/**
 * Look up one finding by fingerprint or unique prefix (>= 8 hex digits).
 * `*out` is owned by the caller: ks_finding_info_dispose().
 * @return 0; KS_ENOTFOUND; KS_EINVALID (bad or ambiguous prefix).
 */
KS_EXTERN(int) ks_store_finding_get(ks_finding_info *out, ks_store *store,
    const char *fingerprint, bool include_secret) KS_WARN_UNUSED;

/**
 * Resolve a fingerprint prefix (>= 8 hex digits, any case) to the full
 * fingerprint of the one finding it names.
 * @return 0; KS_ENOTFOUND; KS_EINVALID (bad or ambiguous prefix).
 */
KS_EXTERN(int) ks_store_resolve_fingerprint(
    char out[KS_FINGERPRINT_HEXLEN + 1], ks_store *store,
    const char *prefix) KS_WARN_UNUSED;

/** One triage change; strings borrowed for the callback. */
typedef struct {
	const char *fingerprint;
	const char *status;
	const char *reason;      /**< or NULL */
	const char *user;        /**< or NULL */
	int64_t at;              /**< unix time */
} ks_status_event;

typedef int (*ks_status_event_cb)(const ks_status_event *ev, void *payload);

/**
 * The triage history of one finding (fingerprint or unique prefix),
 * oldest first. @return 0; KS_ENOTFOUND; KS_EINVALID; KS_EUSER.
 */
KS_EXTERN(int) ks_store_foreach_status_event(ks_store *store,
    const char *fingerprint, ks_status_event_cb cb, void *payload)
    KS_WARN_UNUSED;

/** Called once per diagnostic (borrowed for the call). */
typedef int (*ks_diagnostic_cb)(const ks_diagnostic *d, int64_t run_id,
    void *payload);

/**
 * The diagnostics of run `run_id` (0: every run), by (run, path, kind).
 * @return 0; KS_EUSER; KS_ERROR.
 */
KS_EXTERN(int) ks_store_foreach_diagnostic(ks_store *store, int64_t run_id,
    ks_diagnostic_cb cb, void *payload) KS_WARN_UNUSED;

/** A scan run as recorded; strings owned, freed by ks_run_info_dispose. */
typedef struct {
	int64_t id;
	int64_t started_at;
	int64_t finished_at;     /**< 0 while running or if interrupted */
	char status[KS_STATUS_MAX]; /**< "running", "complete", ... */
	char *command;
	char *targets_json;      /**< or NULL */
	char *options_json;      /**< or NULL */
	char *stats_json;        /**< or NULL */
	char *keyshift_version;
} ks_run_info;

KS_EXTERN(void) ks_run_info_dispose(ks_run_info *info);

/**
 * Read scan run `run_id`, or the latest run when `run_id` is 0.
 * @return 0; KS_ENOTFOUND.
 */
KS_EXTERN(int) ks_store_run_get(ks_run_info *out, ks_store *store,
    int64_t run_id) KS_WARN_UNUSED;

KS_END_DECL
#endif
