/*
 * tests/unit/test_rules_matcher.c - the prefilter and the matcher
 *
 * The differential tests are the prefilter's proof: on random inputs, with
 * and without embedded examples, ks_matcher_scan (prefilter, then PCRE2
 * for the candidates) and ks_matcher_scan_all (PCRE2 for every rule) must
 * report exactly the same matches. Set KS_TEST_SEED to vary the inputs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include <keyshift/rules.h>

#include "matcher.h"

/* ---- helpers ---------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

static size_t
rng_below(size_t n)
{
	return n ? (size_t)(rng() % n) : 0;
}

static void
seed_rng(void)
{
	const char *s = getenv("KS_TEST_SEED");

	rng_state = s ? strtoull(s, NULL, 0) | 1 : 0x9e3779b97f4a7c15ull;
	print_message("seed %#llx\n", (unsigned long long)rng_state);
}

struct match_list {
	struct ks_rule_match *items;
	size_t len, cap;
};

static int
collect(const struct ks_rule_match *m, void *payload)
{
	struct match_list *l = payload;

	if (l->len == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->items = realloc(l->items, l->cap * sizeof(*l->items));
		assert_non_null(l->items);
	}
	l->items[l->len++] = *m;
	return 0;
}

static void
assert_same_matches(const struct match_list *a, const struct match_list *b,
    const uint8_t *data, size_t len)
{
	size_t i;

	if (a->len != b->len)
		fail_msg("prefilter path: %zu matches, scan_all: %zu (input "
		    "of %zu bytes)", a->len, b->len, len);
	for (i = 0; i < a->len; i++) {
		const struct ks_rule_match *x = &a->items[i], *y = &b->items[i];

		assert_ptr_equal(x->rule, y->rule);
		assert_int_equal(x->start, y->start);
		assert_int_equal(x->end, y->end);
		assert_int_equal(x->secret_start, y->secret_start);
		assert_int_equal(x->secret_end, y->secret_end);
		assert_int_equal(x->client_id_start, y->client_id_start);
		assert_int_equal(x->issuer_start, y->issuer_start);
		assert_true(x->start <= x->secret_start);
		assert_true(x->secret_end <= x->end && x->end <= len);
		/* sorted by (start, rule index) */
		if (i > 0)
			assert_true(a->items[i - 1].start < x->start ||
			    (a->items[i - 1].start == x->start &&
			    strcmp(ks_rule_id(a->items[i - 1].rule),
			    ks_rule_id(x->rule)) < 0));
	}
	(void)data;
}

static ks_ruleset *
compile_yaml(const char *yaml)
{
	ks_ruleset *set = NULL;

	assert_int_equal(0, ks_ruleset_new(&set));
	if (ks_ruleset_load_buffer(set, "t.yml", yaml, strlen(yaml)) < 0)
		fail_msg("%s", ks_error_last()->message);
	assert_int_equal(0, ks_ruleset_compile(set));
	return set;
}

static ks_ruleset *
compile_builtin(void)
{
	ks_ruleset *set = NULL;

	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(0, ks_ruleset_load_builtin(set));
	assert_int_equal(0, ks_ruleset_compile(set));
	return set;
}

/* ---- random inputs ---------------------------------------------------- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void
put(struct buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
}

static const char alnum[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static void
put_random_text(struct buf *b, size_t n)
{
	static const char chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijkl"
	    "mnopqrstuvwxyz0123456789 \t\n\r_-=:;.,\"'`{}[]()<>/+\\$#~";
	size_t i;

	for (i = 0; i < n; i++) {
		char c = chars[rng_below(sizeof(chars) - 1)];

		put(b, &c, 1);
	}
}

static void
put_random_bytes(struct buf *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = (uint8_t)rng();

		put(b, &c, 1);
	}
}

/* A string with its case randomly flipped: the prefilter is caseless. */
static void
put_case_flipped(struct buf *b, const char *s)
{
	for (; *s; s++) {
		char c = *s;

		if (rng_below(4) == 0) {
			if (c >= 'a' && c <= 'z')
				c = (char)(c - 'a' + 'A');
			else if (c >= 'A' && c <= 'Z')
				c = (char)(c - 'A' + 'a');
		}
		put(b, &c, 1);
	}
}

