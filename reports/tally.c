/*
 * reports/tally.c - totals for summary reports
 */
#include "tally.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alloc.h"

int
ks_tally_add(struct ks_tally *t, const char *key, uint64_t findings,
    uint64_t occurrences)
{
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (strcmp(t->v[i].key, key) == 0) {
			t->v[i].findings += findings;
			t->v[i].occurrences += occurrences;
			return 0;
		}
	}
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct ks_tally_entry *v = ks__reallocarray(t->v, cap,
		    sizeof(*v));

		if (!v)
			return KS_ENOMEM;
		t->v = v;
		t->cap = cap;
	}
	if ((t->v[t->n].key = ks__strdup(key)) == NULL)
		return KS_ENOMEM;
	t->v[t->n].findings = findings;
	t->v[t->n].occurrences = occurrences;
	t->n++;
	return 0;
}

static int
by_count(const void *a, const void *b)
{
	const struct ks_tally_entry *x = a, *y = b;

	if (x->findings != y->findings)
		return x->findings > y->findings ? -1 : 1;
	if (x->occurrences != y->occurrences)
		return x->occurrences > y->occurrences ? -1 : 1;
	return strcmp(x->key, y->key);
}

static int
by_key(const void *a, const void *b)
{
	const struct ks_tally_entry *x = a, *y = b;

	return strcmp(x->key, y->key);
}

void
ks_tally_sort_by_count(struct ks_tally *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), by_count);
}

void
ks_tally_sort_by_key(struct ks_tally *t)
{
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), by_key);
}

uint64_t
ks_tally_max_findings(const struct ks_tally *t)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->v[i].findings > m)
			m = t->v[i].findings;
	return m;
}

void
ks_tally_dispose(struct ks_tally *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->n; i++)
		ks__free(t->v[i].key);
	ks__free(t->v);
	t->v = NULL;
	t->n = t->cap = 0;
}

static void
copy_span(char *buf, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(buf, s, n);
	buf[n] = '\0';
}

void
ks_occurrence_provider(const ks_occurrence *o, char *buf, size_t size)
{
	const char *id = o->rule_id, *a, *b;

	if (o->provider && *o->provider) {
		copy_span(buf, size, o->provider, strlen(o->provider));
		return;
	}
	if (id && (a = strchr(id, '.')) != NULL &&
	    (b = strchr(a + 1, '.')) != NULL && b > a + 1) {
		copy_span(buf, size, a + 1, (size_t)(b - a - 1));
		return;
	}
	copy_span(buf, size, "unknown", 7);
}

void
ks_occurrence_root(const ks_occurrence *o, char *buf, size_t size)
{
	const char *p = o->path ? o->path : "", *slash;

	while (p[0] == '.' && p[1] == '/')
		p += 2;
	if ((slash = strchr(p + (*p == '/'), '/')) == NULL)
		copy_span(buf, size, ".", 1);
	else
		copy_span(buf, size, p, (size_t)(slash - p));
}

static bool
is_day(const char *s)
{
	static const char shape[] = "dddd-dd-dd";
	size_t i;

	for (i = 0; i < 10; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') :
		    s[i] != '-')
			return false;
	}
	return true;
}

bool
ks_extra_member(const char *json, const char *key, char *buf, size_t size)
{
	char pat[64];
	const char *p, *e;

	if (!json || (size_t)snprintf(pat, sizeof(pat), "\"%s\":\"", key) >=
	    sizeof(pat) || (p = strstr(json, pat)) == NULL)
		return false;
	p += strlen(pat);
	if ((e = strchr(p, '"')) == NULL || memchr(p, '\\', (size_t)(e - p)) ||
	    (size_t)(e - p) >= size)
		return false;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return true;
}

void
ks_occurrence_day(const ks_occurrence *o, int64_t fallback, char buf[11])
{
	time_t t = (time_t)fallback;
	struct tm tm;
	char seen[32];

	if (o->date && strlen(o->date) >= 10 && is_day(o->date)) {
		copy_span(buf, 11, o->date, 10);
		return;
	}
	if (ks_extra_member(o->extra_json, "first_seen", seen, sizeof(seen)) &&
	    strlen(seen) >= 10 && is_day(seen)) {
		copy_span(buf, 11, seen, 10);
		return;
	}
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, 11, "%Y-%m-%d", &tm) != 10)
		copy_span(buf, 11, "1970-01-01", 10);
}

void
ks_utc_stamp(int64_t t, char buf[21])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		copy_span(buf, 21, "1970-01-01T00:00:00Z", 20);
}

void
ks_write_triage(FILE *fp, const ks_occurrence *o,
    void (*escape)(FILE *, const char *))
{
	char stamp[21];

	if (!o->status_time)
		return;
	ks_utc_stamp(o->status_time, stamp);
	if (o->status_user) {
		fputs(" by ", fp);
		escape(fp, o->status_user);
	}
	fprintf(fp, " at %s", stamp);
	if (o->status_reason) {
		fputs(": ", fp);
		escape(fp, o->status_reason);
	}
}

int
ks_group_close(struct ks_group *g, struct ks_summary_tallies *t)
{
	size_t i;
	int error;

	if (!g->open)
		return 0;
	g->open = false;
	t->findings++;
	if ((error = ks_tally_add(&t->category, g->category, 1,
	    g->occurrences)) < 0 ||
	    (error = ks_tally_add(&t->provider, g->provider, 1,
	    g->occurrences)) < 0 ||
	    (error = ks_tally_add(&t->status, g->status, 1,
	    g->occurrences)) < 0 ||
	    (error = ks_tally_add(&t->day, g->day, 1, g->occurrences)) < 0)
		return error;
	for (i = 0; i < g->roots.n; i++)
		if ((error = ks_tally_add(&t->root, g->roots.v[i].key, 1,
		    g->roots.v[i].occurrences)) < 0)
			return error;
	ks_tally_dispose(&g->roots);
	return 0;
}

int
ks_group_add(struct ks_group *g, struct ks_summary_tallies *t,
    const ks_occurrence *o, int64_t fallback_time, bool *started)
{
	char root[256], day[11];
	int error;

	*started = !g->open || strcmp(g->fingerprint, o->fingerprint) != 0;
	if (*started) {
		if ((error = ks_group_close(g, t)) < 0)
			return error;
		memcpy(g->fingerprint, o->fingerprint, sizeof(g->fingerprint));
		copy_span(g->category, sizeof(g->category),
		    o->category ? o->category : "unknown",
		    strlen(o->category ? o->category : "unknown"));
		ks_occurrence_provider(o, g->provider, sizeof(g->provider));
		copy_span(g->status, sizeof(g->status),
		    o->status ? o->status : "open",
		    strlen(o->status ? o->status : "open"));
		g->day[0] = '\0';
		g->occurrences = 0;
		g->open = true;
	}
	g->occurrences++;
	t->occurrences++;
	ks_occurrence_day(o, fallback_time, day);
	if (!g->day[0] || strcmp(day, g->day) < 0)
		memcpy(g->day, day, sizeof(day));
	ks_occurrence_root(o, root, sizeof(root));
	return ks_tally_add(&g->roots, root, 0, 1);
}

void
ks_group_dispose(struct ks_group *g)
{
	if (g)
		ks_tally_dispose(&g->roots);
}

void
ks_summary_tallies_dispose(struct ks_summary_tallies *t)
{
	if (!t)
		return;
	ks_tally_dispose(&t->category);
	ks_tally_dispose(&t->provider);
	ks_tally_dispose(&t->root);
	ks_tally_dispose(&t->status);
	ks_tally_dispose(&t->day);
}
