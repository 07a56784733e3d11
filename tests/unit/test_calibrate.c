/* test_calibrate.c - the Beta recalibration map (calibrate.h): against an
 * independent fit in R, on synthetic miscalibrated PIT values (the known
 * bias is removed), on calibrated ones (left alone within Monte Carlo
 * error), on few (near the identity); the recalibrated plan; and the
 * nested backtest, which must never let a forecast see the PIT of a
 * project released after it started.
 */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <precedent/backtest.h>
#include <precedent/calibrate.h>
#include <precedent/plan.h>

#include "plan_internal.h"
#include "synth/synth.h"

/* The PIT set of tests/ref/calib_refs.R and what R made of it
 * (tests/ref/calib_refs.txt): optim on the log posterior written out in
 * R, and for prior 0 MASS::fitdistr, which agree to 2e-6. */
static const double ref_u[20] = {
	0.97, 0.88, 0.91, 0.42, 0.99, 0.76, 0.63, 0.95, 0.83, 0.55,
	0.999, 0.71, 0.93, 0.28, 0.86, 0.98, 0.67, 0.9, 0.81, 0.59
};

static void test_against_r(void **state)
{
	static const struct {
		double prior, a, b, g[9];
	} ref[2] = {
		{0, 2.60573945, 0.72047040,
		 {0.00147299, 0.00917469, 0.02706770, 0.05892538, 0.10883565,
		  0.18166593, 0.28385960, 0.42532033, 0.62587887}},
		{10, 1.37611554, 0.65193314,
		 {0.02573563, 0.06833894, 0.12241025, 0.18696113, 0.26219384,
		  0.34923580, 0.45047295, 0.57079020, 0.72238613}},
	};

	(void)state;
	for (int k = 0; k < 2; k++) {
		pc_calib c;
		double g[9];

		assert_int_equal(pc_calib_fit(ref_u, 20, ref[k].prior, &c, NULL), 0);
		/* R's optim stops at a relative change of 1e-14 in the log
		 * posterior, which leaves the parameters good to about 1e-6
		 * (MASS::fitdistr differs from it by 2e-6): 1e-5 relative */
		assert_float_equal(c.a, ref[k].a, 1e-5 * ref[k].a);
		assert_float_equal(c.b, ref[k].b, 1e-5 * ref[k].b);
		assert_int_equal(c.n, 20);
		assert_float_equal(c.shrinkage, ref[k].prior / (20 + ref[k].prior), 1e-15);
		pc_calib_table(&c, g);
		for (int l = 0; l < 9; l++)
			assert_float_equal(g[l], ref[k].g[l], 1e-5);
	}
}

static double *draw_beta(gsl_rng *r, size_t m, double a, double b)
{
	double *u = malloc(m * sizeof *u);

	assert_non_null(u);
	for (size_t i = 0; i < m; i++)
		u[i] = gsl_ran_beta(r, a, b);
	return u;
}

/* Share of v[0..m-1] at or below x. */
static double share_below(const double *v, size_t m, double x)
{
	size_t c = 0;

	for (size_t i = 0; i < m; i++)
		c += v[i] <= x;
	return (double)c / (double)m;
}

/*
 * Forecasts too narrow (PITs from the U-shaped Beta(0.5, 0.5)), too early
 * (Beta(2, 1): the actual falls late in the forecast) and too wide
 * (Beta(2, 2)): a map learned from m = 2000 PITs, applied to 5000 new
 * ones of the same forecaster, must make them uniform: at each decile the
 * share of recalibrated PITs below it within 4 standard errors of the
 * level, where the standard error adds that of the test share,
 * sqrt(l (1 - l) / 5000), and that of the learned map, at most the
 * empirical cdf's sqrt(l (1 - l) / 2000) (a two-parameter fit is no
 * noisier).  The raw PITs must fail the same check (the test can fail).
 */
