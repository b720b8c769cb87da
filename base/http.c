/*
 * base/http.c - the HTTP client: one CURL easy handle, guarded settings
 *
 * Each attempt starts from curl_easy_reset(), so no option leaks from one
 * request into the next, while the connection cache survives (keep-alive
 * to the same store). The URL is parsed with curl's own parser (CURLU)
 * before anything is sent, so the scheme and host rules are checked on
 * exactly what curl will connect to.
 *
 * Retries: only for requests marked `retry`, only on failures that may
 * pass (connection refused or reset, timeouts, 429, 5xx), with delays
 * base, 2*base, 4*base... The last failure is the one reported.
 */
#include "http.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "alloc.h"
#include "errors.h"
#include "init.h"

#define HTTP_CONNECT_TIMEOUT_MS 10000L
#define HTTP_TIMEOUT_MS 60000L
#define HTTP_MAX_RESPONSE ((size_t)16 << 20)
#define HTTP_RETRIES 2u
#define HTTP_RETRY_DELAY_MS 250L
#define HTTP_MAX_DELAY_MS 8000L

struct ks_http {
	CURL *curl;                 /* owned; this thread only */
	struct ks_http_options opts;
	char errbuf[CURL_ERROR_SIZE];
	ks_str *sink;               /* the response body being filled */
	size_t max;
	bool too_large;
};

/* ---- global init ---------------------------------------------------- */

static int
http_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		ks_error_set(KS_ERROR_HTTP, "cannot initialise libcurl");
		return KS_ERROR;
	}
	return 0;
}

static void
http_global_shutdown(void)
{
	curl_global_cleanup();
}

KS_GLOBAL(http, http_global_init, http_global_shutdown)

/* ---- redaction -------------------------------------------------------- */

static const char *const redacted_headers[] = {
	"authorization", "proxy-authorization", "x-vault-token",
	"x-consul-token", "cookie", "set-cookie"
};

/* Body keys whose values are masked, in form and JSON bodies. */
static const char *const redacted_keys[] = {
	"client_assertion", "client_secret", "password", "token"
};

static bool
header_is_secret(const char *line, size_t n)
{
	const char *colon = memchr(line, ':', n);
	size_t i, len;

	if (!colon)
		return false;
	len = (size_t)(colon - line);
	for (i = 0; i < sizeof(redacted_headers) / sizeof(*redacted_headers);
	    i++)
		if (strlen(redacted_headers[i]) == len &&
		    strncasecmp(line, redacted_headers[i], len) == 0)
			return true;
	return false;
}

static int
redact_headers(ks_str *out, const char *data, size_t n)
{
	size_t i = 0;
	int error = 0;

	while (i < n && error == 0) {
		size_t j = i, end;

		while (j < n && data[j] != '\n')
			j++;
		end = j;
		if (end > i && data[end - 1] == '\r')
			end--;
		if (end > i) {
			if (out->len && (error = ks_str_putc(out, '\n')) < 0)
				break;
			if (header_is_secret(data + i, end - i)) {
				const char *colon = memchr(data + i, ':',
				    end - i);

				error = ks_str_put(out, data + i,
				    (size_t)(colon - (data + i)));
				if (error == 0)
					error = ks_str_puts(out, ": [redacted]");
			} else {
				error = ks_str_put(out, data + i, end - i);
			}
		}
		i = j + 1;
	}
	return error;
}

/* Length of the secret value starting right after a key at `p`, or 0. */
static size_t
value_span(const char *p, const char *end, size_t *skip)
{
	const char *q = p;

	*skip = 0;
	if (q < end && *q == '=') {
		const char *v = ++q;

		while (q < end && *q != '&')
			q++;
		*skip = (size_t)(v - p);
		return (size_t)(q - v);
	}
	if (q < end && *q == '"')
		q++;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q >= end || *q != ':')
		return 0;
	q++;
	while (q < end && (*q == ' ' || *q == '\t'))
		q++;
	if (q >= end || *q != '"')
		return 0;
	{
		const char *v = ++q;

		while (q < end && *q != '"') {
			if (*q == '\\' && q + 1 < end)
				q++;
			q++;
		}
		*skip = (size_t)(v - p);
		return (size_t)(q - v);
	}
}

static int
redact_body(ks_str *out, const char *data, size_t n)
{
	const char *p = data, *end = data + n;
	int error = 0;

	while (p < end && error == 0) {
		size_t k, matched = 0, skip = 0, vlen = 0;

		for (k = 0; k < sizeof(redacted_keys) / sizeof(*redacted_keys);
		    k++) {
			size_t kl = strlen(redacted_keys[k]);

			if ((size_t)(end - p) > kl &&
			    strncasecmp(p, redacted_keys[k], kl) == 0 &&
			    (vlen = value_span(p + kl, end, &skip)) > 0) {
				matched = kl;
				break;
			}
		}
		if (matched) {
			if ((error = ks_str_put(out, p, matched + skip)) == 0)
				error = ks_str_puts(out, "[redacted]");
			p += matched + skip + vlen;
			continue;
		}
		error = ks_str_putc(out, isprint((unsigned char)*p) ? *p : '.');
		p++;
	}
	return error;
}

