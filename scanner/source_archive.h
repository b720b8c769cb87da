/*
 * scanner/source_archive.h - reading inside archives (zip, tar, tar.gz/.bz2/.xz,
 * 7z, cpio; nested to a bounded depth)
 *
 * Library-internal. Not a source of its own: the filesystem source hands
 * every file whose name looks like an archive to ks_archive_foreach_file()
 * on its enumerator thread, and the members come out as preloaded blob
 * refs (source "archive", path "outer.zip!inner.tgz!dir/file"), read back
 * on the workers with ks_archive_read(). See source_archive.c for why the
 * archive is read on the enumerator.
 */
#ifndef KS_SCANNER_SOURCE_ARCHIVE_H
#define KS_SCANNER_SOURCE_ARCHIVE_H

#include <stdbool.h>
#include <stdint.h>

#include <keyshift/common.h>

#include "source.h"
#include "str.h"

struct ks_archive;

struct ks_archive_limits {
	unsigned depth;        /* archive levels opened; 0: none (plain files) */
	uint64_t max_member;   /* bytes of one member */
	uint64_t max_total;    /* uncompressed bytes of one archive, all levels */
	unsigned max_ratio;    /* uncompressed : compressed, per level */
	uint64_t ratio_floor;  /* the ratio is checked past this many bytes */
};

#define KS_ARCHIVE_DEPTH 3
#define KS_ARCHIVE_MAX_TOTAL ((uint64_t)1 << 30)
#define KS_ARCHIVE_MAX_RATIO 200
#define KS_ARCHIVE_RATIO_FLOOR ((uint64_t)16 << 20)
#define KS_ARCHIVE_LIMITS_INIT { KS_ARCHIVE_DEPTH, (uint64_t)64 << 20, \
	KS_ARCHIVE_MAX_TOTAL, KS_ARCHIVE_MAX_RATIO, KS_ARCHIVE_RATIO_FLOOR }

/* One per filesystem source; *out is freed with ks_archive_free(). */
int ks_archive_new(struct ks_archive **out,
    const struct ks_archive_limits *limits) KS_WARN_UNUSED;
/*
 * The same with the limits of a scan: --archive-depth (KS_SCAN_NO_ARCHIVES
 * for 0) and --max-file-size per member.
 */
int ks_archive_new_for_scan(struct ks_archive **out,
    const struct ks_source_config *cfg) KS_WARN_UNUSED;
/* Frees the member bytes no worker took. NULL is a harmless no-op. */
void ks_archive_free(struct ks_archive *a);

/* Whether `name` (a path) has an archive's extension and depth > 0. */
bool ks_archive_wants(const struct ks_archive *a, const char *name);

/*
 * Enumerate the members of the archive file `fs_path` (opened with
 * ks_source_fs__open(fs_path, open_flags)) as refs under the display path
 * `display`. Every problem is a diagnostic ref; a file that is not an
 * archive after all is emitted as a plain "fs" ref, so nothing is lost.
 * Returns 0, the callback's non-zero value, or a fatal negative code.
 */
int ks_archive_foreach_file(struct ks_archive *a, const char *fs_path,
    int open_flags, const char *display, ks_blob_ref_cb cb, void *payload);

/* Whether `ref` is a member emitted by `a` (preloaded bytes). */
bool ks_archive_owns(const struct ks_archive *a, const struct ks_blob_ref *ref);

/* The bytes of a member ref, moved into `out`. Always 0. */
int ks_archive_read(struct ks_archive *a, const struct ks_blob_ref *ref,
    struct ks_blob_data *out);

/*
 * The same over an archive in memory (`data` borrowed for the call), for
 * the fuzz target: no fallback to a plain blob.
 */
int ks_archive__foreach_memory(struct ks_archive *a, const void *data,
    size_t len, const char *display, ks_blob_ref_cb cb, void *payload);

/*
 * Make a member name safe to show as a path inside the archive: '\' is a
 * separator too, a leading '/' or drive letter ("C:") and every ".."
 * component are removed (*escaped set: the name pointed outside the
 * archive), "." and empty components are dropped. Never empty ("_").
 * `out` is replaced. Exposed for the unit and fuzz tests.
 */
int ks_archive__clean_name(ks_str *out, const char *name, bool *escaped)
    KS_WARN_UNUSED;

#endif
