/* test_uplift.c - the team's stated plan as evidence (uplift.h) against
 * known truth: histories of tests/synth whose every project stated at
 * its start a plan of its actual duration times exp(-0.2 + 0.1 Z)
 * (optimistic by a fifth, give or take a tenth), so that the true slip
 * actual / planned is lognormal(0.2, 0.1) whatever the durations.
 * - the slips learned are that lognormal (median, P10, P90);
 * - a new project planned to take 80 days is forecast, from the plan and
 *   the slips alone, at 80 times the lognormal's quantiles;
 * - the backtest scores the stated plan far better than the history, so
 *   the weight chosen goes to the plan, and the combination beats the
 *   history;
 * - plans that say nothing (uniform 20..200 days, whatever the project)
 *   leave the weight on the history and cost little;
 * - no look-ahead: changing a later project's actual moves no earlier
 *   row. */
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

#include <precedent/backtest.h>
#include <precedent/date.h>
#include <precedent/history.h>
#include <precedent/plan.h>
#include <precedent/uplift.h>

#include "synth/synth.h"

#define MU 0.2
#define SIGMA 0.1

static pc_history *history(uint64_t seed, size_t n)
{
	struct synth_config c = {n, 0.5, 1, 0, seed, NULL, 0, 0, 0};
	pc_history *h = NULL;

	assert_int_equal(synth_history(&c, &h, NULL), 0);
	return h;
}

static pc_day *plans(const pc_history *h, int informative, uint64_t seed)
{
	pc_day *s = malloc(h->nprojects * sizeof *s);

	assert_non_null(s);
	synth_plans(h, informative, seed, s);
	return s;
}

static void test_slips_are_the_truth(void **state)
{
	(void)state;
	for (uint64_t seed = 1; seed <= 3; seed++) {
		/* 200 projects: about 160 slips, so a share's standard error is
		 * 2.4 points */
		pc_history *h = history(seed, 200);
		pc_day *s = plans(h, 1, seed);
		pc_uplift u;
		pc_error err;
		double z90 = gsl_cdf_ugaussian_Pinv(0.9);

		assert_int_equal(pc_uplift_learn(h, s, NULL, PC_DAY_MAX, &u, &err), 0);
		assert_true(u.n >= 120);
		/* the log median's standard error: 1.25 sigma / sqrt(n), 1%;
		 * rounding to whole days adds under 1% */
		assert_true(fabs(log(u.median) - MU) < 0.03);
		/* the kernel widens the spread a little (bandwidth about 0.3
		 * sigma), and so does rounding: P10 and P90 of a plan of 100
		 * days within 6 points */
		{
			double p90 = 100 * exp(MU + z90 * SIGMA), p10 = 100 * exp(MU - z90 * SIGMA);
			double f90 = pc_uplift_cdf(&u, 100, floor(p90));
			double f10 = pc_uplift_cdf(&u, 100, floor(p10));
			double f50 = pc_uplift_cdf(&u, 100, floor(100 * exp(MU)));
			if (getenv("UPLIFT_DEBUG"))
				print_message("n %zu med %.4f bw %.4f f10 %.3f f50 %.3f f90 %.3f\n", u.n, u.median, u.bandwidth, f10, f50, f90);
			assert_true(fabs(f90 - 0.9) < 0.06);
			assert_true(fabs(f10 - 0.1) < 0.06);
			assert_true(fabs(f50 - 0.5) < 0.12);
		}
		/* a plan stated after the start is no evidence, nor a running
		 * project's */
		{
			pc_uplift v;
			pc_day cut = h->projects[h->nprojects / 2].start;
			size_t want = 0;
			for (size_t i = 0; i < h->nprojects; i++)
				want += !h->projects[i].ongoing && h->projects[i].end < cut;
			assert_int_equal(pc_uplift_learn(h, s, NULL, cut, &v, &err), 0);
			assert_int_equal(v.n, want);
			pc_uplift_free(&v);
		}
		pc_uplift_free(&u);
		free(s);
		pc_history_free(&h);
	}
}

static pc_plan_model *learn(const pc_history *h)
{
	pc_plan_learn_options lo;
	pc_plan_model *pm = NULL;
	pc_error err;

	pc_plan_learn_options_init(&lo);
	if (pc_plan_learn(h, &lo, &pm, &err))
		fail_msg("learn: %s", err.msg);
	return pm;
}

static int near(long got, double want)
{
	double tol = fmax(3, 0.07 * want);
	return fabs((double)got - want) <= tol;
}

