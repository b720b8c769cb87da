/*
 * tests/unit/test_scanner_pipeline.c - ks_scan_run over real temp trees
 *
 * Every test builds its tree at run time (mkdtemp) with secrets generated
 * at run time, scans it with real rules (ks_rules) and checks the records.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <keyshift/scan.h>
#include <keyshift/store.h>

#include "encode.h"
#include "errors.h"
#include "hash.h"
#include "occurrence.h"
#include "source.h"
#include "test_scanner_support.h"

static int (*default_open)(const char *, int);
static int (*real_open)(const char *, int);

struct fixture {
	char *dir;
	ks_ruleset *rules;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || (f->dir = make_tmpdir()) == NULL ||
	    (f->rules = test_rules()) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ks_source_fs__open = default_open;
	rm_tree(f->dir);
	free(f->dir);
	ks_ruleset_free(f->rules);
	free(f);
	return 0;
}


static ks_scan_result *
scan_with(struct fixture *f, const char *target, unsigned jobs,
    unsigned flags, const char *const *excludes, size_t nexcludes,
    ks_store *store)
{
	ks_scan_options o = KS_SCAN_OPTIONS_INIT;
	ks_scan_result *r = NULL;
	const char *targets[1];
	int error;

	targets[0] = target;
	o.targets = targets;
	o.ntargets = 1;
	o.jobs = jobs;
	o.flags = flags;
	o.excludes = excludes;
	o.nexcludes = nexcludes;
	o.max_file_size = 4096;
	error = ks_scan_run(&r, &o, f->rules, store);
	if (error < 0)
		fprintf(stderr, "scan: %s\n", ks_error_last() ?
		    ks_error_last()->message : "?");
	assert_int_equal(error, 0);
	assert_non_null(r);
	return r;
}

static ks_scan_result *
scan_dir(struct fixture *f, unsigned jobs)
{
	return scan_with(f, f->dir, jobs, 0, NULL, 0, NULL);
}

static const ks_diagnostic *
find_diag(const ks_scan_result *r, const char *suffix)
{
	size_t i, n = strlen(suffix);

	for (i = 0; i < ks_scan_result_diagnostic_count(r); i++) {
		const ks_diagnostic *d = ks_scan_result_diagnostic(r, i);
		size_t l = strlen(d->path);

		if (l >= n && strcmp(d->path + l - n, suffix) == 0)
			return d;
	}
	return NULL;
}

static size_t
count_path(const ks_scan_result *r, const char *suffix)
{
	size_t i, k = 0, n = strlen(suffix);

	for (i = 0; i < ks_scan_result_count(r); i++) {
		const ks_occurrence *o = ks_scan_result_get(r, i);
		size_t l = strlen(o->path);

		if (l >= n && strcmp(o->path + l - n, suffix) == 0)
			k++;
	}
	return k;
}

/* Line, column and end of single-line and multi-line secrets. */
static void
test_scanner_pipeline__locations(void **state)
{
	struct fixture *f = *state;
	char g[36], a[21], text[512], blk1[21], blk2[11];
	const ks_occurrence *o;
	ks_scan_result *r;

	gen_google(g);
	gen_aws(a);
	random_chars(blk1, 20, "abcdefghij");
	random_chars(blk2, 10, "klmnopqrst");
	snprintf(text, sizeof(text),
	    "first line\n"
	    "\n"
	    "  secret: %s # trailing\n"
	    "aws=%s\n"
	    "-----BEGIN KS TEST-----\n%s\n%s\n-----END KS TEST-----\n",
	    g, a, blk1, blk2);
	put_text(f->dir, "conf.yml", text);
	r = scan_dir(f, 2);
	assert_int_equal(ks_scan_result_count(r), 3);

	o = ks_scan_result_get(r, 0);
	assert_string_equal(o->rule_id, "ks.test.google");
	assert_int_equal(o->line, 3);
	assert_int_equal(o->column, 11);
	assert_int_equal(o->end_line, 3);
	assert_int_equal(o->end_column, 11 + 35 - 1);
	assert_int_equal(o->start, strstr(text, g) - text);
	assert_int_equal(o->end, o->start + 35);
	assert_string_equal(o->category, "oauth-client-secret");
	assert_string_equal(o->confidence, "high");
	assert_string_equal(o->source, "fs");
	assert_null(o->secret);
	assert_null(o->commit);
	assert_string_equal(o->secret_preview, "GOCS****(35)");
	assert_string_equal(o->snippet, "  secret: GOCS****(35) # trailing");

	o = ks_scan_result_get(r, 1);
	assert_string_equal(o->rule_id, "ks.test.aws");
	assert_int_equal(o->line, 4);
	assert_int_equal(o->column, 5);
	assert_int_equal(o->end_column, 24);
	assert_string_equal(o->secret_preview, "AKIA****(20)");

	o = ks_scan_result_get(r, 2);
	assert_string_equal(o->rule_id, "ks.test.block");
	assert_int_equal(o->line, 6);
	assert_int_equal(o->column, 1);
	assert_int_equal(o->end_line, 7);
	assert_int_equal(o->end_column, 10);
	assert_int_equal(o->end - o->start, 31);
	/* The snippet never holds the secret, even across lines. */
	assert_null(strstr(o->snippet, blk1));
	assert_null(strstr(o->snippet, blk2));
	ks_scan_result_free(r);
}

