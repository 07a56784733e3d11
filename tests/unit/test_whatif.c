/* test_whatif.c - deadline odds, checkpoints, remaining life and slots
 * against closed forms (tests/ref/whatif_refs.csv from scipy, and the
 * formulas written out below), the truth of a synthetic history, and the
 * planner itself.
 *
 * Tolerances: an estimated probability p from n independent iterations
 * has standard error sqrt(p (1 - p) / n); 4 standard errors (about 0.005
 * at n = 100000) leaves a false alarm rate below 1e-4 per check.
 */
#include <config.h>

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <precedent/dist.h>
#include <precedent/model.h>
#include <precedent/plan.h>
#include <precedent/whatif.h>

#include "whatif_internal.h"
#include "synth/synth.h"

#define DAY0 20822 /* 2027-01-04 */

static double tol(double p, uint64_t n)
{
	return 4 * sqrt(p * (1 - p) / (double)n) + 1e-9;
}

/* A chain of phases, one after another with lag 0, no correlation. */
static pc_plan_model *chain(size_t n, const char *const *names,
                            const char *const *families, const double (*params)[2])
{
	pc_model m;
	pc_phase_model ph[4];
	pc_plan_model *pm = NULL;

	memset(&m, 0, sizeof m);
	memset(ph, 0, sizeof ph);
	for (size_t i = 0; i < n; i++) {
		ph[i].phase = (char *)names[i];
		ph[i].family = pc_family_find(families[i]);
		assert_non_null(ph[i].family);
		ph[i].params[0] = params[i][0];
		ph[i].params[1] = params[i][1];
	}
	m.nphases = n;
	m.phases = ph;
	assert_int_equal(pc_plan_model_from_fit(&m, NULL, &pm, NULL), 0);
	return pm;
}

static const char *const AB[] = {"a", "b"};

static pc_whatif *run(const pc_plan_model *pm, pc_whatif_options *o,
                      const pc_day *dl, size_t ndl)
{
	pc_whatif *w = NULL;
	pc_error err;

	pc_error_clear(&err);
	o->deadlines = dl;
	o->ndeadlines = ndl;
	if (pc_whatif_run(pm, NULL, o, &w, &err))
		fail_msg("pc_whatif_run: %s", err.msg);
	return w;
}

static void opts(pc_whatif_options *o, uint64_t n)
{
	pc_whatif_options_init(o);
	o->start = DAY0;
	o->iterations = n;
	o->ci = 0;
	o->threads = 2;
}

/* The odds against exact whole-day probabilities from scipy. */
static void test_odds_closed_form(void **state)
{
	static const char *const fam1[] = {"gamma"}, *const fam2[] = {"gamma", "lognormal"};
	static const double par[][2] = {{3, 5}, {2.5, 0.5}};
	pc_plan_model *one = chain(1, AB, fam1, par), *two = chain(2, AB, fam2, par);
	const char *top = getenv("top_srcdir");
	char line[256], kind[16], path[4096];
	FILE *f;
	int off, checked = 0;
	double want;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/ref/whatif_refs.csv", top ? top : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f)); /* header */
	while (fgets(line, sizeof line, f)) {
		pc_whatif_options o;
		pc_whatif *w;
		pc_day d;

		assert_int_equal(sscanf(line, "%15[^,],%d,%lf", kind, &off, &want), 3);
		opts(&o, 100000);
		d = DAY0 + off;
		w = run(strcmp(kind, "one") == 0 ? one : two, &o, &d, 1);
		if (fabs(w->deadlines[0].p - want) > tol(want, 100000))
			fail_msg("%s deadline +%d: p %.4f, scipy %.4f", kind, off,
			         w->deadlines[0].p, want);
		pc_whatif_free(&w);
		checked++;
	}
	fclose(f);
	assert_int_equal(checked, 10);
	pc_plan_model_free(&one);
	pc_plan_model_free(&two);
}

/* A checkpoint holds: finishing the phase exactly on it gives the target
 * odds, a day later falls short. */
