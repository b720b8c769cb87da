/*
 * reports/fmt_sarif.c - SARIF 2.1.0 for code-scanning services
 *
 * One run. Results stream as they come; tool.driver follows them (JSON
 * members are unordered, and SARIF readers parse the whole log), so the
 * driver can list exactly the rules the results reference, in the order
 * of their ruleIndex, without buffering a single result. Rules described
 * with ks_report_rule_info() are copied; a rule a result names without a
 * description gets a minimal entry.
 *
 * Each result has ruleId, ruleIndex, level (from the rule's category
 * and confidence), a message with the masked preview only, one physical
 * location (relative URI percent-encoded per RFC 3986; SARIF endColumn
 * is exclusive, ours is inclusive) and partialFingerprints
 * {"keyshift/v1": fingerprint}: content-based, so a moved secret keeps
 * its alert. Triaged findings carry an external suppression.
 */
#include <string.h>

#include "alloc.h"
#include "escape.h"
#include "json_writer.h"
#include "remediation.h"
#include "report_int.h"
#include "str.h"
#include "tally.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define KS_INFORMATION_URI "https://github.com/keyshift/keyshift"

struct sarif_rule {
	char *id, *name, *description, *category, *confidence, *remediation;
	long index;  /* ruleIndex once a result referenced it, else -1 */
};

struct sarif_state {
	struct sarif_rule *rules;
	size_t nrules, cap;
	struct sarif_rule **used;  /* by ruleIndex; borrowed from rules */
	size_t nused;
	bool results_open;
};

static void
rule_dispose(struct sarif_rule *r)
{
	ks__free(r->id);
	ks__free(r->name);
	ks__free(r->description);
	ks__free(r->category);
	ks__free(r->confidence);
	ks__free(r->remediation);
}

static void
state_free(struct sarif_state *st)
{
	size_t i;

	if (!st)
		return;
	for (i = 0; i < st->nrules; i++)
		rule_dispose(&st->rules[i]);
	ks__free(st->rules);
	ks__free(st->used);
	ks__free(st);
}

static char *
dup_or_null(const char *s, bool *oom)
{
	char *d;

	if (!s)
		return NULL;
	if ((d = ks__strdup(s)) == NULL)
		*oom = true;
	return d;
}

/* Add a rule; the new rule's storage may move (index-based callers). */
static struct sarif_rule *
add_rule(struct sarif_state *st, const ks_report_rule *in)
{
	struct sarif_rule *r;
	bool oom = false;
	size_t i;

	if (st->nrules == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 32;
		struct sarif_rule *n = ks__reallocarray(st->rules, cap,
		    sizeof(*n));
		struct sarif_rule **u = ks__reallocarray(st->used, cap,
		    sizeof(*u));

		if (n)
			st->rules = n;
		if (u)
			st->used = u;
		if (!n || !u)
			return NULL;
		/* `used` points into `rules`: re-point after the move. */
		for (i = 0; i < st->nrules; i++)
			if (st->rules[i].index >= 0)
				st->used[st->rules[i].index] = &st->rules[i];
		st->cap = cap;
	}
	r = &st->rules[st->nrules];
	memset(r, 0, sizeof(*r));
	r->index = -1;
	r->id = dup_or_null(in->id ? in->id : "", &oom);
	r->name = dup_or_null(in->name, &oom);
	r->description = dup_or_null(in->description, &oom);
	r->category = dup_or_null(in->category, &oom);
	r->confidence = dup_or_null(in->confidence, &oom);
	r->remediation = dup_or_null(in->remediation, &oom);
	if (oom) {
		rule_dispose(r);
		return NULL;
	}
	st->nrules++;
	return r;
}

static struct sarif_rule *
find_rule(struct sarif_state *st, const char *id)
{
	size_t i;

	for (i = 0; i < st->nrules; i++)
		if (strcmp(st->rules[i].id, id) == 0)
			return &st->rules[i];
	return NULL;
}

static int
sarif_begin(struct ks_report *r)
{
	if ((r->state = ks__calloc(1, sizeof(struct sarif_state))) == NULL)
		return KS_ENOMEM;
	fputs("{\"$schema\":\"" SARIF_SCHEMA "\",\"version\":\"2.1.0\",\n"
	    "\"runs\":[{\n", r->fp);
	return 0;
}

