/*
 * history.h - the past projects, read out of the store for analysis.
 *
 * A pc_history is a read-only, in-memory snapshot: the projects (optionally
 * only those whose attributes match a reference class), the phase names and
 * one observation per (project, phase).  Fitting and simulation work from
 * it and never touch SQLite themselves.
 */
#ifndef PRECEDENT_HISTORY_H
#define PRECEDENT_HISTORY_H

#include <stddef.h>
#include <stdio.h>

#include <precedent/date.h>
#include <precedent/error.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pc_store;

/* One phase of one past project.  `end` is the last day of the phase
 * (inclusive).  For a phase still running (`ongoing` = 1) `end` is the
 * censoring date, the --as-of date of the import that recorded it, and
 * the true duration is known only to be at least end - start + 1. */
typedef struct pc_obs {
	size_t project; /* index into pc_history.projects */
	size_t phase;   /* index into pc_history.phases */
	pc_day start;
	pc_day end;
	int ongoing;
} pc_obs;

/* One attribute of a project: an extra CSV column (tier, region, ...)
 * whose value is the same on every phase row of the project that has
 * one; a column that varies by phase (planned_end) is not an attribute
 * of the project. */
typedef struct pc_attr {
	char *key;   /* lowercase column name */
	char *value; /* as imported; may be empty */
} pc_attr;

typedef struct pc_project {
	char *customer;
	char *name;
	size_t nattrs;
	pc_attr *attrs;
	pc_day start;   /* first start of any of its phases */
	pc_day end;     /* last end of any phase (the censoring date if ongoing) */
	int ongoing;    /* 1 if any of its phases is still running */
} pc_project;

/* A reference-class condition: attribute `key` equals `value`
 * (case-insensitive on both). */
typedef struct pc_like {
	const char *key;
	const char *value;
} pc_like;

typedef struct pc_history {
	size_t nprojects;
	pc_project *projects;
	size_t nphases;
	char **phases;      /* names, ordered by their median start offset
	                       from the project start (ties: by the mean
	                       offset, then by name) */
	size_t nobs;
	pc_obs *obs;        /* sorted by project, then phase start */
	int class_fallback; /* 1 if --like matched fewer than min_class
	                       projects and the whole history was used */
	size_t class_size;  /* how many projects matched the --like filter */
	size_t *phase_byname; /* indexes into phases in byte order of the
	                         names, for pc_history_phase_index; made by
	                         pc_history_load, freed by pc_history_free;
	                         NULL in a history built by hand (see
	                         pc_history_index_phases) */
} pc_history;

/* Load the history from the store.  With nlike > 0, keep only projects
 * matching every condition; if fewer than min_class projects match, keep
 * them all and set class_fallback.  An empty store gives PC_EDATA with
 * the message "the store holds no history". */
int pc_history_load(struct pc_store *st, const pc_like *like, size_t nlike,
                    size_t min_class, pc_history **out, pc_error *err);

/* Release a history and set *h to NULL. */
void pc_history_free(pc_history **h);

/* Index of a phase by name (case-sensitive), or -1.  O(log nphases) with
 * h->phase_byname, as every loaded history has; a linear search without. */
long pc_history_phase_index(const pc_history *h, const char *name);

/* (Re)build h->phase_byname for a history built or changed by hand, so
 * that pc_history_phase_index is a binary search (call it after filling
 * h->phases; a history with thousands of phases needs it).  Returns
 * PC_OK or PC_ENOMEM (h is unchanged then). */
int pc_history_index_phases(pc_history *h);

/* Write the whole store to `out` as the CSV `precedent import` reads:
 * header customer,project,phase,start,end,status and then every
 * attribute key in byte order; one row per phase, sorted by customer,
 * project, start and phase name (byte order), ongoing phases with an
 * empty end; fields quoted only where needed.  Importing the output into
 * an empty store and writing it again gives the same bytes.  Returns
 * PC_OK, PC_ESTORE, PC_EIO (write error) or PC_ENOMEM. */
int pc_history_write_csv(struct pc_store *st, FILE *out, pc_error *err);

/* Flags of pc_history_write_csv_flags. */
#define PC_CSV_SAFE 1u /* a text cell starting with = + - @, tab or CR gets
                          a ' in front, so that a spreadsheet shows it
                          instead of running it as a formula (OWASP); the
                          output then no longer imports back byte for
                          byte */

/* pc_history_write_csv with flags (0 or PC_CSV_SAFE). */
int pc_history_write_csv_flags(struct pc_store *st, FILE *out, unsigned flags,
                               pc_error *err);

/* Inclusive calendar duration of an observation in days (>= 1). */
static inline double pc_obs_days(const pc_obs *o)
{
	return (double)o->end - (double)o->start + 1.0;
}

#ifdef __cplusplus
}
#endif
#endif
