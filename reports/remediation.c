/*
 * reports/remediation.c - severity levels and remediation advice
 */
#include "remediation.h"

#include <string.h>

static bool
eq(const char *a, const char *b)
{
	return a && strcmp(a, b) == 0;
}

/* Credentials that grant access on their own. */
static bool
is_credential(const char *category)
{
	return eq(category, "private-key") ||
	    eq(category, "oauth-client-secret") ||
	    eq(category, "cloud-credential");
}

const char *
ks_remediation_level(const char *category, const char *confidence)
{
	if (eq(confidence, "low"))
		return is_credential(category) ? "warning" : "note";
	if (is_credential(category) ||
	    (eq(category, "api-token") && eq(confidence, "high")))
		return "error";
	return "warning";
}

const char *
ks_remediation_precision(const char *confidence)
{
	if (eq(confidence, "high"))
		return "high";
	if (eq(confidence, "low"))
		return "low";
	return "medium";
}

const char *
ks_remediation_security_severity(const char *category, const char *confidence)
{
	if (is_credential(category))
		return eq(confidence, "low") ? "7.0" : "9.0";
	if (eq(category, "api-token"))
		return eq(confidence, "low") ? "5.0" : "7.5";
	return eq(confidence, "low") ? "3.0" : "5.0";
}

const char *
ks_remediation_summary(const char *category)
{
	if (eq(category, "oauth-client-secret"))
		return "Migrate the client to private_key_jwt, then revoke "
		    "the secret.";
	if (eq(category, "private-key"))
		return "Treat the key as compromised: replace it, revoke what "
		    "it signed, remove it from the source.";
	return "Revoke and rotate the credential, then remove it from the "
	    "source.";
}

static const char client_secret_text[] =
"A static client secret lets anyone who holds it obtain tokens as this "
"client. Replace it with private_key_jwt client authentication "
"(RFC 7523, OpenID Connect Core 9):\n"
"1. Generate a key pair: keyshift keys generate (the private key never "
"leaves your secret store).\n"
"2. Register the public JWK or a JWKS URL with the authorization server "
"and set token_endpoint_auth_method=private_key_jwt.\n"
"3. Switch the client to signed client assertions and verify a token "
"request succeeds: keyshift migrate.\n"
"4. Revoke the old secret at the provider, then remove it from the "
"source and its history.\n"
"Mark the finding revoked: keyshift findings triage FINGERPRINT "
"--status revoked.";

static const char client_secret_md[] =
"A static client secret lets anyone who holds it obtain tokens as this "
"client. Replace it with **`private_key_jwt`** client authentication "
"([RFC 7523](https://www.rfc-editor.org/rfc/rfc7523), "
"[OpenID Connect Core §9](https://openid.net/specs/"
"openid-connect-core-1_0.html#ClientAuthentication)):\n\n"
"1. Generate a key pair: `keyshift keys generate` (the private key never "
"leaves your secret store).\n"
"2. Register the public JWK or a JWKS URL with the authorization server "
"and set `token_endpoint_auth_method=private_key_jwt`.\n"
"3. Switch the client to signed client assertions and verify a token "
"request succeeds: `keyshift migrate`.\n"
"4. **Revoke the old secret** at the provider, then remove it from the "
"source and its history.\n\n"
"Then mark the finding: `keyshift findings triage FINGERPRINT "
"--status revoked`.";

static const char private_key_text[] =
"A private key in source control must be treated as compromised.\n"
"1. Generate a new key and deploy it where the old one was used.\n"
"2. Revoke certificates and registrations of the old key (for OAuth "
"clients: remove its JWK from the client's JWKS).\n"
"3. Remove the key from the source and its history; keep keys in a "
"secret manager or HSM.";

static const char private_key_md[] =
"A private key in source control must be treated as **compromised**.\n\n"
"1. Generate a new key and deploy it where the old one was used.\n"
"2. Revoke certificates and registrations of the old key (for OAuth "
"clients: remove its JWK from the client's JWKS).\n"
"3. Remove the key from the source and its history; keep keys in a "
"secret manager or HSM.";

static const char generic_text[] =
"1. Revoke or rotate the credential at its issuer.\n"
"2. Remove it from the source and its history; load it from a secret "
"manager or the environment at run time.";

static const char generic_md[] =
"1. **Revoke or rotate** the credential at its issuer.\n"
"2. Remove it from the source and its history; load it from a secret "
"manager or the environment at run time.";

int
ks_remediation_help(ks_str *text, ks_str *md, const char *category,
    const char *description, const char *remediation)
{
	const char *steps_text = generic_text, *steps_md = generic_md;
	int error;

	if (eq(category, "oauth-client-secret")) {
		steps_text = client_secret_text;
		steps_md = client_secret_md;
	} else if (eq(category, "private-key")) {
		steps_text = private_key_text;
		steps_md = private_key_md;
	}
	if ((error = ks_str_printf(text, "%s\n\n", description)) < 0 ||
	    (remediation && (error = ks_str_printf(text, "%s\n\n",
	    remediation)) < 0) ||
	    (error = ks_str_puts(text, steps_text)) < 0)
		return error;
	/* Descriptions and remediation are rule text: plain prose. */
	if ((error = ks_str_printf(md, "%s\n\n", description)) < 0 ||
	    (remediation && (error = ks_str_printf(md, "%s\n\n",
	    remediation)) < 0) ||
	    (error = ks_str_puts(md, steps_md)) < 0)
		return error;
	return 0;
}
