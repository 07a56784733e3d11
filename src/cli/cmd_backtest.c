/*
 * cmd_backtest.c - `precedent backtest`: forecast every past project from
 * its own start with what was known then, and show how often the P50,
 * P80 and P90 held, next to a naive baseline and the plans of the time.
 */
#include <config.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent backtest [--holdout N] [--min-known N] [--forecasts N]\n"
	"                          [--iterations N] [--seed N] [--threads N]\n"
	"                          [--like KEY=VALUE]...\n"
	"                          [--min-class N] [--calendar all|weekdays]\n"
	"                          [--holidays FILE] [--half-life H|auto|none]\n"
	"                          [--drift]\n"
	"                          [--format table|json|csv]\n"
	"                          [--safe-csv] [--summary] [--calibrate]\n"
	"Would the plans have held?  Forecast every finished past project from its\n"
	"own start day, learning only from the projects that had finished before\n"
	"it started, and compare with what happened: how often the release fell on\n"
	"or before the forecast P50, P80 and P90 (calibrated: about 50%%, 80%%,\n"
	"90%%), the pinball loss in days, the same for a naive plan (every phase\n"
	"at its median duration), and how often the plan of the time held where\n"
	"the history records one (the planned_end of each project's last phase).\n"
	"\n"
	"Options:\n"
	"  --holdout N         evaluate only the last N projects that can be\n"
	"                      evaluated (default: all)\n"
	"  --min-known N       skip projects with fewer than N finished\n"
	"                      predecessors (default 5)\n"
	"  --forecasts N       forecast on at most N start days, evenly spaced\n"
	"                      through them in order (default %d; 0: every\n"
	"                      one); projects starting on other days are not\n"
	"                      scored, and the report says how many\n"
	"  --iterations N      simulated releases per forecast (default 4000)\n"
	"  --seed N            random seed (default 1)\n"
	"  --threads N         threads to use (default: all online CPUs)\n"
	"  --like KEY=VALUE    only projects whose attribute KEY equals VALUE;\n"
	"                      repeat to combine conditions\n"
	"  --min-class N       if the class holds fewer than N projects (default\n"
	"                      10), say so and use the whole history\n"
	"  --calendar KIND     all (default) or weekdays (Monday to Friday)\n"
	"  --holidays FILE     with --calendar weekdays: days off, one date a line\n"
	"  --half-life H       each forecast weighs recent projects more: weight\n"
	"                      halves every H projects (Nd: N days); none\n"
	"                      (default); auto: each forecast chooses as plan\n"
	"                      would have, from what had finished by its day\n"
	"  --drift             each forecast adjusts for the releases' trend\n"
	"  --format FMT        table (default), json or csv\n"
	"  --safe-csv          with --format csv: put ' before a name starting\n"
	"                      with = + - @ so that a spreadsheet does not run it\n"
	"  --summary           the scores only, without a row per project; with\n"
	"                      --format csv as measure,quantile,value\n"
	"  --calibrate         also score every forecast recalibrated by the map\n"
	"                      plan --calibrate uses, learned only from the PIT\n"
	"                      values of the projects released before it started,\n"
	"                      and show raw and recalibrated side by side (with\n"
	"                      --holdout only the held-out projects teach it)\n"
	"  -h, --help          show this help\n"
	"\n"
	"Pinball loss of a quantile q forecast for an actual y: tau (y - q) when\n"
	"y >= q, else (1 - tau) (q - y), in days; lower is better.\n",
	PC_BACKTEST_FORECASTS);
}

static const char *date_or(pc_day d, char *buf, const char *none)
{
	return d == PC_DAY_MIN ? none : pc_date_format(d, buf);
}

