/*
 * store/store.c - opening the datastore, migrations, counts and triage
 *
 * Opening does, in order: create the file ourselves (O_CREAT|O_EXCL, mode
 * 0600, parents 0700) so SQLite never creates it with the umask's mode;
 * open it with SQLite (which gives -wal and -shm the main file's mode);
 * probe that it is a SQLite database at all; set the connection pragmas
 * (WAL, synchronous=NORMAL, foreign keys, busy timeout, secure_delete);
 * migrate the schema forward in one IMMEDIATE transaction, generating the
 * per-store HMAC key on creation; and load that key.
 *
 * The schema version is PRAGMA user_version: entry i of
 * ks_store__migrations[] (store/schema/NNNN_*.sql) takes version i to
 * i + 1. A version above the newest script is refused with KS_EVERSION,
 * so an old keyshift never writes into a store it does not understand.
 */
#include <keyshift/store.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include <keyshift/inventory.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "fileio.h"
#include "hash.h"
#include "schema.h"
#include "secret.h"
#include "store_internal.h"
#include "str.h"

/* Indexed by enum ks_store__stmt. */
static const char *const stmt_sql[KS_STMT__COUNT] = {
	[KS_STMT_RUN_BEGIN] =
	    "INSERT INTO scan_run (started_at, status, command, targets, "
	    "options, keyshift_version) VALUES (?1, 'running', ?2, ?3, ?4, ?5)",
	[KS_STMT_RUN_FINISH] =
	    "UPDATE scan_run SET finished_at = ?2, status = ?3, stats = ?4 "
	    "WHERE id = ?1",
	[KS_STMT_RULE_PUT] =
	    "INSERT INTO rule (rule_id, name, category, confidence, family, "
	    "structural_id, pattern) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
	    "ON CONFLICT (rule_id) DO UPDATE SET name = excluded.name, "
	    "category = excluded.category, confidence = excluded.confidence, "
	    "family = excluded.family, structural_id = excluded.structural_id, "
	    "pattern = excluded.pattern",
	[KS_STMT_RULE_GET] =
	    "SELECT id FROM rule WHERE rule_id = ?1",
	[KS_STMT_BLOB_PUT] =
	    "INSERT INTO blob (blob_id, size) VALUES (?1, ?2) "
	    "ON CONFLICT (blob_id) DO UPDATE SET size = excluded.size "
	    "WHERE blob.size IS NULL",
	[KS_STMT_BLOB_ENSURE] =
	    "INSERT INTO blob (blob_id) VALUES (?1) "
	    "ON CONFLICT (blob_id) DO NOTHING",
	[KS_STMT_PROVENANCE_PUT] =
	    "INSERT INTO blob_provenance (blob, source, path, repo, commit_id, "
	    "extra, first_run, last_run) VALUES ((SELECT id FROM blob WHERE "
	    "blob_id = ?1), ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
	    "ON CONFLICT (blob, source, coalesce(repo, ''), "
	    "coalesce(commit_id, ''), path) DO UPDATE SET "
	    "last_run = max(last_run, excluded.last_run), "
	    "extra = coalesce(excluded.extra, extra)",
	[KS_STMT_SNIPPET_GET] =
	    "SELECT id FROM snippet WHERE snippet = ?1",
	[KS_STMT_SNIPPET_PUT] =
	    "INSERT INTO snippet (snippet) VALUES (?1)",
	[KS_STMT_FINDING_PUT] =
	    "INSERT INTO finding (fingerprint, family, rule, category, "
	    "secret_hmac, secret_preview, secret_plaintext, client_id, issuer, "
	    "first_run, last_run) SELECT ?1, r.family, r.id, r.category, ?3, "
	    "?4, ?5, ?6, ?7, ?8, ?8 FROM rule r WHERE r.id = ?2 "
	    "ON CONFLICT (fingerprint) DO UPDATE SET "
	    "last_run = max(last_run, excluded.last_run), "
	    "secret_plaintext = coalesce(secret_plaintext, "
	    "excluded.secret_plaintext), "
	    "client_id = coalesce(client_id, excluded.client_id), "
	    "issuer = coalesce(issuer, excluded.issuer) "
	    "RETURNING id",
	[KS_STMT_OCCURRENCE_PUT] =
	    "INSERT INTO occurrence (finding, rule, blob, source, path, "
	    "start_byte, end_byte, start_line, start_column, end_line, "
	    "end_column, snippet, client_id, issuer, commit_id, author, date, "
	    "first_run, last_run) VALUES (?1, ?2, (SELECT id FROM blob WHERE "
	    "blob_id = ?3), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
	    "?15, ?16, ?17, ?18, ?18) "
	    "ON CONFLICT (finding, blob, path, start_byte, end_byte) DO UPDATE "
	    "SET last_run = max(last_run, excluded.last_run)",
	[KS_STMT_DIAGNOSTIC_PUT] =
	    "INSERT INTO scan_diagnostic (run, source, path, kind, message) "
	    "VALUES (?1, ?2, ?3, ?4, ?5)",
	[KS_STMT_FINDING_RESOLVE] =
	    "SELECT fingerprint FROM finding WHERE fingerprint GLOB ?1 "
	    "ORDER BY fingerprint LIMIT 2",
	[KS_STMT_STATUS_SET] =
	    "UPDATE finding SET status = ?2, status_reason = ?3, "
	    "status_user = ?4, status_time = ?5 WHERE fingerprint = ?1",
	[KS_STMT_STATUS_EVENT] =
	    "INSERT INTO finding_status_event (fingerprint, status, reason, "
	    "user, at) VALUES (?1, ?2, ?3, ?4, ?5)",
};

