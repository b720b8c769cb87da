/*
 * scanner/enrich_gate.c - can enrichment find anything in this blob?
 *
 * The database is compiled once, on first use; each thread keeps its own
 * scratch (a thread-specific key frees it when the thread ends).
 */
#include "enrich_gate.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <hs/hs.h>

#include <keyshift/error.h>

#include "alloc.h"
#include "encode.h"
#include "str.h"
#include "vec.h"

const char *const ks_enrich_gate_words[] = { "PRIVATE KEY", "secret",
    "SECRET", "Secret", "GOCSPX-", "\"auths\"", "password", "token",
    "PuTTY-User-Key", "\"kty\"", NULL };

/* Patterns that are not base64 forms of a word. */
static const char *const fixed_patterns[] = {
	"LS0tLS1CRUdJTi",                               /* "-----BEGIN" */
	"dockerconfigjson",
	"kind[\"']?[ \\t]*:[ \\t]*[\"']?Secret",         /* Kubernetes */
	"(?i)secret[^\\n]{0,64}%[0-9a-f]{2}",           /* percent */
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
push_copy(ks_vec *pats, const char *s, size_t n)
{
	char *p = ks__strndup(s, n);
	int error;

	if (!p)
		return KS_ENOMEM;
	if ((error = ks_vec_push(pats, p)) < 0)
		ks__free(p);
	return error;
}

/*
 * Push one base64 form of `n` characters (regex text `pat`). Wrapped
 * base64 (a YAML block scalar, `base64` output) may break a form over two
 * lines; a form of ten characters or more is therefore also pushed as its
 * two halves, one of which survives any single line break whole. Shorter
 * forms stay whole: halves under five characters would match everywhere.
 */
static int
push_form(ks_vec *pats, const char *pat, size_t n)
{
	size_t i, k, m = (n + 1) / 2;
	int error = 0;

	if ((error = push_copy(pats, pat, strlen(pat))) < 0)
		return error;
	if (n < 10)
		return 0;
	/* Split the regex text at character m: "[+\\-]" and "[/_]" count
	 * as one character each. */
	for (i = 0, k = 0; pat[i] && k < m; k++)
		i += pat[i] == '[' ? strcspn(pat + i, "]") + 1 : 1;
	if ((error = push_copy(pats, pat, i)) == 0)
		error = push_copy(pats, pat + i, strlen(pat + i));
	return error;
}

/* Append the regex-escaped base64 forms of `w` at the three alignments:
 * only the characters that depend on the word's bytes alone. */
static int
add_word_forms(ks_vec *pats, const char *w)
{
	size_t len = strlen(w), a;

	for (a = 0; a < 3; a++) {
		uint8_t buf[64] = { 0 };
		ks_str enc = KS_STR_INIT, pat = KS_STR_INIT;
		size_t first = (8 * a + 5) / 6, last, i;
		int error;

		if (a + len > sizeof(buf))
			return 0;
		memcpy(buf + a, w, len);
		if ((error = ks_base64_encode(&enc, buf, a + len,
		    KS_B64_NOPAD)) < 0)
			return error;
		last = (8 * (a + len)) / 6;    /* one past the last full char */
		for (i = first; i < last && i < enc.len && error == 0; i++) {
			char c = enc.ptr[i];

			/* '+' and '/' differ in base64url: match either */
			if (c == '+')
				error = ks_str_puts(&pat, "[+\\-]");
			else if (c == '/')
				error = ks_str_puts(&pat, "[/_]");
			else
				error = ks_str_putc(&pat, c);
		}
		ks_str_dispose(&enc);
		if (error == 0 && last > first + 3)
			error = push_form(pats, pat.ptr, last - first);
		ks_str_dispose(&pat);
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
	size_t i;

	if (pthread_key_create(&scratch_key, free_scratch) != 0)
		return;
	for (i = 0; fixed_patterns[i]; i++)
		if (push_copy(&pats, fixed_patterns[i],
		    strlen(fixed_patterns[i])) < 0)
			goto done;
	for (i = 0; ks_enrich_gate_words[i]; i++)
		if (add_word_forms(&pats, ks_enrich_gate_words[i]) < 0)
			goto done;
	flags = ks__calloc(pats.len, sizeof(*flags));
	ids = ks__calloc(pats.len, sizeof(*ids));
	if (!flags || !ids)
		goto done;
	for (i = 0; i < pats.len; i++) {
		const char *p = pats.items[i];

		flags[i] = HS_FLAG_SINGLEMATCH;
		if (strncmp(p, "(?i)", 4) == 0) {
			flags[i] |= HS_FLAG_CASELESS;
			memmove((char *)p, p + 4, strlen(p + 4) + 1);
		}
		ids[i] = (unsigned)i;
	}
	if (hs_compile_multi((const char *const *)pats.items, flags, ids,
	    (unsigned)pats.len, HS_MODE_BLOCK, NULL, &db, &cerr) !=
	    HS_SUCCESS)
		db = NULL;   /* the gate then always says yes */
done:
	hs_free_compile_error(cerr);
	ks__free(flags);
	ks__free(ids);
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
	return hit;
}
