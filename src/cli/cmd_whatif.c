/*
 * cmd_whatif.c - `precedent whatif`: the odds of making a deadline, the
 * start and deadline a confidence allows, checkpoints, drivers, and
 * scenarios (slots, faster or skipped phases, progress, the customer's
 * own plan).
 */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

#define MAX_DEADLINES 64
#define MAX_CHANGES 256

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent whatif --deadline DATE... [--start DATE] [--confidence P]\n"
	"                        [--curve] [--slot PHASE=DATE|PHASE=best]...\n"
	"                        [--slot-every DAYS] [--scale PHASE=F]...\n"
	"                        [--skip PHASE]... [--shift DAYS]\n"
	"                        [--done PHASE=DATE]... [--started PHASE=DATE]...\n"
	"                        [--as-of DATE] [--against PLAN.csv] [--ci N]\n"
	"                        [--calibrate] [options of plan]\n"
	"                        [--format table|json|csv|markdown|svg] [--safe-csv]\n"
	"Ask the history about a deadline: the odds of finishing the release by\n"
	"then, the latest start and the earliest deadline a confidence allows, the\n"
	"day each phase must be finished by to stay on track, and which phases\n"
	"set the finish, under a scenario.\n"
	"\n"
	"Questions:\n"
	"  --deadline DATE     the release must be finished by DATE (repeatable;\n"
	"                      targets, checkpoints and slot searches use the first)\n"
	"  --start DATE        first day of the release (default: the earliest\n"
	"                      --started date, else the as-of date)\n"
	"  --confidence P      the target probability, 0 < P < 1 (default 0.8)\n"
	"  --curve             also print the odds for every day from the P0.5 to\n"
	"                      the P99.5 finish\n"
	"  --against FILE      the customer's plan (CSV: phase,finish; phase\n"
	"                      'release' for the whole release): the odds each\n"
	"                      milestone holds and the days it would need\n"
	"\n"
	"Scenario:\n"
	"  --slot PHASE=DATE   PHASE is booked for DATE and cannot start earlier; if\n"
	"                      what it waits for is not done by then it is re-booked\n"
	"                      for a later slot; PHASE=best searches the booking\n"
	"                      with the best odds of the first deadline\n"
	"  --slot-every DAYS   days between slots (default 7)\n"
	"  --slot-notice DAYS  days' notice to re-book a missed slot (default 7)\n"
	"  --scale PHASE=F     multiply PHASE's duration by F (0.8: 20%% faster)\n"
	"  --skip PHASE        leave PHASE out\n"
	"  --with PHASE        PHASE takes place, however rarely past projects had it\n"
	"  --shift DAYS        move the start by DAYS (negative: earlier)\n"
	"  --done PHASE=DATE   PHASE finished on DATE (with --started for the same\n"
	"                      PHASE: it ran from that day); a finished phase moves\n"
	"                      the phases that tend to run long or short with it\n"
	"  --started PHASE=DATE  PHASE has been running since DATE: its duration is\n"
	"                      drawn given that it has lasted until the as-of date\n"
	"  --as-of DATE        the day progress is known on (default: today);\n"
	"                      phases not started yet start no earlier\n"
	"\n"
	"Options of plan:\n"
	"  --like KEY=VALUE    learn from projects whose attribute KEY equals VALUE;\n"
	"                      repeat to combine conditions\n"
	"  --min-class N       if the class holds fewer than N projects (default\n"
	"                      10), say so and use the whole history\n"
	"  --iterations N      simulated releases (default 20000, at most 2000000)\n"
	"  --seed N            random seed (default 1); the same seed gives the same\n"
	"                      answer whatever the number of threads\n"
	"  --threads N         threads to use (default: all online CPUs)\n"
	"  --template FILE     the phase structure (CSV: phase,after,lag)\n"
	"  --model FILE        plan from a model file without the store (no\n"
	"                      confidence interval then)\n"
	"  --calendar KIND     all (default) or weekdays (Monday to Friday)\n"
	"  --holidays FILE     with --calendar weekdays: days off, one date a line\n"
	"  --independent       draw phase durations independently\n"
	"  --half-life H       recent projects count more (H projects, Nd days,\n"
	"                      none or auto), as for plan\n"
	"  --drift             adjust past durations for the releases' trend\n"
	"  --ci N              bootstrap replicates of the past projects for the\n"
	"                      95%% confidence interval of the odds (default 200,\n"
	"                      4000 iterations each; 0: no interval)\n"
	"  --calibrate         recalibrate the odds of the deadlines (and of\n"
	"                      --curve) by a backtest of the history: G(odds),\n"
	"                      G learned from where past releases fell in their\n"
	"                      forecasts; dates and checkpoints stay raw\n"
	"  --format FMT        table (default), json, csv (one row per answer:\n"
	"                      section,name,date,key,value), markdown or svg (the\n"
	"                      curve of the odds by date, with the first deadline)\n"
	"  --safe-csv          with --format csv: put ' before a name starting\n"
	"                      with = + - @ so that a spreadsheet does not run it\n"
	"  -h, --help          show this help\n"
	"\n"
	"A checkpoint is the deadline minus the P-quantile of the work left after\n"
	"the phase, given that it finished then: a phase not finished by its\n"
	"checkpoint puts the deadline below the target confidence (none: not\n"
	"even its earliest simulated finish would keep it).  Criticality is the\n"
	"share of simulated releases in which the phase is on the chain that\n"
	"sets the finish; correlation is the rank correlation of its duration\n"
	"with the finish.\n");
}