static void test_removes_bias(void **state)
{
	static const double ab[3][2] = {{0.5, 0.5}, {2, 1}, {2, 2}};
	const size_t m = 2000, mt = 5000;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	gsl_rng_set(r, 11);
	for (int k = 0; k < 3; k++) {
		double *u = draw_beta(r, m, ab[k][0], ab[k][1]);
		double *t = draw_beta(r, mt, ab[k][0], ab[k][1]);
		double worst_raw = 0;
		pc_calib c;

		assert_int_equal(pc_calib_fit(u, m, PC_CALIB_PRIOR, &c, NULL), 0);
		/* the truth, up to the sampling error of 2000 draws (about
		 * 3%), the 0.5% pull of the prior and, for the U shape, the
		 * clamping of the 2% of its PITs below 1e-3 or above 1 - 1e-3,
		 * which lifts a and b by about a tenth: 15% */
		assert_float_equal(c.a, ab[k][0], 0.15 * ab[k][0]);
		assert_float_equal(c.b, ab[k][1], 0.15 * ab[k][1]);
		for (size_t i = 0; i < mt; i++)
			t[i] = pc_calib_map(&c, t[i]);
		for (int l = 1; l <= 9; l++) {
			double lv = l / 10.0, v = lv * (1 - lv);
			double tol = 4 * (sqrt(v / (double)mt) + sqrt(v / (double)m));
			double raw = fabs(gsl_cdf_beta_P(lv, ab[k][0], ab[k][1]) - lv);
			assert_float_equal(share_below(t, mt, lv), lv, tol);
			if (raw > worst_raw)
				worst_raw = raw;
		}
		assert_true(worst_raw > 4 * (sqrt(0.25 / (double)mt) + sqrt(0.25 / (double)m)));
		/* the closed form for Beta(2, 1): G(u) = u^2 */
		if (k == 1)
			for (int l = 1; l <= 9; l++)
				assert_float_equal(pc_calib_map(&c, l / 10.0), l * l / 100.0,
				                   4 * sqrt(0.25 / (double)m));
		free(u);
		free(t);
	}
	gsl_rng_free(r);
}

/* A calibrated forecaster (uniform PITs) is left alone: G within the
 * empirical cdf's 4 standard errors of the identity at every decile,
 * over 20 independent sets (so a chance pass of a broken map is
 * unlikely and a chance failure of a good one too: 4 sigma). */
static void test_uniform_left_alone(void **state)
{
	const size_t m = 500;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	gsl_rng_set(r, 12);
	for (int rep = 0; rep < 20; rep++) {
		double *u = draw_beta(r, m, 1, 1);
		pc_calib c;

		assert_int_equal(pc_calib_fit(u, m, PC_CALIB_PRIOR, &c, NULL), 0);
		for (int l = 1; l <= 9; l++) {
			double lv = l / 10.0;
			assert_float_equal(pc_calib_map(&c, lv), lv,
			                   4 * sqrt(lv * (1 - lv) / (double)m));
		}
		free(u);
	}
	gsl_rng_free(r);
}

/* Few PITs move the map little: none is the identity exactly; one (at
 * 0.97) moves no decile by more than 0.08; three extreme ones (all in the
 * top 3%, what a forecast far too early gives) by at most 0.2, in the
 * right direction (G(u) <= u: the forecast's levels held less often),
 * while the same three with no prior make G vanish below 0.9 (a > 250):
 * the prior does the work. */
static void test_few_near_identity(void **state)
{
	const double u[3] = {0.99, 0.98, 0.97};
	pc_calib c, c0;

	(void)state;
	assert_int_equal(pc_calib_fit(u, 0, PC_CALIB_PRIOR, &c, NULL), 0);
	assert_true(c.a == 1 && c.b == 1 && c.n == 0 && c.shrinkage == 1);
	assert_int_equal(pc_calib_fit(u + 2, 1, PC_CALIB_PRIOR, &c, NULL), 0);
	for (int l = 1; l <= 9; l++)
		assert_float_equal(pc_calib_map(&c, l / 10.0), l / 10.0, 0.08);
	assert_int_equal(pc_calib_fit(u, 3, PC_CALIB_PRIOR, &c, NULL), 0);
	assert_float_equal(c.shrinkage, 10.0 / 13, 1e-15);
	assert_int_equal(pc_calib_fit(u, 3, 0, &c0, NULL), 0);
	for (int l = 1; l <= 9; l++) {
		double lv = l / 10.0;
		assert_true(pc_calib_map(&c, lv) <= lv);
		assert_true(pc_calib_map(&c, lv) >= lv - 0.2);
		assert_true(pc_calib_map(&c0, lv) < 1e-3);
	}
	{
		pc_error err;
		assert_int_equal(pc_calib_fit(u, 3, -1, &c, &err), PC_EUSAGE);
		assert_int_equal(pc_calib_fit(u, 3, NAN, &c, &err), PC_EUSAGE);
	}
}

