/*
 * scanner/source_archive.c - members of archives as blobs (libarchive)
 *
 * Where the work happens. An archive is a stream: a tar.gz cannot be
 * entered in the middle, and re-reading it once per member would be
 * quadratic. So the archive is read once, on the enumerator thread, when
 * the filesystem walk reaches it; each regular member is decompressed
 * into its own buffer and emitted as a preloaded ref, whose bytes a worker
 * takes without a copy (blobpool.h). Matching stays parallel; only the
 * decompression of one archive is serial, as it has to be. The pool's
 * budget (256 MiB in flight) keeps a fast enumerator from filling memory.
 *
 * Nesting. A member whose name looks like an archive is opened from
 * memory, to `depth` levels in all (default 3: outer.zip!inner.tgz!x.tar
 * is opened, a fourth level is a "limit" diagnostic). Display paths join
 * the levels with '!'.
 *
 * Caps, each a diagnostic and never a failure of the scan:
 *   - a member larger than max_member (the scan's --max-file-size) is
 *     drained, counted and reported "too-large";
 *   - max_total uncompressed bytes per top-level archive, all levels
 *     together ("limit"; the rest of that archive is not read);
 *   - a member whose compression ratio exceeds max_ratio, once past
 *     ratio_floor bytes ("archive-bomb"): in zip and 7z, which find
 *     members through a directory, the member is skipped (a seek); in a
 *     stream (tar.*) skipping means inflating it, which is what a bomb
 *     wants, so the rest of that level is not read;
 *   - member names that are absolute or contain ".." ("archive-path": the
 *     bytes are still scanned, under the cleaned name, since reading into
 *     memory is harmless and the secret is still a secret);
 *   - symbolic links ("archive-link", not followed), devices and FIFOs
 *     ("not-regular"), encrypted members ("encrypted");
 *   - corrupt data ("archive-corrupt"): members before the damage are
 *     kept; a file that is not an archive at all is scanned as a plain
 *     file.
 *
 * Formats are enabled one by one (zip, tar, 7z, cpio), never
 * archive_read_support_format_all(): that includes mtree and raw, which
 * accept ordinary text and would swallow a mislabelled file.
 */
#include "source_archive.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include <keyshift/scan.h>

#include "alloc.h"
#include "blobpool.h"
#include "errors.h"

#define READ_BLOCK 65536
#define CHUNK 65536

struct ks_archive {
	struct ks_archive_limits lim;
	struct ks_blobpool *pool;   /* member bytes in flight to workers */
};

/* One top-level archive being walked. */
struct walk {
	struct ks_archive *a;
	ks_blob_ref_cb cb;
	void *payload;
	int cbret;            /* the callback's non-zero value: stop all */
	int fatal;            /* a negative code: stop all */
	bool stop_all;        /* max_total reached */
	bool stop_level;      /* this level is done (bomb, corrupt) */
	uint64_t total;       /* uncompressed bytes, every level */
	uint8_t *chunk;       /* CHUNK bytes of scratch */
};

static const char *const extensions[] = {
	".zip", ".jar", ".war", ".ear", ".apk", ".aar", ".whl", ".nupkg",
	".tar", ".tgz", ".tar.gz", ".tbz", ".tbz2", ".tar.bz2", ".txz",
	".tar.xz", ".tzst", ".tar.zst", ".7z", ".cpio"
};

int
ks_archive_new(struct ks_archive **out, const struct ks_archive_limits *lim)
{
	static const struct ks_archive_limits def = KS_ARCHIVE_LIMITS_INIT;
	struct ks_archive *a;
	int error;

	*out = NULL;
	if ((a = ks__calloc(1, sizeof(*a))) == NULL)
		return KS_ENOMEM;
	a->lim = lim ? *lim : def;
	if (!a->lim.max_member)
		a->lim.max_member = def.max_member;
	if (!a->lim.max_total)
		a->lim.max_total = def.max_total;
	if (!a->lim.max_ratio)
		a->lim.max_ratio = def.max_ratio;
	if ((error = ks_blobpool_new(&a->pool, 0)) < 0) {
		ks__free(a);
		return error;
	}
	*out = a;
	return 0;
}

