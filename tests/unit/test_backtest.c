/* test_backtest.c - the backtest on synthetic histories drawn from a known
 * model (tests/synth/synth.h): a planner that learns the true model must
 * come out calibrated, the naive plan must not, no forecast may see a
 * project that had not finished when the forecast project started, and
 * the summary numbers must follow from the rows.
 */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <precedent/backtest.h>

#include "synth/synth.h"

static pc_history *hist;
static pc_backtest *full;

static int setup(void **state)
{
	/* Independent phases: the planner's model is then the true one up to
	 * the fitting error, so calibration is what theory promises. */
	struct synth_config c = {260, 0.0, 0, 0, 31, NULL, 0};
	pc_backtest_options o;

	(void)state;
	if (synth_history(&c, &hist, NULL))
		return -1;
	pc_backtest_options_init(&o);
	o.threads = 2;
	return pc_backtest_run(hist, NULL, &o, &full, NULL);
}

static int teardown(void **state)
{
	(void)state;
	pc_backtest_free(&full);
	pc_history_free(&hist);
	return 0;
}

/* With n forecasts a hit rate has standard error sqrt(p (1 - p) / n),
 * about 0.026 at p = 0.8 and n = 240; allow 4 of them. */
static void test_calibrated(void **state)
{
	static const double want[3] = {0.5, 0.8, 0.9};

	(void)state;
	assert_true(full->nrows >= 240);
	for (int q = 0; q < PC_BACKTEST_NQ; q++) {
		double se = sqrt(want[q] * (1 - want[q]) / (double)full->nrows);
		if (fabs(full->hit[q] - want[q]) > 4 * se)
			fail_msg("P%.0f held %.3f of %zu forecasts", want[q] * 100,
			         full->hit[q], full->nrows);
	}
	/* A single date cannot be right at every quantile: the simulated
	 * distribution beats it where it matters, in the upper tail. */
	assert_true(full->pinball[1] < full->naive_pinball[1]);
	assert_true(full->pinball[2] < full->naive_pinball[2]);
	assert_true(full->naive_hit < 0.7);
	assert_int_equal(full->nplanned, 0);
	assert_true(isnan(full->plan_held));
}

/* Every row forecast from the projects finished before its start only,
 * rows in order of start, and the summary computed from the rows. */
static void test_rows(void **state)
{
	double hit[3] = {0}, loss[3] = {0};

	(void)state;
	assert_int_equal(full->skipped_running, 0);
	assert_int_equal(full->nrows + full->skipped_few + full->skipped_failed,
	                 hist->nprojects);
	for (size_t r = 0; r < full->nrows; r++) {
		const pc_backtest_row *w = full->rows + r;
		size_t known = 0;

		for (size_t p = 0; p < hist->nprojects; p++)
			known += hist->projects[p].end < w->start;
		assert_int_equal(w->known, known);
		assert_true(known >= 5);
		if (r)
			assert_true(w->start >= full->rows[r - 1].start);
		assert_true(w->q[0] <= w->q[1] && w->q[1] <= w->q[2]);
		assert_true(w->q[0] > w->start);
		for (int q = 0; q < 3; q++) {
			double y = w->actual, f = w->q[q];
			hit[q] += y <= f;
			loss[q] += y >= f ? pc_backtest_q[q] * (y - f)
			                  : (1 - pc_backtest_q[q]) * (f - y);
		}
	}
	for (int q = 0; q < 3; q++) {
		assert_float_equal(full->hit[q], hit[q] / (double)full->nrows, 1e-12);
		assert_float_equal(full->pinball[q], loss[q] / (double)full->nrows, 1e-9);
	}
}

/* --holdout N evaluates the last N of the same forecasts. */
static void test_holdout_and_plans(void **state)
{
	pc_backtest_options o;
	pc_backtest *b = NULL;
	pc_day *planned = malloc(hist->nprojects * sizeof *planned);
	size_t n = full->nrows;

	(void)state;
	assert_non_null(planned);
	/* the plan of the time: the actual release for even projects, a day
	 * early for odd ones (so exactly the even ones held) */
	for (size_t p = 0; p < hist->nprojects; p++)
		planned[p] = hist->projects[p].end - (pc_day)(p % 2);
	pc_backtest_options_init(&o);
	o.holdout = 10;
	o.threads = 1;
	assert_int_equal(pc_backtest_run(hist, planned, &o, &b, NULL), 0);
	assert_int_equal(b->nrows, 10);
	for (size_t r = 0; r < 10; r++) {
		const pc_backtest_row *w = b->rows + r, *f = full->rows + n - 10 + r;
		assert_string_equal(w->customer, f->customer);
		assert_memory_equal(w->q, f->q, sizeof w->q);
		assert_int_equal(w->naive, f->naive);
	}
	assert_int_equal(b->nplanned, 10);
	{
		size_t even = 0;
		for (size_t r = 0; r < 10; r++) {
			const char *num = b->rows[r].customer + strlen("customer ");
			/* customer N is project N - 1 */
			even += (strtoul(num, NULL, 10) - 1) % 2 == 0;
		}
		assert_float_equal(b->plan_held, (double)even / 10, 1e-12);
	}
	pc_backtest_free(&b);

	o.holdout = 0;
	o.min_known = 100000;
	{
		pc_error err;
		assert_int_equal(pc_backtest_run(hist, NULL, &o, &b, &err), PC_EDATA);
		assert_string_equal(err.msg,
		                    "no project has 100000 finished predecessors to learn from");
		assert_null(b);
	}
	free(planned);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calibrated),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_holdout_and_plans),
	};
	return cmocka_run_group_tests_name("backtest", tests, setup, teardown);
}