static void test_checkpoint_holds(void **state)
{
	static const char *const fam[] = {"gamma", "lognormal"};
	static const double par[][2] = {{3, 5}, {2.5, 0.5}};
	pc_plan_model *pm = chain(2, AB, fam, par);
	pc_day dl = DAY0 + 40, cp;
	pc_whatif_options o;
	pc_whatif_change ch;
	pc_whatif *w;
	const uint64_t n = 100000;
	double p_at, p_after;

	(void)state;
	opts(&o, n);
	w = run(pm, &o, &dl, 1);
	cp = w->phases[0].checkpoint;
	/* the release phase's own checkpoint is the deadline */
	assert_int_equal(w->phases[1].checkpoint, dl);
	assert_true(cp > DAY0 && cp < dl);
	pc_whatif_free(&w);

	memset(&ch, 0, sizeof ch);
	ch.kind = PC_WHATIF_DONE;
	ch.phase = "a";
	ch.date = cp;
	opts(&o, n);
	o.seed = 7; /* fresh draws: an independent check */
	o.changes = &ch;
	o.nchanges = 1;
	o.has_as_of = 1;
	o.as_of = cp + 1;
	w = run(pm, &o, &dl, 1);
	p_at = w->deadlines[0].p;
	assert_int_equal(w->has_latest_start, 0);
	pc_whatif_free(&w);
	ch.date = cp + 1;
	w = run(pm, &o, &dl, 1);
	p_after = w->deadlines[0].p;
	pc_whatif_free(&w);
	if (p_at < 0.8 - tol(0.8, n) || p_after > 0.8 + tol(0.8, n))
		fail_msg("checkpoint %d: odds %.4f on it, %.4f a day later", cp - DAY0,
		         p_at, p_after);
	pc_plan_model_free(&pm);
}

/* Under correlation a checkpoint still holds: among many more simulated
 * releases of the same learned model, those in which the phase finished
 * exactly on its checkpoint reach the deadline with the target odds.
 * The plain "deadline minus the P-quantile of the work left" would not:
 * finishing late says the team is slow (rho = 0.5 here), so its
 * checkpoints are days too late, which the last check confirms.
 * The odds jump from day to day, so the check is that they reach the
 * target on the checkpoint and fall short a day later, with a tolerance
 * of 0.04: over 3000 releases finish on each day checked (SE below
 * 0.008) and the checkpoint itself is estimated from 20000 iterations. */
