/*
 * scanner/enrich.c - decoding, key paths, key info, OAuth client pairing
 *
 * See enrich.h for what and why. Everything runs on the worker holding
 * the blob; decoded bytes live in a ks_str wiped before it is freed.
 */
#define _GNU_SOURCE
#include "enrich.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyshift/rules.h>

#include "alloc.h"
#include "encode.h"
#include "enrich_gate.h"
#include "errors.h"
#include "keyinfo.h"
#include "occurrence.h"
#include "str.h"
#include "structure.h"

#define PFX_HDR_LEN 22

/* 30 82 LLLL 02 01 03 30 82 LLLL 06 09 <1.2.840.113549.1.7.1> */
bool
ks_enrich_binary_ok(const uint8_t *d, size_t n)
{
	static const uint8_t oid[] = { 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
	    0xf7, 0x0d, 0x01, 0x07, 0x01 };

	return n >= PFX_HDR_LEN && d[0] == 0x30 && d[1] == 0x82 &&
	    d[4] == 0x02 && d[5] == 0x01 && d[6] == 0x03 && d[7] == 0x30 &&
	    d[8] == 0x82 && memcmp(d + 11, oid, sizeof(oid)) == 0;
}

/* ---- occurrence arrays --------------------------------------------- */

struct occs {
	ks_occurrence **occs;
	ks_secret ***secrets;
	size_t *n;
	size_t cap;
};

static int
occs_reserve(struct occs *o, size_t need)
{
	ks_occurrence *a;
	ks_secret **s;

	if (need <= o->cap)
		return 0;
	if ((a = ks__reallocarray(*o->occs, need, sizeof(*a))) == NULL)
		return KS_ENOMEM;
	*o->occs = a;
	if ((s = ks__reallocarray(*o->secrets, need, sizeof(*s))) == NULL)
		return KS_ENOMEM;
	*o->secrets = s;
	o->cap = need;
	return 0;
}

static void
occs_drop(struct occs *o, size_t i)
{
	ks_occurrence_dispose(&(*o->occs)[i]);
	ks_secret_free((*o->secrets)[i]);
	memmove(&(*o->occs)[i], &(*o->occs)[i + 1],
	    (*o->n - i - 1) * sizeof(ks_occurrence));
	memmove(&(*o->secrets)[i], &(*o->secrets)[i + 1],
	    (*o->n - i - 1) * sizeof(ks_secret *));
	(*o->n)--;
}

/* ---- small helpers ------------------------------------------------- */

static int
json_put(ks_str *s, const char *key, const char *v, size_t n)
{
	size_t i;
	int error;

	if ((error = ks_str_printf(s, "%s\"%s\":\"", s->len > 1 ? "," : "",
	    key)) < 0)
		return error;
	for (i = 0; i < n && error == 0; i++) {
		unsigned char c = (unsigned char)v[i];

		if (c == '"' || c == '\\')
			error = ks_str_printf(s, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			error = ks_str_printf(s, "\\u%04x", c);
		else
			error = ks_str_putc(s, (char)c);
	}
	return error < 0 ? error : ks_str_putc(s, '"');
}

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

static bool
is_b64(uint8_t c)
{
	return isalnum(c) || c == '+' || c == '/' || c == '=' || c == '-' ||
	    c == '_';
}

/* A private key's body without line breaks, escapes, quotes and string
 * literal joins: the bytes the fingerprint is computed over. */
static int
normalise_body(ks_str *out, const uint8_t *s, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && error == 0; i++) {
		uint8_t c = s[i];

		if (c == '\\' && i + 1 < n) {
			i++;          /* \n, \r, \\n: an escape */
			while (i < n && s[i] == '\\')
				i++;
			continue;
		}
		if (isalnum(c) || c == '+' || c == '/' || c == '=' ||
		    c == '-' || c == '_')
			error = ks_str_putc(out, (char)c);
	}
	/* a '+' joining literals ("..." + "...") sits between quotes and
	 * spaces; drop the ones that are not base64: only after the quote
	 * handling above, so recheck from the raw bytes */
	if (error == 0 && memchr(s, '"', n)) {
		ks_str_clear(out);
		for (i = 0; i < n && error == 0; i++) {
			uint8_t c = s[i];

			if (c == '"' || c == '\'') {
				/* skip to the next quote: the joiner */
				size_t j = i + 1;

				while (j < n && s[j] != '"' && s[j] != '\'')
					j++;
				i = j;
				continue;
			}
			if (c == '\\' && i + 1 < n) {
				i++;
				while (i < n && s[i] == '\\')
					i++;
				continue;
			}
			if (isalnum(c) || c == '+' || c == '/' || c == '=')
				error = ks_str_putc(out, (char)c);
		}
	}
	return error;
}

