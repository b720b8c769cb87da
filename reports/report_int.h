/*
 * reports/report_int.h - the reporter descriptor (tmux cmd_entry style)
 *
 * To add a format: write fmt_NAME.c with a `const struct ks_reporter
 * ks_reporter_NAME`, list it in report.c's registry and format names,
 * reports/CMakeLists.txt, docs/REPORTS.md, and add golden tests
 * (tests/golden/reports/NAME/, tests/cli/600-reports-golden.bats).
 */
#ifndef KS_REPORTS_REPORT_INT_H
#define KS_REPORTS_REPORT_INT_H

#include <keyshift/report.h>

struct ks_report {
	const struct ks_reporter *reporter;
	FILE *fp;
	ks_report_options opts;
	uint64_t noccurrences;
	uint64_t ndiagnostics;
	void *state;            /* the format's own */
};

struct ks_reporter {
	const char *name;
	bool grouped;           /* wants one finding's occurrences together */
	int (*begin)(struct ks_report *r);
	int (*rule)(struct ks_report *r, const ks_report_rule *rule);
	int (*occurrence)(struct ks_report *r, const ks_occurrence *occ);
	int (*diagnostic)(struct ks_report *r, const ks_diagnostic *diag);
	int (*end)(struct ks_report *r, const ks_report_summary *summary);
};

extern const struct ks_reporter ks_reporter_text;
extern const struct ks_reporter ks_reporter_json;
extern const struct ks_reporter ks_reporter_jsonl;
extern const struct ks_reporter ks_reporter_sarif;
extern const struct ks_reporter ks_reporter_csv;
extern const struct ks_reporter ks_reporter_markdown;
extern const struct ks_reporter ks_reporter_html;
extern const struct ks_reporter ks_reporter_fingerprints;

/* Shared by the JSON formats: one occurrence as a JSON object. */
void ks_json_occurrence(FILE *fp, const ks_occurrence *occ);
void ks_json_diagnostic(FILE *fp, const ks_diagnostic *diag);

#endif
