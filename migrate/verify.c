/*
 * migrate/verify.c - prove the new credential before cutover and the old
 * one dead after it, with real client_credentials requests
 *
 * Every request gets a freshly signed assertion (a new jti): servers burn
 * a jti even when they refuse the request, so nothing is ever retried
 * with the same one except in the replay probe, which does so on purpose.
 * Assertions are dated by the server's clock (our clock plus the skew
 * discovery measured) and back-dated by two seconds, the remedy for the
 * "iat in the future" failures strict servers are known for.
 *
 * The server answers every broken assertion with the same invalid_client,
 * so a refusal is explained locally: the assertion is linted against the
 * client's own key and the server's metadata, and each problem is logged.
 * Neither the assertion nor the access token is ever logged or kept.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <keyshift/migrate.h>

#include "encode.h"
#include "errors.h"
#include "hash.h"
#include "migrate_int.h"
#include "secret.h"

#define JWT_BEARER "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#define BACKDATE 2

enum auth_kind { AUTH_ASSERTION, AUTH_BASIC, AUTH_POST };

struct token_answer {
	ks_probe probe;
	long status;
	char error[64];
	char error_description[256];
	char token_type[32];
	int64_t expires_in;
};

const char *
ks_probe_name(ks_probe p)
{
	switch (p) {
	case KS_PROBE_REJECTED:
		return "rejected";
	case KS_PROBE_ACCEPTED:
		return "accepted";
	case KS_PROBE_ERROR:
		return "error";
	default:
		return "not run";
	}
}

static void
read_answer(struct token_answer *a, const struct ks_mhttp_response *resp)
{
	json_t *doc = json_loadb(resp->body.ptr, resp->body.len, 0, NULL);
	json_t *tok = doc ? json_object_get(doc, "access_token") : NULL;
	const char *tt;

	a->status = resp->status;
	if (resp->status == 200 && json_is_string(tok) &&
	    json_string_length(tok) > 0) {
		a->probe = KS_PROBE_ACCEPTED;
		tt = json_string_value(json_object_get(doc, "token_type"));
		snprintf(a->token_type, sizeof(a->token_type), "%s",
		    tt ? tt : "");
		a->expires_in = (int64_t)json_integer_value(
		    json_object_get(doc, "expires_in"));
		/* jansson copied the token: wipe it in place */
		ks_wipe((void *)json_string_value(tok), json_string_length(tok));
	} else if (resp->status >= 400 && resp->status < 500) {
		a->probe = KS_PROBE_REJECTED;
		ks_migrate__oauth_error(&resp->body, a->error,
		    sizeof(a->error), a->error_description,
		    sizeof(a->error_description));
	} else {
		a->probe = KS_PROBE_ERROR;
	}
	json_decref(doc);
}

/* One token request; `cred` is an assertion or a secret (borrowed). */
static int
token_request(struct token_answer *a, ks_migrate_ctx *ctx,
    const ks_as_metadata *meta, enum auth_kind kind, const char *client_id,
    const char *cred, const char *scope)
{
	static const char *const headers[] = {
	    "Content-Type: application/x-www-form-urlencoded",
	    "Accept: application/json", NULL };
	struct ks_mhttp_response resp = KS_MHTTP_RESPONSE_INIT;
	struct ks_mhttp_request req = { 0 };
	ks_str body = KS_STR_INIT, user = KS_STR_INIT, pass = KS_STR_INIT;
	int error;

	memset(a, 0, sizeof(*a));
	if ((error = ks_str_puts(&body, "grant_type=client_credentials")) < 0)
		goto done;
	if (scope && ((error = ks_str_puts(&body, "&scope=")) < 0 ||
	    (error = ks_form_encode(&body, scope)) < 0))
		goto done;
	if (kind != AUTH_BASIC && ((error = ks_str_puts(&body,
	    "&client_id=")) < 0 || (error = ks_form_encode(&body,
	    client_id)) < 0))
		goto done;
	if (kind == AUTH_ASSERTION) {
		if ((error = ks_str_puts(&body, "&client_assertion_type="
		    JWT_BEARER "&client_assertion=")) < 0 ||
		    (error = ks_form_encode(&body, cred)) < 0)
			goto done;
	} else if (kind == AUTH_POST) {
		if ((error = ks_str_puts(&body, "&client_secret=")) < 0 ||
		    (error = ks_form_encode(&body, cred)) < 0)
			goto done;
	} else {
		/* RFC 6749 §2.3.1: both halves form-encoded first */
		if ((error = ks_form_encode(&user, client_id)) < 0 ||
		    (error = ks_form_encode(&pass, cred)) < 0)
			goto done;
		req.basic_user = user.ptr;
		req.basic_pass = pass.ptr;
	}
	req.method = "POST";
	req.url = meta->token_endpoint;
	req.headers = headers;
	req.body = body.ptr;
	req.body_len = body.len;
	if ((error = ks_mhttp_do(ctx->http, &req, &resp)) < 0)
		goto done;
	read_answer(a, &resp);
done:
	ks_mhttp_response_dispose(&resp);
	ks_str_wipe(&body);
	ks_str_wipe(&user);
	ks_str_wipe(&pass);
	return error;
}

