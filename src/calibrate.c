/*
 * calibrate.c - a Beta recalibration map learned from the PIT values of
 * past forecasts, shrunk toward no correction (see calibrate.h for the
 * model and the prior).
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_sf_psi.h>

#include <precedent/calibrate.h>

#include "plan_internal.h"

/* Parameters are kept in a box: a PIT set all at one value drives the
 * maximum likelihood to the edge of the parameter space (a point mass),
 * where the incomplete beta function is no longer worth computing. */
#define PMIN 1e-3
#define PMAX 1e3

void pc_calib_sums_add(pc_calib_sums *s, double u)
{
	if (isnan(u))
		return;
	if (u < PC_CALIB_EPS)
		u = PC_CALIB_EPS;
	if (u > 1 - PC_CALIB_EPS)
		u = 1 - PC_CALIB_EPS;
	s->n++;
	s->slog += log(u);
	s->slog1m += log1p(-u);
}

void pc_calib_identity(pc_calib *c, double prior)
{
	c->a = c->b = 1;
	c->n = 0;
	c->prior = prior;
	c->shrinkage = 1;
}

/* The log posterior of (a, b), up to a constant: N data (real and
 * pseudo) with log sums s1, s2. */
static double logpost(double a, double b, double N, double s1, double s2)
{
	return -N * gsl_sf_lnbeta(a, b) + (a - 1) * s1 + (b - 1) * s2;
}

int pc_calib_fit_sums(const pc_calib_sums *s, double prior, pc_calib *out,
                      pc_error *err)
{
	double N, s1, s2, a = 1, b = 1, f;

	if (!isfinite(prior) || prior < 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "the calibration prior must be a non-negative number");
	pc_calib_identity(out, prior);
	if (s->n == 0)
		return PC_OK;
	/* A uniform pseudo-PIT has E[log U] = E[log (1 - U)] = -1. */
	N = (double)s->n + prior;
	s1 = s->slog - prior;
	s2 = s->slog1m - prior;
	f = logpost(a, b, N, s1, s2);
	/*
	 * The Beta family is exponential in (a, b) with sufficient
	 * statistics (log u, log (1 - u)), so the log posterior is concave
	 * and Newton's method, halving its step when it overshoots or leaves
	 * the box, finds its one maximum from the identity.
	 */
	for (int it = 0; it < 200; it++) {
		double pab = gsl_sf_psi(a + b), tab = gsl_sf_psi_1(a + b);
		double ga = -N * (gsl_sf_psi(a) - pab) + s1;
		double gb = -N * (gsl_sf_psi(b) - pab) + s2;
		double haa = -N * (gsl_sf_psi_1(a) - tab), hbb = -N * (gsl_sf_psi_1(b) - tab);
		double hab = N * tab, det = haa * hbb - hab * hab;
		double da, db, t = 1, fn = f, na = a, nb = b;

		if (fabs(ga) * a + fabs(gb) * b < 1e-10 * N)
			break;
		if (!(det > 0)) /* cannot happen for N > 0; be safe */
			return pc_error_set(err, PC_ENUMERIC, NULL, 0,
			                    "the calibration map could not be fitted");
		/* step = -H^-1 g */
		da = -(hbb * ga - hab * gb) / det;
		db = -(haa * gb - hab * ga) / det;
		for (int k = 0; k < 60; k++, t /= 2) {
			na = a + t * da;
			nb = b + t * db;
			if (na < PMIN || nb < PMIN || na > PMAX || nb > PMAX)
				continue;
			fn = logpost(na, nb, N, s1, s2);
			if (fn >= f)
				break;
		}
		if (!(fn >= f) || na < PMIN || nb < PMIN || na > PMAX || nb > PMAX)
			break; /* at the box's edge, or no better step: done */
		if (fabs(na - a) < 1e-12 * a && fabs(nb - b) < 1e-12 * b) {
			a = na;
			b = nb;
			break;
		}
		a = na;
		b = nb;
		f = fn;
	}
	if (!isfinite(a) || !isfinite(b))
		return pc_error_set(err, PC_ENUMERIC, NULL, 0,
		                    "the calibration map could not be fitted");
	out->a = a;
	out->b = b;
	out->n = s->n;
	out->shrinkage = prior / N;
	return PC_OK;
}

int pc_calib_fit(const double *u, size_t m, double prior, pc_calib *out,
                 pc_error *err)
{
	pc_calib_sums s = {0, 0, 0};

	for (size_t i = 0; i < m; i++)
		pc_calib_sums_add(&s, u[i]);
	return pc_calib_fit_sums(&s, prior, out, err);
}