/* An example, sometimes cut short or with one byte changed. */
static void
put_mutated(struct buf *b, const char *s)
{
	size_t n = strlen(s), start = b->len;

	switch (rng_below(4)) {
	case 0:
		n = rng_below(n + 1);
		put(b, s, n);
		break;
	case 1:
		put(b, s, n);
		if (n)
			b->p[start + rng_below(n)] = (uint8_t)alnum[
			    rng_below(sizeof(alnum) - 1)];
		break;
	default:
		put(b, s, n);
	}
}

static const char *
random_example(const ks_ruleset *set, bool negative)
{
	const ks_rule *r = ks_ruleset_get(set, rng_below(
	    ks_ruleset_count(set)));
	size_t n = negative ? ks_rule_negative_example_count(r) :
	    ks_rule_example_count(r);

	if (n == 0)
		return ks_rule_example(r, 0);
	return negative ? ks_rule_negative_example(r, rng_below(n)) :
	    ks_rule_example(r, rng_below(n));
}

static void
build_input(struct buf *b, const ks_ruleset *set, size_t pieces,
    bool with_examples)
{
	size_t i;

	b->len = 0;
	for (i = 0; i < pieces; i++) {
		const ks_rule *r = ks_ruleset_get(set, rng_below(
		    ks_ruleset_count(set)));

		switch (rng_below(with_examples ? 7 : 3)) {
		case 0:
			put_random_text(b, rng_below(300));
			break;
		case 1:
			put_random_bytes(b, rng_below(64));
			break;
		case 2:
			if (ks_rule_keyword_count(r))
				put_case_flipped(b, ks_rule_keyword(r,
				    rng_below(ks_rule_keyword_count(r))));
			put_random_text(b, rng_below(80));
			break;
		case 3:
		case 4: {
			const char *ex = random_example(set, false);

			put(b, ex, strlen(ex));
			break;
		}
		case 5:
			put_mutated(b, random_example(set, rng_below(2)));
			break;
		default:
			put_case_flipped(b, random_example(set, false));
		}
	}
}

/* Scan `iterations` random inputs both ways; return the matches seen. */
static size_t
differential(ks_ruleset *set, size_t iterations, size_t pieces,
    bool with_examples)
{
	struct match_list a = { 0 }, b = { 0 };
	struct buf in = { 0 };
	struct ks_match_stats sa = { 0 }, sb = { 0 };
	ks_matcher *m = NULL;
	size_t it, total = 0;

	assert_int_equal(0, ks_matcher_new(&m, set));
	for (it = 0; it < iterations; it++) {
		build_input(&in, set, 1 + rng_below(pieces), with_examples);
		a.len = b.len = 0;
		assert_int_equal(0, ks_matcher_scan(m, in.p, in.len, collect,
		    &a, &sa));
		assert_int_equal(0, ks_matcher_scan_all(m, in.p, in.len,
		    collect, &b, &sb));
		assert_same_matches(&a, &b, in.p, in.len);
		total += a.len;
	}
	/* the prefilter really filters: fewer rules ran through it */
	assert_true(sa.candidates < sb.candidates);
	assert_int_equal(0, sa.limit_hits);
	assert_int_equal(sa.limit_hits, sb.limit_hits);
	ks_matcher_free(m);
	free(a.items);
	free(b.items);
	free(in.p);
	return total;
}

/* ---- tests ------------------------------------------------------------ */

static void
test_rules_matcher__differential_builtin_with_examples(void **state)
{
	ks_ruleset *set = compile_builtin();
	size_t total;

	(void)state;
	seed_rng();
	total = differential(set, 3000, 12, true);
	print_message("%zu matches compared\n", total);
	assert_true(total > 1000);
	ks_ruleset_free(set);
}

static void
test_rules_matcher__differential_builtin_random(void **state)
{
	ks_ruleset *set = compile_builtin();

	(void)state;
	seed_rng();
	differential(set, 3000, 20, false);
	ks_ruleset_free(set);
}

/* Keywords shared by several rules, a `prefilter: none` rule and a rule
 * without keywords: the candidate bitset must still be exact. */
