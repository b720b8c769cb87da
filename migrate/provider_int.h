/*
 * migrate/provider_int.h - what the vendor adapters share (internal)
 *
 * An adapter builds the vendor's documented admin requests. Each request
 * goes through provider_send(), which in dry-run mode prints it (the
 * credential redacted) and answers with an empty 0-status response, so
 * an adapter's logic runs the same in both modes and substitutes a
 * placeholder for values only a live response would give.
 */
#ifndef KS_MIGRATE_PROVIDER_INT_H
#define KS_MIGRATE_PROVIDER_INT_H

#include <keyshift/migrate.h>

#include "migrate_int.h"

extern const struct ks_provider_ops ks_provider_keycloak;
extern const struct ks_provider_ops ks_provider_okta;
extern const struct ks_provider_ops ks_provider_auth0;
extern const struct ks_provider_ops ks_provider_entra;

/*
 * Send (or, in dry-run, print) one JSON request. `scheme` is the
 * Authorization scheme ("Bearer", "SSWS"); `want` the success status
 * (in dry-run any). The response is parsed into *out when it is a JSON
 * value (NULL otherwise; caller json_decref()s).
 * @return 0; KS_EAUTH; KS_EINVALID (unexpected status); KS_ENET.
 */
int ks_provider__send(ks_migrate_ctx *ctx, const ks_provider_request *req,
    const char *scheme, const char *method, const char *url,
    const json_t *body, long want, json_t **out) KS_WARN_UNUSED;

/* The public JWK of the request's key as a JSON object. */
int ks_provider__jwk(json_t **out, const ks_key *key) KS_WARN_UNUSED;

/* A JSON string of member `name`, or `placeholder` (dry-run). */
const char *ks_provider__str(const json_t *obj, const char *name,
    const char *placeholder);

#endif
