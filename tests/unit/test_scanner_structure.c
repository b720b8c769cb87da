/*
 * tests/unit/test_scanner_structure.c - key paths of config documents
 * (scanner/structure.c) and the PKCS#12 sniff (scanner/enrich.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "enrich.h"
#include "structure.h"

/* The path of the leaf holding the first byte of `needle` in `doc`. */
static const char *
path_of(struct ks_doc *d, const char *doc, const char *needle)
{
	const char *p = strstr(doc, needle);
	const struct ks_leaf *l;

	assert_non_null(p);
	ks_doc_dispose(d);
	assert_int_equal(0, ks_structure_parse(d, (const uint8_t *)doc,
	    strlen(doc)));
	l = ks_doc_leaf_at(d, (size_t)(p - doc));
	return l ? l->path : "(none)";
}

static void
test_scanner_structure__yaml(void **state)
{
	struct ks_doc d;
	const char *y =
	    "spring:\n"
	    "  security:\n"
	    "    oauth2:\n"
	    "      client:\n"
	    "        registration:\n"
	    "          okta:\n"
	    "            client-id: demo\n"
	    "            client-secret: \"VALUE1\"   # comment\n"
	    "tls:\n"
	    "  key: |\n"
	    "    BLOCKLINE1\n"
	    "    BLOCKLINE2\n"
	    "env:\n"
	    "  - name: X\n"
	    "    value: VALUE2\n";

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_string_equal(path_of(&d, y, "VALUE1"),
	    "spring.security.oauth2.client.registration.okta.client-secret");
	assert_string_equal(path_of(&d, y, "BLOCKLINE2"), "tls.key");
	assert_string_equal(path_of(&d, y, "VALUE2"), "env.value");
	assert_non_null(ks_doc_find_norm(&d,
	    "springsecurityoauth2clientregistrationoktaclientid"));
	ks_doc_dispose(&d);
}

static void
test_scanner_structure__flat_formats(void **state)
{
	struct ks_doc d;

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_string_equal(path_of(&d, "# c\nexport OKTA_CLIENT_SECRET=V1\n",
	    "V1"), "OKTA_CLIENT_SECRET");
	assert_string_equal(path_of(&d, "[oauth]\nclient_secret = V2\n", "V2"),
	    "oauth.client_secret");
	assert_string_equal(path_of(&d, "a.b.c=V3\n", "V3"), "a.b.c");
	assert_string_equal(path_of(&d, "provider \"x\" {\n  secret = \"V4\"\n}\n",
	    "V4"), "provider.secret");
	assert_string_equal(path_of(&d, "ENV CLIENT_SECRET V5\n", "V5"),
	    "CLIENT_SECRET");
	ks_doc_dispose(&d);
}

static void
test_scanner_structure__json_and_k8s(void **state)
{
	struct ks_doc d;
	const char *j = "{\"installed\": {\"client_id\": \"ID\", "
	    "\"client_secret\": \"V1\"}, \"keys\": [{\"d\": \"V2\"}, 7]}";
	const char *k = "apiVersion: v1\nkind: Secret\ndata:\n  a: V3\n";

	(void)state;
	memset(&d, 0, sizeof(d));
	assert_string_equal(path_of(&d, j, "V1"), "installed.client_secret");
	assert_true(d.json);
	assert_string_equal(path_of(&d, j, "V2"), "keys.0.d");
	assert_string_equal(path_of(&d, k, "V3"), "data.a");
	assert_true(d.k8s_secret);
	/* malformed input names less, never fails */
	assert_string_equal(path_of(&d, "{\"a\": [\"V4\"", "V4"), "a.0");
	ks_doc_dispose(&d);
}

static void
test_scanner_structure__pfx_sniff(void **state)
{
	static const uint8_t pfx[] = { 0x30, 0x82, 0x09, 0xcf, 0x02, 0x01,
	    0x03, 0x30, 0x82, 0x09, 0x85, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86,
	    0xf7, 0x0d, 0x01, 0x07, 0x01, 0xa0, 0x82 };
	uint8_t cms[sizeof(pfx)];

	(void)state;
	assert_true(ks_enrich_binary_ok(pfx, sizeof(pfx)));
	assert_false(ks_enrich_binary_ok(pfx, 10));
	memcpy(cms, pfx, sizeof(pfx));
	cms[6] = 0x01;          /* version 1: not a PFX */
	assert_false(ks_enrich_binary_ok(cms, sizeof(cms)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner_structure__yaml),
		cmocka_unit_test(test_scanner_structure__flat_formats),
		cmocka_unit_test(test_scanner_structure__json_and_k8s),
		cmocka_unit_test(test_scanner_structure__pfx_sniff),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
