/*
 * cli/migrate_flow.c - `keyshift migrate [FINGERPRINT|CLIENT_ID]`: the
 * guided, journalled, resumable migration of one client, and
 * `keyshift migrate status`
 *
 * The flow is a state machine persisted in the store (store_migrate.h):
 *
 *   planned -> key_generated -> registered -> verified -> secret_retired
 *
 * Each step starts from the state the journal says was last reached
 * (resume_state), so a run that was interrupted, failed or stopped with
 * --until picks up where it left off; a step that already happened is
 * never repeated (RFC 7592 registration is idempotent on top: a record
 * that already has our keys is not PUT again). After the last state the
 * client configuration and the patch for the leaking file are written;
 * they are derived data, rewritten on every run.
 *
 * At a terminal every step is confirmed first (Enter takes the safe
 * default: yes, except for the switch itself, which cuts off the secret
 * and defaults to no; "n" stops and the journal keeps the place); --yes
 * confirms them all. Without
 * a terminal and without --yes, only the plan is printed.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <keyshift/error.h>
#include <keyshift/inventory.h>
#include <keyshift/jose.h>
#include <keyshift/migrate.h>
#include <keyshift/store.h>

#include "alloc.h"
#include "cli.h"
#include "cmd_migrate.h"
#include "exitcode.h"
#include "fileio.h"
#include "store_migrate.h"
#include "str.h"

#define PATH_CAP 4096
/* run_steps(): stopped on purpose (--until, or "n" at a prompt) */
#define FLOW_STOPPED (-1)

struct flow {
	struct mig_args *a;
	ks_store *store;
	struct ks_mig_record rec;
	bool have_rec;
	struct mig_log log;
	ks_migrate_ctx *ctx;
	ks_as_metadata meta;
	bool have_meta;
	ks_key *key;
	char key_dir[PATH_CAP];
	char key_link[PATH_CAP];     /* stable path: <dir>/<client>.pem */
	char key_file[PATH_CAP];     /* the file it points to */
	ks_finding_info finding;
	bool have_finding;
	bool interactive;
	const char *audience;        /* what the server accepted */
	char client_name[200];
};

/* ------------------------------------------------------------------ */
/* terminal                                                           */

/* Ask a yes/no question at the terminal; Enter means `dflt`. */
static bool
vask(struct flow *f, bool dflt, const char *fmt, va_list ap)
{
	char q[512], line[64];

	vsnprintf(q, sizeof(q), fmt, ap);
	if (f->a->yes)
		return true;
	if (!f->interactive)
		return false;
	printf("%s %s ", q, dflt ? "[Y/n]" : "[y/N]");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	if (line[0] == '\n')
		return dflt;
	return line[0] == 'y' || line[0] == 'Y';
}

static bool
ask(struct flow *f, const char *fmt, ...)
{
	va_list ap;
	bool yes;

	va_start(ap, fmt);
	yes = vask(f, true, fmt, ap);
	va_end(ap);
	return yes;
}

/* The same for a step that cannot be taken back: Enter means no. */
static bool
ask_no(struct flow *f, const char *fmt, ...)
{
	va_list ap;
	bool yes;

	va_start(ap, fmt);
	yes = vask(f, false, fmt, ap);
	va_end(ap);
	return yes;
}

/* Ask for a value at the terminal; NULL when not interactive. */
static char *
ask_value(struct flow *f, const char *what)
{
	char line[2048];
	size_t n;

	if (!f->interactive)
		return NULL;
	printf("%s: ", what);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return NULL;
	n = strcspn(line, "\r\n");
	line[n] = '\0';
	return n ? strdup(line) : NULL;
}

/* ------------------------------------------------------------------ */
/* state helpers                                                      */

static int
rank(const char *state)
{
	return ks_store_migration_state_rank(state);
}

static bool
reached(struct flow *f, const char *state)
{
	return rank(f->rec.resume_state) >= rank(state);
}

static int
reload(struct flow *f)
{
	int64_t id = f->rec.id;

	ks_mig_record_dispose(&f->rec);
	if (ks_store_migration_get_id(&f->rec, f->store, id) < 0) {
		ks_cli_error_last("cannot read the migration");
		f->have_rec = false;
		return -1;
	}
	return 0;
}

static int
set_state(struct flow *f, const char *state)
{
	if (ks_store_migration_set_state(f->store, f->rec.id, state, NULL) < 0) {
		ks_cli_error_last("cannot record the state");
		return -1;
	}
	printf("state: %s\n", state);
	return reload(f);
}

/* Record a failure with the last error's message; return `rc`. */
static int
fail(struct flow *f, int rc, const char *what)
{
	const ks_error *e = ks_error_last();
	char msg[1024];

	snprintf(msg, sizeof(msg), "%s: %s", what, e && e->message ?
	    e->message : "unknown error");
	ks_cli_error("%s", msg);
	if (f->have_rec && ks_store_migration_set_state(f->store, f->rec.id,
	    KS_MIG_FAILED, msg) < 0)
		ks_cli_error_last("cannot record the failure");
	return rc;
}

static int
fail_msg(struct flow *f, int rc, const char *msg)
{
	ks_cli_error("%s", msg);
	if (f->have_rec && ks_store_migration_set_state(f->store, f->rec.id,
	    KS_MIG_FAILED, msg) < 0)
		ks_cli_error_last("cannot record the failure");
	return rc;
}

