/*
 * store/store_internal.h - the datastore handle and SQL helpers
 *
 * Library-internal, shared by store.c (open, migrations, triage),
 * store_write.c (the writer API) and store_read.c (the inventory). Only
 * files in store/ include it: no other module speaks SQL.
 *
 * Prepared statements live in `stmts[]`, prepared on first use and kept
 * for the life of the connection; every user resets them (and clears
 * bindings that pointed at secret or caller memory) before returning.
 */
#ifndef KS_STORE_STORE_INTERNAL_H
#define KS_STORE_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include <keyshift/store.h>

#define KS_STORE_KEY_LEN 32
#define KS_STORE_BUSY_TIMEOUT_MS 10000

/* When adding a statement, add its SQL to stmt_sql[] in store.c. */
enum ks_store__stmt {
	KS_STMT_RUN_BEGIN,
	KS_STMT_RUN_FINISH,
	KS_STMT_RULE_PUT,
	KS_STMT_RULE_GET,
	KS_STMT_BLOB_PUT,
	KS_STMT_BLOB_ENSURE,
	KS_STMT_PROVENANCE_PUT,
	KS_STMT_SNIPPET_GET,
	KS_STMT_SNIPPET_PUT,
	KS_STMT_FINDING_PUT,
	KS_STMT_OCCURRENCE_PUT,
	KS_STMT_DIAGNOSTIC_PUT,
	KS_STMT_FINDING_RESOLVE,
	KS_STMT_STATUS_SET,
	KS_STMT_STATUS_EVENT,
	KS_STMT__COUNT
};

struct ks_store {
	sqlite3 *db;                  /* owned; one thread at a time */
	char *path;                   /* owned */
	bool read_only;
	bool in_tx;                   /* between tx_begin and commit/rollback */
	uint8_t key[KS_STORE_KEY_LEN]; /* the HMAC key; wiped on close */
	sqlite3_stmt *stmts[KS_STMT__COUNT];
};

/*
 * The statement `which`, prepared on first use (borrowed: reset it after
 * use). NULL with the error set when preparing fails.
 */
sqlite3_stmt *ks_store__stmt(ks_store *s, enum ks_store__stmt which);

/* Set the last error from the connection and map the SQLite result code
 * to a KS_E* code. `what` says what failed ("cannot record the blob"). */
int ks_store__sqlite_error(ks_store *s, int rc, const char *what);

/* Prepare a one-off statement (owned by the caller: sqlite3_finalize). */
int ks_store__prepare(ks_store *s, sqlite3_stmt **out, const char *sql);

/* Step a statement that returns no rows, then reset it; 0 or an error. */
int ks_store__step_done(ks_store *s, sqlite3_stmt *st, const char *what);

/* Run SQL without results (no bindings: never for caller data). */
int ks_store__exec(ks_store *s, const char *sql, const char *what);

/* Bind a string as TEXT, or NULL when `v` is NULL. */
int ks_store__bind_text(sqlite3_stmt *st, int idx, const char *v);
/* Bind a string's bytes as a BLOB (paths), or NULL when `v` is NULL. */
int ks_store__bind_bytes(sqlite3_stmt *st, int idx, const char *v);

/* Unix time now, or $SOURCE_DATE_EPOCH when set (reproducible tests). */
int64_t ks_store__now(void);

/* The connection, for tests (borrowed). */
sqlite3 *ks_store__db(ks_store *s);

/* Lowercase and check a fingerprint or a prefix of at least `min` hex
 * digits into `out` (KS_FINGERPRINT_HEXLEN + 1 bytes). KS_EINVALID. */
int ks_store__fingerprint_arg(char *out, const char *in, size_t min);

#endif
