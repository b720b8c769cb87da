/*
 * rules/loader.c - the strict YAML rule loader
 *
 * A rule file is one YAML document whose top level is a mapping with the
 * single key `rules`, a list of rule mappings. We use libyaml's document
 * API: the whole (small) file becomes a node tree, every node carries its
 * line, so each message can say "FILE:LINE: rule 'ID': what is wrong".
 *
 * The schema is strict on purpose: an unknown key, a wrong type, an empty
 * value or a duplicate key is an error, so a typo cannot silently disable a
 * field (a misspelt `negative_exmples` would otherwise just vanish). Each
 * pattern is compiled here, in byte mode, to prove that it compiles and has
 * a `secret` group; JIT compilation waits for ks_ruleset_compile().
 *
 * When adding a key: update rule_keys[], parse_rule(), struct ks_rule,
 * docs/RULES.md and tests/unit/test_rules_loader.c.
 */
#include "rule.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "hash.h"

struct parser {
	const char *origin;
	yaml_document_t *doc;
	const char *rule_id;       /* borrowed; for messages, may be NULL */
};

static const char *const category_names[] = {
	[KS_CATEGORY_PRIVATE_KEY] = "private-key",
	[KS_CATEGORY_OAUTH_CLIENT_SECRET] = "oauth-client-secret",
	[KS_CATEGORY_CLOUD_CREDENTIAL] = "cloud-credential",
	[KS_CATEGORY_API_TOKEN] = "api-token",
	[KS_CATEGORY_GENERIC] = "generic",
};

static const char *const confidence_names[] = {
	[KS_CONFIDENCE_LOW] = "low",
	[KS_CONFIDENCE_MEDIUM] = "medium",
	[KS_CONFIDENCE_HIGH] = "high",
};

static const struct {
	const char *name;
	uint32_t option;
} pattern_flag_names[] = {
	{ "caseless", PCRE2_CASELESS },
	{ "dotall", PCRE2_DOTALL },
	{ "extended", PCRE2_EXTENDED },
	{ "multiline", PCRE2_MULTILINE },
	{ "ungreedy", PCRE2_UNGREEDY },
};

/* Options every pattern is compiled with: bytes, never UTF or UCP. */
#define KS_RULE_BASE_OPTIONS (PCRE2_NEVER_UTF | PCRE2_NEVER_UCP)

const char *
ks_rule_category_name(ks_rule_category category)
{
	if ((unsigned)category >= sizeof(category_names) /
	    sizeof(category_names[0]))
		return "unknown";
	return category_names[category];
}

static void *
pcre2_private_malloc(PCRE2_SIZE n, void *data)
{
	(void)data;
	return ks__malloc(n ? n : 1);
}

static void
pcre2_private_free(void *p, void *data)
{
	(void)data;
	ks__free(p);
}

pcre2_general_context *
ks_rules__gcontext_new(void)
{
	pcre2_general_context *g;

	g = pcre2_general_context_create(pcre2_private_malloc,
	    pcre2_private_free, NULL);
	if (!g)
		ks_error_set_oom();
	return g;
}

static void
strlist_dispose(struct ks_strlist *l)
{
	size_t i;

	for (i = 0; i < l->len; i++)
		ks__free(l->items[i]);
	ks__free(l->items);
	l->items = NULL;
	l->len = 0;
}

void
ks_rule__free(struct ks_rule *rule)
{
	if (!rule)
		return;
	ks__free(rule->id);
	ks__free(rule->name);
	ks__free(rule->description);
	ks__free(rule->family);
	ks__free(rule->remediation);
	ks__free(rule->origin);
	ks__free(rule->pattern);
	strlist_dispose(&rule->keywords);
	strlist_dispose(&rule->references);
	strlist_dispose(&rule->examples);
	strlist_dispose(&rule->negative_examples);
	pcre2_code_free(rule->code);
	ks__free(rule);
}

