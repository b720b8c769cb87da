/*
 * store/store_read.c - the inventory: reading occurrences, findings,
 * triage history, diagnostics and runs
 *
 * Reads go through the reporting views (occurrence_denorm,
 * finding_denorm), so the join logic lives in the schema, once. Filters
 * are bound parameters ("?n IS NULL OR column = ?n"), never SQL text.
 * Plaintext is read from finding.secret_plaintext only when the caller
 * asks; the views never expose it.
 *
 * Iterators prepare their own statement (several may run at once);
 * an unfinished statement holds a WAL read snapshot, so a long report
 * sees one consistent state while a scan keeps writing.
 */
#include <keyshift/inventory.h>

#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "alloc.h"
#include "errors.h"
#include "secret.h"
#include "store_internal.h"

#define OCC_SQL \
	"SELECT d.occurrence_id, d.fingerprint, d.rule_id, d.rule_name, " \
	"d.category, d.confidence, d.secret_preview, d.status, d.source, " \
	"d.path, d.blob_id, d.start_byte, d.end_byte, d.start_line, " \
	"d.start_column, d.end_line, d.end_column, d.snippet, d.client_id, " \
	"d.issuer, d.commit_id, d.author, d.date, d.first_run, d.last_run, " \
	"CASE WHEN ?7 THEN (SELECT f.secret_plaintext FROM finding f " \
	"WHERE f.id = d.finding_id) END " \
	"FROM occurrence_denorm d " \
	"WHERE (?1 IS NULL OR d.status = ?1) " \
	"AND (?2 IS NULL OR d.category = ?2) " \
	"AND (?3 IS NULL OR d.rule_id = ?3) " \
	"AND (?4 IS NULL OR d.source = ?4) " \
	"AND (?5 IS NULL OR d.fingerprint GLOB ?5) " \
	"AND (?6 = 0 OR d.last_run = ?6) " \
	"ORDER BY d.rule_id, d.path, d.start_line, d.start_column, " \
	"d.start_byte, d.end_byte, d.blob_id, d.fingerprint"

#define FINDING_SQL \
	"SELECT fd.fingerprint, fd.rule_id, fd.rule_name, fd.category, " \
	"fd.confidence, fd.family, fd.secret_preview, fd.client_id, " \
	"fd.issuer, fd.status, fd.status_reason, fd.status_user, " \
	"fd.status_time, fd.occurrence_count, fd.path_count, fd.first_run, " \
	"fd.last_run, fd.first_seen, fd.last_seen, " \
	"CASE WHEN ?7 THEN (SELECT f.secret_plaintext FROM finding f " \
	"WHERE f.id = fd.finding_id) END " \
	"FROM finding_denorm fd " \
	"WHERE (?1 IS NULL OR fd.status = ?1) " \
	"AND (?2 IS NULL OR fd.category = ?2) " \
	"AND (?5 IS NULL OR fd.fingerprint GLOB ?5) " \
	"AND ((?3 IS NULL AND ?4 IS NULL AND ?6 = 0) OR EXISTS (" \
	"SELECT 1 FROM occurrence o JOIN rule r ON r.id = o.rule " \
	"WHERE o.finding = fd.finding_id " \
	"AND (?3 IS NULL OR r.rule_id = ?3) " \
	"AND (?4 IS NULL OR o.source = ?4) " \
	"AND (?6 = 0 OR o.last_run = ?6))) " \
	"ORDER BY fd.rule_id, fd.fingerprint"

struct ks_occurrence_iter {
	ks_store *store;             /* borrowed */
	sqlite3_stmt *st;            /* owned */
	char pattern[KS_FINGERPRINT_HEXLEN + 2]; /* bound to ?5 */
	ks_inventory_filter filter;  /* its strings are borrowed */
	bool done;
};

/* ---- column helpers ---- */

/* Copy a TEXT or BLOB column into a NUL-terminated allocation (NULL for
 * SQL NULL). */
static int
col_dup(char **out, sqlite3_stmt *st, int i)
{
	const void *p;
	int n;

	*out = NULL;
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return 0;
	p = sqlite3_column_blob(st, i);
	n = sqlite3_column_bytes(st, i);
	if ((*out = ks__malloc((size_t)n + 1)) == NULL)
		return KS_ENOMEM;
	if (n > 0)
		memcpy(*out, p, (size_t)n);
	(*out)[n] = '\0';
	return 0;
}

static void
col_copy(char *out, size_t size, sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	snprintf(out, size, "%s", t ? (const char *)t : "");
}

/* Free a secret copy: wipe it first. */
static void
secret_free(char *p)
{
	if (p) {
		ks_wipe(p, strlen(p));
		ks__free(p);
	}
}

