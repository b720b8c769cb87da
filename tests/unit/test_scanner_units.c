/*
 * tests/unit/test_scanner_units.c - globs, ignore files, previews,
 * locations and snippets, one function at a time
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "alloc.h"
#include "ignore.h"
#include "matcher.h"
#include "occurrence.h"
#include "test_scanner_support.h"

static void
test_scanner_units__glob(void **state)
{
	(void)state;
	assert_true(ks_glob_match("*.log", "a.log"));
	assert_false(ks_glob_match("*.log", "d/a.log"));
	assert_true(ks_glob_match("a?c", "abc"));
	assert_false(ks_glob_match("a?c", "a/c"));
	assert_true(ks_glob_match("[a-c]x", "bx"));
	assert_false(ks_glob_match("[!a-c]x", "bx"));
	assert_true(ks_glob_match("[^a-c]x", "dx"));
	assert_true(ks_glob_match("[]]", "]"));
	assert_true(ks_glob_match("[ab", "[ab"));     /* unterminated */
	assert_true(ks_glob_match("\\*", "*"));
	assert_false(ks_glob_match("\\*", "x"));
	assert_true(ks_glob_match("**/x", "x"));
	assert_true(ks_glob_match("**/x", "a/b/x"));
	assert_false(ks_glob_match("**/x", "a/bx"));
	assert_true(ks_glob_match("a/**", "a/b/c"));
	assert_false(ks_glob_match("a/**", "a"));
	assert_true(ks_glob_match("a/**/b", "a/b"));
	assert_true(ks_glob_match("a/**/b", "a/x/y/b"));
	assert_false(ks_glob_match("a/**/b", "a/x/yb"));
	assert_true(ks_glob_match("a**b", "axxb"));   /* not a segment: '*' */
	assert_false(ks_glob_match("a**b", "a/b"));
	assert_true(ks_glob_match("\xff*", "\xff\xfe"));  /* bytes */
}

static void
test_scanner_units__ignore(void **state)
{
	struct ks_ignore ig = KS_IGNORE_INIT;
	static const char root[] =
	    "# comment\n"
	    "\n"
	    "*.log\n"
	    "!keep.log\n"
	    "/top.txt\n"
	    "build/\n"
	    "doc/*.tmp\n"
	    "trailing   \n"
	    "\\#hash\n"
	    "crlf.txt\r\n";
	static const char sub[] = "!*.log\nlocal\n";

	(void)state;
	assert_int_equal(ks_ignore_push_text(&ig, "", root,
	    sizeof(root) - 1), 1);
	assert_true(ks_ignore_match(&ig, "a.log", false));
	assert_true(ks_ignore_match(&ig, "x/y/a.log", false));
	assert_false(ks_ignore_match(&ig, "x/keep.log", false));
	assert_true(ks_ignore_match(&ig, "top.txt", false));
	assert_false(ks_ignore_match(&ig, "x/top.txt", false));
	assert_true(ks_ignore_match(&ig, "build", true));
	assert_true(ks_ignore_match(&ig, "x/build", true));
	assert_false(ks_ignore_match(&ig, "build", false));
	assert_true(ks_ignore_match(&ig, "doc/a.tmp", false));
	assert_false(ks_ignore_match(&ig, "x/doc/a.tmp", false));
	assert_true(ks_ignore_match(&ig, "trailing", false));
	assert_true(ks_ignore_match(&ig, "#hash", false));
	assert_true(ks_ignore_match(&ig, "crlf.txt", false));
	assert_false(ks_ignore_match(&ig, "# comment", false));

	/* A deeper file wins, and only below its own directory. */
	assert_int_equal(ks_ignore_push_text(&ig, "s/t", sub,
	    sizeof(sub) - 1), 1);
	assert_false(ks_ignore_match(&ig, "s/t/a.log", false));
	assert_true(ks_ignore_match(&ig, "s/a.log", false));
	assert_true(ks_ignore_match(&ig, "s/t/u/local", false));
	assert_false(ks_ignore_match(&ig, "s/local", false));
	assert_false(ks_ignore_match(&ig, "s/tt/local", false));
	ks_ignore_pop(&ig, 1);
	assert_true(ks_ignore_match(&ig, "s/t/a.log", false));

	/* Only comments: nothing pushed. */
	assert_int_equal(ks_ignore_push_text(&ig, "", "#x\n\n", 4), 0);
	ks_ignore_dispose(&ig);
}

