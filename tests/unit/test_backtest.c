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
#include <precedent/date.h>
#include <precedent/plan.h>

#include "plan_internal.h"
#include "synth/synth.h"

static pc_history *hist;
static pc_backtest *full;

static int setup(void **state)
{
	/* Independent phases: the planner's model is then the true one up to
	 * the fitting error, so calibration is what theory promises. */
	struct synth_config c = {260, 0.0, 0, 0, 31, NULL, 0, 0, 0};
	pc_backtest_options o;

	(void)state;
	if (synth_history(&c, &hist, NULL))
		return -1;
	pc_backtest_options_init(&o);
	o.threads = 2;
	o.forecasts = 0; /* every start day */
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

/* The projects of h finished before day, and the phases they finished
 * (in h's order): what a forecast on that day may learn from, built
 * here independently of backtest.c. */
static pc_history *known_before(const pc_history *h, pc_day day)
{
	pc_history *s = calloc(1, sizeof *s);
	long *pmap = malloc(h->nprojects * sizeof *pmap);
	long *fmap = malloc(h->nphases * sizeof *fmap);
	size_t *seen = calloc(h->nphases, sizeof *seen);

	assert_non_null(s);
	assert_true(pmap && fmap && seen);
	s->projects = calloc(h->nprojects, sizeof *s->projects);
	s->phases = calloc(h->nphases, sizeof *s->phases);
	s->obs = calloc(h->nobs, sizeof *s->obs);
	assert_true(s->projects && s->phases && s->obs);
	for (size_t p = 0; p < h->nprojects; p++) {
		int in = !h->projects[p].ongoing && h->projects[p].end < day;
		pmap[p] = in ? (long)s->nprojects : -1;
		if (in)
			s->projects[s->nprojects++] = h->projects[p];
	}
	for (size_t i = 0; i < h->nobs; i++)
		if (pmap[h->obs[i].project] >= 0 && !h->obs[i].ongoing)
			seen[h->obs[i].phase]++;
	for (size_t f = 0; f < h->nphases; f++) {
		fmap[f] = seen[f] ? (long)s->nphases : -1;
		if (seen[f])
			s->phases[s->nphases++] = h->phases[f];
	}
	for (size_t i = 0; i < h->nobs; i++) {
		pc_obs o = h->obs[i];
		if (pmap[o.project] < 0 || fmap[o.phase] < 0)
			continue;
		o.project = (size_t)pmap[o.project];
		o.phase = (size_t)fmap[o.phase];
		s->obs[s->nobs++] = o;
	}
	s->class_size = s->nprojects;
	assert_int_equal(pc_history_index_phases(s), 0);
	free(pmap);
	free(fmap);
	free(seen);
	return s;
}

static void known_free(pc_history *s)
{
	free(s->phase_byname);
	free(s->projects);
	free(s->phases);
	free(s->obs);
	free(s);
}

/* The backtest shares one forecast between projects starting on the same
 * day and starts each fit from the last forecast's optimum: its rows must
 * be what a plain, cold pc_plan_learn + pc_plan_run on the known history
 * gives, to the day. */
static void test_same_as_cold_learning(void **state)
{
	size_t pick[4] = {0, full->nrows / 3, 2 * full->nrows / 3, full->nrows - 1};

	(void)state;
	for (int t = 0; t < 4; t++) {
		const pc_backtest_row *w = full->rows + pick[t];
		pc_history *s = known_before(hist, w->start);
		pc_plan_model *pm = NULL;
		pc_plan *pl = NULL;
		pc_plan_options po;

		assert_int_equal(s->nprojects, w->known);
		assert_int_equal(pc_plan_learn(s, NULL, &pm, NULL), 0);
		pc_plan_options_init(&po);
		po.start = w->start;
		po.iterations = 4000;
		po.seed = 1;
		po.threads = 1;
		assert_int_equal(pc_plan_run(pm, &po, &pl, NULL), 0);
		assert_int_equal(pm->nphases, w->phases_known);
		for (int q = 0; q < PC_BACKTEST_NQ; q++)
			assert_int_equal(w->q[q], pl->finish.day[q + 1]);
		pc_plan_free(&pl);
		pc_plan_model_free(&pm);
		known_free(s);
	}
}

/* Row w of a backtest on calendar cal (NULL: every day) against a cold
 * pc_plan_learn + pc_plan_run on the history known at its start. */
static void assert_as_cold(const pc_backtest_row *w, const pc_calendar *cal)
{
	pc_history *s = known_before(hist, w->start);
	pc_plan_learn_options lo;
	pc_plan_model *pm = NULL;
	pc_plan *pl = NULL;
	pc_plan_options po;

	assert_int_equal(s->nprojects, w->known);
	pc_plan_learn_options_init(&lo);
	lo.calendar = cal;
	assert_int_equal(pc_plan_learn(s, &lo, &pm, NULL), 0);
	pc_plan_options_init(&po);
	po.start = w->start;
	po.iterations = 4000;
	po.seed = 1;
	po.threads = 1;
	po.calendar = cal;
	assert_int_equal(pc_plan_run(pm, &po, &pl, NULL), 0);
	assert_int_equal(pm->nphases, w->phases_known);
	for (int q = 0; q < PC_BACKTEST_NQ; q++)
		if (w->q[q] != pl->finish.day[q + 1])
			fail_msg("start %d, %zu known: quantile %d on day %d, cold %d",
			         (int)w->start, w->known, q, (int)w->q[q],
			         (int)pl->finish.day[q + 1]);
	pc_plan_free(&pl);
	pc_plan_model_free(&pm);
	known_free(s);
}

/* A start day that knows no more finished projects than the one before
 * it reuses that forecast, moved to its own start (backtest.c's struct
 * forecast): its rows must still be what cold learning from its own
 * start gives, on every day and on working days with a holiday, where
 * moving a forecast skips weekends and the day off. */
static void test_moved_forecasts(void **state)
{
	pc_calendar *wd = NULL;
	pc_day off = full->rows[full->nrows / 2].start;

	(void)state;
	assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &wd, NULL), 0);
	/* a Wednesday in the thick of the history */
	while (pc_date_weekday(off) != 2)
		off++;
	assert_int_equal(pc_calendar_add_holiday(wd, off, NULL), 0);
	for (int c = 0; c < 2; c++) {
		const pc_backtest *b = full;
		pc_backtest *own = NULL;
		size_t moved = 0;

		if (c) {
			pc_backtest_options o;

			pc_backtest_options_init(&o);
			o.threads = 2;
			o.forecasts = 0;
			o.calendar = wd;
			assert_int_equal(pc_backtest_run(hist, NULL, &o, &own, NULL), 0);
			b = own;
		}
		for (size_t r = 1; r < b->nrows && moved < 4; r++) {
			const pc_backtest_row *w = b->rows + r;
			if (w->start == w[-1].start || w->known != w[-1].known)
				continue;
			assert_as_cold(w, c ? wd : NULL);
			moved++;
		}
		print_message("calendar %d: %zu moved forecasts checked\n", c, moved);
		assert_int_equal(moved, 4);
		pc_backtest_free(&own);
	}
	pc_calendar_free(&wd);
}

