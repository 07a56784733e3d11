/*
 * calibrate.h - recalibrate forecasts by what the backtest says about
 * them.
 *
 * The PIT value u of a past forecast is where the actual release fell in
 * the forecast distribution, F(actual).  Were the forecasts calibrated,
 * the u of many projects would be uniform on [0, 1].  When they are not
 * (too narrow: u piles up at 0 and 1; too early: u piles up near 1), the
 * cdf G of the PIT values says how: the forecast's level u turned out to
 * hold in a share G(u) of the projects.  The recalibrated forecast is
 * then G(F(x)), and its quantile at level p is F^-1(G^-1(p)).
 *
 * G is a Beta cdf, G(u) = I_u(a, b) (the regularized incomplete beta
 * function), with a and b the maximum a posteriori estimates from the
 * PIT values.  Why Beta: it is monotone and maps [0, 1] onto itself by
 * construction; it holds the identity (a = b = 1); its two parameters
 * catch the two ways forecasts go wrong (a < 1, b < 1 too narrow; a > 1,
 * b > 1 too wide; a > b too late, a < b too early) and no more, which is
 * what a few dozen PIT values can support; and its sufficient statistics
 * (sum log u, sum log (1 - u)) make a nested backtest cheap (see
 * pc_calib_sums).
 *
 * The prior is `prior` pseudo-PITs drawn from the identity: the log
 * likelihood gains prior * E[log Beta(U; a, b)] for U uniform, that is
 * -prior (log B(a, b) + (a - 1) + (b - 1)), which is greatest at a = b = 1.
 * With m PIT values the data weigh m / (m + prior): with the default of
 * PC_CALIB_PRIOR = 10, five PITs move the map a third of the way, fifty
 * five sixths.  Ten is about the fewest PIT values whose reliability
 * table (deciles) says anything at all; below it the map stays close to
 * no correction.
 */
#ifndef PRECEDENT_CALIBRATE_H
#define PRECEDENT_CALIBRATE_H

#include <stddef.h>

#include <precedent/backtest.h>
#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/history.h>
#include <precedent/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The default prior strength: pseudo-PITs from the identity. */
#define PC_CALIB_PRIOR 10.0

/* PIT values are clamped to [PC_CALIB_EPS, 1 - PC_CALIB_EPS] before their
 * logs are taken.  A PIT of 0 or 1 says the actual fell outside every
 * simulated release: "far out", not "infinitely far out", and a Monte
 * Carlo of a few thousand releases cannot resolve levels finer than
 * about a thousandth anyway. */
#define PC_CALIB_EPS 1e-3

/* The sufficient statistics of a set of PIT values: their count and the
 * sums of log u and log (1 - u) (u clamped as above).  Zero it (or
 * memset) to start empty. */
typedef struct pc_calib_sums {
	size_t n;
	double slog, slog1m;
} pc_calib_sums;

/* Add one PIT value u (0..1; NaN is ignored) to s. */
void pc_calib_sums_add(pc_calib_sums *s, double u);

/* A recalibration map G(u) = I_u(a, b). */
typedef struct pc_calib {
	double a, b;      /* Beta parameters; a = b = 1: the identity */
	size_t n;         /* PIT values it was learned from */
	double prior;     /* pseudo-PITs from the identity it was shrunk by */
	double shrinkage; /* prior / (n + prior), 0..1: the weight of the
	                     identity (1: no data, the identity) */
} pc_calib;

/* The identity map (a = b = 1, n = 0, shrinkage 1), with prior stored. */
void pc_calib_identity(pc_calib *c, double prior);

/* Fit G to the PIT values summed in s, shrunk toward the identity by
 * prior (>= 0) pseudo-PITs: Newton's method on the concave log
 * posterior, a and b kept within [1e-3, 1e3].  No data and no prior give
 * the identity.  PC_EUSAGE for a negative or non-finite prior,
 * PC_ENUMERIC if Newton's method does not converge. */
int pc_calib_fit_sums(const pc_calib_sums *s, double prior, pc_calib *out,
                      pc_error *err);

/* The same from m PIT values u[0..m-1]. */
int pc_calib_fit(const double *u, size_t m, double prior, pc_calib *out,
                 pc_error *err);

/* G(u): the recalibrated level of forecast level u (0..1). */
double pc_calib_map(const pc_calib *c, double u);

/* G^-1(p): the forecast level whose recalibrated level is p (0..1), by
 * bisection to 1e-12. */
double pc_calib_inverse(const pc_calib *c, double p);

/* G at u = 0.1, 0.2, ..., 0.9 into g[0..8], to show the map. */
void pc_calib_table(const pc_calib *c, double g[9]);

/* Learn a map from a backtest of history h (pc_backtest_run with bo, NULL
 * for its defaults): the PIT values of the projects it forecast that
 * were released before day `before` (PC_DAY_MAX: all), so a plan
 * starting on `before` learns only from what was known then.
 * *nforecasts (may be NULL) gets the backtest's forecasts.  Fails as
 * pc_backtest_run does (e.g. PC_EDATA when no project has enough
 * predecessors to be forecast). */
int pc_calib_learn(const pc_history *h, const pc_backtest_options *bo,
                   pc_day before, double prior, pc_calib *out,
                   size_t *nforecasts, pc_error *err);

/* pc_plan_run, with the release finish recalibrated by c: its P10..P90
 * are the simulated release's quantiles at levels G^-1(p), with their
 * Monte Carlo standard errors at those levels.  The phases' dates stay
 * raw (c says nothing about a single phase).  PC_EUSAGE with o->ci: the
 * bootstrap intervals are of the raw plan, and a calibrated one would
 * need the map's own uncertainty. */
int pc_calib_plan_run(const pc_plan_model *pm, const pc_plan_options *o,
                      const pc_calib *c, pc_plan **out, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
