/*
 * rules/matcher.c - prefilter, then PCRE2 per candidate rule
 *
 * One ks_matcher per thread. It owns everything a match writes to: PCRE2
 * match data (sized for the rule with the most groups), a match context
 * carrying the limits and the JIT stack, the Vectorscan scratch, the
 * candidate bitset and the array matches are collected in. The rule set is
 * only read.
 *
 * For every candidate rule, PCRE2 runs over the whole input, from offset
 * 0, and again from the end of each match, so the matches of one rule do
 * not overlap. That is the simple, obviously correct shape: the prefilter
 * only decides which rules run, never where, so it cannot change what a
 * rule finds (the differential test proves it against scan_all).
 *
 * Matches are collected, then sorted by (start, rule index) before any
 * callback runs, so the order never depends on which rules ran.
 */
#include "matcher.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "errors.h"
#include "prefilter.h"
#include "rule.h"

/* Matches kept per input; past this the rule is cut short (a limit hit). */
#define KS_MATCHER_MAX_MATCHES ((size_t)1 << 20)

struct ks_matcher {
	const ks_ruleset *set;           /* borrowed; read-only, shared */
	pcre2_general_context *gctx;     /* owned; this thread only */
	pcre2_match_context *mctx;       /* owned; limits + JIT stack */
	pcre2_match_data *md;            /* owned */
	pcre2_jit_stack *jit_stack;      /* owned */
	hs_scratch_t *scratch;           /* owned; NULL without keywords */
	uint64_t *cands;                 /* owned; candidate bitset */
	struct ks_rule_match *matches;   /* owned; reset for every input */
	size_t nmatches, cap;
};

void
ks_matcher_free(ks_matcher *m)
{
	if (!m)
		return;
	pcre2_match_data_free(m->md);
	pcre2_jit_stack_free(m->jit_stack);
	pcre2_match_context_free(m->mctx);
	pcre2_general_context_free(m->gctx);
	hs_free_scratch(m->scratch);
	ks__free(m->cands);
	ks__free(m->matches);
	ks__free(m);
}

int
ks_matcher_new(ks_matcher **out, const ks_ruleset *set)
{
	ks_matcher *m = NULL;
	int error = KS_ENOMEM;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(set);
	*out = NULL;
	if (!set->compiled) {
		ks_error_set(KS_ERROR_RULE, "the rule set is not compiled");
		return KS_EINVALID;
	}
	if ((m = ks__calloc(1, sizeof(*m))) == NULL)
		goto done;
	m->set = set;
	if ((m->gctx = ks_rules__gcontext_new()) == NULL)
		goto done;
	if ((m->mctx = pcre2_match_context_create(m->gctx)) == NULL ||
	    (m->md = pcre2_match_data_create(set->max_capture_count + 1,
	    m->gctx)) == NULL ||
	    (m->jit_stack = pcre2_jit_stack_create(32 * 1024,
	    KS_RULE_JIT_STACK_MAX, m->gctx)) == NULL) {
		ks_error_set_oom();
		goto done;
	}
	pcre2_set_match_limit(m->mctx, KS_RULE_MATCH_LIMIT);
	pcre2_set_depth_limit(m->mctx, KS_RULE_DEPTH_LIMIT);
	pcre2_set_heap_limit(m->mctx, KS_RULE_HEAP_LIMIT_KIB);
	pcre2_jit_stack_assign(m->mctx, NULL, m->jit_stack);
	if ((m->cands = ks__calloc(KS_BITSET_WORDS(set->count) + 1,
	    sizeof(uint64_t))) == NULL)
		goto done;
	if ((error = ks_prefilter__scratch_new(&m->scratch, set->pf)) < 0)
		goto done;
	*out = m;
	m = NULL;
	error = 0;
done:
	ks_matcher_free(m);
	return error;
}

const ks_ruleset *
ks_matcher_ruleset(const ks_matcher *m)
{
	return m->set;
}

double
ks_entropy(const uint8_t *data, size_t len)
{
	size_t counts[256] = { 0 };
	double h = 0;
	size_t i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++)
		counts[data[i]]++;
	for (i = 0; i < 256; i++) {
		double p;

		if (!counts[i])
			continue;
		p = (double)counts[i] / (double)len;
		h -= p * log2(p);
	}
	return h;
}

