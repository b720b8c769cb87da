/*
 * migrate/patch.c - the change that replaces a secret literal with a
 * reference to the new key, as a unified diff and applied in place
 *
 * The occurrence gives the byte span of the secret. The diff shows the
 * enclosing line as removed (with the secret masked: a diff on a terminal
 * must not reprint what is being retired) and added with the
 * replacement, with up to three lines of context on either side.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <keyshift/migrate.h>

#include "errors.h"
#include "fileio.h"
#include "migrate_int.h"

#define PATCH_FILE_MAX ((size_t)16 << 20)
#define CONTEXT 3

static int
load(ks_str *text, const char *path, uint64_t start, uint64_t end)
{
	int error;

	if ((error = ks_file_read(text, path, PATCH_FILE_MAX)) < 0)
		return error;
	if (start >= end || end > text->len ||
	    memchr(text->ptr + start, '\n', (size_t)(end - start)) ||
	    memchr(text->ptr + start, '\0', (size_t)(end - start))) {
		ks_error_set(KS_ERROR_MIGRATE, "'%s' changed since the scan: "
		    "the secret is no longer at bytes %llu-%llu", path,
		    (unsigned long long)start, (unsigned long long)end);
		return KS_EINVALID;
	}
	return 0;
}

/* Offsets of the start of line `n` back/forward from a position. */
static size_t
line_start(const ks_str *t, size_t pos)
{
	while (pos > 0 && t->ptr[pos - 1] != '\n')
		pos--;
	return pos;
}

static size_t
line_end(const ks_str *t, size_t pos)
{
	const char *nl = memchr(t->ptr + pos, '\n', t->len - pos);

	return nl ? (size_t)(nl - t->ptr) + 1 : t->len;
}

static size_t
line_number(const ks_str *t, size_t pos)
{
	size_t i, n = 1;

	for (i = 0; i < pos; i++)
		n += t->ptr[i] == '\n';
	return n;
}

/* Append lines [a, b) with `prefix`, marking a missing final newline. */
static int
put_lines(ks_str *out, const char *prefix, const char *p, size_t n)
{
	size_t i = 0;
	int error = 0;

	while (i < n && !error) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t len = nl ? (size_t)(nl - (p + i)) : n - i;

		if ((error = ks_str_puts(out, prefix)) == 0 &&
		    (error = ks_str_put(out, p + i, len)) == 0)
			error = ks_str_puts(out, nl ? "\n" :
			    "\n\\ No newline at end of file\n");
		i += len + (nl ? 1 : 0);
	}
	return error;
}

static size_t
count_lines(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += p[i] == '\n';
	return c + (n && p[n - 1] != '\n');
}

int
ks_secret_patch(ks_buf *out, const char *path, const char *display,
    uint64_t start, uint64_t end, const char *replacement)
{
	ks_str t = KS_STR_INIT, d = KS_STR_INIT, old = KS_STR_INIT,
	    neu = KS_STR_INIT;
	size_t ls, le, cs, ce, i, first, nctx_before, nctx_after;
	int error;

	if ((error = load(&t, path, start, end)) < 0)
		goto done;
	ls = line_start(&t, (size_t)start);
	le = line_end(&t, (size_t)end);
	cs = ls;
	for (i = 0; i < CONTEXT && cs > 0; i++)
		cs = line_start(&t, cs - 1);
	ce = le;
	for (i = 0; i < CONTEXT && ce < t.len; i++)
		ce = line_end(&t, ce);
	nctx_before = count_lines(t.ptr + cs, ls - cs);
	nctx_after = count_lines(t.ptr + le, ce - le);
	first = line_number(&t, cs);
	/* the changed line, old (masked) and new */
	if ((error = ks_str_put(&old, t.ptr + ls, (size_t)start - ls)) < 0 ||
	    (error = ks_str_puts(&old, "****")) < 0 ||
	    (error = ks_str_put(&old, t.ptr + end, le - (size_t)end)) < 0 ||
	    (error = ks_str_put(&neu, t.ptr + ls, (size_t)start - ls)) < 0 ||
	    (error = ks_str_puts(&neu, replacement)) < 0 ||
	    (error = ks_str_put(&neu, t.ptr + end, le - (size_t)end)) < 0)
		goto done;
	if ((error = ks_str_printf(&d, "--- a/%s\n+++ b/%s\n@@ -%zu,%zu +%zu,%zu "
	    "@@\n", display, display, first, nctx_before + 1 + nctx_after,
	    first, nctx_before + 1 + nctx_after)) < 0 ||
	    (error = put_lines(&d, " ", t.ptr + cs, ls - cs)) < 0 ||
	    (error = put_lines(&d, "-", old.ptr, old.len)) < 0 ||
	    (error = put_lines(&d, "+", neu.ptr, neu.len)) < 0 ||
	    (error = put_lines(&d, " ", t.ptr + le, ce - le)) < 0)
		goto done;
	error = ks_buf_set(out, d.ptr, d.len);
done:
	ks_str_wipe(&t);
	ks_str_wipe(&old);
	ks_str_dispose(&neu);
	ks_str_dispose(&d);
	return error;
}

int
ks_secret_patch_apply(const char *path, uint64_t start, uint64_t end,
    const char *replacement)
{
	ks_str t = KS_STR_INIT, n = KS_STR_INIT;
	struct stat st;
	int error;

	if ((error = load(&t, path, start, end)) < 0)
		goto done;
	if (stat(path, &st) < 0) {
		ks_error_set_os("cannot stat '%s'", path);
		error = KS_ERROR;
		goto done;
	}
	if ((error = ks_str_put(&n, t.ptr, (size_t)start)) < 0 ||
	    (error = ks_str_puts(&n, replacement)) < 0 ||
	    (error = ks_str_put(&n, t.ptr + end, t.len - (size_t)end)) < 0)
		goto done;
	error = ks_file_replace(path, n.ptr, n.len, (int)(st.st_mode & 07777));
done:
	ks_str_wipe(&t);
	ks_str_wipe(&n);
	return error;
}
