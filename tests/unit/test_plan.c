/* test_plan.c - the planner against the truth of synthetic histories
 * (tests/synth/synth.h: drawn from a known five-phase model), plus the
 * clear failures on unusable histories and template files.
 *
 * Truth: 1,000,000 draws of the true model (Monte Carlo error of its
 * percentiles about 0.03 days).  The plan learns from 1,500 projects; its
 * release P50/P80/P90 must be within 2 days of the truth (the "a
 * day or two"; over seeds 13, 22, 24 and 30-35 of the ongoing case the
 * largest error seen was 2 days, typically 0-1).  --independent must move
 * some percentile by more than 3 days (it moves P90 by about 12), and
 * leaving the running projects out by more than 2 days, past the band
 * the right answer stays in (over the same seeds it moved P90 by 3-5
 * days, always earlier: forgetting slow projects is optimistic). */
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
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include <precedent/plan.h>

#include "plan_internal.h"
#include "synth/synth.h"

static const double P[3] = {0.5, 0.8, 0.9};

/* Release percentiles (days from the start) of a plan learned from c. */
static void plan_days(const struct synth_config *c, int independent,
                      long *out, pc_plan_model **keep)
{
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	pc_plan *p = NULL;
	pc_plan_options o;
	pc_error err;

	assert_int_equal(synth_history(c, &h, NULL), 0);
	pc_error_clear(&err);
	if (pc_plan_learn(h, NULL, &pm, &err))
		fail_msg("learn: %s", err.msg);
	pc_plan_options_init(&o);
	o.start = pc_date_from_ymd(2027, 1, 4);
	o.independent = independent;
	o.threads = 2;
	assert_int_equal(pc_plan_run(pm, &o, &p, &err), 0);
	out[0] = p->finish.day[1] - o.start;
	out[1] = p->finish.day[2] - o.start;
	out[2] = p->finish.day[3] - o.start;
	pc_plan_free(&p);
	if (keep)
		*keep = pm;
	else
		pc_plan_model_free(&pm);
	pc_history_free(&h);
}

static long max_err(const long *a, const long *b)
{
	long m = 0;
	for (int i = 0; i < 3; i++)
		if (labs(a[i] - b[i]) > m)
			m = labs(a[i] - b[i]);
	return m;
}

static void check_case(const char *name, struct synth_config *c)
{
	long truth[3], got[3];
	synth_truth(c, 1000000, P, 3, truth);
	plan_days(c, 0, got, NULL);
	print_message("# %s: truth %ld %ld %ld, plan %ld %ld %ld\n", name,
	              truth[0], truth[1], truth[2], got[0], got[1], got[2]);
	assert_true(max_err(truth, got) <= 2);
}

static void test_truth_independent(void **state)
{
	struct synth_config c = {1500, 0.0, 0, 0, 11, NULL, 0, 0, 0};
	(void)state;
	check_case("independent", &c);
}

static void test_truth_correlated(void **state)
{
	struct synth_config c = {1500, 0.6, 0, 0, 12, NULL, 0, 0, 0};
	long truth[3], ind[3];
	(void)state;
	check_case("correlated", &c);
	/* Ignoring the correlation narrows the range: wrong by > 3 days. */
	synth_truth(&c, 1000000, P, 3, truth);
	plan_days(&c, 1, ind, NULL);
	print_message("# correlated --independent: %ld %ld %ld\n", ind[0], ind[1], ind[2]);
	assert_true(max_err(truth, ind) > 3);
}

static void test_truth_ongoing(void **state)
{
	struct synth_config c = {1500, 0.6, 1, 0, 13, NULL, 0, 0, 0};
	long truth[3], dropped[3];
	pc_history *h;
	size_t nongoing;
	(void)state;
	assert_int_equal(synth_history(&c, &h, &nongoing), 0);
	/* about a fifth still running */
	print_message("# ongoing: %zu of %zu projects\n", nongoing, h->nprojects);
	assert_true(nongoing >= 250 && nongoing <= 400);
	pc_history_free(&h);
	check_case("ongoing", &c);
	/* Forgetting the running projects forgets the slow ones. */
	c.drop_ongoing = 1;
	synth_truth(&c, 1000000, P, 3, truth);
	plan_days(&c, 0, dropped, NULL);
	print_message("# ongoing dropped: %ld %ld %ld\n", dropped[0], dropped[1], dropped[2]);
	assert_true(max_err(truth, dropped) > 2);
	assert_true(dropped[2] < truth[2]);
}