/* --forecasts N: N start days evenly spaced, the first and the last among
 * them, every project starting on one of them scored exactly as without
 * the cap, the others counted; the summary from the rows kept. */
static void test_forecast_cap(void **state)
{
	pc_backtest_options o;
	pc_backtest *b = NULL;
	size_t days = 0, f = 0, hit50 = 0;

	(void)state;
	for (size_t r = 0; r < full->nrows; r++)
		days += r == 0 || full->rows[r].start != full->rows[r - 1].start;
	assert_int_equal(full->nforecasts, days);
	assert_int_equal(full->skipped_unsampled, 0);
	assert_true(days > 40);

	pc_backtest_options_init(&o);
	o.forecasts = 20;
	o.threads = 1;
	assert_int_equal(pc_backtest_run(hist, NULL, &o, &b, NULL), 0);
	assert_int_equal(b->nforecasts, 20);
	assert_int_equal(b->nrows + b->skipped_unsampled, full->nrows);
	assert_int_equal(b->skipped_few, full->skipped_few);
	assert_int_equal(b->rows[0].start, full->rows[0].start);
	assert_int_equal(b->rows[b->nrows - 1].start, full->rows[full->nrows - 1].start);
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *w = b->rows + r;
		while (f < full->nrows && strcmp(full->rows[f].customer, w->customer))
			f++;
		assert_true(f < full->nrows);
		assert_memory_equal(w->q, full->rows[f].q, sizeof w->q);
		assert_int_equal(w->naive, full->rows[f].naive);
		hit50 += w->actual <= w->q[0];
	}
	assert_float_equal(b->hit[0], (double)hit50 / (double)b->nrows, 1e-12);
	pc_backtest_free(&b);

	/* one forecast: the last day, which knows the most */
	o.forecasts = 1;
	assert_int_equal(pc_backtest_run(hist, NULL, &o, &b, NULL), 0);
	assert_int_equal(b->nforecasts, 1);
	assert_int_equal(b->rows[0].start, full->rows[full->nrows - 1].start);
	pc_backtest_free(&b);

	/* the default cap, as the CLI's help states it */
	pc_backtest_options_init(&o);
	assert_int_equal(o.forecasts, PC_BACKTEST_FORECASTS);
	assert_int_equal(PC_BACKTEST_FORECASTS, 100);
}

