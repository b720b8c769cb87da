/*
 * cli/filter.h - suppressions (.keyshift-ignore) and baselines
 *
 * Both name findings by content fingerprint, never by line, so they
 * survive code moves, and a new secret on a suppressed line is still
 * reported. Formats: docs/REPORTS.md.
 *
 *   .keyshift-ignore   FINGERPRINT  reason="..." owner="..."
 *                                   [expires=YYYY-MM-DD] [path=GLOB]
 *   baseline           FINGERPRINT (sorted, unique; '#' comments)
 *
 * A filter decides, occurrence by occurrence, whether to report it; it
 * counts what it held back and remembers which entries matched, for
 * `keyshift report --unused-suppressions`.
 */
#ifndef KS_CLI_FILTER_H
#define KS_CLI_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <keyshift/finding.h>
#include <keyshift/scan.h>

struct ks_ignore_entry {
	char fingerprint[KS_FINGERPRINT_HEXLEN + 1];
	char *reason, *owner;
	char *glob;             /* path scope (fnmatch, no FNM_PATHNAME), or NULL */
	char expires[11];       /* "YYYY-MM-DD" or "" */
	char *file;             /* the file it came from (owned) */
	unsigned line;
	size_t base_len;        /* display-path prefix of the file's directory */
	bool expired;           /* expires before the pinned or real clock */
	uint64_t matches;
};

struct ks_filter {
	struct ks_ignore_entry *ignore;
	size_t nignore;
	char (*baseline)[KS_FINGERPRINT_HEXLEN + 1];  /* sorted */
	size_t nbaseline;
	uint64_t suppressed, baselined;  /* occurrences held back */
};

#define KS_FILTER_INIT { NULL, 0, NULL, 0, 0, 0 }

/*
 * Load suppressions from `path`. `base` is the display-path prefix of
 * the directory the file governs ("" for the current directory, "repo"
 * for repo/.keyshift-ignore): path globs match below it. A missing file
 * is not an error when `optional`. Errors are printed; returns -1.
 */
int ks_filter_load_ignore(struct ks_filter *f, const char *path,
    const char *base, bool optional, int64_t now);
/* Load a baseline file (fingerprints, '#' comments). Returns -1 on error. */
int ks_filter_load_baseline(struct ks_filter *f, const char *path);
/*
 * The default suppression files: ./.keyshift-ignore, and
 * TARGET/.keyshift-ignore for each directory target.
 */
int ks_filter_load_default_ignores(struct ks_filter *f,
    const char *const *targets, size_t ntargets, int64_t now);
/* Warn once per expired entry (stderr). */
void ks_filter_warn_expired(const struct ks_filter *f);

/* Should `o` be reported? Counts and marks what it holds back. */
bool ks_filter_keep(struct ks_filter *f, const ks_occurrence *o);

/*
 * Write "FILE:LINE: FINGERPRINT reason=... owner=..." for every entry
 * that matched nothing; returns how many.
 */
size_t ks_filter_write_unused(const struct ks_filter *f, FILE *fp);

void ks_filter_dispose(struct ks_filter *f);

/*
 * The occurrences of a scan result to report: those `f` keeps, in scan
 * order, or grouped by finding (ks_filter_sort_grouped) when `grouped`.
 * *out is malloc'd (free()); its pointers borrow from `result`.
 */
int ks_filter_select(struct ks_filter *f, const ks_occurrence ***out,
    size_t *nout, const ks_scan_result *result, bool grouped);

/* Sort an array of occurrence pointers by (rule id, fingerprint, path,
 * line, column, commit): the order grouped formats want. */
void ks_filter_sort_grouped(const ks_occurrence **v, size_t n);

/* Number of distinct fingerprints among `v` (sorts a scratch copy). */
uint64_t ks_filter_count_findings(const ks_occurrence *const *v, size_t n);

#endif