static void test_plan_from_stated(void **state)
{
	pc_history *h = history(7, 40);
	pc_day *s = plans(h, 1, 7);
	pc_plan_model *pm = learn(h);
	pc_plan_options po;
	pc_backtest_options bo;
	pc_uplift_plan up;
	pc_error err;
	pc_day d;
	double z90 = gsl_cdf_ugaussian_Pinv(0.9);

	(void)state;
	pc_plan_options_init(&po);
	po.start = pc_date_from_ymd(2027, 1, 4);
	po.threads = 2;
	po.iterations = 20000;
	pc_backtest_options_init(&bo);
	bo.threads = 2;
	bo.iterations = 2000;
	d = po.start + 79; /* 80 days */
	assert_int_equal(pc_uplift_plan_run(pm, &po, h, s, &bo, d, &up, NULL, &err), 0);
	assert_true(up.nslips >= 25);
	assert_true(up.nweighed >= PC_UPLIFT_MIN);
	/* the stated plan alone: 80 days times the true slip's quantiles
	 * (rounded up to whole days: the duration is d r, at least 1) */
	assert_true(near(up.stated_plan[1] - po.start + 1, 80 * exp(MU)));
	assert_true(near(up.stated_plan[3] - po.start + 1, 80 * exp(MU + z90 * SIGMA)));
	assert_true(near(up.stated_plan[0] - po.start + 1, 80 * exp(MU - z90 * SIGMA)));
	/* the plan is far sharper than the history: the weight goes to it */
	assert_true(up.weight <= 0.3);
	/* the combination lies between its parts */
	assert_true(up.combined[1] >= (up.stated_plan[1] < up.history[1] ? up.stated_plan[1] : up.history[1]));
	assert_true(up.combined[1] <= (up.stated_plan[1] > up.history[1] ? up.stated_plan[1] : up.history[1]));
	/* the chance of the stated date: the true one is Phi(-0.2 / 0.1),
	 * 2%; the history's alone is far higher */
	assert_true(up.p_stated < 0.15);
	assert_true(up.p_stated_history > up.p_stated);
	pc_plan_model_free(&pm);
	free(s);
	pc_history_free(&h);
}

static void test_too_few_plans(void **state)
{
	pc_history *h = history(8, 40);
	pc_day *s = plans(h, 1, 8);
	pc_plan_model *pm = learn(h);
	pc_plan_options po;
	pc_uplift_plan up;
	pc_error err;
	size_t kept = 0;

	(void)state;
	/* only three past plans: the history's plan alone, and its odds */
	for (size_t i = 0; i < h->nprojects; i++)
		if (h->projects[i].ongoing || kept++ >= 3)
			s[i] = PC_DAY_MIN;
	pc_plan_options_init(&po);
	po.start = pc_date_from_ymd(2027, 1, 4);
	po.threads = 2;
	po.iterations = 20000;
	assert_int_equal(pc_uplift_plan_run(pm, &po, h, s, NULL, po.start + 79, &up,
	                                    NULL, &err), 0);
	assert_int_equal(up.nslips, 3);
	assert_true(up.weight == 1);
	assert_true(up.p_stated == up.p_stated_history);
	for (int q = 0; q < 4; q++) {
		assert_int_equal(up.combined[q], up.history[q]);
		assert_int_equal(up.stated_plan[q], PC_DAY_MIN);
	}
	/* a date before the start is a usage error */
	assert_int_equal(pc_uplift_plan_run(pm, &po, h, s, NULL, po.start - 1, &up,
	                                    NULL, &err), PC_EUSAGE);
	pc_plan_model_free(&pm);
	free(s);
	pc_history_free(&h);
}

static pc_backtest *backtest(const pc_history *h, const pc_day *s)
{
	pc_backtest_options bo;
	pc_backtest *b = NULL;
	pc_error err;

	pc_backtest_options_init(&bo);
	bo.threads = 2;
	bo.iterations = 2000;
	bo.forecasts = 0;
	bo.stated = s;
	if (pc_backtest_run(h, NULL, &bo, &b, &err))
		fail_msg("backtest: %s", err.msg);
	return b;
}

static void test_backtest_informative(void **state)
{
	pc_history *h = history(9, 60);
	pc_day *s = plans(h, 1, 9);
	pc_backtest *b = backtest(h, s);

	(void)state;
	if (getenv("UPLIFT_DEBUG"))
		print_message("n %zu crps %.2f %.2f %.2f w %.2f hit %.2f %.2f %.2f / %.2f %.2f %.2f\n", b->nuplift, b->uplift_crps[0], b->uplift_crps[1], b->uplift_crps[2], b->uplift_weight, b->uplift_hit[0][0], b->uplift_hit[0][1], b->uplift_hit[0][2], b->uplift_hit[1][0], b->uplift_hit[1][1], b->uplift_hit[1][2]);
	assert_true(b->nuplift >= 20);
	/* CRPS: the stated plan with slips far below the history's, and the
	 * combination below the history's */
	assert_true(b->uplift_crps[1] < 0.6 * b->uplift_crps[0]);
	assert_true(b->uplift_crps[2] < 0.8 * b->uplift_crps[0]);
	assert_true(b->uplift_weight < 0.5);
	/* the stated plan's P80 and P90 hold near their level (27 rows: a
	 * share's standard error about 8 points; the first rows learn the
	 * slips from only five plans, so their spread is short) */
	assert_true(b->uplift_hit[1][1] > 0.5);
	assert_true(b->uplift_hit[1][2] > 0.7);
	pc_backtest_free(&b);
	free(s);
	pc_history_free(&h);
}

