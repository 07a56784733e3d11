/* test_trend.c - Mann-Kendall S, Kendall's tau-b, the p-value and Sen's
 * slope against R 4's cor.test(x, y, method = "kendall", exact = FALSE,
 * continuity = TRUE) and a direct median of the pairwise slopes (numbers
 * stored below), S against a brute-force pair count with many ties, and
 * the history-level tests on a hand-made history with one growing phase,
 * one trendless phase, and releases that grow with the first. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/date.h>
#include <precedent/history.h>
#include <precedent/trend.h>

#include "synth/synth.h"

static void check(const double *x, const double *y, size_t n, double tau,
                  double z, double p, double sen)
{
	pc_trend t;

	assert_int_equal(pc_trend_test(x, y, n, &t, NULL), PC_OK);
	assert_int_equal(t.n, n);
	assert_float_equal(t.tau, tau, 1e-10);
	assert_float_equal(t.z, z, 1e-10);
	assert_true(fabs(t.p - p) <= 1e-9 * p + 1e-15);
	assert_float_equal(t.slope, sen, 1e-12);
	assert_int_equal(t.slope_sampled, 0);
}

static void test_against_r(void **state)
{
	static const double x1[] = {1, 2, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9};
	static const double y1[] = {10, 12, 11, 15, 15, 14, 18, 18, 20, 19, 25, 24};
	static const double y2[] = {107, 88, 96, 103, 84, 91, 98, 79, 87, 93, 75,
		83, 89, 70, 78, 84, 65, 74, 80, 61, 70, 75, 56, 65, 70, 52, 61, 66, 47, 57};
	static const double x3[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9};
	static const double y3[] = {2, 7, 1, 8, 2, 8, 1, 8, 2, 8, 4, 5, 9, 0, 4};
	double x2[30];

	(void)state;
	for (int i = 0; i < 30; i++)
		x2[i] = i + 1;
	/* ties in x and y, and pairs tied in both */
	check(x1, y1, 12, 0.841375841376, 3.621946239306, 0.000292394895493, 2.0);
	check(x2, y2, 30, -0.699907149743, -5.376714787091, 7.58571934401e-08, -1.5);
	check(x3, y3, 15, 0.157087441054, 0.713025249299, 0.475830133053,
	      0.166666666667);
}

/* S by the merge count equals the O(n^2) count, on 700 pairs with heavy
 * ties (values 0..9) and NaNs left out. */
static void test_brute_force(void **state)
{
	enum { N = 700 };
	double x[N], y[N], s = 0;
	unsigned long long r = 7;
	size_t m = 0;
	pc_trend t;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)((r >> 33) % 10);
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		y[i] = (double)((r >> 33) % 10) + (double)((int)x[i] / 2);
		if (i % 97 == 3)
			y[i] = NAN;
	}
	for (size_t i = 0; i < N; i++) {
		if (isnan(y[i]))
			continue;
		m++;
		for (size_t j = i + 1; j < N; j++)
			if (!isnan(y[j])) {
				double a = (x[j] > x[i]) - (x[j] < x[i]);
				double b = (y[j] > y[i]) - (y[j] < y[i]);
				s += a * b;
			}
	}
	assert_int_equal(pc_trend_test(x, y, N, &t, NULL), PC_OK);
	assert_int_equal(t.n, m);
	assert_float_equal(t.s, s, 0);
	assert_true(t.s > 0 && t.p < 1e-3);
}

/* Above PC_TREND_EXACT_MAX pairs Sen's slope comes from a subsample: on
 * y = 0.25 x + noise it is still near 0.25, and constant x has none. */
static void test_large_and_degenerate(void **state)
{
	enum { N = 20000 };
	double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
	unsigned long long r = 11;
	pc_trend t;

	(void)state;
	for (size_t i = 0; i < N; i++) {
		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)i;
		y[i] = 0.25 * (double)i + (double)((r >> 33) % 1000);
	}
	assert_int_equal(pc_trend_test(x, y, N, &t, NULL), PC_OK);
	assert_int_equal(t.slope_sampled, 1);
	assert_float_equal(t.slope, 0.25, 0.01);
	assert_true(t.tau > 0.5 && t.p < 1e-12);
	for (size_t i = 0; i < 10; i++)
		x[i] = 3;
	assert_int_equal(pc_trend_test(x, y, 10, &t, NULL), PC_OK);
	assert_true(isnan(t.slope) && isnan(t.p) && isnan(t.tau));
	assert_int_equal(pc_trend_test(x, y, 1, &t, NULL), PC_OK);
	assert_true(isnan(t.p));
	free(x);
	free(y);
}

