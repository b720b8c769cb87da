/*
 * cli/source_opts.h - the archive and key-value store options of
 * `keyshift scan` (docs/SOURCES.md)
 */
#ifndef KS_CLI_SOURCE_OPTS_H
#define KS_CLI_SOURCE_OPTS_H

#include <keyshift/scan.h>

#define KS_CLI_SOURCE_USAGE \
"archives and live stores (etcd://, consul://, vault://, springconfig://\n" \
"and their +https forms; see docs/SOURCES.md):\n" \
"      --archive-depth N   open archives nested up to N levels (default 3;\n" \
"                          0: scan archives as plain files)\n" \
"      --credentials FILE  store credentials as NAME=value lines (mode\n" \
"                          0600), e.g. VAULT_TOKEN=...; else the environment\n" \
"      --insecure          do not verify the TLS certificates of stores\n"

enum {
	KS_CLI_OPT_ARCHIVE_DEPTH = 640, KS_CLI_OPT_CREDENTIALS,
	KS_CLI_OPT_INSECURE
};

#define KS_CLI_SOURCE_LONGOPTS \
	{ "archive-depth", required_argument, NULL, KS_CLI_OPT_ARCHIVE_DEPTH }, \
	{ "credentials", required_argument, NULL, KS_CLI_OPT_CREDENTIALS }, \
	{ "insecure", no_argument, NULL, KS_CLI_OPT_INSECURE }

/* Handle option `c` (a KS_CLI_OPT_*): 1 if it was one, 0 if not, -1 on
 * a usage error (printed). --insecure warns on stderr. */
int ks_cli_source_option(ks_scan_options *opts, int c, const char *arg);

#endif
