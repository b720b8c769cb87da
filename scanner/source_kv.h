/*
 * scanner/source_kv.h - live key-value stores as a source of blobs
 *
 * Library-internal. A target URL names a store and a prefix:
 *
 *   etcd://HOST[:PORT]/PREFIX           etcd v3 JSON gateway (range + paging)
 *   consul://HOST[:PORT]/PREFIX         Consul KV (?recurse)
 *   vault://HOST[:PORT]/MOUNT/PATH      Vault KV v2 (recursive LIST + read)
 *   springconfig://HOST[:PORT]/APP/PROFILE[/LABEL]
 *                                       Spring Cloud Config Server
 *
 * Each has a "+https" form (etcd+https://...); the plain forms speak http
 * and are allowed to loopback hosts only. docs/SOURCES.md has the details,
 * the credential variables and the limits.
 */
#ifndef KS_SCANNER_SOURCE_KV_H
#define KS_SCANNER_SOURCE_KV_H

#include <stdbool.h>

#include "source.h"

extern const struct ks_source_ops ks_source_kv_ops;

/* Whether `target` is a KV store URL (by its scheme). */
bool ks_source_kv_handles(const char *target);

/*
 * Credentials for the stores: NAME=value lines from `path` (the
 * --credentials file; refused unless a regular file with no group or
 * other permission bits), then the environment. Exposed for tests.
 * *out is a NUL-terminated copy the caller wipes and frees (ks_secret),
 * or NULL when the variable is set nowhere.
 */
struct ks_secret;
int ks_source_kv__credential(struct ks_secret **out, const char *path,
    const char *name) KS_WARN_UNUSED;

#endif
