/*
 * scanner/source_fs.c - directory trees, single files and standard input
 *
 * The walk is depth first over sorted entries (bytewise strcmp), so the
 * enumeration order is the same on every run and machine. Only names are
 * read here; workers open the files later (read()).
 *
 * Symlinks below a target are never followed (entries are classified
 * with d_type/lstat, files are opened with O_NOFOLLOW). A skipped link is
 * reported as a "symlink" diagnostic only when following it could have
 * reached content this scan will not see otherwise: a loop (ELOOP) or a
 * target outside the scanned tree. A link to something inside the tree
 * is skipped silently: that content is scanned at its real path. A
 * dangling link has no content. A target named on the command line is
 * followed if it is itself a symlink, as find -H and rg do.
 *
 * Ignore rules: `.git` (directory or file) is always skipped. --exclude
 * globs (fnmatch, no flags) are tried against the path relative to the
 * target and against the name; they also apply to a file target.
 * .gitignore and .keyshiftignore are read in every directory walked from
 * the target down (not from its parents), unless KS_SCAN_NO_IGNORE; they
 * do not apply to a file named as a target.
 *
 * Paths are bytes and are kept as they are; renderers escape them.
 */
#include "source.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyshift/scan.h>

#include "alloc.h"
#include "errors.h"
#include "fileio.h"
#include "ignore.h"
#include "source_archive.h"
#include "source_git.h"
#include "source_kv.h"

/* Deeper than this is a diagnostic, not a stack overflow. */
#define FS_MAX_DEPTH 512

static int
default_open(const char *path, int flags)
{
	return open(path, flags);
}

int (*ks_source_fs__open)(const char *path, int flags) = default_open;

struct fs_source {
	char *target;        /* as given */
	char *prefix;        /* target without trailing '/', for children */
	char *root_real;     /* realpath of the target (libc memory) */
	size_t root_real_len;
	bool is_dir;
	bool dot;            /* target "."; display paths drop the "./" */
	const struct ks_source_config *cfg;  /* borrowed */
	struct ks_ignore ignore;
	ks_blob_ref_cb cb;
	void *payload;
	ks_str fspath;       /* path being visited, as opened */
	ks_str rel;          /* the same relative to the target */
	struct ks_archive *archive;  /* members of archives (source_archive.h) */
};

struct fs_entry {
	unsigned char type;  /* DT_* */
	char name[];
};

static void
fs_close(void *p)
{
	struct fs_source *s = p;

	if (!s)
		return;
	ks_ignore_dispose(&s->ignore);
	ks_archive_free(s->archive);
	ks_str_dispose(&s->fspath);
	ks_str_dispose(&s->rel);
	free(s->root_real);
	ks__free(s->prefix);
	ks__free(s->target);
	ks__free(s);
}

static int
fs_open(void **out, const char *target, const struct ks_source_config *cfg)
{
	struct fs_source *s;
	struct stat st;
	size_t n;
	int error = KS_ENOMEM;

	*out = NULL;
	if ((s = ks__calloc(1, sizeof(*s))) == NULL)
		return KS_ENOMEM;
	s->cfg = cfg;
	s->fspath = (ks_str)KS_STR_INIT;
	s->rel = (ks_str)KS_STR_INIT;
	if ((s->target = ks__strdup(target)) == NULL ||
	    (s->prefix = ks__strdup(target)) == NULL ||
	    (error = ks_archive_new_for_scan(&s->archive, cfg)) < 0)
		goto done;
	n = strlen(s->prefix);
	while (n > 1 && s->prefix[n - 1] == '/')
		s->prefix[--n] = '\0';
	if (strcmp(s->prefix, "/") == 0)
		s->prefix[0] = '\0';
	s->dot = strcmp(s->prefix, ".") == 0;
	if (stat(target, &st) < 0) {
		ks_error_set_os("cannot scan '%s'", target);
		error = KS_EINVALID;
		goto done;
	}
	s->is_dir = S_ISDIR(st.st_mode);
	if (s->is_dir) {
		if ((s->root_real = realpath(target, NULL)) == NULL) {
			ks_error_set_os("cannot scan '%s'", target);
			error = KS_EINVALID;
			goto done;
		}
		s->root_real_len = strlen(s->root_real);
	}
	*out = s;
	s = NULL;
	error = 0;
done:
	fs_close(s);
	return error;
}

