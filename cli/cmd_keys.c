/*
 * cli/cmd_keys.c - `keyshift keys`: generate key pairs, publish JWK Sets,
 * compute JWK thumbprints
 *
 * Nothing here ever prints private key material: generate writes the key
 * to a new 0600 file and prints only its kid; jwks prints public members.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <keyshift/error.h>
#include <keyshift/jose.h>

#include "cmd_jose.h"
#include "cmd_migrate.h"
#include "commands.h"
#include "exitcode.h"
#include "fileio.h"
#include "str.h"

static const char keys_usage[] =
    "usage: keyshift keys generate --alg ALG [--bits N] --out KEY.pem\n"
    "                              [--passphrase-file FILE]\n"
    "       keyshift keys jwks [--alg ALG] [--passphrase-file FILE]\n"
    "                          [--x509 [--days N]] [--compact] KEY.pem...\n"
    "       keyshift keys thumbprint JWK.json\n"
    "       keyshift keys rotate --client ID (see 'keys rotate --help')\n"
    "\n"
    "generate    make a key pair and write it as PKCS#8 PEM to a new file\n"
    "            (mode 0600, never overwriting); print its kid\n"
    "            --alg       ES256, ES384, PS256, RS256 or EdDSA\n"
    "            --bits      RSA modulus: 2048 (default), 3072 or 4096\n"
    "            --passphrase-file  encrypt the key with the passphrase on\n"
    "                        the first line of FILE\n"
    "jwks        print the public JWK Set of the keys: kid is the RFC 7638\n"
    "            thumbprint, use is sig; duplicate kids are refused\n"
    "            --alg       use ALG for every key (RSA: PS256 or RS256)\n"
    "            --x509      add a self-signed certificate (x5c, x5t,\n"
    "                        x5t#S256) for servers that want one\n"
    "            --days      certificate validity (default 365)\n"
    "thumbprint  print the RFC 7638 SHA-256 thumbprint of a JWK\n";

int
cmd_jose_fail(void)
{
	const ks_error *e = ks_error_last();

	fprintf(stderr, "keyshift: %s\n", e ? e->message : "unknown error");
	return KS_EXIT_RUNTIME;
}

static int
usage_error(const char *msg)
{
	if (msg)
		fprintf(stderr, "keyshift: %s\n", msg);
	fputs(keys_usage, stderr);
	return KS_EXIT_USAGE;
}

int
cmd_jose_parse_int(int64_t *out, const char *s, int64_t min, int64_t max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int64_t)v;
	return 0;
}

static int
parse_uint(unsigned *out, const char *s, unsigned max)
{
	int64_t v;

	if (cmd_jose_parse_int(&v, s, 0, max) < 0)
		return -1;
	*out = (unsigned)v;
	return 0;
}

static int
keys_generate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "bits", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *out = NULL, *alg_name = NULL, *pass_file = NULL;
	char *passphrase = NULL;
	ks_jose_alg alg;
	ks_key *key = NULL;
	struct stat st;
	unsigned bits = 0;
	int c, rc = KS_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "a:b:o:p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			alg_name = optarg;
			break;
		case 'b':
			if (parse_uint(&bits, optarg, 65536) < 0)
				return usage_error("--bits wants a number");
			break;
		case 'o':
			out = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'h':
			fputs(keys_usage, stdout);
			return KS_EXIT_OK;
		default:
			return usage_error(NULL);
		}
	}
	if (optind != argc)
		return usage_error("generate takes no operands");
	if (!alg_name || !out)
		return usage_error("generate needs --alg and --out");
	if (ks_jose_alg_parse(&alg, alg_name) < 0)
		return usage_error("--alg must be ES256, ES384, PS256, RS256 "
		    "or EdDSA");
	if (bits && alg != KS_JOSE_ALG_PS256 && alg != KS_JOSE_ALG_RS256)
		return usage_error("--bits only applies to PS256 and RS256");
	if (bits && bits < KS_KEY_RSA_MIN_BITS) {
		fprintf(stderr, "keyshift: refusing RSA keys below %d bits "
		    "(FAPI 2.0)\n", KS_KEY_RSA_MIN_BITS);
		return KS_EXIT_USAGE;
	}
	if (bits && bits != 2048 && bits != 3072 && bits != 4096)
		return usage_error("--bits must be 2048, 3072 or 4096");
	/* Fail before a slow RSA generation; the write re-checks. */
	if (lstat(out, &st) == 0) {
		fprintf(stderr, "keyshift: refusing to overwrite '%s'\n", out);
		return KS_EXIT_RUNTIME;
	}
	if (pass_file && ks_jose_passphrase_read(&passphrase, pass_file) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	if (ks_key_generate(&key, alg, bits) < 0 ||
	    ks_key_write_pem(key, out, passphrase) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	printf("%s\n", ks_key_kid(key));
done:
	ks_jose_passphrase_free(passphrase);
	ks_key_free(key);
	return rc;
}

static int
keys_jwks(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "alg", required_argument, NULL, 'a' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "x509", no_argument, NULL, 'x' },
		{ "days", required_argument, NULL, 'd' },
		{ "compact", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *alg_name = NULL, *pass_file = NULL;
	ks_jose_alg alg = KS_JOSE_ALG_UNKNOWN;
	char *passphrase = NULL;
	ks_buf json = KS_BUF_INIT;
	ks_jwks *set = NULL;
	bool x509 = false, compact = false;
	unsigned days = 365;
	int c, i, rc = KS_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "a:p:xd:ch", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			alg_name = optarg;
			break;
		case 'p':
			pass_file = optarg;
			break;
		case 'x':
			x509 = true;
			break;
		case 'd':
			if (parse_uint(&days, optarg, 3650) < 0 || days == 0)
				return usage_error("--days must be 1 to 3650");
			break;
		case 'c':
			compact = true;
			break;
		case 'h':
			fputs(keys_usage, stdout);
			return KS_EXIT_OK;
		default:
			return usage_error(NULL);
		}
	}
	if (optind == argc)
		return usage_error("jwks needs at least one KEY.pem");
	if (alg_name && ks_jose_alg_parse(&alg, alg_name) < 0)
		return usage_error("--alg must be ES256, ES384, PS256, RS256, "
		    "EdDSA or Ed25519");
	if (pass_file && ks_jose_passphrase_read(&passphrase, pass_file) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	if (ks_jwks_new(&set) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	for (i = optind; i < argc; i++) {
		ks_key *key = NULL;
		int error;

		if ((error = ks_key_load_file(&key, argv[i], passphrase)) < 0 ||
		    (alg && (error = ks_key_set_alg(key, alg)) < 0) ||
		    (x509 && (error = ks_key_self_sign(key, days)) < 0) ||
		    (error = ks_jwks_add(set, key)) < 0) {
			if (error == KS_EEXISTS)
				fprintf(stderr, "keyshift: '%s': duplicate kid "
				    "'%s': the same key is given twice\n",
				    argv[i], ks_key_kid(key));
			else
				cmd_jose_fail();
			ks_key_free(key);
			rc = KS_EXIT_RUNTIME;
			goto done;
		}
		ks_key_free(key);
	}
	if (ks_jwks_to_json(&json, set, compact ? 0 : KS_JWK_PRETTY) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	printf("%s\n", json.ptr);
done:
	ks_jose_passphrase_free(passphrase);
	ks_buf_dispose(&json);
	ks_jwks_free(set);
	return rc;
}

static int
keys_thumbprint(int argc, char **argv)
{
	char tp[KS_JWK_THUMBPRINT_LEN + 1];
	ks_str text = KS_STR_INIT;
	int rc = KS_EXIT_OK;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(keys_usage, stdout);
		return KS_EXIT_OK;
	}
	if (argc != 2)
		return usage_error("thumbprint takes one JWK.json");
	if (ks_file_read(&text, argv[1], 1024 * 1024) < 0 ||
	    ks_jwk_thumbprint(tp, text.ptr, text.len) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	printf("%s\n", tp);
done:
	ks_str_dispose(&text);
	return rc;
}

int
cmd_keys(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub)
		return usage_error("keys needs a subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    strcmp(sub, "help") == 0) {
		fputs(keys_usage, stdout);
		return KS_EXIT_OK;
	}
	if (strcmp(sub, "generate") == 0)
		return keys_generate(argc - 1, argv + 1);
	if (strcmp(sub, "jwks") == 0)
		return keys_jwks(argc - 1, argv + 1);
	if (strcmp(sub, "thumbprint") == 0)
		return keys_thumbprint(argc - 1, argv + 1);
	/* issue 8: rotation of a migrated client (cli/migrate_rotate.c) */
	if (strcmp(sub, "rotate") == 0)
		return cmd_keys_rotate(argc - 1, argv + 1);
	fprintf(stderr, "keyshift: unknown keys subcommand '%s'\n", sub);
	fputs(keys_usage, stderr);
	return KS_EXIT_USAGE;
}
