/*
 * reports/fmt_html.c - one self-contained HTML file for the inventory
 *
 * Layout: header, key figures, totals by category / provider / root
 * (repository or scan target), the sprawl chart (findings by first-seen
 * day: commit date, else scan time) as inline SVG, then every finding
 * with its triage and migration state and all its locations, then the
 * inputs that could not be scanned.
 *
 * Safety: no script, no external resource of any kind, and a CSP meta
 * tag that forbids everything but inline styles and data: images, so
 * even a bug in escaping cannot load or run anything. Every value goes
 * through ks_html_text(); numbers and hex fingerprints are the only
 * unescaped output.
 *
 * Streaming: the totals come first but are known only at the end, so
 * the findings section is spooled to an unnamed temporary file (0600,
 * masked values only) and copied after the header; memory holds the
 * tallies and one finding's location rows, never the whole inventory.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "errors.h"
#include "escape.h"
#include "remediation.h"
#include "report_int.h"
#include "tally.h"

#define CSP "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

struct html_state {
	struct ks_summary_tallies t;
	struct ks_group g;
	FILE *spool;            /* the findings section */
	FILE *locfp;            /* memstream: the open finding's rows */
	char *loc;
	size_t loc_len;
	uint64_t ndiag;
	FILE *diagfp;           /* memstream: diagnostics rows */
	char *diag;
	size_t diag_len;
	int64_t fallback_time;
	bool has_git;           /* the open finding has a commit somewhere */
};

static const char css[] =
":root{--ink:#1d2433;--muted:#5b6475;--line:#e3e6ec;--bg:#f5f6f8;"
"--card:#fff;--accent:#2f5bd3;--red:#c62828;--amber:#b26a00;"
"--green:#2e7d32;--grey:#6b7280}"
"*{box-sizing:border-box}"
"body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
"'Helvetica Neue',Arial,sans-serif;color:var(--ink);background:var(--bg)}"
"header{background:#16213a;color:#fff;padding:14px 28px}"
"header h1{margin:0;font-size:20px;font-weight:600;letter-spacing:.2px}"
"header p{margin:2px 0 0;color:#b8c2d8;font-size:12.5px}"
"main{max-width:1280px;margin:0 auto;padding:18px 28px 40px}"
"h2{font-size:15px;margin:0 0 10px;font-weight:600}"
".kpis{display:grid;grid-template-columns:repeat(5,1fr);gap:12px;"
"margin-bottom:14px}"
".kpi{background:var(--card);border:1px solid var(--line);"
"border-radius:8px;padding:10px 14px}"
".kpi b{display:block;font-size:24px;font-weight:650}"
".kpi span{color:var(--muted);font-size:12px;text-transform:uppercase;"
"letter-spacing:.4px}"
".kpi.alert b{color:var(--red)}"
".grid{display:grid;grid-template-columns:repeat(3,1fr);gap:12px;"
"margin-bottom:14px}"
".card{background:var(--card);border:1px solid var(--line);"
"border-radius:8px;padding:12px 14px;margin-bottom:14px}"
".grid .card{margin:0}"
"table{border-collapse:collapse;width:100%}"
"th,td{text-align:left;padding:4px 6px;border-bottom:1px solid var(--line);"
"vertical-align:top}"
"th{font-size:11.5px;color:var(--muted);font-weight:600;"
"text-transform:uppercase;letter-spacing:.3px}"
"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;"
"white-space:nowrap}"
".bar{height:6px;background:#dfe6fb;border-radius:3px;min-width:60px}"
".bar i{display:block;height:6px;background:var(--accent);"
"border-radius:3px}"
".chart svg{width:100%;height:auto;display:block}"
".chart .legend{color:var(--muted);font-size:12px;margin-top:4px}"
".sw{display:inline-block;width:10px;height:10px;border-radius:2px;"
"margin:0 4px 0 12px;vertical-align:-1px}"
"details.finding{background:var(--card);border:1px solid var(--line);"
"border-radius:8px;margin-bottom:10px}"
"details.finding>summary{cursor:pointer;padding:9px 14px;display:flex;"
"flex-wrap:wrap;gap:8px;align-items:center;list-style:none}"
"details.finding>summary::-webkit-details-marker{display:none}"
"details.finding[open]>summary{border-bottom:1px solid var(--line)}"
".fbody{padding:8px 14px 12px}"
".rule{font-weight:600}"
".mono,code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"
"monospace;font-size:12.5px}"
".fp{color:var(--muted)}"
".badge{display:inline-block;border-radius:10px;padding:1px 8px;"
"font-size:11.5px;font-weight:600;border:1px solid transparent;"
"white-space:nowrap}"
".st-open{background:#fdecea;color:var(--red);border-color:#f5c2bd}"
".st-false-positive{background:#f1f2f4;color:var(--grey)}"
".st-accepted-risk{background:#fff4e0;color:var(--amber);"
"border-color:#f3d9a4}"
".st-revoked{background:#e8f5e9;color:var(--green);border-color:#b9dfbb}"
".cat{background:#eef2fd;color:var(--accent)}"
".mig{background:#f3effd;color:#5b3fb8}"
".meta{color:var(--muted);font-size:12.5px;margin:0 0 6px}"
".meta b{color:var(--ink);font-weight:600}"
".advice{font-size:12.5px;color:var(--muted);margin:8px 0 0}"
"td.loc{word-break:break-all}"
"td.key{white-space:nowrap}"
"table.locations th:nth-child(2){width:70px}"
"table.locations th:nth-child(3){width:110px}"
"table.locations th:nth-child(4){width:220px}"
"table.locations th:nth-child(5){width:110px}"
"table.nogit td:nth-child(n+3),table.nogit th:nth-child(n+3){display:none}"
".empty{color:var(--muted);padding:6px 0}"
"footer{color:var(--muted);font-size:12px;text-align:center;"
"padding:10px}"
"@media (max-width:1000px){.grid{grid-template-columns:1fr}"
".kpis{grid-template-columns:repeat(2,1fr)}}"
"@media print{details.finding{break-inside:avoid}}";

