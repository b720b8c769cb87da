/*
 * bench/prefilter_bench.c - what the keyword prefilter buys
 *
 * Generates a deterministic corpus of mixed text (source code, prose,
 * JSON/YAML configuration, base64 blobs, minified script, CSV), cut into
 * "files" of 1-64 KiB, with a few planted secrets and many keyword
 * near-misses. Then, on one thread, over the same bytes:
 *
 *   prefilter   Vectorscan keyword pass only (candidate bitset)
 *   scan        prefilter, then PCRE2-JIT for the candidate rules
 *   scan_all    PCRE2-JIT for every rule, no prefilter
 *
 * and the rule set's compile times (PCRE2 JIT + the Vectorscan database).
 * The match counts of scan and scan_all must agree.
 *
 * Each is measured for the built-in rules, and again with thirty generic
 * assignment rules added (the size the rule set is heading for).
 *
 *   cmake --build BUILD --target ks_prefilter_bench
 *   BUILD/rules/ks_prefilter_bench [MiB] [corpus-file] [rules-path]
 *
 * With a corpus file (say, a tar of real source trees) it is read and cut
 * into 16 KiB pieces instead of generating MiB of text.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <keyshift/rules.h>

#include "matcher.h"
#include "prefilter.h"
#include "rule.h"

static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static size_t
below(size_t n)
{
	return (size_t)(rng() % n);
}

struct corpus {
	uint8_t *p;
	size_t len, cap;
	size_t *file_end;       /* end offset of each file */
	size_t nfiles;
};

static void
put(struct corpus *c, const char *s, size_t n)
{
	if (c->len + n > c->cap) {
		c->cap = (c->len + n) * 2;
		if ((c->p = realloc(c->p, c->cap)) == NULL)
			abort();
	}
	memcpy(c->p + c->len, s, n);
	c->len += n;
}

static void
puts_(struct corpus *c, const char *s)
{
	put(c, s, strlen(s));
}