/* ---- helpers shared by the store's files ---- */

int
ks_store__sqlite_error(ks_store *s, int rc, const char *what)
{
	const char *msg = s && s->db ? sqlite3_errmsg(s->db)
	    : sqlite3_errstr(rc);

	ks_error_set(KS_ERROR_SQLITE, "%s: %s", what, msg);
	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return KS_ENOMEM;
	case SQLITE_CONSTRAINT:
	case SQLITE_NOTADB:
	case SQLITE_MISMATCH:
	case SQLITE_RANGE:
		return KS_EINVALID;
	default:
		return KS_ERROR;
	}
}

sqlite3_stmt *
ks_store__stmt(ks_store *s, enum ks_store__stmt which)
{
	int rc;

	if (s->stmts[which])
		return s->stmts[which];
	rc = sqlite3_prepare_v3(s->db, stmt_sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->stmts[which], NULL);
	if (rc != SQLITE_OK) {
		(void)ks_store__sqlite_error(s, rc,
		    "cannot prepare a statement");
		s->stmts[which] = NULL;
	}
	return s->stmts[which];
}

int
ks_store__prepare(ks_store *s, sqlite3_stmt **out, const char *sql)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);

	return rc == SQLITE_OK ? 0
	    : ks_store__sqlite_error(s, rc, "cannot query the datastore");
}

int
ks_store__step_done(ks_store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st), error = 0;

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		error = ks_store__sqlite_error(s, rc, what);
	sqlite3_reset(st);
	return error;
}

int
ks_store__exec(ks_store *s, const char *sql, const char *what)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	return rc == SQLITE_OK ? 0 : ks_store__sqlite_error(s, rc, what);
}

int
ks_store__bind_text(sqlite3_stmt *st, int idx, const char *v)
{
	return v ? sqlite3_bind_text(st, idx, v, -1, SQLITE_STATIC)
		 : sqlite3_bind_null(st, idx);
}

int
ks_store__bind_bytes(sqlite3_stmt *st, int idx, const char *v)
{
	return v ? sqlite3_bind_blob(st, idx, v, (int)strlen(v), SQLITE_STATIC)
		 : sqlite3_bind_null(st, idx);
}

int64_t
ks_store__now(void)
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (e && *e) {
		errno = 0;
		v = strtoll(e, &end, 10);
		if (errno == 0 && *end == '\0' && v >= 0)
			return (int64_t)v;
	}
	return (int64_t)time(NULL);
}

sqlite3 *
ks_store__db(ks_store *s)
{
	return s ? s->db : NULL;
}

int
ks_store__fingerprint_arg(char *out, const char *in, size_t min)
{
	size_t i, n = in ? strlen(in) : 0;

	if (n < min || n > KS_FINGERPRINT_HEXLEN)
		goto bad;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)in[i]))
			goto bad;
		out[i] = (char)tolower((unsigned char)in[i]);
	}
	out[n] = '\0';
	return 0;