static void
html_state_free(struct html_state *st)
{
	if (!st)
		return;
	if (st->spool)
		fclose(st->spool);
	if (st->locfp)
		fclose(st->locfp);
	if (st->diagfp)
		fclose(st->diagfp);
	free(st->loc);          /* open_memstream memory is libc's */
	free(st->diag);
	ks_group_dispose(&st->g);
	ks_summary_tallies_dispose(&st->t);
	ks__free(st);
}

static int
html_begin(struct ks_report *r)
{
	struct html_state *st;

	if ((st = ks__calloc(1, sizeof(*st))) == NULL)
		return KS_ENOMEM;
	r->state = st;
	st->fallback_time = r->opts.now ? r->opts.now : (int64_t)time(NULL);
	if ((st->spool = tmpfile()) == NULL ||
	    (st->diagfp = open_memstream(&st->diag, &st->diag_len)) == NULL) {
		ks_error_set_os("cannot create a temporary file for the "
		    "report");
		html_state_free(st);
		r->state = NULL;
		return KS_ERROR;
	}
	return 0;
}

static void
badge(FILE *fp, const char *cls, const char *text)
{
	fprintf(fp, "<span class=\"badge %s\">", cls);
	ks_html_text(fp, text);
	fputs("</span>", fp);
}

static const char *
status_class(const char *status)
{
	static const char *const known[] = {
		"open", "false-positive", "accepted-risk", "revoked"
	};
	static const char *const cls[] = {
		"st-open", "st-false-positive", "st-accepted-risk",
		"st-revoked"
	};
	size_t i;

	for (i = 0; i < 4; i++)
		if (status && strcmp(status, known[i]) == 0)
			return cls[i];
	return "st-open";
}