/* --until: stop once `state` is reached. */
static bool
stop_here(struct flow *f, const char *state)
{
	if (f->a->until && rank(state) >= rank(f->a->until)) {
		printf("stopped at %s (--until); run again to resume\n", state);
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* target                                                             */

struct pick {
	ks_finding_info infos[16];
	size_t n, total;
};

static int
on_candidate(const ks_finding_info *info, void *payload)
{
	struct pick *p = payload;

	if (p->n < 16) {
		ks_finding_info *c = &p->infos[p->n++];

		memset(c, 0, sizeof(*c));
		memcpy(c->fingerprint, info->fingerprint, sizeof(c->fingerprint));
		c->client_id = info->client_id ? strdup(info->client_id) : NULL;
		c->issuer = info->issuer ? strdup(info->issuer) : NULL;
		c->secret_preview = info->secret_preview ?
		    strdup(info->secret_preview) : NULL;
	}
	p->total++;
	return 0;
}

static void
pick_dispose(struct pick *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->infos[i].client_id);
		free(p->infos[i].issuer);
		free(p->infos[i].secret_preview);
	}
}

static bool
is_hex_prefix(const char *s)
{
	size_t n = strlen(s);

	return n >= 8 && n <= KS_FINGERPRINT_HEXLEN &&
	    strspn(s, "0123456789abcdefABCDEF") == n;
}

static int
load_finding(struct flow *f, const char *fp)
{
	if (ks_store_finding_get(&f->finding, f->store, fp, true) < 0) {
		ks_cli_error_last("cannot read the finding");
		return -1;
	}
	f->have_finding = true;
	return 0;
}

struct found {
	char provider[64];
	char issuer[2048];
	char client_id[512];
	bool public_client;
	int n;
};

static int
on_found(const struct ks_found_client *c, void *payload)
{
	struct found *fd = payload;

	if (fd->n++ == 0) {
		snprintf(fd->provider, sizeof(fd->provider), "%s", c->provider);
		snprintf(fd->issuer, sizeof(fd->issuer), "%s", c->issuer);
		snprintf(fd->client_id, sizeof(fd->client_id), "%s",
		    c->client_id);
	}
	fd->public_client |= c->public_client;
	return 0;
}

/*
 * What detection recorded about the secret's client: a public client is
 * refused (its remedy is PKCE), a known vendor is named, and a client id
 * or issuer the finding lacks is taken from the record.
 */
static int
found_client(struct flow *f)
{
	struct found fd;

	memset(&fd, 0, sizeof(fd));
	if (ks_store_foreach_found_client(f->store, f->finding.fingerprint,
	    on_found, &fd) < 0) {
		ks_cli_error_last("cannot read the clients found with the secret");
		return KS_EXIT_RUNTIME;
	}
	if (fd.public_client) {
		ks_cli_error("the secret belongs to a public client (e.g. an "
		    "installed app): its remedy is PKCE, not private_key_jwt; "
		    "revoke the secret instead");
		return KS_EXIT_FINDINGS;
	}
	if (fd.provider[0] && !f->a->provider && strcmp(fd.provider, "google"))
		printf("detected provider: %s (its admin API: --provider; RFC "
		    "7592 is used otherwise)\n", fd.provider);
	if (!f->finding.client_id && fd.client_id[0] &&
	    (f->finding.client_id = ks__strdup(fd.client_id)) == NULL)
		return KS_EXIT_RUNTIME;
	if (!f->finding.issuer && fd.issuer[0] &&
	    (f->finding.issuer = ks__strdup(fd.issuer)) == NULL)
		return KS_EXIT_RUNTIME;
	return 0;
}

struct by_finding {
	const char *fingerprint;
	char *client_id, *issuer;   /* strdup'd */
};

static int
on_migration(const struct ks_mig_record *r, void *payload)
{
	struct by_finding *bf = payload;

	if (!r->fingerprint || strcmp(r->fingerprint, bf->fingerprint) != 0)
		return 0;
	bf->client_id = strdup(r->client_id);
	bf->issuer = strdup(r->issuer);
	return 1;
}