/* ---- providers, pairing -------------------------------------------- */

static const char *
provider_of_text(const char *t)
{
	static const struct { const char *word, *name; } map[] = {
		{ "okta", "okta" }, { "auth0", "auth0" },
		{ "microsoftonline", "microsoft-entra" },
		{ "azure", "microsoft-entra" }, { "entra", "microsoft-entra" },
		{ "googleapis", "google" }, { "google", "google" },
		{ "cognito", "aws-cognito" }, { "keycloak", "keycloak" },
		{ "/realms/", "keycloak" }, { "pingone", "ping" },
		{ "pingidentity", "ping" }, { "pingfed", "ping" },
		{ "onelogin", "onelogin" }, { "salesforce", "salesforce" },
		{ "github", "github" }, { "gitlab", "gitlab" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasestr(t, map[i].word))
			return map[i].name;
	return NULL;
}

static const char *
provider_of_rule(const char *id)
{
	static const struct { const char *prefix, *name; } map[] = {
		{ "ks.google.", "google" }, { "ks.microsoft.", "microsoft-entra" },
		{ "ks.okta.", "okta" }, { "ks.auth0.", "auth0" },
		{ "ks.github.", "github" }, { "ks.gitlab.", "gitlab" },
		{ "ks.salesforce.", "salesforce" },
		{ "ks.aws.cognito", "aws-cognito" }, { "ks.ping.", "ping" },
		{ "ks.keycloak.", "keycloak" }, { "ks.onelogin.", "onelogin" },
	};
	size_t i;

	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (has_prefix(id, map[i].prefix))
			return map[i].name;
	return NULL;
}

static const struct ks_leaf *
find_with(const struct ks_doc *d, const char *prefix, const char *const *names)
{
	char want[512];
	const struct ks_leaf *l;
	size_t i;

	for (i = 0; names[i]; i++) {
		snprintf(want, sizeof(want), "%s%s", prefix, names[i]);
		if ((l = ks_doc_find_norm(d, want)) != NULL && l->ve > l->vs &&
		    l->ve - l->vs <= 512)
			return l;
	}
	return NULL;
}

static bool
value_ok(const uint8_t *data, const struct ks_leaf *l)
{
	uint8_t c = data[l->vs];

	return l->ve > l->vs && c != '$' && c != '<' && c != '{' && c != '%';
}

struct pairing {
	char *client_id, *issuer;
	bool is_public;
};

static bool
printable(const char *s, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x09 || ((unsigned char)s[i] > 0x0d &&
		    (unsigned char)s[i] < 0x20) || (unsigned char)s[i] >= 0x7f)
			bad++;
	return n && bad * 20 <= n;
}