/* The finding's heading: written when its first occurrence arrives. */
static void
finding_head(FILE *fp, const ks_occurrence *o)
{
	const char *status = o->status ? o->status : "open";
	char mig[64], buf[256];
	bool client = o->category &&
	    strcmp(o->category, "oauth-client-secret") == 0;

	fprintf(fp, "<details class=\"finding\" open id=\"f-%s\" "
	    "data-fingerprint=\"%s\" data-status=\"", o->fingerprint,
	    o->fingerprint);
	ks_html_text(fp, status);
	fputs("\" data-category=\"", fp);
	ks_html_text(fp, o->category);
	fputs("\"><summary>", fp);
	badge(fp, status_class(status), status);
	fputs("<span class=\"rule\">", fp);
	ks_html_text(fp, o->rule_name ? o->rule_name : o->rule_id);
	fputs("</span>", fp);
	badge(fp, "cat", o->category ? o->category : "unknown");
	if (!ks_extra_member(o->extra_json, "migration", mig, sizeof(mig)))
		snprintf(mig, sizeof(mig), "%s", client ? "not started" :
		    "n/a");
	if (client || strcmp(mig, "n/a") != 0) {
		fputs("<span class=\"badge mig\" title=\"migration to "
		    "private_key_jwt\">migration: ", fp);
		ks_html_text(fp, mig);
		fputs("</span>", fp);
	}
	fputs("<code class=\"preview\">", fp);
	ks_html_text(fp, o->secret ? o->secret : o->secret_preview);
	fprintf(fp, "</code><code class=\"fp\">%s</code></summary>\n"
	    "<div class=\"fbody\">", o->fingerprint);
	fputs("<p class=\"meta\">Rule <code>", fp);
	ks_html_text(fp, o->rule_id);
	fputs("</code>", fp);
	if (o->confidence) {
		fputs(" · confidence <b>", fp);
		ks_html_text(fp, o->confidence);
		fputs("</b>", fp);
	}
	ks_occurrence_provider(o, buf, sizeof(buf));
	fputs(" · provider <b>", fp);
	ks_html_text(fp, buf);
	fputs("</b>", fp);
	if (o->client_id) {
		fputs(" · client_id <code>", fp);
		ks_html_text(fp, o->client_id);
		fputs("</code>", fp);
	}
	if (o->issuer) {
		fputs(" · issuer <code>", fp);
		ks_html_text(fp, o->issuer);
		fputs("</code>", fp);
	}
	if (o->key_info) {
		fputs(" · key <b>", fp);
		ks_html_text(fp, o->key_info);
		fputs("</b>", fp);
	}
	fputs(" · triage <b class=\"triage\">", fp);
	ks_html_text(fp, status);
	fputs("</b>", fp);
	if (o->status_user) {
		fputs(" by ", fp);
		ks_html_text(fp, o->status_user);
	}
	if (o->status_time) {
		ks_utc_stamp(o->status_time, buf);
		fputs(" at ", fp);
		ks_html_text(fp, buf);
	}
	if (o->status_reason) {
		fputs(" (", fp);
		ks_html_text(fp, o->status_reason);
		fputs(")", fp);
	}
	fputs("</p>\n", fp);
}

static void
location_row(FILE *fp, const ks_occurrence *o)
{
	fputs("<tr class=\"location\"><td class=\"loc mono\">", fp);
	ks_html_text(fp, o->path);
	fprintf(fp, ":%" PRIu32 ":%" PRIu32 "</td><td>", o->line, o->column);
	ks_html_text(fp, o->source);
	fputs("</td><td class=\"mono\">", fp);
	if (o->commit)
		fprintf(fp, "%.12s", o->commit);  /* hex, checked by the store */
	fputs("</td><td>", fp);
	ks_html_text(fp, o->author);
	fputs("</td><td class=\"n\">", fp);
	ks_html_text(fp, o->date);
	fputs("</td></tr>\n", fp);
}

/* Close the open finding: its counts, its location table, its advice. */
static int
finding_close(struct html_state *st)
{
	FILE *fp = st->spool;

	if (!st->g.open)
		return 0;
	if (fclose(st->locfp) != 0) {
		st->locfp = NULL;
		return KS_ENOMEM;
	}
	st->locfp = NULL;
	fprintf(fp, "<p class=\"meta\"><b>%" PRIu64 "</b> location%s · first "
	    "seen <b>%s</b></p>\n<table class=\"locations%s\"><thead><tr>"
	    "<th>Location</th><th>Source</th><th>Commit</th><th>Author</th>"
	    "<th class=\"n\">Date</th></tr></thead><tbody>\n",
	    st->g.occurrences, st->g.occurrences == 1 ? "" : "s", st->g.day,
	    st->has_git ? "" : " nogit");
	fwrite(st->loc, 1, st->loc_len, fp);
	free(st->loc);
	st->loc = NULL;
	st->loc_len = 0;
	fputs("</tbody></table><p class=\"advice\">", fp);
	ks_html_text(fp, ks_remediation_summary(st->g.category));
	fputs("</p></div></details>\n", fp);
	return ks_group_close(&st->g, &st->t);
}

