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

/* How a reference-class condition compares an attribute with its value;
 * PC_LIKE_EQ is 0, so a zeroed condition tests equality. */
typedef enum pc_like_op {
	PC_LIKE_EQ = 0, /* key=value */
	PC_LIKE_NE,     /* key!=value */
	PC_LIKE_LT,     /* key<value */
	PC_LIKE_LE,     /* key<=value */
	PC_LIKE_GT,     /* key>value */
	PC_LIKE_GE      /* key>=value */
} pc_like_op;

/* A reference-class condition: attribute `key` compared with `value` by
 * `op`.  Keys match case-insensitively.  When both the attribute and
 * `value` are numbers (strtod reads them whole) they compare as numbers,
 * else as text, case-insensitively; an attribute that is no number does
 * not meet <, <=, > or >= a number.  A project without the attribute
 * satisfies no condition on it, not even !=. */
typedef struct pc_like {
	const char *key;
	const char *value;
	pc_like_op op;
} pc_like;

/* Split `text`, "KEY=VALUE", "KEY!=VALUE", "KEY<VALUE", "KEY<=VALUE",
 * "KEY>VALUE" or "KEY>=VALUE", in place into *out (which then points into
 * text).  Returns 0, or -1 when there is no operator, no key or no
 * value. */
int pc_like_parse(char *text, pc_like *out);

/* The operator as written: "=", "!=", "<", "<=", ">", ">=". */
const char *pc_like_op_name(pc_like_op op);

/* One value of one attribute and the number of projects that have it. */
typedef struct pc_attr_count {
	char *key;       /* lowercase attribute name */
	char *value;
	size_t projects;
} pc_attr_count;

/* List every attribute value in the store with its project count, sorted
 * by key then value (any case; values differing only in case count as
 * one, as --like matches them, under the spelling that sorts first), into a new array *out of *n entries
 * (free with pc_attr_counts_free).  An empty store gives PC_EDATA as
 * pc_history_load does; also PC_ESTORE, PC_ENOMEM. */
int pc_history_attributes(struct pc_store *st, pc_attr_count **out, size_t *n,
                          pc_error *err);

/* Release what pc_history_attributes made and set *v to NULL. */
void pc_attr_counts_free(pc_attr_count **v, size_t n);

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
 * the message "the store holds no history"; conditions that no project
 * meets give PC_EDATA too, naming the nearest values (or attributes) the
 * store holds, since a typo must not quietly become the whole history. */
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
