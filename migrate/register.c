/*
 * migrate/register.c - RFC 7592 client management and RFC 7591 dynamic
 * registration: the generic way to switch a client to private_key_jwt
 *
 * RFC 7592 §2.2 makes PUT a full replacement: "omitted fields MUST be
 * treated as null or empty values". So the record is read first and sent
 * back whole, with only the authentication fields changed; the read-only
 * members the server computes (registration_access_token,
 * registration_client_uri, client_secret_expires_at, client_id_issued_at)
 * must not be sent, and client_secret is dropped on purpose: the client
 * is leaving it behind. `jwks` and `jwks_uri` are never both present
 * (RFC 7591 §2).
 *
 * The server may rotate the registration access token on every update
 * (oidc-provider does by default): the old one is dead the moment the
 * PUT succeeds, so the new one goes straight back to the caller, who
 * must persist it before anything else can fail.
 */
#include <string.h>

#include <keyshift/migrate.h>

#include "alloc.h"
#include "errors.h"
#include "migrate_int.h"
#include "secret.h"

#define REG_READ_ONLY_COUNT 5
static const char *const read_only[REG_READ_ONLY_COUNT] = {
	"registration_access_token", "registration_client_uri",
	"client_secret_expires_at", "client_id_issued_at", "client_secret",
};

void
ks_register_result_dispose(ks_register_result *res)
{
	if (!res)
		return;
	ks__free(res->client_id);
	ks__free(res->registration_client_uri);
	if (res->new_token) {
		ks_wipe(res->new_token, strlen(res->new_token));
		ks__free(res->new_token);
	}
	ks__free(res->previous_method);
	ks__free(res->kids);
	memset(res, 0, sizeof(*res));
}

static int
jwks_json(json_t **out, const ks_jwks *set)
{
	ks_buf text = KS_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = ks_jwks_to_json(&text, set, 0)) < 0)
		return error;
	*out = json_loadb(text.ptr, text.size, 0, NULL);
	ks_buf_dispose(&text);
	if (!*out) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	return 0;
}

/* The kids of a {"keys":[...]} value, ", "-joined and sorted. */
static int
kid_list(ks_str *out, const json_t *jwks)
{
	const char *kids[64];
	json_t *keys = json_object_get(jwks, "keys"), *k;
	size_t i, j, n = 0;
	int error = 0;

	json_array_foreach(keys, i, k) {
		const char *kid = json_string_value(json_object_get(k, "kid"));

		if (kid && n < 64)
			kids[n++] = kid;
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && strcmp(kids[j - 1], kids[j]) > 0; j--) {
			const char *t = kids[j];

			kids[j] = kids[j - 1];
			kids[j - 1] = t;
		}
	for (i = 0; i < n && !error; i++)
		error = ks_str_printf(out, "%s%s", i ? ", " : "", kids[i]);
	return error;
}

/* --dry-run: the request that would be sent, the token redacted. */
static void
dry_print(ks_migrate_ctx *ctx, const char *method, const char *uri,
    bool bearer, const char *body)
{
	static const char *const h[] = { "Content-Type: application/json",
	    "Accept: application/json", NULL };

	ks_migrate__print_request(ctx, method, uri, bearer ? "Bearer" : NULL,
	    h, body);
}

static int
auth_header(ks_str *out, const char *token)
{
	return ks_str_printf(out, "Authorization: Bearer %s", token);
}

static int
status_error(long status, const char *what, const char *url,
    const ks_str *body)
{
	char err[64], desc[256];

	ks_migrate__oauth_error(body, err, sizeof(err), desc, sizeof(desc));
	ks_error_set(KS_ERROR_MIGRATE, "%s '%.200s' answered %ld%s%s%s%s",
	    what, url, status, err[0] ? " " : "", err, desc[0] ? ": " : "",
	    desc);
	return status == 401 || status == 403 ? KS_EAUTH : KS_EINVALID;
}

/* Whether the record already says private_key_jwt with these keys. */
static bool
already_done(const json_t *cur, const json_t *want_jwks,
    const char *want_uri, ks_jose_alg alg, bool clear_alg)
{
	const char *m = json_string_value(json_object_get(cur,
	    "token_endpoint_auth_method"));
	const char *a = json_string_value(json_object_get(cur,
	    "token_endpoint_auth_signing_alg"));
	ks_str have = KS_STR_INIT, want = KS_STR_INIT;
	bool same = false;

	if (!m || strcmp(m, "private_key_jwt") != 0)
		return false;
	if (alg && (!a || strcmp(a, ks_jose_alg_name(alg)) != 0))
		return false;
	if (!alg && clear_alg && a)
		return false;
	if (want_uri) {
		const char *u = json_string_value(json_object_get(cur,
		    "jwks_uri"));

		return u && strcmp(u, want_uri) == 0;
	}
	if (kid_list(&have, json_object_get(cur, "jwks")) == 0 &&
	    kid_list(&want, want_jwks) == 0)
		same = have.len && strcmp(have.ptr, want.ptr) == 0;
	ks_str_dispose(&have);
	ks_str_dispose(&want);
	return same;
}