/* 40 projects 30 days apart: phase "grow" lasts 10 + i / 2 days (plus a
 * wobble), "flat" 5..9 days with no drift, "few" is seen 5 times; the
 * last project is still running. */
static pc_history *make(void)
{
	pc_history *h = calloc(1, sizeof *h);
	static const char *const names[] = {"grow", "flat", "few"};
	pc_day s0 = pc_date_from_ymd(2023, 1, 2);

	h->nphases = 3;
	h->phases = calloc(3, sizeof *h->phases);
	for (int j = 0; j < 3; j++)
		h->phases[j] = strdup(names[j]);
	h->nprojects = 40;
	h->projects = calloc(40, sizeof *h->projects);
	h->obs = calloc(120, sizeof *h->obs);
	for (size_t i = 0; i < 40; i++) {
		pc_day s = s0 + (pc_day)(30 * i);
		pc_day ge = s + 10 + (pc_day)(i / 2) + (pc_day)((i * 7) % 5) - 2 - 1;
		pc_day fs = ge + 1, fe = fs + 5 + (pc_day)((i * 3) % 5) - 1;
		pc_project *p = h->projects + i;
		p->customer = strdup("c");
		p->name = strdup("r");
		p->start = s;
		p->end = fe;
		p->ongoing = i == 39;
		h->obs[h->nobs++] = (pc_obs){i, 0, s, ge, 0};
		h->obs[h->nobs++] = (pc_obs){i, 1, fs, fe, i == 39};
		if (i % 8 == 0)
			h->obs[h->nobs++] = (pc_obs){i, 2, fs, fs + 2, 0};
	}
	return h;
}

static void test_history(void **state)
{
	pc_history *h = make();
	pc_history_trend *r = NULL;

	(void)state;
	assert_int_equal(pc_history_trends(h, NULL, 0.05, &r, NULL), PC_OK);
	assert_string_equal(r[0].phase, "grow");
	assert_int_equal(r[0].t.n, 39);  /* project 39 started after none ran */
	assert_true(r[0].significant);
	/* half a day per project, 30 days apart: about 6.1 days a year */
	assert_float_equal(r[0].per_year, 0.5 / 30 * 365.25, 1.5);
	assert_string_equal(r[1].phase, "flat");
	assert_int_equal(r[1].t.n, 39);  /* the running one left out */
	assert_false(r[1].significant);
	assert_int_equal(r[2].t.n, 5);   /* below PC_TREND_MIN: untested */
	assert_true(isnan(r[2].t.p));
	assert_false(r[2].significant);
	assert_null(r[3].phase);         /* the release */
	assert_int_equal(r[3].t.n, 39);
	assert_true(r[3].significant);
	assert_true(r[3].per_year > 3);
	free(r);
	pc_history_free(&h);
}

/* No false alarms: 300 trendless known-truth histories of 40 projects
 * (five correlated phases, a fifth still running, so that only the quick
 * recent projects have finished) must warn about as often as the 5%
 * family-wise level says, not more: counting the running ones' recent
 * quick neighbours made "releases shrink" fire on trendless data. */
static void test_false_alarms(void **state)
{
	struct synth_config c = {40, 0.5, 1, 0, 0, NULL, 0, 0, 0};
	size_t alarms = 0, reps = 300;

	(void)state;
	for (size_t i = 0; i < reps; i++) {
		pc_history *h = NULL;
		pc_history_trend *r = NULL;
		int any = 0;
		c.seed = 5000 + i;
		assert_int_equal(synth_history(&c, &h, NULL), 0);
		assert_int_equal(pc_history_trends(h, NULL, 0.05, &r, NULL), PC_OK);
		for (size_t j = 0; j <= h->nphases; j++)
			any |= r[j].significant;
		alarms += any;
		free(r);
		pc_history_free(&h);
	}
	/* 5% of 300 is 15, its binomial sd 3.8: allow 2.5 sd */
	if (alarms > 24)
		fail_msg("%zu of %zu trendless histories warned", alarms, reps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_r),
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_large_and_degenerate),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_false_alarms),
	};
	return cmocka_run_group_tests_name("trend", tests, NULL, NULL);
}
