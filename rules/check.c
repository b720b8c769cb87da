/*
 * rules/check.c - ks_rules_check(): prove every rule against its examples
 *
 * A rule is checked the way it runs in a scan: through a ks_matcher, so
 * the prefilter takes part. The checks, each reported as one problem:
 *
 *   - the rule has keywords, or says `prefilter: none`;
 *   - every keyword is at least 3 bytes (shorter ones select everything);
 *   - the pattern JIT-compiled (where this PCRE2 has a JIT);
 *   - every example contains a keyword (case-insensitively) and yields a
 *     match of the rule through ks_matcher_scan, and scan_all agrees;
 *   - no negative example yields a match of the rule;
 *   - ReDoS smoke inputs (64 KiB runs of the bytes the rule's examples are
 *     made of, after a keyword, and the examples repeated) finish without
 *     hitting a PCRE2 limit.
 */
#include <keyshift/rules.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "alloc.h"
#include "errors.h"
#include "matcher.h"
#include "rule.h"
#include "str.h"

#define KS_SMOKE_LEN ((size_t)64 * 1024)
#define KS_MIN_KEYWORD_LEN 3

struct checker {
	const ks_ruleset *set;
	ks_matcher *m;           /* owned */
	ks_rules_check_cb cb;
	void *payload;
	size_t problems;
	ks_str input;            /* owned; scratch for smoke inputs */
};

static void KS_PRINTF(3, 4)
problem(struct checker *c, const struct ks_rule *r, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	c->problems++;
	if (c->cb)
		c->cb(r ? r->id : NULL, msg, c->payload);
}

struct count_state {
	const struct ks_rule *rule;
	size_t hits;
};

static int
count_rule_matches(const struct ks_rule_match *mt, void *payload)
{
	struct count_state *st = payload;

	if (mt->rule == st->rule)
		st->hits++;
	return 0;
}

/* Matches of `r` in `text`, with and without the prefilter. */
static int
count_matches(size_t *with_pf, size_t *without_pf, struct ks_match_stats *stats,
    struct checker *c, const struct ks_rule *r, const char *text, size_t n)
{
	struct count_state st = { r, 0 };
	int error;

	if ((error = ks_matcher_scan(c->m, (const uint8_t *)text, n,
	    count_rule_matches, &st, stats)) < 0)
		return error;
	*with_pf = st.hits;
	st.hits = 0;
	if ((error = ks_matcher_scan_all(c->m, (const uint8_t *)text, n,
	    count_rule_matches, &st, stats)) < 0)
		return error;
	*without_pf = st.hits;
	return 0;
}

static bool
contains_keyword(const struct ks_rule *r, const char *text)
{
	size_t i, j, n = strlen(text);

	for (i = 0; i < r->keywords.len; i++) {
		const char *kw = r->keywords.items[i];
		size_t k = strlen(kw);

		for (j = 0; k <= n && j <= n - k; j++)
			if (strncasecmp(text + j, kw, k) == 0)
				return true;
	}
	return false;
}

static int
check_examples(struct checker *c, const struct ks_rule *r)
{
	struct ks_match_stats stats = { 0, 0, 0 };
	size_t i, with_pf, without_pf;
	int error;

	for (i = 0; i < r->examples.len; i++) {
		const char *ex = r->examples.items[i];

		if (!r->prefilter_none && r->keywords.len &&
		    !contains_keyword(r, ex))
			problem(c, r, "example %zu contains none of the "
			    "rule's keywords", i + 1);
		if ((error = count_matches(&with_pf, &without_pf, &stats, c,
		    r, ex, strlen(ex))) < 0)
			return error;
		if (without_pf == 0)
			problem(c, r, "example %zu does not match", i + 1);
		else if (with_pf != without_pf)
			problem(c, r, "example %zu is hidden by the "
			    "prefilter", i + 1);
	}
	for (i = 0; i < r->negative_examples.len; i++) {
		const char *ex = r->negative_examples.items[i];

		if ((error = count_matches(&with_pf, &without_pf, &stats, c,
		    r, ex, strlen(ex))) < 0)
			return error;
		if (with_pf || without_pf)
			problem(c, r, "negative example %zu matches", i + 1);
	}
	if (stats.limit_hits)
		problem(c, r, "examples hit the PCRE2 match limits %llu "
		    "times", (unsigned long long)stats.limit_hits);
	return 0;
}

