/*
 * cli/filter.c - suppressions (.keyshift-ignore) and baselines
 *
 * Both files are small and written by people, so they are read whole and
 * checked strictly: an unknown key, a malformed fingerprint or date, or
 * a missing reason or owner is an error with FILE:LINE, never a silent
 * no-op that would hide (or stop hiding) a secret.
 */
#include "filter.h"

#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli.h"

#define LINE_MAX_BYTES 4096

static char *
xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		ks_cli_error("out of memory");
		exit(2);
	}
	return d;
}

static void *
xgrow(void *p, size_t n, size_t size)
{
	void *q = realloc(p, n * size);

	if (!q) {
		ks_cli_error("out of memory");
		exit(2);
	}
	return q;
}

/* 32 hex digits, lower-cased into out; false otherwise. */
static bool
parse_fingerprint(const char *s, size_t n, char out[KS_FINGERPRINT_HEXLEN + 1])
{
	size_t i;

	if (n != KS_FINGERPRINT_HEXLEN)
		return false;
	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[n] = '\0';
	return true;
}

static bool
valid_date(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return false;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return false;
	return !(m == 2 && d == 29 && (y % 4 || (y % 100 == 0 && y % 400)));
}

static void
today(int64_t now, char out[11])
{
	time_t t = now ? (time_t)now : time(NULL);
	struct tm tm;

	if (!gmtime_r(&t, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10)
		strcpy(out, "1970-01-01");
}

/*
 * Read one value at *pp: "quoted, with \" and \\" or a bare word.
 * Returns a malloc'd string, or NULL on a syntax error.
 */
static char *
parse_value(const char **pp)
{
	const char *p = *pp;
	char *out = malloc(strlen(p) + 1), *o = out;

	if (!out)
		return NULL;
	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
				p++;
			*o++ = *p;
		}
		if (*p != '"') {
			free(out);
			return NULL;
		}
		p++;
	} else {
		while (*p && !isspace((unsigned char)*p))
			*o++ = *p++;
	}
	*o = '\0';
	*pp = p;
	return out;
}

static const char *
skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Parse the key=value pairs after a fingerprint into `e`. */
static bool
parse_attrs(struct ks_ignore_entry *e, const char *p, const char **why)
{
	char key[16], *val;
	size_t n;

	for (p = skip_ws(p); *p; p = skip_ws(p)) {
		for (n = 0; p[n] && (isalpha((unsigned char)p[n]) ||
		    p[n] == '_'); n++)
			;
		if (n == 0 || n >= sizeof(key) || p[n] != '=') {
			*why = "expected key=value";
			return false;
		}
		memcpy(key, p, n);
		key[n] = '\0';
		p += n + 1;
		if ((val = parse_value(&p)) == NULL) {
			*why = "unterminated quoted value";
			return false;
		}
		if (strcmp(key, "reason") == 0 && !e->reason)
			e->reason = val;
		else if (strcmp(key, "owner") == 0 && !e->owner)
			e->owner = val;
		else if (strcmp(key, "path") == 0 && !e->glob)
			e->glob = val;
		else if (strcmp(key, "expires") == 0 && !e->expires[0] &&
		    valid_date(val)) {
			memcpy(e->expires, val, 11);
			free(val);
		} else {
			*why = strcmp(key, "expires") == 0 ?
			    "expires: expected YYYY-MM-DD" :
			    "unknown or repeated key";
			free(val);
			return false;
		}
		if (*p && !isspace((unsigned char)*p)) {
			*why = "expected a space after a value";
			return false;
		}
	}
	if (!e->reason || !*e->reason || !e->owner || !*e->owner) {
		*why = "reason=\"...\" and owner=\"...\" are required";
		return false;
	}
	return true;
}

static void
entry_dispose(struct ks_ignore_entry *e)
{
	free(e->reason);
	free(e->owner);
	free(e->glob);
	free(e->file);
}

