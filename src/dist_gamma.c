/*
 * dist_gamma.c - gamma durations, parameters {shape, scale} (scale in days).
 *
 * Uncensored, the log-likelihood depends on the data only through n,
 * sum x and sum log x, so an iteration costs O(1); each censored duration
 * adds log Q(shape, c / scale), whose derivative in the shape is summed
 * alongside it (logq_da); only its second derivative in the shape is a
 * difference (g_hessian).
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include "fit_internal.h"

static const char *const names[] = {"shape", "scale", NULL};

static double g_logpdf(double x, const double *p)
{
	if (x < 0)
		return -INFINITY;
	if (x == 0)
		return p[0] < 1 ? INFINITY : p[0] == 1 ? -log(p[1]) : -INFINITY;
	return (p[0] - 1) * log(x) - x / p[1] - gsl_sf_lngamma(p[0]) -
	       p[0] * log(p[1]);
}

/*
 * log P(a, x) and log Q(a, x), the regularised incomplete gamma
 * functions, computed here rather than by GSL: GSL reports underflow and
 * non-convergence through its error handler, which aborts the process by
 * default, and a fit wanders far into the tails.  Below x = a + 1 the
 * power series for P converges fast, above it the continued fraction for
 * Q (modified Lentz); both are summed in log space, so neither underflows,
 * and the other tail is taken as log(-expm1(.)), which is accurate there
 * because that tail is not small.
 */
static void logpq(double a, double lga, double x, double *lp, double *lq);

void pci_gamma_logpq(double a, double x, double *lp, double *lq)
{
	/* Goodness of fit and the quantile solver call this at one shape
	 * for a million x: keep the last log Gamma(a), per thread. */
	static _Thread_local double last_a = -1, last_lga;

	if (a != last_a) {
		last_lga = gsl_sf_lngamma(a);
		last_a = a;
	}
	logpq(a, last_lga, x, lp, lq);
}

/* The same with lga = log Gamma(a) given: the likelihoods evaluate many
 * x at one shape, and lngamma was a fifth of each evaluation. */
static double logq_lga(double a, double lga, double x)
{
	double lp, lq;

	logpq(a, lga, x, &lp, &lq);
	return lq;
}

static void logpq(double a, double lga, double x, double *lp, double *lq)
{
	double lead;

	if (!(x > 0)) {
		*lp = -INFINITY;
		*lq = 0;
		return;
	}
	lead = a * log(x) - x - lga;
	if (x < a + 1) {
		double term = 1.0 / a, sum = term;
		for (int k = 1; k < 100000; k++) {
			term *= x / (a + k);
			sum += term;
			if (term < sum * 1e-17)
				break;
		}
		*lp = lead + log(sum);
		*lq = *lp < -0.693 ? log1p(-exp(*lp)) : log(-expm1(*lp));
	} else {
		const double tiny = 1e-300;
		double b = x + 1 - a, c = 1 / tiny, d = 1 / b, h = d;
		for (int i = 1; i < 100000; i++) {
			double an = -i * (i - a), del;
			b += 2;
			d = an * d + b;
			if (fabs(d) < tiny)
				d = tiny;
			c = b + an / c;
			if (fabs(c) < tiny)
				c = tiny;
			d = 1 / d;
			del = d * c;
			h *= del;
			if (fabs(del - 1) < 1e-16)
				break;
		}
		*lq = lead + log(h);
		*lp = *lq < -0.693 ? log1p(-exp(*lq)) : log(-expm1(*lq));
	}
}

/*
 * log Q(a, x) in *lq and its derivative in the shape a, returned: the
 * loops of logpq carried forward in a (lga = log Gamma(a), psi = its
 * derivative).  Below x = a + 1, P = lead S with S = sum t_k, t_0 = 1/a,
 * t_k = t_(k-1) x / (a + k), so dt_k/da = t_k D_k with D_k = D_(k-1) -
 * 1/(a + k), D_0 = -1/a; then d log P/da = log x - psi + S'/S and
 * d log Q/da = -(P/Q) d log P/da.  Above it, Q = lead h with h the
 * continued fraction, and every quantity of the Lentz recurrence carries
 * its derivative (b' = -1, a_i' = i), until both h and h' have settled.
 * A censored gamma's gradient took three incomplete gammas per running
 * duration by central differences; this is one.
 */
