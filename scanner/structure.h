/*
 * scanner/structure.h - key paths of the values in a config document
 *
 * Library-internal. ks_structure_parse() reads a blob as JSON (Terraform
 * state, client_secret.json, realm exports, .dockerconfigjson) when it
 * starts with '{' or '[', otherwise line by line as YAML (Kubernetes
 * manifests, docker-compose, CI workflows, Spring application.yml),
 * .env, .properties, INI sections or HCL/tfvars blocks, and lists every
 * scalar value it can name: the dotted key path and the value's byte
 * span. It never fails on malformed input (it names less), and it is
 * bounded: at most KS_STRUCT_MAX_LEAVES values, documents up to
 * KS_STRUCT_MAX_BYTES.
 */
#ifndef KS_SCANNER_STRUCTURE_H
#define KS_SCANNER_STRUCTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <keyshift/common.h>

#define KS_STRUCT_MAX_LEAVES 20000
#define KS_STRUCT_MAX_BYTES ((size_t)8 << 20)
#define KS_STRUCT_MAX_DEPTH 64

struct ks_leaf {
	char *path;           /* "spring.security...client-secret"; owned */
	char *norm;           /* path as ks_key_norm() has it; owned: the
				 pairing looks leaves up by it, per finding */
	size_t vs, ve;        /* the value's bytes, [vs, ve), quotes excluded */
};

struct ks_doc {
	struct ks_leaf *leaves;
	size_t n, cap;
	bool json;            /* parsed as JSON */
	bool k8s_secret;      /* a Kubernetes Secret manifest (kind: Secret) */
};

void ks_doc_dispose(struct ks_doc *d);
int ks_structure_parse(struct ks_doc *d, const uint8_t *data, size_t len)
    KS_WARN_UNUSED;
/* The innermost leaf whose value holds byte `off`, or NULL. */
const struct ks_leaf *ks_doc_leaf_at(const struct ks_doc *d, size_t off);
/* The leaf named `path` compared without case and without '_', '-' and
 * '.', or NULL. */
const struct ks_leaf *ks_doc_find_norm(const struct ks_doc *d,
    const char *norm);
/* Lower-case `s` and drop '_', '-', '.', ' ' into `out` (size cap). */
void ks_key_norm(char *out, size_t cap, const char *s, size_t n);

#endif