static const char mixed_rules[] =
    "rules:\n"
    "- id: ks.test.shared-a\n"
    "  name: a\n  description: a\n  category: generic\n"
    "  confidence: low\n  keywords: [tok_, shared]\n"
    "  pattern: '(?i:tok_)(?<secret>[0-9]{4})'\n"
    "  examples: ['tok_1234']\n"
    "- id: ks.test.shared-b\n"
    "  name: b\n  description: b\n  category: generic\n"
    "  confidence: low\n  keywords: [TOK_, other]\n"
    "  pattern: 'tok_(?<secret>[a-f]{4})'\n"
    "  examples: ['tok_abcd']\n"
    "- id: ks.test.unfiltered\n"
    "  name: c\n  description: c\n  category: generic\n"
    "  confidence: low\n  prefilter: none\n"
    "  pattern: '(?<secret>[0-9]{3})x'\n"
    "  examples: ['123x']\n"
    "- id: ks.test.nokeywords\n"
    "  name: d\n  description: d\n  category: generic\n"
    "  confidence: low\n"
    "  pattern: '=(?<secret>[a-z]{3})='\n"
    "  examples: ['=abc=']\n"
    "- id: ks.test.other\n"
    "  name: e\n  description: e\n  category: generic\n"
    "  confidence: low\n  keywords: [other]\n"
    "  pattern: 'other(?<secret>[0-9])(?<client_id>[a-z])?'\n"
    "  examples: ['other1']\n";

static void
test_rules_matcher__differential_mixed_rules(void **state)
{
	ks_ruleset *set = compile_yaml(mixed_rules);
	size_t total;

	(void)state;
	seed_rng();
	total = differential(set, 3000, 12, true);
	assert_true(total > 1000);
	ks_ruleset_free(set);
}

static void
test_rules_matcher__prefilter_none_always_runs(void **state)
{
	ks_ruleset *set = compile_yaml(mixed_rules);
	struct match_list l = { 0 };
	ks_matcher *m = NULL;
	static const char text[] = "no keyword here, but 123x and =abc=";

	(void)state;
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, (const uint8_t *)text,
	    strlen(text), collect, &l, NULL));
	assert_int_equal(2, l.len);
	assert_string_equal("ks.test.unfiltered", ks_rule_id(l.items[0].rule));
	assert_int_equal(21, l.items[0].secret_start);
	assert_string_equal("ks.test.nokeywords", ks_rule_id(l.items[1].rule));
	ks_matcher_free(m);
	ks_ruleset_free(set);
	free(l.items);
}

static void
test_rules_matcher__order_and_groups(void **state)
{
	ks_ruleset *set = compile_yaml(mixed_rules);
	struct match_list l = { 0 };
	struct ks_match_stats st = { 0 };
	ks_matcher *m = NULL;
	static const char text[] = "other7q TOK_1234 tok_abcd tok_beef other2";

	(void)state;
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, (const uint8_t *)text,
	    strlen(text), collect, &l, &st));
	/* ks.test.unfiltered and .nokeywords always run: 5 candidates */
	assert_int_equal(5, st.candidates);
	assert_int_equal(5, l.len);
	assert_string_equal("ks.test.other", ks_rule_id(l.items[0].rule));
	assert_int_equal(5, l.items[0].secret_start);
	assert_int_equal(6, l.items[0].client_id_start);
	assert_int_equal(7, l.items[0].client_id_end);
	assert_int_equal(KS_NOSPAN, l.items[0].issuer_start);
	assert_int_equal(8, l.items[1].start);   /* TOK_1234 */
	/* "tok_abcd" at 17: only shared-b (shared-a wants digits) */
	assert_string_equal("ks.test.shared-b", ks_rule_id(l.items[2].rule));
	assert_int_equal(17, l.items[2].start);
	assert_int_equal(26, l.items[3].start);
	assert_string_equal("ks.test.other", ks_rule_id(l.items[4].rule));
	assert_int_equal(KS_NOSPAN, l.items[4].client_id_start);
	ks_matcher_free(m);
	ks_ruleset_free(set);
	free(l.items);
}

static int
stop_at_second(const struct ks_rule_match *m, void *payload)
{
	int *n = payload;

	(void)m;
	return ++*n == 2 ? 42 : 0;
}

static void
test_rules_matcher__callback_stops_scan(void **state)
{
	ks_ruleset *set = compile_yaml(mixed_rules);
	ks_matcher *m = NULL;
	static const char text[] = "tok_1111 tok_2222 tok_3333";
	int n = 0;

	(void)state;
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(42, ks_matcher_scan(m, (const uint8_t *)text,
	    strlen(text), stop_at_second, &n, NULL));
	assert_int_equal(2, n);
	ks_matcher_free(m);
	ks_ruleset_free(set);
}

