/*
 * cli/cmd_scan.c - `keyshift scan [TARGET...]`
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <keyshift/finding.h>
#include <keyshift/report.h>
#include <keyshift/rules.h>
#include <keyshift/scan.h>
#include <keyshift/store.h>

#include "cli.h"
#include "commands.h"
#include "exitcode.h"
#include "git_scan.h"
#include "filter.h"
#include "source_opts.h"

static const char scan_usage[] =
"usage: keyshift scan [options] [TARGET...]\n"
"\n"
"Scan files and directories (default: the current directory), or standard\n"
"input with '-', for OAuth client secrets, private keys and other\n"
"credentials, and record what was found in the store.\n"
"\n"
"  -f, --format FORMAT     output format: %s (default text)\n"
"  -o, --output FILE       write the report to FILE (default stdout)\n"
"  -j, --jobs N            worker threads (default: online cores)\n"
"  -r, --rules PATH        add the rules of a YAML file or directory\n"
"      --no-builtin-rules  use only the rules given with --rules\n"
"      --store FILE        the datastore (default %s)\n"
"      --no-store          record nothing (hooks, CI)\n"
"      --max-file-size N   skip larger files (default 64M; K, M, G)\n"
"  -x, --exclude GLOB      skip paths matching GLOB (repeatable)\n"
"      --no-ignore         do not read .gitignore/.keyshiftignore files\n"
"      --binary            also scan files that look binary\n"
"      --show-secrets      print secrets in full (off: masked previews)\n"
"      --store-secrets     keep plaintext secrets in the store\n"
"      --stdin-name NAME   path to report for '-' (default '-')\n"
"  -v, --verbose           text: show masked snippets\n"
"  -q, --quiet             no diagnostics on stderr\n"
"      --color WHEN        auto, always or never\n"
"      --baseline FILE     report only findings not in FILE (see\n"
"                          'keyshift baseline create')\n"
"      --ignore-file FILE  suppressions (default ./.keyshift-ignore and\n"
"                          TARGET/.keyshift-ignore)\n"
"\n"
KS_CLI_GIT_USAGE
"\n"
KS_CLI_SOURCE_USAGE
"\n"
"Exit codes: 0 no findings, 1 findings, 2 usage or runtime error.\n"
"Inputs that could not be scanned are reported as diagnostics and do not\n"
"change the exit code.\n";

enum {
	OPT_NO_STORE = 256, OPT_STORE, OPT_MAX_SIZE, OPT_SHOW, OPT_STORE_SECRETS,
	OPT_BINARY, OPT_COLOR, OPT_STDIN_NAME, OPT_NO_BUILTIN, OPT_NO_IGNORE,
	OPT_BASELINE, OPT_IGNORE_FILE
};

static const struct option scan_options[] = {
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "rules", required_argument, NULL, 'r' },
	{ "no-builtin-rules", no_argument, NULL, OPT_NO_BUILTIN },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "no-store", no_argument, NULL, OPT_NO_STORE },
	{ "max-file-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "exclude", required_argument, NULL, 'x' },
	{ "no-ignore", no_argument, NULL, OPT_NO_IGNORE },
	{ "binary", no_argument, NULL, OPT_BINARY },
	{ "show-secrets", no_argument, NULL, OPT_SHOW },
	{ "store-secrets", no_argument, NULL, OPT_STORE_SECRETS },
	{ "stdin-name", required_argument, NULL, OPT_STDIN_NAME },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "color", required_argument, NULL, OPT_COLOR },
	{ "baseline", required_argument, NULL, OPT_BASELINE },
	{ "ignore-file", required_argument, NULL, OPT_IGNORE_FILE },
	KS_CLI_GIT_LONGOPTS,
	KS_CLI_SOURCE_LONGOPTS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct progress {
	bool enabled;
	bool shown;
	struct timespec start;
};

static int
on_progress(const ks_scan_stats *st, void *payload)
{
	struct progress *p = payload;
	double mb = (double)st->bytes / 1e6;

	if (!p->enabled)
		return 0;
	fprintf(stderr, "\r\033[K%llu files, %.1f MB, %.1f MB/s, %llu found",
	    (unsigned long long)st->files, mb,
	    st->seconds > 0 ? mb / st->seconds : 0.0,
	    (unsigned long long)st->occurrences);
	p->shown = true;
	return 0;
}

static void
print_diagnostic(const ks_diagnostic *d)
{
	ks_cli_warn("%s: %s: %s", d->path ? d->path : "-", d->kind,
	    d->message ? d->message : "");
}

int
cmd_scan(int argc, char **argv)
{
	ks_scan_options opts = KS_SCAN_OPTIONS_INIT;
	struct ks_cli_git git = KS_CLI_GIT_INIT;
	int gr;
	ks_report_options ropts = KS_REPORT_OPTIONS_INIT;
	ks_report_summary summary;
	const char *format = "text", *output = NULL, *store_path = NULL;
	const char *color = "auto";
	const char **rule_paths = NULL, **excludes = NULL;
	size_t nrule_paths = 0, nexcludes = 0, i;
	bool no_store = false, builtin = true, quiet = false;
	ks_buf default_store = KS_BUF_INIT;
	ks_ruleset *rules = NULL;
	ks_store *store = NULL;
	ks_scan_result *result = NULL;
	ks_report *report = NULL;
	const ks_reporter *reporter;
	const ks_scan_stats *st;
	struct progress prog = { false, false, { 0, 0 } };
	FILE *out = NULL;
	static const char *dot[] = { "." };
	int c, rc = KS_EXIT_RUNTIME, error, sr;
	unsigned long n;
	/* suppressions and baseline: cli/filter.c */
	const char *baseline = NULL, *ignore_file = NULL;
	struct ks_filter filter = KS_FILTER_INIT;
	const ks_occurrence **kept = NULL;
	size_t nkept = 0;

	rule_paths = calloc((size_t)argc, sizeof(char *));
	excludes = calloc((size_t)argc, sizeof(char *));
	if (!rule_paths || !excludes) {
		ks_cli_error("out of memory");
		goto done;
	}
	optind = 1;
	while ((c = getopt_long(argc, argv, "f:o:j:r:x:vqh", scan_options,
	    NULL)) != -1) {
		switch (c) {
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case 'j':
			if (!ks_cli_parse_uint(optarg, 1024, &n) || n == 0) {
				ks_cli_error("--jobs: expected 1 to 1024, got "
				    "'%s'", optarg);
				rc = KS_EXIT_USAGE;
				goto done;
			}
			opts.jobs = (unsigned)n;
			break;
		case 'r': rule_paths[nrule_paths++] = optarg; break;
		case 'x': excludes[nexcludes++] = optarg; break;
		case 'v': ropts.verbose = true; break;
		case 'q': quiet = true; break;
		case OPT_NO_BUILTIN: builtin = false; break;
		case OPT_STORE: store_path = optarg; break;
		case OPT_NO_STORE: no_store = true; break;
		case OPT_MAX_SIZE:
			if (!ks_cli_parse_size(optarg, &opts.max_file_size) ||
			    opts.max_file_size == 0) {
				ks_cli_error("--max-file-size: expected a size "
				    "such as 1048576, 512K or 64M, got '%s'",
				    optarg);
				rc = KS_EXIT_USAGE;
				goto done;
			}
			break;
		case OPT_NO_IGNORE: opts.flags |= KS_SCAN_NO_IGNORE; break;
		case OPT_BINARY: opts.flags |= KS_SCAN_BINARY; break;
		case OPT_SHOW: opts.flags |= KS_SCAN_SHOW_SECRETS; break;
		case OPT_STORE_SECRETS: opts.flags |= KS_SCAN_STORE_SECRETS; break;
		case OPT_STDIN_NAME: opts.stdin_name = optarg; break;
		case OPT_COLOR: color = optarg; break;
		case OPT_BASELINE: baseline = optarg; break;
		case OPT_IGNORE_FILE: ignore_file = optarg; break;
		case 'h':
			if (ks_store_default_path(&default_store) < 0)
				ks_error_clear();
			printf(scan_usage, ks_report_format_names(),
			    default_store.ptr ? default_store.ptr : "?");
			rc = KS_EXIT_OK;
			goto done;
		default:
			/* --archive-depth, --credentials, --insecure */
			if ((sr = ks_cli_source_option(&opts, c, optarg)) == 1)
				break;
			if (sr < 0) {
				rc = KS_EXIT_USAGE;
				goto done;
			}
			if ((gr = ks_cli_git_option(&git, c, optarg)) == 1)
				break;
			if (gr == 0)
				ks_cli_error("see 'keyshift help scan'");
			rc = KS_EXIT_USAGE;
			goto done;
		}
	}
	if ((reporter = ks_report_format_lookup(format)) == NULL) {
		ks_cli_error("unknown format '%s' (expected one of: %s)", format,
		    ks_report_format_names());
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (strcmp(color, "auto") && strcmp(color, "always") &&
	    strcmp(color, "never")) {
		ks_cli_error("--color: expected auto, always or never");
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (no_store && store_path) {
		ks_cli_error("--store and --no-store exclude each other");
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (!builtin && nrule_paths == 0) {
		ks_cli_error("--no-builtin-rules needs at least one --rules");
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (optind < argc) {
		opts.targets = (const char *const *)(argv + optind);
		opts.ntargets = (size_t)(argc - optind);
	} else {
		opts.targets = dot;
		opts.ntargets = 1;
	}
	opts.excludes = excludes;
	opts.nexcludes = nexcludes;
	opts.command = "scan";

	if ((ignore_file ? ks_filter_load_ignore(&filter, ignore_file, "",
	    false, ks_cli_pinned_now()) : ks_filter_load_default_ignores(
	    &filter, opts.targets, opts.ntargets, ks_cli_pinned_now())) < 0 ||
	    (baseline && ks_filter_load_baseline(&filter, baseline) < 0)) {
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (!quiet)
		ks_filter_warn_expired(&filter);

	/* Rules first: a bad rule file is a usage error, before any I/O. */
	if (ks_ruleset_new(&rules) < 0 ||
	    (builtin && ks_ruleset_load_builtin(rules) < 0)) {
		ks_cli_error_last("cannot load the built-in rules");
		goto done;
	}
	for (i = 0; i < nrule_paths; i++) {
		if ((error = ks_ruleset_load_path(rules, rule_paths[i])) < 0) {
			ks_cli_error_last("cannot load rules");
			rc = KS_EXIT_USAGE;
			goto done;
		}
	}
	if (ks_ruleset_compile(rules) < 0) {
		ks_cli_error_last("cannot compile rules");
		goto done;
	}

	if (!no_store) {
		ks_store_options sopts = KS_STORE_OPTIONS_INIT;

		if (!store_path) {
			if (ks_store_default_path(&default_store) < 0) {
				ks_cli_error_last("no default store");
				goto done;
			}
			store_path = default_store.ptr;
		}
		if (ks_store_open(&store, store_path, &sopts) < 0) {
			ks_cli_error_last("cannot open the store");
			goto done;
		}
	}

	if ((out = ks_cli_open_output(output)) == NULL)
		goto done;
	ropts.color = !strcmp(color, "always") ||
	    (!strcmp(color, "auto") && out == stdout && isatty(STDOUT_FILENO) &&
	    !getenv("NO_COLOR"));
	ropts.now = ks_cli_pinned_now();
	prog.enabled = isatty(STDERR_FILENO) && !quiet;
	opts.progress_cb = on_progress;
	opts.progress_payload = &prog;

	if (ks_cli_git_before(&git, &opts, store) < 0) {
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if ((error = ks_scan_run(&result, &opts, rules, store)) < 0) {
		if (prog.shown)
			fputs("\r\033[K", stderr);
		ks_cli_error_last("scan failed");
		rc = error == KS_EINVALID ? KS_EXIT_USAGE : KS_EXIT_RUNTIME;
		goto done;
	}
	if (prog.shown)
		fputs("\r\033[K", stderr);
	if (store && ks_cli_git_after(&git, store,
	    ks_scan_result_run_id(result)) < 0)
		goto done;

	if (ks_report_begin(&report, reporter, out, &ropts) < 0)
		goto report_error;
	for (i = 0; i < ks_ruleset_count(rules); i++) {
		const ks_rule *rule = ks_ruleset_get(rules, i);
		ks_report_rule info = {
			ks_rule_id(rule), ks_rule_name(rule),
			ks_rule_description(rule),
			ks_rule_category_name(ks_rule_category_of(rule)),
			ks_rule_confidence(rule), ks_rule_remediation(rule)
		};

		if (ks_report_rule_info(report, &info) < 0)
			goto report_error;
	}
	ks_filter_select(&filter, &kept, &nkept, result,
	    ks_report_format_grouped(reporter));
	for (i = 0; i < nkept; i++)
		if (ks_report_occurrence(report, kept[i]) < 0)
			goto report_error;
	for (i = 0; i < ks_scan_result_diagnostic_count(result); i++) {
		const ks_diagnostic *d = ks_scan_result_diagnostic(result, i);

		if (!quiet)
			print_diagnostic(d);
		if (ks_report_diagnostic(report, d) < 0)
			goto report_error;
	}
	st = ks_scan_result_stats(result);
	memset(&summary, 0, sizeof(summary));
	summary.files = st->files;
	summary.bytes = st->bytes;
	summary.blobs = st->blobs;
	summary.skipped = st->skipped;
	summary.diagnostics = st->diagnostics;
	summary.occurrences = nkept;
	summary.findings = ks_filter_count_findings(kept, nkept);
	summary.suppressed = filter.suppressed + st->allowed;
	summary.baselined = filter.baselined;
	summary.seconds = st->seconds;
	summary.run_id = ks_scan_result_run_id(result);
	summary.store_path = store ? store_path : NULL;
	error = ks_report_end(report, &summary);
	report = NULL;
	if (error < 0)
		goto report_error;
	rc = nkept ? KS_EXIT_FINDINGS : KS_EXIT_OK;
	goto done;

report_error:
	ks_cli_error_last("cannot write the report");
	rc = KS_EXIT_RUNTIME;
done:
	if (report && ks_report_end(report, NULL) < 0)
		ks_error_clear();
	if (out && out != stdout && fclose(out) != 0 && rc != KS_EXIT_RUNTIME) {
		ks_cli_error("cannot write '%s'", output);
		rc = KS_EXIT_RUNTIME;
	}
	free(kept);
	ks_cli_git_dispose(&git);
	ks_filter_dispose(&filter);
	ks_scan_result_free(result);
	ks_store_close(store);
	ks_ruleset_free(rules);
	ks_buf_dispose(&default_store);
	free(rule_paths);
	free(excludes);
	return rc;
}
