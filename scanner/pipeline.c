/*
 * scanner/pipeline.c - ks_scan_run(): enumerator, workers, one writer
 *
 *   caller          enumerator        workers (N)               writer
 *   open sources    foreach source    pop item; read bytes;     owns the store
 *   start threads   copy ref ──in──►  size/binary checks;  ─out─► one txn per
 *   poll stats,                       blob id; seen-set;        batch; moves
 *   progress cb                       match once per content;   records into
 *   join, sort                        build occurrences         the result
 *
 * Both queues are bounded (max(jobs * 32, 256)), so a fast enumerator
 * blocks instead of buffering a tree in memory. Each distinct content is
 * matched once: the seen-set caches its matches (offsets and rule), and a
 * duplicate builds its own occurrences (its path, same lines) from them.
 *
 * Errors: a per-input problem is a diagnostic and the scan goes on. A
 * fatal one (store write, out of memory, a source failing) is copied with
 * ks_error_dup() into first_error, the cancel flag is set and the input
 * queue closed; every thread then drains what it holds and exits, and
 * ks_scan_run() raises the copy on the caller's thread. The writer
 * commits what it already has, so the store keeps every finished batch;
 * the run is recorded as "failed" or "canceled".
 *
 * Shutdown order: the enumerator closes `in` when done; each worker exits
 * when `in` is closed and empty; the last of the enumerator and workers
 * closes `out`; the writer exits when `out` is closed and empty.
 *
 * Determinism: the result is sorted after the scan, and which worker
 * claims a content first does not change any record.
 */
#include <keyshift/scan.h>

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "allow.h"
#include "encode.h"
#include "enrich.h"
#include "enrich_gate.h"
#include "errors.h"
#include "hash.h"
#include "matcher.h"
#include "occurrence.h"
#include "queue.h"
#include "secret.h"
#include "seen.h"
#include "source.h"
#include "store_allow.h"
#include "store_clients.h"
#include "store_write.h"
#include "str.h"

#define BINARY_PROBE 8192
#define MAX_JOBS 256
#define MAX_MATCHES_PER_BLOB 10000
#define SCRATCH_KEEP ((size_t)8 << 20)
#define BATCH_ITEMS 256
#define BATCH_NSEC 100000000L
#define PROGRESS_NSEC 100000000L

/* ---- records passed between threads ------------------------------- */

struct scan_source {
	const struct ks_source_ops *ops;
	void *src;                 /* owned; closed after every thread */
	size_t index;
};

/* enumerator -> worker: a blob ref with its strings copied */
struct scan_item {
	struct scan_source *src;   /* borrowed */
	struct ks_blob_ref ref;    /* strings owned; `data` borrowed */
};

/* worker -> writer: one input's records */
struct write_item {
	char *blob_id;             /* NULL: no blob (skipped input) */
	uint64_t size;
	bool new_blob;             /* first time this scan saw the content */
	char *source, *path, *repo, *commit, *extra_json;
	ks_occurrence *occs;
	ks_secret **secrets;       /* parallel to occs; wiped when freed */
	size_t nocc;
	ks_diagnostic *diags;
	size_t ndiag;
	struct allowed *allowed;   /* matches an inline marker allowed */
	size_t nallowed;
};

/* A match allowed by `keyshift:allow` (scanner/allow.h): not reported,
 * recorded in the store. */
struct allowed {
	char fingerprint[KS_FINGERPRINT_HEXLEN + 1];
	char *rule_id;
	uint32_t line;
	struct ks_allow marker;
};

struct ks_scan_result {
	ks_occurrence *occs;
	size_t nocc, capocc;
	ks_diagnostic *diags;
	size_t ndiag, capdiag;
	ks_scan_stats stats;
	int64_t run_id;
};

struct pipeline {
	const ks_scan_options *opts;   /* borrowed */
	const ks_ruleset *rules;       /* borrowed, shared read-only */
	ks_store *store;               /* borrowed; writer thread only */
	struct ks_source_config cfg;
	struct scan_source *sources;
	size_t nsources;
	unsigned jobs;
	ks_queue *in, *out;
	struct ks_seen *seen;
	struct timespec t0;

	atomic_bool cancel;
	pthread_mutex_t err_lock;
	ks_error *first_error;         /* under err_lock */
	int first_code;
	bool user_canceled;

	atomic_uint_fast64_t files, bytes, blobs, duplicates, skipped,
	    diagnostics, occurrences, findings, allowed;

	atomic_int producers_left;     /* enumerator + workers */
	pthread_mutex_t done_lock;
	pthread_cond_t done_cond;
	int threads_left;              /* under done_lock */

	ks_scan_result *result;        /* filled by the writer */
};

