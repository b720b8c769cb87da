-- store/schema/0002_git.sql - what was scanned in each git repository
--
-- Incremental rescans: after a complete full-history scan, each ref of
-- the repository and the commit it pointed to are recorded; a later
-- `keyshift scan --incremental` hides those commits (and so everything
-- they reach) from its walk, reading only the new commits' new blobs.
-- Every (commit, path) that introduced a blob is in blob_provenance
-- (source 'git'); view git_introduction lists them.

CREATE TABLE git_ref_scan (
	-- The repository: the absolute path of its git directory.
	repo TEXT NOT NULL CHECK (length(repo) > 0),
	-- The full ref name, e.g. 'refs/heads/main', 'refs/stash'.
	ref TEXT NOT NULL CHECK (length(ref) > 0),
	-- The commit the ref pointed to when the scan started.
	commit_id TEXT NOT NULL CHECK (length(commit_id) IN (40, 64)
	    AND commit_id NOT GLOB '*[^0-9a-f]*'),
	-- The run that scanned it.
	run INTEGER NOT NULL REFERENCES scan_run(id),
	-- Unix time of that run's end.
	scanned_at INTEGER NOT NULL CHECK (scanned_at >= 0),
	PRIMARY KEY (repo, ref)
) STRICT;

-- Every commit and path where a blob was introduced, with the run that
-- found it.
CREATE VIEW git_introduction AS
	SELECT b.blob_id AS blob_id, p.repo AS repo, p.commit_id AS commit_id,
	    p.path AS path, p.first_run AS first_run
	FROM blob_provenance p JOIN blob b ON b.id = p.blob
	WHERE p.source = 'git' AND p.commit_id IS NOT NULL;