static char *
chomp(char *buf)
{
	size_t n = strlen(buf);

	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

int
ks_filter_load_ignore(struct ks_filter *f, const char *path, const char *base,
    bool optional, int64_t now)
{
	char buf[LINE_MAX_BYTES], day[11];
	const char *p, *why;
	unsigned lineno = 0;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		if (optional && errno == ENOENT)
			return 0;
		ks_cli_error("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	today(now, day);
	while (fgets(buf, sizeof(buf), fp)) {
		struct ks_ignore_entry e;
		size_t n;

		lineno++;
		p = skip_ws(chomp(buf));
		if (!*p || *p == '#')
			continue;
		memset(&e, 0, sizeof(e));
		for (n = 0; p[n] && !isspace((unsigned char)p[n]); n++)
			;
		why = "expected a 32-digit hex fingerprint";
		if (!parse_fingerprint(p, n, e.fingerprint) ||
		    !parse_attrs(&e, p + n, &why)) {
			ks_cli_error("%s:%u: %s", path, lineno, why);
			entry_dispose(&e);
			rc = -1;
			break;
		}
		e.file = xstrdup(path);
		e.line = lineno;
		e.base_len = strlen(base);
		if (e.base_len) {
			/* the glob is relative to the file's directory */
			char *g = malloc(e.base_len + 2 +
			    strlen(e.glob ? e.glob : ""));

			if (e.glob && g) {
				sprintf(g, "%s/%s", base, e.glob);
				free(e.glob);
				e.glob = g;
			} else {
				free(g);
			}
		}
		e.expired = e.expires[0] && strcmp(day, e.expires) > 0;
		f->ignore = xgrow(f->ignore, f->nignore + 1, sizeof(e));
		f->ignore[f->nignore++] = e;
	}
	if (rc == 0 && ferror(fp)) {
		ks_cli_error("cannot read '%s': %s", path, strerror(errno));
		rc = -1;
	}
	fclose(fp);
	return rc;
}

static int
cmp_fp(const void *a, const void *b)
{
	return strcmp(a, b);
}

int
ks_filter_load_baseline(struct ks_filter *f, const char *path)
{
	char buf[LINE_MAX_BYTES];
	const char *p;
	unsigned lineno = 0;
	FILE *fp;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		ks_cli_error("cannot open baseline '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(buf, sizeof(buf), fp)) {
		size_t n;

		lineno++;
		p = skip_ws(chomp(buf));
		if (!*p || *p == '#')
			continue;
		for (n = 0; p[n] && !isspace((unsigned char)p[n]); n++)
			;
		f->baseline = xgrow(f->baseline, f->nbaseline + 1,
		    sizeof(*f->baseline));
		if (!parse_fingerprint(p, n, f->baseline[f->nbaseline]) ||
		    *skip_ws(p + n)) {
			ks_cli_error("%s:%u: expected one 32-digit hex "
			    "fingerprint per line", path, lineno);
			rc = -1;
			break;
		}
		f->nbaseline++;
	}
	fclose(fp);
	if (f->nbaseline > 1)
		qsort(f->baseline, f->nbaseline, sizeof(*f->baseline), cmp_fp);
	return rc;
}

static bool
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* "./repo/" -> "repo"; "." -> "". */
static char *
normalize_base(const char *t)
{
	char *b;
	size_t n;

	while (t[0] == '.' && t[1] == '/')
		t += 2;
	b = xstrdup(t);
	n = strlen(b);
	while (n > 1 && b[n - 1] == '/')
		b[--n] = '\0';
	if (strcmp(b, ".") == 0)
		b[0] = '\0';
	return b;
}

int
ks_filter_load_default_ignores(struct ks_filter *f,
    const char *const *targets, size_t ntargets, int64_t now)
{
	size_t i;
	int rc;

	if (ks_filter_load_ignore(f, ".keyshift-ignore", "", true, now) < 0)
		return -1;
	for (i = 0; i < ntargets; i++) {
		char *base, *path;

		if (strcmp(targets[i], "-") == 0 || !is_dir(targets[i]))
			continue;
		base = normalize_base(targets[i]);
		if (!*base) {
			free(base);
			continue;
		}
		path = malloc(strlen(base) + sizeof("/.keyshift-ignore"));
		if (!path) {
			free(base);
			return -1;
		}
		sprintf(path, "%s/.keyshift-ignore", base);
		rc = ks_filter_load_ignore(f, path, base, true, now);
		free(path);
		free(base);
		if (rc < 0)
			return -1;
	}
	return 0;
}

void
ks_filter_warn_expired(const struct ks_filter *f)
{
	size_t i;

	for (i = 0; i < f->nignore; i++)
		if (f->ignore[i].expired)
			ks_cli_warn("%s:%u: the suppression of %.12s expired "
			    "on %s; it is reported again", f->ignore[i].file,
			    f->ignore[i].line, f->ignore[i].fingerprint,
			    f->ignore[i].expires);
}

static bool
path_matches(const struct ks_ignore_entry *e, const char *path)
{
	if (!e->glob)
		return true;
	if (!path)
		return false;
	while (path[0] == '.' && path[1] == '/')
		path += 2;
	return fnmatch(e->glob, path, 0) == 0;
}

bool
ks_filter_keep(struct ks_filter *f, const ks_occurrence *o)
{
	size_t i;

	for (i = 0; i < f->nignore; i++) {
		struct ks_ignore_entry *e = &f->ignore[i];

		if (strcmp(e->fingerprint, o->fingerprint) != 0 ||
		    !path_matches(e, o->path))
			continue;
		if (e->expired)
			continue;
		e->matches++;
		f->suppressed++;
		return false;
	}
	if (f->nbaseline && bsearch(o->fingerprint, f->baseline,
	    f->nbaseline, sizeof(*f->baseline), cmp_fp)) {
		f->baselined++;
		return false;
	}
	return true;
}

size_t
ks_filter_write_unused(const struct ks_filter *f, FILE *fp)
{
	size_t i, n = 0;

	for (i = 0; i < f->nignore; i++) {
		const struct ks_ignore_entry *e = &f->ignore[i];

		if (e->matches)
			continue;
		n++;
		fprintf(fp, "%s:%u: %s  owner=\"%s\" reason=\"%s\"%s%s\n",
		    e->file, e->line, e->fingerprint, e->owner, e->reason,
		    e->expired ? "  expired=" : "",
		    e->expired ? e->expires : "");
	}
	return n;
}

void
ks_filter_dispose(struct ks_filter *f)
{
	size_t i;

	if (!f)
		return;
	for (i = 0; i < f->nignore; i++)
		entry_dispose(&f->ignore[i]);
	free(f->ignore);
	free(f->baseline);
	memset(f, 0, sizeof(*f));
}

static int
strcmp_null(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int
cmp_grouped(const void *pa, const void *pb)
{
	const ks_occurrence *a = *(const ks_occurrence *const *)pa;
	const ks_occurrence *b = *(const ks_occurrence *const *)pb;
	int c;

	if ((c = strcmp_null(a->rule_id, b->rule_id)) ||
	    (c = strcmp(a->fingerprint, b->fingerprint)) ||
	    (c = strcmp_null(a->path, b->path)))
		return c;
	if (a->line != b->line)
		return a->line < b->line ? -1 : 1;
	if (a->column != b->column)
		return a->column < b->column ? -1 : 1;
	return strcmp_null(a->commit, b->commit);
}

void
ks_filter_sort_grouped(const ks_occurrence **v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_grouped);
}

uint64_t
ks_filter_count_findings(const ks_occurrence *const *v, size_t n)
{
	char (*fps)[KS_FINGERPRINT_HEXLEN + 1];
	uint64_t count = 0;
	size_t i;

	if (n == 0)
		return 0;
	fps = xgrow(NULL, n, sizeof(*fps));
	for (i = 0; i < n; i++)
		memcpy(fps[i], v[i]->fingerprint, sizeof(*fps));
	qsort(fps, n, sizeof(*fps), cmp_fp);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(fps[i], fps[i - 1]) != 0)
			count++;
	free(fps);
	return count;
}

int
ks_filter_select(struct ks_filter *f, const ks_occurrence ***out,
    size_t *nout, const ks_scan_result *result, bool grouped)
{
	size_t i, n = ks_scan_result_count(result), k = 0;
	const ks_occurrence **v = xgrow(NULL, n ? n : 1, sizeof(*v));

	for (i = 0; i < n; i++) {
		const ks_occurrence *o = ks_scan_result_get(result, i);

		if (ks_filter_keep(f, o))
			v[k++] = o;
	}
	if (grouped)
		ks_filter_sort_grouped(v, k);
	*out = v;
	*nout = k;
	return 0;
}
