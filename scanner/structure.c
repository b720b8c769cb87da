/*
 * scanner/structure.c - key paths of the values in a config document
 *
 * Two small readers, neither of them a validating parser:
 *
 * - JSON: a tokenizer with a stack of containers; object members are
 *   named by their keys, array elements by their index ("keys.0.d").
 * - everything else, line by line: a stack of (indent, key) pairs for
 *   YAML mappings ("a:\n  b: v" is a.b), YAML list items ("- name: x"),
 *   block scalars (the lines below "key: |" belong to key), INI
 *   "[section]" headers, HCL "name {" blocks, and KEY=VALUE lines of
 *   .env/.properties files ("export " and a Dockerfile's "ENV " are
 *   skipped). Source code assignments (name = "value") fall out of the
 *   same rules.
 *
 * What matters downstream is the leaf a secret sits in (its key path) and
 * its neighbours (client_id, issuer): see scanner/enrich.c.
 */
#include "structure.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "errors.h"
#include "str.h"

void
ks_doc_dispose(struct ks_doc *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		ks__free(d->leaves[i].path);
		ks__free(d->leaves[i].norm);
	}
	ks__free(d->leaves);
	memset(d, 0, sizeof(*d));
}

void
ks_key_norm(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '_' || c == '-' || c == '.' || c == ' ' || c == '"' ||
		    c == '\'')
			continue;
		out[o++] = (char)tolower(c);
	}
	if (cap)
		out[o] = '\0';
}

static int
add_leaf(struct ks_doc *d, char **stack, size_t depth, const char *key,
    size_t klen, size_t vs, size_t ve)
{
	ks_str p = KS_STR_INIT;
	size_t i;
	int error = 0;

	if (d->n >= KS_STRUCT_MAX_LEAVES)
		return 0;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 64;
		struct ks_leaf *n = ks__reallocarray(d->leaves, cap,
		    sizeof(*n));

		if (!n)
			return KS_ENOMEM;
		d->leaves = n;
		d->cap = cap;
	}
	for (i = 0; i < depth && error == 0; i++)
		if (stack[i] && *stack[i])
			error = ks_str_printf(&p, "%s%s", p.len ? "." : "",
			    stack[i]);
	if (error == 0 && klen) {
		if (p.len)
			error = ks_str_putc(&p, '.');
		if (error == 0)
			error = ks_str_put(&p, key, klen);
	}
	if (error < 0) {
		ks_str_dispose(&p);
		return error;
	}
	d->leaves[d->n].path = ks_str_detach(&p, NULL);
	if (!d->leaves[d->n].path)
		return KS_ENOMEM;
	i = strlen(d->leaves[d->n].path);
	if ((d->leaves[d->n].norm = ks__malloc(i + 1)) == NULL) {
		ks__free(d->leaves[d->n].path);
		return KS_ENOMEM;
	}
	ks_key_norm(d->leaves[d->n].norm, i + 1, d->leaves[d->n].path, i);
	d->leaves[d->n].vs = vs;
	d->leaves[d->n].ve = ve;
	d->n++;
	return 0;
}

/* ---- JSON ---------------------------------------------------------- */

struct jframe {
	bool array;
	size_t index;
	char *key;          /* the member being read (objects) */
	bool want_key;
};

static size_t
json_string_end(const uint8_t *s, size_t len, size_t i)
{
	/* i is just past the opening quote; return the closing quote's */
	while (i < len && s[i] != '"') {
		if (s[i] == '\\')
			i++;
		i++;
	}
	return i;
}

