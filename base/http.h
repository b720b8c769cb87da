/*
 * base/http.h - a small HTTP client over libcurl (library-internal)
 *
 * One ks_http owns one CURL easy handle and is used by one thread at a
 * time (the KV source's enumerator; later one per migration worker);
 * handles are never shared. Every request gets the same guard rails
 * (docs/ARCHITECTURE.md §3.5):
 *
 *   - https only; plain http only to a loopback host (127.0.0.0/8, ::1,
 *     localhost), which is what the tests run;
 *   - no redirects (a 3xx is handed back as a status, never followed);
 *   - connect and total timeouts;
 *   - a response-size cap, both CURLOPT_MAXFILESIZE_LARGE and in the
 *     write callback (a server may not announce its length);
 *   - TLS verification on, unless `insecure` (the CLI warns loudly);
 *   - retries with exponential backoff on connection failures, timeouts,
 *     429 and 5xx, for requests marked `retry` (reads, idempotent calls);
 *   - verbose output only through a debug callback that redacts
 *     credentials (Authorization, X-Vault-Token, X-Consul-Token,
 *     client_assertion, client_secret) and never shows response bodies.
 *
 * libcurl errors are translated here, once: KS_ENET (class HTTP) with the
 * curl error buffer for transport failures, KS_EINVALID for a refused URL
 * or an oversized response. HTTP statuses are not errors at this level:
 * the caller reads resp->status and decides.
 */
#ifndef KS_BASE_HTTP_H
#define KS_BASE_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <keyshift/common.h>

#include "str.h"

typedef struct ks_http ks_http;

/* One line of redacted protocol trace; `line` has no newline. */
typedef void (*ks_http_debug_cb)(const char *line, void *payload);

struct ks_http_options {
	long connect_timeout_ms;   /* 0: 10 s */
	long timeout_ms;           /* whole request; 0: 60 s */
	size_t max_response;       /* body bytes; 0: 16 MiB */
	unsigned retries;          /* extra attempts; KS_HTTP_NO_RETRY for 0 */
	long retry_delay_ms;       /* first backoff, doubled each time; 0: 250 */
	bool insecure;             /* do not verify TLS peers or host names */
	ks_http_debug_cb debug;    /* NULL: no trace */
	void *debug_payload;
};

#define KS_HTTP_NO_RETRY ((unsigned)-1)
#define KS_HTTP_OPTIONS_INIT { 0, 0, 0, 0, 0, false, NULL, NULL }

struct ks_http_request {
	const char *method;        /* "GET", "POST", "LIST", ... */
	const char *url;           /* never with credentials in it */
	const char *const *headers;  /* "Name: value" lines */
	size_t nheaders;
	const void *body;          /* request body, or NULL */
	size_t body_len;
	const char *userpwd;       /* HTTP basic "user:password", or NULL */
	bool retry;                /* safe to repeat (idempotent) */
};

struct ks_http_response {
	long status;               /* HTTP status, 0 before a response */
	ks_str body;               /* owned; wiped by dispose: may hold secrets */
};

#define KS_HTTP_RESPONSE_INIT { 0, KS_STR_INIT }

/* Create a client; *out is freed with ks_http_free(). */
int ks_http_new(ks_http **out, const struct ks_http_options *opts)
    KS_WARN_UNUSED;
/* NULL is a harmless no-op. */
void ks_http_free(ks_http *h);

/*
 * Perform one request (with its retries) and fill `resp` (its body is
 * replaced). Returns 0 when a response arrived, whatever its status;
 * KS_EINVALID if the URL is refused (scheme, plain http to a non-loopback
 * host) or the body exceeds max_response; KS_ENET on a transport failure
 * (refused, timed out, TLS), with curl's message in ks_error_last().
 */
int ks_http_do(ks_http *h, const struct ks_http_request *req,
    struct ks_http_response *resp) KS_WARN_UNUSED;

void ks_http_response_dispose(struct ks_http_response *resp);

/*
 * Whether `host` (as in a URL: "127.0.0.1", "[::1]", "localhost") names
 * the loopback interface, where plain http is allowed.
 */
bool ks_http_host_is_loopback(const char *host);

/*
 * Test seam for the redaction: rewrite one trace chunk of kind `kind`
 * (curl_infotype) into `out`, credentials masked. Used by the debug
 * callback and by the unit tests.
 */
int ks_http__redact(ks_str *out, int kind, const char *data, size_t n)
    KS_WARN_UNUSED;

#endif
