/*
 * dist_constant.c - a duration that never varies, parameter {value} in
 * days: all the mass at one point.
 *
 * Not one of pc_families, and never compared with them: a phase whose
 * finished durations are all equal, and whose running ones are still
 * shorter, has no spread for any family to estimate (the exponential,
 * the only one that accepts such data, would turn "always 5 days" into
 * anything from a day to a fortnight).  pc_fit_all chooses it alone for
 * such data (fit.c, fit_constant), and the simulator then draws the value
 * every time.
 */
#include <config.h>

#include <math.h>

#include "fit_internal.h"

static const char *const names[] = {"value", NULL};

static double c_logpdf(double x, const double *p)
{
	return x == p[0] ? 0 : -INFINITY; /* a mass, not a density */
}

static double c_cdf(double x, const double *p)
{
	return x >= p[0] ? 1 : 0;
}

static double c_logsf(double x, const double *p)
{
	return x < p[0] ? 0 : -INFINITY;
}

static double c_quantile(double u, const double *p)
{
	(void)u;
	return p[0];
}

static double c_draw(const gsl_rng *r, const double *p)
{
	(void)r;
	return p[0];
}

static int c_valid(const double *p)
{
	return isfinite(p[0]) && p[0] > 0;
}

const pc_family pci_constant = {
	.name = "constant",
	.nparams = 1,
	.param_names = names,
	.positive = 1,
	.logpdf = c_logpdf,
	.cdf = c_cdf,
	.logsf = c_logsf,
	.quantile = c_quantile,
	.draw = c_draw,
	.valid = c_valid,
};
