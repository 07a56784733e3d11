/* test_recency.c - recency weights, the drift adjustment and
 * --half-life auto against known truth (tests/synth): on a history whose
 * durations grow 2% a project, auto chooses the drift adjustment, which
 * brings the next project's P50 and P80 within 10% of the truth (equal
 * weights plan about half the truth) and the trend test fires; on histories without
 * drift auto keeps equal weights, so the plan is today's; a half-life
 * far longer than the history is the unweighted plan; and the effective
 * number of projects is what the weights say. */
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
#include <precedent/plan.h>
#include <precedent/recency.h>
#include <precedent/trend.h>

#include "synth/synth.h"

static const double P[2] = {0.5, 0.8};

/* The next project's P50 and P80 (days from its start) learned from h
 * with half-life hl (0: none). */
static void plan_days(const pc_history *h, double hl, int drift, long *out,
                      pc_plan_model **keep)
{
	pc_plan_learn_options lo;
	pc_plan_model *pm = NULL;
	pc_plan *p = NULL;
	pc_plan_options o;
	pc_error err;

	pc_error_clear(&err);
	pc_plan_learn_options_init(&lo);
	lo.half_life = hl;
	lo.drift = drift;
	if (pc_plan_learn(h, &lo, &pm, &err))
		fail_msg("learn: %s", err.msg);
	pc_plan_options_init(&o);
	o.start = pc_date_from_ymd(2027, 1, 4);
	o.threads = 2;
	o.iterations = 20000; /* a P80's error about half a day: nothing next
	                         to the 10% asked */
	assert_int_equal(pc_plan_run(pm, &o, &p, &err), 0);
	out[0] = p->finish.day[1] - o.start;
	out[1] = p->finish.day[2] - o.start;
	pc_plan_free(&p);
	if (keep)
		*keep = pm;
	else
		pc_plan_model_free(&pm);
}

static void choose(const pc_history *h, pc_half_life_choice *c)
{
	pc_backtest_options bo;
	pc_error err;

	pc_backtest_options_init(&bo);
	bo.iterations = 2000;
	bo.threads = 2;
	if (pc_half_life_choose(h, &bo, c, &err))
		fail_msg("choose: %s", err.msg);
}

/* Release P50, P80 errors of the plan learned with hl / drift on the
 * trend history of seed s, relative to the truth. */
static void trend_errors(uint64_t seed, double hl, int drift, double *e)
{
	struct synth_config c = {60, 0.3, 0, 0, seed, NULL, 0, 0.02, 0};
	pc_history *h = NULL;
	long truth[2], got[2];

	assert_int_equal(synth_history(&c, &h, NULL), 0);
	synth_truth(&c, 200000, P, 2, truth);
	plan_days(h, hl, drift, got, NULL);
	for (int q = 0; q < 2; q++)
		e[q] = (double)(got[q] - truth[q]) / (double)truth[q];
	pc_history_free(&h);
}

static int cmp_abs(const void *a, const void *b)
{
	double x = fabs(*(const double *)a), y = fabs(*(const double *)b);
	return (x > y) - (x < y);
}

/*
 * 60 projects a month apart, each 2% longer than the one before (the
 * next one's P50 and P80 are 3.3 times the first's):
 * - the release trend test fires, growing;
 * - equal weights plan the history's average, about half the truth;
 * - auto chooses the drift adjustment (it beats equal weights and every
 *   half-life in the backtest) on each of three histories;
 * - over twelve histories the adjusted plan's P50 and P80 are within 10%
 *   of the truth in at least nine, and the median error is within 8%:
 *   the estimate rests on 60 noisy projects, and its own spread (about
 *   7% SD, mostly the slope extrapolated over the history's length) is
 *   what keeps a few outside 10%.  Recency weights alone (half-life 4)
 *   lag the trend by their mean age: within 10% in fewer.
 */