int
ks_archive_new_for_scan(struct ks_archive **out,
    const struct ks_source_config *cfg)
{
	struct ks_archive_limits lim = KS_ARCHIVE_LIMITS_INIT;

	if (cfg) {
		if (cfg->flags & KS_SCAN_NO_ARCHIVES)
			lim.depth = 0;
		else if (cfg->scan && cfg->scan->archive_depth)
			lim.depth = cfg->scan->archive_depth;
		if (cfg->max_file_size)
			lim.max_member = cfg->max_file_size;
	}
	return ks_archive_new(out, &lim);
}

void
ks_archive_free(struct ks_archive *a)
{
	if (!a)
		return;
	ks_blobpool_free(a->pool);
	ks__free(a);
}

static bool
has_archive_ext(const char *name)
{
	size_t n = strlen(name), i;

	for (i = 0; i < sizeof(extensions) / sizeof(*extensions); i++) {
		size_t e = strlen(extensions[i]);

		if (n > e && strcasecmp(name + n - e, extensions[i]) == 0)
			return true;
	}
	return false;
}

bool
ks_archive_wants(const struct ks_archive *a, const char *name)
{
	return a && a->lim.depth > 0 && name && has_archive_ext(name);
}

bool
ks_archive_owns(const struct ks_archive *a, const struct ks_blob_ref *ref)
{
	return a && ref->data && ref->source &&
	    strcmp(ref->source, "archive") == 0;
}

int
ks_archive_read(struct ks_archive *a, const struct ks_blob_ref *ref,
    struct ks_blob_data *out)
{
	ks_blobpool_take(a->pool, ref->data, out);
	return 0;
}

/* ---- member names ----------------------------------------------------- */

int
ks_archive__clean_name(ks_str *out, const char *name, bool *escaped)
{
	const char *p = name, *end = name + strlen(name);
	int error = 0;

	ks_str_clear(out);
	*escaped = false;
	if (p < end && (*p == '/' || *p == '\\'))
		*escaped = true;
	/* A drive letter: "C:" or "C:\..." */
	if (end - p >= 2 && p[1] == ':' &&
	    ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'))) {
		*escaped = true;
		p += 2;
	}
	while (p < end && error == 0) {
		const char *q = p;
		size_t n;

		while (q < end && *q != '/' && *q != '\\')
			q++;
		n = (size_t)(q - p);
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			*escaped = true;
		} else if (n > 0 && !(n == 1 && p[0] == '.')) {
			if (out->len)
				error = ks_str_putc(out, '/');
			if (error == 0)
				error = ks_str_put(out, p, n);
		}
		p = q < end ? q + 1 : q;
	}
	if (error == 0 && out->len == 0)
		error = ks_str_putc(out, '_');
	return error;
}

/* ---- emitting ----------------------------------------------------------- */

static bool
stopped(const struct walk *w)
{
	return w->cbret || w->fatal || w->stop_all || w->stop_level;
}

static void
call(struct walk *w, const struct ks_blob_ref *ref)
{
	int r = w->cb(ref, w->payload);

	if (r < 0)
		w->fatal = r;
	else if (r)
		w->cbret = r;
}

static void KS_PRINTF(4, 5)
diag(struct walk *w, const char *path, const char *kind, const char *fmt, ...)
{
	struct ks_blob_ref ref = { 0 };
	ks_str msg = KS_STR_INIT;
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = ks_str_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (error < 0) {
		w->fatal = error;
		goto done;
	}
	ref.source = "archive";
	ref.path = path;
	ref.size = UINT64_MAX;
	ref.diag_kind = kind;
	ref.diag_message = msg.ptr;
	call(w, &ref);
done:
	ks_str_dispose(&msg);
}

