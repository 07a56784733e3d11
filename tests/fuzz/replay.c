/*
 * replay.c - run a fuzz harness over files without libFuzzer, so `make
 * check` can replay the seed corpora with the ordinary compiler, under
 * valgrind (which sees uninitialised reads that ASan does not) or under
 * the sanitizers of a --enable-sanitizers build.
 *
 * Usage: replay_NAME FILE|DIR...  (a directory means every file in it).
 * Prints "N inputs" and exits 0; a failed check in the harness aborts.
 */
#include <config.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long ninputs;

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			uint8_t *nb = realloc(buf, cap = cap ? 2 * cap : 4096);

			if (!nb) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = nb;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	ninputs++;
	return 0;
}

static int replay(const char *path)
{
	struct stat sb;
	struct dirent **ents;
	int n, rc = 0;

	if (stat(path, &sb) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return replay_file(path);
	/* Sorted, so a failure names the same input every time. */
	n = scandir(path, &ents, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.' && rc == 0) {
			snprintf(sub, sizeof sub, "%s/%s", path, ents[i]->d_name);
			rc = replay(sub);
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (replay(argv[i]) != 0)
			return 1;
	printf("%ld inputs\n", ninputs);
	return 0;
}
