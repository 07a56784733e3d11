/*
 * uplift.c - past slips against the plans of the time, the forecast of
 * a stated plan from them, and its mixture with the history's forecast
 * (see uplift.h).
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include <precedent/uplift.h>

#include "plan_internal.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

int pc_uplift_learn(const pc_history *h, const pc_day *planned,
                    const pc_calendar *cal, pc_day before, pc_uplift *out,
                    pc_error *err)
{
	size_t n = 0;
	double sd = 0, m = 0, iqr, s;

	memset(out, 0, sizeof *out);
	out->median = NAN;
	if (!planned || !h->nprojects)
		return PC_OK;
	out->logr = malloc(h->nprojects * sizeof *out->logr);
	if (!out->logr)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	for (size_t i = 0; i < h->nprojects; i++) {
		const pc_project *p = h->projects + i;
		long s0, a, pl;
		if (p->ongoing || !(p->end < before) || planned[i] == PC_DAY_MIN ||
		    planned[i] < p->start)
			continue;
		s0 = pc_calendar_index(cal, p->start);
		a = pc_calendar_index(cal, p->end + 1) - s0;
		pl = pc_calendar_index(cal, planned[i] + 1) - s0;
		if (a < 1 || pl < 1)
			continue;
		out->logr[n++] = log((double)a / (double)pl);
	}
	out->n = n;
	if (n == 0)
		return PC_OK;
	qsort(out->logr, n, sizeof *out->logr, cmp_double);
	for (size_t i = 0; i < n; i++)
		m += out->logr[i];
	m /= (double)n;
	for (size_t i = 0; i < n; i++)
		sd += (out->logr[i] - m) * (out->logr[i] - m);
	sd = n > 1 ? sqrt(sd / (double)(n - 1)) : 0;
	iqr = out->logr[(3 * (n - 1)) / 4] - out->logr[(n - 1) / 4];
	/* Silverman's rule, with a floor: plans that all slipped alike
	 * still leave a day's doubt */
	s = iqr > 0 && iqr / 1.34 < sd ? iqr / 1.34 : sd;
	out->bandwidth = 0.9 * s * pow((double)n, -0.2);
	if (out->bandwidth < 0.02)
		out->bandwidth = 0.02;
	out->median = exp(n % 2 ? out->logr[n / 2]
	                        : (out->logr[n / 2 - 1] + out->logr[n / 2]) / 2);
	return PC_OK;
}

void pc_uplift_free(pc_uplift *u)
{
	free(u->logr);
	memset(u, 0, sizeof *u);
}

double pc_uplift_cdf(const pc_uplift *u, double planned_days, double days)
{
	double t, f = 0;

	/* whole days: `days` or fewer means a continuous d r below days + 0.5 */
	if (u->n == 0 || days < 1)
		return 0;
	t = log((days + 0.5) / planned_days);
	for (size_t i = 0; i < u->n; i++)
		f += gsl_cdf_ugaussian_P((t - u->logr[i]) / u->bandwidth);
	return f / (double)u->n;
}

/* The mixture's F at offset x (finishing x days after the start's). */
static double mix_at(const pci_release_cdf *c, const pc_uplift *u, double d0,
                     double w, long x)
{
	return w * pci_release_cdf_at(c, x) + (1 - w) * pc_uplift_cdf(u, d0, (double)x + 1);
}

/* The offsets worth summing over: where either forecast is not yet 1 or
 * no longer 0. */
static void span(const pci_release_cdf *c, const pc_uplift *u, double d0,
                 long y, long *lo, long *hi)
{
	double a = d0 * exp(u->logr[0] - 8 * u->bandwidth) - 2;
	double b = d0 * exp(u->logr[u->n - 1] + 8 * u->bandwidth) + 2;

	*lo = c->base < y ? c->base : y;
	if ((long)a < *lo)
		*lo = a > 0 ? (long)a : 0;
	*hi = c->base + (long)c->n;
	if (y > *hi)
		*hi = y;
	if (b > (double)*hi)
		*hi = b < 1e7 ? (long)b : 10000000L;
}

void pci_uplift_score(const pci_release_cdf *c, const pc_uplift *u, double d0,
                      long y, double w, double *crps_w, long *q_stated,
                      long *q_comb, double *crps_comb)
{
	static const double qs[PC_BACKTEST_NQ] = {0.5, 0.8, 0.9};
	long lo, hi;
	int a = 0, b = 0;

	span(c, u, d0, y, &lo, &hi);
	for (int k = 0; k < PC_UPLIFT_NW; k++)
		crps_w[k] = 0;
	*crps_comb = 0;
	for (int q = 0; q < PC_BACKTEST_NQ; q++)
		q_stated[q] = q_comb[q] = hi;
	for (long x = lo; x <= hi; x++) {
		double fh = pci_release_cdf_at(c, x);
		double fp = pc_uplift_cdf(u, d0, (double)x + 1);
		double step = x >= y, fc = w * fh + (1 - w) * fp;
		for (int k = 0; k < PC_UPLIFT_NW; k++) {
			double wk = (double)k / (PC_UPLIFT_NW - 1), f = wk * fh + (1 - wk) * fp;
			crps_w[k] += (f - step) * (f - step);
		}
		*crps_comb += (fc - step) * (fc - step);
		while (a < PC_BACKTEST_NQ && fp >= qs[a] - 1e-9)
			q_stated[a++] = x;
		while (b < PC_BACKTEST_NQ && fc >= qs[b] - 1e-9)
			q_comb[b++] = x;
	}
}

