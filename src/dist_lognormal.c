/*
 * dist_lognormal.c - lognormal durations, parameters {meanlog, sdlog}
 * (the mean and sd of log days).  Uncensored, the MLE is the mean and the
 * divisor-n sd of log x; with censoring the engine optimises.
 */
#include <config.h>

#include <math.h>
#include <string.h>

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

/*
 * The smaller tail A from erfc (the upper one for z > 0), and with h =
 * phi(z) / A its derivatives in z: for A = 1 - Phi(z), d log A/dz = -h
 * and d2 = -h (h - z); for A = Phi(z), h and -h (h + z).  Then to p by
 * the chain rule, and the other tail from A.
 */
void pci_loc_scale_tails(double z, double s, int order, pci_tails *t)
{
	double dz[PC_MAX_PARAMS] = {-1 / s, -z / s};
	double dzz[PC_MAX_PARAMS][PC_MAX_PARAMS] = {{0}};

	dzz[0][1] = dzz[1][0] = 1 / (s * s);
	dzz[1][1] = 2 * z / (s * s);
	pci_norm_tails(z, dz, dzz, 2, order, t);
}

void pci_norm_tails(double z, const double *dz,
                    double dzz[PC_MAX_PARAMS][PC_MAX_PARAMS], int k, int order,
                    pci_tails *t)
{
	int upper = z > 0;
	double la = pci_norm_logq(upper ? z : -z);
	double h = exp(-0.5 * z * z - LOG_SQRT_2PI - la);
	double a1 = upper ? -h : h, a2 = upper ? -h * (h - z) : -h * (h + z);
	double *g = upper ? t->gs : t->gf;
	double (*hh)[PC_MAX_PARAMS] = upper ? t->hs : t->hf;

	if (upper)
		t->ls = la;
	else
		t->lf = la;
	for (int i = 0; order >= 1 && i < k; i++) {
		g[i] = a1 * dz[i];
		for (int j = 0; order >= 2 && j < k; j++)
			hh[i][j] = a2 * dz[i] * dz[j] + a1 * dzz[i][j];
	}
	pci_tails_other(t, k, upper, order);
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

/* The normal tails of log x: z = (log x - m) / s, dz/dm = -1/s,
 * dz/ds = -z/s, d2z/dm ds = 1/s^2, d2z/ds2 = 2 z / s^2. */
static void ln_tails(const double *p, const double *x, size_t n, int order,
                     pci_tails *out)
{
	double s = p[1];

	for (size_t i = 0; i < n; i++) {
		if (x[i] <= 0) {
			memset(out + i, 0, sizeof *out);
			out[i].lf = -INFINITY;
			continue;
		}
		pci_loc_scale_tails((log(x[i]) - p[0]) / s, s, order, out + i);
	}
}

const pci_fitops pci_lognormal_fit = {
	.family = &pci_lognormal,
	.loglik = ln_loglik,
	.start = ln_start,
	.mle = ln_mle,
	.logparam = 2u,
	.tails = ln_tails,
	.hessian = ln_hessian,
};