static int
html_occurrence(struct ks_report *r, const ks_occurrence *o)
{
	struct html_state *st = r->state;
	bool started;
	int error;

	if (st->g.open && strcmp(st->g.fingerprint, o->fingerprint) != 0 &&
	    (error = finding_close(st)) < 0)
		return error;
	if ((error = ks_group_add(&st->g, &st->t, o, st->fallback_time,
	    &started)) < 0)
		return error;
	if (started) {
		finding_head(st->spool, o);
		if ((st->locfp = open_memstream(&st->loc, &st->loc_len)) ==
		    NULL)
			return KS_ENOMEM;
		st->has_git = false;
	}
	if (o->commit)
		st->has_git = true;
	location_row(st->locfp, o);
	return 0;
}

static int
html_diagnostic(struct ks_report *r, const ks_diagnostic *d)
{
	struct html_state *st = r->state;
	FILE *fp = st->diagfp;

	st->ndiag++;
	fputs("<tr><td class=\"loc mono\">", fp);
	ks_html_text(fp, d->path ? d->path : "-");
	fputs("</td><td>", fp);
	ks_html_text(fp, d->kind);
	fputs("</td><td>", fp);
	ks_html_text(fp, d->message);
	fputs("</td></tr>\n", fp);
	return 0;
}

static void
totals_card(FILE *fp, const char *id, const char *title, struct ks_tally *t)
{
	uint64_t max = ks_tally_max_findings(t);
	size_t i;

	ks_tally_sort_by_count(t);
	fprintf(fp, "<section class=\"card\" id=\"%s\"><h2>%s</h2>", id,
	    title);
	if (t->n == 0) {
		fputs("<p class=\"empty\">None</p></section>\n", fp);
		return;
	}
	fputs("<table><thead><tr><th></th><th class=\"n\">Findings</th>"
	    "<th class=\"n\">Places</th><th></th></tr></thead><tbody>", fp);
	for (i = 0; i < t->n; i++) {
		fputs("<tr><td class=\"key\">", fp);
		ks_html_text(fp, t->v[i].key);
		fprintf(fp, "</td><td class=\"n\">%" PRIu64 "</td><td class=\"n\">"
		    "%" PRIu64 "</td><td style=\"width:28%%\"><div class=\"bar\">"
		    "<i style=\"width:%u%%\"></i></div></td></tr>",
		    t->v[i].findings, t->v[i].occurrences,
		    max ? (unsigned)(t->v[i].findings * 100 / max) : 0);
	}
	fputs("</tbody></table></section>\n", fp);
}

/* Days since 1970-01-01 of "YYYY-MM-DD" (H. Hinnant's algorithm). */
static long
day_number(const char *s)
{
	long y = strtol(s, NULL, 10), m = strtol(s + 5, NULL, 10),
	    d = strtol(s + 8, NULL, 10), era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
day_label(long day, char out[11])
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		strcpy(out, "?");
}

#define CX0 56
#define CX1 984
#define CY0 12
#define CY1 104

/*
 * The sprawl chart: bars of new findings per first-seen day on a linear
 * time axis, and the cumulative total as a step line.
 */
