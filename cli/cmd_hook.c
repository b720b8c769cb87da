/*
 * cli/cmd_hook.c - `keyshift hook`: git hooks (docs/GIT.md)
 *
 *   hook pre-commit     scan what the index adds (run by the installed hook)
 *   hook pre-push       scan what a push sends (stdin: git's pre-push lines)
 *   hook pre-receive    server side (stdin: "old new ref" lines)
 *   hook install        write .git/hooks/pre-commit (or pre-push)
 *
 * The scanning verbs build a `keyshift scan` command line and run
 * cmd_scan(), so they behave exactly as the equivalent scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyshift/scan.h>

#include "cli.h"
#include "commands.h"
#include "exitcode.h"

#define HOOK_MARK "# installed by: keyshift hook install"
#define ZERO_OID "0000000000000000000000000000000000000000"
#define MAX_REFS 4096

static const char hook_usage[] =
"usage: keyshift hook pre-commit [scan options]\n"
"       keyshift hook pre-push [REMOTE URL] < lines\n"
"       keyshift hook pre-receive < lines\n"
"       keyshift hook install [--pre-commit|--pre-push] [--force|--chain]\n"
"\n"
"pre-commit scans what the index adds or changes (keyshift scan --staged);\n"
"pre-push and pre-receive scan only the commits a push adds. install\n"
"writes the hook into core.hooksPath or .git/hooks; an existing hook that\n"
"keyshift did not write is left alone unless --force (replace it) or\n"
"--chain (keep it as HOOK.keyshift-chained and run it first).\n"
"\n"
"Exit codes: 0 nothing found (the git operation goes on), 1 findings\n"
"(git refuses it), 2 usage or runtime error.\n";

/* `verb` is the git command the hook guards ("commit", "push"), or NULL
 * on the server side, where there is nothing to bypass. */
static void
print_allow_help(const char *verb)
{
	fprintf(stderr,
	    "\nkeyshift: blocked: the change above adds secrets.\n"
	    "  Remove them (and rotate any that were real). To allow one\n"
	    "  where it stands, end its line with a comment holding\n"
	    "  'keyshift:allow RULE-ID reason' (the rule id is the column\n"
	    "  after file:line:column); to allow it wherever it appears, add\n"
	    "  its fingerprint (the hex column) to .keyshift-ignore.\n");
	if (verb)
		fprintf(stderr, "  To bypass the hook once: git %s --no-verify.\n",
		    verb);
}

static int
run_scan(int argc, char **argv, const char *verb)
{
	int rc = cmd_scan(argc, argv);

	if (rc == KS_EXIT_FINDINGS)
		print_allow_help(verb);
	return rc;
}

static int
hook_pre_commit(int argc, char **argv)
{
	char **av = calloc((size_t)argc + 8, sizeof(char *));
	int n = 0, i, rc;

	if (!av) {
		ks_cli_error("out of memory");
		return KS_EXIT_RUNTIME;
	}
	av[n++] = "scan";
	av[n++] = "--staged";
	av[n++] = "--no-store";
	for (i = 1; i < argc; i++)
		av[n++] = argv[i];
	av[n++] = ".";
	rc = run_scan(n, av, "commit");
	free(av);
	return rc;
}

/*
 * The pre-commit framework (https://pre-commit.com) reads git's pre-push
 * lines itself and hands its hooks only the first pushed ref, in the
 * environment: PRE_COMMIT_FROM_REF..PRE_COMMIT_TO_REF, or, when the push
 * sends history down to a root commit, just PRE_COMMIT_LOCAL_BRANCH. Make
 * the pre-push line git would have given; false when not run by it.
 */
static bool
framework_pre_push(char *line, size_t size)
{
	const char *pc = getenv("PRE_COMMIT"), *from, *to, *local;

	if (!pc || strcmp(pc, "1"))
		return false;
	from = getenv("PRE_COMMIT_FROM_REF");
	to = getenv("PRE_COMMIT_TO_REF");
	local = getenv("PRE_COMMIT_LOCAL_BRANCH");
	if (from && *from && to && *to)
		snprintf(line, size, "- %s - %s\n", to, from);
	else if (local && *local)
		snprintf(line, size, "- %s - " ZERO_OID "\n", local);
	else
		return false;
	return true;
}