static json_t *jdate(pc_day d)
{
	char b[PC_DATE_BUF];
	return json_string(pc_date_format(d, b));
}

static int print_json(const struct cli *cli, const pc_whatif *w,
                      const struct plan_args *pa, const struct cli_calib *cal)
{
	json_t *root = json_object(), *a;

	json_object_set_new(root, "deadline", jdate(w->deadlines[0].deadline));
	json_object_set_new(root, "start", jdate(w->start));
	json_object_set_new(root, "confidence", json_real(w->confidence));
	json_object_set_new(root, "iterations", json_integer((json_int_t)w->iterations));
	json_object_set_new(root, "seed", json_integer((json_int_t)w->seed));
	json_object_set_new(root, "independent", json_boolean(w->independent));
	json_object_set_new(root, "recency", cli_half_life_json(pa, pa->pm));
	if (cal)
		json_object_set_new(root, "calibration", cli_calib_json(cal));
	json_object_set_new(root, "p_on_time", json_real(w->deadlines[0].p));
	json_object_set_new(root, "p_on_time_se", json_real(w->deadlines[0].se));
	if (w->has_ci)
		json_object_set_new(root, "p_on_time_ci95",
		                    json_pack("[ff]", w->deadlines[0].ci[0],
		                              w->deadlines[0].ci[1]));
	else
		json_object_set_new(root, "p_on_time_ci95", json_null());
	json_object_set_new(root, "latest_start",
	                    w->has_latest_start ? jdate(w->latest_start) : json_null());
	json_object_set_new(root, "earliest_deadline", jdate(w->earliest_deadline));
	{
		json_t *f = json_object();
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			json_object_set_new(f, pc_plan_pct_names[q], jdate(w->finish[q]));
		json_object_set_new(root, "finish", f);
		json_object_set_new(root, "progress", json_boolean(w->has_progress));
		if (w->has_progress)
			json_object_set_new(root, "as_of", jdate(w->as_of));
	}
	a = json_array();
	for (size_t i = 0; i < w->ndeadlines; i++) {
		const pc_whatif_deadline *d = w->deadlines + i;
		json_t *o = json_object();
		json_object_set_new(o, "deadline", jdate(d->deadline));
		json_object_set_new(o, "p_on_time", json_real(d->p));
		json_object_set_new(o, "se", json_real(d->se));
		json_object_set_new(o, "ci95", w->has_ci ? json_pack("[ff]", d->ci[0], d->ci[1])
		                                         : json_null());
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "deadlines", a);
	a = json_array();
	for (size_t r = 0; r < w->nphases; r++) {
		const pc_whatif_phase *p = w->phases + w->drivers[r];
		json_t *o = json_object();
		json_object_set_new(o, "phase", json_string(p->phase));
		json_object_set_new(o, "checkpoint", p->skipped || p->fixed || p->no_checkpoint
		                                         ? json_null() : jdate(p->checkpoint));
		json_object_set_new(o, "criticality", json_real(p->criticality));
		json_object_set_new(o, "correlation", cli_json_num(p->correlation));
		if (!p->skipped) {
			json_t *s = json_object(), *f = json_object();
			for (int q = 0; q < PC_PLAN_NPCT; q++) {
				json_object_set_new(s, pc_plan_pct_names[q], jdate(p->start[q]));
				json_object_set_new(f, pc_plan_pct_names[q], jdate(p->finish[q]));
			}
			json_object_set_new(o, "start", s);
			json_object_set_new(o, "finish", f);
			json_object_set_new(o, "occurs", json_real(p->occurs));
		}
		if (p->skipped)
			json_object_set_new(o, "skipped", json_true());
		if (p->fixed)
			json_object_set_new(o, "done", json_true());
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "phases", a);
	a = json_array();
	for (size_t i = 0; i < w->nslots; i++) {
		const pc_whatif_slot *sl = w->slots + i;
		json_t *o = json_object();
		json_object_set_new(o, "phase", json_string(sl->phase));
		json_object_set_new(o, "date", jdate(sl->date));
		json_object_set_new(o, "p_missed", json_real(sl->p_missed));
		json_object_set_new(o, "p_on_time", json_real(sl->p_on_time));
		if (sl->searched) {
			json_t *opts = json_array();
			json_object_set_new(o, "searched", json_true());
			json_object_set_new(o, "feasible", json_boolean(sl->feasible));
			json_object_set_new(o, "latest_ok", sl->feasible ? jdate(sl->latest_ok)
			                                                 : json_null());
			for (size_t q = 0; q < sl->noptions; q++)
				json_array_append_new(opts, json_pack("{s:o,s:f,s:f}",
				        "date", jdate(sl->options[q].date),
				        "p_missed", sl->options[q].p_missed,
				        "p_on_time", sl->options[q].p_on_time));
			json_object_set_new(o, "options", opts);
		}
		json_array_append_new(a, o);
	}
	json_object_set_new(root, "slots", a);
	if (w->ncurve) {
		a = json_array();
		for (size_t i = 0; i < w->ncurve; i++)
			json_array_append_new(a, json_pack("{s:o,s:f}", "date",
			                                   jdate(w->curve_from + (pc_day)i),
			                                   "p", w->curve[i]));
		json_object_set_new(root, "curve", a);
	}
	if (w->nchecks) {
		a = json_array();
		for (size_t i = 0; i < w->nchecks; i++) {
			const pc_whatif_check *ck = w->checks + i;
			json_array_append_new(a, json_pack("{s:s,s:o,s:f,s:o,s:I}",
			                                   "phase", ck->phase,
			                                   "date", jdate(ck->date),
			                                   "p_holds", ck->p_holds,
			                                   "needed", jdate(ck->needed),
			                                   "uplift_days", (json_int_t)ck->uplift));
		}
		json_object_set_new(root, "against", a);
	}
	return cli_print_json(cli, root, JSON_REAL_PRECISION(6));
}