static double logq_da(double a, double lga, double psi, double x, double *lq)
{
	double lead, lx;

	if (!(x > 0)) {
		*lq = 0;
		return 0;
	}
	lx = log(x);
	lead = a * lx - x - lga;
	if (x < a + 1) {
		double term = 1.0 / a, dk = -1.0 / a, sum = term, dsum = term * dk;
		double lp, dlp;

		for (int k = 1; k < 100000; k++) {
			term *= x / (a + k);
			dk -= 1.0 / (a + k);
			sum += term;
			dsum += term * dk;
			if (term < sum * 1e-17)
				break;
		}
		lp = lead + log(sum);
		dlp = lx - psi + dsum / sum;
		*lq = lp < -0.693 ? log1p(-exp(lp)) : log(-expm1(lp));
		return -exp(lp - *lq) * dlp;
	} else {
		const double tiny = 1e-300;
		double b = x + 1 - a, c = 1 / tiny, dc = 0;
		double d = 1 / b, dd = 1 / (b * b), h = d, dh = dd;

		for (int i = 1; i < 100000; i++) {
			double an = -i * (i - a), dan = i, nd, dnd, nc, dnc, del, ddel;

			b += 2; /* db/da stays -1 */
			nd = an * d + b;
			dnd = dan * d + an * dd - 1;
			if (fabs(nd) < tiny) {
				nd = tiny;
				dnd = 0;
			}
			nc = b + an / c;
			dnc = -1 + (dan * c - an * dc) / (c * c);
			if (fabs(nc) < tiny) {
				nc = tiny;
				dnc = 0;
			}
			d = 1 / nd;
			dd = -dnd / (nd * nd);
			c = nc;
			dc = dnc;
			del = d * c;
			ddel = dd * c + d * dc;
			dh = dh * del + h * ddel;
			h *= del;
			if (fabs(del - 1) < 1e-16 && fabs(h * ddel) <= 1e-16 * fabs(dh))
				break;
		}
		*lq = lead + log(h);
		return lx - psi + dh / h;
	}
}

double pci_gamma_logq(double a, double z)
{
	double lp, lq;

	pci_gamma_logpq(a, z, &lp, &lq);
	return lq;
}

/*
 * Solve for x = e^y in gamma(a, 1): log P(a, x) = target (upper = 0) or
 * log Q(a, x) = target (upper = 1), so both tails keep their precision.
 * Newton steps on y, kept inside a bracket that bisection falls back on,
 * started from Wilson-Hilferty, or from P ~ x^a / Gamma(a + 1) near zero
 * for small shapes.
 */
static double gamma_solve(double a, int upper, double target)
{
	double lga = gsl_sf_lngamma(a), lo = -INFINITY, hi = INFINITY, y;
	double lu = upper ? log(-expm1(target)) : target; /* log P */
	double pu = exp(lu), t;

	t = pu > 0 && pu < 1
	    ? 1 - 1 / (9 * a) + gsl_cdf_ugaussian_Pinv(pu) / (3 * sqrt(a)) : 0;
	if (a < 1 || t <= 0.05)
		y = (lu + gsl_sf_lngamma(a + 1)) / a;
	else
		y = log(a) + 3 * log(t);
	if (upper && target < -30) /* far upper tail: Q ~ x^(a-1) e^-x / Gamma(a) */
		y = log(fmax(a, -target + (a - 1) * log(-target) - lga));
	for (int it = 0; it < 300; it++) {
		double x = exp(y), lp, lq, g, dg, ny;

		pci_gamma_logpq(a, x, &lp, &lq);
		/* g increases with y in both cases */
		g = upper ? target - lq : lp - target;
		dg = exp(a * y - x - lga - (upper ? lq : lp));
		if (g == 0)
			break;
		if (g < 0)
			lo = y;
		else
			hi = y;
		ny = y - g / dg;
		if (!(ny > lo && ny < hi)) {
			if (isfinite(lo) && isfinite(hi))
				ny = 0.5 * (lo + hi);
			else
				ny = g < 0 ? y + 2 : y - 2;
		}
		if (fabs(ny - y) <= 1e-15 * fmax(1, fabs(y))) {
			y = ny;
			break;
		}
		y = ny;
	}
	return exp(y);
}