/* Set a KS_EINVALID rule error located at `node`. */
static int KS_PRINTF(3, 4)
fail(const struct parser *p, const yaml_node_t *node, const char *fmt, ...)
{
	char msg[512];
	unsigned line = node ? (unsigned)node->start_mark.line + 1 : 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->rule_id)
		ks_error_set(KS_ERROR_RULE, "%s:%u: rule '%s': %s", p->origin,
		    line, p->rule_id, msg);
	else
		ks_error_set(KS_ERROR_RULE, "%s:%u: %s", p->origin, line, msg);
	return KS_EINVALID;
}

static const char *
node_type_name(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_SCALAR_NODE:
		return "a scalar";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

/*
 * Copy a scalar. Block scalars (`|`, `>`) lose their trailing newlines: a
 * pattern written as a block must not silently require a final "\n".
 */
static int
get_string(char **out, const struct parser *p, const yaml_node_t *node,
    const char *key, bool strip_block)
{
	const char *v;
	size_t n;

	if (node->type != YAML_SCALAR_NODE)
		return fail(p, node, "key '%s': expected a string, not %s",
		    key, node_type_name(node));
	v = (const char *)node->data.scalar.value;
	n = node->data.scalar.length;
	if (memchr(v, '\0', n))
		return fail(p, node, "key '%s': contains a NUL byte", key);
	if (strip_block && (node->data.scalar.style == YAML_LITERAL_SCALAR_STYLE ||
	    node->data.scalar.style == YAML_FOLDED_SCALAR_STYLE))
		while (n && (v[n - 1] == '\n' || v[n - 1] == '\r'))
			n--;
	if (n == 0)
		return fail(p, node, "key '%s': must not be empty", key);
	if ((*out = ks__strndup(v, n)) == NULL)
		return KS_ENOMEM;
	return 0;
}

static int
get_strlist(struct ks_strlist *out, const struct parser *p,
    const yaml_node_t *node, const char *key)
{
	yaml_node_item_t *it;
	size_t n;
	int error;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail(p, node, "key '%s': expected a list, not %s", key,
		    node_type_name(node));
	n = (size_t)(node->data.sequence.items.top -
	    node->data.sequence.items.start);
	if (n && (out->items = ks__calloc(n, sizeof(char *))) == NULL)
		return KS_ENOMEM;
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(p->doc, *it);

		if ((error = get_string(&out->items[out->len], p, item, key,
		    false)) < 0)
			return error;
		out->len++;
	}
	return 0;
}

