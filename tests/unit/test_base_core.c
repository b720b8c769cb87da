/*
 * tests/unit/test_base_core.c - strings, encodings, hashing, queue
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include <cmocka.h>

#include "alloc.h"
#include "encode.h"
#include "errors.h"
#include "fileio.h"
#include "hash.h"
#include "queue.h"
#include "secret.h"
#include "str.h"

static void
test_str_cap(void **state)
{
	ks_str s = KS_STR_INIT;
	int i;

	(void)state;
	ks_str_init(&s, 16);
	assert_int_equal(ks_str_puts(&s, "0123456789"), 0);
	assert_int_equal(ks_str_printf(&s, "%d", 12345), 0);
	assert_string_equal(s.ptr, "012345678912345");
	assert_int_equal(ks_str_puts(&s, "xy"), KS_ENOMEM);
	assert_non_null(ks_error_last());
	assert_int_equal(s.len, 15);
	ks_str_dispose(&s);
	assert_string_equal(s.ptr, "");
	for (i = 0; i < 1000; i++)
		assert_int_equal(ks_str_putc(&s, 'a'), KS_ENOMEM * (i >= 16));
	ks_str_dispose(&s);
}

/* RFC 4648 §10 test vectors. */
static void
test_base64_vectors(void **state)
{
	static const char *in[] = { "", "f", "fo", "foo", "foob", "fooba",
	    "foobar" };
	static const char *out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
	    "Zm9vYmE=", "Zm9vYmFy" };
	size_t i;

	(void)state;
	for (i = 0; i < 7; i++) {
		ks_str e = KS_STR_INIT, d = KS_STR_INIT;

		assert_int_equal(ks_base64_encode(&e, (const uint8_t *)in[i],
		    strlen(in[i]), 0), 0);
		assert_string_equal(e.ptr, out[i]);
		assert_int_equal(ks_base64_decode(&d, e.ptr, e.len, 0), 0);
		assert_string_equal(d.ptr, in[i]);
		ks_str_dispose(&e);
		ks_str_dispose(&d);
	}
}

static void
test_base64url(void **state)
{
	const uint8_t bytes[] = { 0xfb, 0xff, 0xfe };
	ks_str e = KS_STR_INIT, d = KS_STR_INIT;

	(void)state;
	assert_int_equal(ks_b64url_encode(&e, bytes, 3), 0);
	assert_string_equal(e.ptr, "-__-");
	assert_int_equal(ks_b64url_decode(&d, "-__-", 4), 0);
	assert_memory_equal(d.ptr, bytes, 3);
	ks_str_clear(&d);
	/* Padding and the standard alphabet are refused in JOSE form. */
	assert_int_equal(ks_b64url_decode(&d, "Zg==", 4), KS_EINVALID);
	assert_int_equal(ks_b64url_decode(&d, "+//+", 4), KS_EINVALID);
	/* Non-canonical trailing bits are refused. */
	assert_int_equal(ks_b64url_decode(&d, "Zh", 2), KS_EINVALID);
	assert_int_equal(ks_b64url_decode(&d, "Z", 1), KS_EINVALID);
	ks_str_clear(&d);
	assert_int_equal(ks_base64_decode(&d, "Zm9v\nYmFy", 9,
	    KS_B64_LENIENT), 0);
	assert_string_equal(d.ptr, "foobar");
	ks_str_dispose(&e);
	ks_str_dispose(&d);
}

static void
test_hex(void **state)
{
	uint8_t b[3] = { 0x00, 0xab, 0xff }, r[3];
	char h[7];

	(void)state;
	ks_hex_encode(h, b, 3);
	assert_string_equal(h, "00abff");
	assert_int_equal(ks_hex_decode(r, "00ABff", 3), 0);
	assert_memory_equal(r, b, 3);
	assert_int_equal(ks_hex_decode(r, "0g", 1), KS_EINVALID);
}

