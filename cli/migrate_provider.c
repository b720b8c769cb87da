/*
 * cli/migrate_provider.c - `keyshift migrate register --provider NAME`:
 * the vendor admin-API adapters (migrate/provider_*.c)
 */
#include <stdio.h>
#include <string.h>

#include <keyshift/migrate.h>

#include "cli.h"
#include "cmd_migrate.h"
#include "exitcode.h"

int mig_provider_register(const struct mig_args *a, ks_migrate_ctx *ctx,
    const ks_key *key);

int
mig_provider_register(const struct mig_args *a, ks_migrate_ctx *ctx,
    const ks_key *key)
{
	ks_provider_request req = KS_PROVIDER_REQUEST_INIT;
	const struct ks_provider_ops *ops = ks_provider_lookup(a->provider);
	char *token = NULL;
	size_t i;
	int rc = KS_EXIT_RUNTIME;

	if (!ops) {
		ks_cli_error("unknown provider '%s'; one of:", a->provider);
		for (i = 0; (ops = ks_provider_get(i)) != NULL; i++)
			fprintf(stderr, "  %-9s %s\n", ops->name, ops->summary);
		return KS_EXIT_USAGE;
	}
	if (mig_read_secret(&token, a->admin_token_file,
	    "KEYSHIFT_ADMIN_TOKEN") < 0) {
		ks_cli_error_last("cannot read the admin token");
		return rc;
	}
	if (!token && !a->dry_run) {
		ks_cli_error("the %s adapter needs an admin API token: "
		    "--admin-token-file F or $KEYSHIFT_ADMIN_TOKEN", ops->name);
		return KS_EXIT_USAGE;
	}
	req.admin_url = a->admin_url;
	req.admin_token = token ? token : "";
	req.realm = a->realm;
	req.app_id = a->app_id;
	req.client_id = a->client_id;
	req.key = key;
	req.jwks_uri = a->jwks_uri;
	req.dry_run = a->dry_run;
	if (ops->update_client(ctx, &req) < 0)
		ks_cli_error_last(a->dry_run ? "cannot build the requests" :
		    "the admin API update failed");
	else if (a->dry_run)
		rc = (printf("dry run: nothing was sent\n"), KS_EXIT_OK);
	else
		rc = (printf("client %s switched to private_key_jwt via the %s "
		    "admin API (kid %s)\n", a->client_id, ops->name,
		    ks_key_kid(key)), KS_EXIT_OK);
	ks_jose_passphrase_free(token);
	return rc;
}