static void
emit_blob(struct walk *w, const char *path, ks_str *blob)
{
	struct ks_blob_ref ref = { 0 };
	int error;

	ref.source = "archive";
	ref.path = path;
	if ((error = ks_blobpool_put(w->a->pool, blob, &ref.data,
	    &ref.len)) < 0) {
		w->fatal = error;
		return;
	}
	ref.size = ref.len;
	call(w, &ref);
}

/* ---- walking ------------------------------------------------------------ */

static struct archive *
archive_new_reader(void)
{
	struct archive *ar = archive_read_new();

	if (!ar)
		return NULL;
	archive_read_support_filter_all(ar);
	archive_read_support_format_zip(ar);
	archive_read_support_format_tar(ar);
	archive_read_support_format_gnutar(ar);
	archive_read_support_format_7zip(ar);
	archive_read_support_format_cpio(ar);
	archive_read_support_format_empty(ar);
	return ar;
}

static const char *
errstr(struct archive *ar)
{
	const char *s = archive_error_string(ar);

	return s ? s : "unknown error";
}

static int walk_level(struct walk *w, struct archive *ar, const char *prefix,
    unsigned depth, bool *opened);

/*
 * Whether the member in hand went over the ratio: `out` bytes produced
 * since it began, while the input advanced from `in0`. The input is read
 * in blocks, so the ratio is only meaningful past ratio_floor.
 */
static bool
over_ratio(struct walk *w, struct archive *ar, uint64_t out, int64_t in0)
{
	int64_t in = archive_filter_bytes(ar, -1) - in0;

	if (out <= w->a->lim.ratio_floor)
		return false;
	if (in <= 0)
		in = 1;
	return out / (uint64_t)in >= w->a->lim.max_ratio;
}

/* Zip and 7z find members through their directory: skipping is a seek. */
static bool
seekable_format(struct archive *ar)
{
	int f = archive_format(ar) & ARCHIVE_FORMAT_BASE_MASK;

	return f == ARCHIVE_FORMAT_ZIP || f == ARCHIVE_FORMAT_7ZIP;
}

/*
 * Read the data of the member in hand into `blob` (up to max_member; the
 * rest is drained and counted).
 * Returns false when the member must not be emitted (a diagnostic was).
 */
static bool
read_member(struct walk *w, struct archive *ar, const char *path,
    ks_str *blob)
{
	const struct ks_archive_limits *lim = &w->a->lim;
	bool too_large = false;
	int64_t in0 = archive_filter_bytes(ar, -1);
	uint64_t out = 0;
	la_ssize_t n;
	int error;

	if ((error = ks_blobpool_begin(blob, (size_t)lim->max_member)) < 0) {
		w->fatal = error;
		return false;
	}
	while ((n = archive_read_data(ar, w->chunk, CHUNK)) > 0) {
		out += (uint64_t)n;
		w->total += (uint64_t)n;
		if (w->total > lim->max_total) {
			diag(w, path, "limit", "the archive holds more than "
			    "%llu bytes uncompressed; the rest of it was not "
			    "read", (unsigned long long)lim->max_total);
			w->stop_all = true;
			return false;
		}
		if (over_ratio(w, ar, out, in0)) {
			/* Draining a bomb is what it wants: skip it if the
			 * format can seek past it, else stop this level. */
			bool skip = seekable_format(ar);

			diag(w, path, "archive-bomb", "compression ratio above "
			    "%u:1 (a zip bomb?); %s", lim->max_ratio, skip ?
			    "member skipped" :
			    "the rest of this archive was not read");
			w->stop_level = !skip;
			return false;
		}
		if (too_large ||
		    ks_blobpool_len(blob) + (size_t)n > lim->max_member) {
			too_large = true;
			continue;
		}
		if ((error = ks_str_put(blob, w->chunk, (size_t)n)) < 0) {
			w->fatal = error;
			return false;
		}
	}
	if (n < 0) {
		diag(w, path, "archive-corrupt", "cannot read the member: %s%s",
		    errstr(ar), n == ARCHIVE_FATAL ?
		    "; the rest of this archive was not read" : "");
		if (n == ARCHIVE_FATAL)
			w->stop_level = true;
		return false;
	}
	if (too_large) {
		diag(w, path, "too-large", "larger than the size limit (%llu "
		    "bytes)", (unsigned long long)lim->max_member);
		return false;
	}
	return true;
}