static int
dup_leaf(char **out, const struct ks_doc *pair_doc, const uint8_t *data,
    const struct ks_leaf *l)
{
	ks_str raw = KS_STR_INIT;

	if (*out || !l || !value_ok(data, l))
		return 0;
	/* a Kubernetes Secret's data: values are base64 */
	if (pair_doc && pair_doc->k8s_secret && has_prefix(l->path, "data.") &&
	    ks_base64_decode(&raw, (const char *)data + l->vs, l->ve - l->vs,
	    KS_B64_LENIENT) == 0 && printable(raw.ptr, raw.len)) {
		*out = ks__strndup(raw.ptr, raw.len);
		ks_str_wipe(&raw);
		return *out ? 0 : KS_ENOMEM;
	}
	ks_str_wipe(&raw);
	*out = ks__strndup((const char *)data + l->vs, l->ve - l->vs);
	return *out ? 0 : KS_ENOMEM;
}

static int
pair(struct pairing *pr, const struct ks_doc *d, const uint8_t *data,
    const struct ks_leaf *leaf)
{
	static const char *const ids[] = { "clientid", "consumerkey", "appid",
	    "applicationid", "resource", "clientkey", NULL };
	static const char *const iss[] = { "issuer", "issueruri", "issuerurl",
	    "tokenuri", "tokenurl", "tokenendpoint", "authority",
	    "authserverurl", "orgurl", "domain", "baseurl", "url", NULL };
	static const char *const sufs[] = { "clientsecret", "consumersecret",
	    "credentialssecret", "appsecret", "oauthsecret", "secret", NULL };
	char np[512], prefix[512];
	const struct ks_leaf *l;
	size_t i, plen;
	int error;

	ks_key_norm(np, sizeof(np), leaf->path, strlen(leaf->path));
	plen = strlen(np);
	for (i = 0; sufs[i]; i++)
		if (ends_with(np, sufs[i])) {
			plen -= strlen(sufs[i]);
			break;
		}
	memcpy(prefix, np, plen);
	prefix[plen] = '\0';
	/* the same object or prefix, then each parent up to the root */
	for (;;) {
		char *reg;

		if ((error = dup_leaf(&pr->client_id, d, data, find_with(d, prefix,
		    ids))) < 0 ||
		    (error = dup_leaf(&pr->issuer, d, data, find_with(d, prefix,
		    iss))) < 0)
			return error;
		/* Spring: registration.X.client-secret, provider.X.issuer-uri */
		if (!pr->issuer && (reg = strstr(prefix, "registration")) != NULL) {
			char prov[512];

			snprintf(prov, sizeof(prov), "%.*sprovider%s",
			    (int)(reg - prefix), prefix, reg + 12);
			if ((error = dup_leaf(&pr->issuer, d, data, find_with(d,
			    prov, iss))) < 0)
				return error;
		}
		if (!pr->issuer) {
			static const char *const tenant[] = { "tenantid",
			    "tenant", NULL };
			const struct ks_leaf *t = find_with(d, prefix, tenant);

			if (t && value_ok(data, t) && t->ve - t->vs <= 64) {
				char buf[160];

				snprintf(buf, sizeof(buf),
				    "https://login.microsoftonline.com/%.*s/v2.0",
				    (int)(t->ve - t->vs),
				    (const char *)data + t->vs);
				if ((pr->issuer = ks__strdup(buf)) == NULL)
					return KS_ENOMEM;
			}
		}
		if (!pr->is_public) {
			static const char *const pub[] = { "publicclient", NULL };
			static const char *const am[] = {
			    "tokenendpointauthmethod", NULL };

			l = find_with(d, prefix, pub);
			if (l && l->ve - l->vs == 4 && memcmp(data + l->vs,
			    "true", 4) == 0)
				pr->is_public = true;
			l = find_with(d, prefix, am);
			if (l && l->ve - l->vs == 4 && memcmp(data + l->vs,
			    "none", 4) == 0)
				pr->is_public = true;
		}
		if ((pr->client_id && pr->issuer) || plen == 0)
			break;
		/* up one level: drop the last path component */
		{
			const char *dot = NULL, *p;
			char part[512];
			size_t n = 0;

			/* the normalised prefix has lost its dots: recompute
			 * from the path, one component shorter each round */
			for (p = leaf->path; *p; p++)
				if (*p == '.')
					n++;
			(void)dot;
			if (n == 0)
				break;
			snprintf(part, sizeof(part), "%s", leaf->path);
			while (n-- > 0) {
				char *last = strrchr(part, '.');
				char pn[512];

				*last = '\0';
				ks_key_norm(pn, sizeof(pn), part, strlen(part));
				if (strlen(pn) < plen) {
					snprintf(prefix, sizeof(prefix), "%s", pn);
					plen = strlen(pn);
					break;
				}
				if (n == 0) {
					prefix[0] = '\0';
					plen = 0;
				}
			}
		}
	}
	/* Keycloak adapter: the issuer is auth-server-url/realms/realm */
	if (pr->issuer && (l = ks_doc_find_norm(d, "realm")) != NULL &&
	    value_ok(data, l) && !strstr(pr->issuer, "/realms/") &&
	    ks_doc_find_norm(d, "authserverurl")) {
		char buf[600];

		snprintf(buf, sizeof(buf), "%s%srealms/%.*s", pr->issuer,
		    ends_with(pr->issuer, "/") ? "" : "/", (int)(l->ve - l->vs),
		    (const char *)data + l->vs);
		ks__free(pr->issuer);
		if ((pr->issuer = ks__strdup(buf)) == NULL)
			return KS_ENOMEM;
	}
	if (has_prefix(leaf->path, "installed."))
		pr->is_public = true;
	return 0;
}

