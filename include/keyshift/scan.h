/*
 * keyshift/scan.h - running a scan
 *
 * ks_scan_run() enumerates the targets on one thread, matches on N worker
 * threads and records on one writer thread, with bounded queues between
 * them. Each distinct content (git blob id) is matched once; every place
 * it was seen is still recorded. Progress callbacks run on the calling
 * thread.
 */
#ifndef KS_KEYSHIFT_SCAN_H
#define KS_KEYSHIFT_SCAN_H

#include <keyshift/common.h>
#include <keyshift/error.h>
#include <keyshift/finding.h>
#include <keyshift/rules.h>
#include <keyshift/store.h>

KS_BEGIN_DECL

enum ks_scan_flags {
	KS_SCAN_SHOW_SECRETS = (1 << 0),  /**< fill ks_occurrence.secret */
	KS_SCAN_STORE_SECRETS = (1 << 1), /**< store plaintext in the store */
	KS_SCAN_BINARY = (1 << 2),        /**< scan files with NUL bytes too */
	KS_SCAN_NO_IGNORE = (1 << 3),     /**< ignore .gitignore/.keyshiftignore */
	KS_SCAN_NO_ARCHIVES = (1 << 4),   /**< archives are plain files */
	KS_SCAN_INSECURE = (1 << 5)       /**< KV stores: no TLS verification */
};

/** How a target that is a git repository is scanned (docs/GIT.md). */
enum ks_scan_git_flags {
	KS_SCAN_GIT_STAGED = (1 << 0),      /**< the index against HEAD only */
	KS_SCAN_GIT_NO_WORKTREE = (1 << 1), /**< history only */
	KS_SCAN_GIT_ALL_OBJECTS = (1 << 2), /**< unreachable objects too */
	KS_SCAN_GIT_FROM_ENV = (1 << 3),    /**< honour GIT_OBJECT_DIRECTORY
	                                     *   (server-side hooks) */
	KS_SCAN_NO_GIT = (1 << 8)           /**< scan repositories as files */
};

typedef struct {
	uint64_t files;          /**< inputs enumerated */
	uint64_t bytes;          /**< bytes matched */
	uint64_t blobs;          /**< distinct contents matched */
	uint64_t duplicates;     /**< inputs whose content was already seen */
	uint64_t skipped;        /**< inputs skipped (binary, size, errors) */
	uint64_t diagnostics;
	uint64_t occurrences;
	uint64_t findings;       /**< distinct fingerprints in this scan */
	uint64_t allowed;        /**< matches allowed by `keyshift:allow` */
	double seconds;
} ks_scan_stats;

typedef int (*ks_scan_progress_cb)(const ks_scan_stats *stats, void *payload);

typedef struct {
	unsigned version;
	const char *const *targets;  /**< paths; "-" is standard input */
	size_t ntargets;
	unsigned jobs;               /**< worker threads; 0 = online cores */
	uint64_t max_file_size;      /**< bytes; 0 = KS_SCAN_MAX_FILE_SIZE */
	const char *const *excludes; /**< glob patterns (fnmatch, on paths) */
	size_t nexcludes;
	unsigned flags;              /**< enum ks_scan_flags */
	const char *stdin_name;      /**< display path for "-" (default "-") */
	const char *command;         /**< recorded in the scan run */
	ks_scan_progress_cb progress_cb;
	void *progress_payload;
	/* Git repositories (docs/GIT.md). */
	unsigned git_flags;          /**< enum ks_scan_git_flags */
	/** Revisions to walk, in rev-list syntax: "REV", "^REV", "A..B",
	 * "^--all" (every ref hidden). None: every ref (full history). */
	const char *const *git_revs;
	size_t ngit_revs;
	/** Commit ids already scanned (incremental): hidden from the walk. */
	const char *const *git_hide;
	size_t ngit_hide;
	/* Archives and live stores (docs/SOURCES.md). */
	unsigned archive_depth;      /**< levels opened; 0 = default (3) */
	/** NAME=value credentials for KV stores (mode 0600), or NULL. */
	const char *credentials_file;
} ks_scan_options;

#define KS_SCAN_OPTIONS_VERSION 1
#define KS_SCAN_OPTIONS_INIT { KS_SCAN_OPTIONS_VERSION, NULL, 0, 0, 0, \
	NULL, 0, 0, NULL, NULL, NULL, NULL, 0, NULL, 0, NULL, 0, 0, NULL }
#define KS_SCAN_MAX_FILE_SIZE ((uint64_t)64 << 20)

typedef struct ks_scan_result ks_scan_result;

/**
 * Scan `opts->targets` with a compiled rule set, recording into `store`
 * (NULL: record nothing). On success *out holds the occurrences sorted by
 * (path, line, column, rule id) and the diagnostics sorted by path.
 * @return 0 (even when inputs were skipped: see the diagnostics);
 *         KS_EINVALID for a missing target; KS_EUSER if the progress
 *         callback asked to stop; another code on a fatal error (the
 *         store keeps every batch committed before it).
 */
KS_EXTERN(int) ks_scan_run(ks_scan_result **out, const ks_scan_options *opts,
    const ks_ruleset *rules, ks_store *store) KS_WARN_UNUSED;

KS_EXTERN(void) ks_scan_result_free(ks_scan_result *r);
KS_EXTERN(size_t) ks_scan_result_count(const ks_scan_result *r);
/** Borrowed; valid as long as the result. */
KS_EXTERN(const ks_occurrence *) ks_scan_result_get(const ks_scan_result *r,
    size_t i);
KS_EXTERN(size_t) ks_scan_result_diagnostic_count(const ks_scan_result *r);
KS_EXTERN(const ks_diagnostic *) ks_scan_result_diagnostic(
    const ks_scan_result *r, size_t i);
KS_EXTERN(const ks_scan_stats *) ks_scan_result_stats(const ks_scan_result *r);
/** The scan run's id in the store, or 0 without a store. */
KS_EXTERN(int64_t) ks_scan_result_run_id(const ks_scan_result *r);

/**
 * Incremental git scans. The store records, per repository and ref, the
 * commit a complete full-history scan covered; an incremental scan hides
 * those commits from its walk, so it reads only new commits' new blobs.
 */
typedef struct ks_git_state ks_git_state;

/**
 * Snapshot the refs of the repository `target` and, when `incremental`,
 * read from `store` what earlier scans covered into opts->git_hide (which
 * then borrows from *out: free it after the scan).
 * @return 0; KS_EINVALID if `target` is not a repository.
 */
KS_EXTERN(int) ks_git_state_prepare(ks_git_state **out, const char *target,
    ks_store *store, bool incremental, ks_scan_options *opts)
    KS_WARN_UNUSED;

/** After a complete scan: record the snapshot as covered by `run_id`. */
KS_EXTERN(int) ks_git_state_save(const ks_git_state *st, ks_store *store,
    int64_t run_id) KS_WARN_UNUSED;

/** Free the state. NULL is a harmless no-op. */
KS_EXTERN(void) ks_git_state_free(ks_git_state *st);

/**
 * The hooks directory of the repository containing `path`: core.hooksPath
 * when set (relative to the working tree's top), else GIT_DIR/hooks.
 * @return 0; KS_EINVALID if `path` is not in a repository.
 */
KS_EXTERN(int) ks_git_hooks_dir(ks_buf *out, const char *path)
    KS_WARN_UNUSED;

KS_END_DECL
#endif
