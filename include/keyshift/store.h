/*
 * keyshift/store.h - the SQLite datastore
 *
 * One file (mode 0600) holds the inventory: scan runs, blobs, where each
 * blob was seen, rules, findings (one per distinct secret and rule
 * family), their occurrences, diagnostics and triage. Secrets are kept
 * only as HMAC-SHA256 under a random per-store key plus a masked preview,
 * unless the scan asked to store plaintext.
 */
#ifndef KS_KEYSHIFT_STORE_H
#define KS_KEYSHIFT_STORE_H

#include <keyshift/common.h>
#include <keyshift/error.h>
#include <keyshift/finding.h>

KS_BEGIN_DECL

typedef struct ks_store ks_store;

typedef struct {
	unsigned version;
	bool read_only;   /**< open for reading only (reports) */
	bool no_create;   /**< fail with KS_ENOTFOUND if the file is missing */
} ks_store_options;

#define KS_STORE_OPTIONS_VERSION 1
#define KS_STORE_OPTIONS_INIT { KS_STORE_OPTIONS_VERSION, false, false }

/**
 * Open the datastore at `path`, creating it (mode 0600, parent directories
 * 0700) if it does not exist, and migrating its schema forward.
 * @return 0; KS_EVERSION if written by a newer keyshift; KS_ENOTFOUND with
 *         no_create; another negative code otherwise (ks_error_last()).
 */
KS_EXTERN(int) ks_store_open(ks_store **out, const char *path,
    const ks_store_options *opts) KS_WARN_UNUSED;

/** Close the datastore. NULL is a harmless no-op. */
KS_EXTERN(void) ks_store_close(ks_store *store);

/**
 * The default location: $KEYSHIFT_STORE, else $XDG_DATA_HOME/keyshift/
 * keyshift.db, else $HOME/.local/share/keyshift/keyshift.db.
 */
KS_EXTERN(int) ks_store_default_path(ks_buf *out) KS_WARN_UNUSED;

/** The schema version (PRAGMA user_version) this build writes. */
KS_EXTERN(int) ks_store_schema_version(void);

/** Number of distinct findings in the store. */
KS_EXTERN(int) ks_store_count_findings(ks_store *store, int64_t *out)
    KS_WARN_UNUSED;

/** Number of stored occurrences (distinct places). */
KS_EXTERN(int) ks_store_count_occurrences(ks_store *store, int64_t *out)
    KS_WARN_UNUSED;

/**
 * Set the triage status of the finding named by `fingerprint` (a unique
 * prefix of at least 8 hex digits is accepted). `status` is one of "open",
 * "false-positive", "accepted-risk", "revoked".
 * @return 0; KS_ENOTFOUND; KS_EINVALID for a bad status or ambiguous prefix.
 */
KS_EXTERN(int) ks_store_set_status(ks_store *store, const char *fingerprint,
    const char *status, const char *reason, const char *user)
    KS_WARN_UNUSED;

KS_END_DECL
#endif