/* --format csv: one tidy table a spreadsheet can filter, every answer a
 * row of section,name,date,key,value (name: a phase, else empty; date:
 * the deadline, slot, booking, milestone or curve day the value is for).
 * Numbers are as JSON has them; a missing one (no interval, no
 * correlation) is an empty cell. */
static void csv_row(const struct cli *cli, const char *section, const char *name,
                    const char *date, const char *key, const char *value)
{
	printf("%s,", section);
	cli_csv_cell(cli, name ? name : "");
	printf(",%s,%s,%s\n", date ? date : "", key, value ? value : "");
}

static void csv_num(const struct cli *cli, const char *section, const char *name,
                    const char *date, const char *key, double v)
{
	char b[64];

	if (isnan(v) || isinf(v))
		b[0] = '\0';
	else
		snprintf(b, sizeof b, "%.6g", v);
	csv_row(cli, section, name, date, key, b);
}

static void csv_day(const struct cli *cli, const char *section, const char *name,
                    const char *date, const char *key, pc_day d)
{
	char b[PC_DATE_BUF];

	csv_row(cli, section, name, date, key, pc_date_format(d, b));
}

static void print_csv(const struct cli *cli, const pc_whatif *w)
{
	char a[PC_DATE_BUF], n[32];

	printf("section,name,date,key,value\n");
	csv_day(cli, "run", NULL, NULL, "start", w->start);
	csv_num(cli, "run", NULL, NULL, "confidence", w->confidence);
	snprintf(n, sizeof n, "%llu", (unsigned long long)w->iterations);
	csv_row(cli, "run", NULL, NULL, "iterations", n);
	snprintf(n, sizeof n, "%llu", (unsigned long long)w->seed);
	csv_row(cli, "run", NULL, NULL, "seed", n);
	csv_row(cli, "run", NULL, NULL, "independent", w->independent ? "true" : "false");
	if (w->has_progress)
		csv_day(cli, "run", NULL, NULL, "as_of", w->as_of);
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		csv_day(cli, "finish", NULL, NULL, pc_plan_pct_names[q], w->finish[q]);
	if (w->has_latest_start)
		csv_day(cli, "target", NULL, pc_date_format(w->deadlines[0].deadline, a),
		        "latest_start", w->latest_start);
	csv_day(cli, "target", NULL, NULL, "earliest_deadline", w->earliest_deadline);
	for (size_t i = 0; i < w->ndeadlines; i++) {
		const pc_whatif_deadline *d = w->deadlines + i;
		pc_date_format(d->deadline, a);
		csv_num(cli, "deadline", NULL, a, "p_on_time", d->p);
		csv_num(cli, "deadline", NULL, a, "se", d->se);
		csv_num(cli, "deadline", NULL, a, "ci95_lo", w->has_ci ? d->ci[0] : NAN);
		csv_num(cli, "deadline", NULL, a, "ci95_hi", w->has_ci ? d->ci[1] : NAN);
	}
	for (size_t r = 0; r < w->nphases; r++) {
		const pc_whatif_phase *p = w->phases + w->drivers[r];
		csv_row(cli, "phase", p->phase, NULL, "checkpoint",
		        p->skipped ? "skipped" : p->fixed ? "done" : p->no_checkpoint
		        ? "none" : pc_date_format(p->checkpoint, a));
		csv_num(cli, "phase", p->phase, NULL, "criticality", p->criticality);
		csv_num(cli, "phase", p->phase, NULL, "correlation", p->correlation);
	}
	for (size_t i = 0; i < w->nslots; i++) {
		const pc_whatif_slot *sl = w->slots + i;
		pc_date_format(sl->date, a);
		csv_num(cli, "slot", sl->phase, a, "p_missed", sl->p_missed);
		csv_num(cli, "slot", sl->phase, a, "p_on_time", sl->p_on_time);
		if (!sl->searched)
			continue;
		csv_row(cli, "slot", sl->phase, a, "best", "true");
		if (sl->feasible)
			csv_day(cli, "slot", sl->phase, NULL, "latest_ok", sl->latest_ok);
		for (size_t q = 0; q < sl->noptions; q++) {
			pc_date_format(sl->options[q].date, a);
			csv_num(cli, "booking", sl->phase, a, "p_missed",
			        sl->options[q].p_missed);
			csv_num(cli, "booking", sl->phase, a, "p_on_time",
			        sl->options[q].p_on_time);
		}
	}
	for (size_t i = 0; i < w->nchecks; i++) {
		const pc_whatif_check *ck = w->checks + i;
		pc_date_format(ck->date, a);
		csv_num(cli, "milestone", ck->phase, a, "p_holds", ck->p_holds);
		csv_day(cli, "milestone", ck->phase, a, "needed", ck->needed);
		snprintf(n, sizeof n, "%ld", (long)ck->uplift);
		csv_row(cli, "milestone", ck->phase, a, "uplift_days", n);
	}
	for (size_t i = 0; i < w->ncurve; i++)
		csv_num(cli, "curve", NULL, pc_date_format(w->curve_from + (pc_day)i, a),
		        "p_on_time", w->curve[i]);
}

