/*
 * store/store_clients.c - OAuth clients found by scans
 *
 * Two statements per client secret: an upsert of the client (which keeps
 * the first run, moves the last one, and fills a provider or public flag
 * learnt later) and an upsert of the location. They run once per client
 * secret, so they are prepared per call rather than cached.
 */
#include "store_clients.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "store_internal.h"
#include "store_write.h"

#define GENERIC_RULE "ks.oauth.client-secret.assignment"

/* A string member of the scanner's flat extra_json, or "". */
static void
extra_str(char *out, size_t cap, const char *json, const char *key)
{
	char pat[64];
	const char *p, *e;

	out[0] = '\0';
	snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (!json || (p = strstr(json, pat)) == NULL)
		return;
	p += strlen(pat);
	for (e = p; *e && *e != '"'; e++)
		if (*e == '\\' && e[1])
			e++;
	if ((size_t)(e - p) >= cap)
		return;
	memcpy(out, p, (size_t)(e - p));
	out[e - p] = '\0';
}

/* The generic rule's occurrence where a specific rule found the same. */
static bool
shadowed(const ks_occurrence *occs, size_t n, size_t i)
{
	size_t j;

	if (strncmp(occs[i].rule_id, GENERIC_RULE, strlen(GENERIC_RULE)) != 0)
		return false;
	for (j = 0; j < n; j++)
		if (j != i && strcmp(occs[j].category, "oauth-client-secret") ==
		    0 && strncmp(occs[j].rule_id, GENERIC_RULE,
		    strlen(GENERIC_RULE)) != 0 && occs[j].start < occs[i].end &&
		    occs[i].start < occs[j].end && strcmp(occs[j].path,
		    occs[i].path) == 0)
			return true;
	return false;
}

static int
put_one(ks_store *s, int64_t run, const ks_occurrence *o)
{
	sqlite3_stmt *up = NULL, *loc = NULL;
	char kp[512], type[16];
	sqlite3_int64 id;
	int error;

	extra_str(kp, sizeof(kp), o->extra_json, "key_path");
	extra_str(type, sizeof(type), o->extra_json, "client_type");
	if ((error = ks_store__prepare(s, &up, "INSERT INTO oauth_client "
	    "(provider, issuer, client_id, fingerprint, public_client, rule_id,"
	    " first_run, last_run) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
	    "ON CONFLICT (fingerprint, issuer, client_id) DO UPDATE SET "
	    "last_run = excluded.last_run, "
	    "provider = CASE WHEN provider = '' THEN excluded.provider "
	    "ELSE provider END, "
	    "public_client = max(public_client, excluded.public_client) "
	    "RETURNING id")) < 0)
		goto done;
	if (ks_store__bind_text(up, 1, o->provider ? o->provider : "") ||
	    ks_store__bind_text(up, 2, o->issuer ? o->issuer : "") ||
	    ks_store__bind_text(up, 3, o->client_id ? o->client_id : "") ||
	    ks_store__bind_text(up, 4, o->fingerprint) ||
	    sqlite3_bind_int(up, 5, strcmp(type, "public") == 0) ||
	    ks_store__bind_text(up, 6, o->rule_id) ||
	    sqlite3_bind_int64(up, 7, run)) {
		error = ks_store__sqlite_error(s, SQLITE_ERROR,
		    "cannot bind an OAuth client");
		goto done;
	}
	if ((error = sqlite3_step(up)) != SQLITE_ROW) {
		error = ks_store__sqlite_error(s, error,
		    "cannot record an OAuth client");
		goto done;
	}
	id = sqlite3_column_int64(up, 0);
	if ((error = ks_store__prepare(s, &loc, "INSERT INTO "
	    "oauth_client_location (client, source, path, commit_id, line, "
	    "key_path, first_run, last_run) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?7) ON CONFLICT (client, source, path, commit_id, line) "
	    "DO UPDATE SET last_run = excluded.last_run, "
	    "key_path = excluded.key_path")) < 0)
		goto done;
	if (sqlite3_bind_int64(loc, 1, id) ||
	    ks_store__bind_text(loc, 2, o->source) ||
	    ks_store__bind_bytes(loc, 3, o->path) ||
	    ks_store__bind_text(loc, 4, o->commit ? o->commit : "") ||
	    sqlite3_bind_int64(loc, 5, o->line ? o->line : 1) ||
	    ks_store__bind_text(loc, 6, kp) ||
	    sqlite3_bind_int64(loc, 7, run)) {
		error = ks_store__sqlite_error(s, SQLITE_ERROR,
		    "cannot bind an OAuth client location");
		goto done;
	}
	error = ks_store__step_done(s, loc,
	    "cannot record an OAuth client location");
done:
	sqlite3_finalize(up);
	sqlite3_finalize(loc);
	return error < 0 ? error : 0;
}

int
ks_store_put_oauth_clients(ks_store *s, int64_t run_id,
    const ks_occurrence *occs, size_t n)
{
	size_t i;
	int error;

	for (i = 0; i < n; i++) {
		if (!occs[i].category || strcmp(occs[i].category,
		    "oauth-client-secret") != 0 || shadowed(occs, n, i))
			continue;
		if ((error = put_one(s, run_id, &occs[i])) < 0)
			return error;
	}
	return 0;
}