static void print_csv(const struct cli *cli, const pc_backtest *b)
{
	char d[8][PC_DATE_BUF];

	printf("customer,project,start,actual,known,phases,p50,p80,p90,naive,planned,"
	       "pit,crps%s\n", b->calibrated ? ",cal_pits,cal_a,cal_b,p50_cal,p80_cal,"
	       "p90_cal,pit_cal,crps_cal" : "");
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *w = b->rows + r;
		cli_csv_cell(cli, w->customer);
		putchar(',');
		cli_csv_cell(cli, w->project);
		printf(",%s,%s,%zu,%zu,%s,%s,%s,%s,%s,%.4f,%.2f",
		       pc_date_format(w->start, d[0]),
		       pc_date_format(w->actual, d[1]), w->known, w->phases_known,
		       pc_date_format(w->q[0], d[2]), pc_date_format(w->q[1], d[3]),
		       pc_date_format(w->q[2], d[4]), pc_date_format(w->naive, d[5]),
		       date_or(w->planned, d[6], ""), w->pit, w->crps);
		if (b->calibrated)
			printf(",%zu,%.4f,%.4f,%s,%s,%s,%.4f,%.2f", w->cal_n, w->cal_a,
			       w->cal_b, pc_date_format(w->q_cal[0], d[2]),
			       pc_date_format(w->q_cal[1], d[3]),
			       pc_date_format(w->q_cal[2], d[4]), w->pit_cal, w->crps_cal);
		putchar('\n');
	}
}

/* --summary with --format csv: the scores, long and tidy as
 * measure,quantile,value (quantile p50, p80 or p90, empty for a measure
 * of the whole run; value empty where there is none, as JSON's null).
 * A table of its own rather than rows after the projects' ones, which a
 * CSV reader would take as more projects. */
static void print_csv_summary(const pc_backtest *b, const pc_backtest_options *o)
{
	static const char *const q[PC_BACKTEST_NQ] = {"p50", "p80", "p90"};
	const struct { const char *name; const double *v; } per_q[] = {
		{"hit", b->hit}, {"pinball_days", b->pinball},
		{"naive_pinball_days", b->naive_pinball}
	};
	const struct { const char *name; double v; } whole[] = {
		{"naive_hit", b->naive_hit}, {"mean_error_p50_days", b->mean_error_p50},
		{"plan_held", b->nplanned ? b->plan_held : NAN},
		{"p50_held", b->nplanned ? b->p50_held : NAN},
		{"p80_held", b->nplanned ? b->p80_held : NAN}
	};

	printf("measure,quantile,value\n");
	printf("evaluated,,%zu\n", b->nrows);
	printf("iterations,,%llu\n", (unsigned long long)o->iterations);
	printf("min_known,,%zu\n", o->min_known);
	printf("skipped_running,,%zu\n", b->skipped_running);
	printf("skipped_few_known,,%zu\n", b->skipped_few);
	printf("skipped_not_learnable,,%zu\n", b->skipped_failed);
	for (size_t m = 0; m < sizeof per_q / sizeof per_q[0]; m++)
		for (int k = 0; k < PC_BACKTEST_NQ; k++)
			printf("%s,%s,%.6g\n", per_q[m].name, q[k], per_q[m].v[k]);
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
		printf("reliability,p%d,%.6g\n", (l + 1) * 10, b->reliability[l]);
	printf("crps_days,,%.6g\n", b->crps);
	if (b->calibrated) {
		for (int k = 0; k < PC_BACKTEST_NQ; k++)
			printf("hit_cal,%s,%.6g\n", q[k], b->hit_cal[k]);
		for (int k = 0; k < PC_BACKTEST_NQ; k++)
			printf("pinball_cal_days,%s,%.6g\n", q[k], b->pinball_cal[k]);
		for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
			printf("reliability_cal,p%d,%.6g\n", (l + 1) * 10, b->reliability_cal[l]);
		printf("crps_cal_days,,%.6g\n", b->crps_cal);
		printf("mean_error_p50_cal_days,,%.6g\n", b->mean_error_p50_cal);
	}
	printf("naive_crps_days,,%.6g\n", b->naive_crps);
	printf("planned,,%zu\n", b->nplanned);
	for (size_t m = 0; m < sizeof whole / sizeof whole[0]; m++)
		if (isnan(whole[m].v))
			printf("%s,,\n", whole[m].name);
		else
			printf("%s,,%.6g\n", whole[m].name, whole[m].v);
}