static void test_checkpoint_correlated(void **state)
{
	struct synth_config sc = {1500, 0.5, 0, 0, 22, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	pc_whatif_options o;
	pc_whatif *w;
	const uint64_t n = 400000;
	size_t k;
	pci_engine e;
	int32_t *rel, *fin;
	pci_sim_config s;
	pci_sim_trace out;
	long D;
	pc_day dl;
	int worse = 0;

	(void)state;
	assert_int_equal(synth_history(&sc, &h, NULL), 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, NULL), 0);
	k = pm->nphases;
	opts(&o, 20000);
	dl = DAY0 + 80;
	w = run(pm, &o, &dl, 1);
	D = 80;

	rel = malloc(n * sizeof *rel);
	fin = malloc(n * k * sizeof *fin);
	assert_true(rel && fin);
	assert_int_equal(pci_engine_init(&e, pm, 0, NULL), 0);
	pci_engine_config(&e, &s);
	s.k0 = DAY0;
	s.iterations = n;
	s.seed = 99;
	s.threads = 2;
	s.block = 10000;
	memset(&out, 0, sizeof out);
	out.rel = rel;
	out.fin = fin;
	assert_int_equal(pci_sim_trace_run(&s, &out, NULL), 0);
	for (size_t j = 0; j + 1 < k; j++) {
		long c = w->phases[j].checkpoint - DAY0, plain;
		size_t on = 0, ok = 0;
		int32_t *left = malloc(n * sizeof *left);

		double at, after;

		for (size_t i = 0; i < n; i++)
			if (fin[i * k + j] == c) {
				on++;
				ok += rel[i] <= D;
			}
		assert_true(on >= 1000);
		at = (double)ok / (double)on;
		on = ok = 0;
		for (size_t i = 0; i < n; i++)
			if (fin[i * k + j] == c + 1) {
				on++;
				ok += rel[i] <= D;
			}
		assert_true(on >= 1000);
		after = (double)ok / (double)on;
		if (at < 0.8 - 0.04 || after > 0.8 + 0.04)
			fail_msg("%s: finishing on the checkpoint +%ld holds %.3f, a day "
			         "later %.3f", w->phases[j].phase, c, at, after);
		/* the plain estimate, for comparison */
		for (size_t i = 0; i < n; i++)
			left[i] = rel[i] - fin[i * k + j];
		plain = D - pci_wi_quantile(left, n, 1, 0.8);
		on = ok = 0;
		for (size_t i = 0; i < n; i++)
			if (fin[i * k + j] == plain) {
				on++;
				ok += rel[i] <= D;
			}
		worse += on && (double)ok / (double)on < 0.8 - 0.04;
		free(left);
	}
	assert_true(worse >= 2);
	pci_engine_release(&e);
	free(rel);
	free(fin);
	pc_whatif_free(&w);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

static double weibull_cdf(double x, double k, double lambda)
{
	return x <= 0 ? 0 : 1 - exp(-pow(x / lambda, k));
}

/* Remaining life of a running phase: for a Weibull with shape above 1
 * the longer it has run the less is left than a fresh start would need;
 * below 1 (decreasing hazard) the more.  Also against the closed form
 * P(D <= x | D >= e) = (F(x + 0.5) - F(e - 0.5)) / (1 - F(e - 0.5)). */
static void check_remaining(double shape, int shorter)
{
	static const char *const fam[] = {"weibull"};
	double par[1][2] = {{shape, 20}};
	pc_plan_model *pm = chain(1, AB, fam, (const double (*)[2])par);
	const uint64_t n = 100000;
	const int e = 15, t = 12;
	pc_whatif_options o;
	pc_whatif_change ch;
	pc_whatif *w;
	pc_day dl;
	double fresh, running, want, fe;

	/* fresh: within t days of the start */
	opts(&o, n);
	dl = DAY0 + t - 1;
	w = run(pm, &o, &dl, 1);
	fresh = w->deadlines[0].p;
	pc_whatif_free(&w);
	/* running since DAY0 - e + 1, so e days by DAY0 (as of): within t
	 * more days, i.e. a total of at most e + t days */
	memset(&ch, 0, sizeof ch);
	ch.kind = PC_WHATIF_STARTED;
	ch.phase = "a";
	ch.date = DAY0 - e + 1;
	opts(&o, n);
	o.start = ch.date;
	o.changes = &ch;
	o.nchanges = 1;
	o.has_as_of = 1;
	o.as_of = DAY0;
	dl = DAY0 + t;
	w = run(pm, &o, &dl, 1);
	running = w->deadlines[0].p;
	pc_whatif_free(&w);
	fe = weibull_cdf(e - 0.5, shape, 20);
	want = (weibull_cdf(e + t + 0.5, shape, 20) - fe) / (1 - fe);
	if (fabs(running - want) > tol(want, n))
		fail_msg("shape %g: P(done within %d more days | ran %d) = %.4f, "
		         "closed form %.4f", shape, t, e, running, want);
	if (shorter)
		assert_true(running > fresh + 0.05);
	else
		assert_true(running < fresh - 0.05);
	pc_plan_model_free(&pm);
}

static void test_remaining_life(void **state)
{
	(void)state;
	check_remaining(2.0, 1);  /* wear-out: less left than fresh */
	check_remaining(0.6, 0);  /* infant mortality: more left */
}

/* A missed slot costs a full slot period: the phase starts on the
 * booking if what it waits for is done by then, else exactly on the
 * first later slot, every 7 days after it. */
static void test_slot_missed(void **state)
{
	static const char *const fam[] = {"normal", "gamma"};
	static const double par[][2] = {{10, 2}, {3, 2}};
	pc_plan_model *pm = chain(2, AB, fam, par);
	const uint64_t n = 100000;
	pc_whatif_options o;
	pc_whatif_change ch;
	pc_whatif *w;
	pc_day dl = DAY0 + 40;
	double want;

	(void)state;
	memset(&ch, 0, sizeof ch);
	ch.kind = PC_WHATIF_SLOT;
	ch.phase = "b";
	ch.date = DAY0 + 10;
	opts(&o, n);
	o.changes = &ch;
	o.nchanges = 1;
	w = run(pm, &o, &dl, 1);
	/* b's natural start is a's duration dA (offset dA); missed when
	 * dA > 10, i.e. X >= 10.5 for X ~ N(10, 2) */
	want = 1 - 0.5 * erfc(-(0.25) / sqrt(2));
	assert_int_equal(w->nslots, 1);
	if (fabs(w->slots[0].p_missed - want) > tol(want, n))
		fail_msg("p_missed %.4f, closed form %.4f", w->slots[0].p_missed, want);
	pc_whatif_free(&w);

	/* per iteration, through the simulator */
	{
		pci_sim_phase ph[2];
		double *tab[2];
		pc_day slot[2] = {PC_DAY_MIN, DAY0 + 10};
		int32_t *rel = malloc(n * sizeof *rel), *st = malloc(2 * n * sizeof *st);
		int32_t *fin = malloc(2 * n * sizeof *fin);
		unsigned char *mis = malloc(2 * n);
		long pred0 = 0;
		pci_sim_config sc;
		pci_sim_trace out = {rel, st, fin, NULL, mis, NULL, NULL};
		size_t nmiss = 0;

		memset(ph, 0, sizeof ph);
		memset(&sc, 0, sizeof sc);
		for (int i = 0; i < 2; i++) {
			ph[i].preds = &pred0;
			ph[i].npreds = (size_t)i;
			ph[i].family = pm->nodes[i].fit.family;
			ph[i].params = pm->nodes[i].fit.params;
			assert_int_equal(pci_duration_table(ph[i].family, ph[i].params,
			                                    &tab[i], &ph[i].ntable), 0);
			ph[i].table = tab[i];
		}
		sc.nphases = 2;
		sc.ph = ph;
		sc.k0 = DAY0;
		sc.slot = slot;
		sc.slot_every = 7;
		sc.iterations = n;
		sc.seed = 3;
		sc.threads = 2;
		sc.block = 10000;
		assert_int_equal(pci_sim_trace_run(&sc, &out, NULL), 0);
		for (size_t i = 0; i < n; i++) {
			int32_t natural = fin[2 * i] + 1, s = st[2 * i + 1];
			if (!mis[2 * i + 1]) {
				assert_true(natural <= 10);
				assert_int_equal(s, 10);
				continue;
			}
			nmiss++;
			assert_true(natural > 10);
			/* the first slot on or after the natural start */
			assert_int_equal((s - 10) % 7, 0);
			assert_true(s >= 17 && s >= natural && s - 7 < natural);
		}
		assert_true(nmiss > n / 4);
		/* with a week's notice a missed booking goes to the first slot
		 * at least 7 days after the phase is ready */
		sc.slot_notice = 7;
		assert_int_equal(pci_sim_trace_run(&sc, &out, NULL), 0);
		for (size_t i = 0; i < n; i++) {
			int32_t natural = fin[2 * i] + 1, s = st[2 * i + 1];
			if (!mis[2 * i + 1])
				continue;
			assert_int_equal((s - 10) % 7, 0);
			assert_true(s >= natural + 7 && s - 7 < natural + 7);
		}
		free(tab[0]);
		free(tab[1]);
		free(rel);
		free(st);
		free(fin);
		free(mis);
	}
	pc_plan_model_free(&pm);
}

/* The latest start with a booking: two 10-day phases, b booked weekly
 * from day 20.  Starting on day s, b can start on day s + 10, so it takes
 * the first slot on or after that; for a deadline on day 33 (b finishing
 * on day 33 at the latest, so starting by day 24) the slot of day 20
 * must be caught: s <= 10, while without the booking s <= 14.  The curve
 * climbs from 0 to 1 and agrees with the odds on the deadline. */
static void test_latest_start_with_slot(void **state)
{
	static const char *const fam[] = {"normal", "normal"};
	static const double par[][2] = {{10, 0.01}, {10, 0.01}};
	pc_plan_model *pm = chain(2, AB, fam, par);
	pc_whatif_options o;
	pc_whatif_change ch;
	pc_whatif *w;
	pc_day dl = DAY0 + 33;

	(void)state;
	opts(&o, 2000);
	o.curve = 1;
	w = run(pm, &o, &dl, 1);
	assert_int_equal(w->latest_start, DAY0 + 14);
	assert_float_equal(w->deadlines[0].p, 1.0, 0);
	assert_true(w->ncurve >= 1);
	for (size_t i = 0; i < w->ncurve; i++) {
		if (i)
			assert_true(w->curve[i] >= w->curve[i - 1]);
		if (w->curve_from + (pc_day)i == DAY0 + 19)
			assert_float_equal(w->curve[i], 1.0, 0);
	}
	assert_int_equal(w->earliest_deadline, DAY0 + 19);
	pc_whatif_free(&w);

	memset(&ch, 0, sizeof ch);
	ch.kind = PC_WHATIF_SLOT;
	ch.phase = "b";
	ch.date = DAY0 + 20;
	o.changes = &ch;
	o.nchanges = 1;
	w = run(pm, &o, &dl, 1);
	assert_true(w->has_latest_start);
	assert_int_equal(w->latest_start, DAY0 + 10);
	assert_float_equal(w->slots[0].p_missed, 0.0, 0);
	assert_int_equal(w->earliest_deadline, DAY0 + 29);
	pc_whatif_free(&w);
	pc_plan_model_free(&pm);
}

/* --scale and --skip against closed forms: b alone, and b twice as long. */
static void test_scale_skip(void **state)
{
	static const char *const fam[] = {"gamma", "normal"};
	static const double par[][2] = {{3, 5}, {10, 0.01}};
	pc_plan_model *pm = chain(2, AB, fam, par);
	pc_whatif_options o;
	pc_whatif_change ch[2];
	pc_whatif *w;
	pc_day dl[2] = {DAY0 + 9, DAY0 + 19};

	(void)state;
	memset(ch, 0, sizeof ch);
	ch[0].kind = PC_WHATIF_SKIP;
	ch[0].phase = "a";
	opts(&o, 20000);
	o.changes = ch;
	o.nchanges = 1;
	w = run(pm, &o, dl, 2);
	/* b takes exactly 10 days: offsets 0..9 */
	assert_float_equal(w->deadlines[0].p, 1.0, 0);
	assert_float_equal(w->phases[0].criticality, 0.0, 0);
	assert_true(w->phases[0].skipped);
	pc_whatif_free(&w);
	ch[1].kind = PC_WHATIF_SCALE;
	ch[1].phase = "b";
	ch[1].factor = 2;
	o.nchanges = 2;
	dl[0] = DAY0 + 18;
	w = run(pm, &o, dl, 2);
	assert_float_equal(w->deadlines[0].p, 0.0, 0);
	assert_float_equal(w->deadlines[1].p, 1.0, 0);
	pc_whatif_free(&w);
	pc_plan_model_free(&pm);
}

/* Criticality and drivers on two parallel phases: the longer one sets the
 * finish nearly always. */
static void test_drivers(void **state)
{
	pc_model m;
	pc_phase_model ph[3];
	pc_plan_template t;
	pc_plan_template_row rows[3] = {
		{"kick", "", 0, 2}, {"long", "kick", 0, 3}, {"short", "kick", 0, 4}
	};
	pc_plan_model *pm = NULL;
	pc_whatif_options o;
	pc_whatif *w;
	pc_day dl = DAY0 + 60;

	(void)state;
	memset(&m, 0, sizeof m);
	memset(ph, 0, sizeof ph);
	ph[0] = (pc_phase_model){.phase = "kick", .family = pc_family_find("normal"),
	                         .params = {3, 0.01}};
	ph[1] = (pc_phase_model){.phase = "long", .family = pc_family_find("gamma"),
	                         .params = {30, 1}};
	ph[2] = (pc_phase_model){.phase = "short", .family = pc_family_find("gamma"),
	                         .params = {5, 1}};
	m.nphases = 3;
	m.phases = ph;
	t.path = "t.csv";
	t.nrows = 3;
	t.rows = rows;
	assert_int_equal(pc_plan_model_from_fit(&m, &t, &pm, NULL), 0);
	opts(&o, 20000);
	w = run(pm, &o, &dl, 1);
	assert_string_equal(w->phases[w->drivers[2]].phase, "short");
	assert_float_equal(w->phases[0].criticality, 1.0, 0);
	assert_true(w->phases[1].criticality > 0.999);
	assert_true(w->phases[2].criticality < 0.001);
	assert_true(w->phases[1].correlation > 0.9);
	assert_true(fabs(w->phases[2].correlation) < 0.05);
	pc_whatif_free(&w);
	pc_plan_model_free(&pm);
}

/* Learned from a synthetic history: the odds of the true P50/P80/P90
 * release days are those probabilities, within the error of learning
 * from 1500 projects (the planner's own test allows 2 days; a day is
 * worth about 0.02 of probability here); the empty scenario reproduces
 * the planner's P80 exactly; the answer is the same on 1 and 2 threads. */
static void test_synth_truth(void **state)
{
	static const double P[3] = {0.5, 0.8, 0.9};
	struct synth_config c = {1500, 0.5, 0, 0, 21, NULL, 0, 0, 0};
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	pc_plan_options po;
	pc_plan *p = NULL;
	pc_whatif_options o;
	pc_whatif *w, *w1;
	long truth[3];
	pc_day dl[3];
	pc_error err;

	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, NULL), 0);
	synth_truth(&c, 1000000, P, 3, truth);
	for (int i = 0; i < 3; i++)
		dl[i] = DAY0 + (pc_day)truth[i];
	opts(&o, 100000);
	o.deadlines = dl;
	o.ndeadlines = 3;
	o.ci = 40;
	o.ci_iterations = 2000;
	if (pc_whatif_run(pm, h, &o, &w, &err))
		fail_msg("pc_whatif_run: %s", err.msg);
	for (int i = 0; i < 3; i++) {
		if (fabs(w->deadlines[i].p - P[i]) > 0.05)
			fail_msg("true P%.0f day %ld: odds %.4f", P[i] * 100, truth[i],
			         w->deadlines[i].p);
		assert_true(w->deadlines[i].ci[0] <= w->deadlines[i].p);
		assert_true(w->deadlines[i].ci[1] >= w->deadlines[i].p);
	}
	assert_true(w->has_ci);
	assert_true(w->deadlines[1].ci[1] - w->deadlines[1].ci[0] > 0.005);

	pc_plan_options_init(&po);
	po.start = DAY0;
	po.iterations = 100000;
	po.threads = 1;
	assert_int_equal(pc_plan_run(pm, &po, &p, NULL), 0);
	assert_int_equal(w->earliest_deadline, p->finish.day[2]);
	/* with no change, the same draws: plan's dates, phase by phase */
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		assert_int_equal(w->finish[q], p->finish.day[q]);
	for (size_t j = 0; j < w->nphases; j++) {
		assert_string_equal(w->phases[j].phase, p->phases[j].phase);
		assert_float_equal(w->phases[j].occurs, p->phases[j].occurs, 0);
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			assert_int_equal(w->phases[j].start[q], p->phases[j].start.day[q]);
			assert_int_equal(w->phases[j].finish[q], p->phases[j].finish.day[q]);
		}
	}

	o.threads = 1;
	o.ci = 0;
	assert_int_equal(pc_whatif_run(pm, h, &o, &w1, NULL), 0);
	for (int i = 0; i < 3; i++)
		assert_float_equal(w->deadlines[i].p, w1->deadlines[i].p, 0);
	for (size_t j = 0; j < w->nphases; j++) {
		assert_int_equal(w->phases[j].checkpoint, w1->phases[j].checkpoint);
		assert_float_equal(w->phases[j].criticality, w1->phases[j].criticality, 0);
	}
	/* the latest start: the deadline minus the P80 of the release */
	assert_int_equal(w->latest_start, dl[0] - (p->finish.day[2] - DAY0));
	pc_whatif_free(&w);
	pc_whatif_free(&w1);
	pc_plan_free(&p);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

