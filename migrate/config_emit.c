/*
 * migrate/config_emit.c - the client configuration that replaces a
 * secret, for the libraries people use, and the patch for the file where
 * the secret was found
 *
 * Every emitted file refers to the private key by path (never embeds
 * it), signs a fresh assertion per token request (assertions are single
 * use), and sets aud to the issuer as one string and typ to
 * client-authentication+jwt (RFC 10070) unless verification found that
 * the server only takes the legacy token-endpoint audience. Library
 * facts (docs/MIGRATION.md): openid-client 5.7.1+ (aud = issuer);
 * Spring's NimbusJwtClientAuthenticationParametersConverter (aud = token
 * URI by default, so a customizer overrides it); Authlib's PrivateKeyJWT
 * (exp defaults to an hour: shortened to 60 s); .NET/MSAL client
 * assertions; Go's x/oauth2 has no private_key_jwt, so a TokenSource that
 * mints an assertion per refresh.
 *
 * Values are written as JSON string literals, which are valid string
 * literals in JavaScript, Python, Java, C#, Go and YAML alike; the env
 * file quotes for the shell.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <keyshift/migrate.h>

#include "errors.h"
#include "fileio.h"
#include "migrate_int.h"

struct emit {
	const ks_client_config *cfg;
	const char *aud;
	const char *alg;
	const char *kid;
	/* JSON-quoted forms */
	ks_str q_issuer, q_token, q_client, q_key, q_kid, q_alg, q_aud, q_scope;
};

static int
quote(ks_str *out, const char *s)
{
	json_t *v = json_string(s ? s : "");
	char *text;
	int error;

	if (!v)
		return KS_EINVALID;
	text = json_dumps(v, JSON_ENCODE_ANY);
	json_decref(v);
	if (!text)
		return KS_ENOMEM;
	error = ks_str_puts(out, text);
	free(text);
	return error;
}

/* A value for a single-quoted shell assignment. */
static int
shell_quote(ks_str *out, const char *s)
{
	int error = ks_str_putc(out, '\'');

	for (; !error && *s; s++)
		error = *s == '\'' ? ks_str_puts(out, "'\\''") :
		    ks_str_putc(out, *s);
	return error ? error : ks_str_putc(out, '\'');
}

static int
write_file(const char *dir, const char *name, const ks_str *text, int mode,
    ks_buf *names)
{
	ks_str path = KS_STR_INIT;
	int error;

	if ((error = ks_str_printf(&path, "%s/%s", dir, name)) == 0 &&
	    (error = ks_file_replace(path.ptr, text->ptr, text->len,
	    mode)) == 0 && names) {
		ks_str n = KS_STR_INIT;

		if ((error = ks_str_printf(&n, "%s%s\n", names->ptr ?
		    names->ptr : "", name)) == 0)
			error = ks_buf_set(names, n.ptr, n.len);
		ks_str_dispose(&n);
	}
	ks_str_dispose(&path);
	return error;
}

static int
emit_env(ks_str *o, const struct emit *e)
{
	const ks_client_config *c = e->cfg;
	int error;

	if ((error = ks_str_printf(o, "# OAuth client %s at %s: "
	    "private_key_jwt (RFC 7523).\n# This replaces the client secret: "
	    "delete every client_secret / OAUTH_CLIENT_SECRET\n# setting, then "
	    "revoke the secret (git history still holds it).\n",
	    c->client_id, c->issuer)) < 0)
		return error;
#define ENV(name, val) \
	if ((error = ks_str_puts(o, name "=")) < 0 || \
	    (error = shell_quote(o, (val))) < 0 || \
	    (error = ks_str_putc(o, '\n')) < 0) \
		return error;
	ENV("OAUTH_ISSUER", c->issuer)
	ENV("OAUTH_TOKEN_ENDPOINT", c->token_endpoint)
	ENV("OAUTH_CLIENT_ID", c->client_id)
	ENV("OAUTH_CLIENT_AUTH_METHOD", "private_key_jwt")
	ENV("OAUTH_PRIVATE_KEY_FILE", c->key_path)
	ENV("OAUTH_KEY_ID", e->kid)
	ENV("OAUTH_SIGNING_ALG", e->alg)
	ENV("OAUTH_ASSERTION_AUDIENCE", e->aud)
	if (c->scope) {
		ENV("OAUTH_SCOPE", c->scope)
	}
#undef ENV
	return 0;
}

