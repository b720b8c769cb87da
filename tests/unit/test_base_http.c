/*
 * tests/unit/test_base_http.c - the HTTP client's guard rails: loopback
 * detection, refused URLs, trace redaction, transport errors
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <curl/curl.h>

#include <keyshift/common.h>

#include "errors.h"
#include "http.h"
#include "str.h"

static void
test_base_http__loopback(void **state)
{
	(void)state;
	assert_true(ks_http_host_is_loopback("127.0.0.1"));
	assert_true(ks_http_host_is_loopback("127.9.8.7"));
	assert_true(ks_http_host_is_loopback("localhost"));
	assert_true(ks_http_host_is_loopback("[::1]"));
	assert_true(ks_http_host_is_loopback("::1"));
	assert_false(ks_http_host_is_loopback("128.0.0.1"));
	assert_false(ks_http_host_is_loopback("127.0.0.1.example.com"));
	assert_false(ks_http_host_is_loopback("[::2]"));
	assert_false(ks_http_host_is_loopback("example.com"));
	assert_false(ks_http_host_is_loopback(NULL));
}

static int
do_get(const char *url)
{
	struct ks_http_options o = KS_HTTP_OPTIONS_INIT;
	struct ks_http_request req = { 0 };
	struct ks_http_response resp = KS_HTTP_RESPONSE_INIT;
	ks_http *h = NULL;
	int error;

	o.retries = KS_HTTP_NO_RETRY;
	o.connect_timeout_ms = 2000;
	assert_int_equal(ks_http_new(&h, &o), 0);
	req.method = "GET";
	req.url = url;
	error = ks_http_do(h, &req, &resp);
	ks_http_response_dispose(&resp);
	ks_http_free(h);
	return error;
}

static void
test_base_http__refused_urls(void **state)
{
	(void)state;
	assert_int_equal(do_get("http://example.com/x"), KS_EINVALID);
	assert_non_null(strstr(ks_error_last()->message, "plain http"));
	assert_int_equal(do_get("ftp://127.0.0.1/x"), KS_EINVALID);
	assert_int_equal(do_get("https://user:pw@127.0.0.1/x"), KS_EINVALID);
	assert_null(strstr(ks_error_last()->message, "pw"));
	assert_int_equal(do_get("not a url"), KS_EINVALID);
}

static void
test_base_http__connection_refused(void **state)
{
	(void)state;
	/* Port 1 on loopback: nothing listens there in a test box. */
	assert_int_equal(do_get("http://127.0.0.1:1/"), KS_ENET);
	assert_int_equal(ks_error_last()->klass, KS_ERROR_HTTP);
	assert_non_null(strstr(ks_error_last()->message, "127.0.0.1:1"));
}

static void
expect_redacted(int kind, const char *in, const char *want)
{
	ks_str out = KS_STR_INIT;

	assert_int_equal(ks_http__redact(&out, kind, in, strlen(in)), 0);
	assert_string_equal(out.ptr, want);
	ks_str_dispose(&out);
}

static void
test_base_http__redaction(void **state)
{
	(void)state;
	expect_redacted(CURLINFO_HEADER_OUT,
	    "GET /v1/kv/x HTTP/1.1\r\nHost: h\r\nX-Vault-Token: hvs.S3CR3T\r\n"
	    "authorization: Basic dXNlcjpwdw==\r\nX-Consul-Token: c0ns\r\n\r\n",
	    "GET /v1/kv/x HTTP/1.1\nHost: h\nX-Vault-Token: [redacted]\n"
	    "authorization: [redacted]\nX-Consul-Token: [redacted]");
	expect_redacted(CURLINFO_DATA_OUT,
	    "grant_type=client_credentials&client_assertion=eyJabc.def&"
	    "client_secret=s3cr3t&scope=x",
	    "grant_type=client_credentials&client_assertion=[redacted]&"
	    "client_secret=[redacted]&scope=x");
	expect_redacted(CURLINFO_DATA_OUT,
	    "{\"name\":\"root\",\"password\": \"pa\\\"ss\"}",
	    "{\"name\":\"root\",\"password\": \"[redacted]\"}");
	expect_redacted(CURLINFO_DATA_IN, "GOCSPX-secret-value",
	    "[19 bytes of response body]");
	expect_redacted(CURLINFO_TEXT, "Connected to x\n", "Connected to x");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_base_http__loopback),
		cmocka_unit_test(test_base_http__refused_urls),
		cmocka_unit_test(test_base_http__connection_refused),
		cmocka_unit_test(test_base_http__redaction),
	};
	int rc;

	if (ks_libinit() < 0)
		return 1;
	rc = cmocka_run_group_tests_name("base/http", tests, NULL, NULL);
	ks_libshutdown();
	return rc;
}