static int
ignore_match(const struct ks_rule_match *mt, void *payload)
{
	(void)mt;
	(void)payload;
	return 0;
}

static int
smoke_one(struct checker *c, const struct ks_rule *r, const char *what)
{
	struct ks_match_stats stats = { 0, 0, 0 };
	int error;

	if ((error = ks_matcher_scan_rule(c->m, r,
	    (const uint8_t *)c->input.ptr, c->input.len, ignore_match, NULL,
	    &stats)) < 0)
		return error;
	if (stats.limit_hits)
		problem(c, r, "ReDoS smoke input (%s) hits the PCRE2 match "
		    "limits", what);
	return 0;
}

/* keyword, then a 64 KiB run cycling through `alphabet` */
static int
smoke_run(struct checker *c, const struct ks_rule *r, const char *kw,
    const char *alphabet, size_t alen, const char *what)
{
	size_t i;
	int error;

	ks_str_clear(&c->input);
	if ((error = ks_str_grow(&c->input, KS_SMOKE_LEN + 64)) < 0 ||
	    (error = ks_str_puts(&c->input, kw)) < 0)
		return error;
	for (i = 0; i < KS_SMOKE_LEN; i++)
		c->input.ptr[c->input.len++] = alphabet[i % alen];
	c->input.ptr[c->input.len] = '\0';
	return smoke_one(c, r, what);
}

static int
check_redos(struct checker *c, const struct ks_rule *r)
{
	static const char singles[] = "aA0 =-_.\n\"'+/:";
	bool seen[256] = { false };
	char alphabet[256];
	size_t alen = 0, i, j;
	const char *kw = r->keywords.len ? r->keywords.items[0] : "";
	int error;

	for (i = 0; i < r->examples.len; i++)
		for (j = 0; r->examples.items[i][j]; j++) {
			unsigned char b = (unsigned char)r->examples.items[i][j];

			if (!seen[b]) {
				seen[b] = true;
				alphabet[alen++] = (char)b;
			}
		}
	if ((error = smoke_run(c, r, kw, alphabet, alen,
	    "the examples' bytes")) < 0)
		return error;
	for (i = 0; singles[i]; i++) {
		char what[32];

		snprintf(what, sizeof(what), "a run of 0x%02x",
		    (unsigned char)singles[i]);
		if ((error = smoke_run(c, r, kw, &singles[i], 1, what)) < 0)
			return error;
	}
	/* the first example again and again, without separators */
	ks_str_clear(&c->input);
	while (c->input.len < KS_SMOKE_LEN)
		if ((error = ks_str_puts(&c->input, r->examples.items[0])) < 0)
			return error;
	return smoke_one(c, r, "the first example repeated");
}

static int
check_rule(struct checker *c, const struct ks_rule *r)
{
	uint32_t jit_available = 0;
	size_t i;
	int error;

	if (r->keywords.len == 0 && !r->prefilter_none)
		problem(c, r, "no keywords: add some, or say 'prefilter: "
		    "none'");
	for (i = 0; i < r->keywords.len; i++)
		if (strlen(r->keywords.items[i]) < KS_MIN_KEYWORD_LEN)
			problem(c, r, "keyword '%s' is shorter than %d bytes",
			    r->keywords.items[i], KS_MIN_KEYWORD_LEN);
	pcre2_config(PCRE2_CONFIG_JIT, &jit_available);
	if (jit_available && !ks_rule__jit(r))
		problem(c, r, "pattern does not JIT-compile");
	if ((error = check_examples(c, r)) < 0)
		return error;
	return check_redos(c, r);
}

int
ks_rules_check(const ks_ruleset *set, ks_rules_check_cb cb, void *payload,
    size_t *problems_out)
{
	struct checker c = { set, NULL, cb, payload, 0, KS_STR_INIT };
	size_t i;
	int error;

	KS_ASSERT_ARG(set);
	if (problems_out)
		*problems_out = 0;
	if ((error = ks_matcher_new(&c.m, set)) < 0)
		goto done;
	for (i = 0; i < set->count; i++)
		if ((error = check_rule(&c, set->rules[i])) < 0)
			goto done;
	if (problems_out)
		*problems_out = c.problems;
done:
	ks_matcher_free(c.m);
	ks_str_dispose(&c.input);
	return error;
}
