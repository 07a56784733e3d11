/*
 * cli_plan.c - the options of plan, shared by plan, whatif and backtest:
 * parsing them, checking them together, and loading what they name (the
 * calendar, the template, the model file or the store and its history)
 * into the plan model the command simulates.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void plan_args_init(struct plan_args *pa, uint64_t *iterations,
                    unsigned long long max_iterations, int allow_auto,
                    uint64_t *seed, unsigned *threads, int *independent)
{
	memset(pa, 0, sizeof *pa);
	pa->iterations = iterations;
	pa->max_iterations = max_iterations;
	pa->auto_iterations = allow_auto;
	pa->seed = seed;
	pa->threads = threads;
	pa->independent = independent;
	cli_class_init(&pa->class);
	pa->calendar = "all";
}

/* --half-life N (projects), Nd (days), none or auto. */
static int parse_half_life(const struct cli *cli, struct plan_args *pa,
                           char *value)
{
	size_t len = strlen(value);
	int days = len > 1 && value[len - 1] == 'd';
	double v;

	pa->half_life = 0;
	pa->half_life_days = 0;
	pa->half_life_auto = 0;
	if (strcmp(value, "none") == 0)
		return 0;
	if (strcmp(value, "auto") == 0) {
		pa->half_life_auto = 1;
		return 0;
	}
	if (days)
		value[len - 1] = '\0';
	if (cli_parse_real(value, &v) || !(v > 0 && v <= 1e6)) {
		if (days)
			value[len - 1] = 'd';
		return cli_usage(cli, "--half-life: '%s' is not a number of projects "
		                 "(N), of days (Nd), none or auto", value);
	}
	pa->half_life = v;
	pa->half_life_days = days;
	return 0;
}

int plan_args_option(const struct cli *cli, struct plan_args *pa, int c,
                     char *value)
{
	unsigned long long v;
	int rc;

	switch (c) {
	case PLAN_OPT_LIKE: /* --like */
		return cli_parse_like(cli, value, &pa->class);
	case PLAN_OPT_MIN_CLASS: /* --min-class */
		if ((rc = cli_parse_count(cli, "--min-class", value, 0, 1000000, &v)))
			return rc;
		pa->class.min_class = (size_t)v;
		return 0;
	case PLAN_OPT_ITERATIONS: /* --iterations */
		if (!pa->auto_iterations) {
			if ((rc = cli_parse_count(cli, "--iterations", value, 1,
			                          pa->max_iterations, &v)))
				return rc;
		} else if (strcmp(value, "auto") == 0) {
			v = 0;
		} else if (cli_parse_uint(value, 1, pa->max_iterations, &v)) {
			return cli_usage(cli, "--iterations: '%s' is not 'auto' or a whole "
			                 "number from 1 to %llu", value, pa->max_iterations);
		}
		*pa->iterations = v;
		pa->iterations_given = 1;
		return 0;
	case PLAN_OPT_SEED: /* --seed */
		if (cli_parse_uint(value, 0, ULLONG_MAX, &v))
			return cli_usage(cli, "--seed: '%s' is not a non-negative whole "
			                 "number", value);
		*pa->seed = v;
		return 0;
	case PLAN_OPT_THREADS: /* --threads */
		if ((rc = cli_parse_count(cli, "--threads", value, 1, 256, &v)))
			return rc;
		*pa->threads = (unsigned)v;
		return 0;
	case PLAN_OPT_TEMPLATE: /* --template */
		pa->template_path = value;
		return 0;
	case PLAN_OPT_MODEL: /* --model */
		pa->model_path = value;
		return 0;
	case PLAN_OPT_CALENDAR: /* --calendar */
		if (strcmp(value, "all") && strcmp(value, "weekdays"))
			return cli_usage(cli, "--calendar: unknown calendar '%s' "
			                 "(expected all|weekdays)", value);
		pa->calendar = value;
		return 0;
	case PLAN_OPT_HOLIDAYS: /* --holidays */
		pa->holidays = value;
		return 0;
	case PLAN_OPT_INDEPENDENT: /* --independent */
		*pa->independent = 1;
		return 0;
	case PLAN_OPT_HALF_LIFE: /* --half-life */
		return parse_half_life(cli, pa, value);
	case PLAN_OPT_DRIFT: /* --drift */
		pa->drift = 1;
		return 0;
	default:
		/* getopt_long's '?': it has said what is wrong */
		fprintf(stderr, "Try 'precedent %s --help'.\n", cli->cmd);
		return EXIT_USAGE;
	}
}

