/*
 * migrate/http_client.c - one CURL easy handle, safe defaults, a journal
 * hook and a redacting trace (see http_client.h)
 *
 * Headers are collected by a header callback so that Date (clock skew),
 * Content-Type and Location can be read without ever keeping the rest.
 * The body is capped both by CURLOPT_MAXFILESIZE_LARGE (announced
 * lengths) and in the write callback (chunked responses).
 */
#include "http_client.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include <keyshift/error.h>

#include "alloc.h"
#include "errors.h"
#include "init.h"
#include "secret.h"

#define MHTTP_DEFAULT_MAX ((size_t)4 << 20)

struct ks_mhttp {
	CURL *curl;                  /* owned; this worker only */
	struct ks_mhttp_options opts;
	ks_mhttp_step_cb step;
	void *step_payload;
	char errbuf[CURL_ERROR_SIZE];
};

struct xfer {
	struct ks_mhttp_response *resp;
	size_t max;
	bool too_big;
};

static int
curl_global_up(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		ks_error_set(KS_ERROR_HTTP, "cannot initialise libcurl");
		return KS_ERROR;
	}
	return 0;
}

static void
curl_global_down(void)
{
	curl_global_cleanup();
}

KS_GLOBAL(migrate_curl, curl_global_up, curl_global_down)

int
ks_mhttp_new(ks_mhttp **out, const struct ks_mhttp_options *opts)
{
	ks_mhttp *h;

	*out = NULL;
	if ((h = ks__calloc(1, sizeof(*h))) == NULL)
		return KS_ENOMEM;
	if (opts)
		h->opts = *opts;
	if (!h->opts.connect_timeout_ms)
		h->opts.connect_timeout_ms = 10000;
	if (!h->opts.timeout_ms)
		h->opts.timeout_ms = 30000;
	if (!h->opts.max_response)
		h->opts.max_response = MHTTP_DEFAULT_MAX;
	if ((h->curl = curl_easy_init()) == NULL) {
		ks__free(h);
		ks_error_set(KS_ERROR_HTTP, "cannot create a curl handle");
		return KS_ERROR;
	}
	*out = h;
	return 0;
}

void
ks_mhttp_free(ks_mhttp *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	ks__free(h);
}

void
ks_mhttp_set_step_cb(ks_mhttp *h, ks_mhttp_step_cb cb, void *payload)
{
	h->step = cb;
	h->step_payload = payload;
}

bool
ks_mhttp_allows_loopback(const ks_mhttp *h)
{
	return h->opts.allow_http_loopback;
}

static bool
host_is_loopback(const char *host)
{
	size_t n = strlen(host);

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "::1") == 0 ||
	    strcmp(host, "[::1]") == 0)
		return true;
	if (n >= 7 && strncmp(host, "127.", 4) == 0 &&
	    strspn(host, "0123456789.") == n)
		return true;
	return false;
}

int
ks_mhttp_check_url(const ks_mhttp *h, const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL;
	int error = KS_EINVALID;

	if (!u)
		return KS_ENOMEM;
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		ks_error_set(KS_ERROR_HTTP, "not a valid URL: '%.200s'", url);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK) {
		ks_error_set(KS_ERROR_HTTP, "refusing a URL with credentials "
		    "in it");
		goto done;
	}
	if (strcasecmp(scheme, "https") == 0) {
		error = 0;
	} else if (strcasecmp(scheme, "http") == 0 &&
	    h->opts.allow_http_loopback && host_is_loopback(host)) {
		error = 0;
	} else if (strcasecmp(scheme, "http") == 0) {
		ks_error_set(KS_ERROR_HTTP, "refusing plain http to '%.200s': "
		    "https is required (plain http to a loopback address is a "
		    "test-only mode: --allow-http-loopback)", host);
	} else {
		ks_error_set(KS_ERROR_HTTP, "refusing URL scheme '%.20s'",
		    scheme);
	}
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_url_cleanup(u);
	return error;
}

static size_t
on_body(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;

	if (x->resp->body.len + n > x->max) {
		x->too_big = true;
		return 0;
	}
	if (ks_str_put(&x->resp->body, ptr, n) < 0)
		return 0;
	return n;
}

