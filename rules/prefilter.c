/*
 * rules/prefilter.c - keywords -> one Vectorscan literal database
 *
 * Keywords are case-folded (ASCII) and deduplicated first: one literal
 * may belong to many rules (every PEM rule could share "PRIVATE KEY"), and
 * Hyperscan needs one id per expression, so each distinct keyword gets an
 * id and a list of the rules it selects (kw_first/kw_rules, CSR layout).
 * Literals are compiled with HS_FLAG_CASELESS (the rule file's spelling
 * does not matter) and HS_FLAG_SINGLEMATCH (we only need "seen or not", so
 * a keyword repeated a million times costs one callback).
 *
 * The scan stops early (HS_SCAN_TERMINATED) once every keyword-selected
 * rule is a candidate: nothing more can be learnt from the rest.
 *
 * hs_scan takes an `unsigned int` length. Inputs longer than that make
 * every rule a candidate: slow but never wrong.
 */
#include "prefilter.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "errors.h"
#include "rule.h"

struct ks_prefilter {
	hs_database_t *db;       /* owned; NULL when no rule has keywords */
	size_t nrules;
	size_t nwords;
	uint64_t *always;        /* owned; rules that always run */
	size_t nkeywords;
	size_t *kw_first;        /* owned; nkeywords + 1 entries */
	uint32_t *kw_rules;      /* owned; rule indexes, grouped by keyword */
	size_t nselectable;      /* rules that only keywords select */
};

struct kw_pair {
	char *kw;                /* owned, case-folded */
	size_t len;
	uint32_t rule;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct kw_pair *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->kw, y->kw, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static void
fold(char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (char)(s[i] - 'A' + 'a');
}

void
ks_prefilter__free(struct ks_prefilter *pf)
{
	if (!pf)
		return;
	hs_free_database(pf->db);
	ks__free(pf->always);
	ks__free(pf->kw_first);
	ks__free(pf->kw_rules);
	ks__free(pf);
}

static int
collect_pairs(struct kw_pair **out, size_t *n_out, struct ks_prefilter *pf,
    struct ks_rule *const *rules, size_t count)
{
	struct kw_pair *pairs = NULL;
	size_t n = 0, total = 0, i, k;