static int
json_parse(struct ks_doc *d, const uint8_t *s, size_t len)
{
	struct jframe st[KS_STRUCT_MAX_DEPTH];
	char *names[KS_STRUCT_MAX_DEPTH];
	char idx[KS_STRUCT_MAX_DEPTH][24];
	size_t depth = 0, i = 0, k;
	int error = 0;

	memset(st, 0, sizeof(st));
	while (i < len && error == 0) {
		uint8_t c = s[i];

		if (c == '{' || c == '[') {
			if (depth == KS_STRUCT_MAX_DEPTH)
				break;
			st[depth].array = c == '[';
			st[depth].index = 0;
			st[depth].key = NULL;
			st[depth].want_key = c == '{';
			depth++;
			i++;
			continue;
		}
		if (c == '}' || c == ']') {
			if (depth == 0)
				break;
			depth--;
			ks__free(st[depth].key);
			st[depth].key = NULL;
			i++;
			continue;
		}
		if (c == ',') {
			if (depth && st[depth - 1].array)
				st[depth - 1].index++;
			else if (depth)
				st[depth - 1].want_key = true;
			i++;
			continue;
		}
		if (c == '"') {
			size_t e = json_string_end(s, len, i + 1);
			struct jframe *f = depth ? &st[depth - 1] : NULL;

			if (f && !f->array && f->want_key) {
				ks__free(f->key);
				if ((f->key = ks__strndup((const char *)s + i + 1,
				    e - i - 1)) == NULL)
					error = KS_ENOMEM;
				f->want_key = false;
				i = e + 1;
				continue;
			}
			/* a string value: name it by the stack */
			for (k = 0; k + 1 < depth; k++)
				names[k] = st[k].array ? (snprintf(idx[k],
				    sizeof(idx[k]), "%zu", st[k].index), idx[k]) :
				    st[k].key;
			if (depth) {
				const char *leaf = f->array ? (snprintf(
				    idx[depth - 1], sizeof(idx[depth - 1]), "%zu",
				    f->index), idx[depth - 1]) : f->key;

				error = add_leaf(d, names, depth - 1, leaf ?
				    leaf : "", leaf ? strlen(leaf) : 0, i + 1, e);
			}
			i = e + 1;
			continue;
		}
		if (isalnum(c) || c == '-') {
			size_t e = i;
			struct jframe *f = depth ? &st[depth - 1] : NULL;

			while (e < len && (isalnum(s[e]) || s[e] == '.' ||
			    s[e] == '-' || s[e] == '+'))
				e++;
			if (f && !f->array && f->key) {
				for (k = 0; k + 1 < depth; k++)
					names[k] = st[k].array ? (snprintf(
					    idx[k], sizeof(idx[k]), "%zu",
					    st[k].index), idx[k]) : st[k].key;
				error = add_leaf(d, names, depth - 1, f->key,
				    strlen(f->key), i, e);
			}
			i = e > i ? e : i + 1;
			continue;
		}
		i++;
	}
	for (k = 0; k < depth; k++)
		ks__free(st[k].key);
	return error;
}

/* ---- line-oriented formats ----------------------------------------- */

struct lframe {
	size_t indent;
	char *key;
	bool block;          /* "key: |" / "key: >": lines below are its value */
};

static void
lpop(struct lframe *st, size_t *depth, size_t indent)
{
	while (*depth && st[*depth - 1].indent >= indent) {
		(*depth)--;
		ks__free(st[*depth].key);
		st[*depth].key = NULL;
	}
}

static bool
is_keych(uint8_t c)
{
	return isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' ||
	    c == '@' || c == '$';
}

/* Strip quotes and trailing commas/semicolons/spaces from a value. */
static void
trim_value(const uint8_t *s, size_t *vs, size_t *ve)
{
	while (*ve > *vs && (s[*ve - 1] == ' ' || s[*ve - 1] == '\t' ||
	    s[*ve - 1] == '\r' || s[*ve - 1] == ',' || s[*ve - 1] == ';'))
		(*ve)--;
	if (*ve > *vs + 1 && (s[*vs] == '"' || s[*vs] == '\'' ||
	    s[*vs] == '`') && s[*ve - 1] == s[*vs]) {
		(*vs)++;
		(*ve)--;
	}
}

