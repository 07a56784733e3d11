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

#define PC_STORE_CREATE 1   /* create the file (and schema) if missing */
#define PC_STORE_READONLY 2 /* open for reading only */

/* Open the store at `path`, migrating an older schema.  Without
 * PC_STORE_CREATE a missing file is PC_ENOTFOUND ("no store at 'PATH'
 * (run 'precedent import' first)").  A store written by a newer version is
 * PC_ESCHEMA and is not touched. */
int pc_store_open(const char *path, int flags, pc_store **out, pc_error *err);

/* Close the store and set *st to NULL. */
void pc_store_close(pc_store **st);

#ifdef __cplusplus
}
#endif
#endif
