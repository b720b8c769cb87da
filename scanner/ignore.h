/*
 * scanner/ignore.h - .gitignore / .keyshiftignore patterns and globs
 *
 * Library-internal. A reasonable subset of gitignore(5), kept correct and
 * simple:
 *   - one pattern per line; blank lines and `#` comments are skipped;
 *     trailing spaces are trimmed; `\#`, `\!` and `\ ` escape;
 *   - `!pat` re-includes what an earlier pattern excluded (but, as in git,
 *     nothing inside an excluded directory: that directory is not walked);
 *   - `pat/` matches directories only;
 *   - a pattern with a `/` before its end is anchored to the directory of
 *     its ignore file; one without matches the name at any depth below it;
 *   - `*` and `?` never match `/`; `[...]` classes (`!`/`^` negate,
 *     ranges); `**` as a whole segment matches any number of directories
 *     (`**` + `/x`, `x/` + `**`, `a/` + `**` + `/b`).
 * Patterns of deeper directories win over shallower ones; within one
 * file, later lines win over earlier ones.
 */
#ifndef KS_SCANNER_IGNORE_H
#define KS_SCANNER_IGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include <keyshift/common.h>

#include "vec.h"

/* A stack of pattern lists, one per ignore file, root first. */
struct ks_ignore {
	ks_vec lists;
};

#define KS_IGNORE_INIT { KS_VEC_INIT }

/*
 * Read `.gitignore` and `.keyshiftignore` in the directory `fsdir` (whose
 * path relative to the scan root is `reldir`, "" for the root) and push
 * their patterns. *pushed_out says how many lists were pushed, for
 * ks_ignore_pop(). Missing or unreadable files are skipped.
 */
int ks_ignore_push_dir(struct ks_ignore *ig, const char *fsdir,
    const char *reldir, size_t *pushed_out) KS_WARN_UNUSED;

/* Parse the text of an ignore file and push it (for tests too). */
int ks_ignore_push_text(struct ks_ignore *ig, const char *reldir,
    const char *text, size_t len) KS_WARN_UNUSED;

void ks_ignore_pop(struct ks_ignore *ig, size_t n);
void ks_ignore_dispose(struct ks_ignore *ig);

/* Is `rel` (relative to the root, no leading "./") ignored? */
bool ks_ignore_match(const struct ks_ignore *ig, const char *rel,
    bool is_dir);

/* Glob `pat` against `str` with the rules above (`/` is special). */
bool ks_glob_match(const char *pat, const char *str);

#endif
