/*
 * cmd_plan.c - `precedent plan`: the suggested release plan, simulated
 * from what the history (or a model file) says about phases, durations
 * and how slowness carries over between phases.
 */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define DEFAULT_CI 200

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent plan --start DATE [--customer NAME] [--like KEY=VALUE]...\n"
	"                      [--min-class N] [--iterations N|auto] [--seed N]\n"
	"                      [--threads N] [--template FILE] [--model FILE]\n"
	"                      [--calendar all|weekdays] [--holidays FILE] [--ci]\n"
	"                      [--independent] [--half-life H|auto|none] [--drift]\n"
	"                      [--show-structure]\n"
	"                      [--confidence P]\n"
	"                      [--calibrate] [--planned DATE]\n"
	"                      [--format table|json|csv|markdown|svg|ics] [--safe-csv]\n"
	"Propose a release plan starting on DATE: the P10, P50, P80 and P90 start\n"
	"and finish dates of every phase and of the whole release, simulated from\n"
	"the past projects in the store.\n"
	"\n"
	"Options:\n"
	"  --start DATE        first day of the release (YYYY-MM-DD); required\n"
	"  --customer NAME     who the plan is for (shown in the output)\n"
	"  --like KEY=VALUE    learn from projects whose attribute KEY equals VALUE\n"
	"                      (the reference class); repeat to combine conditions\n"
	"  --min-class N       if the class holds fewer than N projects (default 10),\n"
	"                      say so and use the whole history\n"
	"  --iterations N      simulated releases (default 100000); 'auto' draws\n"
	"                      100000 or more, until every reported date's standard\n"
	"                      error is below half a day (at most 10000000)\n"
	"  --seed N            random seed (default 1); the same seed gives the same\n"
	"                      plan whatever the number of threads\n"
	"  --threads N         threads to use (default: all online CPUs)\n"
	"  --template FILE     take the phase structure (CSV: phase,after,lag) from\n"
	"                      FILE instead of inferring it\n"
	"  --model FILE        plan from a model file ('precedent model export')\n"
	"                      without the store; phases run one after another\n"
	"                      unless --template says otherwise\n"
	"  --calendar KIND     all (default): every day counts; weekdays: durations\n"
	"                      and dates in working days, Monday to Friday\n"
	"  --holidays FILE     with --calendar weekdays: days off, one date a line\n"
	"  --ci                95%% confidence intervals of the dates from %d\n"
	"                      bootstrap replicates of the past projects (each\n"
	"                      refitted and simulated with 4000 iterations)\n"
	"  --independent       draw phase durations independently (ignore the\n"
	"                      correlation between phases)\n"
	"  --half-life H       recent projects count more: a project's weight\n"
	"                      halves every H projects (Nd: N days); none (the\n"
	"                      default): all alike; auto: chosen by a backtest\n"
	"                      among none, half-lives and --drift\n"
	"  --drift             adjust past durations for the releases' trend (when\n"
	"                      significant) to the next project's day\n"
	"  --show-structure    also print the learned phase structure, duration\n"
	"                      models and correlations\n"
	"  --format FMT        table (default), json, csv, markdown, svg (the Gantt\n"
	"                      chart) or ics (the milestones as an iCalendar file)\n"
	"  --confidence P      with --format ics: the level of the dates, 0.1, 0.5,\n"
	"                      0.8 (default) or 0.9\n"
	"  --calibrate         recalibrate the release dates by a backtest of the\n"
	"                      history: where past releases fell in their\n"
	"                      forecasts (PIT values) gives a map G, and the\n"
	"                      release P-date becomes the forecast's G^-1(P)\n"
	"                      quantile; phase dates stay raw\n"
	"  --planned DATE      the release date the team states for this project:\n"
	"                      its odds, and the release combined from the history\n"
	"                      and that plan slipped as past plans did (past\n"
	"                      plans: a last phase's planned_end whose plan_as_of\n"
	"                      is on or before its project's start; at least 5)\n"
	"  --safe-csv          with --format csv: put ' before a phase name\n"
	"                      starting with = + - @ so that a spreadsheet does not\n"
	"                      run it as a formula\n"
	"  -h, --help          show this help\n"
	"\n"
	"Dates are inclusive: a 5-day phase starting 2027-01-04 finishes 2027-01-08.\n"
	"A phase waits for the end of one earlier phase (lag = days between that\n"
	"end and its start; negative lags overlap), learned from the history.\n"
	"The release finishes with the last phase to finish.\n", DEFAULT_CI);
}