static void
sprawl_chart(FILE *fp, struct ks_tally *days, uint64_t total)
{
	long d0, d1, span;
	uint64_t cum = 0, maxnew = 0, ymax;
	double bw, py = CY1;
	char first[11], last[11];
	size_t i;

	fputs("<section class=\"card chart\" id=\"sprawl\"><h2>Secret sprawl "
	    "over time</h2>", fp);
	if (days->n == 0) {
		fputs("<p class=\"empty\">No findings.</p></section>\n", fp);
		return;
	}
	ks_tally_sort_by_key(days);
	/* pad the domain so a single day or the ends are not on the axes */
	d0 = day_number(days->v[0].key);
	d1 = day_number(days->v[days->n - 1].key);
	span = (d1 - d0) / 20 > 3 ? (d1 - d0) / 20 : 3;
	d0 -= span;
	d1 += span;
	span = d1 - d0;
	day_label(d0, first);
	day_label(d1, last);
	for (i = 0; i < days->n; i++)
		if (days->v[i].findings > maxnew)
			maxnew = days->v[i].findings;
	ymax = total > 0 ? total : 1;
	bw = (double)(CX1 - CX0) / (double)(span + 1);
	if (bw > 40)
		bw = 40;
	if (bw < 2)
		bw = 2;
	fprintf(fp, "<svg viewBox=\"0 0 1000 128\" role=\"img\" "
	    "aria-label=\"findings by first-seen day\" "
	    "xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" "
	    "font-family=\"system-ui,sans-serif\"><title>Findings by "
	    "first-seen day: %" PRIu64 " in total</title>", total);
	/* grid: 0, half, all */
	fprintf(fp, "<g stroke=\"#e3e6ec\"><line x1=\"%d\" x2=\"%d\" y1=\"%d\" "
	    "y2=\"%d\"/><line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/>"
	    "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\"/></g>",
	    CX0, CX1, CY0, CY0, CX0, CX1, (CY0 + CY1) / 2, (CY0 + CY1) / 2,
	    CX0, CX1, CY1, CY1);
	fprintf(fp, "<g fill=\"#5b6475\" text-anchor=\"end\">"
	    "<text x=\"%d\" y=\"%d\">%" PRIu64 "</text>"
	    "<text x=\"%d\" y=\"%d\">%" PRIu64 "</text>"
	    "<text x=\"%d\" y=\"%d\">0</text></g>",
	    CX0 - 6, CY0 + 4, ymax, CX0 - 6, (CY0 + CY1) / 2 + 4, ymax / 2,
	    CX0 - 6, CY1 + 4);
	fputs("<g fill=\"#9db3f0\">", fp);
	for (i = 0; i < days->n; i++) {
		double x = CX0 + (double)(day_number(days->v[i].key) - d0) *
		    (double)(CX1 - CX0 - bw) / (double)span;
		double h = (double)days->v[i].findings * (CY1 - CY0) /
		    (double)ymax;

		fprintf(fp, "<rect class=\"day\" x=\"%.1f\" y=\"%.1f\" "
		    "width=\"%.1f\" height=\"%.1f\"><title>%s: %" PRIu64
		    " new</title></rect>", x, CY1 - h, bw, h, days->v[i].key,
		    days->v[i].findings);
	}
	fputs("</g><path fill=\"none\" stroke=\"#2f5bd3\" stroke-width=\"2\" "
	    "d=\"", fp);
	for (i = 0; i < days->n; i++) {
		double x = CX0 + (double)(day_number(days->v[i].key) - d0) *
		    (double)(CX1 - CX0 - bw) / (double)span + bw / 2;

		cum += days->v[i].findings;
		fprintf(fp, "%s%.1f %.1f H%.1f V%.1f", i ? " H" : "M",
		    i ? x : (double)CX0, py, x, CY1 - (double)cum *
		    (CY1 - CY0) / (double)ymax);
		py = CY1 - (double)cum * (CY1 - CY0) / (double)ymax;
	}
	fprintf(fp, " H%d\"/>", CX1);
	fprintf(fp, "<g fill=\"#5b6475\"><text x=\"%d\" y=\"122\">%s</text>"
	    "<text x=\"%d\" y=\"122\" text-anchor=\"end\">%s</text></g>"
	    "</svg>", CX0, first, CX1, last);
	fprintf(fp, "<p class=\"legend\"><span class=\"sw\" "
	    "style=\"background:#9db3f0\"></span>new findings per day"
	    "<span class=\"sw\" style=\"background:#2f5bd3\"></span>"
	    "cumulative (%" PRIu64 ") · by first-seen commit date, else scan "
	    "time</p></section>\n", total);
}

