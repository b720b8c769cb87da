/*
 * tests/fuzz/fuzz_archive.c - libFuzzer target for the archive walker and
 * its member-name cleaner
 *
 * The input is read as an archive from memory (any format the scanner
 * enables, nested to the default depth, under small caps), and also as
 * one member name. Invariants: nothing crashes, leaks or reads out of
 * bounds; every emitted path is display!member[!member...] where no
 * member component is "..", none starts with '/', none is empty.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source_archive.h"
#include "str.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_path(const char *path)
{
	const char *p;

	if (strncmp(path, "in", 2) != 0)
		abort();
	for (p = strchr(path, '!'); p; p = strchr(p + 1, '!')) {
		const char *seg = p + 1;

		if (*seg == '/' || *seg == '\0')
			abort();
		if (strncmp(seg, "../", 3) == 0 || strstr(seg, "/../") ||
		    strcmp(seg, "..") == 0)
			abort();
	}
}

static int
on_ref(const struct ks_blob_ref *ref, void *payload)
{
	struct ks_archive *a = payload;
	struct ks_blob_data d = KS_BLOB_DATA_INIT;

	check_path(ref->path);
	if (ks_archive_owns(a, ref)) {
		if (ks_archive_read(a, ref, &d) != 0 || d.len != ref->len)
			abort();
		ks_str_wipe(&d.buf);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_archive_limits lim = KS_ARCHIVE_LIMITS_INIT;
	struct ks_archive *a = NULL;
	ks_str name = KS_STR_INIT, clean = KS_STR_INIT;
	bool escaped;

	lim.max_member = 1 << 20;
	lim.max_total = 8 << 20;
	lim.ratio_floor = 1 << 20;
	if (ks_archive_new(&a, &lim) < 0)
		return 0;
	(void)ks_archive__foreach_memory(a, data, size, "in", on_ref, a);
	ks_archive_free(a);

	/* The same bytes as a member name (up to the first NUL). */
	if (ks_str_put(&name, data, size) == 0 &&
	    ks_archive__clean_name(&clean, name.ptr, &escaped) == 0) {
		if (clean.len == 0 || clean.ptr[0] == '/' ||
		    strcmp(clean.ptr, "..") == 0 ||
		    strncmp(clean.ptr, "../", 3) == 0 ||
		    strstr(clean.ptr, "/../") || strstr(clean.ptr, "\\"))
			abort();
		if (clean.len >= 3 &&
		    strcmp(clean.ptr + clean.len - 3, "/..") == 0)
			abort();
	}
	ks_str_dispose(&name);
	ks_str_dispose(&clean);
	return 0;
}