static int
emit_diag(struct fs_source *s, const char *path, const char *kind,
    const char *message)
{
	struct ks_blob_ref ref = { 0 };

	ref.source = "fs";
	ref.path = path;
	ref.size = UINT64_MAX;
	ref.diag_kind = kind;
	ref.diag_message = message;
	return s->cb(&ref, s->payload);
}

static const char *
display_path(struct fs_source *s)
{
	return s->dot ? s->rel.ptr : s->fspath.ptr;
}

static bool
excluded(struct fs_source *s, const char *rel, const char *name, bool is_dir)
{
	size_t i;

	for (i = 0; i < s->cfg->nexcludes; i++)
		if (fnmatch(s->cfg->excludes[i], rel, 0) == 0 ||
		    fnmatch(s->cfg->excludes[i], name, 0) == 0)
			return true;
	if (!(s->cfg->flags & KS_SCAN_NO_IGNORE) && s->is_dir &&
	    ks_ignore_match(&s->ignore, rel, is_dir))
		return true;
	return false;
}

static int
entry_cmp(const void *a, const void *b)
{
	const struct fs_entry *x = *(const struct fs_entry *const *)a;
	const struct fs_entry *y = *(const struct fs_entry *const *)b;

	return strcmp(x->name, y->name);
}

/* Read the names of the directory at s->fspath, sorted. Returns 1 (after
 * reporting a diagnostic through the callback's value in *cbret) when the
 * directory cannot be read. */
