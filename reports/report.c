/*
 * reports/report.c - the reporter registry and the streaming driver
 */
#include <keyshift/report.h>

#include <errno.h>
#include <string.h>

#include "alloc.h"
#include "errors.h"
#include "report_int.h"

static const struct ks_reporter *const reporters[] = {
	&ks_reporter_text,
	&ks_reporter_json,
	&ks_reporter_jsonl,
	&ks_reporter_sarif,
	&ks_reporter_csv,
	&ks_reporter_markdown,
	&ks_reporter_html,
	&ks_reporter_fingerprints,
};

const ks_reporter *
ks_report_format_lookup(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(reporters) / sizeof(reporters[0]); i++)
		if (strcmp(reporters[i]->name, name) == 0)
			return reporters[i];
	return NULL;
}

const char *
ks_report_format_names(void)
{
	return "text json jsonl sarif csv markdown html fingerprints";
}

bool
ks_report_format_grouped(const ks_reporter *reporter)
{
	return reporter && reporter->grouped;
}

static int
check_stream(ks_report *r)
{
	if (ferror(r->fp)) {
		ks_error_set(KS_ERROR_OS, "cannot write the report: %s",
		    strerror(errno ? errno : EIO));
		return KS_ERROR;
	}
	return 0;
}

int
ks_report_begin(ks_report **out, const ks_reporter *reporter, FILE *fp,
    const ks_report_options *opts)
{
	ks_report *r;
	ks_report_options defaults = KS_REPORT_OPTIONS_INIT;
	int error;

	KS_ASSERT_ARG(out && reporter && fp);
	*out = NULL;
	if ((r = ks__calloc(1, sizeof(*r))) == NULL)
		return KS_ENOMEM;
	r->reporter = reporter;
	r->fp = fp;
	r->opts = opts ? *opts : defaults;
	if (!r->opts.tool_version)
		r->opts.tool_version = KS_VERSION;
	if (reporter->begin && (error = reporter->begin(r)) < 0) {
		ks__free(r);
		return error;
	}
	*out = r;
	return check_stream(r);
}

int
ks_report_rule_info(ks_report *r, const ks_report_rule *rule)
{
	int error = 0;

	if (r->reporter->rule)
		error = r->reporter->rule(r, rule);
	return error < 0 ? error : check_stream(r);
}

int
ks_report_occurrence(ks_report *r, const ks_occurrence *occ)
{
	int error = 0;

	if (r->reporter->occurrence)
		error = r->reporter->occurrence(r, occ);
	r->noccurrences++;
	return error < 0 ? error : check_stream(r);
}

int
ks_report_diagnostic(ks_report *r, const ks_diagnostic *diag)
{
	int error = 0;

	if (r->reporter->diagnostic)
		error = r->reporter->diagnostic(r, diag);
	r->ndiagnostics++;
	return error < 0 ? error : check_stream(r);
}

int
ks_report_end(ks_report *r, const ks_report_summary *summary)
{
	ks_report_summary none;
	int error = 0;

	if (!r)
		return 0;
	if (!summary) {
		memset(&none, 0, sizeof(none));
		summary = &none;
	}
	if (r->reporter->end)
		error = r->reporter->end(r, summary);
	if (error == 0 && fflush(r->fp) != 0)
		error = check_stream(r);
	if (error == 0)
		error = check_stream(r);
	ks__free(r->state);
	ks__free(r);
	return error;
}