/* The CRPS of a whole-day forecast against the closed form
 * E|X - y| - E|X - X'| / 2 (Gneiting and Raftery 2007), computed here
 * from the probabilities, not the CDF; a sure forecast scores its
 * absolute error. */
static void test_crps_formula(void **state)
{
	static const long at[3] = {3, 4, 7};
	static const double pr[3] = {0.2, 0.5, 0.3};
	double cdf[5] = {0.2, 0.7, 0.7, 0.7, 1.0}; /* offsets 3..7 */
	pci_release_cdf c = {100, 3, 5, cdf};
	double one = 1;
	pci_release_cdf sure = {0, 6, 1, &one};

	(void)state;
	for (long y = -2; y <= 12; y++) {
		double exy = 0, exx = 0;
		for (int i = 0; i < 3; i++) {
			exy += pr[i] * (double)labs(at[i] - y);
			for (int j = 0; j < 3; j++)
				exx += pr[i] * pr[j] * (double)labs(at[i] - at[j]);
		}
		assert_float_equal(pci_release_crps(&c, y), exy - exx / 2, 1e-12);
		assert_float_equal(pci_release_crps(&sure, y), (double)labs(6 - y), 0);
	}
	assert_float_equal(pci_release_cdf_at(&c, 2), 0, 0);
	assert_float_equal(pci_release_cdf_at(&c, 5), 0.7, 0);
	assert_float_equal(pci_release_cdf_at(&c, 9), 1, 0);
}

/* On the known-truth history the whole forecast is calibrated, not only
 * its P50/P80/P90: the mean PIT is 1/2 and every level of the
 * reliability table holds within 4 standard errors; the table's 50%, 80%
 * and 90% are the hit rates exactly (the same quantile rule); and the
 * whole forecast beats the naive date on CRPS. */
static void test_pit_and_reliability(void **state)
{
	double pit = 0, crps = 0, n = (double)full->nrows;

	(void)state;
	for (size_t r = 0; r < full->nrows; r++) {
		assert_true(full->rows[r].pit >= 0 && full->rows[r].pit <= 1);
		assert_true(full->rows[r].crps >= 0);
		pit += full->rows[r].pit;
		crps += full->rows[r].crps;
	}
	if (fabs(pit / n - 0.5) > 4 * sqrt(1.0 / 12 / n))
		fail_msg("mean PIT %.3f over %zu forecasts", pit / n, full->nrows);
	assert_float_equal(crps / n, full->crps, 1e-9);
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++) {
		double q = (l + 1) / 10.0, se = sqrt(q * (1 - q) / n);
		if (fabs(full->reliability[l] - q) > 4 * se)
			fail_msg("%.0f%% level held %.3f", q * 100, full->reliability[l]);
	}
	assert_float_equal(full->reliability[4], full->hit[0], 0);
	assert_float_equal(full->reliability[7], full->hit[1], 0);
	assert_float_equal(full->reliability[8], full->hit[2], 0);
	assert_true(full->crps < full->naive_crps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calibrated),
		cmocka_unit_test(test_crps_formula),
		cmocka_unit_test(test_pit_and_reliability),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_holdout_and_plans),
		cmocka_unit_test(test_same_as_cold_learning),
		cmocka_unit_test(test_moved_forecasts),
		cmocka_unit_test(test_forecast_cap),
	};
	return cmocka_run_group_tests_name("backtest", tests, setup, teardown);
}