struct ctx {
	const struct cli *cli;
	const char *customer;
	const struct plan_args *a; /* a->h is NULL with --model */
	const pc_plan_model *pm;
	const pc_plan *p;
	int show_structure;
	const struct cli_calib *cal; /* --calibrate, or NULL */
	const pc_uplift_plan *up;    /* --planned, or NULL */
};

static char *D(pc_day d, char *buf)
{
	return pc_date_format(d, buf);
}

#define PCI_STR2(x) #x
#define PCI_STR(x) PCI_STR2(x)

static const char *corr_text(const struct ctx *x)
{
	if (x->pm->corr_source == PC_PLAN_CORR_UNKNOWN)
		return "independently: the correlation between phases is unknown "
		       "without the history, so each phase is drawn on its own";
	if (x->pm->corr_source == PC_PLAN_CORR_TOO_MANY)
		return "independently: with more than " PCI_STR(PC_PLAN_CORR_MAX)
		       " phases their correlation is not estimated";
	if (x->pm->corr_shrinkage >= 1)
		return "independently: too few past projects to tell which phases "
		       "tend to run long together";
	if (x->p->independent)
		return "independently (--independent)";
	if (x->show_structure)
		return "jointly: phases that tend to run long together in the history "
		       "are simulated together (a Gaussian copula of their rank "
		       "correlations)";
	return "jointly: phases that tend to run long together in the history are "
	       "simulated together";
}

static void fmt_params(const pc_phase_model *f, char *buf, size_t n)
{
	size_t off = 0;

	off += (size_t)snprintf(buf + off, n - off, "%s(", f->family->name);
	for (int i = 0; i < f->family->nparams && off < n; i++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s=%.4g", i ? ", " : "",
		                        f->family->param_names[i], f->params[i]);
	if (off < n)
		snprintf(buf + off, n - off, ")");
}

static void print_reference(const struct ctx *x, FILE *out, const char *pre)
{
	const pc_history *h = x->a->h;
	const struct cli_class *k = &x->a->class;

	if (!h) {
		fprintf(out, "%sLearned from the model file %s (structure %s)\n", pre,
		        cli_text(x->a->model_path), x->pm->from_template ? "from the template"
		                          : "unknown: phases one after another, lag 0");
		return;
	}
	if (!k->nlike)
		fprintf(out, "%sLearned from the whole history: %zu past projects\n", pre,
		        h->nprojects);
	else if (h->class_fallback)
		fprintf(out, "%sReference class %s holds %zu project%s, fewer than "
		        "--min-class %zu: learned from the whole history (%zu projects)\n",
		        pre, cli_text(k->name), h->class_size, h->class_size == 1 ? "" : "s",
		        k->min_class, h->nprojects);
	else
		fprintf(out, "%sLearned from the reference class %s: %zu past projects\n",
		        pre, cli_text(k->name), h->nprojects);
	if (x->pm->half_life > 0)
		fprintf(out, "%sRecent projects count more: a project's weight halves every "
		        "%g %s%s back (worth %.1f projects counted alike)\n", pre,
		        x->pm->half_life, x->pm->half_life_days ? "day" : "project",
		        x->pm->half_life == 1 ? "" : "s", x->pm->effective_projects);
	cli_drift_line(out, pre, x->pm);
}

/* The phases node j waits for, joined by '|', or "(start)". */
static const char *after_text(const pc_plan_model *pm, size_t j)
{
	static char buf[512];
	const pc_plan_node *n = pm->nodes + j;
	size_t len = 0;

	if (!n->npreds)
		return "(start)";
	buf[0] = '\0';
	for (size_t q = 0; q < n->npreds; q++) {
		int m = snprintf(buf + len, sizeof buf - len, "%s%s", q ? "|" : "",
		                 cli_text(pm->nodes[n->preds[q]].phase));
		if (m < 0 || (size_t)m >= sizeof buf - len)
			break;
		len += (size_t)m;
	}
	return buf;
}

