/*
 * scanner/source_git.c - blobs from git repositories, with provenance
 *
 * Enumeration (the pipeline's enumerator thread, one git_repository):
 *
 *   1. Walk the commits oldest first by commit date (revwalk, TIME |
 *      REVERSE), so the first commit seen introducing a (blob, path) is
 *      the earliest one by commit date, as docs/GIT.md promises.
 *   2. For each commit, diff its tree against its first parent's by
 *      merging the two sorted entry lists and descending only into
 *      subtrees whose ids differ. What is left are the blobs the commit
 *      adds or changes: its candidates. A merge's candidate that another
 *      parent already has at the same path is not an introduction (the
 *      merge just carries it over). A root commit introduces its whole
 *      tree. Cost: proportional to what changed, not to the tree size.
 *   3. Each introduction becomes a blob ref carrying the commit, author
 *      and date. The first for a (blob, path) is the primary one; later
 *      commits introducing the same blob at the same path (a branch that
 *      re-adds it, a cherry-pick) are emitted too, so the store keeps
 *      every (commit, path). The pipeline's seen-set matches each content
 *      once whatever the number of refs.
 *
 * Noseyparker records only the first commit and path per blob; we keep
 * one ref per introduction because "the same secret on three branches"
 * must show three provenances, and introductions are few compared with
 * (commit, path) pairs of a full tree listing.
 *
 * Reading (workers): each worker opens its own git_repository in
 * reader_new (libgit2 objects are not shared across threads) and reads
 * the blob by id. The bytes are borrowed from the git_odb_object, which
 * the reader keeps until its next read: no copy. Strict hash verification
 * is off (see git_init() below and docs/GIT.md for why that is safe here).
 *
 * Problems with one object (corrupt, missing in a shallow or partial
 * clone, a submodule, too large) become diagnostics; the walk goes on.
 */
#include "source_git.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include <keyshift/scan.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "fileio.h"
#include "hash.h"
#include "ignore.h"
#include "seen.h"
#include "vec.h"

/* Deeper trees than this are reported, not followed (stack depth). */
#define MAX_TREE_DEPTH 512

_Static_assert((int)KS_GIT_STAGED == (int)KS_SCAN_GIT_STAGED &&
    (int)KS_GIT_NO_WORKTREE == (int)KS_SCAN_GIT_NO_WORKTREE &&
    (int)KS_GIT_ALL_OBJECTS == (int)KS_SCAN_GIT_ALL_OBJECTS &&
    (int)KS_GIT_FROM_ENV == (int)KS_SCAN_GIT_FROM_ENV,
    "enum ks_git_flags mirrors enum ks_scan_git_flags");

/* ---- libgit2's global state ---------------------------------------- */

/*
 * Applied by git_init() on the calling thread, before a scan's threads
 * start:
 *  - strict hash verification off: libgit2 re-hashes every object it
 *    inflates, which was most of its cost in bulk reads (issue 3: 26 s
 *    against 7.4 s). zlib's adler32 (loose objects and pack entries)
 *    still catches accidental corruption, which is what a scanner must
 *    notice; a deliberately mis-named object is git fsck's business.
 *  - the object cache: commits and trees only (blobs are read once and
 *    never cached), bounded to 64 MiB so peak memory stays bounded.
 *  - the pack window limit bounds mapped (and so resident) pack memory.
 */
/*
 * Take a libgit2 reference and apply the tuning. Lazy, not part of
 * ks_libinit(): libgit2's first initialisation parses the system's CA
 * bundle (Debian builds it with mbedTLS), which was 15% of the CPU time
 * of a scan of one small file, so scans that touch no repository skip it.
 * Settings are process-wide and idempotent; the reference is dropped by
 * the caller with git_libgit2_shutdown().
 */
static int
git_init(void)
{
	if (git_libgit2_init() < 0) {
		ks_error_set(KS_ERROR_GIT, "cannot initialise libgit2");
		return KS_ERROR;
	}
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)64 << 20);
	git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, GIT_OBJECT_BLOB,
	    (size_t)0);
	/* A window is 1 GiB by default on 64-bit: one window then maps a
	 * whole pack, and the mapped limit cannot bound anything. */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, (size_t)16 << 20);
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)64 << 20);
	return 0;
}

/* The one place libgit2 errors are translated (ARCHITECTURE §3.8). */
static int
git_fail(int code, const char *fmt, const char *arg)
{
	const git_error *e = git_error_last();
	char what[512];

	snprintf(what, sizeof(what), fmt, arg ? arg : "");
	ks_error_set(KS_ERROR_GIT, "%s: %s", what,
	    e && e->message ? e->message : "unknown libgit2 error");
	if (code == GIT_ENOTFOUND)
		return KS_ENOTFOUND;
	return KS_ERROR;
}

/* ---- the source ---------------------------------------------------- */

struct git_source {
	git_repository *repo;     /* the enumerator's handle */
	char *gitdir;             /* what readers open */
	char *workdir;            /* NULL for a bare repository */
	char *display;            /* the repository as recorded */
	char *objdir;             /* an extra object directory (quarantine) */
	char *index_file;         /* GIT_INDEX_FILE of a pre-commit hook */
	unsigned flags;           /* enum ks_git_flags */
	uint64_t max_file_size;
	ks_vec revs;              /* char *, owned */
	ks_vec hide;              /* char *, owned */
	ks_str tips;              /* "ref\0hex\0" pairs */
	bool inited;              /* holds a git_libgit2_init() reference */
	struct ks_idset places;   /* struct key32: (blob, path) emitted */
	struct ks_idset blobs;    /* struct key20: blobs emitted (all-objects) */
	struct ks_idset commits;  /* struct key20: commits walked (all-objects) */
	struct ks_idset notes;    /* struct key32: diagnostics given once */
	/* Paths never scanned in history either: --exclude globs (borrowed
	 * from the scan options) and the root .keyshiftignore. */
	const char *const *excludes;
	size_t nexcludes;
	struct ks_ignore ignore;
};

struct key20 { uint8_t k[20]; };
struct key32 { uint8_t k[32]; };

struct git_reader {
	git_repository *repo;
	git_odb *odb;             /* borrowed from repo */
	git_odb_object *last;     /* the bytes handed out last */
};

/* One blob a commit adds or changes. */
struct cand {
	git_oid oid;
	size_t len;
	char path[];
};

struct walk {
	struct git_source *s;
	ks_blob_ref_cb cb;
	void *payload;
	int stop;                 /* the callback's non-zero value */
	ks_str path;              /* current tree prefix, ends with '/' */
	ks_vec cands;             /* struct cand *, this commit's */
	char commit[GIT_OID_HEXSZ + 1];
	ks_str author;
	char date[64];
	unsigned depth;
};

static void
free_item(void *p)
{
	ks__free(p);
}

static int
set_put_key(struct ks_idset *set, const void *key, size_t len, bool *added)
{
	void *e;

	*added = false;
	if (ks_idset_get(set, key))
		return 0;
	if ((e = ks__memdup(key, len)) == NULL)
		return KS_ENOMEM;
	if (ks_idset_put(set, e) < 0) {
		ks__free(e);
		return KS_ENOMEM;
	}
	*added = true;
	return 0;
}