static double gamma_quantile(double a, double u)
{
	return u > 0.5 ? gamma_solve(a, 1, log1p(-u)) : gamma_solve(a, 0, log(u));
}

double pci_gamma_isf(double a, double logs)
{
	return logs < -0.693 ? gamma_solve(a, 1, logs)
	                     : gamma_solve(a, 0, log(-expm1(logs)));
}

static double g_cdf(double x, const double *p)
{
	double lp, lq;

	if (x <= 0)
		return 0;
	pci_gamma_logpq(p[0], x / p[1], &lp, &lq);
	return lp < -0.693 ? exp(lp) : -expm1(lq);
}

static double g_logsf(double x, const double *p)
{
	if (x <= 0)
		return 0;
	return pci_gamma_logq(p[0], x / p[1]);
}

static double g_quantile(double u, const double *p)
{
	if (u <= 0)
		return 0;
	if (u >= 1)
		return INFINITY;
	return p[1] * gamma_quantile(p[0], u);
}

static double g_draw(const gsl_rng *r, const double *p)
{
	return gsl_ran_gamma(r, p[0], p[1]);
}

static int g_valid(const double *p)
{
	return isfinite(p[0]) && isfinite(p[1]) && p[0] > 0 && p[1] > 0;
}

const pc_family pci_gamma = {
	.name = "gamma",
	.nparams = 2,
	.param_names = names,
	.positive = 1,
	.logpdf = g_logpdf,
	.cdf = g_cdf,
	.logsf = g_logsf,
	.quantile = g_quantile,
	.draw = g_draw,
	.valid = g_valid,
};

static double g_loglik(const double *p, const pci_sample *s, double *grad)
{
	double a = p[0], b = p[1], ne = s->ne;
	double lgb = log(b), lga = gsl_sf_lngamma(a);
	double ll = (a - 1) * s->slx - s->sx / b - ne * lga - ne * a * lgb;
	double da = 0, db = 0, psi = 0;

	if (grad) {
		psi = gsl_sf_psi(a);
		da = s->slx - ne * psi - ne * lgb;
		db = s->sx / (b * b) - ne * a / b;
	}
	for (size_t i = 0; i < s->ndc; i++) {
		double z = s->dxc[i] / b, lq, w = PCI_W(s->dwc, i);

		if (z <= 0)
			continue;
		if (!grad) {
			ll += w * logq_lga(a, lga, z);
			continue;
		}
		da += w * logq_da(a, lga, psi, z, &lq);
		ll += w * lq;
		/* dQ/dz = -z^(a-1) e^-z / Gamma(a), dz/db = -z/b */
		db += w * exp(a * log(z) - z - lga - lgb - lq);
	}
	if (grad) {
		grad[0] = da;
		grad[1] = db;
	}
	return ll;
}

/*
 * Second derivatives.  Finished durations, in closed form:
 *   d2/da2 = -nev psi1(a),  d2/da db = -nev / b,
 *   d2/db2 = nev a / b^2 - 2 sum x / b^3.
 * A censored duration adds L = log Q(a, z), z = c / b.  With
 * r = z f(z) / Q (f the gamma(a, 1) density), d/db L = r / b, and since
 * dr/dz = r (a - z + r) / z:
 *   d2/db2 L = -r (a - z + r + 1) / b^2,
 *   d2/da db L = (r / b) (log z - psi(a) - d/da L).
 * d/da L is logq_da's series; d2/da2 L, which has no closed form, is
 * a central difference of it of step 1e-4 a (truncation error ~1e-8
 * relative, rounding ~1e-12): the Hessian only shapes Newton's steps and
 * the standard errors, so 1e-8 is ample.
 */
