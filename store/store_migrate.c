/*
 * store/store_migrate.c - clients, keys and the migration journal
 *
 * Low volume (a handful of rows per client), so statements are prepared
 * per call rather than cached in stmts[]. Every write is one statement in
 * autocommit mode except planning, which creates the client and its
 * migration together.
 */
#include "store_migrate.h"

#include <string.h>

#include <sqlite3.h>

#include "alloc.h"
#include "errors.h"
#include "store_internal.h"
#include "store_write.h"
#include "str.h"

/* When adding a state, update 0003_migration.sql and docs/MIGRATION.md. */
static const char *const migration_states[] = {
	KS_MIG_PLANNED, KS_MIG_KEY_GENERATED, KS_MIG_REGISTERED,
	KS_MIG_VERIFIED, KS_MIG_SECRET_RETIRED,
};

int
ks_store_migration_state_rank(const char *state)
{
	size_t i;

	for (i = 0; state && i < sizeof(migration_states) /
	    sizeof(migration_states[0]); i++)
		if (strcmp(state, migration_states[i]) == 0)
			return (int)i;
	return -1;
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *v = sqlite3_column_text(st, i);

	return v ? ks__strdup((const char *)v) : NULL;
}

void
ks_mig_record_dispose(struct ks_mig_record *r)
{
	if (!r)
		return;
	ks__free(r->issuer);
	ks__free(r->client_id);
	ks__free(r->provider);
	ks__free(r->registration_uri);
	ks__free(r->token_file);
	ks__free(r->fingerprint);
	ks__free(r->state);
	ks__free(r->resume_state);
	ks__free(r->error);
	ks__free(r->config_dir);
	memset(r, 0, sizeof(*r));
}

void
ks_key_record_dispose(struct ks_key_record *r)
{
	if (!r)
		return;
	ks__free(r->kid);
	ks__free(r->alg);
	ks__free(r->public_jwk);
	ks__free(r->key_path);
	ks__free(r->state);
	memset(r, 0, sizeof(*r));
}

#define MIG_SELECT \
	"SELECT m.id, c.id, c.issuer, c.client_id, c.provider, " \
	"c.registration_uri, c.token_file, f.fingerprint, m.state, " \
	"m.resume_state, m.error, m.config_dir, m.created_at, m.updated_at " \
	"FROM migration m JOIN client c ON c.id = m.client " \
	"LEFT JOIN finding f ON f.id = m.finding "

static int
read_mig(struct ks_mig_record *r, sqlite3_stmt *st)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->client = sqlite3_column_int64(st, 1);
	r->issuer = col_dup(st, 2);
	r->client_id = col_dup(st, 3);
	r->provider = col_dup(st, 4);
	r->registration_uri = col_dup(st, 5);
	r->token_file = col_dup(st, 6);
	r->fingerprint = col_dup(st, 7);
	r->state = col_dup(st, 8);
	r->resume_state = col_dup(st, 9);
	r->error = col_dup(st, 10);
	r->config_dir = col_dup(st, 11);
	r->created_at = sqlite3_column_int64(st, 12);
	r->updated_at = sqlite3_column_int64(st, 13);
	if (!r->issuer || !r->client_id || !r->state || !r->resume_state ||
	    !r->provider) {
		ks_mig_record_dispose(r);
		return KS_ENOMEM;
	}
	return 0;
}

static int
exec_bound(ks_store *s, const char *sql, const char *what,
    const char *a, const char *b, int64_t n1, int64_t n2)
{
	sqlite3_stmt *st = NULL;
	int error;

	if ((error = ks_store__prepare(s, &st, sql)) < 0)
		return error;
	ks_store__bind_text(st, 1, a);
	ks_store__bind_text(st, 2, b);
	sqlite3_bind_int64(st, 3, n1);
	sqlite3_bind_int64(st, 4, n2);
	error = ks_store__step_done(s, st, what);
	sqlite3_finalize(st);
	return error;
}

int
ks_store_migration_event(ks_store *s, int64_t id, const char *step,
    const char *detail)
{
	return exec_bound(s, "INSERT INTO migration_event (step, detail, "
	    "migration, at) VALUES (?1, ?2, ?3, ?4)",
	    "cannot record the migration step", step, detail, id,
	    ks_store__now());
}

