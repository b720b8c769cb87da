/*
 * cli/cmd_migrate.c - `keyshift migrate`: move OAuth clients from a static
 * secret to private_key_jwt
 *
 *   migrate [FINGERPRINT|CLIENT_ID]   the guided flow (migrate_flow.c)
 *   migrate status [CLIENT_ID]        the journal
 *   migrate verify                    a real token request, probes
 *   migrate register                  RFC 7592 / RFC 7591 / vendor APIs
 *
 * Secrets come from files or the environment, never from argv (which
 * other users can read in /proc), and are never printed: the registration
 * access token from --registration-token-file or KEYSHIFT_REGISTRATION_TOKEN,
 * the initial access token from --initial-token-file or
 * KEYSHIFT_INITIAL_ACCESS_TOKEN, admin API tokens from --admin-token-file
 * or KEYSHIFT_ADMIN_TOKEN, the old client secret from --old-secret-file.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyshift/error.h>
#include <keyshift/jose.h>
#include <keyshift/migrate.h>
#include <keyshift/store.h>

#include "cli.h"
#include "cmd_migrate.h"
#include "commands.h"
#include "exitcode.h"
#include "fileio.h"
#include "store_migrate.h"
#include "str.h"

static const char migrate_usage[] =
"usage: keyshift migrate [FINGERPRINT|CLIENT_ID] [--yes] [--apply] [options]\n"
"       keyshift migrate status [CLIENT_ID] [--journal]\n"
"       keyshift migrate verify --issuer ISS --client-id ID --key KEY.pem\n"
"                               [--old-secret-file F] [--no-probes]\n"
"       keyshift migrate register --issuer ISS --client-id ID --key KEY.pem\n"
"                               --registration-uri URI [--jwks-uri URL]\n"
"                               [--registration-token-file F] [--dry-run]\n"
"       keyshift migrate register --issuer ISS --new --key KEY.pem\n"
"                               [--initial-token-file F] [--client-name N]\n"
"       keyshift migrate register --provider NAME --admin-url URL\n"
"                               --client-id ID --key KEY.pem [--realm R]\n"
"                               [--app-id ID] [--admin-token-file F] [--dry-run]\n"
"       keyshift keys rotate --client ID [--publish-wait S] [--retire-wait S]\n"
"\n"
"The guided flow plans the migration of the client whose secret a scan\n"
"found, generates a key, switches the client to private_key_jwt (RFC 7592),\n"
"verifies a real token request, proves the old secret dead, and writes the\n"
"client configuration and the patch for the file that held the secret.\n"
"At a terminal it asks before each step; --yes runs it without asking.\n"
"Without a terminal and without --yes it prints the plan and stops.\n"
"Every step is journalled in the store; an interrupted run resumes.\n"
"\n"
"options:\n"
"  --issuer ISS              the authorization server's issuer identifier\n"
"  --client-id ID            the OAuth client\n"
"  --key KEY.pem             the client's private key (verify, register)\n"
"  --passphrase-file F       passphrase of an encrypted key\n"
"  --alg ALG                 key algorithm for the flow (default ES256)\n"
"  --old-secret-file F       the old client secret, to prove it dead\n"
"  --registration-uri URI    RFC 7592 client configuration endpoint\n"
"  --registration-token-file F   RFC 7592 registration access token (else\n"
"                            $KEYSHIFT_REGISTRATION_TOKEN); a rotated token\n"
"                            is written back to F (0600)\n"
"  --new                     RFC 7591: register a new client\n"
"  --initial-token-file F    RFC 7591 initial access token (else\n"
"                            $KEYSHIFT_INITIAL_ACCESS_TOKEN)\n"
"  --jwks-uri URL            register a hosted JWK Set instead of inline keys\n"
"  --scope SCOPE             scope of the token requests\n"
"  --provider NAME           keycloak, okta, auth0 or entra (admin APIs)\n"
"  --admin-url URL           the vendor API base URL\n"
"  --admin-token-file F      the admin API token (else $KEYSHIFT_ADMIN_TOKEN)\n"
"  --realm R, --app-id ID    Keycloak realm; Okta app / Entra object id\n"
"  --dry-run                 print the exact requests, tokens redacted\n"
"  --store FILE              the datastore\n"
"  --key-dir DIR             where the flow writes keys (default: beside\n"
"                            the store, keys/)\n"
"  --config-dir DIR          where the flow writes client configuration\n"
"  --replacement TEXT        what replaces the secret in the patch (default:\n"
"                            the key's path)\n"
"  --apply                   apply the patch (otherwise it is only shown)\n"
"  --until STATE             stop once STATE is reached\n"
"  --yes                     do not ask: run every step\n"
"  --allow-http-loopback     TEST ONLY: allow plain http to 127.0.0.1/::1\n"
"                            (also KEYSHIFT_ALLOW_HTTP_LOOPBACK=1)\n"
"  -v, --verbose             show every HTTP exchange (redacted)\n"
"exit status: 0 done, 1 verification failed or the old secret still works,\n"
"2 usage or runtime error\n";

enum {
	OPT_ISSUER = 256, OPT_CLIENT_ID, OPT_KEY, OPT_PASS, OPT_OLD_SECRET,
	OPT_REG_URI, OPT_TOKEN_FILE, OPT_INITIAL, OPT_JWKS_URI, OPT_ALG,
	OPT_SCOPE, OPT_STORE, OPT_KEY_DIR, OPT_CONFIG_DIR, OPT_UNTIL,
	OPT_REPLACEMENT, OPT_PROVIDER, OPT_ADMIN_URL, OPT_ADMIN_TOKEN,
	OPT_REALM, OPT_APP_ID, OPT_NEW, OPT_DRY_RUN, OPT_YES, OPT_APPLY,
	OPT_LOOPBACK, OPT_NO_PROBES, OPT_JOURNAL, OPT_CLIENT_NAME,
	OPT_PUBLISH_WAIT, OPT_RETIRE_WAIT, OPT_CLIENT
};

static const struct option mig_opts[] = {
	{ "issuer", required_argument, NULL, OPT_ISSUER },
	{ "client-id", required_argument, NULL, OPT_CLIENT_ID },
	{ "client", required_argument, NULL, OPT_CLIENT },
	{ "key", required_argument, NULL, OPT_KEY },
	{ "passphrase-file", required_argument, NULL, OPT_PASS },
	{ "old-secret-file", required_argument, NULL, OPT_OLD_SECRET },
	{ "registration-uri", required_argument, NULL, OPT_REG_URI },
	{ "registration-token-file", required_argument, NULL, OPT_TOKEN_FILE },
	{ "initial-token-file", required_argument, NULL, OPT_INITIAL },
	{ "jwks-uri", required_argument, NULL, OPT_JWKS_URI },
	{ "alg", required_argument, NULL, OPT_ALG },
	{ "scope", required_argument, NULL, OPT_SCOPE },
	{ "store", required_argument, NULL, OPT_STORE },
	{ "key-dir", required_argument, NULL, OPT_KEY_DIR },
	{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
	{ "until", required_argument, NULL, OPT_UNTIL },
	{ "replacement", required_argument, NULL, OPT_REPLACEMENT },
	{ "provider", required_argument, NULL, OPT_PROVIDER },
	{ "admin-url", required_argument, NULL, OPT_ADMIN_URL },
	{ "admin-token-file", required_argument, NULL, OPT_ADMIN_TOKEN },
	{ "realm", required_argument, NULL, OPT_REALM },
	{ "app-id", required_argument, NULL, OPT_APP_ID },
	{ "client-name", required_argument, NULL, OPT_CLIENT_NAME },
	{ "publish-wait", required_argument, NULL, OPT_PUBLISH_WAIT },
	{ "retire-wait", required_argument, NULL, OPT_RETIRE_WAIT },
	{ "new", no_argument, NULL, OPT_NEW },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "yes", no_argument, NULL, OPT_YES },
	{ "apply", no_argument, NULL, OPT_APPLY },
	{ "allow-http-loopback", no_argument, NULL, OPT_LOOPBACK },
	{ "no-probes", no_argument, NULL, OPT_NO_PROBES },
	{ "journal", no_argument, NULL, OPT_JOURNAL },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static int
usage_error(const char *usage, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
		ks_cli_error("%s", msg);
	}
	fputs(usage, stderr);
	return KS_EXIT_USAGE;
}

static bool
parse_seconds(int64_t *out, const char *s)
{
	unsigned long v;

	if (!ks_cli_parse_uint(s, 86400, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

int
mig_parse(struct mig_args *a, int argc, char **argv, const char *usage,
    bool operand_ok)
{
	const char *env = getenv("KEYSHIFT_ALLOW_HTTP_LOOPBACK");
	int c;

	memset(a, 0, sizeof(*a));
	a->publish_wait = a->retire_wait = -1;
	a->loopback = env && strcmp(env, "1") == 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, "vh", mig_opts, NULL)) != -1) {
		switch (c) {
		case OPT_ISSUER: a->issuer = optarg; break;
		case OPT_CLIENT_ID: case OPT_CLIENT: a->client_id = optarg; break;
		case OPT_KEY: a->key_path = optarg; break;
		case OPT_PASS: a->passphrase_file = optarg; break;
		case OPT_OLD_SECRET: a->old_secret_file = optarg; break;
		case OPT_REG_URI: a->registration_uri = optarg; break;
		case OPT_TOKEN_FILE: a->token_file = optarg; break;
		case OPT_INITIAL: a->initial_token_file = optarg; break;
		case OPT_JWKS_URI: a->jwks_uri = optarg; break;
		case OPT_ALG: a->alg_name = optarg; break;
		case OPT_SCOPE: a->scope = optarg; break;
		case OPT_STORE: a->store_path = optarg; break;
		case OPT_KEY_DIR: a->key_dir = optarg; break;
		case OPT_CONFIG_DIR: a->config_dir = optarg; break;
		case OPT_UNTIL: a->until = optarg; break;
		case OPT_REPLACEMENT: a->replacement = optarg; break;
		case OPT_PROVIDER: a->provider = optarg; break;
		case OPT_ADMIN_URL: a->admin_url = optarg; break;
		case OPT_ADMIN_TOKEN: a->admin_token_file = optarg; break;
		case OPT_REALM: a->realm = optarg; break;
		case OPT_APP_ID: a->app_id = optarg; break;
		case OPT_CLIENT_NAME: a->client_name = optarg; break;
		case OPT_PUBLISH_WAIT:
			if (!parse_seconds(&a->publish_wait, optarg))
				return usage_error(usage, "--publish-wait wants "
				    "seconds");
			break;
		case OPT_RETIRE_WAIT:
			if (!parse_seconds(&a->retire_wait, optarg))
				return usage_error(usage, "--retire-wait wants "
				    "seconds");
			break;
		case OPT_NEW: a->new_client = true; break;
		case OPT_DRY_RUN: a->dry_run = true; break;
		case OPT_YES: a->yes = true; break;
		case OPT_APPLY: a->apply = true; break;
		case OPT_LOOPBACK: a->loopback = true; break;
		case OPT_NO_PROBES: a->no_probes = true; break;
		case OPT_JOURNAL: a->journal = true; break;
		case 'v': a->verbose = true; break;
		case 'h':
			fputs(usage, stdout);
			return KS_EXIT_OK;
		default:
			return usage_error(usage, NULL);
		}
	}
	if (optind < argc) {
		if (!operand_ok || optind + 1 < argc)
			return usage_error(usage, "unexpected operand '%s'",
			    argv[optind]);
		a->target = argv[optind];
	}
	if (a->until && ks_store_migration_state_rank(a->until) < 0)
		return usage_error(usage, "--until wants a state: planned, "
		    "key_generated, registered, verified or secret_retired");
	return -1;
}

void
mig_log_cb(ks_mlog_level level, const char *message, void *payload)
{
	struct mig_log *log = payload;

	switch (level) {
	case KS_MLOG_INFO:
		printf("  %s\n", message);
		break;
	case KS_MLOG_WARN:
		fflush(stdout);
		ks_cli_warn("%s", message);
		break;
	case KS_MLOG_STEP:
		if (log && log->store && log->migration &&
		    ks_store_migration_event(log->store, log->migration,
		    "http", message) < 0)
			ks_cli_error_last("cannot journal the step");
		if (log && log->verbose)
			fprintf(stderr, "  http: %s\n", message);
		break;
	case KS_MLOG_TRACE:
		fprintf(stderr, "  %s\n", message);
		break;
	case KS_MLOG_REQUEST:
		printf("%s\n", message);
		break;
	}
}

void
mig_event(struct mig_log *log, const char *step, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (log && log->store && log->migration &&
	    ks_store_migration_event(log->store, log->migration, step, msg) < 0)
		ks_cli_error_last("cannot journal the step");
}

int
mig_ctx(ks_migrate_ctx **out, const struct mig_args *a, struct mig_log *log)
{
	ks_migrate_options mo = KS_MIGRATE_OPTIONS_INIT;

	mo.allow_http_loopback = a->loopback;
	mo.trace = a->verbose && getenv("KEYSHIFT_HTTP_TRACE") != NULL;
	mo.log = mig_log_cb;
	mo.log_payload = log;
	if (a->loopback)
		ks_cli_warn("test-only mode: plain http to loopback addresses "
		    "is allowed");
	return ks_migrate_ctx_new(out, &mo);
}

int
mig_read_secret(char **out, const char *file, const char *env)
{
	const char *v;

	*out = NULL;
	if (file)
		return ks_jose_passphrase_read(out, file);
	if (env && (v = getenv(env)) != NULL && *v) {
		ks_str tmp = KS_STR_INIT;

		if (ks_str_puts(&tmp, v) < 0) {
			ks_str_wipe(&tmp);
			return KS_ENOMEM;
		}
		*out = ks_str_detach(&tmp, NULL);
	}
	return 0;
}

int
mig_save_token(const char *path, const char *token)
{
	ks_str line = KS_STR_INIT;
	int error;

	if ((error = ks_str_printf(&line, "%s\n", token)) == 0)
		error = ks_file_replace(path, line.ptr, line.len, 0600);
	ks_str_wipe(&line);
	return error;
}

int
mig_open_store(ks_store **out, const char *path)
{
	ks_buf def = KS_BUF_INIT;
	int error;

	if (!path) {
		if ((error = ks_store_default_path(&def)) < 0)
			return error;
		path = def.ptr;
	}
	error = ks_store_open(out, path, NULL);
	ks_buf_dispose(&def);
	return error;
}

void
mig_safe_name(char *out, size_t cap, const char *s)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < cap; i++)
		out[i] = (isalnum((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_' || s[i] == '.') && !(i == 0 && s[i] == '.') ?
		    s[i] : '_';
	out[i] = '\0';
}

static int
load_key(ks_key **key, const struct mig_args *a)
{
	char *pass = NULL;
	int error;

	if (a->passphrase_file &&
	    (error = ks_jose_passphrase_read(&pass, a->passphrase_file)) < 0)
		return error;
	error = ks_key_load_file(key, a->key_path, pass);
	ks_jose_passphrase_free(pass);
	if (error == 0 && a->alg_name) {
		ks_jose_alg alg;

		if ((error = ks_jose_alg_parse(&alg, a->alg_name)) == 0)
			error = ks_key_set_alg(*key, alg);
	}
	return error;
}

static void
print_probe(const char *what, ks_probe p, ks_probe want)
{
	printf("  %-26s %s%s\n", what, ks_probe_name(p),
	    p == KS_PROBE_NOT_RUN || p == want ? "" : "  <-- unexpected");
}

/* keyshift migrate verify */
static int
cmd_verify(int argc, char **argv)
{
	ks_verify_options vo = KS_VERIFY_OPTIONS_INIT;
	ks_as_metadata meta;
	ks_verify_result r;
	ks_migrate_ctx *ctx = NULL;
	struct mig_args a;
	struct mig_log log = { false, NULL, 0 };
	ks_key *key = NULL;
	char *old = NULL;
	bool have_meta = false;
	int rc, error;

	if ((rc = mig_parse(&a, argc, argv, migrate_usage, false)) >= 0)
		return rc;
	if (!a.issuer || !a.client_id || !a.key_path)
		return usage_error(migrate_usage, "verify needs --issuer, "
		    "--client-id and --key");
	log.verbose = a.verbose;
	rc = KS_EXIT_RUNTIME;
	if ((error = load_key(&key, &a)) < 0) {
		ks_cli_error_last("cannot load the key");
		goto done;
	}
	if (a.old_secret_file &&
	    (error = ks_jose_passphrase_read(&old, a.old_secret_file)) < 0) {
		ks_cli_error_last("cannot read the old secret");
		goto done;
	}
	if ((error = mig_ctx(&ctx, &a, &log)) < 0 ||
	    (error = ks_discover(&meta, ctx, a.issuer)) < 0) {
		ks_cli_error_last("discovery failed");
		goto done;
	}
	have_meta = true;
	printf("issuer          %s\nmetadata        %s\ntoken endpoint  %s\n"
	    "clock skew      %+lld s%s\n", meta.issuer, meta.metadata_url,
	    meta.token_endpoint, (long long)meta.skew,
	    meta.have_date ? "" : " (no Date header)");
	vo.client_id = a.client_id;
	vo.key = key;
	vo.old_secret = old;
	vo.scope = a.scope;
	vo.probes = !a.no_probes && old;
	if ((error = ks_migrate_verify(&r, ctx, &meta, &vo)) < 0) {
		ks_cli_error_last("verification failed");
		goto done;
	}
	printf("alg             %s\nkid             %s\n",
	    ks_jose_alg_name(r.alg), ks_key_kid(key));
	printf("aud = issuer          %s\n", ks_probe_name(r.aud_issuer));
	if (r.aud_token_endpoint)
		printf("aud = token endpoint  %s\n",
		    ks_probe_name(r.aud_token_endpoint));
	if (r.token)
		printf("token           ok: access token issued (%s, expires in "
		    "%lld s); no secret sent\n", r.token_type[0] ?
		    r.token_type : "?", (long long)r.expires_in);
	else
		printf("token           refused: %ld %s%s%s\n", r.status, r.error,
		    r.error_description[0] ? ": " : "", r.error_description);
	rc = r.token ? KS_EXIT_OK : KS_EXIT_FINDINGS;
	if (old) {
		bool dead = r.old_basic == KS_PROBE_REJECTED &&
		    r.old_post == KS_PROBE_REJECTED;

		printf("old secret:\n");
		print_probe("client_secret_basic", r.old_basic,
		    KS_PROBE_REJECTED);
		print_probe("client_secret_post", r.old_post, KS_PROBE_REJECTED);
		printf("  => %s\n", dead ? "the old secret is dead" :
		    "the old secret STILL WORKS");
		if (!dead)
			rc = KS_EXIT_FINDINGS;
	}
	if (vo.probes && r.token) {
		printf("server checks:\n");
		print_probe("replayed jti", r.replay, KS_PROBE_REJECTED);
		print_probe("unknown kid", r.unknown_kid, KS_PROBE_REJECTED);
		print_probe("expired assertion", r.expired, KS_PROBE_REJECTED);
		if (r.replay == KS_PROBE_ACCEPTED)
			ks_cli_warn("the server accepts a replayed assertion: "
			    "it does not enforce single use of jti");
		if (r.unknown_kid == KS_PROBE_ACCEPTED ||
		    r.expired == KS_PROBE_ACCEPTED)
			rc = KS_EXIT_FINDINGS;
	}
done:
	if (have_meta)
		ks_as_metadata_dispose(&meta);
	ks_jose_passphrase_free(old);
	ks_migrate_ctx_free(ctx);
	ks_key_free(key);
	return rc;
}

