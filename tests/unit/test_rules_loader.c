/*
 * tests/unit/test_rules_loader.c - the strict YAML rule loader
 *
 * Every schema error is KS_EINVALID with "FILE:LINE: ..." and leaves the
 * set unchanged; good files load, sorted by id, with their fields intact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <keyshift/rules.h>

#include "alloc.h"
#include "matcher.h"

#define RULE_HEAD \
	"rules:\n" \
	"- id: ks.test.rule\n" \
	"  name: test rule\n" \
	"  description: a rule for tests\n"
#define RULE_BODY \
	"  category: generic\n" \
	"  confidence: low\n" \
	"  keywords: [tok_]\n" \
	"  pattern: 'tok_(?<secret>[0-9]{8})'\n" \
	"  examples: ['tok_12345678']\n"
#define GOOD_RULE RULE_HEAD RULE_BODY

static int
load(ks_ruleset *set, const char *yaml)
{
	return ks_ruleset_load_buffer(set, "t.yml", yaml, strlen(yaml));
}

static const char *
last_message(void)
{
	const ks_error *e = ks_error_last();

	return e ? e->message : "";
}

/* Load `yaml` into a fresh set: expect KS_EINVALID and `msg` in the error */
static void
expect_invalid(const char *yaml, const char *msg)
{
	ks_ruleset *set = NULL;

	assert_int_equal(0, ks_ruleset_new(&set));
	ks_error_clear();
	assert_int_equal(KS_EINVALID, load(set, yaml));
	if (!strstr(last_message(), msg))
		fail_msg("message '%s' does not contain '%s'", last_message(),
		    msg);
	assert_int_equal(0, ks_ruleset_count(set));
	assert_int_equal(KS_ERROR_RULE, ks_error_last()->klass);
	ks_ruleset_free(set);
}

static void
test_rules_loader__good_rule(void **state)
{
	ks_ruleset *set = NULL;
	const ks_rule *r;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, load(set, GOOD_RULE));
	assert_int_equal(1, ks_ruleset_count(set));
	r = ks_ruleset_get(set, 0);
	assert_string_equal("ks.test.rule", ks_rule_id(r));
	assert_string_equal("test rule", ks_rule_name(r));
	assert_string_equal("a rule for tests", ks_rule_description(r));
	assert_int_equal(KS_CATEGORY_GENERIC, ks_rule_category_of(r));
	assert_string_equal("generic",
	    ks_rule_category_name(ks_rule_category_of(r)));
	assert_string_equal("low", ks_rule_confidence(r));
	assert_string_equal("ks.test.rule", ks_rule_family(r));
	assert_string_equal("t.yml", ks_rule_origin(r));
	assert_null(ks_rule_remediation(r));
	assert_int_equal(1, ks_rule_keyword_count(r));
	assert_string_equal("tok_", ks_rule_keyword(r, 0));
	assert_null(ks_rule_keyword(r, 1));
	assert_int_equal(1, ks_rule_example_count(r));
	assert_int_equal(0, ks_rule_negative_example_count(r));
	assert_int_equal(64, strlen(ks_rule_structural_id(r)));
	assert_ptr_equal(r, ks_ruleset_find(set, "ks.test.rule"));
	assert_null(ks_ruleset_find(set, "ks.test.none"));
	assert_null(ks_ruleset_get(set, 1));
	ks_ruleset_free(set);
}

static void
test_rules_loader__unknown_key(void **state)
{
	(void)state;
	expect_invalid(GOOD_RULE "  negative_exmples: [x]\n",
	    "t.yml:10: rule 'ks.test.rule': unknown key 'negative_exmples'");
}

static void
test_rules_loader__missing_secret_group(void **state)
{
	(void)state;
	expect_invalid(RULE_HEAD
	    "  category: generic\n"
	    "  confidence: low\n"
	    "  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<token>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n",
	    "t.yml:8: rule 'ks.test.rule': pattern has no named group "
	    "'secret'");
}

static void
test_rules_loader__bad_category(void **state)
{
	(void)state;
	expect_invalid(RULE_HEAD
	    "  category: password\n"
	    "  confidence: low\n"
	    "  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n",
	    "t.yml:5: rule 'ks.test.rule': key 'category': unknown value "
	    "'password'");
}

static void
test_rules_loader__bad_confidence(void **state)
{
	(void)state;
	expect_invalid(RULE_HEAD
	    "  category: generic\n"
	    "  confidence: 3\n"
	    "  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n",
	    "t.yml:6: rule 'ks.test.rule': key 'confidence'");
}

static void
test_rules_loader__duplicate_id_in_file(void **state)
{
	(void)state;
	expect_invalid(GOOD_RULE
	    "- id: ks.test.rule\n"
	    "  name: again\n"
	    "  description: the same id again\n" RULE_BODY,
	    "t.yml:10: rule 'ks.test.rule': duplicate id (first defined at "
	    "line 2)");
}