static void print_structure(const struct ctx *x)
{
	const pc_plan_model *pm = x->pm;
	size_t w = 6, aw = 6;

	for (size_t j = 0; j < pm->nphases; j++)
		if ((size_t)cli_text_width(pm->nodes[j].phase) > w)
			w = (size_t)cli_text_width(pm->nodes[j].phase);
	printf("Structure (%s; lag = %s days from the end of 'after' to the start,\n"
	       "negative = overlap; the simulation %s):\n",
	       pm->from_template ? "from the template" :
	       x->a->h ? "inferred from the history" : "assumed",
	       x->a->cal ? "working" : "calendar",
	       pm->from_template || !x->a->h ? "uses the fixed lag"
	                                  : "resamples the observed lags");
	for (size_t j = 0; j < pm->nphases; j++)
		if ((size_t)cli_text_width(after_text(pm, j)) > aw)
			aw = (size_t)cli_text_width(after_text(pm, j));
	printf("%-*s  %-*s  %5s  %6s  %8s  %6s  %s\n", (int)w, "phase", (int)aw, "after",
	       "lag", "spread", "projects", "occurs", "duration (days)");
	for (size_t j = 0; j < pm->nphases; j++) {
		const pc_plan_node *n = pm->nodes + j;
		char buf[160];
		fmt_params(&n->fit, buf, sizeof buf);
		printf("%s  %s  %5.4g  %6.4g  %8zu  %5.0f%%  %s median %.1f P80 %.1f%s\n",
		       cli_text_pad(n->phase, (int)w), cli_text_pad(after_text(pm, j), (int)aw), n->lag,
		       n->spread, n->support, n->occurs * 100, buf, n->fit.median,
		       n->fit.p80, n->thin ? " (pooled: thin data)" : "");
	}
	printf("(after a|b: starts after the later of a and b ends)\n");
	if (pm->spearman) {
		printf("\nSpearman rank correlation of durations across projects "
		       "(pairwise; running phases at their duration so far; '-': "
		       "fewer than 3 projects), shrunk %.0f%% toward none by its "
		       "noise (Schafer-Strimmer)%s:\n", pm->corr_shrinkage * 100,
		       pm->corr_repaired ? " (made positive definite for the copula)" : "");
		printf("%-*s", (int)w, "");
		for (size_t j = 0; j < pm->nphases; j++)
			printf("  %s", cli_text_cut(pm->nodes[j].phase, 5));
		printf("\n");
		for (size_t i = 0; i < pm->nphases; i++) {
			fputs(cli_text_pad(pm->nodes[i].phase, (int)w), stdout);
			for (size_t j = 0; j < pm->nphases; j++) {
				double r = pm->spearman[i * pm->nphases + j];
				if (isnan(r))
					printf("  %5s", "-");
				else
					printf("  %5.2f", r);
			}
			printf("\n");
		}
	}
	printf("\n");
}

/* --planned: the stated date's odds and the release with it as evidence. */
static void print_stated(const pc_uplift_plan *u, int markdown)
{
	static const char *what[3] = {"history", "stated plan, slipped as past plans did",
	                              "combined"};
	const pc_day *rows[3] = {u->history, u->stated_plan, u->combined};
	char a[PC_DATE_BUF], b[PC_DATE_BUF], c[PC_DATE_BUF], d[PC_DATE_BUF];

	printf("Stated release date %s: %.0f%% likely by the history's plan",
	       D(u->stated, a), u->p_stated_history * 100);
	if (u->nslips < PC_UPLIFT_MIN) {
		printf(".\nOnly %zu past release%s recorded the date planned at %s start "
		       "(a last phase's planned_end with a plan_as_of on or before the "
		       "project's start); %d are needed to learn how plans slip, so the "
		       "plan below is the history's alone.\n\n", u->nslips,
		       u->nslips == 1 ? "" : "s", u->nslips == 1 ? "its" : "their",
		       PC_UPLIFT_MIN);
		return;
	}
	printf(", %.0f%% with the stated plan as evidence.\n", u->p_stated * 100);
	printf("%zu past releases recorded the date planned at their start and took a "
	       "median %.2f times the planned time. ", u->nslips, u->median_slip);
	if (u->nweighed)
		printf("Weight on the history: %.1f, the lowest CRPS over %zu of those "
		       "releases, each forecast from what had finished before it "
		       "started.\n", u->weight, u->nweighed);
	else
		printf("Weight on the history: %.1f (fewer than %d past plans could be "
		       "scored to choose it).\n", u->weight, PC_UPLIFT_MIN);
	printf(markdown ? "\n| release from | P10 | P50 | P80 | P90 |\n|---|---|---|---|---|\n"
	                : "%-40s  %-10s  %-10s  %-10s  %-10s\n", "release from", "P10",
	       "P50", "P80", "P90");
	for (int m = 0; m < 3; m++)
		printf(markdown ? "| %s | %s | %s | %s | %s |\n"
		                : "%-40s  %-10s  %-10s  %-10s  %-10s\n", what[m],
		       D(rows[m][0], a), D(rows[m][1], b), D(rows[m][2], c), D(rows[m][3], d));
	/* markdown: a blank line ends the table */
	printf("%sThe phase table below is the history's.\n\n", markdown ? "\n" : "");
}

