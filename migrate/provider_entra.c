/*
 * migrate/provider_entra.c - Microsoft Entra ID through Microsoft Graph
 *
 *   GET   /v1.0/applications/{id}?$select=keyCredentials
 *   PATCH /v1.0/applications/{id}  {keyCredentials: [existing..., new]} -> 204
 *
 * Entra takes certificates only (no JWKS): the new key's self-signed
 * certificate goes in as {type AsymmetricX509Cert, usage Verify, key:
 * base64 DER}. PATCH replaces the whole collection, so the existing
 * credentials are sent back with it. Clients then send x5t#S256 (the
 * SHA-256 thumbprint of the certificate) in the assertion header, and
 * aud = the token endpoint.
 */
#include <string.h>
#include <time.h>

#include "encode.h"
#include "errors.h"
#include "jose_int.h"
#include "provider_int.h"

static void
iso_time(char *out, size_t cap, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int
entra_update(ks_migrate_ctx *ctx, const ks_provider_request *req)
{
	ks_str url = KS_STR_INIT, der = KS_STR_INIT, name = KS_STR_INIT;
	json_t *app = NULL, *creds = NULL, *patch = NULL, *after = NULL;
	char start[32], end[32];
	time_t now = time(NULL);
	int error;

	if (!req->app_id) {
		ks_error_set(KS_ERROR_MIGRATE, "entra needs --app-id (the "
		    "application's object id)");
		return KS_EINVALID;
	}
	if (!req->key->cert_der) {
		ks_error_set(KS_ERROR_MIGRATE, "entra needs a certificate for "
		    "the key");
		return KS_EINVALID;
	}
	if ((error = ks_str_printf(&url, "%s/v1.0/applications/%s?$select="
	    "keyCredentials", req->admin_url, req->app_id)) < 0 ||
	    (error = ks_provider__send(ctx, req, "Bearer", "GET", url.ptr,
	    NULL, 200, &app)) < 0)
		goto done;
	creds = json_deep_copy(json_object_get(app, "keyCredentials"));
	if (!json_is_array(creds)) {
		json_decref(creds);
		creds = json_array();
	}
	iso_time(start, sizeof(start), now);
	iso_time(end, sizeof(end), now + 365 * 86400);
	if ((error = ks_base64_encode(&der, req->key->cert_der,
	    req->key->cert_len, 0)) < 0 ||
	    (error = ks_str_printf(&name, "CN=%s", ks_key_kid(req->key))) < 0)
		goto done;
	json_array_append_new(creds, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}",
	    "type", "AsymmetricX509Cert", "usage", "Verify", "key", der.ptr,
	    "displayName", name.ptr, "startDateTime", start, "endDateTime",
	    end));
	patch = json_pack("{s:O}", "keyCredentials", creds);
	ks_str_clear(&url);
	if ((error = ks_str_printf(&url, "%s/v1.0/applications/%s",
	    req->admin_url, req->app_id)) < 0)
		goto done;
	error = ks_provider__send(ctx, req, "Bearer", "PATCH", url.ptr, patch,
	    204, &after);
done:
	json_decref(after);
	json_decref(patch);
	json_decref(creds);
	json_decref(app);
	ks_str_dispose(&url);
	ks_str_dispose(&der);
	ks_str_dispose(&name);
	return error;
}

const struct ks_provider_ops ks_provider_entra = {
	"entra", "Microsoft Entra ID (Graph): keyCredentials certificate, "
	"clients send x5t#S256", entra_update
};
