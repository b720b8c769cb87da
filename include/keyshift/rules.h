/*
 * keyshift/rules.h - rule sets: loading, inspecting and checking rules
 *
 * A rule is data (YAML): an id, a PCRE2 pattern with a named group
 * `secret`, literal keywords for the prefilter, and the examples and
 * counter-examples that `keyshift rules check` proves. The built-in rules
 * are embedded in the binary; users add more with ks_ruleset_load_path().
 */
#ifndef KS_KEYSHIFT_RULES_H
#define KS_KEYSHIFT_RULES_H

#include <keyshift/common.h>
#include <keyshift/error.h>

KS_BEGIN_DECL

typedef struct ks_ruleset ks_ruleset;
typedef struct ks_rule ks_rule;

typedef enum {
	KS_CATEGORY_PRIVATE_KEY = 0,
	KS_CATEGORY_OAUTH_CLIENT_SECRET,
	KS_CATEGORY_CLOUD_CREDENTIAL,
	KS_CATEGORY_API_TOKEN,
	KS_CATEGORY_GENERIC
} ks_rule_category;

/** Create an empty rule set. Free with ks_ruleset_free(). */
KS_EXTERN(int) ks_ruleset_new(ks_ruleset **out) KS_WARN_UNUSED;

/** Add the built-in rules embedded at build time. */
KS_EXTERN(int) ks_ruleset_load_builtin(ks_ruleset *set) KS_WARN_UNUSED;

/**
 * Add the rules of a YAML file, or of every `*.yml`/`*.yaml` file below a
 * directory (sorted by name). Strict: an unknown key, a missing required
 * key, a duplicate id or a pattern that does not compile is KS_EINVALID,
 * with "FILE:LINE: ..." in the message; the set is left unchanged then.
 */
KS_EXTERN(int) ks_ruleset_load_path(ks_ruleset *set, const char *path)
    KS_WARN_UNUSED;

/** Add the rules of a YAML document held in memory; `name` is for messages. */
KS_EXTERN(int) ks_ruleset_load_buffer(ks_ruleset *set, const char *name,
    const char *yaml, size_t len) KS_WARN_UNUSED;

/**
 * Finish the set for scanning: JIT-compile patterns and build the keyword
 * prefilter. Must be called once after loading and before any scan; the
 * set is read-only (and shareable across threads) afterwards.
 */
KS_EXTERN(int) ks_ruleset_compile(ks_ruleset *set) KS_WARN_UNUSED;

/** Free a rule set; NULL is a harmless no-op. */
KS_EXTERN(void) ks_ruleset_free(ks_ruleset *set);

KS_EXTERN(size_t) ks_ruleset_count(const ks_ruleset *set);
/** The i-th rule (sorted by id); borrowed, valid as long as the set. */
KS_EXTERN(const ks_rule *) ks_ruleset_get(const ks_ruleset *set, size_t i);
/** The rule with this id, or NULL. */
KS_EXTERN(const ks_rule *) ks_ruleset_find(const ks_ruleset *set,
    const char *id);

/* Accessors; returned strings are borrowed from the rule. */
KS_EXTERN(const char *) ks_rule_id(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_name(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_description(const ks_rule *rule);
KS_EXTERN(ks_rule_category) ks_rule_category_of(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_category_name(ks_rule_category category);
/** "low", "medium" or "high". */
KS_EXTERN(const char *) ks_rule_confidence(const ks_rule *rule);
/**
 * The rule family: fingerprints depend on it, not on the id, so a new
 * version of a rule keeps its findings. Defaults to the id.
 */
KS_EXTERN(const char *) ks_rule_family(const ks_rule *rule);
/** SHA-256 (hex) over the rule's pattern and options: its structural id. */
KS_EXTERN(const char *) ks_rule_structural_id(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_pattern(const ks_rule *rule);
/** Remediation advice shown in reports (may be NULL). */
KS_EXTERN(const char *) ks_rule_remediation(const ks_rule *rule);
/** Where the rule came from: "builtin:FILE" or a path. */
KS_EXTERN(const char *) ks_rule_origin(const ks_rule *rule);
KS_EXTERN(size_t) ks_rule_keyword_count(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_keyword(const ks_rule *rule, size_t i);
KS_EXTERN(size_t) ks_rule_reference_count(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_reference(const ks_rule *rule, size_t i);
KS_EXTERN(size_t) ks_rule_example_count(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_example(const ks_rule *rule, size_t i);
KS_EXTERN(size_t) ks_rule_negative_example_count(const ks_rule *rule);
KS_EXTERN(const char *) ks_rule_negative_example(const ks_rule *rule,
    size_t i);

/**
 * Called once per problem found by ks_rules_check(); `rule_id` is NULL for
 * problems not tied to one rule.
 */
typedef void (*ks_rules_check_cb)(const char *rule_id, const char *problem,
    void *payload);

/**
 * Check every rule of a compiled set: patterns JIT-compile, every example
 * matches (through the prefilter and PCRE2) and contains one of the rule's
 * keywords, no negative example matches, a ReDoS smoke input finishes
 * within the match limits, and rules without keywords say
 * `prefilter: none`.
 * @param problems_out  number of problems found
 * @return 0 when the check ran (see *problems_out), a negative code if it
 *         could not run.
 */
KS_EXTERN(int) ks_rules_check(const ks_ruleset *set, ks_rules_check_cb cb,
    void *payload, size_t *problems_out) KS_WARN_UNUSED;

KS_END_DECL
#endif