static double
elapsed(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static void
stats_snapshot(struct pipeline *p, ks_scan_stats *st)
{
	st->files = atomic_load(&p->files);
	st->bytes = atomic_load(&p->bytes);
	st->blobs = atomic_load(&p->blobs);
	st->duplicates = atomic_load(&p->duplicates);
	st->skipped = atomic_load(&p->skipped);
	st->diagnostics = atomic_load(&p->diagnostics);
	st->occurrences = atomic_load(&p->occurrences);
	st->findings = atomic_load(&p->findings);
	st->allowed = atomic_load(&p->allowed);
	st->seconds = elapsed(&p->t0);
}

/* A fatal error on this thread: keep the first, stop everything. */
static void
fail(struct pipeline *p, int code)
{
	pthread_mutex_lock(&p->err_lock);
	if (!p->first_error && !p->first_code) {
		p->first_error = ks_error_dup();
		p->first_code = code < 0 ? code : KS_ERROR;
	}
	pthread_mutex_unlock(&p->err_lock);
	atomic_store(&p->cancel, true);
	ks_queue_close(p->in);
}

static void
cancel_by_user(struct pipeline *p)
{
	pthread_mutex_lock(&p->err_lock);
	if (!p->first_code)
		p->user_canceled = true;
	pthread_mutex_unlock(&p->err_lock);
	atomic_store(&p->cancel, true);
	ks_queue_close(p->in);
}

static void
thread_done(struct pipeline *p)
{
	pthread_mutex_lock(&p->done_lock);
	p->threads_left--;
	pthread_cond_signal(&p->done_cond);
	pthread_mutex_unlock(&p->done_lock);
}

static void
producer_done(struct pipeline *p)
{
	if (atomic_fetch_sub(&p->producers_left, 1) == 1)
		ks_queue_close(p->out);
}

static void
item_free(void *it)
{
	struct scan_item *item = it;

	if (!item)
		return;
	ks__free((char *)item->ref.source);
	ks__free((char *)item->ref.path);
	ks__free((char *)item->ref.fs_path);
	ks__free((char *)item->ref.oid);
	ks__free((char *)item->ref.repo);
	ks__free((char *)item->ref.commit);
	ks__free((char *)item->ref.author);
	ks__free((char *)item->ref.date);
	ks__free((char *)item->ref.diag_kind);
	ks__free((char *)item->ref.diag_message);
	ks__free(item);
}

static void
write_item_free(void *it)
{
	struct write_item *w = it;
	size_t i;

	if (!w)
		return;
	for (i = 0; i < w->nocc; i++) {
		ks_occurrence_dispose(&w->occs[i]);
		ks_secret_free(w->secrets[i]);
	}
	for (i = 0; i < w->ndiag; i++)
		ks_diagnostic_dispose(&w->diags[i]);
	for (i = 0; i < w->nallowed; i++)
		ks__free(w->allowed[i].rule_id);
	ks__free(w->allowed);
	ks__free(w->occs);
	ks__free(w->secrets);
	ks__free(w->diags);
	ks__free(w->blob_id);
	ks__free(w->source);
	ks__free(w->path);
	ks__free(w->repo);
	ks__free(w->commit);
	ks__free(w->extra_json);
	ks__free(w);
}

static int
copy_str(const char **dst, const char *src)
{
	*dst = NULL;
	if (!src)
		return 0;
	return (*dst = ks__strdup(src)) ? 0 : KS_ENOMEM;
}

/*
 * Make room for `need` elements of `size` bytes in the array whose
 * address is `arrp` (any `T **`; copied with memcpy, so no aliasing
 * through void **), with capacity *cap.
 */
static int
reserve(void *arrp, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *old, *p;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	memcpy(&old, arrp, sizeof(old));
	if ((p = ks__reallocarray(old, n, size)) == NULL)
		return KS_ENOMEM;
	memcpy(arrp, &p, sizeof(p));
	*cap = n;
	return 0;
}

/* ---- the enumerator ------------------------------------------------ */

struct enum_ctx {
	struct pipeline *p;
	struct scan_source *src;
};

static int
enumerate_ref(const struct ks_blob_ref *ref, void *payload)
{
	struct enum_ctx *ctx = payload;
	struct pipeline *p = ctx->p;
	struct scan_item *it;

	if (atomic_load(&p->cancel))
		return 1;
	if ((it = ks__calloc(1, sizeof(*it))) == NULL)
		goto oom;
	it->src = ctx->src;
	it->ref.data = ref->data;
	it->ref.len = ref->len;
	it->ref.size = ref->size;
	if (copy_str(&it->ref.source, ref->source) < 0 ||
	    copy_str(&it->ref.path, ref->path) < 0 ||
	    copy_str(&it->ref.fs_path, ref->fs_path) < 0 ||
	    copy_str(&it->ref.oid, ref->oid) < 0 ||
	    copy_str(&it->ref.repo, ref->repo) < 0 ||
	    copy_str(&it->ref.commit, ref->commit) < 0 ||
	    copy_str(&it->ref.author, ref->author) < 0 ||
	    copy_str(&it->ref.date, ref->date) < 0 ||
	    copy_str(&it->ref.diag_kind, ref->diag_kind) < 0 ||
	    copy_str(&it->ref.diag_message, ref->diag_message) < 0)
		goto oom;
	atomic_fetch_add(&p->files, 1);
	if (ks_queue_push_take(p->in, it) < 0) {
		item_free(it);   /* closed: canceled */
		return 1;
	}
	return 0;
oom:
	item_free(it);
	fail(p, KS_ENOMEM);
	return 1;
}

static void *
enumerator_main(void *arg)
{
	struct pipeline *p = arg;
	size_t i;

	for (i = 0; i < p->nsources && !atomic_load(&p->cancel); i++) {
		struct enum_ctx ctx = { p, &p->sources[i] };
		int error = p->sources[i].ops->foreach(p->sources[i].src,
		    enumerate_ref, &ctx);

		if (error < 0)
			fail(p, error);
		if (error != 0)
			break;
	}
	ks_queue_close(p->in);
	producer_done(p);
	thread_done(p);
	return NULL;
}

/* ---- workers ------------------------------------------------------- */

struct worker {
	struct pipeline *p;
	pthread_t thread;
	bool started;
	ks_matcher *matcher;
	void **readers;               /* per source, created on demand */
	struct ks_rule_match *found;  /* matches of the blob in hand */
	size_t nfound, capfound;
	bool truncated;
	ks_str scratch;               /* read buffer, reused blob to blob */
};

static int
collect_match(const struct ks_rule_match *m, void *payload)
{
	struct worker *w = payload;

	if (w->nfound == MAX_MATCHES_PER_BLOB) {
		w->truncated = true;
		return 1;
	}
	if (reserve(&w->found, &w->capfound, w->nfound + 1,
	    sizeof(*w->found)) < 0)
		return KS_ENOMEM;
	w->found[w->nfound++] = *m;
	return 0;
}

static int
add_diag(struct pipeline *p, struct write_item *wi, const char *kind,
    const char *message)
{
	ks_diagnostic *d, *n;

	n = ks__reallocarray(wi->diags, wi->ndiag + 1, sizeof(*n));
	if (!n)
		return KS_ENOMEM;
	wi->diags = n;
	d = &wi->diags[wi->ndiag];
	memset(d, 0, sizeof(*d));
	if ((d->source = ks__strdup(wi->source)) == NULL ||
	    (d->path = ks__strdup(wi->path)) == NULL ||
	    (d->kind = ks__strdup(kind)) == NULL ||
	    (d->message = ks__strdup(message ? message : "")) == NULL) {
		ks_diagnostic_dispose(d);
		return KS_ENOMEM;
	}
	wi->ndiag++;
	atomic_fetch_add(&p->diagnostics, 1);
	return 0;
}

static const char *
last_message(const char *fallback)
{
	const ks_error *e = ks_error_last();

	return e && e->message ? e->message : fallback;
}

/* Match a new content and publish its matches in the seen-set entry. */
static int
match_blob(struct worker *w, struct ks_seen_entry *e, const uint8_t *data,
    size_t len, uint64_t *limit_hits)
{
	struct ks_match_stats ms = { 0, 0, 0 };
	int error;

	w->nfound = 0;
	w->truncated = false;
	error = ks_matcher_scan(w->matcher, data, len, collect_match, w, &ms);
	if (error < 0)
		return error;
	*limit_hits = ms.limit_hits;
	if (w->nfound && (e->matches = ks__memdup(w->found,
	    w->nfound * sizeof(*w->found))) == NULL)
		return KS_ENOMEM;
	e->nmatches = w->nfound;
	return 0;
}

/* Keep what the store needs of an occurrence a marker allowed. */
static int
allow_occurrence(struct write_item *wi, const ks_occurrence *occ,
    const struct ks_allow *marker, size_t cap)
{
	struct allowed *a;

	if (!wi->allowed && (wi->allowed = ks__calloc(cap,
	    sizeof(*wi->allowed))) == NULL)
		return KS_ENOMEM;
	a = &wi->allowed[wi->nallowed];
	memcpy(a->fingerprint, occ->fingerprint, sizeof(a->fingerprint));
	if ((a->rule_id = ks__strdup(occ->rule_id)) == NULL)
		return KS_ENOMEM;
	a->line = occ->line;
	a->marker = *marker;
	wi->nallowed++;
	return 0;
}

static int
build_occurrences(struct worker *w, struct write_item *wi,
    const struct scan_item *it, const struct ks_seen_entry *e,
    const uint8_t *data, size_t len)
{
	struct ks_line_cursor cursor = KS_LINE_CURSOR_INIT;
	struct ks_occurrence_place place;
	size_t i;
	int error;

	if (!e->nmatches)
		return 0;
	if ((wi->occs = ks__calloc(e->nmatches, sizeof(*wi->occs))) == NULL ||
	    (wi->secrets = ks__calloc(e->nmatches,
	    sizeof(*wi->secrets))) == NULL)
		return KS_ENOMEM;
	place.source = it->ref.source;
	place.path = it->ref.path;
	place.blob_id = wi->blob_id;
	place.commit = it->ref.commit;
	place.author = it->ref.author;
	place.date = it->ref.date;
	for (i = 0; i < e->nmatches; i++) {
		const struct ks_rule_match *m = &e->matches[i];
		ks_occurrence *occ = &wi->occs[wi->nocc];
		struct ks_allow marker;

		error = ks_occurrence_build(occ, &wi->secrets[wi->nocc],
		    data, len, m, e->matches, e->nmatches, &cursor, &place,
		    w->p->opts->flags);
		if (error < 0)
			return error;
		if (ks_allow_check(data, len, m->start, m->end,
		    ks_rule_id(m->rule), ks_rule_family(m->rule), &marker)) {
			error = allow_occurrence(wi, occ, &marker, e->nmatches);
			ks_occurrence_dispose(occ);
			memset(occ, 0, sizeof(*occ));
			ks_secret_free(wi->secrets[wi->nocc]);
			wi->secrets[wi->nocc] = NULL;
			if (error < 0)
				return error;
			atomic_fetch_add(&w->p->allowed, 1);
			continue;
		}
		wi->nocc++;
	}
	return 0;
}

static bool
looks_binary(const uint8_t *data, size_t len)
{
	return memchr(data, '\0', len < BINARY_PROBE ? len : BINARY_PROBE) !=
	    NULL;
}

static int
process_blob(struct worker *w, struct write_item *wi,
    const struct scan_item *it, const uint8_t *data, size_t len)
{
	struct pipeline *p = w->p;
	struct ks_seen_entry *e = NULL;
	uint8_t oid[KS_SHA1_LEN];
	char hex[KS_OID_HEXLEN];
	uint64_t limit_hits = 0;
	int error, claimed;

	if (!(p->opts->flags & KS_SCAN_BINARY) && looks_binary(data, len) &&
	    !ks_enrich_binary_ok(data, len)) {
		atomic_fetch_add(&p->skipped, 1);
		return add_diag(p, wi, "binary",
		    "binary content (a NUL byte in the first 8 KiB), skipped");
	}
	/* A git source names its blobs: hashing them again would cost as
	 * much as inflating them (docs/GIT.md, "Performance"). */
	if (it->ref.oid && strlen(it->ref.oid) == KS_OID_HEXLEN - 1)
		memcpy(hex, it->ref.oid, KS_OID_HEXLEN);
	else
		ks_git_blob_id(hex, data, len);
	if ((error = ks_hex_decode(oid, hex, KS_SHA1_LEN)) < 0)
		return error;
	if ((wi->blob_id = ks__strdup(hex)) == NULL)
		return KS_ENOMEM;
	wi->size = len;
	if ((claimed = ks_seen_claim(p->seen, oid, &e)) < 0)
		return claimed;
	if (claimed) {
		error = match_blob(w, e, data, len, &limit_hits);
		ks_seen_publish(p->seen, e, error < 0 ? KS_SEEN_FAILED :
		    KS_SEEN_READY);
		if (error < 0)
			return error;
		wi->new_blob = true;
		atomic_fetch_add(&p->blobs, 1);
		atomic_fetch_add(&p->bytes, len);
	} else {
		if (e->state != KS_SEEN_READY)
			return 0;   /* its matcher failed: the scan is over */
		atomic_fetch_add(&p->duplicates, 1);
	}
	if ((error = build_occurrences(w, wi, it, e, data, len)) < 0)
		return error;
	/* decoding, key paths, key info, OAuth pairing (scanner/enrich.h);
	 * a blob with no occurrence is enriched only if the gate sees
	 * something to decode (scanner/enrich_gate.h) */
	if ((wi->nocc || ks_enrich_binary_ok(data, len) ||
	    ks_enrich_gate(data, len)) &&
	    (error = ks_enrich_blob(w->matcher, &wi->occs, &wi->secrets,
	    &wi->nocc, data, len, &it->ref, wi->blob_id,
	    p->opts->flags)) < 0)
		return error;
	if (claimed && limit_hits && (error = add_diag(p, wi, "limit",
	    "a pattern hit the match limits; matches may be missing")) < 0)
		return error;
	if (claimed && w->truncated && (error = add_diag(p, wi, "limit",
	    "too many matches; only the first 10000 are kept")) < 0)
		return error;
	return 0;
}

static int
worker_reader(struct worker *w, struct scan_source *s, void **out)
{
	int error;

	*out = NULL;
	if (!s->ops->reader_new)
		return 0;
	if (!w->readers[s->index] &&
	    (error = s->ops->reader_new(&w->readers[s->index], s->src)) < 0)
		return error;
	*out = w->readers[s->index];
	return 0;
}

static int
process_item(struct worker *w, const struct scan_item *it)
{
	struct pipeline *p = w->p;
	struct write_item *wi = NULL;
	struct ks_blob_data data = KS_BLOB_DATA_INIT;
	bool matched = false;
	void *reader;
	int error = KS_ENOMEM, r;

	/* The source reads into the worker's scratch buffer, or replaces it
	 * with an allocation of its own (wiping the old one). */
	data.buf = w->scratch;
	w->scratch = (ks_str)KS_STR_INIT;
	ks_str_clear(&data.buf);
	if ((wi = ks__calloc(1, sizeof(*wi))) == NULL ||
	    (wi->source = ks__strdup(it->ref.source)) == NULL ||
	    (wi->path = ks__strdup(it->ref.path)) == NULL ||
	    (it->ref.repo && (wi->repo = ks__strdup(it->ref.repo)) == NULL) ||
	    (it->ref.commit &&
	    (wi->commit = ks__strdup(it->ref.commit)) == NULL))
		goto done;
	if (it->ref.diag_kind) {
		atomic_fetch_add(&p->skipped, 1);
		if ((error = add_diag(p, wi, it->ref.diag_kind,
		    it->ref.diag_message)) < 0)
			goto done;
		goto push;
	}
	if ((error = worker_reader(w, it->src, &reader)) < 0)
		goto done;
	r = it->src->ops->read(it->src->src, reader, &it->ref, &data,
	    p->cfg.max_file_size);
	if (r < 0) {
		error = r;
		goto done;
	}
	if (r > 0) {
		atomic_fetch_add(&p->skipped, 1);
		if ((error = add_diag(p, wi, data.diag_kind,
		    last_message("cannot read"))) < 0)
			goto done;
		goto push;
	}
	if ((error = process_blob(w, wi, it, data.ptr, data.len)) < 0)
		goto done;
	matched = wi->nocc > 0;
push:
	if ((error = ks_queue_push_take(p->out, wi)) < 0)
		goto done;
	wi = NULL;
	error = 0;
done:
	/*
	 * Content with a match holds a secret: wipe it now. Other content is
	 * overwritten by the next blob and wiped when the worker ends; that
	 * saves a pass over every byte scanned. A buffer grown for a huge
	 * blob is not kept.
	 */
	if (error < 0 || data.buf.cap > SCRATCH_KEEP)
		ks_str_wipe(&data.buf);
	else if (matched && data.buf.cap)
		ks_wipe(data.buf.ptr, data.buf.len);
	ks_str_clear(&data.buf);
	w->scratch = data.buf;
	data.buf = (ks_str)KS_STR_INIT;
	ks_blob_data_dispose(&data);
	write_item_free(wi);
	return error;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct pipeline *p = w->p;
	struct scan_item *it;
	size_t i;
	int error;

	w->scratch = (ks_str)KS_STR_INIT;
	if ((w->readers = ks__calloc(p->nsources ? p->nsources : 1,
	    sizeof(void *))) == NULL)
		fail(p, KS_ENOMEM);
	else if ((error = ks_matcher_new(&w->matcher, p->rules)) < 0)
		fail(p, error);
	while ((it = ks_queue_pop(p->in)) != NULL) {
		if (!atomic_load(&p->cancel) && w->matcher &&
		    (error = process_item(w, it)) < 0)
			fail(p, error);
		item_free(it);
	}
	for (i = 0; w->readers && i < p->nsources; i++)
		if (w->readers[i])
			p->sources[i].ops->reader_free(w->readers[i]);
	ks__free(w->readers);
	ks__free(w->found);
	ks_str_wipe(&w->scratch);
	ks_matcher_free(w->matcher);
	w->matcher = NULL;
	producer_done(p);
	thread_done(p);
	return NULL;
}

/* ---- the writer ---------------------------------------------------- */

/* JSON string; bytes that are not printable ASCII become \u00XX, so the
 * text is always valid JSON (paths may hold any bytes). */
static int
json_str(ks_str *s, const char *v)
{
	const unsigned char *c;
	int error;

	if ((error = ks_str_putc(s, '"')) < 0)
		return error;
	for (c = (const unsigned char *)v; *c; c++) {
		if (*c == '"' || *c == '\\')
			error = ks_str_printf(s, "\\%c", *c);
		else if (*c < 0x20 || *c >= 0x7f)
			error = ks_str_printf(s, "\\u%04x", *c);
		else
			error = ks_str_putc(s, (char)*c);
		if (error < 0)
			return error;
	}
	return ks_str_putc(s, '"');
}

static int
run_json(struct pipeline *p, ks_str *targets, ks_str *options)
{
	const ks_scan_options *o = p->opts;
	size_t i;
	int error;

	if ((error = ks_str_putc(targets, '[')) < 0)
		return error;
	for (i = 0; i < o->ntargets; i++)
		if ((i && (error = ks_str_putc(targets, ',')) < 0) ||
		    (error = json_str(targets, o->targets[i])) < 0)
			return error;
	if ((error = ks_str_putc(targets, ']')) < 0)
		return error;
	if ((error = ks_str_printf(options,
	    "{\"jobs\":%u,\"max_file_size\":%llu,\"binary\":%s,"
	    "\"no_ignore\":%s,\"store_secrets\":%s,\"excludes\":[",
	    p->jobs, (unsigned long long)p->cfg.max_file_size,
	    (o->flags & KS_SCAN_BINARY) ? "true" : "false",
	    (o->flags & KS_SCAN_NO_IGNORE) ? "true" : "false",
	    (o->flags & KS_SCAN_STORE_SECRETS) ? "true" : "false")) < 0)
		return error;
	for (i = 0; i < o->nexcludes; i++)
		if ((i && (error = ks_str_putc(options, ',')) < 0) ||
		    (error = json_str(options, o->excludes[i])) < 0)
			return error;
	return ks_str_puts(options, "]}");
}

static int
writer_begin(struct pipeline *p)
{
	ks_str targets = KS_STR_INIT, options = KS_STR_INIT;
	size_t i, n = ks_ruleset_count(p->rules);
	int error;

	if ((error = run_json(p, &targets, &options)) < 0 ||
	    (error = ks_store_run_begin(p->store, p->opts->command ?
	    p->opts->command : "scan", targets.ptr, options.ptr,
	    &p->result->run_id)) < 0 ||
	    (error = ks_store_tx_begin(p->store)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		const ks_rule *r = ks_ruleset_get(p->rules, i);
		struct ks_store_rule sr;

		sr.id = ks_rule_id(r);
		sr.name = ks_rule_name(r);
		sr.category = ks_rule_category_name(ks_rule_category_of(r));
		sr.confidence = ks_rule_confidence(r);
		sr.family = ks_rule_family(r);
		sr.structural_id = ks_rule_structural_id(r);
		sr.pattern = ks_rule_pattern(r);
		if ((error = ks_store_put_rule(p->store, &sr)) < 0) {
			ks_store_tx_rollback(p->store);
			goto done;
		}
	}
	error = ks_store_tx_commit(p->store);
done:
	ks_str_dispose(&targets);
	ks_str_dispose(&options);
	return error;
}

static int
write_records(struct pipeline *p, const struct write_item *wi)
{
	int64_t run = p->result->run_id;
	bool plain = (p->opts->flags & KS_SCAN_STORE_SECRETS) != 0;
	size_t i;
	int error;

	if (wi->blob_id) {
		struct ks_store_provenance prov;

		prov.blob_id = wi->blob_id;
		prov.source = wi->source;
		prov.path = wi->path;
		prov.repo = wi->repo;
		prov.commit = wi->commit;
		prov.extra_json = wi->extra_json;
		if ((wi->new_blob && (error = ks_store_put_blob(p->store,
		    wi->blob_id, wi->size)) < 0) ||
		    (error = ks_store_put_provenance(p->store, run,
		    &prov)) < 0)
			return error;
	}
	for (i = 0; i < wi->nocc; i++)
		if ((error = ks_store_put_occurrence(p->store, run,
		    &wi->occs[i], wi->secrets[i]->ptr, wi->secrets[i]->len,
		    plain)) < 0)
			return error;
	/* OAuth client secrets: their clients (store/store_clients.h) */
	if ((error = ks_store_put_oauth_clients(p->store, run, wi->occs,
	    wi->nocc)) < 0)
		return error;
	for (i = 0; i < wi->ndiag; i++)
		if ((error = ks_store_put_diagnostic(p->store, run,
		    &wi->diags[i])) < 0)
			return error;
	for (i = 0; i < wi->nallowed; i++) {
		const struct allowed *a = &wi->allowed[i];
		struct ks_store_allow sa = {
			a->fingerprint, a->rule_id, wi->source, wi->path,
			a->line, wi->commit,
			a->marker.rule[0] ? a->marker.rule : NULL,
			a->marker.reason[0] ? a->marker.reason : NULL
		};

		if ((error = ks_store_put_allow(p->store, run, &sa)) < 0)
			return error;
	}
	return 0;
}

/* Move the records into the result; the item keeps only empty shells. */
static int
collect(struct pipeline *p, struct write_item *wi, struct ks_idset *fps)
{
	ks_scan_result *r = p->result;
	size_t i;

	if (reserve(&r->occs, &r->capocc, r->nocc + wi->nocc,
	    sizeof(*r->occs)) < 0 ||
	    reserve(&r->diags, &r->capdiag, r->ndiag + wi->ndiag,
	    sizeof(*r->diags)) < 0)
		return KS_ENOMEM;
	for (i = 0; i < wi->nocc; i++) {
		uint8_t key[KS_FINGERPRINT_HEXLEN / 2], *entry;

		if (ks_hex_decode(key, wi->occs[i].fingerprint,
		    sizeof(key)) == 0 && !ks_idset_get(fps, key)) {
			if ((entry = ks__memdup(key, sizeof(key))) == NULL)
				return KS_ENOMEM;
			if (ks_idset_put(fps, entry) < 0) {
				ks__free(entry);
				return KS_ENOMEM;
			}
			atomic_fetch_add(&p->findings, 1);
		}
		r->occs[r->nocc++] = wi->occs[i];
		memset(&wi->occs[i], 0, sizeof(wi->occs[i]));
		atomic_fetch_add(&p->occurrences, 1);
	}
	for (i = 0; i < wi->ndiag; i++) {
		r->diags[r->ndiag++] = wi->diags[i];
		memset(&wi->diags[i], 0, sizeof(wi->diags[i]));
	}
	return 0;
}

static int
writer_finish(struct pipeline *p)
{
	ks_scan_stats st;
	ks_str stats = KS_STR_INIT;
	const char *status = "complete";
	int error;

	pthread_mutex_lock(&p->err_lock);
	if (p->first_code)
		status = "failed";
	else if (p->user_canceled)
		status = "canceled";
	pthread_mutex_unlock(&p->err_lock);
	stats_snapshot(p, &st);
	if ((error = ks_str_printf(&stats,
	    "{\"files\":%llu,\"bytes\":%llu,\"blobs\":%llu,"
	    "\"duplicates\":%llu,\"skipped\":%llu,\"diagnostics\":%llu,"
	    "\"occurrences\":%llu,\"findings\":%llu,\"seconds\":%.3f}",
	    (unsigned long long)st.files, (unsigned long long)st.bytes,
	    (unsigned long long)st.blobs, (unsigned long long)st.duplicates,
	    (unsigned long long)st.skipped,
	    (unsigned long long)st.diagnostics,
	    (unsigned long long)st.occurrences,
	    (unsigned long long)st.findings, st.seconds)) == 0)
		error = ks_store_run_finish(p->store, p->result->run_id,
		    status, stats.ptr);
	ks_str_dispose(&stats);
	return error;
}

static void *
writer_main(void *arg)
{
	struct pipeline *p = arg;
	struct ks_idset fps = KS_IDSET_INIT(KS_FINGERPRINT_HEXLEN / 2);
	struct write_item *wi;
	struct timespec tx_start = { 0, 0 };
	bool storing = p->store != NULL, in_tx = false, begun = false;
	size_t batch = 0;
	int error;

	if (storing) {
		if ((error = writer_begin(p)) < 0) {
			fail(p, error);
			storing = false;
		} else {
			begun = true;
		}
	}
	while ((wi = ks_queue_pop(p->out)) != NULL) {
		if (storing && !in_tx) {
			if ((error = ks_store_tx_begin(p->store)) < 0) {
				fail(p, error);
				storing = false;
			} else {
				in_tx = true;
				batch = 0;
				tx_start.tv_sec = 0;
				clock_gettime(CLOCK_MONOTONIC, &tx_start);
			}
		}
		if (storing && (error = write_records(p, wi)) < 0) {
			ks_store_tx_rollback(p->store);
			in_tx = storing = false;
			fail(p, error);
		}
		if (storing && (++batch >= BATCH_ITEMS ||
		    elapsed(&tx_start) * 1e9 >= (double)BATCH_NSEC)) {
			in_tx = false;
			if ((error = ks_store_tx_commit(p->store)) < 0) {
				ks_store_tx_rollback(p->store);
				storing = false;
				fail(p, error);
			}
		}
		if (!atomic_load(&p->cancel) && (error = collect(p, wi,
		    &fps)) < 0)
			fail(p, error);
		write_item_free(wi);
	}
	if (storing && in_tx && (error = ks_store_tx_commit(p->store)) < 0) {
		ks_store_tx_rollback(p->store);
		storing = false;
		fail(p, error);
	}
	/* Even a failed or canceled run is closed with its status. */
	if (begun && (error = writer_finish(p)) < 0)
		fail(p, error);
	if (storing && (error = ks_store_checkpoint(p->store)) < 0)
		fail(p, error);
	ks_idset_dispose(&fps, ks__free);
	thread_done(p);
	return NULL;
}

/* ---- the result ---------------------------------------------------- */

static int
occ_cmp(const void *a, const void *b)
{
	const ks_occurrence *x = a, *y = b;
	int c;

	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->column != y->column)
		return x->column < y->column ? -1 : 1;
	if ((c = strcmp(x->rule_id, y->rule_id)) != 0)
		return c;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return strcmp(x->source, y->source);
}

static int
diag_cmp(const void *a, const void *b)
{
	const ks_diagnostic *x = a, *y = b;
	int c;

	if ((c = strcmp(x->path, y->path)) != 0)
		return c;
	if ((c = strcmp(x->kind, y->kind)) != 0)
		return c;
	if ((c = strcmp(x->message, y->message)) != 0)
		return c;
	return strcmp(x->source, y->source);
}

void
ks_scan_result_free(ks_scan_result *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nocc; i++)
		ks_occurrence_dispose(&r->occs[i]);
	for (i = 0; i < r->ndiag; i++)
		ks_diagnostic_dispose(&r->diags[i]);
	ks__free(r->occs);
	ks__free(r->diags);
	ks__free(r);
}