/* A member that is itself an archive: open it from memory. */
static void
visit_nested(struct walk *w, const char *path, ks_str *blob, unsigned depth)
{
	struct archive *inner;
	bool opened = false, stop_level = w->stop_level;
	int r;

	if (depth > w->a->lim.depth) {
		diag(w, path, "limit", "archive nested more than %u levels "
		    "deep, not opened", w->a->lim.depth);
		return;
	}
	if ((inner = archive_new_reader()) == NULL) {
		w->fatal = KS_ENOMEM;
		ks_error_set_oom();
		return;
	}
	r = archive_read_open_memory(inner, ks_blobpool_bytes(blob),
	    ks_blobpool_len(blob));
	if (r == ARCHIVE_OK) {
		w->stop_level = false;
		walk_level(w, inner, path, depth, &opened);
		w->stop_level = stop_level;
	}
	if (!opened && !stopped(w)) {
		diag(w, path, "archive-corrupt", "cannot read as an archive "
		    "(%s); scanned as a plain member", errstr(inner));
		if (!stopped(w))
			emit_blob(w, path, blob);
	}
	archive_read_free(inner);
}

static void
visit_member(struct walk *w, struct archive *ar, struct archive_entry *e,
    const char *prefix, unsigned depth)
{
	const char *name = archive_entry_pathname(e);
	ks_str clean = KS_STR_INIT, path = KS_STR_INIT, blob = KS_STR_INIT;
	mode_t type = archive_entry_filetype(e);
	bool escaped;
	int error;

	if (!name)
		name = "?";
	if ((error = ks_archive__clean_name(&clean, name, &escaped)) < 0 ||
	    (error = ks_str_printf(&path, "%s!%s", prefix, clean.ptr)) < 0) {
		w->fatal = error;
		goto done;
	}
	if (type == AE_IFDIR)
		goto done;
	if (type == AE_IFLNK || archive_entry_symlink(e)) {
		const char *to = archive_entry_symlink(e);

		diag(w, path.ptr, "archive-link", "symbolic link to '%s' "
		    "inside the archive, not followed", to ? to : "?");
		goto done;
	}
	/* A tar hard link without data: the content is another member. */
	if (archive_entry_hardlink(e) && archive_entry_size(e) == 0)
		goto done;
	if (type != AE_IFREG && type != 0) {
		diag(w, path.ptr, "not-regular", "not a regular file (device, "
		    "FIFO or socket) inside the archive, skipped");
		goto done;
	}
	if (escaped) {
		diag(w, path.ptr, "archive-path", "member name '%s' is "
		    "absolute or leaves the archive ('..'); scanned as '%s'",
		    name, clean.ptr);
		if (stopped(w))
			goto done;
	}
	if (archive_entry_is_encrypted(e)) {
		diag(w, path.ptr, "encrypted", "encrypted member, not scanned");
		goto done;
	}
	if (!read_member(w, ar, path.ptr, &blob) || stopped(w))
		goto done;
	if (has_archive_ext(clean.ptr))
		visit_nested(w, path.ptr, &blob, depth + 1);
	else
		emit_blob(w, path.ptr, &blob);
done:
	ks_str_wipe(&blob);
	ks_str_dispose(&clean);
	ks_str_dispose(&path);
}

/*
 * Walk the members of one level. *opened tells whether the first header
 * could be read (the input is an archive at all).
 */