static int
emit_curl(ks_str *o, const struct emit *e)
{
	return ks_str_printf(o,
"#!/bin/sh\n"
"# A client_credentials token request with private_key_jwt, no secret.\n"
"# Each request needs a fresh assertion: a jti is single use.\n"
"set -eu\n"
". \"$(dirname \"$0\")/keyshift.env\"\n"
"assertion=$(\"${KEYSHIFT:-keyshift}\" assertion sign \\\n"
"    --key \"$OAUTH_PRIVATE_KEY_FILE\" --client-id \"$OAUTH_CLIENT_ID\" \\\n"
"    --aud \"$OAUTH_ASSERTION_AUDIENCE\" --alg \"$OAUTH_SIGNING_ALG\")\n"
"exec curl -sS --fail-with-body \"$OAUTH_TOKEN_ENDPOINT\" \\\n"
"    -d grant_type=client_credentials \\\n"
"    --data-urlencode \"client_id=$OAUTH_CLIENT_ID\" \\\n"
"    -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\\n"
"    --data-urlencode \"client_assertion=$assertion\"%s\n",
	    e->cfg->scope ? " \\\n    --data-urlencode \"scope=$OAUTH_SCOPE\"" :
	    "");
}

static int
emit_spring(ks_str *yml, ks_str *java, const struct emit *e)
{
	int error;

	if ((error = ks_str_printf(yml,
"# Spring Security OAuth2 Client: private_key_jwt instead of client-secret.\n"
"# Remove client-secret; SpringPrivateKeyJwt.java supplies the key.\n"
"spring:\n"
"  security:\n"
"    oauth2:\n"
"      client:\n"
"        registration:\n"
"          keyshift:\n"
"            client-id: %s\n"
"            authorization-grant-type: client_credentials\n"
"            client-authentication-method: private_key_jwt\n"
"%s%s%s"
"            provider: keyshift\n"
"        provider:\n"
"          keyshift:\n"
"            issuer-uri: %s\n"
"            token-uri: %s\n"
"keyshift:\n"
"  oauth2:\n"
"    private-key-file: %s\n"
"    key-id: %s\n"
"    signing-alg: %s\n"
"    audience: %s\n",
	    e->q_client.ptr, e->cfg->scope ? "            scope: " : "",
	    e->cfg->scope ? e->q_scope.ptr : "", e->cfg->scope ? "\n" : "",
	    e->q_issuer.ptr, e->q_token.ptr, e->q_key.ptr, e->q_kid.ptr,
	    e->q_alg.ptr, e->q_aud.ptr)) < 0)
		return error;
	return ks_str_printf(java,
"// The JWK resolver for Spring Security's private_key_jwt support\n"
"// (NimbusJwtClientAuthenticationParametersConverter). Its default aud is\n"
"// the token URI; the customizer sets the issuer (RFC 10070) and typ.\n"
"import com.nimbusds.jose.JOSEObjectType;\n"
"import com.nimbusds.jose.jwk.JWK;\n"
"import java.nio.file.Files;\n"
"import java.nio.file.Path;\n"
"import org.springframework.security.oauth2.client.endpoint.NimbusJwtClientAuthenticationParametersConverter;\n"
"import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;\n"
"import org.springframework.security.oauth2.client.registration.ClientRegistration;\n"
"import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;\n"
"\n"
"public final class SpringPrivateKeyJwt {\n"
"  static final String KEY_FILE = %s;\n"
"  static final String KEY_ID = %s;\n"
"  static final String AUDIENCE = %s;\n"
"\n"
"  /** Resolve the client's signing JWK from the PEM file (read per call, so a rotated key is picked up). */\n"
"  static JWK resolve(ClientRegistration registration) {\n"
"    try {\n"
"      String pem = Files.readString(Path.of(KEY_FILE));\n"
"      return new JWK.Builder(JWK.parseFromPEMEncodedObjects(pem)).keyID(KEY_ID).build();\n"
"    } catch (Exception e) {\n"
"      throw new IllegalStateException(\"cannot read the private key\", e);\n"
"    }\n"
"  }\n"
"\n"
"  public static NimbusJwtClientAuthenticationParametersConverter<OAuth2ClientCredentialsGrantRequest> converter() {\n"
"    var c = new NimbusJwtClientAuthenticationParametersConverter<OAuth2ClientCredentialsGrantRequest>(SpringPrivateKeyJwt::resolve);\n"
"    c.setJwtClientAssertionCustomizer(ctx -> {\n"
"      ctx.getHeaders().type(\"client-authentication+jwt\");\n"
"      ctx.getClaims().audience(java.util.List.of(AUDIENCE));\n"
"    });\n"
"    return c;  // add with RestClientClientCredentialsTokenResponseClient#addParametersConverter\n"
"  }\n"
"}\n",
	    e->q_key.ptr, e->q_kid.ptr, e->q_aud.ptr);
}

