/*
 * dist.c - the table of families and what every family shares.
 *
 * Each family lives in its own file (dist_NAME.c) as one pc_family; this
 * file only lists them and builds the derived operations (survival,
 * conditional draws) from each family's primitives.
 */
#include <config.h>

#include <math.h>
#include <strings.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include <precedent/dist.h>

#include "fit_internal.h"

const pc_family *const pc_families[] = {
	&pci_exponential,
	&pci_gamma,
	&pci_weibull,
	&pci_lognormal,
	&pci_loglogistic,
	&pci_normal,
	NULL
};

const pc_family *pc_family_find(const char *name)
{
	if (!name)
		return NULL;
	for (int i = 0; pc_families[i]; i++)
		if (strcasecmp(pc_families[i]->name, name) == 0)
			return pc_families[i];
	if (strcasecmp(pci_constant.name, name) == 0)
		return &pci_constant;
	return NULL;
}

double pc_family_sf(const pc_family *f, double x, const double *p)
{
	return exp(f->logsf(x, p));
}

/* z with log(1 - Phi(z)) = logs: GSL's Qinv from e^logs, or where that
 * underflows z ~ sqrt(-2 logs), then Newton on pci_norm_logq, whose
 * derivative is minus the normal hazard. */
static double norm_isf(double logs)
{
	double z = logs > -700 ? gsl_cdf_ugaussian_Qinv(exp(logs)) : sqrt(-2 * logs);

	for (int i = 0; i < 50; i++) {
		double lq = pci_norm_logq(z);
		double h = exp(-0.5 * z * z - 0.91893853320467274178 - lq);
		double step = (lq - logs) / h;
		z += step;
		if (fabs(step) <= 1e-15 * fmax(1, fabs(z)))
			break;
	}
	return z;
}

double pci_family_isf(const pc_family *f, double logs, const double *p)
{
	double y = -logs;

	if (!(logs < 0))
		return f->positive ? 0 : -INFINITY;
	if (f == &pci_exponential)
		return y / p[0];
	if (f == &pci_weibull)
		return p[1] * pow(y, 1 / p[0]);
	if (f == &pci_loglogistic) /* S = 1 / (1 + e^t), t = k log(x/s) */
		return p[1] * exp((y > 35 ? y + log(-expm1(-y)) : log(expm1(y))) / p[0]);
	if (f == &pci_lognormal)
		return exp(p[0] + p[1] * norm_isf(logs));
	if (f == &pci_normal)
		return p[0] + p[1] * norm_isf(logs);
	if (f == &pci_gamma)
		return p[1] * pci_gamma_isf(p[0], logs);
	return f->quantile(-expm1(logs), p);
}

double pc_family_draw_given(const pc_family *f, const gsl_rng *r,
                            const double *p, double elapsed)
{
	double x;

	if (f->positive && elapsed <= 0)
		return f->draw(r, p);
	/*
	 * Sample the remaining life by inverting the survival function: a
	 * uniform in (0, S(e)) is S(X) of a draw conditioned on X > e.  In
	 * logs, log S(X) = log U + log S(e), so a phase far beyond anything
	 * the distribution expects still gets a real remaining life rather
	 * than cdf(e) + u * sf(e) rounding to 1.
	 */
	x = pci_family_isf(f, log(gsl_rng_uniform_pos(r)) + f->logsf(elapsed, p), p);
	return x >= elapsed ? x : elapsed; /* rounding at the boundary */
}

/* log(1 + e^t) without overflow for large t or loss for very negative t. */
double pci_softplus(double t)
{
	if (t > 35)
		return t + exp(-t);
	if (t < -35)
		return exp(t);
	return log1p(exp(t));
}