static const char *const words[] = {
	"the", "of", "and", "to", "in", "is", "for", "that", "with", "on",
	"config", "value", "return", "function", "const", "client", "server",
	"request", "response", "token", "user", "error", "string", "data",
	"key", "public", "private", "static", "import", "from", "struct",
	"secret", "password", "auth", "session", "handler", "context",
	"buffer", "length", "result", "assert", "test", "module", "version",
	"http", "https", "example", "default", "options", "init", "free",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char alnum[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static void
put_random(struct corpus *c, const char *alphabet, size_t n)
{
	size_t k = strlen(alphabet), i;
	char buf[256];

	while (n) {
		size_t m = n < sizeof(buf) ? n : sizeof(buf);

		for (i = 0; i < m; i++)
			buf[i] = alphabet[below(k)];
		put(c, buf, m);
		n -= m;
	}
}

static void
put_words(struct corpus *c, size_t n, const char *sep)
{
	size_t i;

	for (i = 0; i < n; i++) {
		puts_(c, words[below(NWORDS)]);
		puts_(c, sep);
	}
}

/* Lines that mention a keyword without being a secret. */
static const char *const near_misses[] = {
	"    client_secret = os.environ[\"CLIENT_SECRET\"]\n",
	"token_endpoint_auth_method: client_secret_basic\n",
	"    clientSecret: process.env.CLIENT_SECRET,\n",
	"// AKIA prefixes mark long-term access keys\n",
	"if (strstr(line, \"-----BEGIN PRIVATE KEY-----\"))\n",
	"    tokens starting with ghp_ are personal access tokens\n",
	"Travel to ASIA with us\n",
};

static void
put_secret(struct corpus *c)
{
	switch (below(4)) {
	case 0:
		puts_(c, "CLIENT_SECRET=");
		put_random(c, alnum, 32);
		break;
	case 1:
		puts_(c, "aws_access_key_id = AKIA");
		put_random(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
		break;
	case 2:
		puts_(c, "\"client_secret\": \"GOCSPX-");
		put_random(c, alnum, 28);
		puts_(c, "\"");
		break;
	default:
		puts_(c, "-----BEGIN PRIVATE KEY-----\nMII");
		put_random(c, b64, 61);
		puts_(c, "\n");
		put_random(c, b64, 64);
		puts_(c, "\n-----END PRIVATE KEY-----");
	}
	puts_(c, "\n");
}

static void
put_file(struct corpus *c, size_t size)
{
	size_t end = c->len + size, kind = below(6);

	while (c->len < end) {
		if (below(400) == 0)
			puts_(c, near_misses[below(sizeof(near_misses) /
			    sizeof(near_misses[0]))]);
		switch (kind) {
		case 0: /* source code */
			puts_(c, "\tif (");
			put_words(c, 2 + below(4), "_");
			puts_(c, " == NULL)\n\t\treturn ");
			put_words(c, 1, "");
			puts_(c, ";\n");
			break;
		case 1: /* prose */
			put_words(c, 8 + below(12), " ");
			puts_(c, ".\n");
			break;
		case 2: /* JSON / YAML configuration */
			puts_(c, "  \"");
			put_words(c, 2, "_");
			puts_(c, "\": \"");
			put_random(c, alnum, 4 + below(20));
			puts_(c, "\",\n");
			break;
		case 3: /* base64 blob */
			put_random(c, b64, 76);
			puts_(c, "\n");
			break;
		case 4: /* minified script */
			puts_(c, "var ");
			put_random(c, "abcdefghij", 2);
			puts_(c, "=function(a,b){return a.");
			put_words(c, 1, "");
			puts_(c, "(b)};");
			break;
		default: /* CSV */
			put_random(c, "0123456789", 6);
			puts_(c, ",");
			put_random(c, "0123456789.", 8);
			puts_(c, ",");
			put_words(c, 1, "");
			puts_(c, "\n");
		}
	}
	if (below(50) == 0)
		put_secret(c);
}

static void
build_corpus(struct corpus *c, size_t bytes)
{
	size_t cap = 1024;

	c->file_end = malloc(cap * sizeof(size_t));
	while (c->len < bytes) {
		put_file(c, 1024 + below(63 * 1024));
		if (c->nfiles == cap) {
			cap *= 2;
			c->file_end = realloc(c->file_end, cap * sizeof(size_t));
		}
		if (!c->file_end)
			abort();
		c->file_end[c->nfiles++] = c->len;
	}
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
count(const struct ks_rule_match *m, void *payload)
{
	(void)m;
	++*(size_t *)payload;
	return 0;
}

typedef int (*scan_fn)(ks_matcher *, const uint8_t *, size_t,
    ks_rule_match_cb, void *, struct ks_match_stats *);

static double
run(const char *what, ks_matcher *m, scan_fn fn, const struct corpus *c,
    size_t *matches, struct ks_match_stats *st)
{
	size_t i, start = 0;
	double t0 = now(), secs;

	*matches = 0;
	for (i = 0; i < c->nfiles; i++) {
		if (fn(m, c->p + start, c->file_end[i] - start, count, matches,
		    st) < 0)
			abort();
		start = c->file_end[i];
	}
	secs = now() - t0;
	printf("%-10s %8.1f MB/s  %6zu matches  %8.3f s\n", what,
	    (double)c->len / 1e6 / secs, *matches, secs);
	return secs;
}

static double
run_prefilter(const ks_ruleset *set, const struct corpus *c)
{
	uint64_t cands[64];
	hs_scratch_t *scratch = NULL;
	size_t i, start = 0;
	double t0, secs;

	if (ks_prefilter__scratch_new(&scratch, set->pf) < 0)
		abort();
	t0 = now();
	for (i = 0; i < c->nfiles; i++) {
		if (ks_prefilter__scan(set->pf, scratch, c->p + start,
		    c->file_end[i] - start, cands) < 0)
			abort();
		start = c->file_end[i];
	}
	secs = now() - t0;
	printf("%-10s %8.1f MB/s\n", "prefilter",
	    (double)c->len / 1e6 / secs);
	hs_free_scratch(scratch);
	return secs;
}

/*
 * Thirty generic "NAME = value" rules shaped like the client_secret rule,
 * each with its name as keyword: the kind of rules the detection-quality
 * work adds. Their patterns start with a caseless letter that is common
 * in text, so PCRE2 alone cannot skip much; the prefilter can.
 */
static const char *const scaled_names[] = {
	"api_key", "apikey", "access_token", "auth_token", "app_secret",
	"private_token", "secret_key", "signing_key", "webhook_secret",
	"consumer_secret", "bearer_token", "refresh_token", "session_secret",
	"master_key", "encryption_key", "db_password", "smtp_password",
	"slack_token", "stripe_key", "twilio_token", "sendgrid_key",
	"mailgun_key", "datadog_key", "sentry_dsn", "npm_token", "pypi_token",
	"docker_password", "registry_token", "deploy_key", "license_key",
};

static char *
scaled_rules_yaml(void)
{
	size_t cap = 64 * 1024, len = 0, i;
	char *y = malloc(cap);

	if (!y)
		abort();
	len += (size_t)snprintf(y + len, cap - len, "rules:\n");
	for (i = 0; i < sizeof(scaled_names) / sizeof(scaled_names[0]); i++)
		len += (size_t)snprintf(y + len, cap - len,
		    "- id: ks.bench.generic-%zu\n"
		    "  name: %s\n  description: bench\n"
		    "  category: generic\n  confidence: low\n"
		    "  keywords: [%s]\n"
		    "  pattern: |\n"
		    "    (?x) (?i: %s ) [\"'`]? [ \\t]* (?: := | => | [:=>(] )"
		    " [ \\t]* [\"'`]?\n"
		    "    (?<secret> [A-Za-z0-9_.~+/=-]{16,200} )\n"
		    "  examples: ['%s = abcdefghijklmnop0123']\n",
		    i, scaled_names[i], scaled_names[i], scaled_names[i],
		    scaled_names[i]);
	return y;
}

static ks_ruleset *
load(const char *path, bool scaled)
{
	ks_ruleset *set = NULL;
	char *yaml = NULL;
	int error;

	if ((error = ks_ruleset_new(&set)) == 0)
		error = path ? ks_ruleset_load_path(set, path) :
		    ks_ruleset_load_builtin(set);
	if (!error && scaled) {
		yaml = scaled_rules_yaml();
		error = ks_ruleset_load_buffer(set, "bench", yaml,
		    strlen(yaml));
		free(yaml);
	}
	if (error) {
		fprintf(stderr, "%s\n", ks_error_last()->message);
		exit(1);
	}
	return set;
}

/* A corpus from a file (e.g. a tar of real text), cut into 16 KiB files. */
static void
read_corpus(struct corpus *c, const char *file)
{
	FILE *f = fopen(file, "rb");
	char buf[1 << 16];
	size_t n, i, cap;

	if (!f) {
		perror(file);
		exit(1);
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		put(c, buf, n);
	fclose(f);
	cap = c->len / 16384 + 2;
	if ((c->file_end = malloc(cap * sizeof(size_t))) == NULL)
		abort();
	for (i = 16384; i < c->len; i += 16384)
		c->file_end[c->nfiles++] = i;
	c->file_end[c->nfiles++] = c->len;
}

static void
bench_set(const char *label, const char *path, bool scaled,
    const struct corpus *c)
{
	struct ks_match_stats s1 = { 0 }, s2 = { 0 };
	ks_ruleset *set = NULL;
	ks_matcher *m = NULL;
	size_t n1, n2, i, reps = 20;
	double t0, load_s = 0, compile_s = 0, pf_ms = 0, ts, ta;

	for (i = 0; i < reps; i++) {
		t0 = now();
		set = load(path, scaled);
		load_s += now() - t0;
		t0 = now();
		if (ks_ruleset_compile(set) < 0)
			abort();
		compile_s += now() - t0;
		pf_ms += ks_ruleset__prefilter_compile_ms(set);
		if (i + 1 < reps)
			ks_ruleset_free(set);
	}
	printf("\n== %s: %zu rules, %zu distinct keywords\n", label,
	    ks_ruleset_count(set), ks_prefilter__keyword_count(set->pf));
	printf("load (YAML + PCRE2 compile) %.2f ms; compile (JIT + "
	    "prefilter) %.2f ms, of which the Vectorscan database %.2f ms "
	    "(mean of %zu)\n", load_s * 1e3 / (double)reps,
	    compile_s * 1e3 / (double)reps, pf_ms / (double)reps, reps);
	if (ks_matcher_new(&m, set) < 0)
		abort();
	run_prefilter(set, c);
	ts = run("scan", m, ks_matcher_scan, c, &n1, &s1);
	ta = run("scan_all", m, ks_matcher_scan_all, c, &n2, &s2);
	printf("prefilter speed-up %.2fx; candidate rules per file %.2f of "
	    "%zu; limit hits %llu/%llu\n", ta / ts,
	    (double)s1.candidates / (double)c->nfiles, ks_ruleset_count(set),
	    (unsigned long long)s1.limit_hits,
	    (unsigned long long)s2.limit_hits);
	if (n1 != n2) {
		fprintf(stderr, "MISMATCH: scan %zu != scan_all %zu\n", n1,
		    n2);
		exit(1);
	}
	ks_matcher_free(m);
	ks_ruleset_free(set);
}

int
main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
	const char *corpus_file = argc > 2 && *argv[2] ? argv[2] : NULL;
	const char *rules = argc > 3 ? argv[3] : NULL;
	struct corpus c = { 0 };

	if (corpus_file)
		read_corpus(&c, corpus_file);
	else
		build_corpus(&c, mib << 20);
	printf("corpus: %.1f MB in %zu files (%s)\n", (double)c.len / 1e6,
	    c.nfiles, corpus_file ? corpus_file : "generated");
	bench_set(rules ? rules : "built-in rules", rules, false, &c);
	bench_set("built-in + 30 generic assignment rules", rules, true, &c);
	free(c.p);
	free(c.file_end);
	return 0;
}
