/*
 * scanner/enrich_gate.h - can enrichment find anything in this blob?
 *
 * ks_enrich_blob() parses a blob's structure and looks for encoded values
 * to decode and match again. On a blob with no occurrence that costs far
 * more than matching did (a structure parse of every blob was a third of
 * a history scan's CPU time), and it can only add findings when the blob
 * holds one of: a base64 PEM block, a .dockerconfigjson, a Kubernetes
 * Secret, a percent-encoded value under a key named like a secret,
 * base64 whose decoded text carries one of the words decode_view() wants
 * (scanner/enrich.c mentions_secret), wrapped over lines or not. One Vectorscan pass over the blob answers whether any of these
 * is there; the gate may say yes too often, never too rarely.
 */
#ifndef KS_SCANNER_ENRICH_GATE_H
#define KS_SCANNER_ENRICH_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when enrichment may find something in `data` beyond the blob's
 * own occurrences. Thread-safe; true as well if the gate cannot run. */
bool ks_enrich_gate(const uint8_t *data, size_t len);

/* The words whose base64 forms the gate looks for; decode_view() keeps
 * decoded text only when it holds one of them (one list for both). */
extern const char *const ks_enrich_gate_words[];

#endif
