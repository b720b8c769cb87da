/*
 * scanner/ignore.c - .gitignore / .keyshiftignore patterns and globs
 *
 * The subset is described in ignore.h. Matching is a small backtracking
 * glob over bytes: names are at most NAME_MAX bytes and paths PATH_MAX, so
 * the worst case stays small, and no locale or UTF-8 decoding is involved.
 */
#include "ignore.h"

#include <string.h>

#include "alloc.h"
#include "errors.h"
#include "fileio.h"
#include "str.h"

/* An ignore file larger than this is not a real ignore file. */
#define IGNORE_FILE_MAX ((size_t)1 << 20)

struct ignore_pattern {
	char *pat;
	bool negate;
	bool dir_only;
	bool anchored;   /* matched against the path below the base */
};

struct ignore_list {
	char *base;      /* directory of the ignore file, relative; "" = root */
	size_t baselen;
	struct ignore_pattern *pats;
	size_t n;
};

static void
list_free(void *p)
{
	struct ignore_list *l = p;
	size_t i;

	if (!l)
		return;
	for (i = 0; i < l->n; i++)
		ks__free(l->pats[i].pat);
	ks__free(l->pats);
	ks__free(l->base);
	ks__free(l);
}

/* Match a `[...]` class at `p` (just past '['); *end gets past ']'.
 * Returns -1 when the class is unterminated (then '[' is literal). */
static int
match_class(const char *p, unsigned char c, const char **end)
{
	bool negate = false, hit = false;
	const char *q = p;

	if (*q == '!' || *q == '^') {
		negate = true;
		q++;
	}
	if (*q == ']') {
		hit = c == ']';
		q++;
	}
	while (*q && *q != ']') {
		unsigned char lo = (unsigned char)*q, hi;

		if (lo == '\\' && q[1])
			lo = (unsigned char)*++q;
		hi = lo;
		if (q[1] == '-' && q[2] && q[2] != ']') {
			hi = (unsigned char)q[2];
			q += 2;
		}
		if (c >= lo && c <= hi)
			hit = true;
		q++;
	}
	if (*q != ']')
		return -1;
	*end = q + 1;
	return hit != negate;
}

static bool
glob_at(const char *start, const char *p, const char *s)
{
	for (;;) {
		const char *end;
		int r;

		switch (*p) {
		case '\0':
			return *s == '\0';
		case '*':
			if (p[1] == '*' && (p == start || p[-1] == '/') &&
			    (p[2] == '/' || p[2] == '\0')) {
				const char *t = s;

				if (p[2] == '\0')
					return true;   /* "x/" "**": all below */
				/* "**" "/": zero or more whole directories */
				for (;;) {
					if (glob_at(start, p + 3, t))
						return true;
					if ((t = strchr(t, '/')) == NULL)
						return false;
					t++;
				}
			}
			while (*p == '*')
				p++;
			for (;;) {
				if (glob_at(start, p, s))
					return true;
				if (*s == '\0' || *s == '/')
					return false;
				s++;
			}
		case '?':
			if (*s == '\0' || *s == '/')
				return false;
			p++;
			s++;
			break;
		case '[':
			if (*s == '\0' || *s == '/')
				return false;
			r = match_class(p + 1, (unsigned char)*s, &end);
			if (r >= 0) {
				if (!r)
					return false;
				p = end;
				s++;
				break;
			}
			/* unterminated: a literal '[' */
			if (*s != '[')
				return false;
			p++;
			s++;
			break;
		case '\\':
			if (p[1])
				p++;
			/* fall through */
		default:
			if (*p != *s)
				return false;
			p++;
			s++;
			break;
		}
	}
}

bool
ks_glob_match(const char *pat, const char *str)
{
	return glob_at(pat, pat, str);
}