size_t
ks_scan_result_count(const ks_scan_result *r)
{
	return r ? r->nocc : 0;
}

const ks_occurrence *
ks_scan_result_get(const ks_scan_result *r, size_t i)
{
	return r && i < r->nocc ? &r->occs[i] : NULL;
}

size_t
ks_scan_result_diagnostic_count(const ks_scan_result *r)
{
	return r ? r->ndiag : 0;
}

const ks_diagnostic *
ks_scan_result_diagnostic(const ks_scan_result *r, size_t i)
{
	return r && i < r->ndiag ? &r->diags[i] : NULL;
}

const ks_scan_stats *
ks_scan_result_stats(const ks_scan_result *r)
{
	return r ? &r->stats : NULL;
}

int64_t
ks_scan_result_run_id(const ks_scan_result *r)
{
	return r ? r->run_id : 0;
}

/* ---- ks_scan_run --------------------------------------------------- */

static unsigned
default_jobs(unsigned jobs)
{
	long n;

	if (jobs)
		return jobs > MAX_JOBS ? MAX_JOBS : jobs;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	if (n < 1)
		return 1;
	return n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

static int
open_sources(struct pipeline *p)
{
	const ks_scan_options *o = p->opts;
	const struct ks_source_ops **ops = NULL;
	size_t i;
	int error = KS_ENOMEM;

	if (o->ntargets == 0 || !o->targets) {
		ks_error_set(KS_ERROR_INVALID, "nothing to scan: no targets");
		return KS_EINVALID;
	}
	/* Every target is checked before anything is opened or started. */
	if ((ops = ks__calloc(o->ntargets, sizeof(*ops))) == NULL)
		return KS_ENOMEM;
	for (i = 0; i < o->ntargets; i++)
		if ((error = ks_source_for_target(&ops[i],
		    o->targets[i], &p->cfg)) < 0)
			goto done;
	if ((p->sources = ks__calloc(o->ntargets,
	    sizeof(*p->sources))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	for (i = 0; i < o->ntargets; i++) {
		struct scan_source *s = &p->sources[i];

		s->ops = ops[i];
		s->index = i;
		if ((error = s->ops->open(&s->src, o->targets[i],
		    &p->cfg)) < 0)
			goto done;
		p->nsources++;
	}
	error = 0;
done:
	ks__free(ops);
	return error;
}

static void
close_sources(struct pipeline *p)
{
	size_t i;

	for (i = 0; i < p->nsources; i++)
		p->sources[i].ops->close(p->sources[i].src);
	ks__free(p->sources);
	p->sources = NULL;
	p->nsources = 0;
}

/* Wait for every thread, calling the progress callback about every
 * 100 ms on this (the caller's) thread. */
static void
wait_threads(struct pipeline *p)
{
	const ks_scan_options *o = p->opts;

	pthread_mutex_lock(&p->done_lock);
	while (p->threads_left > 0) {
		struct timespec until;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += PROGRESS_NSEC;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		if (pthread_cond_timedwait(&p->done_cond, &p->done_lock,
		    &until) == ETIMEDOUT && o->progress_cb &&
		    p->threads_left > 0) {
			ks_scan_stats st;

			pthread_mutex_unlock(&p->done_lock);
			stats_snapshot(p, &st);
			if (o->progress_cb(&st, o->progress_payload) != 0)
				cancel_by_user(p);
			pthread_mutex_lock(&p->done_lock);
		}
	}
	pthread_mutex_unlock(&p->done_lock);
}

static int
start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int e = pthread_create(t, NULL, fn, arg);

	if (e) {
		errno = e;
		ks_error_set_os("cannot start a scan thread");
		return KS_ERROR;
	}
	return 0;
}

/* Start writer, workers and enumerator; a thread that does not start is
 * accounted as finished so the others still shut down. */
static void
run_threads(struct pipeline *p, struct worker *workers)
{
	pthread_t writer, enumerator;
	bool writer_started, enum_started = false;
	unsigned i;
	int error;

	p->threads_left = (int)p->jobs + 2;
	atomic_store(&p->producers_left, (int)p->jobs + 1);
	if ((error = start(&writer, writer_main, p)) < 0) {
		fail(p, error);
		ks_queue_close(p->out);
		thread_done(p);
	}
	writer_started = error == 0;
	for (i = 0; i < p->jobs; i++) {
		workers[i].p = p;
		if (atomic_load(&p->cancel) ||
		    (error = start(&workers[i].thread, worker_main,
		    &workers[i])) < 0) {
			if (!atomic_load(&p->cancel))
				fail(p, error);
			producer_done(p);
			thread_done(p);
			continue;
		}
		workers[i].started = true;
	}
	if (atomic_load(&p->cancel) ||
	    (error = start(&enumerator, enumerator_main, p)) < 0) {
		if (!atomic_load(&p->cancel))
			fail(p, error);
		ks_queue_close(p->in);
		producer_done(p);
		thread_done(p);
	} else {
		enum_started = true;
	}
	wait_threads(p);
	if (enum_started)
		pthread_join(enumerator, NULL);
	for (i = 0; i < p->jobs; i++)
		if (workers[i].started)
			pthread_join(workers[i].thread, NULL);
	if (writer_started)
		pthread_join(writer, NULL);
}

int
ks_scan_run(ks_scan_result **out, const ks_scan_options *opts,
    const ks_ruleset *rules, ks_store *store)
{
	struct pipeline p;
	struct worker *workers = NULL;
	size_t qcap;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(opts);
	KS_ASSERT_ARG(rules);
	*out = NULL;
	memset(&p, 0, sizeof(p));
	clock_gettime(CLOCK_MONOTONIC, &p.t0);
	p.opts = opts;
	p.rules = rules;
	p.store = store;
	p.jobs = default_jobs(opts->jobs);
	p.cfg.excludes = opts->excludes;
	p.cfg.nexcludes = opts->excludes ? opts->nexcludes : 0;
	p.cfg.flags = opts->flags;
	p.cfg.stdin_name = opts->stdin_name ? opts->stdin_name : "-";
	p.cfg.max_file_size = opts->max_file_size ? opts->max_file_size :
	    KS_SCAN_MAX_FILE_SIZE;
	p.cfg.scan = opts;
	pthread_mutex_init(&p.err_lock, NULL);
	pthread_mutex_init(&p.done_lock, NULL);
	pthread_cond_init(&p.done_cond, NULL);
	atomic_init(&p.cancel, false);

	if ((error = open_sources(&p)) < 0)
		goto done;
	qcap = (size_t)p.jobs * 32 < 256 ? 256 : (size_t)p.jobs * 32;
	error = KS_ENOMEM;
	if ((p.result = ks__calloc(1, sizeof(*p.result))) == NULL ||
	    (workers = ks__calloc(p.jobs, sizeof(*workers))) == NULL ||
	    (error = ks_queue_new(&p.in, qcap)) < 0 ||
	    (error = ks_queue_new(&p.out, qcap)) < 0 ||
	    (error = ks_seen_new(&p.seen)) < 0)
		goto done;

	run_threads(&p, workers);

	if (p.first_code) {
		error = p.first_code;
		if (p.first_error)
			ks_error_restore(p.first_error);
		else
			ks_error_set(KS_ERROR_NONE, "scan failed");
		p.first_error = NULL;
		goto done;
	}
	if (p.user_canceled) {
		ks_error_set(KS_ERROR_NONE, "scan canceled by the caller");
		error = KS_EUSER;
		goto done;
	}
	if (p.result->nocc > 1)
		qsort(p.result->occs, p.result->nocc,
		    sizeof(*p.result->occs), occ_cmp);
	if (p.result->ndiag > 1)
		qsort(p.result->diags, p.result->ndiag,
		    sizeof(*p.result->diags), diag_cmp);
	stats_snapshot(&p, &p.result->stats);
	*out = p.result;
	p.result = NULL;
	error = 0;
done:
	ks_error_free(p.first_error);
	ks_scan_result_free(p.result);
	ks_queue_free(p.out, write_item_free);
	ks_queue_free(p.in, item_free);
	ks_seen_free(p.seen);
	close_sources(&p);
	ks__free(workers);
	pthread_mutex_destroy(&p.err_lock);
	pthread_mutex_destroy(&p.done_lock);
	pthread_cond_destroy(&p.done_cond);
	return error;
}