int
ks_http__redact(ks_str *out, int kind, const char *data, size_t n)
{
	switch (kind) {
	case CURLINFO_TEXT:
		while (n && (data[n - 1] == '\n' || data[n - 1] == '\r'))
			n--;
		return ks_str_put(out, data, n);
	case CURLINFO_HEADER_IN:
	case CURLINFO_HEADER_OUT:
		return redact_headers(out, data, n);
	case CURLINFO_DATA_OUT:
		return redact_body(out, data, n);
	case CURLINFO_DATA_IN:
		/* Response bodies are what we scan: full of secrets. */
		return ks_str_printf(out, "[%zu bytes of response body]", n);
	default:
		return 0;
	}
}

static int
debug_cb(CURL *c, curl_infotype kind, char *data, size_t n, void *payload)
{
	struct ks_http *h = payload;
	ks_str line = KS_STR_INIT;

	(void)c;
	if (ks_http__redact(&line, (int)kind, data, n) == 0 && line.len)
		h->opts.debug(line.ptr, h->opts.debug_payload);
	ks_str_wipe(&line);
	return 0;
}

/* ---- the client ------------------------------------------------------- */

int
ks_http_new(ks_http **out, const struct ks_http_options *opts)
{
	struct ks_http *h;

	KS_ASSERT_ARG(out);
	*out = NULL;
	if ((h = ks__calloc(1, sizeof(*h))) == NULL)
		return KS_ENOMEM;
	if (opts)
		h->opts = *opts;
	if (h->opts.connect_timeout_ms <= 0)
		h->opts.connect_timeout_ms = HTTP_CONNECT_TIMEOUT_MS;
	if (h->opts.timeout_ms <= 0)
		h->opts.timeout_ms = HTTP_TIMEOUT_MS;
	if (h->opts.max_response == 0)
		h->opts.max_response = HTTP_MAX_RESPONSE;
	if (h->opts.retries == 0)
		h->opts.retries = HTTP_RETRIES;
	else if (h->opts.retries == KS_HTTP_NO_RETRY)
		h->opts.retries = 0;
	if (h->opts.retry_delay_ms <= 0)
		h->opts.retry_delay_ms = HTTP_RETRY_DELAY_MS;
	if ((h->curl = curl_easy_init()) == NULL) {
		ks__free(h);
		ks_error_set(KS_ERROR_HTTP, "cannot create a libcurl handle");
		return KS_ERROR;
	}
	*out = h;
	return 0;
}

void
ks_http_free(ks_http *h)
{
	if (!h)
		return;
	curl_easy_cleanup(h->curl);
	ks__free(h);
}

void
ks_http_response_dispose(struct ks_http_response *resp)
{
	if (!resp)
		return;
	ks_str_wipe(&resp->body);
	resp->status = 0;
}

bool
ks_http_host_is_loopback(const char *host)
{
	unsigned char a4[4], a6[16];
	char buf[64];
	size_t n;

	if (!host)
		return false;
	if (strcasecmp(host, "localhost") == 0)
		return true;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		if (n - 2 >= sizeof(buf))
			return false;
		memcpy(buf, host + 1, n - 2);
		buf[n - 2] = '\0';
		host = buf;
	}
	if (inet_pton(AF_INET, host, a4) == 1)
		return a4[0] == 127;
	if (inet_pton(AF_INET6, host, a6) == 1) {
		static const unsigned char one[16] = { [15] = 1 };

		return memcmp(a6, one, sizeof(one)) == 0;
	}
	return false;
}

static size_t
write_cb(char *data, size_t size, size_t nmemb, void *payload)
{
	struct ks_http *h = payload;
	size_t n = size * nmemb;

	if (h->sink->len + n > h->max) {
		h->too_large = true;
		return 0;
	}
	if (ks_str_put(h->sink, data, n) < 0)
		return 0;
	return n;
}

/* Which protocol the URL may use: "https", "http" (loopback) or NULL. */
static const char *
check_url(const char *url, bool *loopback)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL;
	const char *proto = NULL;

	*loopback = false;
	if (!u) {
		ks_error_set_oom();
		return NULL;
	}
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK) {
		ks_error_set(KS_ERROR_HTTP, "malformed URL '%s'", url);
		goto done;
	}
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK) {
		ks_error_set(KS_ERROR_HTTP,
		    "refusing a URL with credentials in it");
		goto done;
	}
	*loopback = ks_http_host_is_loopback(host);
	if (strcasecmp(scheme, "https") == 0)
		proto = "https";
	else if (strcasecmp(scheme, "http") == 0 && *loopback)
		proto = "http";
	else if (strcasecmp(scheme, "http") == 0)
		ks_error_set(KS_ERROR_HTTP, "refusing plain http to '%s': "
		    "use https (plain http is allowed to loopback hosts only)",
		    host);
	else
		ks_error_set(KS_ERROR_HTTP, "unsupported URL scheme '%s' in "
		    "'%s'", scheme, url);
done:
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(u);
	return proto;
}

