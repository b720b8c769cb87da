/*
 * cli/main.c - `keyshift`: argv -> command -> exit code
 *
 * The front end is a client of the library, as curl's src/ is of lib/.
 * Terminal concerns (colour, progress) live in cli/ and nowhere else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyshift/common.h>

#include "cli.h"
#include "commands.h"
#include "exitcode.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "scan", cmd_scan, "scan files, directories or stdin for secrets" },
	{ "hook", cmd_hook, "git hooks: pre-commit, pre-push, pre-receive, install" },
	{ "rules", cmd_rules, "list, show and check detection rules" },
	{ "report", cmd_report, "render the inventory: text, JSON, SARIF, "
	    "HTML, ..." },
	{ "findings", cmd_findings, "list, show and triage findings" },
	{ "baseline", cmd_baseline, "create a baseline for CI gates" },
	{ "keys", cmd_keys, "generate keys, publish JWKS, compute thumbprints" },
	{ "assertion", cmd_assertion,
	    "sign and lint private_key_jwt client assertions" },
	{ "migrate", cmd_migrate,
	    "move OAuth clients from secrets to private_key_jwt" },
	{ "help", NULL, "show help for a command" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
usage(FILE *fp)
{
	size_t i;

	fprintf(fp, "usage: keyshift [--version] [--help] <command> [<args>]\n\n"
	    "keyshift finds static OAuth client secrets and leaked private keys,\n"
	    "keeps an inventory of them, and replaces client secrets with\n"
	    "private_key_jwt client authentication.\n\ncommands:\n");
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name,
		    commands[i].summary);
	fprintf(fp, "\nRun 'keyshift help <command>' for a command's options.\n"
	    "Exit codes: 0 nothing found, 1 findings, 2 usage or runtime "
	    "error.\n");
}

static const struct command *
lookup(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

int
main(int argc, char **argv)
{
	const struct command *cmd;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return KS_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("keyshift %s\n", KS_VERSION);
		return KS_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return KS_EXIT_OK;
	}
	if (!strcmp(argv[1], "help")) {
		char *hargv[] = { NULL, "--help", NULL };

		/* `help help`: help is a listed command too, and its help
		 * is the overview. */
		if (argc < 3 || !strcmp(argv[2], "help")) {
			usage(stdout);
			return KS_EXIT_OK;
		}
		if ((cmd = lookup(argv[2])) == NULL || !cmd->fn) {
			ks_cli_error("unknown command '%s'; see 'keyshift "
			    "--help'", argv[2]);
			return KS_EXIT_USAGE;
		}
		hargv[0] = argv[2];
		return cmd->fn(2, hargv);
	}
	if ((cmd = lookup(argv[1])) == NULL || !cmd->fn) {
		ks_cli_error("unknown command '%s'; see 'keyshift --help'",
		    argv[1]);
		return KS_EXIT_USAGE;
	}
	if (ks_libinit() < 0) {
		ks_cli_error_last("cannot initialise");
		return KS_EXIT_RUNTIME;
	}
	rc = cmd->fn(argc - 1, argv + 1);
	ks_libshutdown();
	return rc;
}