double pc_calib_map(const pc_calib *c, double u)
{
	if (!(u > 0))
		return 0;
	if (!(u < 1))
		return 1;
	if (c->a == 1 && c->b == 1)
		return u;
	return gsl_cdf_beta_P(u, c->a, c->b);
}

double pc_calib_inverse(const pc_calib *c, double p)
{
	double lo = 0, hi = 1;

	if (!(p > 0))
		return 0;
	if (!(p < 1))
		return 1;
	if (c->a == 1 && c->b == 1)
		return p;
	/* Bisection rather than gsl_cdf_beta_Pinv: G is monotone, so it
	 * cannot fail, and it never reaches GSL's error handler. */
	while (hi - lo > 1e-12) {
		double mid = (lo + hi) / 2;
		if (pc_calib_map(c, mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

void pc_calib_table(const pc_calib *c, double g[9])
{
	for (int l = 0; l < 9; l++)
		g[l] = pc_calib_map(c, (l + 1) / 10.0);
}

int pc_calib_learn(const pc_history *h, const pc_backtest_options *bo,
                   pc_day before, double prior, pc_calib *out,
                   size_t *nforecasts, pc_error *err)
{
	pc_backtest_options o;
	pc_backtest *b = NULL;
	pc_calib_sums s = {0, 0, 0};
	int rc;

	if (bo)
		o = *bo;
	else
		pc_backtest_options_init(&o);
	o.calibrate = 0; /* the raw PIT values are what the map is learned from */
	if ((rc = pc_backtest_run(h, NULL, &o, &b, err)))
		return rc;
	for (size_t r = 0; r < b->nrows; r++)
		if (b->rows[r].actual < before)
			pc_calib_sums_add(&s, b->rows[r].pit);
	if (nforecasts)
		*nforecasts = b->nforecasts;
	pc_backtest_free(&b);
	return pc_calib_fit_sums(&s, prior, out, err);
}

/* The smallest offset whose F reaches level p (as the plan's dates are
 * read off the histogram). */
static long cdf_quantile(const pci_release_cdf *cdf, double p)
{
	for (size_t i = 0; i < cdf->n; i++)
		if (cdf->cdf[i] >= p - 1e-12)
			return cdf->base + (long)i;
	return cdf->base + (long)cdf->n - 1;
}

/* The Monte Carlo standard error of the level-p quantile q, as the
 * plan's (sim.c): sqrt(p (1 - p) / n) / f, f the density over a window of
 * an eighth of the interquartile range each side. */
static double cdf_se(const pci_release_cdf *cdf, uint64_t n, double p)
{
	long q = cdf_quantile(cdf, p);
	long w = (cdf_quantile(cdf, 0.75) - cdf_quantile(cdf, 0.25)) / 8;
	double f;

	if (w < 1)
		w = 1;
	f = (pci_release_cdf_at(cdf, q + w) - pci_release_cdf_at(cdf, q - w - 1)) /
	    (double)(2 * w + 1);
	if (n == 0 || !(f > 0))
		return INFINITY;
	return sqrt(p * (1 - p) / (double)n) / f;
}

int pc_calib_plan_run(const pc_plan_model *pm, const pc_plan_options *o,
                      const pc_calib *c, pc_plan **out, pc_error *err)
{
	pci_release_cdf cdf = {0, 0, 0, NULL};
	pc_plan *p;
	int rc;

	*out = NULL;
	if (o && o->ci)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "confidence intervals are of the raw plan: they "
		                    "cannot be recalibrated");
	if ((rc = pci_plan_run_cdf(pm, o, &p, &cdf, err)))
		return rc;
	if (c && !(c->a == 1 && c->b == 1)) {
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			double lv = pc_calib_inverse(c, pc_plan_pct[q]);
			long x = cdf_quantile(&cdf, lv);
			p->finish.day[q] = pc_calendar_day(o ? o->calendar : NULL, cdf.k0 + x);
			p->finish.se[q] = p->iterations >= 100 ?
			                  cdf_se(&cdf, p->iterations, lv) : NAN;
			if (p->iterations >= 100 && p->finish.se[q] > p->max_se)
				p->max_se = p->finish.se[q];
		}
		rc = pci_check_days(p->finish.day, PC_PLAN_NPCT, "the release", err);
	}
	pci_release_cdf_free(&cdf);
	if (rc)
		pc_plan_free(&p);
	*out = p;
	return rc;
}