static int
emit_openid_client(ks_str *o, const struct emit *e)
{
	return ks_str_printf(o,
"// openid-client 5.7.1+ (npm): client_credentials with private_key_jwt.\n"
"// Run: node openid-client.mjs  (KEYSHIFT_KEY_FILE overrides the key path)\n"
"import { createPrivateKey } from 'node:crypto';\n"
"import { readFileSync } from 'node:fs';\n"
"import { Issuer } from 'openid-client';\n"
"\n"
"const ISSUER = %s;\n"
"const CLIENT_ID = %s;\n"
"const KEY_FILE = process.env.KEYSHIFT_KEY_FILE ?? %s;\n"
"const KEY_ID = %s;\n"
"const ALG = %s;\n"
"const AUDIENCE = %s;\n"
"\n"
"const jwk = { ...createPrivateKey(readFileSync(KEY_FILE)).export({ format: 'jwk' }), kid: KEY_ID, alg: ALG };\n"
"const issuer = await Issuer.discover(ISSUER);\n"
"const client = new issuer.Client({\n"
"  client_id: CLIENT_ID,\n"
"  token_endpoint_auth_method: 'private_key_jwt',\n"
"  token_endpoint_auth_signing_alg: ALG,\n"
"}, { keys: [jwk] });\n"
"const tokens = await client.grant({ grant_type: 'client_credentials'%s%s },\n"
"  { clientAssertionPayload: { aud: AUDIENCE } });\n"
"if (!tokens.access_token) throw new Error('no access token');\n"
"console.log(`openid-client: access token obtained (${tokens.token_type}, expires in ${tokens.expires_in} s)`);\n",
	    e->q_issuer.ptr, e->q_client.ptr, e->q_key.ptr, e->q_kid.ptr,
	    e->q_alg.ptr, e->q_aud.ptr, e->cfg->scope ? ", scope: " : "",
	    e->cfg->scope ? e->q_scope.ptr : "");
}

static int
emit_authlib(ks_str *o, const struct emit *e)
{
	return ks_str_printf(o,
"# Authlib (Python): client_credentials with private_key_jwt.\n"
"# PrivateKeyJWT defaults to exp = iat + 3600 and aud = token endpoint;\n"
"# both are overridden (60 s, the issuer per RFC 10070).\n"
"import time\n"
"from authlib.integrations.requests_client import OAuth2Session\n"
"from authlib.jose import JsonWebKey\n"
"from authlib.oauth2.rfc7523 import PrivateKeyJWT\n"
"\n"
"ISSUER = %s\n"
"TOKEN_ENDPOINT = %s\n"
"CLIENT_ID = %s\n"
"KEY_FILE = %s\n"
"KEY_ID = %s\n"
"ALG = %s\n"
"AUDIENCE = %s\n"
"\n"
"\n"
"def fetch_token():\n"
"    with open(KEY_FILE, 'rb') as f:\n"
"        key = JsonWebKey.import_key(f.read())  # EC/OKP keys need the object, not the PEM string\n"
"    now = int(time.time())\n"
"    auth = PrivateKeyJWT(TOKEN_ENDPOINT, alg=ALG,\n"
"                         claims={'aud': AUDIENCE, 'exp': now + 60},\n"
"                         headers={'kid': KEY_ID, 'typ': 'client-authentication+jwt'})\n"
"    session = OAuth2Session(CLIENT_ID, key, token_endpoint_auth_method=auth%s%s)\n"
"    return session.fetch_token(TOKEN_ENDPOINT, grant_type='client_credentials')\n",
	    e->q_issuer.ptr, e->q_token.ptr, e->q_client.ptr, e->q_key.ptr,
	    e->q_kid.ptr, e->q_alg.ptr, e->q_aud.ptr,
	    e->cfg->scope ? ", scope=" : "", e->cfg->scope ? e->q_scope.ptr : "");
}