int
ks_store_migration_plan(ks_store *s, const char *issuer,
    const char *client_id, const char *fingerprint, int64_t *id_out,
    bool *created)
{
	sqlite3_stmt *st = NULL;
	int64_t now = ks_store__now();
	int rc, error;
	bool tx = false;

	*id_out = 0;
	*created = false;
	if ((error = ks_store_tx_begin(s)) < 0)
		return error;
	tx = true;
	if ((error = exec_bound(s, "INSERT INTO client (issuer, client_id, "
	    "created_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
	    "cannot record the client", issuer, client_id, now, 0)) < 0)
		goto done;
	if ((error = ks_store__prepare(s, &st, "INSERT INTO migration "
	    "(client, finding, created_at, updated_at) SELECT c.id, "
	    "(SELECT id FROM finding WHERE fingerprint = ?3), ?4, ?4 "
	    "FROM client c WHERE c.issuer = ?1 AND c.client_id = ?2 "
	    "ON CONFLICT DO NOTHING")) < 0)
		goto done;
	ks_store__bind_text(st, 1, issuer);
	ks_store__bind_text(st, 2, client_id);
	ks_store__bind_text(st, 3, fingerprint);
	sqlite3_bind_int64(st, 4, now);
	if ((error = ks_store__step_done(s, st, "cannot plan the migration")) < 0)
		goto done;
	*created = sqlite3_changes(ks_store__db(s)) > 0;
	sqlite3_finalize(st);
	st = NULL;
	if (fingerprint) {
		if ((error = ks_store__prepare(s, &st, "INSERT INTO "
		    "finding_client (finding, client) SELECT f.id, c.id FROM "
		    "finding f, client c WHERE f.fingerprint = ?1 AND "
		    "c.issuer = ?2 AND c.client_id = ?3 "
		    "ON CONFLICT DO NOTHING")) < 0)
			goto done;
		ks_store__bind_text(st, 1, fingerprint);
		ks_store__bind_text(st, 2, issuer);
		ks_store__bind_text(st, 3, client_id);
		if ((error = ks_store__step_done(s, st,
		    "cannot link the finding")) < 0)
			goto done;
		sqlite3_finalize(st);
		st = NULL;
	}
	if ((error = ks_store__prepare(s, &st, "SELECT m.id FROM migration m "
	    "JOIN client c ON c.id = m.client WHERE c.issuer = ?1 AND "
	    "c.client_id = ?2")) < 0)
		goto done;
	ks_store__bind_text(st, 1, issuer);
	ks_store__bind_text(st, 2, client_id);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		error = ks_store__sqlite_error(s, rc, "cannot plan the "
		    "migration");
		goto done;
	}
	*id_out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	st = NULL;
	if (*created && (error = ks_store_migration_event(s, *id_out, "plan",
	    "planned")) < 0)
		goto done;
	error = ks_store_tx_commit(s);
	tx = error < 0;
done:
	sqlite3_finalize(st);
	if (tx)
		ks_store_tx_rollback(s);
	return error;
}

static int
get_one(struct ks_mig_record *out, ks_store *s, const char *where,
    const char *a, const char *b, int64_t n)
{
	sqlite3_stmt *st = NULL;
	ks_str sql = KS_STR_INIT;
	int rc, error;

	memset(out, 0, sizeof(*out));
	if ((error = ks_str_printf(&sql, MIG_SELECT "WHERE %s "
	    "ORDER BY c.issuer LIMIT 2", where)) < 0 ||
	    (error = ks_store__prepare(s, &st, sql.ptr)) < 0)
		goto done;
	ks_store__bind_text(st, 1, a);
	ks_store__bind_text(st, 2, b);
	sqlite3_bind_int64(st, 3, n);
	if ((rc = sqlite3_step(st)) == SQLITE_DONE) {
		ks_error_set(KS_ERROR_STORE, "no migration for client "
		    "'%.100s'", a ? a : b ? b : "?");
		error = KS_ENOTFOUND;
		goto done;
	}
	if (rc != SQLITE_ROW) {
		error = ks_store__sqlite_error(s, rc, "cannot read the "
		    "migration");
		goto done;
	}
	if ((error = read_mig(out, st)) < 0)
		goto done;
	if (sqlite3_step(st) == SQLITE_ROW) {
		ks_mig_record_dispose(out);
		ks_error_set(KS_ERROR_STORE, "client '%.100s' exists at more "
		    "than one issuer: name the issuer", a);
		error = KS_EINVALID;
	}
done:
	sqlite3_finalize(st);
	ks_str_dispose(&sql);
	return error;
}