static int
lines_parse(struct ks_doc *d, const uint8_t *s, size_t len)
{
	struct lframe st[KS_STRUCT_MAX_DEPTH];
	char *names[KS_STRUCT_MAX_DEPTH];
	char *section = NULL;
	size_t depth = 0, pos = 0, k;
	int error = 0;

	memset(st, 0, sizeof(st));
	while (pos < len && error == 0) {
		const uint8_t *nl = memchr(s + pos, '\n', len - pos);
		size_t eol = nl ? (size_t)(nl - s) : len, i = pos, ind, ks, ke;
		size_t vs, ve;
		bool item = false;

		while (i < eol && (s[i] == ' ' || s[i] == '\t'))
			i++;
		ind = i - pos;
		if (i == eol || s[i] == '#' || (s[i] == '/' && i + 1 < eol &&
		    s[i + 1] == '/')) {
			pos = eol + 1;
			continue;
		}
		/* inside a block scalar: the line belongs to it */
		if (depth && st[depth - 1].block && ind > st[depth - 1].indent) {
			struct ks_leaf *l = d->n ? &d->leaves[d->n - 1] : NULL;

			if (l)
				l->ve = eol;
			pos = eol + 1;
			continue;
		}
		if (depth && st[depth - 1].block)
			st[depth - 1].block = false;
		if (s[i] == '[' && memchr(s + i, ']', eol - i)) {
			/* an INI section */
			const uint8_t *rb = memchr(s + i, ']', eol - i);

			ks__free(section);
			section = ks__strndup((const char *)s + i + 1,
			    (size_t)(rb - s) - i - 1);
			if (!section)
				error = KS_ENOMEM;
			lpop(st, &depth, 0);
			pos = eol + 1;
			continue;
		}
		if (s[i] == '}') {
			if (depth)
				lpop(st, &depth, st[depth - 1].indent);
			pos = eol + 1;
			continue;
		}
		if (s[i] == '-' && i + 1 < eol && s[i + 1] == ' ') {
			item = true;
			i += 2;
			while (i < eol && s[i] == ' ')
				i++;
		}
		if (eol - i > 7 && memcmp(s + i, "export ", 7) == 0)
			i += 7;
		else if (eol - i > 4 && (memcmp(s + i, "ENV ", 4) == 0 ||
		    memcmp(s + i, "ARG ", 4) == 0))
			i += 4;
		if (i < eol && (s[i] == '"' || s[i] == '\'')) {
			uint8_t q = s[i];

			ks = ++i;
			while (i < eol && s[i] != q)
				i++;
			ke = i;
			if (i < eol)
				i++;
		} else {
			ks = i;
			while (i < eol && is_keych(s[i]))
				i++;
			ke = i;
		}
		while (i < eol && (s[i] == ' ' || s[i] == '\t'))
			i++;
		{
			/* HCL block labels: resource "type" "name" { */
			size_t t = i;

			while (t < eol && s[t] == '"') {
				for (t++; t < eol && s[t] != '"'; t++)
					;
				for (t++; t < eol && s[t] == ' '; t++)
					;
			}
			if (t > i && t < eol && s[t] == '{')
				i = t;
		}
		if (ke == ks || i >= eol || !(s[i] == ':' || s[i] == '=' ||
		    s[i] == '{' || (s[i] == ' ' && 0))) {
			/* ENV KEY VALUE (Dockerfile) */
			if (ke > ks && i < eol && i > ke && !item) {
				vs = i;
				ve = eol;
				trim_value(s, &vs, &ve);
				lpop(st, &depth, ind);
				for (k = 0; k < depth; k++)
					names[k] = st[k].key;
				error = add_leaf(d, names, depth,
				    (const char *)s + ks, ke - ks, vs, ve);
			}
			pos = eol + 1;
			continue;
		}
		if (item)
			ind += 2;
		lpop(st, &depth, ind);
		if (s[i] == '{') {
			/* an HCL block */
			if (depth < KS_STRUCT_MAX_DEPTH) {
				st[depth].indent = ind;
				st[depth].block = false;
				st[depth].key = ks__strndup((const char *)s + ks,
				    ke - ks);
				if (!st[depth].key)
					error = KS_ENOMEM;
				depth++;
			}
			pos = eol + 1;
			continue;
		}
		if (s[i] == ':' && i + 1 < eol && s[i + 1] == '=')
			i++;
		i++;
		if (i < eol && s[i] == '>')     /* => */
			i++;
		while (i < eol && (s[i] == ' ' || s[i] == '\t'))
			i++;
		vs = i;
		ve = eol;
		/* drop a trailing YAML comment */
		for (k = vs; k + 1 < ve; k++)
			if (s[k] == ' ' && s[k + 1] == '#' && s[vs] != '"' &&
			    s[vs] != '\'') {
				ve = k;
				break;
			}
		trim_value(s, &vs, &ve);
		for (k = 0; k < depth; k++)
			names[k] = st[k].key;
		if (vs == ve || s[vs] == '|' || s[vs] == '>' ||
		    (s[vs] == '{' && ve - vs == 1)) {
			/* a mapping or a block scalar follows */
			bool block = vs < ve && (s[vs] == '|' || s[vs] == '>');

			if (depth < KS_STRUCT_MAX_DEPTH) {
				st[depth].indent = ind;
				st[depth].block = block;
				st[depth].key = ks__strndup((const char *)s + ks,
				    ke - ks);
				if (!st[depth].key)
					error = KS_ENOMEM;
				depth++;
			}
			if (block && error == 0) {
				names[depth - 1] = NULL;
				error = add_leaf(d, names, depth - 1,
				    (const char *)s + ks, ke - ks, eol, eol);
				if (error == 0 && d->n)
					d->leaves[d->n - 1].vs = eol + 1 < len ?
					    eol + 1 : eol;
			}
			pos = eol + 1;
			continue;
		}
		if (section && depth == 0) {
			char *sec[1] = { section };

			error = add_leaf(d, sec, 1, (const char *)s + ks,
			    ke - ks, vs, ve);
		} else {
			error = add_leaf(d, names, depth, (const char *)s + ks,
			    ke - ks, vs, ve);
		}
		if (error == 0 && ke - ks == 4 && memcmp(s + ks, "kind", 4) ==
		    0 && ve - vs == 6 && memcmp(s + vs, "Secret", 6) == 0)
			d->k8s_secret = true;
		pos = eol + 1;
	}
	for (k = 0; k < depth; k++)
		ks__free(st[k].key);
	ks__free(section);
	return error;
}