bad:
	ks_error_set(KS_ERROR_INVALID, "not a fingerprint (%zu to %d hex "
	    "digits): '%.40s'", min, KS_FINGERPRINT_HEXLEN, in ? in : "");
	return KS_EINVALID;
}

/* ---- creating the file ---- */

static int
parent_dir(ks_str *out, const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return 0;
	return ks_str_put(out, path, (size_t)(slash - path));
}

/*
 * Make sure `path` exists as a regular file of mode 0600 (creating it and
 * its parents when allowed), so SQLite never creates it with the umask's
 * mode. Existing files with group or other bits are tightened.
 */
static int
prepare_file(const char *path, const ks_store_options *o)
{
	ks_str dir = KS_STR_INIT;
	struct stat st;
	int fd, error = 0;

	if (lstat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			ks_error_set(KS_ERROR_STORE, "datastore '%s' is not a "
			    "regular file", path);
			return KS_EINVALID;
		}
		if ((st.st_mode & 077) && !o->read_only &&
		    chmod(path, st.st_mode & 0700) < 0) {
			ks_error_set_os("cannot restrict the mode of '%s'",
			    path);
			return KS_ERROR;
		}
		return 0;
	}
	if (errno != ENOENT) {
		ks_error_set_os("cannot stat datastore '%s'", path);
		return KS_ERROR;
	}
	if (o->read_only || o->no_create) {
		ks_error_set(KS_ERROR_STORE, "datastore '%s' does not exist",
		    path);
		return KS_ENOTFOUND;
	}
	if ((error = parent_dir(&dir, path)) < 0)
		goto done;
	if (dir.len && (error = ks_mkdir_p(dir.ptr, 0700)) < 0)
		goto done;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0 && errno != EEXIST) {
		ks_error_set_os("cannot create datastore '%s'", path);
		error = KS_ERROR;
		goto done;
	}
	if (fd >= 0)
		close(fd);
done:
	ks_str_dispose(&dir);
	return error;
}

/* SQLite gives -wal and -shm the main file's mode; tighten leftovers. */
static int
tighten_sidecars(const char *path)
{
	static const char *const suffix[] = { "-wal", "-shm", "-journal" };
	ks_str p = KS_STR_INIT;
	struct stat st;
	size_t i;
	int error = 0;

	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		ks_str_clear(&p);
		if ((error = ks_str_printf(&p, "%s%s", path, suffix[i])) < 0)
			break;
		if (lstat(p.ptr, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 077) && chmod(p.ptr, st.st_mode & 0700) < 0) {
			ks_error_set_os("cannot restrict the mode of '%s'",
			    p.ptr);
			error = KS_ERROR;
			break;
		}
	}
	ks_str_dispose(&p);
	return error;
}

/* ---- migrations and the key ---- */

static int
query_int(ks_store *s, const char *sql, int64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	if ((error = ks_store__prepare(s, &st, sql)) < 0)
		goto done;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		error = ks_store__sqlite_error(s, rc,
		    "cannot query the datastore");
		goto done;
	}
	*out = sqlite3_column_int64(st, 0);
done:
	sqlite3_finalize(st);
	return error;
}

static int
meta_put(ks_store *s, const char *key, const void *blob, size_t n,
    const char *text)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	if ((error = ks_store__prepare(s, &st,
	    "INSERT INTO meta (key, value) VALUES (?1, ?2)")) < 0)
		goto done;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (blob)
		sqlite3_bind_blob(st, 2, blob, (int)n, SQLITE_STATIC);
	else
		sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot initialise the datastore");
	sqlite3_clear_bindings(st);
done:
	sqlite3_finalize(st);
	return error;
}

