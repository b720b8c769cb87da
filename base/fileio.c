/*
 * base/fileio.c - reading whole files with a cap, writing files safely
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "errors.h"
#include "hash.h"

int
ks_fd_read_all(ks_str *out, int fd, size_t max, const char *what)
{
	size_t start = out->len;
	int error;

	for (;;) {
		ssize_t n;

		if (out->len - start >= max) {
			char c;

			/* Exactly at the cap is fine; one byte more is not. */
			n = read(fd, &c, 1);
			if (n == 0)
				return 0;
			ks_error_set(KS_ERROR_NOMEMORY,
			    "%s: larger than %zu bytes", what, max);
			return KS_ENOMEM;
		}
		if ((error = ks_str_grow(out, 65536)) < 0)
			return error;
		n = read(fd, out->ptr + out->len,
		    (out->cap - 1 - out->len) < max - (out->len - start) ?
		    (out->cap - 1 - out->len) : max - (out->len - start));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ks_error_set_os("%s: read failed", what);
			return KS_ERROR;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
	}
	return 0;
}

int
ks_file_read(ks_str *out, const char *path, size_t max)
{
	int fd, error;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int e = errno;

		ks_error_set_os("cannot open '%s'", path);
		return e == ENOENT ? KS_ENOTFOUND : KS_ERROR;
	}
	error = ks_fd_read_all(out, fd, max, path);
	close(fd);
	return error;
}

static int
write_all(int fd, const void *data, size_t n, const char *path)
{
	const char *p = data;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			ks_error_set_os("cannot write '%s'", path);
			return KS_ERROR;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
ks_file_create_excl(const char *path, const void *data, size_t n, int mode)
{
	int fd, error;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd < 0) {
		int e = errno;

		ks_error_set_os("cannot create '%s'", path);
		return e == EEXIST ? KS_EEXISTS : KS_ERROR;
	}
	/* The umask may have widened nothing, but be explicit. */
	if (fchmod(fd, (mode_t)mode) < 0 ||
	    (error = write_all(fd, data, n, path)) < 0 || fsync(fd) < 0) {
		ks_error_set_os("cannot write '%s'", path);
		close(fd);
		unlink(path);
		return KS_ERROR;
	}
	if (close(fd) < 0) {
		ks_error_set_os("cannot close '%s'", path);
		unlink(path);
		return KS_ERROR;
	}
	return 0;
}

int
ks_file_replace(const char *path, const void *data, size_t n, int mode)
{
	ks_str tmp = KS_STR_INIT;
	uint8_t rnd[8];
	int error, i;

	for (i = 0; i < 16; i++) {
		unsigned long r;

		if ((error = ks_random_bytes(rnd, sizeof(rnd))) < 0)
			goto done;
		memcpy(&r, rnd, sizeof(r) < sizeof(rnd) ? sizeof(r) : sizeof(rnd));
		ks_str_clear(&tmp);
		if ((error = ks_str_printf(&tmp, "%s.tmp.%lx", path, r)) < 0)
			goto done;
		error = ks_file_create_excl(tmp.ptr, data, n, mode);
		if (error != KS_EEXISTS)
			break;
	}
	if (error < 0)
		goto done;
	if (rename(tmp.ptr, path) < 0) {
		ks_error_set_os("cannot rename into '%s'", path);
		unlink(tmp.ptr);
		error = KS_ERROR;
	}
done:
	ks_str_dispose(&tmp);
	return error;
}

int
ks_mkdir_p(const char *path, int mode)
{
	char buf[PATH_MAX];
	size_t i, len = strlen(path);

	if (len == 0 || len >= sizeof(buf)) {
		ks_error_set(KS_ERROR_OS, "bad directory path");
		return KS_EINVALID;
	}
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] == '/' || buf[i] == '\0') {
			char c = buf[i];

			buf[i] = '\0';
			if (mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST) {
				ks_error_set_os("cannot create directory '%s'",
				    buf);
				return KS_ERROR;
			}
			buf[i] = c;
		}
	}
	return 0;
}
