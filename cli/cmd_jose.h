/*
 * cli/cmd_jose.h - helpers shared by cmd_keys.c and cmd_assertion.c
 *
 * Defined in cmd_keys.c.
 */
#ifndef KS_CLI_CMD_JOSE_H
#define KS_CLI_CMD_JOSE_H

#include <stdint.h>

/* Print the last error once as "keyshift: <message>"; return the exit
 * code for a runtime error. */
int cmd_jose_fail(void);
/* Parse a decimal integer in [min, max]; -1 when it is not one. */
int cmd_jose_parse_int(int64_t *out, const char *s, int64_t min, int64_t max);

#endif
