-- store/schema/0001_initial.sql - the first keyshift datastore schema
--
-- Run once, inside the migration transaction, on an empty database; the
-- code then sets PRAGMA user_version = 1 and stores the per-store key.
-- Every table is STRICT; every column says what it holds. Comments inside
-- a CREATE statement are kept by SQLite, so `.schema` shows them.
--
-- Facts (scan_run, blob, blob_provenance, rule, snippet, finding,
-- occurrence, scan_diagnostic) are written by the scanner's writer thread;
-- triage (finding.status*, finding_status_event) by `keyshift findings`.
-- Later migrations add suppressions, OAuth clients, keys, migration
-- journals and per-ref scan state (docs/SCHEMA.md, "Planned").
--
-- Paths are BLOB: they are bytes, not necessarily UTF-8, and compare with
-- memcmp, which keeps ORDER BY deterministic.

CREATE TABLE meta (
	-- The store's own settings, e.g. 'hmac_key' (32 random bytes that key
	-- secret_hmac), 'store_id' (16 random bytes, hex), 'created_at'.
	key TEXT PRIMARY KEY NOT NULL
		CHECK (length(key) BETWEEN 1 AND 64),
	-- The value; its type depends on the key.
	value ANY NOT NULL
) STRICT;

CREATE TABLE scan_run (
	-- One invocation of a scan.
	id INTEGER PRIMARY KEY,
	-- Unix time the run started.
	started_at INTEGER NOT NULL CHECK (started_at >= 0),
	-- Unix time it ended; NULL while running (or after a crash).
	finished_at INTEGER CHECK (finished_at IS NULL OR finished_at >= 0),
	-- 'running' until finished; a run left 'running' was interrupted.
	status TEXT NOT NULL DEFAULT 'running'
		CHECK (status IN ('running', 'complete', 'failed', 'canceled')),
	-- The command that ran, e.g. 'scan'.
	command TEXT NOT NULL CHECK (length(command) > 0),
	-- JSON array of the targets given. (JSON columns are only checked
	-- for their first character: json_valid() may not run in a CHECK
	-- because connections set trusted_schema = OFF.)
	targets TEXT CHECK (targets IS NULL OR substr(targets, 1, 1) = '['),
	-- JSON object of the options in effect.
	options TEXT CHECK (options IS NULL OR substr(options, 1, 1) = '{'),
	-- JSON object of the counters at the end of the run.
	stats TEXT CHECK (stats IS NULL OR substr(stats, 1, 1) = '{'),
	-- The keyshift version that ran it.
	keyshift_version TEXT NOT NULL
) STRICT;

CREATE TABLE blob (
	-- One distinct content, whatever its source.
	id INTEGER PRIMARY KEY,
	-- Its git blob id: SHA-1 of "blob <size>\0" + content, lowercase hex
	-- (64 digits reserved for SHA-256 repositories).
	blob_id TEXT NOT NULL UNIQUE
		CHECK (length(blob_id) IN (40, 64)
		    AND blob_id NOT GLOB '*[^0-9a-f]*'),
	-- Size in bytes; NULL when only known through an occurrence.
	size INTEGER CHECK (size IS NULL OR size >= 0)
) STRICT;

CREATE TABLE blob_provenance (
	-- One place a blob was seen.
	id INTEGER PRIMARY KEY,
	-- The blob.
	blob INTEGER NOT NULL REFERENCES blob(id),
	-- The kind of input: 'fs', 'stdin', 'git', 'staged', ...
	source TEXT NOT NULL
		CHECK (length(source) > 0 AND source NOT GLOB '*[^a-z0-9-]*'),
	-- The display path, as bytes.
	path BLOB NOT NULL,
	-- The repository (path or URL) for git sources, else NULL.
	repo TEXT,
	-- The commit id for git sources, else NULL.
	commit_id TEXT CHECK (commit_id IS NULL
	    OR (length(commit_id) IN (40, 64)
		AND commit_id NOT GLOB '*[^0-9a-f]*')),
	-- More context as a JSON object (key path, ref, author, ...).
	extra TEXT CHECK (extra IS NULL OR substr(extra, 1, 1) = '{'),
	-- The first run that saw it here.
	first_run INTEGER NOT NULL REFERENCES scan_run(id),
	-- The last run that saw it here.
	last_run INTEGER NOT NULL REFERENCES scan_run(id)
) STRICT;

-- A place is unique; NULL repo/commit count as equal (hence coalesce).
CREATE UNIQUE INDEX blob_provenance_place ON blob_provenance
	(blob, source, coalesce(repo, ''), coalesce(commit_id, ''), path);
CREATE INDEX blob_provenance_commit ON blob_provenance (commit_id)
	WHERE commit_id IS NOT NULL;

