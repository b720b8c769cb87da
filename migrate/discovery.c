/*
 * migrate/discovery.c - authorization server metadata (RFC 8414 and
 * OpenID Connect Discovery 1.0)
 *
 * Two well-known locations are tried in order:
 *
 *   RFC 8414 §3.1   https://host/.well-known/oauth-authorization-server/path
 *                   (inserted between the host and the issuer's path)
 *   OIDC §4         https://host/path/.well-known/openid-configuration
 *                   (appended)
 *
 * A document whose `issuer` is not exactly the configured issuer is
 * refused outright (RFC 8414 §3.3): it is what makes aud = issuer safe
 * against audience injection (RFC 10070), so there is no fallback past a
 * mismatch. The clock skew is measured from the Date header of the
 * response, taken when it arrives; Date has a one-second resolution.
 */
#include <string.h>
#include <time.h>

#include <keyshift/migrate.h>

#include "alloc.h"
#include "errors.h"
#include "migrate_int.h"

#define DISCOVERY_MAX_STRINGS 64

static void
free_strings(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		ks__free(v[i]);
	ks__free(v);
}

void
ks_as_metadata_dispose(ks_as_metadata *meta)
{
	if (!meta)
		return;
	ks__free(meta->issuer);
	ks__free(meta->token_endpoint);
	ks__free(meta->registration_endpoint);
	ks__free(meta->jwks_uri);
	ks__free(meta->metadata_url);
	free_strings(meta->auth_methods, meta->n_auth_methods);
	free_strings(meta->signing_algs, meta->n_signing_algs);
	memset(meta, 0, sizeof(*meta));
}

int
ks_migrate__well_known_urls(ks_str *rfc8414, ks_str *oidc, const char *issuer)
{
	const char *scheme_end = strstr(issuer, "://"), *path;
	size_t ilen = strlen(issuer);
	int error;

	if (!scheme_end || strpbrk(issuer, "?#") || ilen > 2048) {
		ks_error_set(KS_ERROR_MIGRATE, "issuer '%.200s' is not an "
		    "https URL without query or fragment", issuer);
		return KS_EINVALID;
	}
	path = strchr(scheme_end + 3, '/');
	if (!path)
		path = issuer + ilen;
	/* RFC 8414: a terminating "/" of the issuer is not part of the path */
	if ((error = ks_str_put(rfc8414, issuer, (size_t)(path - issuer))) < 0 ||
	    (error = ks_str_puts(rfc8414,
	    "/.well-known/oauth-authorization-server")) < 0)
		return error;
	if (strcmp(path, "/") != 0 && (error = ks_str_puts(rfc8414, path)) < 0)
		return error;
	if (ilen && issuer[ilen - 1] == '/')
		ilen--;
	if ((error = ks_str_put(oidc, issuer, ilen)) < 0 ||
	    (error = ks_str_puts(oidc, "/.well-known/openid-configuration")) < 0)
		return error;
	return 0;
}

static int
dup_string(char **out, json_t *doc, const char *name, bool required,
    const char *url)
{
	json_t *v = json_object_get(doc, name);

	*out = NULL;
	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		ks_error_set(KS_ERROR_MIGRATE, "metadata at '%.200s' has no "
		    "'%s'", url, name);
		return KS_EINVALID;
	}
	if (!json_is_string(v)) {
		ks_error_set(KS_ERROR_MIGRATE, "metadata at '%.200s': '%s' is "
		    "not a string", url, name);
		return KS_EINVALID;
	}
	if ((*out = ks__strdup(json_string_value(v))) == NULL)
		return KS_ENOMEM;
	return 0;
}

static int
dup_strings(char ***out, size_t *n, json_t *doc, const char *name,
    const char *url)
{
	json_t *arr = json_object_get(doc, name), *v;
	size_t i;

	*out = NULL;
	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > DISCOVERY_MAX_STRINGS) {
		ks_error_set(KS_ERROR_MIGRATE, "metadata at '%.200s': '%s' is "
		    "not a list of strings", url, name);
		return KS_EINVALID;
	}
	if ((*out = ks__calloc(json_array_size(arr) + 1, sizeof(char *))) == NULL)
		return KS_ENOMEM;
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v)) {
			ks_error_set(KS_ERROR_MIGRATE, "metadata at '%.200s': "
			    "'%s' is not a list of strings", url, name);
			return KS_EINVALID;
		}
		if (((*out)[*n] = ks__strdup(json_string_value(v))) == NULL)
			return KS_ENOMEM;
		(*n)++;
	}
	return 0;
}

static int
parse_metadata(ks_as_metadata *m, const ks_str *body, const char *url,
    const char *issuer)
{
	json_t *doc = NULL;
	int error;

	if ((error = ks_migrate__json_object(&doc, body, url)) < 0)
		return error;
	if ((error = dup_string(&m->issuer, doc, "issuer", true, url)) < 0)
		goto done;
	if (strcmp(m->issuer, issuer) != 0) {
		ks_error_set(KS_ERROR_MIGRATE, "metadata at '%.200s' names "
		    "issuer '%.200s', not '%.200s': refusing it (RFC 8414 "
		    "§3.3); check the issuer's exact spelling, trailing slash "
		    "included", url, m->issuer, issuer);
		error = KS_EINVALID;
		goto done;
	}
	if ((error = dup_string(&m->token_endpoint, doc, "token_endpoint",
	    true, url)) < 0 ||
	    (error = dup_string(&m->registration_endpoint, doc,
	    "registration_endpoint", false, url)) < 0 ||
	    (error = dup_string(&m->jwks_uri, doc, "jwks_uri", false,
	    url)) < 0 ||
	    (error = dup_strings(&m->auth_methods, &m->n_auth_methods, doc,
	    "token_endpoint_auth_methods_supported", url)) < 0 ||
	    (error = dup_strings(&m->signing_algs, &m->n_signing_algs, doc,
	    "token_endpoint_auth_signing_alg_values_supported", url)) < 0)
		goto done;
	/* RFC 8414 §2: absent means client_secret_basic only */
	m->auth_methods_defaulted = !json_object_get(doc,
	    "token_endpoint_auth_methods_supported");
	if ((m->metadata_url = ks__strdup(url)) == NULL)
		error = KS_ENOMEM;
done:
	json_decref(doc);
	return error;
}

