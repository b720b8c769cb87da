/*
 * migrate/assertion.c - client assertions for private_key_jwt: signing
 * (RFC 7523 §3, RFC 10070, OIDC Core §9) and linting
 *
 * The linter exists because an authorization server answers every broken
 * assertion with the same opaque invalid_client. It reports each reason a
 * strict server (FAPI 2.0, RFC 10070) would have, one rule id per reason.
 *
 * When adding a lint rule: give it a new stable id (ids are never reused),
 * list it in docs/JOSE.md, and add a Bats case in
 * tests/cli/3*-assertion.bats that triggers it with a jose-signed token.
 */
#include <keyshift/jose.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "hash.h"
#include "jose_int.h"

/* 192 bits: comfortably over the 128 that uniqueness needs. */
#define JTI_BYTES 24

static int
put_member(ks_str *s, const char *name, const char *value, bool first)
{
	int error;

	if ((!first && (error = ks_str_putc(s, ',')) < 0) ||
	    (error = ks_jose__put_json_string(s, name)) < 0 ||
	    (error = ks_str_putc(s, ':')) < 0)
		return error;
	return ks_jose__put_json_string(s, value);
}

static int
put_number(ks_str *s, const char *name, int64_t value)
{
	int error;

	if ((error = ks_str_putc(s, ',')) < 0 ||
	    (error = ks_jose__put_json_string(s, name)) < 0)
		return error;
	return ks_str_printf(s, ":%lld", (long long)value);
}

/* 43 base64url characters: an unpadded SHA-256. */
static bool
is_sha256_b64url(const char *s)
{
	size_t n;

	for (n = 0; s[n]; n++)
		if (!((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' &&
		    s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		    s[n] == '-' || s[n] == '_'))
			return false;
	return n == 43;
}

int
ks_assertion_sign(ks_buf *out, const ks_key *key,
    const ks_assertion_options *opts)
{
	ks_str header = KS_STR_INIT, claims = KS_STR_INIT, jws = KS_STR_INIT;
	ks_str jti = KS_STR_INIT;
	uint8_t rnd[JTI_BYTES];
	ks_jose_alg alg;
	const char *kid;
	int64_t now, lifetime;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(key);
	KS_ASSERT_ARG(opts);
	if (opts->version != KS_ASSERTION_OPTIONS_VERSION) {
		ks_error_set(KS_ERROR_INVALID, "unsupported options version");
		return KS_EINVALID;
	}
	if (!opts->client_id || !*opts->client_id) {
		ks_error_set(KS_ERROR_INVALID, "a client id is required");
		return KS_EINVALID;
	}
	if (!opts->audience || !*opts->audience) {
		ks_error_set(KS_ERROR_INVALID,
		    "an audience (the issuer) is required");
		return KS_EINVALID;
	}
	lifetime = opts->lifetime ? opts->lifetime :
	    KS_ASSERTION_DEFAULT_LIFETIME;
	if (lifetime < 1 || lifetime > KS_ASSERTION_MAX_LIFETIME) {
		ks_error_set(KS_ERROR_INVALID, "the lifetime must be 1 to %d "
		    "seconds", KS_ASSERTION_MAX_LIFETIME);
		return KS_EINVALID;
	}
	alg = opts->alg ? opts->alg : key->alg;
	if (!key->has_private) {
		ks_error_set(KS_ERROR_INVALID, "cannot sign with a public key");
		return KS_EINVALID;
	}
	if (!ks_key_alg_fits(key, alg)) {
		ks_error_set(KS_ERROR_INVALID, "algorithm '%s' does not fit "
		    "the key", ks_jose_alg_name(alg) ? ks_jose_alg_name(alg) :
		    "?");
		return KS_EINVALID;
	}
	if (opts->x5t_s256 && !is_sha256_b64url(opts->x5t_s256)) {
		ks_error_set(KS_ERROR_INVALID, "x5t#S256 must be the base64url "
		    "SHA-256 of a certificate: 43 characters");
		return KS_EINVALID;
	}
	kid = opts->kid ? opts->kid : key->kid ? key->kid : key->thumbprint;
	now = opts->now ? opts->now : (int64_t)time(NULL);

	if ((error = ks_random_bytes(rnd, sizeof(rnd))) < 0 ||
	    (error = ks_b64url_encode(&jti, rnd, sizeof(rnd))) < 0)
		goto done;

	if ((error = ks_str_putc(&header, '{')) < 0 ||
	    (error = put_member(&header, "alg", ks_jose_alg_name(alg),
	    true)) < 0 ||
	    (error = put_member(&header, "kid", kid, false)) < 0 ||
	    (error = put_member(&header, "typ", KS_ASSERTION_TYP, false)) < 0 ||
	    (opts->x5t_s256 && (error = put_member(&header, "x5t#S256",
	    opts->x5t_s256, false)) < 0) ||
	    (error = ks_str_putc(&header, '}')) < 0)
		goto done;

	if ((error = ks_str_putc(&claims, '{')) < 0 ||
	    (error = put_member(&claims, "iss", opts->client_id, true)) < 0 ||
	    (error = put_member(&claims, "sub", opts->client_id, false)) < 0 ||
	    (error = put_member(&claims, "aud", opts->audience, false)) < 0 ||
	    (error = put_member(&claims, "jti", jti.ptr, false)) < 0 ||
	    (error = put_number(&claims, "iat", now)) < 0 ||
	    (opts->nbf && (error = put_number(&claims, "nbf", now)) < 0) ||
	    (error = put_number(&claims, "exp", now + lifetime)) < 0 ||
	    (error = ks_str_putc(&claims, '}')) < 0)
		goto done;

	if ((error = ks_jws__sign_compact(&jws, key, alg, header.ptr,
	    header.len, claims.ptr, claims.len)) < 0)
		goto done;
	error = ks_buf_set_from_str(out, &jws);
done:
	ks_str_dispose(&header);
	ks_str_dispose(&claims);
	ks_str_dispose(&jws);
	ks_str_dispose(&jti);
	return error;
}

/* ---- lint ------------------------------------------------------------ */

struct lint {
	ks_lint_cb cb;
	void *payload;
	size_t count;
	const ks_lint_options *opts;
	int64_t now;
};

static int
report(struct lint *l, const char *rule, const char *fmt, ...)
	KS_PRINTF(3, 4);

static int
report(struct lint *l, const char *rule, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* Claim values come from the token: keep them off the terminal's
	 * control channel. */
	for (i = 0; msg[i]; i++)
		if ((unsigned char)msg[i] < 0x20 || msg[i] == 0x7f)
			msg[i] = '?';
	l->count++;
	if (l->cb && l->cb(rule, msg, l->payload) != 0) {
		ks_error_set(KS_ERROR_INVALID, "lint stopped by the callback");
		return KS_EUSER;
	}
	return 0;
}

#define REPORT(...) do { \
	if ((error = report(__VA_ARGS__)) < 0) \
		goto done; \
	} while (0)

