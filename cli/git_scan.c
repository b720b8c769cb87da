/*
 * cli/git_scan.c - the git options of `keyshift scan`
 */
#include "git_scan.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int
add_rev(struct ks_cli_git *g, const char *rev, bool own)
{
	char *copy = NULL;

	if (g->nrevs == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 8;
		const char **r = realloc(g->revs, cap * sizeof(*r));
		char **o = realloc(g->owned, cap * sizeof(*o));

		if (r)
			g->revs = r;
		if (o)
			g->owned = o;
		if (!r || !o) {
			ks_cli_error("out of memory");
			return -1;
		}
		g->cap = cap;
	}
	if (own) {
		if ((copy = strdup(rev)) == NULL) {
			ks_cli_error("out of memory");
			return -1;
		}
		g->owned[g->nowned++] = copy;
		rev = copy;
	}
	g->revs[g->nrevs++] = rev;
	return 0;
}

int
ks_cli_git_option(struct ks_cli_git *g, int c, const char *arg)
{
	size_t n;
	char *spec;
	int r;

	switch (c) {
	case KS_CLI_OPT_STAGED: g->flags |= KS_SCAN_GIT_STAGED; return 1;
	case KS_CLI_OPT_NO_WORKTREE:
		g->flags |= KS_SCAN_GIT_NO_WORKTREE;
		return 1;
	case KS_CLI_OPT_ALL_OBJECTS:
		g->flags |= KS_SCAN_GIT_ALL_OBJECTS;
		return 1;
	case KS_CLI_OPT_NO_GIT: g->flags |= KS_SCAN_NO_GIT; return 1;
	case KS_CLI_OPT_GIT_ENV: g->flags |= KS_SCAN_GIT_FROM_ENV; return 1;
	case KS_CLI_OPT_INCREMENTAL: g->incremental = true; return 1;
	case KS_CLI_OPT_REV:
		return add_rev(g, arg, false) < 0 ? -1 : 1;
	case KS_CLI_OPT_RANGE:
		if (!strstr(arg, "..") || strstr(arg, "...")) {
			ks_cli_error("--range: expected A..B, got '%s'", arg);
			return -1;
		}
		return add_rev(g, arg, false) < 0 ? -1 : 1;
	case KS_CLI_OPT_SINCE:
		n = strlen(arg) + 2;
		if ((spec = malloc(n)) == NULL) {
			ks_cli_error("out of memory");
			return -1;
		}
		snprintf(spec, n, "^%s", arg);
		r = add_rev(g, spec, true);
		free(spec);
		if (r < 0 || add_rev(g, "HEAD", false) < 0)
			return -1;
		return 1;
	default:
		return 0;
	}
}

int
ks_cli_git_before(struct ks_cli_git *g, ks_scan_options *opts,
    ks_store *store)
{
	size_t i;

	if ((g->flags & KS_SCAN_GIT_STAGED) && g->nrevs) {
		ks_cli_error("--staged excludes --since, --range and --rev");
		return -1;
	}
	if (g->incremental && !store) {
		ks_cli_error("--incremental needs a store (not --no-store)");
		return -1;
	}
	opts->git_flags = g->flags;
	opts->git_revs = g->nrevs ? g->revs : NULL;
	opts->ngit_revs = g->nrevs;
	/* Only a complete full-history scan says what a ref covered. */
	if (!store || g->nrevs || (g->flags & (KS_SCAN_GIT_STAGED |
	    KS_SCAN_NO_GIT)))
		return 0;
	if ((g->states = calloc(opts->ntargets, sizeof(*g->states))) == NULL) {
		ks_cli_error("out of memory");
		return -1;
	}
	for (i = 0; i < opts->ntargets; i++) {
		ks_git_state *st = NULL;

		if (strcmp(opts->targets[i], "-") == 0)
			continue;
		/* Not a repository: scanned as files, nothing to record. */
		if (ks_git_state_prepare(&st, opts->targets[i], store,
		    g->incremental, opts) < 0) {
			ks_error_clear();
			continue;
		}
		g->states[g->nstates++] = st;
		/* opts->git_hide is one list: several repositories can
		 * share it (an unknown commit hides nothing). */
		if (g->nstates > 1 && g->incremental) {
			ks_cli_error("--incremental scans one repository at "
			    "a time");
			return -1;
		}
	}
	return 0;
}

int
ks_cli_git_after(struct ks_cli_git *g, ks_store *store, int64_t run_id)
{
	size_t i;

	for (i = 0; i < g->nstates; i++)
		if (ks_git_state_save(g->states[i], store, run_id) < 0) {
			ks_cli_error_last("cannot record the git scan state");
			return -1;
		}
	return 0;
}

void
ks_cli_git_dispose(struct ks_cli_git *g)
{
	size_t i;

	for (i = 0; i < g->nowned; i++)
		free(g->owned[i]);
	for (i = 0; i < g->nstates; i++)
		ks_git_state_free(g->states[i]);
	free(g->owned);
	free(g->revs);
	free(g->states);
	memset(g, 0, sizeof(*g));
}
