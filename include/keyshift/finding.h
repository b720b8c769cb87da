/*
 * keyshift/finding.h - occurrences of secrets and scan diagnostics
 *
 * A finding is one distinct secret found by one rule family, wherever it
 * appeared; it is named by its fingerprint. An occurrence is one place it
 * appeared. These plain records are what scans hand back and what reports
 * render; every string is owned by the record (or its container) and may
 * hold any bytes: renderers escape them.
 */
#ifndef KS_KEYSHIFT_FINDING_H
#define KS_KEYSHIFT_FINDING_H

#include <keyshift/common.h>

KS_BEGIN_DECL

/** Hex digits in a fingerprint (128 bits). */
#define KS_FINGERPRINT_HEXLEN 32

typedef struct ks_occurrence {
	char *rule_id;
	char *rule_name;
	char *category;          /* "private-key", "oauth-client-secret", ... */
	char *confidence;        /* "low", "medium", "high" */
	/** Depends on the rule family and the secret only: stable across
	 * lines, files, repositories and machines. */
	char fingerprint[KS_FINGERPRINT_HEXLEN + 1];
	char *secret_preview;    /* first 4 characters + length: "GOCS…(35)" */
	char *secret;            /* plaintext, only with show_secrets; else NULL */
	char *source;            /* "fs", "stdin", later "git", "staged", ... */
	char *path;              /* display path of the input */
	char *blob_id;           /* git blob id (hex) of the input's content */
	uint32_t line, column;   /* 1-based, of the secret's first byte */
	uint32_t end_line, end_column; /* 1-based, of the secret's last byte */
	uint64_t start, end;     /* byte offsets of the secret, [start, end) */
	char *snippet;           /* the matched context, secret masked */
	char *client_id;         /* OAuth client id found with it, or NULL */
	char *issuer;            /* issuer / token endpoint, or NULL */
	/* git provenance (NULL for other sources) */
	char *commit;
	char *author;
	char *date;
	/* inventory state (reports over the store; NULL in a bare scan) */
	char *status;            /* "open", "false-positive", ... */
	char *provider;          /* identity provider, when known */
	char *key_info;          /* private keys: "EC P-256", "RSA 2048", ... */
	char *extra_json;        /* NULL or a JSON object with more context */
	/* the finding's last triage change (reports over the store; NULL and
	 * 0 when it was never triaged) */
	char *status_reason;
	char *status_user;
	int64_t status_time;     /* unix time */
} ks_occurrence;

typedef struct ks_diagnostic {
	char *source;            /* as in ks_occurrence */
	char *path;
	/** "binary", "too-large", "unreadable", "symlink", "limit", ... */
	char *kind;
	char *message;
} ks_diagnostic;

/** Free the strings of an occurrence (wiping `secret`); not the struct. */
KS_EXTERN(void) ks_occurrence_dispose(ks_occurrence *occ);
KS_EXTERN(void) ks_diagnostic_dispose(ks_diagnostic *diag);

KS_END_DECL
#endif
