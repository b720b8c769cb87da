/*
 * tests/unit/test_migrate_net.c - the network half of migrate without a
 * network: URL rules, well-known URLs, form encoding, trace redaction,
 * the secret patch and the client configuration's quoting
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <keyshift/jose.h>
#include <keyshift/migrate.h>

#include "fileio.h"
#include "http_client.h"
#include "migrate_int.h"

static void
test_migrate_net__url_rules(void **state)
{
	struct ks_mhttp_options o = KS_MHTTP_OPTIONS_INIT;
	ks_mhttp *strict = NULL, *loop = NULL;

	(void)state;
	assert_int_equal(ks_mhttp_new(&strict, &o), 0);
	o.allow_http_loopback = true;
	assert_int_equal(ks_mhttp_new(&loop, &o), 0);
	assert_int_equal(ks_mhttp_check_url(strict, "https://as.example/t"), 0);
	assert_int_equal(ks_mhttp_check_url(strict, "http://127.0.0.1:8080/"),
	    KS_EINVALID);
	assert_int_equal(ks_mhttp_check_url(loop, "http://127.0.0.1:8080/"), 0);
	assert_int_equal(ks_mhttp_check_url(loop, "http://127.9.0.3/"), 0);
	assert_int_equal(ks_mhttp_check_url(loop, "http://[::1]:99/"), 0);
	assert_int_equal(ks_mhttp_check_url(loop, "http://localhost/"), 0);
	/* a name that merely starts like a loopback address */
	assert_int_equal(ks_mhttp_check_url(loop, "http://127.0.0.1.evil.test/"),
	    KS_EINVALID);
	assert_int_equal(ks_mhttp_check_url(loop, "http://10.0.0.1/"),
	    KS_EINVALID);
	assert_int_equal(ks_mhttp_check_url(loop, "ftp://127.0.0.1/"),
	    KS_EINVALID);
	/* never credentials in a URL: it would land in the journal */
	assert_int_equal(ks_mhttp_check_url(strict,
	    "https://user:pw@as.example/"), KS_EINVALID);
	assert_int_equal(ks_mhttp_check_url(strict, "not a url"), KS_EINVALID);
	ks_mhttp_free(strict);
	ks_mhttp_free(loop);
	ks_mhttp_free(NULL);
}

static void
expect_urls(const char *issuer, const char *r8414, const char *oidc)
{
	ks_str a = KS_STR_INIT, b = KS_STR_INIT;

	assert_int_equal(ks_migrate__well_known_urls(&a, &b, issuer), 0);
	assert_string_equal(a.ptr, r8414);
	assert_string_equal(b.ptr, oidc);
	ks_str_dispose(&a);
	ks_str_dispose(&b);
}

static void
test_migrate_net__well_known_urls(void **state)
{
	ks_str a = KS_STR_INIT, b = KS_STR_INIT;

	(void)state;
	/* RFC 8414 §3.1: inserted between host and path; OIDC: appended */
	expect_urls("https://as.example",
	    "https://as.example/.well-known/oauth-authorization-server",
	    "https://as.example/.well-known/openid-configuration");
	expect_urls("https://as.example/",
	    "https://as.example/.well-known/oauth-authorization-server",
	    "https://as.example/.well-known/openid-configuration");
	expect_urls("https://as.example/tenant/1",
	    "https://as.example/.well-known/oauth-authorization-server/tenant/1",
	    "https://as.example/tenant/1/.well-known/openid-configuration");
	expect_urls("http://127.0.0.1:4000",
	    "http://127.0.0.1:4000/.well-known/oauth-authorization-server",
	    "http://127.0.0.1:4000/.well-known/openid-configuration");
	assert_int_equal(ks_migrate__well_known_urls(&a, &b,
	    "https://as.example/?x=1"), KS_EINVALID);
	assert_int_equal(ks_migrate__well_known_urls(&a, &b, "as.example"),
	    KS_EINVALID);
	ks_str_dispose(&a);
	ks_str_dispose(&b);
}

static void
test_migrate_net__form_encoding(void **state)
{
	ks_str s = KS_STR_INIT;

	(void)state;
	assert_int_equal(ks_form_encode(&s, "a b+c/d=e&f~g.h_i-j%\xc3\xa9"), 0);
	assert_string_equal(s.ptr, "a+b%2Bc%2Fd%3De%26f~g.h_i-j%25%C3%A9");
	ks_str_dispose(&s);
}

static void
test_migrate_net__trace_redaction(void **state)
{
	static const char *const lines[] = {
	    "Authorization: Bearer abc.def.ghi",
	    "authorization: Basic dXNlcjpwYXNz",
	    "Cookie: sid=1", "X-Api-Key: k" };
	ks_str s = KS_STR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ks_str_clear(&s);
		assert_int_equal(ks_mhttp__redact_header(&s, lines[i],
		    strlen(lines[i])), 0);
		assert_non_null(strstr(s.ptr, "[redacted]"));
		assert_null(strstr(s.ptr, "abc.def"));
		assert_null(strstr(s.ptr, "dXNlcjpwYXNz"));
		assert_null(strstr(s.ptr, "sid=1"));
	}
	ks_str_clear(&s);
	assert_int_equal(ks_mhttp__redact_header(&s, "Accept: */*", 11), 0);
	assert_string_equal(s.ptr, "Accept: */*");
	ks_str_dispose(&s);
}