static void
test_rules_loader__duplicate_id_across_loads(void **state)
{
	ks_ruleset *set = NULL;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, load(set, GOOD_RULE));
	assert_int_equal(KS_EINVALID, ks_ruleset_load_buffer(set, "u.yml",
	    GOOD_RULE, strlen(GOOD_RULE)));
	assert_non_null(strstr(last_message(), "u.yml:2: rule "
	    "'ks.test.rule': duplicate id (first defined at t.yml:2)"));
	assert_int_equal(1, ks_ruleset_count(set));
	ks_ruleset_free(set);
}

/* One good rule then a bad one: nothing of the file is added. */
static void
test_rules_loader__failed_load_leaves_set_unchanged(void **state)
{
	ks_ruleset *set = NULL;
	size_t before;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_builtin(set));
	before = ks_ruleset_count(set);
	assert_int_equal(KS_EINVALID, load(set, GOOD_RULE
	    "- id: ks.test.other\n"
	    "  name: other\n"
	    "  description: other\n"
	    "  category: generic\n"
	    "  confidence: low\n"
	    "  pattern: 'x(?<secret>'\n"
	    "  examples: [x]\n"));
	if (!strstr(last_message(), "t.yml:15: rule 'ks.test.other': "
	    "pattern does not compile at offset"))
		fail_msg("unexpected message '%s'", last_message());
	assert_int_equal(before, ks_ruleset_count(set));
	assert_null(ks_ruleset_find(set, "ks.test.rule"));
	ks_ruleset_free(set);
}

static void
test_rules_loader__wrong_types(void **state)
{
	(void)state;
	expect_invalid(RULE_HEAD
	    "  category: generic\n"
	    "  confidence: low\n"
	    "  keywords: tok_\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n",
	    "t.yml:7: rule 'ks.test.rule': key 'keywords': expected a list, "
	    "not a scalar");
	expect_invalid(GOOD_RULE "  entropy: high\n",
	    "key 'entropy': 'high' is not a number");
	expect_invalid(GOOD_RULE "  entropy: 9\n",
	    "key 'entropy': 9 is out of range");
	expect_invalid(GOOD_RULE "  min_length: 2.5\n",
	    "key 'min_length': expected an integer");
	expect_invalid(GOOD_RULE "  prefilter: sometimes\n",
	    "key 'prefilter': unknown value 'sometimes'");
	expect_invalid(GOOD_RULE "  pattern_flags: [caseless, fuzzy]\n",
	    "key 'pattern_flags': unknown flag 'fuzzy'");
	expect_invalid(GOOD_RULE "  references: [[a]]\n",
	    "key 'references': expected a string, not a list");
	expect_invalid(GOOD_RULE "  remediation: ''\n",
	    "key 'remediation': must not be empty");
	expect_invalid(GOOD_RULE "  name: again\n",
	    "t.yml:10: rule 'ks.test.rule': duplicate key 'name'");
}

static void
test_rules_loader__missing_keys(void **state)
{
	(void)state;
	expect_invalid("rules:\n- name: no id\n", "t.yml:2: rule without an "
	    "'id'");
	expect_invalid(RULE_HEAD "  category: generic\n",
	    "t.yml:2: rule 'ks.test.rule': missing required key "
	    "'confidence'");
	expect_invalid(RULE_HEAD
	    "  category: generic\n"
	    "  confidence: low\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: []\n",
	    "key 'examples': needs at least one example");
}

static void
test_rules_loader__bad_ids(void **state)
{
	(void)state;
	expect_invalid("rules:\n- id: Foo\n", "t.yml:2: rule 'Foo': id is "
	    "not of the form");
	expect_invalid("rules:\n- id: ks..x\n", "id is not of the form");
	expect_invalid("rules:\n- id: single\n", "id is not of the form");
}

static void
test_rules_loader__bad_documents(void **state)
{
	(void)state;
	expect_invalid("", "t.yml:1: empty rule file");
	expect_invalid("rules: [\n", "t.yml:2: invalid YAML");
	expect_invalid("- a\n", "the top level must be a mapping");
	expect_invalid("rule: []\n", "unknown top-level key 'rule'");
	expect_invalid("rules: {}\n", "key 'rules': expected a list");
	expect_invalid("rules:\n- just a string\n",
	    "t.yml:2: a rule must be a mapping");
	expect_invalid("rules: []\n---\nrules: []\n",
	    "more than one YAML document");
}

/* Empty rule lists are fine: a file may be a placeholder. */
static void
test_rules_loader__empty_list(void **state)
{
	ks_ruleset *set = NULL;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, load(set, "rules: []\n"));
	assert_int_equal(0, ks_ruleset_count(set));
	ks_ruleset_free(set);
}

