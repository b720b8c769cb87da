/*
 * reports/fmt_text.c - the human format
 *
 *   path:line:column: rule-id  Rule name  [category]  fingerprint  preview
 *       snippet                                        (with --verbose)
 *
 * Every value is made terminal-safe (no raw control characters, invalid
 * UTF-8 shown as \xNN), so a hostile file name cannot drive the terminal.
 */
#include <string.h>

#include "json_writer.h"
#include "report_int.h"
#include "tally.h"

#define C_RED "\033[31m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_OFF "\033[0m"

static const char *
col(const struct ks_report *r, const char *code)
{
	return r->opts.color ? code : "";
}

static int
text_occurrence(struct ks_report *r, const ks_occurrence *o)
{
	FILE *fp = r->fp;

	fputs(col(r, C_BOLD), fp);
	ks_text_safe(fp, o->path);
	fprintf(fp, ":%u:%u:%s %s", o->line, o->column, col(r, C_OFF),
	    col(r, C_RED));
	ks_text_safe(fp, o->rule_id);
	fprintf(fp, "%s  ", col(r, C_OFF));
	ks_text_safe(fp, o->rule_name);
	fputs("  [", fp);
	ks_text_safe(fp, o->category);
	fprintf(fp, "]  %s  ", o->fingerprint);
	if (o->status) {
		ks_text_safe(fp, o->status);
		fputs("  ", fp);
	}
	ks_text_safe(fp, o->secret ? o->secret : o->secret_preview);
	if (o->commit) {
		fputs("  commit ", fp);
		ks_text_safe(fp, o->commit);
	}
	if (o->client_id) {
		fputs("  client_id ", fp);
		ks_text_safe(fp, o->client_id);
	}
	if (o->status_time) {
		fputs("  triaged", fp);
		ks_write_triage(fp, o, ks_text_safe);
	}
	fputc('\n', fp);
	if (r->opts.verbose && o->snippet) {
		fprintf(fp, "    %s", col(r, C_DIM));
		ks_text_safe(fp, o->snippet);
		fprintf(fp, "%s\n", col(r, C_OFF));
	}
	return 0;
}

static int
text_end(struct ks_report *r, const ks_report_summary *s)
{
	FILE *fp = r->fp;

	fprintf(fp, "%s%llu finding%s (%llu occurrence%s)%s in %llu file%s, "
	    "%.1f MB",
	    r->noccurrences ? "\n" : "",
	    (unsigned long long)s->findings, s->findings == 1 ? "" : "s",
	    (unsigned long long)s->occurrences,
	    s->occurrences == 1 ? "" : "s",
	    "",
	    (unsigned long long)s->files, s->files == 1 ? "" : "s",
	    (double)s->bytes / 1e6);
	if (!r->opts.now)
		fprintf(fp, ", %.2f s", s->seconds);
	if (s->skipped)
		fprintf(fp, "; %llu skipped", (unsigned long long)s->skipped);
	if (s->suppressed)
		fprintf(fp, "; %llu suppressed",
		    (unsigned long long)s->suppressed);
	if (s->baselined)
		fprintf(fp, "; %llu in the baseline",
		    (unsigned long long)s->baselined);
	if (s->diagnostics)
		fprintf(fp, "; %llu diagnostic%s",
		    (unsigned long long)s->diagnostics,
		    s->diagnostics == 1 ? "" : "s");
	fputc('\n', fp);
	if (s->store_path) {
		fputs("store: ", fp);
		ks_text_safe(fp, s->store_path);
		if (s->run_id)
			fprintf(fp, " (scan run %lld)", (long long)s->run_id);
		fputc('\n', fp);
	}
	return 0;
}

const struct ks_reporter ks_reporter_text = {
	.name = "text",
	.occurrence = text_occurrence,
	.end = text_end,
};