/* Turn one line into a pattern; returns false for blanks and comments. */
static bool
parse_line(char *line, size_t len, struct ignore_pattern *out)
{
	char *p = line;

	if (len && line[len - 1] == '\r')
		len--;
	/* trailing spaces go, unless escaped */
	while (len && line[len - 1] == ' ' &&
	    !(len >= 2 && line[len - 2] == '\\'))
		len--;
	line[len] = '\0';
	if (len == 0 || line[0] == '#')
		return false;
	memset(out, 0, sizeof(*out));
	if (*p == '!') {
		out->negate = true;
		p++;
	} else if (*p == '\\' && (p[1] == '!' || p[1] == '#')) {
		p++;
	}
	len = strlen(p);
	while (len && p[len - 1] == '/') {
		out->dir_only = true;
		p[--len] = '\0';
	}
	if (len == 0)
		return false;
	if (strchr(p, '/'))
		out->anchored = true;
	while (*p == '/')
		p++;
	if (*p == '\0')
		return false;
	out->pat = p;
	return true;
}

int
ks_ignore_push_text(struct ks_ignore *ig, const char *reldir,
    const char *text, size_t len)
{
	struct ignore_list *l = NULL;
	char *copy = NULL;
	size_t i, cap = 0;
	int error = KS_ENOMEM;

	if ((l = ks__calloc(1, sizeof(*l))) == NULL ||
	    (l->base = ks__strdup(reldir)) == NULL ||
	    (copy = ks__memdup(text, len + 1)) == NULL)
		goto done;
	copy[len] = '\0';
	l->baselen = strlen(reldir);
	for (i = 0; i < len;) {
		char *nl = memchr(copy + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (copy + i)) : len - i;
		struct ignore_pattern pat;

		if (parse_line(copy + i, n, &pat)) {
			if (l->n == cap) {
				struct ignore_pattern *np;

				cap = cap ? cap * 2 : 8;
				np = ks__reallocarray(l->pats, cap,
				    sizeof(*np));
				if (!np)
					goto done;
				l->pats = np;
			}
			if ((pat.pat = ks__strdup(pat.pat)) == NULL)
				goto done;
			l->pats[l->n++] = pat;
		}
		i += n + 1;
	}
	if (l->n == 0) {
		error = 0;
		goto done;
	}
	if ((error = ks_vec_push(&ig->lists, l)) < 0)
		goto done;
	l = NULL;
	error = 1;
done:
	list_free(l);
	ks__free(copy);
	return error;
}

int
ks_ignore_push_dir(struct ks_ignore *ig, const char *fsdir,
    const char *reldir, size_t *pushed_out)
{
	static const char *const names[] = { ".gitignore", ".keyshiftignore" };
	ks_str path = KS_STR_INIT, text = KS_STR_INIT;
	size_t i;
	int error = 0;

	*pushed_out = 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ks_str_clear(&path);
		ks_str_clear(&text);
		if ((error = ks_str_printf(&path, "%s/%s", fsdir,
		    names[i])) < 0)
			goto done;
		/* Missing, unreadable or oversized: no patterns from it. */
		if (ks_file_read(&text, path.ptr, IGNORE_FILE_MAX) < 0)
			continue;
		error = ks_ignore_push_text(ig, reldir, text.ptr, text.len);
		if (error < 0)
			goto done;
		*pushed_out += (size_t)error;
		error = 0;
	}
done:
	if (error == 0)
		ks_error_clear();
	ks_str_dispose(&path);
	ks_str_dispose(&text);
	return error;
}

void
ks_ignore_pop(struct ks_ignore *ig, size_t n)
{
	while (n-- && ig->lists.len)
		list_free(ig->lists.items[--ig->lists.len]);
}

void
ks_ignore_dispose(struct ks_ignore *ig)
{
	ks_vec_dispose(&ig->lists, list_free);
}

bool
ks_ignore_match(const struct ks_ignore *ig, const char *rel, bool is_dir)
{
	size_t li = ig->lists.len;

	/* Deepest list and last line first: the first hit decides. */
	while (li--) {
		const struct ignore_list *l = ig->lists.items[li];
		const char *sub = rel, *name;
		size_t pi = l->n;

		if (l->baselen) {
			if (strncmp(rel, l->base, l->baselen) != 0 ||
			    rel[l->baselen] != '/')
				continue;
			sub = rel + l->baselen + 1;
		}
		name = strrchr(sub, '/');
		name = name ? name + 1 : sub;
		while (pi--) {
			const struct ignore_pattern *p = &l->pats[pi];

			if (p->dir_only && !is_dir)
				continue;
			if (ks_glob_match(p->pat, p->anchored ? sub : name))
				return !p->negate;
		}
	}
	return false;
}
