/*
 * dist_normal.c - normal durations, parameters {mean, sd} in days (sd is
 * the MLE, divisor n).  The only family whose support includes zero and
 * negative values, so it is the fallback when a sample has them.
 */
#include <config.h>

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "fit_internal.h"

static const char *const names[] = {"mean", "sd", NULL};

static double n_logpdf(double x, const double *p)
{
	double z = (x - p[0]) / p[1];

	return -0.5 * z * z - log(p[1]) - 0.91893853320467274178;
}

static double n_cdf(double x, const double *p)
{
	return gsl_cdf_gaussian_P(x - p[0], p[1]);
}

static double n_logsf(double x, const double *p)
{
	return pci_norm_logq((x - p[0]) / p[1]);
}

static double n_quantile(double u, const double *p)
{
	if (u <= 0)
		return -INFINITY;
	if (u >= 1)
		return INFINITY;
	return p[0] + gsl_cdf_gaussian_Pinv(u, p[1]);
}

static double n_draw(const gsl_rng *r, const double *p)
{
	return p[0] + gsl_ran_gaussian(r, p[1]);
}

static int n_valid(const double *p)
{
	return isfinite(p[0]) && isfinite(p[1]) && p[1] > 0;
}

const pc_family pci_normal = {
	.name = "normal",
	.nparams = 2,
	.param_names = names,
	.positive = 0,
	.logpdf = n_logpdf,
	.cdf = n_cdf,
	.logsf = n_logsf,
	.quantile = n_quantile,
	.draw = n_draw,
	.valid = n_valid,
};

static double n_loglik(const double *p, const pci_sample *s, double *grad)
{
	return pci_normal_loglik(s->dxe, s->dwe, s->nde, s->dxc, s->dwc,
	                         s->ndc, p, grad);
}

static void n_hessian(const double *p, const pci_sample *s,
                      double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	pci_normal_hessian(s->dxe, s->dwe, s->nde, s->dxc, s->dwc, s->ndc, p, h);
}

static void n_start(const pci_sample *s, double *p)
{
	p[0] = s->mean;
	p[1] = s->sd > 0 ? s->sd : 1e-9;
}

static int n_mle(const pci_sample *s, double *p)
{
	if (s->ncens)
		return 0;
	n_start(s, p);
	return 1;
}

/* z = (x - m) / s: dz/dm = -1/s, dz/ds = -z/s, d2z/dm ds = 1/s^2,
 * d2z/ds2 = 2 z / s^2. */
static void n_tails(const double *p, const double *x, size_t n, int order,
                    pci_tails *out)
{
	double s = p[1];

	for (size_t i = 0; i < n; i++) {
		pci_loc_scale_tails((x[i] - p[0]) / s, s, order, out + i);
	}
}

const pci_fitops pci_normal_fit = {
	.family = &pci_normal,
	.loglik = n_loglik,
	.start = n_start,
	.mle = n_mle,
	.logparam = 2u,
	.tails = n_tails,
	.hessian = n_hessian,
};