static json_t *stated_json(const pc_uplift_plan *u)
{
	static const char *key[3] = {"history", "stated_plan", "combined"};
	const pc_day *rows[3] = {u->history, u->stated_plan, u->combined};
	json_t *o = json_object(), *r = json_object();
	char a[PC_DATE_BUF], b[PC_DATE_BUF], c[PC_DATE_BUF], d[PC_DATE_BUF];
	int use = u->nslips >= PC_UPLIFT_MIN;

	json_object_set_new(o, "date", json_string(D(u->stated, a)));
	json_object_set_new(o, "p_history", json_real(u->p_stated_history));
	json_object_set_new(o, "p_combined", json_real(u->p_stated));
	json_object_set_new(o, "past_plans", json_integer((json_int_t)u->nslips));
	json_object_set_new(o, "used", json_boolean(use));
	json_object_set_new(o, "median_slip", use ? json_real(u->median_slip) : json_null());
	json_object_set_new(o, "weight_history", json_real(u->weight));
	json_object_set_new(o, "weight_chosen_on", json_integer((json_int_t)u->nweighed));
	for (int m = 0; m < 3; m++)
		json_object_set_new(r, key[m], m == 1 && !use ? json_null() :
		                    json_pack("{s:s,s:s,s:s,s:s}", "p10", D(rows[m][0], a),
		                              "p50", D(rows[m][1], b), "p80", D(rows[m][2], c),
		                              "p90", D(rows[m][3], d)));
	json_object_set_new(o, "release", r);
	return o;
}

static void print_table(const struct ctx *x, int markdown)
{
	const pc_plan *p = x->p;
	char a[PC_DATE_BUF], b[PC_DATE_BUF], c[PC_DATE_BUF];
	size_t w = 7;

	if (x->up && x->up->nslips >= PC_UPLIFT_MIN)
		printf("%sSuggested launch: %s (P50 of the history combined with the "
		       "stated plan); 80%% likely by %s%s\n", markdown ? "**" : "",
		       D(x->up->combined[1], a), D(x->up->combined[2], b),
		       markdown ? "**" : "");
	else
		printf("%sSuggested launch: %s (P50); 80%% likely by %s%s\n",
		       markdown ? "**" : "", D(p->finish.day[1], a), D(p->finish.day[2], b),
		       markdown ? "**" : "");
	printf("%sPlan%s%s starting %s, counting %s\n", markdown ? "\n" : "",
	       x->customer ? " for " : "", x->customer ? cli_text(x->customer) : "",
	       D(p->start, a),
	       !x->a->cal ? "every calendar day"
	       : x->a->holidays ? "working days (Monday to Friday, minus holidays)"
	       : "working days (Monday to Friday)");
	print_reference(x, stdout, markdown ? "\n" : "");
	printf("%sDurations drawn %s\n", markdown ? "\n" : "", corr_text(x));
	if (isnan(p->max_se))
		printf("%s%llu simulated release%s (seed %llu): too few for a Monte Carlo "
		       "standard error (100 at least)\n\n", markdown ? "\n" : "",
		       (unsigned long long)p->iterations, p->iterations == 1 ? "" : "s",
		       (unsigned long long)p->seed);
	else
		printf("%s%llu simulated releases (seed %llu); Monte Carlo standard error "
		       "of every date below at most %.2f days\n\n", markdown ? "\n" : "",
		       (unsigned long long)p->iterations, (unsigned long long)p->seed,
		       p->max_se);
	if (x->cal) {
		printf("Release dates recalibrated by a backtest of the history; "
		       "phase dates raw%s\n",
		       x->cal->learned ? "" : " (nothing learned: no correction)");
		if (x->show_structure && !markdown)
			cli_calib_print(x->cal, "");
		printf("\n");
	}
	if (x->show_structure && !markdown)
		print_structure(x);
	if (x->up)
		print_stated(x->up, markdown);
	for (size_t j = 0; j < p->nphases; j++)
		if ((size_t)cli_text_width(p->phases[j].phase) > w)
			w = (size_t)cli_text_width(p->phases[j].phase);
	if (markdown) {
		printf("| phase | start P10 | start P50 | start P80 | start P90 | "
		       "finish P10 | finish P50 | finish P80 | finish P90 |\n");
		printf("|---|---|---|---|---|---|---|---|---|\n");
	} else {
		printf("%-*s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s\n",
		       (int)w, "phase", "start P10", "start P50", "start P80",
		       "start P90", "finish P10", "finish P50", "finish P80",
		       "finish P90");
	}
	for (size_t j = 0; j <= p->nphases; j++) {
		const pc_plan_dates *s = j < p->nphases ? &p->phases[j].start : NULL;
		const pc_plan_dates *f = j < p->nphases ? &p->phases[j].finish : &p->finish;
		const char *name = j < p->nphases ? p->phases[j].phase : "release";

		if (markdown)
			printf("| "), cli_md_cell(stdout, name);
		else
			fputs(cli_text_pad(name, (int)w), stdout);
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			printf(markdown ? " | %s" : "  %-10s",
			       s ? D(s->day[q], a) : j == p->nphases ? D(p->start, a) : "-");
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			printf(markdown ? " | %s" : "  %-10s", D(f->day[q], a));
		printf(markdown ? " |\n" : "\n");
	}
	for (size_t j = 0; j < p->nphases; j++)
		if (x->pm->nodes[j].occurs < 1)
			printf("%s%s takes place in %.0f%% of the simulated releases, as in "
			       "%.0f%% of the finished past projects; its dates are those of "
			       "the releases that have it.\n", j ? "" : "",
			       cli_text(p->phases[j].phase), p->phases[j].occurs * 100,
			       x->pm->nodes[j].occurs * 100);
	if (!isnan(p->max_se)) {
		printf("\nMonte Carlo standard error of the release finish (days):");
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			printf("%s P%d %.2f", q ? "," : "", (int)lround(pc_plan_pct[q] * 100),
			       p->finish.se[q]);
		printf("\n");
	}
	if (p->has_ci) {
		printf("\n95%% confidence intervals of the release finish (bootstrap: "
		       "%zu replicates of the past projects, each refitted and "
		       "simulated %llu times):\n", p->ci_replicates,
		       (unsigned long long)p->ci_iterations);
		for (int q = 1; q < PC_PLAN_NPCT; q++)
			printf("%s  P%d %s: %s to %s\n", markdown ? "-" : "",
			       (int)lround(pc_plan_pct[q] * 100), D(p->finish.day[q], a),
			       D(p->finish.ci[q][0], b), D(p->finish.ci[q][1], c));
	}
}

