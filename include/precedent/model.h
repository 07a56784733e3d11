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

#include <precedent/dist.h>
#include <precedent/error.h>

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
} pc_model;

/* Free a model and set *m to NULL. */
void pc_model_free(pc_model **m);

/* The phase model called `phase`, or NULL. */
const pc_phase_model *pc_model_find(const pc_model *m, const char *phase);

#ifdef __cplusplus
}
#endif
#endif
