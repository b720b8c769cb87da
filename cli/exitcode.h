/*
 * cli/exitcode.h - the exit codes of `keyshift`, defined once
 *
 * Also documented in docs/keyshift.1 and README.md; Bats asserts each.
 */
#ifndef KS_CLI_EXITCODE_H
#define KS_CLI_EXITCODE_H

#define KS_EXIT_OK 0        /* success, nothing found */
#define KS_EXIT_FINDINGS 1  /* findings present (lint: problems found) */
#define KS_EXIT_USAGE 2     /* usage error, or a runtime error */
#define KS_EXIT_RUNTIME 2   /* a runtime error (same code: see issue #2) */

#endif