/* Persist a rotated registration access token; report where. */
static int
persist_token(const struct mig_args *a, const char *client_id,
    const char *token)
{
	char name[200], path[4096];

	if (a->token_file) {
		if (mig_save_token(a->token_file, token) < 0) {
			ks_cli_error_last("cannot save the new registration "
			    "access token");
			return -1;
		}
		printf("registration access token rotated: the new one is in "
		    "'%s'\n", a->token_file);
		return 0;
	}
	mig_safe_name(name, sizeof(name), client_id ? client_id : "client");
	snprintf(path, sizeof(path), "%s.registration-token", name);
	if (mig_save_token(path, token) < 0) {
		ks_cli_error_last("cannot save the new registration access "
		    "token");
		return -1;
	}
	printf("registration access token rotated: the new one is in '%s' "
	    "(0600); the old one no longer works\n", path);
	return 0;
}

int mig_provider_register(const struct mig_args *a, ks_migrate_ctx *ctx,
    const ks_key *key);

/* keyshift migrate register */
static int
cmd_register(int argc, char **argv)
{
	ks_register_options ro = KS_REGISTER_OPTIONS_INIT;
	ks_register_result res;
	ks_migrate_ctx *ctx = NULL;
	ks_as_metadata meta;
	struct mig_args a;
	struct mig_log log = { false, NULL, 0 };
	ks_jwks *set = NULL;
	ks_key *key = NULL;
	char *token = NULL;
	bool have_meta = false, have_res = false;
	int rc, error;

	if ((rc = mig_parse(&a, argc, argv, migrate_usage, false)) >= 0)
		return rc;
	log.verbose = a.verbose;
	if (!a.key_path)
		return usage_error(migrate_usage, "register needs --key");
	if (a.provider) {
		if (!a.admin_url || !a.client_id)
			return usage_error(migrate_usage, "--provider needs "
			    "--admin-url and --client-id");
	} else if (a.new_client) {
		if (!a.issuer)
			return usage_error(migrate_usage, "register --new needs "
			    "--issuer");
	} else if (!a.issuer || !a.client_id || !a.registration_uri) {
		return usage_error(migrate_usage, "register needs --issuer, "
		    "--client-id and --registration-uri (or --new)");
	}
	rc = KS_EXIT_RUNTIME;
	if ((error = load_key(&key, &a)) < 0) {
		ks_cli_error_last("cannot load the key");
		goto done;
	}
	if ((error = mig_ctx(&ctx, &a, &log)) < 0) {
		ks_cli_error_last("cannot set up HTTP");
		goto done;
	}
	if (a.provider) {
		/* certificate-only servers: a self-signed cert for the key */
		if (strcmp(a.provider, "entra") == 0 &&
		    ks_key_self_sign(key, 365) < 0) {
			ks_cli_error_last("cannot make the certificate");
			goto done;
		}
		rc = mig_provider_register(&a, ctx, key);
		goto done;
	}
	if ((error = ks_jwks_new(&set)) < 0 ||
	    (error = ks_jwks_add(set, key)) < 0) {
		ks_cli_error_last("cannot build the JWK Set");
		goto done;
	}
	if ((error = ks_discover(&meta, ctx, a.issuer)) < 0) {
		ks_cli_error_last("discovery failed");
		goto done;
	}
	have_meta = true;
	if ((error = mig_read_secret(&token, a.new_client ?
	    a.initial_token_file : a.token_file, a.new_client ?
	    "KEYSHIFT_INITIAL_ACCESS_TOKEN" : "KEYSHIFT_REGISTRATION_TOKEN"))
	    < 0) {
		ks_cli_error_last("cannot read the access token");
		goto done;
	}
	if (!token && !a.new_client) {
		ks_cli_error("register needs the registration access token: "
		    "--registration-token-file F or $KEYSHIFT_REGISTRATION_TOKEN");
		rc = KS_EXIT_USAGE;
		goto done;
	}
	ro.client_id = a.client_id;
	ro.token = token;
	ro.jwks = a.jwks_uri ? NULL : set;
	ro.jwks_uri = a.jwks_uri;
	ro.alg = ks_key_alg(key);
	ro.dry_run = a.dry_run;
	ro.client_name = a.client_name;
	ro.scope = a.scope;
	if (a.new_client) {
		if (!meta.registration_endpoint) {
			ks_cli_error("the server has no registration_endpoint");
			goto done;
		}
		ro.registration_uri = meta.registration_endpoint;
		error = ks_migrate_register_new(&res, ctx, &ro);
	} else {
		ro.registration_uri = a.registration_uri;
		error = ks_migrate_register(&res, ctx, &ro);
	}
	if (error < 0) {
		ks_cli_error_last("registration failed");
		goto done;
	}
	have_res = true;
	if (a.dry_run) {
		printf("dry run: nothing was changed\n");
		rc = KS_EXIT_OK;
		goto done;
	}
	if (res.new_token && persist_token(&a, a.new_client ? res.client_id :
	    a.client_id, res.new_token) < 0)
		goto done;
	if (a.new_client)
		printf("registered new client %s (private_key_jwt, kid %s)\n",
		    res.client_id, res.kids ? res.kids : "?");
	else
		printf("client %s: %s -> private_key_jwt (kids: %s)%s\n",
		    a.client_id, res.previous_method ? res.previous_method : "?",
		    res.kids ? res.kids : "?",
		    res.changed ? "" : " [already done]");
	if (res.registration_client_uri)
		printf("registration_client_uri %s\n",
		    res.registration_client_uri);
	rc = KS_EXIT_OK;
done:
	if (have_res)
		ks_register_result_dispose(&res);
	if (have_meta)
		ks_as_metadata_dispose(&meta);
	ks_jose_passphrase_free(token);
	ks_jwks_free(set);
	ks_migrate_ctx_free(ctx);
	ks_key_free(key);
	return rc;
}

int
cmd_migrate(int argc, char **argv)
{
	struct mig_args a;
	const char *sub = argc > 1 ? argv[1] : NULL;
	int rc;

	if (sub && (strcmp(sub, "help") == 0)) {
		fputs(migrate_usage, stdout);
		return KS_EXIT_OK;
	}
	if (sub && strcmp(sub, "verify") == 0)
		return cmd_verify(argc - 1, argv + 1);
	if (sub && strcmp(sub, "register") == 0)
		return cmd_register(argc - 1, argv + 1);
	if (sub && strcmp(sub, "status") == 0) {
		if ((rc = mig_parse(&a, argc - 1, argv + 1, migrate_usage,
		    true)) >= 0)
			return rc;
		return mig_status(&a);
	}
	if ((rc = mig_parse(&a, argc, argv, migrate_usage, true)) >= 0)
		return rc;
	return mig_flow(&a);
}
