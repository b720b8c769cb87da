/*
 * cli/cmd_report.c - `keyshift report`: render the inventory in the store
 *
 * Streams from the store in a deterministic order: occurrences by (rule,
 * path, line, column) for the line-oriented formats; for the formats
 * that show each finding with all its places (markdown, html), finding by
 * finding (rule, fingerprint), each with its occurrences. Suppressions
 * apply as in `scan`; --unused-suppressions lists the entries that match
 * nothing in the inventory instead.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <keyshift/finding.h>
#include <keyshift/inventory.h>
#include <keyshift/report.h>
#include <keyshift/rules.h>
#include <keyshift/store.h>

#include "cli.h"
#include "commands.h"
#include "exitcode.h"
#include "filter.h"

static const char report_usage[] =
"usage: keyshift report [options]\n"
"\n"
"Render the inventory recorded by earlier scans.\n"
"\n"
"  -f, --format FORMAT      %s (default text)\n"
"  -o, --output FILE        write to FILE (default stdout)\n"
"      --store FILE         the datastore (default %s)\n"
"      --status STATUS      open, false-positive, accepted-risk or revoked\n"
"      --category CATEGORY  private-key, oauth-client-secret, ...\n"
"      --rule RULE          a rule id\n"
"      --source SOURCE      fs, stdin, git, ...\n"
"      --repo PATH          only places below PATH (a scan target)\n"
"      --ignore-file FILE   suppressions (default ./.keyshift-ignore)\n"
"      --no-suppressions    report suppressed findings too\n"
"      --unused-suppressions  list the suppressions that match nothing\n"
"      --show-secrets       plaintext where a scan stored it\n"
"  -v, --verbose            text: show masked snippets\n"
"\n"
"Exit codes: 0 nothing reported, 1 findings reported (or unused\n"
"suppressions listed), 2 usage or runtime error.\n";

enum {
	OPT_STORE = 256, OPT_STATUS, OPT_CATEGORY, OPT_RULE, OPT_SOURCE,
	OPT_REPO, OPT_IGNORE_FILE, OPT_NO_SUPPRESS, OPT_UNUSED, OPT_SHOW
};

static const struct option report_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "source", required_argument, NULL, OPT_SOURCE },
	{ "repo", required_argument, NULL, OPT_REPO },
	{ "ignore-file", required_argument, NULL, OPT_IGNORE_FILE },
	{ "no-suppressions", no_argument, NULL, OPT_NO_SUPPRESS },
	{ "unused-suppressions", no_argument, NULL, OPT_UNUSED },
	{ "show-secrets", no_argument, NULL, OPT_SHOW },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Who triaged a finding, when and why: what the line-oriented formats
 * show next to each of its places. */
struct triage {
	char fingerprint[KS_FINGERPRINT_HEXLEN + 1];
	char *reason, *user;        /* or NULL */
	int64_t at;
};

struct report_run {
	ks_store *store;
	ks_report *report;          /* NULL: only feed the filter */
	struct ks_filter *filter;
	const char *repo;           /* normalized, or NULL */
	const ks_finding_info *finding; /* the finding being walked, or NULL */
	struct triage *triaged;     /* every triaged finding, by fingerprint */
	size_t ntriaged, captriaged;
	uint64_t reported;
	char (*fps)[KS_FINGERPRINT_HEXLEN + 1];  /* reported, to count them */
	size_t nfps, capfps;
	int error;
};

static int
cmp_fp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Distinct fingerprints among those reported (sorts run->fps). */
static uint64_t
count_findings(struct report_run *run)
{
	uint64_t n = 0;
	size_t i;

	if (run->nfps > 1)
		qsort(run->fps, run->nfps, sizeof(*run->fps), cmp_fp);
	for (i = 0; i < run->nfps; i++)
		if (i == 0 || strcmp(run->fps[i], run->fps[i - 1]) != 0)
			n++;
	return n;
}

static bool
below_repo(const char *repo, const char *path)
{
	size_t n;

	if (!repo)
		return true;
	if (!path)
		return false;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	n = strlen(repo);
	return strncmp(path, repo, n) == 0 && (path[n] == '/' || !path[n]);
}

static void
day_of(int64_t t, char out[11])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!gmtime_r(&tt, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		strcpy(out, "1970-01-01");
}

/*
 * extra_json for the finding being walked: what HTML shows beyond the
 * occurrence (the day it was first seen). malloc'd.
 */
