/*
 * migrate/http_client.h - the migration module's HTTP client (internal)
 *
 * One ks_mhttp owns one CURL easy handle; each migration worker has its
 * own and never shares it (docs/ARCHITECTURE.md §3.5). Unlike the generic
 * client in base/ this one hands back the response's Date header (clock
 * skew) and Content-Type, refuses plain http unless the caller opted into
 * loopback-only test mode, and reports every exchange to a step callback
 * as "METHOD URL -> status" (never a header value or a body), which is
 * what the migration journal records.
 *
 * Guard rails on every request: https only (http only to 127.0.0.0/8,
 * ::1 or localhost, and only with allow_http_loopback), no redirects,
 * connect and total timeouts, a response-size cap, TLS verification on,
 * and a redacting debug callback: request header lines are shown with
 * Authorization masked; bodies (forms carry assertions and secrets,
 * responses carry tokens) are never shown.
 *
 * libcurl errors are translated here, once: KS_ENET (class HTTP) with the
 * curl error buffer. HTTP statuses are not errors at this level.
 */
#ifndef KS_MIGRATE_HTTP_CLIENT_H
#define KS_MIGRATE_HTTP_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

#include "str.h"

typedef struct ks_mhttp ks_mhttp;

/* One line of trace or one step; borrowed for the call. */
typedef void (*ks_mhttp_line_cb)(const char *line, void *payload);

struct ks_mhttp_options {
	long connect_timeout_ms;   /* 0: 10 s */
	long timeout_ms;           /* 0: 30 s */
	size_t max_response;       /* 0: 4 MiB */
	bool allow_http_loopback;  /* test-only: plain http to loopback */
	ks_mhttp_line_cb trace;    /* redacted protocol trace, or NULL */
	void *trace_payload;
};

#define KS_MHTTP_OPTIONS_INIT { 0, 0, 0, false, NULL, NULL }

struct ks_mhttp_request {
	const char *method;        /* "GET", "POST", "PUT", "PATCH", "DELETE" */
	const char *url;
	const char *const *headers;  /* "Name: value" lines; NULL-terminated */
	const char *body;          /* or NULL */
	size_t body_len;
	const char *basic_user;    /* HTTP basic (already form-encoded per
				      RFC 6749 §2.3.1), or NULL */
	const char *basic_pass;
	const char *bearer;        /* Authorization: Bearer, or NULL */
};

struct ks_mhttp_response {
	long status;               /* 0 before a response */
	ks_str body;               /* owned; wipe: may hold tokens */
	int64_t date;              /* the Date header as unix time, or 0 */
	char content_type[128];
	char location[512];
};

#define KS_MHTTP_RESPONSE_INIT { 0, KS_STR_INIT, 0, { 0 }, { 0 } }

/* Step callback: each completed exchange as method, URL, status. */
typedef void (*ks_mhttp_step_cb)(const char *method, const char *url,
    long status, void *payload);

int ks_mhttp_new(ks_mhttp **out, const struct ks_mhttp_options *opts)
    KS_WARN_UNUSED;
void ks_mhttp_free(ks_mhttp *h);

/* Observe every exchange (the journal); NULL to stop. */
void ks_mhttp_set_step_cb(ks_mhttp *h, ks_mhttp_step_cb cb, void *payload);

/*
 * Perform one request (no retries: token requests are not idempotent
 * with single-use assertions) and fill `resp` (replacing its body).
 * Returns 0 once a response arrived, whatever its status; KS_EINVALID
 * for a refused URL or an oversized response; KS_ENET on a transport
 * failure.
 */
int ks_mhttp_do(ks_mhttp *h, const struct ks_mhttp_request *req,
    struct ks_mhttp_response *resp) KS_WARN_UNUSED;

/* Wipe and release the response body. */
void ks_mhttp_response_dispose(struct ks_mhttp_response *resp);

/* Check a URL against the scheme rules without sending anything:
 * 0, or KS_EINVALID with a message. */
int ks_mhttp_check_url(const ks_mhttp *h, const char *url) KS_WARN_UNUSED;

/* Whether plain-http loopback mode is on (for messages). */
bool ks_mhttp_allows_loopback(const ks_mhttp *h);

/* Append `s` form-urlencoded (application/x-www-form-urlencoded). */
int ks_form_encode(ks_str *out, const char *s) KS_WARN_UNUSED;

/* Test seam: the redacted form of one outgoing header line. */
int ks_mhttp__redact_header(ks_str *out, const char *line, size_t n)
    KS_WARN_UNUSED;

#endif