static int
get_enum(int *out, const struct parser *p, const yaml_node_t *node,
    const char *key, const char *const *names, size_t count)
{
	size_t i;

	if (node->type != YAML_SCALAR_NODE)
		return fail(p, node, "key '%s': expected a string, not %s",
		    key, node_type_name(node));
	for (i = 0; i < count; i++)
		if (strcmp((const char *)node->data.scalar.value,
		    names[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	return fail(p, node, "key '%s': unknown value '%.64s'", key,
	    (const char *)node->data.scalar.value);
}

static int
get_number(double *out, const struct parser *p, const yaml_node_t *node,
    const char *key, double lo, double hi)
{
	const char *v;
	char *end;
	double d;

	if (node->type != YAML_SCALAR_NODE)
		return fail(p, node, "key '%s': expected a number, not %s",
		    key, node_type_name(node));
	v = (const char *)node->data.scalar.value;
	errno = 0;
	d = strtod(v, &end);
	if (end == v || *end != '\0' || errno || !isfinite(d))
		return fail(p, node, "key '%s': '%.32s' is not a number", key,
		    v);
	if (d < lo || d > hi)
		return fail(p, node, "key '%s': %g is out of range [%g, %g]",
		    key, d, lo, hi);
	*out = d;
	return 0;
}

static int
get_pattern_flags(uint32_t *out, const struct parser *p,
    const yaml_node_t *node)
{
	yaml_node_item_t *it;
	size_t i;

	if (node->type != YAML_SEQUENCE_NODE)
		return fail(p, node, "key 'pattern_flags': expected a list, "
		    "not %s", node_type_name(node));
	for (it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++) {
		yaml_node_t *item = yaml_document_get_node(p->doc, *it);
		const char *v;

		if (item->type != YAML_SCALAR_NODE)
			return fail(p, item, "key 'pattern_flags': expected "
			    "a string, not %s", node_type_name(item));
		v = (const char *)item->data.scalar.value;
		for (i = 0; i < sizeof(pattern_flag_names) /
		    sizeof(pattern_flag_names[0]); i++)
			if (strcmp(v, pattern_flag_names[i].name) == 0)
				break;
		if (i == sizeof(pattern_flag_names) /
		    sizeof(pattern_flag_names[0]))
			return fail(p, item, "key 'pattern_flags': unknown "
			    "flag '%.32s'", v);
		*out |= pattern_flag_names[i].option;
	}
	return 0;
}

/* Ids look like `ks.area.name`: lowercase words joined by '.', and '-'. */
static bool
valid_id(const char *id)
{
	bool dot = false;
	const char *s;

	for (s = id; *s; s++) {
		bool word = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9');

		if (word)
			continue;
		if (*s != '.' && *s != '-' && *s != '_')
			return false;
		if (s == id || !s[1] || s[1] == '.' || s[1] == '-' ||
		    s[1] == '_')
			return false;
		if (*s == '.')
			dot = true;
	}
	return dot;
}

static void
structural_id(struct ks_rule *rule)
{
	uint8_t digest[KS_SHA256_LEN];
	char opts[16];
	const void *parts[3];
	size_t lens[3];

	snprintf(opts, sizeof(opts), "%08x",
	    (unsigned)(rule->compile_options | KS_RULE_BASE_OPTIONS));
	parts[0] = rule->pattern;
	lens[0] = strlen(rule->pattern);
	parts[1] = "\n";
	lens[1] = 1;
	parts[2] = opts;
	lens[2] = strlen(opts);
	ks_sha256_parts(digest, 3, parts, lens);
	ks_hex_encode(rule->structural_id, digest, sizeof(digest));
}

static int
group_number(uint32_t *out, const struct parser *p, const yaml_node_t *node,
    const pcre2_code *code, const char *name, bool required)
{
	int n = pcre2_substring_number_from_name(code, (PCRE2_SPTR)name);

	if (n == PCRE2_ERROR_NOSUBSTRING) {
		*out = 0;
		if (required)
			return fail(p, node, "pattern has no named group "
			    "'%s'", name);
		return 0;
	}
	if (n < 0)
		return fail(p, node, "pattern names the group '%s' more than "
		    "once", name);
	*out = (uint32_t)n;
	return 0;
}

static int
compile_pattern(struct ks_rule *rule, const struct parser *p,
    const yaml_node_t *node)
{
	pcre2_general_context *g = NULL;
	pcre2_compile_context *cc = NULL;
	PCRE2_UCHAR msg[256];
	PCRE2_SIZE erroff;
	int errcode, error;

	if ((g = ks_rules__gcontext_new()) == NULL ||
	    (cc = pcre2_compile_context_create(g)) == NULL) {
		ks_error_set_oom();
		error = KS_ENOMEM;
		goto done;
	}
	rule->code = pcre2_compile((PCRE2_SPTR)rule->pattern,
	    PCRE2_ZERO_TERMINATED,
	    rule->compile_options | KS_RULE_BASE_OPTIONS, &errcode, &erroff,
	    cc);
	if (!rule->code && errcode == PCRE2_ERROR_HEAP_FAILED) {
		ks_error_set_oom();
		error = KS_ENOMEM;
		goto done;
	}
	if (!rule->code) {
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		error = fail(p, node, "pattern does not compile at offset "
		    "%zu: %s", (size_t)erroff, (const char *)msg);
		goto done;
	}
	pcre2_pattern_info(rule->code, PCRE2_INFO_CAPTURECOUNT,
	    &rule->capture_count);
	if ((error = group_number(&rule->group_secret, p, node, rule->code,
	    "secret", true)) < 0 ||
	    (error = group_number(&rule->group_client_id, p, node, rule->code,
	    "client_id", false)) < 0 ||
	    (error = group_number(&rule->group_issuer, p, node, rule->code,
	    "issuer", false)) < 0)
		goto done;
	structural_id(rule);
done:
	pcre2_compile_context_free(cc);
	pcre2_general_context_free(g);
	return error;
}

enum rule_key {
	K_ID, K_NAME, K_DESCRIPTION, K_CATEGORY, K_CONFIDENCE, K_KEYWORDS,
	K_PATTERN, K_FAMILY, K_ENTROPY, K_MIN_LENGTH, K_REFERENCES,
	K_EXAMPLES, K_NEGATIVE_EXAMPLES, K_REMEDIATION, K_PREFILTER,
	K_PATTERN_FLAGS, K__COUNT
};

static const char *const rule_keys[K__COUNT] = {
	"id", "name", "description", "category", "confidence", "keywords",
	"pattern", "family", "entropy", "min_length", "references",
	"examples", "negative_examples", "remediation", "prefilter",
	"pattern_flags",
};

static const enum rule_key required_keys[] = {
	K_ID, K_NAME, K_DESCRIPTION, K_CATEGORY, K_CONFIDENCE, K_PATTERN,
	K_EXAMPLES,
};

/* Sort the mapping's pairs into `values` by key; reject unknown keys. */
static int
index_keys(yaml_node_t *values[K__COUNT], const struct parser *p,
    const yaml_node_t *map)
{
	yaml_node_pair_t *pair;
	size_t k;

	memset(values, 0, sizeof(values[0]) * K__COUNT);
	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(p->doc, pair->key);
		const char *name;

		if (key->type != YAML_SCALAR_NODE)
			return fail(p, key, "keys must be strings");
		name = (const char *)key->data.scalar.value;
		for (k = 0; k < K__COUNT; k++)
			if (strcmp(name, rule_keys[k]) == 0)
				break;
		if (k == K__COUNT)
			return fail(p, key, "unknown key '%.64s'", name);
		if (values[k])
			return fail(p, key, "duplicate key '%s'", name);
		values[k] = yaml_document_get_node(p->doc, pair->value);
	}
	return 0;
}

/* The rule's id, if it has a usable one, for messages about other keys. */
static const char *
peek_id(const struct parser *p, const yaml_node_t *map)
{
	yaml_node_pair_t *pair;

	for (pair = map->data.mapping.pairs.start;
	    pair < map->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(p->doc, pair->key);
		yaml_node_t *val = yaml_document_get_node(p->doc, pair->value);

		if (key->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)key->data.scalar.value, "id") == 0 &&
		    val->type == YAML_SCALAR_NODE &&
		    val->data.scalar.length > 0 &&
		    val->data.scalar.length < 128)
			return (const char *)val->data.scalar.value;
	}
	return NULL;
}

