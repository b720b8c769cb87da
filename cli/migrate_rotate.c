/*
 * cli/migrate_rotate.c - `keyshift keys rotate --client ID`: replace a
 * migrated client's signing key with overlap, so that no token request
 * fails while it happens
 *
 *   1. make a new key (a new kid: kids are never reused)       pending
 *   2. register it beside the current one (RFC 7592 PUT with
 *      both keys) and prove it gets a token                     published
 *   3. wait --publish-wait (servers that cache a jwks_uri need
 *      max(TTL, max-age); inline jwks take effect at once)
 *   4. switch signing: <key-dir>/<client>.pem now points at
 *      the new key (an atomic rename); the old key is           retiring
 *   5. wait --retire-wait (every assertion signed with the old
 *      key has expired or been used: >= assertion lifetime)
 *   6. register the new key alone                               old: removed
 *
 * Each key's state is in the store, so an interrupted rotation resumes
 * at the step after the last one recorded. The client configuration is
 * rewritten at the switch (it names the kid).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyshift/error.h>
#include <keyshift/jose.h>
#include <keyshift/migrate.h>

#include "cli.h"
#include "cmd_migrate.h"
#include "exitcode.h"
#include "store_migrate.h"

static const char rotate_usage[] =
"usage: keyshift keys rotate --client ID [--issuer ISS] [--alg ALG]\n"
"                            [--publish-wait S] [--retire-wait S]\n"
"                            [--registration-token-file F] [--store FILE]\n"
"\n"
"Replace the signing key of a client that 'keyshift migrate' moved to\n"
"private_key_jwt: publish the new key beside the old one, switch signing\n"
"(the key path the configuration names now holds the new key), then\n"
"retire the old key. A kid is never reused.\n"
"  --publish-wait S   wait between publishing and switching (default 0:\n"
"                     inline keys take effect at once; for a jwks_uri use\n"
"                     the server's cache time)\n"
"  --retire-wait S    wait between switching and retiring (default 75: the\n"
"                     60 s assertion lifetime plus clock tolerance)\n";

struct keyset {
	struct ks_key_record active, published, retiring;
};

static void
drop(struct ks_key_record *r)
{
	/* strdup'd members: freed with libc */
	free(r->kid);
	free(r->alg);
	free(r->key_path);
	free(r->state);
	memset(r, 0, sizeof(*r));
}

static void
keep(struct ks_key_record *dst, const struct ks_key_record *src)
{
	drop(dst);
	dst->kid = strdup(src->kid);
	dst->alg = strdup(src->alg);
	dst->key_path = strdup(src->key_path);
	dst->state = strdup(src->state);
}

static int
on_key(const struct ks_key_record *k, void *payload)
{
	struct keyset *s = payload;

	if (strcmp(k->state, "active") == 0)
		keep(&s->active, k);
	else if (strcmp(k->state, "published") == 0 ||
	    strcmp(k->state, "pending") == 0)
		keep(&s->published, k);
	else if (strcmp(k->state, "retiring") == 0)
		keep(&s->retiring, k);
	return 0;
}

static void
keyset_dispose(struct keyset *s)
{
	drop(&s->active);
	drop(&s->published);
	drop(&s->retiring);
}

struct rot {
	struct mig_args *a;
	ks_store *store;
	struct ks_mig_record rec;
	struct mig_log log;
	ks_migrate_ctx *ctx;
	ks_as_metadata meta;
	char token_path[4096];
	char key_link[4600];
};

static int
load(ks_key **out, const struct ks_key_record *r)
{
	ks_jose_alg alg;

	if (ks_key_load_file(out, r->key_path, NULL) < 0)
		return -1;
	if (ks_jose_alg_parse(&alg, r->alg) == 0 &&
	    ks_key_set_alg(*out, alg) < 0)
		return -1;
	return 0;
}

