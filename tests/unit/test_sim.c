/* test_sim.c - the Monte Carlo engine against closed forms.
 *
 * References: a phase of D whole days, D = round(X) (at least 1), has
 * P(D <= k) = F(k + 0.5); phases in parallel finish at the max, whose CDF
 * is the product of theirs; perfectly correlated copies finish together.
 * Tolerances: one day where a sample quantile can sit on either side of a
 * CDF step, and the standard-error check allows +-50% (30 replicates give
 * the sd to about 13%, so 50% is beyond 3 sd). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

#include "plan_internal.h"

static const double pct[4] = {0.10, 0.50, 0.80, 0.90};

struct phase_spec {
	const char *family;
	double p[2];
	long pred;
	int lag;
};

struct fixture {
	size_t k;
	pci_sim_phase ph[4];
	double *tables[4];
	double params[4][PC_MAX_PARAMS];
	long preds[4];
};

static void setup(struct fixture *f, const struct phase_spec *s, size_t k)
{
	memset(f, 0, sizeof *f);
	f->k = k;
	for (size_t i = 0; i < k; i++) {
		f->ph[i].family = pc_family_find(s[i].family);
		assert_non_null(f->ph[i].family);
		f->params[i][0] = s[i].p[0];
		f->params[i][1] = s[i].p[1];
		f->ph[i].params = f->params[i];
		f->preds[i] = s[i].pred;
		f->ph[i].preds = f->preds + i;
		f->ph[i].npreds = s[i].pred >= 0;
		f->ph[i].lag0 = s[i].lag;
		assert_int_equal(pci_duration_table(f->ph[i].family, f->params[i],
		                                    &f->tables[i], &f->ph[i].ntable), 0);
		f->ph[i].table = f->tables[i];
	}
}

static void teardown(struct fixture *f)
{
	for (size_t i = 0; i < f->k; i++)
		free(f->tables[i]);
}

static void run(const struct fixture *f, const double *chol, uint64_t n,
                uint64_t seed, unsigned threads, pci_sim_result *r)
{
	pci_sim_config c;
	memset(&c, 0, sizeof c);
	c.nphases = f->k;
	c.ph = f->ph;
	c.chol = chol;
	c.iterations = n;
	c.seed = seed;
	c.threads = threads;
	c.block = 10000;
	c.target_se = 0.5;
	c.max_iterations = 2000000;
	assert_int_equal(pci_sim_run(&c, r, NULL), 0);
}

static void test_table_rounds_to_nearest(void **state)
{
	pci_sim_phase ph;
	double *t;
	double p[2] = {2.5, 0.8}; /* lognormal: median e^2.5 = 12.2 days */
	(void)state;
	memset(&ph, 0, sizeof ph);
	ph.family = pc_family_find("lognormal");
	ph.params = p;
	assert_int_equal(pci_duration_table(ph.family, p, &t, &ph.ntable), 0);
	ph.table = t;
	for (double u = 0.0005; u < 1; u += 0.001) {
		double x = ph.family->quantile(u, p);
		long want = (long)floor(x + 0.5);
		if (want < 1)
			want = 1;
		assert_int_equal(pci_duration_lookup(&ph, u), want);
	}
	/* The normal-scale table gives the same days for z as the
	 * u-scale one for u = Phi(z). */
	for (double z = -9; z < 9; z += 0.00137) {
		double u = gsl_cdf_ugaussian_P(z);
		if (u <= 0 || u >= 1)
			continue;
		assert_int_equal(pci_duration_lookup_z(&ph, z), pci_duration_lookup(&ph, u));
	}
	/* far tail beyond the table still rounds */
	assert_int_equal(pci_duration_lookup(&ph, 1 - 1e-12),
	                 (long)floor(ph.family->quantile(1 - 1e-12, p) + 0.5));
	free(t);
}

