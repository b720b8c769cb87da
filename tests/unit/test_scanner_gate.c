/*
 * tests/unit/test_scanner_gate.c - the enrichment gate never says no to
 * something enrichment could decode
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "encode.h"
#include "enrich_gate.h"
#include "str.h"

static bool
gate_str(const ks_str *s)
{
	return ks_enrich_gate((const uint8_t *)s->ptr, s->len);
}

/* Every word, at every alignment, with any amount of text around it,
 * base64-encoded, plain or wrapped at any column: the gate says yes. */
static void
test_gate_base64_words(void **state)
{
	size_t w, pre, col;

	(void)state;
	for (w = 0; ks_enrich_gate_words[w]; w++) {
		for (pre = 0; pre < 6; pre++) {
			ks_str text = KS_STR_INIT, b64 = KS_STR_INIT;

			assert_int_equal(ks_str_printf(&text,
			    "%.*suser: app\n%s: value-%zu\n", (int)pre,
			    "xxxxxx", ks_enrich_gate_words[w], pre), 0);
			assert_int_equal(ks_base64_encode(&b64,
			    (const uint8_t *)text.ptr, text.len, 0), 0);
			assert_true(gate_str(&b64));
			/* wrapped as base64(1) and PEM do; a column narrower than a
			 * word's form may break it twice */
			for (col = 32; col <= 80; col += 4) {
				ks_str wrapped = KS_STR_INIT;
				size_t i;

				for (i = 0; i < b64.len; i += col) {
					size_t n = b64.len - i < col ?
					    b64.len - i : col;

					assert_int_equal(ks_str_puts(&wrapped,
					    "    "), 0);
					assert_int_equal(ks_str_put(&wrapped,
					    b64.ptr + i, n), 0);
					assert_int_equal(ks_str_putc(&wrapped,
					    '\n'), 0);
				}
				if (!gate_str(&wrapped))
					fail_msg("'%s' at %zu wrapped at %zu",
					    ks_enrich_gate_words[w], pre, col);
				ks_str_dispose(&wrapped);
			}
			ks_str_dispose(&text);
			ks_str_dispose(&b64);
		}
	}
}

static void
test_gate_formats(void **state)
{
	static const char *const yes[] = {
		"key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\n",
		"{\"auths\": {}, \".dockerconfigjson\": \"e30=\"}\n",
		"apiVersion: v1\nkind: Secret\ndata:\n  x: eHl6\n",
		"{\"kind\": \"Secret\", \"data\": {}}",
		"CLIENT_SECRET=abc%2Fdef\n",
		NULL
	};
	static const char *const no[] = {
		"int main(void) { return 0; }\n",
		"token: abc\npassword: hunter2\n",  /* plain: not encoded */
		"dGhpcyBpcyBqdXN0IGJhc2U2NCBvZiBwbGFpbiB0ZXh0\n",
		"printf(\"%02x\", secret_len);\n",
		NULL
	};
	size_t i;

	(void)state;
	for (i = 0; yes[i]; i++)
		if (!ks_enrich_gate((const uint8_t *)yes[i], strlen(yes[i])))
			fail_msg("gate said no to: %s", yes[i]);
	for (i = 0; no[i]; i++)
		if (ks_enrich_gate((const uint8_t *)no[i], strlen(no[i])))
			fail_msg("gate said yes to: %s", no[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gate_base64_words),
		cmocka_unit_test(test_gate_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
