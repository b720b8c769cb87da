/*
 * tests/unit/test_store_open.c - creating, opening and versioning stores
 */
#include "test_store_support.h"

#include <fcntl.h>

static mode_t
mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(0, stat(path, &st));
	return st.st_mode & 07777;
}

static void
test_store_open__creates_0600_with_0600_wal_and_shm(void **state)
{
	struct store_fixture *f = *state;
	char p[256];
	ks_occurrence o;
	mode_t old = umask(0);  /* the store must not depend on the umask */

	store_open_rw(f);
	umask(old);
	assert_int_equal(0, ks_store_tx_begin(f->store));
	put_rules(f->store);
	occ_make(&o, "ks.test.a", 1, "a.txt", 1, 0);
	assert_int_equal(0, ks_store_put_occurrence(f->store, f->run, &o,
	    (const uint8_t *)"s3cr3t-value-0123456789", 23, false));
	assert_int_equal(0, ks_store_tx_commit(f->store));

	assert_int_equal(0600, mode_of(f->path));
	snprintf(p, sizeof(p), "%s-wal", f->path);
	assert_int_equal(0600, mode_of(p));
	snprintf(p, sizeof(p), "%s-shm", f->path);
	assert_int_equal(0600, mode_of(p));
	snprintf(p, sizeof(p), "%s/sub", f->dir);
	assert_int_equal(0700, mode_of(p));
	assert_int_equal(1, query_i64(f->store, "PRAGMA foreign_keys"));
	assert_int_equal(1, query_i64(f->store, "PRAGMA synchronous"));
}

static void
test_store_open__tightens_an_existing_loose_file(void **state)
{
	struct store_fixture *f = *state;

	store_open_rw(f);
	ks_store_close(f->store);
	f->store = NULL;
	assert_int_equal(0, chmod(f->path, 0644));
	assert_int_equal(0, ks_store_open(&f->store, f->path, NULL));
	assert_int_equal(0600, mode_of(f->path));
}

static void
test_store_open__schema_version_and_journal(void **state)
{
	struct store_fixture *f = *state;
	sqlite3_stmt *st = NULL;

	store_open_rw(f);
	assert_true(ks_store_schema_version() >= 1);
	assert_int_equal(ks_store_schema_version(),
	    query_i64(f->store, "PRAGMA user_version"));
	assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(ks_store__db(f->store),
	    "PRAGMA journal_mode", -1, &st, NULL));
	assert_int_equal(SQLITE_ROW, sqlite3_step(st));
	assert_string_equal("wal", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	/* The key is generated once, 32 bytes, and survives a reopen. */
	assert_int_equal(32, query_i64(f->store,
	    "SELECT length(value) FROM meta WHERE key = 'hmac_key'"));
	assert_integrity_ok(f->store);
}

static void
test_store_open__key_survives_reopen(void **state)
{
	struct store_fixture *f = *state;
	uint8_t key[KS_STORE_KEY_LEN];

	store_open_rw(f);
	memcpy(key, f->store->key, sizeof(key));
	ks_store_close(f->store);
	f->store = NULL;
	assert_int_equal(0, ks_store_open(&f->store, f->path, NULL));
	assert_memory_equal(key, f->store->key, sizeof(key));
}

static void
test_store_open__refuses_a_newer_schema(void **state)
{
	struct store_fixture *f = *state;
	char sql[64];

	store_open_rw(f);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
	    ks_store_schema_version() + 1);
	assert_int_equal(SQLITE_OK, sqlite3_exec(ks_store__db(f->store), sql,
	    NULL, NULL, NULL));
	ks_store_close(f->store);
	f->store = NULL;

	assert_int_equal(KS_EVERSION, ks_store_open(&f->store, f->path, NULL));
	assert_null(f->store);
	assert_non_null(strstr(ks_error_last()->message, "newer"));
}

