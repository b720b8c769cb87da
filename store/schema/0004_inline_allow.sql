-- store/schema/0004_inline_allow.sql - matches allowed by an inline marker
--
-- A line holding `keyshift:allow [RULE-ID] [reason]` is not reported; each
-- such allowance is recorded here, so an audit can list what was waved
-- through, where, by which marker text and since when.

CREATE TABLE inline_allow (
	-- Row id.
	id INTEGER PRIMARY KEY,
	-- The fingerprint of the allowed secret (as in finding.fingerprint;
	-- there may be no finding row: the secret may never be reported).
	fingerprint TEXT NOT NULL CHECK (length(fingerprint) = 32
	    AND fingerprint NOT GLOB '*[^0-9a-f]*'),
	-- The rule whose match was allowed.
	rule_id TEXT NOT NULL CHECK (length(rule_id) > 0),
	-- Where: source kind, display path (bytes), 1-based line.
	source TEXT NOT NULL CHECK (length(source) > 0),
	path BLOB NOT NULL,
	line INTEGER NOT NULL CHECK (line >= 1),
	-- The commit, for git sources.
	commit_id TEXT,
	-- The rule the marker named, or NULL when it allows every rule.
	marker_rule TEXT,
	-- The marker's reason text, or NULL.
	reason TEXT,
	-- The first and the last run that saw it.
	first_run INTEGER NOT NULL REFERENCES scan_run(id),
	last_run INTEGER NOT NULL REFERENCES scan_run(id),
	UNIQUE (fingerprint, rule_id, source, path, line)
) STRICT;