static int
walk_level(struct walk *w, struct archive *ar, const char *prefix,
    unsigned depth, bool *opened)
{
	struct archive_entry *e;
	int r;

	*opened = false;
	while (!stopped(w)) {
		r = archive_read_next_header(ar, &e);
		if (r == ARCHIVE_EOF) {
			*opened = true;
			break;
		}
		if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
			if (*opened)
				diag(w, prefix, "archive-corrupt", "cannot read "
				    "the next member: %s; the rest of this "
				    "archive was not read", errstr(ar));
			break;
		}
		*opened = true;
		if (r == ARCHIVE_FAILED) {
			diag(w, prefix, "archive-corrupt", "cannot read a "
			    "member header: %s; member skipped", errstr(ar));
			continue;
		}
		visit_member(w, ar, e, prefix, depth);
	}
	return w->fatal;
}

/* A top-level archive already open in `ar`; see ks_archive_foreach_file(). */
static bool
walk_top(struct walk *w, struct archive *ar, const char *display)
{
	bool opened = false;

	walk_level(w, ar, display, 1, &opened);
	return opened;
}

int
ks_archive__foreach_memory(struct ks_archive *a, const void *data,
    size_t len, const char *display, ks_blob_ref_cb cb, void *payload)
{
	struct walk w;
	struct archive *ar = NULL;

	memset(&w, 0, sizeof(w));
	w.a = a;
	w.cb = cb;
	w.payload = payload;
	if ((w.chunk = ks__malloc(CHUNK)) == NULL ||
	    (ar = archive_new_reader()) == NULL) {
		ks__free(w.chunk);
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	if (archive_read_open_memory(ar, data, len) == ARCHIVE_OK &&
	    !walk_top(&w, ar, display) && !stopped(&w))
		diag(&w, display, "archive-corrupt", "cannot read as an "
		    "archive (%s)", errstr(ar));
	archive_read_free(ar);
	ks__free(w.chunk);
	return w.fatal ? w.fatal : w.cbret;
}

int
ks_archive_foreach_file(struct ks_archive *a, const char *fs_path,
    int open_flags, const char *display, ks_blob_ref_cb cb, void *payload)
{
	struct walk w;
	struct archive *ar = NULL;
	struct stat st;
	bool opened = false;
	int fd = -1;

	memset(&w, 0, sizeof(w));
	w.a = a;
	w.cb = cb;
	w.payload = payload;
	if ((w.chunk = ks__malloc(CHUNK)) == NULL)
		return KS_ENOMEM;
	if ((fd = ks_source_fs__open(fs_path, open_flags)) < 0 ||
	    fstat(fd, &st) < 0) {
		struct ks_blob_ref ref = { 0 };

		ks_error_set_os("cannot open file");
		ref.source = "fs";
		ref.path = display;
		ref.size = UINT64_MAX;
		ref.diag_kind = "unreadable";
		ref.diag_message = ks_error_last()->message;
		call(&w, &ref);
		goto done;
	}
	if ((ar = archive_new_reader()) == NULL) {
		ks_error_set_oom();
		w.fatal = KS_ENOMEM;
		goto done;
	}
	if (S_ISREG(st.st_mode) &&
	    archive_read_open_fd(ar, fd, READ_BLOCK) == ARCHIVE_OK)
		opened = walk_top(&w, ar, display);
	if (!opened && !stopped(&w)) {
		struct ks_blob_ref ref = { 0 };

		/* Not an archive after all: scan the bytes as they are. */
		diag(&w, display, "archive-corrupt", "cannot read as an "
		    "archive (%s); scanned as a plain file", errstr(ar));
		ref.source = "fs";
		ref.path = display;
		ref.fs_path = fs_path;
		ref.size = UINT64_MAX;
		if (!stopped(&w))
			call(&w, &ref);
	}
done:
	archive_read_free(ar);
	if (fd >= 0)
		close(fd);
	ks__free(w.chunk);
	return w.fatal ? w.fatal : w.cbret;
}