/* A short, printable rendering of a claim value for messages. */
static const char *
shown(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);

	if (len < n) {
		memcpy(buf, s, len + 1);
	} else {
		memcpy(buf, s, n - 4);
		memcpy(buf + n - 4, "...", 4);
	}
	return buf;
}

static bool
typ_ok(const char *typ)
{
	/* RFC 7515 §4.1.9: "application/" may be omitted; media types are
	 * case-insensitive. */
	if (strncasecmp(typ, "application/", 12) == 0)
		typ += 12;
	return strcasecmp(typ, KS_ASSERTION_TYP) == 0;
}

static int
lint_header(struct lint *l, json_t *hdr, ks_jose_alg *alg_out,
    const char **kid_out)
{
	json_t *alg = json_object_get(hdr, "alg");
	json_t *typ = json_object_get(hdr, "typ");
	json_t *kid = json_object_get(hdr, "kid");
	char buf[64];
	int error = 0;

	*alg_out = KS_JOSE_ALG_UNKNOWN;
	*kid_out = NULL;
	if (!json_is_string(alg)) {
		REPORT(l, "alg-missing", "the header has no alg");
	} else {
		const char *a = json_string_value(alg);

		if (strcasecmp(a, "none") == 0)
			REPORT(l, "alg-none", "alg is 'none': the assertion "
			    "is unsigned and every server rejects it");
		else if (strncmp(a, "HS", 2) == 0)
			REPORT(l, "alg-hmac", "alg '%s' is an HMAC "
			    "(client_secret_jwt), not private_key_jwt",
			    shown(a, buf, sizeof(buf)));
		else if (ks_jose_alg_parse(alg_out, a) < 0)
			REPORT(l, "alg-unsupported", "alg '%s' is not one of "
			    "ES256, ES384, PS256, RS256, EdDSA, Ed25519",
			    shown(a, buf, sizeof(buf)));
	}
	if (!typ)
		REPORT(l, "typ-missing", "the header has no typ; RFC 10070 "
		    "wants '" KS_ASSERTION_TYP "'");
	else if (!json_is_string(typ) || !typ_ok(json_string_value(typ)))
		REPORT(l, "typ-wrong", "typ is '%s', not '" KS_ASSERTION_TYP
		    "'", json_is_string(typ) ? shown(json_string_value(typ),
		    buf, sizeof(buf)) : "(not a string)");
	if (json_object_get(hdr, "crit"))
		REPORT(l, "crit-unsupported", "the header has crit: servers "
		    "reject extensions they do not understand");
	if (!json_is_string(kid) || !*json_string_value(kid))
		REPORT(l, "kid-missing", "the header has no kid: servers "
		    "cannot pick the key once the JWK Set has several");
	else
		*kid_out = json_string_value(kid);
done:
	return error;
}