static void
expected_fingerprint(char out[33], const char *family, const char *secret)
{
	uint8_t buf[256], d[KS_SHA256_LEN];
	size_t n = 0;

	memcpy(buf, "keyshift-fingerprint-v1", 24);
	n = 24;
	memcpy(buf + n, family, strlen(family) + 1);
	n += strlen(family) + 1;
	memcpy(buf + n, secret, strlen(secret));
	n += strlen(secret);
	ks_sha256(d, buf, n);
	ks_hex_encode(out, d, 16);
}

/* Same secret, two places, two rules of one family: one fingerprint. */
static void
test_scanner_pipeline__fingerprints(void **state)
{
	struct fixture *f = *state;
	char g1[36], g2[36], text[256], fp[33];
	const ks_occurrence *o[4];
	ks_scan_result *r;
	size_t i;

	gen_google(g1);
	gen_google(g2);
	snprintf(text, sizeof(text), "a: %s\n", g1);
	put_text(f->dir, "a.yml", text);
	snprintf(text, sizeof(text), "\n\nclient_id=123-abc client_secret=%s "
	    "other=%s\n", g1, g2);
	put_text(f->dir, "b/c.env", text);
	r = scan_dir(f, 3);
	assert_int_equal(ks_scan_result_count(r), 4);
	for (i = 0; i < 4; i++)
		o[i] = ks_scan_result_get(r, i);
	/* sorted by path, line, column, rule id */
	assert_string_equal(o[0]->path + strlen(f->dir), "/a.yml");
	assert_string_equal(o[1]->rule_id, "ks.test.google");
	assert_string_equal(o[2]->rule_id, "ks.test.google.assignment");
	assert_int_equal(o[1]->column, o[2]->column);
	assert_string_equal(o[2]->client_id, "123-abc");
	assert_null(o[1]->client_id);
	expected_fingerprint(fp, "ks.test.google", g1);
	assert_string_equal(o[0]->fingerprint, fp);
	assert_string_equal(o[1]->fingerprint, fp);
	assert_string_equal(o[2]->fingerprint, fp);
	assert_string_not_equal(o[3]->fingerprint, fp);
	expected_fingerprint(fp, "ks.test.google", g2);
	assert_string_equal(o[3]->fingerprint, fp);
	/* A second secret on the line is masked in the first's snippet. */
	assert_null(strstr(o[1]->snippet, g2 + 4));
	assert_null(strstr(o[3]->snippet, g1 + 4));
	assert_int_equal(ks_scan_result_stats(r)->findings, 2);
	assert_int_equal(ks_scan_result_stats(r)->occurrences, 4);
	ks_scan_result_free(r);
}

