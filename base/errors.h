/*
 * base/errors.h - setting the thread-local last error (library-internal)
 *
 * Foreign errors are translated exactly once, in the module that owns the
 * handle; callers above just propagate the code. Never put secret bytes in
 * a message.
 */
#ifndef KS_BASE_ERRORS_H
#define KS_BASE_ERRORS_H

#include <keyshift/error.h>

#include <assert.h>

/* Set the message of this thread's last error. */
void ks_error_set(int klass, const char *fmt, ...) KS_PRINTF(2, 3);
/* Same, with ": strerror(errno)" appended (class OS). */
void ks_error_set_os(const char *fmt, ...) KS_PRINTF(1, 2);
void ks_error_set_oom(void);
/* Copy the last error (for carrying it to another thread); NULL if none. */
ks_error *ks_error_dup(void);
/* Make `e` the last error of this thread and free it. */
void ks_error_restore(ks_error *e);
void ks_error_free(ks_error *e);

/* Programming errors: assert in debug builds, KS_EINVALID in release. */
#ifdef NDEBUG
#define KS_ASSERT_ARG(x) do { if (!(x)) { \
	ks_error_set(KS_ERROR_INVALID, "invalid argument: %s", #x); \
	return KS_EINVALID; } } while (0)
#else
#define KS_ASSERT_ARG(x) assert(x)
#endif

#endif