static void print_csv(const struct ctx *x)
{
	const pc_plan *p = x->p;
	char a[PC_DATE_BUF];

	printf("phase,start_p10,start_p50,start_p80,start_p90,"
	       "finish_p10,finish_p50,finish_p80,finish_p90");
	if (p->has_ci)
		printf(",finish_p50_lo,finish_p50_hi,finish_p80_lo,finish_p80_hi,"
		       "finish_p90_lo,finish_p90_hi");
	printf("\n");
	for (size_t j = 0; j <= p->nphases; j++) {
		const pc_plan_dates *s = j < p->nphases ? &p->phases[j].start : NULL;
		const pc_plan_dates *f = j < p->nphases ? &p->phases[j].finish : &p->finish;
		const char *name = j < p->nphases ? p->phases[j].phase : "release";

			cli_csv_cell(x->cli, name);
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			printf(",%s", s ? D(s->day[q], a) : D(p->start, a));
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			printf(",%s", D(f->day[q], a));
		if (p->has_ci)
			for (int q = 1; q < PC_PLAN_NPCT; q++) {
				printf(",%s", D(f->ci[q][0], a));
				printf(",%s", D(f->ci[q][1], a));
			}
		printf("\n");
	}
}

static json_t *jdates(const pc_day *d)
{
	json_t *o = json_object();
	char a[PC_DATE_BUF];
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		json_object_set_new(o, pc_plan_pct_names[q], json_string(D(d[q], a)));
	return o;
}

static json_t *jse(const double *se)
{
	json_t *o = json_object();
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		json_object_set_new(o, pc_plan_pct_names[q],
		                    isfinite(se[q]) ? json_real(round(se[q] * 1000) / 1000)
		                                    : json_null());
	return o;
}

static json_t *jci(const pc_plan_dates *d)
{
	json_t *o = json_object();
	char a[PC_DATE_BUF];
	for (int q = 1; q < PC_PLAN_NPCT; q++) {
		json_t *r = json_array();
		json_array_append_new(r, json_string(D(d->ci[q][0], a)));
		json_array_append_new(r, json_string(D(d->ci[q][1], a)));
		json_object_set_new(o, pc_plan_pct_names[q], r);
	}
	return o;
}

