/*
 * ingest.h - importing release histories from CSV into the store.
 *
 * The input is RFC 4180 CSV (quotes, embedded commas and newlines, CRLF,
 * an optional UTF-8 BOM) with a header row, its fields separated by ','
 * or another delimiter (';', tab), in UTF-8 or a named encoding.  Rows
 * whose every field is empty (a spreadsheet's trailing ",,,,") are no
 * rows and are skipped.  Column names are matched
 * case-insensitively:
 *
 *   customer, project, phase   required, non-empty text; customer + project
 *                              + phase is the natural key of a row; the
 *                              phase name "release" (any case) is reserved
 *                              for the whole release in plans
 *   start                      required, the first day of the phase
 *   end                        the last day (inclusive), empty while the
 *                              phase is still running
 *   duration                   days, a whole number >= 1, instead of (or
 *                              besides, if they agree) end: end = start +
 *                              duration - 1
 *   status                     "done" or "ongoing" (any case); empty means
 *                              done when there is an end, else ongoing.
 *                              Other words (planned, cancelled, ...) are
 *                              rejected: such rows are not history.
 *
 * Every other column is an attribute of the project (tier, region, ...)
 * under its lowercased name; an empty cell removes the attribute.
 * An ongoing phase is kept, right-censored at the --as-of date, never
 * dropped and never taken as finished.
 *
 * One import is one transaction: by default any bad row rejects the whole
 * file and nothing is written; with skip_invalid the good rows are kept
 * and each bad one is reported through the rejected callback.  Importing
 * the same rows again changes nothing; a newer export of the same
 * projects updates them in place.  Memory use does not grow with the
 * file: rows are streamed into SQLite one at a time.
 */
#ifndef PRECEDENT_INGEST_H
#define PRECEDENT_INGEST_H

#include <stdint.h>
#include <stdio.h>

#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/store.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits that keep a pathological file from allocating without bound;
 * exceeding one is PC_ELIMIT naming the file and line. */
#define PC_IMPORT_FIELD_MAX (64 * 1024)  /* bytes in one field */
#define PC_IMPORT_COLUMNS_MAX 1024       /* fields in one record */
#define PC_IMPORT_RECORD_MAX (1024 * 1024) /* bytes in one record */

/* `--status-map STATUS=VALUE`: a status cell reading VALUE (any case)
 * means STATUS, "done" or "ongoing", so that a spreadsheet's State column
 * ("Completed", "In progress") can be read as it is. */
typedef struct pc_import_status_map {
	const char *status;
	const char *value;
} pc_import_status_map;

/* The field delimiter: pc_import_options.delimiter is a byte (',' ';'
 * '\t' ...) or this, to take whichever of ',' ';' and tab the header line
 * holds most of (',' when it holds none). */
#define PC_IMPORT_DELIM_AUTO (-1)

/* `--map FIELD=COLUMN`: take canonical FIELD (customer, project, phase,
 * start, end, duration or status) from the column named COLUMN
 * (case-insensitive). */
typedef struct pc_import_map {
	const char *field;
	const char *column;
} pc_import_map;

typedef struct pc_import_options {
	pc_day as_of;            /* censoring date of ongoing phases */
	/* pc_date_parse_fmt format ("%d/%m/%Y") or a spelling that
	 * pc_import_date_format translates ("DD/MM/YYYY"); NULL = ISO.  A cell
	 * holding a date and a time ("2025-01-05 09:00", "...T09:00:00") is
	 * read as its date. */
	const char *date_format;
	const pc_import_map *map;
	size_t nmap;
	int dry_run;             /* validate and count, write nothing */
	int skip_invalid;        /* keep the good rows, report the bad */
	/* Called about every MiB and at the end with the bytes read so far
	 * and the file size (0 when unknown, e.g. a pipe). */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *progress_ctx;
	/* Called once per rejected row (skip_invalid only) with its error:
	 * file, line where the record starts, and message. */
	void (*rejected)(void *ctx, const pc_error *why);
	void *rejected_ctx;
	int delimiter;           /* field separator; 0 = ',' (see above) */
	/* The input's character encoding as iconv names it ("windows-1252",
	 * "latin1", "utf-16" with a byte order mark, "utf-16le", ...); NULL or
	 * "utf-8" for UTF-8.  The input is never guessed: UTF-16 read as
	 * UTF-8 is PC_EDATA naming this option. */
	const char *encoding;
	const pc_import_status_map *status_map; /* extra status words */
	size_t nstatus_map;
} pc_import_options;

/* What an import did, in rows (records after the header). */
typedef struct pc_import_summary {
	size_t rows;      /* data records read */
	size_t added;     /* phases new to the store */
	size_t updated;   /* phases (or their project's attributes) changed */
	size_t unchanged; /* phases already stored exactly so */
	size_t rejected;  /* bad rows skipped (skip_invalid) */
	size_t projects;  /* distinct projects among the accepted rows */
	size_t ongoing;   /* accepted rows whose phase is still running */
} pc_import_summary;

/* Set the defaults: as_of today (the local date, see pc_date_today), ISO
 * dates, comma-separated UTF-8, no map, no callbacks. */
void pc_import_options_init(pc_import_options *o);

/* Translate a date format as people spell it ("DD/MM/YYYY", "M/D/YYYY",
 * "YYYY-MM-DD", "D.M.YYYY", "DD MMM YYYY"; any case) into the strftime
 * form pc_date_parse_fmt reads ("%d/%m/%Y"), written to out (outsz bytes).
 * A format already in strftime form is checked and copied.  Returns PC_OK,
 * or PC_EUSAGE with a message naming the strftime form to use when the
 * spelling is unknown or lacks a year, month or day. */
int pc_import_date_format(const char *spelling, char *out, size_t outsz,
                          pc_error *err);

/* Import the CSV file at `path` ("-" reads standard input, named
 * "<stdin>" in messages) into the store.  `opts` may be NULL for the
 * defaults; `sum` may be NULL.  Returns PC_OK, PC_EDATA for bad input
 * (err->file and err->line point at it), PC_ELIMIT, PC_EIO, PC_ESTORE, or
 * PC_EUSAGE for a bad --map field, --status-map, --date-format or
 * --encoding.  On failure nothing is written. */
int pc_import_file(pc_store *st, const char *path, const pc_import_options *opts,
                   pc_import_summary *sum, pc_error *err);

/* As pc_import_file, reading an open stream; `name` is used in messages
 * and recorded in the store. */
int pc_import_stream(pc_store *st, FILE *fp, const char *name,
                     const pc_import_options *opts, pc_import_summary *sum,
                     pc_error *err);

/* As pc_import_file, reading `len` bytes from memory (for fuzzers and
 * embedders); `name` is used in messages. */
int pc_import_buffer(pc_store *st, const void *buf, size_t len, const char *name,
                     const pc_import_options *opts, pc_import_summary *sum,
                     pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