/* Find the finding (if any), the client id and the issuer. */
static int
resolve(struct flow *f, char **client_out, char **issuer_out)
{
	ks_inventory_filter filter = KS_INVENTORY_FILTER_INIT;
	struct mig_args *a = f->a;
	char fp[KS_FINGERPRINT_HEXLEN + 1];
	struct pick p = { .n = 0 };
	const char *cid = a->client_id, *iss = a->issuer;
	int rc = 0;

	*client_out = *issuer_out = NULL;
	if (a->target && is_hex_prefix(a->target) &&
	    ks_store_resolve_fingerprint(fp, f->store, a->target) == 0) {
		if (load_finding(f, fp) < 0)
			return KS_EXIT_RUNTIME;
	} else if (a->target) {
		cid = a->target;
	}
	if (!f->have_finding) {
		size_t i;

		filter.category = "oauth-client-secret";
		filter.status = "open";
		if (ks_store_foreach_finding(f->store, &filter, on_candidate,
		    &p) < 0) {
			ks_cli_error_last("cannot read findings");
			return KS_EXIT_RUNTIME;
		}
		/* a client id names its finding when detection paired them */
		for (i = 0; cid && i < p.n; i++)
			if (p.infos[i].client_id &&
			    strcmp(p.infos[i].client_id, cid) == 0)
				break;
		if (cid && i < p.n) {
			rc = load_finding(f, p.infos[i].fingerprint);
		} else if (p.total == 1 && (!a->target ||
		    !p.infos[0].client_id)) {
			/* the one unpaired secret: flags name its client */
			rc = load_finding(f, p.infos[0].fingerprint);
		} else if (!a->target && p.total > 1) {
			printf("findings of OAuth client secrets:\n");
			for (i = 0; i < p.n; i++)
				printf("  %zu. %.12s  %s  client %s  issuer %s\n",
				    i + 1, p.infos[i].fingerprint,
				    p.infos[i].secret_preview ?
				    p.infos[i].secret_preview : "",
				    p.infos[i].client_id ?
				    p.infos[i].client_id : "?",
				    p.infos[i].issuer ? p.infos[i].issuer : "?");
			if (f->interactive) {
				char *v = ask_value(f, "migrate which (number)");
				unsigned long k = 0;

				if (v && ks_cli_parse_uint(v, p.n, &k) && k)
					rc = load_finding(f,
					    p.infos[k - 1].fingerprint);
				else
					rc = -1;
				free(v);
			} else {
				ks_cli_error("%zu findings: name one by "
				    "fingerprint", p.total);
				rc = -1;
			}
			if (rc < 0) {
				pick_dispose(&p);
				return KS_EXIT_USAGE;
			}
		}
		if (rc < 0) {
			pick_dispose(&p);
			return KS_EXIT_RUNTIME;
		}
	}
	pick_dispose(&p);
	if (f->have_finding && (rc = found_client(f)) != 0)
		return rc;
	/* what detection paired with the secret wins over flags */
	if (f->have_finding && f->finding.client_id)
		cid = f->finding.client_id;
	if (f->have_finding && f->finding.issuer && !iss)
		iss = f->finding.issuer;
	/* resuming a finding's migration: the journal knows its client */
	if (!cid && f->have_finding) {
		struct by_finding bf = { f->finding.fingerprint, NULL, NULL };

		if (ks_store_foreach_migration(f->store, on_migration, &bf) < 0 &&
		    !bf.client_id) {
			ks_cli_error_last("cannot read migrations");
			return KS_EXIT_RUNTIME;
		}
		if (bf.client_id) {
			*client_out = bf.client_id;
			*issuer_out = bf.issuer;
			return 0;
		}
	}
	/* resuming: the journal knows the issuer */
	if (cid && !iss) {
		struct ks_mig_record r;

		if (ks_store_migration_get(&r, f->store, NULL, cid) == 0) {
			*issuer_out = strdup(r.issuer);
			ks_mig_record_dispose(&r);
		}
	}
	*client_out = cid ? strdup(cid) : ask_value(f, "client id");
	if (!*issuer_out)
		*issuer_out = iss ? strdup(iss) : ask_value(f,
		    "issuer (e.g. https://login.example.com)");
	if (!*client_out || !*issuer_out) {
		ks_cli_error("the flow needs the client id and the issuer: "
		    "--client-id and --issuer (the finding does not name %s)",
		    *client_out ? "the issuer" : "the client");
		return KS_EXIT_USAGE;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* steps                                                              */

static void
print_plan(struct flow *f)
{
	const struct mig_args *a = f->a;

	printf("Migration of client '%s' at %s to private_key_jwt\n",
	    f->rec.client_id, f->rec.issuer);
	if (f->have_finding)
		printf("  finding   %s (%s), %lld place(s)\n",
		    f->finding.fingerprint, f->finding.secret_preview,
		    (long long)f->finding.occurrences);
	printf("  state     %s%s%s\n", f->rec.state,
	    strcmp(f->rec.state, KS_MIG_FAILED) == 0 ? ", resuming from " : "",
	    strcmp(f->rec.state, KS_MIG_FAILED) == 0 ? f->rec.resume_state : "");
	if (f->rec.error)
		printf("  last error %s\n", f->rec.error);
	printf("  steps     %s discover the server's metadata (RFC 8414 / "
	    "OIDC)\n", "1.");
	printf("            %s generate a %s key in %s (0600)%s\n", "2.",
	    a->alg_name ? a->alg_name : "ES256", f->key_dir,
	    reached(f, KS_MIG_KEY_GENERATED) ? "  [done]" : "");
	printf("            %s switch the client to private_key_jwt (%s)"
	    "%s\n", "3.", a->provider ? a->provider : "RFC 7592",
	    reached(f, KS_MIG_REGISTERED) ? "  [done]" : "");
	printf("            %s verify a token request with the key, no secret"
	    "%s\n", "4.", reached(f, KS_MIG_VERIFIED) ? "  [done]" : "");
	printf("            %s prove the old secret dead (basic and post)%s\n",
	    "5.", reached(f, KS_MIG_SECRET_RETIRED) ? "  [done]" : "");
	printf("            %s write the client configuration and the patch\n",
	    "6.");
}

static int
discover(struct flow *f)
{
	if (ks_discover(&f->meta, f->ctx, f->rec.issuer) < 0)
		return fail(f, KS_EXIT_RUNTIME, "discovery failed");
	f->have_meta = true;
	printf("metadata: %s (token endpoint %s, clock skew %+lld s)\n",
	    f->meta.metadata_url, f->meta.token_endpoint,
	    (long long)f->meta.skew);
	mig_event(&f->log, "discover", "metadata %s; token endpoint %s; "
	    "skew %+lld s", f->meta.metadata_url, f->meta.token_endpoint,
	    (long long)f->meta.skew);
	return 0;
}

static bool
server_lists(const ks_as_metadata *m, const char *alg)
{
	size_t i;

	if (!m->n_signing_algs)
		return true;
	for (i = 0; i < m->n_signing_algs; i++)
		if (strcmp(m->signing_algs[i], alg) == 0 ||
		    (strcmp(alg, "EdDSA") == 0 &&
		    strcmp(m->signing_algs[i], "Ed25519") == 0))
			return true;
	return false;
}

static int
choose_alg(struct flow *f, ks_jose_alg *alg)
{
	static const char *const prefs[] = { "ES256", "PS256", "EdDSA",
	    "RS256" };
	size_t i;

	if (f->a->alg_name) {
		if (ks_jose_alg_parse(alg, f->a->alg_name) < 0) {
			ks_cli_error("--alg must be ES256, ES384, PS256, RS256 "
			    "or EdDSA");
			return -1;
		}
		if (!server_lists(&f->meta, f->a->alg_name))
			ks_cli_warn("the server does not list %s",
			    f->a->alg_name);
		return 0;
	}
	for (i = 0; i < sizeof(prefs) / sizeof(prefs[0]); i++)
		if (server_lists(&f->meta, prefs[i]))
			return ks_jose_alg_parse(alg, prefs[i]) < 0 ? -1 : 0;
	ks_cli_error("the server lists no algorithm keyshift signs with");
	return -1;
}

/* Point <dir>/<client>.pem at `target` (a name in the same directory). */
int
mig_relink(const char *link, const char *target)
{
	char tmp[PATH_CAP + 32];

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", link, (long)getpid());
	unlink(tmp);
	if (symlink(target, tmp) < 0 || rename(tmp, link) < 0) {
		ks_cli_error("cannot link '%s': %s", link, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

struct last_key {
	char *kid, *path, *alg;
};

static int
on_key(const struct ks_key_record *k, void *payload)
{
	struct last_key *l = payload;

	if (strcmp(k->state, "removed") == 0 ||
	    strcmp(k->state, "retiring") == 0)
		return 0;
	free(l->kid);
	free(l->path);
	free(l->alg);
	l->kid = strdup(k->kid);
	l->path = strdup(k->key_path);
	l->alg = strdup(k->alg);
	return 0;
}

static int
load_current_key(struct flow *f)
{
	struct last_key l = { NULL, NULL, NULL };
	ks_jose_alg alg;
	int rc = -1;

	if (ks_store_foreach_key(f->store, f->rec.client, on_key, &l) < 0) {
		ks_cli_error_last("cannot read keys");
		goto done;
	}
	if (!l.path) {
		ks_cli_error("the journal has no key for this client");
		goto done;
	}
	if (ks_key_load_file(&f->key, l.path, NULL) < 0 ||
	    (ks_jose_alg_parse(&alg, l.alg) == 0 &&
	    ks_key_set_alg(f->key, alg) < 0)) {
		ks_cli_error_last("cannot load the key");
		goto done;
	}
	snprintf(f->key_file, sizeof(f->key_file), "%s", l.path);
	rc = 0;
done:
	free(l.kid);
	free(l.path);
	free(l.alg);
	return rc;
}

static int
step_key(struct flow *f)
{
	char name[PATH_CAP], base[256];
	ks_buf jwk = KS_BUF_INIT;
	ks_jose_alg alg;
	bool exists;
	int rc = KS_EXIT_RUNTIME;

	if (reached(f, KS_MIG_KEY_GENERATED))
		return load_current_key(f) < 0 ? KS_EXIT_RUNTIME : 0;
	if (choose_alg(f, &alg) < 0)
		return KS_EXIT_USAGE;
	if (!ask(f, "Generate a %s key in %s?", ks_jose_alg_name(alg),
	    f->key_dir))
		return -1;
	if (ks_mkdir_p(f->key_dir, 0700) < 0 ||
	    ks_key_generate(&f->key, alg, 0) < 0)
		return fail(f, rc, "cannot generate the key");
	/* EdDSA under the name the server lists (RFC 9864 Ed25519) */
	if (alg == KS_JOSE_ALG_EDDSA && !server_lists(&f->meta, "EdDSA") &&
	    ks_key_set_alg(f->key, KS_JOSE_ALG_ED25519) < 0)
		return fail(f, rc, "cannot set the algorithm");
	if (ks_store_kid_exists(f->store, ks_key_kid(f->key), &exists) < 0 ||
	    exists)
		return fail_msg(f, rc, "the new key's kid was used before");
	snprintf(base, sizeof(base), "%s-%.16s.pem", f->client_name,
	    ks_key_kid(f->key));
	snprintf(name, sizeof(name), "%s/%s", f->key_dir, base);
	if (ks_key_write_pem(f->key, name, NULL) < 0)
		return fail(f, rc, "cannot write the key");
	snprintf(f->key_file, sizeof(f->key_file), "%s", name);
	if (mig_relink(f->key_link, base) < 0)
		return rc;
	if (ks_key_to_jwk(&jwk, f->key, 0) < 0 ||
	    ks_store_key_add(f->store, f->rec.client, ks_key_kid(f->key),
	    ks_jose_alg_name(ks_key_alg(f->key)), jwk.ptr, name,
	    "pending") < 0) {
		ks_buf_dispose(&jwk);
		return fail(f, rc, "cannot record the key");
	}
	ks_buf_dispose(&jwk);
	printf("key: %s, kid %s, %s\n", ks_jose_alg_name(ks_key_alg(f->key)),
	    ks_key_kid(f->key), name);
	mig_event(&f->log, "key", "generated %s key kid %s at %s",
	    ks_jose_alg_name(ks_key_alg(f->key)), ks_key_kid(f->key), name);
	return set_state(f, KS_MIG_KEY_GENERATED) < 0 ? rc : 0;
}

static int
token_path(struct flow *f, char *out, size_t cap)
{
	if (f->a->token_file)
		snprintf(out, cap, "%s", f->a->token_file);
	else if (f->rec.token_file)
		snprintf(out, cap, "%s", f->rec.token_file);
	else
		snprintf(out, cap, "%s/%s.registration-token", f->key_dir,
		    f->client_name);
	return 0;
}

/* Registration through a vendor's admin API (--provider). */
static int
step_register_provider(struct flow *f)
{
	ks_provider_request req = KS_PROVIDER_REQUEST_INIT;
	const struct ks_provider_ops *ops = ks_provider_lookup(f->a->provider);
	char *token = NULL;
	int rc = KS_EXIT_RUNTIME;

	if (!ops || !f->a->admin_url)
		return fail_msg(f, KS_EXIT_USAGE, "--provider needs a known "
		    "adapter (keycloak, okta, auth0, entra) and --admin-url");
	if (mig_read_secret(&token, f->a->admin_token_file,
	    "KEYSHIFT_ADMIN_TOKEN") < 0 || !token) {
		ks_jose_passphrase_free(token);
		return fail_msg(f, KS_EXIT_USAGE, "the admin API token is "
		    "needed: --admin-token-file F or $KEYSHIFT_ADMIN_TOKEN");
	}
	if (!ask_no(f, "Switch client '%s' to private_key_jwt through the %s "
	    "admin API at %s?", f->rec.client_id, ops->name,
	    f->a->admin_url)) {
		ks_jose_passphrase_free(token);
		return -1;
	}
	if (strcmp(ops->name, "entra") == 0 && ks_key_self_sign(f->key, 365) < 0) {
		rc = fail(f, rc, "cannot make the certificate");
		goto done;
	}
	req.admin_url = f->a->admin_url;
	req.admin_token = token;
	req.realm = f->a->realm;
	req.app_id = f->a->app_id;
	req.client_id = f->rec.client_id;
	req.key = f->key;
	req.jwks_uri = f->a->jwks_uri;
	if (ops->update_client(f->ctx, &req) < 0) {
		rc = fail(f, rc, "the admin API update failed");
		goto done;
	}
	mig_event(&f->log, "register", "switched to private_key_jwt through the "
	    "%s admin API at %s; kid %s", ops->name, f->a->admin_url,
	    ks_key_kid(f->key));
	printf("registered through the %s admin API: kid %s\n", ops->name,
	    ks_key_kid(f->key));
	if (ks_store_migration_set(f->store, f->rec.id, "provider",
	    ops->name) < 0 ||
	    ks_store_key_set_state(f->store, ks_key_kid(f->key), "active") < 0) {
		rc = fail(f, rc, "cannot record the registration");
		goto done;
	}
	rc = set_state(f, KS_MIG_REGISTERED) < 0 ? rc : 0;
done:
	ks_jose_passphrase_free(token);
	return rc;
}

static int
step_register(struct flow *f)
{
	ks_register_options ro = KS_REGISTER_OPTIONS_INIT;
	ks_register_result res;
	char uri[PATH_CAP], tpath[PATH_CAP];
	char *token = NULL;
	ks_jwks *set = NULL;
	int rc = KS_EXIT_RUNTIME, error;
	struct stat st;

	if (reached(f, KS_MIG_REGISTERED))
		return 0;
	if (f->a->provider)
		return step_register_provider(f);
	if (f->a->registration_uri)
		snprintf(uri, sizeof(uri), "%s", f->a->registration_uri);
	else if (f->rec.registration_uri)
		snprintf(uri, sizeof(uri), "%s", f->rec.registration_uri);
	else if (f->meta.registration_endpoint)
		snprintf(uri, sizeof(uri), "%s/%s",
		    f->meta.registration_endpoint, f->rec.client_id);
	else
		return fail_msg(f, KS_EXIT_USAGE, "no RFC 7592 client "
		    "configuration URI: pass --registration-uri (or use "
		    "'migrate register --provider' for admin APIs)");
	if (ks_store_migration_set(f->store, f->rec.id, "registration_uri",
	    uri) < 0)
		return fail(f, rc, "cannot record the registration URI");
	token_path(f, tpath, sizeof(tpath));
	/* the token file (flag, or the journal's) wins over the env */
	if (f->a->token_file || (f->rec.token_file && stat(tpath, &st) == 0))
		error = mig_read_secret(&token, tpath, NULL);
	else
		error = mig_read_secret(&token, NULL,
		    "KEYSHIFT_REGISTRATION_TOKEN");
	if (error < 0)
		return fail(f, rc, "cannot read the registration access token");
	if (!token)
		return fail_msg(f, KS_EXIT_USAGE, "the registration access "
		    "token is needed: --registration-token-file F or "
		    "$KEYSHIFT_REGISTRATION_TOKEN");
	if (f->interactive && !f->a->yes)
		printf("From the switch on, anything still sending the client "
		    "secret is refused.\n");
	if (!ask_no(f, "Switch client '%s' to private_key_jwt at %s?",
	    f->rec.client_id, uri)) {
		ks_jose_passphrase_free(token);
		return -1;
	}
	if (ks_jwks_new(&set) < 0 || ks_jwks_add(set, f->key) < 0) {
		rc = fail(f, rc, "cannot build the JWK Set");
		goto done;
	}
	ro.client_id = f->rec.client_id;
	ro.registration_uri = uri;
	ro.token = token;
	ro.jwks = set;
	ro.alg = ks_key_alg(f->key);
	if (ks_migrate_register(&res, f->ctx, &ro) < 0) {
		rc = fail(f, rc, "registration failed");
		goto done;
	}
	/* the old token died with the PUT: save the new one first */
	if (res.new_token) {
		if (mig_save_token(tpath, res.new_token) < 0 ||
		    ks_store_migration_set(f->store, f->rec.id, "token_file",
		    tpath) < 0) {
			ks_register_result_dispose(&res);
			rc = fail(f, rc, "cannot save the rotated registration "
			    "access token");
			goto done;
		}
		printf("registration access token rotated: saved to '%s' "
		    "(0600)\n", tpath);
		mig_event(&f->log, "register", "registration access token "
		    "rotated; saved to %s", tpath);
	}
	printf("registered: %s -> private_key_jwt, kids %s%s\n",
	    res.previous_method ? res.previous_method : "?",
	    res.kids ? res.kids : "?", res.changed ? "" : " (already done)");
	mig_event(&f->log, "register", "token_endpoint_auth_method %s -> "
	    "private_key_jwt; jwks kids %s%s", res.previous_method ?
	    res.previous_method : "?", res.kids ? res.kids : "?",
	    res.changed ? "" : " (already registered)");
	ks_register_result_dispose(&res);
	if (ks_store_key_set_state(f->store, ks_key_kid(f->key), "active") < 0) {
		rc = fail(f, rc, "cannot record the key state");
		goto done;
	}
	rc = set_state(f, KS_MIG_REGISTERED) < 0 ? rc : 0;
done:
	ks_jwks_free(set);
	ks_jose_passphrase_free(token);
	return rc;
}

static int
step_verify(struct flow *f)
{
	ks_verify_options vo = KS_VERIFY_OPTIONS_INIT;
	ks_verify_result r;

	if (reached(f, KS_MIG_VERIFIED)) {
		f->audience = f->meta.issuer;
		return 0;
	}
	vo.client_id = f->rec.client_id;
	vo.key = f->key;
	vo.scope = f->a->scope;
	if (ks_migrate_verify(&r, f->ctx, &f->meta, &vo) < 0)
		return fail(f, KS_EXIT_RUNTIME, "verification failed");
	if (!r.token) {
		char msg[512];

		snprintf(msg, sizeof(msg), "the token request with the new key "
		    "was refused: %ld %s %s", r.status, r.error,
		    r.error_description);
		return fail_msg(f, KS_EXIT_FINDINGS, msg);
	}
	f->audience = r.aud_issuer == KS_PROBE_ACCEPTED ? f->meta.issuer :
	    f->meta.token_endpoint;
	printf("verified: access token issued with aud = %s (%s), no secret "
	    "sent\n", f->audience, ks_jose_alg_name(r.alg));
	mig_event(&f->log, "verify", "client_credentials with private_key_jwt "
	    "(%s, aud %s): access token issued", ks_jose_alg_name(r.alg),
	    f->audience);
	return set_state(f, KS_MIG_VERIFIED) < 0 ? KS_EXIT_RUNTIME : 0;
}

static int
step_retire(struct flow *f)
{
	ks_verify_options vo = KS_VERIFY_OPTIONS_INIT;
	ks_verify_result r;
	char *old = NULL;
	const char *secret = NULL;
	int rc = KS_EXIT_RUNTIME;

	if (reached(f, KS_MIG_SECRET_RETIRED))
		return 0;
	if (f->a->old_secret_file) {
		if (ks_jose_passphrase_read(&old, f->a->old_secret_file) < 0)
			return fail(f, rc, "cannot read the old secret");
		secret = old;
	} else if (f->have_finding && f->finding.secret) {
		secret = f->finding.secret;
	}
	if (!secret) {
		ks_cli_warn("cannot prove the old secret dead: the store has no "
		    "plaintext (scan with --store-secrets) and no "
		    "--old-secret-file was given; revoke it at the server");
		mig_event(&f->log, "retire", "skipped: no old secret to test");
		return 0;
	}
	vo.client_id = f->rec.client_id;
	vo.key = f->key;
	vo.old_secret = secret;
	vo.scope = f->a->scope;
	vo.probes = !f->a->no_probes;
	if (ks_migrate_verify(&r, f->ctx, &f->meta, &vo) < 0) {
		rc = fail(f, rc, "the old-secret check failed");
		goto done;
	}
	mig_event(&f->log, "retire", "old secret via client_secret_basic: %s; "
	    "via client_secret_post: %s", ks_probe_name(r.old_basic),
	    ks_probe_name(r.old_post));
	if (vo.probes)
		mig_event(&f->log, "probe", "replayed jti: %s; unknown kid: %s; "
		    "expired assertion: %s", ks_probe_name(r.replay),
		    ks_probe_name(r.unknown_kid), ks_probe_name(r.expired));
	printf("old secret: client_secret_basic %s, client_secret_post %s\n",
	    ks_probe_name(r.old_basic), ks_probe_name(r.old_post));
	if (vo.probes)
		printf("server checks: replayed jti %s, unknown kid %s, expired "
		    "assertion %s\n", ks_probe_name(r.replay),
		    ks_probe_name(r.unknown_kid), ks_probe_name(r.expired));
	if (r.old_basic != KS_PROBE_REJECTED || r.old_post != KS_PROBE_REJECTED) {
		rc = fail_msg(f, KS_EXIT_FINDINGS, "the old secret still works: "
		    "revoke or rotate it at the server");
		goto done;
	}
	if (r.replay == KS_PROBE_ACCEPTED)
		ks_cli_warn("the server accepts replayed assertions");
	rc = set_state(f, KS_MIG_SECRET_RETIRED) < 0 ? KS_EXIT_RUNTIME : 0;
done:
	ks_jose_passphrase_free(old);
	return rc;
}

struct patch_ctx {
	struct flow *f;
	const char *replacement;
	ks_str all;
	int applied, shown;
	bool git;
	int error;
};

static int
on_place(const ks_stored_occurrence *rec, void *payload)
{
	struct patch_ctx *p = payload;
	const ks_occurrence *o = &rec->occ;
	ks_buf diff = KS_BUF_INIT;
	struct stat st;

	if (!o->source || strcmp(o->source, "fs") != 0 || !o->path) {
		p->git = p->git || (o->source && strcmp(o->source, "git") == 0);
		return 0;
	}
	if (stat(o->path, &st) < 0)
		return 0;
	if (ks_secret_patch(&diff, o->path, o->path, o->start, o->end,
	    p->replacement) < 0) {
		ks_cli_error_last("cannot build the patch");
		return 0;
	}
	printf("%s", diff.ptr);
	p->shown++;
	if (ks_str_puts(&p->all, diff.ptr) < 0)
		p->error = KS_ENOMEM;
	ks_buf_dispose(&diff);
	if (p->f->a->apply) {
		if (ks_secret_patch_apply(o->path, o->start, o->end,
		    p->replacement) < 0) {
			ks_cli_error_last("cannot apply the patch");
			p->error = KS_ERROR;
			return 0;
		}
		p->applied++;
		mig_event(&p->f->log, "patch", "applied to %s (line %u)",
		    o->path, o->line);
	}
	return 0;
}

static int
step_config(struct flow *f)
{
	ks_client_config cc = KS_CLIENT_CONFIG_INIT;
	ks_inventory_filter filter = KS_INVENTORY_FILTER_INIT;
	struct patch_ctx p = { f, NULL, KS_STR_INIT, 0, 0, false, 0 };
	char dir[PATH_CAP], path[PATH_CAP + 64];
	ks_buf names = KS_BUF_INIT;

	if (f->a->config_dir)
		snprintf(dir, sizeof(dir), "%s", f->a->config_dir);
	else
		snprintf(dir, sizeof(dir), "%s/../config/%s", f->key_dir,
		    f->client_name);
	cc.issuer = f->meta.issuer;
	cc.token_endpoint = f->meta.token_endpoint;
	cc.client_id = f->rec.client_id;
	cc.key_path = f->key_link;
	cc.key = f->key;
	cc.alg = ks_key_alg(f->key);
	cc.scope = f->a->scope;
	cc.audience = f->audience;
	if (ks_client_config_write(dir, &cc, &names) < 0)
		return fail(f, KS_EXIT_RUNTIME, "cannot write the configuration");
	printf("client configuration in %s:\n", dir);
	{
		char *s = names.ptr, *nl;

		while (s && *s && (nl = strchr(s, '\n')) != NULL) {
			printf("  %.*s\n", (int)(nl - s), s);
			s = nl + 1;
		}
	}
	ks_buf_dispose(&names);
	if (ks_store_migration_set(f->store, f->rec.id, "config_dir", dir) < 0)
		return fail(f, KS_EXIT_RUNTIME, "cannot record the configuration");
	mig_event(&f->log, "config", "client configuration written to %s", dir);
	if (!f->have_finding)
		return 0;
	p.replacement = f->a->replacement ? f->a->replacement : f->key_link;
	memcpy(path, f->finding.fingerprint, sizeof(f->finding.fingerprint));
	filter.fingerprint = path;
	if (ks_store_foreach_occurrence(f->store, &filter, on_place, &p) < 0) {
		ks_str_dispose(&p.all);
		return fail(f, KS_EXIT_RUNTIME, "cannot read the occurrences");
	}
	if (p.shown) {
		snprintf(path, sizeof(path), "%s/replace-secret.diff", dir);
		if (ks_file_replace(path, p.all.ptr, p.all.len, 0600) < 0)
			ks_cli_error_last("cannot write the patch");
		else
			printf("patch: %s (%s)\n", path, f->a->apply ?
			    "applied" : "shown only: --apply applies it");
	}
	if (p.git)
		ks_cli_warn("git history still holds the old secret: it must "
		    "be revoked at the server, deleting it is not enough");
	ks_str_dispose(&p.all);
	return p.error ? KS_EXIT_RUNTIME : 0;
}

/* ------------------------------------------------------------------ */

static void
default_key_dir(struct flow *f)
{
	ks_buf def = KS_BUF_INIT;
	const char *store = f->a->store_path;
	char *slash;

	if (f->a->key_dir) {
		snprintf(f->key_dir, sizeof(f->key_dir), "%s", f->a->key_dir);
		return;
	}
	if (!store && ks_store_default_path(&def) == 0)
		store = def.ptr;
	snprintf(f->key_dir, sizeof(f->key_dir), "%s", store ? store : ".");
	if ((slash = strrchr(f->key_dir, '/')) != NULL)
		*slash = '\0';
	else
		snprintf(f->key_dir, sizeof(f->key_dir), ".");
	strncat(f->key_dir, "/keys", sizeof(f->key_dir) - strlen(f->key_dir) - 1);
	ks_buf_dispose(&def);
}

static int
run_steps(struct flow *f)
{
	int rc;

	if ((rc = discover(f)) != 0)
		return rc;
	if ((rc = step_key(f)) != 0)
		return rc;
	if (stop_here(f, KS_MIG_KEY_GENERATED))
		return FLOW_STOPPED;
	if ((rc = step_register(f)) != 0)
		return rc;
	if (stop_here(f, KS_MIG_REGISTERED))
		return FLOW_STOPPED;
	if ((rc = step_verify(f)) != 0)
		return rc;
	if (stop_here(f, KS_MIG_VERIFIED))
		return FLOW_STOPPED;
	if ((rc = step_retire(f)) != 0)
		return rc;
	if (!ask(f, "Write the client configuration%s?", f->have_finding ?
	    " and the patch" : ""))
		return -1;
	return step_config(f);
}

int
mig_flow(struct mig_args *a)
{
	struct flow f;
	char *client = NULL, *issuer = NULL;
	bool created;
	int64_t id;
	int rc = KS_EXIT_RUNTIME;

	memset(&f, 0, sizeof(f));
	f.a = a;
	f.interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
	f.log.verbose = a->verbose;
	if (mig_open_store(&f.store, a->store_path) < 0) {
		ks_cli_error_last("cannot open the datastore");
		return KS_EXIT_RUNTIME;
	}
	if ((rc = resolve(&f, &client, &issuer)) != 0)
		goto done;
	rc = KS_EXIT_RUNTIME;
	if (ks_store_migration_plan(f.store, issuer, client, f.have_finding ?
	    f.finding.fingerprint : NULL, &id, &created) < 0 ||
	    ks_store_migration_get_id(&f.rec, f.store, id) < 0) {
		ks_cli_error_last("cannot plan the migration");
		goto done;
	}
	f.have_rec = true;
	/* resuming by client id: the journal knows the finding */
	if (!f.have_finding && f.rec.fingerprint &&
	    load_finding(&f, f.rec.fingerprint) < 0)
		goto done;
	f.log.store = f.store;
	f.log.migration = id;
	mig_safe_name(f.client_name, sizeof(f.client_name), client);
	default_key_dir(&f);
	snprintf(f.key_link, sizeof(f.key_link), "%s/%s.pem", f.key_dir,
	    f.client_name);
	print_plan(&f);
	if (!a->yes && !f.interactive) {
		printf("not a terminal: this was the plan only; run with --yes "
		    "to carry it out\n");
		rc = KS_EXIT_OK;
		goto done;
	}
	if (!created && !a->yes)
		printf("resuming the journalled migration\n");
	else if (!created)
		mig_event(&f.log, "resume", "resumed at %s", f.rec.resume_state);
	if (!ask(&f, "Proceed?")) {
		rc = KS_EXIT_OK;
		goto done;
	}
	if (mig_ctx(&f.ctx, a, &f.log) < 0) {
		ks_cli_error_last("cannot set up HTTP");
		goto done;
	}
	rc = run_steps(&f);
	if (rc == FLOW_STOPPED) {
		printf("stopped; the journal keeps the place: run again to "
		    "resume\n");
		rc = KS_EXIT_OK;
	} else if (rc == 0) {
		printf("done: client '%s' now authenticates with "
		    "private_key_jwt (state %s)\n", f.rec.client_id,
		    f.rec.state);
	}
done:
	free(client);
	free(issuer);
	if (f.have_meta)
		ks_as_metadata_dispose(&f.meta);
	if (f.have_finding)
		ks_finding_info_dispose(&f.finding);
	ks_mig_record_dispose(&f.rec);
	ks_key_free(f.key);
	ks_migrate_ctx_free(f.ctx);
	ks_store_close(f.store);
	return rc;
}

/* ------------------------------------------------------------------ */
/* status                                                             */

static void
fmt_time(char *out, size_t cap, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm))
		snprintf(out, cap, "-");
	else
		strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
on_status(const struct ks_mig_record *r, void *payload)
{
	char when[32];

	(void)payload;
	fmt_time(when, sizeof(when), r->updated_at);
	printf("%-24s %-15s %-20s %s%s%s\n", r->client_id, r->state, when,
	    r->issuer, r->error ? "  error: " : "", r->error ? r->error : "");
	return 0;
}

static int
on_event(int64_t at, const char *step, const char *detail, void *payload)
{
	char when[32];

	(void)payload;
	fmt_time(when, sizeof(when), at);
	printf("  %s  %-9s %s\n", when, step, detail);
	return 0;
}

static int
on_status_key(const struct ks_key_record *k, void *payload)
{
	(void)payload;
	printf("  key %-44s %-6s %-9s %s\n", k->kid, k->alg, k->state,
	    k->key_path);
	return 0;
}

int
mig_status(struct mig_args *a)
{
	struct ks_mig_record r;
	ks_store *store = NULL;
	int rc = KS_EXIT_RUNTIME;
	const char *cid = a->target ? a->target : a->client_id;

	if (mig_open_store(&store, a->store_path) < 0) {
		ks_cli_error_last("cannot open the datastore");
		return rc;
	}
	if (!cid) {
		printf("%-24s %-15s %-20s %s\n", "CLIENT", "STATE", "UPDATED",
		    "ISSUER");
		if (ks_store_foreach_migration(store, on_status, NULL) < 0)
			ks_cli_error_last("cannot list migrations");
		else
			rc = KS_EXIT_OK;
		goto done;
	}
	if (ks_store_migration_get(&r, store, a->issuer, cid) < 0) {
		ks_cli_error_last("cannot read the migration");
		goto done;
	}
	printf("client      %s\nissuer      %s\nstate       %s\n", r.client_id,
	    r.issuer, r.state);
	if (strcmp(r.state, KS_MIG_FAILED) == 0)
		printf("resumes at  %s\nerror       %s\n", r.resume_state,
		    r.error ? r.error : "");
	printf("provider    %s\n", r.provider);
	if (r.registration_uri)
		printf("management  %s\n", r.registration_uri);
	if (r.fingerprint)
		printf("finding     %s\n", r.fingerprint);
	if (r.config_dir)
		printf("config      %s\n", r.config_dir);
	if (ks_store_foreach_key(store, r.client, on_status_key, NULL) < 0)
		ks_cli_error_last("cannot list keys");
	printf("journal:\n");
	if (ks_store_foreach_migration_event(store, r.id, on_event, NULL) < 0)
		ks_cli_error_last("cannot read the journal");
	else
		rc = KS_EXIT_OK;
	ks_mig_record_dispose(&r);
done:
	ks_store_close(store);
	return rc;
}
