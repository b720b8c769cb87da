-- store/schema/0003_migration.sql - OAuth clients, their keys, and the
-- migration journal (keyshift migrate, keyshift keys rotate)
--
-- One migration row per client; its state only moves forward through
-- planned -> key_generated -> registered -> verified -> secret_retired,
-- or to failed (with the reason), from which a later run resumes at the
-- last state that was reached (`resume_state`). migration_event is the
-- append-only journal: every step and every HTTP exchange (method, URL,
-- status), never a secret, token, assertion or key.
--
-- Private keys are never stored here: `key` keeps the kid, algorithm,
-- public JWK and the path of the PKCS#8 file. A kid is never reused: it
-- is UNIQUE across the whole store, and retired keys keep their rows.
--
-- When adding a state, update migration_states[] in store/store_migrate.c,
-- docs/MIGRATION.md and tests/cli/8*-migrate-*.bats.

CREATE TABLE client (
	-- One OAuth client at one authorization server.
	id INTEGER PRIMARY KEY,
	-- The issuer identifier (RFC 8414), exactly as configured.
	issuer TEXT NOT NULL CHECK (length(issuer) > 0),
	-- The client_id at that issuer.
	client_id TEXT NOT NULL CHECK (length(client_id) > 0),
	-- How it is managed: 'rfc7592', 'keycloak', 'okta', 'auth0', 'entra'.
	provider TEXT NOT NULL DEFAULT 'rfc7592'
		CHECK (provider IN ('rfc7592', 'keycloak', 'okta', 'auth0',
		    'entra')),
	-- The RFC 7592 client configuration endpoint, or NULL.
	registration_uri TEXT,
	-- Path of the 0600 file holding the registration access token (the
	-- token itself is never stored here), or NULL.
	token_file TEXT,
	-- Unix time the client was first planned.
	created_at INTEGER NOT NULL CHECK (created_at >= 0),
	UNIQUE (issuer, client_id)
) STRICT;

CREATE TABLE finding_client (
	-- Which findings (leaked secrets) belong to which client.
	finding INTEGER NOT NULL REFERENCES finding(id),
	client INTEGER NOT NULL REFERENCES client(id),
	PRIMARY KEY (finding, client)
) STRICT;

CREATE TABLE key (
	-- One signing key of a client.
	id INTEGER PRIMARY KEY,
	client INTEGER NOT NULL REFERENCES client(id),
	-- The key id: the RFC 7638 thumbprint. Never reused.
	kid TEXT NOT NULL UNIQUE CHECK (length(kid) > 0),
	-- The JWS algorithm it signs with.
	alg TEXT NOT NULL CHECK (alg IN ('ES256', 'ES384', 'PS256', 'RS256',
	    'EdDSA', 'Ed25519')),
	-- The public JWK (public members only).
	public_jwk TEXT NOT NULL CHECK (substr(public_jwk, 1, 1) = '{'),
	-- Path of the private key (PKCS#8 PEM, 0600). Not the key.
	key_path TEXT NOT NULL,
	-- pending (made) -> published (registered beside the old one) ->
	-- active (signing) -> retiring (still registered) -> removed.
	state TEXT NOT NULL DEFAULT 'pending'
		CHECK (state IN ('pending', 'published', 'active', 'retiring',
		    'removed')),
	created_at INTEGER NOT NULL CHECK (created_at >= 0),
	-- Unix time of the last state change.
	updated_at INTEGER NOT NULL CHECK (updated_at >= 0)
) STRICT;

CREATE INDEX key_client ON key (client);

CREATE TABLE migration (
	-- The migration of one client from a secret to private_key_jwt.
	id INTEGER PRIMARY KEY,
	client INTEGER NOT NULL UNIQUE REFERENCES client(id),
	-- The finding that started it (the leaked secret), or NULL.
	finding INTEGER REFERENCES finding(id),
	state TEXT NOT NULL DEFAULT 'planned'
		CHECK (state IN ('planned', 'key_generated', 'registered',
		    'verified', 'secret_retired', 'failed')),
	-- The last state reached before a failure (where a run resumes).
	resume_state TEXT NOT NULL DEFAULT 'planned'
		CHECK (resume_state IN ('planned', 'key_generated',
		    'registered', 'verified', 'secret_retired')),
	-- Why it failed, or NULL. Never holds secret material.
	error TEXT,
	-- Where the client configuration was written, or NULL.
	config_dir TEXT,
	created_at INTEGER NOT NULL CHECK (created_at >= 0),
	updated_at INTEGER NOT NULL CHECK (updated_at >= 0)
) STRICT;

CREATE TABLE migration_event (
	-- The journal: one step or one HTTP exchange, append-only.
	id INTEGER PRIMARY KEY,
	migration INTEGER NOT NULL REFERENCES migration(id),
	-- Unix time.
	at INTEGER NOT NULL CHECK (at >= 0),
	-- 'plan', 'key', 'register', 'verify', 'retire', 'config', 'rotate',
	-- 'http', 'state', 'fail', ...
	step TEXT NOT NULL CHECK (length(step) > 0),
	-- What happened, e.g. 'PUT https://as/reg/x -> 200'. No secrets.
	detail TEXT NOT NULL
) STRICT;

CREATE INDEX migration_event_migration ON migration_event (migration, id);