static int
sarif_rule_info(struct ks_report *r, const ks_report_rule *rule)
{
	struct sarif_state *st = r->state;

	if (!rule->id || find_rule(st, rule->id))
		return 0;
	return add_rule(st, rule) ? 0 : KS_ENOMEM;
}

static void
write_location(FILE *fp, const ks_occurrence *o)
{
	bool first = true;

	fputs("\"locations\":[{\"physicalLocation\":{"
	    "\"artifactLocation\":{\"uri\":\"", fp);
	/* percent-encoded output is plain ASCII without '"' or '\\' */
	ks_uri_path(fp, o->path ? o->path : "-");
	fputs("\"},\"region\":{", fp);
	ks_json_member_u64(fp, &first, "startLine", o->line ? o->line : 1);
	ks_json_member_u64(fp, &first, "startColumn",
	    o->column ? o->column : 1);
	if (o->end_line >= o->line && o->end_column) {
		ks_json_member_u64(fp, &first, "endLine", o->end_line);
		ks_json_member_u64(fp, &first, "endColumn",
		    (unsigned long long)o->end_column + 1);
	}
	fputs("}}}]", fp);
}

static int
write_message(FILE *fp, const ks_occurrence *o)
{
	ks_str msg = KS_STR_INIT;
	const char *shown = o->secret ? o->secret : o->secret_preview;
	int error;

	if ((error = ks_str_printf(&msg, "%s: %s", o->rule_name ?
	    o->rule_name : o->rule_id, shown ? shown : "")) < 0 ||
	    (o->client_id && (error = ks_str_printf(&msg, " (client_id %s)",
	    o->client_id)) < 0))
		goto done;
	fputs("\"message\":{\"text\":", fp);
	ks_json_string(fp, msg.ptr);
	fputc('}', fp);
done:
	ks_str_dispose(&msg);
	return error;
}

static int
sarif_occurrence(struct ks_report *r, const ks_occurrence *o)
{
	struct sarif_state *st = r->state;
	struct sarif_rule *rule;
	const char *id = o->rule_id ? o->rule_id : "";
	FILE *fp = r->fp;
	bool first = true;
	char stamp[21];
	int error;

	if ((rule = find_rule(st, id)) == NULL) {
		ks_report_rule min = { id, o->rule_name, NULL, o->category,
		    o->confidence, NULL };

		if ((rule = add_rule(st, &min)) == NULL)
			return KS_ENOMEM;
	}
	if (rule->index < 0) {
		rule->index = (long)st->nused;
		st->used[st->nused++] = rule;
	}
	fputs(st->results_open ? ",\n" : "\"results\":[\n", fp);
	st->results_open = true;
	fputc('{', fp);
	ks_json_member_str(fp, &first, "ruleId", id, false);
	ks_json_member_u64(fp, &first, "ruleIndex",
	    (unsigned long long)rule->index);
	ks_json_member_str(fp, &first, "level",
	    ks_remediation_level(o->category, o->confidence), false);
	fputc(',', fp);
	if ((error = write_message(fp, o)) < 0)
		return error;
	fputc(',', fp);
	write_location(fp, o);
	fprintf(fp, ",\"partialFingerprints\":{\"keyshift/v1\":\"%s\"}",
	    o->fingerprint);
	if (o->status_time)
		ks_utc_stamp(o->status_time, stamp);
	if (o->status && (strcmp(o->status, "false-positive") == 0 ||
	    strcmp(o->status, "accepted-risk") == 0)) {
		fputs(",\"suppressions\":[{\"kind\":\"external\","
		    "\"status\":\"accepted\"", fp);
		if (o->status_reason) {
			fputs(",\"justification\":", fp);
			ks_json_string(fp, o->status_reason);
		}
		fputs("}]", fp);
	}
	fputs(",\"properties\":{", fp);
	first = true;
	ks_json_member_str(fp, &first, "category", o->category, false);
	ks_json_member_str(fp, &first, "status",
	    o->status ? o->status : "open", false);
	if (o->status_time) {
		if (o->status_reason)
			ks_json_member_str(fp, &first, "statusReason",
			    o->status_reason, true);
		if (o->status_user)
			ks_json_member_str(fp, &first, "statusUser",
			    o->status_user, true);
		ks_json_member_str(fp, &first, "statusTime", stamp, false);
	}
	ks_json_member_str(fp, &first, "secretPreview", o->secret_preview,
	    false);
	if (o->commit)
		ks_json_member_str(fp, &first, "commit", o->commit, false);
	if (o->client_id)
		ks_json_member_str(fp, &first, "clientId", o->client_id, true);
	if (o->issuer)
		ks_json_member_str(fp, &first, "issuer", o->issuer, true);
	if (o->provider)
		ks_json_member_str(fp, &first, "provider", o->provider, false);
	fputs("}}", fp);
	return 0;
}