/* The bootstrap resamples what the model was fitted on.  With a fifth of
 * the projects still running, late phases learn only from projects old
 * enough to have reached them (plan.c, mature_only); a bootstrap that
 * refitted every project that reached them would keep the recent fast
 * ones, leave the slow recent ones out, and centre its interval above the
 * odds.  The interval must hold the true odds of the true P80 day and
 * be centred on the point estimate: measured 0.002 off centre with BCa
 * and 0.006 with the interval inverted from studentized quantiles
 * ([0.760, 0.809] around 0.791), where refitting every project put it
 * 0.015 off ([0.781, 0.830] around 0.790). */
static void test_bootstrap_matches_model(void **state)
{
	struct synth_config c = {1500, 0.6, 1, 0, 13, NULL, 0, 0, 0};
	static const double P80[1] = {0.8};
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	pc_whatif_options o;
	pc_whatif *w;
	long truth;
	pc_day dl;
	pc_error err;
	double mid;

	(void)state;
	assert_int_equal(synth_history(&c, &h, NULL), 0);
	assert_int_equal(pc_plan_learn(h, NULL, &pm, NULL), 0);
	synth_truth(&c, 1000000, P80, 1, &truth);
	dl = DAY0 + (pc_day)truth;
	opts(&o, 40000);
	o.deadlines = &dl;
	o.ndeadlines = 1;
	o.ci = 60;
	o.ci_iterations = 4000;
	if (pc_whatif_run(pm, h, &o, &w, &err))
		fail_msg("pc_whatif_run: %s", err.msg);
	mid = (w->deadlines[0].ci[0] + w->deadlines[0].ci[1]) / 2;
	print_message("# true P80 day %ld: odds %.4f, interval [%.4f, %.4f]\n",
	              truth, w->deadlines[0].p, w->deadlines[0].ci[0],
	              w->deadlines[0].ci[1]);
	assert_true(w->deadlines[0].ci[0] <= 0.8 && w->deadlines[0].ci[1] >= 0.8);
	assert_true(fabs(mid - w->deadlines[0].p) < 0.008);
	pc_whatif_free(&w);
	pc_plan_model_free(&pm);

	/* A model read from a file keeps no data: the bootstrap takes the
	 * durations and lags from the history itself. */
	{
		pc_model *m = NULL;

		assert_int_equal(pc_model_fit(h, NULL, NULL, &m, NULL, &err), PC_OK);
		assert_int_equal(pc_plan_model_from_fit(m, NULL, &pm, &err), PC_OK);
		o.ci = 20;
		if (pc_whatif_run(pm, h, &o, &w, &err))
			fail_msg("pc_whatif_run, model from a fit: %s", err.msg);
		assert_true(w->has_ci);
		assert_int_equal(w->ci_replicates, 20);
		/* the fitted phases one after another (no overlap, no
		 * correlation) are slower than the truth, so the odds of the
		 * true P80 day are near 0.55; the interval holds them and,
		 * from 1,500 projects, is narrow (measured [0.489, 0.596]) */
		print_message("# from a fit: odds %.4f, interval [%.4f, %.4f]\n",
		              w->deadlines[0].p, w->deadlines[0].ci[0],
		              w->deadlines[0].ci[1]);
		assert_true(w->deadlines[0].ci[0] > 0 &&
		            w->deadlines[0].ci[0] < w->deadlines[0].p &&
		            w->deadlines[0].p < w->deadlines[0].ci[1] &&
		            w->deadlines[0].ci[1] < 1);
		assert_true(w->deadlines[0].ci[1] - w->deadlines[0].ci[0] < 0.15);
		pc_whatif_free(&w);
		pc_plan_model_free(&pm);
		pc_model_free(&m);
	}
	pc_history_free(&h);
}