/* G^-1 inverts G; the edges stay put; NaN PITs are not counted; a PIT of
 * exactly 0 or 1 is finite after clamping. */
static void test_inverse_and_edges(void **state)
{
	const double u[6] = {0, 1, NAN, 0.5, 0.2, 0.999999};
	pc_calib c;

	(void)state;
	assert_int_equal(pc_calib_fit(u, 6, 2, &c, NULL), 0);
	assert_int_equal(c.n, 5);
	assert_true(isfinite(c.a) && isfinite(c.b));
	for (int i = 1; i < 100; i++) {
		double p = i / 100.0;
		assert_float_equal(pc_calib_map(&c, pc_calib_inverse(&c, p)), p, 1e-9);
	}
	assert_true(pc_calib_map(&c, 0) == 0 && pc_calib_map(&c, 1) == 1);
	assert_true(pc_calib_inverse(&c, 0) == 0 && pc_calib_inverse(&c, 1) == 1);
}

/* The recalibrated plan: the identity changes nothing; a map moves the
 * release's P-level date to the simulated release's quantile at level
 * G^-1(p), read here off the release cdf independently; the phases stay
 * raw. */
static void test_plan(void **state)
{
	struct synth_config sc = {60, 0.0, 0, 0, 5, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	pc_plan *raw = NULL, *cal = NULL;
	pci_release_cdf cdf = {0, 0, 0, NULL};
	pc_plan_options po;
	pc_calib id, g = {2, 1, 50, 10, 10.0 / 60};

	(void)state;
	assert_int_equal(synth_history(&sc, &h, NULL), 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, NULL), 0);
	pc_plan_options_init(&po);
	po.start = 20000;
	po.iterations = 20000;
	po.threads = 2;
	assert_int_equal(pci_plan_run_cdf(pm, &po, &raw, &cdf, NULL), 0);
	pc_calib_identity(&id, PC_CALIB_PRIOR);
	assert_int_equal(pc_calib_plan_run(pm, &po, &id, &cal, NULL), 0);
	assert_memory_equal(cal->finish.day, raw->finish.day, sizeof raw->finish.day);
	pc_plan_free(&cal);
	assert_int_equal(pc_calib_plan_run(pm, &po, &g, &cal, NULL), 0);
	for (int q = 0; q < PC_PLAN_NPCT; q++) {
		double lv = sqrt(pc_plan_pct[q]); /* G(u) = u^2 */
		size_t i = 0;
		while (i + 1 < cdf.n && cdf.cdf[i] < lv - 1e-9)
			i++;
		assert_int_equal(cal->finish.day[q], po.start + cdf.base + (long)i);
		assert_true(cal->finish.day[q] >= raw->finish.day[q]);
		assert_true(isfinite(cal->finish.se[q]) && cal->finish.se[q] > 0);
	}
	for (size_t j = 0; j < raw->nphases; j++)
		assert_memory_equal(cal->phases[j].finish.day, raw->phases[j].finish.day,
		                    sizeof raw->phases[j].finish.day);
	pc_plan_free(&cal);
	po.ci = 10;
	{
		pc_error err;
		assert_int_equal(pc_calib_plan_run(pm, &po, &g, &cal, &err), PC_EUSAGE);
		assert_null(cal);
	}
	pci_release_cdf_free(&cdf);
	pc_plan_free(&raw);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

static pc_backtest *nested(const pc_history *h)
{
	pc_backtest_options o;
	pc_backtest *b = NULL;

	pc_backtest_options_init(&o);
	o.threads = 2;
	o.forecasts = 0;
	o.iterations = 2000;
	o.calibrate = 1;
	assert_int_equal(pc_backtest_run(h, NULL, &o, &b, NULL), 0);
	assert_true(b->calibrated);
	return b;
}

/*
 * Nested time travel.  Every row's map is learned from exactly the rows
 * released before it started; then one project's release is moved 400
 * days later (its last phase made longer): no row that started on or
 * before its first release may move at all, raw or recalibrated, and
 * some row after its new release must see a different map.
 */
static void test_no_look_ahead(void **state)
{
	struct synth_config sc = {90, 0.0, 0, 0, 23, NULL, 0, 0, 0};
	pc_history *h = NULL, *h2 = NULL;
	pc_backtest *b = NULL, *b2 = NULL;
	size_t j, moved_after = 0, lastobs = 0;
	pc_day old_end, new_end;

	(void)state;
	assert_int_equal(synth_history(&sc, &h, NULL), 0);
	assert_int_equal(synth_history(&sc, &h2, NULL), 0);
	b = nested(h);
	for (size_t r = 0; r < b->nrows; r++) {
		size_t want = 0;
		for (size_t s = 0; s < b->nrows; s++)
			want += b->rows[s].actual < b->rows[r].start;
		assert_int_equal(b->rows[r].cal_n, want);
	}
	/* the project of the row a third of the way in */
	{
		const pc_backtest_row *w = b->rows + b->nrows / 3;
		for (j = 0; j < h2->nprojects; j++)
			if (strcmp(h2->projects[j].customer, w->customer) == 0 &&
			    strcmp(h2->projects[j].name, w->project) == 0)
				break;
		assert_true(j < h2->nprojects);
	}
	old_end = h2->projects[j].end;
	new_end = old_end + 400;
	for (size_t i = 0; i < h2->nobs; i++)
		if (h2->obs[i].project == j && h2->obs[i].end == old_end)
			lastobs = i + 1;
	assert_true(lastobs > 0);
	h2->obs[lastobs - 1].end = new_end;
	h2->projects[j].end = new_end;
	b2 = nested(h2);
	assert_int_equal(b2->nrows, b->nrows);
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *x = b->rows + r, *y = b2->rows + r;
		assert_int_equal(x->start, y->start);
		if (x->start <= old_end) {
			assert_memory_equal(x->q, y->q, sizeof x->q);
			assert_memory_equal(x->q_cal, y->q_cal, sizeof x->q_cal);
			assert_int_equal(x->cal_n, y->cal_n);
			assert_true(x->cal_a == y->cal_a && x->cal_b == y->cal_b);
			if (strcmp(x->customer, h2->projects[j].customer) != 0)
				assert_true(x->pit_cal == y->pit_cal);
		} else if (x->start > new_end) {
			moved_after += x->cal_a != y->cal_a || x->cal_b != y->cal_b;
		}
	}
	assert_true(moved_after > 0);
	pc_backtest_free(&b);
	pc_backtest_free(&b2);
	pc_history_free(&h);
	pc_history_free(&h2);
}

