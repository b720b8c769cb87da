/*
 * migrate/provider_okta.c - Okta management API
 *
 *   POST /api/v1/apps/{appId}/credentials/jwks   the public JWK (kid kept)
 *   GET  /api/v1/apps/{appId}
 *   PUT  /api/v1/apps/{appId}   credentials.oauthClient
 *                               .token_endpoint_auth_method = private_key_jwt
 *
 * Okta authenticates API tokens with "Authorization: SSWS <token>". It
 * refuses to add a key next to one without a kid, and keys carry both an
 * Okta id and our kid.
 */
#include <string.h>

#include "errors.h"
#include "provider_int.h"

static int
okta_update(ks_migrate_ctx *ctx, const ks_provider_request *req)
{
	ks_str url = KS_STR_INIT;
	json_t *jwk = NULL, *added = NULL, *app = NULL, *cred, *oc, *done_ = NULL;
	int error;

	if (!req->app_id) {
		ks_error_set(KS_ERROR_MIGRATE, "okta needs --app-id");
		return KS_EINVALID;
	}
	if ((error = ks_provider__jwk(&jwk, req->key)) < 0)
		goto done;
	json_object_set_new(jwk, "status", json_string("ACTIVE"));
	json_object_del(jwk, "x5c");
	json_object_del(jwk, "x5t");
	json_object_del(jwk, "x5t#S256");
	if ((error = ks_str_printf(&url, "%s/api/v1/apps/%s/credentials/jwks",
	    req->admin_url, req->app_id)) < 0 ||
	    (error = ks_provider__send(ctx, req, "SSWS", "POST", url.ptr, jwk,
	    201, &added)) < 0)
		goto done;
	ks_str_clear(&url);
	if ((error = ks_str_printf(&url, "%s/api/v1/apps/%s", req->admin_url,
	    req->app_id)) < 0 ||
	    (error = ks_provider__send(ctx, req, "SSWS", "GET", url.ptr, NULL,
	    200, &app)) < 0)
		goto done;
	if (!app)
		app = json_pack("{s:s}", "id", req->app_id);
	if (!json_is_object(app)) {
		ks_error_set(KS_ERROR_MIGRATE, "okta: the app is not a JSON "
		    "object");
		error = KS_EINVALID;
		goto done;
	}
	if (!(cred = json_object_get(app, "credentials"))) {
		json_object_set_new(app, "credentials", json_object());
		cred = json_object_get(app, "credentials");
	}
	if (!(oc = json_object_get(cred, "oauthClient"))) {
		json_object_set_new(cred, "oauthClient", json_object());
		oc = json_object_get(cred, "oauthClient");
	}
	json_object_set_new(oc, "token_endpoint_auth_method",
	    json_string("private_key_jwt"));
	json_object_del(oc, "client_secret");
	error = ks_provider__send(ctx, req, "SSWS", "PUT", url.ptr, app, 200,
	    &done_);
done:
	json_decref(done_);
	json_decref(app);
	json_decref(added);
	json_decref(jwk);
	ks_str_dispose(&url);
	return error;
}

const struct ks_provider_ops ks_provider_okta = {
	"okta", "Okta: app JWKS credentials, then token_endpoint_auth_method",
	okta_update
};