/* pci_wi_quantiles, one sort for many levels, is pci_wi_quantile's rule:
 * on ties, gaps and levels that fall exactly on a count. */
static void test_quantiles_one_sort(void **state)
{
	enum { N = 1000 };
	static int32_t v[N], w[N];
	double levels[103], q[103];
	(void)state;
	for (size_t i = 0; i < N; i++)
		v[i] = w[i] = (int32_t)((i * 7919) % 61) * ((i % 3) ? 1 : 2) - 20;
	for (size_t l = 0; l < 99; l++)
		levels[l] = (double)(l + 1) / 100;
	levels[99] = 0.0005;
	levels[100] = 0.9995;
	levels[101] = 0.001;
	levels[102] = 0.999;
	pci_wi_quantiles(w, N, levels, 103, q);
	for (size_t l = 0; l < 103; l++)
		if (q[l] != (double)pci_wi_quantile(v, N, 1, levels[l]))
			fail_msg("level %g: %g, pci_wi_quantile %d", levels[l], q[l],
			         pci_wi_quantile(v, N, 1, levels[l]));
	for (size_t i = 1; i < N; i++)
		assert_true(w[i - 1] <= w[i]);
}

/* The odds' bootstrap interval is the same on any thread count, both
 * where it is studentized (40 projects) and where it stays BCa (8). */