struct first_match {
	size_t n, secret_start, secret_end;
};

static int
on_match(const struct ks_rule_match *m, void *payload)
{
	struct first_match *f = payload;

	if (f->n++ == 0) {
		f->secret_start = m->secret_start;
		f->secret_end = m->secret_end;
	}
	return 0;
}

/* A (?x) block-scalar pattern with comments; its final newline is not
 * part of the pattern. */
static void
test_rules_loader__extended_block_pattern(void **state)
{
	static const char yaml[] =
	    RULE_HEAD
	    "  category: generic\n"
	    "  confidence: low\n"
	    "  keywords: [tok_]\n"
	    "  pattern: |\n"
	    "    (?x)\n"
	    "    tok_            # the prefix\n"
	    "    (?<secret> [0-9]{8} )   # eight digits\n"
	    "  pattern_flags: [caseless]\n"
	    "  examples:\n"
	    "    - |\n"
	    "      TOK_12345678\n";
	static const char text[] = "x TOK_87654321";
	ks_ruleset *set = NULL;
	ks_matcher *m = NULL;
	struct first_match f = { 0, 0, 0 };
	const ks_rule *r;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, load(set, yaml));
	r = ks_ruleset_get(set, 0);
	assert_int_equal('s', ks_rule_pattern(r)[strlen(ks_rule_pattern(r))
	    - 1]);  /* "... # eight digits", without the block's "\n" */
	assert_string_equal("TOK_12345678\n", ks_rule_example(r, 0));
	assert_int_equal(0, ks_ruleset_compile(set));
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, (const uint8_t *)text,
	    strlen(text), on_match, &f, NULL));
	assert_int_equal(1, f.n);
	assert_int_equal(6, f.secret_start);
	assert_int_equal(14, f.secret_end);
	ks_matcher_free(m);
	ks_ruleset_free(set);
}

static void
test_rules_loader__structural_id(void **state)
{
	ks_ruleset *set = NULL;
	const ks_rule *a, *b, *c;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, load(set,
	    "rules:\n"
	    "- id: ks.test.a\n"
	    "  name: a\n  description: a\n  category: generic\n"
	    "  confidence: low\n  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n"
	    "- id: ks.test.b\n"
	    "  name: b\n  description: b\n  category: generic\n"
	    "  confidence: low\n  keywords: [tok_]\n"
	    "  family: ks.test.a\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  examples: ['tok_12345678']\n"
	    "- id: ks.test.c\n"
	    "  name: c\n  description: c\n  category: generic\n"
	    "  confidence: low\n  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{8})'\n"
	    "  pattern_flags: [caseless]\n"
	    "  examples: ['tok_12345678']\n"));
	a = ks_ruleset_find(set, "ks.test.a");
	b = ks_ruleset_find(set, "ks.test.b");
	c = ks_ruleset_find(set, "ks.test.c");
	/* same pattern and flags: same structural id, whatever the id */
	assert_string_equal(ks_rule_structural_id(a),
	    ks_rule_structural_id(b));
	assert_string_not_equal(ks_rule_structural_id(a),
	    ks_rule_structural_id(c));
	assert_string_equal("ks.test.a", ks_rule_family(b));
	ks_ruleset_free(set);
}

static void
test_rules_loader__sorted_by_id(void **state)
{
	ks_ruleset *set = NULL;
	size_t i;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_builtin(set));
	for (i = 1; i < ks_ruleset_count(set); i++)
		assert_true(strcmp(ks_rule_id(ks_ruleset_get(set, i - 1)),
		    ks_rule_id(ks_ruleset_get(set, i))) < 0);
	ks_ruleset_free(set);
}

static void
test_rules_loader__directory(void **state)
{
	ks_ruleset *set = NULL;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_path(set,
	    KS_TEST_SOURCE_DIR "/tests/rules/dir"));
	assert_int_equal(3, ks_ruleset_count(set));
	assert_string_equal("ks.fixture.a", ks_rule_id(ks_ruleset_get(set, 0)));
	assert_string_equal("ks.fixture.c", ks_rule_id(ks_ruleset_get(set, 2)));
	assert_string_equal(KS_TEST_SOURCE_DIR "/tests/rules/dir/sub/c.yml",
	    ks_rule_origin(ks_ruleset_get(set, 2)));
	/* loading the same directory again clashes, and changes nothing */
	assert_int_equal(KS_EINVALID, ks_ruleset_load_path(set,
	    KS_TEST_SOURCE_DIR "/tests/rules/dir"));
	assert_non_null(strstr(last_message(), "dir/a.yaml:3: rule "
	    "'ks.fixture.a': duplicate id"));
	assert_int_equal(3, ks_ruleset_count(set));
	ks_ruleset_free(set);
}

