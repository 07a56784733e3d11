/*
 * recency.c - choose the half-life of the recency weights by a backtest
 * of each candidate (see recency.h).
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/recency.h>

static const double candidates[PC_HALF_LIFE_MAX_CANDIDATES] = {
	2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128
};

/* How many standard errors b's CRPS beats a's, release by release: the
 * same releases are scored whatever the weights (which projects can be
 * forecast does not depend on them), so the differences pair.  NaN with
 * fewer than two pairs. */
static double paired_z(const pc_backtest *a, const pc_backtest *b)
{
	size_t m = a->nrows == b->nrows ? a->nrows : 0;
	double md = 0, sd = 0;

	if (m < 2)
		return NAN;
	for (size_t i = 0; i < m; i++)
		md += a->rows[i].crps - b->rows[i].crps;
	md /= (double)m;
	for (size_t i = 0; i < m; i++) {
		double d = a->rows[i].crps - b->rows[i].crps - md;
		sd += d * d;
	}
	sd = sqrt(sd / (double)(m - 1));
	return sd > 0 ? md / (sd / sqrt((double)m)) : (md > 0 ? INFINITY : 0);
}

int pc_half_life_choose(const pc_history *h, const pc_backtest_options *o,
                        pc_half_life_choice *out, pc_error *err)
{
	pc_backtest_options bo;
	pc_backtest *none = NULL;
	int rc;

	memset(out, 0, sizeof *out);
	out->crps_none = out->crps = out->crps_best = out->z = out->crps_drift = NAN;
	out->why = "too few releases to choose from";
	if (o)
		bo = *o;
	else
		pc_backtest_options_init(&bo);
	bo.half_life = 0;
	bo.half_life_days = 0;
	bo.drift = 0;
	rc = pc_backtest_run(h, NULL, &bo, &none, err);
	if (rc == PC_EDATA)
		return PC_OK; /* nothing to evaluate: equal weights */
	if (rc)
		return rc;
	out->nscored = none->nrows;
	out->crps_none = out->crps = none->crps;
	if (none->nrows < PC_HALF_LIFE_MIN_SCORED) {
		pc_backtest_free(&none);
		return PC_OK;
	}
	out->why = "no candidate beats equal weights clearly";
	/* The half-lives shorter than the history (one as long is equal
	 * weights, near enough), then the drift adjustment (half-life 0). */
	for (size_t c = 0; c <= PC_HALF_LIFE_MAX_CANDIDATES; c++) {
		int drift = c == PC_HALF_LIFE_MAX_CANDIDATES;
		double hl = drift ? 0 : candidates[c], z;
		pc_backtest *b = NULL;

		if (!drift && hl >= (double)h->nprojects)
			continue;
		bo.half_life = hl;
		bo.drift = drift;
		if ((rc = pc_backtest_run(h, NULL, &bo, &b, err))) {
			pc_backtest_free(&none);
			return rc;
		}
		if (drift) {
			out->crps_drift = b->crps;
		} else {
			out->candidate[out->ncandidates] = hl;
			out->candidate_crps[out->ncandidates++] = b->crps;
		}
		z = paired_z(none, b);
		if (isnan(out->crps_best) || b->crps < out->crps_best) {
			out->best_half_life = hl;
			out->best_drift = drift;
			out->crps_best = b->crps;
			out->z = z;
		}
		pc_backtest_free(&b);
	}
	if ((out->best_half_life > 0 || out->best_drift) && out->z > PC_HALF_LIFE_Z) {
		out->half_life = out->best_half_life;
		out->drift = out->best_drift;
		out->crps = out->crps_best;
		out->why = "chosen";
	}
	pc_backtest_free(&none);
	return PC_OK;
}