/* The recalibrated summary follows from the rows, and an identity map
 * (no earlier release) leaves a row's forecast as it was. */
static void test_summary_from_rows(void **state)
{
	struct synth_config sc = {60, 0.3, 0, 0, 29, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_backtest *b = NULL;
	double hit[PC_BACKTEST_NQ] = {0}, crps = 0;

	(void)state;
	assert_int_equal(synth_history(&sc, &h, NULL), 0);
	b = nested(h);
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *w = b->rows + r;
		for (int q = 0; q < PC_BACKTEST_NQ; q++)
			hit[q] += w->actual <= w->q_cal[q];
		crps += w->crps_cal;
		if (w->cal_n == 0) {
			assert_memory_equal(w->q, w->q_cal, sizeof w->q);
			assert_float_equal(w->pit, w->pit_cal, 1e-12);
			assert_float_equal(w->crps, w->crps_cal, 1e-9);
		}
		assert_true(w->pit_cal >= 0 && w->pit_cal <= 1);
	}
	for (int q = 0; q < PC_BACKTEST_NQ; q++)
		assert_float_equal(b->hit_cal[q], hit[q] / (double)b->nrows, 1e-12);
	assert_float_equal(b->crps_cal, crps / (double)b->nrows, 1e-9);
	pc_backtest_free(&b);
	pc_history_free(&h);
}

/* Position of each project of h in order of start (ties: index). */
static size_t *start_ranks(const pc_history *h)
{
	size_t n = h->nprojects, *rank = malloc(n * sizeof *rank);

	assert_non_null(rank);
	for (size_t p = 0; p < n; p++) {
		rank[p] = 0;
		for (size_t q = 0; q < n; q++)
			rank[p] += h->projects[q].start < h->projects[p].start ||
			           (h->projects[q].start == h->projects[p].start && q < p);
	}
	return rank;
}