static int
fetch(ks_migrate_ctx *ctx, struct ks_mhttp_response *resp, const char *url)
{
	static const char *const headers[] = { "Accept: application/json",
	    NULL };
	struct ks_mhttp_request req = { 0 };

	req.method = "GET";
	req.url = url;
	req.headers = headers;
	return ks_mhttp_do(ctx->http, &req, resp);
}

int
ks_discover(ks_as_metadata *out, ks_migrate_ctx *ctx, const char *issuer)
{
	struct ks_mhttp_response resp = KS_MHTTP_RESPONSE_INIT;
	ks_str u8414 = KS_STR_INIT, uoidc = KS_STR_INIT;
	const char *url;
	int64_t now;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = ks_migrate__well_known_urls(&u8414, &uoidc, issuer)) < 0)
		goto done;
	url = u8414.ptr;
	if ((error = fetch(ctx, &resp, url)) < 0)
		goto done;
	if (resp.status != 200) {
		url = uoidc.ptr;
		if ((error = fetch(ctx, &resp, url)) < 0)
			goto done;
	}
	now = (int64_t)time(NULL);
	if (resp.status != 200) {
		ks_error_set(KS_ERROR_MIGRATE, "no metadata for issuer "
		    "'%.200s': %s and %s answered %ld", issuer, u8414.ptr,
		    uoidc.ptr, resp.status);
		error = KS_ENOTFOUND;
		goto done;
	}
	if ((error = parse_metadata(out, &resp.body, url, issuer)) < 0)
		goto done;
	if (resp.date) {
		out->have_date = true;
		out->skew = resp.date - now;
		if (out->skew > ctx->opts.max_skew ||
		    -out->skew > ctx->opts.max_skew)
			ks_migrate__log(ctx, KS_MLOG_WARN, "clock skew: the "
			    "server's clock is %+lld s from ours (above %lld "
			    "s); assertions are dated by the server's clock",
			    (long long)out->skew, (long long)ctx->opts.max_skew);
	}
	if (!ks_as_metadata_has_method(out, "private_key_jwt"))
		ks_migrate__log(ctx, KS_MLOG_WARN, "the server does not list "
		    "private_key_jwt in token_endpoint_auth_methods_supported");
done:
	if (error < 0)
		ks_as_metadata_dispose(out);
	ks_mhttp_response_dispose(&resp);
	ks_str_dispose(&u8414);
	ks_str_dispose(&uoidc);
	return error;
}

bool
ks_as_metadata_has_method(const ks_as_metadata *meta, const char *method)
{
	size_t i;

	if (meta->auth_methods_defaulted)
		return strcmp(method, "client_secret_basic") == 0;
	for (i = 0; i < meta->n_auth_methods; i++)
		if (strcmp(meta->auth_methods[i], method) == 0)
			return true;
	return false;
}

static bool
lists_alg(const ks_as_metadata *meta, ks_jose_alg alg)
{
	const char *name = ks_jose_alg_name(alg);
	size_t i;

	for (i = 0; name && i < meta->n_signing_algs; i++)
		if (strcmp(meta->signing_algs[i], name) == 0)
			return true;
	return false;
}

int
ks_as_metadata_pick_alg(ks_jose_alg *out, const ks_as_metadata *meta,
    const ks_key *key)
{
	ks_jose_alg alg = ks_key_alg(key);

	*out = alg;
	/* RFC 8414 §2: no default is implied when the list is absent. */
	if (meta->n_signing_algs == 0)
		return 0;
	if (lists_alg(meta, alg))
		return 0;
	if (alg == KS_JOSE_ALG_EDDSA || alg == KS_JOSE_ALG_ED25519) {
		ks_jose_alg other = alg == KS_JOSE_ALG_EDDSA ?
		    KS_JOSE_ALG_ED25519 : KS_JOSE_ALG_EDDSA;

		if (lists_alg(meta, other)) {
			*out = other;
			return 0;
		}
	}
	if (ks_key_alg_fits(key, KS_JOSE_ALG_PS256) &&
	    lists_alg(meta, KS_JOSE_ALG_PS256)) {
		*out = KS_JOSE_ALG_PS256;
		return 0;
	}
	if (ks_key_alg_fits(key, KS_JOSE_ALG_RS256) &&
	    lists_alg(meta, KS_JOSE_ALG_RS256)) {
		*out = KS_JOSE_ALG_RS256;
		return 0;
	}
	ks_error_set(KS_ERROR_MIGRATE, "the server accepts none of the "
	    "algorithms this key signs with (%s); it lists %zu others",
	    ks_jose_alg_name(alg), meta->n_signing_algs);
	return KS_EINVALID;
}