/*
 * What ks_occurrence_dispose() does (it belongs to the scanner, which
 * this module does not link); used for records this file frees itself.
 */
static void
occurrence_release(ks_occurrence *o)
{
	char **fields[] = {
		&o->rule_id, &o->rule_name, &o->category, &o->confidence,
		&o->secret_preview, &o->source, &o->path, &o->blob_id,
		&o->snippet, &o->client_id, &o->issuer, &o->commit,
		&o->author, &o->date
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		ks__free(*fields[i]);
		*fields[i] = NULL;
	}
	secret_free(o->secret);
	o->secret = NULL;
}

static int
bind_filter(ks_store *s, sqlite3_stmt *st, const ks_inventory_filter *f,
    char *pattern)
{
	int error;

	if (f && f->version != KS_INVENTORY_FILTER_VERSION) {
		ks_error_set(KS_ERROR_INVALID, "unsupported "
		    "ks_inventory_filter version %u", f->version);
		return KS_EINVALID;
	}
	(void)s;
	ks_store__bind_text(st, 1, f ? f->status : NULL);
	ks_store__bind_text(st, 2, f ? f->category : NULL);
	ks_store__bind_text(st, 3, f ? f->rule : NULL);
	ks_store__bind_text(st, 4, f ? f->source : NULL);
	if (f && f->fingerprint) {
		/* Hex digits only, so GLOB sees no wildcard but ours. */
		if ((error = ks_store__fingerprint_arg(pattern, f->fingerprint,
		    1)) < 0)
			return error;
		strcat(pattern, "*");
		sqlite3_bind_text(st, 5, pattern, -1, SQLITE_STATIC);
	} else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, f ? f->run_id : 0);
	sqlite3_bind_int(st, 7, f && f->include_secrets);
	return 0;
}

/* ---- occurrences ---- */

int
ks_occurrence_iter_new(ks_occurrence_iter **out, ks_store *s,
    const ks_inventory_filter *filter)
{
	ks_occurrence_iter *it = NULL;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(s);
	*out = NULL;
	if ((it = ks__calloc(1, sizeof(*it))) == NULL)
		return KS_ENOMEM;
	it->store = s;
	if ((error = ks_store__prepare(s, &it->st, OCC_SQL)) < 0 ||
	    (error = bind_filter(s, it->st, filter, it->pattern)) < 0)
		goto done;
	*out = it;
	it = NULL;
done:
	ks_occurrence_iter_free(it);
	return error;
}

static int
read_occurrence(ks_stored_occurrence *r, sqlite3_stmt *st)
{
	ks_occurrence *o = &r->occ;
	int error;

	memset(r, 0, sizeof(*r));
	r->occurrence_id = sqlite3_column_int64(st, 0);
	col_copy(o->fingerprint, sizeof(o->fingerprint), st, 1);
	col_copy(r->status, sizeof(r->status), st, 7);
	o->start = (uint64_t)sqlite3_column_int64(st, 11);
	o->end = (uint64_t)sqlite3_column_int64(st, 12);
	o->line = (uint32_t)sqlite3_column_int64(st, 13);
	o->column = (uint32_t)sqlite3_column_int64(st, 14);
	o->end_line = (uint32_t)sqlite3_column_int64(st, 15);
	o->end_column = (uint32_t)sqlite3_column_int64(st, 16);
	r->first_run = sqlite3_column_int64(st, 23);
	r->last_run = sqlite3_column_int64(st, 24);
	if ((error = col_dup(&o->rule_id, st, 2)) < 0 ||
	    (error = col_dup(&o->rule_name, st, 3)) < 0 ||
	    (error = col_dup(&o->category, st, 4)) < 0 ||
	    (error = col_dup(&o->confidence, st, 5)) < 0 ||
	    (error = col_dup(&o->secret_preview, st, 6)) < 0 ||
	    (error = col_dup(&o->source, st, 8)) < 0 ||
	    (error = col_dup(&o->path, st, 9)) < 0 ||
	    (error = col_dup(&o->blob_id, st, 10)) < 0 ||
	    (error = col_dup(&o->snippet, st, 17)) < 0 ||
	    (error = col_dup(&o->client_id, st, 18)) < 0 ||
	    (error = col_dup(&o->issuer, st, 19)) < 0 ||
	    (error = col_dup(&o->commit, st, 20)) < 0 ||
	    (error = col_dup(&o->author, st, 21)) < 0 ||
	    (error = col_dup(&o->date, st, 22)) < 0 ||
	    (error = col_dup(&o->secret, st, 25)) < 0)
		occurrence_release(o);
	return error;
}