static void test_trend_history(void **state)
{
	struct synth_config c = {60, 0.3, 0, 0, 41, NULL, 0, 0.02, 0};
	pc_history *h = NULL;
	pc_history_trend *tr = NULL;
	double e50[12], e80[12], e[2];
	int within = 0, within_hl = 0;
	long truth[2], equal[2];

	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	assert_int_equal(pc_history_trends(h, NULL, 0.05, &tr, NULL), PC_OK);
	assert_true(tr[h->nphases].significant);
	assert_true(tr[h->nphases].per_year > 0);
	free(tr);
	synth_truth(&c, 200000, P, 2, truth);
	plan_days(h, 0, 0, equal, NULL);
	print_message("# trend: truth P50 %ld P80 %ld; equal weights %ld %ld\n",
	              truth[0], truth[1], equal[0], equal[1]);
	assert_true(equal[0] < 0.7 * truth[0] && equal[1] < 0.7 * truth[1]);
	pc_history_free(&h);
	for (uint64_t seed = 41; seed < 44; seed++) {
		pc_half_life_choice ch;
		c.seed = seed;
		assert_int_equal(synth_history(&c, &h, NULL), 0);
		choose(h, &ch);
		print_message("# trend seed %d: auto chose drift %d half-life %g (z %.2f, "
		              "CRPS %.1f vs %.1f equal, %zu scored)\n", (int)seed, ch.drift,
		              ch.half_life, ch.z, ch.crps, ch.crps_none, ch.nscored);
		assert_true(ch.drift && ch.half_life == 0);
		assert_true(ch.crps < 0.85 * ch.crps_none);
		pc_history_free(&h);
	}
	for (int i = 0; i < 12; i++) {
		double hl[2];
		trend_errors(41 + (uint64_t)i, 0, 1, e);
		e50[i] = e[0];
		e80[i] = e[1];
		within += fabs(e[0]) <= 0.1 && fabs(e[1]) <= 0.1;
		trend_errors(41 + (uint64_t)i, 4, 0, hl);
		within_hl += fabs(hl[0]) <= 0.1 && fabs(hl[1]) <= 0.1;
		print_message("# trend seed %d: drift-adjusted P50 %+.1f%% P80 %+.1f%%; "
		              "half-life 4 %+.1f%% %+.1f%%\n", 41 + i, 100 * e[0],
		              100 * e[1], 100 * hl[0], 100 * hl[1]);
	}
	qsort(e50, 12, sizeof *e50, cmp_abs);
	qsort(e80, 12, sizeof *e80, cmp_abs);
	print_message("# trend: within 10%% in %d of 12 (half-life 4: %d); median "
	              "|error| P50 %.1f%% P80 %.1f%%\n", within, within_hl,
	              100 * (fabs(e50[5]) + fabs(e50[6])) / 2,
	              100 * (fabs(e80[5]) + fabs(e80[6])) / 2);
	assert_true(within >= 9);
	assert_true(within_hl < within);
	assert_true((fabs(e50[5]) + fabs(e50[6])) / 2 <= 0.08);
	assert_true((fabs(e80[5]) + fabs(e80[6])) / 2 <= 0.08);
}

/* No drift: auto keeps equal weights, so the plan is unchanged. */
static void test_no_trend(void **state)
{
	static const double rho[] = {0.0, 0.5, 0.3, 0.6};
	static const int ongoing[] = {0, 0, 1, 1};
	int kept = 0;

	(void)state;
	for (int s = 0; s < 4; s++) {
		struct synth_config c = {60, rho[s], ongoing[s], 0, 50 + (uint64_t)s, NULL, 0, 0, 0};
		pc_half_life_choice ch;
		pc_history *h = NULL;

		assert_int_equal(synth_history(&c, &h, NULL), 0);
		choose(h, &ch);
		print_message("# no trend %d: chose %g (best %g, z %.2f, %zu scored, %s)\n",
		              s, ch.half_life, ch.best_half_life, ch.z, ch.nscored, ch.why);
		kept += ch.half_life == 0;
		pc_history_free(&h);
	}
	assert_int_equal(kept, 4);
}

/* A half-life far longer than the history weighs every project about
 * the same: the plan is the unweighted one within a day; a short one
 * is worth about 2 h / ln 2 projects. */