static void test_fixed_chain_with_overlap(void **state)
{
	/* Near-constant durations 5, 3 and 4 days: normal with tiny sd.
	 * b waits for a (lag 0), c for b with lag -2 (overlap). */
	static const struct phase_spec s[] = {
		{"normal", {5, 1e-6}, -1, 0},
		{"normal", {3, 1e-6}, 0, 0},
		{"normal", {4, 1e-6}, 1, -2},
	};
	struct fixture f;
	pci_sim_result r;
	(void)state;
	setup(&f, s, 3);
	run(&f, NULL, 1000, 1, 1, &r);
	/* a: days 0-4; b: 5-7; c starts 7 + 1 - 2 = 6, ends 9. */
	assert_int_equal(pci_hist_quantile(r.start + 0, r.iterations, 0.5), 0);
	assert_int_equal(pci_hist_quantile(r.finish + 0, r.iterations, 0.9), 4);
	assert_int_equal(pci_hist_quantile(r.start + 1, r.iterations, 0.1), 5);
	assert_int_equal(pci_hist_quantile(r.finish + 1, r.iterations, 0.5), 7);
	assert_int_equal(pci_hist_quantile(r.start + 2, r.iterations, 0.5), 6);
	assert_int_equal(pci_hist_quantile(r.finish + 2, r.iterations, 0.5), 9);
	assert_int_equal(pci_hist_quantile(&r.release, r.iterations, 0.9), 9);
	assert_int_equal(r.release.count[9 - r.release.base], 1000);
	pci_sim_result_release(&r);
	teardown(&f);
}

static void test_overlap_never_before_start(void **state)
{
	static const struct phase_spec s[] = {
		{"normal", {2, 1e-6}, -1, 0},
		{"normal", {3, 1e-6}, 0, -10},
	};
	struct fixture f;
	pci_sim_result r;
	(void)state;
	setup(&f, s, 2);
	run(&f, NULL, 100, 1, 1, &r);
	assert_int_equal(pci_hist_quantile(r.start + 1, r.iterations, 0.5), 0);
	assert_int_equal(pci_hist_quantile(&r.release, r.iterations, 0.5), 2);
	pci_sim_result_release(&r);
	teardown(&f);
}

/* Smallest k >= 1 with F(k + 0.5) >= p: the closed-form quantile of a
 * rounded duration. */
static long rounded_quantile(const pc_family *fam, const double *p, double q)
{
	long k = 1;
	while (fam->cdf(k + 0.5, p) < q)
		k++;
	return k;
}

static void test_single_and_parallel_closed_form(void **state)
{
	/* Two gamma phases in parallel, both from the start. */
	static const struct phase_spec s[] = {
		{"gamma", {2.0, 10.0}, -1, 0},
		{"weibull", {1.5, 25.0}, -1, 0},
	};
	struct fixture f;
	pci_sim_result r;
	(void)state;
	setup(&f, s, 2);
	run(&f, NULL, 400000, 7, 2, &r);
	for (int j = 0; j < 4; j++) {
		double q = pct[j];
		long want = rounded_quantile(f.ph[0].family, f.params[0], q) - 1;
		long got = pci_hist_quantile(r.finish + 0, r.iterations, q);
		long k, m;
		assert_true(labs(got - want) <= 1);
		/* max of independent: P(max <= k) = F1(k + .5) F2(k + .5) */
		for (k = 1;; k++)
			if (f.ph[0].family->cdf(k + 0.5, f.params[0]) *
			    f.ph[1].family->cdf(k + 0.5, f.params[1]) >= q)
				break;
		m = pci_hist_quantile(&r.release, r.iterations, q);
		assert_true(labs(m - (k - 1)) <= 1);
	}
	pci_sim_result_release(&r);
	teardown(&f);
}