static void
key_of(uint8_t out[32], const char *tag, const git_oid *oid,
    const char *path)
{
	const void *parts[3] = { tag, oid ? oid->id : (const uint8_t *)"",
	    path };
	size_t lens[3] = { strlen(tag) + 1, oid ? GIT_OID_RAWSZ : 0,
	    strlen(path) };

	ks_sha256_parts(out, 3, parts, lens);
}

/* HEAD, objects/ and refs/: what git itself checks (setup.c). */
static bool
looks_like_gitdir(const char *dir)
{
	static const char *const need[] = { "HEAD", "objects", "refs" };
	struct stat st;
	ks_str p = KS_STR_INIT;
	bool yes = true;
	size_t i;

	for (i = 0; i < 3 && yes; i++) {
		ks_str_clear(&p);
		yes = ks_str_printf(&p, "%s/%s", dir, need[i]) == 0 &&
		    stat(p.ptr, &st) == 0 &&
		    (i == 0 ? S_ISREG(st.st_mode) : S_ISDIR(st.st_mode));
	}
	ks_str_dispose(&p);
	return yes;
}

static bool
looks_like_gitfile(const char *path)
{
	char buf[8] = { 0 };
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, 7);
	close(fd);
	return n == 7 && memcmp(buf, "gitdir:", 7) == 0;
}

bool
ks_source_git_is_repo(const char *target)
{
	struct stat st;
	ks_str p = KS_STR_INIT;
	bool yes = false;

	if (stat(target, &st) < 0 || !S_ISDIR(st.st_mode))
		return false;
	if (ks_str_printf(&p, "%s/.git", target) == 0 &&
	    lstat(p.ptr, &st) == 0) {
		if (S_ISREG(st.st_mode))     /* "gitdir: ..." (worktrees) */
			yes = looks_like_gitfile(p.ptr);
		else if (S_ISDIR(st.st_mode))
			yes = looks_like_gitdir(p.ptr);
	} else
		yes = looks_like_gitdir(target);   /* bare */
	ks_str_dispose(&p);
	return yes;
}

static void
git_close(void *p)
{
	struct git_source *s = p;

	if (!s)
		return;
	git_repository_free(s->repo);
	if (s->inited)
		git_libgit2_shutdown();
	ks__free(s->gitdir);
	ks__free(s->workdir);
	ks__free(s->display);
	ks__free(s->objdir);
	ks__free(s->index_file);
	ks_vec_dispose(&s->revs, free_item);
	ks_vec_dispose(&s->hide, free_item);
	ks_str_dispose(&s->tips);
	ks_idset_dispose(&s->places, free_item);
	ks_idset_dispose(&s->blobs, free_item);
	ks_idset_dispose(&s->commits, free_item);
	ks_idset_dispose(&s->notes, free_item);
	ks_ignore_dispose(&s->ignore);
	ks__free(s);
}

/*
 * The root .keyshiftignore: from the working tree, or from HEAD's tree in
 * a bare repository. It applies to every commit's paths, so a rule pack's
 * examples or a vendored corpus stay out of history scans too.
 * (.gitignore is not read: it speaks of untracked files, and whatever was
 * committed despite it is exactly what a history scan must see.)
 */
static int
load_ignore(struct git_source *s)
{
	git_object *obj = NULL;
	ks_str text = KS_STR_INIT;
	int error = 0;

	if (s->workdir) {
		ks_str path = KS_STR_INIT;

		if ((error = ks_str_printf(&path, "%s.keyshiftignore",
		    s->workdir)) == 0) {
			error = ks_file_read(&text, path.ptr, (size_t)1 << 20);
			if (error == KS_ENOTFOUND) {
				ks_error_clear();
				error = 0;
			}
		}
		ks_str_dispose(&path);
	} else if (git_revparse_single(&obj, s->repo,
	    "HEAD:.keyshiftignore") == 0 &&
	    git_object_type(obj) == GIT_OBJECT_BLOB) {
		const git_blob *b = (const git_blob *)obj;

		error = ks_str_put(&text, git_blob_rawcontent(b),
		    (size_t)git_blob_rawsize(b));
	}
	git_error_clear();
	if (error == 0 && text.len)
		error = ks_ignore_push_text(&s->ignore, "", text.ptr,
		    text.len);
	git_object_free(obj);
	ks_str_dispose(&text);
	return error;
}

/* Is a history path excluded: by a glob, or by .keyshiftignore for the
 * path or any directory above it? */
static bool
path_excluded(const struct git_source *s, const char *path)
{
	const char *name = strrchr(path, '/');
	char dir[4096];
	size_t i, n = strlen(path);

	name = name ? name + 1 : path;
	for (i = 0; i < s->nexcludes; i++)
		if (fnmatch(s->excludes[i], path, 0) == 0 ||
		    fnmatch(s->excludes[i], name, 0) == 0)
			return true;
	if (s->ignore.lists.len == 0)
		return false;
	for (i = 0; i < n && i < sizeof(dir); i++) {
		if (path[i] != '/')
			continue;
		memcpy(dir, path, i);
		dir[i] = '\0';
		if (ks_ignore_match(&s->ignore, dir, true))
			return true;
	}
	return ks_ignore_match(&s->ignore, path, false);
}

static int
copy_strings(ks_vec *v, const char *const *list, size_t n)
{
	size_t i;
	char *c;

	for (i = 0; i < n; i++) {
		if ((c = ks__strdup(list[i])) == NULL)
			return KS_ENOMEM;
		if (ks_vec_push(v, c) < 0) {
			ks__free(c);
			return KS_ENOMEM;
		}
	}
	return 0;
}

