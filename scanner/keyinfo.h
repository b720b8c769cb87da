/*
 * scanner/keyinfo.h - what a found private key is, without its passphrase
 *
 * Library-internal. Given the text a private-key rule matched and its
 * normalised base64 body, say the key's type and size where that can be
 * read without a passphrase, and whether it is encrypted: "RSA 2048,
 * unencrypted", "EC P-256, encrypted (PKCS#8 PBES2)", "Ed25519,
 * encrypted (OpenSSH bcrypt)", "PKCS#12: RSA 2048, password empty".
 * PEM keys and PKCS#12 are parsed with OpenSSL (libcrypto, which ks_base
 * already links); OpenSSH, PuTTY, OpenPGP and JWK headers are read here.
 */
#ifndef KS_SCANNER_KEYINFO_H
#define KS_SCANNER_KEYINFO_H

#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

/* *out is NULL when nothing could be said; free with ks__free. */
int ks_keyinfo(char **out, const char *rule_id, const uint8_t *match,
    size_t mlen, const uint8_t *body, size_t blen) KS_WARN_UNUSED;

#endif
