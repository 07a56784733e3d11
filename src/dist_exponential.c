/*
 * dist_exponential.c - exponential durations, parameter {rate} per day.
 *
 * The one family with a closed-form MLE under right-censoring: the
 * log-likelihood events * log(rate) - rate * total time peaks at
 * rate = events / total time.
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "fit_internal.h"

static const char *const names[] = {"rate", NULL};

static double e_logpdf(double x, const double *p)
{
	if (x < 0)
		return -INFINITY;
	return log(p[0]) - p[0] * x;
}

static double e_cdf(double x, const double *p)
{
	if (x <= 0)
		return 0;
	return gsl_cdf_exponential_P(x, 1.0 / p[0]);
}

static double e_logsf(double x, const double *p)
{
	return x <= 0 ? 0 : -p[0] * x;
}

static double e_quantile(double u, const double *p)
{
	if (u <= 0)
		return 0;
	if (u >= 1)
		return INFINITY;
	return -log1p(-u) / p[0];
}

static double e_draw(const gsl_rng *r, const double *p)
{
	return gsl_ran_exponential(r, 1.0 / p[0]);
}

static int e_valid(const double *p)
{
	return isfinite(p[0]) && p[0] > 0;
}

const pc_family pci_exponential = {
	.name = "exponential",
	.nparams = 1,
	.param_names = names,
	.positive = 1,
	.logpdf = e_logpdf,
	.cdf = e_cdf,
	.logsf = e_logsf,
	.quantile = e_quantile,
	.draw = e_draw,
	.valid = e_valid,
};

static double total_time(const pci_sample *s)
{
	double t = s->sx;

	for (size_t i = 0; i < s->ncens; i++)
		t += PCI_W(s->wc, i) * s->xc[i];
	return t;
}

static double e_loglik(const double *p, const pci_sample *s, double *grad)
{
	double t = total_time(s);

	if (grad)
		grad[0] = s->ne / p[0] - t;
	return s->ne * log(p[0]) - p[0] * t;
}

/* d2/dr2 = -events / r^2: for the standard error, the MLE is closed. */
static void e_hessian(const double *p, const pci_sample *s,
                      double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	h[0][0] = -s->ne / (p[0] * p[0]);
}

static void e_start(const pci_sample *s, double *p)
{
	p[0] = s->ne / total_time(s);
}

static int e_mle(const pci_sample *s, double *p)
{
	e_start(s, p);
	return 1;
}

/* log S = -r x; log F = log(1 - e^-rx), d/dr = x w and d2/dr2 =
 * -x^2 w (1 + w), with w = 1 / (e^rx - 1). */
static void e_tails(const double *p, const double *x, size_t n, int order,
                    pci_tails *out)
{
	for (size_t i = 0; i < n; i++) {
		pci_tails *t = out + i;
		double u = p[0] * x[i], w;

		memset(t, 0, sizeof *t);
		if (x[i] <= 0) {
			t->lf = -INFINITY;
			continue;
		}
		t->ls = -u;
		t->lf = log(-expm1(-u));
		if (order < 1)
			continue;
		w = 1 / expm1(u);
		t->gs[0] = -x[i];
		t->gf[0] = x[i] * w;
		t->hf[0][0] = -x[i] * x[i] * w * (1 + w);
	}
}

const pci_fitops pci_exponential_fit = {
	.family = &pci_exponential,
	.loglik = e_loglik,
	.start = e_start,
	.mle = e_mle,
	.logparam = 1u,
	.tails = e_tails,
	.hessian = e_hessian,
};