int plan_args_check(const struct cli *cli, const struct plan_args *pa)
{
	if (pa->holidays && strcmp(pa->calendar, "weekdays") != 0)
		return cli_usage(cli, "--holidays needs --calendar weekdays");
	if (pa->model_path && pa->class.nlike)
		return cli_usage(cli, "--like chooses past projects from the store; "
		                 "it cannot be used with --model");
	if (pa->model_path && (pa->half_life > 0 || pa->half_life_auto || pa->drift))
		return cli_usage(cli, "--half-life and --drift learn from the past projects "
		                 "in the store; they cannot be used with --model");
	if (pa->half_life_auto && pa->drift)
		return cli_usage(cli, "--half-life auto chooses whether to adjust for "
		                 "drift: give one or the other");
	return 0;
}

/* With thousands of phases the default iterations would take minutes
 * (plan) or gigabytes (whatif keeps every iteration): unless --iterations
 * was given, fewer, with a word on what it costs. */
static void plan_args_cut_work(const struct cli *cli, struct plan_args *pa)
{
	size_t k = pa->pm->nphases;
	uint64_t want;

	if (pa->iterations_given || pa->work_max <= 0 || !*pa->iterations ||
	    (double)*pa->iterations * (double)k <= pa->work_max)
		return;
	want = (uint64_t)(pa->work_max / (double)k) / 1000 * 1000;
	if (want < 1000)
		want = 1000;
	if (want >= *pa->iterations)
		return;
	cli_warn(cli, "%zu phases: %llu iterations instead of %llu to keep the run "
	         "short (the standard errors say what that costs; --iterations N "
	         "to choose)", k, (unsigned long long)want,
	         (unsigned long long)*pa->iterations);
	*pa->iterations = want;
}

/* --half-life auto: a backtest per candidate, and a word on what it
 * chose and why. */
static int choose_half_life(const struct cli *cli, struct plan_args *pa)
{
	pc_half_life_choice *c = &pa->half_life_choice;
	pc_backtest_options bo;
	pc_error err;

	pc_error_clear(&err);
	pc_backtest_options_init(&bo);
	bo.calendar = pa->cal;
	bo.seed = *pa->seed;
	bo.threads = *pa->threads;
	bo.progress = cli_progress;
	if (pc_half_life_choose(pa->h, &bo, c, &err))
		return cli_fail(cli, &err);
	cli_progress_clear();
	pa->half_life = c->half_life;
	pa->half_life_days = 0;
	pa->drift = c->drift;
	if (c->drift)
		cli_note(cli, "--half-life auto: none, but durations adjusted for the "
		         "releases' trend (--drift: a backtest of %zu releases: CRPS %.1f "
		         "against %.1f as recorded, %.1f standard errors better)",
		         c->nscored, c->crps, c->crps_none, c->z);
	else if (c->half_life > 0)
		cli_note(cli, "--half-life auto: %g projects (a backtest of %zu releases: "
		         "CRPS %.1f against %.1f with every project counting the same, "
		         "%.1f standard errors better)", c->half_life, c->nscored,
		         c->crps, c->crps_none, c->z);
	else if (c->ncandidates || !isnan(c->crps_drift))
		cli_note(cli, "--half-life auto: none, every project counts the same (%s: "
		         "the best, %s%.0f%s, CRPS %.2f against %.2f, %.1f standard "
		         "errors; %zu releases)", c->why,
		         c->best_drift ? "--drift" : "", c->best_drift ? 0 : c->best_half_life,
		         c->best_drift ? "" : " projects", c->crps_best, c->crps_none, c->z,
		         c->nscored);
	else
		cli_note(cli, "--half-life auto: none, every project counts the same (%s: "
		         "%zu scored)", c->why, c->nscored);
	return 0;
}