static char *
finding_extra(const ks_finding_info *f)
{
	char *buf, day[11];

	if (!f || (buf = malloc(32)) == NULL)
		return NULL;
	day_of(f->first_seen, day);
	snprintf(buf, 32, "{\"first_seen\":\"%s\"}", day);
	return buf;
}

static int
cmp_triage(const void *a, const void *b)
{
	return strcmp(((const struct triage *)a)->fingerprint,
	    ((const struct triage *)b)->fingerprint);
}

/* Collect every triaged finding (ks_store_foreach_finding callback). */
static int
on_triaged(const ks_finding_info *f, void *payload)
{
	struct report_run *run = payload;
	struct triage *t;

	if (!f->status_time)
		return 0;
	if (run->ntriaged == run->captriaged) {
		size_t cap = run->captriaged ? run->captriaged * 2 : 16;
		void *v = realloc(run->triaged, cap * sizeof(*run->triaged));

		if (!v)
			goto oom;
		run->triaged = v;
		run->captriaged = cap;
	}
	t = &run->triaged[run->ntriaged];
	memcpy(t->fingerprint, f->fingerprint, sizeof(t->fingerprint));
	t->reason = f->status_reason ? strdup(f->status_reason) : NULL;
	t->user = f->status_user ? strdup(f->status_user) : NULL;
	t->at = f->status_time;
	if ((f->status_reason && !t->reason) || (f->status_user && !t->user)) {
		free(t->reason);
		free(t->user);
		goto oom;
	}
	run->ntriaged++;
	return 0;
oom:
	run->error = KS_ENOMEM;
	return 1;
}

/* Give `occ` the triage of its finding, if it was ever triaged. */
static void
attach_triage(const struct report_run *run, ks_occurrence *occ)
{
	const struct triage *t = NULL;
	struct triage key;

	if (run->finding) {
		occ->status_reason = run->finding->status_reason;
		occ->status_user = run->finding->status_user;
		occ->status_time = run->finding->status_time;
		return;
	}
	if (!run->ntriaged)
		return;
	memcpy(key.fingerprint, occ->fingerprint, sizeof(key.fingerprint));
	if ((t = bsearch(&key, run->triaged, run->ntriaged,
	    sizeof(*run->triaged), cmp_triage)) == NULL)
		return;
	occ->status_reason = t->reason;
	occ->status_user = t->user;
	occ->status_time = t->at;
}

static int
on_occurrence(const ks_stored_occurrence *rec, void *payload)
{
	struct report_run *run = payload;
	ks_occurrence occ = rec->occ;
	char *extra = NULL;

	if (!below_repo(run->repo, occ.path))
		return 0;
	if (run->filter && !ks_filter_keep(run->filter, &occ))
		return 0;
	if (!run->report)
		return 0;
	occ.status = (char *)rec->status;
	attach_triage(run, &occ);
	if (run->finding && !occ.extra_json)
		occ.extra_json = extra = finding_extra(run->finding);
	run->error = ks_report_occurrence(run->report, &occ);
	free(extra);
	if (run->error < 0)
		return 1;
	run->reported++;
	if (run->nfps && strcmp(run->fps[run->nfps - 1], occ.fingerprint) == 0)
		return 0;
	if (run->nfps == run->capfps) {
		size_t cap = run->capfps ? run->capfps * 2 : 64;
		void *v = realloc(run->fps, cap * sizeof(*run->fps));

		if (!v) {
			run->error = KS_ENOMEM;
			return 1;
		}
		run->fps = v;
		run->capfps = cap;
	}
	memcpy(run->fps[run->nfps++], occ.fingerprint, sizeof(*run->fps));
	return 0;
}

struct finding_walk {
	struct report_run *run;
	const ks_inventory_filter *filter;
};

static int
on_finding(const ks_finding_info *info, void *payload)
{
	struct finding_walk *w = payload;
	ks_inventory_filter f = *w->filter;
	int error;

	f.fingerprint = info->fingerprint;
	w->run->finding = info;
	error = ks_store_foreach_occurrence(w->run->store, &f, on_occurrence,
	    w->run);
	w->run->finding = NULL;
	return error < 0 ? 1 : 0;
}

static int
on_diagnostic(const ks_diagnostic *d, int64_t run_id, void *payload)
{
	struct report_run *run = payload;

	(void)run_id;
	return ks_report_diagnostic(run->report, d) < 0 ? 1 : 0;
}

