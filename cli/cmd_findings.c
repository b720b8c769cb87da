/*
 * cli/cmd_findings.c - `keyshift findings list|show|triage`
 *
 * Triage is recorded in the store with time and user (the store keeps
 * the history in finding_status_event) and shown in every report.
 * The user is $KEYSHIFT_USER, else $USER, else the passwd name.
 */
#include <getopt.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <keyshift/finding.h>
#include <keyshift/inventory.h>
#include <keyshift/store.h>

#include "cli.h"
#include "commands.h"
#include "exitcode.h"

static const char findings_usage[] =
"usage: keyshift findings list [--store FILE] [--status S] [--category C]\n"
"                              [--rule R]\n"
"       keyshift findings show [--store FILE] FINGERPRINT\n"
"       keyshift findings triage [--store FILE] FINGERPRINT --status S\n"
"                              [--reason TEXT]\n"
"\n"
"List the findings in the store, show one with its places and triage\n"
"history, or set its triage status: open, false-positive, accepted-risk\n"
"or revoked. FINGERPRINT may be a unique prefix of 8 or more digits.\n"
"The user recorded is $KEYSHIFT_USER, else $USER.\n";

enum { OPT_STORE = 256, OPT_STATUS, OPT_CATEGORY, OPT_RULE, OPT_REASON };

static const struct option findings_options[] = {
	{ "store", required_argument, NULL, OPT_STORE },
	{ "status", required_argument, NULL, OPT_STATUS },
	{ "category", required_argument, NULL, OPT_CATEGORY },
	{ "rule", required_argument, NULL, OPT_RULE },
	{ "reason", required_argument, NULL, OPT_REASON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

/* Terminal-safe: file names and reasons are anyone's bytes. */
static void
put_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "-");

	for (; *p; p++)
		putchar(*p < 0x20 || *p == 0x7f ? '?' : *p);
}

static void
put_time(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char buf[32];

	if (t && gmtime_r(&tt, &tm) &&
	    strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm))
		fputs(buf, stdout);
	else
		fputs("-", stdout);
}

static int
list_one(const ks_finding_info *f, void *payload)
{
	(void)payload;
	printf("%s  %-14s  %-19s  ", f->fingerprint, f->status,
	    f->category ? f->category : "-");
	put_safe(f->rule_id);
	fputs("  ", stdout);
	put_safe(f->secret_preview);
	printf("  %" PRId64 " place%s\n", f->occurrences,
	    f->occurrences == 1 ? "" : "s");
	return 0;
}

static int
show_place(const ks_stored_occurrence *rec, void *payload)
{
	(void)payload;
	fputs("  ", stdout);
	put_safe(rec->occ.path);
	printf(":%u:%u  ", rec->occ.line, rec->occ.column);
	put_safe(rec->occ.source);
	if (rec->occ.commit) {
		fputs("  commit ", stdout);
		put_safe(rec->occ.commit);
	}
	putchar('\n');
	return 0;
}

static int
show_event(const ks_status_event *ev, void *payload)
{
	(void)payload;
	fputs("  ", stdout);
	put_time(ev->at);
	printf("  %-14s  ", ev->status);
	put_safe(ev->user);
	if (ev->reason) {
		fputs("  ", stdout);
		put_safe(ev->reason);
	}
	putchar('\n');
	return 0;
}

static int
show(ks_store *store, const char *prefix)
{
	ks_finding_info f;
	ks_inventory_filter filter = KS_INVENTORY_FILTER_INIT;
	int error;

	memset(&f, 0, sizeof(f));
	if ((error = ks_store_finding_get(&f, store, prefix, false)) < 0)
		return error;
	printf("fingerprint  %s\nstatus       %s\nrule         ", f.fingerprint,
	    f.status);
	put_safe(f.rule_id);
	fputs("\nname         ", stdout);
	put_safe(f.rule_name);
	fputs("\ncategory     ", stdout);
	put_safe(f.category);
	fputs("\npreview      ", stdout);
	put_safe(f.secret_preview);
	if (f.client_id) {
		fputs("\nclient_id    ", stdout);
		put_safe(f.client_id);
	}
	if (f.issuer) {
		fputs("\nissuer       ", stdout);
		put_safe(f.issuer);
	}
	fputs("\nfirst seen   ", stdout);
	put_time(f.first_seen);
	fputs("\nlast seen    ", stdout);
	put_time(f.last_seen);
	printf("\nplaces (%" PRId64 "):\n", f.occurrences);
	filter.fingerprint = f.fingerprint;
	if ((error = ks_store_foreach_occurrence(store, &filter, show_place,
	    NULL)) == 0) {
		fputs("triage history:\n", stdout);
		error = ks_store_foreach_status_event(store, f.fingerprint,
		    show_event, NULL);
	}
	ks_finding_info_dispose(&f);
	return error;
}

