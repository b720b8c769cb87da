/*
 * cli/cmd_baseline.c - `keyshift baseline create -o FILE [TARGET...]`
 *
 * A baseline is the "fingerprints" report of a scan: sorted unique
 * content fingerprints, a comment header, no timestamps or line numbers,
 * so it merges cleanly and a moved secret changes nothing. Creating one
 * is a scan that records nothing; every scan option is accepted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "exitcode.h"

static const char baseline_usage[] =
"usage: keyshift baseline create [-o FILE] [scan options] [TARGET...]\n"
"\n"
"Write the fingerprints of everything a scan of TARGET finds (default:\n"
"the current directory) to FILE (default stdout), sorted, one per line.\n"
"Commit it; then `keyshift scan --baseline FILE` fails (exit 1) only on\n"
"findings that are not in it.\n";

int
cmd_baseline(int argc, char **argv)
{
	char **sargv;
	int i, n = 0, rc;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(baseline_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? KS_EXIT_USAGE : KS_EXIT_OK;
	}
	if (strcmp(argv[1], "create") != 0) {
		ks_cli_error("unknown baseline command '%s'; see 'keyshift "
		    "help baseline'", argv[1]);
		return KS_EXIT_USAGE;
	}
	if ((sargv = calloc((size_t)argc + 6, sizeof(*sargv))) == NULL) {
		ks_cli_error("out of memory");
		return KS_EXIT_RUNTIME;
	}
	sargv[n++] = "scan";
	sargv[n++] = "--no-store";
	sargv[n++] = "--format";
	sargv[n++] = "fingerprints";
	for (i = 2; i < argc; i++)
		sargv[n++] = argv[i];
	rc = cmd_scan(n, sargv);
	free(sargv);
	/* findings are the point here, not a failure */
	return rc == KS_EXIT_FINDINGS ? KS_EXIT_OK : rc;
}
