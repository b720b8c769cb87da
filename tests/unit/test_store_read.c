/*
 * tests/unit/test_store_read.c - the inventory: order, filters, findings
 * and triage
 */
#include "test_store_support.h"

/* Written in scrambled order; read back sorted. */
static const struct {
	const char *rule, *path;
	unsigned fp;
	uint32_t line;
	uint64_t start;
} rows[] = {
	{ "ks.test.b", "b.txt", 3, 9, 900 },
	{ "ks.test.a", "b.txt", 1, 2, 200 },
	{ "ks.test.a", "a.txt", 1, 10, 1000 },
	{ "ks.test.b", "a.txt", 3, 1, 0 },
	{ "ks.test.a", "a.txt", 2, 2, 150 },
	{ "ks.test.a", "a.txt", 2, 2, 120 },
};

/* Indexes into rows[] in the expected read order. */
static const size_t order[] = { 5, 4, 2, 1, 3, 0 };

static void
fill(struct store_fixture *f)
{
	uint8_t secret[32];
	ks_occurrence o;
	size_t i;

	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	put_rules(f->store);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		occ_make(&o, rows[i].rule, rows[i].fp, rows[i].path,
		    rows[i].line, rows[i].start);
		o.client_id = rows[i].fp == 1 ? (char *)"my-client" : NULL;
		memset(secret, 'a' + (int)rows[i].fp, sizeof(secret));
		assert_ok(ks_store_put_occurrence(f->store, f->run, &o, secret,
		    sizeof(secret), rows[i].fp == 2));
	}
	assert_ok(ks_store_tx_commit(f->store));
}

static void
test_store_read__iterator_order_and_fields(void **state)
{
	struct store_fixture *f = *state;
	ks_occurrence_iter *it = NULL;
	ks_stored_occurrence r;
	size_t n = 0;
	int error;

	fill(f);
	assert_ok(ks_occurrence_iter_new(&it, f->store, NULL));
	while ((error = ks_occurrence_iter_next(&r, it)) == 0) {
		size_t want = order[n++];
		char fp[33];

		fingerprint_of(fp, rows[want].fp);
		assert_string_equal(rows[want].rule, r.occ.rule_id);
		assert_string_equal(rows[want].path, r.occ.path);
		assert_int_equal(rows[want].line, r.occ.line);
		assert_int_equal(rows[want].start, r.occ.start);
		assert_string_equal(fp, r.occ.fingerprint);
		assert_string_equal("open", r.status);
		assert_string_equal("fs", r.occ.source);
		assert_string_equal("abcd…(24)", r.occ.secret_preview);
		assert_non_null(r.occ.rule_name);
		assert_non_null(r.occ.category);
		assert_non_null(r.occ.snippet);
		assert_null(r.occ.secret);   /* not asked for */
		if (rows[want].fp == 1)
			assert_string_equal("my-client", r.occ.client_id);
		occ_release(&r.occ);
	}
	assert_int_equal(KS_ITEROVER, error);
	assert_int_equal(KS_ITEROVER, ks_occurrence_iter_next(&r, it));
	assert_int_equal(sizeof(order) / sizeof(order[0]), n);
	ks_occurrence_iter_free(it);
	ks_occurrence_iter_free(NULL);
}

static int
count_cb(const ks_stored_occurrence *r, void *payload)
{
	(void)r;
	++*(int *)payload;
	return 0;
}

static int
count_filtered(ks_store *s, const ks_inventory_filter *flt)
{
	int n = 0;

	assert_ok(ks_store_foreach_occurrence(s, flt, count_cb, &n));
	return n;
}

static void
test_store_read__filters_and_secrets(void **state)
{
	struct store_fixture *f = *state;
	ks_inventory_filter flt = KS_INVENTORY_FILTER_INIT;
	ks_occurrence_iter *it = NULL;
	ks_stored_occurrence r;
	char fp[33];

	fill(f);
	flt.rule = "ks.test.b";
	assert_int_equal(2, count_filtered(f->store, &flt));
	flt.rule = NULL;
	flt.category = "oauth-client-secret";
	assert_int_equal(4, count_filtered(f->store, &flt));
	flt.source = "git";
	assert_int_equal(0, count_filtered(f->store, &flt));
	flt.source = NULL;
	flt.category = NULL;
	flt.run_id = f->run;
	assert_int_equal(6, count_filtered(f->store, &flt));
	flt.run_id = f->run + 1;
	assert_int_equal(0, count_filtered(f->store, &flt));
	flt.run_id = 0;
	fingerprint_of(fp, 2);
	flt.fingerprint = fp;
	flt.include_secrets = true;
	assert_ok(ks_occurrence_iter_new(&it, f->store, &flt));
	assert_ok(ks_occurrence_iter_next(&r, it));
	assert_string_equal("cccccccccccccccccccccccccccccccc", r.occ.secret);
	occ_release(&r.occ);
	ks_occurrence_iter_free(it);
	flt.fingerprint = "not hex";
	assert_int_equal(KS_EINVALID, ks_occurrence_iter_new(&it, f->store,
	    &flt));
}