static int print_json(const struct cli *cli, const struct ctx *x)
{
	const pc_plan *p = x->p;
	const pc_plan_model *pm = x->pm;
	const pc_history *h = x->a->h;
	json_t *o = json_object(), *ph = json_array(), *ref;
	char a[PC_DATE_BUF];

	json_object_set_new(o, "start", json_string(D(p->start, a)));
	if (x->customer)
		json_object_set_new(o, "customer", json_string(x->customer));
	json_object_set_new(o, "iterations", json_integer((json_int_t)p->iterations));
	json_object_set_new(o, "seed", json_integer((json_int_t)p->seed));
	if (h)
		json_object_set_new(o, "trends", cli_trends_json(h, x->a->trends));
	json_object_set_new(o, "recency", cli_half_life_json(x->a, pm));
	if (x->up)
		json_object_set_new(o, "stated", stated_json(x->up));
	json_object_set_new(o, "calendar", json_string(x->a->calendar));
	json_object_set_new(o, "correlation",
	                    json_string(pm->corr_source == PC_PLAN_CORR_UNKNOWN ? "unknown"
	                                : p->independent ? "independent" : "copula"));
	ref = json_object();
	if (h) {
		json_object_set_new(ref, "class", json_string(x->a->class.name));
		json_object_set_new(ref, "class_size", json_integer((json_int_t)h->class_size));
		json_object_set_new(ref, "fallback", json_boolean(h->class_fallback));
		json_object_set_new(ref, "projects", json_integer((json_int_t)h->nprojects));
	} else {
		json_object_set_new(ref, "model", json_string(x->a->model_path));
	}
	json_object_set_new(o, "learned_from", ref);
	if (x->cal)
		json_object_set_new(o, "calibration", cli_calib_json(x->cal));
	for (size_t j = 0; j < p->nphases; j++) {
		const pc_plan_node *n = pm->nodes + j;
		json_t *e = json_object();
		json_object_set_new(e, "phase", json_string(p->phases[j].phase));
		json_object_set_new(e, "occurs", json_real(round(p->phases[j].occurs * 1e4) / 1e4));
		json_object_set_new(e, "thin", json_boolean(n->thin));
		json_object_set_new(e, "start", jdates(p->phases[j].start.day));
		json_object_set_new(e, "finish", jdates(p->phases[j].finish.day));
		json_object_set_new(e, "start_se_days", jse(p->phases[j].start.se));
		json_object_set_new(e, "finish_se_days", jse(p->phases[j].finish.se));
		if (p->has_ci)
			json_object_set_new(e, "finish_ci95", jci(&p->phases[j].finish));
		if (x->show_structure) {
			json_t *m = json_object(), *pr = json_object();
			json_t *after = json_array();
			for (size_t q = 0; q < n->npreds; q++)
				json_array_append_new(after, json_string(pm->nodes[n->preds[q]].phase));
			json_object_set_new(e, "after", after);
			json_object_set_new(e, "occurs_in_history", json_real(n->occurs));
			json_object_set_new(e, "projects_with_phase", json_integer((json_int_t)n->seen));
			json_object_set_new(e, "lag", json_real(n->lag));
			json_object_set_new(e, "lag_spread", json_real(n->spread));
			json_object_set_new(e, "lag_projects", json_integer((json_int_t)n->support));
			json_object_set_new(m, "family", json_string(n->fit.family->name));
			for (int i = 0; i < n->fit.family->nparams; i++)
				json_object_set_new(pr, n->fit.family->param_names[i],
				                    json_real(n->fit.params[i]));
			json_object_set_new(m, "params", pr);
			json_object_set_new(m, "median", json_real(n->fit.median));
			json_object_set_new(m, "p80", json_real(n->fit.p80));
			json_object_set_new(e, "duration", m);
		}
		json_array_append_new(ph, e);
	}
	json_object_set_new(o, "phases", ph);
	json_object_set_new(o, "finish", jdates(p->finish.day));
	json_object_set_new(o, "finish_se_days", jse(p->finish.se));
	if (p->has_ci) {
		json_object_set_new(o, "finish_ci95", jci(&p->finish));
		json_object_set_new(o, "ci_replicates", json_integer((json_int_t)p->ci_replicates));
		json_object_set_new(o, "ci_iterations", json_integer((json_int_t)p->ci_iterations));
	}
	if (x->show_structure && pm->spearman) {
		json_t *m = json_array();
		for (size_t i = 0; i < pm->nphases; i++) {
			json_t *row = json_array();
			for (size_t j = 0; j < pm->nphases; j++) {
				double r = pm->spearman[i * pm->nphases + j];
				json_array_append_new(row, isnan(r) ? json_null()
				                      : json_real(round(r * 1e4) / 1e4));
			}
			json_array_append_new(m, row);
		}
		json_object_set_new(o, "spearman", m);
		json_object_set_new(o, "correlation_shrinkage",
		                    cli_json_num(pm->corr_shrinkage));
	}
	return cli_print_json(cli, o, JSON_REAL_PRECISION(10));
}

