/*
 * tests/unit/test_rules_builtin.c - the built-in rules on generated inputs
 *
 * Secrets and key bodies are generated at run time (random, format-valid,
 * never committed), placed in the syntaxes real files use, and each case
 * says which rule must find it and where its secret is, or that no rule
 * may match at all.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <keyshift/rules.h>

#include "matcher.h"

static uint64_t rng_state = 0x243f6a8885a308d3ull;

static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static void
random_from(char *out, size_t n, const char *alphabet)
{
	size_t k = strlen(alphabet), i;

	for (i = 0; i < n; i++)
		out[i] = alphabet[rng() % k];
	out[n] = '\0';
}

#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define DIGIT "0123456789"
#define ALNUM UPPER LOWER DIGIT
#define B64 ALNUM "+/"

struct fixture {
	ks_ruleset *set;
	ks_matcher *m;
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(0, ks_ruleset_new(&f->set));
	assert_int_equal(0, ks_ruleset_load_builtin(f->set));
	assert_int_equal(0, ks_ruleset_compile(f->set));
	assert_int_equal(0, ks_matcher_new(&f->m, f->set));
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	ks_matcher_free(f->m);
	ks_ruleset_free(f->set);
	free(f);
	return 0;
}

struct found {
	char rules[8][64];
	size_t secret_start[8], secret_end[8];
	size_t n;
};

static int
on_match(const struct ks_rule_match *m, void *payload)
{
	struct found *fd = payload;

	if (fd->n < 8) {
		snprintf(fd->rules[fd->n], sizeof(fd->rules[0]), "%s",
		    ks_rule_id(m->rule));
		fd->secret_start[fd->n] = m->secret_start;
		fd->secret_end[fd->n] = m->secret_end;
	}
	fd->n++;
	return 0;
}

static void
scan(struct fixture *f, const char *text, struct found *fd)
{
	memset(fd, 0, sizeof(*fd));
	assert_int_equal(0, ks_matcher_scan(f->m, (const uint8_t *)text,
	    strlen(text), on_match, fd, NULL));
}

/* `text` must yield a match of `rule` whose secret is exactly `secret`. */
static void
expect_secret(struct fixture *f, const char *text, const char *rule,
    const char *secret)
{
	struct found fd;
	size_t i;

	scan(f, text, &fd);
	for (i = 0; i < fd.n && i < 8; i++) {
		size_t n = fd.secret_end[i] - fd.secret_start[i];

		if (strcmp(fd.rules[i], rule) == 0 && n == strlen(secret) &&
		    memcmp(text + fd.secret_start[i], secret, n) == 0)
			return;
	}
	fail_msg("%s did not find its secret in: %s", rule, text);
}

static void
expect_nothing(struct fixture *f, const char *text)
{
	struct found fd;

	scan(f, text, &fd);
	if (fd.n)
		fail_msg("%s matched: %s", fd.rules[0], text);
}

/* A random client secret: mixed alphabet, with a digit. */
static void
random_client_secret(char *out, size_t n)
{
	random_from(out, n, ALNUM "-_.~");
	out[n / 2] = (char)('0' + rng() % 10);
	out[0] = 'Q';
}

static void
test_rules_builtin__client_secret_syntaxes(void **state)
{
	static const char *const forms[] = {
		"CLIENT_SECRET=%s\n",
		"OAUTH2_CLIENT_SECRET=\"%s\"\r\n",
		"export GITLAB_CLIENT_SECRET='%s'",
		"client_secret: %s\n",
		"  clientSecret: '%s'  # prod\n",
		"{\"client_id\":\"demo\",\"client_secret\":\"%s\"}",
		"{\n  \"ClientSecret\" : \"%s\",\n}",
		"app.oauth2.client-secret=%s\n",
		"oauth.client.secret = %s",
		"    client_secret=\"%s\",\n",
		"const cfg = { clientSecret: '%s' };",
		"  :client_secret => \"%s\",",
		"'client_secret' => '%s',",
		"\tClientSecret: \"%s\",\n",
		"clientSecret := \"%s\"",
		"options.ClientSecret = \"%s\";",
		"<client_secret>%s</client_secret>",
		"POST /token client_id=abc&client_secret=%s&grant_type=x",
		".clientSecret(\"%s\")",
		"CLIENT_SECRET = `%s`",
	};
	struct fixture *f = *state;
	char secret[64], text[256];
	size_t i, len;

	for (i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		for (len = 16; len <= 48; len += 16) {
			random_client_secret(secret, len);
			snprintf(text, sizeof(text), forms[i], secret);
			expect_secret(f, text,
			    "ks.oauth.client-secret.assignment", secret);
		}
	}
}