static void test_structure_inferred(void **state)
{
	struct synth_config c = {300, 0.3, 1, 0, 14, NULL, 0, 0, 0};
	pc_history *h;
	pc_plan_model *pm = NULL;
	pc_error err;
	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, &err), 0);
	assert_int_equal(pm->nphases, 5);
	/* design, build_ui, build, test, launch (synth.h) */
	assert_string_equal(pm->nodes[1].phase, "build_ui");
	assert_int_equal(pm->nodes[0].after, -1);
	assert_int_equal(pm->nodes[1].after, 0);
	assert_float_equal(pm->nodes[1].lag, -3, 0);
	assert_int_equal(pm->nodes[2].after, 0);
	assert_float_equal(pm->nodes[2].lag, 0, 0);
	assert_int_equal(pm->nodes[3].after, 2);
	assert_float_equal(pm->nodes[3].lag, 1, 0);
	assert_float_equal(pm->nodes[3].spread, 1, 0); /* jitter +-1 */
	assert_int_equal(pm->nodes[4].after, 3);
	assert_int_equal(pm->corr_source, PC_PLAN_CORR_ESTIMATED);
	/* rho_S for r = 0.3 is (6/pi) asin(0.15) = 0.2875 */
	assert_float_equal(pm->spearman[0 * 5 + 2], 0.2875, 0.12);
	pc_plan_model_free(&pm);
	assert_null(pm);
	pc_history_free(&h);
}

static void test_same_seed_any_threads(void **state)
{
	struct synth_config c = {200, 0.5, 1, 0, 15, NULL, 0, 0, 0};
	pc_history *h;
	pc_plan_model *pm;
	pc_plan *a, *b;
	pc_plan_options o;
	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, NULL), 0);
	pc_plan_options_init(&o);
	o.start = pc_date_from_ymd(2027, 1, 4);
	o.iterations = 30001;
	o.ci = 20;
	o.ci_iterations = 2000;
	o.threads = 1;
	assert_int_equal(pc_plan_run(pm, &o, &a, NULL), 0);
	o.threads = 4;
	assert_int_equal(pc_plan_run(pm, &o, &b, NULL), 0);
	assert_memory_equal(&a->finish, &b->finish, sizeof a->finish);
	for (size_t j = 0; j < a->nphases; j++) {
		assert_memory_equal(&a->phases[j].start, &b->phases[j].start,
		                    sizeof a->phases[j].start);
		assert_memory_equal(&a->phases[j].finish, &b->phases[j].finish,
		                    sizeof a->phases[j].finish);
	}
	/* the CI brackets its percentile and is a real range */
	assert_true(a->has_ci);
	assert_true(a->finish.ci[2][0] <= a->finish.day[2]);
	assert_true(a->finish.ci[2][1] >= a->finish.day[2]);
	assert_true(a->finish.ci[2][1] > a->finish.ci[2][0]);
	pc_plan_free(&a);
	pc_plan_free(&b);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

/* BCa against closed forms: replicates at the normal quantiles of
 * (i + 0.5) / 2000 and the estimate 0 (so z0 = 0); with acceleration a
 * the interval is Phi^-1 of Phi(z / (1 - a z)) for z = -+1.959964, i.e.
 * z / (1 - a z) itself: a = 0 gives -+1.96, a = 0.1 gives
 * -1.638771 and 2.437755.  The acceleration of {0, 0, 0, 0, 1}:
 * d = 0.2 x 4 and -0.8, -0.48 / (6 0.8^1.5) = -0.111803. */
