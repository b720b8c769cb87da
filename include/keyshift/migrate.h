/*
 * keyshift/migrate.h - moving an OAuth client from a secret to
 * private_key_jwt: discovery, registration, verification, configuration
 *
 * The network half of the migration (the JOSE half is <keyshift/jose.h>).
 * A ks_migrate_ctx owns one HTTP handle and is used by one thread at a
 * time. Every call that talks to an authorization server reports each
 * HTTP exchange to the context's log callback as a step ("GET URL ->
 * 200"), never with a header value, a body, a token, a secret or an
 * assertion in it; the journal (keyshift migrate) records those steps.
 *
 * Secrets handed in (registration access tokens, old client secrets) are
 * borrowed and never copied into messages; secrets handed out
 * (ks_register_result.new_token) are wiped by their dispose function.
 */
#ifndef KS_KEYSHIFT_MIGRATE_H
#define KS_KEYSHIFT_MIGRATE_H

#include <keyshift/common.h>
#include <keyshift/error.h>
#include <keyshift/jose.h>

KS_BEGIN_DECL

typedef struct ks_migrate_ctx ks_migrate_ctx;

/** Log levels of ks_migrate_log_cb. */
typedef enum {
	KS_MLOG_INFO = 0,  /**< progress a person wants to see */
	KS_MLOG_WARN,      /**< something to act on (clock skew, legacy aud) */
	KS_MLOG_STEP,      /**< one HTTP exchange: "METHOD URL -> STATUS" */
	KS_MLOG_TRACE,     /**< redacted protocol trace (opt-in) */
	KS_MLOG_REQUEST    /**< a dry-run request, printed in full (redacted) */
} ks_mlog_level;

/** `message` is borrowed for the call and never holds secret material. */
typedef void (*ks_migrate_log_cb)(ks_mlog_level level, const char *message,
    void *payload);

typedef struct {
	unsigned version;
	/** Test-only: allow plain http to 127.0.0.0/8, ::1, localhost. */
	bool allow_http_loopback;
	bool trace;              /**< emit KS_MLOG_TRACE lines */
	long timeout_ms;         /**< per request; 0: 30 s */
	int64_t max_skew;        /**< warn above this many seconds; 0: 5 */
	ks_migrate_log_cb log;
	void *log_payload;
} ks_migrate_options;

#define KS_MIGRATE_OPTIONS_VERSION 1
#define KS_MIGRATE_OPTIONS_INIT \
	{ KS_MIGRATE_OPTIONS_VERSION, false, false, 0, 0, NULL, NULL }

/** Create a context with its own HTTP handle; free with _ctx_free(). */
KS_EXTERN(int) ks_migrate_ctx_new(ks_migrate_ctx **out,
    const ks_migrate_options *opts) KS_WARN_UNUSED;