struct signing {
	const ks_as_metadata *meta;
	const ks_verify_options *opts;
	ks_jose_alg alg;
};

/* Sign a fresh assertion into `out` (wiped by the caller). */
static int
sign(ks_buf *out, const struct signing *s, const char *aud, const char *kid,
    int64_t age)
{
	ks_assertion_options ao = KS_ASSERTION_OPTIONS_INIT;

	ao.client_id = s->opts->client_id;
	ao.audience = aud;
	ao.alg = s->alg;
	ao.kid = kid;
	ao.lifetime = s->opts->lifetime;
	ao.now = (int64_t)time(NULL) + s->meta->skew - BACKDATE - age;
	return ks_assertion_sign(out, s->opts->key, &ao);
}

static void
buf_wipe(ks_buf *b)
{
	if (b->ptr)
		ks_wipe(b->ptr, b->size);
	ks_buf_dispose(b);
}

/* Sign with `aud` (and `kid`, `age`) and send it once. */
static int
try_assertion(struct token_answer *a, ks_migrate_ctx *ctx,
    const struct signing *s, const char *aud, const char *kid, int64_t age)
{
	ks_buf jwt = KS_BUF_INIT;
	int error;

	if ((error = sign(&jwt, s, aud, kid, age)) == 0)
		error = token_request(a, ctx, s->meta, AUTH_ASSERTION,
		    s->opts->client_id, jwt.ptr, s->opts->scope);
	buf_wipe(&jwt);
	return error;
}

struct lint_log {
	ks_migrate_ctx *ctx;
};

static int
on_lint(const char *rule, const char *message, void *payload)
{
	struct lint_log *l = payload;

	ks_migrate__log(l->ctx, KS_MLOG_WARN, "lint %s: %s", rule, message);
	return 0;
}

/* Explain a refusal: our assertion against the metadata. */
static int
diagnose(ks_verify_result *out, ks_migrate_ctx *ctx, const struct signing *s)
{
	ks_lint_options lo = KS_LINT_OPTIONS_INIT;
	struct lint_log l = { ctx };
	const ks_as_metadata *m = s->meta;
	ks_buf jwt = KS_BUF_INIT;
	ks_jwks *set = NULL;
	int error;

	if (!ks_as_metadata_has_method(m, "private_key_jwt")) {
		ks_migrate__log(ctx, KS_MLOG_WARN, "likely cause: the server "
		    "does not offer private_key_jwt at all");
		out->lint_problems++;
	}
	if (m->n_signing_algs) {
		size_t i;
		bool listed = false;

		for (i = 0; i < m->n_signing_algs; i++)
			listed |= strcmp(m->signing_algs[i],
			    ks_jose_alg_name(s->alg)) == 0;
		if (!listed) {
			ks_migrate__log(ctx, KS_MLOG_WARN, "likely cause: "
			    "alg %s is not in token_endpoint_auth_signing_alg_"
			    "values_supported", ks_jose_alg_name(s->alg));
			out->lint_problems++;
		}
	}
	if (m->skew > 30 || m->skew < -30) {
		ks_migrate__log(ctx, KS_MLOG_WARN, "likely cause: a clock skew "
		    "of %lld s", (long long)m->skew);
		out->lint_problems++;
	}
	lo.issuer = m->issuer;
	lo.token_endpoint = m->token_endpoint;
	lo.client_id = s->opts->client_id;
	lo.now = (int64_t)time(NULL) + m->skew;
	if ((error = ks_jwks_new(&set)) < 0 ||
	    (error = ks_jwks_add(set, s->opts->key)) < 0 ||
	    (error = sign(&jwt, s, m->issuer, NULL, 0)) < 0)
		goto done;
	{
		size_t n = 0;

		error = ks_assertion_lint(&n, jwt.ptr, jwt.size, set, &lo,
		    on_lint, &l);
		out->lint_problems += n;
	}
	if (!out->lint_problems)
		ks_migrate__log(ctx, KS_MLOG_WARN, "the assertion passes every "
		    "local check: the likeliest causes are keys not registered "
		    "for this client (run 'keyshift migrate register'), a "
		    "pinned token_endpoint_auth_signing_alg, or a method other "
		    "than private_key_jwt on the client");
done:
	buf_wipe(&jwt);
	ks_jwks_free(set);
	return error;
}

