/*
 * synth.h - synthetic release histories drawn from a known true model,
 * and that model's true release percentiles, for checking the planner.
 *
 * The true model has five phases (in their usual start order):
 *   design  lognormal(meanlog 2.5, sdlog 0.5)  starts with the release
 *   build_ui weibull(shape 1.8, scale 20)       3 days before design ends
 *   build   gamma(shape 3, scale 5)             the day after design ends
 *   test    lognormal(meanlog 3.0, sdlog 0.4)   1 day after build ends,
 *                                               +-1 day of jitter
 *   launch  gamma(shape 2, scale 3)             the day after test ends
 * A project's continuous durations X are drawn jointly through a Gaussian
 * copula with one common normal-scale correlation rho between every two
 * phases (rho = 0: independent); a phase is recorded as D = ceil(X) whole
 * days (at least 1), as a team that counts the days it worked would.  No
 * phase starts before its project does.  The release lasts until the
 * last finish of any phase.
 */
#ifndef PRECEDENT_SYNTH_H
#define PRECEDENT_SYNTH_H

#include <stdint.h>
#include <stdio.h>

#include <precedent/history.h>

#define SYNTH_NPHASES 5
#define SYNTH_MAXPH 8

/* Another true model: any phases, a phase waiting for the latest of up
 * to three others (a join), optional phases. */
struct synth_phase {
	const char *name, *family;
	double p[2];
	int npreds, preds[3]; /* none: starts with the project */
	int lag, jitter;      /* lag + uniform integer in [-jitter, jitter] */
	double occurs;        /* chance the phase takes place; 0 means 1 */
};

struct synth_design {
	int k;
	struct synth_phase ph[SYNTH_MAXPH];
	int round;            /* 1: D = round(X) (at least 1), as the planner
	                         assumes; 0: ceil(X) */
};

struct synth_config {
	size_t nprojects;
	double rho;          /* normal-scale correlation, 0 <= rho < 1 */
	int ongoing;         /* 1: starts spread over 300 days before the
	                        export date, so about a fifth are still running */
	int drop_ongoing;    /* 1: leave out every project not finished */
	uint64_t seed;
	const struct synth_design *design; /* NULL: the five phases above */
	int spread;          /* with ongoing: days over which starts spread
	                        before the export date (0: 300) */
	/* Drift: 0 (default) none.  Otherwise the projects start one after
	 * another, `gap` days apart (0: 30), the last one 1000 days before
	 * the export date (ongoing is ignored), and project i's continuous
	 * durations are (1 + growth)^i times the design's (before rounding);
	 * the truth (synth_truth*) is then that of project `nprojects`, the
	 * next one: durations (1 + growth)^nprojects times the design's. */
	double growth;
	int gap;
};

/* What a conditional truth keeps: a drawn project with k phases (st and
 * fin days from its start, present[j] 0 for an absent phase, d[j] its
 * recorded whole days). */
typedef int (*synth_accept_fn)(void *ctx, int k, const long *st, const long *fin,
                               const long *d, const int *present);

extern const char *const synth_phase_names[SYNTH_NPHASES];

/* Build the history in memory (free with pc_history_free).  *nongoing
 * (may be NULL) gets the number of projects still running.  0 or -1. */
int synth_history(const struct synth_config *c, pc_history **out,
                  size_t *nongoing);

/* Write the same history as the CSV `precedent import` reads (as-of date
 * 2026-11-01 for the running phases). */
int synth_write_csv(const struct synth_config *c, FILE *f);

/* The same with stated plans (synth_plans, informative) as the columns
 * planned_end and plan_as_of: plans 1, each project's plan as of a week
 * before its start; 2, the same plans written only when its last phase
 * began (so not evidence at the start); 0, none (synth_write_csv). */
int synth_write_csv_plans(const struct synth_config *c, int plans, FILE *f);

/* Every project's release date as planned at its start: informative
 * (its actual duration times exp(-0.2 + 0.1 Z), optimistic by a fifth
 * give or take a tenth, so that the slip actual / planned is
 * lognormal(0.2, 0.1)) or not (20 to 200 days, uniform, whatever the
 * project); a running project's from 70 days.  out[i] for h's project
 * i; the same seed gives the same plans. */
void synth_plans(const pc_history *h, int informative, uint64_t seed,
                 pc_day *out);

/* The true release percentiles (days from the first day: 0 = finishing
 * on the start day) at p[0..n-1], from `iterations` draws of the true
 * model with a fixed seed, percentile = smallest day whose cumulative
 * share reaches p. */
void synth_truth(const struct synth_config *c, uint64_t iterations,
                 const double *p, size_t n, long *out);

/* The same over the drawn projects accept() keeps (NULL: all), and of
 * the quantity value() gives for each (NULL: the release finish); the
 * share kept in *kept (may be NULL). */
void synth_truth_if(const struct synth_config *c, uint64_t iterations,
                    synth_accept_fn accept,
                    long (*value)(void *ctx, int k, const long *st,
                                  const long *fin, const long *d),
                    void *ctx, const double *p, size_t n, long *out,
                    double *kept);

/* The true P(release finished by `day`), day 0 being the first. */
double synth_share_by(const struct synth_config *c, uint64_t iterations, long day);

#endif