int
ks_store_migration_get(struct ks_mig_record *out, ks_store *s,
    const char *issuer, const char *client_id)
{
	if (issuer)
		return get_one(out, s, "c.client_id = ?1 AND c.issuer = ?2 "
		    "AND ?3 = ?3", client_id, issuer, 0);
	return get_one(out, s, "c.client_id = ?1 AND ?2 IS NULL AND ?3 = ?3",
	    client_id, NULL, 0);
}

int
ks_store_migration_get_id(struct ks_mig_record *out, ks_store *s, int64_t id)
{
	return get_one(out, s, "m.id = ?3 AND ?1 IS NULL AND ?2 IS NULL",
	    NULL, NULL, id);
}

int
ks_store_migration_set_state(ks_store *s, int64_t id, const char *state,
    const char *error_msg)
{
	ks_str detail = KS_STR_INIT;
	bool failed = strcmp(state, KS_MIG_FAILED) == 0;
	int error;

	if (!failed && ks_store_migration_state_rank(state) < 0) {
		ks_error_set(KS_ERROR_STORE, "unknown migration state '%s'",
		    state);
		return KS_EINVALID;
	}
	if (failed)
		error = exec_bound(s, "UPDATE migration SET state = ?1, "
		    "error = ?2, updated_at = ?4 WHERE id = ?3",
		    "cannot record the migration state", state,
		    error_msg ? error_msg : "unknown error", id,
		    ks_store__now());
	else
		error = exec_bound(s, "UPDATE migration SET state = ?1, "
		    "resume_state = ?1, error = NULL, updated_at = ?4 "
		    "WHERE id = ?3 AND ?2 IS NULL",
		    "cannot record the migration state", state, NULL, id,
		    ks_store__now());
	if (error < 0)
		return error;
	if ((error = ks_str_printf(&detail, "%s%s%s", state,
	    failed ? ": " : "", failed && error_msg ? error_msg : "")) == 0)
		error = ks_store_migration_event(s, id, failed ? "fail" :
		    "state", detail.ptr);
	ks_str_dispose(&detail);
	return error;
}

int
ks_store_migration_set(ks_store *s, int64_t id, const char *field,
    const char *value)
{
	const char *sql;

	if (strcmp(field, "provider") == 0)
		sql = "UPDATE client SET provider = ?1 WHERE id = (SELECT "
		    "client FROM migration WHERE id = ?3) AND ?2 IS NULL";
	else if (strcmp(field, "registration_uri") == 0)
		sql = "UPDATE client SET registration_uri = ?1 WHERE id = "
		    "(SELECT client FROM migration WHERE id = ?3) AND ?2 IS NULL";
	else if (strcmp(field, "token_file") == 0)
		sql = "UPDATE client SET token_file = ?1 WHERE id = (SELECT "
		    "client FROM migration WHERE id = ?3) AND ?2 IS NULL";
	else if (strcmp(field, "config_dir") == 0)
		sql = "UPDATE migration SET config_dir = ?1 WHERE id = ?3 "
		    "AND ?2 IS NULL";
	else {
		ks_error_set(KS_ERROR_STORE, "unknown migration field '%s'",
		    field);
		return KS_EINVALID;
	}
	return exec_bound(s, sql, "cannot update the migration", value, NULL,
	    id, 0);
}

int
ks_store_foreach_migration(ks_store *s, ks_mig_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	struct ks_mig_record r;
	int rc, error;

	if ((error = ks_store__prepare(s, &st, MIG_SELECT
	    "ORDER BY c.issuer, c.client_id")) < 0)
		return error;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((error = read_mig(&r, st)) < 0)
			goto done;
		error = cb(&r, payload) ? KS_EUSER : 0;
		ks_mig_record_dispose(&r);
		if (error < 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc, "cannot list migrations");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_foreach_migration_event(ks_store *s, int64_t id, ks_mig_event_cb cb,
    void *payload)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = ks_store__prepare(s, &st, "SELECT at, step, detail FROM "
	    "migration_event WHERE migration = ?1 ORDER BY id")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (cb(sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    (const char *)sqlite3_column_text(st, 2), payload)) {
			error = KS_EUSER;
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc, "cannot read the journal");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_kid_exists(ks_store *s, const char *kid, bool *exists)
{
	sqlite3_stmt *st = NULL;
	int rc, error;

	*exists = false;
	if ((error = ks_store__prepare(s, &st, "SELECT 1 FROM key WHERE "
	    "kid = ?1")) < 0)
		return error;
	ks_store__bind_text(st, 1, kid);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*exists = true;
	else if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc, "cannot read keys");
	sqlite3_finalize(st);
	return error;
}

