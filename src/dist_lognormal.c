/*
 * dist_lognormal.c - lognormal durations, parameters {meanlog, sdlog}
 * (the mean and sd of log days).  Uncensored, the MLE is the mean and the
 * divisor-n sd of log x; with censoring the engine optimises.
 */
#include <config.h>

#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_erf.h>

#include "fit_internal.h"

static const char *const names[] = {"meanlog", "sdlog", NULL};

#define LOG_SQRT_2PI 0.91893853320467274178

double pci_norm_logq(double z)
{
	/* erfc keeps the tail that 1 - Phi(z) would round away. */
	if (z < -8)
		return log1p(-gsl_cdf_ugaussian_P(z));
	return gsl_sf_log_erfc(z / M_SQRT2) - M_LN2;
}

double pci_norm_logtail(double z, int upper, double *dz)
{
	double v = pci_norm_logq(upper ? z : -z);
	/* phi / tail, the Mills ratio, in logs so that it stays finite
	 * where both underflow */
	double r = exp(-0.5 * z * z - LOG_SQRT_2PI - v);

	*dz = upper ? -r : r;
	return v;
}

static double ln_logpdf(double x, const double *p)
{
	double z;

	if (x <= 0)
		return -INFINITY;
	z = (log(x) - p[0]) / p[1];
	return -0.5 * z * z - log(x) - log(p[1]) - LOG_SQRT_2PI;
}

static double ln_cdf(double x, const double *p)
{
	if (x <= 0)
		return 0;
	return gsl_cdf_ugaussian_P((log(x) - p[0]) / p[1]);
}

static double ln_logsf(double x, const double *p)
{
	if (x <= 0)
		return 0;
	return pci_norm_logq((log(x) - p[0]) / p[1]);
}

static double ln_quantile(double u, const double *p)
{
	if (u <= 0)
		return 0;
	if (u >= 1)
		return INFINITY;
	return exp(p[0] + p[1] * gsl_cdf_ugaussian_Pinv(u));
}

static double ln_draw(const gsl_rng *r, const double *p)
{
	return gsl_ran_lognormal(r, p[0], p[1]);
}

static int ln_valid(const double *p)
{
	return isfinite(p[0]) && isfinite(p[1]) && p[1] > 0;
}

const pc_family pci_lognormal = {
	.name = "lognormal",
	.nparams = 2,
	.param_names = names,
	.positive = 1,
	.logpdf = ln_logpdf,
	.cdf = ln_cdf,
	.logsf = ln_logsf,
	.quantile = ln_quantile,
	.draw = ln_draw,
	.valid = ln_valid,
};

/*
 * The normal log-likelihood of values y (log x here, x for the normal
 * family), without the Jacobian.  A censored value adds log Q(z) with
 * z = (c - mu) / sd; d log Q / dz = -h(z), the normal hazard, so it adds
 * h / sd to d/dmu and h z / sd to d/dsd.
 */
double pci_normal_loglik(const double *ye, const double *we, size_t ne,
                         const double *yc, const double *wc, size_t nc,
                         const double *p, double *grad)
{
	double mu = p[0], sd = p[1], ss = 0, sd1 = 0, cnt = 0;
	double ll, dmu, dsd;

	for (size_t i = 0; i < ne; i++) {
		double d = ye[i] - mu, w = PCI_W(we, i);
		sd1 += w * d;
		ss += w * d * d;
		cnt += w;
	}
	ll = -cnt * (log(sd) + LOG_SQRT_2PI) - ss / (2 * sd * sd);
	dmu = sd1 / (sd * sd);
	dsd = -cnt / sd + ss / (sd * sd * sd);
	for (size_t i = 0; i < nc; i++) {
		double z = (yc[i] - mu) / sd, lq = pci_norm_logq(z);
		double h = exp(-0.5 * z * z - LOG_SQRT_2PI - lq), w = PCI_W(wc, i);
		ll += w * lq;
		dmu += w * h / sd;
		dsd += w * h * z / sd;
	}
	if (grad) {
		grad[0] = dmu;
		grad[1] = dsd;
	}
	return ll;
}

/*
 * Second derivatives of the same.  Finished values, with d = y - mu and
 * cnt, S1 = sum d, S2 = sum d^2 (weighted):
 *   d2/dmu2 = -cnt / sd^2,  d2/dmu dsd = -2 S1 / sd^3,
 *   d2/dsd2 = cnt / sd^2 - 3 S2 / sd^4.
 * A censored value adds L(z) = log Q(z); L' = -h and L'' = -h (h - z)
 * (the hazard's derivative is h (h - z)), and with dz/dmu = -1/sd,
 * dz/dsd = -z/sd:
 *   d2/dmu2 = L'' / sd^2,  d2/dmu dsd = (z L'' - h) / sd^2,
 *   d2/dsd2 = (z^2 L'' - 2 z h) / sd^2.
 */
void pci_normal_hessian(const double *ye, const double *we, size_t ne,
                        const double *yc, const double *wc, size_t nc,
                        const double *p, double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double mu = p[0], sd = p[1], s1 = 0, s2 = 0, cnt = 0;
	double cmm = 0, cms = 0, css = 0, v = sd * sd;

	for (size_t i = 0; i < ne; i++) {
		double d = ye[i] - mu, w = PCI_W(we, i);
		s1 += w * d;
		s2 += w * d * d;
		cnt += w;
	}
	for (size_t i = 0; i < nc; i++) {
		double z = (yc[i] - mu) / sd, lq = pci_norm_logq(z);
		double hz = exp(-0.5 * z * z - LOG_SQRT_2PI - lq), w = PCI_W(wc, i);
		double l2 = -hz * (hz - z);
		cmm += w * l2;
		cms += w * (z * l2 - hz);
		css += w * (z * z * l2 - 2 * z * hz);
	}
	h[0][0] = -cnt / v + cmm / v;
	h[0][1] = h[1][0] = -2 * s1 / (v * sd) + cms / v;
	h[1][1] = cnt / v - 3 * s2 / (v * v) + css / v;
}

static void ln_hessian(const double *p, const pci_sample *s,
                       double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	pci_normal_hessian(s->dle, s->dwe, s->nde, s->dlc, s->dwc, s->ndc, p, h);
}

static double ln_loglik(const double *p, const pci_sample *s, double *grad)
{
	return pci_normal_loglik(s->dle, s->dwe, s->nde, s->dlc, s->dwc,
	                         s->ndc, p, grad) - s->slx;
}

static void ln_start(const pci_sample *s, double *p)
{
	p[0] = s->lmean;
	p[1] = s->lsd > 1e-9 ? s->lsd : 1e-9;
}

static int ln_mle(const pci_sample *s, double *p)
{
	if (s->ncens)
		return 0;
	ln_start(s, p);
	return 1;
}

/* The normal tail of log x. */
static double ln_logtail(double x, const double *p, int upper, double *g)
{
	double z, dz, v;

	if (x <= 0) {
		if (g)
			g[0] = g[1] = 0;
		return upper ? 0 : -INFINITY;
	}
	z = (log(x) - p[0]) / p[1];
	v = pci_norm_logtail(z, upper, &dz);
	if (g) {
		g[0] = -dz / p[1];
		g[1] = -dz * z / p[1];
	}
	return v;
}

const pci_fitops pci_lognormal_fit = {
	.family = &pci_lognormal,
	.loglik = ln_loglik,
	.start = ln_start,
	.mle = ln_mle,
	.logparam = 2u,
	.logtail = ln_logtail,
	.hessian = ln_hessian,
};
