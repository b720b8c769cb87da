/*
 * tests/unit/test_scanner_support.h - temp trees, generated secrets and a
 * small rule set for the scanner tests
 *
 * Secrets are generated at run time from ks_random_bytes: nothing
 * secret-shaped is committed. The rules are real ks_rules rules loaded
 * from YAML, so the tests go through the real prefilter and PCRE2.
 */
#ifndef KS_TEST_SCANNER_SUPPORT_H
#define KS_TEST_SCANNER_SUPPORT_H

#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyshift/rules.h>
#include <keyshift/scan.h>

#include "hash.h"

static const char test_rules_yaml[] =
"rules:\n"
"- id: ks.test.google\n"
"  name: Test Google client secret\n"
"  description: A GOCSPX- client secret (test rule).\n"
"  category: oauth-client-secret\n"
"  confidence: high\n"
"  keywords: [GOCSPX-]\n"
"  pattern: '(?<secret>GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])'\n"
/* Literals are split so keyshift's scan of its own tree stays clean. */
"  examples: ['x: GOCSPX" "-abcdefghijklmnopqrstuvwxyzAB']\n"
"- id: ks.test.google.assignment\n"
"  name: Test Google client secret with its client id\n"
"  description: client_id then client_secret (test rule).\n"
"  category: oauth-client-secret\n"
"  confidence: high\n"
"  family: ks.test.google\n"
"  keywords: [client_secret]\n"
"  pattern: 'client_id=(?<client_id>[0-9]+-[a-z0-9]+)[ ]client_secret=(?<secret>GOCSPX-[A-Za-z0-9_-]{28})'\n"
"  examples: ['client_id=1-ab client_secret=GOCSPX" "-abcdefghijklmnopqrstuvwxyzAB']\n"
"- id: ks.test.aws\n"
"  name: Test AWS access key id\n"
"  description: An AWS access key id (test rule).\n"
"  category: cloud-credential\n"
"  confidence: medium\n"
"  keywords: [AKIA]\n"
"  pattern: '(?<secret>AKIA[0-9A-Z]{16})(?![0-9A-Z])'\n"
"  examples: ['id = AKIA" "ABCDEFGHIJKLMNOP']\n"
"- id: ks.test.block\n"
"  name: Test multi-line block\n"
"  description: A two-line secret between markers (test rule).\n"
"  category: private-key\n"
"  confidence: high\n"
"  keywords: [BEGIN KS TEST]\n"
"  pattern: '-----BEGIN KS TEST-----\\n(?<secret>[A-Za-z0-9]{20}\\n[A-Za-z0-9]{10})\\n-----END KS TEST-----'\n"
"  examples: [\"-----BEGIN KS TEST-----\\nabcdefghijklmnopqrst\\nabcdefghij\\n-----END KS TEST-----\"]\n";

static inline ks_ruleset *
test_rules(void)
{
	ks_ruleset *set = NULL;

	if (ks_ruleset_new(&set) < 0 ||
	    ks_ruleset_load_buffer(set, "test-rules.yml", test_rules_yaml,
	    strlen(test_rules_yaml)) < 0 || ks_ruleset_compile(set) < 0) {
		const ks_error *e = ks_error_last();

		fprintf(stderr, "test rules: %s\n", e ? e->message : "?");
		ks_ruleset_free(set);
		return NULL;
	}
	return set;
}

/* `n` random characters of `alphabet` into out (NUL-terminated). */
static inline void
random_chars(char *out, size_t n, const char *alphabet)
{
	size_t i, k = strlen(alphabet);
	uint8_t b[64];

	if (n > sizeof(b) || ks_random_bytes(b, n) < 0)
		abort();
	for (i = 0; i < n; i++)
		out[i] = alphabet[b[i] % k];
	out[n] = '\0';
}

/* A GOCSPX- secret: 35 characters. */
static inline void
gen_google(char out[36])
{
	memcpy(out, "GOCSPX-", 7);
	random_chars(out + 7, 28, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789");
}

/* An AWS access key id: 20 characters. */
static inline void
gen_aws(char out[21])
{
	memcpy(out, "AKIA", 4);
	random_chars(out + 4, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
}

static inline char *
make_tmpdir(void)
{
	char tmpl[] = "/tmp/ks-scanner-XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

static inline void
rm_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (!dir || lstat(dir, &st) < 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		unlink(dir);
		return;
	}
	chmod(dir, 0700);
	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) < (int)sizeof(path))
				rm_tree(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Write `len` bytes (or strlen) to dir/rel, creating parent dirs. */
static inline void
put_file(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if ((f = fopen(path, "wb")) == NULL)
		abort();
	if (len && fwrite(data, 1, len, f) != len)
		abort();
	fclose(f);
}

static inline void
put_text(const char *dir, const char *rel, const char *text)
{
	put_file(dir, rel, text, strlen(text));
}

#endif