static int
old_secret_dead(ks_verify_result *out, ks_migrate_ctx *ctx,
    const ks_as_metadata *meta, const ks_verify_options *opts)
{
	struct token_answer a;
	int error;

	if ((error = token_request(&a, ctx, meta, AUTH_BASIC, opts->client_id,
	    opts->old_secret, opts->scope)) < 0)
		return error;
	out->old_basic = a.probe;
	if ((error = token_request(&a, ctx, meta, AUTH_POST, opts->client_id,
	    opts->old_secret, opts->scope)) < 0)
		return error;
	out->old_post = a.probe;
	return 0;
}

static int
probes(ks_verify_result *out, ks_migrate_ctx *ctx, const struct signing *s,
    const char *aud)
{
	struct token_answer a;
	ks_buf jwt = KS_BUF_INIT;
	uint8_t rnd[12];
	char kid[48], hex[25];
	int error;

	/* replay: the same assertion twice; the first use is legitimate */
	if ((error = sign(&jwt, s, aud, NULL, 0)) < 0 ||
	    (error = token_request(&a, ctx, s->meta, AUTH_ASSERTION,
	    s->opts->client_id, jwt.ptr, s->opts->scope)) < 0)
		goto done;
	if (a.probe == KS_PROBE_ACCEPTED) {
		if ((error = token_request(&a, ctx, s->meta, AUTH_ASSERTION,
		    s->opts->client_id, jwt.ptr, s->opts->scope)) < 0)
			goto done;
		out->replay = a.probe;
	} else {
		out->replay = KS_PROBE_ERROR;
	}
	/* a kid nobody registered */
	if ((error = ks_random_bytes(rnd, sizeof(rnd))) < 0)
		goto done;
	ks_hex_encode(hex, rnd, sizeof(rnd));
	snprintf(kid, sizeof(kid), "ks-probe-%s", hex);
	if ((error = try_assertion(&a, ctx, s, aud, kid, 0)) < 0)
		goto done;
	out->unknown_kid = a.probe;
	/* expired ten minutes ago: beyond any clock tolerance */
	if ((error = try_assertion(&a, ctx, s, aud, NULL, 600 +
	    (s->opts->lifetime ? s->opts->lifetime :
	    KS_ASSERTION_DEFAULT_LIFETIME))) < 0)
		goto done;
	out->expired = a.probe;
done:
	buf_wipe(&jwt);
	return error;
}

int
ks_migrate_verify(ks_verify_result *out, ks_migrate_ctx *ctx,
    const ks_as_metadata *meta, const ks_verify_options *opts)
{
	struct signing s = { meta, opts, KS_JOSE_ALG_UNKNOWN };
	struct token_answer a;
	const char *aud = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (!opts || !opts->client_id || !opts->key ||
	    !ks_key_is_private(opts->key)) {
		ks_error_set(KS_ERROR_MIGRATE, "verify needs a client id and a "
		    "private key");
		return KS_EINVALID;
	}
	if ((error = ks_as_metadata_pick_alg(&s.alg, meta, opts->key)) < 0)
		return error;
	out->alg = s.alg;

	if ((error = try_assertion(&a, ctx, &s, meta->issuer, NULL, 0)) < 0)
		return error;
	out->aud_issuer = a.probe;
	out->status = a.status;
	snprintf(out->error, sizeof(out->error), "%s", a.error);
	snprintf(out->error_description, sizeof(out->error_description), "%s",
	    a.error_description);
	if (a.probe == KS_PROBE_ACCEPTED) {
		aud = meta->issuer;
	} else {
		ks_migrate__log(ctx, KS_MLOG_WARN, "the server refused aud = "
		    "issuer (%ld %s); diagnosing", a.status,
		    a.error[0] ? a.error : "no OAuth error");
		if ((error = diagnose(out, ctx, &s)) < 0)
			return error;
		if ((error = try_assertion(&a, ctx, &s, meta->token_endpoint,
		    NULL, 0)) < 0)
			return error;
		out->aud_token_endpoint = a.probe;
		if (a.probe == KS_PROBE_ACCEPTED) {
			aud = meta->token_endpoint;
			ks_migrate__log(ctx, KS_MLOG_WARN, "only the legacy "
			    "aud = token endpoint works: RFC 10070 clients "
			    "(openid-client 6, strict libraries) will fail; "
			    "the generated configuration sets it explicitly");
		}
	}
	if (aud) {
		out->token = true;
		out->expires_in = a.expires_in;
		snprintf(out->token_type, sizeof(out->token_type), "%s",
		    a.token_type);
	}
	if (opts->old_secret && (error = old_secret_dead(out, ctx, meta,
	    opts)) < 0)
		return error;
	if (opts->probes && aud && (error = probes(out, ctx, &s, aud)) < 0)
		return error;
	return 0;
}
