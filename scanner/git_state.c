/*
 * scanner/git_state.c - incremental git scans: what was scanned, per ref
 *
 * Runs on the caller's thread, before and after ks_scan_run(), when no
 * writer owns the store. The snapshot of the refs is taken before the
 * scan: a ref that moves during the scan is recorded at its old commit,
 * so the next incremental scan covers the difference (never a gap).
 */
#include <keyshift/scan.h>

#include <string.h>

#include "alloc.h"
#include "errors.h"
#include "source_git.h"
#include "store_git.h"
#include "str.h"
#include "vec.h"

struct ks_git_state {
	char *repo;          /* the git directory, absolute: the state's key */
	ks_str snapshot;     /* "ref\0commit\0" pairs, now */
	ks_vec hide;         /* char *: commits covered earlier */
};

static void
free_item(void *p)
{
	ks__free(p);
}

void
ks_git_state_free(ks_git_state *st)
{
	if (!st)
		return;
	ks__free(st->repo);
	ks_str_dispose(&st->snapshot);
	ks_vec_dispose(&st->hide, free_item);
	ks__free(st);
}

static int
add_hidden(const char *ref, const char *commit, void *payload)
{
	ks_git_state *st = payload;
	char *c;

	(void)ref;
	if ((c = ks__strdup(commit)) == NULL)
		return KS_ENOMEM;
	if (ks_vec_push(&st->hide, c) < 0) {
		ks__free(c);
		return KS_ENOMEM;
	}
	return 0;
}

int
ks_git_state_prepare(ks_git_state **out, const char *target, ks_store *store,
    bool incremental, ks_scan_options *opts)
{
	ks_git_state *st;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(target);
	*out = NULL;
	if ((st = ks__calloc(1, sizeof(*st))) == NULL)
		return KS_ENOMEM;
	ks_str_init(&st->snapshot, 0);
	if ((error = ks_source_git_snapshot(target, &st->repo,
	    &st->snapshot)) < 0)
		goto done;
	if (incremental && store &&
	    (error = ks_store_git_scanned(store, st->repo, add_hidden,
	    st)) < 0)
		goto done;
	if (opts && st->hide.len) {
		opts->git_hide = (const char *const *)st->hide.items;
		opts->ngit_hide = st->hide.len;
	}
	*out = st;
	st = NULL;
done:
	ks_git_state_free(st);
	return error;
}

int
ks_git_state_save(const ks_git_state *st, ks_store *store, int64_t run_id)
{
	KS_ASSERT_ARG(st);
	if (!store)
		return 0;
	return ks_store_git_record(store, st->repo, run_id, st->snapshot.ptr,
	    st->snapshot.len);
}