/* A new store's identity: its HMAC key, an id and when it was made. */
static int
init_meta(ks_store *s)
{
	uint8_t key[KS_STORE_KEY_LEN], id[16];
	char id_hex[sizeof(id) * 2 + 1], created[32];
	int error;

	if ((error = ks_random_bytes(key, sizeof(key))) < 0 ||
	    (error = ks_random_bytes(id, sizeof(id))) < 0)
		goto done;
	ks_hex_encode(id_hex, id, sizeof(id));
	snprintf(created, sizeof(created), "%lld", (long long)ks_store__now());
	if ((error = meta_put(s, "hmac_key", key, sizeof(key), NULL)) < 0 ||
	    (error = meta_put(s, "store_id", NULL, 0, id_hex)) < 0 ||
	    (error = meta_put(s, "created_at", NULL, 0, created)) < 0)
		goto done;
done:
	ks_wipe(key, sizeof(key));
	return error;
}

static int
apply_migrations(ks_store *s, int64_t from)
{
	const int64_t latest = (int64_t)ks_store__migrations_count;
	char pragma[64];
	int64_t v;
	int error;

	if ((error = ks_store__exec(s, "BEGIN IMMEDIATE",
	    "cannot start the schema migration")) < 0)
		return error;
	/* Another process may have migrated between our read and the lock. */
	if ((error = query_int(s, "PRAGMA user_version", &v)) < 0)
		goto done;
	for (; v < latest; v++) {
		const struct ks_store__migration *m = &ks_store__migrations[v];
		int rc = sqlite3_exec(s->db, m->sql, NULL, NULL, NULL);

		if (rc != SQLITE_OK) {
			ks_error_set(KS_ERROR_SQLITE, "schema migration '%s' "
			    "failed on '%s': %s", m->name, s->path,
			    sqlite3_errmsg(s->db));
			error = KS_ERROR;
			goto done;
		}
	}
	if (from == 0 && (error = init_meta(s)) < 0)
		goto done;
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %lld",
	    (long long)latest);
	if ((error = ks_store__exec(s, pragma,
	    "cannot set the schema version")) < 0)
		goto done;
	error = ks_store__exec(s, "COMMIT",
	    "cannot commit the schema migration");
done:
	if (error < 0 && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}

static int
migrate(ks_store *s)
{
	const int64_t latest = (int64_t)ks_store__migrations_count;
	int64_t v, objects;
	int error;

	if ((error = query_int(s, "PRAGMA user_version", &v)) < 0)
		return error;
	if (v > latest) {
		ks_error_set(KS_ERROR_STORE, "datastore '%s' has schema "
		    "version %lld, newer than this keyshift's %lld: upgrade "
		    "keyshift",
		    s->path, (long long)v, (long long)latest);
		return KS_EVERSION;
	}
	if (v == latest)
		return 0;
	if (v == 0) {
		if ((error = query_int(s, "SELECT count(*) FROM sqlite_schema",
		    &objects)) < 0)
			return error;
		if (objects > 0) {
			ks_error_set(KS_ERROR_STORE, "'%s' is a SQLite "
			    "database but not a keyshift datastore", s->path);
			return KS_EINVALID;
		}
	}
	if (s->read_only) {
		ks_error_set(KS_ERROR_STORE, v == 0
		    ? "'%s' is not a keyshift datastore (empty)"
		    : "datastore '%s' has an older schema: open it for writing "
		      "(e.g. run a scan) to upgrade it", s->path);
		return KS_EINVALID;
	}
	return apply_migrations(s, v);
}

static int
load_key(ks_store *s)
{
	sqlite3_stmt *st = NULL;
	int rc, error = 0;

	if ((error = ks_store__prepare(s, &st,
	    "SELECT value FROM meta WHERE key = 'hmac_key'")) < 0)
		goto done;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_BLOB &&
	    sqlite3_column_bytes(st, 0) == KS_STORE_KEY_LEN) {
		memcpy(s->key, sqlite3_column_blob(st, 0), KS_STORE_KEY_LEN);
	} else if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
		ks_error_set(KS_ERROR_STORE, "datastore '%s' has no valid key",
		    s->path);
		error = KS_EINVALID;
	} else {
		error = ks_store__sqlite_error(s, rc,
		    "cannot read the datastore key");
	}
done:
	sqlite3_finalize(st);
	return error;
}

/* ---- open and close ---- */