static void test_bca_closed_form(void **state)
{
	static double v[2000];
	double lo, hi, jack[5 * 2] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
	(void)state;
	for (size_t i = 0; i < 2000; i++)
		v[i] = gsl_cdf_ugaussian_Pinv(((double)i + 0.5) / 2000);
	assert_int_equal(pci_boot_interval(v, 2000, 1, 0, 0, 0, &lo, &hi), 0);
	/* the replicate grid steps by about 0.006 out there */
	assert_float_equal(lo, -1.959964, 0.01);
	assert_float_equal(hi, 1.959964, 0.01);
	assert_int_equal(pci_boot_interval(v, 2000, 1, 0, 0, 0.1, &lo, &hi), 0);
	assert_float_equal(lo, -1.638771, 0.01);
	assert_float_equal(hi, 2.437755, 0.02);
	/* widened for n projects (Hesterberg): sqrt(n / (n - 1)) t(n-1),
	 * with t(4) = 2.776445 and t(9) = 2.262157 (R: qt(0.975, 4), 9):
	 * 3.104157 from 5, 2.384524 from 10; n 0 and 1 leave 1.96 */
	assert_int_equal(pci_boot_interval_n(v, 2000, 1, 0, 0, 0, 5, &lo, &hi), 0);
	assert_float_equal(lo, -3.104157, 0.15); /* the grid is coarse there */
	assert_float_equal(hi, 3.104157, 0.15);
	assert_true(lo < -2.9 && hi > 2.9);
	assert_int_equal(pci_boot_interval_n(v, 2000, 1, 0, 0, 0, 10, &lo, &hi), 0);
	assert_float_equal(lo, -2.384524, 0.02);
	assert_float_equal(hi, 2.384524, 0.02);
	assert_int_equal(pci_boot_interval_n(v, 2000, 1, 0, 0, 0, 1, &lo, &hi), 0);
	assert_float_equal(lo, -1.959964, 0.01);
	assert_float_equal(hi, 1.959964, 0.01);
	/* rows of two columns: the second holds the values */
	assert_float_equal(pci_boot_accel(jack, 5, 2, 1), -0.111803, 1e-6);
	assert_float_equal(pci_boot_accel(jack, 2, 2, 1), 0, 0);
	jack[0] = NAN; /* a failed row is left out: {0, 0, 0, 1} */
	/* d = 0.25 x 3, -0.75: (3 0.015625 - 0.421875) / (6 0.75^1.5) */
	assert_float_equal(pci_boot_accel(jack, 5, 2, 1), -0.375 / (6 * pow(0.75, 1.5)), 1e-12);
}

/* The studentized interval against closed forms: replicates whose t =
 * (value - 100) / spread are the normal quantiles of (r + 0.5) / 2000,
 * with spreads that vary (5 to 11 days), and an estimate of 100 with a
 * spread of 10: the interval is 100 -+ 1.9636 x 10 rounded outward,
 * [80, 120], whatever the replicates' own spreads.  Replicates that fall
 * half a spread low on the whole (a plan that is early in the bootstrap
 * world) move it half the estimate's spread up: [85, 125].  Without a
 * spread it is the BC interval. */
static void test_studentized_closed_form(void **state)
{
	static double v[2000 * 3];
	double lo, hi, blo, bhi;
	(void)state;
	for (int shift = 0; shift < 2; shift++) {
		for (size_t r = 0; r < 2000; r++) {
			double t = gsl_cdf_ugaussian_Pinv(((double)r + 0.5) / 2000) - 0.5 * shift;
			double sp = 5 + (double)(r % 7);
			v[r * 3] = 50;
			v[r * 3 + 1] = 100 + t * sp;
			v[r * 3 + 2] = 50 + sp;
		}
		assert_int_equal(pci_boot_interval_t(v, 2000, 3, 1, 0, 2, 100, 10, 0,
		                                     &lo, &hi), 0);
		assert_float_equal(lo, shift ? 85 : 80, 0);
		assert_float_equal(hi, shift ? 125 : 120, 0);
	}
	assert_int_equal(pci_boot_interval_t(v, 2000, 3, 1, 0, 2, 100, 0, 0, &lo, &hi), 0);
	assert_int_equal(pci_boot_interval(v, 2000, 3, 1, 100, 0, &blo, &bhi), 0);
	assert_float_equal(lo, blo, 0);
	assert_float_equal(hi, bhi, 0);
}

