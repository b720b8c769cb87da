/*
 * base/init.c - refcounted global initialisation
 *
 * Modules that own a foreign library register an init/shutdown pair at
 * link time through ks__register_global(); ks_libinit() runs them once,
 * before any thread exists (libgit2's git_libgit2_init, curl_global_init).
 */
#include <keyshift/common.h>
#include <keyshift/error.h>

#include <pthread.h>

#include "init.h"

#define KS_MAX_GLOBALS 8

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int refcount;
static struct ks_global globals[KS_MAX_GLOBALS];
static int nglobals;

void
ks__register_global(int (*init)(void), void (*shutdown)(void))
{
	if (nglobals < KS_MAX_GLOBALS) {
		globals[nglobals].init = init;
		globals[nglobals].shutdown = shutdown;
		nglobals++;
	}
}

int
ks_libinit(void)
{
	int i, n, error = 0;

	pthread_mutex_lock(&init_lock);
	if (refcount == 0) {
		for (i = 0; i < nglobals; i++)
			if (globals[i].init && (error = globals[i].init()) < 0)
				break;
		if (error < 0) {
			while (--i >= 0)
				if (globals[i].shutdown)
					globals[i].shutdown();
			pthread_mutex_unlock(&init_lock);
			return error;
		}
	}
	n = ++refcount;
	pthread_mutex_unlock(&init_lock);
	return n;
}

int
ks_libshutdown(void)
{
	int i, n;

	pthread_mutex_lock(&init_lock);
	if (refcount > 0 && --refcount == 0)
		for (i = nglobals - 1; i >= 0; i--)
			if (globals[i].shutdown)
				globals[i].shutdown();
	n = refcount;
	pthread_mutex_unlock(&init_lock);
	return n;
}