/* Identical content is matched once but reported at both paths. */
static void
test_scanner_pipeline__duplicates(void **state)
{
	struct fixture *f = *state;
	char g[36], text[128];
	const ks_scan_stats *st;
	const ks_occurrence *a, *b;
	ks_scan_result *r;

	gen_google(g);
	snprintf(text, sizeof(text), "x\nk=%s\n", g);
	put_text(f->dir, "one.txt", text);
	put_text(f->dir, "sub/two.txt", text);
	put_text(f->dir, "clean.txt", "nothing here\n");
	r = scan_dir(f, 4);
	st = ks_scan_result_stats(r);
	assert_int_equal(st->files, 3);
	assert_int_equal(st->blobs, 2);
	assert_int_equal(st->duplicates, 1);
	assert_int_equal(st->occurrences, 2);
	assert_int_equal(st->findings, 1);
	assert_int_equal(ks_scan_result_count(r), 2);
	a = ks_scan_result_get(r, 0);
	b = ks_scan_result_get(r, 1);
	assert_non_null(strstr(a->path, "one.txt"));
	assert_non_null(strstr(b->path, "sub/two.txt"));
	assert_string_equal(a->blob_id, b->blob_id);
	assert_int_equal(a->line, 2);
	assert_int_equal(b->line, 2);
	assert_int_equal(b->column, 3);
	assert_string_equal(a->fingerprint, b->fingerprint);
	ks_scan_result_free(r);
}

static void
test_scanner_pipeline__binary_and_too_large(void **state)
{
	struct fixture *f = *state;
	char g[36], text[8192];
	const ks_diagnostic *d;
	ks_scan_result *r;
	int n;

	gen_google(g);
	n = snprintf(text, sizeof(text), "k: %s\n", g);
	text[n] = '\0';
	memcpy(text + n + 1, "tail", 4);
	put_file(f->dir, "blob.bin", text, (size_t)n + 5);
	memset(text, 'a', sizeof(text));
	memcpy(text, g, 35);
	put_file(f->dir, "big.txt", text, 5000);   /* cap is 4096 */
	snprintf(text, sizeof(text), "k: %s\n", g);
	put_text(f->dir, "ok.txt", text);
	memset(text + 39, '\n', 4096 - 39);
	put_file(f->dir, "exact.txt", text, 4096); /* at the cap: scanned */
	r = scan_dir(f, 2);
	assert_int_equal(ks_scan_result_count(r), 2);
	assert_int_equal(count_path(r, "/ok.txt"), 1);
	assert_int_equal(count_path(r, "/exact.txt"), 1);
	assert_non_null(d = find_diag(r, "/blob.bin"));
	assert_string_equal(d->kind, "binary");
	assert_string_equal(d->source, "fs");
	assert_non_null(d = find_diag(r, "/big.txt"));
	assert_string_equal(d->kind, "too-large");
	assert_null(find_diag(r, "/exact.txt"));
	assert_int_equal(ks_scan_result_stats(r)->skipped, 2);
	ks_scan_result_free(r);

	/* --binary scans the binary file after all */
	r = scan_with(f, f->dir, 1, KS_SCAN_BINARY, NULL, 0, NULL);
	assert_int_equal(count_path(r, "/blob.bin"), 1);
	assert_int_equal(count_path(r, "/exact.txt"), 1);
	assert_null(find_diag(r, "/blob.bin"));
	ks_scan_result_free(r);
}

static const char *fail_name;

static int
failing_open(const char *path, int flags)
{
	const char *base = strrchr(path, '/');

	if (strcmp(base ? base + 1 : path, fail_name) == 0) {
		errno = EACCES;
		return -1;
	}
	return real_open(path, flags);
}

