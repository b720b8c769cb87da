/*
 * rules/prefilter.h - the keyword prefilter (rules/ internal)
 *
 * All keywords of a rule set are compiled into one Vectorscan (Hyperscan)
 * literal database. One hs_scan pass over an input yields the bitset of
 * candidate rules: those with a keyword in the input, plus those that
 * always run (`prefilter: none`, or no keywords at all). The database is
 * read-only and shared; every thread needs its own scratch.
 */
#ifndef KS_RULES_PREFILTER_H
#define KS_RULES_PREFILTER_H

#include <stddef.h>
#include <stdint.h>

#include <hs/hs.h>

#include <keyshift/common.h>

struct ks_rule;
struct ks_prefilter;

/* Words of a candidate bitset for `nrules` rules. */
#define KS_BITSET_WORDS(nrules) (((nrules) + 63) / 64)

/*
 * Build the prefilter for `rules` (indexed by rule->index). On success
 * the caller owns *out and frees it with ks_prefilter__free().
 * KS_ENOMEM, or KS_EINVALID if Vectorscan rejects the keywords.
 */
int ks_prefilter__build(struct ks_prefilter **out,
    struct ks_rule *const *rules, size_t count) KS_WARN_UNUSED;
void ks_prefilter__free(struct ks_prefilter *pf);

/* Allocate per-thread scratch (*out is NULL when there is no database).
 * Free with hs_free_scratch(). */
int ks_prefilter__scratch_new(hs_scratch_t **out,
    const struct ks_prefilter *pf) KS_WARN_UNUSED;

/*
 * Fill `cands` (KS_BITSET_WORDS(count) words) with the candidate rules for
 * `data`. `scratch` is this thread's. KS_ERROR if Vectorscan fails.
 */
int ks_prefilter__scan(const struct ks_prefilter *pf, hs_scratch_t *scratch,
    const uint8_t *data, size_t len, uint64_t *cands) KS_WARN_UNUSED;

/* Distinct (case-folded) keywords in the database. */
size_t ks_prefilter__keyword_count(const struct ks_prefilter *pf);

#endif