/* With --half-life auto: how many releases' forecasts chose equal
 * weights (n[0]), the drift (n[1]) and a half-life (n[2]). */
static void auto_counts(const pc_backtest *b, size_t n[3])
{
	n[0] = n[1] = n[2] = 0;
	for (size_t r = 0; r < b->nrows; r++)
		n[b->rows[r].drift ? 1 : b->rows[r].half_life > 0 ? 2 : 0]++;
}

static int print_json(const struct cli *cli, const pc_backtest *b,
                      const pc_backtest_options *o, int summary)
{
	json_t *root = json_object(), *rows, *s;
	char d[8][PC_DATE_BUF];

	json_object_set_new(root, "evaluated", json_integer((json_int_t)b->nrows));
	json_object_set_new(root, "iterations", json_integer((json_int_t)o->iterations));
	json_object_set_new(root, "min_known", json_integer((json_int_t)o->min_known));
	json_object_set_new(root, "forecasts", json_integer((json_int_t)b->nforecasts));
	if (o->half_life_auto) {
		size_t n[3];
		auto_counts(b, n);
		json_object_set_new(root, "half_life_auto", json_pack("{s:I,s:I,s:I}",
		                    "equal_weights", (json_int_t)n[0], "drift",
		                    (json_int_t)n[1], "half_life", (json_int_t)n[2]));
	}
	json_object_set_new(root, "skipped", json_pack("{s:I,s:I,s:I,s:I}",
	                    "running", (json_int_t)b->skipped_running,
	                    "few_known", (json_int_t)b->skipped_few,
	                    "not_learnable", (json_int_t)b->skipped_failed,
	                    "not_forecast", (json_int_t)b->skipped_unsampled));
	s = json_object();
	json_object_set_new(s, "hit", json_pack("{s:f,s:f,s:f}", "p50", b->hit[0],
	                                        "p80", b->hit[1], "p90", b->hit[2]));
	json_object_set_new(s, "pinball_days", json_pack("{s:f,s:f,s:f}",
	                    "p50", b->pinball[0], "p80", b->pinball[1],
	                    "p90", b->pinball[2]));
	json_object_set_new(s, "mean_error_p50_days", json_real(b->mean_error_p50));
	json_object_set_new(s, "crps_days", json_real(b->crps));
	{
		json_t *rel = json_array();
		for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
			json_array_append_new(rel, json_pack("{s:f,s:f}", "level",
			                      (l + 1) / 10.0, "held", b->reliability[l]));
		json_object_set_new(s, "reliability", rel);
	}
	json_object_set_new(root, "forecast", s);
	if (b->calibrated) {
		json_t *rel = json_array();
		s = json_object();
		json_object_set_new(s, "prior", json_real(o->calib_prior));
		json_object_set_new(s, "hit", json_pack("{s:f,s:f,s:f}", "p50",
		                    b->hit_cal[0], "p80", b->hit_cal[1], "p90", b->hit_cal[2]));
		json_object_set_new(s, "pinball_days", json_pack("{s:f,s:f,s:f}",
		                    "p50", b->pinball_cal[0], "p80", b->pinball_cal[1],
		                    "p90", b->pinball_cal[2]));
		json_object_set_new(s, "mean_error_p50_days", json_real(b->mean_error_p50_cal));
		json_object_set_new(s, "crps_days", json_real(b->crps_cal));
		for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
			json_array_append_new(rel, json_pack("{s:f,s:f}", "level",
			                      (l + 1) / 10.0, "held", b->reliability_cal[l]));
		json_object_set_new(s, "reliability", rel);
		json_object_set_new(root, "recalibrated", s);
	}
	json_object_set_new(root, "naive", json_pack("{s:f,s:{s:f,s:f,s:f},s:f}",
	                    "hit", b->naive_hit, "pinball_days",
	                    "p50", b->naive_pinball[0], "p80", b->naive_pinball[1],
	                    "p90", b->naive_pinball[2], "crps_days", b->naive_crps));
	s = json_object();
	json_object_set_new(s, "n", json_integer((json_int_t)b->nplanned));
	json_object_set_new(s, "plan_held", cli_json_num(b->plan_held));
	json_object_set_new(s, "p50_held", cli_json_num(b->p50_held));
	json_object_set_new(s, "p80_held", cli_json_num(b->p80_held));
	json_object_set_new(root, "planned", s);
	if (b->nuplift) {
		static const char *key[3] = {"history", "stated_plan", "combined"};
		s = json_object();
		json_object_set_new(s, "n", json_integer((json_int_t)b->nuplift));
		json_object_set_new(s, "mean_weight_history", json_real(b->uplift_weight));
		for (int m = 0; m < 3; m++)
			json_object_set_new(s, key[m], json_pack("{s:{s:f,s:f,s:f},s:f}",
			                    "hit", "p50", b->uplift_hit[m][0], "p80",
			                    b->uplift_hit[m][1], "p90", b->uplift_hit[m][2],
			                    "crps_days", b->uplift_crps[m]));
		json_object_set_new(root, "uplift", s);
	}
	if (summary)
		return cli_print_json(cli, root, JSON_REAL_PRECISION(6));
	rows = json_array();
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *w = b->rows + r;
		json_t *o2 = json_object();
		json_object_set_new(o2, "customer", json_string(w->customer));
		json_object_set_new(o2, "project", json_string(w->project));
		json_object_set_new(o2, "start", json_string(pc_date_format(w->start, d[0])));
		json_object_set_new(o2, "actual", json_string(pc_date_format(w->actual, d[1])));
		json_object_set_new(o2, "known", json_integer((json_int_t)w->known));
		json_object_set_new(o2, "phases", json_integer((json_int_t)w->phases_known));
		json_object_set_new(o2, "p50", json_string(pc_date_format(w->q[0], d[2])));
		json_object_set_new(o2, "p80", json_string(pc_date_format(w->q[1], d[3])));
		json_object_set_new(o2, "p90", json_string(pc_date_format(w->q[2], d[4])));
		json_object_set_new(o2, "naive", json_string(pc_date_format(w->naive, d[5])));
		json_object_set_new(o2, "planned", w->planned == PC_DAY_MIN ? json_null()
		                    : json_string(pc_date_format(w->planned, d[6])));
		if (!isnan(w->crps_combined))
			json_object_set_new(o2, "uplift", json_pack(
			        "{s:f,s:I,s:s,s:s,s:s,s:f,s:f,s:f}", "weight_history", w->uplift_w,
			        "weight_chosen_on", (json_int_t)w->uplift_n,
			        "p50", pc_date_format(w->q_combined[0], d[2]),
			        "p80", pc_date_format(w->q_combined[1], d[3]),
			        "p90", pc_date_format(w->q_combined[2], d[4]),
			        "crps_days", w->crps_combined,
			        "crps_history_days", w->uplift_crps[PC_BACKTEST_UPLIFT_NW - 1],
			        "crps_stated_days", w->uplift_crps[0]));
		json_object_set_new(o2, "pit", json_real(w->pit));
		json_object_set_new(o2, "crps_days", json_real(w->crps));
		if (o->half_life_auto || o->half_life > 0 || o->drift)
			json_object_set_new(o2, "recency", json_pack("{s:o,s:b}",
			                    "half_life", w->half_life > 0 ? json_real(w->half_life)
			                                                  : json_null(),
			                    "drift", w->drift));
		if (b->calibrated)
			json_object_set_new(o2, "recalibrated", json_pack(
			        "{s:s,s:s,s:s,s:f,s:f,s:{s:I,s:f,s:f}}",
			        "p50", pc_date_format(w->q_cal[0], d[2]),
			        "p80", pc_date_format(w->q_cal[1], d[3]),
			        "p90", pc_date_format(w->q_cal[2], d[4]),
			        "pit", w->pit_cal, "crps_days", w->crps_cal,
			        "map", "pits", (json_int_t)w->cal_n, "a", w->cal_a,
			        "b", w->cal_b));
		json_array_append_new(rows, o2);
	}
	json_object_set_new(root, "projects", rows);
	return cli_print_json(cli, root, JSON_REAL_PRECISION(6));
}