/* Works as root too: the open seam fails as a permission error would. */
static void
test_scanner_pipeline__unreadable(void **state)
{
	struct fixture *f = *state;
	char g[36], text[128];
	const ks_diagnostic *d;
	ks_scan_result *r;

	gen_google(g);
	snprintf(text, sizeof(text), "k: %s\n", g);
	put_text(f->dir, "locked.yml", text);
	put_text(f->dir, "readable.yml", text);
	put_text(f->dir, "lockdir/inner.yml", text);
	put_text(f->dir, "z.yml", text);
	real_open = ks_source_fs__open;

	fail_name = "locked.yml";
	ks_source_fs__open = failing_open;
	r = scan_dir(f, 2);
	assert_non_null(d = find_diag(r, "/locked.yml"));
	assert_string_equal(d->kind, "unreadable");
	assert_non_null(strstr(d->message, "Permission denied"));
	assert_int_equal(count_path(r, "/readable.yml"), 1);
	assert_int_equal(count_path(r, "/z.yml"), 1);
	assert_int_equal(count_path(r, "/inner.yml"), 1);
	ks_scan_result_free(r);

	fail_name = "lockdir";
	r = scan_dir(f, 2);
	assert_non_null(d = find_diag(r, "/lockdir"));
	assert_string_equal(d->kind, "unreadable");
	assert_int_equal(count_path(r, "/inner.yml"), 0);
	assert_int_equal(count_path(r, "/z.yml"), 1);
	assert_int_equal(count_path(r, "/locked.yml"), 1);
	ks_scan_result_free(r);
	ks_source_fs__open = real_open;

	/* The real permission check, where it applies (not as root). */
	if (geteuid() != 0) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/locked.yml", f->dir);
		assert_int_equal(chmod(path, 0), 0);
		r = scan_dir(f, 1);
		assert_non_null(d = find_diag(r, "/locked.yml"));
		assert_string_equal(d->kind, "unreadable");
		assert_int_equal(count_path(r, "/readable.yml"), 1);
		ks_scan_result_free(r);
	}
}

static void
test_scanner_pipeline__symlinks(void **state)
{
	struct fixture *f = *state;
	char g[36], text[128], outside[PATH_MAX], link[PATH_MAX];
	char root[PATH_MAX];
	const ks_diagnostic *d;
	ks_scan_result *r;

	gen_google(g);
	snprintf(text, sizeof(text), "k: %s\n", g);
	put_text(f->dir, "outside/secret.yml", text);
	put_text(f->dir, "tree/inside.yml", text);
	put_text(f->dir, "tree/sub/x.txt", "nothing\n");
	snprintf(root, sizeof(root), "%s/tree", f->dir);
	snprintf(outside, sizeof(outside), "%s/outside", f->dir);
#define LINK(to, name) do { \
	assert_true(snprintf(link, sizeof(link), "%s/%s", root, name) < \
	    (int)sizeof(link)); \
	assert_int_equal(symlink(to, link), 0); } while (0)
	LINK(outside, "escape-dir");
	LINK("../outside/secret.yml", "escape-file");
	LINK("..", "sub/up");
	LINK("inside.yml", "alias.yml");
	LINK("loop-b", "loop-a");
	LINK("loop-a", "loop-b");
	LINK("nowhere", "dangling");
#undef LINK
	r = scan_with(f, root, 2, 0, NULL, 0, NULL);
	assert_int_equal(ks_scan_result_count(r), 1);
	assert_int_equal(count_path(r, "/tree/inside.yml"), 1);
	assert_non_null(d = find_diag(r, "/escape-dir"));
	assert_string_equal(d->kind, "symlink");
	assert_non_null(d = find_diag(r, "/escape-file"));
	assert_string_equal(d->kind, "symlink");
	assert_non_null(d = find_diag(r, "/loop-a"));
	assert_string_equal(d->kind, "symlink");
	assert_non_null(strstr(d->message, "loop"));
	assert_non_null(find_diag(r, "/loop-b"));
	/* inside the tree or dangling: nothing is missed, nothing said */
	assert_null(find_diag(r, "/up"));
	assert_null(find_diag(r, "/alias.yml"));
	assert_null(find_diag(r, "/dangling"));
	assert_int_equal(ks_scan_result_diagnostic_count(r), 4);
	ks_scan_result_free(r);
}

