/*
 * cli/git_scan.h - the git options of `keyshift scan` (docs/GIT.md)
 *
 * Shared by cmd_scan.c (parsing, then before/after ks_scan_run) and
 * cmd_hook.c (which runs scans for git hooks).
 */
#ifndef KS_CLI_GIT_SCAN_H
#define KS_CLI_GIT_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include <keyshift/scan.h>
#include <keyshift/store.h>

#define KS_CLI_GIT_USAGE \
"git repositories (a working tree's top or a bare repository):\n" \
"      --staged            only what the index adds or changes (pre-commit)\n" \
"      --since REV         only what commits in REV..HEAD introduced\n" \
"      --range A..B        only what commits in the range introduced\n" \
"      --rev SPEC          walk SPEC (rev-list syntax: REV, ^REV, A..B;\n" \
"                          repeatable)\n" \
"      --no-worktree       history only: skip modified and untracked files\n" \
"      --all-objects       also unreachable commits and blobs\n" \
"      --incremental       skip commits an earlier complete scan covered\n" \
"      --no-git            scan repositories as plain directories\n"

enum {
	KS_CLI_OPT_STAGED = 512, KS_CLI_OPT_SINCE, KS_CLI_OPT_RANGE,
	KS_CLI_OPT_REV, KS_CLI_OPT_NO_WORKTREE, KS_CLI_OPT_ALL_OBJECTS,
	KS_CLI_OPT_INCREMENTAL, KS_CLI_OPT_NO_GIT, KS_CLI_OPT_GIT_ENV
};

#define KS_CLI_GIT_LONGOPTS \
	{ "staged", no_argument, NULL, KS_CLI_OPT_STAGED }, \
	{ "since", required_argument, NULL, KS_CLI_OPT_SINCE }, \
	{ "range", required_argument, NULL, KS_CLI_OPT_RANGE }, \
	{ "rev", required_argument, NULL, KS_CLI_OPT_REV }, \
	{ "no-worktree", no_argument, NULL, KS_CLI_OPT_NO_WORKTREE }, \
	{ "all-objects", no_argument, NULL, KS_CLI_OPT_ALL_OBJECTS }, \
	{ "incremental", no_argument, NULL, KS_CLI_OPT_INCREMENTAL }, \
	{ "no-git", no_argument, NULL, KS_CLI_OPT_NO_GIT }, \
	{ "git-env", no_argument, NULL, KS_CLI_OPT_GIT_ENV }

struct ks_cli_git {
	const char **revs;        /* owned array; strings borrowed or owned */
	char **owned;             /* strings made here */
	size_t nrevs, nowned, cap;
	unsigned flags;
	bool incremental;
	ks_git_state **states;    /* one per target that is a repository */
	size_t nstates;
};

#define KS_CLI_GIT_INIT { NULL, NULL, 0, 0, 0, 0, false, NULL, 0 }

/* Handle option `c` (a KS_CLI_OPT_*): 1 if it was one, 0 if not, -1 on
 * a usage error (printed). */
int ks_cli_git_option(struct ks_cli_git *g, int c, const char *arg);
/* Fill the git fields of `opts`; with a store, snapshot the refs of each
 * repository target (full-history scans only). 0, or -1 (printed). */
int ks_cli_git_before(struct ks_cli_git *g, ks_scan_options *opts,
    ks_store *store);
/* After a complete scan: record what it covered. 0, or -1 (printed). */
int ks_cli_git_after(struct ks_cli_git *g, ks_store *store, int64_t run_id);
void ks_cli_git_dispose(struct ks_cli_git *g);

#endif
