/* coverage.c - do the 95% intervals of `plan --ci` and `whatif --ci`
 * cover the truth 95% of the time?
 *
 * For each of N synthetic histories of P projects drawn from the known
 * five-phase model of tests/synth (correlation 0.5, a fifth of the
 * projects still running, durations recorded as rounded whole days), learn the plan, take the 95% bootstrap
 * interval of the release P80 date and of the odds of finishing by the
 * true P80 day, and count how often each interval holds the truth: the
 * true P80 (a million draws of the true model) and the true odds of that
 * day.  The intervals are plan's and whatif's own (boot.c: studentized
 * dates and odds inverted from studentized quantiles from 20 projects up,
 * BC dates and BCa odds below).  Each width is set beside 3.92 standard
 * deviations of the estimates across the histories, the width a normal
 * 95% interval centred on the estimate would need.  Too slow
 * for `make check` (minutes); run by tests/bench/coverage.sh, whose
 * figures README quotes.
 *
 *   coverage [N [PROJECTS [REPLICATES [SEED [RHO [ONGOING]]]]]]
 *            (defaults 200 40 200 1 0.5 1)
 *
 * COVERAGE_PCT=0..3 checks the plan's P10, P50, P80 (default) or P90 and
 * the odds of that true day instead, to see that the odds' interval holds
 * away from the P80 as well.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include <precedent/plan.h>
#include <precedent/whatif.h>

#include "synth/synth.h"

#define DAY0 20822 /* 2027-01-04 */

/* The five phases of tests/synth, recorded as round(X) whole days, the
 * planner's own reading of a recorded duration (synth's default, ceil(X),
 * puts the truth about half a day per phase later than any model that
 * reads days as rounded could). */
static const struct synth_design five_rounded = {
	5,
	{
		{"design", "lognormal", {2.5, 0.5}, 0, {0}, 0, 0, 0},
		{"build_ui", "weibull", {1.8, 20.0}, 1, {0}, -3, 0, 0},
		{"build", "gamma", {3.0, 5.0}, 1, {0}, 0, 0, 0},
		{"test", "lognormal", {3.0, 0.4}, 1, {2}, 1, 1, 0},
		{"launch", "gamma", {2.0, 3.0}, 1, {3}, 0, 0, 0},
	},
	1
};