int
ks_store_key_add(ks_store *s, int64_t client, const char *kid,
    const char *alg, const char *public_jwk, const char *key_path,
    const char *state)
{
	sqlite3_stmt *st = NULL;
	int64_t now = ks_store__now();
	bool exists;
	int error;

	if ((error = ks_store_kid_exists(s, kid, &exists)) < 0)
		return error;
	if (exists) {
		ks_error_set(KS_ERROR_STORE, "kid '%s' was used before: kids "
		    "are never reused", kid);
		return KS_EEXISTS;
	}
	if ((error = ks_store__prepare(s, &st, "INSERT INTO key (client, kid, "
	    "alg, public_jwk, key_path, state, created_at, updated_at) "
	    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, client);
	ks_store__bind_text(st, 2, kid);
	ks_store__bind_text(st, 3, alg);
	ks_store__bind_text(st, 4, public_jwk);
	ks_store__bind_text(st, 5, key_path);
	ks_store__bind_text(st, 6, state);
	sqlite3_bind_int64(st, 7, now);
	error = ks_store__step_done(s, st, "cannot record the key");
	sqlite3_finalize(st);
	return error;
}

int
ks_store_key_set_state(ks_store *s, const char *kid, const char *state)
{
	return exec_bound(s, "UPDATE key SET state = ?2, updated_at = ?3 "
	    "WHERE kid = ?1 AND ?4 = ?4", "cannot record the key state", kid,
	    state, ks_store__now(), 0);
}

int
ks_store_foreach_key(ks_store *s, int64_t client, ks_key_cb cb, void *payload)
{
	sqlite3_stmt *st = NULL;
	struct ks_key_record k;
	int rc, error;

	if ((error = ks_store__prepare(s, &st, "SELECT id, kid, alg, "
	    "public_jwk, key_path, state, created_at, updated_at FROM key "
	    "WHERE client = ?1 ORDER BY id")) < 0)
		return error;
	sqlite3_bind_int64(st, 1, client);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k.id = sqlite3_column_int64(st, 0);
		k.kid = col_dup(st, 1);
		k.alg = col_dup(st, 2);
		k.public_jwk = col_dup(st, 3);
		k.key_path = col_dup(st, 4);
		k.state = col_dup(st, 5);
		k.created_at = sqlite3_column_int64(st, 6);
		k.updated_at = sqlite3_column_int64(st, 7);
		if (!k.kid || !k.alg || !k.public_jwk || !k.key_path ||
		    !k.state)
			error = KS_ENOMEM;
		else if (cb(&k, payload))
			error = KS_EUSER;
		ks_key_record_dispose(&k);
		if (error < 0)
			goto done;
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc, "cannot list keys");
done:
	sqlite3_finalize(st);
	return error;
}

int
ks_store_foreach_found_client(ks_store *s, const char *fingerprint,
    ks_found_client_cb cb, void *payload)
{
	struct ks_found_client c;
	sqlite3_stmt *st = NULL;
	int rc, error;

	if ((error = ks_store__prepare(s, &st, "SELECT provider, issuer, "
	    "client_id, public_client FROM oauth_client WHERE fingerprint = ?1 "
	    "ORDER BY last_run DESC, id")) < 0)
		return error;
	ks_store__bind_text(st, 1, fingerprint);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		c.provider = (const char *)sqlite3_column_text(st, 0);
		c.issuer = (const char *)sqlite3_column_text(st, 1);
		c.client_id = (const char *)sqlite3_column_text(st, 2);
		c.public_client = sqlite3_column_int(st, 3) != 0;
		if (cb(&c, payload)) {
			error = KS_EUSER;
			goto done;
		}
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc, "cannot read the clients");
done:
	sqlite3_finalize(st);
	return error;
}
