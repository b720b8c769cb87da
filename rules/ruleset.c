/*
 * rules/ruleset.c - rule sets: loading, compiling, accessors
 *
 * Loading is all-or-nothing: the rules of a file (or of every file below a
 * directory) are parsed into a staging array, checked for ids that clash
 * with each other or with the set, and only then moved into the set, which
 * is re-sorted by id. A failed load leaves the set as it was.
 *
 * ks_ruleset_compile() JIT-compiles every pattern (falling back to the
 * interpreter where the JIT is unavailable) and builds the prefilter; the
 * set is frozen afterwards.
 */
#include <keyshift/rules.h>

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "alloc.h"
#include "builtin.h"
#include "errors.h"
#include "fileio.h"
#include "prefilter.h"
#include "rule.h"
#include "str.h"
#include "vec.h"

/* Bound on the files below one rules directory, against runaway trees. */
#define KS_RULE_DIR_MAX_FILES 4096
#define KS_RULE_DIR_MAX_DEPTH 16

struct staging {
	struct ks_rule **rules;  /* owned until merged */
	size_t count;
};

static void
staging_dispose(struct staging *st)
{
	size_t i;

	for (i = 0; i < st->count; i++)
		ks_rule__free(st->rules[i]);
	ks__free(st->rules);
	st->rules = NULL;
	st->count = 0;
}

int
ks_ruleset_new(ks_ruleset **out)
{
	KS_ASSERT_ARG(out);
	if ((*out = ks__calloc(1, sizeof(**out))) == NULL)
		return KS_ENOMEM;
	return 0;
}

void
ks_ruleset_free(ks_ruleset *set)
{
	size_t i;

	if (!set)
		return;
	for (i = 0; i < set->count; i++)
		ks_rule__free(set->rules[i]);
	ks__free(set->rules);
	ks_prefilter__free(set->pf);
	ks__free(set);
}

static int
cmp_rule_id(const void *a, const void *b)
{
	const struct ks_rule *x = *(const struct ks_rule *const *)a;
	const struct ks_rule *y = *(const struct ks_rule *const *)b;

	return strcmp(x->id, y->id);
}

/* Move the staged rules into the set, or fail leaving both unchanged. */
static int
merge(ks_ruleset *set, struct staging *st)
{
	struct ks_rule **rules;
	size_t i;

	for (i = 0; i < st->count; i++) {
		const ks_rule *old = ks_ruleset_find(set, st->rules[i]->id);

		if (old) {
			ks_error_set(KS_ERROR_RULE, "%s:%u: rule '%s': "
			    "duplicate id (first defined at %s:%u)",
			    st->rules[i]->origin, st->rules[i]->line,
			    st->rules[i]->id, old->origin, old->line);
			return KS_EINVALID;
		}
	}
	if (st->count == 0)
		return 0;
	rules = ks__reallocarray(set->rules, set->count + st->count,
	    sizeof(*rules));
	if (!rules)
		return KS_ENOMEM;
	set->rules = rules;
	memcpy(rules + set->count, st->rules, st->count * sizeof(*rules));
	set->count += st->count;
	st->count = 0;
	qsort(set->rules, set->count, sizeof(*set->rules), cmp_rule_id);
	for (i = 0; i < set->count; i++)
		set->rules[i]->index = i;
	return 0;
}

/* Rules of different files in one load must not clash either. */
static int
check_staged_ids(const struct staging *st)
{
	size_t i, j;

	for (i = 0; i < st->count; i++)
		for (j = 0; j < i; j++)
			if (strcmp(st->rules[i]->id, st->rules[j]->id) == 0) {
				ks_error_set(KS_ERROR_RULE, "%s:%u: rule "
				    "'%s': duplicate id (first defined at "
				    "%s:%u)", st->rules[i]->origin,
				    st->rules[i]->line, st->rules[i]->id,
				    st->rules[j]->origin, st->rules[j]->line);
				return KS_EINVALID;
			}
	return 0;
}

static int
refuse_compiled(const ks_ruleset *set)
{
	if (!set->compiled)
		return 0;
	ks_error_set(KS_ERROR_RULE, "cannot add rules: the rule set is "
	    "already compiled");
	return KS_EINVALID;
}

static int
stage_buffer(struct staging *st, const char *origin, const char *yaml,
    size_t len)
{
	return ks_rules__parse(&st->rules, &st->count, origin, yaml, len);
}

int
ks_ruleset_load_buffer(ks_ruleset *set, const char *name, const char *yaml,
    size_t len)
{
	struct staging st = { NULL, 0 };
	int error;

	KS_ASSERT_ARG(set);
	KS_ASSERT_ARG(name);
	KS_ASSERT_ARG(yaml || len == 0);
	if ((error = refuse_compiled(set)) < 0)
		goto done;
	if ((error = stage_buffer(&st, name, yaml, len)) < 0)
		goto done;
	error = merge(set, &st);
done:
	staging_dispose(&st);
	return error;
}

