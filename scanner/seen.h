/*
 * scanner/seen.h - the set of contents already matched in this scan
 *
 * Library-internal. Keyed by the binary git blob id. The set is sharded
 * (one mutex and condition variable per shard) so workers rarely contend.
 * The first worker to claim an id matches the content and publishes the
 * matches (offsets and rule) in the entry; a worker that claims the same
 * id later waits until they are published and builds its occurrences from
 * them without matching again. Entries live until the set is freed and
 * are immutable once published.
 */
#ifndef KS_SCANNER_SEEN_H
#define KS_SCANNER_SEEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

#include "hash.h"
#include "matcher.h"

/*
 * An open-addressing set of pointers to entries whose first `keylen`
 * bytes are the key. Keys are hash outputs, so their first bytes are the
 * hash. Not synchronised.
 */
struct ks_idset {
	void **slots;
	size_t cap;      /* a power of two, or 0 */
	size_t len;
	size_t keylen;   /* at least 8 */
};

#define KS_IDSET_INIT(keylen) { NULL, 0, 0, (keylen) }

void *ks_idset_get(const struct ks_idset *set, const uint8_t *key);
/* Insert `entry` (not present yet); the set does not own it. */
int ks_idset_put(struct ks_idset *set, void *entry) KS_WARN_UNUSED;
/* Release the table, passing every entry to `dispose` if given. */
void ks_idset_dispose(struct ks_idset *set, void (*dispose)(void *entry));

enum ks_seen_state {
	KS_SEEN_PENDING = 0,
	KS_SEEN_READY,
	KS_SEEN_FAILED   /* the matching worker hit a fatal error */
};

struct ks_seen_entry {
	uint8_t oid[KS_SHA1_LEN];
	enum ks_seen_state state;
	struct ks_rule_match *matches;  /* owned; sorted as the matcher gave */
	size_t nmatches;
};

struct ks_seen;

int ks_seen_new(struct ks_seen **out) KS_WARN_UNUSED;
void ks_seen_free(struct ks_seen *s);

/*
 * Claim `oid`. Returns 1 with a new PENDING entry that the caller fills
 * and publishes; 0 with the entry of an earlier claim, READY or FAILED
 * (waiting while it is pending); KS_ENOMEM.
 */
int ks_seen_claim(struct ks_seen *s, const uint8_t oid[KS_SHA1_LEN],
    struct ks_seen_entry **out) KS_WARN_UNUSED;

/* Publish a claimed entry (READY, or FAILED) and wake its waiters. */
void ks_seen_publish(struct ks_seen *s, struct ks_seen_entry *e,
    enum ks_seen_state state);

#endif
