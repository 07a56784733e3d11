/*
 * fuzz_import.c - libFuzzer harness for the CSV importer.
 *
 * The first input byte picks options (bit 0 skip_invalid, bit 1 dry_run,
 * bit 2 the date format %d/%m/%Y, or DD.MM.YYYY spelled so with bit 7;
 * bits 3-4 the delimiter ',', ';', tab or auto; bits 5-6 the encoding
 * UTF-8, windows-1252, utf-16 or utf-16le; bit 7 --status-map
 * done=Completed,ongoing=In progress); the rest is the CSV, imported through
 * pc_import_buffer into a fresh in-memory store.  Beyond "does not crash"
 * it checks what ingest.h promises: a failed import writes nothing, the
 * summary adds up, a dry run writes nothing, and whatever was imported
 * loads back as a history whose phases end on or after they start.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <precedent.h>

#include "store_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void rejected(void *ctx, const pc_error *why)
{
	size_t *n = ctx;

	/* A rejection always says what and where. */
	if (why->status == PC_OK || why->msg[0] == '\0' || why->line < 1)
		abort();
	(*n)++;
}

/* Run `sql_fmt` (with %s for the table name) on every table of the store,
 * whatever the schema version; returns the sum of the first column of
 * what the statements return, or -1 on an SQLite error. */
static long each_table(pc_store *st, const char *sql_fmt)
{
	sqlite3 *db = pci_store_db(st);
	sqlite3_stmt *t = NULL;
	long total = 0;

	if (sqlite3_prepare_v2(db, "SELECT name FROM sqlite_master WHERE type = "
	                       "'table' AND name NOT LIKE 'sqlite_%'", -1, &t,
	                       NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(t) == SQLITE_ROW) {
		char *sql = sqlite3_mprintf(sql_fmt, sqlite3_column_text(t, 0));
		sqlite3_stmt *q = NULL;
		int rc;

		if (!sql || sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK) {
			sqlite3_free(sql);
			total = -1;
			break;
		}
		sqlite3_free(sql);
		while ((rc = sqlite3_step(q)) == SQLITE_ROW)
			total += sqlite3_column_int64(q, 0);
		sqlite3_finalize(q);
		if (rc != SQLITE_DONE) {
			fprintf(stderr, "fuzz_import: %s\n", sqlite3_errmsg(db));
			total = -1;
			break;
		}
	}
	sqlite3_finalize(t);
	return total;
}

/* Rows in the whole store, the record of imports included. */
static long count_rows(pc_store *st)
{
	return each_table(st, "SELECT count(*) FROM \"%w\"");
}

static void check_history(pc_store *st, const pc_import_summary *sum)
{
	pc_history *h = NULL;
	pc_error err;
	int rc;

	rc = pc_history_load(st, NULL, 0, 0, &h, &err);
	if (rc != PC_OK) {
		/* Only an empty store may fail to load. */
		if (sum->added > 0 || rc != PC_EDATA)
			abort();
		return;
	}
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *o = &h->obs[i];

		if (o->end < o->start || o->project >= h->nprojects ||
		    o->phase >= h->nphases)
			abort();
	}
	if (h->nprojects > sum->projects)
		abort();
	pc_history_free(&h);
	if (h)
		abort();
}

/* The store all inputs share; closed at exit so leak checkers see a
 * clean finish. */
static pc_store *st;

static void close_store(void)
{
	pc_store_close(&st);
}

static const int delimiters[4] = {',', ';', '\t', PC_IMPORT_DELIM_AUTO};
static const char *const encodings[4] = {NULL, "windows-1252", "utf-16", "utf-16le"};
static const pc_import_status_map status_map[] = {
	{"done", "Completed"}, {"done", "Closed"}, {"ongoing", "In progress"}
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pc_import_options opts;
	pc_import_summary sum;
	size_t nrejected = 0;
	pc_error err;
	unsigned char mode;
	void *csv;
	int rc;

	if (size < 1)
		return 0;
	mode = data[0];
	/* An exact-size copy, so ASan sees any read past the end. */
	csv = malloc(size - 1 ? size - 1 : 1);
	if (!csv)
		return 0;
	memcpy(csv, data + 1, size - 1);

	/* One in-memory store for the whole run, emptied after each input:
	 * creating the schema every time would cost most of the run. */
	if (!st) {
		if (pc_store_open(":memory:", PC_STORE_CREATE, &st, &err) != PC_OK)
			abort();
		atexit(close_store);
	}
	pc_import_options_init(&opts);
	opts.as_of = pc_date_from_ymd(2026, 11, 1);
	opts.skip_invalid = mode & 1;
	opts.dry_run = (mode & 2) != 0;
	if (mode & 4)
		opts.date_format = mode & 128 ? "DD.MM.YYYY" : "%d/%m/%Y";
	opts.delimiter = delimiters[(mode >> 3) & 3];
	opts.encoding = encodings[(mode >> 5) & 3];
	if (mode & 128) {
		opts.status_map = status_map;
		opts.nstatus_map = sizeof status_map / sizeof *status_map;
	}
	opts.rejected = rejected;
	opts.rejected_ctx = &nrejected;
	memset(&sum, 0, sizeof sum);

	rc = pc_import_buffer(st, csv, size - 1, "fuzz.csv", &opts, &sum, &err);
	if (rc != PC_OK) {
		if (err.msg[0] == '\0' || count_rows(st) != 0)
			abort(); /* failures say why and write nothing */
	} else {
		if (sum.rejected != nrejected || (!opts.skip_invalid && nrejected) ||
		    sum.added + sum.updated + sum.unchanged + sum.rejected > sum.rows ||
		    sum.ongoing > sum.rows)
			abort();
		if (opts.dry_run) {
			if (count_rows(st) != 0)
				abort();
		} else {
			check_history(st, &sum);
		}
	}
	/* Empty the store for the next input (foreign keys off, so the
	 * order of the tables does not matter). */
	if (sqlite3_exec(pci_store_db(st), "PRAGMA foreign_keys = OFF", NULL,
	                 NULL, NULL) != SQLITE_OK ||
	    each_table(st, "DELETE FROM \"%w\"") != 0 ||
	    sqlite3_exec(pci_store_db(st), "PRAGMA foreign_keys = ON", NULL,
	                 NULL, NULL) != SQLITE_OK || count_rows(st) != 0)
		abort();
	free(csv);
	return 0;
}
