/*
 * store/store_git.c - per-repository, per-ref scan state (incremental)
 *
 * One-off statements: these run once per scan, not per blob, so they are
 * not worth a slot in the prepared-statement cache.
 */
#include "store_git.h"

#include <string.h>

#include "errors.h"
#include "store_internal.h"
#include "store_write.h"

int
ks_store_git_scanned(ks_store *s, const char *repo,
    int (*cb)(const char *ref, const char *commit, void *payload),
    void *payload)
{
	sqlite3_stmt *st = NULL;
	int error, rc;

	if ((error = ks_store__prepare(s, &st, "SELECT ref, commit_id FROM "
	    "git_ref_scan WHERE repo = ?1 ORDER BY ref")) < 0)
		return error;
	if (ks_store__bind_text(st, 1, repo) != SQLITE_OK) {
		error = ks_store__sqlite_error(s, SQLITE_ERROR,
		    "cannot read the git scan state");
		goto done;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((error = cb((const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1), payload)) != 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the git scan state");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_git_record(ks_store *s, const char *repo, int64_t run_id,
    const char *pairs, size_t len)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	const char *p = pairs, *end = pairs + len;
	int error;

	if ((error = ks_store_tx_begin(s)) < 0)
		return error;
	if ((error = ks_store__prepare(s, &del, "DELETE FROM git_ref_scan "
	    "WHERE repo = ?1")) < 0 ||
	    (error = ks_store__prepare(s, &ins, "INSERT INTO git_ref_scan "
	    "(repo, ref, commit_id, run, scanned_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)")) < 0 ||
	    ks_store__bind_text(del, 1, repo) != SQLITE_OK ||
	    (error = ks_store__step_done(s, del,
	    "cannot clear the git scan state")) < 0) {
		if (!error)
			error = ks_store__sqlite_error(s, SQLITE_ERROR,
			    "cannot clear the git scan state");
		goto done;
	}
	while (p < end) {
		const char *ref = p, *commit = p + strlen(p) + 1;

		if (commit >= end)
			break;
		p = commit + strlen(commit) + 1;
		if (ks_store__bind_text(ins, 1, repo) != SQLITE_OK ||
		    ks_store__bind_text(ins, 2, ref) != SQLITE_OK ||
		    ks_store__bind_text(ins, 3, commit) != SQLITE_OK ||
		    sqlite3_bind_int64(ins, 4, run_id) != SQLITE_OK ||
		    sqlite3_bind_int64(ins, 5, ks_store__now()) != SQLITE_OK ||
		    (error = ks_store__step_done(s, ins,
		    "cannot record the git scan state")) < 0) {
			if (!error)
				error = ks_store__sqlite_error(s, SQLITE_ERROR,
				    "cannot bind the git scan state");
			goto done;
		}
	}
	error = ks_store_tx_commit(s);
done:
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	if (error < 0)
		ks_store_tx_rollback(s);
	return error;
}
