/*
 * dist_weibull.c - Weibull durations, parameters {shape, scale} (scale in
 * days), survival exp(-(x/scale)^shape).
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#include "fit_internal.h"

static const char *const names[] = {"shape", "scale", NULL};

static double w_logpdf(double x, const double *p)
{
	double k = p[0], l = p[1];

	if (x < 0)
		return -INFINITY;
	if (x == 0)
		return k < 1 ? INFINITY : k == 1 ? -log(l) : -INFINITY;
	return log(k / l) + (k - 1) * log(x / l) - pow(x / l, k);
}

static double w_cdf(double x, const double *p)
{
	return x <= 0 ? 0 : -expm1(-pow(x / p[1], p[0]));
}

static double w_logsf(double x, const double *p)
{
	return x <= 0 ? 0 : -pow(x / p[1], p[0]);
}

static double w_quantile(double u, const double *p)
{
	if (u <= 0)
		return 0;
	if (u >= 1)
		return INFINITY;
	return p[1] * pow(-log1p(-u), 1.0 / p[0]);
}

static double w_draw(const gsl_rng *r, const double *p)
{
	return gsl_ran_weibull(r, p[1], p[0]);
}

static int w_valid(const double *p)
{
	return isfinite(p[0]) && isfinite(p[1]) && p[0] > 0 && p[1] > 0;
}

const pc_family pci_weibull = {
	.name = "weibull",
	.nparams = 2,
	.param_names = names,
	.positive = 1,
	.logpdf = w_logpdf,
	.cdf = w_cdf,
	.logsf = w_logsf,
	.quantile = w_quantile,
	.draw = w_draw,
	.valid = w_valid,
};

/*
 * With z = (x/scale)^shape summed over all observations (finished and
 * running alike, since both contribute -z):
 *   log L = nev (log k - k log l) + (k - 1) sum log x - sum z
 *   d/dk  = nev / k + sum log x - nev log l - sum z log(x/l)
 *   d/dl  = (k / l) (sum z - nev)
 */
static double w_loglik(const double *p, const pci_sample *s, double *grad)
{
	double k = p[0], ll = log(p[1]), ne = s->ne;
	double z = 0, zl = 0;

	for (size_t i = 0; i < s->nde; i++) {
		double t = s->dle[i] - ll, e = PCI_W(s->dwe, i) * exp(k * t);
		z += e;
		zl += e * t;
	}
	for (size_t i = 0; i < s->ndc; i++) {
		double t, e;
		if (s->dxc[i] <= 0)
			continue;
		t = s->dlc[i] - ll;
		e = PCI_W(s->dwc, i) * exp(k * t);
		z += e;
		zl += e * t;
	}
	if (grad) {
		grad[0] = ne / k + s->slx - ne * ll - zl;
		grad[1] = k / p[1] * (z - ne);
	}
	return ne * (log(k) - k * ll) + (k - 1) * s->slx - z;
}

/*
 * Second derivatives, first in (k, L = log l) with Z = sum z,
 * ZT = sum z t, ZT2 = sum z t^2 (t = log x - L, all observations):
 *   d2/dk2 = -nev / k^2 - ZT2,  d2/dk dL = Z - nev + k ZT,
 *   d2/dL2 = -k^2 Z,            d/dL = k (Z - nev),
 * then to l: d2/dk dl = (d2/dk dL) / l, d2/dl2 = (d2/dL2 - d/dL) / l^2.
 */
static void w_hessian(const double *p, const pci_sample *s,
                      double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double k = p[0], l = p[1], ll = log(l), ne = s->ne;
	double z = 0, zt = 0, zt2 = 0, gl;

	for (size_t i = 0; i < s->nde; i++) {
		double t = s->dle[i] - ll, e = PCI_W(s->dwe, i) * exp(k * t);
		z += e;
		zt += e * t;
		zt2 += e * t * t;
	}
	for (size_t i = 0; i < s->ndc; i++) {
		double t, e;
		if (s->dxc[i] <= 0)
			continue;
		t = s->dlc[i] - ll;
		e = PCI_W(s->dwc, i) * exp(k * t);
		z += e;
		zt += e * t;
		zt2 += e * t * t;
	}
	gl = k * (z - ne);
	h[0][0] = -ne / (k * k) - zt2;
	h[0][1] = h[1][0] = (z - ne + k * zt) / l;
	h[1][1] = (-k * k * z - gl) / (l * l);
}

/* log x of a Weibull is Gumbel: sd = pi / (k sqrt 6), mean = log l - gamma / k. */
static void w_start(const pci_sample *s, double *p)
{
	double sd = s->lsd > 1e-9 ? s->lsd : 1e-9;

	p[0] = M_PI / (sd * sqrt(6.0));
	p[1] = exp(s->lmean + 0.5772156649015329 / p[0]);
}



/*
 * With u = k log(x / l) and z = e^u = (x / l)^k: log S = -z, whose first
 * and second derivatives in u are both -z; log F = log(1 - e^-z), whose
 * first derivative is v = z / (e^z - 1) and second v (1 - z - v).
 */
static void w_tails(const double *p, const double *x, size_t n, int order,
                    pci_tails *out)
{
	for (size_t i = 0; i < n; i++) {
		pci_tails *t = out + i;
		double lt, z, v;

		memset(t, 0, sizeof *t);
		if (x[i] <= 0) {
			t->lf = -INFINITY;
			continue;
		}
		lt = log(x[i] / p[1]);
		z = exp(p[0] * lt);
		t->ls = -z;
		t->lf = log(-expm1(-z));
		if (order < 1)
			continue;
		v = z > 0 ? z / expm1(z) : 1;
		pci_tails_to_kl(-z, -z, lt, p, t->gs, t->hs);
		pci_tails_to_kl(v, v > 0 ? v * (1 - z - v) : 0, lt, p, t->gf, t->hf);
	}
}

const pci_fitops pci_weibull_fit = {
	.family = &pci_weibull,
	.loglik = w_loglik,
	.start = w_start,
	.mle = NULL,
	.logparam = 3u,
	.tails = w_tails,
	.hessian = w_hessian,
};