static bool
retryable_code(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_GOT_NOTHING:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

static bool
retryable_status(long status)
{
	return status == 429 || status == 500 || status == 502 ||
	    status == 503 || status == 504;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0)
		;
}

static CURLcode
setup(struct ks_http *h, const struct ks_http_request *req,
    const char *proto, bool loopback, struct curl_slist *hdrs)
{
	CURL *c = h->curl;
	CURLcode rc = CURLE_OK;

#define SET(opt, val) do { if (rc == CURLE_OK) \
	rc = curl_easy_setopt(c, opt, val); } while (0)
	SET(CURLOPT_ERRORBUFFER, h->errbuf);
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, proto);
	SET(CURLOPT_REDIR_PROTOCOLS_STR, proto);
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, h->opts.connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, h->opts.timeout_ms);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->opts.max_response);
	SET(CURLOPT_WRITEFUNCTION, write_cb);
	SET(CURLOPT_WRITEDATA, h);
	SET(CURLOPT_USERAGENT, "keyshift/" KS_VERSION);
	SET(CURLOPT_SSL_VERIFYPEER, h->opts.insecure ? 0L : 1L);
	SET(CURLOPT_SSL_VERIFYHOST, h->opts.insecure ? 0L : 2L);
	SET(CURLOPT_HTTPHEADER, hdrs);
	if (loopback)
		SET(CURLOPT_PROXY, "");  /* never send loopback traffic away */
	if (req->userpwd) {
		SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		SET(CURLOPT_USERPWD, req->userpwd);
	}
	if (req->body) {
		SET(CURLOPT_POSTFIELDS, req->body);
		SET(CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body_len);
	}
	if (strcmp(req->method, "GET") == 0)
		SET(CURLOPT_HTTPGET, 1L);
	else if (strcmp(req->method, "POST") != 0 || !req->body)
		SET(CURLOPT_CUSTOMREQUEST, req->method);
	if (h->opts.debug) {
		SET(CURLOPT_DEBUGFUNCTION, debug_cb);
		SET(CURLOPT_DEBUGDATA, h);
		SET(CURLOPT_VERBOSE, 1L);
	}
#undef SET
	return rc;
}

static int
build_headers(struct curl_slist **out, const struct ks_http_request *req)
{
	struct curl_slist *l = NULL, *n;
	size_t i;

	*out = NULL;
	/* No "Expect: 100-continue" round trip. */
	if ((l = curl_slist_append(l, "Expect:")) == NULL)
		goto oom;
	for (i = 0; i < req->nheaders; i++) {
		if ((n = curl_slist_append(l, req->headers[i])) == NULL)
			goto oom;
		l = n;
	}
	*out = l;
	return 0;
oom:
	curl_slist_free_all(l);
	ks_error_set_oom();
	return KS_ENOMEM;
}

int
ks_http_do(ks_http *h, const struct ks_http_request *req,
    struct ks_http_response *resp)
{
	struct curl_slist *hdrs = NULL;
	const char *proto;
	bool loopback;
	unsigned attempt;
	long delay;
	int error = 0;
	CURLcode rc = CURLE_OK;

	KS_ASSERT_ARG(h);
	KS_ASSERT_ARG(req && req->url && req->method);
	KS_ASSERT_ARG(resp);
	if ((proto = check_url(req->url, &loopback)) == NULL)
		return KS_EINVALID;
	if ((error = build_headers(&hdrs, req)) < 0)
		return error;
	delay = h->opts.retry_delay_ms;
	for (attempt = 0;; attempt++) {
		bool again;

		ks_str_wipe(&resp->body);
		resp->status = 0;
		h->errbuf[0] = '\0';
		h->sink = &resp->body;
		h->max = h->opts.max_response;
		h->too_large = false;
		curl_easy_reset(h->curl);
		if ((rc = setup(h, req, proto, loopback, hdrs)) == CURLE_OK)
			rc = curl_easy_perform(h->curl);
		if (rc == CURLE_OK)
			curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE,
			    &resp->status);
		again = req->retry && attempt < h->opts.retries &&
		    !h->too_large && (rc == CURLE_OK ?
		    retryable_status(resp->status) : retryable_code(rc));
		if (!again)
			break;
		sleep_ms(delay);
		delay = delay * 2 > HTTP_MAX_DELAY_MS ? HTTP_MAX_DELAY_MS :
		    delay * 2;
	}
	h->sink = NULL;
	if (h->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		ks_str_wipe(&resp->body);
		ks_error_set(KS_ERROR_HTTP, "%s %s: response larger than "
		    "%zu bytes", req->method, req->url, h->opts.max_response);
		error = KS_EINVALID;
	} else if (rc == CURLE_OUT_OF_MEMORY) {
		ks_error_set_oom();
		error = KS_ENOMEM;
	} else if (rc != CURLE_OK) {
		ks_str_wipe(&resp->body);
		ks_error_set(KS_ERROR_HTTP, "%s %s: %s%s", req->method,
		    req->url, h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc),
		    attempt ? " (after retries)" : "");
		error = KS_ENET;
	}
	/* Never keep the request's credentials in the handle. */
	curl_easy_reset(h->curl);
	curl_slist_free_all(hdrs);
	return error;
}