/** NULL is a harmless no-op. */
KS_EXTERN(void) ks_migrate_ctx_free(ks_migrate_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Discovery (RFC 8414, OpenID Connect Discovery 1.0)                 */

/** Authorization server metadata; strings owned by the record. */
typedef struct {
	char *issuer;                 /**< equal to the configured issuer */
	char *token_endpoint;
	char *registration_endpoint;  /**< or NULL */
	char *jwks_uri;               /**< or NULL */
	char *metadata_url;           /**< the document that was used */
	char **auth_methods;          /**< token_endpoint_auth_methods_supported */
	size_t n_auth_methods;
	bool auth_methods_defaulted;  /**< absent: client_secret_basic only */
	char **signing_algs;  /**< token_endpoint_auth_signing_alg_values_supported */
	size_t n_signing_algs;
	bool have_date;               /**< the server sent a Date header */
	int64_t skew;                 /**< server clock minus ours, seconds */
} ks_as_metadata;

/**
 * Fetch the metadata of `issuer`: RFC 8414 first (well-known path
 * inserted before the issuer's path), then OpenID Discovery (appended).
 * The returned `issuer` must equal the configured one exactly (RFC 8414
 * §3.3), or the metadata is refused. Warns (KS_MLOG_WARN) when the clock
 * skew measured from the Date header is above max_skew.
 * @return 0; KS_EINVALID (bad document, issuer mismatch, no token
 *         endpoint); KS_ENOTFOUND (neither document); KS_ENET.
 */
KS_EXTERN(int) ks_discover(ks_as_metadata *out, ks_migrate_ctx *ctx,
    const char *issuer) KS_WARN_UNUSED;

/** Free the strings of a metadata record (not the struct). */
KS_EXTERN(void) ks_as_metadata_dispose(ks_as_metadata *meta);

/** Whether the server lists `method` (defaults applied). */
KS_EXTERN(bool) ks_as_metadata_has_method(const ks_as_metadata *meta,
    const char *method);

/**
 * Choose the algorithm to sign with: the key's own if the server lists it
 * (for Ed25519, the spelling it lists: EdDSA or Ed25519).
 * @return 0; KS_EINVALID when the server lists none that fits the key.
 */
KS_EXTERN(int) ks_as_metadata_pick_alg(ks_jose_alg *out,
    const ks_as_metadata *meta, const ks_key *key) KS_WARN_UNUSED;

/* ------------------------------------------------------------------ */
/* Verification: a real client_credentials request                    */

typedef enum {
	KS_PROBE_NOT_RUN = 0,
	KS_PROBE_REJECTED,   /**< the server refused (what we want for probes) */
	KS_PROBE_ACCEPTED,   /**< the server issued a token */
	KS_PROBE_ERROR       /**< no answer, or not an OAuth answer */
} ks_probe;

/** "not run", "rejected", "accepted", "error". Static. */
KS_EXTERN(const char *) ks_probe_name(ks_probe p);

typedef struct {
	unsigned version;
	const char *client_id;
	const ks_key *key;        /**< the new private key */
	const char *old_secret;   /**< prove it dead; NULL: skip */
	const char *scope;        /**< or NULL */
	bool probes;              /**< replayed jti, unknown kid, expired */
	int64_t lifetime;         /**< assertion lifetime; 0: 60 s */
} ks_verify_options;

#define KS_VERIFY_OPTIONS_VERSION 1
#define KS_VERIFY_OPTIONS_INIT \
	{ KS_VERIFY_OPTIONS_VERSION, NULL, NULL, NULL, NULL, false, 0 }

typedef struct {
	bool token;                /**< an access token was issued */
	ks_jose_alg alg;           /**< what was signed with */
	long status;               /**< of the first token request */
	char error[64];            /**< OAuth "error" of a refusal */
	char error_description[256];
	ks_probe aud_issuer;       /**< aud = issuer (RFC 10070) */
	ks_probe aud_token_endpoint; /**< aud = token endpoint (legacy) */
	ks_probe old_basic;        /**< old secret, client_secret_basic */
	ks_probe old_post;         /**< old secret, client_secret_post */
	ks_probe replay;           /**< the same assertion twice */
	ks_probe unknown_kid;
	ks_probe expired;
	size_t lint_problems;      /**< self-diagnosis of the assertion */
	int64_t expires_in;        /**< of the access token, if given */
	char token_type[32];
} ks_verify_result;

/**
 * Request a token with a fresh assertion (aud = the issuer, typ
 * client-authentication+jwt) and no secret. On refusal, try aud = token
 * endpoint, and lint the assertion against the metadata (problems go to
 * the log as warnings). Then, if asked, prove the old secret dead and
 * run the negative probes. A new assertion is signed for every request;
 * the access token itself is never kept.
 * @return 0 when the checks ran (read `out->token`); KS_EINVALID;
 *         KS_ENET.
 */
KS_EXTERN(int) ks_migrate_verify(ks_verify_result *out, ks_migrate_ctx *ctx,
    const ks_as_metadata *meta, const ks_verify_options *opts)
    KS_WARN_UNUSED;

/* ------------------------------------------------------------------ */
/* Registration: RFC 7592 management, RFC 7591 registration           */

typedef struct {
	unsigned version;
	const char *client_id;
	const char *registration_uri;  /**< RFC 7592 client configuration URI */
	const char *token;             /**< registration access token (secret) */
	const ks_jwks *jwks;           /**< inline keys, or */
	const char *jwks_uri;          /**< a hosted JWK Set (never both) */
	ks_jose_alg alg;               /**< token_endpoint_auth_signing_alg;
					    0: leave unset */
	bool dry_run;                  /**< GET only; print the PUT */
	/* RFC 7591 only */
	const char *client_name;
	const char *scope;
	/** with alg 0: remove a pinned token_endpoint_auth_signing_alg
	 *  (rotation between algorithms: both keys must verify) */
	bool clear_alg;
} ks_register_options;

#define KS_REGISTER_OPTIONS_VERSION 1
#define KS_REGISTER_OPTIONS_INIT \
	{ KS_REGISTER_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, \
	  KS_JOSE_ALG_UNKNOWN, false, NULL, NULL, false }

typedef struct {
	char *client_id;
	char *registration_client_uri;  /**< or NULL */
	char *new_token;   /**< a rotated or new registration access token,
			        or NULL; secret: wiped by dispose */
	char *previous_method;          /**< token_endpoint_auth_method before */
	char *kids;                     /**< kids now registered, ", "-joined */
	bool changed;                   /**< false: nothing needed changing */
} ks_register_result;

/** Wipe the token and free the strings (not the struct). */
KS_EXTERN(void) ks_register_result_dispose(ks_register_result *res);

/**
 * RFC 7592: GET the client's metadata, then PUT the full record with
 * token_endpoint_auth_method = private_key_jwt and `jwks` (or
 * `jwks_uri`), every other field kept, the read-only fields
 * (registration_access_token, registration_client_uri,
 * client_secret_expires_at, client_id_issued_at) and client_secret left
 * out. Idempotent: when the record already says private_key_jwt with
 * exactly these keys, nothing is sent. The server may rotate the
 * registration access token: the new one is in `out->new_token`, and the
 * caller must persist it before doing anything else.
 * @return 0; KS_EAUTH (401/403); KS_EINVALID (refused metadata, bad
 *         response); KS_ENET.
 */
KS_EXTERN(int) ks_migrate_register(ks_register_result *out,
    ks_migrate_ctx *ctx, const ks_register_options *opts) KS_WARN_UNUSED;

/**
 * RFC 7591: register a new client (client_credentials,
 * private_key_jwt, the given keys) at `registration_uri` (the server's
 * registration_endpoint) with `token` as the initial access token (or
 * NULL for open registration).
 * @return 0; KS_EAUTH; KS_EINVALID; KS_ENET.
 */
KS_EXTERN(int) ks_migrate_register_new(ks_register_result *out,
    ks_migrate_ctx *ctx, const ks_register_options *opts) KS_WARN_UNUSED;

/* ------------------------------------------------------------------ */
/* Vendor adapters (admin APIs)                                       */

/** What an adapter needs; strings borrowed. */
typedef struct {
	unsigned version;
	const char *admin_url;     /**< API base, e.g. https://kc.example */
	const char *admin_token;   /**< bearer / SSWS token (secret) */
	const char *realm;         /**< Keycloak realm */
	const char *app_id;        /**< Okta app id, Entra application object id */
	const char *client_id;
	const ks_key *key;         /**< the new public key (cert for Entra) */
	const char *jwks_uri;      /**< Keycloak / Okta: hosted keys */
	bool dry_run;              /**< print the requests, send nothing */
} ks_provider_request;

#define KS_PROVIDER_REQUEST_VERSION 1
#define KS_PROVIDER_REQUEST_INIT \
	{ KS_PROVIDER_REQUEST_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, \
	  NULL, false }

/**
 * A provider adapter. `update_client` registers the key and switches the
 * client to private_key_jwt through the vendor's admin API.
 */
struct ks_provider_ops {
	const char *name;          /**< "keycloak", "okta", "auth0", "entra" */
	const char *summary;
	int (*update_client)(ks_migrate_ctx *ctx,
	    const ks_provider_request *req);
};

/** The adapter named `name`, or NULL. Static. */
KS_EXTERN(const struct ks_provider_ops *) ks_provider_lookup(
    const char *name);

/** The i-th adapter, NULL past the end. */
KS_EXTERN(const struct ks_provider_ops *) ks_provider_get(size_t i);

/* ------------------------------------------------------------------ */
/* Client configuration                                               */

/** What the emitted configuration describes; strings borrowed. */
typedef struct {
	unsigned version;
	const char *issuer;
	const char *token_endpoint;
	const char *client_id;
	const char *key_path;      /**< where the private key lives */
	const ks_key *key;         /**< its public half: kid, alg */
	ks_jose_alg alg;
	const char *scope;         /**< or NULL */
	const char *audience;      /**< aud; NULL: the issuer (RFC 10070) */
} ks_client_config;

#define KS_CLIENT_CONFIG_VERSION 1
#define KS_CLIENT_CONFIG_INIT \
	{ KS_CLIENT_CONFIG_VERSION, NULL, NULL, NULL, NULL, NULL, \
	  KS_JOSE_ALG_UNKNOWN, NULL, NULL }

/**
 * Write the configurations that replace the secret into the directory
 * `dir` (created 0700): keyshift.env and curl.sh, spring-application.yml
 * and SpringPrivateKeyJwt.java, openid-client.mjs, authlib_client.py,
 * msal_client_assertion.cs, tokensource.go. Files that exist are
 * replaced. Nothing written holds key material, only the key's path.
 * @param names_out if not NULL, receives the file names, one per line
 * @return 0; KS_ERROR (class OS).
 */
KS_EXTERN(int) ks_client_config_write(const char *dir,
    const ks_client_config *cfg, ks_buf *names_out) KS_WARN_UNUSED;

/**
 * A unified diff (`diff -u` shape, a/ b/ prefixes, three lines of
 * context) that replaces the bytes [start, end) of the file at `path`
 * with `replacement`; the caller names the bytes from the finding's
 * occurrence. The diff is for people to read: in its "-" line the old
 * secret is masked ("****"), so it is never printed — which also means
 * it does not apply with patch(1); ks_secret_patch_apply() applies it.
 * @return 0; KS_EINVALID (offsets beyond the file or across a NUL);
 *         KS_ERROR.
 */
KS_EXTERN(int) ks_secret_patch(ks_buf *out, const char *path,
    const char *display_path, uint64_t start, uint64_t end,
    const char *replacement) KS_WARN_UNUSED;

/**
 * Apply the same replacement to the file in place (atomic rename; the
 * mode is kept). @return 0; KS_EINVALID; KS_ERROR.
 */
KS_EXTERN(int) ks_secret_patch_apply(const char *path, uint64_t start,
    uint64_t end, const char *replacement) KS_WARN_UNUSED;

KS_END_DECL
#endif
