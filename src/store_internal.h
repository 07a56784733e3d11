/*
 * store_internal.h - what other library modules may use of the store.
 *
 * The schema (version PCI_STORE_SCHEMA, kept in PRAGMA user_version):
 *
 *   customers(id, name UNIQUE)
 *   projects(id, customer_id, name, import_id)    UNIQUE(customer_id, name)
 *   attr_sets(id, attrs UNIQUE)                   a row's extra columns as
 *                                                 a JSON object {lowercase
 *                                                 key: value}, sorted keys,
 *                                                 empty cells left out;
 *                                                 shared by equal rows
 *   phases(project_id, name, start, end, as_of, status, attrs_id,
 *          import_id, line)                       dates 'YYYY-MM-DD'; end
 *                                                 NULL and as_of set (the
 *                                                 censoring date) while
 *                                                 status is 'ongoing';
 *                                                 attrs_id NULL: none;
 *                                                 import_id, line: the
 *                                                 import and line that
 *                                                 last wrote the row
 *   project_attrs(project_id, key, value)         a VIEW: the attributes
 *                                                 all phase rows of the
 *                                                 project that carry the
 *                                                 key agree on
 *   imports(id, file, hash, time, as_of, rows, added, updated, unchanged,
 *           rejected)                             one row per import; hash
 *                                                 is "xxh64:<content>;
 *                                                 options=<xxh64>;
 *                                                 projects=N;ongoing=N",
 *                                                 what a repeat of it
 *                                                 needs (ingest.c,
 *                                                 same_import)
 *   models(id, created, criterion, reference, n_projects)
 *   model_phases(model_id, phase, family, p1, p2, p3, n, censored, loglik,
 *                median, p80)                     written by the fit module
 *
 * All access goes through prepared statements with bound parameters.
 */
#ifndef PRECEDENT_STORE_INTERNAL_H
#define PRECEDENT_STORE_INTERNAL_H

#include <sqlite3.h>

#include <precedent/error.h>
#include <precedent/store.h>

/* The schema version this build writes and understands. */
#define PCI_STORE_SCHEMA 1

/* The SQLite connection behind a store, owned by the store (never close
 * it).  Foreign keys are on, the journal is WAL and a busy handler waits
 * for another writer as pc_store_options.wait says. */
sqlite3 *pci_store_db(pc_store *st);

/* The path the store was opened with, for messages. */
const char *pci_store_path(const pc_store *st);

/* Start a write transaction.  The outermost call takes the write lock at
 * once (BEGIN IMMEDIATE), so two writers queue on the busy timeout instead
 * of failing half way; nested calls open a savepoint.  Returns PC_OK or
 * PC_ESTORE. */
int pci_store_begin(pc_store *st, pc_error *err);

/* Commit the innermost transaction opened by pci_store_begin. */
int pci_store_commit(pc_store *st, pc_error *err);

/* Undo the innermost transaction opened by pci_store_begin; never fails
 * in a way the caller could act on, so it returns nothing. */
void pci_store_rollback(pc_store *st);

/* Fill *err with PC_ESTORE and SQLite's own message about `what` (e.g.
 * "cannot save the model"), or "another process is writing to the store"
 * when it is locked; returns PC_ESTORE. */
int pci_store_fail(pc_store *st, pc_error *err, const char *what);

/* Prepare `sql` on the store's connection; on failure fills *err and
 * returns NULL. */
sqlite3_stmt *pci_store_prepare(pc_store *st, const char *sql, pc_error *err);

#endif
