/*
 * store/store_write.c - the writer thread's side of the datastore
 *
 * Each put_* binds its values to a statement prepared once per
 * connection, steps it, resets it and clears its bindings (they point at
 * caller memory, and for plaintext at secret bytes). Secrets reach SQLite
 * only as parameters, never in SQL text: by default only their HMAC does;
 * the plaintext only with `store_plaintext`.
 *
 * Deduplication is the schema's: blobs by blob id, provenance by place,
 * findings by fingerprint, occurrences by (finding, blob, path, span),
 * snippets by content. A rescan updates last_run and adds no rows.
 */
#include "store_write.h"

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "alloc.h"
#include "errors.h"
#include "hash.h"
#include "secret.h"
#include "store_internal.h"

/* Shorter secrets are not masked in snippets: they would mask noise. */
#define KS_STORE_MASK_MIN 4

static int
need_tx(ks_store *s, const char *what)
{
	if (s->read_only) {
		ks_error_set(KS_ERROR_STORE, "%s: the datastore is open "
		    "read-only", what);
		return KS_EINVALID;
	}
	if (!s->in_tx) {
		ks_error_set(KS_ERROR_STORE, "%s: no transaction (call "
		    "ks_store_tx_begin first)", what);
		return KS_EINVALID;
	}
	return 0;
}

static int
check_u64(uint64_t v, const char *what)
{
	if (v > (uint64_t)INT64_MAX) {
		ks_error_set(KS_ERROR_INVALID, "%s out of range", what);
		return KS_EINVALID;
	}
	return 0;
}

/* ---- runs and transactions ---- */

int
ks_store_run_begin(ks_store *s, const char *command,
    const char *targets_json, const char *options_json, int64_t *run_id_out)
{
	sqlite3_stmt *st;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(command);
	KS_ASSERT_ARG(run_id_out);
	*run_id_out = 0;
	if ((st = ks_store__stmt(s, KS_STMT_RUN_BEGIN)) == NULL)
		return KS_ERROR;
	sqlite3_bind_int64(st, 1, ks_store__now());
	ks_store__bind_text(st, 2, command);
	ks_store__bind_text(st, 3, targets_json);
	ks_store__bind_text(st, 4, options_json);
	ks_store__bind_text(st, 5, KS_VERSION);
	error = ks_store__step_done(s, st, "cannot record the scan run");
	sqlite3_clear_bindings(st);
	if (error == 0)
		*run_id_out = sqlite3_last_insert_rowid(s->db);
	return error;
}

int
ks_store_run_finish(ks_store *s, int64_t run_id, const char *status,
    const char *stats_json)
{
	sqlite3_stmt *st;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(status);
	if (strcmp(status, "complete") && strcmp(status, "failed") &&
	    strcmp(status, "canceled")) {
		ks_error_set(KS_ERROR_INVALID, "bad run status '%s'", status);
		return KS_EINVALID;
	}
	if ((st = ks_store__stmt(s, KS_STMT_RUN_FINISH)) == NULL)
		return KS_ERROR;
	sqlite3_bind_int64(st, 1, run_id);
	sqlite3_bind_int64(st, 2, ks_store__now());
	ks_store__bind_text(st, 3, status);
	ks_store__bind_text(st, 4, stats_json);
	error = ks_store__step_done(s, st, "cannot finish the scan run");
	sqlite3_clear_bindings(st);
	if (error == 0 && sqlite3_changes(s->db) != 1) {
		ks_error_set(KS_ERROR_STORE, "no scan run %lld",
		    (long long)run_id);
		error = KS_ENOTFOUND;
	}
	return error;
}

int
ks_store_tx_begin(ks_store *s)
{
	int error;

	KS_ASSERT_ARG(s);
	if (s->in_tx) {
		ks_error_set(KS_ERROR_STORE, "a transaction is already open");
		return KS_EINVALID;
	}
	/* IMMEDIATE: take the write lock now, so a concurrent writer makes
	 * us wait (busy_timeout) instead of failing mid-batch. */
	if ((error = ks_store__exec(s, "BEGIN IMMEDIATE",
	    "cannot start a transaction")) < 0)
		return error;
	s->in_tx = true;
	return 0;
}