/* The keys that may have signed: those with the kid, or all without one. */
static const ks_key *
next_candidate(const ks_jwks *jwks, const char *kid, size_t *pos)
{
	if (kid)
		return ks_jwks_find(jwks, kid, pos);
	return ks_jwks_get(jwks, (*pos)++);
}

static int
lint_signature(struct lint *l, const struct ks_jws *jws, ks_jose_alg alg,
    const char *kid, const ks_jwks *jwks)
{
	size_t pos = 0, tried = 0, mismatched = 0;
	const ks_key *key;
	char buf[64];
	int error = 0;

	while ((key = next_candidate(jwks, kid, &pos)) != NULL) {
		tried++;
		if ((key->alg_explicit && key->alg != alg) ||
		    !ks_key_alg_fits(key, alg)) {
			mismatched++;
			continue;
		}
		if (ks_jws__verify_raw(key, alg, jws->input, jws->input_len,
		    (const uint8_t *)jws->signature.ptr,
		    jws->signature.len) == 0)
			return 0;
	}
	if (!tried && kid)
		REPORT(l, "kid-unknown", "kid '%s' is not in the JWK Set",
		    shown(kid, buf, sizeof(buf)));
	else if (!tried)
		REPORT(l, "kid-unknown", "the JWK Set has no keys");
	else if (mismatched == tried)
		REPORT(l, "alg-key-mismatch", "alg '%s' does not fit the "
		    "key's type or published alg", ks_jose_alg_name(alg));
	else
		REPORT(l, "signature-invalid", "the signature does not verify "
		    "with the published key");
done:
	return error;
}

/* A NumericDate claim: 1 present and numeric, 0 absent, -1 not a number. */
static int
numeric_claim(int64_t *out, json_t *claims, const char *name)
{
	json_t *v = json_object_get(claims, name);
	double d;

	if (!v)
		return 0;
	if (!json_is_number(v))
		return -1;
	d = json_number_value(v);
	if (!isfinite(d) || d < -9.0e15 || d > 9.0e15)
		return -1;
	/* floor() without libm: NumericDates may be fractional. */
	*out = (int64_t)d;
	if ((double)*out > d)
		(*out)--;
	return 1;
}

static int
lint_audience(struct lint *l, json_t *claims)
{
	const ks_lint_options *o = l->opts;
	json_t *aud = json_object_get(claims, "aud");
	char buf[128], want[128];
	const char *a;
	int error = 0;

	if (!aud) {
		REPORT(l, "aud-missing", "the claims have no aud");
		return 0;
	}
	if (json_is_array(aud)) {
		REPORT(l, "aud-array", "aud is an array; RFC 10070 and FAPI "
		    "2.0 require the issuer as a single string");
		return 0;
	}
	if (!json_is_string(aud)) {
		REPORT(l, "aud-missing", "aud is not a string");
		return 0;
	}
	a = json_string_value(aud);
	if (!o->issuer && !o->token_endpoint)
		return 0;
	if ((o->issuer && strcmp(a, o->issuer) == 0) ||
	    (o->token_endpoint && strcmp(a, o->token_endpoint) == 0))
		return 0;
	shown(o->issuer ? o->issuer : o->token_endpoint, want, sizeof(want));
	REPORT(l, "aud-mismatch", "aud is '%s', not %s '%s'",
	    shown(a, buf, sizeof(buf)), o->issuer ? "the issuer" :
	    "the token endpoint", want);
done:
	return error;
}