static void test_odds_ci_any_threads(void **state)
{
	static const size_t np[2] = {40, 8};
	(void)state;
	for (int k = 0; k < 2; k++) {
		struct synth_config c = {np[k], 0.5, 1, 0, 7, NULL, 0, 0, 0};
		pc_history *h = NULL;
		pc_plan_model *pm = NULL;
		pc_whatif_options o;
		pc_whatif *w1, *w3;
		pc_day dl[2] = {DAY0 + 60, DAY0 + 75};
		pc_error err;

		assert_int_equal(synth_history(&c, &h, NULL), 0);
		assert_int_equal(pc_plan_learn(h, NULL, &pm, NULL), 0);
		opts(&o, 4000);
		o.deadlines = dl;
		o.ndeadlines = 2;
		o.ci = 40;
		o.ci_iterations = 1000;
		o.threads = 1;
		if (pc_whatif_run(pm, h, &o, &w1, &err))
			fail_msg("pc_whatif_run, 1 thread: %s", err.msg);
		o.threads = 3;
		if (pc_whatif_run(pm, h, &o, &w3, &err))
			fail_msg("pc_whatif_run, 3 threads: %s", err.msg);
		for (int i = 0; i < 2; i++) {
			assert_true(w1->deadlines[i].ci[0] <= w1->deadlines[i].p);
			assert_true(w1->deadlines[i].p <= w1->deadlines[i].ci[1]);
			assert_true(w1->deadlines[i].ci[0] < w1->deadlines[i].ci[1]);
			assert_float_equal(w1->deadlines[i].ci[0], w3->deadlines[i].ci[0], 0);
			assert_float_equal(w1->deadlines[i].ci[1], w3->deadlines[i].ci[1], 0);
		}
		pc_whatif_free(&w1);
		pc_whatif_free(&w3);
		pc_plan_model_free(&pm);
		pc_history_free(&h);
	}
}