static void
copy_header_value(char *dst, size_t cap, const char *v, size_t n)
{
	while (n && isspace((unsigned char)*v)) {
		v++;
		n--;
	}
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static size_t
on_header(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct xfer *x = ud;
	size_t n = size * nmemb;
	char date[128];

	/* A new status line (e.g. after 100 Continue) starts over. */
	if (n > 5 && strncmp(ptr, "HTTP/", 5) == 0) {
		x->resp->date = 0;
		x->resp->content_type[0] = '\0';
		x->resp->location[0] = '\0';
	} else if (n > 5 && strncasecmp(ptr, "date:", 5) == 0) {
		copy_header_value(date, sizeof(date), ptr + 5, n - 5);
		x->resp->date = (int64_t)curl_getdate(date, NULL);
		if (x->resp->date < 0)
			x->resp->date = 0;
	} else if (n > 13 && strncasecmp(ptr, "content-type:", 13) == 0) {
		copy_header_value(x->resp->content_type,
		    sizeof(x->resp->content_type), ptr + 13, n - 13);
	} else if (n > 9 && strncasecmp(ptr, "location:", 9) == 0) {
		copy_header_value(x->resp->location,
		    sizeof(x->resp->location), ptr + 9, n - 9);
	}
	return n;
}

int
ks_mhttp__redact_header(ks_str *out, const char *line, size_t n)
{
	static const char *const masked[] = { "authorization:",
	    "proxy-authorization:", "cookie:", "x-api-key:" };
	size_t i;

	for (i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		size_t m = strlen(masked[i]);

		if (n >= m && strncasecmp(line, masked[i], m) == 0)
			return ks_str_printf(out, "%.*s [redacted]", (int)m,
			    line);
	}
	return ks_str_put(out, line, n);
}

static int
on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
	ks_mhttp *h = ud;
	ks_str line = KS_STR_INIT;
	const char *p = data, *end = data + size;

	(void)c;
	/* Only header lines and curl's own notes: never a body. */
	if (type != CURLINFO_HEADER_OUT && type != CURLINFO_HEADER_IN &&
	    type != CURLINFO_TEXT)
		return 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n && p[n - 1] == '\r')
			n--;
		ks_str_clear(&line);
		if (n && ks_str_puts(&line, type == CURLINFO_HEADER_OUT ? "> " :
		    type == CURLINFO_HEADER_IN ? "< " : "* ") == 0 &&
		    ks_mhttp__redact_header(&line, p, n) == 0)
			h->opts.trace(line.ptr, h->opts.trace_payload);
		p = nl ? nl + 1 : end;
	}
	ks_str_wipe(&line);
	return 0;
}

static int
translate_curl(ks_mhttp *h, CURLcode rc, const char *url, struct xfer *x)
{
	if (x->too_big) {
		ks_error_set(KS_ERROR_HTTP, "response from '%.200s' is larger "
		    "than %zu bytes", url, x->max);
		return KS_EINVALID;
	}
	ks_error_set(KS_ERROR_HTTP, "request to '%.200s' failed: %s", url,
	    h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
	return KS_ENET;
}

int
ks_mhttp_do(ks_mhttp *h, const struct ks_mhttp_request *req,
    struct ks_mhttp_response *resp)
{
	struct curl_slist *hdrs = NULL, *tmp;
	struct xfer x = { resp, h->opts.max_response, false };
	ks_str auth = KS_STR_INIT;
	CURL *c = h->curl;
	CURLcode rc;
	size_t i;
	int error;

	ks_str_wipe(&resp->body);
	resp->status = 0;
	resp->date = 0;
	resp->content_type[0] = resp->location[0] = '\0';
	if ((error = ks_mhttp_check_url(h, req->url)) < 0)
		return error;

	curl_easy_reset(c);
	h->errbuf[0] = '\0';
	for (i = 0; req->headers && req->headers[i]; i++) {
		if ((tmp = curl_slist_append(hdrs, req->headers[i])) == NULL)
			goto oom;
		hdrs = tmp;
	}
	if (req->bearer) {
		if (ks_str_printf(&auth, "Authorization: Bearer %s",
		    req->bearer) < 0 ||
		    (tmp = curl_slist_append(hdrs, auth.ptr)) == NULL)
			goto oom;
		hdrs = tmp;
	}
	/* No "Expect: 100-continue" round trip. */
	if ((tmp = curl_slist_append(hdrs, "Expect:")) == NULL)
		goto oom;
	hdrs = tmp;

	curl_easy_setopt(c, CURLOPT_URL, req->url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR,
	    h->opts.allow_http_loopback ? "http,https" : "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    h->opts.connect_timeout_ms);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->opts.max_response);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "keyshift/" KS_VERSION);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	if (h->opts.trace) {
		curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
		curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	}
	if (req->basic_user) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, req->basic_user);
		curl_easy_setopt(c, CURLOPT_PASSWORD,
		    req->basic_pass ? req->basic_pass : "");
	}
	if (req->body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
	}
	if (strcmp(req->method, "GET") == 0 && !req->body)
		curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
	else if (strcmp(req->method, "POST") != 0)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req->method);

	rc = curl_easy_perform(c);
	/* Drop what pointed at caller memory and credentials. */
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
	curl_easy_setopt(c, CURLOPT_PASSWORD, "");
	if (rc != CURLE_OK) {
		error = translate_curl(h, rc, req->url, &x);
		if (h->step)
			h->step(req->method, req->url, 0, h->step_payload);
		goto done;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (h->step)
		h->step(req->method, req->url, resp->status, h->step_payload);
	error = 0;
	goto done;
oom:
	ks_error_set_oom();
	error = KS_ENOMEM;
done:
	/* The list holds the bearer token: wipe before freeing. */
	for (tmp = hdrs; tmp; tmp = tmp->next)
		ks_wipe(tmp->data, strlen(tmp->data));
	curl_slist_free_all(hdrs);
	ks_str_wipe(&auth);
	return error;
}

void
ks_mhttp_response_dispose(struct ks_mhttp_response *resp)
{
	if (!resp)
		return;
	ks_str_wipe(&resp->body);
}

int
ks_form_encode(ks_str *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	int error;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' ||
		    ch == '~')
			error = ks_str_putc(out, (char)ch);
		else if (ch == ' ')
			error = ks_str_putc(out, '+');
		else if ((error = ks_str_putc(out, '%')) == 0 &&
		    (error = ks_str_putc(out, hex[ch >> 4])) == 0)
			error = ks_str_putc(out, hex[ch & 15]);
		if (error < 0)
			return error;
	}
	return 0;
}
