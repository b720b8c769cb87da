/*
 * tests/unit/test_store_support.h - fixtures shared by test_store_*.c
 *
 * Temporary directories, a rule and occurrences to write, a random
 * canary secret, and a byte search over files. Everything is static:
 * each test executable includes this once.
 */
#ifndef KS_TESTS_UNIT_TEST_STORE_SUPPORT_H
#define KS_TESTS_UNIT_TEST_STORE_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <keyshift/inventory.h>
#include <keyshift/store.h>

#include "alloc.h"
#include "encode.h"
#include "hash.h"
#include "secret.h"
#include "store_internal.h"
#include "store_write.h"

/* Not every test uses every helper. */
#define TS_HELPER static __attribute__((unused))

/* Assert 0, printing keyshift's last error otherwise. */
#define assert_ok(expr) do { \
	int rc_ = (expr); \
	if (rc_ != 0) \
		print_error("%s: %d: %s\n", #expr, rc_, ks_error_last() ? \
		    ks_error_last()->message : "(no message)"); \
	assert_int_equal(0, rc_); \
} while (0)

struct store_fixture {
	char dir[64];            /* mkdtemp'd directory */
	char path[128];          /* dir/sub/keyshift.db (not yet created) */
	ks_store *store;
	int64_t run;
};

/* Remove a directory tree (nftw needs _XOPEN_SOURCE; we build POSIX). */
TS_HELPER void
tmpdir_remove(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	struct stat st;
	char p[512];

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			tmpdir_remove(p);
		else
			unlink(p);
	}
	if (d)
		closedir(d);
	rmdir(dir);
}

TS_HELPER int
store_setup(void **state)
{
	struct store_fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/ks-store-test-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/sub/keyshift.db", f->dir);
	*state = f;
	return 0;
}

TS_HELPER int
store_teardown(void **state)
{
	struct store_fixture *f = *state;

	ks_store_close(f->store);
	tmpdir_remove(f->dir);
	free(f);
	return 0;
}

/* Open the fixture's store for writing and start a run. */
TS_HELPER void
store_open_rw(struct store_fixture *f)
{
	assert_ok(ks_store_open(&f->store, f->path, NULL));
	assert_ok(ks_store_run_begin(f->store, "scan", "[\"/tmp/x\"]", "{}",
	    &f->run));
}

TS_HELPER const struct ks_store_rule test_rule_a = {
	"ks.test.a", "Test rule A", "oauth-client-secret", "medium",
	"ks.test.family-a", "0123abcd", "secret=(?<secret>\\w+)"
};
TS_HELPER const struct ks_store_rule test_rule_b = {
	"ks.test.b", "Test rule B", "private-key", "high",
	"ks.test.family-b", "4567cdef", "-----BEGIN"
};

TS_HELPER void
put_rules(ks_store *s)
{
	assert_int_equal(0, ks_store_put_rule(s, &test_rule_a));
	assert_int_equal(0, ks_store_put_rule(s, &test_rule_b));
}

/* A fingerprint from a number: "0000...00n" in hex, 32 digits. */
TS_HELPER void
fingerprint_of(char out[KS_FINGERPRINT_HEXLEN + 1], unsigned n)
{
	snprintf(out, KS_FINGERPRINT_HEXLEN + 1, "%032x", n);
}

/* Fill `o` with borrowed strings (never dispose it). */
TS_HELPER void
occ_make(ks_occurrence *o, const char *rule, unsigned fp, const char *path,
    uint32_t line, uint64_t start)
{
	static char blob[] = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391";

	memset(o, 0, sizeof(*o));
	o->rule_id = (char *)rule;
	fingerprint_of(o->fingerprint, fp);
	o->secret_preview = (char *)"abcd…(24)";
	o->source = (char *)"fs";
	o->path = (char *)path;
	o->blob_id = blob;
	o->line = o->end_line = line;
	o->column = 3;
	o->end_column = 26;
	o->start = start;
	o->end = start + 24;
	o->snippet = (char *)"secret=************************";
}

/* What ks_occurrence_dispose() does; the scanner owns that function
 * and these tests link the store alone. */
TS_HELPER void
occ_release(ks_occurrence *o)
{
	char **f[] = { &o->rule_id, &o->rule_name, &o->category,
	    &o->confidence, &o->secret_preview, &o->source, &o->path,
	    &o->blob_id, &o->snippet, &o->client_id, &o->issuer, &o->commit,
	    &o->author, &o->date };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		ks__free(*f[i]);
	if (o->secret)
		ks_wipe(o->secret, strlen(o->secret));
	ks__free(o->secret);
	memset(o, 0, sizeof(*o));
}

/* A random alphanumeric canary of `n` characters, NUL-terminated. */
TS_HELPER void
canary_make(char *out, size_t n)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	uint8_t rnd[128];
	size_t i;

	assert_true(n < sizeof(rnd));
	assert_int_equal(0, ks_random_bytes(rnd, n));
	for (i = 0; i < n; i++)
		out[i] = alnum[rnd[i] % (sizeof(alnum) - 1)];
	out[n] = '\0';
}

/* 1 if the file holds the bytes, 0 if not (or it does not exist). */
TS_HELPER int
file_contains(const char *path, const void *needle, size_t n)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, got;
	int found = 0;

	if (!fp)
		return 0;
	for (;;) {
		if (len + 65536 > cap) {
			cap = (len + 65536) * 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		if ((got = fread(buf + len, 1, cap - len, fp)) == 0)
			break;
		len += got;
	}
	fclose(fp);
	for (size_t i = 0; !found && n && i + n <= len; i++)
		found = memcmp(buf + i, needle, n) == 0;
	free(buf);
	return found;
}

/* Whether any of the store's files holds the bytes. */
TS_HELPER int
store_files_contain(const char *db, const void *needle, size_t n)
{
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };
	char p[256];
	int found = 0;

	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
		found |= file_contains(p, needle, n);
	}
	return found;
}

/* Run a single-value query on the store's connection. */
TS_HELPER int64_t
query_i64(ks_store *s, const char *sql)
{
	sqlite3_stmt *st = NULL;
	int64_t v;

	assert_int_equal(SQLITE_OK,
	    sqlite3_prepare_v2(ks_store__db(s), sql, -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

TS_HELPER void
assert_integrity_ok(ks_store *s)
{
	sqlite3_stmt *st = NULL;

	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(ks_store__db(s),
	    "PRAGMA integrity_check", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_string_equal("ok", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	assert_int_equal(0, query_i64(s,
	    "SELECT count(*) FROM pragma_foreign_key_check"));
}

#endif
