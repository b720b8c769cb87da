/*
 * tests/unit/test_store_write.c - the writer API: deduplication, keyed
 * hashes, and that no plaintext reaches the files unless asked
 */
#include "test_store_support.h"

static const uint8_t secret1[] = "s3cr3t-value-0123456789";

static void
put_one(struct store_fixture *f, const ks_occurrence *o,
    const uint8_t *secret, size_t n, bool plaintext)
{
	assert_ok(ks_store_tx_begin(f->store));
	assert_ok(ks_store_put_occurrence(f->store, f->run, o, secret, n,
	    plaintext));
	assert_ok(ks_store_tx_commit(f->store));
}

static void
test_store_write__same_occurrence_twice_is_one_row(void **state)
{
	struct store_fixture *f = *state;
	ks_occurrence o;
	int64_t n, run2;

	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	put_rules(f->store);
	assert_ok(ks_store_put_blob(f->store,
	    "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", 100));
	assert_ok(ks_store_tx_commit(f->store));
	occ_make(&o, "ks.test.a", 1, "a.txt", 4, 10);
	put_one(f, &o, secret1, sizeof(secret1) - 1, false);
	put_one(f, &o, secret1, sizeof(secret1) - 1, false);

	/* A second scan of the same content adds nothing either. */
	assert_ok(ks_store_run_finish(f->store, f->run, "complete", "{}"));
	assert_ok(ks_store_run_begin(f->store, "scan", NULL, NULL, &run2));
	f->run = run2;
	put_one(f, &o, secret1, sizeof(secret1) - 1, false);

	assert_ok(ks_store_count_findings(f->store, &n));
	assert_int_equal(1, n);
	assert_ok(ks_store_count_occurrences(f->store, &n));
	assert_int_equal(1, n);
	assert_int_equal(run2, query_i64(f->store,
	    "SELECT last_run FROM occurrence"));
	assert_int_equal(1, query_i64(f->store,
	    "SELECT first_run FROM occurrence"));
	assert_int_equal(100, query_i64(f->store, "SELECT size FROM blob"));
	assert_integrity_ok(f->store);
}

static void
test_store_write__new_place_links_the_same_finding(void **state)
{
	struct store_fixture *f = *state;
	ks_occurrence o;
	int64_t n;

	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	put_rules(f->store);
	assert_ok(ks_store_tx_commit(f->store));
	occ_make(&o, "ks.test.a", 7, "a.txt", 4, 10);
	put_one(f, &o, secret1, sizeof(secret1) - 1, false);
	o.path = (char *)"elsewhere/b.env";
	put_one(f, &o, secret1, sizeof(secret1) - 1, false);

	assert_ok(ks_store_count_findings(f->store, &n));
	assert_int_equal(1, n);
	assert_ok(ks_store_count_occurrences(f->store, &n));
	assert_int_equal(2, n);
	assert_int_equal(2, query_i64(f->store,
	    "SELECT occurrence_count FROM finding_denorm"));
}

static void
test_store_write__hmac_is_per_store_fingerprint_is_callers(void **state)
{
	struct store_fixture *f = *state;
	struct store_fixture g = { { 0 }, { 0 }, NULL, 0 };
	uint8_t mac[2][32], want[32];
	ks_occurrence o;
	sqlite3_stmt *st;
	struct store_fixture *both[2] = { f, &g };
	int i;

	snprintf(g.dir, sizeof(g.dir), "%s", f->dir);
	snprintf(g.path, sizeof(g.path), "%s/other.db", f->dir);
	occ_make(&o, "ks.test.a", 0xabcdef, "a.txt", 1, 0);
	for (i = 0; i < 2; i++) {
		store_open_rw(both[i]);
		assert_ok(ks_store_tx_begin(both[i]->store));
		put_rules(both[i]->store);
		assert_ok(ks_store_tx_commit(both[i]->store));
		put_one(both[i], &o, secret1, sizeof(secret1) - 1, false);
		assert_int_equal(SQLITE_OK, sqlite3_prepare_v2(
		    ks_store__db(both[i]->store), "SELECT secret_hmac, "
		    "fingerprint, secret_plaintext FROM finding", -1, &st,
		    NULL));
		assert_int_equal(SQLITE_ROW, sqlite3_step(st));
		assert_int_equal(32, sqlite3_column_bytes(st, 0));
		memcpy(mac[i], sqlite3_column_blob(st, 0), 32);
		assert_string_equal(o.fingerprint,
		    (const char *)sqlite3_column_text(st, 1));
		assert_int_equal(SQLITE_NULL, sqlite3_column_type(st, 2));
		sqlite3_finalize(st);
		assert_int_equal(0, ks_hmac_sha256(want,
		    both[i]->store->key, 32, secret1, sizeof(secret1) - 1));
		assert_memory_equal(want, mac[i], 32);
	}
	assert_memory_not_equal(mac[0], mac[1], 32);
	ks_store_close(g.store);
}

