/*
 * keyshift/report.h - rendering occurrences and diagnostics
 *
 * A reporter is a streaming serializer: begin, one call per occurrence,
 * one per diagnostic, end. It never loads every finding into memory and
 * never sees a secret unless the caller put one in ks_occurrence.secret
 * (only with --show-secrets). Every string is escaped for its format.
 */
#ifndef KS_KEYSHIFT_REPORT_H
#define KS_KEYSHIFT_REPORT_H

#include <stdio.h>

#include <keyshift/common.h>
#include <keyshift/error.h>
#include <keyshift/finding.h>

KS_BEGIN_DECL

/** Counters shown in summaries; any may be 0 when unknown. */
typedef struct {
	uint64_t files;
	uint64_t bytes;
	uint64_t blobs;
	uint64_t skipped;
	uint64_t diagnostics;
	uint64_t occurrences;
	uint64_t findings;
	uint64_t suppressed;      /**< not reported: matched .keyshift-ignore */
	uint64_t baselined;       /**< not reported: in the --baseline file */
	double seconds;
	int64_t run_id;
	const char *store_path;  /**< NULL without a store */
} ks_report_summary;

typedef struct {
	unsigned version;
	bool color;               /**< text: ANSI colour */
	bool verbose;             /**< text: print snippets */
	int64_t now;              /**< pinned clock (SOURCE_DATE_EPOCH), or 0 */
	const char *tool_version;
} ks_report_options;

#define KS_REPORT_OPTIONS_VERSION 1
#define KS_REPORT_OPTIONS_INIT { KS_REPORT_OPTIONS_VERSION, false, false, 0, \
	KS_VERSION }

/** What a report says about a rule (SARIF tool.driver.rules, help). */
typedef struct {
	const char *id;
	const char *name;
	const char *description;
	const char *category;
	const char *confidence;
	const char *remediation;  /**< may be NULL */
} ks_report_rule;

typedef struct ks_reporter ks_reporter;

/**
 * The reporter for a format name ("text", "json", "jsonl", "sarif", "csv",
 * "markdown", "html"), or NULL.
 */
KS_EXTERN(const ks_reporter *) ks_report_format_lookup(const char *name);
/** Space-separated list of the supported format names (static). */
KS_EXTERN(const char *) ks_report_format_names(void);
/**
 * True when the format shows each finding with all its occurrences
 * (markdown, html): feed it the occurrences of one finding consecutively,
 * or a finding is shown once per run of its occurrences.
 */
KS_EXTERN(bool) ks_report_format_grouped(const ks_reporter *reporter);

typedef struct ks_report ks_report;

/** Start a report to `fp` (not closed by the report). */
KS_EXTERN(int) ks_report_begin(ks_report **out, const ks_reporter *reporter,
    FILE *fp, const ks_report_options *opts) KS_WARN_UNUSED;
/**
 * Describe a rule. Call for every rule the report may mention, after
 * ks_report_begin() and before the first occurrence; the strings are
 * copied.
 */
KS_EXTERN(int) ks_report_rule_info(ks_report *r, const ks_report_rule *rule)
    KS_WARN_UNUSED;
KS_EXTERN(int) ks_report_occurrence(ks_report *r, const ks_occurrence *occ)
    KS_WARN_UNUSED;
KS_EXTERN(int) ks_report_diagnostic(ks_report *r, const ks_diagnostic *diag)
    KS_WARN_UNUSED;
/** Write the trailer (summary) and free the report, even on error. */
KS_EXTERN(int) ks_report_end(ks_report *r, const ks_report_summary *summary)
    KS_WARN_UNUSED;

KS_END_DECL
#endif