/* The odds interval by inverting the studentized quantile intervals,
 * against closed forms.  Quantiles on the grid 0.01 .. 0.99 of a normal
 * release of mean 100 and P10-P90 spread 10 (the estimate: 100 + 10 z_q),
 * and replicates whose t at every level are the normal quantiles of
 * (r + 0.5) / 2000 with spreads of 5 to 11 days, so that the interval of
 * the q-quantile is 100 + 10 (z_q - t) for t from t_2.5 = z(0.02475) to
 * t_97.5 = z(0.97525) (the replicates' 50th and 1951st t).  Day D then
 * lies in it for Phi((D - 100) / 10 + t_2.5) <= q <= Phi((D - 100) / 10 +
 * t_97.5), one grid level added on each side: D = 100: 0.02475 .. 0.97525,
 * so [0.02, 0.98]; D = 112: 0.22236 .. 0.99922, [0.22, 1] (the grid's top
 * end is inside); D = 60: 0 .. 0.02089, [0, 0.03].  Replicates half a
 * spread early on the whole (t lower by 0.5) move the odds down: D = 100:
 * 0.00686 .. 0.92844, [0, 0.93]; D = 85: 0.00004 .. 0.48574, [0, 0.49];
 * D = 140: 0.93770 .. 1, [0.93, 1].  (Python's statistics.NormalDist
 * gave these.)  The estimate's own odds are always inside; without a
 * spread there is no studentized interval (1). */
static void test_odds_inverted_closed_form(void **state)
{
	enum { NREP = 2000, NLEV = 99, NV = 3 + NLEV };
	static double v[NREP * NV];
	static const struct { int shift; double day, lo, hi; } want[] = {
		{0, 100, 0.02, 0.98}, {0, 112, 0.22, 1}, {0, 60, 0, 0.03},
		{1, 100, 0, 0.93}, {1, 85, 0, 0.49}, {1, 140, 0.93, 1},
	};
	double levels[NLEV], est[NLEV], lo, hi;
	(void)state;
	for (size_t l = 0; l < NLEV; l++) {
		levels[l] = (double)(l + 1) / 100;
		est[l] = 100 + 10 * gsl_cdf_ugaussian_Pinv(levels[l]);
	}
	for (size_t k = 0; k < sizeof want / sizeof *want; k++) {
		for (size_t r = 0; r < NREP; r++) {
			double t = gsl_cdf_ugaussian_Pinv(((double)r + 0.5) / NREP) -
			           0.5 * want[k].shift;
			double sp = 5 + (double)(r % 7);
			v[r * NV] = 0.5; /* the odds column: not used */
			v[r * NV + 1] = 50;
			v[r * NV + 2] = 50 + sp;
			for (size_t l = 0; l < NLEV; l++)
				v[r * NV + 3 + l] = est[l] + t * sp;
		}
		assert_int_equal(pci_boot_odds_t(v, NREP, NV, 3, levels, NLEV, 1, 2,
		                                 est, 10, 0, want[k].day, NAN, &lo, &hi), 0);
		if (fabs(lo - want[k].lo) > 1e-9 || fabs(hi - want[k].hi) > 1e-9)
			fail_msg("shift %d, day %.0f: [%.4f, %.4f], want [%.2f, %.2f]",
			         want[k].shift, want[k].day, lo, hi, want[k].lo, want[k].hi);
	}
	/* the last case (odds at least 0.93) with an estimate of 0.5 */
	assert_int_equal(pci_boot_odds_t(v, NREP, NV, 3, levels, NLEV, 1, 2, est,
	                                 10, 0, 140, 0.5, &lo, &hi), 0);
	assert_float_equal(lo, 0.5, 0);
	assert_float_equal(hi, 1, 0);
	assert_int_equal(pci_boot_odds_t(v, NREP, NV, 3, levels, NLEV, 1, 2, est,
	                                 0, 0, 100, 0.5, &lo, &hi), 1);
	for (size_t r = 0; r < NREP; r++)
		v[r * NV + 2] = 50; /* no replicate has a spread */
	assert_int_equal(pci_boot_odds_t(v, NREP, NV, 3, levels, NLEV, 1, 2, est,
	                                 10, 0, 100, 0.5, &lo, &hi), 1);
}

