/*
 * trend.h - has the history moved?  The Mann-Kendall test of a monotone
 * trend of durations against start dates, with Kendall's tau and Sen's
 * slope, for each phase and for the whole release.
 *
 * A plan weighs every past project alike, so when releases have grown
 * (or shrunk) steadily the plan matches the average of the history, not
 * the next release.  These tests say when that is so, which way and how
 * fast, so that the commands can warn.  They are rank tests: a few very
 * long phases do not make a trend, a steady drift does.
 */
#ifndef PRECEDENT_TREND_H
#define PRECEDENT_TREND_H

#include <stddef.h>

#include <precedent/calendar.h>
#include <precedent/error.h>
#include <precedent/history.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Above this many observations Sen's slope is taken over an evenly
 * spaced subsample of them (in order of x) of this size, as the exact
 * slope needs every pair: n^2 / 2 of them. */
#define PC_TREND_EXACT_MAX 2000

typedef struct pc_trend {
	size_t n;          /* pairs used (neither NaN) */
	double s;          /* Mann-Kendall S: concordant minus discordant
	                      pairs */
	double var_s;      /* its variance under no association, corrected
	                      for ties in x and in y */
	double tau;        /* Kendall's tau-b, -1..1 */
	double z;          /* (S - sign S) / sqrt(var_s): the continuity-
	                      corrected normal score */
	double p;          /* two-sided p-value of z; NaN below 3 pairs or
	                      when x or y is constant */
	double slope;      /* Sen's slope: the median of (y_j - y_i) /
	                      (x_j - x_i) over pairs with x_i != x_j, in y
	                      units per x unit; NaN if x is constant */
	int slope_sampled; /* 1: from PC_TREND_EXACT_MAX evenly spaced
	                      observations, not all of them */
} pc_trend;

/* The trend of y against x over the n pairs where neither is NaN: S and
 * tau in O(n log n) (Knight's merge count), the p-value as R's
 * cor.test(x, y, method = "kendall", exact = FALSE, continuity = TRUE),
 * Sen's slope as median() of all pairwise slopes.  PC_ENOMEM only. */
int pc_trend_test(const double *x, const double *y, size_t n, pc_trend *out,
                  pc_error *err);

/* Fewest finished durations a phase (or finished releases the release)
 * needs before its trend is tested. */
#define PC_TREND_MIN 8

/* The trend of one phase's finished durations (calendar's working days)
 * against their start days, or with phase NULL of the finished releases'
 * durations (first start to last end) against the release start. */
typedef struct pc_history_trend {
	const char *phase;  /* borrowed from the history; NULL: the release */
	pc_trend t;         /* n below PC_TREND_MIN: not tested (p NaN) */
	double per_year;    /* Sen's slope in days per year of start date */
	int significant;    /* 1: p below alpha after Holm's correction for
	                       the number of tests made */
} pc_history_trend;

/* Test every phase of h and the release (h->nphases + 1 results, the
 * release last) at family-wise level alpha (0.05 is usual): Holm's
 * step-down correction keeps a history of many trendless phases from
 * warning by chance.  Only projects started before the first project
 * still running count: all of them have finished, where among later ones
 * only the quick have, which would read as a trend toward shorter
 * releases.  *out is malloc'ed; free it with free(). */
int pc_history_trends(const pc_history *h, const pc_calendar *cal,
                      double alpha, pc_history_trend **out, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