static void g_hessian(const double *p, const pci_sample *s,
                      double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double a = p[0], b = p[1], ne = s->ne;
	double lga = gsl_sf_lngamma(a), psi = gsl_sf_psi(a), step = 1e-4 * a;
	double lgp = gsl_sf_lngamma(a + step), lgm = gsl_sf_lngamma(a - step);
	double psp = gsl_sf_psi(a + step), psm = gsl_sf_psi(a - step);
	double haa = -ne * gsl_sf_psi_1(a), hab = -ne / b;
	double hbb = ne * a / (b * b) - 2 * s->sx / (b * b * b);

	for (size_t i = 0; i < s->ndc; i++) {
		double z = s->dxc[i] / b, w = PCI_W(s->dwc, i), lq, lqp, lqm, r, la;
		double dp, dm;

		if (z <= 0)
			continue;
		la = logq_da(a, lga, psi, z, &lq);
		dp = logq_da(a + step, lgp, psp, z, &lqp);
		dm = logq_da(a - step, lgm, psm, z, &lqm);
		r = exp(a * log(z) - z - lga - lq);
		haa += w * (dp - dm) / (2 * step);
		hab += w * r / b * (log(z) - psi - la);
		hbb -= w * r * (a - z + r + 1) / (b * b);
	}
	h[0][0] = haa;
	h[0][1] = h[1][0] = hab;
	h[1][1] = hbb;
}

/* Minka's closed-form approximation to the shape MLE from
 * s = log(mean) - mean(log x), within 1.5% of it. */
static void g_start(const pci_sample *s, double *p)
{
	double m = s->sx / s->ne;
	double d = log(m) - s->slx / s->ne;

	if (!(d > 1e-12))
		d = 1e-12;
	p[0] = (3 - d + sqrt((d - 3) * (d - 3) + 24 * d)) / (12 * d);
	p[1] = m / p[0];
}

/*
 * The tails at z = x / scale, from the loops of logpq carried forward to
 * second derivatives in the shape a.  Below z = a + 1, P = lead S with
 * lead = a log z - z - log Gamma(a), S = sum t_k, t_0 = 1/a,
 * t_k = t_(k-1) z / (a + k): dt_k/da = t_k D_k and d2t_k/da2 =
 * t_k (D_k^2 + E_k), with D_k = -sum_(j<=k) 1/(a + j) and E_k =
 * sum_(j<=k) 1/(a + j)^2, all terms of one sign, so no sum cancels.
 * Above it, Q = lead h with h the continued fraction (modified Lentz),
 * and each quantity of the recurrence carries its first and second
 * derivatives in a (b' = -1, a_i' = i, both second derivatives 0).
 * With T the tail so found and r = e^lead / T (= 1/S or 1/h):
 *   d log T / da   = log z - psi(a) + T'/T (S'/S or h'/h),
 *   d2 log T / da2 = -psi1(a) + T''/T - (T'/T)^2,
 * and in the scale b, since d(z f(z))/dz = f(z) (a - z) for the gamma(a,
 * 1) density f, with s = -1 for P and +1 for Q:
 *   d log T / db      = s r / b,
 *   d2 log T / db2    = -s (r / b^2) (a - z + s r + 1),
 *   d2 log T / da db  = s (r / b) (log z - psi(a) - d log T / da).
 * The other tail follows (pci_tails_other).  One loop a point, where the
 * shape's derivative by differences took three incomplete gammas and
 * three log Gammas.
 */