static void
test_rules_matcher__empty_input(void **state)
{
	ks_ruleset *set = compile_builtin();
	struct match_list l = { 0 };
	ks_matcher *m = NULL;

	(void)state;
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, NULL, 0, collect, &l, NULL));
	assert_int_equal(0, ks_matcher_scan_all(m, (const uint8_t *)"", 0,
	    collect, &l, NULL));
	assert_int_equal(0, l.len);
	ks_matcher_free(m);
	ks_ruleset_free(set);
}

static void
test_rules_matcher__uncompiled_set_is_refused(void **state)
{
	ks_ruleset *set = NULL;
	ks_matcher *m = NULL;

	(void)state;
	assert_int_equal(0, ks_ruleset_new(&set));
	assert_int_equal(KS_EINVALID, ks_matcher_new(&m, set));
	assert_null(m);
	ks_ruleset_free(set);
	ks_matcher_free(NULL);
}

static void
test_rules_matcher__entropy(void **state)
{
	uint8_t all[256];
	size_t i;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	assert_true(ks_entropy(NULL, 0) == 0);
	assert_true(ks_entropy((const uint8_t *)"aaaa", 4) == 0);
	assert_float_equal(1.0, ks_entropy((const uint8_t *)"abab", 4), 1e-9);
	assert_float_equal(2.0, ks_entropy((const uint8_t *)"abcd", 4), 1e-9);
	assert_float_equal(8.0, ks_entropy(all, 256), 1e-9);
	assert_float_equal(0.811278, ks_entropy((const uint8_t *)"aaab", 4),
	    1e-6);
}

static void
test_rules_matcher__filters_reject(void **state)
{
	ks_ruleset *set = compile_yaml(
	    "rules:\n"
	    "- id: ks.test.filtered\n"
	    "  name: f\n  description: f\n  category: generic\n"
	    "  confidence: low\n  keywords: [key=]\n"
	    "  entropy: 2.5\n  min_length: 10\n"
	    "  pattern: 'key=(?<secret>[a-z0-9]+)'\n"
	    "  examples: ['key=abcdefgh12']\n");
	struct match_list l = { 0 };
	struct ks_match_stats st = { 0 };
	ks_matcher *m = NULL;
	/* low entropy, too short, then a good one */
	static const char text[] = "key=aaaaaaaaaaaaaaaa key=abc12 "
	    "key=q8w7e6r5t4y3";

	(void)state;
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, (const uint8_t *)text,
	    strlen(text), collect, &l, &st));
	assert_int_equal(1, l.len);
	assert_int_equal(35, l.items[0].secret_start);
	assert_int_equal(2, st.rejected);
	ks_matcher_free(m);
	ks_ruleset_free(set);
	free(l.items);
}

/* A pathological pattern hits the limit; it is counted, the scan goes on
 * and the other rule's match after it is still reported. */
static void
test_rules_matcher__limit_hit_is_counted(void **state)
{
	ks_ruleset *set = compile_yaml(
	    "rules:\n"
	    "- id: ks.test.redos\n"
	    "  name: r\n  description: r\n  category: generic\n"
	    "  confidence: low\n  keywords: [key=]\n"
	    "  pattern: 'key=(?<secret>(?:a|aa)+)[bc]'\n"
	    "  examples: ['key=aab']\n"
	    "- id: ks.test.plain\n"
	    "  name: p\n  description: p\n  category: generic\n"
	    "  confidence: low\n  keywords: [tok_]\n"
	    "  pattern: 'tok_(?<secret>[0-9]{4})'\n"
	    "  examples: ['tok_1234']\n");
	struct match_list l = { 0 };
	struct ks_match_stats st = { 0 };
	struct buf in = { 0 };
	ks_matcher *m = NULL;
	size_t i;

	(void)state;
	put(&in, "key=", 4);
	for (i = 0; i < 20000; i++)
		put(&in, "a", 1);
	put(&in, " tok_1234", 9);
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, in.p, in.len, collect, &l,
	    &st));
	assert_true(st.limit_hits >= 1);
	assert_int_equal(1, l.len);
	assert_string_equal("ks.test.plain", ks_rule_id(l.items[0].rule));
	/* one rule at a time: only the pathological one hits the limit */
	l.len = 0;
	memset(&st, 0, sizeof(st));
	assert_int_equal(0, ks_matcher_scan_rule(m,
	    ks_ruleset_find(set, "ks.test.plain"), in.p, in.len, collect, &l,
	    &st));
	assert_int_equal(0, st.limit_hits);
	assert_int_equal(1, st.candidates);
	assert_int_equal(1, l.len);
	assert_int_equal(0, ks_matcher_scan_rule(m,
	    ks_ruleset_find(set, "ks.test.redos"), in.p, in.len, collect, &l,
	    &st));
	assert_true(st.limit_hits >= 1);
	/* the matcher is still usable afterwards */
	l.len = 0;
	assert_int_equal(0, ks_matcher_scan(m, (const uint8_t *)"key=aab", 7,
	    collect, &l, &st));
	assert_int_equal(1, l.len);
	ks_matcher_free(m);
	ks_ruleset_free(set);
	free(l.items);
	free(in.p);
}

