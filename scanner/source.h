/*
 * scanner/source.h - where blobs come from: the source vtable
 *
 * Library-internal. A source enumerates blob refs: a display path, a way
 * to read the bytes and the provenance of that appearance. The pipeline
 * runs foreach() on its enumerator thread and reads each ref later on a
 * worker thread, so enumeration stays cheap (no content is read there,
 * except for stdin, which can only be read once).
 *
 * Every source implements struct ks_source_ops. open/foreach/close are the
 * contract of docs/ARCHITECTURE.md §3.4; reader_new/read/reader_free are
 * how a worker gets the bytes. A source that needs per-thread handles
 * (git: one git_repository per worker) creates them in reader_new, which
 * runs on the worker's own thread; sources without per-thread state leave
 * reader_new NULL and read() receives a NULL reader.
 *
 * When adding a source: add its ops here, pick it in
 * ks_source_for_target() (source.c), give it a `source` name for
 * ks_occurrence.source and describe it in docs/SCANNER.md.
 */
#ifndef KS_SCANNER_SOURCE_H
#define KS_SCANNER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>
#include <keyshift/scan.h>

#include "str.h"

/*
 * One appearance of a blob. Every pointer is borrowed from the source and
 * valid only for the duration of the callback, except `data`, which stays
 * valid until the source is closed. The pipeline copies what it keeps.
 */
struct ks_blob_ref {
	const char *source;       /* "fs", "stdin", later "git", "staged" */
	const char *path;         /* display path; any bytes but NUL */
	/* How to read the bytes: exactly one of these is set. */
	const char *fs_path;      /* a path to open (never following links) */
	const uint8_t *data;      /* preloaded bytes, `len` of them */
	size_t len;
	const char *oid;          /* a git blob id (hex), read by the source */
	uint64_t size;            /* known size, or UINT64_MAX */
	/* Provenance; NULL for the filesystem and stdin. */
	const char *repo;
	const char *commit;
	const char *author;
	const char *date;
	/*
	 * Set when the source skipped this input while enumerating it
	 * (a symlink not followed, an unreadable directory): there is no
	 * blob, only a diagnostic of this kind with this message.
	 */
	const char *diag_kind;
	const char *diag_message;
};

/* Return non-zero to stop the enumeration; foreach returns that value. */
typedef int (*ks_blob_ref_cb)(const struct ks_blob_ref *ref, void *payload);

/* What the scan options say about enumeration; borrowed by the source. */
struct ks_source_config {
	const char *const *excludes;  /* fnmatch globs */
	size_t nexcludes;
	unsigned flags;               /* enum ks_scan_flags */
	const char *stdin_name;       /* display path for "-" */
	uint64_t max_file_size;
	const ks_scan_options *scan;  /* all of them (git: revs, flags) */
};

/* The bytes of one blob, filled by ks_source_ops.read(). */
struct ks_blob_data {
	/* The worker's scratch buffer, empty on entry and reused from blob
	 * to blob: read() appends the bytes to it, or replaces it with an
	 * allocation of its own after ks_str_wipe() on it. */
	ks_str buf;
	const uint8_t *ptr;       /* the bytes: into buf, or borrowed */
	size_t len;
	const char *diag_kind;    /* set when read() returned 1 */
};

#define KS_BLOB_DATA_INIT { KS_STR_INIT, NULL, 0, NULL }

void ks_blob_data_dispose(struct ks_blob_data *d);

struct ks_source_ops {
	const char *name;
	/* Open a source for `target`; *out is freed with close(). */
	int (*open)(void **out, const char *target,
	    const struct ks_source_config *cfg);
	/* Call `cb` for every blob ref (and skipped input), in a
	 * deterministic order. Returns 0, cb's non-zero value, or a fatal
	 * negative code (out of memory). */
	int (*foreach)(void *src, ks_blob_ref_cb cb, void *payload);
	void (*close)(void *src);
	/* Optional: per-worker state, created and freed on that worker. */
	int (*reader_new)(void **out, void *src);
	void (*reader_free)(void *reader);
	/*
	 * Read the bytes of `ref` into `out`, at most `max` of them.
	 * Returns 0 on success; 1 when this input is skipped, with
	 * out->diag_kind ("too-large", "unreadable") set and the reason in
	 * ks_error_last(); a negative code on a fatal error.
	 */
	int (*read)(void *src, void *reader, const struct ks_blob_ref *ref,
	    struct ks_blob_data *out, uint64_t max);
};

extern const struct ks_source_ops ks_source_fs_ops;
extern const struct ks_source_ops ks_source_stdin_ops;

/*
 * The source that handles `target`: stdin for "-", git for a repository
 * (a working tree's top or a bare one) unless KS_SCAN_NO_GIT, the
 * filesystem otherwise. Checks that the target exists: KS_EINVALID with
 * "cannot scan 'X': No such file or directory" if not.
 */
int ks_source_for_target(const struct ks_source_ops **out,
    const char *target, const struct ks_source_config *cfg) KS_WARN_UNUSED;

/*
 * Test seam: every open(2) of source_fs (files and directories) goes
 * through this pointer, so tests can make an input unreadable even when
 * they run as root. Set it before a scan, never during one.
 */
extern int (*ks_source_fs__open)(const char *path, int flags);

#endif
