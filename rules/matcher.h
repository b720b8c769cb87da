/*
 * rules/matcher.h - matching a compiled rule set against bytes
 *
 * Library-internal (used by scanner/). A ks_matcher is per thread: it holds
 * the PCRE2 match data, match context and JIT stack, and the prefilter's
 * scratch space. The ks_ruleset it reads is shared read-only.
 *
 * Matching is bytewise (no PCRE2_UTF). Every pcre2_match runs under match,
 * depth and heap limits; hitting one is counted, not fatal.
 */
#ifndef KS_RULES_MATCHER_H
#define KS_RULES_MATCHER_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/rules.h>

#define KS_NOSPAN SIZE_MAX

/* One match of one rule; offsets are byte offsets into the scanned data,
 * [start, end). Absent optional groups are KS_NOSPAN. */
struct ks_rule_match {
	const ks_rule *rule;
	size_t start, end;                 /* the whole match */
	size_t secret_start, secret_end;   /* group `secret` (always set) */
	size_t client_id_start, client_id_end;
	size_t issuer_start, issuer_end;
};

typedef struct ks_matcher ks_matcher;

/* Return non-zero to stop scanning this input (that value is returned). */
typedef int (*ks_rule_match_cb)(const struct ks_rule_match *m, void *payload);

struct ks_match_stats {
	uint64_t candidates;   /* rules that passed the prefilter */
	uint64_t limit_hits;   /* pcre2 match/depth/heap limits reached */
	uint64_t rejected;     /* matches dropped by entropy or filters */
};

int ks_matcher_new(ks_matcher **out, const ks_ruleset *set) KS_WARN_UNUSED;
void ks_matcher_free(ks_matcher *m);

/*
 * Run the prefilter over `data`, then PCRE2 for each candidate rule, and
 * call `cb` for every accepted match, in order of (start, rule index).
 * Matches of one rule do not overlap. Entropy floors and the rule's
 * filters are applied before `cb` sees a match.
 */
int ks_matcher_scan(ks_matcher *m, const uint8_t *data, size_t len,
    ks_rule_match_cb cb, void *payload, struct ks_match_stats *stats)
    KS_WARN_UNUSED;

/* The same without the prefilter: every rule runs. For the differential
 * test and for `prefilter: none` debugging. */
int ks_matcher_scan_all(ks_matcher *m, const uint8_t *data, size_t len,
    ks_rule_match_cb cb, void *payload, struct ks_match_stats *stats)
    KS_WARN_UNUSED;

/* Only `rule` (which must belong to the matcher's set), no prefilter:
 * for ks_rules_check, which must blame a limit hit on the right rule. */
int ks_matcher_scan_rule(ks_matcher *m, const ks_rule *rule,
    const uint8_t *data, size_t len, ks_rule_match_cb cb, void *payload,
    struct ks_match_stats *stats) KS_WARN_UNUSED;

/* The rule set the matcher was made for. */
const ks_ruleset *ks_matcher_ruleset(const ks_matcher *m);

/* Shannon entropy of bytes, in bits per byte. */
double ks_entropy(const uint8_t *data, size_t len);

#endif
