/*
 * scanner/allow.h - the inline allow marker
 *
 * A line holding `keyshift:allow` allows what is found on it; the marker
 * may name the one rule it allows and say why:
 *
 *     client_secret = "..."   # keyshift:allow ks.oauth.client-secret.assignment test fixture
 *
 * A match is allowed when any line it spans carries the marker and the
 * marker names no rule, or names the match's rule id or family. Allowed
 * matches are not reported; the writer records them in the store.
 */
#ifndef KS_SCANNER_ALLOW_H
#define KS_SCANNER_ALLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KS_ALLOW_MARKER "keyshift:allow"

struct ks_allow {
	char rule[128];    /* the rule the marker names, or "" */
	char reason[256];  /* the rest of the marker's line, trimmed, or "" */
};

/*
 * Is [start, end) of `data` allowed for a rule with this id and family?
 * Fills `out` when it is.
 */
bool ks_allow_check(const uint8_t *data, size_t len, size_t start,
    size_t end, const char *rule_id, const char *family,
    struct ks_allow *out);

#endif