static void
test_scanner_pipeline__exclude_and_ignore(void **state)
{
	struct fixture *f = *state;
	static const char *const excludes[] = { "*.min.js", "vendor" };
	char g[36], text[128];
	ks_scan_result *r;

	gen_google(g);
	snprintf(text, sizeof(text), "k: %s\n", g);
	put_text(f->dir, "keep.yml", text);
	put_text(f->dir, "app.min.js", text);
	put_text(f->dir, "vendor/lib.yml", text);
	put_text(f->dir, "src/vendor/lib.yml", text);
	put_text(f->dir, "build/out.yml", text);
	put_text(f->dir, "logs/a.log", text);
	put_text(f->dir, "logs/keep.log", text);
	put_text(f->dir, "deep/x/y/gen.yml", text);
	put_text(f->dir, "deep/x/y/src.yml", text);
	put_text(f->dir, "sub/local.tmp", text);
	put_text(f->dir, "other/local.tmp", text);
	put_text(f->dir, ".git/config", text);
	put_text(f->dir, ".gitignore",
	    "# comment\n"
	    "build/\n"
	    "*.log\n"
	    "!keep.log\n"
	    "deep/**/gen.yml\n");
	put_text(f->dir, "sub/.keyshiftignore", "*.tmp\n");

	r = scan_with(f, f->dir, 2, 0, excludes, 2, NULL);
	assert_int_equal(count_path(r, "/keep.yml"), 1);
	assert_int_equal(count_path(r, "/logs/keep.log"), 1);
	assert_int_equal(count_path(r, "/deep/x/y/src.yml"), 1);
	assert_int_equal(count_path(r, "/other/local.tmp"), 1);
	assert_int_equal(ks_scan_result_count(r), 4);
	ks_scan_result_free(r);

	/* Without ignore files only --exclude and .git remain */
	r = scan_with(f, f->dir, 2, KS_SCAN_NO_IGNORE, excludes, 2, NULL);
	assert_int_equal(count_path(r, "/build/out.yml"), 1);
	assert_int_equal(count_path(r, "/logs/a.log"), 1);
	assert_int_equal(count_path(r, "/sub/local.tmp"), 1);
	assert_int_equal(count_path(r, "/config"), 0);
	assert_int_equal(count_path(r, "lib.yml"), 0);
	assert_int_equal(count_path(r, "/app.min.js"), 0);
	assert_int_equal(ks_scan_result_count(r), 8);
	ks_scan_result_free(r);
}

static void
assert_same_results(const ks_scan_result *a, const ks_scan_result *b)
{
	size_t i;

	assert_int_equal(ks_scan_result_count(a), ks_scan_result_count(b));
	for (i = 0; i < ks_scan_result_count(a); i++) {
		const ks_occurrence *x = ks_scan_result_get(a, i);
		const ks_occurrence *y = ks_scan_result_get(b, i);

		assert_string_equal(x->path, y->path);
		assert_string_equal(x->rule_id, y->rule_id);
		assert_string_equal(x->fingerprint, y->fingerprint);
		assert_string_equal(x->snippet, y->snippet);
		assert_int_equal(x->line, y->line);
		assert_int_equal(x->column, y->column);
		assert_int_equal(x->start, y->start);
	}
	assert_int_equal(ks_scan_result_diagnostic_count(a),
	    ks_scan_result_diagnostic_count(b));
	for (i = 0; i < ks_scan_result_diagnostic_count(a); i++) {
		assert_string_equal(ks_scan_result_diagnostic(a, i)->path,
		    ks_scan_result_diagnostic(b, i)->path);
		assert_string_equal(ks_scan_result_diagnostic(a, i)->kind,
		    ks_scan_result_diagnostic(b, i)->kind);
	}
	assert_int_equal(ks_scan_result_stats(a)->blobs,
	    ks_scan_result_stats(b)->blobs);
	assert_int_equal(ks_scan_result_stats(a)->duplicates,
	    ks_scan_result_stats(b)->duplicates);
	assert_int_equal(ks_scan_result_stats(a)->findings,
	    ks_scan_result_stats(b)->findings);
}