int
ks_occurrence_iter_next(ks_stored_occurrence *out, ks_occurrence_iter *it)
{
	int rc;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(it);
	if (it->done)
		return KS_ITEROVER;
	rc = sqlite3_step(it->st);
	if (rc == SQLITE_ROW)
		return read_occurrence(out, it->st);
	it->done = true;
	/* End the read transaction now, not when the iterator is freed. */
	sqlite3_reset(it->st);
	if (rc == SQLITE_DONE)
		return KS_ITEROVER;
	return ks_store__sqlite_error(it->store, rc,
	    "cannot read the occurrences");
}

void
ks_occurrence_iter_free(ks_occurrence_iter *it)
{
	if (!it)
		return;
	sqlite3_finalize(it->st);
	ks__free(it);
}

int
ks_store_foreach_occurrence(ks_store *s, const ks_inventory_filter *filter,
    ks_occurrence_cb cb, void *payload)
{
	ks_occurrence_iter *it = NULL;
	ks_stored_occurrence rec;
	int error;

	KS_ASSERT_ARG(cb);
	if ((error = ks_occurrence_iter_new(&it, s, filter)) < 0)
		return error;
	while ((error = ks_occurrence_iter_next(&rec, it)) == 0) {
		int stop = cb(&rec, payload);

		occurrence_release(&rec.occ);
		if (stop) {
			error = KS_EUSER;
			break;
		}
	}
	if (error == KS_ITEROVER)
		error = 0;
	ks_occurrence_iter_free(it);
	return error;
}

/* ---- findings ---- */

void
ks_finding_info_dispose(ks_finding_info *f)
{
	if (!f)
		return;
	ks__free(f->rule_id);
	ks__free(f->rule_name);
	ks__free(f->category);
	ks__free(f->confidence);
	ks__free(f->family);
	ks__free(f->secret_preview);
	secret_free(f->secret);
	ks__free(f->client_id);
	ks__free(f->issuer);
	ks__free(f->status_reason);
	ks__free(f->status_user);
	memset(f, 0, sizeof(*f));
}

static int
read_finding(ks_finding_info *f, sqlite3_stmt *st)
{
	int error;

	memset(f, 0, sizeof(*f));
	col_copy(f->fingerprint, sizeof(f->fingerprint), st, 0);
	col_copy(f->status, sizeof(f->status), st, 9);
	f->status_time = sqlite3_column_int64(st, 12);
	f->occurrences = sqlite3_column_int64(st, 13);
	f->paths = sqlite3_column_int64(st, 14);
	f->first_run = sqlite3_column_int64(st, 15);
	f->last_run = sqlite3_column_int64(st, 16);
	f->first_seen = sqlite3_column_int64(st, 17);
	f->last_seen = sqlite3_column_int64(st, 18);
	if ((error = col_dup(&f->rule_id, st, 1)) < 0 ||
	    (error = col_dup(&f->rule_name, st, 2)) < 0 ||
	    (error = col_dup(&f->category, st, 3)) < 0 ||
	    (error = col_dup(&f->confidence, st, 4)) < 0 ||
	    (error = col_dup(&f->family, st, 5)) < 0 ||
	    (error = col_dup(&f->secret_preview, st, 6)) < 0 ||
	    (error = col_dup(&f->client_id, st, 7)) < 0 ||
	    (error = col_dup(&f->issuer, st, 8)) < 0 ||
	    (error = col_dup(&f->status_reason, st, 10)) < 0 ||
	    (error = col_dup(&f->status_user, st, 11)) < 0 ||
	    (error = col_dup(&f->secret, st, 19)) < 0)
		ks_finding_info_dispose(f);
	return error;
}