	for (i = 0; i < count; i++)
		if (!rules[i]->prefilter_none)
			total += rules[i]->keywords.len;
	if (total && (pairs = ks__calloc(total, sizeof(*pairs))) == NULL)
		return KS_ENOMEM;
	for (i = 0; i < count; i++) {
		const struct ks_rule *r = rules[i];

		/* No keywords: never hide the rule, run it always
		 * (ks_rules_check reports it). */
		if (r->prefilter_none || r->keywords.len == 0) {
			pf->always[r->index / 64] |= UINT64_C(1)
			    << (r->index % 64);
			continue;
		}
		pf->nselectable++;
		for (k = 0; k < r->keywords.len; k++) {
			pairs[n].len = strlen(r->keywords.items[k]);
			pairs[n].kw = ks__memdup(r->keywords.items[k],
			    pairs[n].len + 1);
			if (!pairs[n].kw)
				goto oom;
			fold(pairs[n].kw, pairs[n].len);
			pairs[n].rule = (uint32_t)r->index;
			n++;
		}
	}
	if (n > 1)
		qsort(pairs, n, sizeof(*pairs), cmp_pair);
	*out = pairs;
	*n_out = n;
	return 0;
oom:
	for (i = 0; i < n; i++)
		ks__free(pairs[i].kw);
	ks__free(pairs);
	return KS_ENOMEM;
}

static int
compile_db(struct ks_prefilter *pf, const struct kw_pair *pairs, size_t n)
{
	const char **exprs = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t *lens = NULL, i, k = 0;
	hs_compile_error_t *cerr = NULL;
	int error = 0;

	pf->kw_first = ks__calloc(n + 1, sizeof(size_t));
	pf->kw_rules = ks__calloc(n ? n : 1, sizeof(uint32_t));
	exprs = ks__calloc(n, sizeof(*exprs));
	flags = ks__calloc(n, sizeof(*flags));
	ids = ks__calloc(n, sizeof(*ids));
	lens = ks__calloc(n, sizeof(*lens));
	if (!pf->kw_first || !pf->kw_rules || !exprs || !flags || !ids ||
	    !lens) {
		error = KS_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++) {
		bool new_kw = i == 0 || pairs[i].len != pairs[i - 1].len ||
		    memcmp(pairs[i].kw, pairs[i - 1].kw, pairs[i].len) != 0;

		if (new_kw) {
			exprs[k] = pairs[i].kw;
			lens[k] = pairs[i].len;
			flags[k] = HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
			ids[k] = (unsigned)k;
			pf->kw_first[k] = i;
			k++;
		}
		pf->kw_rules[i] = pairs[i].rule;
	}
	pf->kw_first[k] = n;
	pf->nkeywords = k;
	if (hs_compile_lit_multi(exprs, flags, ids, lens, (unsigned)k,
	    HS_MODE_BLOCK, NULL, &pf->db, &cerr) != HS_SUCCESS) {
		ks_error_set(KS_ERROR_RULE, "cannot compile the keyword "
		    "prefilter: %s", cerr ? cerr->message : "unknown error");
		error = KS_EINVALID;
		goto done;
	}
done:
	hs_free_compile_error(cerr);
	ks__free(exprs);
	ks__free(flags);
	ks__free(ids);
	ks__free(lens);
	return error;
}

int
ks_prefilter__build(struct ks_prefilter **out, struct ks_rule *const *rules,
    size_t count)
{
	struct ks_prefilter *pf = NULL;
	struct kw_pair *pairs = NULL;
	size_t npairs = 0, i;
	int error;

	KS_ASSERT_ARG(out);
	*out = NULL;
	if ((pf = ks__calloc(1, sizeof(*pf))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	pf->nrules = count;
	pf->nwords = KS_BITSET_WORDS(count);
	if ((pf->always = ks__calloc(pf->nwords ? pf->nwords : 1,
	    sizeof(uint64_t))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	if ((error = collect_pairs(&pairs, &npairs, pf, rules, count)) < 0)
		goto done;
	if (npairs && (error = compile_db(pf, pairs, npairs)) < 0)
		goto done;
	*out = pf;
	pf = NULL;
done:
	for (i = 0; i < npairs; i++)
		ks__free(pairs[i].kw);
	ks__free(pairs);
	ks_prefilter__free(pf);
	return error;
}

int
ks_prefilter__scratch_new(hs_scratch_t **out, const struct ks_prefilter *pf)
{
	hs_error_t rc;

	*out = NULL;
	if (!pf->db)
		return 0;
	/* A fresh allocation per thread: the database is only read. */
	if ((rc = hs_alloc_scratch(pf->db, out)) != HS_SUCCESS) {
		*out = NULL;
		if (rc == HS_NOMEM) {
			ks_error_set_oom();
			return KS_ENOMEM;
		}
		ks_error_set(KS_ERROR_RULE, "cannot allocate prefilter "
		    "scratch: error %d", (int)rc);
		return KS_ERROR;
	}
	return 0;
}

struct scan_state {
	const struct ks_prefilter *pf;
	uint64_t *cands;
	size_t selected;
};

static int
on_keyword(unsigned int id, unsigned long long from, unsigned long long to,
    unsigned int flags, void *ctx)
{
	struct scan_state *st = ctx;
	const struct ks_prefilter *pf = st->pf;
	size_t i;

	(void)from;
	(void)to;
	(void)flags;
	for (i = pf->kw_first[id]; i < pf->kw_first[id + 1]; i++) {
		uint32_t r = pf->kw_rules[i];
		uint64_t bit = UINT64_C(1) << (r % 64);

		if (!(st->cands[r / 64] & bit)) {
			st->cands[r / 64] |= bit;
			st->selected++;
		}
	}
	/* non-zero stops the scan: every rule is a candidate already */
	return st->selected == pf->nselectable;
}

int
ks_prefilter__scan(const struct ks_prefilter *pf, hs_scratch_t *scratch,
    const uint8_t *data, size_t len, uint64_t *cands)
{
	struct scan_state st = { pf, cands, 0 };
	hs_error_t rc;

	memcpy(cands, pf->always, pf->nwords * sizeof(uint64_t));
	if (!pf->db || pf->nselectable == 0)
		return 0;
	if (len > UINT_MAX) {
		memset(cands, 0xff, pf->nwords * sizeof(uint64_t));
		if (pf->nrules % 64)
			cands[pf->nwords - 1] = (UINT64_C(1) <<
			    (pf->nrules % 64)) - 1;
		return 0;
	}
	/* hs_scan rejects a NULL pointer even for an empty input */
	rc = hs_scan(pf->db, len ? (const char *)data : "", (unsigned)len, 0,
	    scratch, on_keyword, &st);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
		ks_error_set(KS_ERROR_RULE, "prefilter scan failed: error %d",
		    (int)rc);
		return KS_ERROR;
	}
	return 0;
}

size_t
ks_prefilter__keyword_count(const struct ks_prefilter *pf)
{
	return pf ? pf->nkeywords : 0;
}
