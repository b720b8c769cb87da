/*
 * reports/tally.h - totals for summary reports (Markdown, HTML)
 *
 * Summaries count findings and occurrences by category, provider, root
 * and first-seen day. The keys are few (categories, providers, dates),
 * so a tally is a small array searched linearly; the findings themselves
 * are never kept. A ks_group follows the occurrences of the finding being
 * rendered: reporters that show each finding with all its locations want
 * the occurrences of one finding consecutive (ks_report_format_grouped()).
 */
#ifndef KS_REPORTS_TALLY_H
#define KS_REPORTS_TALLY_H

#include <stdint.h>
#include <stdio.h>

#include <keyshift/common.h>
#include <keyshift/error.h>
#include <keyshift/finding.h>

struct ks_tally_entry {
	char *key;
	uint64_t findings;
	uint64_t occurrences;
};

struct ks_tally {
	struct ks_tally_entry *v;
	size_t n, cap;
};

#define KS_TALLY_INIT { NULL, 0, 0 }

int ks_tally_add(struct ks_tally *t, const char *key, uint64_t findings,
    uint64_t occurrences) KS_WARN_UNUSED;
/* Most findings first, then by key: a deterministic order. */
void ks_tally_sort_by_count(struct ks_tally *t);
/* By key (dates: chronological). */
void ks_tally_sort_by_key(struct ks_tally *t);
uint64_t ks_tally_max_findings(const struct ks_tally *t);
void ks_tally_dispose(struct ks_tally *t);

/* The provider of an occurrence: its own, else the rule id's second
 * component ("ks.google.oauth-client-secret" -> "google"). */
void ks_occurrence_provider(const ks_occurrence *o, char *buf, size_t size);
/* The root a path belongs to: its first component ("." for none). */
void ks_occurrence_root(const ks_occurrence *o, char *buf, size_t size);
/*
 * A string member of the flat JSON object in extra_json, copied to buf;
 * false when absent, escaped or too long. The store's reports put
 * "first_seen", "status_reason", "status_user", "status_time" and
 * "migration" there.
 */
bool ks_extra_member(const char *json, const char *key, char *buf,
    size_t size);
/* "YYYY-MM-DD" of the commit date, else of extra_json's "first_seen",
 * else of `fallback` (Unix time). */
void ks_occurrence_day(const ks_occurrence *o, int64_t fallback,
    char buf[11]);
/* Unix time `t` as "YYYY-MM-DDTHH:MM:SSZ" (UTC), as triage times are
 * shown in every format. */
void ks_utc_stamp(int64_t t, char buf[21]);
/* " by USER at TIME: REASON" for a triaged occurrence (nothing if it
 * never was), each value written with `escape`: text and Markdown. */
void ks_write_triage(FILE *fp, const ks_occurrence *o,
    void (*escape)(FILE *, const char *));

/* The totals every summary keeps. */
struct ks_summary_tallies {
	struct ks_tally category, provider, root, status, day;
	uint64_t findings, occurrences;
};

/* The finding whose occurrences are arriving. */
struct ks_group {
	char fingerprint[KS_FINGERPRINT_HEXLEN + 1];
	char category[64], provider[64], status[32];
	char day[11];           /* earliest day seen in the group */
	uint64_t occurrences;
	struct ks_tally roots;  /* occurrences per root in this group */
	bool open;
};

/*
 * Account for one occurrence. When it starts a new finding, the previous
 * group is closed into `t` first and *started is set.
 */
int ks_group_add(struct ks_group *g, struct ks_summary_tallies *t,
    const ks_occurrence *o, int64_t fallback_time, bool *started)
    KS_WARN_UNUSED;
/* Close the open group into `t`. */
int ks_group_close(struct ks_group *g, struct ks_summary_tallies *t)
    KS_WARN_UNUSED;
void ks_group_dispose(struct ks_group *g);
void ks_summary_tallies_dispose(struct ks_summary_tallies *t);

#endif