/* Table and markdown share one layout; md switches the separators. */
static void row(int md, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void row(int md, const char *fmt, ...)
{
	va_list ap;

	if (md)
		fputs("| ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputs(md ? " |\n" : "\n", stdout);
}

/* Why the searched booking is the one to ask for, in a line, and the
 * trade-off around it: the bookings a slot period apart from it, and the
 * latest that keeps the confidence. */
static void print_slot_advice(const pc_whatif *w, const pc_whatif_slot *sl, int md)
{
	static const char *const wd[] = {"Thursday", "Friday", "Saturday", "Sunday",
	                                 "Monday", "Tuesday", "Wednesday"};
	const char *sep = md ? " | " : "  ";
	char a[PC_DATE_BUF], b[PC_DATE_BUF];
	int pct = (int)lround(w->confidence * 100);
	size_t shown = 0;

	printf("\n%sbook %s for %s (a %s): the latest booking with the best odds "
	       "of meeting %s (%.3f, within half a point); ready by then %.0f%% of "
	       "the time%s\n", md ? "- " : "", cli_text(sl->phase),
	       pc_date_format(sl->date, a), wd[((sl->date % 7) + 7) % 7],
	       pc_date_format(w->deadlines[0].deadline, b), sl->p_on_time,
	       100 * (1 - sl->p_missed),
	       sl->feasible ? "" : " (no booking keeps the target)");
	if (sl->feasible && sl->latest_ok != sl->date)
		printf("%slatest booking that keeps %d%%: %s\n", md ? "- " : "", pct,
		       pc_date_format(sl->latest_ok, a));
	printf("%s(a missed booking is re-booked for the first slot at least %d "
	       "days after %s is ready; slots every %d days)\n", md ? "- " : "",
	       w->slot_notice, cli_text(sl->phase), w->slot_every);
	if (!sl->noptions)
		return;
	printf("\n");
	row(md, "%-10s%s%8s%s%9s", "booking", sep, "p_missed", sep, "p_on_time");
	if (md)
		puts("|---|---:|---:|");
	for (size_t i = 0; i < sl->noptions && shown < 12; i++) {
		const pc_whatif_slot_option *op = sl->options + i;
		long gap = (long)(op->date - sl->date);
		int ok = sl->feasible && op->date == sl->latest_ok;
		if ((gap % w->slot_every != 0 || labs(gap) > 5L * w->slot_every) && !ok)
			continue;
		row(md, "%-10s%s%8.3f%s%9.3f%s", pc_date_format(op->date, a), sep,
		    op->p_missed, sep, op->p_on_time,
		    op->date == sl->date ? "  best" : ok ? "  latest that keeps the target" : "");
		shown++;
	}
}

static void print_table(const pc_whatif *w, const pc_plan_model *pm, int md,
                        const struct cli_calib *cal)
{
	char a[PC_DATE_BUF], b[PC_DATE_BUF], c[PC_DATE_BUF], d3[PC_DATE_BUF], ci[64];
	const char *sep = md ? " | " : "  ";
	int pct = (int)lround(w->confidence * 100);
	size_t width = 5;

	for (size_t j = 0; j < w->nphases; j++)
		if ((size_t)cli_text_width(w->phases[j].phase) > width)
			width = (size_t)cli_text_width(w->phases[j].phase);
	printf("%sstart %s, target confidence %g%%, %llu iterations, seed %llu%s\n\n",
	       md ? "" : "# ", pc_date_format(w->start, a), w->confidence * 100,
	       (unsigned long long)w->iterations, (unsigned long long)w->seed,
	       w->independent ? ", durations independent" : "");
	if (pm->half_life > 0)
		printf("%srecent projects count more: weight halves every %g %s%s "
		       "(worth %.1f projects counted alike)\n\n", md ? "" : "# ",
		       pm->half_life, pm->half_life_days ? "day" : "project",
		       pm->half_life == 1 ? "" : "s", pm->effective_projects);
	if (pm->drift) {
		cli_drift_line(stdout, md ? "" : "# ", pm);
		putchar('\n');
	}
	if (cal)
		printf("%sodds recalibrated by a backtest of the history (%zu PIT "
		       "values, shrunk %.0f%% toward none); dates and checkpoints raw\n\n",
		       md ? "- " : "", cal->map.n, cal->map.shrinkage * 100);
	printf("%s%s%s%s release P50 %s, P80 %s, P90 %s\n\n", md ? "- " : "",
	       w->has_progress ? "re-forecast from progress as of " : "forecast:",
	       w->has_progress ? pc_date_format(w->as_of, c) : "",
	       w->has_progress ? ":" : "",
	       pc_date_format(w->finish[1], a), pc_date_format(w->finish[2], b),
	       pc_date_format(w->finish[3], d3));
	row(md, "%-10s%s%9s%s%s", "deadline", sep, "p_on_time", sep,
	    "95% CI");
	if (md)
		puts("|---|---:|---|");
	for (size_t i = 0; i < w->ndeadlines; i++) {
		const pc_whatif_deadline *d = w->deadlines + i;
		if (w->has_ci)
			snprintf(ci, sizeof ci, "[%.3f, %.3f]", d->ci[0], d->ci[1]);
		else
			snprintf(ci, sizeof ci, "-");
		row(md, "%-10s%s%9.3f%s%s", pc_date_format(d->deadline, a), sep, d->p, sep, ci);
	}
	putchar('\n');
	if (w->has_latest_start)
		printf("%slatest start for %d%% by %s: %s\n", md ? "- " : "", pct,
		       pc_date_format(w->deadlines[0].deadline, a),
		       pc_date_format(w->latest_start, b));
	printf("%searliest deadline for %d%% from %s: %s\n\n", md ? "- " : "", pct,
	       pc_date_format(w->start, a), pc_date_format(w->earliest_deadline, b));

	row(md, "%-*s%s%-10s%s%11s%s%11s", (int)width, "phase", sep, "checkpoint",
	    sep, "criticality", sep, "correlation");
	if (md)
		puts("|---|---|---:|---:|");
	for (size_t r = 0; r < w->nphases; r++) {
		const pc_whatif_phase *p = w->phases + w->drivers[r];
		char corr[32];
		if (isnan(p->correlation))
			snprintf(corr, sizeof corr, "-");
		else
			snprintf(corr, sizeof corr, "%.3f", p->correlation);
		row(md, "%s%s%-10s%s%11.3f%s%11s", cli_text_pad(md ? cli_md_text(p->phase) : p->phase, (int)width), sep,
		    p->skipped ? "skipped" : p->fixed ? "done" : p->no_checkpoint ? "none"
		               : pc_date_format(p->checkpoint, a), sep,
		    p->criticality, sep, corr);
	}
	if (w->nslots) {
		putchar('\n');
		row(md, "%-*s%s%-10s%s%8s%s%9s", (int)width, "slot", sep, "date", sep,
		    "p_missed", sep, "p_on_time");
		if (md)
			puts("|---|---|---:|---:|");
		for (size_t i = 0; i < w->nslots; i++) {
			const pc_whatif_slot *sl = w->slots + i;
			row(md, "%s%s%-10s%s%8.3f%s%9.3f", cli_text_pad(md ? cli_md_text(sl->phase) : sl->phase, (int)width), sep,
			    pc_date_format(sl->date, a), sep, sl->p_missed, sep, sl->p_on_time);
		}
		for (size_t i = 0; i < w->nslots; i++)
			if (w->slots[i].searched)
				print_slot_advice(w, w->slots + i, md);
	}
	if (w->nchecks) {
		putchar('\n');
		row(md, "%-*s%s%-10s%s%7s%s%-10s%s%s", (int)width, "milestone", sep, "date",
		    sep, "p_holds", sep, "needed", sep, "uplift");
		if (md)
			puts("|---|---|---:|---|---:|");
		for (size_t i = 0; i < w->nchecks; i++) {
			const pc_whatif_check *ck = w->checks + i;
			row(md, "%s%s%-10s%s%7.3f%s%-10s%s%+ld", cli_text_pad(md ? cli_md_text(ck->phase) : ck->phase, (int)width), sep,
			    pc_date_format(ck->date, a), sep, ck->p_holds, sep,
			    pc_date_format(ck->needed, b), sep, ck->uplift);
		}
	}
	if (w->ncurve) {
		putchar('\n');
		row(md, "%-10s%s%s", "date", sep, "p_on_time");
		if (md)
			puts("|---|---:|");
		for (size_t i = 0; i < w->ncurve; i++)
			row(md, "%-10s%s%.4f", pc_date_format(w->curve_from + (pc_day)i, a),
			    sep, w->curve[i]);
	}
}

/* --calibrate: the odds of a deadline are the forecast's F(deadline), so
 * the recalibrated odds are G(F(deadline)); the standard error follows
 * by the delta method (G' the Beta density), the bootstrap interval's
 * ends by G itself (G is monotone; its own uncertainty is not in it). */
static void calibrate_odds(pc_whatif *w, const pc_calib *g)
{
	for (size_t i = 0; i < w->ndeadlines; i++) {
		pc_whatif_deadline *d = w->deadlines + i;
		double p = d->p, h = 1e-6;
		double lo = p - h > 0 ? p - h : 0, hi = p + h < 1 ? p + h : 1;
		if (hi > lo)
			d->se *= (pc_calib_map(g, hi) - pc_calib_map(g, lo)) / (hi - lo);
		d->p = pc_calib_map(g, p);
		d->ci[0] = pc_calib_map(g, d->ci[0]);
		d->ci[1] = pc_calib_map(g, d->ci[1]);
	}
	for (size_t i = 0; i < w->ncurve; i++)
		w->curve[i] = pc_calib_map(g, w->curve[i]);
}

int cmd_whatif(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_DEADLINE = PLAN_OPT_END, OPT_START, OPT_CONFIDENCE, OPT_CURVE,
		OPT_SLOT, OPT_SLOT_EVERY, OPT_SLOT_NOTICE, OPT_SCALE, OPT_SKIP, OPT_WITH, OPT_SHIFT, OPT_DONE,
		OPT_STARTED, OPT_AS_OF, OPT_AGAINST, OPT_CI, OPT_FORMAT, OPT_SAFE_CSV,
		OPT_CALIBRATE
	};
	static const struct option opts[] = {
		{"deadline", required_argument, NULL, OPT_DEADLINE},
		{"start", required_argument, NULL, OPT_START},
		{"confidence", required_argument, NULL, OPT_CONFIDENCE},
		{"curve", no_argument, NULL, OPT_CURVE},
		{"slot", required_argument, NULL, OPT_SLOT},
		{"slot-every", required_argument, NULL, OPT_SLOT_EVERY},
		{"slot-notice", required_argument, NULL, OPT_SLOT_NOTICE},
		{"scale", required_argument, NULL, OPT_SCALE},
		{"skip", required_argument, NULL, OPT_SKIP},
		{"with", required_argument, NULL, OPT_WITH},
		{"shift", required_argument, NULL, OPT_SHIFT},
		{"done", required_argument, NULL, OPT_DONE},
		{"started", required_argument, NULL, OPT_STARTED},
		{"as-of", required_argument, NULL, OPT_AS_OF},
		{"against", required_argument, NULL, OPT_AGAINST},
		{"ci", required_argument, NULL, OPT_CI},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"safe-csv", no_argument, NULL, OPT_SAFE_CSV},
		{"calibrate", no_argument, NULL, OPT_CALIBRATE},
		{"help", no_argument, NULL, 'h'},
		PLAN_ARGS_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	static pc_day deadlines[MAX_DEADLINES];
	static pc_whatif_change changes[MAX_CHANGES];
	size_t ndeadlines = 0, nchanges = 0;
	const char *against_path = NULL;
	enum cli_format fmt = FMT_TABLE;
	int have_start = 0;
	char dbuf[PC_DATE_BUF];
	long shift = 0;
	struct plan_args pa;
	pc_whatif_options wo;
	pc_whatif_plan *against = NULL;
	pc_whatif *w = NULL;
	struct cli_calib cal;
	pc_error err;
	unsigned long long v;
	char *val;
	int c, rc = 0, calibrate = 0;

	pc_whatif_options_init(&wo);
	plan_args_init(&pa, &wo.iterations, 2000000, 0, &wo.seed, &wo.threads,
	               &wo.independent);
	pa.work_max = 2e7;  /* kept phase outcomes: about 200 MB */
	pc_error_clear(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		pc_whatif_change *ch = changes + nchanges;

		if ((c == OPT_SLOT || c == OPT_SCALE || c == OPT_SKIP || c == OPT_WITH ||
		     c == OPT_DONE ||
		     c == OPT_STARTED) && nchanges == MAX_CHANGES)
			return cli_usage(cli, "at most %d scenario changes", MAX_CHANGES);
		switch (c) {
		case OPT_DEADLINE: /* --deadline */
			if (ndeadlines == MAX_DEADLINES)
				return cli_usage(cli, "--deadline: at most %d deadlines",
				                 MAX_DEADLINES);
			if ((rc = cli_parse_date(cli, "--deadline", optarg,
			                         &deadlines[ndeadlines])))
				return rc;
			ndeadlines++;
			break;
		case OPT_START: /* --start */
			if ((rc = cli_parse_date(cli, "--start", optarg, &wo.start)))
				return rc;
			have_start = 1;
			break;
		case OPT_CONFIDENCE: /* --confidence */
			if ((rc = cli_parse_confidence(cli, optarg, &wo.confidence)))
				return rc;
			break;
		case OPT_CURVE: /* --curve */
			wo.curve = 1;
			break;
		case OPT_SLOT: /* --slot */
			if ((rc = cli_parse_slot(cli, optarg, ch)))
				return rc;
			nchanges++;
			break;
		case OPT_SLOT_EVERY: /* --slot-every */
			if (cli_parse_uint(optarg, 1, 3650, &v))
				return cli_usage(cli, "--slot-every: '%s' is not a whole number of "
				                 "days from 1 to 3650", optarg);
			wo.slot_every = (int)v;
			break;
		case OPT_SLOT_NOTICE: /* --slot-notice */
			if (cli_parse_uint(optarg, 0, 3650, &v))
				return cli_usage(cli, "--slot-notice: '%s' is not a whole number of "
				                 "days from 0 to 3650", optarg);
			wo.slot_notice = (int)v;
			break;
		case OPT_SCALE: /* --scale */
			if (!(val = cli_split_eq(optarg)))
				return cli_usage(cli, "--scale: '%s' is not PHASE=FACTOR", optarg);
			memset(ch, 0, sizeof *ch);
			ch->kind = PC_WHATIF_SCALE;
			ch->phase = optarg;
			if (cli_parse_real(val, &ch->factor) ||
			    !(ch->factor > 0 && ch->factor <= 100))
				return cli_usage(cli, "--scale: '%s' is not a factor above 0 and "
				                 "at most 100", val);
			nchanges++;
			break;
		case OPT_SKIP: /* --skip */
		case OPT_WITH: /* --with */
			memset(ch, 0, sizeof *ch);
			ch->kind = c == OPT_SKIP ? PC_WHATIF_SKIP : PC_WHATIF_WITH;
			ch->phase = optarg;
			nchanges++;
			break;
		case OPT_SHIFT: /* --shift */
			if (cli_parse_int(optarg, -36500, 36500, &shift))
				return cli_usage(cli, "--shift: '%s' is not a whole number of days",
				                 optarg);
			break;
		case OPT_DONE: /* --done */
		case OPT_STARTED: /* --started */
		{
			const char *o = c == OPT_DONE ? "--done" : "--started";
			if (!(val = cli_split_eq(optarg)))
				return cli_usage(cli, "%s: '%s' is not PHASE=DATE", o, optarg);
			memset(ch, 0, sizeof *ch);
			ch->kind = c == OPT_DONE ? PC_WHATIF_DONE : PC_WHATIF_STARTED;
			ch->phase = optarg;
			if ((rc = cli_parse_date(cli, o, val, &ch->date)))
				return rc;
			nchanges++;
			break;
		}
		case OPT_AS_OF: /* --as-of */
			if ((rc = cli_parse_date(cli, "--as-of", optarg, &wo.as_of)))
				return rc;
			wo.has_as_of = 1;
			break;
		case OPT_AGAINST: /* --against */
			against_path = optarg;
			break;
		case OPT_CI: /* --ci */
			if (cli_parse_uint(optarg, 0, 100000, &v))
				return cli_usage(cli, "--ci: '%s' is not a whole number of "
				                 "replicates from 0 to 100000", optarg);
			wo.ci = (size_t)v;
			break;
		case OPT_FORMAT: /* --format */
			if (cli_parse_format(cli, optarg, 1u << FMT_TABLE | 1u << FMT_JSON |
			                     1u << FMT_CSV | 1u << FMT_MARKDOWN | 1u << FMT_SVG,
			                     &fmt))
				return EXIT_USAGE;
			break;
		case OPT_SAFE_CSV: /* --safe-csv */
			cli->safe_csv = 1;
			break;
		case OPT_CALIBRATE: /* --calibrate */
			calibrate = 1;
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
	if (ndeadlines == 0)
		return cli_usage(cli, "--deadline DATE is required");
	if ((rc = plan_args_check(cli, &pa)))
		return rc;
	if (!have_start) {
		/* Mid-project, the release began when its first recorded phase
		 * did; a --done date is a finish, which says nothing of when
		 * the release began. */
		int started = 0, done = 0;
		wo.start = wo.has_as_of ? wo.as_of : pc_date_today();
		for (size_t i = 0; i < nchanges; i++) {
			done |= changes[i].kind == PC_WHATIF_DONE;
			if (changes[i].kind == PC_WHATIF_STARTED &&
			    (!started || changes[i].date < wo.start)) {
				wo.start = changes[i].date;
				started = 1;
			}
		}
		if (done && !started)
			return cli_usage(cli, "--start DATE is needed with --done alone: a "
			                 "--done date is when a phase finished, not when the "
			                 "release began");
		for (size_t i = 0; started && i < nchanges; i++)
			if (changes[i].kind == PC_WHATIF_DONE && changes[i].date < wo.start)
				return cli_usage(cli, "--start DATE is needed: --done %s=%s is "
				                 "before the first --started date", changes[i].phase,
				                 pc_date_format(changes[i].date, dbuf));
	}
	wo.start += (pc_day)shift;
	wo.deadlines = deadlines;
	wo.ndeadlines = ndeadlines;
	wo.changes = changes;
	wo.nchanges = nchanges;
	if (against_path && pc_whatif_plan_read(against_path, &against, &err))
		goto fail;
	wo.against = against;
	if (calibrate && pa.model_path) {
		rc = cli_usage(cli, "--calibrate learns from a backtest of the store's "
		               "history; it cannot be used with --model");
		goto done;
	}
	if (calibrate && fmt == FMT_SVG) {
		rc = cli_usage(cli, "--calibrate is not available with --format svg");
		goto done;
	}
	if ((rc = plan_args_load(cli, &pa, 1)))
		goto done;
	wo.calendar = pa.cal;
	if (!pa.h)
		wo.ci = 0;
	if (fmt == FMT_SVG) { /* the finish-date curve, drawn by the report */
		pc_plan_options po;
		pc_plan_options_init(&po);
		po.start = wo.start;
		po.iterations = wo.iterations;
		po.seed = wo.seed;
		po.threads = wo.threads;
		po.independent = wo.independent;
		po.calendar = wo.calendar;
		struct report_req q = {.pa = &pa, .po = &po, .wo = &wo,
		                       .confidence = wo.confidence, .has_deadline = 1,
		                       .deadline = deadlines[0], .fmt = FMT_SVG,
		                       .chart = PC_CHART_CURVE};
		rc = report_emit(cli, &q);
		goto done;
	}
	wo.progress = cli_progress;
	if (pc_whatif_run(pa.pm, pa.h, &wo, &w, &err))
		goto fail;
	cli_progress_end();
	if (calibrate) {
		if ((rc = cli_calib_learn(cli, &pa, wo.start, wo.seed, wo.threads, &cal)))
			goto done;
		cli_progress_end();
		calibrate_odds(w, &cal.map);
		/* the backtest's forecasts were all made on a project's first
		 * day, knowing nothing of its progress */
		if (w->has_progress && cal.learned)
			cli_warn(cli, "--calibrate: the map was learned from forecasts made "
			         "when projects started; this one knows their progress, "
			         "so the correction may be too strong");
	}
	for (size_t j = 0; j < w->nphases; j++)
		plan_warn_capped(cli, pa.pm, j, w->phases[j].capped);
	for (size_t j = 0; j < w->nphases; j++)
		if (w->phases[j].extrapolated)
			cli_warn(cli, "phase '%s' has run %ld days, longer than any of its "
			         "past durations (the longest %.0f): its remaining time "
			         "extrapolates the fitted %s tail", w->phases[j].phase,
			         w->phases[j].elapsed, pa.pm->nodes[j].longest,
			         pa.pm->nodes[j].fit.family->name);
	if (fmt == FMT_JSON) {
		rc = print_json(cli, w, &pa, calibrate ? &cal : NULL);
	} else if (fmt == FMT_CSV) {
		if (calibrate && cal.learned)
			cli_warn(cli, "odds recalibrated; dates and checkpoints raw");
		print_csv(cli, w);
	} else {
		print_table(w, pa.pm, fmt == FMT_MARKDOWN, calibrate ? &cal : NULL);
	}
	goto done;
fail:
	rc = cli_fail(cli, &err);
done:
	pc_whatif_free(&w);
	plan_args_release(&pa);
	pc_whatif_plan_free(&against);
	return rc;
}