static void
test_rules_loader__file_errors_name_the_file(void **state)
{
	ks_ruleset *set = NULL;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(KS_EINVALID, ks_ruleset_load_path(set,
	    KS_TEST_SOURCE_DIR "/tests/rules/bad/unknown-key.yml"));
	assert_non_null(strstr(last_message(), "tests/rules/bad/"
	    "unknown-key.yml:11: rule 'ks.fixture.typo': unknown key "
	    "'negative_exmples'"));
	assert_int_equal(KS_ENOTFOUND, ks_ruleset_load_path(set,
	    KS_TEST_SOURCE_DIR "/tests/rules/no-such-file.yml"));
	assert_int_equal(0, ks_ruleset_count(set));
	ks_ruleset_free(set);
}

/* Duplicate ids in two files of one directory: nothing is loaded. */
static void
test_rules_loader__directory_clash(void **state)
{
	char dir[] = "/tmp/ks-rules-XXXXXX";
	char path[64];
	ks_ruleset *set = NULL;
	FILE *f;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%c.yml", dir, 'a' + i);
		assert_non_null(f = fopen(path, "w"));
		fputs(GOOD_RULE, f);
		fclose(f);
	}
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(KS_EINVALID, ks_ruleset_load_path(set, dir));
	assert_non_null(strstr(last_message(), "/b.yml:2: rule "
	    "'ks.test.rule': duplicate id (first defined at"));
	assert_int_equal(0, ks_ruleset_count(set));
	ks_ruleset_free(set);
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%c.yml", dir, 'a' + i);
		unlink(path);
	}
	rmdir(dir);
}

static void
test_rules_loader__compiled_set_is_frozen(void **state)
{
	ks_ruleset *set = NULL;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, load(set, GOOD_RULE));
	assert_int_equal(0, ks_ruleset_compile(set));
	assert_int_equal(KS_EINVALID, ks_ruleset_load_builtin(set));
	assert_int_equal(KS_EINVALID, ks_ruleset_compile(set));
	assert_int_equal(1, ks_ruleset_count(set));
	ks_ruleset_free(set);
	ks_ruleset_free(NULL);
}

/* An allocator that fails after `budget` allocations. */
static long budget;

static void *
failing_malloc(size_t n)
{
	return budget-- > 0 ? malloc(n) : NULL;
}

static void *
failing_realloc(void *p, size_t n)
{
	return budget-- > 0 ? realloc(p, n) : NULL;
}

static const struct ks_allocator failing = {
	failing_malloc, failing_realloc, free
};

/* Every allocation failure is KS_ENOMEM, without a leak (ASan checks). */
static void
test_rules_loader__out_of_memory(void **state)
{
	long n;

	(void)state;
	for (n = 0;; n++) {
		ks_ruleset *set = NULL;
		ks_matcher *m = NULL;
		int error;

		budget = n;
		ks_alloc_set(&failing);
		error = ks_ruleset_new(&set);
		if (!error)
			error = ks_ruleset_load_builtin(set);
		if (!error)
			error = ks_ruleset_compile(set);
		if (!error)
			error = ks_matcher_new(&m, set);
		ks_alloc_set(NULL);
		ks_matcher_free(m);
		ks_ruleset_free(set);
		if (!error)
			break;
		assert_int_equal(KS_ENOMEM, error);
		assert_true(n < 100000);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_loader__good_rule),
		cmocka_unit_test(test_rules_loader__unknown_key),
		cmocka_unit_test(test_rules_loader__missing_secret_group),
		cmocka_unit_test(test_rules_loader__bad_category),
		cmocka_unit_test(test_rules_loader__bad_confidence),
		cmocka_unit_test(test_rules_loader__duplicate_id_in_file),
		cmocka_unit_test(test_rules_loader__duplicate_id_across_loads),
		cmocka_unit_test(test_rules_loader__failed_load_leaves_set_unchanged),
		cmocka_unit_test(test_rules_loader__wrong_types),
		cmocka_unit_test(test_rules_loader__missing_keys),
		cmocka_unit_test(test_rules_loader__bad_ids),
		cmocka_unit_test(test_rules_loader__bad_documents),
		cmocka_unit_test(test_rules_loader__empty_list),
		cmocka_unit_test(test_rules_loader__extended_block_pattern),
		cmocka_unit_test(test_rules_loader__structural_id),
		cmocka_unit_test(test_rules_loader__sorted_by_id),
		cmocka_unit_test(test_rules_loader__directory),
		cmocka_unit_test(test_rules_loader__file_errors_name_the_file),
		cmocka_unit_test(test_rules_loader__directory_clash),
		cmocka_unit_test(test_rules_loader__compiled_set_is_frozen),
		cmocka_unit_test(test_rules_loader__out_of_memory),
	};
	return cmocka_run_group_tests_name("rules/loader", tests, NULL, NULL);
}