/*
 * Known truth that drifts: the true model of tests/synth with every
 * project's phases stretched by 1.5% more than the one before (offsets
 * from the project's start times 1.015^rank).  The planner weighs old
 * and new projects alike, so its forecasts come out early and the raw
 * P80 holds far below 0.8; the nested recalibration, learning only from
 * earlier releases, must bring the P80 and P90 hit rates at least 10
 * points closer to nominal and lower the CRPS and the P80 and P90
 * pinball losses.
 */
static void test_drift_corrected(void **state)
{
	struct synth_config sc = {120, 0.0, 0, 0, 41, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_backtest *b = NULL;
	size_t *rank;

	(void)state;
	assert_int_equal(synth_history(&sc, &h, NULL), 0);
	rank = start_ranks(h);
	for (size_t p = 0; p < h->nprojects; p++)
		h->projects[p].end = h->projects[p].start;
	for (size_t i = 0; i < h->nobs; i++) {
		pc_obs *o = h->obs + i;
		pc_project *pr = h->projects + o->project;
		double f = pow(1.015, (double)rank[o->project]);
		pc_day s = pr->start + (pc_day)lround((double)(o->start - pr->start) * f);
		pc_day e = pr->start + (pc_day)lround((double)(o->end - pr->start + 1) * f) - 1;
		o->start = s;
		o->end = e < s ? s : e;
		if (o->end > pr->end)
			pr->end = o->end;
	}
	free(rank);
	b = nested(h);
	print_message("# drift: raw hit %.2f %.2f %.2f crps %.1f; recalibrated %.2f %.2f %.2f crps %.1f\n",
	              b->hit[0], b->hit[1], b->hit[2], b->crps, b->hit_cal[0],
	              b->hit_cal[1], b->hit_cal[2], b->crps_cal);
	assert_true(b->hit[1] < 0.7);
	for (int q = 1; q < PC_BACKTEST_NQ; q++) {
		assert_true(fabs(b->hit_cal[q] - pc_backtest_q[q]) <
		            fabs(b->hit[q] - pc_backtest_q[q]) - 0.1);
		assert_true(b->pinball_cal[q] < b->pinball[q]);
	}
	assert_true(b->crps_cal < b->crps);
	pc_backtest_free(&b);
	pc_history_free(&h);
}

/* A calibrated planner (the independent known-truth history of
 * test_backtest.c, where the planner learns the true model) is left
 * alone: recalibrated hit rates within 4 standard errors of nominal
 * (sqrt(p (1 - p) / n), n = 240: 0.026 at P80), and the CRPS within 3%
 * of the raw one (the map's noise may cost a little, never much). */
static void test_calibrated_left_alone(void **state)
{
	struct synth_config sc = {260, 0.0, 0, 0, 31, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_backtest *b = NULL;

	(void)state;
	assert_int_equal(synth_history(&sc, &h, NULL), 0);
	b = nested(h);
	print_message("# calibrated: raw hit %.3f %.3f %.3f crps %.2f; recalibrated %.3f %.3f %.3f crps %.2f\n",
	              b->hit[0], b->hit[1], b->hit[2], b->crps, b->hit_cal[0],
	              b->hit_cal[1], b->hit_cal[2], b->crps_cal);
	assert_true(b->nrows >= 240);
	for (int q = 0; q < PC_BACKTEST_NQ; q++) {
		double p = pc_backtest_q[q];
		assert_float_equal(b->hit_cal[q], p, 4 * sqrt(p * (1 - p) / (double)b->nrows));
	}
	assert_true(b->crps_cal < 1.03 * b->crps);
	pc_backtest_free(&b);
	pc_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_against_r),
		cmocka_unit_test(test_removes_bias),
		cmocka_unit_test(test_uniform_left_alone),
		cmocka_unit_test(test_few_near_identity),
		cmocka_unit_test(test_inverse_and_edges),
		cmocka_unit_test(test_plan),
		cmocka_unit_test(test_no_look_ahead),
		cmocka_unit_test(test_summary_from_rows),
		cmocka_unit_test(test_drift_corrected),
		cmocka_unit_test(test_calibrated_left_alone),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests_name("calibrate", tests, NULL, NULL);
}