static int
connect(ks_store *s)
{
	int flags = SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE |
	    (s->read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE);
	int rc, error;

	if ((rc = sqlite3_open_v2(s->path, &s->db, flags, NULL)) != SQLITE_OK)
		return ks_store__sqlite_error(s, rc,
		    "cannot open the datastore");
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, KS_STORE_BUSY_TIMEOUT_MS);
	/* The file may come from anywhere: no unsafe functions in its
	 * schema, no writes to sqlite_schema. */
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);

	rc = sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_schema", NULL,
	    NULL, NULL);
	if ((rc & 0xff) == SQLITE_NOTADB) {
		ks_error_set(KS_ERROR_STORE, "'%s' is not a keyshift datastore "
		    "(not a SQLite database)", s->path);
		return KS_EINVALID;
	}
	if (rc != SQLITE_OK)
		return ks_store__sqlite_error(s, rc,
		    "cannot read the datastore");

	if (!s->read_only && (error = ks_store__exec(s,
	    "PRAGMA journal_mode = WAL", "cannot enable WAL")) < 0)
		return error;
	if ((error = ks_store__exec(s,
	    "PRAGMA synchronous = NORMAL;"
	    "PRAGMA foreign_keys = ON;"
	    "PRAGMA secure_delete = FAST;",
	    "cannot configure the datastore")) < 0)
		return error;
	return 0;
}