static void
test_rules_builtin__client_secret_non_secrets(void **state)
{
	static const char *const texts[] = {
		"client_secret=${CLIENT_SECRET}",
		"client_secret: \"${OAUTH_CLIENT_SECRET:-default}\"",
		"CLIENT_SECRET=$GOOGLE_OAUTH_CLIENT_SECRET",
		"client_secret: <client-secret>",
		"client_secret: \"<your-secret>\"",
		"client_secret = os.environ.get(\"CLIENT_SECRET\")",
		"client_secret = os.environ['CLIENT_SECRET']",
		"client_secret = os.getenv(\"OAUTH_CLIENT_SECRET_VALUE\")",
		"clientSecret: process.env.OAUTH_CLIENT_SECRET,",
		"clientSecret: process.env.OAUTH_CLIENT_SECRET || ''",
		"clientSecret = System.getenv(\"OAUTH_CLIENT_SECRET\");",
		"client_secret: changeme",
		"client_secret: \"changeme0123456789\"",
		"client_secret: xxxxxxxxxxxxxxxxxxxxxxxx",
		"client_secret: XXXX-XXXX-XXXX-XXXX-XXXX",
		"client_secret: \"\"",
		"client_secret: null",
		"client_secret: ~",
		"client_secret:",
		"token_endpoint_auth_method: client_secret_post",
		"token_endpoint_auth_method = \"client_secret_basic\"",
		"\"client_secret_expires_at\": 0",
		"client_secret: \"{{ .Values.oauth.clientSecret }}\"",
		"client_secret: !vault |",
		"client_secret: ENC[AES256_GCM,data:abc,iv:def]",
		"client_secret=self.settings.oauth_client_secret",
		"client_secret: your-client-secret-goes-here-123",
		"client_secret: placeholder0123456789",
		"client_secret: REDACTED-REDACTED-2024",
		"client_secret: ********************",
		"client_secret=aaaaaaaaaaaaaaaaaaaa0",
		"the client secret is stored in the vault",
		"def client_secret(self): return self._secret_value_123",
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		expect_nothing(f, texts[i]);
}

static void
test_rules_builtin__google(void **state)
{
	struct fixture *f = *state;
	char secret[64], text[128], longer[72];

	strcpy(secret, "GOCSPX-");
	random_from(secret + 7, 28, ALNUM "-_");
	snprintf(text, sizeof(text), "{\"client_secret\":\"%s\"}", secret);
	expect_secret(f, text, "ks.google.oauth-client-secret", secret);
	snprintf(text, sizeof(text), "GOOGLE_CLIENT_SECRET=%s\n", secret);
	expect_secret(f, text, "ks.google.oauth-client-secret", secret);
	/* one character more or less is not a Google secret */
	snprintf(longer, sizeof(longer), "%sA", secret);
	snprintf(text, sizeof(text), "value %s", longer);
	expect_nothing(f, text);
	secret[strlen(secret) - 1] = '\0';
	snprintf(text, sizeof(text), "value %s", secret);
	expect_nothing(f, text);
}

static void
test_rules_builtin__aws(void **state)
{
	struct fixture *f = *state;
	char id[32], text[128];

	strcpy(id, "AKIA");
	random_from(id + 4, 16, UPPER DIGIT);
	snprintf(text, sizeof(text), "aws_access_key_id = %s\n", id);
	expect_secret(f, text, "ks.aws.access-key-id", id);
	memcpy(id, "ASIA", 4);
	snprintf(text, sizeof(text), "\"AccessKeyId\": \"%s\",", id);
	expect_secret(f, text, "ks.aws.access-key-id", id);
	snprintf(text, sizeof(text), "x%s", id);    /* inside a word */
	expect_nothing(f, text);
	snprintf(text, sizeof(text), "%sQ", id);    /* 17 characters */
	expect_nothing(f, text);
	id[10] = 'a';                                /* lower case */
	snprintf(text, sizeof(text), "key %s", id);
	expect_nothing(f, text);
}

static void
test_rules_builtin__github(void **state)
{
	static const char *const prefixes[] = {
		"ghp_", "gho_", "ghu_", "ghs_", "ghr_"
	};
	struct fixture *f = *state;
	char token[128], text[192];
	size_t i;

	for (i = 0; i < 5; i++) {
		strcpy(token, prefixes[i]);
		random_from(token + 4, 36, ALNUM);
		snprintf(text, sizeof(text), "GITHUB_TOKEN=%s\n", token);
		expect_secret(f, text, "ks.github.token", token);
	}
	strcpy(token, "ghx_");
	random_from(token + 4, 36, ALNUM);
	expect_nothing(f, token);
	strcpy(token, "github_pat_");
	random_from(token + 11, 22, ALNUM);
	token[33] = '_';
	random_from(token + 34, 59, ALNUM);
	snprintf(text, sizeof(text), "token: \"%s\"", token);
	expect_secret(f, text, "ks.github.fine-grained-pat", token);
	token[60] = '\0';
	expect_nothing(f, token);
}

/* A PEM body of `n` random bytes' worth of base64, wrapped at `width`,
 * each line prefixed by `indent` and ended by `nl`. The body alone (as
 * the rule's secret spans it) goes to `secret`. */
static void
make_pem(char *out, size_t cap, char *secret, const char *label,
    const char *first, size_t chars, size_t width, const char *indent,
    const char *nl, const char *headers)
{
	char body[4096];
	size_t i, o = 0, s = 0;

	strcpy(body, first);
	random_from(body + strlen(first), chars - strlen(first), B64);
	memcpy(body + chars - 2, "==", 3);
	o += (size_t)snprintf(out + o, cap - o, "%s-----BEGIN %s-----%s%s",
	    indent, label, nl, headers);
	for (i = 0; i < chars; i += width) {
		size_t n = chars - i < width ? chars - i : width;

		o += (size_t)snprintf(out + o, cap - o, "%s", indent);
		if (i > 0)
			s += (size_t)sprintf(secret + s, "%s%s", nl, indent);
		memcpy(out + o, body + i, n);
		memcpy(secret + s, body + i, n);
		o += n;
		s += n;
		o += (size_t)snprintf(out + o, cap - o, "%s", nl);
	}
	secret[s] = '\0';
	snprintf(out + o, cap - o, "%s-----END %s-----%s", indent, label, nl);
}

static void
test_rules_builtin__pem_shapes(void **state)
{
	static const struct {
		const char *label, *rule, *first;
		size_t chars, width;
	} keys[] = {
		{ "RSA PRIVATE KEY", "ks.pem.private-key.pkcs1", "MII",
		    1588, 64 },
		{ "EC PRIVATE KEY", "ks.pem.private-key.sec1", "MHc", 164,
		    64 },
		{ "PRIVATE KEY", "ks.pem.private-key.pkcs8", "MC4", 64, 64 },
		{ "PRIVATE KEY", "ks.pem.private-key.pkcs8", "MII", 1624,
		    64 },
		{ "ENCRYPTED PRIVATE KEY", "ks.pem.private-key.pkcs8-encrypted",
		    "MII", 1700, 64 },
		{ "OPENSSH PRIVATE KEY", "ks.pem.private-key.openssh",
		    "b3BlbnNzaC1rZXktdjEAAAAA", 400, 70 },
	};
	static const struct {
		const char *indent, *nl;
	} styles[] = {
		{ "", "\n" }, { "", "\r\n" }, { "    ", "\n" }, { "", "\\n" },
	};
	struct fixture *f = *state;
	static char text[8192], secret[8192];
	size_t i, j;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		for (j = 0; j < sizeof(styles) / sizeof(styles[0]); j++) {
			make_pem(text, sizeof(text), secret, keys[i].label,
			    keys[i].first, keys[i].chars, keys[i].width,
			    styles[j].indent, styles[j].nl, "");
			expect_secret(f, text, keys[i].rule, secret);
		}
	/* legacy encrypted PKCS#1 with RFC 1421 headers */
	make_pem(text, sizeof(text), secret, "RSA PRIVATE KEY", "MII", 1588,
	    64, "", "\n", "Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,"
	    "0123456789ABCDEF0123456789ABCDEF\n\n");
	expect_secret(f, text, "ks.pem.private-key.pkcs1", secret);
}

static void
test_rules_builtin__pem_non_keys(void **state)
{
	static const char *const texts[] = {
		"-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n"
		    "-----END RSA PRIVATE KEY-----\n",
		"-----BEGIN PRIVATE KEY-----\n<redacted>\n"
		    "-----END PRIVATE KEY-----\n",
		"-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n",
		"if (line == \"-----BEGIN OPENSSH PRIVATE KEY-----\")",
		"-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE"
		    "abcdefghijklmnopqrstuvwxyz0123456789ABCD\n"
		    "-----END PUBLIC KEY-----\n",
		"-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUabcdefghijk"
		    "lmnopqrstuvwxyz0123456789AB\n-----END CERTIFICATE-----\n",
	};
	struct fixture *f = *state;
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		expect_nothing(f, texts[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rules_builtin__client_secret_syntaxes),
		cmocka_unit_test(test_rules_builtin__client_secret_non_secrets),
		cmocka_unit_test(test_rules_builtin__google),
		cmocka_unit_test(test_rules_builtin__aws),
		cmocka_unit_test(test_rules_builtin__github),
		cmocka_unit_test(test_rules_builtin__pem_shapes),
		cmocka_unit_test(test_rules_builtin__pem_non_keys),
	};
	return cmocka_run_group_tests_name("rules/builtin", tests, setup,
	    teardown);
}
