/*
 * migrate/migrate_int.h - internals shared by the network half of the
 * migrate module (discovery.c, verify.c, register.c, provider_*.c)
 *
 * Never installed.
 */
#ifndef KS_MIGRATE_MIGRATE_INT_H
#define KS_MIGRATE_MIGRATE_INT_H

#include <keyshift/migrate.h>

#include <jansson.h>

#include "http_client.h"
#include "str.h"

struct ks_migrate_ctx {
	ks_mhttp *http;              /* owned; this thread only */
	ks_migrate_options opts;
};

/* Send a message to the context's log callback (never secrets). */
void ks_migrate__log(ks_migrate_ctx *ctx, ks_mlog_level level,
    const char *fmt, ...) KS_PRINTF(3, 4);

/* Parse a JSON object response; KS_EINVALID with a message naming
 * `what` when it is not one. The caller owns *out (json_decref). */
int ks_migrate__json_object(json_t **out, const ks_str *body,
    const char *what) KS_WARN_UNUSED;

/* A JSON object as compact text, keys in insertion order. */
int ks_migrate__json_dump(ks_str *out, const json_t *obj, bool pretty)
    KS_WARN_UNUSED;

/* Read `error` and `error_description` of an OAuth error response. */
void ks_migrate__oauth_error(const ks_str *body, char *error, size_t esz,
    char *desc, size_t dsz);

/*
 * Dry-run: print one request through the log at KS_MLOG_REQUEST, the
 * Authorization header shown as "Bearer [redacted]" (or `scheme`).
 */
void ks_migrate__print_request(ks_migrate_ctx *ctx, const char *method,
    const char *url, const char *auth_scheme, const char *const *headers,
    const char *body);

/* Send a JSON request with a bearer-style credential; parse nothing. */
int ks_migrate__send_json(ks_migrate_ctx *ctx, struct ks_mhttp_response *resp,
    const char *method, const char *url, const char *auth_header,
    const char *body) KS_WARN_UNUSED;

/* The RFC 8414 (inserted) and OIDC (appended) metadata URLs of
 * `issuer`; KS_EINVALID if it is no URL without query and fragment. */
int ks_migrate__well_known_urls(ks_str *rfc8414, ks_str *oidc,
    const char *issuer) KS_WARN_UNUSED;

#endif
