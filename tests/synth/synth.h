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

struct synth_config {
	size_t nprojects;
	double rho;          /* normal-scale correlation, 0 <= rho < 1 */
	int ongoing;         /* 1: starts spread over 300 days before the
	                        export date, so about a fifth are still running */
	int drop_ongoing;    /* 1: leave out every project not finished */
	uint64_t seed;
};

extern const char *const synth_phase_names[SYNTH_NPHASES];

/* Build the history in memory (free with pc_history_free).  *nongoing
 * (may be NULL) gets the number of projects still running.  0 or -1. */
int synth_history(const struct synth_config *c, pc_history **out,
                  size_t *nongoing);

/* Write the same history as the CSV `precedent import` reads (as-of date
 * 2026-11-01 for the running phases). */
int synth_write_csv(const struct synth_config *c, FILE *f);

/* The true release percentiles (days from the first day: 0 = finishing
 * on the start day) at p[0..n-1], from `iterations` draws of the true
 * model with a fixed seed, percentile = smallest day whose cumulative
 * share reaches p. */
void synth_truth(const struct synth_config *c, uint64_t iterations,
                 const double *p, size_t n, long *out);

#endif