static void
write_head(FILE *fp, const struct ks_report *r, const ks_report_summary *s,
    int64_t when)
{
	time_t t = (time_t)when;
	struct tm tm;
	char stamp[32] = "";

	if (gmtime_r(&t, &tm))
		strftime(stamp, sizeof(stamp), "%Y-%m-%d %H:%M UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "\n<meta http-equiv=\"Content-Security-Policy\" content=\"" CSP
	    "\">\n<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">"
	    "\n<title>keyshift secret inventory</title>\n<style>", fp);
	fputs(css, fp);
	fputs("</style></head>\n<body><header><h1>keyshift · secret "
	    "inventory</h1><p>", fp);
	fprintf(fp, "Generated %s by keyshift ", stamp);
	ks_html_text(fp, r->opts.tool_version);
	if (s->store_path) {
		fputs(" · store ", fp);
		ks_html_text(fp, s->store_path);
	}
	if (!r->opts.now && s->seconds > 0)
		fprintf(fp, " · scan took %.2f s", s->seconds);
	fputs(" · secret values are masked</p></header>\n<main>\n", fp);
}

static void
kpi(FILE *fp, const char *id, const char *label, uint64_t n, bool alert)
{
	fprintf(fp, "<div class=\"kpi%s\" id=\"%s\"><b>%" PRIu64 "</b>"
	    "<span>%s</span></div>", alert && n ? " alert" : "", id, n, label);
}

static uint64_t
tally_get(const struct ks_tally *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, key) == 0)
			return t->v[i].findings;
	return 0;
}

static int
copy_spool(FILE *from, FILE *to)
{
	char buf[8192];
	size_t n;

	if (fflush(from) != 0 || fseek(from, 0, SEEK_SET) != 0)
		return KS_ERROR;
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		fwrite(buf, 1, n, to);
	return ferror(from) ? KS_ERROR : 0;
}

static int
html_end(struct ks_report *r, const ks_report_summary *s)
{
	struct html_state *st = r->state;
	FILE *fp = r->fp;
	int error = 0;

	if (!st)
		return 0;
	if ((error = finding_close(st)) < 0)
		goto done;
	write_head(fp, r, s, st->fallback_time);
	fputs("<section class=\"kpis\" id=\"totals\">", fp);
	kpi(fp, "total-findings", "findings", st->t.findings, false);
	kpi(fp, "total-occurrences", "places", st->t.occurrences, false);
	kpi(fp, "total-open", "open", tally_get(&st->t.status, "open"), true);
	kpi(fp, "total-client-secrets", "client secrets to migrate",
	    tally_get(&st->t.category, "oauth-client-secret"), true);
	kpi(fp, "total-suppressed", "suppressed or baselined",
	    s->suppressed + s->baselined, false);
	fputs("</section>\n<div class=\"grid\">", fp);
	totals_card(fp, "by-category", "By category", &st->t.category);
	totals_card(fp, "by-provider", "By provider", &st->t.provider);
	totals_card(fp, "by-root", "By repository / source", &st->t.root);
	fputs("</div>\n", fp);
	sprawl_chart(fp, &st->t.day, st->t.findings);
	fprintf(fp, "<section id=\"findings\"><h2>Findings (%" PRIu64 ")</h2>\n",
	    st->t.findings);
	if (st->t.findings == 0)
		fputs("<p class=\"card empty\">No secrets found.</p>\n", fp);
	if ((error = copy_spool(st->spool, fp)) < 0) {
		ks_error_set_os("cannot read back the report's temporary file");
		goto done;
	}
	fputs("</section>\n", fp);
	if (fclose(st->diagfp) != 0) {
		st->diagfp = NULL;
		error = KS_ENOMEM;
		goto done;
	}
	st->diagfp = NULL;
	if (st->ndiag) {
		fprintf(fp, "<section class=\"card\" id=\"diagnostics\"><h2>Not "
		    "scanned (%" PRIu64 ")</h2><table><thead><tr><th>Input</th>"
		    "<th>Kind</th><th>Reason</th></tr></thead><tbody>\n",
		    st->ndiag);
		fwrite(st->diag, 1, st->diag_len, fp);
		fputs("</tbody></table></section>\n", fp);
	}
	fprintf(fp, "</main><footer>%" PRIu64 " file%s scanned · keyshift ",
	    s->files, s->files == 1 ? "" : "s");
	ks_html_text(fp, r->opts.tool_version);
	fputs("</footer></body></html>\n", fp);
done:
	html_state_free(st);
	r->state = NULL;
	return error;
}

const struct ks_reporter ks_reporter_html = {
	.name = "html",
	.grouped = true,
	.begin = html_begin,
	.occurrence = html_occurrence,
	.diagnostic = html_diagnostic,
	.end = html_end,
};
