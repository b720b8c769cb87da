/*
 * base/init.h - registering a module's global init (library-internal)
 */
#ifndef KS_BASE_INIT_H
#define KS_BASE_INIT_H

struct ks_global {
	int (*init)(void);
	void (*shutdown)(void);
};

/*
 * Register a pair to run from ks_libinit()/ks_libshutdown(). Call from a
 * constructor: KS_GLOBAL(name, init, shutdown) does it.
 */
void ks__register_global(int (*init)(void), void (*shutdown)(void));

#define KS_GLOBAL(name, init, shutdown) \
	__attribute__((constructor)) static void ks__global_##name(void) \
	{ ks__register_global((init), (shutdown)); }

#endif