int
ks_structure_parse(struct ks_doc *d, const uint8_t *data, size_t len)
{
	size_t i = 0, j;
	int error;

	memset(d, 0, sizeof(*d));
	if (len > KS_STRUCT_MAX_BYTES)
		return 0;
	while (i < len && isspace(data[i]))
		i++;
	j = i + 1;
	while (j < len && isspace(data[j]))
		j++;
	/* '[' starts JSON only before a value: "[section]" is INI */
	if (i < len && (data[i] == '{' || (data[i] == '[' && j < len &&
	    strchr("{[\"-0123456789]tfn", data[j])))) {
		d->json = true;
		error = json_parse(d, data, len);
		/* a JSON document with a "kind": "Secret" */
		if (error == 0 && ks_doc_find_norm(d, "kind")) {
			const struct ks_leaf *l = ks_doc_find_norm(d, "kind");

			d->k8s_secret = l->ve - l->vs == 6 &&
			    memcmp(data + l->vs, "Secret", 6) == 0;
		}
	} else {
		error = lines_parse(d, data, len);
	}
	if (error < 0)
		ks_doc_dispose(d);
	return error;
}

const struct ks_leaf *
ks_doc_leaf_at(const struct ks_doc *d, size_t off)
{
	const struct ks_leaf *best = NULL;
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct ks_leaf *l = &d->leaves[i];

		if (off >= l->vs && off < l->ve && (!best ||
		    l->ve - l->vs <= best->ve - best->vs))
			best = l;
	}
	return best;
}

const struct ks_leaf *
ks_doc_find_norm(const struct ks_doc *d, const char *norm)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->leaves[i].norm, norm) == 0)
			return &d->leaves[i];
	return NULL;
}
