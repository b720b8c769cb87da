/*
 * reports/fmt_markdown.c - a summary for pull-request comments
 *
 *   ### keyshift: N findings
 *   totals by category, a table of occurrences (at most MD_MAX_ROWS, so
 *   the comment stays under the hosts' size limits), the advice per
 *   category.
 *
 * The totals come first but are only known at the end, so the rows are
 * spooled to a memory stream (bounded by MD_MAX_ROWS). Every value is
 * written with ks_md_text(): '|' and '`' are escaped, and no HTML or
 * @mention reaches the renderer. Secrets never appear: previews only.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "escape.h"
#include "remediation.h"
#include "report_int.h"
#include "tally.h"

#define MD_MAX_ROWS 100

struct md_state {
	struct ks_summary_tallies t;
	struct ks_group g;
	char *rows;
	size_t rows_len;
	FILE *rowfp;            /* open_memstream over rows */
	uint64_t nrows;
};

static void
md_state_free(struct md_state *st)
{
	if (!st)
		return;
	if (st->rowfp)
		fclose(st->rowfp);
	free(st->rows);         /* open_memstream memory is libc's */
	ks_group_dispose(&st->g);
	ks_summary_tallies_dispose(&st->t);
	ks__free(st);
}

static int
md_begin(struct ks_report *r)
{
	struct md_state *st;

	if ((st = ks__calloc(1, sizeof(*st))) == NULL)
		return KS_ENOMEM;
	if ((st->rowfp = open_memstream(&st->rows, &st->rows_len)) == NULL) {
		ks__free(st);
		return KS_ENOMEM;
	}
	r->state = st;
	return 0;
}

static int
md_occurrence(struct ks_report *r, const ks_occurrence *o)
{
	struct md_state *st = r->state;
	FILE *fp = st->rowfp;
	bool started;
	int error;

	if ((error = ks_group_add(&st->g, &st->t, o, r->opts.now,
	    &started)) < 0)
		return error;
	if (st->nrows++ >= MD_MAX_ROWS)
		return 0;
	fputs("| ", fp);
	ks_md_text(fp, o->status ? o->status : "open");
	ks_write_triage(fp, o, ks_md_text);
	fputs(" | ", fp);
	ks_md_text(fp, o->rule_name ? o->rule_name : o->rule_id);
	fputs(" (", fp);
	ks_md_text(fp, o->rule_id);
	fputs(") | ", fp);
	ks_md_text(fp, o->path);
	fprintf(fp, ":%" PRIu32 ":%" PRIu32, o->line, o->column);
	if (o->commit) {
		fputs(" @ ", fp);
		ks_md_text(fp, o->commit);
	}
	fputs(" | ", fp);
	ks_md_text(fp, o->secret ? o->secret : o->secret_preview);
	fprintf(fp, " | `%.12s` |\n", o->fingerprint);
	return 0;
}

static void
totals_table(FILE *fp, const char *title, struct ks_tally *t)
{
	size_t i;

	ks_tally_sort_by_count(t);
	fprintf(fp, "| %s | Findings | Occurrences |\n| --- | ---: | ---: |\n",
	    title);
	for (i = 0; i < t->n; i++) {
		fputs("| ", fp);
		ks_md_text(fp, t->v[i].key);
		fprintf(fp, " | %" PRIu64 " | %" PRIu64 " |\n",
		    t->v[i].findings, t->v[i].occurrences);
	}
	fputc('\n', fp);
}

static void
write_counts(FILE *fp, const ks_report_summary *s)
{
	if (s->files)
		fprintf(fp, " across %" PRIu64 " file%s", s->files,
		    s->files == 1 ? "" : "s");
	if (s->suppressed)
		fprintf(fp, "; %" PRIu64 " suppressed", s->suppressed);
	if (s->baselined)
		fprintf(fp, "; %" PRIu64 " in the baseline", s->baselined);
	if (s->diagnostics)
		fprintf(fp, "; %" PRIu64 " input%s not scanned",
		    s->diagnostics, s->diagnostics == 1 ? "" : "s");
}

static int
md_end(struct ks_report *r, const ks_report_summary *s)
{
	struct md_state *st = r->state;
	FILE *fp = r->fp;
	size_t i;
	int error;

	if (!st)
		return 0;
	if ((error = ks_group_close(&st->g, &st->t)) < 0)
		goto done;
	if (fclose(st->rowfp) != 0) {
		st->rowfp = NULL;
		error = KS_ENOMEM;
		goto done;
	}
	st->rowfp = NULL;
	if (st->t.findings == 0) {
		fputs("### keyshift: no secrets found\n\n", fp);
		fputs("No new secrets", fp);
		write_counts(fp, s);
		fputs(".\n", fp);
		goto done;
	}
	fprintf(fp, "### keyshift: %" PRIu64 " finding%s\n\n", st->t.findings,
	    st->t.findings == 1 ? "" : "s");
	fprintf(fp, "**%" PRIu64 " secret%s** in %" PRIu64 " place%s",
	    st->t.findings, st->t.findings == 1 ? "" : "s",
	    st->t.occurrences, st->t.occurrences == 1 ? "" : "s");
	write_counts(fp, s);
	fputs(". Values are masked.\n\n", fp);
	totals_table(fp, "Category", &st->t.category);
	fputs("| Status | Rule | Location | Preview | Fingerprint |\n"
	    "| --- | --- | --- | --- | --- |\n", fp);
	fwrite(st->rows, 1, st->rows_len, fp);
	if (st->nrows > MD_MAX_ROWS)
		fprintf(fp, "\n… and %" PRIu64 " more; run `keyshift report` "
		    "for the full list.\n", st->nrows - MD_MAX_ROWS);
	fputs("\n**What to do**\n\n", fp);
	ks_tally_sort_by_key(&st->t.category);
	for (i = 0; i < st->t.category.n; i++) {
		fputs("- ", fp);
		ks_md_text(fp, st->t.category.v[i].key);
		fprintf(fp, ": %s\n",
		    ks_remediation_summary(st->t.category.v[i].key));
	}
	fputs("\nFalse positive? `keyshift findings triage FINGERPRINT "
	    "--status false-positive --reason TEXT`, or add the fingerprint "
	    "to `.keyshift-ignore`.\n", fp);
done:
	md_state_free(st);
	r->state = NULL;
	return error;
}

const struct ks_reporter ks_reporter_markdown = {
	.name = "markdown",
	.grouped = true,
	.begin = md_begin,
	.occurrence = md_occurrence,
	.end = md_end,
};
