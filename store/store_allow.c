/*
 * store/store_allow.c - recording matches allowed by an inline marker
 *
 * One-off statements: allowances are rare (a handful per repository), so
 * they are not worth a slot in the prepared-statement cache.
 */
#include "store_allow.h"

#include <sqlite3.h>

#include "errors.h"
#include "store_internal.h"

int
ks_store_put_allow(ks_store *s, int64_t run_id, const struct ks_store_allow *a)
{
	sqlite3_stmt *st = NULL;
	int error;

	KS_ASSERT_ARG(s && a && a->fingerprint && a->rule_id && a->source &&
	    a->path);
	if (!s->in_tx) {
		ks_error_set(KS_ERROR_STORE,
		    "an allowance must be recorded inside a transaction");
		return KS_EINVALID;
	}
	if ((error = ks_store__prepare(s, &st, "INSERT INTO inline_allow "
	    "(fingerprint, rule_id, source, path, line, commit_id, "
	    "marker_rule, reason, first_run, last_run) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9) "
	    "ON CONFLICT (fingerprint, rule_id, source, path, line) DO UPDATE "
	    "SET last_run = max(last_run, excluded.last_run), "
	    "reason = excluded.reason, marker_rule = excluded.marker_rule")) < 0)
		return error;
	if (ks_store__bind_text(st, 1, a->fingerprint) != SQLITE_OK ||
	    ks_store__bind_text(st, 2, a->rule_id) != SQLITE_OK ||
	    ks_store__bind_text(st, 3, a->source) != SQLITE_OK ||
	    ks_store__bind_bytes(st, 4, a->path) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 5, a->line ? a->line : 1) != SQLITE_OK ||
	    ks_store__bind_text(st, 6, a->commit) != SQLITE_OK ||
	    ks_store__bind_text(st, 7, a->marker_rule) != SQLITE_OK ||
	    ks_store__bind_text(st, 8, a->reason) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 9, run_id) != SQLITE_OK) {
		error = ks_store__sqlite_error(s, SQLITE_ERROR,
		    "cannot record an inline allowance");
		goto done;
	}
	error = ks_store__step_done(s, st, "cannot record an inline allowance");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_count_allows(ks_store *s, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int error, rc;

	KS_ASSERT_ARG(s && out);
	*out = 0;
	if ((error = ks_store__prepare(s, &st,
	    "SELECT count(*) FROM inline_allow")) < 0)
		return error;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	else
		error = ks_store__sqlite_error(s, rc,
		    "cannot count inline allowances");
	sqlite3_finalize(st);
	return error;
}
