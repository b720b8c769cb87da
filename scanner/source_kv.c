/*
 * scanner/source_kv.c - etcd, Consul KV, Vault KV v2 and Spring Cloud
 * Config as sources of blobs, over base/http
 *
 * Everything happens on the enumerator thread with one HTTP client: the
 * listing, paging and the values. Each value becomes a preloaded ref
 * (blobpool.h) whose bytes a worker takes without a copy; the pool's
 * budget keeps the enumerator from holding a whole store in memory.
 *
 * What a blob is:
 *   etcd, Consul  one per key. A single-line value is scanned as
 *                 "NAME=value", NAME being the last component of the key,
 *                 so rules that want an assignment context (client_secret
 *                 = ...) see one, as they would in a .env file; a
 *                 multi-line value (a PEM key, a whole config file) is
 *                 scanned as it is. Path: the key.
 *   Vault         one per field of data.data, the same way, path
 *                 "MOUNT/PATH#FIELD"; non-string fields as compact JSON.
 *   Spring        one per property source, as NAME=value lines, path
 *                 "APP/PROFILE#SOURCE-NAME".
 * The fingerprint of a finding depends only on the rule family and the
 * secret, so a secret found here and in a file is one finding.
 *
 * Provenance: source = "etcd", "consul", "vault" or "springconfig"; path
 * = the key; repo = the store URL without path or credentials
 * ("etcd://127.0.0.1:2379").
 *
 * Failures of the store itself (unreachable, refused credentials, a
 * response that is not what the API documents) are fatal for the scan:
 * a partial inventory of a store that is down would read as "clean". A
 * value over the size limit is a diagnostic.
 *
 * Credentials never come from the URL (refused) or the command line:
 * from the environment, or the --credentials file (NAME=value lines, mode
 * 0600 or stricter). They are kept in ks_secret buffers, sent only in
 * headers the HTTP trace redacts, and never appear in a message.
 */
#include "source_kv.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include <keyshift/scan.h>

#include "alloc.h"
#include "blobpool.h"
#include "encode.h"
#include "errors.h"
#include "fileio.h"
#include "http.h"
#include "secret.h"

#define KV_MAX_RESPONSE ((size_t)64 << 20)
#define KV_ETCD_PAGE 256
#define KV_VAULT_MAX_DEPTH 32
#define KV_CRED_FILE_MAX 65536

enum kv_kind { KV_ETCD, KV_CONSUL, KV_VAULT, KV_SPRING };

static const struct kv_scheme {
	const char *scheme;
	enum kv_kind kind;
	bool https;
	const char *name;
	int port;
} schemes[] = {
	{ "etcd", KV_ETCD, false, "etcd", 2379 },
	{ "etcd+https", KV_ETCD, true, "etcd", 2379 },
	{ "consul", KV_CONSUL, false, "consul", 8500 },
	{ "consul+https", KV_CONSUL, true, "consul", 8500 },
	{ "vault", KV_VAULT, false, "vault", 8200 },
	{ "vault+https", KV_VAULT, true, "vault", 8200 },
	{ "springconfig", KV_SPRING, false, "springconfig", 8888 },
	{ "springconfig+https", KV_SPRING, true, "springconfig", 8888 },
};

struct kv_source {
	const struct kv_scheme *sc;
	const struct ks_source_config *cfg;  /* borrowed */
	char *base;        /* "http://127.0.0.1:2379", no trailing '/' */
	char *display;     /* "etcd://127.0.0.1:2379": the provenance repo */
	ks_str prefix;     /* the URL path, percent-decoded (bytes) */
	ks_http *http;
	ks_secret *token;  /* header credential, or NULL */
	ks_secret *user, *password;  /* basic / etcd authenticate */
	ks_secret *auth_header;      /* the full header line, or NULL */
	struct ks_blobpool *pool;
	ks_blob_ref_cb cb;
	void *payload;
	int cbret;
	uint64_t nvalues;  /* keys whose values were emitted or skipped */
};

/* ---- credentials -------------------------------------------------------- */

static int
cred_from_file(ks_secret **out, const char *path, const char *name)
{
	ks_str text = KS_STR_INIT;
	struct stat st;
	size_t nlen = strlen(name);
	const char *p, *end;
	int fd = -1, error;

	*out = NULL;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0 ||
	    fstat(fd, &st) < 0) {
		ks_error_set_os("cannot open the credentials file '%s'", path);
		error = KS_EINVALID;
		goto done;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077)) {
		ks_error_set(KS_ERROR_CONFIG, "refusing the credentials file "
		    "'%s': it must be a regular file readable by its owner "
		    "only (chmod 600)", path);
		error = KS_EINVALID;
		goto done;
	}
	if ((error = ks_fd_read_all(&text, fd, KV_CRED_FILE_MAX,
	    "credentials file")) < 0)
		goto done;
	for (p = text.ptr, end = text.ptr + text.len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *q, *v, *ve;

		if (!eol)
			eol = end;
		q = p;
		while (q < eol && isspace((unsigned char)*q))
			q++;
		if ((size_t)(eol - q) > nlen && memcmp(q, name, nlen) == 0) {
			v = q + nlen;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			if (v < eol && *v == '=') {
				v++;
				while (v < eol && (*v == ' ' || *v == '\t'))
					v++;
				ve = eol;
				while (ve > v && isspace((unsigned char)ve[-1]))
					ve--;
				error = ks_secret_new(out, v, (size_t)(ve - v));
				goto done;
			}
		}
		p = eol + 1;
	}
	error = 0;