static int
emit_dotnet(ks_str *o, const struct emit *e)
{
	return ks_str_printf(o,
"// .NET: a client assertion per token request (Duende IdentityModel's\n"
"// ClientAssertion, or MSAL's WithClientAssertion callback).\n"
"// MSAL against Entra ID: WithCertificate(cert) with the certificate\n"
"// keyshift registered; Entra finds keys by x5t#S256, not kid.\n"
"using System;\n"
"using System.Collections.Generic;\n"
"using System.IO;\n"
"using System.Security.Cryptography;\n"
"using Microsoft.IdentityModel.JsonWebTokens;\n"
"using Microsoft.IdentityModel.Tokens;\n"
"\n"
"static class KeyshiftClientAssertion\n"
"{\n"
"    const string Issuer = %s;\n"
"    const string TokenEndpoint = %s;\n"
"    const string ClientId = %s;\n"
"    const string KeyFile = %s;\n"
"    const string KeyId = %s;\n"
"    const string Alg = %s;\n"
"    const string Audience = %s;\n"
"\n"
"    // The assertion for one request: never cache or reuse it.\n"
"    public static string Create()\n"
"    {\n"
"        AsymmetricAlgorithm key = Alg.StartsWith(\"ES\") ? ECDsa.Create() : RSA.Create();\n"
"        key.ImportFromPem(File.ReadAllText(KeyFile));\n"
"        SecurityKey sk = key is ECDsa ec ? new ECDsaSecurityKey(ec) : new RsaSecurityKey((RSA)key);\n"
"        sk.KeyId = KeyId;\n"
"        var now = DateTime.UtcNow;\n"
"        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor\n"
"        {\n"
"            Issuer = ClientId,\n"
"            Audience = Audience,\n"
"            TokenType = \"client-authentication+jwt\",\n"
"            IssuedAt = now, NotBefore = now, Expires = now.AddSeconds(60),\n"
"            Claims = new Dictionary<string, object> { [\"sub\"] = ClientId, [\"jti\"] = Guid.NewGuid().ToString() },\n"
"            SigningCredentials = new SigningCredentials(sk, Alg),\n"
"        });\n"
"    }\n"
"    // IdentityModel: new ClientCredentialsTokenRequest { Address = TokenEndpoint, ClientId = ClientId,\n"
"    //   ClientAssertion = { Type = OidcConstants.ClientAssertionTypes.JwtBearer, Value = Create() } }\n"
"    // MSAL: ConfidentialClientApplicationBuilder.Create(ClientId).WithClientAssertion(_ => Create())\n"
"}\n",
	    e->q_issuer.ptr, e->q_token.ptr, e->q_client.ptr, e->q_key.ptr,
	    e->q_kid.ptr, e->q_alg.ptr, e->q_aud.ptr);
}

static int
emit_go(ks_str *o, const struct emit *e)
{
	return ks_str_printf(o,
"// Go: golang.org/x/oauth2 has no private_key_jwt (golang/go#57186), and\n"
"// clientcredentials.Config.EndpointParams is static, so a pre-minted\n"
"// assertion would expire. This TokenSource signs a fresh one per token.\n"
"package keyshiftauth\n"
"\n"
"import (\n"
"\t\"context\"\n"
"\t\"net/url\"\n"
"\n"
"\t\"golang.org/x/oauth2\"\n"
"\t\"golang.org/x/oauth2/clientcredentials\"\n"
")\n"
"\n"
"const (\n"
"\tIssuer        = %s\n"
"\tTokenEndpoint = %s\n"
"\tClientID      = %s\n"
"\tKeyFile       = %s\n"
"\tKeyID         = %s\n"
"\tAlg           = %s\n"
"\tAudience      = %s\n"
")\n"
"\n"
"// Signer builds one client assertion (iss = sub = ClientID, aud =\n"
"// Audience, typ client-authentication+jwt, exp = now + 60 s, random jti)\n"
"// with the key in KeyFile, e.g. with github.com/go-jose/go-jose/v4.\n"
"type Signer func() (string, error)\n"
"\n"
"type assertionSource struct {\n"
"\tctx  context.Context\n"
"\tsign Signer\n"
"}\n"
"\n"
"func (s assertionSource) Token() (*oauth2.Token, error) {\n"
"\tjwt, err := s.sign()\n"
"\tif err != nil {\n"
"\t\treturn nil, err\n"
"\t}\n"
"\tcfg := clientcredentials.Config{\n"
"\t\tClientID:  ClientID,\n"
"\t\tTokenURL:  TokenEndpoint,\n"
"\t\tAuthStyle: oauth2.AuthStyleInParams,\n"
"\t\tEndpointParams: url.Values{\n"
"\t\t\t\"client_assertion_type\": {\"urn:ietf:params:oauth:client-assertion-type:jwt-bearer\"},\n"
"\t\t\t\"client_assertion\":      {jwt},\n"
"\t\t},\n"
"\t}\n"
"\treturn cfg.Token(s.ctx)\n"
"}\n"
"\n"
"// TokenSource caches tokens and signs a new assertion for each refresh.\n"
"func TokenSource(ctx context.Context, sign Signer) oauth2.TokenSource {\n"
"\treturn oauth2.ReuseTokenSource(nil, assertionSource{ctx, sign})\n"
"}\n",
	    e->q_issuer.ptr, e->q_token.ptr, e->q_client.ptr, e->q_key.ptr,
	    e->q_kid.ptr, e->q_alg.ptr, e->q_aud.ptr);
}

