/*
 * scanner/source_git.h - git repositories as a source of blobs
 *
 * Library-internal. The git source enumerates, with libgit2 (never a git
 * subprocess):
 *
 *   history   every blob introduced by a commit reachable from the
 *             revisions (default: every ref, HEAD and the stash), each
 *             (blob, path) with the commit that introduced it there first
 *             by commit date, and every other commit that introduced it
 *             there as a further provenance;
 *   worktree  modified and untracked files, and staged blobs that no
 *             commit has (skipped with KS_GIT_NO_WORKTREE);
 *   staged    with KS_GIT_STAGED only what the index adds or changes
 *             against HEAD (pre-commit);
 *   all       with KS_GIT_ALL_OBJECTS also unreachable commits and blobs.
 *
 * See docs/GIT.md for the design and its measured trade-offs.
 */
#ifndef KS_SCANNER_SOURCE_GIT_H
#define KS_SCANNER_SOURCE_GIT_H

#include <stdbool.h>
#include <stddef.h>

#include <keyshift/common.h>

#include "source.h"
#include "str.h"

enum ks_git_flags {
	KS_GIT_STAGED = (1 << 0),       /* the index against HEAD only */
	KS_GIT_NO_WORKTREE = (1 << 1),  /* history only */
	KS_GIT_ALL_OBJECTS = (1 << 2),  /* unreachable objects too */
	KS_GIT_FROM_ENV = (1 << 3)      /* honour GIT_DIR, GIT_OBJECT_DIRECTORY
	                                 * (server-side hooks, quarantine) */
};

/*
 * What to enumerate. Every pointer is borrowed for the duration of
 * ks_source_git_open() only: the source copies what it keeps.
 */
struct ks_git_options {
	unsigned flags;              /* enum ks_git_flags */
	/*
	 * Revisions, as for git rev-list: "REV", "^REV", "A..B", and
	 * "^--all" (hide every ref: the commits a pushed new branch adds).
	 * None: every ref, HEAD and the stash (full history).
	 */
	const char *const *revs;
	size_t nrevs;
	/* Commits already scanned (incremental): hidden from the walk. */
	const char *const *hide;
	size_t nhide;
};

#define KS_GIT_OPTIONS_INIT { 0, NULL, 0, NULL, 0 }

extern const struct ks_source_ops ks_source_git_ops;

/*
 * Whether `target` names a repository: a working tree's top directory
 * (with .git) or a bare repository. A subdirectory of a working tree is
 * not one: it is scanned as files.
 */
bool ks_source_git_is_repo(const char *target);

/* open() of ks_source_git_ops, with the git options spelled out. */
int ks_source_git_open(void **out, const char *target,
    const struct ks_source_config *cfg, const struct ks_git_options *gopts)
    KS_WARN_UNUSED;

/*
 * The refs of the repository `target` and their commits now, appended to
 * `pairs` as "refname\0hex\0", and in *repo_out the absolute path of its
 * git directory (the key of its scan state; free with ks__free).
 */
int ks_source_git_snapshot(const char *target, char **repo_out,
    ks_str *pairs) KS_WARN_UNUSED;

/* The repository path recorded with its blobs (borrowed from `src`). */
const char *ks_source_git_repo(void *src);

#endif
