/*
 * migrate/provider.c - the table of vendor admin-API adapters
 *
 * When adding an adapter: a provider_NAME.c beside this file, its entry
 * here, the CHECK of client.provider in store/schema, docs/MIGRATION.md
 * and a shape-checking case in tests/support/vendor_api.py.
 */
#include <string.h>

#include <keyshift/migrate.h>

#include "errors.h"
#include "provider_int.h"

static const struct ks_provider_ops *const providers[] = {
	&ks_provider_keycloak,
	&ks_provider_okta,
	&ks_provider_auth0,
	&ks_provider_entra,
};

#define NPROVIDERS (sizeof(providers) / sizeof(providers[0]))

const struct ks_provider_ops *
ks_provider_lookup(const char *name)
{
	size_t i;

	for (i = 0; name && i < NPROVIDERS; i++)
		if (strcmp(providers[i]->name, name) == 0)
			return providers[i];
	return NULL;
}

const struct ks_provider_ops *
ks_provider_get(size_t i)
{
	return i < NPROVIDERS ? providers[i] : NULL;
}

int
ks_provider__send(ks_migrate_ctx *ctx, const ks_provider_request *req,
    const char *scheme, const char *method, const char *url,
    const json_t *body, long want, json_t **out)
{
	struct ks_mhttp_response resp = KS_MHTTP_RESPONSE_INIT;
	ks_str text = KS_STR_INIT, auth = KS_STR_INIT;
	int error = 0;

	*out = NULL;
	if (body && (error = ks_migrate__json_dump(&text, body,
	    req->dry_run)) < 0)
		goto done;
	if (req->dry_run) {
		static const char *const h[] = {
		    "Content-Type: application/json",
		    "Accept: application/json", NULL };

		ks_migrate__print_request(ctx, method, url, scheme,
		    body ? h : h + 1, body ? text.ptr : NULL);
		goto done;
	}
	if ((error = ks_str_printf(&auth, "Authorization: %s %s", scheme,
	    req->admin_token)) < 0 ||
	    (error = ks_migrate__send_json(ctx, &resp, method, url, auth.ptr,
	    body ? text.ptr : NULL)) < 0)
		goto done;
	if (resp.status != want) {
		ks_error_set(KS_ERROR_MIGRATE, "%s %s answered %ld, not %ld",
		    method, url, resp.status, want);
		error = resp.status == 401 || resp.status == 403 ? KS_EAUTH :
		    KS_EINVALID;
		goto done;
	}
	if (resp.body.len)
		*out = json_loadb(resp.body.ptr, resp.body.len, 0, NULL);
done:
	ks_mhttp_response_dispose(&resp);
	ks_str_wipe(&auth);
	ks_str_dispose(&text);
	return error;
}

int
ks_provider__jwk(json_t **out, const ks_key *key)
{
	ks_buf text = KS_BUF_INIT;
	int error;

	*out = NULL;
	if ((error = ks_key_to_jwk(&text, key, 0)) < 0)
		return error;
	*out = json_loadb(text.ptr, text.size, 0, NULL);
	ks_buf_dispose(&text);
	return *out ? 0 : KS_ENOMEM;
}

const char *
ks_provider__str(const json_t *obj, const char *name, const char *placeholder)
{
	const char *v = obj ? json_string_value(json_object_get(obj, name)) :
	    NULL;

	return v ? v : placeholder;
}