static void
emit_dispose(struct emit *e)
{
	ks_str_dispose(&e->q_issuer);
	ks_str_dispose(&e->q_token);
	ks_str_dispose(&e->q_client);
	ks_str_dispose(&e->q_key);
	ks_str_dispose(&e->q_kid);
	ks_str_dispose(&e->q_alg);
	ks_str_dispose(&e->q_aud);
	ks_str_dispose(&e->q_scope);
}

int
ks_client_config_write(const char *dir, const ks_client_config *cfg,
    ks_buf *names)
{
	struct emit e = { cfg, NULL, NULL, NULL, KS_STR_INIT, KS_STR_INIT,
	    KS_STR_INIT, KS_STR_INIT, KS_STR_INIT, KS_STR_INIT, KS_STR_INIT,
	    KS_STR_INIT };
	ks_str a = KS_STR_INIT, b = KS_STR_INIT;
	int error;

	if (!cfg->issuer || !cfg->token_endpoint || !cfg->client_id ||
	    !cfg->key_path || !cfg->key) {
		ks_error_set(KS_ERROR_MIGRATE, "the client configuration needs "
		    "the issuer, token endpoint, client id and key");
		return KS_EINVALID;
	}
	e.aud = cfg->audience ? cfg->audience : cfg->issuer;
	e.alg = ks_jose_alg_name(cfg->alg ? cfg->alg : ks_key_alg(cfg->key));
	e.kid = ks_key_kid(cfg->key);
	if ((error = ks_mkdir_p(dir, 0700)) < 0 ||
	    (error = quote(&e.q_issuer, cfg->issuer)) < 0 ||
	    (error = quote(&e.q_token, cfg->token_endpoint)) < 0 ||
	    (error = quote(&e.q_client, cfg->client_id)) < 0 ||
	    (error = quote(&e.q_key, cfg->key_path)) < 0 ||
	    (error = quote(&e.q_kid, e.kid)) < 0 ||
	    (error = quote(&e.q_alg, e.alg)) < 0 ||
	    (error = quote(&e.q_aud, e.aud)) < 0 ||
	    (error = quote(&e.q_scope, cfg->scope)) < 0)
		goto done;
#define EMIT(call, name, mode) \
	ks_str_clear(&a); \
	if ((error = (call)) < 0 || \
	    (error = write_file(dir, (name), &a, (mode), names)) < 0) \
		goto done;
	EMIT(emit_env(&a, &e), "keyshift.env", 0600)
	EMIT(emit_curl(&a, &e), "curl.sh", 0700)
	ks_str_clear(&b);
	if ((error = emit_spring(&a, &b, &e)) < 0 ||
	    (error = write_file(dir, "spring-application.yml", &a, 0600,
	    names)) < 0 ||
	    (error = write_file(dir, "SpringPrivateKeyJwt.java", &b, 0600,
	    names)) < 0)
		goto done;
	EMIT(emit_openid_client(&a, &e), "openid-client.mjs", 0600)
	EMIT(emit_authlib(&a, &e), "authlib_client.py", 0600)
	EMIT(emit_dotnet(&a, &e), "KeyshiftClientAssertion.cs", 0600)
	EMIT(emit_go(&a, &e), "tokensource.go", 0600)
#undef EMIT
done:
	emit_dispose(&e);
	ks_str_dispose(&a);
	ks_str_dispose(&b);
	return error;
}