/* The standard deviation of n values from their sum of squares and mean. */
static double sd(double ss, double mean, size_t n)
{
	double v = n > 1 ? (ss - (double)n * mean * mean) / (double)(n - 1) : 0;
	return v > 0 ? sqrt(v) : 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 200;
	size_t np = argc > 2 ? strtoul(argv[2], NULL, 10) : 40;
	size_t reps = argc > 3 ? strtoul(argv[3], NULL, 10) : 200;
	unsigned long seed0 = argc > 4 ? strtoul(argv[4], NULL, 10) : 1;
	struct synth_config c = {np, argc > 5 ? atof(argv[5]) : 0.5,
	                         argc > 6 ? atoi(argv[6]) : 1, 0, 0, &five_rounded, 0, 0, 0};
	const char *pct_env = getenv("COVERAGE_PCT");
	int q = pct_env ? atoi(pct_env) : 2;
	int pname;
	double level[1];
	long truth_day;
	double p_true;
	size_t cov_date = 0, cov_odds = 0, done = 0;
	/* misses by side: the interval wholly below the truth (early for a
	 * date, low for odds) or wholly above it */
	size_t date_below = 0, date_above = 0, odds_below = 0, odds_above = 0;
	double width_date = 0, width_odds = 0, mean_est = 0, mean_odds = 0;
	double ss_est = 0, ss_odds = 0;

	pc_plan_template *tmpl = NULL;
	pc_plan_learn_options lopt;

	/* COVERAGE_TEMPLATE=FILE: the true structure given, not inferred */
	pc_plan_learn_options_init(&lopt);
	if (getenv("COVERAGE_TEMPLATE")) {
		pc_error terr;
		if (pc_plan_template_read(getenv("COVERAGE_TEMPLATE"), &tmpl, &terr)) {
			fprintf(stderr, "%s\n", terr.msg);
			return 2;
		}
		lopt.tmpl = tmpl;
	}
	if (q < 0 || q >= PC_PLAN_NPCT) {
		fprintf(stderr, "coverage: COVERAGE_PCT: 0 to %d\n", PC_PLAN_NPCT - 1);
		return 2;
	}
	level[0] = pc_plan_pct[q];
	pname = (int)lround(100 * level[0]);
	synth_truth(&c, 1000000, level, 1, &truth_day);
	p_true = synth_share_by(&c, 1000000, truth_day);
	printf("# truth: P%d day %ld, odds of that day %.4f; %zu histories of %zu "
	       "projects, %zu replicates\n", pname, truth_day, p_true, n, np, reps);
	for (size_t i = 0; i < n; i++) {
		pc_history *h = NULL;
		pc_plan_model *pm = NULL;
		pc_plan *p = NULL;
		pc_plan_options po;
		pc_whatif_options wo;
		pc_whatif *w = NULL;
		pc_day dl = DAY0 + (pc_day)truth_day;
		pc_error err;

		c.seed = seed0 * 100000 + i;
		if (synth_history(&c, &h, NULL) || pc_plan_learn(h, tmpl ? &lopt : NULL, &pm, &err)) {
			fprintf(stderr, "history %zu: %s\n", i, err.msg);
			pc_history_free(&h);
			continue;
		}
		pc_plan_options_init(&po);
		po.start = DAY0;
		po.iterations = 20000;
		po.ci = reps;
		po.seed = c.seed;
		pc_whatif_options_init(&wo);
		wo.start = DAY0;
		wo.deadlines = &dl;
		wo.ndeadlines = 1;
		wo.ci = reps;
		wo.seed = c.seed;
		if (pc_plan_run(pm, &po, &p, &err) || pc_whatif_run(pm, h, &wo, &w, &err)) {
			fprintf(stderr, "history %zu: %s\n", i, err.msg);
		} else {
			long lo = p->finish.ci[q][0] - DAY0, hi = p->finish.ci[q][1] - DAY0;
			cov_date += lo <= truth_day && truth_day <= hi;
			cov_odds += w->deadlines[0].ci[0] <= p_true && p_true <= w->deadlines[0].ci[1];
			date_below += hi < truth_day;
			date_above += lo > truth_day;
			odds_below += w->deadlines[0].ci[1] < p_true;
			odds_above += w->deadlines[0].ci[0] > p_true;
			width_date += (double)(hi - lo);
			mean_est += (double)(p->finish.day[q] - DAY0);
			mean_odds += w->deadlines[0].p;
			ss_est += (double)(p->finish.day[q] - DAY0) * (double)(p->finish.day[q] - DAY0);
			ss_odds += w->deadlines[0].p * w->deadlines[0].p;
			width_odds += w->deadlines[0].ci[1] - w->deadlines[0].ci[0];
			done++;
			if (getenv("COVERAGE_VERBOSE"))
				printf("%zu P%d %ld [%ld, %ld] odds %.3f [%.3f, %.3f]\n", i, pname, (long)(p->finish.day[q] - DAY0), lo, hi, w->deadlines[0].p,
				       w->deadlines[0].ci[0], w->deadlines[0].ci[1]);
		}
		pc_whatif_free(&w);
		pc_plan_free(&p);
		pc_plan_model_free(&pm);
		pc_history_free(&h);
	}
	pc_plan_template_free(&tmpl);
	if (!done)
		return 1;
	mean_est /= (double)done;
	mean_odds /= (double)done;
	printf("# mean estimate: P%d day %.1f, odds %.4f; their standard deviation "
	       "across the histories %.2f days, %.4f (x 3.92: %.1f days, %.3f)\n",
	       pname, mean_est, mean_odds, sd(ss_est, mean_est, done),
	       sd(ss_odds, mean_odds, done), 3.92 * sd(ss_est, mean_est, done),
	       3.92 * sd(ss_odds, mean_odds, done));
	printf("# missed: P%d date interval below the truth %zu, above %zu; odds "
	       "interval below %zu, above %zu\n", pname, date_below, date_above,
	       odds_below, odds_above);
	printf("projects %zu: P%d date covered %.1f%% (mean width %.1f days), "
	       "odds covered %.1f%% (mean width %.3f), %zu histories; binomial "
	       "standard error %.1f points\n", np, pname, 100.0 * (double)cov_date / (double)done,
	       width_date / (double)done, 100.0 * (double)cov_odds / (double)done,
	       width_odds / (double)done, done,
	       100 * sqrt(0.95 * 0.05 / (double)done));
	return 0;
}
