/*
 * cli/source_opts.c - parsing the archive and key-value store options
 */
#include "source_opts.h"

#include "cli.h"

/* Deeper nesting than this is not a real archive but an attack. */
#define MAX_ARCHIVE_DEPTH 16

int
ks_cli_source_option(ks_scan_options *opts, int c, const char *arg)
{
	unsigned long n;

	switch (c) {
	case KS_CLI_OPT_ARCHIVE_DEPTH:
		if (!ks_cli_parse_uint(arg, MAX_ARCHIVE_DEPTH, &n)) {
			ks_cli_error("--archive-depth: expected 0 to %d, got "
			    "'%s'", MAX_ARCHIVE_DEPTH, arg);
			return -1;
		}
		if (n == 0) {
			opts->flags |= KS_SCAN_NO_ARCHIVES;
		} else {
			opts->flags &= ~(unsigned)KS_SCAN_NO_ARCHIVES;
			opts->archive_depth = (unsigned)n;
		}
		return 1;
	case KS_CLI_OPT_CREDENTIALS:
		opts->credentials_file = arg;
		return 1;
	case KS_CLI_OPT_INSECURE:
		opts->flags |= KS_SCAN_INSECURE;
		ks_cli_warn("--insecure: TLS certificates of key-value stores "
		    "are NOT verified; anyone on the network path can read "
		    "the secrets and the credentials sent");
		return 1;
	default:
		return 0;
	}
}