done:
	if (fd >= 0)
		close(fd);
	ks_str_wipe(&text);
	return error;
}

int
ks_source_kv__credential(ks_secret **out, const char *path, const char *name)
{
	const char *v;
	int error;

	*out = NULL;
	if (path && ((error = cred_from_file(out, path, name)) < 0 || *out))
		return error < 0 ? error : 0;
	if ((v = getenv(name)) != NULL && *v)
		return ks_secret_new(out, v, strlen(v));
	return 0;
}

/* ---- URL parsing -------------------------------------------------------- */

bool
ks_source_kv_handles(const char *target)
{
	const char *sep = strstr(target, "://");
	size_t i;

	if (!sep)
		return false;
	for (i = 0; i < sizeof(schemes) / sizeof(*schemes); i++)
		if (strlen(schemes[i].scheme) == (size_t)(sep - target) &&
		    strncasecmp(target, schemes[i].scheme,
		    (size_t)(sep - target)) == 0)
			return true;
	return false;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int
percent_decode(ks_str *out, const char *s, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && error == 0; i++) {
		if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 &&
		    hexval(s[i + 2]) >= 0) {
			error = ks_str_putc(out,
			    (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2])));
			i += 2;
		} else {
			error = ks_str_putc(out, s[i]);
		}
	}
	return error;
}

/* Split HOST[:PORT] into the host and a port (default if none). */
static int
split_hostport(const char *hp, size_t n, ks_str *host, int *port, int def)
{
	const char *colon = NULL, *end = hp + n;

	if (n && hp[0] == '[') {
		const char *rb = memchr(hp, ']', n);

		if (!rb)
			return KS_EINVALID;
		if (rb + 1 < end) {
			if (rb[1] != ':')
				return KS_EINVALID;
			colon = rb + 1;
		}
	} else {
		colon = memchr(hp, ':', n);
		if (colon && memchr(colon + 1, ':', (size_t)(end - colon - 1)))
			return KS_EINVALID;   /* bare IPv6: needs brackets */
	}
	*port = def;
	if (colon) {
		char *e;
		long v;

		errno = 0;
		v = strtol(colon + 1, &e, 10);
		if (e != end || colon + 1 == end || v < 1 || v > 65535 || errno)
			return KS_EINVALID;
		*port = (int)v;
		end = colon;
	}
	if (end == hp)
		return KS_EINVALID;
	return ks_str_put(host, hp, (size_t)(end - hp));
}

