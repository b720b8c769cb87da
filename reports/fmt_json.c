/*
 * reports/fmt_json.c - JSON and JSON Lines (schema: docs/JSON.md)
 *
 * JSONL is one object per occurrence, nothing else, so `jq -c` pipelines
 * and line-oriented tools need no framing. JSON is one document:
 * {"version", "findings": [...], "diagnostics": [...], "scan": {...}}.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include "json_writer.h"
#include "report_int.h"
#include "tally.h"

#define KS_JSON_SCHEMA_VERSION "1"

void
ks_json_occurrence(FILE *fp, const ks_occurrence *o)
{
	bool first = true;

	fputc('{', fp);
	ks_json_member_str(fp, &first, "rule", o->rule_id, false);
	ks_json_member_str(fp, &first, "rule_name", o->rule_name, false);
	ks_json_member_str(fp, &first, "category", o->category, false);
	if (o->confidence)
		ks_json_member_str(fp, &first, "confidence", o->confidence,
		    false);
	ks_json_member_str(fp, &first, "fingerprint", o->fingerprint, false);
	ks_json_member_str(fp, &first, "status", o->status ? o->status :
	    "open", false);
	if (o->status_time) {           /* who triaged it, when and why */
		char stamp[21];

		ks_utc_stamp(o->status_time, stamp);
		if (o->status_reason)
			ks_json_member_str(fp, &first, "status_reason",
			    o->status_reason, true);
		if (o->status_user)
			ks_json_member_str(fp, &first, "status_user",
			    o->status_user, true);
		ks_json_member_str(fp, &first, "status_time", stamp, false);
	}
	ks_json_member_str(fp, &first, "secret_preview", o->secret_preview,
	    false);
	if (o->secret)
		ks_json_member_str(fp, &first, "secret", o->secret, true);
	ks_json_member_str(fp, &first, "source", o->source, false);
	ks_json_member_str(fp, &first, "path", o->path, true);
	ks_json_member_u64(fp, &first, "line", o->line);
	ks_json_member_u64(fp, &first, "column", o->column);
	ks_json_member_u64(fp, &first, "end_line", o->end_line);
	ks_json_member_u64(fp, &first, "end_column", o->end_column);
	ks_json_member_u64(fp, &first, "offset", o->start);
	ks_json_member_u64(fp, &first, "end_offset", o->end);
	if (o->blob_id)
		ks_json_member_str(fp, &first, "blob", o->blob_id, false);
	if (o->snippet)
		ks_json_member_str(fp, &first, "snippet", o->snippet, true);
	if (o->client_id)
		ks_json_member_str(fp, &first, "client_id", o->client_id,
		    true);
	if (o->issuer)
		ks_json_member_str(fp, &first, "issuer", o->issuer, true);
	if (o->commit)
		ks_json_member_str(fp, &first, "commit", o->commit, false);
	if (o->author)
		ks_json_member_str(fp, &first, "author", o->author, true);
	if (o->date)
		ks_json_member_str(fp, &first, "date", o->date, false);
	if (o->provider)
		ks_json_member_str(fp, &first, "provider", o->provider, false);
	if (o->key_info)
		ks_json_member_str(fp, &first, "key_info", o->key_info, false);
	if (o->extra_json) {            /* scanner context (scanner/enrich.h) */
		char v[512];

		if (ks_extra_member(o->extra_json, "key_path", v, sizeof(v)))
			ks_json_member_str(fp, &first, "key_path", v, true);
		if (ks_extra_member(o->extra_json, "client_type", v, sizeof(v)))
			ks_json_member_str(fp, &first, "client_type", v, false);
		if (ks_extra_member(o->extra_json, "note", v, sizeof(v)))
			ks_json_member_str(fp, &first, "note", v, true);
	}
	fputc('}', fp);
}

void
ks_json_diagnostic(FILE *fp, const ks_diagnostic *d)
{
	bool first = true;

	fputc('{', fp);
	ks_json_member_str(fp, &first, "source", d->source, false);
	ks_json_member_str(fp, &first, "path", d->path, true);
	ks_json_member_str(fp, &first, "kind", d->kind, false);
	ks_json_member_str(fp, &first, "message", d->message, true);
	fputc('}', fp);
}

/* ---- json ---- */

static int
json_begin(struct ks_report *r)
{
	fprintf(r->fp, "{\"version\":\"%s\",\"tool\":{\"name\":\"keyshift\","
	    "\"version\":", KS_JSON_SCHEMA_VERSION);
	ks_json_string(r->fp, r->opts.tool_version);
	fputs("},\n\"findings\":[", r->fp);
	return 0;
}

static int
json_occurrence(struct ks_report *r, const ks_occurrence *occ)
{
	/* Occurrences come before diagnostics (report.h contract). */
	if (r->ndiagnostics)
		return 0;
	fputs(r->noccurrences ? ",\n" : "\n", r->fp);
	ks_json_occurrence(r->fp, occ);
	return 0;
}

static int
json_diagnostic(struct ks_report *r, const ks_diagnostic *diag)
{
	if (r->ndiagnostics == 0)
		fputs("],\n\"diagnostics\":[\n", r->fp);
	else
		fputs(",\n", r->fp);
	ks_json_diagnostic(r->fp, diag);
	return 0;
}

static int
json_end(struct ks_report *r, const ks_report_summary *s)
{
	bool first = true;

	if (r->ndiagnostics == 0)
		fputs("],\n\"diagnostics\":[", r->fp);
	fputs("],\n\"scan\":{", r->fp);
	ks_json_member_u64(r->fp, &first, "files", s->files);
	ks_json_member_u64(r->fp, &first, "bytes", s->bytes);
	ks_json_member_u64(r->fp, &first, "blobs", s->blobs);
	ks_json_member_u64(r->fp, &first, "skipped", s->skipped);
	ks_json_member_u64(r->fp, &first, "diagnostics", s->diagnostics);
	ks_json_member_u64(r->fp, &first, "occurrences", s->occurrences);
	ks_json_member_u64(r->fp, &first, "findings", s->findings);
	ks_json_member_u64(r->fp, &first, "suppressed", s->suppressed);
	ks_json_member_u64(r->fp, &first, "baselined", s->baselined);
	if (!r->opts.now)
		ks_json_member_f64(r->fp, &first, "seconds", s->seconds);
	if (s->run_id)
		ks_json_member_u64(r->fp, &first, "run_id",
		    (unsigned long long)s->run_id);
	if (s->store_path)
		ks_json_member_str(r->fp, &first, "store", s->store_path,
		    true);
	fputs("}}\n", r->fp);
	return 0;
}

const struct ks_reporter ks_reporter_json = {
	.name = "json",
	.begin = json_begin,
	.occurrence = json_occurrence,
	.diagnostic = json_diagnostic,
	.end = json_end,
};

/* ---- jsonl ---- */

static int
jsonl_occurrence(struct ks_report *r, const ks_occurrence *occ)
{
	ks_json_occurrence(r->fp, occ);
	fputc('\n', r->fp);
	return 0;
}

const struct ks_reporter ks_reporter_jsonl = {
	.name = "jsonl",
	.occurrence = jsonl_occurrence,
};