static void print_table(const pc_backtest *b, const pc_backtest_options *o,
                        int summary)
{
	char d[8][PC_DATE_BUF];
	size_t w = 7;

	if (summary)
		goto scores;

	for (size_t r = 0; r < b->nrows; r++) {
		size_t l = (size_t)cli_text_width(b->rows[r].customer) + 1 +
		           (size_t)cli_text_width(b->rows[r].project);
		if (l > w)
			w = l;
	}
	printf("%-*s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s  %5s", (int)w,
	       "project", "start", "actual", "p50", "p80", "p90", "naive", "planned",
	       "known");
	if (b->calibrated)
		printf("  %-10s  %-10s  %-10s", "p50 recal", "p80 recal", "p90 recal");
	putchar('\n');
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *x = b->rows + r;
		char name[512];
		snprintf(name, sizeof name, "%s/%s", cli_text(x->customer),
		         cli_text(x->project));
		printf("%s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s  %-10s  %5zu",
		       cli_text_pad(name, (int)w), pc_date_format(x->start, d[0]),
		       pc_date_format(x->actual, d[1]), pc_date_format(x->q[0], d[2]),
		       pc_date_format(x->q[1], d[3]), pc_date_format(x->q[2], d[4]),
		       pc_date_format(x->naive, d[5]), date_or(x->planned, d[6], "-"),
		       x->known);
		if (b->calibrated)
			printf("  %-10s  %-10s  %-10s", pc_date_format(x->q_cal[0], d[2]),
			       pc_date_format(x->q_cal[1], d[3]),
			       pc_date_format(x->q_cal[2], d[4]));
		putchar('\n');
	}
	putchar('\n');