static int
describe_rules(ks_report *report)
{
	ks_ruleset *rules = NULL;
	size_t i;
	int error;

	if ((error = ks_ruleset_new(&rules)) < 0 ||
	    (error = ks_ruleset_load_builtin(rules)) < 0)
		goto done;
	for (i = 0; i < ks_ruleset_count(rules); i++) {
		const ks_rule *rule = ks_ruleset_get(rules, i);
		ks_report_rule info = {
			ks_rule_id(rule), ks_rule_name(rule),
			ks_rule_description(rule),
			ks_rule_category_name(ks_rule_category_of(rule)),
			ks_rule_confidence(rule), ks_rule_remediation(rule)
		};

		if ((error = ks_report_rule_info(report, &info)) < 0)
			goto done;
	}
done:
	ks_ruleset_free(rules);
	return error;
}

/* A number member of the run's stats_json ("files": 12). */
static uint64_t
stat_of(const char *json, const char *key)
{
	char pat[32];
	const char *p;

	if (!json)
		return 0;
	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(json, pat)) == NULL)
		return 0;
	return strtoull(p + strlen(pat), NULL, 10);
}

static bool
valid_status(const char *s)
{
	return !strcmp(s, "open") || !strcmp(s, "false-positive") ||
	    !strcmp(s, "accepted-risk") || !strcmp(s, "revoked");
}