static void test_weights_meaning(void **state)
{
	struct synth_config c = {300, 0.4, 0, 0, 61, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	long a[2], b[2];

	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	plan_days(h, 0, 0, a, &pm);
	assert_true(pm->half_life == 0 && pm->effective_projects == 300);
	pc_plan_model_free(&pm);
	plan_days(h, 1e9, 0, b, &pm);
	print_message("# equal %ld %ld, half-life 1e9 %ld %ld\n", a[0], a[1], b[0], b[1]);
	assert_true(labs(a[0] - b[0]) <= 1 && labs(a[1] - b[1]) <= 1);
	assert_true(fabs(pm->effective_projects - 300) < 0.01);
	pc_plan_model_free(&pm);
	plan_days(h, 10, 0, b, &pm);
	/* sum of 2^(-i/h) squared over sum of 4^(-i/h) is about
	 * (1 + r) / (1 - r) with r = 2^(-1/h): 28.9 for h = 10, a little
	 * more where projects started on the same day and share an age */
	print_message("# half-life 10: worth %.2f projects\n", pm->effective_projects);
	assert_true(fabs(pm->effective_projects - 28.87) < 0.5);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

/* backtest --half-life auto chooses per forecast from what had finished
 * before its day: lengthening one project's release by 200 days moves no
 * forecast made before its old release day, and some made after its new
 * one; the choices are recorded per row. */
static void test_backtest_auto_no_look_ahead(void **state)
{
	struct synth_config c = {70, 0.3, 0, 0, 71, NULL, 0, 0.03, 0};
	pc_history *h = NULL;
	pc_backtest_options bo;
	pc_backtest *a = NULL, *b = NULL;
	pc_error err;
	size_t k, same = 0, moved = 0, chose = 0;
	pc_day old_end;

	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	pc_backtest_options_init(&bo);
	bo.iterations = 1000;
	bo.threads = 2;
	bo.forecasts = 20;
	bo.half_life_auto = 1;
	if (pc_backtest_run(h, NULL, &bo, &a, &err))
		fail_msg("backtest: %s", err.msg);
	/* the project starting 25th */
	{
		pc_day *st = malloc(h->nprojects * sizeof *st);
		for (size_t i = 0; i < h->nprojects; i++)
			st[i] = h->projects[i].start;
		for (size_t i = 0; i < h->nprojects; i++)
			for (size_t j = i + 1; j < h->nprojects; j++)
				if (st[j] < st[i]) {
					pc_day t = st[i];
					st[i] = st[j];
					st[j] = t;
				}
		for (k = 0; h->projects[k].start != st[24]; k++)
			;
		free(st);
	}
	old_end = h->projects[k].end;
	for (size_t i = 0; i < h->nobs; i++)
		if (h->obs[i].project == k && h->obs[i].end == old_end)
			h->obs[i].end += 200;
	h->projects[k].end += 200;
	if (pc_backtest_run(h, NULL, &bo, &b, &err))
		fail_msg("backtest: %s", err.msg);
	assert_int_equal(a->nrows, b->nrows);
	for (size_t r = 0; r < a->nrows; r++) {
		const pc_backtest_row *x = a->rows + r, *y = b->rows + r;
		int diff = memcmp(x->q, y->q, sizeof x->q) || x->half_life != y->half_life ||
		           x->drift != y->drift;
		assert_true(x->start == y->start);
		chose += x->drift || x->half_life > 0;
		if (x->start <= old_end) {
			if (diff)
				fail_msg("a forecast of %s made before the changed release "
				         "moved", x->project);
			same++;
		} else if (x->start > old_end + 200) {
			moved += diff;
		}
	}
	print_message("# auto backtest: %zu rows unchanged before the change, %zu of "
	              "the later ones moved; %zu rows chose recency or drift\n",
	              same, moved, chose);
	assert_true(same >= 3 && moved >= 1 && chose >= 1);
	pc_backtest_free(&a);
	pc_backtest_free(&b);
	pc_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trend_history),
		cmocka_unit_test(test_no_trend),
		cmocka_unit_test(test_weights_meaning),
		cmocka_unit_test(test_backtest_auto_no_look_ahead),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