int plan_args_load(const struct cli *cli, struct plan_args *pa, int learn)
{
	pc_plan_learn_options lo;
	pc_error err;
	int rc;

	pc_error_clear(&err);
	cli_progress_begin(cli, 0, NULL);
	if (strcmp(pa->calendar, "weekdays") == 0) {
		if (pc_calendar_new(PC_CALENDAR_WEEKDAYS, &pa->cal, &err))
			return cli_fail(cli, &err);
		if (pa->holidays && pc_calendar_read_holidays(pa->cal, pa->holidays, &err))
			return cli_fail(cli, &err);
	}
	if (pa->template_path &&
	    pc_plan_template_read(pa->template_path, &pa->tmpl, &err))
		return cli_fail(cli, &err);
	if (pa->model_path) {
		if (pc_model_read_csv(pa->model_path, &pa->m, &err) ||
		    pc_plan_model_from_fit(pa->m, pa->tmpl, &pa->pm, &err))
			return cli_fail(cli, &err);
		if (pa->m->format == 1)
			cli_warn(cli, "'%s' has no version or end line (an old or hand-written "
			         "model file): it cannot be checked for truncation",
			         pa->model_path);
		plan_args_cut_work(cli, pa);
		return 0;
	}
	cli_progress(NULL, "loading", 0, 0); /* a big store takes seconds */
	if ((rc = cli_open_store(cli, 0, &pa->st)) ||
	    (rc = cli_load_history(cli, pa->st, &pa->class, &pa->h)) ||
	    (rc = cli_warn_trends(cli, pa->h, pa->cal,
	                          pa->half_life > 0 || pa->half_life_auto || pa->drift,
	                          &pa->trends)))
		return rc;
	cli_progress_clear();
	if (pa->half_life_auto && !pa->nested_auto && (rc = choose_half_life(cli, pa)))
		return rc;
	if (!learn)
		return 0;
	pc_plan_learn_options_init(&lo);
	lo.calendar = pa->cal;
	lo.half_life = pa->half_life;
	lo.half_life_days = pa->half_life_days;
	lo.drift = pa->drift;
	lo.tmpl = pa->tmpl;
	lo.independent = pa->independent && *pa->independent;
	lo.progress = cli_progress;
	if (pc_plan_learn(pa->h, &lo, &pa->pm, &err))
		return cli_fail(cli, &err);
	cli_progress_clear();
	plan_args_cut_work(cli, pa);
	for (size_t j = 0; j < pa->pm->nphases; j++) {
		const pc_plan_node *n = pa->pm->nodes + j;
		size_t fin = n->fit.n - n->fit.censored;
		if (n->thin)
			cli_warn(cli, "phase '%s' has only %zu finished past duration%s: its "
			         "range is pooled with the other phases' (see THIN PHASES in "
			         "precedent(1))", n->phase, fin, fin == 1 ? "" : "s");
	}
	return 0;
}

int cli_parse_slot(const struct cli *cli, char *arg, pc_whatif_change *ch)
{
	char *val = cli_split_eq(arg);

	if (!val)
		return cli_usage(cli, "--slot: '%s' is not PHASE=DATE or PHASE=best", arg);
	memset(ch, 0, sizeof *ch);
	ch->kind = PC_WHATIF_SLOT;
	ch->phase = arg;
	if (strcmp(val, "best") == 0)
		ch->best = 1;
	else if (pc_date_parse(val, &ch->date))
		return cli_usage(cli, "--slot: '%s' is not a date (expected YYYY-MM-DD or "
		                 "best)", val);
	return 0;
}

int cli_parse_confidence(const struct cli *cli, const char *arg, double *p)
{
	if (cli_parse_real(arg, p) || !(*p > 0 && *p < 1))
		return cli_usage(cli, "--confidence: '%s' is not a probability between 0 "
		                 "and 1 (both excluded)", arg);
	return 0;
}

/* At most this many trend warnings, then a count of the rest. */
#define TREND_WARNINGS 5

int cli_warn_trends(const struct cli *cli, const pc_history *h,
                    const pc_calendar *cal, int weighed, pc_history_trend **keep)
{
	pc_history_trend *r;
	pc_error err;
	size_t shown = 0, more = 0;

	pc_error_clear(&err);
	if (pc_history_trends(h, cal, 0.05, &r, &err))
		return cli_fail(cli, &err);
	/* the release first: it is what the plan answers */
	for (size_t i = 0; i <= h->nphases; i++) {
		const pc_history_trend *t = r + (i ? i - 1 : h->nphases);
		char what[256];
		if (!t->significant)
			continue;
		if (shown == TREND_WARNINGS) {
			more++;
			continue;
		}
		shown++;
		if (t->phase)
			snprintf(what, sizeof what, "phase '%s' durations have",
			         cli_text(t->phase));
		else
			snprintf(what, sizeof what, "releases have");
		cli_warn(cli, "%s %s over the history, by %.1f %sdays a year (Mann-Kendall "
		         "tau %.2f, p %.2g, %zu finished)%s (see TRENDS in precedent(1))",
		         what, t->per_year > 0 ? "grown" : "shrunk", fabs(t->per_year),
		         cal ? "working " : "", t->t.tau, t->t.p, t->t.n,
		         weighed ? "" : ", but old and recent projects count alike: "
		         "--half-life auto weighs that");
	}
	if (more)
		cli_warn(cli, "and %zu more phase%s with a trend", more, more == 1 ? "" : "s");
	if (keep)
		*keep = r;
	else
		free(r);
	return 0;
}