/* ---- per occurrence ------------------------------------------------ */

struct occ_ctx {
	const struct ks_doc *doc;
	const uint8_t *doc_data;     /* the blob (the doc's bytes) */
	const uint8_t *buf;          /* where the secret's bytes are */
	size_t blen;
	const char *key_path;        /* decoded: the encoded value's path */
	const char *encoding;        /* "base64", "percent", NULL */
	size_t pair_at;              /* decoded: the encoded value's offset */
};

/* Key info, key path, OAuth pairing of one occurrence: 0, 1 when it is
 * no finding after all (a PKCS#12 of certificates alone), or an error. */
static int
finish(ks_occurrence *occ, ks_secret **secret, const ks_rule *rule,
    const struct occ_ctx *c, size_t sstart, size_t send)
{
	ks_str extra = KS_STR_INIT, norm = KS_STR_INIT;
	const struct ks_leaf *leaf = NULL;
	const char *kp = c->key_path;
	char note[256] = "";
	int error = 0;

	if (c->doc && (leaf = ks_doc_leaf_at(c->doc, c->key_path ?
	    c->pair_at : sstart)) != NULL && !kp)
		kp = leaf->path;
	if (strcmp(occ->category, "private-key") == 0) {
		size_t from = sstart > 4096 ? sstart - 4096 : 0, i;
		size_t to = send + 256 < c->blen ? send + 256 : c->blen;
		static const char *const starts[] = { "-----BEGIN",
		    "PuTTY-User-Key-File", "{", NULL };

		if ((error = normalise_body(&norm, c->buf + sstart,
		    send - sstart)) < 0)
			goto done;
		if (norm.len && norm.len != send - sstart) {
			ks_fingerprint(occ->fingerprint, rule ?
			    ks_rule_family(rule) : occ->rule_id,
			    (const uint8_t *)norm.ptr, norm.len);
			ks_secret_free(*secret);
			*secret = NULL;
			if ((error = ks_secret_new(secret, norm.ptr,
			    norm.len)) < 0)
				goto done;
		}
		/* the match's head: the last BEGIN/PuTTY/{ before the body */
		for (i = 0; starts[i]; i++) {
			const uint8_t *p = c->buf + from, *hit = NULL, *q;

			while ((q = memmem(p, (size_t)(c->buf + sstart - p),
			    starts[i], strlen(starts[i]))) != NULL) {
				hit = q;
				p = q + 1;
			}
			if (hit) {
				from = (size_t)(hit - c->buf);
				break;
			}
		}
		/* a JWK's members come in any order: give it the whole
		 * object, up to its closing brace */
		if (rule && strncmp(occ->rule_id, "ks.jwk.", 7) == 0) {
			const uint8_t *close = memchr(c->buf + send, '}',
			    c->blen - send < 16384 ? c->blen - send : 16384);

			if (close)
				to = (size_t)(close - c->buf) + 1;
		}
		if (!occ->key_info && rule && (error = ks_keyinfo(&occ->key_info,
		    occ->rule_id, c->buf + from, to - from,
		    norm.len ? (const uint8_t *)norm.ptr : c->buf + sstart,
		    norm.len ? norm.len : send - sstart)) < 0)
			goto done;
		/* a PKCS#12 that opened and holds no key: certificates */
		if (occ->key_info && has_prefix(occ->key_info,
		    "PKCS#12: no key,")) {
			error = 1;
			goto done;
		}
	}
	if (strcmp(occ->category, "oauth-client-secret") == 0) {
		struct pairing pr = { NULL, NULL, false };
		const char *prov = provider_of_rule(occ->rule_id);

		if (leaf && c->doc && (error = pair(&pr, c->doc, c->doc_data,
		    leaf)) < 0) {
			ks__free(pr.client_id);
			ks__free(pr.issuer);
			goto done;
		}
		if (!occ->client_id)
			occ->client_id = pr.client_id;
		else
			ks__free(pr.client_id);
		if (!occ->issuer)
			occ->issuer = pr.issuer;
		else
			ks__free(pr.issuer);
		if (!prov && occ->issuer)
			prov = provider_of_text(occ->issuer);
		if (!prov && kp)
			prov = provider_of_text(kp);
		if (prov && !occ->provider &&
		    (occ->provider = ks__strdup(prov)) == NULL) {
			error = KS_ENOMEM;
			goto done;
		}
		if (pr.is_public)
			snprintf(note, sizeof(note), "public client: %s secret "
			    "is not confidential by design; the remedy is PKCE "
			    "(RFC 7636), not private_key_jwt",
			    prov && strcmp(prov, "google") == 0 ?
			    "an installed app's" : "its");
	}
	if ((error = ks_str_putc(&extra, '{')) < 0 ||
	    (kp && (error = json_put(&extra, "key_path", kp,
	    strlen(kp))) < 0) ||
	    (c->encoding && (error = json_put(&extra, "encoding", c->encoding,
	    strlen(c->encoding))) < 0) ||
	    (note[0] && (error = json_put(&extra, "client_type", "public",
	    6)) < 0) ||
	    (note[0] && (error = json_put(&extra, "note", note,
	    strlen(note))) < 0) ||
	    (error = ks_str_putc(&extra, '}')) < 0)
		goto done;
	if (extra.len > 2) {
		ks__free(occ->extra_json);
		occ->extra_json = ks_str_detach(&extra, NULL);
		if (!occ->extra_json)
			error = KS_ENOMEM;
	}
done:
	ks_str_dispose(&extra);
	ks_str_wipe(&norm);
	return error;
}