static void
test_hashes(void **state)
{
	uint8_t md[32];
	char hex[65], oid[KS_OID_HEXLEN];

	(void)state;
	ks_sha256(md, "abc", 3);
	ks_hex_encode(hex, md, 32);
	assert_string_equal(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* `git hash-object` of "hello\n". */
	ks_git_blob_id(oid, "hello\n", 6);
	assert_string_equal(oid, "ce013625030ba8dba906f756967f9e9ca394464a");
	/* RFC 4231 test case 2. */
	assert_int_equal(ks_hmac_sha256(md, "Jefe", 4,
	    "what do ya want for nothing?", 28), 0);
	ks_hex_encode(hex, md, 32);
	assert_string_equal(hex,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

static void *
producer(void *arg)
{
	ks_queue *q = arg;
	intptr_t i;

	for (i = 1; i <= 1000; i++)
		if (ks_queue_push_take(q, (void *)i) < 0)
			break;
	return NULL;
}

static void
test_queue_backpressure(void **state)
{
	ks_queue *q;
	pthread_t t[2];
	intptr_t sum = 0;
	void *it;
	int n = 0;

	(void)state;
	assert_int_equal(ks_queue_new(&q, 4), 0);
	pthread_create(&t[0], NULL, producer, q);
	pthread_create(&t[1], NULL, producer, q);
	while (n < 2000 && (it = ks_queue_pop(q)) != NULL) {
		sum += (intptr_t)it;
		n++;
	}
	pthread_join(t[0], NULL);
	pthread_join(t[1], NULL);
	assert_int_equal(n, 2000);
	assert_int_equal(sum, 2 * 500500);
	ks_queue_close(q);
	assert_null(ks_queue_pop(q));
	assert_int_equal(ks_queue_push_take(q, (void *)1), KS_ECANCELED);
	ks_queue_free(q, NULL);
}

static void
test_file_create_excl(void **state)
{
	char dir[] = "/tmp/ks-base-XXXXXX", path[64];
	ks_str s = KS_STR_INIT;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	assert_int_equal(ks_file_create_excl(path, "abc", 3, 0600), 0);
	assert_int_equal(ks_file_create_excl(path, "xyz", 3, 0600),
	    KS_EEXISTS);
	assert_int_equal(ks_file_read(&s, path, 100), 0);
	assert_string_equal(s.ptr, "abc");
	ks_str_clear(&s);
	assert_int_equal(ks_file_read(&s, path, 2), KS_ENOMEM);
	ks_str_clear(&s);
	assert_int_equal(ks_file_read(&s, path, 3), 0);
	ks_str_dispose(&s);
	assert_int_equal(ks_file_replace(path, "new", 3, 0600), 0);
	assert_int_equal(ks_file_read(&s, path, 100), 0);
	assert_string_equal(s.ptr, "new");
	ks_str_dispose(&s);
	remove(path);
	remove(dir);
}

static int fail_after = -1;
static void *
failing_malloc(size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return malloc(n);
}

static void
test_alloc_failure(void **state)
{
	struct ks_allocator a = { failing_malloc, realloc, free };
	ks_secret *sec = NULL;

	(void)state;
	ks_alloc_set(&a);
	fail_after = 0;
	assert_null(ks__malloc(10));
	assert_int_equal(ks_error_last()->klass, KS_ERROR_NOMEMORY);
	assert_int_equal(ks_secret_new(&sec, "x", 1), KS_ENOMEM);
	assert_null(sec);
	fail_after = 1;
	assert_int_equal(ks_secret_new(&sec, "x", 1), KS_ENOMEM);
	ks_alloc_set(NULL);
	assert_int_equal(ks_secret_new(&sec, "hunter2", 7), 0);
	assert_string_equal((char *)sec->ptr, "hunter2");
	ks_secret_free(sec);
	ks_secret_free(NULL);
}

static void
test_error_messages(void **state)
{
	ks_error *copy;

	(void)state;
	ks_error_set(KS_ERROR_CONFIG, "bad\nname: %s", "x\x1b[31m");
	assert_string_equal(ks_error_last()->message, "bad?name: x?[31m");
	copy = ks_error_dup();
	ks_error_clear();
	assert_null(ks_error_last());
	ks_error_restore(copy);
	assert_int_equal(ks_error_last()->klass, KS_ERROR_CONFIG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_str_cap),
		cmocka_unit_test(test_base64_vectors),
		cmocka_unit_test(test_base64url),
		cmocka_unit_test(test_hex),
		cmocka_unit_test(test_hashes),
		cmocka_unit_test(test_queue_backpressure),
		cmocka_unit_test(test_file_create_excl),
		cmocka_unit_test(test_alloc_failure),
		cmocka_unit_test(test_error_messages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