static void
test_store_open__refuses_a_file_that_is_not_sqlite(void **state)
{
	struct store_fixture *f = *state;
	char p[128];
	FILE *fp;
	int i;

	snprintf(p, sizeof(p), "%s/notes.txt", f->dir);
	assert_non_null(fp = fopen(p, "w"));
	for (i = 0; i < 100; i++)
		fputs("this is not a database, just some text\n", fp);
	fclose(fp);

	assert_int_equal(KS_EINVALID, ks_store_open(&f->store, p, NULL));
	assert_null(f->store);
	assert_non_null(strstr(ks_error_last()->message,
	    "not a SQLite database"));
}

static void
test_store_open__refuses_a_foreign_sqlite_db(void **state)
{
	struct store_fixture *f = *state;
	char p[128];
	sqlite3 *db;

	snprintf(p, sizeof(p), "%s/other.db", f->dir);
	assert_int_equal(SQLITE_OK, sqlite3_open(p, &db));
	assert_int_equal(SQLITE_OK, sqlite3_exec(db,
	    "CREATE TABLE t (x INTEGER)", NULL, NULL, NULL));
	sqlite3_close(db);

	assert_int_equal(KS_EINVALID, ks_store_open(&f->store, p, NULL));
	assert_non_null(strstr(ks_error_last()->message,
	    "not a keyshift datastore"));
}

static void
test_store_open__no_create_and_read_only(void **state)
{
	struct store_fixture *f = *state;
	ks_store_options o = KS_STORE_OPTIONS_INIT;
	ks_store *ro = NULL;
	int64_t n = -1;

	o.no_create = true;
	assert_int_equal(KS_ENOTFOUND, ks_store_open(&f->store, f->path, &o));
	assert_int_equal(-1, access(f->path, F_OK));
	o.no_create = false;
	o.read_only = true;
	assert_int_equal(KS_ENOTFOUND, ks_store_open(&f->store, f->path, &o));

	store_open_rw(f);
	assert_int_equal(0, ks_store_open(&ro, f->path, &o));
	assert_int_equal(0, ks_store_count_findings(ro, &n));
	assert_int_equal(0, n);
	/* A read-only handle refuses writes. */
	assert_int_equal(KS_EINVALID, ks_store_put_rule(ro, &test_rule_a));
	ks_store_close(ro);
}

static void
test_store_open__bad_options_version(void **state)
{
	struct store_fixture *f = *state;
	ks_store_options o = KS_STORE_OPTIONS_INIT;

	o.version = 99;
	assert_int_equal(KS_EINVALID, ks_store_open(&f->store, f->path, &o));
	ks_store_close(NULL);  /* harmless */
}

static void
test_store_open__default_path(void **state)
{
	ks_buf b = KS_BUF_INIT;

	(void)state;
	setenv("KEYSHIFT_STORE", "/x/ks.db", 1);
	assert_int_equal(0, ks_store_default_path(&b));
	assert_string_equal("/x/ks.db", b.ptr);
	unsetenv("KEYSHIFT_STORE");
	setenv("XDG_DATA_HOME", "/data", 1);
	assert_int_equal(0, ks_store_default_path(&b));
	assert_string_equal("/data/keyshift/keyshift.db", b.ptr);
	setenv("XDG_DATA_HOME", "relative", 1);  /* invalid per XDG */
	setenv("HOME", "/home/u", 1);
	assert_int_equal(0, ks_store_default_path(&b));
	assert_string_equal("/home/u/.local/share/keyshift/keyshift.db", b.ptr);
	unsetenv("XDG_DATA_HOME");
	unsetenv("HOME");
	assert_int_equal(KS_ENOTFOUND, ks_store_default_path(&b));
	ks_buf_dispose(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, store_setup, \
	store_teardown)
		T(test_store_open__creates_0600_with_0600_wal_and_shm),
		T(test_store_open__tightens_an_existing_loose_file),
		T(test_store_open__schema_version_and_journal),
		T(test_store_open__key_survives_reopen),
		T(test_store_open__refuses_a_newer_schema),
		T(test_store_open__refuses_a_file_that_is_not_sqlite),
		T(test_store_open__refuses_a_foreign_sqlite_db),
		T(test_store_open__no_create_and_read_only),
		T(test_store_open__bad_options_version),
		T(test_store_open__default_path),
#undef T
	};
	return cmocka_run_group_tests_name("store/open", tests, NULL, NULL);
}