/* A one-phase fitted model of (almost exactly) five days. */
static void five_day_model(pc_model *m, pc_phase_model *ph, char *name)
{
	memset(m, 0, sizeof *m);
	memset(ph, 0, sizeof *ph);
	ph->phase = name;
	ph->family = pc_family_find("normal");
	ph->params[0] = 5;
	ph->params[1] = 1e-6;
	m->nphases = 1;
	m->phases = ph;
}

static void test_inclusive_days_and_weekdays(void **state)
{
	pc_model m;
	pc_phase_model ph;
	char name[] = "work";
	pc_plan_model *pm;
	pc_plan *p;
	pc_plan_options o;
	pc_calendar *cal;
	(void)state;
	five_day_model(&m, &ph, name);
	assert_int_equal(pc_plan_model_from_fit(&m, NULL, &pm, NULL), 0);
	assert_int_equal(pm->corr_source, PC_PLAN_CORR_UNKNOWN);
	pc_plan_options_init(&o);
	o.start = pc_date_from_ymd(2027, 1, 4); /* a Monday */
	o.iterations = 1000;
	assert_int_equal(pc_plan_run(pm, &o, &p, NULL), 0);
	/* 5 days from 2027-01-04 inclusive: 2027-01-08 */
	assert_int_equal(p->finish.day[1], pc_date_from_ymd(2027, 1, 8));
	assert_int_equal(p->phases[0].start.day[0], o.start);
	assert_true(p->independent);
	pc_plan_free(&p);
	/* 5 working days from Friday 2027-01-08: Fri, Mon-Thu -> 01-14 */
	assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &cal, NULL), 0);
	o.calendar = cal;
	o.start = pc_date_from_ymd(2027, 1, 8);
	assert_int_equal(pc_plan_run(pm, &o, &p, NULL), 0);
	assert_int_equal(p->finish.day[3], pc_date_from_ymd(2027, 1, 14));
	pc_plan_free(&p);
	/* a Saturday start begins on Monday */
	o.start = pc_date_from_ymd(2027, 1, 9);
	assert_int_equal(pc_plan_run(pm, &o, &p, NULL), 0);
	assert_int_equal(p->start, pc_date_from_ymd(2027, 1, 11));
	assert_int_equal(p->finish.day[1], pc_date_from_ymd(2027, 1, 15));
	pc_plan_free(&p);
	/* CIs need the history */
	o.ci = 10;
	assert_int_equal(pc_plan_run(pm, &o, &p, NULL), PC_EUSAGE);
	pc_calendar_free(&cal);
	pc_plan_model_free(&pm);
}

/* History helpers for the failure cases. */
static pc_history *tiny_history(size_t nproj, int all_ongoing_b)
{
	pc_history *h = calloc(1, sizeof *h);
	pc_day s0 = pc_date_from_ymd(2025, 1, 6);
	h->nphases = 2;
	h->phases = calloc(2, sizeof *h->phases);
	h->phases[0] = strdup("a");
	h->phases[1] = strdup("b");
	h->nprojects = nproj;
	h->projects = calloc(nproj ? nproj : 1, sizeof *h->projects);
	h->obs = calloc(2 * nproj + 1, sizeof *h->obs);
	for (size_t i = 0; i < nproj; i++) {
		pc_day s = s0 + (pc_day)(40 * i);
		h->projects[i].customer = strdup("c");
		h->projects[i].name = strdup("p");
		h->projects[i].start = s;
		h->obs[h->nobs++] = (pc_obs){i, 0, s, s + 4 + (pc_day)(i % 3), 0};
		/* only the first three projects reached b when !all_ongoing_b
		 * and nproj > 3 ... keep it simple: b in every project */
		h->obs[h->nobs++] = (pc_obs){i, 1, s + 8, s + 12 + (pc_day)(i % 4),
		                             all_ongoing_b};
		h->projects[i].end = h->obs[h->nobs - 1].end;
	}
	return h;
}

