/*
 * store/schema.h - the embedded schema migrations (library-internal)
 *
 * store/schema/NNNN_name.sql is compiled into ks_store__migrations[] by
 * store/embed_schema.cmake; entry i migrates user_version i to i + 1.
 * To change the schema, add the next script; never edit a released one.
 * Checklist: the new script, docs/SCHEMA.md, and a test in
 * tests/unit/test_store_open.c that migrates the previous version.
 */
#ifndef KS_STORE_SCHEMA_H
#define KS_STORE_SCHEMA_H

#include <stddef.h>

struct ks_store__migration {
	int version;          /* the user_version after the script */
	const char *name;     /* "0001_initial" */
	const char *sql;      /* the script, NUL-terminated */
};

extern const struct ks_store__migration ks_store__migrations[];
extern const size_t ks_store__migrations_count;

#endif