static void
make_mixed_tree(const char *dir, int n)
{
	char name[64], text[256], g[36], a[21];
	int i;

	for (i = 0; i < n; i++) {
		gen_google(g);
		gen_aws(a);
		snprintf(name, sizeof(name), "d%02d/f%03d.txt", i % 17, i);
		switch (i % 5) {
		case 0:
			snprintf(text, sizeof(text), "s=%s\nid=%s\n", g, a);
			break;
		case 1:  /* shared content */
			snprintf(text, sizeof(text), "shared AKIA" "ABCDEFGHIJKLMNOP\n");
			break;
		case 2:
			snprintf(text, sizeof(text), "%d nothing\n", i);
			break;
		case 3:
			snprintf(text, sizeof(text), "bin\n%c%s", 0, g);
			put_file(dir, name, text, 5 + strlen(g));
			continue;
		default:
			snprintf(text, sizeof(text), "a\nb\n  %s %s\n", a, g);
		}
		put_text(dir, name, text);
	}
}

static void
test_scanner_pipeline__jobs_deterministic(void **state)
{
	struct fixture *f = *state;
	ks_scan_result *a, *b, *c;

	make_mixed_tree(f->dir, 300);
	a = scan_dir(f, 1);
	b = scan_dir(f, 4);
	c = scan_dir(f, 16);
	assert_int_equal(ks_scan_result_count(a), 60 * 2 + 60 + 60 * 2);
	assert_int_equal(ks_scan_result_stats(a)->duplicates, 59);
	assert_same_results(a, b);
	assert_same_results(a, c);
	ks_scan_result_free(a);
	ks_scan_result_free(b);
	ks_scan_result_free(c);
}

static void
test_scanner_pipeline__store_rescan(void **state)
{
	struct fixture *f = *state;
	char dbdir[PATH_MAX], db[PATH_MAX];
	ks_store *store = NULL;
	ks_scan_result *r;
	int64_t n1, n2, o1, o2;
	int error;

	snprintf(dbdir, sizeof(dbdir), "%s/tree", f->dir);
	assert_int_equal(mkdir(dbdir, 0755), 0);
	make_mixed_tree(dbdir, 60);
	snprintf(db, sizeof(db), "%s/db/keyshift.db", f->dir);
	error = ks_store_open(&store, db, NULL);
	if (error < 0)
		fprintf(stderr, "store: %s\n", ks_error_last()->message);
	assert_int_equal(error, 0);

	r = scan_with(f, dbdir, 3, 0, NULL, 0, store);
	assert_true(ks_scan_result_run_id(r) > 0);
	assert_int_equal(ks_store_count_findings(store, &n1), 0);
	assert_int_equal(ks_store_count_occurrences(store, &o1), 0);
	assert_int_equal(n1, ks_scan_result_stats(r)->findings);
	assert_int_equal(o1, ks_scan_result_count(r));
	ks_scan_result_free(r);

	r = scan_with(f, dbdir, 2, 0, NULL, 0, store);
	assert_int_equal(ks_store_count_findings(store, &n2), 0);
	assert_int_equal(ks_store_count_occurrences(store, &o2), 0);
	assert_int_equal(n1, n2);
	assert_int_equal(o1, o2);
	ks_scan_result_free(r);
	ks_store_close(store);
}

static void
test_scanner_pipeline__missing_target(void **state)
{
	struct fixture *f = *state;
	ks_scan_options o = KS_SCAN_OPTIONS_INIT;
	ks_scan_result *r = NULL;
	char path[PATH_MAX];
	const char *targets[2];

	snprintf(path, sizeof(path), "%s/nope", f->dir);
	targets[0] = f->dir;
	targets[1] = path;
	o.targets = targets;
	o.ntargets = 2;
	assert_int_equal(ks_scan_run(&r, &o, f->rules, NULL), KS_EINVALID);
	assert_null(r);
	assert_non_null(strstr(ks_error_last()->message,
	    "/nope': No such file or directory"));
	assert_non_null(strstr(ks_error_last()->message, "cannot scan '"));
}

