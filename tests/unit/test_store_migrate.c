/*
 * tests/unit/test_store_migrate.c - clients, keys and the migration
 * journal: planning is idempotent, states only move forward, a failure
 * keeps the resume point, kids are never reused
 */
#include "test_store_support.h"

#include "store_migrate.h"

struct count {
	int n;
	char last[256];
};

static int
on_event(int64_t at, const char *step, const char *detail, void *payload)
{
	struct count *c = payload;

	(void)at;
	c->n++;
	snprintf(c->last, sizeof(c->last), "%s %s", step, detail);
	return 0;
}

static void
test_store_migrate__plan_is_idempotent(void **state)
{
	struct store_fixture *f = *state;
	struct ks_mig_record r;
	int64_t id, id2;
	bool created;

	store_open_rw(f);
	assert_ok(ks_store_migration_plan(f->store, "https://as.example", "c1",
	    NULL, &id, &created));
	assert_true(created);
	assert_ok(ks_store_migration_plan(f->store, "https://as.example", "c1",
	    NULL, &id2, &created));
	assert_false(created);
	assert_int_equal(id, id2);
	assert_ok(ks_store_migration_get(&r, f->store, NULL, "c1"));
	assert_string_equal(r.state, KS_MIG_PLANNED);
	assert_string_equal(r.provider, "rfc7592");
	assert_null(r.fingerprint);
	ks_mig_record_dispose(&r);
	/* the same client id at another issuer is another client */
	assert_ok(ks_store_migration_plan(f->store, "https://other.example",
	    "c1", NULL, &id2, &created));
	assert_true(created);
	assert_int_equal(ks_store_migration_get(&r, f->store, NULL, "c1"),
	    KS_EINVALID);
	assert_ok(ks_store_migration_get(&r, f->store, "https://other.example",
	    "c1"));
	assert_int_equal(r.id, id2);
	ks_mig_record_dispose(&r);
	assert_int_equal(ks_store_migration_get(&r, f->store, NULL, "nope"),
	    KS_ENOTFOUND);
}

static void
test_store_migrate__failure_keeps_the_resume_state(void **state)
{
	struct store_fixture *f = *state;
	struct ks_mig_record r;
	struct count c = { 0, "" };
	int64_t id;
	bool created;

	store_open_rw(f);
	assert_ok(ks_store_migration_plan(f->store, "https://as.example", "c1",
	    NULL, &id, &created));
	assert_ok(ks_store_migration_set_state(f->store, id,
	    KS_MIG_KEY_GENERATED, NULL));
	assert_ok(ks_store_migration_set_state(f->store, id, KS_MIG_FAILED,
	    "registration failed: 401"));
	assert_ok(ks_store_migration_get_id(&r, f->store, id));
	assert_string_equal(r.state, KS_MIG_FAILED);
	assert_string_equal(r.resume_state, KS_MIG_KEY_GENERATED);
	assert_string_equal(r.error, "registration failed: 401");
	ks_mig_record_dispose(&r);
	assert_ok(ks_store_migration_set_state(f->store, id,
	    KS_MIG_REGISTERED, NULL));
	assert_ok(ks_store_migration_get_id(&r, f->store, id));
	assert_null(r.error);
	assert_string_equal(r.resume_state, KS_MIG_REGISTERED);
	ks_mig_record_dispose(&r);
	assert_int_equal(ks_store_migration_set_state(f->store, id, "bogus",
	    NULL), KS_EINVALID);
	assert_ok(ks_store_migration_event(f->store, id, "http",
	    "PUT https://as.example/reg/c1 -> 200"));
	assert_ok(ks_store_foreach_migration_event(f->store, id, on_event, &c));
	assert_int_equal(c.n, 5);
	assert_string_equal(c.last, "http PUT https://as.example/reg/c1 -> 200");
	assert_int_equal(ks_store_migration_state_rank(KS_MIG_SECRET_RETIRED), 4);
	assert_int_equal(ks_store_migration_state_rank(KS_MIG_FAILED), -1);
}

static void
test_store_migrate__kids_are_never_reused(void **state)
{
	struct store_fixture *f = *state;
	struct ks_mig_record r;
	int64_t id;
	bool created, exists;

	store_open_rw(f);
	assert_ok(ks_store_migration_plan(f->store, "https://as.example", "c1",
	    NULL, &id, &created));
	assert_ok(ks_store_migration_get_id(&r, f->store, id));
	assert_ok(ks_store_key_add(f->store, r.client, "kid-1", "ES256",
	    "{\"kty\":\"EC\"}", "/k/1.pem", "active"));
	assert_ok(ks_store_key_set_state(f->store, "kid-1", "removed"));
	/* even a removed key's kid stays taken, for every client */
	assert_int_equal(ks_store_key_add(f->store, r.client, "kid-1", "ES256",
	    "{\"kty\":\"EC\"}", "/k/2.pem", "pending"), KS_EEXISTS);
	assert_ok(ks_store_kid_exists(f->store, "kid-1", &exists));
	assert_true(exists);
	assert_ok(ks_store_kid_exists(f->store, "kid-2", &exists));
	assert_false(exists);
	/* the schema refuses what is not a public JWK or a known alg */
	assert_int_not_equal(ks_store_key_add(f->store, r.client, "kid-3",
	    "HS256", "{}", "/k/3.pem", "pending"), 0);
	assert_int_not_equal(ks_store_key_add(f->store, r.client, "kid-4",
	    "ES256", "-----BEGIN", "/k/4.pem", "pending"), 0);
	ks_mig_record_dispose(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_store_migrate__plan_is_idempotent, store_setup,
		    store_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_migrate__failure_keeps_the_resume_state,
		    store_setup, store_teardown),
		cmocka_unit_test_setup_teardown(
		    test_store_migrate__kids_are_never_reused, store_setup,
		    store_teardown),
	};
	return cmocka_run_group_tests_name("store/migrate", tests, NULL, NULL);
}