static void
test_store_write__canary_never_reaches_the_files(void **state)
{
	struct store_fixture *f = *state;
	char canary[41], snippet[160];
	ks_occurrence o;
	unsigned i;

	canary_make(canary, 40);
	/* The scanner masked the match, but a second copy sits in the
	 * context: the store must mask that one too. */
	snprintf(snippet, sizeof(snippet), "secret=%.*s\n# old: %s\n", 40,
	    "****************************************", canary);
	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	put_rules(f->store);
	for (i = 0; i < 50; i++) {
		occ_make(&o, i % 2 ? "ks.test.a" : "ks.test.b", 1000 + i % 2,
		    "cfg/app.env", i + 1, 100 * i);
		o.snippet = snippet;
		assert_ok(ks_store_put_occurrence(f->store, f->run, &o,
		    (const uint8_t *)canary, 40, false));
	}
	assert_ok(ks_store_tx_commit(f->store));
	assert_ok(ks_store_run_finish(f->store, f->run, "complete", "{}"));

	assert_false(store_files_contain(f->path, canary, 40));
	assert_ok(ks_store_checkpoint(f->store));
	assert_false(store_files_contain(f->path, canary, 40));
	ks_store_close(f->store);
	f->store = NULL;
	assert_false(store_files_contain(f->path, canary, 40));
	/* The masked snippet is stored, so the search above was real. */
	assert_true(store_files_contain(f->path, "# old: ****", 11));
}

static void
test_store_write__plaintext_only_when_asked(void **state)
{
	struct store_fixture *f = *state;
	char canary[41];
	ks_occurrence o;

	canary_make(canary, 40);
	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	put_rules(f->store);
	assert_ok(ks_store_tx_commit(f->store));
	occ_make(&o, "ks.test.a", 5, "a.txt", 1, 0);
	put_one(f, &o, (const uint8_t *)canary, 40, true);
	assert_true(store_files_contain(f->path, canary, 40));
	assert_ok(ks_store_checkpoint(f->store));
	assert_true(file_contains(f->path, canary, 40));
}

static void
test_store_write__rejects_bad_input(void **state)
{
	struct store_fixture *f = *state;
	ks_occurrence o;

	store_open_rw(f);
	occ_make(&o, "ks.test.a", 1, "a.txt", 1, 0);
	/* Outside a transaction. */
	assert_int_equal(KS_EINVALID, ks_store_put_occurrence(f->store, f->run,
	    &o, secret1, 5, false));
	assert_ok(ks_store_tx_begin(f->store));
	assert_int_equal(KS_EINVALID, ks_store_tx_begin(f->store));
	/* Rule not recorded yet. */
	assert_int_equal(KS_ENOTFOUND, ks_store_put_occurrence(f->store,
	    f->run, &o, secret1, 5, false));
	put_rules(f->store);
	snprintf(o.fingerprint, sizeof(o.fingerprint), "XYZ");
	assert_int_equal(KS_EINVALID, ks_store_put_occurrence(f->store,
	    f->run, &o, secret1, 5, false));
	occ_make(&o, "ks.test.a", 1, "a.txt", 0, 0);  /* line 0 */
	assert_int_equal(KS_EINVALID, ks_store_put_occurrence(f->store,
	    f->run, &o, secret1, 5, false));
	assert_int_equal(KS_EINVALID, ks_store_put_blob(f->store, "nothex",
	    1));
	ks_store_tx_rollback(f->store);
	assert_int_equal(KS_EINVALID, ks_store_run_finish(f->store, f->run,
	    "done", NULL));
	assert_int_equal(KS_ENOTFOUND, ks_store_run_finish(f->store, 999,
	    "failed", NULL));
	ks_store_tx_rollback(NULL);
}

static void
test_store_write__provenance_and_diagnostics(void **state)
{
	struct store_fixture *f = *state;
	struct ks_store_provenance p = {
		"e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "git",
		"dir/\xff\xfe-not-utf8.txt", "/repo", NULL, "{\"ref\":\"main\"}"
	};
	ks_diagnostic d = { (char *)"fs", (char *)"big.bin",
	    (char *)"too-large", (char *)"larger than 1 MiB" };

	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	assert_ok(ks_store_put_provenance(f->store, f->run, &p));
	assert_ok(ks_store_put_provenance(f->store, f->run, &p));
	p.commit = "0123456789abcdef0123456789abcdef01234567";
	assert_ok(ks_store_put_provenance(f->store, f->run, &p));
	assert_ok(ks_store_put_diagnostic(f->store, f->run, &d));
	assert_ok(ks_store_tx_commit(f->store));
	assert_int_equal(2, query_i64(f->store,
	    "SELECT count(*) FROM blob_provenance"));
	/* The non-UTF-8 path is stored as its exact bytes. */
	assert_int_equal(2, query_i64(f->store,
	    "SELECT count(*) FROM blob_provenance WHERE "
	    "path = CAST(x'6469722ffffe2d6e6f742d757466382e747874' AS BLOB)"));
	assert_int_equal(1, query_i64(f->store,
	    "SELECT count(*) FROM scan_diagnostic"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, store_setup, \
	store_teardown)
		T(test_store_write__same_occurrence_twice_is_one_row),
		T(test_store_write__new_place_links_the_same_finding),
		T(test_store_write__hmac_is_per_store_fingerprint_is_callers),
		T(test_store_write__canary_never_reaches_the_files),
		T(test_store_write__plaintext_only_when_asked),
		T(test_store_write__rejects_bad_input),
		T(test_store_write__provenance_and_diagnostics),
#undef T
	};
	return cmocka_run_group_tests_name("store/write", tests, NULL, NULL);
}
