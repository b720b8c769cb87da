/*
 * migrate/context.c - the migration context: one HTTP handle, options,
 * the log callback, and small JSON helpers the adapters share
 *
 * Every HTTP exchange reaches the log as a KS_MLOG_STEP line
 * "METHOD URL -> STATUS": the journal records exactly these, which is why
 * URLs must never carry credentials (http_client.c refuses userinfo).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyshift/migrate.h>

#include "alloc.h"
#include "errors.h"
#include "migrate_int.h"
#include "secret.h"

void
ks_migrate__log(ks_migrate_ctx *ctx, ks_mlog_level level, const char *fmt,
    ...)
{
	ks_str msg = KS_STR_INIT;
	va_list ap;

	if (!ctx->opts.log)
		return;
	va_start(ap, fmt);
	if (ks_str_vprintf(&msg, fmt, ap) == 0)
		ctx->opts.log(level, msg.ptr, ctx->opts.log_payload);
	va_end(ap);
	ks_str_dispose(&msg);
}

static void
on_trace(const char *line, void *payload)
{
	ks_migrate_ctx *ctx = payload;

	ks_migrate__log(ctx, KS_MLOG_TRACE, "%s", line);
}

static void
on_step(const char *method, const char *url, long status, void *payload)
{
	ks_migrate_ctx *ctx = payload;

	if (status)
		ks_migrate__log(ctx, KS_MLOG_STEP, "%s %s -> %ld", method, url,
		    status);
	else
		ks_migrate__log(ctx, KS_MLOG_STEP, "%s %s -> no response",
		    method, url);
}

int
ks_migrate_ctx_new(ks_migrate_ctx **out, const ks_migrate_options *opts)
{
	struct ks_mhttp_options hopts = KS_MHTTP_OPTIONS_INIT;
	ks_migrate_ctx *ctx;
	int error;

	*out = NULL;
	if ((ctx = ks__calloc(1, sizeof(*ctx))) == NULL)
		return KS_ENOMEM;
	if (opts)
		ctx->opts = *opts;
	if (!ctx->opts.max_skew)
		ctx->opts.max_skew = 5;
	hopts.allow_http_loopback = ctx->opts.allow_http_loopback;
	hopts.timeout_ms = ctx->opts.timeout_ms;
	if (ctx->opts.trace) {
		hopts.trace = on_trace;
		hopts.trace_payload = ctx;
	}
	if ((error = ks_mhttp_new(&ctx->http, &hopts)) < 0) {
		ks__free(ctx);
		return error;
	}
	ks_mhttp_set_step_cb(ctx->http, on_step, ctx);
	*out = ctx;
	return 0;
}

void
ks_migrate_ctx_free(ks_migrate_ctx *ctx)
{
	if (!ctx)
		return;
	ks_mhttp_free(ctx->http);
	ks__free(ctx);
}

int
ks_migrate__json_object(json_t **out, const ks_str *body, const char *what)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	v = json_loadb(body->ptr, body->len, JSON_REJECT_DUPLICATES, &jerr);
	if (!v || !json_is_object(v)) {
		json_decref(v);
		ks_error_set(KS_ERROR_MIGRATE, "%s is not a JSON object%s%s",
		    what, v ? "" : ": ", v ? "" : jerr.text);
		return KS_EINVALID;
	}
	*out = v;
	return 0;
}

int
ks_migrate__json_dump(ks_str *out, const json_t *obj, bool pretty)
{
	char *text;
	int error;

	text = json_dumps(obj, JSON_PRESERVE_ORDER |
	    (pretty ? JSON_INDENT(2) : JSON_COMPACT));
	if (!text) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	error = ks_str_puts(out, text);
	/* jansson's own allocation (libc): wiped, then freed by libc. */
	ks_wipe(text, strlen(text));
	free(text);
	return error;
}

void
ks_migrate__oauth_error(const ks_str *body, char *error, size_t esz,
    char *desc, size_t dsz)
{
	json_t *v = json_loadb(body->ptr, body->len, 0, NULL);
	const char *e = NULL, *d = NULL;

	if (v && json_is_object(v)) {
		e = json_string_value(json_object_get(v, "error"));
		d = json_string_value(json_object_get(v,
		    "error_description"));
	}
	snprintf(error, esz, "%s", e ? e : "");
	snprintf(desc, dsz, "%s", d ? d : "");
	json_decref(v);
}

void
ks_migrate__print_request(ks_migrate_ctx *ctx, const char *method,
    const char *url, const char *auth_scheme, const char *const *headers,
    const char *body)
{
	ks_str msg = KS_STR_INIT;
	size_t i;
	int error;

	error = ks_str_printf(&msg, "%s %s\n", method, url);
	if (!error && auth_scheme)
		error = ks_str_printf(&msg, "Authorization: %s [redacted]\n",
		    auth_scheme);
	for (i = 0; !error && headers && headers[i]; i++)
		error = ks_str_printf(&msg, "%s\n", headers[i]);
	if (!error && body)
		error = ks_str_printf(&msg, "\n%s\n", body);
	if (!error)
		ks_migrate__log(ctx, KS_MLOG_REQUEST, "%s", msg.ptr);
	ks_str_dispose(&msg);
}

int
ks_migrate__send_json(ks_migrate_ctx *ctx, struct ks_mhttp_response *resp,
    const char *method, const char *url, const char *auth_header,
    const char *body)
{
	const char *headers[4];
	struct ks_mhttp_request req = { 0 };
	size_t n = 0;

	headers[n++] = "Accept: application/json";
	if (body)
		headers[n++] = "Content-Type: application/json";
	if (auth_header)
		headers[n++] = auth_header;
	headers[n] = NULL;
	req.method = method;
	req.url = url;
	req.headers = headers;
	req.body = body;
	req.body_len = body ? strlen(body) : 0;
	return ks_mhttp_do(ctx->http, &req, resp);
}