static int
parse_fields(struct ks_rule *rule, struct parser *p, yaml_node_t **v)
{
	double d;
	int e = 0, error;

	if ((error = get_string(&rule->name, p, v[K_NAME], "name", true)) < 0 ||
	    (error = get_string(&rule->description, p, v[K_DESCRIPTION],
	    "description", true)) < 0 ||
	    (error = get_enum(&e, p, v[K_CATEGORY], "category",
	    category_names, sizeof(category_names) /
	    sizeof(category_names[0]))) < 0)
		return error;
	rule->category = (ks_rule_category)e;
	if ((error = get_enum(&e, p, v[K_CONFIDENCE], "confidence",
	    confidence_names, sizeof(confidence_names) /
	    sizeof(confidence_names[0]))) < 0)
		return error;
	rule->confidence = (enum ks_confidence)e;
	if ((error = get_string(&rule->pattern, p, v[K_PATTERN], "pattern",
	    true)) < 0 ||
	    (error = get_strlist(&rule->examples, p, v[K_EXAMPLES],
	    "examples")) < 0)
		return error;
	if (rule->examples.len == 0)
		return fail(p, v[K_EXAMPLES], "key 'examples': needs at least "
		    "one example");
	if (v[K_KEYWORDS] && (error = get_strlist(&rule->keywords, p,
	    v[K_KEYWORDS], "keywords")) < 0)
		return error;
	if (v[K_NEGATIVE_EXAMPLES] && (error = get_strlist(
	    &rule->negative_examples, p, v[K_NEGATIVE_EXAMPLES],
	    "negative_examples")) < 0)
		return error;
	if (v[K_REFERENCES] && (error = get_strlist(&rule->references, p,
	    v[K_REFERENCES], "references")) < 0)
		return error;
	if (v[K_REMEDIATION] && (error = get_string(&rule->remediation, p,
	    v[K_REMEDIATION], "remediation", true)) < 0)
		return error;
	if (v[K_FAMILY]) {
		if ((error = get_string(&rule->family, p, v[K_FAMILY],
		    "family", true)) < 0)
			return error;
		if (!valid_id(rule->family))
			return fail(p, v[K_FAMILY], "key 'family': '%.64s' "
			    "is not of the form 'ks.area.name'",
			    rule->family);
	} else if ((rule->family = ks__strdup(rule->id)) == NULL) {
		return KS_ENOMEM;
	}
	if (v[K_ENTROPY]) {
		if ((error = get_number(&rule->entropy, p, v[K_ENTROPY],
		    "entropy", 0, 8)) < 0)
			return error;
	}
	if (v[K_MIN_LENGTH]) {
		if ((error = get_number(&d, p, v[K_MIN_LENGTH], "min_length",
		    0, 65536)) < 0)
			return error;
		if (d != floor(d))
			return fail(p, v[K_MIN_LENGTH], "key 'min_length': "
			    "expected an integer");
		rule->min_length = (size_t)d;
	}
	if (v[K_PREFILTER]) {
		static const char *const prefilter_names[] = {
			"keywords", "none"
		};

		if ((error = get_enum(&e, p, v[K_PREFILTER], "prefilter",
		    prefilter_names, 2)) < 0)
			return error;
		rule->prefilter_none = e == 1;
	}
	if (v[K_PATTERN_FLAGS] && (error = get_pattern_flags(
	    &rule->compile_options, p, v[K_PATTERN_FLAGS])) < 0)
		return error;
	return compile_pattern(rule, p, v[K_PATTERN]);
}