/* RFC 7592 PUT with exactly `keys`; save a rotated token. */
static int
put_keys(struct rot *r, ks_key *const *keys, size_t n, ks_jose_alg pin)
{
	ks_register_options ro = KS_REGISTER_OPTIONS_INIT;
	ks_register_result res;
	ks_jwks *set = NULL;
	char *token = NULL;
	size_t i;
	int rc = -1;

	if (mig_read_secret(&token, r->token_path, NULL) < 0) {
		ks_cli_error_last("cannot read the registration access token");
		return -1;
	}
	if (ks_jwks_new(&set) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (ks_jwks_add(set, keys[i]) < 0)
			goto done;
	ro.client_id = r->rec.client_id;
	ro.registration_uri = r->rec.registration_uri;
	ro.token = token;
	ro.jwks = set;
	ro.alg = pin;
	ro.clear_alg = !pin;
	if (ks_migrate_register(&res, r->ctx, &ro) < 0) {
		ks_cli_error_last("registration failed");
		goto done;
	}
	if (res.new_token && mig_save_token(r->token_path, res.new_token) < 0)
		ks_cli_error_last("cannot save the rotated registration access "
		    "token");
	else
		rc = 0;
	mig_event(&r->log, "rotate", "registered kids %s", res.kids ?
	    res.kids : "?");
	ks_register_result_dispose(&res);
done:
	ks_jwks_free(set);
	ks_jose_passphrase_free(token);
	return rc;
}

static int
proves(struct rot *r, ks_key *key)
{
	ks_verify_options vo = KS_VERIFY_OPTIONS_INIT;
	ks_verify_result v;

	vo.client_id = r->rec.client_id;
	vo.key = key;
	if (ks_migrate_verify(&v, r->ctx, &r->meta, &vo) < 0) {
		ks_cli_error_last("verification failed");
		return -1;
	}
	if (!v.token) {
		ks_cli_error("the new key does not get a token: %ld %s",
		    v.status, v.error);
		return -1;
	}
	return 0;
}

static void
pause_for(const char *what, int64_t s)
{
	if (s <= 0)
		return;
	printf("waiting %lld s (%s)\n", (long long)s, what);
	fflush(stdout);
	sleep((unsigned)s);
}

static const char *
base_name(const char *p)
{
	const char *s = strrchr(p, '/');

	return s ? s + 1 : p;
}

static int
rotate(struct rot *r, struct keyset *ks)
{
	struct mig_args *a = r->a;
	ks_key *old = NULL, *neu = NULL, *pair[2];
	char name[256], path[4600], dir[4096], *slash;
	ks_buf jwk = KS_BUF_INIT;
	int rc = KS_EXIT_RUNTIME;

	if (!ks->active.kid) {
		ks_cli_error("client '%s' has no active key", r->rec.client_id);
		return rc;
	}
	snprintf(dir, sizeof(dir), "%s", ks->active.key_path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	mig_safe_name(name, sizeof(name), r->rec.client_id);
	snprintf(r->key_link, sizeof(r->key_link), "%s/%s.pem", dir, name);
	if (load(&old, &ks->active) < 0) {
		ks_cli_error_last("cannot load the active key");
		goto done;
	}
	/* 1. the new key, unless an interrupted rotation made one */
	if (ks->published.kid) {
		if (load(&neu, &ks->published) < 0) {
			ks_cli_error_last("cannot load the new key");
			goto done;
		}
		printf("resuming: new key %s\n", ks_key_kid(neu));
	} else {
		ks_jose_alg alg = ks_key_alg(old);
		bool used;

		if (a->alg_name && ks_jose_alg_parse(&alg, a->alg_name) < 0) {
			ks_cli_error("--alg must be ES256, ES384, PS256, RS256 "
			    "or EdDSA");
			rc = KS_EXIT_USAGE;
			goto done;
		}
		if (ks_key_generate(&neu, alg, 0) < 0 ||
		    ks_store_kid_exists(r->store, ks_key_kid(neu), &used) < 0) {
			ks_cli_error_last("cannot generate the key");
			goto done;
		}
		if (used) {
			ks_cli_error("kid collision: refusing to reuse a kid");
			goto done;
		}
		snprintf(path, sizeof(path), "%s/%s-%.16s.pem", dir, name,
		    ks_key_kid(neu));
		if (ks_key_write_pem(neu, path, NULL) < 0 ||
		    ks_key_to_jwk(&jwk, neu, 0) < 0 ||
		    ks_store_key_add(r->store, r->rec.client, ks_key_kid(neu),
		    ks_jose_alg_name(ks_key_alg(neu)), jwk.ptr, path,
		    "pending") < 0) {
			ks_cli_error_last("cannot record the new key");
			goto done;
		}
		mig_event(&r->log, "rotate", "new key kid %s (%s) at %s",
		    ks_key_kid(neu), ks_jose_alg_name(ks_key_alg(neu)), path);
		printf("new key: %s %s\n", ks_jose_alg_name(ks_key_alg(neu)),
		    ks_key_kid(neu));
	}
	/* 2. publish both; prove the new one works */
	pair[0] = old;
	pair[1] = neu;
	if (put_keys(r, pair, 2, ks_key_alg(old) == ks_key_alg(neu) ?
	    ks_key_alg(neu) : KS_JOSE_ALG_UNKNOWN) < 0 || proves(r, neu) < 0)
		goto done;
	if (ks_store_key_set_state(r->store, ks_key_kid(neu), "published") < 0)
		goto store_fail;
	printf("published: %s beside %s\n", ks_key_kid(neu), ks_key_kid(old));
	/* 3. - 4. wait, switch */
	pause_for("publish wait", a->publish_wait < 0 ? 0 : a->publish_wait);
	if (mig_relink(r->key_link, base_name(ks->published.key_path ?
	    ks->published.key_path : path)) < 0)
		goto done;
	if (ks_store_key_set_state(r->store, ks_key_kid(neu), "active") < 0 ||
	    ks_store_key_set_state(r->store, ks_key_kid(old), "retiring") < 0)
		goto store_fail;
	mig_event(&r->log, "rotate", "signing switched to kid %s; kid %s "
	    "retiring", ks_key_kid(neu), ks_key_kid(old));
	printf("switched: %s now signs (%s)\n", ks_key_kid(neu), r->key_link);
	if (r->rec.config_dir) {
		ks_client_config cc = KS_CLIENT_CONFIG_INIT;

		cc.issuer = r->meta.issuer;
		cc.token_endpoint = r->meta.token_endpoint;
		cc.client_id = r->rec.client_id;
		cc.key_path = r->key_link;
		cc.key = neu;
		cc.alg = ks_key_alg(neu);
		if (ks_client_config_write(r->rec.config_dir, &cc, NULL) < 0)
			ks_cli_error_last("cannot rewrite the configuration");
	}
	/* 5. - 6. wait, retire */
	pause_for("retire wait", a->retire_wait < 0 ? 75 : a->retire_wait);
	pair[0] = neu;
	if (put_keys(r, pair, 1, ks_key_alg(neu)) < 0)
		goto done;
	if (ks_store_key_set_state(r->store, ks_key_kid(old), "removed") < 0)
		goto store_fail;
	mig_event(&r->log, "rotate", "kid %s removed", ks_key_kid(old));
	printf("retired: %s removed; %s is the only key\n", ks_key_kid(old),
	    ks_key_kid(neu));
	rc = KS_EXIT_OK;
	goto done;
store_fail:
	ks_cli_error_last("cannot record the key state");
done:
	ks_buf_dispose(&jwk);
	ks_key_free(old);
	ks_key_free(neu);
	return rc;
}

/* Only the retire step was left: finish it. */
static int
finish_retire(struct rot *r, struct keyset *ks)
{
	ks_key *neu = NULL;
	int rc = KS_EXIT_RUNTIME;

	if (load(&neu, &ks->active) < 0) {
		ks_cli_error_last("cannot load the active key");
		return rc;
	}
	printf("resuming: retiring %s\n", ks->retiring.kid);
	pause_for("retire wait", r->a->retire_wait < 0 ? 75 : r->a->retire_wait);
	if (put_keys(r, &neu, 1, ks_key_alg(neu)) == 0 &&
	    ks_store_key_set_state(r->store, ks->retiring.kid, "removed") == 0) {
		mig_event(&r->log, "rotate", "kid %s removed", ks->retiring.kid);
		printf("retired: %s removed\n", ks->retiring.kid);
		rc = KS_EXIT_OK;
	}
	ks_key_free(neu);
	return rc;
}

int
cmd_keys_rotate(int argc, char **argv)
{
	struct mig_args a;
	struct rot r;
	struct keyset ks;
	int rc;

	if ((rc = mig_parse(&a, argc, argv, rotate_usage, false)) >= 0)
		return rc;
	if (!a.client_id) {
		ks_cli_error("rotate needs --client ID");
		fputs(rotate_usage, stderr);
		return KS_EXIT_USAGE;
	}
	memset(&r, 0, sizeof(r));
	memset(&ks, 0, sizeof(ks));
	r.a = &a;
	r.log.verbose = a.verbose;
	rc = KS_EXIT_RUNTIME;
	if (mig_open_store(&r.store, a.store_path) < 0) {
		ks_cli_error_last("cannot open the datastore");
		return rc;
	}
	if (ks_store_migration_get(&r.rec, r.store, a.issuer, a.client_id) < 0) {
		ks_cli_error_last("cannot rotate");
		goto done;
	}
	r.log.store = r.store;
	r.log.migration = r.rec.id;
	if (ks_store_migration_state_rank(r.rec.resume_state) <
	    ks_store_migration_state_rank(KS_MIG_REGISTERED) ||
	    !r.rec.registration_uri) {
		ks_cli_error("client '%s' is not migrated yet: run 'keyshift "
		    "migrate' first", a.client_id);
		goto done;
	}
	snprintf(r.token_path, sizeof(r.token_path), "%s", a.token_file ?
	    a.token_file : r.rec.token_file ? r.rec.token_file : "");
	if (!r.token_path[0]) {
		ks_cli_error("no registration access token: "
		    "--registration-token-file F");
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (ks_store_foreach_key(r.store, r.rec.client, on_key, &ks) < 0) {
		ks_cli_error_last("cannot read keys");
		goto done;
	}
	if (mig_ctx(&r.ctx, &a, &r.log) < 0 ||
	    ks_discover(&r.meta, r.ctx, r.rec.issuer) < 0) {
		ks_cli_error_last("discovery failed");
		goto done;
	}
	rc = ks.retiring.kid && !ks.published.kid ? finish_retire(&r, &ks) :
	    rotate(&r, &ks);
	ks_as_metadata_dispose(&r.meta);
done:
	keyset_dispose(&ks);
	ks_mig_record_dispose(&r.rec);
	ks_migrate_ctx_free(r.ctx);
	ks_store_close(r.store);
	return rc;
}
