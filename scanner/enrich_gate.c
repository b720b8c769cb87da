/*
 * scanner/enrich_gate.c - can enrichment find anything in this blob?
 *
 * The database is compiled once, on first use; each thread keeps its own
 * scratch (a thread-specific key frees it when the thread ends).
 */
#include "enrich_gate.h"

#include <ctype.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <hs/hs.h>

#include <keyshift/error.h>

#include "alloc.h"
#include "encode.h"
#include "str.h"
#include "vec.h"

const char *const ks_enrich_gate_words[] = { "PRIVATE KEY", "secret",
    "SECRET", "Secret", "GOCSPX-", "\"auths\"", "password", "token",
    "PuTTY-User-Key", "\"kty\"", NULL };

/*
 * Literals that are not base64 forms of a word. Everything in the gate is
 * a literal: Vectorscan compiles literals in about a millisecond, while
 * the same set written as regular expressions took 28 ms, which a
 * pre-commit hook would pay on every commit.
 */
static const char *const fixed_literals[] = {
	"LS0tLS1CRUdJTi",                               /* "-----BEGIN" */
	"dockerconfigjson",
	/* a Kubernetes Secret, as YAML or JSON writes "kind" */
	"kind: Secret", "kind: \"Secret\"", "kind: 'Secret'",
	"\"kind\": \"Secret\"", "\"kind\":\"Secret\"",
	NULL
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static hs_database_t *db;          /* NULL: the gate always says yes */

static void
free_scratch(void *p)
{
	hs_free_scratch(p);
}

static int
push_copy(ks_vec *pats, const char *str, size_t n)
{
	char *p = ks__strndup(str, n);
	int error;

	if (!p)
		return KS_ENOMEM;
	if ((error = ks_vec_push(pats, p)) < 0)
		ks__free(p);
	return error;
}

/* Push `form` and, when it holds '+' or '/', its base64url spelling. */
static int
push_spellings(ks_vec *pats, const char *form, size_t n)
{
	char url[64];
	size_t i;
	int error;

	if ((error = push_copy(pats, form, n)) < 0 || n > sizeof(url))
		return error;
	memcpy(url, form, n);
	for (i = 0; i < n; i++)
		url[i] = url[i] == '+' ? '-' : url[i] == '/' ? '_' : url[i];
	return memcmp(url, form, n) ? push_copy(pats, url, n) : 0;
}

/*
 * Push one base64 form of a word. Wrapped base64 (a YAML block scalar,
 * `base64` output) may break a form over two lines; a form of ten
 * characters or more is therefore also pushed as its two halves, one of
 * which survives any single line break whole. Shorter forms stay whole:
 * halves under five characters would match everywhere.
 */
static int
push_form(ks_vec *pats, const char *form, size_t n)
{
	size_t m = (n + 1) / 2;
	int error;

	if ((error = push_spellings(pats, form, n)) < 0 || n < 10)
		return error;
	if ((error = push_spellings(pats, form, m)) < 0)
		return error;
	return push_spellings(pats, form + m, n - m);
}

/* Push the base64 forms of `w` at the three alignments: only the
 * characters that depend on the word's bytes alone. */
static int
add_word_forms(ks_vec *pats, const char *w)
{
	size_t len = strlen(w), a;

	for (a = 0; a < 3; a++) {
		uint8_t buf[64] = { 0 };
		ks_str enc = KS_STR_INIT;
		size_t first = (8 * a + 5) / 6, last;
		int error;

		if (a + len > sizeof(buf))
			return 0;
		memcpy(buf + a, w, len);
		if ((error = ks_base64_encode(&enc, buf, a + len,
		    KS_B64_NOPAD)) < 0)
			return error;
		last = (8 * (a + len)) / 6;    /* one past the last full char */
		if (last > enc.len)
			last = enc.len;
		if (last > first + 3)
			error = push_form(pats, enc.ptr + first, last - first);
		ks_str_dispose(&enc);
		if (error < 0)
			return error;
	}
	return 0;
}

static void
compile_once(void)
{
	ks_vec pats = KS_VEC_INIT;
	hs_compile_error_t *cerr = NULL;
	unsigned *flags = NULL, *ids = NULL;
	size_t *lens = NULL, i;

	if (pthread_key_create(&scratch_key, free_scratch) != 0)
		return;
	for (i = 0; fixed_literals[i]; i++)
		if (push_copy(&pats, fixed_literals[i],
		    strlen(fixed_literals[i])) < 0)
			goto done;
	for (i = 0; ks_enrich_gate_words[i]; i++)
		if (add_word_forms(&pats, ks_enrich_gate_words[i]) < 0)
			goto done;
	flags = ks__calloc(pats.len, sizeof(*flags));
	ids = ks__calloc(pats.len, sizeof(*ids));
	lens = ks__calloc(pats.len, sizeof(*lens));
	if (!flags || !ids || !lens)
		goto done;
	for (i = 0; i < pats.len; i++) {
		flags[i] = HS_FLAG_SINGLEMATCH;
		ids[i] = (unsigned)i;
		lens[i] = strlen(pats.items[i]);
	}
	if (hs_compile_lit_multi((const char *const *)pats.items, flags, ids,
	    lens, (unsigned)pats.len, HS_MODE_BLOCK, NULL, &db, &cerr) !=
	    HS_SUCCESS)
		db = NULL;   /* the gate then always says yes */
done:
	hs_free_compile_error(cerr);
	ks__free(flags);
	ks__free(ids);
	ks__free(lens);
	ks_vec_dispose(&pats, ks__free);
}

static int
on_match(unsigned int id, unsigned long long from, unsigned long long to,
    unsigned int flags, void *ctx)
{
	(void)id;
	(void)from;
	(void)to;
	(void)flags;
	*(bool *)ctx = true;
	return 1;   /* one is enough */
}

/* A %XX escape with "secret" (any case) before it on its line, at most
 * 64 bytes back: a percent-encoded value under a key named like a secret
 * (what find_views() in enrich.c decodes). */
static bool
percent_secret(const uint8_t *data, size_t len)
{
	const uint8_t *p = data, *end = data + len;

	while ((p = memchr(p, '%', (size_t)(end - p))) != NULL) {
		if (end - p >= 3 && isxdigit(p[1]) && isxdigit(p[2])) {
			const uint8_t *q = p - 6 >= data ? p - 6 : NULL;
			const uint8_t *stop = p - 64 > data ? p - 64 : data;

			for (; q && q >= stop && q[5] != '\n'; q--) {
				if (strncasecmp((const char *)q, "secret",
				    6) == 0)
					return true;
				if (q == data)
					break;
			}
		}
		p++;
	}
	return false;
}

bool
ks_enrich_gate(const uint8_t *data, size_t len)
{
	hs_scratch_t *scratch;
	bool hit = false;
	hs_error_t rc;

	pthread_once(&once, compile_once);
	if (!db || len > UINT_MAX)
		return true;
	scratch = pthread_getspecific(scratch_key);
	if (!scratch) {
		if (hs_alloc_scratch(db, &scratch) != HS_SUCCESS)
			return true;
		if (pthread_setspecific(scratch_key, scratch) != 0) {
			hs_free_scratch(scratch);
			return true;
		}
	}
	rc = hs_scan(db, len ? (const char *)data : "", (unsigned)len, 0,
	    scratch, on_match, &hit);
	if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED)
		return true;
	return hit || percent_secret(data, len);
}