CREATE TABLE rule (
	-- A rule as it was when it last ran.
	id INTEGER PRIMARY KEY,
	-- Its text id, stable forever: 'ks.pem.private-key'.
	rule_id TEXT NOT NULL UNIQUE CHECK (length(rule_id) > 0),
	-- Human-readable name.
	name TEXT NOT NULL,
	-- 'private-key', 'oauth-client-secret', 'cloud-credential',
	-- 'api-token', 'generic', ...
	category TEXT NOT NULL
		CHECK (length(category) > 0
		    AND category NOT GLOB '*[^a-z0-9-]*'),
	-- 'low', 'medium' or 'high'.
	confidence TEXT NOT NULL
		CHECK (confidence IN ('low', 'medium', 'high')),
	-- The family the fingerprint is computed over: rules of one family
	-- that find the same secret make one finding.
	family TEXT NOT NULL CHECK (length(family) > 0),
	-- Hash of the rule's pattern: changes when the pattern changes.
	structural_id TEXT NOT NULL,
	-- The PCRE2 pattern, for `rules show` against old stores.
	pattern TEXT
) STRICT;

CREATE TABLE snippet (
	-- Context around a match, already masked; deduplicated because the
	-- same lines recur across versions of a file.
	id INTEGER PRIMARY KEY,
	-- The bytes (the secret masked by the scanner and by the store).
	snippet BLOB NOT NULL UNIQUE
) STRICT;

CREATE TABLE finding (
	-- One distinct secret found by one rule family, wherever it appeared.
	id INTEGER PRIMARY KEY,
	-- The fingerprint: 32 hex digits that depend only on the rule family
	-- and the secret (the natural key; stable across stores).
	fingerprint TEXT NOT NULL UNIQUE
		CHECK (length(fingerprint) = 32
		    AND fingerprint NOT GLOB '*[^0-9a-f]*'),
	-- The rule family (copied from the rule that first found it).
	family TEXT NOT NULL,
	-- The rule that first found it.
	rule INTEGER NOT NULL REFERENCES rule(id),
	-- That rule's category.
	category TEXT NOT NULL,
	-- SENSITIVE: HMAC-SHA256 of the secret under meta 'hmac_key'. Answers
	-- "is this the same secret?" across families without the plaintext.
	secret_hmac BLOB NOT NULL CHECK (length(secret_hmac) = 32),
	-- Masked preview: first 4 characters + length, 'GOCS…(35)'.
	secret_preview TEXT NOT NULL,
	-- SECRET: the plaintext, NULL unless a scan ran with --store-secrets.
	secret_plaintext BLOB,
	-- The OAuth client id first found with it, or NULL.
	client_id TEXT,
	-- The issuer / token endpoint first found with it, or NULL.
	issuer TEXT,
	-- The run that first found it.
	first_run INTEGER NOT NULL REFERENCES scan_run(id),
	-- The last run that found it.
	last_run INTEGER NOT NULL REFERENCES scan_run(id),
	-- Triage state; its history is finding_status_event.
	status TEXT NOT NULL DEFAULT 'open'
		CHECK (status IN ('open', 'false-positive', 'accepted-risk',
		    'revoked')),
	-- Why the status was last set, or NULL.
	status_reason TEXT,
	-- Who last set it, or NULL.
	status_user TEXT,
	-- Unix time it was last set; NULL while never triaged.
	status_time INTEGER
) STRICT;

CREATE INDEX finding_secret_hmac ON finding (secret_hmac);
CREATE INDEX finding_rule ON finding (rule);