static void g_tails(const double *p, const double *x, size_t n, int order,
                    pci_tails *out)
{
	double a = p[0], b = p[1], lga = gsl_sf_lngamma(a);
	double psi = order >= 1 ? gsl_sf_psi(a) : 0;
	double psi1 = order >= 2 ? gsl_sf_psi_1(a) : 0;

	for (size_t i = 0; i < n; i++) {
		pci_tails *t = out + i;
		double z = x[i] / b, lz, lead, l, t1, t2, r, sg, da;
		int upper;

		if (!(z > 0)) {
			memset(t, 0, sizeof *t);
			t->lf = -INFINITY;
			continue;
		}
		lz = log(z);
		lead = a * lz - z - lga;
		if (z < a + 1) {
			double term = 1.0 / a, dk = -1.0 / a, ek = 1.0 / (a * a);
			double sum = term, s1 = term * dk, s2 = term * (dk * dk + ek);

			for (int k = 1; k < 100000; k++) {
				double ak = 1.0 / (a + k);
				term *= z * ak;
				dk -= ak;
				ek += ak * ak;
				sum += term;
				s1 += term * dk;
				s2 += term * (dk * dk + ek);
				if (term < sum * 1e-17 && term * fabs(dk) < fabs(s1) * 1e-17 &&
				    term * (dk * dk + ek) < s2 * 1e-17)
					break;
			}
			upper = 0;
			l = lead + log(sum);
			t1 = s1 / sum;
			t2 = s2 / sum;
			r = 1 / sum;
		} else {
			const double tiny = 1e-300;
			double bb = z + 1 - a, c = 1 / tiny, c1 = 0, c2 = 0;
			double d = 1 / bb, d1 = d * d, d2 = 2 * d * d * d;
			double h = d, h1 = d1, h2 = d2;

			for (int k = 1; k < 100000; k++) {
				double an = -k * (k - a), an1 = k, nd, nd1, nd2, nc, nc1, nc2;
				double ic, id, del, del1, del2;

				bb += 2;
				nd = an * d + bb;
				nd1 = an1 * d + an * d1 - 1;
				nd2 = 2 * an1 * d1 + an * d2;
				if (fabs(nd) < tiny) {
					nd = tiny;
					nd1 = nd2 = 0;
				}
				ic = 1 / c;
				nc = bb + an * ic;
				nc1 = -1 + an1 * ic - an * c1 * ic * ic;
				nc2 = -2 * an1 * c1 * ic * ic - an * c2 * ic * ic +
				      2 * an * c1 * c1 * ic * ic * ic;
				if (fabs(nc) < tiny) {
					nc = tiny;
					nc1 = nc2 = 0;
				}
				id = 1 / nd;
				d = id;
				d1 = -nd1 * id * id;
				d2 = -nd2 * id * id + 2 * nd1 * nd1 * id * id * id;
				c = nc;
				c1 = nc1;
				c2 = nc2;
				del = d * c;
				del1 = d1 * c + d * c1;
				del2 = d2 * c + 2 * d1 * c1 + d * c2;
				h2 = h2 * del + 2 * h1 * del1 + h * del2;
				h1 = h1 * del + h * del1;
				h *= del;
				if (fabs(del - 1) < 1e-16 &&
				    fabs(h * del1) <= 1e-16 * fabs(h1) &&
				    fabs(h * del2 + 2 * h1 * del1) <=
				    1e-16 * (fabs(h2) + h1 * h1 / fabs(h)))
					break;
			}
			upper = 1;
			l = lead + log(h);
			t1 = h1 / h;
			t2 = h2 / h;
			r = 1 / h;
		}
		if (upper)
			t->ls = l;
		else
			t->lf = l;
		if (order >= 1) {
			double *g = upper ? t->gs : t->gf;
			double (*hh)[PC_MAX_PARAMS] = upper ? t->hs : t->hf;

			sg = upper ? 1 : -1;
			da = lz - psi + t1;
			g[0] = da;
			g[1] = sg * r / b;
			if (order >= 2) {
				hh[0][0] = -psi1 + t2 - t1 * t1;
				hh[0][1] = hh[1][0] = sg * r / b * (lz - psi - da);
				hh[1][1] = -sg * r / (b * b) * (a - z + sg * r + 1);
			}
		}
		pci_tails_other(t, 2, upper, order);
	}
}

const pci_fitops pci_gamma_fit = {
	.family = &pci_gamma,
	.loglik = g_loglik,
	.start = g_start,
	.mle = NULL,
	.logparam = 3u,
	.tails = g_tails,
	.hessian = g_hessian,
};