static int
finding_cb(const ks_finding_info *fi, void *payload)
{
	int *n = payload;
	char fp[33];

	fingerprint_of(fp, (unsigned)(*n == 0 ? 1 : *n == 1 ? 2 : 3));
	assert_string_equal(fp, fi->fingerprint);
	assert_int_equal(2, fi->occurrences);
	if (*n == 0) {
		assert_string_equal("ks.test.a", fi->rule_id);
		assert_string_equal("ks.test.family-a", fi->family);
		assert_string_equal("my-client", fi->client_id);
	}
	++*n;
	return 0;
}

static void
test_store_read__findings_listing(void **state)
{
	struct store_fixture *f = *state;
	ks_finding_info fi;
	char fp2[33];
	int n = 0;

	fill(f);
	assert_ok(ks_store_foreach_finding(f->store, NULL, finding_cb, &n));
	assert_int_equal(3, n);
	fingerprint_of(fp2, 2);
	assert_ok(ks_store_finding_get(&fi, f->store, fp2, true));
	assert_string_equal("cccccccccccccccccccccccccccccccc", fi.secret);
	assert_int_equal(1, fi.paths);
	ks_finding_info_dispose(&fi);
	ks_finding_info_dispose(NULL);
}

static int
event_cb(const ks_status_event *ev, void *payload)
{
	int *n = payload;

	assert_string_equal(*n == 0 ? "false-positive" : "open", ev->status);
	assert_string_equal("alice", ev->user);
	++*n;
	return 0;
}

static void
test_store_read__set_status_with_a_prefix(void **state)
{
	struct store_fixture *f = *state;
	ks_inventory_filter flt = KS_INVENTORY_FILTER_INIT;
	ks_finding_info fi;
	char fp1[33];
	int n = 0;

	fill(f);
	fingerprint_of(fp1, 1);
	/* All test fingerprints share their first 8 digits. */
	assert_int_equal(KS_EINVALID, ks_store_set_status(f->store,
	    "00000000", "revoked", NULL, "alice"));
	assert_int_equal(KS_EINVALID, ks_store_set_status(f->store,
	    "0000000", "revoked", NULL, "alice"));
	assert_int_equal(KS_ENOTFOUND, ks_store_set_status(f->store,
	    "ffffffff", "revoked", NULL, "alice"));
	assert_int_equal(KS_EINVALID, ks_store_set_status(f->store, fp1,
	    "fixed", NULL, "alice"));

	assert_int_equal(KS_EINVALID, ks_store_set_status(f->store,
	    "000000000000000000000000000000", "revoked", NULL, "alice"));
	assert_ok(ks_store_set_status(f->store, fp1, "false-positive",
	    "test fixture", "alice"));
	flt.status = "false-positive";
	assert_int_equal(2, count_filtered(f->store, &flt));
	assert_ok(ks_store_set_status(f->store, fp1, "open", NULL, "alice"));
	assert_int_equal(0, count_filtered(f->store, &flt));
	assert_ok(ks_store_foreach_status_event(f->store, fp1, event_cb, &n));
	assert_int_equal(2, n);
	assert_ok(ks_store_finding_get(&fi, f->store, fp1, false));
	assert_string_equal("open", fi.status);
	assert_string_equal("alice", fi.status_user);
	assert_true(fi.status_time > 0);
	ks_finding_info_dispose(&fi);
}

static int
diag_cb(const ks_diagnostic *d, int64_t run, void *payload)
{
	assert_string_equal("unreadable", d->kind);
	assert_int_equal(1, run);
	++*(int *)payload;
	return 1;  /* stop */
}

static void
test_store_read__runs_and_diagnostics(void **state)
{
	struct store_fixture *f = *state;
	ks_diagnostic d = { (char *)"fs", (char *)"x", (char *)"unreadable",
	    (char *)"permission denied" };
	ks_run_info ri;
	int n = 0;

	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	store_open_rw(f);
	assert_ok(ks_store_tx_begin(f->store));
	assert_ok(ks_store_put_diagnostic(f->store, f->run, &d));
	assert_ok(ks_store_put_diagnostic(f->store, f->run, &d));
	assert_ok(ks_store_tx_commit(f->store));
	assert_ok(ks_store_run_finish(f->store, f->run, "complete",
	    "{\"files\":3}"));
	unsetenv("SOURCE_DATE_EPOCH");
	assert_int_equal(KS_EUSER, ks_store_foreach_diagnostic(f->store, 0,
	    diag_cb, &n));
	assert_int_equal(1, n);
	assert_ok(ks_store_run_get(&ri, f->store, 0));
	assert_int_equal(f->run, ri.id);
	assert_int_equal(1700000000, ri.started_at);
	assert_string_equal("complete", ri.status);
	assert_string_equal("{\"files\":3}", ri.stats_json);
	ks_run_info_dispose(&ri);
	assert_int_equal(KS_ENOTFOUND, ks_store_run_get(&ri, f->store, 42));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, store_setup, \
	store_teardown)
		T(test_store_read__iterator_order_and_fields),
		T(test_store_read__filters_and_secrets),
		T(test_store_read__findings_listing),
		T(test_store_read__set_status_with_a_prefix),
		T(test_store_read__runs_and_diagnostics),
#undef T
	};
	return cmocka_run_group_tests_name("store/read", tests, NULL, NULL);
}