CREATE TABLE occurrence (
	-- One place a finding appeared: a span of a blob at a path.
	id INTEGER PRIMARY KEY,
	-- The finding.
	finding INTEGER NOT NULL REFERENCES finding(id),
	-- The rule that matched here (same family as the finding's).
	rule INTEGER NOT NULL REFERENCES rule(id),
	-- The blob.
	blob INTEGER NOT NULL REFERENCES blob(id),
	-- The kind of input that first showed it here: 'fs', 'stdin', 'git'.
	source TEXT NOT NULL
		CHECK (length(source) > 0 AND source NOT GLOB '*[^a-z0-9-]*'),
	-- The display path, as bytes.
	path BLOB NOT NULL,
	-- Byte offset of the secret's first byte in the blob.
	start_byte INTEGER NOT NULL CHECK (start_byte >= 0),
	-- Byte offset just past its last byte.
	end_byte INTEGER NOT NULL CHECK (end_byte >= start_byte),
	-- 1-based line of its first byte.
	start_line INTEGER NOT NULL CHECK (start_line >= 1),
	-- 1-based column of its first byte.
	start_column INTEGER NOT NULL CHECK (start_column >= 1),
	-- 1-based line of its last byte.
	end_line INTEGER NOT NULL CHECK (end_line >= start_line),
	-- 1-based column of its last byte.
	end_column INTEGER NOT NULL CHECK (end_column >= 1),
	-- The masked context, or NULL.
	snippet INTEGER REFERENCES snippet(id),
	-- The OAuth client id found next to it here, or NULL.
	client_id TEXT,
	-- The issuer found next to it here, or NULL.
	issuer TEXT,
	-- The commit that introduced the blob at this path (git), or NULL.
	commit_id TEXT CHECK (commit_id IS NULL
	    OR (length(commit_id) IN (40, 64)
		AND commit_id NOT GLOB '*[^0-9a-f]*')),
	-- That commit's author, 'Name <email>', or NULL.
	author TEXT,
	-- That commit's date (ISO 8601), or NULL.
	date TEXT,
	-- The first run that saw it.
	first_run INTEGER NOT NULL REFERENCES scan_run(id),
	-- The last run that saw it (a scan's own results: last_run = its id).
	last_run INTEGER NOT NULL REFERENCES scan_run(id),
	UNIQUE (finding, blob, path, start_byte, end_byte)
) STRICT;

CREATE INDEX occurrence_blob ON occurrence (blob);
CREATE INDEX occurrence_last_run ON occurrence (last_run);
CREATE INDEX occurrence_order ON occurrence (rule, path, start_line,
	start_column, start_byte);

CREATE TABLE scan_diagnostic (
	-- An input a run could not scan (fully), and why.
	id INTEGER PRIMARY KEY,
	-- The run.
	run INTEGER NOT NULL REFERENCES scan_run(id),
	-- The kind of input, as in occurrence.source; NULL if none applies.
	source TEXT,
	-- The display path, as bytes; NULL if none applies.
	path BLOB,
	-- 'binary', 'too-large', 'unreadable', 'symlink', 'limit', ...
	kind TEXT NOT NULL
		CHECK (length(kind) > 0 AND kind NOT GLOB '*[^a-z0-9-]*'),
	-- One line for a human; never secret bytes.
	message TEXT NOT NULL
) STRICT;

CREATE INDEX scan_diagnostic_run ON scan_diagnostic (run);

CREATE TABLE finding_status_event (
	-- Triage history: one row per status change, never updated.
	id INTEGER PRIMARY KEY,
	-- The finding, by fingerprint (survives export and import).
	fingerprint TEXT NOT NULL REFERENCES finding(fingerprint),
	-- The status set.
	status TEXT NOT NULL
		CHECK (status IN ('open', 'false-positive', 'accepted-risk',
		    'revoked')),
	-- Why, or NULL.
	reason TEXT,
	-- Who (as the caller named them), or NULL.
	user TEXT,
	-- Unix time.
	at INTEGER NOT NULL CHECK (at >= 0)
) STRICT;

CREATE INDEX finding_status_event_fingerprint
	ON finding_status_event (fingerprint, id);

-- Reporting views: a reporter is a serializer over these rows and holds
-- no join logic. Neither view exposes secret_plaintext or secret_hmac.

CREATE VIEW occurrence_denorm AS
SELECT
	o.id AS occurrence_id,
	f.id AS finding_id,
	f.fingerprint AS fingerprint,
	f.family AS family,
	r.rule_id AS rule_id,
	r.name AS rule_name,
	r.category AS category,
	r.confidence AS confidence,
	f.secret_preview AS secret_preview,
	f.status AS status,
	o.source AS source,
	o.path AS path,
	b.blob_id AS blob_id,
	o.start_byte AS start_byte,
	o.end_byte AS end_byte,
	o.start_line AS start_line,
	o.start_column AS start_column,
	o.end_line AS end_line,
	o.end_column AS end_column,
	s.snippet AS snippet,
	coalesce(o.client_id, f.client_id) AS client_id,
	coalesce(o.issuer, f.issuer) AS issuer,
	o.commit_id AS commit_id,
	o.author AS author,
	o.date AS date,
	o.first_run AS first_run,
	o.last_run AS last_run
FROM occurrence o
JOIN finding f ON f.id = o.finding
JOIN rule r ON r.id = o.rule
JOIN blob b ON b.id = o.blob
LEFT JOIN snippet s ON s.id = o.snippet;

CREATE VIEW finding_denorm AS
SELECT
	f.id AS finding_id,
	f.fingerprint AS fingerprint,
	f.family AS family,
	r.rule_id AS rule_id,
	r.name AS rule_name,
	r.category AS category,
	r.confidence AS confidence,
	f.secret_preview AS secret_preview,
	f.client_id AS client_id,
	f.issuer AS issuer,
	f.status AS status,
	f.status_reason AS status_reason,
	f.status_user AS status_user,
	f.status_time AS status_time,
	f.first_run AS first_run,
	f.last_run AS last_run,
	fr.started_at AS first_seen,
	lr.started_at AS last_seen,
	(SELECT count(*) FROM occurrence o WHERE o.finding = f.id)
	    AS occurrence_count,
	(SELECT count(DISTINCT o.path) FROM occurrence o
	    WHERE o.finding = f.id) AS path_count
FROM finding f
JOIN rule r ON r.id = f.rule
JOIN scan_run fr ON fr.id = f.first_run
JOIN scan_run lr ON lr.id = f.last_run;