/* ---- decoded views ------------------------------------------------- */

struct view {
	size_t vs, ve;            /* the encoded value in the blob */
	char *key_path;           /* "data.client-secret (base64)" */
	const char *encoding;
};

struct collect {
	struct ks_rule_match *m;
	size_t n, cap;
};

static int
collect_cb(const struct ks_rule_match *m, void *payload)
{
	struct collect *c = payload;

	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 8;
		struct ks_rule_match *p = ks__reallocarray(c->m, cap,
		    sizeof(*p));

		if (!p)
			return KS_ENOMEM;
		c->m = p;
		c->cap = cap;
	}
	if (c->n >= 256)
		return 1;
	c->m[c->n++] = *m;
	return 0;
}

static bool
mentions_secret(const char *s, size_t n)
{
	/* shared with the gate, which looks for their base64 forms */
	const char *const *hints = ks_enrich_gate_words;
	size_t i;

	for (i = 0; hints[i]; i++)
		if (memmem(s, n, hints[i], strlen(hints[i])))
			return true;
	return false;
}

static int
percent_decode(ks_str *out, const uint8_t *s, size_t n)
{
	size_t i;
	int error = 0;

	for (i = 0; i < n && error == 0; i++) {
		if (s[i] == '%' && i + 2 < n && isxdigit(s[i + 1]) &&
		    isxdigit(s[i + 2])) {
			char h[3] = { (char)s[i + 1], (char)s[i + 2], 0 };

			error = ks_str_putc(out, (char)strtol(h, NULL, 16));
			i += 2;
		} else {
			error = ks_str_putc(out, (char)s[i]);
		}
	}
	return error;
}

