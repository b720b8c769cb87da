/*
 * reports/fmt_fingerprints.c - the baseline format
 *
 *   # keyshift baseline v1: ...
 *   <fingerprint>            sorted, unique, one per line
 *
 * What `keyshift baseline create` writes and `keyshift scan --baseline`
 * reads. Merge-friendly on purpose: no timestamps, no line numbers, no
 * paths, so two branches that baseline the same secrets write the same
 * bytes and a moved secret changes nothing. Only the 33-byte fingerprints
 * are kept in memory, to sort them.
 */
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "report_int.h"

struct fp_state {
	char (*v)[KS_FINGERPRINT_HEXLEN + 1];
	size_t n, cap;
};

static int
fp_begin(struct ks_report *r)
{
	if ((r->state = ks__calloc(1, sizeof(struct fp_state))) == NULL)
		return KS_ENOMEM;
	return 0;
}

static int
fp_occurrence(struct ks_report *r, const ks_occurrence *o)
{
	struct fp_state *st = r->state;

	/* consecutive duplicates are the common case: skip them early */
	if (st->n && strcmp(st->v[st->n - 1], o->fingerprint) == 0)
		return 0;
	if (st->n == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 64;
		void *v = ks__reallocarray(st->v, cap, sizeof(*st->v));

		if (!v)
			return KS_ENOMEM;
		st->v = v;
		st->cap = cap;
	}
	memcpy(st->v[st->n++], o->fingerprint, sizeof(*st->v));
	return 0;
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

static int
fp_end(struct ks_report *r, const ks_report_summary *s)
{
	struct fp_state *st = r->state;
	size_t i;

	if (!st)
		return 0;
	if (st->n > 1)
		qsort(st->v, st->n, sizeof(*st->v), cmp);
	fputs("# keyshift baseline v1: content fingerprints of known "
	    "findings, sorted.\n# `keyshift scan --baseline FILE` reports "
	    "only findings not listed here.\n", r->fp);
	for (i = 0; i < st->n; i++)
		if (i == 0 || strcmp(st->v[i], st->v[i - 1]) != 0)
			fprintf(r->fp, "%s\n", st->v[i]);
	ks__free(st->v);
	ks__free(st);
	r->state = NULL;
	return 0;
}

const struct ks_reporter ks_reporter_fingerprints = {
	.name = "fingerprints",
	.begin = fp_begin,
	.occurrence = fp_occurrence,
	.end = fp_end,
};
