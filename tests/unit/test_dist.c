/* test_dist.c - the family table against scipy.stats and closed forms.
 *
 * tests/ref/dist_values.csv holds logpdf, cdf, logsf and quantile values
 * from scipy.stats 1.10.1 (tests/ref/dist_values.py) at points from the
 * body to far into both tails.  Tolerances: GSL and scipy both aim at
 * double precision, but the incomplete gamma, erfc and quantile inversions
 * agree only to about 1e-12 relative, so values are checked to 1e-9
 * relative (plus 1e-12 absolute for probabilities near 0). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include <precedent/dist.h>

#include "fit_internal.h"

static int close_to(double got, double want, double rel, double abs_tol)
{
	if (isinf(want))
		return got == want;
	return fabs(got - want) <= abs_tol + rel * fabs(want);
}

static void check(const char *what, const char *fam, double x, double got,
                  double want, double rel, double abs_tol)
{
	if (!close_to(got, want, rel, abs_tol))
		fail_msg("%s %s at %.17g: got %.17g, scipy %.17g", fam, what, x,
		         got, want);
}

static void test_against_scipy(void **state)
{
	char path[4096], line[1024], fam[32];
	const char *top = getenv("top_srcdir");
	FILE *f;
	int rows = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/ref/dist_values.csv", top ? top : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		double p[2], x, lpdf, cdf, lsf, u, q;
		const pc_family *fm;

		assert_int_equal(sscanf(line, "%31[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf",
		                        fam, &p[0], &p[1], &x, &lpdf, &cdf, &lsf, &u, &q), 9);
		fm = pc_family_find(fam);
		assert_non_null(fm);
		assert_true(fm->valid(p));
		check("logpdf", fam, x, fm->logpdf(x, p), lpdf, 1e-9, 1e-12);
		check("cdf", fam, x, fm->cdf(x, p), cdf, 1e-9, 1e-12);
		check("logsf", fam, x, fm->logsf(x, p), lsf, 1e-9, 1e-12);
		check("sf", fam, x, pc_family_sf(fm, x, p), exp(lsf), 1e-9, 1e-300);
		check("quantile", fam, u, fm->quantile(u, p), q, 1e-8, 1e-12);
		/* the inverse survival function agrees with the quantile */
		check("isf", fam, u, pci_family_isf(fm, log1p(-u), p), q, 1e-8, 1e-12);
		rows++;
	}
	fclose(f);
	assert_true(rows >= 150);
}

/* Closed forms: S(x) = exp(-rate x); weibull S = exp(-(x/l)^k);
 * loglogistic median = scale, S = 1 / (1 + (x/s)^k). */
static void test_closed_forms(void **state)
{
	const pc_family *e = pc_family_find("Exponential");
	const pc_family *w = pc_family_find("weibull");
	const pc_family *l = pc_family_find("LOGLOGISTIC");
	double pe[] = {0.1}, pw[] = {2.0, 10.0}, pl[] = {4.0, 7.0};

	(void)state;
	assert_non_null(e);
	assert_null(pc_family_find("pareto"));
	assert_null(pc_family_find(NULL));
	assert_string_equal(pc_families[0]->name, "exponential");
	assert_string_equal(pc_families[5]->name, "normal");
	assert_null(pc_families[6]);
	assert_true(close_to(e->logsf(1000, pe), -100, 1e-15, 0));
	assert_true(close_to(w->logsf(1000, pw), -10000, 1e-15, 0));
	assert_true(close_to(l->quantile(0.5, pl), 7.0, 1e-15, 0));
	assert_true(close_to(l->cdf(14, pl), 16.0 / 17.0, 1e-15, 0));
	/* far tails stay finite and exact where 1 - cdf would be 0 */
	assert_true(close_to(l->logsf(7e10, pl), -4 * log(1e10), 1e-12, 0));
	assert_true(w->cdf(-1, pw) == 0 && w->logsf(0, pw) == 0);
	assert_true(isinf(w->logpdf(-1, pw)) && w->logpdf(-1, pw) < 0);
	assert_false(w->valid((double[]){-1, 3}));
	assert_false(w->valid((double[]){NAN, 3}));
	assert_false(e->valid((double[]){0}));
	/* gamma survival underflows in GSL far out; ours follows the
	 * asymptotic series: shape 1 is exponential, log S = -x / scale */
	assert_true(close_to(pc_family_find("gamma")->logsf(5000, (double[]){1, 2}),
	                     -2500, 1e-12, 0));
	assert_true(close_to(pc_family_find("normal")->logsf(50, (double[]){0, 1}),
	                     -1254.8313611394199, 1e-9, 0)); /* scipy norm.logsf(50) */
}