static void test_copula_extremes(void **state)
{
	/* Two identical phases in parallel.  Perfectly correlated (L has
	 * both rows = (1, 0)), the max is one of them: its median is the
	 * single median.  Independent, the max's median is the single
	 * quantile at sqrt(0.5) = 0.7071. */
	static const struct phase_spec s[] = {
		{"lognormal", {3.0, 0.6}, -1, 0},
		{"lognormal", {3.0, 0.6}, -1, 0},
	};
	static const double one[4] = {1, 0, 1, 0};
	struct fixture f;
	pci_sim_result r;
	long single, indep;
	(void)state;
	setup(&f, s, 2);
	single = rounded_quantile(f.ph[0].family, f.params[0], 0.5) - 1;
	indep = rounded_quantile(f.ph[0].family, f.params[0], sqrt(0.5)) - 1;
	assert_true(indep - single >= 4);
	run(&f, one, 200000, 3, 2, &r);
	assert_true(labs(pci_hist_quantile(&r.release, r.iterations, 0.5) - single) <= 1);
	pci_sim_result_release(&r);
	run(&f, NULL, 200000, 3, 2, &r);
	assert_true(labs(pci_hist_quantile(&r.release, r.iterations, 0.5) - indep) <= 1);
	pci_sim_result_release(&r);
	teardown(&f);
}

/* P(Z1 <= a, Z2 <= a) for standard normals with correlation r:
 * the integral of phi(x) Phi((a - r x) / sqrt(1 - r^2)) over x <= a,
 * by Simpson's rule on [-12, a] (error far below 1e-6 here). */
static double binormal_diag(double a, double r)
{
	const int m = 4000;
	double lo = -12, h = (a - lo) / m, sum = 0;
	for (int i = 0; i <= m; i++) {
		double x = lo + i * h;
		double f = gsl_ran_ugaussian_pdf(x) *
		           gsl_cdf_ugaussian_P((a - r * x) / sqrt(1 - r * r));
		sum += f * (i == 0 || i == m ? 1 : i % 2 ? 4 : 2);
	}
	return sum * h / 3;
}

static void test_copula_intermediate(void **state)
{
	/* Two lognormal(3, 0.6) phases in parallel with normal-scale
	 * correlation 0.5: the release (their max) has P(D <= k) =
	 * Phi2(a_k, a_k; 0.5), a_k = (ln(k + .5) - 3) / 0.6, computed by
	 * quadrature, independently of the simulator.  scipy's
	 * multivariate_normal.cdf gives the same k: 25 at P50 and 52 at P90
	 * (independent: 28 and 53). */
	static const struct phase_spec s[] = {
		{"lognormal", {3.0, 0.6}, -1, 0},
		{"lognormal", {3.0, 0.6}, -1, 0},
	};
	const double r = 0.5;
	const double chol[4] = {1, 0, r, sqrt(1 - r * r)};
	struct fixture f;
	pci_sim_result res;
	(void)state;
	setup(&f, s, 2);
	run(&f, chol, 400000, 9, 2, &res);
	for (int j = 0; j < 4; j++) {
		long k = 1;
		while (binormal_diag((log(k + 0.5) - 3) / 0.6, r) < pct[j])
			k++;
		assert_true(labs(pci_hist_quantile(&res.release, res.iterations, pct[j]) -
		                 (k - 1)) <= 1);
	}
	/* and it is not the independent answer (3 days apart at P50) */
	{
		long ki = 1, kc = 1, got = pci_hist_quantile(&res.release, res.iterations, 0.5);
		while (binormal_diag((log(ki + 0.5) - 3) / 0.6, 0) < 0.5)
			ki++;
		while (binormal_diag((log(kc + 0.5) - 3) / 0.6, r) < 0.5)
			kc++;
		assert_int_equal(kc, 25);
		assert_int_equal(ki, 28);
		assert_true(labs(got - (kc - 1)) < labs(got - (ki - 1)));
	}
	pci_sim_result_release(&res);
	teardown(&f);
}