int
cmd_report(int argc, char **argv)
{
	ks_inventory_filter filter = KS_INVENTORY_FILTER_INIT;
	ks_store_options sopts = KS_STORE_OPTIONS_INIT;
	ks_report_options ropts = KS_REPORT_OPTIONS_INIT;
	ks_report_summary summary;
	struct ks_filter supp = KS_FILTER_INIT;
	struct report_run run;
	struct finding_walk walk;
	ks_run_info latest;
	ks_buf default_store = KS_BUF_INIT;
	const char *format = "text", *output = NULL, *store_path = NULL;
	const char *ignore_file = NULL;
	char *repo = NULL;
	bool no_suppress = false, unused = false, have_latest = false;
	const ks_reporter *reporter;
	ks_store *store = NULL;
	FILE *out = NULL;
	int c, rc = KS_EXIT_RUNTIME, error;

	memset(&run, 0, sizeof(run));
	memset(&latest, 0, sizeof(latest));
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:vh", report_options,
	    NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'v': ropts.verbose = true; break;
		case OPT_STORE: store_path = optarg; break;
		case OPT_STATUS: filter.status = optarg; break;
		case OPT_CATEGORY: filter.category = optarg; break;
		case OPT_RULE: filter.rule = optarg; break;
		case OPT_SOURCE: filter.source = optarg; break;
		case OPT_REPO:
			free(repo);
			if ((repo = strdup(optarg)) == NULL)
				goto oom;
			break;
		case OPT_IGNORE_FILE: ignore_file = optarg; break;
		case OPT_NO_SUPPRESS: no_suppress = true; break;
		case OPT_UNUSED: unused = true; break;
		case OPT_SHOW: filter.include_secrets = true; break;
		case 'h':
			if (ks_store_default_path(&default_store) < 0)
				ks_error_clear();
			printf(report_usage, ks_report_format_names(),
			    default_store.ptr ? default_store.ptr : "?");
			rc = KS_EXIT_OK;
			goto done;
		default:
			ks_cli_error("see 'keyshift help report'");
			rc = KS_EXIT_USAGE;
			goto done;
		}
	}
	rc = KS_EXIT_USAGE;
	if (optind < argc) {
		ks_cli_error("report takes no operands; see 'keyshift help "
		    "report'");
		goto done;
	}
	if ((reporter = ks_report_format_lookup(format)) == NULL) {
		ks_cli_error("unknown format '%s' (expected one of: %s)", format,
		    ks_report_format_names());
		goto done;
	}
	if (filter.status && !valid_status(filter.status)) {
		ks_cli_error("--status: expected open, false-positive, "
		    "accepted-risk or revoked");
		goto done;
	}
	if (unused && no_suppress) {
		ks_cli_error("--unused-suppressions needs the suppressions");
		goto done;
	}
	if (repo) {
		size_t n;
		char *r = repo;

		while (r[0] == '.' && r[1] == '/')
			r += 2;
		memmove(repo, r, strlen(r) + 1);
		n = strlen(repo);
		while (n > 1 && repo[n - 1] == '/')
			repo[--n] = '\0';
		run.repo = strcmp(repo, ".") && *repo ? repo : NULL;
	}
	if (!no_suppress && (ignore_file ? ks_filter_load_ignore(&supp,
	    ignore_file, "", false, ks_cli_pinned_now()) :
	    ks_filter_load_ignore(&supp, ".keyshift-ignore", "", true,
	    ks_cli_pinned_now())) < 0)
		goto done;

	rc = KS_EXIT_RUNTIME;
	if (!store_path) {
		if (ks_store_default_path(&default_store) < 0) {
			ks_cli_error_last("no default store");
			goto done;
		}
		store_path = default_store.ptr;
	}
	sopts.read_only = true;
	sopts.no_create = true;
	if ((error = ks_store_open(&store, store_path, &sopts)) < 0) {
		if (error == KS_ENOTFOUND)
			ks_cli_error("no store at '%s'; run 'keyshift scan' "
			    "first", store_path);
		else
			ks_cli_error_last("cannot open the store");
		goto done;
	}
	run.store = store;
	run.filter = no_suppress ? NULL : &supp;
	if (ks_store_run_get(&latest, store, 0) == 0)
		have_latest = true;
	else
		ks_error_clear();

	if ((out = ks_cli_open_output(output)) == NULL)
		goto done;

	if (unused) {
		ks_inventory_filter all = KS_INVENTORY_FILTER_INIT;

		if (ks_store_foreach_occurrence(store, &all, on_occurrence,
		    &run) < 0) {
			ks_cli_error_last("cannot read the store");
			goto done;
		}
		rc = ks_filter_write_unused(&supp, out) ? KS_EXIT_FINDINGS :
		    KS_EXIT_OK;
		goto done;
	}

	ropts.now = ks_cli_pinned_now();
	if (ks_report_begin(&run.report, reporter, out, &ropts) < 0 ||
	    describe_rules(run.report) < 0)
		goto report_error;
	if (ks_report_format_grouped(reporter)) {
		walk.run = &run;
		walk.filter = &filter;
		error = ks_store_foreach_finding(store, &filter, on_finding,
		    &walk);
	} else {
		ks_inventory_filter all = KS_INVENTORY_FILTER_INIT;

		if ((error = ks_store_foreach_finding(store, &all, on_triaged,
		    &run)) == 0) {
			if (run.ntriaged > 1)
				qsort(run.triaged, run.ntriaged,
				    sizeof(*run.triaged), cmp_triage);
			error = ks_store_foreach_occurrence(store, &filter,
			    on_occurrence, &run);
		}
	}
	if (run.error < 0)
		goto report_error;
	if (error < 0) {
		ks_cli_error_last("cannot read the store");
		goto done;
	}
	if (have_latest && ks_store_foreach_diagnostic(store, latest.id,
	    on_diagnostic, &run) < 0)
		goto report_error;

	memset(&summary, 0, sizeof(summary));
	if (have_latest) {
		summary.files = stat_of(latest.stats_json, "files");
		summary.bytes = stat_of(latest.stats_json, "bytes");
		summary.blobs = stat_of(latest.stats_json, "blobs");
		summary.skipped = stat_of(latest.stats_json, "skipped");
		summary.diagnostics = stat_of(latest.stats_json,
		    "diagnostics");
		summary.run_id = latest.id;
	}
	summary.occurrences = run.reported;
	summary.findings = count_findings(&run);
	summary.suppressed = supp.suppressed;
	summary.store_path = store_path;
	error = ks_report_end(run.report, &summary);
	run.report = NULL;
	if (error < 0)
		goto report_error;
	rc = run.reported ? KS_EXIT_FINDINGS : KS_EXIT_OK;
	goto done;

oom:
	ks_cli_error("out of memory");
	goto done;
report_error:
	ks_cli_error_last("cannot write the report");
	rc = KS_EXIT_RUNTIME;
done:
	if (run.report && ks_report_end(run.report, NULL) < 0)
		ks_error_clear();
	if (out && out != stdout && fclose(out) != 0 && rc != KS_EXIT_RUNTIME) {
		ks_cli_error("cannot write '%s'", output);
		rc = KS_EXIT_RUNTIME;
	}
	if (have_latest)
		ks_run_info_dispose(&latest);
	ks_store_close(store);
	ks_filter_dispose(&supp);
	ks_buf_dispose(&default_store);
	free(run.fps);
	while (run.ntriaged > 0) {
		run.ntriaged--;
		free(run.triaged[run.ntriaged].reason);
		free(run.triaged[run.ntriaged].user);
	}
	free(run.triaged);
	free(repo);
	return rc;
}