/* Draws: sample means within 5 standard errors of the true mean, and
 * conditional draws never fall below the elapsed time. */
static void test_draws(void **state)
{
	static const struct { const char *f; double p[2]; double mean, sd; } ref[] = {
		{"exponential", {0.25, 0}, 4, 4},
		{"gamma", {3, 2}, 6, 3.4641016151377544},
		{"weibull", {2, 10}, 8.862269254527579, 4.632513751761044},
		{"lognormal", {1, 0.5}, 3.0802168489180310, 1.6415718}, /* exp(mu+s^2/2) */
		{"loglogistic", {5, 10}, 10.68959332115595, 4.226491996450847}, /* scipy fisk */
		{"normal", {20, 3}, 20, 3},
	};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const int n = 200000;

	(void)state;
	gsl_rng_set(r, 42);
	for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
		const pc_family *f = pc_family_find(ref[i].f);
		double sum = 0;
		for (int j = 0; j < n; j++)
			sum += f->draw(r, ref[i].p);
		if (fabs(sum / n - ref[i].mean) > 5 * ref[i].sd / sqrt(n))
			fail_msg("%s: mean %g, expected %g", ref[i].f, sum / n, ref[i].mean);
		for (int j = 0; j < 1000; j++) {
			double e = 0.5 * ref[i].mean + j * 0.01 * ref[i].sd;
			double x = pc_family_draw_given(f, r, ref[i].p, e);
			assert_true(x >= e);
			assert_true(isfinite(x));
		}
	}
	/* remaining life of an exponential is memoryless: mean 4 beyond 100 */
	{
		const pc_family *f = pc_family_find("exponential");
		double sum = 0, p[] = {0.25};
		for (int j = 0; j < n; j++)
			sum += pc_family_draw_given(f, r, p, 100) - 100;
		assert_true(fabs(sum / n - 4) < 5 * 4 / sqrt(n));
	}
	gsl_rng_free(r);
}

/* Remaining life far in the tail, where 1 - cdf(elapsed) rounds to 0:
 * exponential is memoryless (mean 1/rate beyond any elapsed); for a
 * Weibull, (X/l)^k - (e/l)^k given X > e is Exp(1); a gamma's tail
 * approaches an exponential of mean scale (times 1 + (a-1) scale / e to
 * first order).  Means within 5 standard errors. */
static void test_far_tail(void **state)
{
	const pc_family *e = pc_family_find("exponential"), *w = pc_family_find("weibull");
	const pc_family *g = pc_family_find("gamma"), *ln = pc_family_find("lognormal");
	const pc_family *n = pc_family_find("normal"), *ll = pc_family_find("loglogistic");
	double pe[] = {0.25}, pw[] = {2, 10}, pg[] = {3, 2}, pln[] = {1, 0.5};
	double pn[] = {10, 2}, pll[] = {3, 5};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const int m = 100000;
	double se = 0, sw = 0, sg = 0;

	(void)state;
	gsl_rng_set(r, 5);
	assert_true(e->logsf(1000, pe) < -240); /* S = e^-250 */
	for (int i = 0; i < m; i++) {
		double x = pc_family_draw_given(e, r, pe, 1000);
		double y = pc_family_draw_given(w, r, pw, 100); /* S = e^-100 */
		double z = pc_family_draw_given(g, r, pg, 400); /* S ~ e^-190 */
		assert_true(x > 1000 && y > 100 && z > 400);
		se += x - 1000;
		sw += (y / 10) * (y / 10) - 100;
		sg += z - 400;
	}
	assert_true(fabs(se / m - 4) < 5 * 4 / sqrt(m));
	assert_true(fabs(sw / m - 1) < 5 * 1 / sqrt(m));
	assert_true(fabs(sg / m - 2 * (1 + 2 * 2 / 400.0)) < 5 * 2 / sqrt(m) + 0.002);
	for (int i = 0; i < 1000; i++) {
		double a = pc_family_draw_given(ln, r, pln, 1e4);  /* z = 17.4 */
		double b = pc_family_draw_given(n, r, pn, 80);     /* z = 35 */
		double c = pc_family_draw_given(ll, r, pll, 1e9);
		assert_true(isfinite(a) && a > 1e4 && a < 2e4);
		assert_true(isfinite(b) && b > 80 && b < 81);
		assert_true(isfinite(c) && c > 1e9);
	}
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_scipy),
		cmocka_unit_test(test_closed_forms),
		cmocka_unit_test(test_draws),
		cmocka_unit_test(test_far_tail),
	};
	return cmocka_run_group_tests_name("dist", tests, NULL, NULL);
}