int
ks_store_tx_commit(ks_store *s)
{
	int error;

	KS_ASSERT_ARG(s);
	if (!s->in_tx) {
		ks_error_set(KS_ERROR_STORE, "no transaction to commit");
		return KS_EINVALID;
	}
	if ((error = ks_store__exec(s, "COMMIT",
	    "cannot commit the transaction")) < 0) {
		/* SQLite may have rolled back already; if not, the caller's
		 * ks_store_tx_rollback() will. */
		if (sqlite3_get_autocommit(s->db))
			s->in_tx = false;
		return error;
	}
	s->in_tx = false;
	return 0;
}

void
ks_store_tx_rollback(ks_store *s)
{
	if (!s)
		return;
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_tx = false;
}

int
ks_store_checkpoint(ks_store *s)
{
	int rc;

	KS_ASSERT_ARG(s);
	rc = sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE,
	    NULL, NULL);
	return rc == SQLITE_OK ? 0
	    : ks_store__sqlite_error(s, rc, "cannot checkpoint the datastore");
}

/* ---- rules, blobs, provenance ---- */

int
ks_store_put_rule(ks_store *s, const struct ks_store_rule *r)
{
	sqlite3_stmt *st;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(r);
	if ((error = need_tx(s, "cannot record the rule")) < 0)
		return error;
	if ((st = ks_store__stmt(s, KS_STMT_RULE_PUT)) == NULL)
		return KS_ERROR;
	ks_store__bind_text(st, 1, r->id);
	ks_store__bind_text(st, 2, r->name);
	ks_store__bind_text(st, 3, r->category);
	ks_store__bind_text(st, 4, r->confidence);
	ks_store__bind_text(st, 5, r->family);
	ks_store__bind_text(st, 6, r->structural_id);
	ks_store__bind_text(st, 7, r->pattern);
	error = ks_store__step_done(s, st, "cannot record the rule");
	sqlite3_clear_bindings(st);
	return error;
}

static int
blob_ensure(ks_store *s, const char *blob_id)
{
	sqlite3_stmt *st;
	int error;

	if (!blob_id) {
		ks_error_set(KS_ERROR_INVALID, "missing blob id");
		return KS_EINVALID;
	}
	if ((st = ks_store__stmt(s, KS_STMT_BLOB_ENSURE)) == NULL)
		return KS_ERROR;
	ks_store__bind_text(st, 1, blob_id);
	error = ks_store__step_done(s, st, "cannot record the blob");
	sqlite3_clear_bindings(st);
	return error;
}

int
ks_store_put_blob(ks_store *s, const char *blob_id, uint64_t size)
{
	sqlite3_stmt *st;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(blob_id);
	if ((error = need_tx(s, "cannot record the blob")) < 0 ||
	    (error = check_u64(size, "blob size")) < 0)
		return error;
	if ((st = ks_store__stmt(s, KS_STMT_BLOB_PUT)) == NULL)
		return KS_ERROR;
	ks_store__bind_text(st, 1, blob_id);
	sqlite3_bind_int64(st, 2, (int64_t)size);
	error = ks_store__step_done(s, st, "cannot record the blob");
	sqlite3_clear_bindings(st);
	return error;
}

int
ks_store_put_provenance(ks_store *s, int64_t run_id,
    const struct ks_store_provenance *p)
{
	sqlite3_stmt *st;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(p);
	if ((error = need_tx(s, "cannot record the provenance")) < 0 ||
	    (error = blob_ensure(s, p->blob_id)) < 0)
		return error;
	if ((st = ks_store__stmt(s, KS_STMT_PROVENANCE_PUT)) == NULL)
		return KS_ERROR;
	ks_store__bind_text(st, 1, p->blob_id);
	ks_store__bind_text(st, 2, p->source);
	ks_store__bind_bytes(st, 3, p->path);
	ks_store__bind_text(st, 4, p->repo);
	ks_store__bind_text(st, 5, p->commit);
	ks_store__bind_text(st, 6, p->extra_json);
	sqlite3_bind_int64(st, 7, run_id);
	error = ks_store__step_done(s, st, "cannot record the provenance");
	sqlite3_clear_bindings(st);
	return error;
}

/* ---- occurrences ---- */

/* memmem(3) is a GNU extension; the project builds with POSIX only. */
static char *
find_bytes(char *hay, size_t len, const uint8_t *needle, size_t n)
{
	char *p = hay, *end = hay + len;

	while (n && (size_t)(end - p) >= n) {
		p = memchr(p, needle[0], (size_t)(end - p) - n + 1);
		if (p == NULL)
			return NULL;
		if (memcmp(p, needle, n) == 0)
			return p;
		p++;
	}
	return NULL;
}