static int
read_dir(struct fs_source *s, int depth, ks_vec *entries, int *cbret)
{
	struct dirent *de;
	DIR *dir;
	int fd, flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;

	/* The root may be a symlink named by the user; nothing below is. */
	if (depth > 0)
		flags |= O_NOFOLLOW;
	fd = ks_source_fs__open(s->fspath.len ? s->fspath.ptr : "/", flags);
	if (fd < 0 || (dir = fdopendir(fd)) == NULL) {
		char msg[256];

		snprintf(msg, sizeof(msg), "cannot open directory: %s",
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		*cbret = emit_diag(s, depth ? display_path(s) : s->target,
		    "unreadable", msg);
		return 1;
	}
	for (;;) {
		struct fs_entry *e;
		size_t n;

		errno = 0;
		if ((de = readdir(dir)) == NULL)
			break;
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		n = strlen(de->d_name);
		if ((e = ks__malloc(sizeof(*e) + n + 1)) == NULL) {
			closedir(dir);
			return KS_ENOMEM;
		}
		e->type = de->d_type;
		memcpy(e->name, de->d_name, n + 1);
		if (ks_vec_push(entries, e) < 0) {
			ks__free(e);
			closedir(dir);
			return KS_ENOMEM;
		}
	}
	closedir(dir);
	ks_vec_sort(entries, entry_cmp);
	return 0;
}

/* A symlink: report it when following it could have found more. */
static int
visit_symlink(struct fs_source *s)
{
	char *real = realpath(s->fspath.ptr, NULL);
	bool inside;

	if (!real) {
		if (errno == ELOOP)
			return emit_diag(s, display_path(s), "symlink",
			    "symlink loop, not followed");
		return 0;  /* dangling: no content to miss */
	}
	inside = s->root_real_len == 1 ||
	    (strncmp(real, s->root_real, s->root_real_len) == 0 &&
	    (real[s->root_real_len] == '/' ||
	    real[s->root_real_len] == '\0'));
	free(real);
	if (inside)
		return 0;
	return emit_diag(s, display_path(s), "symlink",
	    "symlink to a path outside the scanned tree, not followed");
}

static int
emit_file(struct fs_source *s)
{
	struct ks_blob_ref ref = { 0 };

	ref.source = "fs";
	ref.path = display_path(s);
	ref.fs_path = s->fspath.ptr;
	ref.size = UINT64_MAX;
	/* Archives are read here, member by member (source_archive.c). */
	if (ks_archive_wants(s->archive, s->fspath.ptr))
		return ks_archive_foreach_file(s->archive, ref.fs_path,
		    O_RDONLY | O_CLOEXEC |
		    (s->is_dir ? O_NOFOLLOW | O_NONBLOCK : 0), ref.path,
		    s->cb, s->payload);
	return s->cb(&ref, s->payload);
}

static int walk_dir(struct fs_source *s, int depth);

static int
visit_entry(struct fs_source *s, const struct fs_entry *e, int depth)
{
	unsigned char type = e->type;
	struct stat st;

	if (type == DT_UNKNOWN) {
		if (lstat(s->fspath.ptr, &st) < 0)
			return 0;  /* vanished since readdir */
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ?
		    DT_REG : S_ISLNK(st.st_mode) ? DT_LNK : DT_FIFO;
	}
	if (excluded(s, s->rel.ptr, e->name, type == DT_DIR))
		return 0;
	switch (type) {
	case DT_DIR:
		return walk_dir(s, depth + 1);
	case DT_REG:
		return emit_file(s);
	case DT_LNK:
		return visit_symlink(s);
	default:
		return emit_diag(s, display_path(s), "not-regular",
		    "not a regular file (device, FIFO or socket), skipped");
	}
}

static int
walk_dir(struct fs_source *s, int depth)
{
	ks_vec entries = KS_VEC_INIT;
	size_t i, pushed = 0, fslen = s->fspath.len, rellen = s->rel.len;
	int error = 0, cbret = 0;

	if (depth > FS_MAX_DEPTH)
		return emit_diag(s, display_path(s), "limit",
		    "directory nesting too deep, not walked");
	if ((error = read_dir(s, depth, &entries, &cbret)) != 0) {
		if (error == 1)
			error = cbret;
		goto done;
	}
	if (!(s->cfg->flags & KS_SCAN_NO_IGNORE) &&
	    (error = ks_ignore_push_dir(&s->ignore,
	    s->fspath.len ? s->fspath.ptr : "/", s->rel.ptr, &pushed)) < 0)
		goto done;
	for (i = 0; i < entries.len; i++) {
		const struct fs_entry *e = entries.items[i];

		if (strcmp(e->name, ".git") == 0)
			continue;
		ks_str_truncate(&s->fspath, fslen);
		ks_str_truncate(&s->rel, rellen);
		if ((error = ks_str_putc(&s->fspath, '/')) < 0 ||
		    (error = ks_str_puts(&s->fspath, e->name)) < 0 ||
		    (rellen && (error = ks_str_putc(&s->rel, '/')) < 0) ||
		    (error = ks_str_puts(&s->rel, e->name)) < 0)
			goto done;
		if ((error = visit_entry(s, e, depth)) != 0)
			goto done;
	}
done:
	ks_str_truncate(&s->fspath, fslen);
	ks_str_truncate(&s->rel, rellen);
	ks_ignore_pop(&s->ignore, pushed);
	ks_vec_dispose(&entries, ks__free);
	return error;
}

static int
fs_foreach(void *p, ks_blob_ref_cb cb, void *payload)
{
	struct fs_source *s = p;
	const char *name;
	int error;

	s->cb = cb;
	s->payload = payload;
	ks_str_clear(&s->fspath);
	ks_str_clear(&s->rel);
	if (s->is_dir) {
		if ((error = ks_str_puts(&s->fspath, s->prefix)) < 0)
			return error;
		return walk_dir(s, 0);
	}
	/* A file named as a target: only --exclude applies to it. */
	name = strrchr(s->target, '/');
	name = name ? name + 1 : s->target;
	if (excluded(s, s->target, name, false))
		return 0;
	if ((error = ks_str_puts(&s->fspath, s->target)) < 0)
		return error;
	return emit_file(s);
}

static int
skip(struct ks_blob_data *out, const char *kind)
{
	out->diag_kind = kind;
	return 1;
}

static int
fs_read(void *p, void *reader, const struct ks_blob_ref *ref,
    struct ks_blob_data *out, uint64_t max)
{
	struct fs_source *s = p;
	/* Below a directory target: no links, and never block on a FIFO
	 * swapped in since the walk. A file target is opened as named. */
	int flags = O_RDONLY | O_CLOEXEC |
	    (s->is_dir ? O_NOFOLLOW | O_NONBLOCK : 0);
	struct stat st;
	int fd, error;

	if (ks_archive_owns(s->archive, ref))
		return ks_archive_read(s->archive, ref, out);
	if ((fd = ks_source_fs__open(ref->fs_path, flags)) < 0) {
		ks_error_set_os("cannot open file");
		return skip(out, "unreadable");
	}
	if (fstat(fd, &st) < 0) {
		ks_error_set_os("cannot stat file");
		close(fd);
		return skip(out, "unreadable");
	}
	if (s->is_dir && !S_ISREG(st.st_mode)) {
		ks_error_set(KS_ERROR_OS, "no longer a regular file");
		close(fd);
		return skip(out, "unreadable");
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		ks_error_set(KS_ERROR_OS,
		    "larger than the size limit (%llu > %llu bytes)",
		    (unsigned long long)st.st_size, (unsigned long long)max);
		close(fd);
		return skip(out, "too-large");
	}
	/* One read for the whole file, into a buffer that may be reused. */
	if (S_ISREG(st.st_mode) && (error = ks_str_grow(&out->buf,
	    (size_t)st.st_size + 1)) < 0) {
		close(fd);
		return error;
	}
	error = ks_fd_read_all(&out->buf, fd, (size_t)max, "file");
	close(fd);
	if (error == KS_ENOMEM && out->buf.len >= max) {
		ks_error_set(KS_ERROR_OS,
		    "larger than the size limit (%llu bytes)",
		    (unsigned long long)max);
		return skip(out, "too-large");
	}
	if (error == KS_ENOMEM)
		return error;
	if (error < 0)
		return skip(out, "unreadable");
	out->ptr = (const uint8_t *)out->buf.ptr;
	out->len = out->buf.len;
	return 0;
}

const struct ks_source_ops ks_source_fs_ops = {
	"fs", fs_open, fs_foreach, fs_close, NULL, NULL, fs_read
};

/* ---- standard input ---------------------------------------------- */

struct stdin_source {
	const struct ks_source_config *cfg;  /* borrowed */
	ks_str data;
};

static void
stdin_close(void *p)
{
	struct stdin_source *s = p;

	if (!s)
		return;
	ks_str_dispose(&s->data);
	ks__free(s);
}

static int
stdin_open(void **out, const char *target, const struct ks_source_config *cfg)
{
	struct stdin_source *s;

	*out = NULL;
	if ((s = ks__calloc(1, sizeof(*s))) == NULL)
		return KS_ENOMEM;
	s->cfg = cfg;
	s->data = (ks_str)KS_STR_INIT;
	*out = s;
	return 0;
}

/* Standard input can be read once: here, fully, under the size cap. */
static int
stdin_foreach(void *p, ks_blob_ref_cb cb, void *payload)
{
	struct stdin_source *s = p;
	struct ks_blob_ref ref = { 0 };
	size_t max = (size_t)s->cfg->max_file_size;
	int error;

	ref.source = "stdin";
	ref.path = s->cfg->stdin_name ? s->cfg->stdin_name : "-";
	ref.size = UINT64_MAX;
	ks_str_clear(&s->data);
	error = ks_fd_read_all(&s->data, STDIN_FILENO, max, "standard input");
	if (error == KS_ENOMEM && s->data.len >= max) {
		ref.diag_kind = "too-large";
		ref.diag_message = "larger than the size limit";
		ks_str_clear(&s->data);
	} else if (error == KS_ENOMEM) {
		return error;
	} else if (error < 0) {
		ref.diag_kind = "unreadable";
		ref.diag_message = ks_error_last() ?
		    ks_error_last()->message : "read failed";
	} else {
		ref.data = (const uint8_t *)s->data.ptr;
		ref.len = s->data.len;
		ref.size = s->data.len;
	}
	return cb(&ref, payload);
}

static int
stdin_read(void *p, void *reader, const struct ks_blob_ref *ref,
    struct ks_blob_data *out, uint64_t max)
{
	out->ptr = ref->data;
	out->len = ref->len;
	return 0;
}

const struct ks_source_ops ks_source_stdin_ops = {
	"stdin", stdin_open, stdin_foreach, stdin_close, NULL, NULL,
	stdin_read
};

/* ---- picking a source --------------------------------------------- */

void
ks_blob_data_dispose(struct ks_blob_data *d)
{
	ks_str_dispose(&d->buf);
	d->ptr = NULL;
	d->len = 0;
	d->diag_kind = NULL;
}

int
ks_source_for_target(const struct ks_source_ops **out, const char *target,
    const struct ks_source_config *cfg)
{
	struct stat st;
	unsigned git_flags = cfg && cfg->scan ? cfg->scan->git_flags : 0;

	*out = NULL;
	if (strcmp(target, "-") == 0) {
		*out = &ks_source_stdin_ops;
		return 0;
	}
	/* etcd://, consul://, vault://, springconfig:// (source_kv.c) */
	if (ks_source_kv_handles(target)) {
		*out = &ks_source_kv_ops;
		return 0;
	}
	if (stat(target, &st) < 0) {
		ks_error_set_os("cannot scan '%s'", target);
		return KS_EINVALID;
	}
	/* A repository goes to the git source (docs/GIT.md). */
	if (!(git_flags & KS_SCAN_NO_GIT) && ks_source_git_is_repo(target)) {
		*out = &ks_source_git_ops;
		return 0;
	}
	*out = &ks_source_fs_ops;
	return 0;
}