/* Limits are per match attempt, not per input: a long ordinary input
 * with many near-misses must not hit them. */
static void
test_rules_matcher__long_input_stays_within_limits(void **state)
{
	ks_ruleset *set = compile_builtin();
	struct match_list l = { 0 };
	struct ks_match_stats st = { 0 };
	struct buf in = { 0 };
	ks_matcher *m = NULL;

	(void)state;
	seed_rng();
	while (in.len < ((size_t)8 << 20)) {
		put_random_text(&in, 4096);
		put(&in, " client_secret=", 15);
		put(&in, " AKIA", 5);
	}
	assert_int_equal(0, ks_matcher_new(&m, set));
	assert_int_equal(0, ks_matcher_scan(m, in.p, in.len, collect, &l,
	    &st));
	assert_int_equal(0, st.limit_hits);
	assert_int_equal(0, ks_matcher_scan_all(m, in.p, in.len, collect, &l,
	    &st));
	assert_int_equal(0, st.limit_hits);
	ks_matcher_free(m);
	ks_ruleset_free(set);
	free(l.items);
	free(in.p);
}

/* One shared set, one matcher per thread: the same results everywhere. */
struct thread_job {
	const ks_ruleset *set;
	const struct buf *in;
	size_t matches;
	int error;
};

static void *
thread_scan(void *arg)
{
	struct thread_job *job = arg;
	struct match_list l = { 0 };
	ks_matcher *m = NULL;
	int i;

	if ((job->error = ks_matcher_new(&m, job->set)) < 0)
		return NULL;
	for (i = 0; i < 20 && !job->error; i++) {
		l.len = 0;
		job->error = ks_matcher_scan(m, job->in->p, job->in->len,
		    collect, &l, NULL);
	}
	job->matches = l.len;
	ks_matcher_free(m);
	free(l.items);
	return NULL;
}

static void
test_rules_matcher__threads_share_a_set(void **state)
{
	ks_ruleset *set = compile_builtin();
	struct thread_job jobs[4];
	pthread_t tids[4];
	struct buf in = { 0 };
	int i;

	(void)state;
	seed_rng();
	build_input(&in, set, 400, true);
	for (i = 0; i < 4; i++) {
		jobs[i] = (struct thread_job){ set, &in, 0, 0 };
		assert_int_equal(0, pthread_create(&tids[i], NULL, thread_scan,
		    &jobs[i]));
	}
	for (i = 0; i < 4; i++) {
		assert_int_equal(0, pthread_join(tids[i], NULL));
		assert_int_equal(0, jobs[i].error);
		assert_int_equal(jobs[0].matches, jobs[i].matches);
	}
	assert_true(jobs[0].matches > 0);
	ks_ruleset_free(set);
	free(in.p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_matcher__differential_builtin_with_examples),
		cmocka_unit_test(test_rules_matcher__differential_builtin_random),
		cmocka_unit_test(test_rules_matcher__differential_mixed_rules),
		cmocka_unit_test(test_rules_matcher__prefilter_none_always_runs),
		cmocka_unit_test(test_rules_matcher__order_and_groups),
		cmocka_unit_test(test_rules_matcher__callback_stops_scan),
		cmocka_unit_test(test_rules_matcher__empty_input),
		cmocka_unit_test(test_rules_matcher__uncompiled_set_is_refused),
		cmocka_unit_test(test_rules_matcher__entropy),
		cmocka_unit_test(test_rules_matcher__filters_reject),
		cmocka_unit_test(test_rules_matcher__limit_hit_is_counted),
		cmocka_unit_test(test_rules_matcher__long_input_stays_within_limits),
		cmocka_unit_test(test_rules_matcher__threads_share_a_set),
	};
	return cmocka_run_group_tests_name("rules/matcher", tests, NULL, NULL);
}
