/*
 * store.h - the history store: one SQLite database file.
 */
#ifndef PRECEDENT_STORE_H
#define PRECEDENT_STORE_H

#include <precedent/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_store pc_store;

#define PC_STORE_CREATE 1   /* create the file (and schema) if missing
                             * or empty */
#define PC_STORE_READONLY 2 /* open for reading only: never create,
                             * migrate or otherwise change the file */

/* Open the store at `path`, migrating an older schema (unless
 * PC_STORE_READONLY).  Without PC_STORE_CREATE, or with
 * PC_STORE_READONLY, a missing or empty (0-byte, or SQLite with nothing
 * in it) file is PC_ENOTFOUND ("no store at 'PATH' (run 'precedent
 * import' first)").  Refused untouched, with PC_ESTORE: a path that is
 * not a regular file ("'PATH' is not a regular file (a store is one)"),
 * and any SQLite database with something in it whose application id is
 * not the store's, whatever its user_version ("not a precedent store
 * (...)").  A store written by a newer version is PC_ESCHEMA and is not
 * touched.  Other failures say what happened: "permission denied", "the
 * file system is read-only", "the disk is full", "too many open files",
 * "the store is damaged (integrity check: FIRST LINE)".  On read-only
 * media a read-only store is opened as immutable, as nobody can write
 * it. */
int pc_store_open(const char *path, int flags, pc_store **out, pc_error *err);

/* Called once per store when it has waited a second for another process
 * that is writing to it (an import of a large file holds the write lock
 * until it commits), so that a program can say why it is not moving. */
typedef void pc_store_wait_fn(const char *path, void *ctx);

typedef struct pc_store_options {
	int flags;                 /* PC_STORE_CREATE, PC_STORE_READONLY */
	double wait;               /* seconds to wait for another process's
	                            * write lock before giving up with
	                            * PC_ESTORE; negative: as long as it takes */
	pc_store_wait_fn *waiting; /* may be NULL */
	void *ctx;                 /* passed to waiting */
} pc_store_options;

/* pc_store_open with options; pc_store_open(path, flags, ...) is this
 * with {flags, 10 s, NULL}. */
int pc_store_open_with(const char *path, const pc_store_options *o,
                       pc_store **out, pc_error *err);

/* Close the store and set *st to NULL. */
void pc_store_close(pc_store **st);

#ifdef __cplusplus
}
#endif
#endif