int
ks_ruleset_load_builtin(ks_ruleset *set)
{
	struct staging st = { NULL, 0 };
	ks_str origin = KS_STR_INIT;
	size_t i;
	int error = 0;

	KS_ASSERT_ARG(set);
	if ((error = refuse_compiled(set)) < 0)
		goto done;
	for (i = 0; i < ks_builtin_rule_file_count; i++) {
		const struct ks_builtin_rule_file *f = &ks_builtin_rule_files[i];

		ks_str_clear(&origin);
		if ((error = ks_str_printf(&origin, "builtin:%s",
		    f->name)) < 0)
			goto done;
		if ((error = stage_buffer(&st, origin.ptr,
		    (const char *)f->data, f->len)) < 0)
			goto done;
	}
	if ((error = check_staged_ids(&st)) < 0)
		goto done;
	error = merge(set, &st);
done:
	staging_dispose(&st);
	ks_str_dispose(&origin);
	return error;
}

static bool
is_rule_file(const char *name)
{
	size_t n = strlen(name);

	return (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
	    (n > 5 && strcmp(name + n - 5, ".yaml") == 0);
}

static void
free_path(void *p)
{
	ks__free(p);
}

static int
cmp_path(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Collect rule files below `dir` (not following symlinked directories). */
static int
list_dir(ks_vec *files, const char *dir, int depth)
{
	ks_str path = KS_STR_INIT;
	DIR *d = NULL;
	struct dirent *de;
	int error = 0;

	if (depth > KS_RULE_DIR_MAX_DEPTH) {
		ks_error_set(KS_ERROR_RULE, "rules directory '%s' is nested "
		    "too deeply", dir);
		return KS_EINVALID;
	}
	if ((d = opendir(dir)) == NULL) {
		ks_error_set_os("cannot open rules directory '%s'", dir);
		return KS_ERROR;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat sb;

		if (de->d_name[0] == '.')
			continue;
		ks_str_clear(&path);
		if ((error = ks_str_printf(&path, "%s/%s", dir,
		    de->d_name)) < 0)
			goto done;
		if (lstat(path.ptr, &sb) < 0) {
			ks_error_set_os("cannot stat '%s'", path.ptr);
			error = KS_ERROR;
			goto done;
		}
		if (S_ISDIR(sb.st_mode)) {
			if ((error = list_dir(files, path.ptr, depth + 1)) < 0)
				goto done;
			continue;
		}
		if (!is_rule_file(de->d_name))
			continue;
		/* a link to a file is read; a dangling one is skipped */
		if (S_ISLNK(sb.st_mode) && stat(path.ptr, &sb) < 0)
			continue;
		if (!S_ISREG(sb.st_mode))
			continue;
		if (files->len >= KS_RULE_DIR_MAX_FILES) {
			ks_error_set(KS_ERROR_RULE, "more than %d rule files "
			    "below '%s'", KS_RULE_DIR_MAX_FILES, dir);
			error = KS_EINVALID;
			goto done;
		}
		if ((error = ks_vec_push(files, ks_str_detach(&path,
		    NULL))) < 0)
			goto done;
	}
done:
	ks_str_dispose(&path);
	closedir(d);
	return error;
}

static int
stage_file(struct staging *st, const char *path)
{
	ks_str text = KS_STR_INIT;
	int error;

	if ((error = ks_file_read(&text, path, KS_RULE_FILE_MAX)) < 0)
		goto done;
	error = stage_buffer(st, path, text.ptr, text.len);
done:
	ks_str_dispose(&text);
	return error;
}

int
ks_ruleset_load_path(ks_ruleset *set, const char *path)
{
	struct staging st = { NULL, 0 };
	ks_vec files = KS_VEC_INIT;
	struct stat sb;
	size_t i;
	int error;

	KS_ASSERT_ARG(set);
	KS_ASSERT_ARG(path);
	if ((error = refuse_compiled(set)) < 0)
		goto done;
	if (stat(path, &sb) < 0) {
		ks_error_set_os("cannot open rules '%s'", path);
		error = KS_ENOTFOUND;
		goto done;
	}
	if (!S_ISDIR(sb.st_mode)) {
		error = stage_file(&st, path);
	} else {
		if ((error = list_dir(&files, path, 0)) < 0)
			goto done;
		ks_vec_sort(&files, cmp_path);
		for (i = 0; i < files.len && error == 0; i++)
			error = stage_file(&st, files.items[i]);
	}
	if (error < 0 || (error = check_staged_ids(&st)) < 0)
		goto done;
	error = merge(set, &st);
done:
	staging_dispose(&st);
	ks_vec_dispose(&files, free_path);
	return error;
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One lock for every lazy JIT compilation: it is taken once per rule. */
static pthread_mutex_t jit_lock = PTHREAD_MUTEX_INITIALIZER;

bool
ks_rule__jit(const struct ks_rule *rule)
{
	struct ks_rule *r = (struct ks_rule *)rule;
	int state = atomic_load_explicit(&r->jit_state, memory_order_acquire);

	if (state == 0) {
		uint32_t jit_available = 0;

		pthread_mutex_lock(&jit_lock);
		state = atomic_load_explicit(&r->jit_state,
		    memory_order_relaxed);
		if (state == 0) {
			/* jit_if_available: a JIT failure leaves the
			 * interpreter, which gives the same results, only
			 * slower. No thread matches with this code before
			 * the state is published. */
			pcre2_config(PCRE2_CONFIG_JIT, &jit_available);
			state = jit_available && pcre2_jit_compile(r->code,
			    PCRE2_JIT_COMPLETE) == 0 ? 1 : 2;
			atomic_store_explicit(&r->jit_state, state,
			    memory_order_release);
		}
		pthread_mutex_unlock(&jit_lock);
	}
	return state == 1;
}

int
ks_ruleset_compile(ks_ruleset *set)
{
	double t0;
	size_t i;
	int error;

	KS_ASSERT_ARG(set);
	if (set->compiled) {
		ks_error_set(KS_ERROR_RULE, "the rule set is already "
		    "compiled");
		return KS_EINVALID;
	}
	set->max_capture_count = 0;
	for (i = 0; i < set->count; i++) {
		struct ks_rule *r = set->rules[i];

		atomic_store(&r->jit_state, 0);
		if (r->capture_count > set->max_capture_count)
			set->max_capture_count = r->capture_count;
	}
	t0 = now_ms();
	if ((error = ks_prefilter__build(&set->pf, set->rules,
	    set->count)) < 0)
		return error;
	set->pf_compile_ms = now_ms() - t0;
	set->compiled = true;
	return 0;
}

double
ks_ruleset__prefilter_compile_ms(const ks_ruleset *set)
{
	return set->pf_compile_ms;
}

size_t
ks_ruleset_count(const ks_ruleset *set)
{
	return set ? set->count : 0;
}

const ks_rule *
ks_ruleset_get(const ks_ruleset *set, size_t i)
{
	return set && i < set->count ? set->rules[i] : NULL;
}

const ks_rule *
ks_ruleset_find(const ks_ruleset *set, const char *id)
{
	size_t lo = 0, hi;

	if (!set || !id)
		return NULL;
	hi = set->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(id, set->rules[mid]->id);

		if (c == 0)
			return set->rules[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const char *
ks_rule_id(const ks_rule *rule)
{
	return rule->id;
}

const char *
ks_rule_name(const ks_rule *rule)
{
	return rule->name;
}

const char *
ks_rule_description(const ks_rule *rule)
{
	return rule->description;
}

ks_rule_category
ks_rule_category_of(const ks_rule *rule)
{
	return rule->category;
}

const char *
ks_rule_confidence(const ks_rule *rule)
{
	static const char *const names[] = { "low", "medium", "high" };

	return names[rule->confidence];
}

const char *
ks_rule_family(const ks_rule *rule)
{
	return rule->family;
}

const char *
ks_rule_structural_id(const ks_rule *rule)
{
	return rule->structural_id;
}

const char *
ks_rule_pattern(const ks_rule *rule)
{
	return rule->pattern;
}

const char *
ks_rule_remediation(const ks_rule *rule)
{
	return rule->remediation;
}

const char *
ks_rule_origin(const ks_rule *rule)
{
	return rule->origin;
}

static const char *
list_get(const struct ks_strlist *l, size_t i)
{
	return i < l->len ? l->items[i] : NULL;
}

size_t
ks_rule_keyword_count(const ks_rule *rule)
{
	return rule->keywords.len;
}

const char *
ks_rule_keyword(const ks_rule *rule, size_t i)
{
	return list_get(&rule->keywords, i);
}

size_t
ks_rule_reference_count(const ks_rule *rule)
{
	return rule->references.len;
}

const char *
ks_rule_reference(const ks_rule *rule, size_t i)
{
	return list_get(&rule->references, i);
}

size_t
ks_rule_example_count(const ks_rule *rule)
{
	return rule->examples.len;
}

const char *
ks_rule_example(const ks_rule *rule, size_t i)
{
	return list_get(&rule->examples, i);
}

size_t
ks_rule_negative_example_count(const ks_rule *rule)
{
	return rule->negative_examples.len;
}

const char *
ks_rule_negative_example(const ks_rule *rule, size_t i)
{
	return list_get(&rule->negative_examples, i);
}
