/*
 * cli/cmd_assertion.c - `keyshift assertion`: sign and lint private_key_jwt
 * client assertions
 *
 * sign prints the assertion (that is its output, by design); lint prints
 * one "RULE: message" line per problem and never the assertion itself.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <keyshift/error.h>
#include <keyshift/jose.h>

#include "cmd_jose.h"
#include "commands.h"
#include "exitcode.h"
#include "fileio.h"
#include "str.h"

static const char assertion_usage[] =
    "usage: keyshift assertion sign --key KEY.pem --client-id ID --aud AUD\n"
    "                               [--alg ALG] [--kid KID] [--lifetime S]\n"
    "                               [--nbf] [--passphrase-file FILE]\n"
    "                               [--x5t-s256 THUMBPRINT]\n"
    "       keyshift assertion lint --jwks JWKS.json [--issuer ISS]\n"
    "                               [--token-endpoint URL] [--client-id ID]\n"
    "                               [--max-lifetime S] [--skew S]\n"
    "                               ASSERTION_FILE\n"
    "\n"
    "sign   print a client assertion (RFC 7523, RFC 10070): typ\n"
    "       client-authentication+jwt, iss = sub = ID, aud = AUD (the\n"
    "       issuer), iat, exp = iat + lifetime (default 60 s), a random jti\n"
    "lint   verify an assertion against a JWK Set and print one line per\n"
    "       problem a server would reject; ASSERTION_FILE may be '-'\n"
    "       --issuer          the expected aud\n"
    "       --token-endpoint  also accept this aud (legacy servers)\n"
    "       --max-lifetime    longest accepted lifetime (default 300 s)\n"
    "       --skew            allowed iat/nbf in the future (default 10 s)\n"
    "exit status: 0 clean, 1 problems found, 2 usage or runtime error\n";

static int
usage_error(const char *msg)
{
	if (msg)
		fprintf(stderr, "keyshift: %s\n", msg);
	fputs(assertion_usage, stderr);
	return KS_EXIT_USAGE;
}

enum { OPT_NOW = 256, OPT_NBF, OPT_MAX_LIFETIME, OPT_SKEW, OPT_TOKEN_EP,
    OPT_X5T };

static int
assertion_sign(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "key", required_argument, NULL, 'k' },
		{ "client-id", required_argument, NULL, 'c' },
		{ "aud", required_argument, NULL, 'a' },
		{ "alg", required_argument, NULL, 'A' },
		{ "kid", required_argument, NULL, 'K' },
		{ "lifetime", required_argument, NULL, 'l' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "nbf", no_argument, NULL, OPT_NBF },
		{ "x5t-s256", required_argument, NULL, OPT_X5T },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ks_assertion_options o = KS_ASSERTION_OPTIONS_INIT;
	const char *key_path = NULL, *pass_file = NULL;
	char *passphrase = NULL;
	ks_buf jws = KS_BUF_INIT;
	ks_key *key = NULL;
	int c, rc = KS_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "k:c:a:A:K:l:p:h", opts,
	    NULL)) != -1) {
		switch (c) {
		case 'k':
			key_path = optarg;
			break;
		case 'c':
			o.client_id = optarg;
			break;
		case 'a':
			o.audience = optarg;
			break;
		case 'A':
			if (ks_jose_alg_parse(&o.alg, optarg) < 0)
				return usage_error("--alg must be ES256, ES384, "
				    "PS256, RS256, EdDSA or Ed25519");
			break;
		case 'K':
			o.kid = optarg;
			break;
		case 'l':
			if (cmd_jose_parse_int(&o.lifetime, optarg, 1,
			    KS_ASSERTION_MAX_LIFETIME) < 0)
				return usage_error("--lifetime must be 1 to "
				    "86400 seconds");
			break;
		case 'p':
			pass_file = optarg;
			break;
		case OPT_NBF:
			o.nbf = true;
			break;
		case OPT_X5T:
			o.x5t_s256 = optarg;
			break;
		case OPT_NOW:
			if (cmd_jose_parse_int(&o.now, optarg, 1, INT64_C(1) << 40) < 0)
				return usage_error("--now wants seconds since "
				    "the epoch");
			break;
		case 'h':
			fputs(assertion_usage, stdout);
			return KS_EXIT_OK;
		default:
			return usage_error(NULL);
		}
	}
	if (optind != argc)
		return usage_error("sign takes no operands");
	if (!key_path || !o.client_id || !o.audience)
		return usage_error("sign needs --key, --client-id and --aud");
	if (pass_file && ks_jose_passphrase_read(&passphrase, pass_file) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	if (ks_key_load_file(&key, key_path, passphrase) < 0 ||
	    ks_assertion_sign(&jws, key, &o) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	printf("%s\n", jws.ptr);
done:
	ks_jose_passphrase_free(passphrase);
	ks_buf_dispose(&jws);
	ks_key_free(key);
	return rc;
}

static int
print_problem(const char *rule, const char *message, void *payload)
{
	printf("%s: %s\n", rule, message);
	return 0;
}

static int
read_input(ks_str *out, const char *path)
{
	if (strcmp(path, "-") == 0)
		return ks_fd_read_all(out, STDIN_FILENO, 64 * 1024,
		    "standard input");
	return ks_file_read(out, path, 64 * 1024);
}

static int
assertion_lint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jwks", required_argument, NULL, 'j' },
		{ "issuer", required_argument, NULL, 'i' },
		{ "token-endpoint", required_argument, NULL, OPT_TOKEN_EP },
		{ "client-id", required_argument, NULL, 'c' },
		{ "max-lifetime", required_argument, NULL, OPT_MAX_LIFETIME },
		{ "skew", required_argument, NULL, OPT_SKEW },
		{ "now", required_argument, NULL, OPT_NOW },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	ks_lint_options o = KS_LINT_OPTIONS_INIT;
	ks_str jwks_text = KS_STR_INIT, token = KS_STR_INIT;
	const char *jwks_path = NULL;
	ks_jwks *jwks = NULL;
	size_t problems = 0;
	int c, rc = KS_EXIT_OK;

	optind = 0;
	while ((c = getopt_long(argc, argv, "j:i:c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			jwks_path = optarg;
			break;
		case 'i':
			o.issuer = optarg;
			break;
		case OPT_TOKEN_EP:
			o.token_endpoint = optarg;
			break;
		case 'c':
			o.client_id = optarg;
			break;
		case OPT_MAX_LIFETIME:
			if (cmd_jose_parse_int(&o.max_lifetime, optarg, 1,
			    INT64_C(1) << 32) < 0)
				return usage_error("--max-lifetime wants "
				    "seconds");
			break;
		case OPT_SKEW:
			if (cmd_jose_parse_int(&o.skew, optarg, 0, 86400) < 0)
				return usage_error("--skew must be 0 to 86400 "
				    "seconds");
			break;
		case OPT_NOW:
			if (cmd_jose_parse_int(&o.now, optarg, 1, INT64_C(1) << 40) < 0)
				return usage_error("--now wants seconds since "
				    "the epoch");
			break;
		case 'h':
			fputs(assertion_usage, stdout);
			return KS_EXIT_OK;
		default:
			return usage_error(NULL);
		}
	}
	if (!jwks_path)
		return usage_error("lint needs --jwks");
	if (optind != argc - 1)
		return usage_error("lint takes one ASSERTION_FILE");
	if (ks_file_read(&jwks_text, jwks_path, 1024 * 1024) < 0 ||
	    ks_jwks_parse(&jwks, jwks_text.ptr, jwks_text.len) < 0 ||
	    read_input(&token, argv[optind]) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	/* A trailing newline is how files end, not part of the token. */
	while (token.len && (token.ptr[token.len - 1] == '\n' ||
	    token.ptr[token.len - 1] == '\r' || token.ptr[token.len - 1] == ' '))
		token.ptr[--token.len] = '\0';
	if (ks_assertion_lint(&problems, token.ptr, token.len, jwks, &o,
	    print_problem, NULL) < 0) {
		rc = cmd_jose_fail();
		goto done;
	}
	rc = problems ? KS_EXIT_FINDINGS : KS_EXIT_OK;
done:
	ks_str_dispose(&jwks_text);
	ks_str_dispose(&token);
	ks_jwks_free(jwks);
	return rc;
}

int
cmd_assertion(int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub)
		return usage_error("assertion needs a subcommand");
	if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 ||
	    strcmp(sub, "help") == 0) {
		fputs(assertion_usage, stdout);
		return KS_EXIT_OK;
	}
	if (strcmp(sub, "sign") == 0)
		return assertion_sign(argc - 1, argv + 1);
	if (strcmp(sub, "lint") == 0)
		return assertion_lint(argc - 1, argv + 1);
	fprintf(stderr, "keyshift: unknown assertion subcommand '%s'\n", sub);
	fputs(assertion_usage, stderr);
	return KS_EXIT_USAGE;
}
