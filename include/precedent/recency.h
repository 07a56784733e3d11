/*
 * recency.h - how much more recent projects should count: choosing the
 * half-life of the recency weights (pc_plan_learn_options.half_life) by
 * time-ordered cross-validation on the history itself.
 *
 * The candidates are equal weights, each half-life in projects, and
 * equal weights with durations adjusted for their drift
 * (pc_plan_learn_options.drift): recency lags behind a steady trend by
 * the mean age of what it weighs, an adjustment for the trend does not.
 * Each candidate is scored by a backtest (backtest.h): every
 * evaluated project is forecast from its own start day with only the
 * projects that had finished by then, weighted by that half-life, and
 * the forecast is scored by its CRPS against the actual release.  No
 * forecast sees its own outcome or anything later (no look-ahead).  The
 * candidate with the lowest mean CRPS is chosen only if it beats equal
 * weights (no half-life) by more than PC_HALF_LIFE_Z standard errors of
 * the paired difference, so that a history without drift keeps equal
 * weights rather than a half-life fitted to noise; with fewer than
 * PC_HALF_LIFE_MIN_SCORED releases scored, equal weights are kept.
 */
#ifndef PRECEDENT_RECENCY_H
#define PRECEDENT_RECENCY_H

#include <stddef.h>

#include <precedent/backtest.h>
#include <precedent/error.h>
#include <precedent/history.h>

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many candidates: half-lives of 2, 3, 4, 6, 8, 12, 16, 24,
 * 32, 48, 64, 96 and 128 projects, those shorter than the history. */
#define PC_HALF_LIFE_MAX_CANDIDATES 13

/* A candidate must beat equal weights by this many standard errors of
 * the mean paired CRPS difference (one-sided, about 1% for one
 * candidate; the best of a dozen correlated ones is held to it). */
#define PC_HALF_LIFE_Z 2.33

/* Fewer releases scored than this: too few to choose; equal weights. */
#define PC_HALF_LIFE_MIN_SCORED 15

typedef struct pc_half_life_choice {
	double half_life;        /* chosen, in projects; 0: none (equal) */
	int drift;               /* 1: chosen: adjust for drift (with
	                            half_life 0) */
	size_t nscored;          /* releases scored (the same for every
	                            candidate) */
	double crps_none;        /* mean CRPS with equal weights, working
	                            days (NaN when nothing was scored) */
	double crps;             /* of the chosen half-life */
	double best_half_life;   /* the best candidate, chosen or not (0 with
	                            best_drift: the drift adjustment) */
	int best_drift;
	double crps_best;        /* its mean CRPS */
	double z;                /* its gain over equal weights in standard
	                            errors (NaN when nothing to compare) */
	size_t ncandidates;
	double candidate[PC_HALF_LIFE_MAX_CANDIDATES];
	double candidate_crps[PC_HALF_LIFE_MAX_CANDIDATES];
	double crps_drift;       /* the drift adjustment's mean CRPS (NaN if
	                            not tried) */
	const char *why;         /* a static phrase: "chosen", "no candidate
	                            beats equal weights clearly", "too few
	                            releases to choose from" */
} pc_half_life_choice;

/* Choose a half-life (or the drift adjustment) for h.  o (may be NULL: defaults) gives the
 * backtest's calendar, iterations, seed, threads, min_known and cap on
 * forecasts; its half_life is ignored.  Costs one backtest per
 * candidate (at most 2 + PC_HALF_LIFE_MAX_CANDIDATES).  A history too
 * short to backtest gives half_life 0 with why "too few releases to
 * choose from", not an error.  The result depends on the seed, not on
 * the number of threads. */
int pc_half_life_choose(const pc_history *h, const pc_backtest_options *o,
                        pc_half_life_choice *out, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