static char *
temp_file(const char *text)
{
	char *path = strdup("/tmp/ks-patch-XXXXXX");
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void
test_migrate_net__secret_patch(void **state)
{
	const char *text = "a=1\nb=2\nc=3\nclient_secret: \"s3cr3tVALUE123\"\n"
	    "d=4\ne=5\nf=6\ng=7\n";
	const char *secret = "s3cr3tVALUE123";
	uint64_t start = (uint64_t)(strstr(text, secret) - text);
	ks_buf diff = KS_BUF_INIT;
	ks_str after = KS_STR_INIT;
	char *path = temp_file(text);

	(void)state;
	assert_int_equal(ks_secret_patch(&diff, path, "conf/app.yml", start,
	    start + strlen(secret), "/keys/app.pem"), 0);
	assert_string_equal(diff.ptr,
	    "--- a/conf/app.yml\n+++ b/conf/app.yml\n@@ -1,7 +1,7 @@\n"
	    " a=1\n b=2\n c=3\n-client_secret: \"****\"\n"
	    "+client_secret: \"/keys/app.pem\"\n d=4\n e=5\n f=6\n");
	assert_null(strstr(diff.ptr, secret));
	/* offsets that no longer hold the secret's line are refused */
	assert_int_equal(ks_secret_patch(&diff, path, "x", start - 20,
	    start + 2, "y"), KS_EINVALID);
	assert_int_equal(ks_secret_patch(&diff, path, "x", 0, 9999, "y"),
	    KS_EINVALID);
	assert_int_equal(ks_secret_patch_apply(path, start,
	    start + strlen(secret), "/keys/app.pem"), 0);
	assert_int_equal(ks_file_read(&after, path, 4096), 0);
	assert_null(strstr(after.ptr, secret));
	assert_non_null(strstr(after.ptr, "client_secret: \"/keys/app.pem\"\n"
	    "d=4"));
	ks_buf_dispose(&diff);
	ks_str_dispose(&after);
	unlink(path);
	free(path);
}

static void
test_migrate_net__secret_patch_without_final_newline(void **state)
{
	const char *text = "SECRET=abcdefghijklmnop";
	ks_buf diff = KS_BUF_INIT;
	char *path = temp_file(text);

	(void)state;
	assert_int_equal(ks_secret_patch(&diff, path, "x.env", 7, 23, "REF"), 0);
	assert_string_equal(diff.ptr, "--- a/x.env\n+++ b/x.env\n@@ -1,1 +1,1 @@\n"
	    "-SECRET=****\n\\ No newline at end of file\n"
	    "+SECRET=REF\n\\ No newline at end of file\n");
	ks_buf_dispose(&diff);
	unlink(path);
	free(path);
}

static void
test_migrate_net__config_quotes_values(void **state)
{
	ks_client_config cc = KS_CLIENT_CONFIG_INIT;
	char dir[] = "/tmp/ks-cfg-XXXXXX";
	ks_str js = KS_STR_INIT, env = KS_STR_INIT;
	ks_buf names = KS_BUF_INIT;
	ks_key *key = NULL;
	char path[256];

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(ks_key_generate(&key, KS_JOSE_ALG_ES256, 0), 0);
	cc.issuer = "https://as.example";
	cc.token_endpoint = "https://as.example/token";
	cc.client_id = "we'ird\"client\\id";
	cc.key_path = "/keys/a b.pem";
	cc.key = key;
	assert_int_equal(ks_client_config_write(dir, &cc, &names), 0);
	assert_non_null(strstr(names.ptr, "openid-client.mjs\n"));
	assert_non_null(strstr(names.ptr, "tokensource.go\n"));
	snprintf(path, sizeof(path), "%s/openid-client.mjs", dir);
	assert_int_equal(ks_file_read(&js, path, 65536), 0);
	assert_non_null(strstr(js.ptr,
	    "const CLIENT_ID = \"we'ird\\\"client\\\\id\";"));
	assert_non_null(strstr(js.ptr, "const AUDIENCE = \"https://as.example\";"));
	snprintf(path, sizeof(path), "%s/keyshift.env", dir);
	assert_int_equal(ks_file_read(&env, path, 65536), 0);
	assert_non_null(strstr(env.ptr,
	    "OAUTH_CLIENT_ID='we'\\''ird\"client\\id'\n"));
	assert_non_null(strstr(env.ptr, "OAUTH_PRIVATE_KEY_FILE='/keys/a b.pem'"));
	assert_null(strstr(env.ptr, "PRIVATE KEY-----"));
	ks_str_dispose(&js);
	ks_str_dispose(&env);
	ks_buf_dispose(&names);
	ks_key_free(key);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		assert_int_equal(system(cmd), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_migrate_net__url_rules),
		cmocka_unit_test(test_migrate_net__well_known_urls),
		cmocka_unit_test(test_migrate_net__form_encoding),
		cmocka_unit_test(test_migrate_net__trace_redaction),
		cmocka_unit_test(test_migrate_net__secret_patch),
		cmocka_unit_test(
		    test_migrate_net__secret_patch_without_final_newline),
		cmocka_unit_test(test_migrate_net__config_quotes_values),
	};
	return cmocka_run_group_tests_name("migrate/net", tests, NULL, NULL);
}
