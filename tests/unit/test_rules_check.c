/*
 * tests/unit/test_rules_check.c - ks_rules_check over the built-in rules
 * and over rules built to fail each check
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <keyshift/rules.h>

struct problems {
	size_t n;
	char last[512];
	char last_rule[128];
};

static void
on_problem(const char *rule_id, const char *problem, void *payload)
{
	struct problems *p = payload;

	p->n++;
	snprintf(p->last, sizeof(p->last), "%s", problem);
	snprintf(p->last_rule, sizeof(p->last_rule), "%s",
	    rule_id ? rule_id : "");
	print_message("problem: %s: %s\n", rule_id ? rule_id : "-", problem);
}

static void
test_rules_check__builtin_has_no_problems(void **state)
{
	ks_ruleset *set = NULL;
	struct problems p = { 0 };
	size_t n = 99;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_builtin(set));
	assert_true(ks_ruleset_count(set) >= 9);
	assert_int_equal(0, ks_ruleset_compile(set));
	assert_int_equal(0, ks_rules_check(set, on_problem, &p, &n));
	assert_int_equal(0, n);
	assert_int_equal(0, p.n);
	ks_ruleset_free(set);
}

/* Every built-in rule carries >= 2 examples and >= 2 counter-examples. */
static void
test_rules_check__builtin_rules_are_documented(void **state)
{
	ks_ruleset *set = NULL;
	size_t i;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_builtin(set));
	for (i = 0; i < ks_ruleset_count(set); i++) {
		const ks_rule *r = ks_ruleset_get(set, i);

		assert_true(ks_rule_example_count(r) >= 2);
		assert_true(ks_rule_negative_example_count(r) >= 2);
		assert_true(ks_rule_reference_count(r) >= 1);
		assert_true(ks_rule_keyword_count(r) >= 1);
		assert_non_null(ks_rule_remediation(r));
		assert_int_equal(0, strncmp(ks_rule_id(r), "ks.", 3));
		assert_int_equal(0, strncmp(ks_rule_origin(r), "builtin:", 8));
	}
	ks_ruleset_free(set);
}

static size_t
check_yaml(const char *yaml, struct problems *p)
{
	ks_ruleset *set = NULL;
	size_t n = 0;

	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_buffer(set, "t.yml", yaml,
	    strlen(yaml)));
	assert_int_equal(0, ks_ruleset_compile(set));
	assert_int_equal(0, ks_rules_check(set, on_problem, p, &n));
	ks_ruleset_free(set);
	return n;
}

#define RULE_HEAD \
	"rules:\n" \
	"- id: ks.test.rule\n" \
	"  name: test\n" \
	"  description: test\n" \
	"  category: generic\n" \
	"  confidence: low\n"

static void
test_rules_check__example_that_does_not_match(void **state)
{
	struct problems p = { 0 };

	(void)state;
	assert_int_equal(1, check_yaml(RULE_HEAD
	    "  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_1234']\n", &p));
	assert_non_null(strstr(p.last, "example 1 does not match"));
	assert_string_equal("ks.test.rule", p.last_rule);
}

static void
test_rules_check__negative_example_that_matches(void **state)
{
	struct problems p = { 0 };

	(void)state;
	assert_int_equal(1, check_yaml(RULE_HEAD
	    "  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n"
	    "  negative_examples: ['tok_87654321']\n", &p));
	assert_non_null(strstr(p.last, "negative example 1 matches"));
}

static void
test_rules_check__example_without_keyword(void **state)
{
	struct problems p = { 0 };

	(void)state;
	/* matches, but the prefilter would never select it: two problems */
	assert_int_equal(2, check_yaml(RULE_HEAD
	    "  keywords: [token]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n", &p));
	assert_non_null(strstr(p.last, "hidden by the prefilter"));
}

static void
test_rules_check__no_keywords_needs_prefilter_none(void **state)
{
	struct problems p = { 0 };

	(void)state;
	assert_int_equal(1, check_yaml(RULE_HEAD
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n", &p));
	assert_non_null(strstr(p.last, "prefilter: none"));
	memset(&p, 0, sizeof(p));
	assert_int_equal(0, check_yaml(RULE_HEAD
	    "  prefilter: none\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n", &p));
}

static void
test_rules_check__short_keyword(void **state)
{
	struct problems p = { 0 };

	(void)state;
	assert_int_equal(1, check_yaml(RULE_HEAD
	    "  keywords: ['t_']\n"
	    "  pattern: 't_(?<secret>[0-9]{8})'\n"
	    "  examples: ['t_12345678']\n", &p));
	assert_non_null(strstr(p.last, "shorter than"));
}

static void
test_rules_check__redos_pattern_is_reported(void **state)
{
	struct problems p = { 0 };

	(void)state;
	/* overlapping alternatives: exponential backtracking on a run of
	 * 'a' without a [bc] after it (a class, so PCRE2's required-byte
	 * shortcut cannot rescue it) */
	assert_true(check_yaml(RULE_HEAD
	    "  keywords: [key=]\n"
	    "  pattern: 'key=(?<secret>(?:a|aa)+)[bc]'\n"
	    "  examples: ['key=aaab']\n", &p) >= 1);
	assert_non_null(strstr(p.last, "ReDoS"));
}

/* The smoke inputs of a well-behaved rule are not blamed on a bad one. */
static void
test_rules_check__redos_is_blamed_on_its_rule(void **state)
{
	struct problems p = { 0 };

	(void)state;
	assert_int_equal(1, check_yaml(
	    "rules:\n"
	    "- id: ks.test.bad\n"
	    "  name: bad\n  description: bad\n  category: generic\n"
	    "  confidence: low\n  keywords: [key=]\n"
	    "  pattern: 'key=(?<secret>(?:a|aa)+)[bc]'\n"
	    "  examples: ['key=aab']\n"
	    "- id: ks.test.good\n"
	    "  name: good\n  description: good\n  category: generic\n"
	    "  confidence: low\n  keywords: [key=]\n"
	    "  pattern: 'key=(?<secret>a{1,8})c'\n"
	    "  examples: ['key=aac']\n", &p));
	assert_string_equal("ks.test.bad", p.last_rule);
}

static void
test_rules_check__uncompiled_set_is_refused(void **state)
{
	ks_ruleset *set = NULL;
	size_t n;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(KS_EINVALID, ks_rules_check(set, NULL, NULL, &n));
	ks_ruleset_free(set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_check__builtin_has_no_problems),
		cmocka_unit_test(test_rules_check__builtin_rules_are_documented),
		cmocka_unit_test(test_rules_check__example_that_does_not_match),
		cmocka_unit_test(test_rules_check__negative_example_that_matches),
		cmocka_unit_test(test_rules_check__example_without_keyword),
		cmocka_unit_test(test_rules_check__no_keywords_needs_prefilter_none),
		cmocka_unit_test(test_rules_check__short_keyword),
		cmocka_unit_test(test_rules_check__redos_pattern_is_reported),
		cmocka_unit_test(test_rules_check__redos_is_blamed_on_its_rule),
		cmocka_unit_test(test_rules_check__uncompiled_set_is_refused),
	};
	return cmocka_run_group_tests_name("rules/check", tests, NULL, NULL);
}