static int
slow_open(const char *path, int flags)
{
	const char *base = strrchr(path, '/');

	if (base && strcmp(base + 1, "slow.txt") == 0)
		usleep(400000);
	return real_open(path, flags);
}

static int progress_calls;

static int
stop_now(const ks_scan_stats *st, void *payload)
{
	(void)st;
	(void)payload;
	progress_calls++;
	return 1;
}

static void
test_scanner_pipeline__progress_cancels(void **state)
{
	struct fixture *f = *state;
	ks_scan_options o = KS_SCAN_OPTIONS_INIT;
	ks_scan_result *r = NULL;
	const char *targets[1];

	put_text(f->dir, "a.txt", "a\n");
	put_text(f->dir, "slow.txt", "b\n");
	real_open = ks_source_fs__open;
	ks_source_fs__open = slow_open;
	targets[0] = f->dir;
	o.targets = targets;
	o.ntargets = 1;
	o.jobs = 1;
	o.progress_cb = stop_now;
	assert_int_equal(ks_scan_run(&r, &o, f->rules, NULL), KS_EUSER);
	assert_null(r);
	assert_true(progress_calls >= 1);
	ks_source_fs__open = real_open;
}

static void
test_scanner_pipeline__stdin_and_file(void **state)
{
	struct fixture *f = *state;
	ks_scan_options o = KS_SCAN_OPTIONS_INIT;
	ks_scan_result *r = NULL;
	char g[36], text[128], path[PATH_MAX];
	const char *targets[2];
	const ks_occurrence *oc;
	int fd, saved;

	gen_google(g);
	snprintf(text, sizeof(text), "from stdin: %s\n", g);
	put_text(f->dir, "in.txt", text);
	snprintf(path, sizeof(path), "%s/in.txt", f->dir);
	saved = dup(STDIN_FILENO);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, STDIN_FILENO);
	close(fd);
	targets[0] = "-";
	targets[1] = path;
	o.targets = targets;
	o.ntargets = 2;
	o.stdin_name = "<stdin>";
	o.flags = KS_SCAN_SHOW_SECRETS;
	assert_int_equal(ks_scan_run(&r, &o, f->rules, NULL), 0);
	dup2(saved, STDIN_FILENO);
	close(saved);
	assert_int_equal(ks_scan_result_count(r), 2);
	oc = ks_scan_result_get(r, 0);   /* "/tmp/..." < "<stdin>" */
	assert_string_equal(oc->path, path);
	assert_string_equal(oc->source, "fs");
	oc = ks_scan_result_get(r, 1);
	assert_string_equal(oc->path, "<stdin>");
	assert_string_equal(oc->source, "stdin");
	assert_string_equal(oc->secret, g);
	assert_int_equal(oc->column, 13);
	assert_int_equal(ks_scan_result_stats(r)->duplicates, 1);
	ks_scan_result_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_scanner_pipeline__locations),
		T(test_scanner_pipeline__fingerprints),
		T(test_scanner_pipeline__duplicates),
		T(test_scanner_pipeline__binary_and_too_large),
		T(test_scanner_pipeline__unreadable),
		T(test_scanner_pipeline__symlinks),
		T(test_scanner_pipeline__exclude_and_ignore),
		T(test_scanner_pipeline__jobs_deterministic),
		T(test_scanner_pipeline__store_rescan),
		T(test_scanner_pipeline__missing_target),
		T(test_scanner_pipeline__progress_cancels),
		T(test_scanner_pipeline__stdin_and_file),
#undef T
	};

	default_open = ks_source_fs__open;
	return cmocka_run_group_tests_name("scanner/pipeline", tests, NULL,
	    NULL);
}
