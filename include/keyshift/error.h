/*
 * keyshift/error.h - error codes and the thread-local last error
 *
 * Functions return 0 or a negative code below; the message explaining the
 * last failure on this thread is read with ks_error_last().
 */
#ifndef KS_KEYSHIFT_ERROR_H
#define KS_KEYSHIFT_ERROR_H

#include <keyshift/common.h>

KS_BEGIN_DECL

typedef enum {
	KS_OK = 0,
	KS_ERROR = -1,      /**< generic: see the message */
	KS_ENOTFOUND = -3,  /**< a named thing does not exist */
	KS_EEXISTS = -4,    /**< refusing to overwrite */
	KS_EINVALID = -5,   /**< malformed rule, config, input or response */
	KS_EVERSION = -6,   /**< datastore written by a newer keyshift */
	KS_EAUTH = -7,      /**< the authorization server refused */
	KS_ENET = -8,       /**< network failure */
	KS_ENOMEM = -9,     /**< out of memory or over a size cap */
	KS_ECANCELED = -10, /**< the operation was cancelled */
	KS_EUSER = -11,     /**< a callback asked to stop */
	KS_ITEROVER = -31   /**< an iterator is exhausted */
} ks_error_code;

typedef enum {
	KS_ERROR_NONE = 0,
	KS_ERROR_OS,
	KS_ERROR_NOMEMORY,
	KS_ERROR_GIT,
	KS_ERROR_REGEX,
	KS_ERROR_SQLITE,
	KS_ERROR_SSL,
	KS_ERROR_HTTP,
	KS_ERROR_RULE,
	KS_ERROR_CONFIG,
	KS_ERROR_STORE,
	KS_ERROR_MIGRATE,
	KS_ERROR_INVALID
} ks_error_class;

typedef struct {
	char *message;
	int klass;
} ks_error;

/**
 * The last error set on this thread, or NULL when none. Borrowed: valid
 * until the next keyshift call on this thread.
 */
KS_EXTERN(const ks_error *) ks_error_last(void);

/** Forget the last error of this thread. */
KS_EXTERN(void) ks_error_clear(void);

KS_END_DECL
#endif
