/*
 * tests/fuzz/replay.c - feed corpus files to a fuzz target without libFuzzer
 *
 * Built with the ordinary compiler and linked with one fuzz_<name>.c, so
 * CTest replays every corpus file through LLVMFuzzerTestOneInput() on any
 * toolchain; the sanitizer builds then check each input. Arguments are
 * files or directories (not recursive).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int main(int argc, char **argv);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t n = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "replay: cannot open '%s'\n", path);
		return -1;
	}
	for (;;) {
		size_t got;

		if (n == cap) {
			uint8_t *p;

			cap = cap ? cap * 2 : 4096;
			if (cap > ((size_t)1 << 24) ||
			    (p = realloc(buf, cap)) == NULL) {
				fprintf(stderr, "replay: '%s' is too large\n",
				    path);
				free(buf);
				fclose(f);
				return -1;
			}
			buf = p;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	/* An exact-size copy, so that ASan sees reads past the end. */
	{
		uint8_t *exact = malloc(n ? n : 1);

		if (!exact) {
			free(buf);
			return -1;
		}
		memcpy(exact, buf, n);
		free(buf);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	int i, count = 0, failed = 0;

	for (i = 1; i < argc; i++) {
		struct stat st;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
			if (replay_file(argv[i]) < 0)
				failed++;
			else
				count++;
			continue;
		}
		if ((d = opendir(argv[i])) == NULL) {
			fprintf(stderr, "replay: cannot open '%s'\n", argv[i]);
			failed++;
			continue;
		}
		while ((e = readdir(d)) != NULL) {
			char path[4096];

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (replay_file(path) < 0)
				failed++;
			else
				count++;
		}
		closedir(d);
	}
	printf("replayed %d inputs: %d passed, %d failed\n", count, count,
	    failed);
	return failed || count == 0 ? 1 : 0;
}
