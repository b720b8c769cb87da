/*
 * tests/unit/test_scanner_archive.c - member-name cleaning and the blob
 * pool that carries archive members to the workers
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "blobpool.h"
#include "source_archive.h"
#include "str.h"

static void
expect_clean(const char *name, const char *want, bool want_escaped)
{
	ks_str out = KS_STR_INIT;
	bool escaped = !want_escaped;

	assert_int_equal(ks_archive__clean_name(&out, name, &escaped), 0);
	assert_string_equal(out.ptr, want);
	assert_int_equal(escaped, want_escaped);
	ks_str_dispose(&out);
}

static void
test_scanner_archive__clean_name(void **state)
{
	(void)state;
	expect_clean("dir/file.env", "dir/file.env", false);
	expect_clean("./a//b/./c", "a/b/c", false);
	expect_clean("../../etc/passwd", "etc/passwd", true);
	expect_clean("/etc/passwd", "etc/passwd", true);
	expect_clean("a/../../b", "a/b", true);
	expect_clean("..\\..\\win.ini", "win.ini", true);
	expect_clean("C:\\Windows\\x", "Windows/x", true);
	expect_clean("..", "_", true);
	expect_clean("", "_", false);
	expect_clean("..a/b..", "..a/b..", false);
}

static void
test_scanner_archive__wants(void **state)
{
	struct ks_archive_limits lim = KS_ARCHIVE_LIMITS_INIT;
	struct ks_archive *a = NULL;

	(void)state;
	assert_int_equal(ks_archive_new(&a, &lim), 0);
	assert_true(ks_archive_wants(a, "x/bundle.ZIP"));
	assert_true(ks_archive_wants(a, "chart.tgz"));
	assert_true(ks_archive_wants(a, "img.tar.xz"));
	assert_false(ks_archive_wants(a, "notes.txt"));
	assert_false(ks_archive_wants(a, ".zip"));
	ks_archive_free(a);
	lim.depth = 0;
	assert_int_equal(ks_archive_new(&a, &lim), 0);
	assert_false(ks_archive_wants(a, "chart.tgz"));
	ks_archive_free(a);
	assert_false(ks_archive_wants(NULL, "chart.tgz"));
}

static void
test_scanner_archive__blobpool_moves_without_copy(void **state)
{
	struct ks_blobpool *pool = NULL;
	struct ks_blob_data d = KS_BLOB_DATA_INIT;
	ks_str s = KS_STR_INIT, leak = KS_STR_INIT;
	const uint8_t *data, *data2;
	size_t len, len2;

	(void)state;
	assert_int_equal(ks_blobpool_new(&pool, 1 << 20), 0);
	assert_int_equal(ks_blobpool_begin(&s, 0), 0);
	assert_int_equal(ks_str_puts(&s, "client_secret=x"), 0);
	assert_int_equal(ks_blobpool_len(&s), 15);
	assert_int_equal(ks_blobpool_put(pool, &s, &data, &len), 0);
	assert_int_equal(len, 15);
	assert_memory_equal(data, "client_secret=x", 15);
	assert_int_equal(s.cap, 0);   /* moved into the pool */
	/* The worker's scratch buffer is replaced, not appended to. */
	assert_int_equal(ks_str_puts(&d.buf, "scratch"), 0);
	ks_blobpool_take(pool, data, &d);
	assert_ptr_equal(d.ptr, data);
	assert_int_equal(d.len, 15);
	ks_str_wipe(&d.buf);
	/* A blob never taken is freed with the pool (canceled scans). */
	assert_int_equal(ks_blobpool_begin(&leak, 0), 0);
	assert_int_equal(ks_str_puts(&leak, "never read"), 0);
	assert_int_equal(ks_blobpool_put(pool, &leak, &data2, &len2), 0);
	ks_blobpool_free(pool);
	/* put() before begin() is refused. */
	assert_int_equal(ks_blobpool_new(&pool, 0), 0);
	assert_int_not_equal(ks_blobpool_put(pool, &s, &data, &len), 0);
	ks_blobpool_free(pool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scanner_archive__clean_name),
		cmocka_unit_test(test_scanner_archive__wants),
		cmocka_unit_test(test_scanner_archive__blobpool_moves_without_copy),
	};

	return cmocka_run_group_tests_name("scanner/archive", tests, NULL,
	    NULL);
}