static int
scan_view(ks_matcher *m, struct occs *o, const struct view *v,
    const ks_str *text, const uint8_t *data, const struct ks_doc *doc,
    const struct ks_occurrence_place *place, unsigned flags)
{
	struct collect col = { NULL, 0, 0 };
	struct ks_line_cursor cur = KS_LINE_CURSOR_INIT, dcur =
	    KS_LINE_CURSOR_INIT;
	struct occ_ctx c;
	size_t i;
	int error;

	error = ks_matcher_scan(m, (const uint8_t *)text->ptr, text->len,
	    collect_cb, &col, NULL);
	if (error < 0)
		goto done;
	error = 0;
	c.doc = doc;
	c.doc_data = data;
	c.buf = (const uint8_t *)text->ptr;
	c.blen = text->len;
	c.key_path = v->key_path;
	c.encoding = v->encoding;
	c.pair_at = v->vs;
	for (i = 0; i < col.n && error == 0; i++) {
		ks_occurrence *occ;
		size_t ss = col.m[i].secret_start, se = col.m[i].secret_end;

		if ((error = occs_reserve(o, *o->n + 1)) < 0)
			break;
		occ = &(*o->occs)[*o->n];
		memset(occ, 0, sizeof(*occ));
		if ((error = ks_occurrence_build(occ, &(*o->secrets)[*o->n],
		    (const uint8_t *)text->ptr, text->len, &col.m[i], col.m,
		    col.n, &cur, place, flags)) < 0)
			break;
		(*o->n)++;
		if ((error = finish(occ, &(*o->secrets)[*o->n - 1],
		    col.m[i].rule, &c, ss, se)) < 0)
			break;
		if (error > 0) {          /* not a finding after all */
			occs_drop(o, *o->n - 1);
			error = 0;
			continue;
		}
		/* it sits where the encoded value is */
		occ->start = v->vs;
		occ->end = v->ve;
		dcur = (struct ks_line_cursor)KS_LINE_CURSOR_INIT;
		ks_locate(&dcur, data, v->vs, &occ->line, &occ->column);
		ks_locate(&dcur, data, v->ve > v->vs ? v->ve - 1 : v->vs,
		    &occ->end_line, &occ->end_column);
	}
done:
	ks__free(col.m);
	return error;
}

static int
add_view(struct view *views, size_t *nv, size_t vs, size_t ve,
    const char *path, const char *enc)
{
	char buf[600];

	if (*nv >= KS_DECODE_MAX_VIEWS)
		return 0;
	snprintf(buf, sizeof(buf), "%s (%s)", path, enc);
	if ((views[*nv].key_path = ks__strdup(buf)) == NULL)
		return KS_ENOMEM;
	views[*nv].vs = vs;
	views[*nv].ve = ve;
	views[*nv].encoding = enc;
	(*nv)++;
	return 0;
}