static void test_threads_do_not_change_result(void **state)
{
	static const struct phase_spec s[] = {
		{"lognormal", {2.0, 0.5}, -1, 0},
		{"gamma", {3.0, 4.0}, 0, 1},
		{"weibull", {2.0, 9.0}, 0, -3},
	};
	static const double chol[9] = {1, 0, 0, 0.6, 0.8, 0, 0.3, 0.2, 0.9327379};
	struct fixture f;
	pci_sim_result a, b;
	(void)state;
	setup(&f, s, 3);
	/* 55,555 iterations: a partial last block too. */
	run(&f, chol, 55555, 42, 1, &a);
	run(&f, chol, 55555, 42, 4, &b);
	assert_int_equal(a.iterations, b.iterations);
	assert_int_equal(a.release.n, b.release.n);
	assert_int_equal(a.release.base, b.release.base);
	assert_memory_equal(a.release.count, b.release.count,
	                    a.release.n * sizeof *a.release.count);
	for (size_t i = 0; i < 3; i++) {
		size_t n = a.finish[i].n < b.finish[i].n ? a.finish[i].n : b.finish[i].n;
		assert_memory_equal(a.finish[i].count, b.finish[i].count, n * sizeof(uint64_t));
	}
	pci_sim_result_release(&b);
	/* another seed gives another sample */
	run(&f, chol, 55555, 43, 4, &b);
	assert_true(a.release.n != b.release.n ||
	            memcmp(a.release.count, b.release.count,
	                   a.release.n * sizeof(uint64_t)) != 0);
	pci_sim_result_release(&a);
	pci_sim_result_release(&b);
	teardown(&f);
}

static void test_standard_error_matches_spread(void **state)
{
	/* The reported SE of P80 should match the spread of P80 across
	 * independent runs. */
	static const struct phase_spec s[] = {
		{"exponential", {1.0 / 30, 0}, -1, 0},
	};
	struct fixture f;
	double v[30], m = 0, sd = 0, se = 0;
	(void)state;
	setup(&f, s, 1);
	for (int i = 0; i < 30; i++) {
		pci_sim_result r;
		run(&f, NULL, 5000, 100 + (uint64_t)i, 1, &r);
		v[i] = (double)pci_hist_quantile(&r.release, r.iterations, 0.8);
		se += pci_hist_se(&r.release, r.iterations, 0.8) / 30;
		m += v[i] / 30;
		pci_sim_result_release(&r);
	}
	for (int i = 0; i < 30; i++)
		sd += (v[i] - m) * (v[i] - m) / 29;
	sd = sqrt(sd);
	/* closed form: sqrt(.8 * .2 / 5000) / (0.2 / 30) = 0.8485 days */
	assert_true(se > 0.8485 * 0.8 && se < 0.8485 * 1.25);
	assert_true(sd > se * 0.5 && sd < se * 1.5);
	teardown(&f);
}

static void test_auto_iterations(void **state)
{
	static const struct phase_spec s[] = {
		{"lognormal", {3.5, 0.7}, -1, 0},
		{"lognormal", {3.0, 0.5}, 0, 0},
	};
	struct fixture f;
	pci_sim_result r;
	(void)state;
	setup(&f, s, 2);
	run(&f, NULL, 0, 5, 2, &r);
	assert_true(r.iterations >= 100000);
	assert_int_equal(r.iterations % 10000, 0);
	for (int j = 0; j < 4; j++) {
		assert_true(pci_hist_se(&r.release, r.iterations, pct[j]) < 0.5);
		assert_true(pci_hist_se(r.finish + 0, r.iterations, pct[j]) < 0.5);
	}
	pci_sim_result_release(&r);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_rounds_to_nearest),
		cmocka_unit_test(test_fixed_chain_with_overlap),
		cmocka_unit_test(test_overlap_never_before_start),
		cmocka_unit_test(test_single_and_parallel_closed_form),
		cmocka_unit_test(test_copula_extremes),
		cmocka_unit_test(test_copula_intermediate),
		cmocka_unit_test(test_threads_do_not_change_result),
		cmocka_unit_test(test_standard_error_matches_spread),
		cmocka_unit_test(test_auto_iterations),
	};
	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
