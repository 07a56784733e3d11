/*
 * dist_loglogistic.c - log-logistic durations, parameters {shape, scale}
 * (scale in days, the median), CDF 1 / (1 + (x/scale)^-shape).  GSL has no
 * log-logistic, but every function has a closed form; everything is
 * written in t = shape * log(x/scale) so that no power overflows.
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "fit_internal.h"

static const char *const names[] = {"shape", "scale", NULL};

static double ll_logpdf(double x, const double *p)
{
	double k = p[0], t;

	if (x < 0)
		return -INFINITY;
	if (x == 0)
		return k < 1 ? INFINITY : k == 1 ? -log(p[1]) : -INFINITY;
	t = k * log(x / p[1]);
	return log(k / x) + t - 2 * pci_softplus(t);
}

static double ll_cdf(double x, const double *p)
{
	if (x <= 0)
		return 0;
	return 1 / (1 + exp(-p[0] * log(x / p[1])));
}

static double ll_logsf(double x, const double *p)
{
	if (x <= 0)
		return 0;
	return -pci_softplus(p[0] * log(x / p[1]));
}

static double ll_quantile(double u, const double *p)
{
	if (u <= 0)
		return 0;
	if (u >= 1)
		return INFINITY;
	return p[1] * exp((log(u) - log1p(-u)) / p[0]);
}

static double ll_draw(const gsl_rng *r, const double *p)
{
	return ll_quantile(gsl_rng_uniform_pos(r), p);
}

static int ll_valid(const double *p)
{
	return isfinite(p[0]) && isfinite(p[1]) && p[0] > 0 && p[1] > 0;
}

const pc_family pci_loglogistic = {
	.name = "loglogistic",
	.nparams = 2,
	.param_names = names,
	.positive = 1,
	.logpdf = ll_logpdf,
	.cdf = ll_cdf,
	.logsf = ll_logsf,
	.quantile = ll_quantile,
	.draw = ll_draw,
	.valid = ll_valid,
};

/* 1 / (1 + e^-t), the derivative of softplus. */
static double sigm(double t)
{
	return t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t));
}

/*
 * With u = log(x/s), t = k u:
 *   finished: log f = log k - log x + t - 2 softplus(t)
 *             d/dk = 1/k + u (1 - 2 sigm(t)),  d/ds = (k/s) (2 sigm(t) - 1)
 *   running:  log S = -softplus(t)
 *             d/dk = -u sigm(t),               d/ds = (k/s) sigm(t)
 */
static double ll_loglik(const double *p, const pci_sample *s, double *grad)
{
	double k = p[0], ls = log(p[1]), ne = s->ne;
	double ll = ne * log(k) - s->slx, dk = ne / k, dsum = 0;

	for (size_t i = 0; i < s->nde; i++) {
		/* softplus(t) and sigm(t) from the one exp(-|t|): this loop
		 * is most of a loglogistic fit's time */
		double u = s->dle[i] - ls, t = k * u, e = exp(-fabs(t));
		double g = (t >= 0 ? 1 : e) / (1 + e), w = PCI_W(s->dwe, i);
		ll += w * (t - 2 * (fmax(t, 0) + log1p(e)));
		dk += w * u * (1 - 2 * g);
		dsum += w * (2 * g - 1);
	}
	for (size_t i = 0; i < s->ndc; i++) {
		double u, t, g, w = PCI_W(s->dwc, i);
		if (s->dxc[i] <= 0)
			continue;
		u = s->dlc[i] - ls;
		t = k * u;
		g = sigm(t);
		ll -= w * pci_softplus(t);
		dk -= w * u * g;
		dsum += w * g;
	}
	if (grad) {
		grad[0] = dk;
		grad[1] = k / p[1] * dsum;
	}
	return ll;
}

/*
 * Second derivatives, with v = sigm(t) (1 - sigm(t)) the derivative of
 * sigm, so d sigm / dk = v u and d sigm / ds = -v k / s:
 *   finished: d2/dk2 = -1/k^2 - 2 u^2 v
 *             d2/dk ds = (2 sigm - 1 + 2 t v) / s
 *             d2/ds2 = -(k / s^2) (2 sigm - 1 + 2 k v)
 *   running:  d2/dk2 = -u^2 v
 *             d2/dk ds = (sigm + t v) / s
 *             d2/ds2 = -(k / s^2) (sigm + k v)
 */
static void ll_hessian(const double *p, const pci_sample *s,
                       double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double k = p[0], sc = p[1], ls = log(sc), ne = s->ne;
	double hkk = -ne / (k * k), hks = 0, hss = 0;

	for (size_t i = 0; i < s->nde; i++) {
		double u = s->dle[i] - ls, t = k * u, e = exp(-fabs(t));
		double g = (t >= 0 ? 1 : e) / (1 + e), v = e / ((1 + e) * (1 + e));
		double w = PCI_W(s->dwe, i);
		hkk -= w * 2 * u * u * v;
		hks += w * (2 * g - 1 + 2 * t * v);
		hss += w * (2 * g - 1 + 2 * k * v);
	}
	for (size_t i = 0; i < s->ndc; i++) {
		double u, t, e, g, v, w = PCI_W(s->dwc, i);
		if (s->dxc[i] <= 0)
			continue;
		u = s->dlc[i] - ls;
		t = k * u;
		e = exp(-fabs(t));
		g = (t >= 0 ? 1 : e) / (1 + e);
		v = e / ((1 + e) * (1 + e));
		hkk -= w * u * u * v;
		hks += w * (g + t * v);
		hss += w * (g + k * v);
	}
	h[0][0] = hkk;
	h[0][1] = h[1][0] = hks / sc;
	h[1][1] = -k / (sc * sc) * hss;
}

/* log x is logistic with sd pi / (k sqrt 3) and mean log(scale). */
static void ll_start(const pci_sample *s, double *p)
{
	double sd = s->lsd > 1e-9 ? s->lsd : 1e-9;

	p[0] = M_PI / (sd * sqrt(3.0));
	p[1] = exp(s->lmean);
}



/* With u = k log(x / l): log F = -softplus(-u), log S = -softplus(u);
 * d log F / du = S, d log S / du = -F, and both second derivatives are
 * -F S. */
static void ll_tails(const double *p, const double *x, size_t n, int order,
                     pci_tails *out)
{
	for (size_t i = 0; i < n; i++) {
		pci_tails *t = out + i;
		double lt, u, f, sv;

		memset(t, 0, sizeof *t);
		if (x[i] <= 0) {
			t->lf = -INFINITY;
			continue;
		}
		lt = log(x[i] / p[1]);
		u = p[0] * lt;
		t->ls = -pci_softplus(u);
		t->lf = -pci_softplus(-u);
		if (order < 1)
			continue;
		f = sigm(u);
		sv = sigm(-u);
		pci_tails_to_kl(-f, -f * sv, lt, p, t->gs, t->hs);
		pci_tails_to_kl(sv, -f * sv, lt, p, t->gf, t->hf);
	}
}

const pci_fitops pci_loglogistic_fit = {
	.family = &pci_loglogistic,
	.loglik = ll_loglik,
	.start = ll_start,
	.mle = NULL,
	.logparam = 3u,
	.tails = ll_tails,
	.hessian = ll_hessian,
};