static void test_weekday_durations(void **state)
{
	/* One phase per project, each starting on a Thursday and crossing a
	 * weekend: working days 4, 5, 6, 5, 5, 6, 4 are calendar days 6, 7,
	 * 8, 7, 7, 8, 6.  Learned in working days the median is about 5,
	 * in calendar days about 7. */
	static const int wd[] = {4, 5, 6, 5, 5, 6, 4};
	pc_history *h = calloc(1, sizeof *h);
	pc_plan_model *pm;
	pc_plan_learn_options lo;
	pc_calendar *cal;
	(void)state;
	h->nphases = 1;
	h->phases = calloc(1, sizeof *h->phases);
	h->phases[0] = strdup("work");
	h->nprojects = 7;
	h->projects = calloc(7, sizeof *h->projects);
	h->obs = calloc(7, sizeof *h->obs);
	for (size_t i = 0; i < 7; i++) {
		pc_day thu = pc_date_from_ymd(2025, 1, 2) + (pc_day)(14 * i);
		h->projects[i].customer = strdup("x");
		h->projects[i].name = strdup("y");
		h->projects[i].start = thu;
		h->obs[h->nobs++] = (pc_obs){i, 0, thu, thu + wd[i] + 1, 0};
	}
	assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &cal, NULL), 0);
	pc_plan_learn_options_init(&lo);
	lo.calendar = cal;
	assert_int_equal(pc_plan_learn(h, &lo, &pm, NULL), 0);
	assert_true(fabs(pm->nodes[0].fit.median - 5) < 0.6);
	pc_plan_model_free(&pm);
	lo.calendar = NULL;
	assert_int_equal(pc_plan_learn(h, &lo, &pm, NULL), 0);
	assert_true(fabs(pm->nodes[0].fit.median - 7) < 0.6);
	pc_plan_model_free(&pm);
	pc_calendar_free(&cal);
	pc_history_free(&h);
}

