/*
 * cli_calib.c - --calibrate of plan and whatif: learn the recalibration
 * map from a backtest of the loaded history, and show it.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include "cli.h"

void cli_backtest_like(const struct plan_args *pa, uint64_t seed,
                       unsigned threads, pc_backtest_options *bo)
{
	pc_backtest_options_init(bo);
	bo->calendar = pa->cal;
	bo->half_life = pa->half_life;
	bo->half_life_days = pa->half_life_days;
	bo->drift = pa->drift;
	bo->seed = seed;
	bo->threads = threads;
}

int cli_calib_learn(const struct cli *cli, const struct plan_args *pa,
                    pc_day before, uint64_t seed, unsigned threads,
                    struct cli_calib *out)
{
	pc_backtest_options bo;
	pc_error err;

	pc_error_clear(&err);
	pc_calib_identity(&out->map, PC_CALIB_PRIOR);
	out->nforecasts = 0;
	out->learned = 0;
	/* the map is of forecasts learned the way this plan is */
	cli_backtest_like(pa, seed, threads, &bo);
	bo.progress = cli_progress;
	if (pc_calib_learn(pa->h, &bo, before, PC_CALIB_PRIOR, &out->map,
	                   &out->nforecasts, &err) == PC_OK) {
		out->learned = 1;
		return 0;
	}
	/* Too little history to backtest is the common case of a young
	 * store: plan on, uncorrected, and say so. */
	if (err.status == PC_EDATA) {
		cli_warn(cli, "--calibrate: %s: the forecast is not recalibrated",
		         err.msg);
		return 0;
	}
	return cli_fail(cli, &err);
}

void cli_calib_print(const struct cli_calib *c, const char *pre)
{
	double g[9];

	pc_calib_table(&c->map, g);
	printf("%sRecalibration map G (a Beta cdf, a = %.3f, b = %.3f), learned from "
	       "the PIT values of %zu backtest forecasts released before the start "
	       "(%zu forecast days), shrunk %.0f%% toward no correction (a prior of "
	       "%g pseudo-PITs):\n", pre, c->map.a, c->map.b, c->map.n,
	       c->nforecasts, c->map.shrinkage * 100, c->map.prior);
	printf("%s  forecast level u", pre);
	for (int l = 0; l < 9; l++)
		printf(" %5.2f", (l + 1) / 10.0);
	printf("\n%s  held in G(u)    ", pre);
	for (int l = 0; l < 9; l++)
		printf(" %5.2f", g[l]);
	printf("\n");
}

json_t *cli_calib_json(const struct cli_calib *c)
{
	json_t *o = json_object(), *m = json_array();
	double g[9];

	pc_calib_table(&c->map, g);
	json_object_set_new(o, "learned", json_boolean(c->learned));
	json_object_set_new(o, "applies_to", json_string("release"));
	json_object_set_new(o, "a", json_real(c->map.a));
	json_object_set_new(o, "b", json_real(c->map.b));
	json_object_set_new(o, "pits", json_integer((json_int_t)c->map.n));
	json_object_set_new(o, "forecasts", json_integer((json_int_t)c->nforecasts));
	json_object_set_new(o, "prior", json_real(c->map.prior));
	json_object_set_new(o, "shrinkage", json_real(c->map.shrinkage));
	for (int l = 0; l < 9; l++)
		json_array_append_new(m, json_pack("{s:f,s:f}", "level", (l + 1) / 10.0,
		                                   "g", g[l]));
	json_object_set_new(o, "map", m);
	return o;
}