double pci_uplift_weight(const double *sums, size_t n)
{
	int best = PC_UPLIFT_NW - 1;

	if (n < PC_UPLIFT_MIN)
		return 0.5;
	for (int k = PC_UPLIFT_NW - 2; k >= 0; k--)
		if (sums[k] < sums[best])
			best = k;
	return (double)best / (PC_UPLIFT_NW - 1);
}

int pc_uplift_plan_run(const pc_plan_model *pm, const pc_plan_options *po,
                       const pc_history *h, const pc_day *stated_hist,
                       const pc_backtest_options *bo, pc_day stated,
                       pc_uplift_plan *out, pc_plan **plan, pc_error *err)
{
	static const double ps[4] = {0.1, 0.5, 0.8, 0.9};
	pc_backtest_options o;
	pc_backtest *b = NULL;
	pc_uplift u;
	pc_plan *pl = NULL;
	pci_release_cdf c = {0, 0, 0, NULL};
	double sums[PC_UPLIFT_NW] = {0}, d0;
	long lo, hi;
	int rc, use;

	memset(out, 0, sizeof *out);
	if (plan)
		*plan = NULL;
	out->stated = stated;
	out->median_slip = NAN;
	out->weight = 1;
	for (int k = 0; k < PC_UPLIFT_NW; k++)
		out->crps[k] = NAN;
	for (int q = 0; q < 4; q++)
		out->stated_plan[q] = PC_DAY_MIN;
	if (stated < po->start)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "the stated release date is before the start");
	if ((rc = pc_uplift_learn(h, stated_hist, po->calendar, po->start, &u, err)))
		return rc;
	out->nslips = u.n;
	use = u.n >= PC_UPLIFT_MIN;
	if (use) {
		out->median_slip = u.median;
		if (bo)
			o = *bo;
		else
			pc_backtest_options_init(&o);
		o.calibrate = 0;
		o.stated = stated_hist;
		o.progress = NULL;
		/* the weight: past stated plans scored, released before the
		 * start; a history the backtest cannot use leaves it at 0.5 */
		if (pc_backtest_run(h, NULL, &o, &b, NULL) == PC_OK) {
			for (size_t r = 0; r < b->nrows; r++) {
				const pc_backtest_row *row = b->rows + r;
				if (isnan(row->uplift_crps[0]) || !(row->actual < po->start))
					continue;
				for (int k = 0; k < PC_UPLIFT_NW; k++)
					sums[k] += row->uplift_crps[k];
				out->nweighed++;
			}
			pc_backtest_free(&b);
		}
		for (int k = 0; k < PC_UPLIFT_NW; k++)
			out->crps[k] = out->nweighed ? sums[k] / (double)out->nweighed : NAN;
		out->weight = pci_uplift_weight(sums, out->nweighed);
		if (out->nweighed < PC_UPLIFT_MIN)
			out->nweighed = 0;
	}
	if ((rc = pci_plan_run_cdf(pm, po, &pl, &c, err))) {
		pc_uplift_free(&u);
		return rc;
	}
	d0 = (double)(pc_calendar_index(po->calendar, stated + 1) - c.k0);
	if (use) {
		span(&c, &u, d0, 0, &lo, &hi);
	} else {
		lo = c.base;
		hi = c.base + (long)c.n;
	}
	for (int q = 0; q < 4; q++) {
		int done[3] = {0, !use, 0};
		out->history[q] = out->combined[q] = pc_calendar_day(po->calendar, c.k0 + hi);
		if (use)
			out->stated_plan[q] = out->combined[q];
		for (long x = lo; x <= hi && !(done[0] && done[1] && done[2]); x++) {
			double fh = pci_release_cdf_at(&c, x);
			double fp = use ? pc_uplift_cdf(&u, d0, (double)x + 1) : fh;
			double fc = out->weight * fh + (1 - out->weight) * fp;
			pc_day day = pc_calendar_day(po->calendar, c.k0 + x);
			if (!done[0] && fh >= ps[q] - 1e-9)
				out->history[q] = day, done[0] = 1;
			if (!done[1] && fp >= ps[q] - 1e-9)
				out->stated_plan[q] = day, done[1] = 1;
			if (!done[2] && fc >= ps[q] - 1e-9)
				out->combined[q] = day, done[2] = 1;
		}
	}
	out->p_stated_history = pci_release_cdf_at(&c, (long)d0 - 1);
	out->p_stated = use ? mix_at(&c, &u, d0, out->weight, (long)d0 - 1)
	                    : out->p_stated_history;
	pci_release_cdf_free(&c);
	if (plan)
		*plan = pl;
	else
		pc_plan_free(&pl);
	pc_uplift_free(&u);
	return PC_OK;
}
