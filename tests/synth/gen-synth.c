/* gen-synth.c - write a synthetic history (synth.h) as CSV, or its truth.
 *
 *   gen-synth [--projects N] [--rho R] [--ongoing] [--seed N] [--phases 8]
 *             [--growth G]  (durations (1 + G)^i for the i-th project)
 *             [--plans start|late]  (stated plans, synth.h)
 *             > history.csv
 *   gen-synth --truth [--rho R]   prints "p50 p80 p90" release days
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

/* --phases 8: eight phases, a join and an optional one, the shape of the
 * scaling benchmarks (tests/bench/projects.sh). */
static const struct synth_design eight = {
	8,
	{
		{"discovery", "lognormal", {1.8, 0.4}, 0, {0}, 0, 0, 0},
		{"design", "lognormal", {2.5, 0.5}, 1, {0}, 1, 1, 0},
		{"build_api", "gamma", {3.0, 5.0}, 1, {1}, 1, 0, 0},
		{"build_ui", "weibull", {1.8, 20.0}, 1, {1}, -3, 1, 0},
		{"integrate", "gamma", {2.0, 3.0}, 2, {2, 3}, 1, 0, 0},
		{"security", "lognormal", {1.5, 0.5}, 1, {4}, 0, 1, 0.5},
		{"test", "lognormal", {3.0, 0.4}, 1, {4}, 1, 1, 0},
		{"launch", "gamma", {2.0, 3.0}, 1, {6}, 1, 0, 0},
	},
	0
};

int main(int argc, char **argv)
{
	struct synth_config c = {400, 0.0, 0, 0, 1, NULL, 0, 0, 0};
	int want_truth = 0, plans = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--projects") == 0 && i + 1 < argc)
			c.nprojects = (size_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--rho") == 0 && i + 1 < argc)
			c.rho = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			c.seed = strtoull(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "--phases") == 0 && i + 1 < argc &&
		         strcmp(argv[i + 1], "8") == 0)
			c.design = &eight, i++;
		else if (strcmp(argv[i], "--growth") == 0 && i + 1 < argc)
			c.growth = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--plans") == 0 && i + 1 < argc &&
		         (strcmp(argv[i + 1], "start") == 0 || strcmp(argv[i + 1], "late") == 0))
			plans = strcmp(argv[++i], "start") == 0 ? 1 : 2;
		else if (strcmp(argv[i], "--ongoing") == 0)
			c.ongoing = 1;
		else if (strcmp(argv[i], "--truth") == 0)
			want_truth = 1;
		else {
			fprintf(stderr, "usage: gen-synth [--projects N] [--rho R] "
			        "[--ongoing] [--seed N] [--phases 8] [--growth G]\n"
			        "                 [--plans start|late] [--truth]\n");
			return 2;
		}
	}
	if (want_truth) {
		static const double p[3] = {0.5, 0.8, 0.9};
		long t[3];
		synth_truth(&c, 2000000, p, 3, t);
		printf("%ld %ld %ld\n", t[0], t[1], t[2]);
		return 0;
	}
	return synth_write_csv_plans(&c, plans, stdout) ? 1 : 0;
}