static int
parse_rule(struct ks_rule **out, struct parser *p, yaml_node_t *map)
{
	struct ks_rule *rule = NULL;
	yaml_node_t *v[K__COUNT];
	size_t i;
	int error;

	*out = NULL;
	p->rule_id = NULL;
	if (map->type != YAML_MAPPING_NODE) {
		error = fail(p, map, "a rule must be a mapping, not %s",
		    node_type_name(map));
		goto done;
	}
	p->rule_id = peek_id(p, map);
	if ((error = index_keys(v, p, map)) < 0)
		goto done;
	if (!v[K_ID]) {
		error = fail(p, map, "rule without an 'id'");
		goto done;
	}
	if ((rule = ks__calloc(1, sizeof(*rule))) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	rule->line = (unsigned)map->start_mark.line + 1;
	if ((error = get_string(&rule->id, p, v[K_ID], "id", true)) < 0)
		goto done;
	p->rule_id = rule->id;
	if (!valid_id(rule->id)) {
		error = fail(p, v[K_ID], "id is not of the form "
		    "'ks.area.name' (lowercase, digits, '.', '-', '_')");
		goto done;
	}
	for (i = 0; i < sizeof(required_keys) / sizeof(required_keys[0]);
	    i++)
		if (!v[required_keys[i]]) {
			error = fail(p, map, "missing required key '%s'",
			    rule_keys[required_keys[i]]);
			goto done;
		}
	if ((rule->origin = ks__strdup(p->origin)) == NULL) {
		error = KS_ENOMEM;
		goto done;
	}
	if ((error = parse_fields(rule, p, v)) < 0)
		goto done;
	*out = rule;
	rule = NULL;
done:
	ks_rule__free(rule);
	return error;
}

static int
parse_document(struct ks_rule ***rules_out, size_t *count_out,
    struct parser *p)
{
	yaml_node_t *root = yaml_document_get_root_node(p->doc);
	yaml_node_t *list = NULL;
	yaml_node_pair_t *pair;
	yaml_node_item_t *it;
	struct ks_rule **rules;
	size_t n, i, j;
	int error;

	if (!root)
		return fail(p, NULL, "empty rule file: expected a mapping "
		    "with the key 'rules'");
	if (root->type != YAML_MAPPING_NODE)
		return fail(p, root, "the top level must be a mapping with "
		    "the key 'rules', not %s", node_type_name(root));
	for (pair = root->data.mapping.pairs.start;
	    pair < root->data.mapping.pairs.top; pair++) {
		yaml_node_t *key = yaml_document_get_node(p->doc, pair->key);

		if (key->type != YAML_SCALAR_NODE ||
		    strcmp((const char *)key->data.scalar.value, "rules") != 0)
			return fail(p, key, "unknown top-level key '%.64s'",
			    key->type == YAML_SCALAR_NODE ?
			    (const char *)key->data.scalar.value : "?");
		if (list)
			return fail(p, key, "duplicate key 'rules'");
		list = yaml_document_get_node(p->doc, pair->value);
	}
	if (!list)
		return fail(p, root, "missing the top-level key 'rules'");
	if (list->type != YAML_SEQUENCE_NODE)
		return fail(p, list, "key 'rules': expected a list, not %s",
		    node_type_name(list));
	n = (size_t)(list->data.sequence.items.top -
	    list->data.sequence.items.start);
	if (n == 0)
		return 0;
	rules = ks__reallocarray(*rules_out, *count_out + n,
	    sizeof(*rules));
	if (!rules)
		return KS_ENOMEM;
	*rules_out = rules;
	for (it = list->data.sequence.items.start;
	    it < list->data.sequence.items.top; it++) {
		struct ks_rule *rule;

		if ((error = parse_rule(&rule, p,
		    yaml_document_get_node(p->doc, *it))) < 0)
			return error;
		rules[(*count_out)++] = rule;
		for (j = 0, i = *count_out - 1; j < i; j++)
			if (strcmp(rules[j]->id, rule->id) == 0) {
				p->rule_id = rule->id;
				ks_error_set(KS_ERROR_RULE, "%s:%u: rule '%s': "
				    "duplicate id (first defined at line %u)",
				    p->origin, rule->line, rule->id,
				    rules[j]->line);
				return KS_EINVALID;
			}
	}
	return 0;
}

int
ks_rules__parse(struct ks_rule ***rules_out, size_t *count_out,
    const char *origin, const char *yaml, size_t len)
{
	yaml_parser_t parser;
	yaml_document_t doc, extra;
	struct parser p = { origin, &doc, NULL };
	int error, have_doc = 0, have_extra = 0;

	KS_ASSERT_ARG(rules_out);
	KS_ASSERT_ARG(count_out);
	KS_ASSERT_ARG(origin);
	KS_ASSERT_ARG(yaml || len == 0);

	if (!yaml_parser_initialize(&parser)) {
		ks_error_set_oom();
		return KS_ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)yaml,
	    len);
	if (!yaml_parser_load(&parser, &doc))
		goto yaml_error;
	have_doc = 1;
	if (!yaml_parser_load(&parser, &extra))
		goto yaml_error;
	have_extra = 1;
	if (yaml_document_get_root_node(&extra)) {
		error = fail(&p, yaml_document_get_root_node(&extra),
		    "more than one YAML document");
		goto done;
	}
	error = parse_document(rules_out, count_out, &p);
	goto done;

yaml_error:
	if (parser.error == YAML_MEMORY_ERROR) {
		ks_error_set_oom();
		error = KS_ENOMEM;
	} else {
		ks_error_set(KS_ERROR_RULE, "%s:%u: invalid YAML: %s%s%s",
		    origin, (unsigned)parser.problem_mark.line + 1,
		    parser.problem ? parser.problem : "syntax error",
		    parser.context ? " " : "",
		    parser.context ? parser.context : "");
		error = KS_EINVALID;
	}
done:
	if (have_extra)
		yaml_document_delete(&extra);
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return error;
}
