-- store/schema/0005_oauth_clients.sql - OAuth clients found by scans
--
-- A scan that finds an OAuth client secret records the client it belongs
-- to: the provider, the issuer or token endpoint and the client_id found
-- with it in the same document or structure (scanner/enrich.h), the
-- fingerprint of the secret's finding, and whether the evidence says the
-- client is public (a Google "installed" app: its remedy is PKCE, not
-- private_key_jwt). Every place it was seen is an oauth_client_location.
-- Written by the scanner's writer thread (store/store_clients.c); the
-- migration (keyshift migrate) starts from these rows.
--
-- Unknown values are '' (not NULL) so that (fingerprint, issuer,
-- client_id) is a plain UNIQUE key the writer can upsert on.

CREATE TABLE oauth_client (
	-- One client secret, with the client it was found with.
	id INTEGER PRIMARY KEY,
	-- 'google', 'microsoft-entra', 'okta', 'auth0', 'keycloak', ... or
	-- '' when nothing names it.
	provider TEXT NOT NULL DEFAULT '',
	-- The issuer or token endpoint found with the secret, or ''.
	issuer TEXT NOT NULL DEFAULT '',
	-- The client_id found with the secret, or ''.
	client_id TEXT NOT NULL DEFAULT '',
	-- The fingerprint of the secret's finding (finding.fingerprint).
	fingerprint TEXT NOT NULL
		CHECK (length(fingerprint) = 32
		    AND fingerprint NOT GLOB '*[^0-9a-f]*'),
	-- 1 when the evidence says the client is public (no confidential
	-- secret by design: move it to PKCE), else 0.
	public_client INTEGER NOT NULL DEFAULT 0
		CHECK (public_client IN (0, 1)),
	-- The rule that found the secret.
	rule_id TEXT NOT NULL CHECK (length(rule_id) > 0),
	-- The first and the last run that saw it.
	first_run INTEGER NOT NULL REFERENCES scan_run(id),
	last_run INTEGER NOT NULL REFERENCES scan_run(id),
	UNIQUE (fingerprint, issuer, client_id)
) STRICT;

CREATE INDEX oauth_client_identity ON oauth_client (issuer, client_id);

CREATE TABLE oauth_client_location (
	-- One place a client's secret was seen.
	id INTEGER PRIMARY KEY,
	-- The client.
	client INTEGER NOT NULL REFERENCES oauth_client(id),
	-- The kind of input: 'fs', 'git', ...
	source TEXT NOT NULL CHECK (length(source) > 0),
	-- The display path, as bytes.
	path BLOB NOT NULL,
	-- The git commit for git sources, else ''.
	commit_id TEXT NOT NULL DEFAULT '',
	-- 1-based line of the secret.
	line INTEGER NOT NULL CHECK (line >= 1),
	-- The key path of the secret's value ('installed.client_secret',
	-- 'data.client-secret (base64)'), or ''.
	key_path TEXT NOT NULL DEFAULT '',
	-- The first and the last run that saw it there.
	first_run INTEGER NOT NULL REFERENCES scan_run(id),
	last_run INTEGER NOT NULL REFERENCES scan_run(id),
	UNIQUE (client, source, path, commit_id, line)
) STRICT;
