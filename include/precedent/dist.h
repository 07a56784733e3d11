/*
 * dist.h - the table of duration distribution families.
 *
 * Each family is a struct of functions over a parameter vector p[] in the
 * family's natural parameters, named and ordered as in `param_names`:
 *
 *   exponential {rate}        gamma {shape, scale}    weibull {shape, scale}
 *   lognormal {meanlog, sdlog} loglogistic {shape, scale}  normal {mean, sd}
 *
 * loglogistic has CDF 1 / (1 + (x/scale)^-shape).  Densities, CDFs,
 * quantiles and variates come from GSL where GSL has them.  All functions
 * are pure and thread-safe; `draw` uses only the generator it is given.
 *
 * GSL's default error handler aborts the process.  These functions keep
 * to the domains where GSL does not signal (the incomplete gamma and its
 * inverse are computed here for that reason), but a program that calls
 * GSL itself should still call gsl_set_error_handler_off() once at start,
 * as the precedent tool does.
 */
#ifndef PRECEDENT_DIST_H
#define PRECEDENT_DIST_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PC_MAX_PARAMS 3

typedef struct pc_family {
	const char *name;
	int nparams;
	const char *const *param_names;
	int positive;                 /* 1: support is x > 0 */
	double (*logpdf)(double x, const double *p);
	double (*cdf)(double x, const double *p);
	double (*logsf)(double x, const double *p); /* log(1 - cdf), accurate in the tail */
	double (*quantile)(double u, const double *p); /* 0 < u < 1 */
	double (*draw)(const gsl_rng *r, const double *p);
	/* 1 if p is a valid parameter vector (finite, scale/sd/rate > 0). */
	int (*valid)(const double *p);
} pc_family;

/* All families, in the order above, ending with NULL. */
extern const pc_family *const pc_families[];

/* The family called `name` (case-insensitive), or NULL; "constant", the
 * point mass pc_fit_all gives durations that never vary, is found too
 * though it is not one of pc_families. */
const pc_family *pc_family_find(const char *name);

/* Survival at x, 1 - cdf, computed from logsf. */
double pc_family_sf(const pc_family *f, double x, const double *p);

/* A duration drawn from the family conditioned on exceeding `elapsed`
 * (remaining life): the x with S(x) = u * S(elapsed), u uniform, solved
 * in logs so that it stays exact however far elapsed lies in the tail.
 * Returns a value >= elapsed. */
double pc_family_draw_given(const pc_family *f, const gsl_rng *r,
                            const double *p, double elapsed);

#ifdef __cplusplus
}
#endif
#endif
