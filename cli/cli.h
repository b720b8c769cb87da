/*
 * cli/cli.h - helpers shared by the commands
 */
#ifndef KS_CLI_CLI_H
#define KS_CLI_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <keyshift/common.h>

/* "keyshift: <message>" on stderr, terminal-safe. */
void ks_cli_error(const char *fmt, ...) KS_PRINTF(1, 2);
void ks_cli_warn(const char *fmt, ...) KS_PRINTF(1, 2);
/* "keyshift: <what>: <ks_error_last() message>". */
void ks_cli_error_last(const char *what);
/* Parse "123", "10K", "64M", "1G" (binary units); false on bad input. */
bool ks_cli_parse_size(const char *s, uint64_t *out);
bool ks_cli_parse_uint(const char *s, unsigned long max, unsigned long *out);
/* Open -o FILE for writing ("-" or NULL: stdout). */
FILE *ks_cli_open_output(const char *path);
/* Pinned clock: SOURCE_DATE_EPOCH if set and valid, else 0. */
int64_t ks_cli_pinned_now(void);

#endif
