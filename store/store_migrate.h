/*
 * store/store_migrate.h - OAuth clients, their keys and the migration
 * journal (store/schema/0003_migration.sql)
 *
 * Library-internal: used by the migration flow (migrate/flow.c) and the
 * `keyshift migrate` and `keyshift keys rotate` commands. Each call is
 * its own transaction (autocommit), so a crash between two steps leaves
 * the journal at the last step that completed: that is what makes a
 * migration resumable. Nothing stored here is secret: the registration
 * access token lives in a 0600 file whose *path* is stored, the private
 * key likewise.
 *
 * Records handed out own their strings (allocated with ks__malloc):
 * release them with the matching _dispose().
 */
#ifndef KS_STORE_STORE_MIGRATE_H
#define KS_STORE_STORE_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include <keyshift/store.h>

/* The states of a migration, in order; "failed" is outside the order. */
#define KS_MIG_PLANNED "planned"
#define KS_MIG_KEY_GENERATED "key_generated"
#define KS_MIG_REGISTERED "registered"
#define KS_MIG_VERIFIED "verified"
#define KS_MIG_SECRET_RETIRED "secret_retired"
#define KS_MIG_FAILED "failed"

/* The position of `state` in the order (planned = 0), -1 for failed or
 * an unknown name. */
int ks_store_migration_state_rank(const char *state);

struct ks_mig_record {
	int64_t id;               /* migration row */
	int64_t client;           /* client row */
	char *issuer;
	char *client_id;
	char *provider;
	char *registration_uri;   /* or NULL */
	char *token_file;         /* or NULL */
	char *fingerprint;        /* the finding, or NULL */
	char *state;
	char *resume_state;       /* the last good state */
	char *error;              /* or NULL */
	char *config_dir;         /* or NULL */
	int64_t created_at, updated_at;
};

void ks_mig_record_dispose(struct ks_mig_record *r);

/*
 * Plan the migration of (issuer, client_id): create the client and its
 * migration ("planned") unless they exist; link the finding named by
 * `fingerprint` (full, or NULL). `*created` says whether it was new.
 */
int ks_store_migration_plan(ks_store *s, const char *issuer,
    const char *client_id, const char *fingerprint, int64_t *id_out,
    bool *created) KS_WARN_UNUSED;

/*
 * Read the migration of `client_id` (at `issuer`, or at the one issuer
 * that has such a client when `issuer` is NULL).
 * @return 0; KS_ENOTFOUND; KS_EINVALID (ambiguous without an issuer).
 */
int ks_store_migration_get(struct ks_mig_record *out, ks_store *s,
    const char *issuer, const char *client_id) KS_WARN_UNUSED;

/* Read a migration by row id. @return 0; KS_ENOTFOUND. */
int ks_store_migration_get_id(struct ks_mig_record *out, ks_store *s,
    int64_t id) KS_WARN_UNUSED;

/*
 * Move to `state` (recording an event). A good state also becomes the
 * resume state; "failed" keeps it and stores `error` (never a secret).
 */
int ks_store_migration_set_state(ks_store *s, int64_t id, const char *state,
    const char *error) KS_WARN_UNUSED;

/* Set one of the client's or migration's text fields: "provider",
 * "registration_uri", "token_file" (client) or "config_dir" (migration). */
int ks_store_migration_set(ks_store *s, int64_t id, const char *field,
    const char *value) KS_WARN_UNUSED;

/* Append one journal event. `detail` must hold no secret material. */
int ks_store_migration_event(ks_store *s, int64_t id, const char *step,
    const char *detail) KS_WARN_UNUSED;

typedef int (*ks_mig_cb)(const struct ks_mig_record *r, void *payload);
/* Every migration, by (issuer, client_id). Non-zero stops: KS_EUSER. */
int ks_store_foreach_migration(ks_store *s, ks_mig_cb cb, void *payload)
    KS_WARN_UNUSED;

typedef int (*ks_mig_event_cb)(int64_t at, const char *step,
    const char *detail, void *payload);
/* The journal of one migration, oldest first. */
int ks_store_foreach_migration_event(ks_store *s, int64_t id,
    ks_mig_event_cb cb, void *payload) KS_WARN_UNUSED;

struct ks_key_record {
	int64_t id;
	char *kid;
	char *alg;
	char *public_jwk;
	char *key_path;
	char *state;              /* pending, published, active, ... */
	int64_t created_at, updated_at;
};

void ks_key_record_dispose(struct ks_key_record *r);

/* Whether a kid was ever recorded, for any client. */
int ks_store_kid_exists(ks_store *s, const char *kid, bool *exists)
    KS_WARN_UNUSED;

/* Record a new key of client row `client`. KS_EEXISTS: the kid was
 * already used (kids are never reused). */
int ks_store_key_add(ks_store *s, int64_t client, const char *kid,
    const char *alg, const char *public_jwk, const char *key_path,
    const char *state) KS_WARN_UNUSED;

int ks_store_key_set_state(ks_store *s, const char *kid, const char *state)
    KS_WARN_UNUSED;

typedef int (*ks_key_cb)(const struct ks_key_record *k, void *payload);
/* The keys of client row `client`, oldest first. */
int ks_store_foreach_key(ks_store *s, int64_t client, ks_key_cb cb,
    void *payload) KS_WARN_UNUSED;

/* What detection recorded about the client a secret belongs to
 * (store/schema/0005_oauth_clients.sql); strings borrowed for the call,
 * '' when unknown. */
struct ks_found_client {
	const char *provider;
	const char *issuer;
	const char *client_id;
	bool public_client;
};

typedef int (*ks_found_client_cb)(const struct ks_found_client *c,
    void *payload);

/* The clients recorded with finding `fingerprint` (full), most recently
 * seen first. Non-zero from `cb` stops: KS_EUSER. */
int ks_store_foreach_found_client(ks_store *s, const char *fingerprint,
    ks_found_client_cb cb, void *payload) KS_WARN_UNUSED;

#endif