static int
rule_row(ks_store *s, const char *rule_id, int64_t *out)
{
	sqlite3_stmt *st;
	int rc, error = 0;

	if (!rule_id) {
		ks_error_set(KS_ERROR_INVALID, "occurrence without a rule id");
		return KS_EINVALID;
	}
	if ((st = ks_store__stmt(s, KS_STMT_RULE_GET)) == NULL)
		return KS_ERROR;
	ks_store__bind_text(st, 1, rule_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else if (rc == SQLITE_DONE) {
		ks_error_set(KS_ERROR_STORE, "rule '%s' is not recorded "
		    "(ks_store_put_rule first)", rule_id);
		error = KS_ENOTFOUND;
	} else
		error = ks_store__sqlite_error(s, rc,
		    "cannot look up the rule");
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return error;
}

/*
 * The scanner masks the matched span; the same secret may also appear
 * elsewhere in the context (a commented-out copy on the next line). Mask
 * every copy, so plaintext never reaches the store through a snippet.
 * `*out` is NULL when nothing needed masking; else an owned copy, which
 * the caller wipes (it held the secret) and frees.
 */
static int
mask_snippet(char **out, const char *snippet, size_t len,
    const uint8_t *secret, size_t n)
{
	char *copy, *p, *end;

	*out = NULL;
	if (n < KS_STORE_MASK_MIN ||
	    !find_bytes((char *)snippet, len, secret, n))
		return 0;
	if ((copy = ks__memdup(snippet, len + 1)) == NULL)
		return KS_ENOMEM;
	end = copy + len;
	for (p = copy; (p = find_bytes(p, (size_t)(end - p), secret, n));
	    p += n)
		memset(p, '*', n);
	*out = copy;
	return 0;
}

static int
snippet_row(ks_store *s, const char *snippet, size_t len, int64_t *out)
{
	sqlite3_stmt *get, *put;
	int rc, error = 0;

	if ((get = ks_store__stmt(s, KS_STMT_SNIPPET_GET)) == NULL ||
	    (put = ks_store__stmt(s, KS_STMT_SNIPPET_PUT)) == NULL)
		return KS_ERROR;
	sqlite3_bind_blob(get, 1, snippet, (int)len, SQLITE_STATIC);
	rc = sqlite3_step(get);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(get, 0);
	else if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot look up a snippet");
	sqlite3_reset(get);
	sqlite3_clear_bindings(get);
	if (rc != SQLITE_DONE)
		return error;

	sqlite3_bind_blob(put, 1, snippet, (int)len, SQLITE_STATIC);
	error = ks_store__step_done(s, put, "cannot record a snippet");
	sqlite3_clear_bindings(put);
	if (error == 0)
		*out = sqlite3_last_insert_rowid(s->db);
	return error;
}

static int
finding_row(ks_store *s, int64_t run_id, int64_t rule, const ks_occurrence *occ,
    const uint8_t *secret, size_t secret_len, bool store_plaintext,
    int64_t *out)
{
	uint8_t mac[KS_SHA256_LEN];
	sqlite3_stmt *st;
	int rc, error;

	if ((error = ks_hmac_sha256(mac, s->key, sizeof(s->key), secret,
	    secret_len)) < 0)
		return error;
	if ((st = ks_store__stmt(s, KS_STMT_FINDING_PUT)) == NULL)
		return KS_ERROR;
	sqlite3_bind_text(st, 1, occ->fingerprint, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, rule);
	sqlite3_bind_blob(st, 3, mac, sizeof(mac), SQLITE_STATIC);
	ks_store__bind_text(st, 4,
	    occ->secret_preview ? occ->secret_preview : "");
	if (store_plaintext)
		sqlite3_bind_blob(st, 5, secret, (int)secret_len,
		    SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 5);
	ks_store__bind_text(st, 6, occ->client_id);
	ks_store__bind_text(st, 7, occ->issuer);
	sqlite3_bind_int64(st, 8, run_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		error = ks_store__sqlite_error(s, rc,
		    "cannot record the finding");
	sqlite3_reset(st);
	/* The bindings point at the secret (or its HMAC): drop them. */
	sqlite3_clear_bindings(st);
	ks_wipe(mac, sizeof(mac));
	return error;
}

static int
occurrence_row(ks_store *s, int64_t run_id, int64_t finding, int64_t rule,
    int64_t snippet, const ks_occurrence *o)
{
	sqlite3_stmt *st;
	int error;

	if ((st = ks_store__stmt(s, KS_STMT_OCCURRENCE_PUT)) == NULL)
		return KS_ERROR;
	sqlite3_bind_int64(st, 1, finding);
	sqlite3_bind_int64(st, 2, rule);
	ks_store__bind_text(st, 3, o->blob_id);
	ks_store__bind_text(st, 4, o->source);
	ks_store__bind_bytes(st, 5, o->path ? o->path : "");
	sqlite3_bind_int64(st, 6, (int64_t)o->start);
	sqlite3_bind_int64(st, 7, (int64_t)o->end);
	sqlite3_bind_int64(st, 8, o->line);
	sqlite3_bind_int64(st, 9, o->column);
	sqlite3_bind_int64(st, 10, o->end_line);
	sqlite3_bind_int64(st, 11, o->end_column);
	if (snippet)
		sqlite3_bind_int64(st, 12, snippet);
	else
		sqlite3_bind_null(st, 12);
	ks_store__bind_text(st, 13, o->client_id);
	ks_store__bind_text(st, 14, o->issuer);
	ks_store__bind_text(st, 15, o->commit);
	ks_store__bind_text(st, 16, o->author);
	ks_store__bind_text(st, 17, o->date);
	sqlite3_bind_int64(st, 18, run_id);
	error = ks_store__step_done(s, st, "cannot record the occurrence");
	sqlite3_clear_bindings(st);
	return error;
}

int
ks_store_put_occurrence(ks_store *s, int64_t run_id,
    const ks_occurrence *occ, const uint8_t *secret, size_t secret_len,
    bool store_plaintext)
{
	char fp[KS_FINGERPRINT_HEXLEN + 1];
	char *masked = NULL;           /* owned; wiped: it held the secret */
	size_t snippet_len = 0;
	int64_t rule = 0, finding = 0, snippet = 0;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(occ);
	KS_ASSERT_ARG(secret || secret_len == 0);
	if ((error = need_tx(s, "cannot record the occurrence")) < 0 ||
	    (error = ks_store__fingerprint_arg(fp, occ->fingerprint,
	    KS_FINGERPRINT_HEXLEN)) < 0 ||
	    (error = check_u64(occ->end, "occurrence offset")) < 0)
		goto done;
	if (secret_len > (size_t)INT32_MAX) {
		ks_error_set(KS_ERROR_INVALID, "secret too long");
		error = KS_EINVALID;
		goto done;
	}
	if (strcmp(fp, occ->fingerprint) != 0) {
		ks_error_set(KS_ERROR_INVALID, "fingerprint '%s' is not "
		    "lowercase hex", occ->fingerprint);
		error = KS_EINVALID;
		goto done;
	}
	if ((error = rule_row(s, occ->rule_id, &rule)) < 0 ||
	    (error = blob_ensure(s, occ->blob_id)) < 0)
		goto done;
	if (occ->snippet) {
		snippet_len = strlen(occ->snippet);
		if ((error = mask_snippet(&masked, occ->snippet, snippet_len,
		    secret, secret_len)) < 0 ||
		    (error = snippet_row(s, masked ? masked : occ->snippet,
		    snippet_len, &snippet)) < 0)
			goto done;
	}
	if ((error = finding_row(s, run_id, rule, occ, secret, secret_len,
	    store_plaintext, &finding)) < 0)
		goto done;
	error = occurrence_row(s, run_id, finding, rule, snippet, occ);
done:
	if (masked) {
		ks_wipe(masked, snippet_len);
		ks__free(masked);
	}
	return error;
}

int
ks_store_put_diagnostic(ks_store *s, int64_t run_id, const ks_diagnostic *d)
{
	sqlite3_stmt *st;
	int error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(d);
	if ((error = need_tx(s, "cannot record the diagnostic")) < 0)
		return error;
	if ((st = ks_store__stmt(s, KS_STMT_DIAGNOSTIC_PUT)) == NULL)
		return KS_ERROR;
	sqlite3_bind_int64(st, 1, run_id);
	ks_store__bind_text(st, 2, d->source);
	ks_store__bind_bytes(st, 3, d->path);
	ks_store__bind_text(st, 4, d->kind);
	ks_store__bind_text(st, 5, d->message ? d->message : "");
	error = ks_store__step_done(s, st, "cannot record the diagnostic");
	sqlite3_clear_bindings(st);
	return error;
}
