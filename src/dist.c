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
	return NULL;
}

double pc_family_sf(const pc_family *f, double x, const double *p)
{
	return exp(f->logsf(x, p));
}

double pc_family_draw_given(const pc_family *f, const gsl_rng *r,
                            const double *p, double elapsed)
{
	double lsf, u, x;

	if (f->positive && elapsed <= 0)
		return f->draw(r, p);
	lsf = f->logsf(elapsed, p);
	/*
	 * Sample the remaining life by inverting the survival function: a
	 * uniform in (0, S(e)) is S(X) of a draw conditioned on X > e.
	 * Working with survival rather than cdf(e) + u * sf(e) keeps the
	 * precision far in the tail, where cdf(e) rounds to 1.
	 */
	u = gsl_rng_uniform_pos(r) * exp(lsf);
	if (!(u > 0))
		return elapsed; /* so far in the tail that nothing remains */
	x = f->quantile(1.0 - u, p);
	if (1.0 - u >= 1.0 || !(x >= elapsed))
		return elapsed;
	return x;
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