/*
 * SARIF wants `name` to be a readable identifier that differs from the
 * opaque id: "Google OAuth client secret" -> "GoogleOAuthClientSecret".
 */
static int
pascal_name(ks_str *out, const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	bool word_start = true;
	int error;

	for (; *p; p++) {
		char c = (char)*p;

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9'))) {
			word_start = true;
			continue;
		}
		if (word_start && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		word_start = false;
		if ((error = ks_str_putc(out, c)) < 0)
			return error;
	}
	return 0;
}

static int
write_rule(FILE *fp, const struct sarif_rule *rule)
{
	ks_str text = KS_STR_INIT, md = KS_STR_INIT, name = KS_STR_INIT;
	const char *desc = rule->description ? rule->description :
	    (rule->name ? rule->name : rule->id);
	bool first = true;
	int error;

	if ((error = ks_remediation_help(&text, &md, rule->category, desc,
	    rule->remediation)) < 0 ||
	    (error = pascal_name(&name, rule->name ? rule->name : "")) < 0)
		goto done;
	fputc('{', fp);
	ks_json_member_str(fp, &first, "id", rule->id, false);
	if (name.len && strcmp(name.ptr, rule->id) != 0)
		ks_json_member_str(fp, &first, "name", name.ptr, false);
	fputs(",\"shortDescription\":{\"text\":", fp);
	ks_json_string(fp, rule->name ? rule->name : rule->id);
	fputs("},\"fullDescription\":{\"text\":", fp);
	ks_json_string(fp, desc);
	fputs("},\"help\":{\"text\":", fp);
	ks_json_string(fp, text.ptr);
	fputs(",\"markdown\":", fp);
	ks_json_string(fp, md.ptr);
	fputs("},\"defaultConfiguration\":{\"level\":", fp);
	ks_json_string(fp, ks_remediation_level(rule->category,
	    rule->confidence));
	fputs("},\"properties\":{\"tags\":[\"security\",\"secret\"", fp);
	if (rule->category) {
		fputc(',', fp);
		ks_json_string(fp, rule->category);
	}
	fputs("],\"category\":", fp);
	ks_json_string(fp, rule->category ? rule->category : "generic");
	if (rule->confidence) {
		fputs(",\"precision\":", fp);
		ks_json_string(fp, ks_remediation_precision(rule->confidence));
	}
	fprintf(fp, ",\"security-severity\":\"%s\"}}",
	    ks_remediation_security_severity(rule->category,
	    rule->confidence));
done:
	ks_str_dispose(&text);
	ks_str_dispose(&md);
	ks_str_dispose(&name);
	return error;
}

static int
sarif_end(struct ks_report *r, const ks_report_summary *s)
{
	struct sarif_state *st = r->state;
	FILE *fp = r->fp;
	size_t i;
	int error = 0;

	if (!st)
		return 0;
	fputs(st->results_open ? "],\n" : "\"results\":[],\n", fp);
	fputs("\"tool\":{\"driver\":{\"name\":\"keyshift\",\"version\":", fp);
	ks_json_string(fp, r->opts.tool_version);
	fputs(",\"semanticVersion\":", fp);
	ks_json_string(fp, r->opts.tool_version);
	fputs(",\"informationUri\":\"" KS_INFORMATION_URI "\",\"rules\":[",
	    fp);
	for (i = 0; i < st->nused; i++) {
		fputs(i ? ",\n" : "\n", fp);
		if ((error = write_rule(fp, st->used[i])) < 0)
			goto done;
	}
	fputs("]}},\n", fp);
	fputs("\"invocations\":[{\"executionSuccessful\":true", fp);
	if (s->diagnostics)
		fprintf(fp, ",\"properties\":{\"diagnostics\":%llu}",
		    (unsigned long long)s->diagnostics);
	fputs("}]}]}\n", fp);
done:
	state_free(st);
	r->state = NULL;
	return error;
}

const struct ks_reporter ks_reporter_sarif = {
	.name = "sarif",
	.begin = sarif_begin,
	.rule = sarif_rule_info,
	.occurrence = sarif_occurrence,
	.end = sarif_end,
};