static const char *
current_user(void)
{
	const char *u;
	struct passwd *pw;

	if ((u = getenv("KEYSHIFT_USER")) && *u)
		return u;
	if ((u = getenv("USER")) && *u)
		return u;
	if ((pw = getpwuid(getuid())) != NULL)
		return pw->pw_name;
	return NULL;
}

static bool
valid_status(const char *s)
{
	return s && (!strcmp(s, "open") || !strcmp(s, "false-positive") ||
	    !strcmp(s, "accepted-risk") || !strcmp(s, "revoked"));
}

int
cmd_findings(int argc, char **argv)
{
	ks_inventory_filter filter = KS_INVENTORY_FILTER_INIT;
	ks_store_options sopts = KS_STORE_OPTIONS_INIT;
	ks_buf default_store = KS_BUF_INIT;
	const char *store_path = NULL, *reason = NULL, *verb;
	char full[KS_FINGERPRINT_HEXLEN + 1];
	ks_store *store = NULL;
	int c, rc = KS_EXIT_USAGE, error;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", findings_options, NULL)) !=
	    -1) {
		switch (c) {
		case OPT_STORE: store_path = optarg; break;
		case OPT_STATUS: filter.status = optarg; break;
		case OPT_CATEGORY: filter.category = optarg; break;
		case OPT_RULE: filter.rule = optarg; break;
		case OPT_REASON: reason = optarg; break;
		case 'h':
			fputs(findings_usage, stdout);
			return KS_EXIT_OK;
		default:
			ks_cli_error("see 'keyshift help findings'");
			return KS_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		ks_cli_error("expected list, show or triage; see 'keyshift "
		    "help findings'");
		return KS_EXIT_USAGE;
	}
	verb = argv[optind++];
	if (strcmp(verb, "list") && strcmp(verb, "show") &&
	    strcmp(verb, "triage")) {
		ks_cli_error("unknown findings command '%s'", verb);
		return KS_EXIT_USAGE;
	}
	if (strcmp(verb, "list") != 0 && optind + 1 != argc) {
		ks_cli_error("%s: expected one FINGERPRINT", verb);
		return KS_EXIT_USAGE;
	}
	if (strcmp(verb, "list") == 0 && optind != argc) {
		ks_cli_error("list takes no operands");
		return KS_EXIT_USAGE;
	}
	if ((filter.status || strcmp(verb, "triage") == 0) &&
	    !valid_status(filter.status)) {
		ks_cli_error("--status: expected open, false-positive, "
		    "accepted-risk or revoked");
		return KS_EXIT_USAGE;
	}

	rc = KS_EXIT_RUNTIME;
	if (!store_path) {
		if (ks_store_default_path(&default_store) < 0) {
			ks_cli_error_last("no default store");
			goto done;
		}
		store_path = default_store.ptr;
	}
	sopts.no_create = true;
	sopts.read_only = strcmp(verb, "triage") != 0;
	if ((error = ks_store_open(&store, store_path, &sopts)) < 0) {
		if (error == KS_ENOTFOUND)
			ks_cli_error("no store at '%s'; run 'keyshift scan' "
			    "first", store_path);
		else
			ks_cli_error_last("cannot open the store");
		goto done;
	}
	if (strcmp(verb, "list") == 0) {
		if (ks_store_foreach_finding(store, &filter, list_one,
		    NULL) < 0) {
			ks_cli_error_last("cannot read the store");
			goto done;
		}
		rc = KS_EXIT_OK;
		goto done;
	}
	if ((error = ks_store_resolve_fingerprint(full, store,
	    argv[optind])) < 0) {
		ks_cli_error_last("no such finding");
		rc = error == KS_ENOTFOUND ? KS_EXIT_FINDINGS : KS_EXIT_USAGE;
		goto done;
	}
	if (strcmp(verb, "show") == 0) {
		if (show(store, full) < 0) {
			ks_cli_error_last("cannot read the store");
			goto done;
		}
		rc = KS_EXIT_OK;
		goto done;
	}
	if (ks_store_set_status(store, full, filter.status, reason,
	    current_user()) < 0) {
		ks_cli_error_last("cannot set the status");
		goto done;
	}
	printf("%s: %s\n", full, filter.status);
	rc = KS_EXIT_OK;
done:
	ks_store_close(store);
	ks_buf_dispose(&default_store);
	return rc;
}