scores:
	printf("%zu projects evaluated, %llu iterations each; skipped: %zu still "
	       "running, %zu with fewer than %zu finished predecessors, %zu the "
	       "planner could not learn for\n", b->nrows,
	       (unsigned long long)o->iterations, b->skipped_running, b->skipped_few,
	       o->min_known, b->skipped_failed);
	if (o->half_life_auto) {
		size_t n[3];
		auto_counts(b, n);
		printf("--half-life auto, chosen by each forecast from what had finished "
		       "before its day: every project alike for %zu releases, the drift "
		       "adjustment for %zu, a half-life for %zu\n", n[0], n[1], n[2]);
	}
	/* say it whenever the cap left releases out: the scores are then
	 * from a sample of the history, not all of it */
	if (b->skipped_unsampled)
		printf("%zu forecasts on as many start days (--forecasts %zu): %zu "
		       "releases starting on other days not scored\n",
		       b->nforecasts, o->forecasts, b->skipped_unsampled);
	else
		printf("%zu forecasts, one per start day\n", b->nforecasts);
	putchar('\n');
	printf("%-26s %7s %7s %7s\n", "", "P50", "P80", "P90");
	printf("%-26s %7.2f %7.2f %7.2f\n", "released on or before", b->hit[0],
	       b->hit[1], b->hit[2]);
	if (b->calibrated)
		printf("%-26s %7.2f %7.2f %7.2f\n", "  recalibrated", b->hit_cal[0],
		       b->hit_cal[1], b->hit_cal[2]);
	printf("%-26s %7.2f %7.2f %7.2f\n", "  (calibrated)", 0.5, 0.8, 0.9);
	printf("%-26s %7.1f %7.1f %7.1f\n", "pinball loss, days", b->pinball[0],
	       b->pinball[1], b->pinball[2]);
	if (b->calibrated)
		printf("%-26s %7.1f %7.1f %7.1f\n", "  recalibrated", b->pinball_cal[0],
		       b->pinball_cal[1], b->pinball_cal[2]);
	printf("%-26s %7.1f %7.1f %7.1f\n", "naive plan pinball, days",
	       b->naive_pinball[0], b->naive_pinball[1], b->naive_pinball[2]);
	printf("\nreliability: share of releases on or before the forecast's quantile\n");
	printf("%-26s", "quantile");
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
		printf(" %5d%%", (l + 1) * 10);
	printf("\n%-26s", "released on or before");
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
		printf(" %6.2f", b->reliability[l]);
	if (b->calibrated) {
		printf("\n%-26s", "  recalibrated");
		for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
			printf(" %6.2f", b->reliability_cal[l]);
	}
	printf("\n\nCRPS (whole forecast against the actual date): %.1f %sdays; the naive "
	       "plan's (its absolute error): %.1f\n", b->crps,
	       o->calendar ? "working " : "", b->naive_crps);
	if (b->calibrated)
		printf("recalibrated CRPS: %.1f %sdays; mean actual - recalibrated P50: "
		       "%+.1f days\n(recalibrated: each forecast mapped by G, a Beta cdf "
		       "learned only from the PIT values of the projects released before "
		       "it started, shrunk toward none by %g pseudo-PITs)\n", b->crps_cal,
		       o->calendar ? "working " : "", b->mean_error_p50_cal, o->calib_prior);
	printf("\nnaive plan (median durations) held: %.2f\n", b->naive_hit);
	printf("mean actual - P50: %+.1f days\n", b->mean_error_p50);
	if (b->nplanned)
		printf("plan of the time, on the %zu projects that record one: held %.2f; "
		       "P50 held %.2f; P80 held %.2f\n", b->nplanned, b->plan_held,
		       b->p50_held, b->p80_held);
	else
		printf("no project records the plan of the time (planned_end)\n");
	if (b->nuplift) {
		static const char *what[3] = {"the history's forecast",
		                              "the plan stated at the start, slipped",
		                              "the two combined"};
		printf("\nthe plan stated at the start as evidence (plan --planned), on the "
		       "%zu releases that recorded one and had %d earlier ones to learn "
		       "the slips from; weight on the history's forecast %.2f on average, "
		       "each chosen by the releases before it:\n", b->nuplift,
		       PC_UPLIFT_MIN, b->uplift_weight);
		printf("%-40s  P50   P80   P90   CRPS\n", "");
		for (int m = 0; m < 3; m++)
			printf("%-40s %.2f  %.2f  %.2f  %5.1f\n", what[m], b->uplift_hit[m][0],
			       b->uplift_hit[m][1], b->uplift_hit[m][2], b->uplift_crps[m]);
	} else if (o->stated) {
		printf("the plan stated at the start as evidence (plan --planned): no "
		       "release that recorded one had %d earlier ones to learn the slips "
		       "from\n", PC_UPLIFT_MIN);
	}
}