/*
 * Read "A B C D" lines; `push_field` and `hide_field` say which ids to
 * walk and to hide. An all-zero id to walk is a deletion (nothing to
 * scan); an all-zero id to hide is a new ref: then `new_hide` is hidden
 * instead (every ref the receiving side already has).
 */
static int
hook_lines(int push_field, int hide_field, const char *new_hide,
    bool from_env, int argc, char **argv)
{
	char line[4096], *f[4], *save, *p;
	char **revs = NULL, **av = NULL;
	size_t nrevs = 0, i;
	int n = 0, k, rc = KS_EXIT_RUNTIME;
	bool any_new = false;
	char fw[1024];
	FILE *in = stdin;

	(void)argc;
	(void)argv;
	if (!from_env && framework_pre_push(fw, sizeof(fw)) &&
	    (in = fmemopen(fw, strlen(fw), "r")) == NULL) {
		ks_cli_error("cannot read the pre-commit framework's refs: %s",
		    strerror(errno));
		return KS_EXIT_RUNTIME;
	}
	if ((revs = calloc(MAX_REFS * 2 + 2, sizeof(char *))) == NULL ||
	    (av = calloc(MAX_REFS * 4 + 16, sizeof(char *))) == NULL) {
		ks_cli_error("out of memory");
		goto done;
	}
	while (fgets(line, sizeof(line), in)) {
		for (k = 0, p = line; k < 4 &&
		    (f[k] = strtok_r(p, " \t\r\n", &save)) != NULL; k++)
			p = NULL;
		if (k == 0)
			continue;
		if (k <= push_field || k <= hide_field) {
			ks_cli_error("malformed hook input line");
			rc = KS_EXIT_USAGE;
			goto done;
		}
		if (nrevs + 2 > MAX_REFS * 2) {
			ks_cli_error("too many refs in one push");
			goto done;
		}
		if (strspn(f[push_field], "0") == strlen(f[push_field]))
			continue;                   /* a deleted ref */
		if ((revs[nrevs++] = strdup(f[push_field])) == NULL)
			goto oom;
		if (strspn(f[hide_field], "0") == strlen(f[hide_field]))
			any_new = true;
		else {
			size_t len = strlen(f[hide_field]) + 2;

			if ((revs[nrevs] = malloc(len)) == NULL)
				goto oom;
			snprintf(revs[nrevs++], len, "^%s", f[hide_field]);
		}
	}
	if (nrevs == 0) {
		rc = KS_EXIT_OK;                     /* only deletions */
		goto done;
	}
	av[n++] = "scan";
	av[n++] = "--no-store";
	if (from_env)
		av[n++] = "--git-env";
	if (any_new) {
		av[n++] = "--rev";
		av[n++] = (char *)new_hide;
	}
	for (i = 0; i < nrevs; i++) {
		av[n++] = "--rev";
		av[n++] = revs[i];
	}
	av[n++] = ".";
	rc = run_scan(n, av, from_env ? NULL : "push");
	goto done;
oom:
	ks_cli_error("out of memory");
done:
	if (in != stdin)
		fclose(in);
	for (i = 0; revs && i < nrevs; i++)
		free(revs[i]);
	free(revs);
	free(av);
	return rc;
}

/* ---- install ------------------------------------------------------ */

static bool
is_ours(const char *path)
{
	char buf[4096];
	FILE *fp = fopen(path, "r");
	size_t n;

	if (!fp)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return strstr(buf, HOOK_MARK) != NULL;
}

