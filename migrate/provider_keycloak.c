/*
 * migrate/provider_keycloak.c - Keycloak Admin REST API
 *
 *   GET /admin/realms/{realm}/clients?clientId={client_id}  -> [{id, ...}]
 *   PUT /admin/realms/{realm}/clients/{id}                  -> 204
 *
 * The PUT sends the representation back with clientAuthenticatorType
 * "client-jwt" (JWTClientAuthenticator, "Signed JWT") and the key either
 * as a JWKS URL (attributes use.jwks.url / jwks.url) or inline
 * (use.jwks.string / jwks.string), and pins the algorithm with
 * token.endpoint.auth.signing.alg. The server-side "generate" endpoint
 * is never used: it would make the private key on the server.
 */
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "provider_int.h"

static int
keycloak_update(ks_migrate_ctx *ctx, const ks_provider_request *req)
{
	ks_str url = KS_STR_INIT, cid = KS_STR_INIT;
	json_t *list = NULL, *rep = NULL, *attrs, *jwk = NULL, *set = NULL;
	char *jwks_text = NULL;
	const char *uuid;
	int error;

	if (!req->realm) {
		ks_error_set(KS_ERROR_MIGRATE, "keycloak needs --realm");
		return KS_EINVALID;
	}
	if ((error = ks_form_encode(&cid, req->client_id)) < 0 ||
	    (error = ks_str_printf(&url, "%s/admin/realms/%s/clients?"
	    "clientId=%s", req->admin_url, req->realm, cid.ptr)) < 0 ||
	    (error = ks_provider__send(ctx, req, "Bearer", "GET", url.ptr,
	    NULL, 200, &list)) < 0)
		goto done;
	if (!req->dry_run && (!json_is_array(list) ||
	    json_array_size(list) != 1)) {
		ks_error_set(KS_ERROR_MIGRATE, "keycloak has %s client '%s' in "
		    "realm '%s'", json_is_array(list) &&
		    json_array_size(list) ? "more than one" : "no",
		    req->client_id, req->realm);
		error = KS_ENOTFOUND;
		goto done;
	}
	rep = req->dry_run ? json_pack("{s:s,s:s}", "id",
	    "{id from the GET}", "clientId", req->client_id) :
	    json_deep_copy(json_array_get(list, 0));
	uuid = ks_provider__str(rep, "id", "{id}");
	if (!(attrs = json_object_get(rep, "attributes"))) {
		json_object_set_new(rep, "attributes", json_object());
		attrs = json_object_get(rep, "attributes");
	}
	if ((error = ks_provider__jwk(&jwk, req->key)) < 0)
		goto done;
	json_object_set_new(rep, "clientAuthenticatorType",
	    json_string("client-jwt"));
	json_object_set_new(attrs, "token.endpoint.auth.signing.alg",
	    json_string(ks_jose_alg_name(ks_key_alg(req->key))));
	if (req->jwks_uri) {
		json_object_set_new(attrs, "use.jwks.url", json_string("true"));
		json_object_set_new(attrs, "jwks.url",
		    json_string(req->jwks_uri));
		json_object_set_new(attrs, "use.jwks.string",
		    json_string("false"));
	} else {
		set = json_pack("{s:[O]}", "keys", jwk);
		jwks_text = json_dumps(set, JSON_COMPACT);
		json_object_set_new(attrs, "use.jwks.string",
		    json_string("true"));
		json_object_set_new(attrs, "jwks.string",
		    json_string(jwks_text ? jwks_text : ""));
		json_object_set_new(attrs, "use.jwks.url",
		    json_string("false"));
	}
	ks_str_clear(&url);
	if ((error = ks_str_printf(&url, "%s/admin/realms/%s/clients/%s",
	    req->admin_url, req->realm, uuid)) < 0)
		goto done;
	{
		json_t *ignored = NULL;

		error = ks_provider__send(ctx, req, "Bearer", "PUT", url.ptr,
		    rep, 204, &ignored);
		json_decref(ignored);
	}
done:
	free(jwks_text);
	json_decref(set);
	json_decref(jwk);
	json_decref(rep);
	json_decref(list);
	ks_str_dispose(&url);
	ks_str_dispose(&cid);
	return error;
}

const struct ks_provider_ops ks_provider_keycloak = {
	"keycloak", "Keycloak Admin REST: client-jwt authenticator, jwks.string "
	"or jwks.url", keycloak_update
};
