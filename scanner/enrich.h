/*
 * scanner/enrich.h - what the scanner adds to a blob's matches
 *
 * Library-internal; called by the pipeline's workers after the
 * occurrences of a blob are built (scanner/pipeline.c, process_blob):
 *
 * - decoding: values the format says are encoded (a Kubernetes Secret's
 *   data:, .dockerconfigjson), base64 that decodes to a PEM block or to
 *   text naming a secret, percent-encoded secret values, and binary
 *   PKCS#12 files (scanned as their base64) are matched again, once
 *   (depth 1), within KS_DECODE_MAX_VIEWS views and KS_DECODE_MAX_BYTES
 *   decoded bytes per blob; such occurrences sit at the encoded value and
 *   name it "data.client-secret (base64)";
 * - structure: every occurrence gets the key path of the value it is in
 *   (scanner/structure.h), in ks_occurrence.extra_json ("key_path");
 * - private keys: the base64 body is normalised (line breaks, string
 *   literal joins and escapes dropped) before fingerprinting, so a key
 *   indented or escaped differently is one finding; key_info says type,
 *   size and encryption (scanner/keyinfo.h);
 * - OAuth client secrets: client_id and issuer from the same structure
 *   (same object, same .env prefix, Spring registration and provider,
 *   Keycloak adapter), the provider, and public clients (Google
 *   "installed" apps, token_endpoint_auth_method none, Keycloak
 *   publicClient) with a note that the remedy is PKCE.
 */
#ifndef KS_SCANNER_ENRICH_H
#define KS_SCANNER_ENRICH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/finding.h>

#include "matcher.h"
#include "secret.h"
#include "source.h"

#define KS_DECODE_MAX_VIEWS 64
#define KS_DECODE_MAX_BYTES ((size_t)1 << 20)

/* Binary content that is scanned anyway: a PKCS#12 (PFX) header. */
bool ks_enrich_binary_ok(const uint8_t *data, size_t len);

/*
 * Enrich the `*n` occurrences (and their parallel secrets) of `data`,
 * possibly appending decoded ones (which replace an occurrence of the
 * encoded value itself); the arrays
 * are reallocated as needed. `m` is the worker's matcher (reused).
 */
int ks_enrich_blob(ks_matcher *m, ks_occurrence **occs, ks_secret ***secrets,
    size_t *n, const uint8_t *data, size_t len, const struct ks_blob_ref *ref,
    const char *blob_id, unsigned flags) KS_WARN_UNUSED;

#endif