static void test_errors(void **state)
{
	static const char *const fam[] = {"gamma", "lognormal"};
	static const double par[][2] = {{3, 5}, {2.5, 0.5}};
	pc_plan_model *pm = chain(2, AB, fam, par);
	pc_whatif_options o;
	pc_whatif_change ch;
	pc_whatif *w = NULL;
	pc_error err;
	pc_day dl = DAY0 + 30;

	(void)state;
	memset(&ch, 0, sizeof ch);
	ch.kind = PC_WHATIF_SLOT;
	ch.phase = "nope";
	ch.date = DAY0;
	opts(&o, 1000);
	o.deadlines = &dl;
	o.ndeadlines = 1;
	o.changes = &ch;
	o.nchanges = 1;
	assert_int_equal(pc_whatif_run(pm, NULL, &o, &w, &err), PC_EUSAGE);
	assert_string_equal(err.msg, "--slot: unknown phase 'nope' (the phases are 'a', 'b')");
	assert_null(w);
	ch.kind = PC_WHATIF_DONE;
	ch.phase = "a";
	ch.date = DAY0 + 5;
	o.has_as_of = 1;
	o.as_of = DAY0 + 4;
	assert_int_equal(pc_whatif_run(pm, NULL, &o, &w, &err), PC_EUSAGE);
	assert_string_equal(err.msg,
	                    "--done: a=2027-01-09 is after the as-of date 2027-01-08");
	o.nchanges = 0;
	o.confidence = 1;
	assert_int_equal(pc_whatif_run(pm, NULL, &o, &w, &err), PC_EUSAGE);
	assert_string_equal(err.msg, "the confidence must lie strictly between 0 and 1");
	o.confidence = 0.8;
	dl = DAY0 - 1;
	assert_int_equal(pc_whatif_run(pm, NULL, &o, &w, &err), PC_EUSAGE);
	assert_string_equal(err.msg, "--deadline: 2027-01-03 is before the start 2027-01-04");
	pc_plan_model_free(&pm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_odds_closed_form),
		cmocka_unit_test(test_checkpoint_holds),
		cmocka_unit_test(test_checkpoint_correlated),
		cmocka_unit_test(test_remaining_life),
		cmocka_unit_test(test_slot_missed),
		cmocka_unit_test(test_latest_start_with_slot),
		cmocka_unit_test(test_scale_skip),
		cmocka_unit_test(test_drivers),
		cmocka_unit_test(test_synth_truth),
		cmocka_unit_test(test_bootstrap_matches_model),
		cmocka_unit_test(test_quantiles_one_sort),
		cmocka_unit_test(test_odds_ci_any_threads),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests_name("whatif", tests, NULL, NULL);
}
