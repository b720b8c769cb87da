/*
 * rules/rule.h - the rule and rule set structures (rules/ internal)
 *
 * A ks_rule owns all of its strings and its compiled pattern. A ks_ruleset
 * owns its rules, kept sorted by id; `index` is the rule's position in that
 * order and is what the prefilter's candidate bitset and the match order
 * use. Everything here is written while loading and by
 * ks_ruleset_compile(), and is read-only afterwards, so one set can be
 * shared by every scanning thread.
 */
#ifndef KS_RULES_RULE_H
#define KS_RULES_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <keyshift/rules.h>

/* Largest rule file we read: rule files are small, this is a sanity cap. */
#define KS_RULE_FILE_MAX ((size_t)4 << 20)

/* Match limits applied to every pcre2 match (see matcher.c). */
#define KS_RULE_MATCH_LIMIT 1000000u
#define KS_RULE_DEPTH_LIMIT 100000u
#define KS_RULE_HEAP_LIMIT_KIB 65536u
#define KS_RULE_JIT_STACK_MAX ((size_t)1 << 20)

enum ks_confidence {
	KS_CONFIDENCE_LOW = 0,
	KS_CONFIDENCE_MEDIUM,
	KS_CONFIDENCE_HIGH
};

struct ks_strlist {
	char **items;  /* owned, each NUL-terminated */
	size_t len;
};

struct ks_rule {
	char *id;                   /* owned; all strings below too */
	char *name;
	char *description;
	char *family;               /* defaults to a copy of id */
	char *remediation;          /* NULL when absent */
	char *origin;               /* "builtin:FILE" or the path */
	char *pattern;
	unsigned line;              /* line of the rule in `origin`, 1-based */

	ks_rule_category category;
	enum ks_confidence confidence;
	struct ks_strlist keywords;
	struct ks_strlist references;
	struct ks_strlist examples;
	struct ks_strlist negative_examples;
	double entropy;             /* min bits/byte of `secret`; 0 = none */
	size_t min_length;          /* min length of `secret`; 0 = none */
	bool prefilter_none;        /* always run, never prefiltered */
	uint32_t compile_options;   /* PCRE2 options from pattern_flags */

	char structural_id[65];     /* SHA-256 hex of pattern and options */
	pcre2_code *code;           /* owned */
	/* JIT state: 0 not yet compiled, 1 JIT, 2 interpreter only. JIT
	 * compilation is lazy (ks_rule__jit): a pre-commit hook scanning a
	 * few files should not JIT every rule. Written under a lock, read
	 * with acquire semantics, so sharing the set across threads stays
	 * safe. */
	_Atomic int jit_state;
	uint32_t capture_count;
	uint32_t group_secret;      /* group numbers; 0 when absent */
	uint32_t group_client_id;
	uint32_t group_issuer;

	size_t index;               /* position in the sorted set */
};

struct ks_prefilter;

struct ks_ruleset {
	struct ks_rule **rules;     /* owned; sorted by id */
	size_t count;
	bool compiled;
	uint32_t max_capture_count; /* over all rules; sizes match data */
	struct ks_prefilter *pf;    /* owned; built by ks_ruleset_compile */
	double pf_compile_ms;       /* time spent building the prefilter */
};

/* Free a rule and everything it owns; NULL is a no-op. */
void ks_rule__free(struct ks_rule *rule);

/* JIT-compile `rule` if that was not tried yet (thread-safe, once);
 * true when JIT matching is available for it. */
bool ks_rule__jit(const struct ks_rule *rule);

/*
 * Parse one YAML document into new rules appended to `*rules_out` /
 * `*count_out` (which the caller owns and frees with ks_rule__free on
 * each element, then ks__free). Compiles each pattern (not JIT) to check
 * it and find its groups. `origin` is used in messages and recorded in
 * the rules. KS_EINVALID with "ORIGIN:LINE: ..." on a schema error.
 */
int ks_rules__parse(struct ks_rule ***rules_out, size_t *count_out,
    const char *origin, const char *yaml, size_t len) KS_WARN_UNUSED;

/*
 * A new PCRE2 general context that routes PCRE2's memory through
 * ks__malloc; the caller frees it with pcre2_general_context_free().
 * NULL (with KS_ENOMEM's message set) when out of memory.
 */
pcre2_general_context *ks_rules__gcontext_new(void);

/* Milliseconds spent compiling the prefilter in ks_ruleset_compile(). */
double ks_ruleset__prefilter_compile_ms(const ks_ruleset *set);

#endif
