/*
 * migrate/provider_auth0.c - Auth0 Management API v2
 *
 *   POST  /api/v2/clients/{client_id}/credentials
 *         {credential_type: public_key, name, pem, alg}         -> 201 {id}
 *   PATCH /api/v2/clients/{client_id}
 *         {token_endpoint_auth_method: null,
 *          client_authentication_methods:
 *            {private_key_jwt: {credentials: [{id}]}}}          -> 200
 *
 * Auth0 takes RSA keys only (RS256, RS384, PS256) as a PEM public key or
 * certificate, at most two per application, and the credential is inert
 * until the PATCH names it.
 */
#include <openssl/pem.h>
#include <string.h>

#include "errors.h"
#include "jose_int.h"
#include "provider_int.h"

static int
public_pem(ks_str *out, const ks_key *key)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *p;
	long n;
	int error = 0;

	if (!bio || !PEM_write_bio_PUBKEY(bio, key->pkey)) {
		ks_jose__ssl_error("cannot write the public key");
		error = KS_ERROR;
	} else if ((n = BIO_get_mem_data(bio, &p)) > 0) {
		error = ks_str_put(out, p, (size_t)n);
	}
	BIO_free(bio);
	return error;
}

static int
auth0_update(ks_migrate_ctx *ctx, const ks_provider_request *req)
{
	ks_str url = KS_STR_INIT, pem = KS_STR_INIT, name = KS_STR_INIT,
	    cid = KS_STR_INIT;
	json_t *body = NULL, *cred = NULL, *patch = NULL, *after = NULL;
	ks_jose_alg alg = ks_key_alg(req->key);
	int error;

	if (alg != KS_JOSE_ALG_RS256 && alg != KS_JOSE_ALG_PS256) {
		ks_error_set(KS_ERROR_MIGRATE, "auth0 accepts RSA keys only "
		    "(RS256, RS384, PS256), not %s", ks_jose_alg_name(alg));
		return KS_EINVALID;
	}
	if ((error = public_pem(&pem, req->key)) < 0 ||
	    (error = ks_str_printf(&name, "keyshift-%.16s",
	    ks_key_kid(req->key))) < 0 ||
	    (error = ks_form_encode(&cid, req->client_id)) < 0 ||
	    (error = ks_str_printf(&url, "%s/api/v2/clients/%s/credentials",
	    req->admin_url, cid.ptr)) < 0)
		goto done;
	body = json_pack("{s:s,s:s,s:s,s:s}", "credential_type", "public_key",
	    "name", name.ptr, "pem", pem.ptr, "alg", ks_jose_alg_name(alg));
	if ((error = ks_provider__send(ctx, req, "Bearer", "POST", url.ptr,
	    body, 201, &cred)) < 0)
		goto done;
	patch = json_pack("{s:n,s:{s:{s:[{s:s}]}}}",
	    "token_endpoint_auth_method", "client_authentication_methods",
	    "private_key_jwt", "credentials", "id",
	    ks_provider__str(cred, "id", "{id from the POST}"));
	ks_str_clear(&url);
	if ((error = ks_str_printf(&url, "%s/api/v2/clients/%s",
	    req->admin_url, cid.ptr)) < 0)
		goto done;
	error = ks_provider__send(ctx, req, "Bearer", "PATCH", url.ptr, patch,
	    200, &after);
done:
	json_decref(after);
	json_decref(patch);
	json_decref(cred);
	json_decref(body);
	ks_str_dispose(&url);
	ks_str_dispose(&pem);
	ks_str_dispose(&name);
	ks_str_dispose(&cid);
	return error;
}

const struct ks_provider_ops ks_provider_auth0 = {
	"auth0", "Auth0: public_key credential, then "
	"client_authentication_methods.private_key_jwt", auth0_update
};