/* Decode view `v` of `data` into `out` ("leaf=decoded"); 1 if usable. */
static int
decode_view(ks_str *out, const struct view *v, const uint8_t *data,
    bool forced)
{
	const char *leaf = strrchr(v->key_path, '.');
	const char *sp = strchr(v->key_path, ' ');
	ks_str raw = KS_STR_INIT;
	int error;

	leaf = leaf && leaf < sp ? leaf + 1 : v->key_path;
	if (strcmp(v->encoding, "percent") == 0)
		error = percent_decode(&raw, data + v->vs, v->ve - v->vs);
	else if (strcmp(v->encoding, "der") == 0)
		error = ks_base64_encode(&raw, data + v->vs, v->ve - v->vs, 0);
	else
		error = ks_base64_decode(&raw, (const char *)data + v->vs,
		    v->ve - v->vs, KS_B64_LENIENT);
	if (error < 0) {
		ks_str_wipe(&raw);
		return error == KS_ENOMEM ? error : 0;
	}
	if (!printable(raw.ptr, raw.len) || (!forced &&
	    !mentions_secret(raw.ptr, raw.len))) {
		ks_str_wipe(&raw);
		return 0;
	}
	error = ks_str_printf(out, "%.*s=", (int)(sp ? sp - leaf :
	    (long)strlen(leaf)), leaf);
	if (error == 0)
		error = ks_str_put(out, raw.ptr, raw.len);
	ks_str_wipe(&raw);
	return error < 0 ? error : 1;
}

/* The end of base64 text that starts at s, whose first line ends at e,
 * when it goes on over more lines as `base64` or `openssl base64` wrap
 * it: lines of base64 alone (indented alike or not), all as long as the
 * first of them, the last one shorter; a line ending in '=' padding ends
 * it. e itself when the next line is not of it. */
static size_t
wrapped_b64_end(const uint8_t *data, size_t len, size_t s, size_t e)
{
	size_t width = 0, first = e - s;

	while (e < len && e > s && data[e - 1] != '=') {
		size_t p = e, q, n, pad;

		if (data[p] == '\r')
			p++;
		if (p >= len || data[p] != '\n')
			break;
		p++;
		while (p < len && (data[p] == ' ' || data[p] == '\t'))
			p++;
		for (q = p; q < len && is_b64(data[q]) && data[q] != '='; q++)
			;
		for (pad = 0; q < len && data[q] == '=' && pad < 2; pad++)
			q++;              /* '=' only as the padding at its end */
		n = q - p;
		if (n < 4 || (q < len && data[q] != '\n' && data[q] != '\r'))
			break;
		if (!width) {
			/* the line after the first: the wrap width, unless
			 * it is already the (shorter) last line */
			if (n < first) {
				e = q;
				break;
			}
			width = n;
		} else if (n > width) {
			break;
		}
		e = q;
		if (n < width)
			break;
	}
	return e;
}

static int
find_views(struct view *views, size_t *nv, const struct ks_doc *doc,
    const uint8_t *data, size_t len, bool pfx)
{
	static const char pem64[] = "LS0tLS1CRUdJTi";   /* "-----BEGIN" */
	size_t i;
	int error;

	if (pfx)
		return add_view(views, nv, 0, len, "(PKCS#12, binary)", "der");
	for (i = 0; i < doc->n; i++) {
		const struct ks_leaf *l = &doc->leaves[i];
		size_t n = l->ve - l->vs, j;
		bool b64 = n >= 16, pct = false;
		bool forced = (doc->k8s_secret && has_prefix(l->path, "data.")) ||
		    ends_with(l->path, ".dockerconfigjson") ||
		    ends_with(l->path, "dockerconfigjson");

		for (j = l->vs; j < l->ve && b64; j++)
			if (!is_b64(data[j]) && data[j] != '\n' && data[j] != ' ')
				b64 = false;
		if (!b64 && n >= 6 && n <= 1024 && strcasestr(l->path, "secret"))
			for (j = l->vs; j + 2 < l->ve; j++)
				if (data[j] == '%' && isxdigit(data[j + 1]) &&
				    isxdigit(data[j + 2]))
					pct = true;
		if (pct && (error = add_view(views, nv, l->vs, l->ve, l->path,
		    "percent")) < 0)
			return error;
		if (b64 && (forced || n >= 24) && (error = add_view(views, nv,
		    l->vs, l->ve, l->path, forced ? "base64" : "base64?")) < 0)
			return error;
	}
	/* base64 PEM outside any leaf the document names */
	{
		const uint8_t *p = data, *q;

		while ((q = memmem(p, len - (size_t)(p - data), pem64,
		    sizeof(pem64) - 1)) != NULL) {
			size_t s = (size_t)(q - data), e = s;
			const struct ks_leaf *l = ks_doc_leaf_at(doc, s);

			while (e < len && is_b64(data[e]))
				e++;
			e = wrapped_b64_end(data, len, s, e);
			if (!l && (error = add_view(views, nv, s, e, "(text)",
			    "base64")) < 0)
				return error;
			p = data + e;
			if ((size_t)(p - data) >= len)
				break;
		}
	}
	return 0;
}

