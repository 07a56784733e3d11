/*
 * killat.c - an LD_PRELOAD shim for crash tests: SIGKILL the process at
 * a chosen moment of its writing to an SQLite store, counted exactly.
 *
 * The moments are the calls a store write is made of: each step of a
 * statement that writes (sqlite3_stmt_readonly says no), and each
 * pwrite64, write and fdatasync SQLite makes to the database, its
 * journal or WAL (a write to stdin, stdout or stderr is no moment).
 * Reads cannot harm a store, so they are not counted.  With KILLAT=K
 * the process kills itself just before the K-th moment; with
 * KILLAT_COUNT=FILE it runs to the end and writes the number of moments
 * to FILE, so a test can spread its kills over a whole run.  Programs
 * that do not use SQLite (the shell of a libtool wrapper) are left
 * alone.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

typedef struct sqlite3_stmt sqlite3_stmt;

static int active = -1;
static long count, kill_at;

static void moment(void)
{
	if (active < 0) {
		const char *k = getenv("KILLAT");

		active = dlsym(RTLD_DEFAULT, "sqlite3_libversion") != NULL;
		kill_at = k ? atol(k) : 0;
	}
	if (active && ++count == kill_at)
		raise(SIGKILL);
}

#define REAL(name) \
	static __typeof__(name) *real; \
	if (!real) \
		real = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

int sqlite3_step(sqlite3_stmt *stmt);
int sqlite3_stmt_readonly(sqlite3_stmt *stmt);

int sqlite3_step(sqlite3_stmt *stmt)
{
	static __typeof__(sqlite3_stmt_readonly) *readonly;

	REAL(sqlite3_step);
	if (!readonly)
		readonly = (__typeof__(readonly))dlsym(RTLD_NEXT, "sqlite3_stmt_readonly");
	if (!readonly(stmt))
		moment();
	return real(stmt);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t at)
{
	REAL(pwrite64);
	moment();
	return real(fd, buf, n, at);
}

ssize_t write(int fd, const void *buf, size_t n)
{
	REAL(write);
	if (fd > 2)
		moment();
	return real(fd, buf, n);
}

int fdatasync(int fd)
{
	REAL(fdatasync);
	moment();
	return real(fd);
}

__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("KILLAT_COUNT");
	FILE *f;

	if (!path || active != 1)
		return;
	if ((f = fopen(path, "w"))) {
		fprintf(f, "%ld\n", count);
		fclose(f);
	}
}