static int
set_keys(json_t *rec, json_t *jwks, const ks_register_options *opts)
{
	if (json_object_set_new(rec, "token_endpoint_auth_method",
	    json_string("private_key_jwt")) < 0)
		return KS_ENOMEM;
	if (opts->alg && json_object_set_new(rec,
	    "token_endpoint_auth_signing_alg",
	    json_string(ks_jose_alg_name(opts->alg))) < 0)
		return KS_ENOMEM;
	if (!opts->alg && opts->clear_alg)
		json_object_del(rec, "token_endpoint_auth_signing_alg");
	if (opts->jwks_uri) {
		json_object_del(rec, "jwks");
		if (json_object_set_new(rec, "jwks_uri",
		    json_string(opts->jwks_uri)) < 0)
			return KS_ENOMEM;
	} else {
		json_object_del(rec, "jwks_uri");
		if (json_object_set(rec, "jwks", jwks) < 0)
			return KS_ENOMEM;
	}
	return 0;
}

static int
dup_member(char **out, const json_t *obj, const char *name)
{
	const char *v = json_string_value(json_object_get(obj, name));

	*out = NULL;
	if (v && (*out = ks__strdup(v)) == NULL)
		return KS_ENOMEM;
	return 0;
}

/* Fill `out` from a registration response (RFC 7591 §3.2.1). */
static int
read_registration(ks_register_result *out, const json_t *resp,
    const char *old_token)
{
	const char *tok = json_string_value(json_object_get(resp,
	    "registration_access_token"));
	ks_str kids = KS_STR_INIT;
	int error;

	if ((error = dup_member(&out->client_id, resp, "client_id")) < 0 ||
	    (error = dup_member(&out->registration_client_uri, resp,
	    "registration_client_uri")) < 0)
		goto done;
	if (tok && (!old_token || strcmp(tok, old_token) != 0) &&
	    (out->new_token = ks__strdup(tok)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	if ((error = kid_list(&kids, json_object_get(resp, "jwks"))) < 0)
		goto done;
	if ((out->kids = ks_str_detach(&kids, NULL)) == NULL)
		error = KS_ENOMEM;
done:
	ks_str_dispose(&kids);
	return error;
}

/* Wipe the secrets a registration record holds before it is freed. */
static void
wipe_record(json_t *rec)
{
	size_t i;

	for (i = 0; rec && i < REG_READ_ONLY_COUNT; i++) {
		json_t *v = json_object_get(rec, read_only[i]);

		if (json_is_string(v))
			ks_wipe((void *)json_string_value(v),
			    json_string_length(v));
	}
	json_decref(rec);
}

int
ks_migrate_register(ks_register_result *out, ks_migrate_ctx *ctx,
    const ks_register_options *opts)
{
	struct ks_mhttp_response resp = KS_MHTTP_RESPONSE_INIT;
	json_t *cur = NULL, *jwks = NULL, *after = NULL;
	ks_str auth = KS_STR_INIT, body = KS_STR_INIT;
	const char *uri = opts->registration_uri, *cid;
	size_t i;
	int error;

	memset(out, 0, sizeof(*out));
	if (!uri || !opts->token || !opts->client_id ||
	    (!opts->jwks == !opts->jwks_uri)) {
		ks_error_set(KS_ERROR_MIGRATE, "registration needs the client "
		    "configuration URI, a registration access token, the "
		    "client id and either keys or a jwks_uri");
		return KS_EINVALID;
	}
	if ((error = auth_header(&auth, opts->token)) < 0 ||
	    (opts->jwks && (error = jwks_json(&jwks, opts->jwks)) < 0))
		goto done;
	/* RFC 7592 §2.1: read the current record */
	if ((error = ks_migrate__send_json(ctx, &resp, "GET", uri, auth.ptr,
	    NULL)) < 0)
		goto done;
	if (resp.status != 200) {
		error = status_error(resp.status, "reading the client at",
		    uri, &resp.body);
		goto done;
	}
	if ((error = ks_migrate__json_object(&cur, &resp.body,
	    "the client record")) < 0)
		goto done;
	cid = json_string_value(json_object_get(cur, "client_id"));
	if (!cid || strcmp(cid, opts->client_id) != 0) {
		ks_error_set(KS_ERROR_MIGRATE, "the record at '%.200s' is for "
		    "client '%.100s', not '%.100s'", uri, cid ? cid : "",
		    opts->client_id);
		error = KS_EINVALID;
		goto done;
	}
	if ((error = dup_member(&out->previous_method, cur,
	    "token_endpoint_auth_method")) < 0)
		goto done;
	if (!out->previous_method &&
	    (out->previous_method = ks__strdup("client_secret_basic")) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	if (already_done(cur, jwks, opts->jwks_uri, opts->alg,
	    opts->clear_alg)) {
		ks_migrate__log(ctx, KS_MLOG_INFO, "the client already uses "
		    "private_key_jwt with these keys: nothing to change");
		error = read_registration(out, cur, opts->token);
		ks__free(out->new_token);
		out->new_token = NULL;
		goto done;
	}
	/* RFC 7592 §2.2: the full record, read-only members left out */
	for (i = 0; i < REG_READ_ONLY_COUNT; i++)
		json_object_del(cur, read_only[i]);
	if ((error = set_keys(cur, jwks, opts)) < 0 ||
	    (error = ks_migrate__json_dump(&body, cur, opts->dry_run)) < 0)
		goto done;
	if (opts->dry_run) {
		dry_print(ctx, "PUT", uri, true, body.ptr);
		out->changed = true;
		error = 0;
		goto done;
	}
	if ((error = ks_migrate__send_json(ctx, &resp, "PUT", uri, auth.ptr,
	    body.ptr)) < 0)
		goto done;
	if (resp.status != 200) {
		error = status_error(resp.status, "updating the client at",
		    uri, &resp.body);
		goto done;
	}
	if ((error = ks_migrate__json_object(&after, &resp.body,
	    "the updated client record")) < 0 ||
	    (error = read_registration(out, after, opts->token)) < 0)
		goto done;
	out->changed = true;
done:
	wipe_record(cur);
	wipe_record(after);
	json_decref(jwks);
	ks_mhttp_response_dispose(&resp);
	ks_str_wipe(&auth);
	ks_str_dispose(&body);
	return error;
}

int
ks_migrate_register_new(ks_register_result *out, ks_migrate_ctx *ctx,
    const ks_register_options *opts)
{
	struct ks_mhttp_response resp = KS_MHTTP_RESPONSE_INIT;
	json_t *rec = NULL, *jwks = NULL, *after = NULL;
	ks_str auth = KS_STR_INIT, body = KS_STR_INIT;
	int error;

	memset(out, 0, sizeof(*out));
	if (!opts->registration_uri || (!opts->jwks == !opts->jwks_uri)) {
		ks_error_set(KS_ERROR_MIGRATE, "registration needs the "
		    "registration endpoint and either keys or a jwks_uri");
		return KS_EINVALID;
	}
	if ((opts->jwks && (error = jwks_json(&jwks, opts->jwks)) < 0) ||
	    (opts->token && (error = auth_header(&auth, opts->token)) < 0))
		goto done;
	if (!(rec = json_object()) ||
	    json_object_set_new(rec, "client_name", json_string(
	    opts->client_name ? opts->client_name : "keyshift client")) < 0 ||
	    json_object_set_new(rec, "grant_types",
	    json_pack("[s]", "client_credentials")) < 0 ||
	    json_object_set_new(rec, "response_types", json_array()) < 0 ||
	    json_object_set_new(rec, "redirect_uris", json_array()) < 0 ||
	    (opts->scope && json_object_set_new(rec, "scope",
	    json_string(opts->scope)) < 0)) {
		error = KS_ENOMEM;
		goto done;
	}
	if ((error = set_keys(rec, jwks, opts)) < 0 ||
	    (error = ks_migrate__json_dump(&body, rec, opts->dry_run)) < 0)
		goto done;
	if (opts->dry_run) {
		dry_print(ctx, "POST", opts->registration_uri,
		    opts->token != NULL, body.ptr);
		goto done;
	}
	if ((error = ks_migrate__send_json(ctx, &resp, "POST",
	    opts->registration_uri, opts->token ? auth.ptr : NULL,
	    body.ptr)) < 0)
		goto done;
	if (resp.status != 201 && resp.status != 200) {
		error = status_error(resp.status, "registering a client at",
		    opts->registration_uri, &resp.body);
		goto done;
	}
	if ((error = ks_migrate__json_object(&after, &resp.body,
	    "the registration response")) < 0 ||
	    (error = read_registration(out, after, NULL)) < 0)
		goto done;
	if (!out->client_id) {
		ks_error_set(KS_ERROR_MIGRATE, "the registration response has "
		    "no client_id");
		error = KS_EINVALID;
		goto done;
	}
	out->changed = true;
done:
	json_decref(rec);
	wipe_record(after);
	json_decref(jwks);
	ks_mhttp_response_dispose(&resp);
	ks_str_wipe(&auth);
	ks_str_dispose(&body);
	return error;
}
