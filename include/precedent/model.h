/*
 * model.h - a fitted model: one duration distribution per phase.
 *
 * `precedent fit` makes one from the history and saves it in the store;
 * `precedent model export` writes it as CSV and `--model FILE` reads it
 * back, so planning can run without the store.
 */
#ifndef PRECEDENT_MODEL_H
#define PRECEDENT_MODEL_H

#include <stddef.h>
#include <stdio.h>

#include <precedent/dist.h>
#include <precedent/error.h>
#include <precedent/fit.h>
#include <precedent/history.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pc_store;

/* The chosen fit of one phase's durations (days). */
typedef struct pc_phase_model {
	char *phase;
	const pc_family *family;
	double params[PC_MAX_PARAMS];
	size_t n;        /* observations, finished and ongoing */
	size_t censored; /* of which still running (right-censored) */
	double loglik;
	double median;   /* days */
	double p80;      /* days */
} pc_phase_model;

typedef struct pc_model {
	size_t nphases;
	pc_phase_model *phases;
	char *criterion;   /* "aicc", "aic" or "bic" */
	char *reference;   /* the reference class, e.g. "tier=enterprise", or "" */
	/* Added after the first declaration; zero when not known. */
	size_t n_projects; /* projects the model was fitted from */
	long long id;      /* its id in the store, 0 if not saved */
	char *created;     /* "YYYY-MM-DDTHH:MM:SSZ" when saved, or NULL */
	int format;        /* read from a file: 2, or 1 for a file without
	                      the version and end lines, which cannot be
	                      told from one cut short (warn); 0 otherwise */
} pc_model;

/* Free a model and set *m to NULL. */
void pc_model_free(pc_model **m);

/* The phase model called `phase`, or NULL. */
const pc_phase_model *pc_model_find(const pc_model *m, const char *phase);

/* Fit every phase of history h (durations pc_obs_days, ongoing phases
 * right-censored) with the families and criterion of opts (NULL: all,
 * AICc) and keep the best per phase.  `reference` describes the
 * reference class ("" or NULL for the whole history).  If `sets` is not
 * NULL it receives h->nphases fit sets, one per phase in h's order, for
 * the caller to show; a phase that no family fits is left out of the
 * model (its set says why).  Fails with PC_EDATA only when no phase at
 * all could be fitted. */
int pc_model_fit(const pc_history *h, const pc_fit_options *opts,
                 const char *reference, pc_model **out, pc_fit_set *sets,
                 pc_error *err);

/* Save m in the store as a new model (one transaction), set m->id and
 * m->created, and put the new id in *id if id is not NULL. */
int pc_model_save(struct pc_store *st, pc_model *m, long long *id,
                  pc_error *err);

/* Load model `id` from the store, or the latest one with id 0.  No model
 * is PC_ENOTFOUND ("the store holds no model (run 'precedent fit')"). */
int pc_model_load(struct pc_store *st, long long id, pc_model **out,
                  pc_error *err);

/* Write m as a model file (format 2):
 *   # precedent model 2
 *   phase,family,param1,value1,param2,value2,param3,value3,n,censored,
 *   loglik,median,p80
 *   ... one CSV row per phase ...
 *   # end of model: N phases
 * with empty cells for parameters a family does not have, numbers to 17
 * significant digits so that reading them back gives the same doubles.
 * The first line says the format; the last counts the rows, so a file
 * cut short anywhere is refused by pc_model_read_csv. */
int pc_model_write_csv(const pc_model *m, FILE *out, pc_error *err);

/* Read a model written by pc_model_write_csv from `path` ("-": standard
 * input).  Families and parameter names are checked, parameters must be
 * valid for the family, and median/p80 are recomputed from them.
 * Malformed input is PC_EDATA with the file and line; so is a format-2
 * file without its end line ("the file ends before its end line ... it
 * was cut short") or whose end line counts other rows.  A file without
 * the version line (format 1, and models written by hand) is read as
 * before, with m->format = 1: it cannot be checked for truncation, so a
 * program should warn (it is accepted because such files are written by
 * hand and were the only format until now; re-exporting seals them). */
int pc_model_read_csv(const char *path, pc_model **out, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