static int
write_hook(const char *path, const char *name, const char *chained)
{
	char self[4096], tmp[4300];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	FILE *fp;
	int fd;

	if (n <= 0)
		snprintf(self, sizeof(self), "keyshift");
	else
		self[n] = '\0';
	snprintf(tmp, sizeof(tmp), "%s.keyshift-tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0755)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		ks_cli_error("cannot write '%s': %s", tmp, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fprintf(fp, "#!/bin/sh\n%s\n# Blocks commits and pushes that add "
	    "secrets. Remove with: rm '%s'\n", HOOK_MARK, path);
	if (!strcmp(name, "pre-push") && chained)
		/* Both read git's ref lines on stdin: give each a copy. */
		fprintf(fp, "lines=$(cat)\n"
		    "printf '%%s\\n' \"$lines\" | '%s' \"$@\" || exit $?\n"
		    "printf '%%s\\n' \"$lines\" | '%s' hook pre-push \"$@\"\n",
		    chained, self);
	else if (!strcmp(name, "pre-push"))
		fprintf(fp, "exec '%s' hook pre-push \"$@\"\n", self);
	else {
		if (chained)
			fprintf(fp, "'%s' \"$@\" || exit $?\n", chained);
		fprintf(fp, "exec '%s' hook pre-commit\n", self);
	}
	if (fclose(fp) != 0 || chmod(tmp, 0755) < 0 ||
	    rename(tmp, path) < 0) {
		ks_cli_error("cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int
hook_install(int argc, char **argv)
{
	const char *name = "pre-commit";
	bool force = false, chain = false;
	ks_buf dir = KS_BUF_INIT;
	char path[4200], chained[4300];
	struct stat st;
	int i, rc = KS_EXIT_RUNTIME;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--pre-commit"))
			name = "pre-commit";
		else if (!strcmp(argv[i], "--pre-push"))
			name = "pre-push";
		else if (!strcmp(argv[i], "--force"))
			force = true;
		else if (!strcmp(argv[i], "--chain"))
			chain = true;
		else {
			ks_cli_error("hook install: unknown option '%s'",
			    argv[i]);
			return KS_EXIT_USAGE;
		}
	}
	if (ks_git_hooks_dir(&dir, ".") < 0) {
		ks_cli_error_last("hook install");
		return KS_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/%s", dir.ptr, name);
	snprintf(chained, sizeof(chained), "%s.keyshift-chained", path);
	if (mkdir(dir.ptr, 0755) < 0 && errno != EEXIST) {
		ks_cli_error("cannot create '%s': %s", dir.ptr,
		    strerror(errno));
		goto done;
	}
	if (lstat(path, &st) == 0 && !is_ours(path)) {
		if (chain) {
			if (rename(path, chained) < 0) {
				ks_cli_error("cannot move '%s': %s", path,
				    strerror(errno));
				goto done;
			}
		} else if (!force) {
			ks_cli_error("'%s' exists and was not written by "
			    "keyshift: use --chain to run it before keyshift, "
			    "or --force to replace it", path);
			rc = KS_EXIT_USAGE;
			goto done;
		}
	}
	if (write_hook(path, name, lstat(chained, &st) == 0 ? chained :
	    NULL) < 0)
		goto done;
	printf("installed %s\n", path);
	rc = KS_EXIT_OK;
done:
	ks_buf_dispose(&dir);
	return rc;
}

int
cmd_hook(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(hook_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? KS_EXIT_USAGE : KS_EXIT_OK;
	}
	if (!strcmp(argv[1], "pre-commit"))
		return hook_pre_commit(argc - 1, argv + 1);
	/* pre-push: "<local ref> <local oid> <remote ref> <remote oid>" */
	if (!strcmp(argv[1], "pre-push"))
		return hook_lines(1, 3, "^--remotes", false, argc - 1,
		    argv + 1);
	/* pre-receive: "<old oid> <new oid> <ref>"; the pushed objects sit
	 * in a quarantine directory that GIT_OBJECT_DIRECTORY names. */
	if (!strcmp(argv[1], "pre-receive"))
		return hook_lines(1, 0, "^--all", true, argc - 1, argv + 1);
	if (!strcmp(argv[1], "install"))
		return hook_install(argc - 1, argv + 1);
	ks_cli_error("hook: unknown verb '%s'; see 'keyshift hook --help'",
	    argv[1]);
	return KS_EXIT_USAGE;
}
