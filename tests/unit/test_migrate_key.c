/*
 * tests/unit/test_migrate_key.c - key generation, PEM files, weak keys,
 * self-signed certificates
 *
 * Keys are generated at run time in a temporary directory; none is kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <keyshift/jose.h>

#include "encode.h"
#include "fileio.h"
#include "jose_int.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/ks-test-key-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/key.pem", f->dir);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	unlink(f->path);
	rmdir(f->dir);
	free(f);
	return 0;
}

static char *
slurp(const char *path)
{
	ks_str s = KS_STR_INIT;
	char *p;

	assert_int_equal(0, ks_file_read(&s, path, 1 << 20));
	p = strdup(s.ptr);
	ks_str_wipe(&s);
	return p;
}

static void
test_migrate_key__generate_write_load_every_alg(void **state)
{
	struct fixture *f = *state;
	ks_jose_alg algs[] = { KS_JOSE_ALG_ES256, KS_JOSE_ALG_ES384,
		KS_JOSE_ALG_PS256, KS_JOSE_ALG_RS256, KS_JOSE_ALG_EDDSA };
	size_t i;

	for (i = 0; i < sizeof(algs) / sizeof(algs[0]); i++) {
		ks_key *key = NULL, *back = NULL;
		struct stat st;
		char *text;

		assert_int_equal(0, ks_key_generate(&key, algs[i], 0));
		assert_true(ks_key_is_private(key));
		assert_int_equal(algs[i], ks_key_alg(key));
		assert_string_equal(ks_key_thumbprint(key), ks_key_kid(key));
		assert_int_equal(KS_JWK_THUMBPRINT_LEN,
		    strlen(ks_key_thumbprint(key)));
		assert_int_equal(0, ks_key_write_pem(key, f->path, NULL));
		assert_int_equal(0, lstat(f->path, &st));
		assert_int_equal(0600, st.st_mode & 0777);
		text = slurp(f->path);
		assert_non_null(strstr(text, "-----BEGIN PRIVATE KEY-----"));
		free(text);
		assert_int_equal(0, ks_key_load_file(&back, f->path, NULL));
		assert_string_equal(ks_key_thumbprint(key),
		    ks_key_thumbprint(back));
		/* RS256 survives the round trip through the PEM header. */
		assert_int_equal(algs[i], ks_key_alg(back));
		assert_true(ks_key_is_private(back));
		ks_key_free(back);
		ks_key_free(key);
		unlink(f->path);
	}
}

static void
test_migrate_key__write_refuses_to_overwrite(void **state)
{
	struct fixture *f = *state;
	ks_key *key = NULL;
	char *before, *after;

	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_ES256, 0));
	assert_int_equal(0, ks_key_write_pem(key, f->path, NULL));
	before = slurp(f->path);
	ks_key_free(key);
	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_ES256, 0));
	assert_int_equal(KS_EEXISTS, ks_key_write_pem(key, f->path, NULL));
	after = slurp(f->path);
	assert_string_equal(before, after);
	free(before);
	free(after);
	ks_key_free(key);
}

static void
test_migrate_key__write_refuses_symlinks(void **state)
{
	struct fixture *f = *state;
	char target[160];
	ks_key *key = NULL;

	snprintf(target, sizeof(target), "%s/target", f->dir);
	assert_int_equal(0, symlink(target, f->path));
	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_EDDSA, 0));
	assert_int_equal(KS_EEXISTS, ks_key_write_pem(key, f->path, NULL));
	assert_int_equal(-1, access(target, F_OK));
	ks_key_free(key);
}