static void test_backtest_uninformative(void **state)
{
	pc_history *h = history(10, 60);
	pc_day *s = plans(h, 0, 10);
	pc_backtest *b = backtest(h, s);

	(void)state;
	if (getenv("UPLIFT_DEBUG"))
		print_message("n %zu crps %.2f %.2f %.2f w %.2f hit %.2f %.2f %.2f / %.2f %.2f %.2f\n", b->nuplift, b->uplift_crps[0], b->uplift_crps[1], b->uplift_crps[2], b->uplift_weight, b->uplift_hit[0][0], b->uplift_hit[0][1], b->uplift_hit[0][2], b->uplift_hit[1][0], b->uplift_hit[1][1], b->uplift_hit[1][2]);
	assert_true(b->nuplift >= 20);
	/* a plan that says nothing: worse alone, and the weight goes to the
	 * history.  The combination still costs something: until five past
	 * plans have been scored the weight is an even 0.5, a hedge that
	 * gains two thirds of the CRPS when plans are good (above) */
	assert_true(b->uplift_crps[1] > 2 * b->uplift_crps[0]);
	assert_true(b->uplift_weight > 0.6);
	assert_true(b->uplift_crps[2] < 1.5 * b->uplift_crps[0]);
	assert_true(b->uplift_crps[2] < 0.6 * b->uplift_crps[1]);
	/* once the weight is chosen, the combination costs at most a tenth */
	{
		double ch = 0, cc = 0;
		size_t m = 0;
		for (size_t r = 0; r < b->nrows; r++)
			if (!isnan(b->rows[r].crps_combined) && b->rows[r].uplift_n >= PC_UPLIFT_MIN) {
				ch += b->rows[r].uplift_crps[PC_BACKTEST_UPLIFT_NW - 1];
				cc += b->rows[r].crps_combined;
				m++;
			}
		if (getenv("UPLIFT_DEBUG"))
			print_message("chosen on %zu rows: %.2f vs %.2f\n", m, cc / (double)m, ch / (double)m);
		assert_true(m >= 10);
		assert_true(cc < 1.1 * ch);
	}
	pc_backtest_free(&b);
	free(s);
	pc_history_free(&h);
}

/* Lengthen the project that finished in the middle of the history: no
 * row that started before it finished may move. */
static void test_no_look_ahead(void **state)
{
	pc_history *h = history(11, 40);
	pc_day *s = plans(h, 1, 11);
	pc_backtest *a = backtest(h, s), *b;
	size_t last = 0, moved = 0, nfin = 0, later = 0;
	pc_day *ends = malloc(h->nprojects * sizeof *ends), end;

	(void)state;
	for (size_t i = 0; i < h->nprojects; i++)
		if (!h->projects[i].ongoing)
			ends[nfin++] = h->projects[i].end;
	assert_true(nfin > 10);
	for (size_t i = 1; i < nfin; i++) /* insertion sort: 40 at most */
		for (size_t j = i; j > 0 && ends[j - 1] > ends[j]; j--) {
			pc_day t = ends[j];
			ends[j] = ends[j - 1];
			ends[j - 1] = t;
		}
	end = nfin ? ends[nfin / 2] : 0;
	free(ends);
	for (size_t i = 0; i < h->nprojects; i++)
		if (!h->projects[i].ongoing && h->projects[i].end == end)
			last = i;
	h->projects[last].end += 60;
	b = backtest(h, s);
	assert_int_equal(a->nrows, b->nrows);
	for (size_t r = 0; r < a->nrows; r++) {
		if (!(a->rows[r].start <= end)) {
			/* later rows may move: that they can is what makes the
			 * test bite */
			later += !isnan(a->rows[r].crps_combined) &&
			         a->rows[r].crps_combined != b->rows[r].crps_combined;
			continue;
		}
		if (a->rows[r].actual == end)
			continue;
		for (int k = 0; k < PC_BACKTEST_UPLIFT_NW; k++)
			if (!(isnan(a->rows[r].uplift_crps[k]) && isnan(b->rows[r].uplift_crps[k])))
				assert_true(a->rows[r].uplift_crps[k] == b->rows[r].uplift_crps[k]);
		if (!isnan(a->rows[r].crps_combined)) {
			assert_true(a->rows[r].uplift_w == b->rows[r].uplift_w);
			moved += a->rows[r].crps_combined != b->rows[r].crps_combined;
		}
	}
	assert_int_equal(moved, 0);
	assert_true(later > 0);
	pc_backtest_free(&a);
	pc_backtest_free(&b);
	free(s);
	pc_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slips_are_the_truth),
		cmocka_unit_test(test_plan_from_stated),
		cmocka_unit_test(test_too_few_plans),
		cmocka_unit_test(test_backtest_informative),
		cmocka_unit_test(test_backtest_uninformative),
		cmocka_unit_test(test_no_look_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