int
ks_store_foreach_finding(ks_store *s, const ks_inventory_filter *filter,
    ks_finding_cb cb, void *payload)
{
	char pattern[KS_FINGERPRINT_HEXLEN + 2];
	sqlite3_stmt *st = NULL;
	ks_finding_info info;
	int rc, error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(cb);
	if ((error = ks_store__prepare(s, &st, FINDING_SQL)) < 0 ||
	    (error = bind_filter(s, st, filter, pattern)) < 0)
		goto done;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int stop;

		if ((error = read_finding(&info, st)) < 0)
			goto done;
		stop = cb(&info, payload);
		ks_finding_info_dispose(&info);
		if (stop) {
			error = KS_EUSER;
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the findings");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_finding_get(ks_finding_info *out, ks_store *s,
    const char *fingerprint, bool include_secret)
{
	ks_inventory_filter f = KS_INVENTORY_FILTER_INIT;
	char fp[KS_FINGERPRINT_HEXLEN + 1], pattern[KS_FINGERPRINT_HEXLEN + 2];
	sqlite3_stmt *st = NULL;
	int rc, error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(s);
	memset(out, 0, sizeof(*out));
	if ((error = ks_store_resolve_fingerprint(fp, s, fingerprint)) < 0)
		return error;
	f.fingerprint = fp;
	f.include_secrets = include_secret;
	if ((error = ks_store__prepare(s, &st, FINDING_SQL)) < 0 ||
	    (error = bind_filter(s, st, &f, pattern)) < 0)
		goto done;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		error = read_finding(out, st);
	else if (rc == SQLITE_DONE) {
		ks_error_set(KS_ERROR_STORE, "no finding '%s'", fp);
		error = KS_ENOTFOUND;
	} else
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the finding");
done:
	sqlite3_finalize(st);
	return error;
}

/* ---- triage history, diagnostics, runs ---- */

int
ks_store_foreach_status_event(ks_store *s, const char *fingerprint,
    ks_status_event_cb cb, void *payload)
{
	char fp[KS_FINGERPRINT_HEXLEN + 1];
	sqlite3_stmt *st = NULL;
	ks_status_event ev;
	int rc, error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(cb);
	if ((error = ks_store_resolve_fingerprint(fp, s, fingerprint)) < 0 ||
	    (error = ks_store__prepare(s, &st,
	    "SELECT fingerprint, status, reason, "
	    "user, at FROM finding_status_event WHERE fingerprint = ?1 "
	    "ORDER BY id")) < 0)
		goto done;
	sqlite3_bind_text(st, 1, fp, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ev.fingerprint = (const char *)sqlite3_column_text(st, 0);
		ev.status = (const char *)sqlite3_column_text(st, 1);
		ev.reason = (const char *)sqlite3_column_text(st, 2);
		ev.user = (const char *)sqlite3_column_text(st, 3);
		ev.at = sqlite3_column_int64(st, 4);
		if (cb(&ev, payload)) {
			error = KS_EUSER;
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the history");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_foreach_diagnostic(ks_store *s, int64_t run_id, ks_diagnostic_cb cb,
    void *payload)
{
	sqlite3_stmt *st = NULL;
	ks_diagnostic d;
	int rc, error;

	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(cb);
	if ((error = ks_store__prepare(s, &st,
	    "SELECT run, source, path, kind, message "
	    "FROM scan_diagnostic WHERE (?1 = 0 OR run = ?1) "
	    "ORDER BY run, path, kind, id")) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, run_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		/* Borrowed for the call: the record's fields are not const
		 * only because ks_diagnostic is also an owning record. */
		d.source = (char *)sqlite3_column_text(st, 1);
		d.path = (char *)sqlite3_column_text(st, 2);
		d.kind = (char *)sqlite3_column_text(st, 3);
		d.message = (char *)sqlite3_column_text(st, 4);
		if (cb(&d, sqlite3_column_int64(st, 0), payload)) {
			error = KS_EUSER;
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the diagnostics");
done:
	sqlite3_finalize(st);
	return error;
}

void
ks_run_info_dispose(ks_run_info *r)
{
	if (!r)
		return;
	ks__free(r->command);
	ks__free(r->targets_json);
	ks__free(r->options_json);
	ks__free(r->stats_json);
	ks__free(r->keyshift_version);
	memset(r, 0, sizeof(*r));
}

int
ks_store_run_get(ks_run_info *out, ks_store *s, int64_t run_id)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(s);
	memset(out, 0, sizeof(*out));
	if ((error = ks_store__prepare(s, &st, "SELECT id, started_at, "
	    "coalesce(finished_at, 0), status, command, targets, options, "
	    "stats, keyshift_version FROM scan_run "
	    "WHERE (?1 = 0 OR id = ?1) ORDER BY id DESC LIMIT 1")) < 0)
		goto done;
	sqlite3_bind_int64(st, 1, run_id);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		if (run_id)
			ks_error_set(KS_ERROR_STORE, "no scan run %lld",
			    (long long)run_id);
		else
			ks_error_set(KS_ERROR_STORE, "no scan run recorded");
		error = KS_ENOTFOUND;
		goto done;
	}
	if (rc != SQLITE_ROW) {
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the scan run");
		goto done;
	}
	out->id = sqlite3_column_int64(st, 0);
	out->started_at = sqlite3_column_int64(st, 1);
	out->finished_at = sqlite3_column_int64(st, 2);
	col_copy(out->status, sizeof(out->status), st, 3);
	if ((error = col_dup(&out->command, st, 4)) < 0 ||
	    (error = col_dup(&out->targets_json, st, 5)) < 0 ||
	    (error = col_dup(&out->options_json, st, 6)) < 0 ||
	    (error = col_dup(&out->stats_json, st, 7)) < 0 ||
	    (error = col_dup(&out->keyshift_version, st, 8)) < 0)
		ks_run_info_dispose(out);
done:
	sqlite3_finalize(st);
	return error;
}