static bool
is_limit(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

static void
group_span(size_t *start, size_t *end, const PCRE2_SIZE *ov, int rc,
    uint32_t group)
{
	*start = *end = KS_NOSPAN;
	if (group == 0 || (int)group >= rc || ov[2 * group] == PCRE2_UNSET)
		return;
	*start = ov[2 * group];
	*end = ov[2 * group + 1];
}

/* The rule's filters: a `secret` group that took part, length, entropy. */
static bool
accept(const struct ks_rule *r, const struct ks_rule_match *mt,
    const uint8_t *data)
{
	size_t n;

	if (mt->secret_start == KS_NOSPAN || mt->secret_end < mt->secret_start)
		return false;
	n = mt->secret_end - mt->secret_start;
	if (n == 0 || n < r->min_length)
		return false;
	if (r->entropy > 0 && ks_entropy(data + mt->secret_start, n) <
	    r->entropy)
		return false;
	return true;
}

static int
push_match(ks_matcher *m, const struct ks_rule_match *mt)
{
	if (m->nmatches == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct ks_rule_match *p = ks__reallocarray(m->matches, cap,
		    sizeof(*p));

		if (!p)
			return KS_ENOMEM;
		m->matches = p;
		m->cap = cap;
	}
	m->matches[m->nmatches++] = *mt;
	return 0;
}

static int
match_error(const struct ks_rule *r, int rc)
{
	PCRE2_UCHAR msg[256];

	if (rc == PCRE2_ERROR_NOMEMORY) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	pcre2_get_error_message(rc, msg, sizeof(msg));
	ks_error_set(KS_ERROR_REGEX, "rule '%s': match failed: %s", r->id,
	    (const char *)msg);
	return KS_ERROR;
}

static int
scan_rule(ks_matcher *m, const struct ks_rule *r, const uint8_t *data,
    size_t len, struct ks_match_stats *stats)
{
	const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(m->md);
	PCRE2_SPTR subject = len ? data : (PCRE2_SPTR)"";
	size_t off = 0;
	bool jit = ks_rule__jit(r);
	int error;

	while (off <= len) {
		struct ks_rule_match mt;
		int rc;

		if (jit)
			rc = pcre2_jit_match(r->code, subject, len, off, 0,
			    m->md, m->mctx);
		else
			rc = pcre2_match(r->code, subject, len, off, 0, m->md,
			    m->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (is_limit(rc)) {
			/* ReDoS guard: give up on this rule for this input */
			stats->limit_hits++;
			break;
		}
		if (rc < 0)
			return match_error(r, rc);
		mt.rule = r;
		mt.start = ov[0];
		mt.end = ov[1];
		group_span(&mt.secret_start, &mt.secret_end, ov, rc,
		    r->group_secret);
		group_span(&mt.client_id_start, &mt.client_id_end, ov, rc,
		    r->group_client_id);
		group_span(&mt.issuer_start, &mt.issuer_end, ov, rc,
		    r->group_issuer);
		off = mt.end > mt.start ? mt.end : mt.start + 1;
		if (!accept(r, &mt, data)) {
			stats->rejected++;
			continue;
		}
		if (m->nmatches >= KS_MATCHER_MAX_MATCHES) {
			stats->limit_hits++;
			break;
		}
		if ((error = push_match(m, &mt)) < 0)
			return error;
	}
	return 0;
}

static int
cmp_match(const void *a, const void *b)
{
	const struct ks_rule_match *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rule->index != y->rule->index)
		return x->rule->index < y->rule->index ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

static int
run(ks_matcher *m, const uint8_t *data, size_t len, ks_rule_match_cb cb,
    void *payload, struct ks_match_stats *stats)
{
	const ks_ruleset *set = m->set;
	size_t i;
	int error;

	m->nmatches = 0;
	for (i = 0; i < set->count; i++) {
		if (!(m->cands[i / 64] & (UINT64_C(1) << (i % 64))))
			continue;
		stats->candidates++;
		if ((error = scan_rule(m, set->rules[i], data, len,
		    stats)) < 0)
			return error;
	}
	if (m->nmatches > 1)
		qsort(m->matches, m->nmatches, sizeof(*m->matches), cmp_match);
	for (i = 0; i < m->nmatches; i++)
		if ((error = cb(&m->matches[i], payload)) != 0)
			return error;
	return 0;
}

int
ks_matcher_scan(ks_matcher *m, const uint8_t *data, size_t len,
    ks_rule_match_cb cb, void *payload, struct ks_match_stats *stats)
{
	struct ks_match_stats dummy = { 0, 0, 0 };
	int error;

	KS_ASSERT_ARG(m);
	KS_ASSERT_ARG(data || len == 0);
	KS_ASSERT_ARG(cb);
	if ((error = ks_prefilter__scan(m->set->pf, m->scratch, data, len,
	    m->cands)) < 0)
		return error;
	return run(m, data, len, cb, payload, stats ? stats : &dummy);
}

int
ks_matcher_scan_all(ks_matcher *m, const uint8_t *data, size_t len,
    ks_rule_match_cb cb, void *payload, struct ks_match_stats *stats)
{
	struct ks_match_stats dummy = { 0, 0, 0 };

	KS_ASSERT_ARG(m);
	KS_ASSERT_ARG(data || len == 0);
	KS_ASSERT_ARG(cb);
	memset(m->cands, 0xff, (KS_BITSET_WORDS(m->set->count) + 1) *
	    sizeof(uint64_t));
	return run(m, data, len, cb, payload, stats ? stats : &dummy);
}

int
ks_matcher_scan_rule(ks_matcher *m, const ks_rule *rule, const uint8_t *data,
    size_t len, ks_rule_match_cb cb, void *payload,
    struct ks_match_stats *stats)
{
	struct ks_match_stats dummy = { 0, 0, 0 };

	KS_ASSERT_ARG(m);
	KS_ASSERT_ARG(rule);
	KS_ASSERT_ARG(rule->index < m->set->count &&
	    m->set->rules[rule->index] == rule);
	KS_ASSERT_ARG(data || len == 0);
	KS_ASSERT_ARG(cb);
	memset(m->cands, 0, (KS_BITSET_WORDS(m->set->count) + 1) *
	    sizeof(uint64_t));
	m->cands[rule->index / 64] |= UINT64_C(1) << (rule->index % 64);
	return run(m, data, len, cb, payload, stats ? stats : &dummy);
}
