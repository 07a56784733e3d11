/*
 * fuzz_util.h - what the file-reading harnesses share: the readers take a
 * path, so each input is written to one temporary file per process.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Write data to this process's scratch file and return its path (the
 * same path every time; removed at exit).  Aborts if it cannot. */
static char fuzz_path[64];

static void fuzz_unlink(void)
{
	unlink(fuzz_path);
}

static const char *fuzz_file(const uint8_t *data, size_t size)
{
	FILE *f;

	if (!fuzz_path[0]) {
		/* tmpfs when there is one: the file is rewritten per input. */
		snprintf(fuzz_path, sizeof fuzz_path, "%s/precedent-fuzz.%ld",
		         access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp",
		         (long)getpid());
		atexit(fuzz_unlink);
	}
	f = fopen(fuzz_path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f))
		abort();
	return fuzz_path;
}

#endif