/* ---- the whole blob ------------------------------------------------ */

int
ks_enrich_blob(ks_matcher *m, ks_occurrence **occs, ks_secret ***secrets,
    size_t *n, const uint8_t *data, size_t len, const struct ks_blob_ref *ref,
    const char *blob_id, unsigned flags)
{
	struct occs o = { occs, secrets, n, *n };
	struct ks_occurrence_place place;
	struct view views[KS_DECODE_MAX_VIEWS];
	struct ks_doc doc;
	struct occ_ctx c;
	size_t nv = 0, i, n0 = *n, decoded = 0;
	bool pfx = ks_enrich_binary_ok(data, len);
	int error;

	memset(&doc, 0, sizeof(doc));
	if (!pfx && (error = ks_structure_parse(&doc, data, len)) < 0)
		return error;
	place.source = ref->source;
	place.path = ref->path;
	place.blob_id = blob_id;
	place.commit = ref->commit;
	place.author = ref->author;
	place.date = ref->date;
	c.doc = pfx ? NULL : &doc;
	c.doc_data = data;
	c.buf = data;
	c.blen = len;
	c.key_path = NULL;
	c.encoding = NULL;
	c.pair_at = 0;
	for (i = 0; i < n0; i++) {
		if ((error = finish(&(*occs)[i], &(*secrets)[i],
		    ks_ruleset_find(ks_matcher_ruleset(m), (*occs)[i].rule_id), &c,
		    (*occs)[i].start, (*occs)[i].end)) < 0)
			goto done;
		if (error > 0) {          /* not a finding after all */
			occs_drop(&o, i--);
			n0--;
		}
	}
	if ((error = find_views(views, &nv, &doc, data, len, pfx)) < 0)
		goto done;
	for (i = 0; i < nv && decoded < KS_DECODE_MAX_BYTES; i++) {
		ks_str text = KS_STR_INIT;
		bool forced = strcmp(views[i].encoding, "base64?") != 0;
		int r;

		if (!forced) {
			char *sp = strrchr(views[i].key_path, '(');

			views[i].encoding = "base64";
			if (sp)
				snprintf(sp, strlen(sp) + 1, "(base64)");
		}
		r = decode_view(&text, &views[i], data, forced ||
		    strcmp(views[i].encoding, "percent") == 0);
		if (r > 0) {
			size_t before = *n, j;

			decoded += text.len;
			r = scan_view(m, &o, &views[i], &text, data, pfx ? NULL :
			    &doc, &place, flags);
			/* the encoded value was matched as is: the decoded
			 * secret replaces that occurrence */
			for (j = 0; r >= 0 && *n > before && j < n0; j++)
				if ((*occs)[j].start >= views[i].vs &&
				    (*occs)[j].end <= views[i].ve) {
					occs_drop(&o, j);
					j--;
					n0--;
					before--;
				}
		}
		ks_str_wipe(&text);
		if (r < 0) {
			error = r;
			goto done;
		}
	}
	error = 0;
done:
	for (i = 0; i < nv; i++)
		ks__free(views[i].key_path);
	ks_doc_dispose(&doc);
	return error;
}