static int
parse_target(struct kv_source *s, const char *target)
{
	const char *sep = strstr(target, "://"), *host = sep + 3, *hend, *path;
	ks_str hostport = KS_STR_INIT, tmp = KS_STR_INIT;
	size_t i;
	int error = KS_EINVALID, port;

	for (i = 0; i < sizeof(schemes) / sizeof(*schemes); i++)
		if (strlen(schemes[i].scheme) == (size_t)(sep - target) &&
		    strncasecmp(target, schemes[i].scheme,
		    (size_t)(sep - target)) == 0)
			s->sc = &schemes[i];
	hend = host + strcspn(host, "/?#");
	path = hend;
	if (memchr(host, '@', (size_t)(hend - host))) {
		ks_error_set(KS_ERROR_CONFIG, "cannot scan '%s': credentials "
		    "in the URL are refused; use the environment or "
		    "--credentials FILE (docs/SOURCES.md)", s->sc->scheme);
		goto done;
	}
	if (hend == host || *path == '?' || *path == '#') {
		ks_error_set(KS_ERROR_CONFIG, "cannot scan '%s': expected "
		    "%s://HOST[:PORT]/PATH", target, s->sc->scheme);
		goto done;
	}
	if ((error = split_hostport(host, (size_t)(hend - host), &tmp, &port,
	    s->sc->port)) < 0) {
		if (error == KS_EINVALID)
			ks_error_set(KS_ERROR_CONFIG, "cannot scan '%s': bad "
			    "host or port (expected HOST[:PORT], IPv6 in "
			    "brackets)", target);
		goto done;
	}
	if ((error = ks_str_printf(&hostport, "%s:%d", tmp.ptr, port)) < 0)
		goto done;
	if (!s->sc->https && !ks_http_host_is_loopback(tmp.ptr)) {
		ks_error_set(KS_ERROR_CONFIG, "refusing plain http to '%s': "
		    "use %s+https://%s/... (plain %s:// is for loopback hosts "
		    "only)", tmp.ptr, s->sc->name, hostport.ptr, s->sc->name);
		error = KS_EINVALID;
		goto done;
	}
	if (strchr(path, '?') || strchr(path, '#')) {
		ks_error_set(KS_ERROR_CONFIG, "cannot scan '%s': no query or "
		    "fragment expected", target);
		error = KS_EINVALID;
		goto done;
	}
	/* etcd keys conventionally start with '/': its path is kept whole.
	 * The other stores name paths relative to their API root. */
	if (s->sc->kind != KV_ETCD && *path == '/')
		path++;
	if ((error = percent_decode(&s->prefix, path, strlen(path))) < 0)
		goto done;
	if ((s->base = ks__malloc(strlen(hostport.ptr) + 16)) == NULL ||
	    (s->display = ks__malloc(strlen(hostport.ptr) +
	    strlen(s->sc->scheme) + 4)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	sprintf(s->base, "%s://%s", s->sc->https ? "https" : "http",
	    hostport.ptr);
	sprintf(s->display, "%s://%s", s->sc->scheme, hostport.ptr);
	error = 0;
done:
	ks_str_dispose(&hostport);
	ks_str_dispose(&tmp);
	return error;
}

/* ---- HTTP helpers --------------------------------------------------------- */

/* Append `s` percent-encoded as a URL path ('/' kept). */
static int
put_path(ks_str *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;
	int error = 0;

	for (i = 0; i < n && error == 0; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isalnum(c) || strchr("/-._~", c))
			error = ks_str_putc(out, (char)c);
		else if ((error = ks_str_putc(out, '%')) == 0 &&
		    (error = ks_str_putc(out, hex[c >> 4])) == 0)
			error = ks_str_putc(out, hex[c & 15]);
	}
	return error;
}

/* A short, printable excerpt of an error body (never a value we scan). */
static void
server_message(ks_str *out, const char *body, size_t n)
{
	json_t *j = json_loadb(body, n, 0, NULL);
	const char *m = NULL;
	json_t *v;
	size_t i;

	ks_str_clear(out);
	if (j && json_is_object(j)) {
		if ((v = json_object_get(j, "message")) && json_is_string(v))
			m = json_string_value(v);
		else if ((v = json_object_get(j, "error")) && json_is_string(v))
			m = json_string_value(v);
		else if ((v = json_object_get(j, "errors")) &&
		    json_is_array(v) && json_is_string(json_array_get(v, 0)))
			m = json_string_value(json_array_get(v, 0));
	}
	if (m) {
		body = m;
		n = strlen(m);
	}
	for (i = 0; i < n && i < 160; i++)
		if (ks_str_putc(out, isprint((unsigned char)body[i]) ?
		    body[i] : ' ') < 0)
			break;
	while (out->len && out->ptr[out->len - 1] == ' ')
		ks_str_truncate(out, out->len - 1);
	json_decref(j);
}

/*
 * One request; `status_ok` lists what is success besides 200 (e.g. 404
 * for "no keys"). Errors get the store in their message.
 */
static int
kv_request(struct kv_source *s, const char *method, const char *url,
    const char *body, struct ks_http_response *resp)
{
	struct ks_http_request req = { 0 };
	const char *hdrs[2];
	size_t nh = 0;
	int error;

	req.method = method;
	req.url = url;
	req.retry = true;  /* every call here is a read */
	if (body) {
		hdrs[nh++] = "Content-Type: application/json";
		req.body = body;
		req.body_len = strlen(body);
	}
	if (s->auth_header)
		hdrs[nh++] = (const char *)s->auth_header->ptr;
	req.headers = hdrs;
	req.nheaders = nh;
	req.userpwd = NULL;
	if (s->sc->kind == KV_SPRING && s->user && s->password) {
		/* built per call so the pair never sits in a plain string */
		ks_str up = KS_STR_INIT;

		if ((error = ks_str_printf(&up, "%s:%s",
		    (const char *)s->user->ptr,
		    (const char *)s->password->ptr)) < 0) {
			ks_str_wipe(&up);
			return error;
		}
		req.userpwd = up.ptr;
		error = ks_http_do(s->http, &req, resp);
		ks_str_wipe(&up);
	} else {
		error = ks_http_do(s->http, &req, resp);
	}
	if (error == KS_ENET || error == KS_EINVALID) {
		const ks_error *e = ks_error_last();
		char *m = ks__strdup(e && e->message ? e->message : "?");

		ks_error_set(KS_ERROR_HTTP, "cannot reach %s at '%s': %s",
		    s->sc->name, s->display, m ? m : "?");
		ks__free(m);
	}
	return error;
}

static const char *
cred_hint(const struct kv_source *s)
{
	switch (s->sc->kind) {
	case KV_ETCD:
		return "ETCD_USERNAME and ETCD_PASSWORD, or KEYSHIFT_ETCD_TOKEN";
	case KV_CONSUL:
		return "CONSUL_HTTP_TOKEN";
	case KV_VAULT:
		return "VAULT_TOKEN";
	default:
		return "SPRING_CLOUD_CONFIG_USERNAME and "
		    "SPRING_CLOUD_CONFIG_PASSWORD";
	}
}

/* Turn a non-success status into the error of the scan. */
static int
status_error(struct kv_source *s, const char *what,
    const struct ks_http_response *resp)
{
	ks_str msg = KS_STR_INIT;
	bool have = s->token || s->user || s->auth_header;

	server_message(&msg, resp->body.ptr, resp->body.len);
	if (resp->status == 401 || resp->status == 403) {
		if (have)
			ks_error_set(KS_ERROR_HTTP, "%s at '%s' refused the "
			    "credentials (HTTP %ld%s%s)", s->sc->name,
			    s->display, resp->status, msg.len ? ": " : "",
			    msg.ptr);
		else
			ks_error_set(KS_ERROR_HTTP, "%s at '%s' requires "
			    "credentials (HTTP %ld): set %s in the environment "
			    "or in --credentials FILE", s->sc->name,
			    s->display, resp->status, cred_hint(s));
		ks_str_dispose(&msg);
		return KS_EAUTH;
	}
	ks_error_set(KS_ERROR_HTTP, "%s at '%s': %s: unexpected HTTP status "
	    "%ld%s%s", s->sc->name, s->display, what, resp->status,
	    msg.len ? ": " : "", msg.ptr);
	ks_str_dispose(&msg);
	return KS_EINVALID;
}

static int
bad_response(struct kv_source *s, const char *what, const char *detail)
{
	ks_error_set(KS_ERROR_HTTP, "%s at '%s': %s: malformed response (%s)",
	    s->sc->name, s->display, what, detail);
	return KS_EINVALID;
}

static int
parse_json(struct kv_source *s, json_t **out, const char *what,
    const struct ks_http_response *resp)
{
	json_error_t je;

	if ((*out = json_loadb(resp->body.ptr, resp->body.len, 0, &je)) ==
	    NULL)
		return bad_response(s, what, je.text);
	return 0;
}

/*
 * Request `url`, check the status and parse the JSON body into *out. With
 * `none_ok`, a 404 means "nothing there": 0 with *out NULL. The response
 * (values: secrets) is wiped before returning.
 */
static int
kv_json(struct kv_source *s, const char *method, const char *url,
    const char *body, const char *what, bool none_ok, json_t **out)
{
	struct ks_http_response resp = KS_HTTP_RESPONSE_INIT;
	int error;

	*out = NULL;
	if ((error = kv_request(s, method, url, body, &resp)) < 0)
		goto done;
	if (resp.status == 404 && none_ok)
		goto done;
	if (resp.status != 200) {
		error = status_error(s, what, &resp);
		goto done;
	}
	error = parse_json(s, out, what, &resp);
done:
	ks_http_response_dispose(&resp);
	return error;
}

/* ---- emitting ------------------------------------------------------------- */

/* The last component of a key, for "NAME=value". */
static void
key_name(const char *key, size_t n, const char **name, size_t *nlen)
{
	while (n && (key[n - 1] == '/'))
		n--;
	*nlen = 0;
	*name = key + n;
	while (*name > key && (*name)[-1] != '/' && (*name)[-1] != '#') {
		(*name)--;
		(*nlen)++;
	}
}

static int
emit_diag(struct kv_source *s, const char *path, const char *kind,
    const char *msg)
{
	struct ks_blob_ref ref = { 0 };

	ref.source = s->sc->name;
	ref.path = path;
	ref.repo = s->display;
	ref.size = UINT64_MAX;
	ref.diag_kind = kind;
	ref.diag_message = msg;
	return s->cb(&ref, s->payload);
}

/* Emit a blob whose content is in `blob` (begun with ks_blobpool_begin). */
static int
emit_blob(struct kv_source *s, const char *path, ks_str *blob)
{
	struct ks_blob_ref ref = { 0 };
	int error;

	ref.source = s->sc->name;
	ref.path = path;
	ref.repo = s->display;
	if ((error = ks_blobpool_put(s->pool, blob, &ref.data, &ref.len)) < 0)
		return error;
	ref.size = ref.len;
	return s->cb(&ref, s->payload);
}

/*
 * Emit the value of one key: NAME=value when single-line, else as is.
 * Returns 0, the callback's value, or a fatal code.
 */
static int
emit_value(struct kv_source *s, const char *path, const char *name,
    size_t nlen, const void *value, size_t len)
{
	ks_str blob = KS_STR_INIT;
	uint64_t max = s->cfg->max_file_size;
	bool one_line = len && !memchr(value, '\n', len) && nlen;
	int error;

	s->nvalues++;
	if (len > max) {
		ks_str msg = KS_STR_INIT;

		if ((error = ks_str_printf(&msg, "larger than the size limit "
		    "(%zu > %llu bytes)", len, (unsigned long long)max)) == 0)
			error = emit_diag(s, path, "too-large", msg.ptr);
		ks_str_dispose(&msg);
		return error;
	}
	if ((error = ks_blobpool_begin(&blob, 0)) < 0 ||
	    (one_line && ((error = ks_str_put(&blob, name, nlen)) < 0 ||
	    (error = ks_str_putc(&blob, '=')) < 0)) ||
	    (error = ks_str_put(&blob, value, len)) < 0)
		goto done;
	error = emit_blob(s, path, &blob);
done:
	ks_str_wipe(&blob);
	return error;
}

/* ---- etcd v3 (JSON gateway) ---------------------------------------------- */

static int
b64(ks_str *out, const void *data, size_t n)
{
	ks_str_clear(out);
	return ks_base64_encode(out, data, n, 0);
}

static int
etcd_authenticate(struct kv_source *s)
{
	struct ks_http_response resp = KS_HTTP_RESPONSE_INIT;
	ks_str url = KS_STR_INIT, hdr = KS_STR_INIT;
	json_t *req = NULL, *j = NULL, *tok;
	char *body = NULL;
	int error;

	req = json_pack("{s:s,s:s}", "name", (const char *)s->user->ptr,
	    "password", (const char *)s->password->ptr);
	if (!req || (body = json_dumps(req, JSON_COMPACT)) == NULL ||
	    (error = ks_str_printf(&url, "%s/v3/auth/authenticate",
	    s->base)) < 0) {
		error = KS_ENOMEM;
		goto done;
	}
	if ((error = kv_request(s, "POST", url.ptr, body, &resp)) < 0)
		goto done;
	/* A wrong password is a gRPC InvalidArgument: HTTP 400. */
	if (resp.status == 400)
		resp.status = 401;
	if (resp.status != 200) {
		error = status_error(s, "authenticate", &resp);
		goto done;
	}
	if ((error = parse_json(s, &j, "authenticate", &resp)) < 0)
		goto done;
	if (!(tok = json_object_get(j, "token")) || !json_is_string(tok)) {
		error = bad_response(s, "authenticate", "no token");
		goto done;
	}
	if ((error = ks_str_printf(&hdr, "Authorization: %s",
	    json_string_value(tok))) < 0 ||
	    (error = ks_secret_new(&s->auth_header, hdr.ptr, hdr.len)) < 0)
		goto done;
done:
	if (body) {
		ks_wipe(body, strlen(body));
		free(body);
	}
	json_decref(req);
	json_decref(j);
	ks_str_wipe(&hdr);
	ks_str_dispose(&url);
	ks_http_response_dispose(&resp);
	return error;
}

/* The smallest key after every key with this prefix; "\0" for none. */
static int
etcd_range_end(ks_str *out, const ks_str *prefix)
{
	size_t n = prefix->len;

	ks_str_clear(out);
	while (n && (unsigned char)prefix->ptr[n - 1] == 0xff)
		n--;
	if (n == 0)
		return ks_str_putc(out, '\0');
	if (ks_str_put(out, prefix->ptr, n) < 0)
		return KS_ENOMEM;
	out->ptr[n - 1] = (char)((unsigned char)out->ptr[n - 1] + 1);
	return 0;
}

static const char *
json_str(json_t *o, const char *name)
{
	json_t *v = json_object_get(o, name);

	return v && json_is_string(v) ? json_string_value(v) : NULL;
}

/* Emit the kvs of one page; *last gets the last key (raw bytes). */
static int
etcd_page(struct kv_source *s, json_t *kvs, ks_str *last)
{
	ks_str key = KS_STR_INIT, val = KS_STR_INIT;
	size_t i;
	int error = 0;

	for (i = 0; i < json_array_size(kvs) && error == 0; i++) {
		json_t *kv = json_array_get(kvs, i);
		const char *k = json_str(kv, "key"), *v = json_str(kv, "value");
		const char *name;
		size_t nlen;

		ks_str_clear(&key);
		ks_str_wipe(&val);
		if (!k || ks_base64_decode(&key, k, strlen(k), 0) < 0 ||
		    (v && ks_base64_decode(&val, v, strlen(v), 0) < 0)) {
			error = bad_response(s, "range", "bad key or value");
			break;
		}
		ks_str_clear(last);
		if ((error = ks_str_put(last, key.ptr, key.len)) < 0)
			break;
		key_name(key.ptr, key.len, &name, &nlen);
		error = emit_value(s, key.ptr, name, nlen, val.ptr, val.len);
		if (error > 0)
			s->cbret = error;
	}
	ks_str_dispose(&key);
	ks_str_wipe(&val);
	return error;
}

static int
etcd_foreach(struct kv_source *s)
{
	struct ks_http_response resp = KS_HTTP_RESPONSE_INIT;
	ks_str url = KS_STR_INIT, start = KS_STR_INIT, end = KS_STR_INIT;
	ks_str bkey = KS_STR_INIT, bend = KS_STR_INIT;
	json_t *j = NULL, *req = NULL;
	char *body = NULL;
	const char *rev = NULL;
	char revbuf[32] = "";
	size_t limit = KV_ETCD_PAGE;
	int error;

	if (s->user && s->password && !s->auth_header &&
	    (error = etcd_authenticate(s)) < 0)
		goto done;
	if ((error = ks_str_printf(&url, "%s/v3/kv/range", s->base)) < 0 ||
	    (error = etcd_range_end(&end, &s->prefix)) < 0 ||
	    (error = b64(&bend, end.ptr, end.len)) < 0)
		goto done;
	if (s->prefix.len)
		error = ks_str_put(&start, s->prefix.ptr, s->prefix.len);
	else
		error = ks_str_putc(&start, '\0');
	if (error < 0)
		goto done;
	for (;;) {
		json_t *kvs, *more, *hdr;

		json_decref(req);
		json_decref(j);
		j = NULL;
		free(body);
		body = NULL;
		if ((error = b64(&bkey, start.ptr, start.len)) < 0)
			goto done;
		/* One revision for every page: a consistent snapshot. */
		req = rev ? json_pack("{s:s,s:s,s:I,s:s}", "key", bkey.ptr,
		    "range_end", bend.ptr, "limit", (json_int_t)limit,
		    "revision", rev) :
		    json_pack("{s:s,s:s,s:I}", "key", bkey.ptr, "range_end",
		    bend.ptr, "limit", (json_int_t)limit);
		if (!req || (body = json_dumps(req, JSON_COMPACT)) == NULL) {
			error = KS_ENOMEM;
			goto done;
		}
		error = kv_request(s, "POST", url.ptr, body, &resp);
		if (error == KS_EINVALID && limit > 1 &&
		    strstr(ks_error_last()->message, "response larger")) {
			limit /= 2;   /* large values: smaller pages */
			continue;
		}
		if (error < 0)
			goto done;
		if (resp.status == 404) {
			ks_error_set(KS_ERROR_HTTP, "etcd at '%s': no v3 JSON "
			    "gateway (HTTP 404 for /v3/kv/range)", s->display);
			error = KS_EINVALID;
			goto done;
		}
		/* Without a token, etcd answers InvalidArgument (400). */
		if (resp.status == 400 && resp.body.len &&
		    (strstr(resp.body.ptr, "user name is empty") ||
		    strstr(resp.body.ptr, "auth token")))
			resp.status = 401;
		if (resp.status != 200) {
			error = status_error(s, "range", &resp);
			goto done;
		}
		if ((error = parse_json(s, &j, "range", &resp)) < 0)
			goto done;
		ks_http_response_dispose(&resp);
		kvs = json_object_get(j, "kvs");
		if (kvs && !json_is_array(kvs)) {
			error = bad_response(s, "range", "kvs is not an array");
			goto done;
		}
		if (!rev && (hdr = json_object_get(j, "header")) &&
		    json_str(hdr, "revision")) {
			snprintf(revbuf, sizeof(revbuf), "%s",
			    json_str(hdr, "revision"));
			rev = revbuf;
		}
		if ((error = etcd_page(s, kvs, &start)) != 0)
			goto done;
		more = json_object_get(j, "more");
		if (!json_is_true(more) || json_array_size(kvs) == 0)
			break;
		/* Continue right after the last key. */
		if ((error = ks_str_putc(&start, '\0')) < 0)
			goto done;
	}
	error = 0;
done:
	json_decref(req);
	json_decref(j);
	free(body);
	ks_str_dispose(&url);
	ks_str_dispose(&start);
	ks_str_dispose(&end);
	ks_str_dispose(&bkey);
	ks_str_dispose(&bend);
	ks_http_response_dispose(&resp);
	return error;
}

/* ---- Consul KV ------------------------------------------------------------ */

static int
consul_foreach(struct kv_source *s)
{
	ks_str url = KS_STR_INIT, val = KS_STR_INIT;
	json_t *j = NULL;
	size_t i;
	int error;

	if ((error = ks_str_printf(&url, "%s/v1/kv/", s->base)) < 0 ||
	    (error = put_path(&url, s->prefix.ptr, s->prefix.len)) < 0 ||
	    (error = ks_str_puts(&url, "?recurse=true")) < 0)
		goto done;
	/* 404: no key under the prefix */
	if ((error = kv_json(s, "GET", url.ptr, NULL, "kv", true, &j)) < 0 ||
	    !j)
		goto done;
	if (!json_is_array(j)) {
		error = bad_response(s, "kv", "not an array");
		goto done;
	}
	for (i = 0; i < json_array_size(j) && error == 0; i++) {
		json_t *e = json_array_get(j, i);
		const char *k = json_str(e, "Key"), *v = json_str(e, "Value");
		const char *name;
		size_t nlen;

		if (!k) {
			error = bad_response(s, "kv", "an entry without Key");
			break;
		}
		if (!v)   /* a folder, or an empty value */
			continue;
		ks_str_wipe(&val);
		if (ks_base64_decode(&val, v, strlen(v), 0) < 0) {
			error = bad_response(s, "kv", "Value is not base64");
			break;
		}
		key_name(k, strlen(k), &name, &nlen);
		error = emit_value(s, k, name, nlen, val.ptr, val.len);
	}
done:
	json_decref(j);
	ks_str_dispose(&url);
	ks_str_wipe(&val);
	return error;
}

/* ---- Vault KV v2 ------------------------------------------------------------ */

/* The mount is the first component of the prefix; the rest a path. */
static void
vault_split(const struct kv_source *s, size_t *mlen, const char **path)
{
	const char *p = s->prefix.ptr, *slash = strchr(p, '/');

	*mlen = slash ? (size_t)(slash - p) : strlen(p);
	*path = slash ? slash + 1 : p + strlen(p);
}

static int
vault_url(const struct kv_source *s, ks_str *url, const char *what,
    const char *path)
{
	size_t mlen;
	const char *rest;

	vault_split(s, &mlen, &rest);
	ks_str_clear(url);
	if (ks_str_printf(url, "%s/v1/", s->base) < 0 ||
	    put_path(url, s->prefix.ptr, mlen) < 0 ||
	    ks_str_printf(url, "/%s/", what) < 0 ||
	    put_path(url, path, strlen(path)) < 0)
		return KS_ENOMEM;
	return 0;
}

static int vault_walk(struct kv_source *s, const char *path, int depth);

/* Read one secret and emit its fields. 404: nothing there. */
static int
vault_read(struct kv_source *s, const char *path)
{
	ks_str url = KS_STR_INIT, p = KS_STR_INIT;
	json_t *j = NULL, *data, *value;
	const char *field;
	size_t mlen;
	const char *rest;
	int error;

	vault_split(s, &mlen, &rest);
	if ((error = vault_url(s, &url, "data", path)) < 0 ||
	    (error = kv_json(s, "GET", url.ptr, NULL, "read", true, &j)) < 0 ||
	    !j)
		goto done;
	data = json_object_get(json_object_get(j, "data"), "data");
	if (json_is_null(data) || !data)   /* a deleted version */
		goto done;
	if (!json_is_object(data)) {
		error = bad_response(s, "read", "data.data is not an object");
		goto done;
	}
	json_object_foreach(data, field, value) {
		char *dumped = NULL;
		const char *v;
		size_t vlen;

		ks_str_clear(&p);
		if ((error = ks_str_put(&p, s->prefix.ptr, mlen)) < 0 ||
		    (error = ks_str_printf(&p, "/%s#%s", path, field)) < 0)
			break;
		if (json_is_string(value)) {
			v = json_string_value(value);
			vlen = json_string_length(value);
		} else {
			if ((dumped = json_dumps(value, JSON_COMPACT |
			    JSON_ENCODE_ANY)) == NULL) {
				error = KS_ENOMEM;
				break;
			}
			v = dumped;
			vlen = strlen(dumped);
		}
		error = emit_value(s, p.ptr, field, strlen(field), v, vlen);
		if (dumped) {
			ks_wipe(dumped, vlen);
			free(dumped);
		}
		if (error)
			break;
	}
done:
	json_decref(j);
	ks_str_dispose(&url);
	ks_str_dispose(&p);
	return error;
}

/* LIST a folder ("" or ending in '/') and walk what it holds. */
static int
vault_list(struct kv_source *s, const char *dir, int depth)
{
	ks_str url = KS_STR_INIT, child = KS_STR_INIT;
	json_t *j = NULL, *keys;
	size_t i;
	int error;

	if ((error = vault_url(s, &url, "metadata", dir)) < 0 ||
	    (error = kv_json(s, "LIST", url.ptr, NULL, "list", true, &j)) < 0 ||
	    !j)
		goto done;
	keys = json_object_get(json_object_get(j, "data"), "keys");
	if (!json_is_array(keys)) {
		error = bad_response(s, "list", "no data.keys array");
		goto done;
	}
	for (i = 0; i < json_array_size(keys) && error == 0; i++) {
		const char *k = json_string_value(json_array_get(keys, i));

		if (!k || !*k || strstr(k, "..")) {
			error = bad_response(s, "list", "a bad key name");
			break;
		}
		ks_str_clear(&child);
		if ((error = ks_str_printf(&child, "%s%s", dir, k)) < 0)
			break;
		error = vault_walk(s, child.ptr, depth + 1);
	}
done:
	json_decref(j);
	ks_str_dispose(&url);
	ks_str_dispose(&child);
	return error;
}

static int
vault_walk(struct kv_source *s, const char *path, int depth)
{
	size_t n = strlen(path);

	if (depth > KV_VAULT_MAX_DEPTH) {
		ks_error_set(KS_ERROR_HTTP, "vault at '%s': paths nested more "
		    "than %d levels deep", s->display, KV_VAULT_MAX_DEPTH);
		return KS_EINVALID;
	}
	if (n == 0 || path[n - 1] == '/')
		return vault_list(s, path, depth);
	return vault_read(s, path);
}

static int
vault_foreach(struct kv_source *s)
{
	size_t mlen;
	const char *path;
	ks_str dir = KS_STR_INIT;
	int error;

	vault_split(s, &mlen, &path);
	if (mlen == 0) {
		ks_error_set(KS_ERROR_CONFIG, "cannot scan '%s': expected "
		    "%s://HOST[:PORT]/MOUNT[/PATH]", s->display, s->sc->scheme);
		return KS_EINVALID;
	}
	/* A path is a folder, a secret, or both: list first, then read. */
	if ((error = ks_str_puts(&dir, path)) < 0 ||
	    (dir.len && dir.ptr[dir.len - 1] != '/' &&
	    (error = ks_str_putc(&dir, '/')) < 0))
		goto done;
	if ((error = vault_list(s, dir.ptr, 0)) != 0)
		goto done;
	if (*path && path[strlen(path) - 1] != '/')
		error = vault_read(s, path);
done:
	ks_str_dispose(&dir);
	return error;
}

/* ---- Spring Cloud Config ---------------------------------------------------- */

static int
spring_source(struct kv_source *s, json_t *ps, ks_str *blob)
{
	json_t *src = json_object_get(ps, "source"), *value;
	const char *name = json_str(ps, "name"), *key;
	ks_str path = KS_STR_INIT;
	int error;

	if (!json_is_object(src))
		return bad_response(s, "config", "propertySources[].source "
		    "is not an object");
	if ((error = ks_blobpool_begin(blob, 0)) < 0)
		return error;
	json_object_foreach(src, key, value) {
		char *dumped = NULL;

		if ((error = ks_str_puts(blob, key)) < 0 ||
		    (error = ks_str_putc(blob, '=')) < 0)
			break;
		if (json_is_string(value)) {
			error = ks_str_put(blob, json_string_value(value),
			    json_string_length(value));
		} else if ((dumped = json_dumps(value, JSON_COMPACT |
		    JSON_ENCODE_ANY)) != NULL) {
			error = ks_str_puts(blob, dumped);
			ks_wipe(dumped, strlen(dumped));
			free(dumped);
		} else {
			error = KS_ENOMEM;
		}
		if (error < 0 || (error = ks_str_putc(blob, '\n')) < 0)
			break;
	}
	if (error < 0)
		goto done;
	if ((error = ks_str_printf(&path, "%s#%s", s->prefix.ptr,
	    name ? name : "?")) < 0)
		goto done;
	if (ks_blobpool_len(blob) > s->cfg->max_file_size)
		error = emit_diag(s, path.ptr, "too-large", "property source "
		    "larger than the size limit");
	else
		error = emit_blob(s, path.ptr, blob);
done:
	ks_str_dispose(&path);
	return error;
}

static int
spring_foreach(struct kv_source *s)
{
	ks_str url = KS_STR_INIT, blob = KS_STR_INIT;
	json_t *j = NULL, *sources;
	size_t i;
	int error;

	if (!strchr(s->prefix.ptr, '/') || s->prefix.ptr[0] == '/') {
		ks_error_set(KS_ERROR_CONFIG, "cannot scan '%s/%s': expected "
		    "%s://HOST[:PORT]/APPLICATION/PROFILE[/LABEL]", s->display,
		    s->prefix.ptr, s->sc->scheme);
		return KS_EINVALID;
	}
	if ((error = ks_str_printf(&url, "%s/", s->base)) < 0 ||
	    (error = put_path(&url, s->prefix.ptr, s->prefix.len)) < 0)
		goto done;
	if ((error = kv_json(s, "GET", url.ptr, NULL, "config", false,
	    &j)) < 0)
		goto done;
	sources = json_object_get(j, "propertySources");
	if (!json_is_array(sources)) {
		error = bad_response(s, "config", "no propertySources array");
		goto done;
	}
	for (i = 0; i < json_array_size(sources) && error == 0; i++)
		error = spring_source(s, json_array_get(sources, i), &blob);
done:
	json_decref(j);
	ks_str_dispose(&url);
	ks_str_wipe(&blob);
	return error;
}

/* ---- the source ops ----------------------------------------------------------- */

static void
kv_close(void *p)
{
	struct kv_source *s = p;

	if (!s)
		return;
	ks_http_free(s->http);
	ks_secret_free(s->token);
	ks_secret_free(s->user);
	ks_secret_free(s->password);
	ks_secret_free(s->auth_header);
	ks_blobpool_free(s->pool);
	ks_str_dispose(&s->prefix);
	ks__free(s->base);
	ks__free(s->display);
	ks__free(s);
}

static int
load_credentials(struct kv_source *s)
{
	const char *file = s->cfg && s->cfg->scan ?
	    s->cfg->scan->credentials_file : NULL;
	const char *user_var = NULL, *pass_var = NULL, *token_var = NULL;
	const char *header = NULL;
	ks_str hdr = KS_STR_INIT;
	int error;

	switch (s->sc->kind) {
	case KV_ETCD:
		user_var = "ETCD_USERNAME";
		pass_var = "ETCD_PASSWORD";
		token_var = "KEYSHIFT_ETCD_TOKEN";
		header = "Authorization";
		break;
	case KV_CONSUL:
		token_var = "CONSUL_HTTP_TOKEN";
		header = "X-Consul-Token";
		break;
	case KV_VAULT:
		token_var = "VAULT_TOKEN";
		header = "X-Vault-Token";
		break;
	case KV_SPRING:
		user_var = "SPRING_CLOUD_CONFIG_USERNAME";
		pass_var = "SPRING_CLOUD_CONFIG_PASSWORD";
		break;
	}
	if ((token_var && (error = ks_source_kv__credential(&s->token, file,
	    token_var)) < 0) ||
	    (user_var && (error = ks_source_kv__credential(&s->user, file,
	    user_var)) < 0) ||
	    (pass_var && (error = ks_source_kv__credential(&s->password, file,
	    pass_var)) < 0))
		return error;
	if (!s->user != !s->password) {
		ks_error_set(KS_ERROR_CONFIG, "%s: set both %s and %s, or "
		    "neither", s->sc->name, user_var, pass_var);
		return KS_EINVALID;
	}
	if (s->token) {
		if ((error = ks_str_printf(&hdr, "%s: %s", header,
		    (const char *)s->token->ptr)) == 0)
			error = ks_secret_new(&s->auth_header, hdr.ptr,
			    hdr.len);
		ks_str_wipe(&hdr);
		if (error < 0)
			return error;
	}
	return 0;
}

static int
kv_open(void **out, const char *target, const struct ks_source_config *cfg)
{
	struct ks_http_options hopts = KS_HTTP_OPTIONS_INIT;
	struct kv_source *s;
	int error;

	*out = NULL;
	if ((s = ks__calloc(1, sizeof(*s))) == NULL)
		return KS_ENOMEM;
	s->cfg = cfg;
	ks_str_init(&s->prefix, 0);
	if ((error = parse_target(s, target)) < 0 ||
	    (error = load_credentials(s)) < 0)
		goto done;
	hopts.max_response = KV_MAX_RESPONSE;
	hopts.insecure = cfg && (cfg->flags & KS_SCAN_INSECURE);
	if ((error = ks_http_new(&s->http, &hopts)) < 0 ||
	    (error = ks_blobpool_new(&s->pool, 0)) < 0)
		goto done;
	*out = s;
	s = NULL;
done:
	kv_close(s);
	return error;
}

static int
kv_foreach(void *p, ks_blob_ref_cb cb, void *payload)
{
	struct kv_source *s = p;
	int error = 0;

	s->cb = cb;
	s->payload = payload;
	s->cbret = 0;
	switch (s->sc->kind) {
	case KV_ETCD:
		error = etcd_foreach(s);
		break;
	case KV_CONSUL:
		error = consul_foreach(s);
		break;
	case KV_VAULT:
		error = vault_foreach(s);
		break;
	case KV_SPRING:
		error = spring_foreach(s);
		break;
	}
	/* A wrong mount, prefix or profile must not read as "clean". */
	if (error == 0 && s->cbret == 0 && s->nvalues == 0)
		error = emit_diag(s, s->prefix.len ? s->prefix.ptr : "/",
		    "empty", "the store has no key here: check the URL's "
		    "prefix, mount or profile");
	return error;
}

static int
kv_read(void *p, void *reader, const struct ks_blob_ref *ref,
    struct ks_blob_data *out, uint64_t max)
{
	struct kv_source *s = p;

	(void)reader;
	(void)max;   /* checked when the value arrived */
	ks_blobpool_take(s->pool, ref->data, out);
	return 0;
}

const struct ks_source_ops ks_source_kv_ops = {
	"kv", kv_open, kv_foreach, kv_close, NULL, NULL, kv_read
};