static void
test_migrate_key__encrypted_pem(void **state)
{
	struct fixture *f = *state;
	ks_key *key = NULL, *back = NULL;
	const ks_error *e;
	char *text;

	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_ES256, 0));
	assert_int_equal(0, ks_key_write_pem(key, f->path, "correct horse"));
	text = slurp(f->path);
	assert_non_null(strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
	free(text);
	assert_int_equal(KS_EINVALID, ks_key_load_file(&back, f->path, NULL));
	e = ks_error_last();
	assert_non_null(strstr(e->message, "needs a passphrase"));
	assert_int_equal(KS_EINVALID, ks_key_load_file(&back, f->path,
	    "wrong"));
	e = ks_error_last();
	assert_null(strstr(e->message, "wrong\""));
	assert_int_equal(0, ks_key_load_file(&back, f->path, "correct horse"));
	assert_string_equal(ks_key_thumbprint(key), ks_key_thumbprint(back));
	assert_int_equal(KS_EINVALID, ks_key_write_pem(key, "/nonexistent/x",
	    ""));
	ks_key_free(back);
	ks_key_free(key);
}

static void
load_openssl_key(const char *type, const char *arg, size_t bits)
{
	EVP_PKEY *pkey = bits ? EVP_PKEY_Q_keygen(NULL, NULL, type, bits) :
	    EVP_PKEY_Q_keygen(NULL, NULL, type, arg);
	BIO *bio = BIO_new(BIO_s_mem());
	ks_key *key = NULL;
	const ks_error *e;
	char *data;
	long n;

	assert_non_null(pkey);
	assert_true(PEM_write_bio_PKCS8PrivateKey(bio, pkey, NULL, NULL, 0,
	    NULL, NULL));
	n = BIO_get_mem_data(bio, &data);
	assert_int_equal(KS_EINVALID, ks_key_load_pem(&key, data, (size_t)n,
	    NULL));
	assert_null(key);
	e = ks_error_last();
	assert_non_null(e);
	assert_null(strstr(e->message, "BEGIN"));
	BIO_free(bio);
	EVP_PKEY_free(pkey);
}

static void
test_migrate_key__weak_keys_are_refused(void **state)
{
	ks_key *key = NULL;

	load_openssl_key("RSA", NULL, 1024);
	assert_non_null(strstr(ks_error_last()->message, "1024"));
	load_openssl_key("EC", "P-224", 0);
	assert_non_null(strstr(ks_error_last()->message, "P-256"));
	load_openssl_key("EC", "P-521", 0);
	load_openssl_key("X25519", NULL, 0);
	assert_int_equal(KS_EINVALID, ks_key_generate(&key, KS_JOSE_ALG_RS256,
	    1024));
	assert_int_equal(KS_EINVALID, ks_key_generate(&key, KS_JOSE_ALG_PS256,
	    2047));
	assert_int_equal(KS_EINVALID, ks_key_generate(&key, KS_JOSE_ALG_ES256,
	    2048));
	assert_int_equal(KS_EINVALID, ks_key_generate(&key,
	    KS_JOSE_ALG_UNKNOWN, 0));
	assert_null(key);
}

static void
test_migrate_key__public_pem_and_garbage(void **state)
{
	struct fixture *f = *state;
	const char *junk = "-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n";
	ks_key *key = NULL, *pub = NULL;
	BIO *bio = BIO_new(BIO_s_mem());
	char *data;
	long n;

	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_ES384, 0));
	assert_true(PEM_write_bio_PUBKEY(bio, key->pkey));
	n = BIO_get_mem_data(bio, &data);
	assert_int_equal(0, ks_key_load_pem(&pub, data, (size_t)n, NULL));
	assert_false(ks_key_is_private(pub));
	assert_string_equal(ks_key_thumbprint(key), ks_key_thumbprint(pub));
	assert_int_equal(KS_EINVALID, ks_key_write_pem(pub, f->path, NULL));
	assert_int_equal(-1, access(f->path, F_OK));
	ks_key_free(pub);
	assert_int_equal(KS_EINVALID, ks_key_load_pem(&pub, junk,
	    strlen(junk), NULL));
	assert_int_equal(KS_EINVALID, ks_key_load_pem(&pub, "alg: HS256\n",
	    11, NULL));
	BIO_free(bio);
	ks_key_free(pub);
	ks_key_free(key);
}