int
ks_store_open(ks_store **out, const char *path, const ks_store_options *opts)
{
	ks_store_options o = KS_STORE_OPTIONS_INIT;
	ks_store *s = NULL;
	int error;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(path);
	*out = NULL;
	if (opts) {
		if (opts->version != KS_STORE_OPTIONS_VERSION) {
			ks_error_set(KS_ERROR_INVALID, "unsupported "
			    "ks_store_options version %u", opts->version);
			return KS_EINVALID;
		}
		o = *opts;
	}
	if (*path == '\0') {
		ks_error_set(KS_ERROR_INVALID, "empty datastore path");
		return KS_EINVALID;
	}

	if ((error = prepare_file(path, &o)) < 0)
		goto done;
	if ((s = ks__calloc(1, sizeof(*s))) == NULL ||
	    (s->path = ks__strdup(path)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	s->read_only = o.read_only;
	if ((error = connect(s)) < 0 ||
	    (error = migrate(s)) < 0 ||
	    (error = load_key(s)) < 0)
		goto done;
	if (!s->read_only && (error = tighten_sidecars(path)) < 0)
		goto done;

	*out = s;
	s = NULL;
done:
	ks_store_close(s);
	return error;
}

void
ks_store_close(ks_store *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < KS_STMT__COUNT; i++)
		sqlite3_finalize(s->stmts[i]);
	if (s->db) {
		if (s->in_tx || !sqlite3_get_autocommit(s->db))
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		sqlite3_close_v2(s->db);
	}
	ks_wipe(s->key, sizeof(s->key));
	ks__free(s->path);
	ks__free(s);
}

int
ks_store_schema_version(void)
{
	return (int)ks_store__migrations_count;
}

int
ks_store_default_path(ks_buf *out)
{
	ks_str p = KS_STR_INIT;
	const char *e;
	int error;

	KS_ASSERT_ARG(out);
	if ((e = getenv("KEYSHIFT_STORE")) && *e)
		error = ks_str_puts(&p, e);
	/* XDG: a relative $XDG_DATA_HOME is invalid and ignored. */
	else if ((e = getenv("XDG_DATA_HOME")) && *e == '/')
		error = ks_str_printf(&p, "%s/keyshift/keyshift.db", e);
	else if ((e = getenv("HOME")) && *e)
		error = ks_str_printf(&p,
		    "%s/.local/share/keyshift/keyshift.db", e);
	else {
		ks_error_set(KS_ERROR_STORE, "cannot locate the datastore: set "
		    "KEYSHIFT_STORE, XDG_DATA_HOME or HOME");
		error = KS_ENOTFOUND;
	}
	if (error == 0)
		error = ks_buf_set_from_str(out, &p);
	ks_str_dispose(&p);
	return error;
}

/* ---- counts ---- */

int
ks_store_count_findings(ks_store *s, int64_t *out)
{
	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(out);
	return query_int(s, "SELECT count(*) FROM finding", out);
}

int
ks_store_count_occurrences(ks_store *s, int64_t *out)
{
	KS_ASSERT_ARG(s);
	KS_ASSERT_ARG(out);
	return query_int(s, "SELECT count(*) FROM occurrence", out);
}

/* ---- triage ---- */

static bool
status_valid(const char *status)
{
	static const char *const valid[] = {
		"open", "false-positive", "accepted-risk", "revoked"
	};
	size_t i;

	for (i = 0; status && i < sizeof(valid) / sizeof(valid[0]); i++)
		if (strcmp(status, valid[i]) == 0)
			return true;
	return false;
}

int
ks_store_resolve_fingerprint(char out[KS_FINGERPRINT_HEXLEN + 1],
    ks_store *s, const char *prefix)
{
	char pattern[KS_FINGERPRINT_HEXLEN + 2];
	sqlite3_stmt *st;
	int rc, rows = 0, error = 0;

	KS_ASSERT_ARG(out);
	KS_ASSERT_ARG(s);
	if ((error = ks_store__fingerprint_arg(pattern, prefix, 8)) < 0)
		return error;
	strcat(pattern, "*");  /* only hex digits before it: no wildcards */
	if ((st = ks_store__stmt(s, KS_STMT_FINDING_RESOLVE)) == NULL)
		return KS_ERROR;
	sqlite3_bind_text(st, 1, pattern, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (rows++ == 0)
			snprintf(out, KS_FINGERPRINT_HEXLEN + 1, "%s",
			    (const char *)sqlite3_column_text(st, 0));
	}
	if (rc != SQLITE_DONE)
		error = ks_store__sqlite_error(s, rc,
		    "cannot look up the finding");
	else if (rows == 0) {
		ks_error_set(KS_ERROR_STORE, "no finding '%s'", prefix);
		error = KS_ENOTFOUND;
	} else if (rows > 1) {
		ks_error_set(KS_ERROR_STORE, "fingerprint prefix '%s' is "
		    "ambiguous: give more digits", prefix);
		error = KS_EINVALID;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return error;
}

static int
status_write(ks_store *s, const char *fp, const char *status,
    const char *reason, const char *user)
{
	const int64_t now = ks_store__now();
	sqlite3_stmt *set, *ev;
	int error;

	if ((set = ks_store__stmt(s, KS_STMT_STATUS_SET)) == NULL ||
	    (ev = ks_store__stmt(s, KS_STMT_STATUS_EVENT)) == NULL)
		return KS_ERROR;
	sqlite3_bind_text(set, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(set, 2, status, -1, SQLITE_STATIC);
	ks_store__bind_text(set, 3, reason);
	ks_store__bind_text(set, 4, user);
	sqlite3_bind_int64(set, 5, now);
	error = ks_store__step_done(s, set, "cannot set the finding's status");
	sqlite3_clear_bindings(set);
	if (error < 0)
		return error;

	sqlite3_bind_text(ev, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(ev, 2, status, -1, SQLITE_STATIC);
	ks_store__bind_text(ev, 3, reason);
	ks_store__bind_text(ev, 4, user);
	sqlite3_bind_int64(ev, 5, now);
	error = ks_store__step_done(s, ev, "cannot record the status change");
	sqlite3_clear_bindings(ev);
	return error;
}

int
ks_store_set_status(ks_store *s, const char *fingerprint, const char *status,
    const char *reason, const char *user)
{
	char fp[KS_FINGERPRINT_HEXLEN + 1];
	bool own_tx = false;
	int error;

	KS_ASSERT_ARG(s);
	if (!status_valid(status)) {
		ks_error_set(KS_ERROR_INVALID, "unknown status '%s': expected "
		    "open, false-positive, accepted-risk or revoked",
		    status ? status : "");
		return KS_EINVALID;
	}
	if (!s->in_tx) {
		if ((error = ks_store__exec(s, "BEGIN IMMEDIATE",
		    "cannot start a transaction")) < 0)
			return error;
		own_tx = true;
	}
	if ((error = ks_store_resolve_fingerprint(fp, s, fingerprint)) < 0 ||
	    (error = status_write(s, fp, status, reason, user)) < 0)
		goto done;
	if (own_tx)
		error = ks_store__exec(s, "COMMIT", "cannot commit the status");
done:
	if (own_tx && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return error;
}