static int
lint_claims(struct lint *l, json_t *claims)
{
	const ks_lint_options *o = l->opts;
	json_t *iss = json_object_get(claims, "iss");
	json_t *sub = json_object_get(claims, "sub");
	json_t *jti = json_object_get(claims, "jti");
	int64_t exp = 0, iat = 0, nbf = 0;
	int has_exp, has_iat, has_nbf;
	int error = 0;

	if (!json_is_string(iss))
		REPORT(l, "iss-missing", "the claims have no iss (it must be "
		    "the client id)");
	if (!json_is_string(sub))
		REPORT(l, "sub-missing", "the claims have no sub (it must be "
		    "the client id)");
	if (json_is_string(iss) && json_is_string(sub) &&
	    !json_equal(iss, sub))
		REPORT(l, "iss-sub-mismatch", "iss and sub differ; both must "
		    "be the client id");
	if (o->client_id &&
	    ((json_is_string(iss) &&
	    strcmp(json_string_value(iss), o->client_id) != 0) ||
	    (json_is_string(sub) &&
	    strcmp(json_string_value(sub), o->client_id) != 0)))
		REPORT(l, "client-id-mismatch", "iss/sub are not the client "
		    "id '%s'", o->client_id);

	if ((error = lint_audience(l, claims)) < 0)
		goto done;

	has_exp = numeric_claim(&exp, claims, "exp");
	has_iat = numeric_claim(&iat, claims, "iat");
	has_nbf = numeric_claim(&nbf, claims, "nbf");
	if (has_exp <= 0) {
		REPORT(l, "exp-missing", has_exp == 0 ?
		    "the claims have no exp" : "exp is not a NumericDate");
	} else if (exp <= l->now) {
		REPORT(l, "exp-past", "exp is %lld s in the past",
		    (long long)(l->now - exp));
	} else if (exp - l->now > o->max_lifetime + o->skew) {
		REPORT(l, "exp-too-far", "exp is %lld s ahead; the limit is "
		    "%lld s", (long long)(exp - l->now),
		    (long long)o->max_lifetime);
	} else if (has_iat > 0 && exp - iat > o->max_lifetime) {
		REPORT(l, "exp-too-far", "the lifetime exp - iat is %lld s; "
		    "the limit is %lld s", (long long)(exp - iat),
		    (long long)o->max_lifetime);
	}
	if (has_iat < 0)
		REPORT(l, "iat-invalid", "iat is not a NumericDate");
	else if (has_iat > 0 && iat > l->now + o->skew)
		REPORT(l, "iat-future", "iat is %lld s in the future (allowed: "
		    "%lld s)", (long long)(iat - l->now), (long long)o->skew);
	if (has_nbf < 0)
		REPORT(l, "nbf-invalid", "nbf is not a NumericDate");
	else if (has_nbf > 0 && nbf > l->now + o->skew)
		REPORT(l, "nbf-future", "nbf is %lld s in the future (allowed: "
		    "%lld s)", (long long)(nbf - l->now), (long long)o->skew);
	if (!json_is_string(jti) || !*json_string_value(jti))
		REPORT(l, "jti-missing", "the claims have no jti; OIDC Core "
		    "requires one for replay detection");
done:
	return error;
}

static json_t *
load_object(const ks_str *s)
{
	json_t *v = json_loadb(s->ptr, s->len, JSON_REJECT_DUPLICATES, NULL);

	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

int
ks_assertion_lint(size_t *problems_out, const char *assertion, size_t len,
    const ks_jwks *jwks, const ks_lint_options *opts, ks_lint_cb cb,
    void *payload)
{
	struct ks_jws jws = KS_JWS_INIT;
	struct lint l;
	json_t *hdr = NULL, *claims = NULL;
	ks_jose_alg alg;
	const char *kid;
	int error = 0;

	KS_ASSERT_ARG(assertion);
	KS_ASSERT_ARG(jwks);
	KS_ASSERT_ARG(opts);
	if (problems_out)
		*problems_out = 0;
	if (opts->version != KS_LINT_OPTIONS_VERSION || opts->skew < 0 ||
	    opts->max_lifetime < 1) {
		ks_error_set(KS_ERROR_INVALID, "invalid lint options");
		return KS_EINVALID;
	}
	l.cb = cb;
	l.payload = payload;
	l.count = 0;
	l.opts = opts;
	l.now = opts->now ? opts->now : (int64_t)time(NULL);

	if (ks_jws__parse(&jws, assertion, len) < 0) {
		const ks_error *e = ks_error_last();

		REPORT(&l, "malformed", "%s", e ? e->message : "not a JWS");
		goto done;
	}
	if ((hdr = load_object(&jws.header)) == NULL) {
		REPORT(&l, "malformed", "the JWS header is not a JSON object");
		goto done;
	}
	if ((claims = load_object(&jws.payload)) == NULL) {
		REPORT(&l, "malformed", "the payload is not a JSON claims set");
		goto done;
	}
	if ((error = lint_header(&l, hdr, &alg, &kid)) < 0)
		goto done;
	if (alg != KS_JOSE_ALG_UNKNOWN &&
	    (error = lint_signature(&l, &jws, alg, kid, jwks)) < 0)
		goto done;
	error = lint_claims(&l, claims);
done:
	if (problems_out)
		*problems_out = l.count;
	json_decref(hdr);
	json_decref(claims);
	ks_jws__dispose(&jws);
	return error;
}