static int
open_repo(git_repository **out, const struct git_source *s)
{
	git_odb *odb = NULL;
	int error;

	if ((error = git_repository_open_ext(out, s->gitdir,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0)
		return git_fail(error, "cannot open repository '%s'",
		    s->display);
	/* In a pre-receive hook the pushed objects are in a quarantine
	 * directory that only GIT_OBJECT_DIRECTORY names. */
	if (s->objdir && (git_repository_odb(&odb, *out) < 0 ||
	    git_odb_add_disk_alternate(odb, s->objdir) < 0)) {
		error = git_fail(-1, "cannot add object directory '%s'",
		    s->objdir);
		git_odb_free(odb);
		git_repository_free(*out);
		*out = NULL;
		return error;
	}
	git_odb_free(odb);
	return 0;
}

static int
dup_env_path(char **out, const char *name)
{
	const char *v = getenv(name);
	char *abs;

	*out = NULL;
	if (!v || !*v)
		return 0;
	/* Hooks run at the top of the working tree (or in the git dir);
	 * resolve now, readers may run after a chdir by the caller. */
	if ((abs = realpath(v, NULL)) != NULL) {
		*out = ks__strdup(abs);
		free(abs);
	} else
		*out = ks__strdup(v);
	return *out ? 0 : KS_ENOMEM;
}

int
ks_source_git_open(void **out, const char *target,
    const struct ks_source_config *cfg, const struct ks_git_options *g)
{
	struct git_source *s = NULL;
	const char *dir;
	int error = KS_ENOMEM;

	*out = NULL;
	if ((s = ks__calloc(1, sizeof(*s))) == NULL)
		return KS_ENOMEM;
	ks_str_init(&s->tips, 0);
	if (git_init() < 0) {
		ks__free(s);
		return KS_ERROR;
	}
	s->inited = true;
	s->places.keylen = s->notes.keylen = sizeof(struct key32);
	s->blobs.keylen = s->commits.keylen = sizeof(struct key20);
	s->flags = g ? g->flags : 0;
	s->max_file_size = cfg && cfg->max_file_size ? cfg->max_file_size :
	    KS_SCAN_MAX_FILE_SIZE;
	/* The repository as recorded: absolute, so records from different
	 * working directories agree. */
	{
		char *abs = realpath(target, NULL);

		s->display = ks__strdup(abs ? abs : target);
		free(abs);
		if (!s->display)
			goto done;
	}
	if (g && ((error = copy_strings(&s->revs, g->revs, g->nrevs)) < 0 ||
	    (error = copy_strings(&s->hide, g->hide, g->nhide)) < 0))
		goto done;
	if ((s->flags & KS_GIT_FROM_ENV) &&
	    (error = dup_env_path(&s->objdir, "GIT_OBJECT_DIRECTORY")) < 0)
		goto done;
	if ((s->flags & KS_GIT_STAGED) &&
	    (error = dup_env_path(&s->index_file, "GIT_INDEX_FILE")) < 0)
		goto done;
	if ((error = git_repository_open_ext(&s->repo, target,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0) {
		error = git_fail(error, "cannot open repository '%s'",
		    target);
		if (error == KS_ENOTFOUND)
			error = KS_EINVALID;
		goto done;
	}
	error = KS_ENOMEM;
	if ((s->gitdir = ks__strdup(git_repository_path(s->repo))) == NULL)
		goto done;
	if ((dir = git_repository_workdir(s->repo)) != NULL &&
	    (s->workdir = ks__strdup(dir)) == NULL)
		goto done;
	if (s->objdir) {
		git_repository_free(s->repo);
		s->repo = NULL;
		if ((error = open_repo(&s->repo, s)) < 0)
			goto done;
	}
	if (cfg) {
		s->excludes = cfg->excludes;
		s->nexcludes = cfg->nexcludes;
		if (!(cfg->flags & KS_SCAN_NO_IGNORE) &&
		    (error = load_ignore(s)) < 0)
			goto done;
	}
	*out = s;
	s = NULL;
	error = 0;
done:
	git_close(s);
	return error;
}

static int
git_open_ops(void **out, const char *target, const struct ks_source_config *cfg)
{
	struct ks_git_options g = KS_GIT_OPTIONS_INIT;
	const ks_scan_options *o = cfg ? cfg->scan : NULL;

	if (o) {
		/* enum ks_git_flags mirrors enum ks_scan_git_flags */
		g.flags = o->git_flags & (KS_GIT_STAGED | KS_GIT_NO_WORKTREE |
		    KS_GIT_ALL_OBJECTS | KS_GIT_FROM_ENV);
		g.revs = o->git_revs;
		g.nrevs = o->git_revs ? o->ngit_revs : 0;
		g.hide = o->git_hide;
		g.nhide = o->git_hide ? o->ngit_hide : 0;
	}
	return ks_source_git_open(out, target, cfg, &g);
}

const char *
ks_source_git_repo(void *src)
{
	return ((struct git_source *)src)->display;
}


static int record_tip(git_reference *ref, void *payload);
static int foreach_old_stash(git_repository *repo,
    int (*cb)(const git_oid *, size_t, void *), void *payload);
static int record_stash(const git_oid *id, size_t n, void *payload);

int
ks_source_git_snapshot(const char *target, char **repo_out, ks_str *pairs)
{
	struct git_source s;
	char *abs = NULL;
	int error;

	*repo_out = NULL;
	memset(&s, 0, sizeof(s));
	ks_str_init(&s.tips, 0);
	if (git_init() < 0)
		return KS_ERROR;
	if ((error = git_repository_open_ext(&s.repo, target,
	    GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)) < 0) {
		error = git_fail(error, "cannot open repository '%s'", target);
		git_libgit2_shutdown();
		return error == KS_ENOTFOUND ? KS_EINVALID : error;
	}
	if (git_reference_foreach(s.repo, record_tip, &s) < 0 ||
	    foreach_old_stash(s.repo, record_stash, &s) < 0)
		error = KS_ENOMEM;
	else if ((error = ks_str_put(pairs, s.tips.ptr, s.tips.len)) == 0) {
		abs = realpath(git_repository_path(s.repo), NULL);
		*repo_out = ks__strdup(abs ? abs : git_repository_path(s.repo));
		free(abs);
		if (!*repo_out)
			error = KS_ENOMEM;
	}
	ks_str_dispose(&s.tips);
	git_repository_free(s.repo);
	git_libgit2_shutdown();
	return error;
}

/* ---- emitting refs -------------------------------------------------- */

static int
emit(struct walk *w, struct ks_blob_ref *ref)
{
	int r;

	if (w->stop)
		return w->stop;
	if ((r = w->cb(ref, w->payload)) != 0)
		w->stop = r;
	return r;
}

/* A diagnostic without a blob; `once` keys it so it is given once. */
static int
emit_diag(struct walk *w, const char *path, const char *kind,
    const char *msg, const char *once)
{
	struct ks_blob_ref ref;
	uint8_t key[32];
	bool added = true;
	int error;

	if (once) {
		key_of(key, kind, NULL, once);
		if ((error = set_put_key(&w->s->notes, key, sizeof(key),
		    &added)) < 0)
			return error;
		if (!added)
			return 0;
	}
	memset(&ref, 0, sizeof(ref));
	ref.source = "git";
	ref.path = path && *path ? path : w->s->display;
	ref.size = UINT64_MAX;
	ref.repo = w->s->display;
	ref.commit = w->commit[0] ? w->commit : NULL;
	ref.diag_kind = kind;
	ref.diag_message = msg;
	return emit(w, &ref);
}

static int
emit_diag_git(struct walk *w, const char *path, const char *kind,
    const char *what, const char *once)
{
	const git_error *e = git_error_last();
	char msg[640];

	snprintf(msg, sizeof(msg), "%s: %s", what,
	    e && e->message ? e->message : "unknown libgit2 error");
	return emit_diag(w, path, kind, msg, once);
}

static int
emit_blob(struct walk *w, const char *source, const char *path,
    const git_oid *oid, bool with_commit)
{
	struct ks_blob_ref ref;
	char hex[GIT_OID_HEXSZ + 1];
	bool added;
	int error;

	if (w->s->flags & KS_GIT_ALL_OBJECTS &&
	    (error = set_put_key(&w->s->blobs, oid->id, GIT_OID_RAWSZ,
	    &added)) < 0)
		return error;
	if (path && path_excluded(w->s, path))
		return 0;
	git_oid_tostr(hex, sizeof(hex), oid);
	memset(&ref, 0, sizeof(ref));
	ref.source = source;
	ref.path = path;
	ref.oid = hex;
	ref.size = UINT64_MAX;
	ref.repo = w->s->display;
	if (with_commit) {
		ref.commit = w->commit;
		ref.author = w->author.ptr;
		ref.date = w->date;
	}
	return emit(w, &ref);
}

static void
format_date(char out[64], const git_time *t)
{
	time_t when = (time_t)t->time + (time_t)t->offset * 60;
	struct tm tm;
	int off = (t->offset < 0 ? -t->offset : t->offset) % (24 * 60);

	gmtime_r(&when, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, t->offset < 0 ? '-' : '+', off / 60,
	    off % 60);
}

/* ---- tree diff ------------------------------------------------------ */

static int
add_cand(struct walk *w, const char *name, const git_oid *oid)
{
	size_t plen = w->path.len, nlen = strlen(name);
	struct cand *c;

	if ((c = ks__malloc(sizeof(*c) + plen + nlen + 1)) == NULL)
		return KS_ENOMEM;
	git_oid_cpy(&c->oid, oid);
	memcpy(c->path, w->path.ptr, plen);
	memcpy(c->path + plen, name, nlen + 1);
	c->len = plen + nlen;
	if (ks_vec_push(&w->cands, c) < 0) {
		ks__free(c);
		return KS_ENOMEM;
	}
	return 0;
}

static int diff_tree(struct walk *w, const git_oid *old_id,
    const git_oid *new_id);

/* `eo` (old, may be NULL) and `en` (new) have the same name. */
static int
diff_entry(struct walk *w, const git_tree_entry *eo, const git_tree_entry *en)
{
	const char *name = git_tree_entry_name(en);
	size_t keep = w->path.len;
	int error = 0;

	switch (git_tree_entry_type(en)) {
	case GIT_OBJECT_TREE:
		if ((error = ks_str_puts(&w->path, name)) < 0 ||
		    (error = ks_str_putc(&w->path, '/')) < 0)
			break;
		error = diff_tree(w, eo && git_tree_entry_type(eo) ==
		    GIT_OBJECT_TREE ? git_tree_entry_id(eo) : NULL,
		    git_tree_entry_id(en));
		ks_str_truncate(&w->path, keep);
		break;
	case GIT_OBJECT_BLOB:
		error = add_cand(w, name, git_tree_entry_id(en));
		break;
	case GIT_OBJECT_COMMIT: {
		char msg[256], hex[GIT_OID_HEXSZ + 1];

		if ((error = ks_str_puts(&w->path, name)) < 0)
			break;
		git_oid_tostr(hex, sizeof(hex), git_tree_entry_id(en));
		snprintf(msg, sizeof(msg), "submodule (commit %s) not "
		    "scanned: scan its repository separately", hex);
		error = emit_diag(w, w->path.ptr, "submodule", msg,
		    w->path.ptr);
		ks_str_truncate(&w->path, keep);
		break;
	}
	default:
		break;
	}
	return error;
}

static int
lookup_tree(struct walk *w, git_tree **out, const git_oid *id)
{
	char hex[GIT_OID_HEXSZ + 1];

	if (git_tree_lookup(out, w->s->repo, id) == 0)
		return 0;
	git_oid_tostr(hex, sizeof(hex), id);
	*out = NULL;
	return emit_diag_git(w, w->path.ptr, "unreadable",
	    "cannot read tree", hex);
}

static int
diff_tree(struct walk *w, const git_oid *old_id, const git_oid *new_id)
{
	git_tree *old = NULL, *new = NULL;
	size_t i = 0, j = 0, nold, nnew;
	int error = 0;

	if (old_id && git_oid_equal(old_id, new_id))
		return 0;
	if (w->depth >= MAX_TREE_DEPTH)
		return emit_diag(w, w->path.ptr, "limit",
		    "trees nested too deeply: not followed", w->path.ptr);
	if ((error = lookup_tree(w, &new, new_id)) < 0 || !new)
		goto done;
	/* An unreadable old tree: everything in the new one is new. */
	if (old_id && (error = lookup_tree(w, &old, old_id)) < 0)
		goto done;
	w->depth++;
	nold = old ? git_tree_entrycount(old) : 0;
	nnew = git_tree_entrycount(new);
	while (j < nnew && !w->stop) {
		const git_tree_entry *eo = i < nold ?
		    git_tree_entry_byindex(old, i) : NULL;
		const git_tree_entry *en = git_tree_entry_byindex(new, j);
		int cmp = eo ? git_tree_entry_cmp(eo, en) : 1;

		if (cmp < 0) {           /* deleted */
			i++;
			continue;
		}
		if (cmp == 0) {
			i++;
			j++;
			if (git_oid_equal(git_tree_entry_id(eo),
			    git_tree_entry_id(en)))
				continue;
			error = diff_entry(w, eo, en);
		} else {
			j++;
			error = diff_entry(w, NULL, en);
		}
		if (error < 0)
			break;
	}
	w->depth--;
done:
	git_tree_free(old);
	git_tree_free(new);
	return error < 0 ? error : 0;
}

/* ---- commits -------------------------------------------------------- */

/* Whether another parent already has the candidate at its path. */
static bool
in_other_parent(git_tree **ptrees, size_t n, const struct cand *c)
{
	git_tree_entry *e;
	size_t k;
	bool yes;

	for (k = 1; k < n; k++) {
		if (!ptrees[k] || git_tree_entry_bypath(&e, ptrees[k],
		    c->path) < 0)
			continue;
		yes = git_oid_equal(git_tree_entry_id(e), &c->oid);
		git_tree_entry_free(e);
		if (yes)
			return true;
	}
	return false;
}

static int
emit_cands(struct walk *w, git_tree **ptrees, size_t nparents)
{
	size_t i;
	int error = 0;

	for (i = 0; i < w->cands.len && !w->stop; i++) {
		const struct cand *c = w->cands.items[i];
		uint8_t key[32];
		bool added;

		if (nparents > 1 && in_other_parent(ptrees, nparents, c))
			continue;
		key_of(key, "place", &c->oid, c->path);
		if ((error = set_put_key(&w->s->places, key, sizeof(key),
		    &added)) < 0)
			break;
		if ((error = emit_blob(w, "git", c->path, &c->oid,
		    true)) < 0)
			break;
	}
	return error < 0 ? error : 0;
}

static int
commit_info(struct walk *w, const git_commit *c)
{
	const git_signature *a = git_commit_author(c);

	git_oid_tostr(w->commit, sizeof(w->commit), git_commit_id(c));
	ks_str_clear(&w->author);
	if (!a) {
		w->date[0] = '\0';
		return 0;
	}
	format_date(w->date, &a->when);
	return ks_str_printf(&w->author, "%s <%s>", a->name ? a->name : "",
	    a->email ? a->email : "");
}

#define MAX_PARENTS 64

static int
walk_commit(struct walk *w, const git_oid *id)
{
	git_commit *c = NULL, *pc = NULL;
	git_tree *ptrees[MAX_PARENTS] = { NULL };
	const git_oid *ptree0 = NULL;
	git_oid ptree0_id;
	size_t np, k;
	char hex[GIT_OID_HEXSZ + 1];
	int error = 0;

	w->commit[0] = '\0';
	if (git_commit_lookup(&c, w->s->repo, id) < 0) {
		git_oid_tostr(hex, sizeof(hex), id);
		return emit_diag_git(w, NULL, "unreadable",
		    "cannot read commit", hex);
	}
	if ((error = commit_info(w, c)) < 0)
		goto done;
	np = git_commit_parentcount(c);
	if (np > MAX_PARENTS)
		np = MAX_PARENTS;
	for (k = 0; k < np; k++) {
		if (git_commit_parent(&pc, c, (unsigned)k) < 0) {
			git_oid_tostr(hex, sizeof(hex),
			    git_commit_parent_id(c, (unsigned)k));
			if ((error = emit_diag_git(w, NULL, "missing",
			    "parent commit missing (shallow or partial "
			    "clone?); its files count as new", hex)) < 0)
				goto done;
			continue;
		}
		if (k == 0) {
			git_oid_cpy(&ptree0_id, git_commit_tree_id(pc));
			ptree0 = &ptree0_id;
		} else if (git_commit_tree(&ptrees[k], pc) < 0)
			ptrees[k] = NULL;
		git_commit_free(pc);
		pc = NULL;
	}
	ks_str_clear(&w->path);
	if ((error = diff_tree(w, ptree0, git_commit_tree_id(c))) < 0)
		goto done;
	error = emit_cands(w, ptrees, np);
done:
	for (k = 0; k < MAX_PARENTS; k++)
		git_tree_free(ptrees[k]);
	ks_vec_dispose(&w->cands, free_item);
	git_commit_free(c);
	return error;
}

/* ---- the walk -------------------------------------------------------- */

static int
record_tip(git_reference *ref, void *payload)
{
	struct git_source *s = payload;
	git_object *obj = NULL;
	char hex[GIT_OID_HEXSZ + 1];
	int error = 0;

	if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
		git_oid_tostr(hex, sizeof(hex), git_object_id(obj));
		if (ks_str_put(&s->tips, git_reference_name(ref),
		    strlen(git_reference_name(ref)) + 1) < 0 ||
		    ks_str_put(&s->tips, hex, strlen(hex) + 1) < 0)
			error = KS_ENOMEM;
	}
	git_object_free(obj);
	git_reference_free(ref);
	return error;
}

/*
 * The older stash entries: `git stash` keeps only the newest in refs/stash;
 * stash@{1} and older live in its reflog, which no ref glob reaches. `cb`
 * is called for each of them (entry 0 is refs/stash itself).
 */
typedef int (*stash_cb)(const git_oid *id, size_t n, void *payload);

static int
foreach_old_stash(git_repository *repo, stash_cb cb, void *payload)
{
	git_reflog *log = NULL;
	size_t i, n;
	int error = 0;

	if (git_reflog_read(&log, repo, "refs/stash") < 0) {
		git_error_clear();
		return 0;
	}
	n = git_reflog_entrycount(log);
	for (i = 1; i < n && !error; i++) {
		const git_reflog_entry *e = git_reflog_entry_byindex(log, i);

		if (e)
			error = cb(git_reflog_entry_id_new(e), i, payload);
	}
	git_reflog_free(log);
	return error;
}

static int
record_stash(const git_oid *id, size_t n, void *payload)
{
	struct git_source *s = payload;
	char name[64], hex[GIT_OID_HEXSZ + 1];

	snprintf(name, sizeof(name), "refs/stash@{%zu}", n);
	git_oid_tostr(hex, sizeof(hex), id);
	if (ks_str_put(&s->tips, name, strlen(name) + 1) < 0 ||
	    ks_str_put(&s->tips, hex, strlen(hex) + 1) < 0)
		return KS_ENOMEM;
	return 0;
}

static int
push_stash(const git_oid *id, size_t n, void *payload)
{
	(void)n;
	if (git_revwalk_push(payload, id) < 0)
		git_error_clear();      /* a pruned entry: nothing to walk */
	return 0;
}

static int
push_rev(struct walk *w, git_revwalk *rw, const char *spec)
{
	git_object *obj = NULL;
	bool hide = spec[0] == '^';
	int r;

	if (strstr(spec, ".."))
		r = git_revwalk_push_range(rw, spec);
	else if (!strcmp(spec, "^--all"))
		r = git_revwalk_hide_glob(rw, "*");
	else if (!strcmp(spec, "^--remotes"))
		r = git_revwalk_hide_glob(rw, "remotes/*");
	else if (!strcmp(spec, "--all"))
		r = git_revwalk_push_glob(rw, "*");
	else if ((r = git_revparse_single(&obj, w->s->repo,
	    spec + hide)) == 0) {
		git_object *commit = NULL;

		if ((r = git_object_peel(&commit, obj,
		    GIT_OBJECT_COMMIT)) == 0) {
			r = hide ? git_revwalk_hide(rw, git_object_id(commit)) :
			    git_revwalk_push(rw, git_object_id(commit));
			git_object_free(commit);
		}
		git_object_free(obj);
	}
	if (r < 0) {
		r = git_fail(r, "bad revision '%s'", spec);
		return r == KS_ENOTFOUND ? KS_EINVALID : r;
	}
	return 0;
}

static int
setup_walk(struct walk *w, git_revwalk *rw)
{
	struct git_source *s = w->s;
	git_oid id;
	size_t i;
	int error;

	git_revwalk_sorting(rw, GIT_SORT_TIME | GIT_SORT_REVERSE);
	if (s->revs.len) {
		for (i = 0; i < s->revs.len; i++)
			if ((error = push_rev(w, rw, s->revs.items[i])) < 0)
				return error;
	} else {
		/* Every ref (branches, tags, remotes, refs/stash and its
		 * index and untracked parents), every older stash entry,
		 * and a detached HEAD. */
		if (git_revwalk_push_glob(rw, "*") < 0)
			return git_fail(-1, "cannot list the refs of '%s'",
			    s->display);
		(void)git_revwalk_push_head(rw);
		git_error_clear();
		(void)foreach_old_stash(s->repo, push_stash, rw);
	}
	/* Incremental: what an earlier scan covered. A commit that no
	 * longer exists (rewritten history) hides nothing. */
	for (i = 0; i < s->hide.len; i++)
		if (git_oid_fromstr(&id, s->hide.items[i]) == 0 &&
		    git_revwalk_hide(rw, &id) < 0)
			git_error_clear();
	return 0;
}

static int
note_commit(struct walk *w, const git_oid *id)
{
	bool added;

	if (!(w->s->flags & KS_GIT_ALL_OBJECTS))
		return 0;
	return set_put_key(&w->s->commits, id->id, GIT_OID_RAWSZ, &added);
}

/*
 * libgit2 1.5's revwalk fails at the boundary of a shallow clone (the
 * parents it lists are missing), so a shallow repository is walked here:
 * every commit reachable from the refs, parents that are missing skipped,
 * then sorted oldest first by commit date like the revwalk.
 */
struct dated {
	git_oid id;
	git_time_t when;
};

static int
cmp_dated(const void *a, const void *b)
{
	const struct dated *x = *(struct dated *const *)a;
	const struct dated *y = *(struct dated *const *)b;

	if (x->when != y->when)
		return x->when < y->when ? -1 : 1;
	return git_oid_cmp(&x->id, &y->id);
}

static int
push_tip(git_reference *ref, void *payload)
{
	ks_vec *stack = payload;
	git_object *obj = NULL;
	git_oid *id;
	int error = 0;

	if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
		if ((id = ks__malloc(sizeof(*id))) == NULL ||
		    ks_vec_push(stack, id) < 0) {
			ks__free(id);
			error = KS_ENOMEM;
		} else
			git_oid_cpy(id, git_object_id(obj));
	}
	git_error_clear();
	git_object_free(obj);
	git_reference_free(ref);
	return error;
}

static int
stack_stash(const git_oid *id, size_t n, void *payload)
{
	git_oid *copy = ks__malloc(sizeof(*copy));

	(void)n;
	if (!copy || ks_vec_push(payload, copy) < 0) {
		ks__free(copy);
		return KS_ENOMEM;
	}
	git_oid_cpy(copy, id);
	return 0;
}

static int
walk_shallow(struct walk *w)
{
	struct ks_idset seen = KS_IDSET_INIT(sizeof(struct key20));
	ks_vec stack = KS_VEC_INIT, all = KS_VEC_INIT;
	git_commit *c;
	size_t i;
	bool added;
	int error;

	if ((error = git_reference_foreach(w->s->repo, push_tip,
	    &stack)) < 0 ||
	    (error = foreach_old_stash(w->s->repo, stack_stash, &stack)) < 0)
		goto done;
	while (stack.len && !w->stop) {
		git_oid *id = stack.items[--stack.len];
		struct dated *d;

		if ((error = set_put_key(&seen, id->id, GIT_OID_RAWSZ,
		    &added)) < 0 || !added ||
		    git_commit_lookup(&c, w->s->repo, id) < 0) {
			git_error_clear();
			ks__free(id);
			if (error < 0)
				goto done;
			continue;
		}
		if ((d = ks__malloc(sizeof(*d))) == NULL ||
		    ks_vec_push(&all, d) < 0) {
			ks__free(d);
			ks__free(id);
			git_commit_free(c);
			error = KS_ENOMEM;
			goto done;
		}
		git_oid_cpy(&d->id, id);
		d->when = git_commit_time(c);
		ks__free(id);
		for (i = 0; i < git_commit_parentcount(c); i++) {
			git_oid *pid = ks__malloc(sizeof(*pid));

			if (!pid || ks_vec_push(&stack, pid) < 0) {
				ks__free(pid);
				git_commit_free(c);
				error = KS_ENOMEM;
				goto done;
			}
			git_oid_cpy(pid, git_commit_parent_id(c,
			    (unsigned)i));
		}
		git_commit_free(c);
	}
	ks_vec_sort(&all, cmp_dated);
	for (i = 0; i < all.len && !w->stop; i++) {
		const struct dated *d = all.items[i];

		if ((error = note_commit(w, &d->id)) < 0 ||
		    (error = walk_commit(w, &d->id)) < 0)
			goto done;
	}
done:
	ks_vec_dispose(&stack, free_item);
	ks_vec_dispose(&all, free_item);
	ks_idset_dispose(&seen, free_item);
	return error;
}

static int
walk_history(struct walk *w)
{
	git_revwalk *rw = NULL;
	git_oid id;
	int error, r;

	if (!w->s->revs.len && git_repository_is_shallow(w->s->repo) == 1)
		return walk_shallow(w);
	if (git_revwalk_new(&rw, w->s->repo) < 0)
		return git_fail(-1, "cannot walk '%s'", w->s->display);
	if ((error = setup_walk(w, rw)) < 0)
		goto done;
	while (!w->stop && (r = git_revwalk_next(&id, rw)) == 0) {
		if ((error = note_commit(w, &id)) < 0 ||
		    (error = walk_commit(w, &id)) < 0)
			goto done;
	}
	if (!w->stop && r != GIT_ITEROVER) {
		/* A commit that cannot be parsed ends the walk there; what
		 * was walked is scanned and the rest is a diagnostic. */
		w->commit[0] = '\0';
		error = emit_diag_git(w, NULL, "unreadable",
		    "history walk stopped", NULL);
	}
done:
	git_revwalk_free(rw);
	return error;
}

/* ---- unreachable objects (--all-objects) ------------------------------ */

struct odb_scan {
	struct walk *w;
	ks_vec commits;   /* git_oid *: unreachable commits */
	ks_vec blobs;     /* git_oid *: blobs no walked commit introduced */
	git_odb *odb;
};

static int
collect_object(const git_oid *id, void *payload)
{
	struct odb_scan *o = payload;
	struct git_source *s = o->w->s;
	git_object_t type;
	size_t len;
	ks_vec *v;
	git_oid *copy;

	if (git_odb_read_header(&len, &type, o->odb, id) < 0) {
		git_error_clear();
		return 0;
	}
	if (type == GIT_OBJECT_COMMIT && !ks_idset_get(&s->commits, id->id))
		v = &o->commits;
	else if (type == GIT_OBJECT_BLOB)
		v = &o->blobs;
	else
		return 0;
	if ((copy = ks__malloc(sizeof(*copy))) == NULL)
		return KS_ENOMEM;
	git_oid_cpy(copy, id);
	if (ks_vec_push(v, copy) < 0) {
		ks__free(copy);
		return KS_ENOMEM;
	}
	return 0;
}

static int
cmp_oidp(const void *a, const void *b)
{
	return git_oid_cmp(*(git_oid *const *)a, *(git_oid *const *)b);
}

static int
walk_unreachable(struct walk *w)
{
	struct odb_scan o = { w, KS_VEC_INIT, KS_VEC_INIT, NULL };
	char hex[GIT_OID_HEXSZ + 1], path[GIT_OID_HEXSZ + 32];
	size_t i;
	int error;

	if (git_repository_odb(&o.odb, w->s->repo) < 0)
		return git_fail(-1, "cannot open the objects of '%s'",
		    w->s->display);
	if ((error = git_odb_foreach(o.odb, collect_object, &o)) < 0) {
		if (error != KS_ENOMEM)
			error = emit_diag_git(w, NULL, "unreadable",
			    "cannot list every object", NULL);
		goto done;
	}
	/* odb order is the packs' and the filesystem's: sort. */
	ks_vec_sort(&o.commits, cmp_oidp);
	ks_vec_sort(&o.blobs, cmp_oidp);
	/* Unreachable commits introduce blobs like any other commit. */
	for (i = 0; i < o.commits.len && !w->stop; i++)
		if ((error = walk_commit(w, o.commits.items[i])) < 0)
			goto done;
	w->commit[0] = '\0';
	for (i = 0; i < o.blobs.len && !w->stop; i++) {
		const git_oid *id = o.blobs.items[i];

		if (ks_idset_get(&w->s->blobs, id->id))
			continue;
		git_oid_tostr(hex, sizeof(hex), id);
		snprintf(path, sizeof(path), "(unreachable blob %s)", hex);
		if ((error = emit_blob(w, "git", path, id, false)) < 0)
			goto done;
	}
done:
	ks_vec_dispose(&o.commits, free_item);
	ks_vec_dispose(&o.blobs, free_item);
	git_odb_free(o.odb);
	return error;
}

/* ---- the working tree ------------------------------------------------- */

static int
emit_file(struct walk *w, const char *path)
{
	struct ks_blob_ref ref;
	ks_str full = KS_STR_INIT;
	int error;

	if (path_excluded(w->s, path))
		return 0;
	if ((error = ks_str_printf(&full, "%s%s", w->s->workdir, path)) < 0)
		return error;
	memset(&ref, 0, sizeof(ref));
	ref.source = "worktree";
	ref.path = path;
	ref.fs_path = full.ptr;
	ref.size = UINT64_MAX;
	ref.repo = w->s->display;
	error = emit(w, &ref);
	ks_str_dispose(&full);
	return error;
}

static int
walk_worktree(struct walk *w)
{
	git_status_options so;
	git_status_list *list = NULL;
	size_t i, n;
	int error = 0;

	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);

	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED |
	    GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS |
	    GIT_STATUS_OPT_EXCLUDE_SUBMODULES;
	w->commit[0] = '\0';
	if (git_status_list_new(&list, w->s->repo, &so) < 0)
		return emit_diag_git(w, NULL, "unreadable",
		    "cannot read the working tree status", NULL);
	n = git_status_list_entrycount(list);
	for (i = 0; i < n && !w->stop; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d;

		/* Staged content no commit has. */
		if ((d = e->head_to_index) != NULL &&
		    d->new_file.mode != GIT_FILEMODE_COMMIT &&
		    (e->status & (GIT_STATUS_INDEX_NEW |
		    GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_RENAMED |
		    GIT_STATUS_INDEX_TYPECHANGE)) &&
		    (error = emit_blob(w, "staged", d->new_file.path,
		    &d->new_file.id, false)) < 0)
			break;
		if ((d = e->index_to_workdir) != NULL &&
		    (e->status & (GIT_STATUS_WT_NEW | GIT_STATUS_WT_MODIFIED |
		    GIT_STATUS_WT_TYPECHANGE | GIT_STATUS_WT_RENAMED)) &&
		    (d->new_file.mode == GIT_FILEMODE_BLOB ||
		    d->new_file.mode == GIT_FILEMODE_BLOB_EXECUTABLE ||
		    d->new_file.mode == GIT_FILEMODE_UNREADABLE) &&
		    (error = emit_file(w, d->new_file.path)) < 0)
			break;
	}
	git_status_list_free(list);
	return error < 0 ? error : 0;
}

/* ---- staged changes (pre-commit) --------------------------------------- */

struct staged {
	struct walk *w;
	git_index *index;
	size_t next;              /* index cursor */
	size_t count;
	ks_vec deleted;           /* git_oid *: HEAD blobs the index lacks */
	ks_vec added;             /* size_t (index positions) at new paths */
	ks_str full;
};

static bool
is_file_entry(const git_index_entry *e)
{
	return e->mode != GIT_FILEMODE_COMMIT &&
	    GIT_INDEX_ENTRY_STAGE(e) != 1;   /* 1: the merge base */
}

static int
staged_emit(struct staged *st, const git_index_entry *e)
{
	if (!is_file_entry(e))
		return 0;
	return emit_blob(st->w, "staged", e->path, &e->id, false);
}

static int
staged_new(struct staged *st, size_t pos)
{
	if (!is_file_entry(git_index_get_byindex(st->index, pos)))
		return 0;
	/* Decided after the walk: a new path whose content HEAD had at a
	 * deleted path is a rename, nothing new to scan. */
	return ks_vec_push(&st->added, (void *)(uintptr_t)(pos + 1));
}

static int
staged_visit(const char *root, const git_tree_entry *te, void *payload)
{
	struct staged *st = payload;
	const git_index_entry *e;
	int error, cmp;
	bool matched = false;

	if (git_tree_entry_type(te) != GIT_OBJECT_BLOB)
		return 0;
	ks_str_clear(&st->full);
	if (ks_str_puts(&st->full, root) < 0 ||
	    ks_str_puts(&st->full, git_tree_entry_name(te)) < 0)
		return KS_ENOMEM;
	/* Index and a pre-order tree walk are both in path byte order. */
	while (st->next < st->count) {
		e = git_index_get_byindex(st->index, st->next);
		cmp = strcmp(e->path, st->full.ptr);
		if (cmp > 0)
			break;
		if (cmp < 0)
			error = staged_new(st, st->next);
		else {
			matched = true;
			error = git_oid_equal(&e->id, git_tree_entry_id(te)) ?
			    0 : staged_emit(st, e);
		}
		if (error < 0)
			return error;
		st->next++;
		if (st->w->stop)
			return GIT_EUSER;   /* negative: ends the walk */
	}
	if (!matched) {
		git_oid *copy = ks__malloc(sizeof(*copy));

		if (!copy)
			return KS_ENOMEM;
		git_oid_cpy(copy, git_tree_entry_id(te));
		if (ks_vec_push(&st->deleted, copy) < 0) {
			ks__free(copy);
			return KS_ENOMEM;
		}
	}
	return 0;
}

static bool
was_deleted(const struct staged *st, const git_oid *id)
{
	size_t i;

	for (i = 0; i < st->deleted.len; i++)
		if (git_oid_equal(st->deleted.items[i], id))
			return true;
	return false;
}

static int
walk_staged(struct walk *w)
{
	struct staged st;
	git_object *head = NULL;
	size_t i;
	int error = 0;

	memset(&st, 0, sizeof(st));
	st.w = w;
	ks_str_init(&st.full, 0);
	w->commit[0] = '\0';
	if (w->s->index_file) {
		if (git_index_open(&st.index, w->s->index_file) < 0) {
			error = git_fail(-1, "cannot read the index '%s'",
			    w->s->index_file);
			goto done;
		}
	} else if (git_repository_index(&st.index, w->s->repo) < 0) {
		error = git_fail(-1, "cannot read the index of '%s'",
		    w->s->display);
		goto done;
	}
	st.count = git_index_entrycount(st.index);
	/* No HEAD yet (before the first commit): everything is new. */
	if (git_revparse_single(&head, w->s->repo, "HEAD^{tree}") < 0) {
		git_error_clear();
		head = NULL;
	}
	if (head && (error = git_tree_walk((git_tree *)head, GIT_TREEWALK_PRE,
	    staged_visit, &st)) != 0) {
		if (w->stop || error == KS_ENOMEM)
			goto done;
		error = git_fail(error, "cannot read HEAD of '%s'",
		    w->s->display);
		goto done;
	}
	for (; st.next < st.count; st.next++)
		if ((error = staged_new(&st, st.next)) < 0)
			goto done;
	for (i = 0; i < st.added.len && !w->stop; i++) {
		size_t pos = (size_t)(uintptr_t)st.added.items[i] - 1;
		const git_index_entry *e = git_index_get_byindex(st.index,
		    pos);

		if (was_deleted(&st, &e->id))
			continue;
		if ((error = staged_emit(&st, e)) < 0)
			goto done;
	}
done:
	ks_vec_dispose(&st.deleted, free_item);
	ks_vec_dispose(&st.added, NULL);
	ks_str_dispose(&st.full);
	git_object_free(head);
	git_index_free(st.index);
	if (w->stop)     /* the callback's stop value, in w->stop */
		error = 0;
	return error;
}

/* ---- foreach ----------------------------------------------------------- */

static int
git_foreach(void *p, ks_blob_ref_cb cb, void *payload)
{
	struct git_source *s = p;
	struct walk w;
	int error = 0;

	memset(&w, 0, sizeof(w));
	w.s = s;
	w.cb = cb;
	w.payload = payload;
	ks_str_init(&w.path, 0);
	ks_str_init(&w.author, 0);
	if (s->flags & KS_GIT_STAGED) {
		error = walk_staged(&w);
		goto done;
	}
	if ((error = walk_history(&w)) < 0)
		goto done;
	if (!w.stop && (s->flags & KS_GIT_ALL_OBJECTS) && !s->revs.len &&
	    (error = walk_unreachable(&w)) < 0)
		goto done;
	if (!w.stop && s->workdir && !s->revs.len &&
	    !(s->flags & KS_GIT_NO_WORKTREE))
		error = walk_worktree(&w);
done:
	ks_vec_dispose(&w.cands, free_item);
	ks_str_dispose(&w.path);
	ks_str_dispose(&w.author);
	if (error < 0)
		return error;
	return w.stop;
}

/* ---- readers (workers) ------------------------------------------------- */

static int
git_reader_new(void **out, void *p)
{
	struct git_source *s = p;
	struct git_reader *r;
	int error;

	*out = NULL;
	if ((r = ks__calloc(1, sizeof(*r))) == NULL)
		return KS_ENOMEM;
	if ((error = open_repo(&r->repo, s)) < 0 ||
	    (git_repository_odb(&r->odb, r->repo) < 0 &&
	    (error = git_fail(-1, "cannot open the objects of '%s'",
	    s->display)) < 0)) {
		git_repository_free(r->repo);
		ks__free(r);
		return error;
	}
	*out = r;
	return 0;
}

static void
git_reader_free(void *p)
{
	struct git_reader *r = p;

	if (!r)
		return;
	git_odb_object_free(r->last);
	git_odb_free(r->odb);
	git_repository_free(r->repo);
	ks__free(r);
}

static int
skip(struct ks_blob_data *out, const char *kind)
{
	out->diag_kind = kind;
	return 1;
}

static int
read_file(const struct ks_blob_ref *ref, struct ks_blob_data *out,
    uint64_t max)
{
	struct stat st;
	int fd, error;

	if ((fd = open(ref->fs_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0) {
		ks_error_set_os("cannot open file");
		return skip(out, "unreadable");
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ks_error_set(KS_ERROR_OS, "not a regular file");
		close(fd);
		return skip(out, "unreadable");
	}
	if ((uint64_t)st.st_size > max) {
		ks_error_set(KS_ERROR_OS,
		    "larger than the size limit (%llu > %llu bytes)",
		    (unsigned long long)st.st_size, (unsigned long long)max);
		close(fd);
		return skip(out, "too-large");
	}
	error = ks_fd_read_all(&out->buf, fd, (size_t)max, "file");
	close(fd);
	if (error == KS_ENOMEM && out->buf.len >= max)
		return skip(out, "too-large");
	if (error == KS_ENOMEM)
		return error;
	if (error < 0)
		return skip(out, "unreadable");
	out->ptr = (const uint8_t *)out->buf.ptr;
	out->len = out->buf.len;
	return 0;
}

static int
git_read(void *p, void *reader, const struct ks_blob_ref *ref,
    struct ks_blob_data *out, uint64_t max)
{
	struct git_reader *r = reader;
	git_object_t type;
	git_oid id;
	size_t len;
	int error;

	(void)p;
	if (ref->fs_path)
		return read_file(ref, out, max);
	if (!r || !ref->oid || git_oid_fromstr(&id, ref->oid) < 0) {
		ks_error_set(KS_ERROR_GIT, "no object id to read");
		return skip(out, "unreadable");
	}
	git_odb_object_free(r->last);
	r->last = NULL;
	/* The header first: a huge blob is never inflated. */
	if ((error = git_odb_read_header(&len, &type, r->odb, &id)) < 0) {
		git_fail(error, "cannot read blob %s", ref->oid);
		return skip(out, error == GIT_ENOTFOUND ? "missing" :
		    "unreadable");
	}
	if ((uint64_t)len > max) {
		ks_error_set(KS_ERROR_GIT,
		    "larger than the size limit (%llu > %llu bytes)",
		    (unsigned long long)len, (unsigned long long)max);
		return skip(out, "too-large");
	}
	if ((error = git_odb_read(&r->last, r->odb, &id)) < 0) {
		git_fail(error, "cannot read blob %s", ref->oid);
		return skip(out, error == GIT_ENOTFOUND ? "missing" :
		    "unreadable");
	}
	out->ptr = git_odb_object_data(r->last);
	out->len = git_odb_object_size(r->last);
	return 0;
}

const struct ks_source_ops ks_source_git_ops = {
	"git",
	git_open_ops,
	git_foreach,
	git_close,
	git_reader_new,
	git_reader_free,
	git_read,
};

/* ---- hooks ---------------------------------------------------------- */

int
ks_git_hooks_dir(ks_buf *out, const char *target)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf p = GIT_BUF_INIT;
	ks_str dir = KS_STR_INIT;
	const char *base;
	int error;

	if (git_libgit2_init() < 0) {
		ks_error_set(KS_ERROR_GIT, "cannot initialise libgit2");
		return KS_ERROR;
	}
	if ((error = git_repository_open_ext(&repo, target, 0, NULL)) < 0) {
		error = git_fail(error, "not in a git repository: '%s'",
		    target);
		error = error == KS_ENOTFOUND ? KS_EINVALID : error;
		goto done;
	}
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_path(&p, cfg, "core.hooksPath") == 0 && p.size) {
		/* Relative to where hooks run: the top of the working tree
		 * (the git directory of a bare repository), as git does. */
		base = git_repository_workdir(repo);
		if (!base)
			base = git_repository_path(repo);
		error = p.ptr[0] == '/' ? ks_str_puts(&dir, p.ptr) :
		    ks_str_printf(&dir, "%s%s", base, p.ptr);
	} else {
		git_error_clear();
		error = ks_str_printf(&dir, "%shooks",
		    git_repository_commondir(repo));
	}
	if (error == 0)
		error = ks_buf_set_from_str(out, &dir);
done:
	git_buf_dispose(&p);
	git_config_free(cfg);
	git_repository_free(repo);
	ks_str_dispose(&dir);
	git_libgit2_shutdown();
	return error;
}