static void
test_migrate_key__alg_must_fit(void **state)
{
	ks_key *key = NULL;

	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_PS256, 0));
	assert_int_equal(0, ks_key_set_alg(key, KS_JOSE_ALG_RS256));
	assert_int_equal(KS_EINVALID, ks_key_set_alg(key, KS_JOSE_ALG_ES256));
	assert_int_equal(KS_JOSE_ALG_RS256, ks_key_alg(key));
	ks_key_free(key);
	assert_int_equal(0, ks_key_generate(&key, KS_JOSE_ALG_EDDSA, 0));
	assert_int_equal(0, ks_key_set_alg(key, KS_JOSE_ALG_ED25519));
	assert_string_equal("Ed25519", ks_jose_alg_name(ks_key_alg(key)));
	ks_key_free(key);
}

static void
test_migrate_key__self_signed_certificate(void **state)
{
	ks_jose_alg algs[] = { KS_JOSE_ALG_ES256, KS_JOSE_ALG_RS256,
		KS_JOSE_ALG_EDDSA };
	size_t i;

	for (i = 0; i < 3; i++) {
		ks_str der = KS_STR_INIT;
		ks_buf jwk = KS_BUF_INIT;
		ks_key *key = NULL;
		const char *x5c, *end;
		const uint8_t *p;
		X509 *x;

		assert_int_equal(0, ks_key_generate(&key, algs[i], 0));
		assert_int_equal(KS_EINVALID, ks_key_self_sign(key, 0));
		assert_int_equal(0, ks_key_self_sign(key, 30));
		assert_int_equal(0, ks_key_to_jwk(&jwk, key, 0));
		assert_non_null(strstr(jwk.ptr, "\"x5t\":\""));
		assert_non_null(strstr(jwk.ptr, "\"x5t#S256\":\""));
		x5c = strstr(jwk.ptr, "\"x5c\":[\"");
		assert_non_null(x5c);
		x5c += 8;
		end = strchr(x5c, '"');
		/* x5c is standard base64, not base64url. */
		assert_int_equal(0, ks_base64_decode(&der, x5c,
		    (size_t)(end - x5c), 0));
		p = (const uint8_t *)der.ptr;
		x = d2i_X509(NULL, &p, (long)der.len);
		assert_non_null(x);
		assert_int_equal(1, X509_verify(x, key->pkey));
		X509_free(x);
		ks_str_dispose(&der);
		ks_buf_dispose(&jwk);
		ks_key_free(key);
	}
}

static void
test_migrate_key__passphrase_file(void **state)
{
	struct fixture *f = *state;
	char *pass = NULL;

	assert_int_equal(0, ks_file_create_excl(f->path, "s3cret\r\nmore\n",
	    13, 0600));
	assert_int_equal(0, ks_jose_passphrase_read(&pass, f->path));
	assert_string_equal("s3cret", pass);
	ks_jose_passphrase_free(pass);
	unlink(f->path);
	assert_int_equal(0, ks_file_create_excl(f->path, "\n", 1, 0600));
	assert_int_equal(KS_EINVALID, ks_jose_passphrase_read(&pass, f->path));
	assert_null(pass);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_migrate_key__generate_write_load_every_alg, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_key__write_refuses_to_overwrite, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    test_migrate_key__write_refuses_symlinks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_key__encrypted_pem,
		    setup, teardown),
		cmocka_unit_test(test_migrate_key__weak_keys_are_refused),
		cmocka_unit_test_setup_teardown(
		    test_migrate_key__public_pem_and_garbage, setup, teardown),
		cmocka_unit_test(test_migrate_key__alg_must_fit),
		cmocka_unit_test(test_migrate_key__self_signed_certificate),
		cmocka_unit_test_setup_teardown(
		    test_migrate_key__passphrase_file, setup, teardown),
	};
	return cmocka_run_group_tests_name("migrate/key", tests, NULL, NULL);
}
