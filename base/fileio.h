/*
 * base/fileio.h - reading whole files with a cap, writing files safely
 */
#ifndef KS_BASE_FILEIO_H
#define KS_BASE_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "str.h"

/* Append up to `max` bytes of `path` to `out`; KS_ENOMEM past the cap,
 * KS_ENOTFOUND when it does not exist, KS_ERROR (class OS) otherwise. */
int ks_file_read(ks_str *out, const char *path, size_t max) KS_WARN_UNUSED;
/* The same from an open descriptor. */
int ks_fd_read_all(ks_str *out, int fd, size_t max, const char *what)
    KS_WARN_UNUSED;
/*
 * Create `path` with O_CREAT|O_EXCL|O_NOFOLLOW and `mode`, write all of
 * `data`, fsync and close. Refuses (KS_EEXISTS) to replace anything. For
 * key material use mode 0600.
 */
int ks_file_create_excl(const char *path, const void *data, size_t n,
    int mode) KS_WARN_UNUSED;
/* Write `data` to a temporary file beside `path` and rename it into place. */
int ks_file_replace(const char *path, const void *data, size_t n,
    int mode) KS_WARN_UNUSED;
/* Create `path` and its parents (mode 0700 for new ones). */
int ks_mkdir_p(const char *path, int mode) KS_WARN_UNUSED;

#endif
