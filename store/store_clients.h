/*
 * store/store_clients.h - OAuth clients found by scans (writer side)
 *
 * Library-internal: called by the scanner's writer inside its batch
 * transaction, once per input, with the input's occurrences. Each OAuth
 * client secret (category oauth-client-secret) becomes an oauth_client
 * row keyed by (fingerprint, issuer, client_id), plus a location. When a
 * provider-specific rule and the generic assignment rule found the same
 * secret at the same place, only the specific one is recorded.
 */
#ifndef KS_STORE_STORE_CLIENTS_H
#define KS_STORE_STORE_CLIENTS_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/finding.h>
#include <keyshift/store.h>

int ks_store_put_oauth_clients(ks_store *s, int64_t run_id,
    const ks_occurrence *occs, size_t n) KS_WARN_UNUSED;

#endif
