/*
 * cli/cmd_rules.c - `keyshift rules list|show|check`
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <keyshift/rules.h>

#include "cli.h"
#include "json_writer.h"
#include "commands.h"
#include "exitcode.h"

static const char rules_usage[] =
"usage: keyshift rules list [--json] [--rules PATH]... [--no-builtin-rules]\n"
"       keyshift rules show [--rules PATH]... ID\n"
"       keyshift rules check [PATH...]\n"
"\n"
"list   one line per rule: id, category, confidence, name; --json: a\n"
"       JSON array with each rule's id, name, category, keywords, pattern\n"
"show   everything about one rule: pattern, keywords, examples\n"
"check  prove rules: strict schema, patterns compile and JIT-compile,\n"
"       every example matches and holds a keyword, no negative example\n"
"       matches, a ReDoS smoke input stays within the match limits.\n"
"       Without PATH, the built-in rules are checked.\n"
"\n"
"Exit codes: 0 ok, 1 problems found (check), 2 usage or runtime error.\n";

static const struct option rules_options[] = {
	{ "rules", required_argument, NULL, 'r' },
	{ "no-builtin-rules", no_argument, NULL, 'B' },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void
on_problem(const char *rule_id, const char *problem, void *payload)
{
	(void)payload;
	if (rule_id)
		printf("%s: %s\n", rule_id, problem);
	else
		printf("%s\n", problem);
}

static void
print_list(const char *label, size_t n, const ks_rule *rule,
    const char *(*get)(const ks_rule *, size_t))
{
	size_t i;

	if (!n)
		return;
	printf("%s:\n", label);
	for (i = 0; i < n; i++)
		printf("  - %s\n", get(rule, i));
}

static void
show_rule(const ks_rule *r)
{
	printf("id:          %s\n", ks_rule_id(r));
	printf("name:        %s\n", ks_rule_name(r));
	printf("category:    %s\n", ks_rule_category_name(ks_rule_category_of(r)));
	printf("confidence:  %s\n", ks_rule_confidence(r));
	printf("family:      %s\n", ks_rule_family(r));
	printf("origin:      %s\n", ks_rule_origin(r));
	printf("structural:  %s\n", ks_rule_structural_id(r));
	if (ks_rule_description(r))
		printf("description: %s\n", ks_rule_description(r));
	if (ks_rule_remediation(r))
		printf("remediation: %s\n", ks_rule_remediation(r));
	print_list("keywords", ks_rule_keyword_count(r), r, ks_rule_keyword);
	printf("pattern: |\n  %s\n", ks_rule_pattern(r));
	print_list("references", ks_rule_reference_count(r), r,
	    ks_rule_reference);
	print_list("examples", ks_rule_example_count(r), r, ks_rule_example);
	print_list("negative_examples", ks_rule_negative_example_count(r), r,
	    ks_rule_negative_example);
}

static void
list_json(const ks_ruleset *set)
{
	size_t i, k;

	fputs("[", stdout);
	for (i = 0; i < ks_ruleset_count(set); i++) {
		const ks_rule *r = ks_ruleset_get(set, i);
		bool first = true;

		fputs(i ? ",\n{" : "\n{", stdout);
		ks_json_member_str(stdout, &first, "id", ks_rule_id(r), false);
		ks_json_member_str(stdout, &first, "name", ks_rule_name(r),
		    false);
		ks_json_member_str(stdout, &first, "category",
		    ks_rule_category_name(ks_rule_category_of(r)), false);
		ks_json_member_str(stdout, &first, "confidence",
		    ks_rule_confidence(r), false);
		ks_json_member_str(stdout, &first, "family", ks_rule_family(r),
		    false);
		ks_json_key(stdout, &first, "keywords");
		fputc('[', stdout);
		for (k = 0; k < ks_rule_keyword_count(r); k++) {
			if (k)
				fputc(',', stdout);
			ks_json_string(stdout, ks_rule_keyword(r, k));
		}
		fputc(']', stdout);
		ks_json_member_str(stdout, &first, "pattern", ks_rule_pattern(r),
		    false);
		fputc('}', stdout);
	}
	fputs("\n]\n", stdout);
}

int
cmd_rules(int argc, char **argv)
{
	const char *sub;
	const char **paths = NULL;
	size_t npaths = 0, i, problems = 0;
	bool builtin = true, json = false;
	ks_ruleset *set = NULL;
	int c, rc = KS_EXIT_RUNTIME;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(rules_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? KS_EXIT_USAGE : KS_EXIT_OK;
	}
	sub = argv[1];
	if (strcmp(sub, "list") && strcmp(sub, "show") && strcmp(sub, "check")) {
		ks_cli_error("unknown rules command '%s'; see 'keyshift help "
		    "rules'", sub);
		return KS_EXIT_USAGE;
	}
	if ((paths = calloc((size_t)argc, sizeof(char *))) == NULL) {
		ks_cli_error("out of memory");
		return KS_EXIT_RUNTIME;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "r:h", rules_options,
	    NULL)) != -1) {
		switch (c) {
		case 'r': paths[npaths++] = optarg; break;
		case 'B': builtin = false; break;
		case 'J': json = true; break;
		case 'h':
			fputs(rules_usage, stdout);
			rc = KS_EXIT_OK;
			goto done;
		default:
			rc = KS_EXIT_USAGE;
			goto done;
		}
	}
	argc -= 1 + optind;
	argv += 1 + optind;

	if (!strcmp(sub, "check")) {
		/* Paths are positional for check; the built-ins otherwise. */
		for (i = 0; i < (size_t)argc; i++)
			paths[npaths++] = argv[i];
		if (npaths)
			builtin = false;
		argc = 0;
	}
	if (!strcmp(sub, "show") ? argc != 1 : argc != 0) {
		fputs(rules_usage, stderr);
		rc = KS_EXIT_USAGE;
		goto done;
	}
	if (ks_ruleset_new(&set) < 0) {
		ks_cli_error_last("rules");
		goto done;
	}
	if (builtin && ks_ruleset_load_builtin(set) < 0) {
		ks_cli_error_last("cannot load the built-in rules");
		goto done;
	}
	for (i = 0; i < npaths; i++) {
		if (ks_ruleset_load_path(set, paths[i]) < 0) {
			if (!strcmp(sub, "check")) {
				/* A schema error is what check is for. */
				printf("%s\n", ks_error_last() ?
				    ks_error_last()->message : paths[i]);
				rc = KS_EXIT_FINDINGS;
			} else {
				ks_cli_error_last("cannot load rules");
				rc = KS_EXIT_USAGE;
			}
			goto done;
		}
	}
	if (ks_ruleset_compile(set) < 0) {
		if (!strcmp(sub, "check")) {
			printf("%s\n", ks_error_last()->message);
			rc = KS_EXIT_FINDINGS;
		} else {
			ks_cli_error_last("cannot compile rules");
		}
		goto done;
	}

	if (!strcmp(sub, "list") && json) {
		list_json(set);
		rc = KS_EXIT_OK;
	} else if (!strcmp(sub, "list")) {
		for (i = 0; i < ks_ruleset_count(set); i++) {
			const ks_rule *r = ks_ruleset_get(set, i);

			printf("%-48s %-20s %-7s %s\n", ks_rule_id(r),
			    ks_rule_category_name(ks_rule_category_of(r)),
			    ks_rule_confidence(r), ks_rule_name(r));
		}
		rc = KS_EXIT_OK;
	} else if (!strcmp(sub, "show")) {
		const ks_rule *r = ks_ruleset_find(set, argv[0]);

		if (!r) {
			ks_cli_error("no rule '%s'; see 'keyshift rules list'",
			    argv[0]);
			rc = KS_EXIT_USAGE;
			goto done;
		}
		show_rule(r);
		rc = KS_EXIT_OK;
	} else {
		if (ks_rules_check(set, on_problem, NULL, &problems) < 0) {
			ks_cli_error_last("rules check");
			goto done;
		}
		printf("%zu rule%s checked, %zu problem%s\n",
		    ks_ruleset_count(set), ks_ruleset_count(set) == 1 ? "" : "s",
		    problems, problems == 1 ? "" : "s");
		rc = problems ? KS_EXIT_FINDINGS : KS_EXIT_OK;
	}
done:
	ks_ruleset_free(set);
	free(paths);
	return rc;
}