static void test_failures(void **state)
{
	pc_history *h;
	pc_plan_model *pm = (pc_plan_model *)1;
	pc_error err;
	pc_history empty = {0};
	(void)state;

	assert_int_equal(pc_plan_learn(&empty, NULL, &pm, &err), PC_EDATA);
	assert_string_equal(err.msg, "the store holds no history");
	assert_null(pm);

	/* Two projects: both phases thin.  No phase has enough for a fit,
	 * so each keeps its own mean log duration, with the pooled
	 * within-phase variance s2 plus the variance of that mean, s2 / n:
	 * a took 5 and 6 days, b 5 and 6 days. */
	h = tiny_history(2, 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, &err), PC_OK);
	{
		double d = log(6.0) - log(5.0), s2 = d * d / 2;
		for (size_t j = 0; j < 2; j++) {
			assert_true(pm->nodes[j].thin);
			assert_string_equal(pm->nodes[j].fit.family->name, "lognormal");
			assert_float_equal(pm->nodes[j].fit.params[0],
			                   (log(5.0) + log(6.0)) / 2, 1e-12);
			assert_float_equal(pm->nodes[j].fit.params[1], sqrt(s2 + s2 / 2), 1e-12);
		}
	}
	pc_plan_model_free(&pm);
	pc_history_free(&h);

	/* b never finished (running 5, 6, 7, 8, 5 days): it counts as at
	 * least that long, log c + 0.8 s, with s from a's five durations. */
	h = tiny_history(5, 1);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, &err), PC_OK);
	assert_false(pm->nodes[0].thin);
	assert_true(pm->nodes[1].thin);
	assert_int_equal(pm->nodes[1].fit.censored, 5);
	{
		static const double a[5] = {5, 6, 7, 5, 6}, c[5] = {5, 6, 7, 8, 5};
		double m = 0, v = 0, mu = 0;
		for (int i = 0; i < 5; i++)
			m += log(a[i]) / 5;
		for (int i = 0; i < 5; i++)
			v += (log(a[i]) - m) * (log(a[i]) - m) / 4;
		for (int i = 0; i < 5; i++)
			mu += (log(c[i]) + 0.8 * sqrt(v)) / 5;
		assert_float_equal(pm->nodes[1].fit.params[0], mu, 1e-12);
		assert_float_equal(pm->nodes[1].fit.params[1], sqrt(v + v / 5), 1e-12);
	}
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	int fd;
	FILE *f;
	strcpy(path, "/tmp/pc-template-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_templates(void **state)
{
	static const struct {
		const char *text;
		long line;
		const char *msg;
	} bad[] = {
		{"phase,after\na,\n", 1, "missing column 'lag' (expected phase,after,lag)"},
		{"phase,after,lag\na,,0\nb,a,soon\n", 3,
		 "lag 'soon' is not a whole number of days between -3650 and 3650"},
		{"phase,after,lag\na,,0\nb,x,0\n", 3,
		 "phase 'b' waits for 'x', which is not in the template"},
		{"phase,after,lag\na,,0\na,,1\n", 3, "phase 'a' is listed twice (first on line 2)"},
		{"phase,after,lag\na,b,0\nb,a,0\n", 2, "phase 'a' waits for itself through a cycle"},
		{"phase,after,lag\n\"a,,0\n", 2, "unterminated quoted field"},
		{"phase,after,lag\n", 0, "the template lists no phases"},
	};
	pc_plan_template *t;
	pc_error err;
	pc_history *h;
	pc_plan_model *pm;
	pc_plan_learn_options lo;
	char *path;
	(void)state;

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		path = write_tmp(bad[i].text);
		pc_error_clear(&err);
		assert_int_equal(pc_plan_template_read(path, &t, &err), PC_EDATA);
		assert_null(t);
		assert_string_equal(err.msg, bad[i].msg);
		assert_int_equal(err.line, bad[i].line);
		assert_string_equal(err.file, path);
		unlink(path);
	}
	/* rows in any order, columns in any order, a multi-line quoted
	 * field keeps the line numbers right */
	path = write_tmp("Lag,Phase,After\n-2,b,a\n\n0,\"a\",\n");
	assert_int_equal(pc_plan_template_read(path, &t, &err), 0);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[0].phase, "b");
	assert_int_equal(t->rows[0].lag, -2);
	assert_int_equal(t->rows[1].line, 4);
	/* The template's structure is used, in dependency order. */
	h = tiny_history(6, 0);
	pc_plan_learn_options_init(&lo);
	lo.tmpl = t;
	assert_int_equal(pc_plan_learn(h, &lo, &pm, &err), 0);
	assert_string_equal(pm->nodes[0].phase, "a");
	assert_string_equal(pm->nodes[1].phase, "b");
	assert_int_equal(pm->nodes[1].after, 0);
	assert_float_equal(pm->nodes[1].lag, -2, 0);
	assert_int_equal(pm->from_template, 1);
	pc_plan_model_free(&pm);
	pc_plan_template_free(&t);
	unlink(path);
	/* A template phase the history does not know. */
	path = write_tmp("phase,after,lag\na,,0\nz,a,0\n");
	assert_int_equal(pc_plan_template_read(path, &t, &err), 0);
	lo.tmpl = t;
	assert_int_equal(pc_plan_learn(h, &lo, &pm, &err), PC_EDATA);
	assert_string_equal(err.msg, "phase 'z' is not in the history");
	assert_int_equal(err.line, 3);
	pc_plan_template_free(&t);
	unlink(path);
	pc_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_truth_independent),
		cmocka_unit_test(test_truth_correlated),
		cmocka_unit_test(test_truth_ongoing),
		cmocka_unit_test(test_structure_inferred),
		cmocka_unit_test(test_same_seed_any_threads),
		cmocka_unit_test(test_bca_closed_form),
		cmocka_unit_test(test_studentized_closed_form),
		cmocka_unit_test(test_odds_inverted_closed_form),
		cmocka_unit_test(test_inclusive_days_and_weekdays),
		cmocka_unit_test(test_weekday_durations),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_templates),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
