/*
 * cli/cmd_migrate.h - what cmd_migrate.c shares with migrate_flow.c and
 * migrate_rotate.c
 */
#ifndef KS_CLI_CMD_MIGRATE_H
#define KS_CLI_CMD_MIGRATE_H

#include <stdbool.h>
#include <stdint.h>

#include <keyshift/jose.h>
#include <keyshift/migrate.h>
#include <keyshift/store.h>

/* Every option of every migrate subcommand; each checks what it needs. */
struct mig_args {
	const char *issuer, *client_id, *key_path, *passphrase_file;
	const char *old_secret_file, *registration_uri, *token_file;
	const char *initial_token_file, *jwks_uri, *alg_name, *scope;
	const char *store_path, *key_dir, *config_dir, *until, *replacement;
	const char *provider, *admin_url, *admin_token_file, *realm, *app_id;
	const char *client_name;
	const char *target;                 /* FINGERPRINT or CLIENT_ID */
	bool new_client, dry_run, yes, apply, loopback, verbose, no_probes;
	bool journal;
	int64_t publish_wait, retire_wait;  /* rotation; -1: default */
};

/* The journal binding of the log callback: HTTP steps land in `store`
 * under `migration` when both are set. */
struct mig_log {
	bool verbose;
	ks_store *store;
	int64_t migration;
};

void mig_log_cb(ks_mlog_level level, const char *message, void *payload);

/* Create a context with the args' network options. */
int mig_ctx(ks_migrate_ctx **out, const struct mig_args *a,
    struct mig_log *log);

/* Read a secret from the first line of `file`, else from the environment
 * variable `env`; NULL with no error when neither is set. Free with
 * ks_jose_passphrase_free(). */
int mig_read_secret(char **out, const char *file, const char *env);

/* Write a rotated registration access token (0600, replacing). */
int mig_save_token(const char *path, const char *token);

/* Open the datastore named by --store or the default. */
int mig_open_store(ks_store **out, const char *path);

/* Journal an event (no secrets); errors are reported, not returned. */
void mig_event(struct mig_log *log, const char *step, const char *fmt, ...)
    KS_PRINTF(3, 4);

/* Make a file-name-safe copy of `s` into `out` (cap bytes). */
void mig_safe_name(char *out, size_t cap, const char *s);

/* Atomically point the symlink `link` at `target` (relative name). */
int mig_relink(const char *link, const char *target);

/* The guided flow and status (migrate_flow.c). */
int mig_flow(struct mig_args *a);
int mig_status(struct mig_args *a);

/* keys rotate --client ID (migrate_rotate.c). */
int cmd_keys_rotate(int argc, char **argv);

/* Parse the shared options; `usage` is printed on error. Returns -1 on
 * success (continue), else an exit code. */
int mig_parse(struct mig_args *a, int argc, char **argv, const char *usage,
    bool operand_ok);

#endif