static void
test_scanner_units__preview(void **state)
{
	char *p = NULL;

	(void)state;
	assert_int_equal(ks_secret_preview(&p, (const uint8_t *)
	    "GOCSPX" "-abcdefghijklmnopqrstuvwxyz01", 35), 0);
	assert_string_equal(p, "GOCS****(35)");
	ks__free(p);
	/* short secrets show less: min(4, len/4) */
	assert_int_equal(ks_secret_preview(&p, (const uint8_t *)"abcdefgh",
	    8), 0);
	assert_string_equal(p, "ab****(8)");
	ks__free(p);
	assert_int_equal(ks_secret_preview(&p, (const uint8_t *)"abc", 3), 0);
	assert_string_equal(p, "****(3)");
	ks__free(p);
	assert_int_equal(ks_secret_preview(&p, (const uint8_t *)
	    "\x01\n\xff" "defghijklmnop", 16), 0);
	assert_string_equal(p, "???d****(16)");
	ks__free(p);
}

static void
test_scanner_units__fingerprint(void **state)
{
	char a[33], b[33], c[33];

	(void)state;
	ks_fingerprint(a, "fam", (const uint8_t *)"secret", 6);
	ks_fingerprint(b, "fam", (const uint8_t *)"secret", 6);
	ks_fingerprint(c, "fams", (const uint8_t *)"ecret", 5);
	assert_int_equal(strlen(a), 32);
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);  /* the NUL separator matters */
	ks_fingerprint(c, "other", (const uint8_t *)"secret", 6);
	assert_string_not_equal(a, c);
}

static void
test_scanner_units__locate(void **state)
{
	static const char text[] = "ab\ncd\r\n\nefg";
	struct ks_line_cursor c = KS_LINE_CURSOR_INIT;
	uint32_t line, col;

	(void)state;
	ks_locate(&c, (const uint8_t *)text, 0, &line, &col);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	ks_locate(&c, (const uint8_t *)text, 4, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 2);
	ks_locate(&c, (const uint8_t *)text, 5, &line, &col);  /* the \r */
	assert_int_equal(line, 2);
	assert_int_equal(col, 3);
	ks_locate(&c, (const uint8_t *)text, 10, &line, &col);  /* 'g' */
	assert_int_equal(line, 4);
	assert_int_equal(col, 3);
	/* going backwards restarts from the top */
	ks_locate(&c, (const uint8_t *)text, 3, &line, &col);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);
}

static struct ks_rule_match
span(size_t start, size_t end, size_t s, size_t e)
{
	struct ks_rule_match m;

	memset(&m, 0, sizeof(m));
	m.start = start;
	m.end = end;
	m.secret_start = s;
	m.secret_end = e;
	m.client_id_start = m.client_id_end = KS_NOSPAN;
	m.issuer_start = m.issuer_end = KS_NOSPAN;
	return m;
}

static void
test_scanner_units__snippet(void **state)
{
	char line[256], *snip = NULL;
	struct ks_rule_match m[2];
	size_t n;

	(void)state;
	/* 50 bytes of context on each side: 40 are kept, on this line */
	n = (size_t)snprintf(line, sizeof(line), "first\n%s key=SECRETSECRET"
	    "\t%s\nnext", "0123456789012345678901234567890123456789abcdefghij",
	    "ABCDEFGHIJ0123456789012345678901234567890123456789");
	m[0] = span(57, 73, 61, 73);
	assert_int_equal(ks_snippet(&snip, (const uint8_t *)line, n, &m[0],
	    "SECR****(12)", m, 1), 0);
	assert_string_equal(snip, "12345678901234567890123456789abcdefghij "
	    "key=SECR****(12) ABCDEFGHIJ01234567890123456789012345678");
	assert_null(strstr(snip, "SECRETSECRET"));
	ks__free(snip);

	/* a second secret in the context is starred out */
	m[1] = span(74, 84, 74, 84);
	assert_int_equal(ks_snippet(&snip, (const uint8_t *)line, n, &m[0],
	    "SECR****(12)", m, 2), 0);
	assert_non_null(strstr(snip, "(12) **********0123"));
	ks__free(snip);

	/* a long match prefix is cut, and says so */
	memset(line, 'x', 100);
	memcpy(line + 100, "SECRET", 6);
	m[0] = span(0, 106, 100, 106);
	assert_int_equal(ks_snippet(&snip, (const uint8_t *)line, 106, &m[0],
	    "P", m, 1), 0);
	assert_int_equal(strlen(snip), 3 + 40 + 1);
	assert_int_equal(strncmp(snip, "...xxx", 6), 0);
	ks__free(snip);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner_units__glob),
		cmocka_unit_test(test_scanner_units__ignore),
		cmocka_unit_test(test_scanner_units__preview),
		cmocka_unit_test(test_scanner_units__fingerprint),
		cmocka_unit_test(test_scanner_units__locate),
		cmocka_unit_test(test_scanner_units__snippet),
	};

	return cmocka_run_group_tests_name("scanner/units", tests, NULL, NULL);
}
