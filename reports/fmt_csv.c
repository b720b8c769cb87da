/*
 * reports/fmt_csv.c - RFC 4180 CSV, one row per occurrence
 *
 * A header row, CRLF line ends, fields quoted only when they must be.
 * Cells that a spreadsheet would run as a formula (leading '=', '+', '-',
 * '@', TAB, CR) get a leading "'" (OWASP CSV injection guidance): paths
 * and snippets come from the scanned code, which an attacker may write.
 * The column set is fixed and documented in docs/JSON.md; new columns
 * are only ever appended.
 */
#include <inttypes.h>

#include "escape.h"
#include "report_int.h"
#include "tally.h"

static const char *const columns[] = {
	"fingerprint", "status", "rule", "rule_name", "category",
	"confidence", "secret_preview", "source", "path", "line", "column",
	"end_line", "end_column", "commit", "author", "date", "client_id",
	"issuer", "provider", "secret", "status_reason", "status_user",
	"status_time",
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

static int
csv_begin(struct ks_report *r)
{
	size_t i;

	for (i = 0; i < NCOLUMNS; i++) {
		if (i)
			fputc(',', r->fp);
		fputs(columns[i], r->fp);
	}
	fputs("\r\n", r->fp);
	return 0;
}

static void
cell(FILE *fp, const char *s)
{
	ks_csv_cell(fp, s);
	fputc(',', fp);
}

static int
csv_occurrence(struct ks_report *r, const ks_occurrence *o)
{
	FILE *fp = r->fp;

	cell(fp, o->fingerprint);
	cell(fp, o->status ? o->status : "open");
	cell(fp, o->rule_id);
	cell(fp, o->rule_name);
	cell(fp, o->category);
	cell(fp, o->confidence);
	cell(fp, o->secret_preview);
	cell(fp, o->source);
	cell(fp, o->path);
	fprintf(fp, "%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",%" PRIu32 ",",
	    o->line, o->column, o->end_line, o->end_column);
	cell(fp, o->commit);
	cell(fp, o->author);
	cell(fp, o->date);
	cell(fp, o->client_id);
	cell(fp, o->issuer);
	cell(fp, o->provider);
	cell(fp, o->secret);
	cell(fp, o->status_reason);
	cell(fp, o->status_user);
	if (o->status_time) {
		char stamp[21];

		ks_utc_stamp(o->status_time, stamp);
		fputs(stamp, fp);
	}
	fputs("\r\n", fp);
	return 0;
}

const struct ks_reporter ks_reporter_csv = {
	.name = "csv",
	.begin = csv_begin,
	.occurrence = csv_occurrence,
};
