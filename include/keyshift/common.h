/*
 * keyshift/common.h - declarations every public header shares
 *
 * Export macros, the version, the caller-owned string buffer and the
 * refcounted global initialisation of the libraries keyshift stands on.
 */
#ifndef KS_KEYSHIFT_COMMON_H
#define KS_KEYSHIFT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#ifdef __cplusplus
#define KS_BEGIN_DECL extern "C" {
#define KS_END_DECL }
#else
#define KS_BEGIN_DECL
#define KS_END_DECL
#endif

#if defined(__GNUC__)
#define KS_EXTERN(type) extern __attribute__((visibility("default"))) type
#define KS_WARN_UNUSED __attribute__((warn_unused_result))
#define KS_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define KS_EXTERN(type) extern type
#define KS_WARN_UNUSED
#define KS_PRINTF(a, b)
#endif

#define KS_VERSION "0.1.0"
#define KS_VERSION_MAJOR 0
#define KS_VERSION_MINOR 1
#define KS_VERSION_PATCH 0

KS_BEGIN_DECL

/**
 * A string handed to the caller. Initialise with KS_BUF_INIT, release with
 * ks_buf_dispose(). `ptr` is always NUL-terminated once written.
 */
typedef struct {
	char *ptr;
	size_t size;
	size_t reserved;
} ks_buf;

#define KS_BUF_INIT { NULL, 0, 0 }

/** Release the memory of a buffer; it may be reused afterwards. */
KS_EXTERN(void) ks_buf_dispose(ks_buf *buf);

/**
 * Initialise the libraries keyshift uses (libgit2, libcurl). Refcounted:
 * call once per ks_libshutdown(). Call before starting threads.
 * @return the new reference count, or a negative KS_E* code.
 */
KS_EXTERN(int) ks_libinit(void);

/** Drop one reference taken by ks_libinit(). */
KS_EXTERN(int) ks_libshutdown(void);

KS_END_DECL
#endif