json_t *cli_trends_json(const pc_history *h, const pc_history_trend *r)
{
	json_t *a;

	if (!r)
		return json_null();
	a = json_array();
	for (size_t i = 0; i <= h->nphases; i++) {
		const pc_history_trend *t = r + i;
		json_t *o = json_object();
		json_object_set_new(o, "phase", t->phase ? json_string(t->phase)
		                                         : json_null());
		json_object_set_new(o, "finished", json_integer((json_int_t)t->t.n));
		json_object_set_new(o, "tau", cli_json_num(t->t.tau));
		json_object_set_new(o, "p", cli_json_num(t->t.p));
		json_object_set_new(o, "days_per_year", cli_json_num(t->per_year));
		json_object_set_new(o, "significant", json_boolean(t->significant));
		json_array_append_new(a, o);
	}
	return a;
}

void plan_warn_capped(const struct cli *cli, const pc_plan_model *pm, size_t j,
                      double share)
{
	if (share > 0)
		cli_warn(cli, "%.2g%% of the simulated durations of phase '%s' were a "
		         "century or more and count as a century: its fitted %s tail "
		         "is too heavy to believe", share * 100, pm->nodes[j].phase,
		         pm->nodes[j].fit.family->name);
}

void plan_args_release(struct plan_args *pa)
{
	pc_plan_model_free(&pa->pm);
	pc_model_free(&pa->m);
	pc_history_free(&pa->h);
	free(pa->trends);
	pa->trends = NULL;
	pc_plan_template_free(&pa->tmpl);
	pc_calendar_free(&pa->cal);
	pc_store_close(&pa->st);
}

json_t *cli_half_life_json(const struct plan_args *pa, const pc_plan_model *pm)
{
	const pc_half_life_choice *c = &pa->half_life_choice;
	json_t *o = json_object();

	json_object_set_new(o, "half_life", pm->half_life > 0 ? json_real(pm->half_life)
	                                                      : json_null());
	json_object_set_new(o, "unit", json_string(pm->half_life_days ? "days" : "projects"));
	json_object_set_new(o, "effective_projects", cli_json_num(pm->effective_projects));
	if (pm->drift_per_day != 0) {
		json_t *d = json_object();
		char b[PC_DATE_BUF];
		json_object_set_new(d, "per_year", json_real(expm1(pm->drift_per_day * 365.25)));
		json_object_set_new(d, "to", json_string(pc_date_format(pm->drift_to, b)));
		json_object_set_new(o, "drift", d);
	} else {
		json_object_set_new(o, "drift", pm->drift ? json_string("no significant trend")
		                                          : json_null());
	}
	if (pa->half_life_auto) {
		json_t *a = json_object(), *cand = json_array();
		json_object_set_new(a, "chosen", c->half_life > 0 ? json_real(c->half_life)
		                                                  : json_null());
		json_object_set_new(a, "why", json_string(c->why));
		json_object_set_new(a, "scored", json_integer((json_int_t)c->nscored));
		json_object_set_new(a, "crps_equal_weights", cli_json_num(c->crps_none));
		json_object_set_new(a, "crps", cli_json_num(c->crps));
		json_object_set_new(a, "drift", json_boolean(c->drift));
		json_object_set_new(a, "crps_drift", cli_json_num(c->crps_drift));
		json_object_set_new(a, "best", c->best_drift ? json_string("drift")
		                    : c->ncandidates ? json_real(c->best_half_life)
		                    : json_null());
		json_object_set_new(a, "best_z", cli_json_num(c->z));
		for (size_t i = 0; i < c->ncandidates; i++) {
			json_t *e = json_object();
			json_object_set_new(e, "half_life", json_real(c->candidate[i]));
			json_object_set_new(e, "crps", cli_json_num(c->candidate_crps[i]));
			json_array_append_new(cand, e);
		}
		json_object_set_new(a, "candidates", cand);
		json_object_set_new(o, "auto", a);
	}
	return o;
}

void cli_drift_line(FILE *out, const char *pre, const pc_plan_model *pm)
{
	char b[PC_DATE_BUF];

	if (!pm->drift)
		return;
	if (pm->drift_per_day != 0)
		fprintf(out, "%sPast durations adjusted for the releases' trend (%+.0f%% a "
		        "year, Sen's slope) to a project starting %s\n", pre,
		        100 * expm1(pm->drift_per_day * 365.25),
		        pc_date_format(pm->drift_to, b));
	else
		fprintf(out, "%sNo significant trend in the releases' durations: past "
		        "durations as recorded\n", pre);
}