int cmd_backtest(struct cli *cli, int argc, char **argv)
{
	enum { OPT_HOLDOUT = PLAN_OPT_END, OPT_MIN_KNOWN, OPT_FORMAT, OPT_SAFE_CSV,
	       OPT_FORECASTS, OPT_SUMMARY,
	       OPT_CALIBRATE };
	static const struct option opts[] = {
		{"holdout", required_argument, NULL, OPT_HOLDOUT},
		{"min-known", required_argument, NULL, OPT_MIN_KNOWN},
		{"forecasts", required_argument, NULL, OPT_FORECASTS},
		{"iterations", required_argument, NULL, PLAN_OPT_ITERATIONS},
		{"seed", required_argument, NULL, PLAN_OPT_SEED},
		{"threads", required_argument, NULL, PLAN_OPT_THREADS},
		{"like", required_argument, NULL, PLAN_OPT_LIKE},
		{"min-class", required_argument, NULL, PLAN_OPT_MIN_CLASS},
		{"calendar", required_argument, NULL, PLAN_OPT_CALENDAR},
		{"holidays", required_argument, NULL, PLAN_OPT_HOLIDAYS},
		{"half-life", required_argument, NULL, PLAN_OPT_HALF_LIFE},
		{"drift", no_argument, NULL, PLAN_OPT_DRIFT},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"safe-csv", no_argument, NULL, OPT_SAFE_CSV},
		{"summary", no_argument, NULL, OPT_SUMMARY},
		{"calibrate", no_argument, NULL, OPT_CALIBRATE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	size_t nplanned = 0;
	enum cli_format fmt = FMT_TABLE;
	struct plan_args pa;
	pc_backtest_options bo;
	pc_backtest *b = NULL;
	pc_day *planned = NULL, *stated = NULL;
	size_t nstated = 0;
	pc_error err;
	unsigned long long v;
	int c, rc = 0, summary = 0;

	pc_backtest_options_init(&bo);
	plan_args_init(&pa, &bo.iterations, 10000000, 0, &bo.seed, &bo.threads,
	               NULL);
	pa.nested_auto = 1;
	pc_error_clear(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_HOLDOUT: /* --holdout */
			if ((rc = cli_parse_count(cli, "--holdout", optarg, 1, 1000000, &v)))
				return rc;
			bo.holdout = (size_t)v;
			break;
		case OPT_MIN_KNOWN: /* --min-known */
			if ((rc = cli_parse_count(cli, "--min-known", optarg, 1, 1000000, &v)))
				return rc;
			bo.min_known = (size_t)v;
			break;
		case OPT_FORECASTS: /* --forecasts */
			if ((rc = cli_parse_count(cli, "--forecasts", optarg, 0, 1000000, &v)))
				return rc;
			bo.forecasts = (size_t)v;
			break;
		case OPT_FORMAT: /* --format */
			if (cli_parse_format(cli, optarg, 1u << FMT_TABLE | 1u << FMT_JSON |
			                     1u << FMT_CSV, &fmt))
				return EXIT_USAGE;
			break;
		case OPT_SAFE_CSV: /* --safe-csv */
			cli->safe_csv = 1;
			break;
		case OPT_SUMMARY: /* --summary */
			summary = 1;
			break;
		case OPT_CALIBRATE: /* --calibrate */
			bo.calibrate = 1;
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
	if ((rc = plan_args_check(cli, &pa)))
		return rc;
	/* each forecast learns its own model from what was known then */
	if ((rc = plan_args_load(cli, &pa, 0)))
		goto done;
	bo.calendar = pa.cal;
	bo.half_life = pa.half_life;
	bo.half_life_days = pa.half_life_days;
	bo.drift = pa.drift;
	bo.half_life_auto = pa.half_life_auto;
	planned = malloc(pa.h->nprojects * sizeof *planned);
	stated = malloc(pa.h->nprojects * sizeof *stated);
	if (!planned || !stated) {
		pc_error_set(&err, PC_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	if (pc_backtest_planned(pa.st, pa.h, planned, stated, &nplanned, &err))
		goto fail;
	for (size_t i = 0; i < pa.h->nprojects; i++)
		nstated += stated[i] != PC_DAY_MIN;
	if (nstated)
		bo.stated = stated;
	bo.progress = cli_progress;
	if (pc_backtest_run(pa.h, planned, &bo, &b, &err))
		goto fail;
	cli_progress_end();
	switch (fmt) {
	case FMT_JSON:
		rc = print_json(cli, b, &bo, summary);
		break;
	case FMT_CSV:
		if (summary)
			print_csv_summary(b, &bo);
		else
			print_csv(cli, b);
		break;
	default:
		print_table(b, &bo, summary);
		break;
	}
	goto done;
fail:
	rc = cli_fail(cli, &err);
done:
	pc_backtest_free(&b);
	free(planned);
	free(stated);
	plan_args_release(&pa);
	return rc;
}
