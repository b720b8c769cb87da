/*
 * rules/builtin.h - the built-in rule files, embedded at build time
 *
 * rules/embed.cmake writes builtin_rules.c from the .yml files in rules/builtin/,
 * sorted by name; each entry holds a file's name and its bytes (with a
 * NUL after `len` bytes, not counted).
 */
#ifndef KS_RULES_BUILTIN_H
#define KS_RULES_BUILTIN_H

#include <stddef.h>

struct ks_builtin_rule_file {
	const char *name;            /* e.g. "pem.yml" */
	const unsigned char *data;
	size_t len;
};

extern const struct ks_builtin_rule_file ks_builtin_rule_files[];
extern const size_t ks_builtin_rule_file_count;

#endif
