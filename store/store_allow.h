/*
 * store/store_allow.h - recording matches allowed by an inline marker
 *
 * Library-internal: called by the scanner's writer thread inside its batch
 * transaction (ks_store_tx_begin), like the rest of store_write.h.
 */
#ifndef KS_STORE_STORE_ALLOW_H
#define KS_STORE_STORE_ALLOW_H

#include <stdint.h>

#include <keyshift/store.h>

struct ks_store_allow {
	const char *fingerprint;
	const char *rule_id;
	const char *source;
	const char *path;
	uint32_t line;
	const char *commit;       /* NULL unless git */
	const char *marker_rule;  /* NULL: the marker allows every rule */
	const char *reason;       /* NULL: none given */
};

/* Upsert one allowance (idempotent per fingerprint, rule and place). */
int ks_store_put_allow(ks_store *s, int64_t run_id,
    const struct ks_store_allow *a) KS_WARN_UNUSED;

/* Number of recorded allowances. */
int ks_store_count_allows(ks_store *s, int64_t *out) KS_WARN_UNUSED;

#endif