/* --planned: the history's stated plans and the combination, and the
 * history's plan itself (*plan). */
static int cli_uplift(const struct cli *cli, const struct plan_args *pa,
                      const pc_plan_options *po, pc_day date, pc_uplift_plan *up,
                      pc_plan **plan)
{
	size_t np = pa->h->nprojects, n = 0;
	pc_day *planned = malloc((np ? np : 1) * sizeof *planned);
	pc_day *stated = malloc((np ? np : 1) * sizeof *stated);
	pc_backtest_options bo;
	pc_error err;
	int rc = 0;

	pc_error_clear(&err);
	if (!planned || !stated) {
		pc_error_set(&err, PC_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	if (pc_backtest_planned(pa->st, pa->h, planned, stated, &n, &err))
		goto fail;
	/* the weight is of forecasts learned the way this plan is */
	cli_backtest_like(pa, po->seed, po->threads, &bo);
	if (pc_uplift_plan_run(pa->pm, po, pa->h, stated, &bo, date, up, plan, &err))
		goto fail;
	goto done;
fail:
	rc = cli_fail(cli, &err);
done:
	free(planned);
	free(stated);
	return rc;
}

int cmd_plan(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_START = PLAN_OPT_END, OPT_CUSTOMER, OPT_CI, OPT_SHOW_STRUCTURE,
		OPT_FORMAT, OPT_CONFIDENCE, OPT_SAFE_CSV,
		OPT_CALIBRATE, OPT_PLANNED
	};
	static const struct option opts[] = {
		{"start", required_argument, NULL, OPT_START},
		{"customer", required_argument, NULL, OPT_CUSTOMER},
		{"ci", no_argument, NULL, OPT_CI},
		{"show-structure", no_argument, NULL, OPT_SHOW_STRUCTURE},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"confidence", required_argument, NULL, OPT_CONFIDENCE},
		{"safe-csv", no_argument, NULL, OPT_SAFE_CSV},
		{"calibrate", no_argument, NULL, OPT_CALIBRATE},
		{"planned", required_argument, NULL, OPT_PLANNED},
		{"help", no_argument, NULL, 'h'},
		PLAN_ARGS_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	enum cli_format fmt = FMT_TABLE;
	int have_start = 0;
	struct plan_args pa;
	pc_plan_options po;
	pc_plan *p = NULL;
	struct ctx x;
	struct cli_calib cal;
	pc_error err;
	int c, rc = 0, calibrate = 0, have_planned = 0;
	double confidence = 0.8;
	pc_day stated_date = 0;
	pc_uplift_plan up;

	pc_plan_options_init(&po);
	plan_args_init(&pa, &po.iterations, 1000000000ULL, 1, &po.seed,
	               &po.threads, &po.independent);
	pa.work_max = 5e7;  /* phase draws: some seconds */
	pc_error_clear(&err);
	memset(&x, 0, sizeof x);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_START: /* --start */
			if ((rc = cli_parse_date(cli, "--start", optarg, &po.start)))
				return rc;
			have_start = 1;
			break;
		case OPT_CUSTOMER: /* --customer */
			x.customer = optarg;
			break;
		case OPT_CI: /* --ci */
			po.ci = DEFAULT_CI;
			break;
		case OPT_SHOW_STRUCTURE: /* --show-structure */
			x.show_structure = 1;
			break;
		case OPT_SAFE_CSV: /* --safe-csv */
			cli->safe_csv = 1;
			break;
		case OPT_CALIBRATE: /* --calibrate */
			calibrate = 1;
			break;
		case OPT_PLANNED: /* --planned */
			if ((rc = cli_parse_date(cli, "--planned", optarg, &stated_date)))
				return rc;
			have_planned = 1;
			break;
		case OPT_FORMAT: /* --format */
			if (cli_parse_format(cli, optarg,
			                     1u << FMT_TABLE | 1u << FMT_CSV | 1u << FMT_JSON |
			                     1u << FMT_MARKDOWN | 1u << FMT_SVG | 1u << FMT_ICS,
			                     &fmt))
				return EXIT_USAGE;
			break;
		case OPT_CONFIDENCE: /* --confidence */
			if (cli_parse_real(optarg, &confidence) ||
			    !(confidence > 0 && confidence < 1))
				return cli_usage(cli, "--confidence: \'%s\' is not a "
				                 "probability between 0 and 1 (both excluded)", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default: /* the options of plan, or getopt_long's '?' */
			if ((rc = plan_args_option(cli, &pa, c, optarg)))
				return rc;
			break;
		}
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (!have_start)
		return cli_usage(cli, "--start DATE is required");
	if ((rc = plan_args_check(cli, &pa)))
		return rc;
	if (pa.model_path && po.ci)
		return cli_usage(cli, "--ci resamples past projects from the store; "
		                 "it cannot be used with --model");
	if (calibrate && pa.model_path)
		return cli_usage(cli, "--calibrate learns from a backtest of the store's "
		                 "history; it cannot be used with --model");
	if (calibrate && po.ci)
		return cli_usage(cli, "--ci and --calibrate cannot be combined: the "
		                 "bootstrap intervals are of the raw plan");
	if (calibrate && (fmt == FMT_SVG || fmt == FMT_ICS))
		return cli_usage(cli, "--calibrate is not available with --format %s",
		                 fmt == FMT_SVG ? "svg" : "ics");
	if (have_planned && pa.model_path)
		return cli_usage(cli, "--planned learns how past plans slipped from the "
		                 "store's history; it cannot be used with --model");
	if (have_planned && (calibrate || po.ci))
		return cli_usage(cli, "--planned cannot be combined with %s: the "
		                 "combination is of the raw plan",
		                 calibrate ? "--calibrate" : "--ci");
	if (have_planned && (fmt == FMT_SVG || fmt == FMT_ICS || fmt == FMT_CSV))
		return cli_usage(cli, "--planned is shown only with --format table, "
		                 "markdown or json");
	if (have_planned && stated_date < po.start)
		return cli_usage(cli, "--planned: the stated release date is before "
		                 "--start");
	if ((rc = plan_args_load(cli, &pa, 1)))
		goto done;
	if (pa.m && pa.cal)
		cli_warn(cli, "the model's durations are taken as working days");
	po.calendar = pa.cal;
	if (fmt == FMT_SVG || fmt == FMT_ICS) { /* drawn by the report (report.h) */
		struct report_req q = {.pa = &pa, .po = &po, .customer = x.customer,
		                       .confidence = confidence, .fmt = fmt,
		                       .chart = PC_CHART_GANTT};
		rc = report_emit(cli, &q);
		goto done;
	}
	if (calibrate) {
		if ((rc = cli_calib_learn(cli, &pa, po.start, po.seed, po.threads, &cal)))
			goto done;
		x.cal = &cal;
	}
	po.progress = cli_progress;
	if (have_planned) { /* the history's plan comes with the combination */
		if ((rc = cli_uplift(cli, &pa, &po, stated_date, &up, &p)))
			goto done;
		x.up = &up;
	} else if (calibrate ? pc_calib_plan_run(pa.pm, &po, &cal.map, &p, &err)
	                     : pc_plan_run(pa.pm, &po, &p, &err)) {
		goto fail;
	}
	cli_progress_end();
	for (size_t j = 0; j < p->nphases; j++)
		plan_warn_capped(cli, pa.pm, j, p->phases[j].capped);
	x.a = &pa;
	x.cli = cli;
	x.pm = pa.pm;
	x.p = p;
	switch (fmt) {
	case FMT_JSON:
		rc = print_json(cli, &x);
		break;
	case FMT_CSV:
		if (x.show_structure)
			cli_warn(cli, "--show-structure is shown only with --format table or json");
		if (x.cal && x.cal->learned)
			cli_warn(cli, "release dates recalibrated; phase dates raw");
		print_csv(&x);
		break;
	case FMT_MARKDOWN:
		if (x.show_structure)
			cli_warn(cli, "--show-structure is shown only with --format table or json");
		print_table(&x, 1);
		break;
	default:
		print_table(&x, 0);
		break;
	}
	goto done;
fail:
	rc = cli_fail(cli, &err);
done:
	pc_plan_free(&p);
	plan_args_release(&pa);
	return rc;
}
