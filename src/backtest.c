/*
 * backtest.c - forecast every past project from what was known when it
 * started, and score the forecasts against what happened.
 *
 * "Known" means finished before the project started: a project still
 * running then would be known only in part, and leaving it out keeps
 * the rule simple and never lets a forecast see its own future.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include <precedent/backtest.h>
#include <precedent/calibrate.h>
#include <precedent/recency.h>
#include <precedent/uplift.h>
#include <precedent/fit.h>
#include <precedent/plan.h>

#include "plan_internal.h"
#include "store_internal.h"

const double pc_backtest_q[PC_BACKTEST_NQ] = {0.5, 0.8, 0.9};

static int oom(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

void pc_backtest_options_init(pc_backtest_options *o)
{
	memset(o, 0, sizeof *o);
	o->min_known = 5;
	o->iterations = 4000;
	o->seed = 1;
	o->forecasts = PC_BACKTEST_FORECASTS;
	o->calib_prior = PC_CALIB_PRIOR;
}

void pc_backtest_free(pc_backtest **b)
{
	if (!b || !*b)
		return;
	free((*b)->rows);
	free(*b);
	*b = NULL;
}

/* A project's sort key: qsort has no context argument, so the key
 * carries what the comparison needs. */
struct order_key {
	pc_day day;
	const char *customer, *name;
	size_t idx;
};

/* By day, then customer and name (byte order), then position in h, so
 * that equal keys keep the history's order as a stable sort would. */
static int cmp_order(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;
	int c;

	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->customer && (c = strcmp(x->customer, y->customer)) != 0)
		return c;
	if (x->name && (c = strcmp(x->name, y->name)) != 0)
		return c;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Projects in order of start, then customer and name: n log n, as the
 * backtest must be on a million projects. */
static int order_by_start(const pc_history *h, size_t *idx)
{
	struct order_key *k = malloc((h->nprojects ? h->nprojects : 1) * sizeof *k);

	if (!k)
		return -1;
	for (size_t i = 0; i < h->nprojects; i++) {
		k[i].day = h->projects[i].start;
		k[i].customer = h->projects[i].customer;
		k[i].name = h->projects[i].name;
		k[i].idx = i;
	}
	qsort(k, h->nprojects, sizeof *k, cmp_order);
	for (size_t i = 0; i < h->nprojects; i++)
		idx[i] = k[i].idx;
	free(k);
	return 0;
}

/* The finished projects in order of their last day: the first m of them
 * are exactly those known before any day later than the m-th's end.
 * Returns how many are finished. */
static size_t order_by_end(const pc_history *h, size_t *byend, pc_day *ends)
{
	struct order_key *k = malloc((h->nprojects ? h->nprojects : 1) * sizeof *k);
	size_t n = 0;

	if (!k)
		return (size_t)-1;
	for (size_t i = 0; i < h->nprojects; i++)
		if (!h->projects[i].ongoing) {
			k[n].day = h->projects[i].end;
			k[n].customer = k[n].name = NULL;
			k[n].idx = i;
			n++;
		}
	qsort(k, n, sizeof *k, cmp_order);
	for (size_t i = 0; i < n; i++) {
		byend[i] = k[i].idx;
		ends[i] = k[i].day;
	}
	free(k);
	return n;
}

/* How many of ends[0..n-1] (ascending) are before day. */
static size_t count_before(const pc_day *ends, size_t n, pc_day day)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ends[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The part of h made of the projects with keep[p] set, and of the phases
 * at least min_projects of them finished (1: every phase they had; a
 * phase seen in fewer projects than the plan fits alone is pooled, as
 * pc_plan_learn does for plan and whatif).  Strings are borrowed from h:
 * free only the arrays (sub_release).  full[f] (room for h's phases) gets
 * the phase of h that sub's phase f is. */
static int sub_history(const pc_history *h, const unsigned char *keep,
                       size_t min_projects, pc_history *sub, size_t *full)
{
	long *pmap = malloc((h->nprojects ? h->nprojects : 1) * sizeof *pmap);
	long *fmap = malloc((h->nphases ? h->nphases : 1) * sizeof *fmap);
	size_t *nfin = calloc(h->nphases ? h->nphases : 1, sizeof *nfin);
	size_t np = 0, nf = 0, no = 0;

	memset(sub, 0, sizeof *sub);
	if (!pmap || !fmap || !nfin)
		goto fail;
	for (size_t p = 0; p < h->nprojects; p++)
		pmap[p] = keep[p] ? (long)np++ : -1;
	for (size_t i = 0; i < h->nobs; i++)
		if (keep[h->obs[i].project] && !h->obs[i].ongoing)
			nfin[h->obs[i].phase]++;
	for (size_t f = 0; f < h->nphases; f++)
		fmap[f] = nfin[f] >= min_projects ? (long)nf++ : -1;
	sub->projects = calloc(np ? np : 1, sizeof *sub->projects);
	sub->phases = calloc(nf ? nf : 1, sizeof *sub->phases);
	sub->obs = calloc(h->nobs ? h->nobs : 1, sizeof *sub->obs);
	if (!sub->projects || !sub->phases || !sub->obs)
		goto fail;
	for (size_t p = 0; p < h->nprojects; p++)
		if (pmap[p] >= 0)
			sub->projects[pmap[p]] = h->projects[p];
	for (size_t f = 0; f < h->nphases; f++)
		if (fmap[f] >= 0) {
			sub->phases[fmap[f]] = h->phases[f];
			full[fmap[f]] = f;
		}
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *o = h->obs + i;
		if (pmap[o->project] < 0 || fmap[o->phase] < 0)
			continue;
		sub->obs[no] = *o;
		sub->obs[no].project = (size_t)pmap[o->project];
		sub->obs[no].phase = (size_t)fmap[o->phase];
		no++;
	}
	sub->nprojects = np;
	sub->nphases = nf;
	pc_history_index_phases(sub);  /* name lookups by binary search */
	sub->nobs = no;
	sub->class_size = np;
	free(pmap);
	free(fmap);
	free(nfin);
	return 0;
fail:
	free(pmap);
	free(fmap);
	free(nfin);
	free(sub->projects);
	free(sub->phases);
	free(sub->obs);
	memset(sub, 0, sizeof *sub);
	return -1;
}

static void sub_release(pc_history *sub)
{
	free(sub->phase_byname);
	free(sub->projects);
	free(sub->phases);
	free(sub->obs);
	memset(sub, 0, sizeof *sub);
}

/* The naive plan: every phase at the median of its finished durations
 * (working days) in sub, laid out on the learned structure with the
 * median lags; returns the finish day. */
static pc_day naive_finish(const pc_plan_model *pm, const pc_history *sub,
                           const pc_calendar *cal, pc_day start)
{
	size_t k = pm->nphases;
	long *fin = malloc(k * sizeof *fin), rel = 0;
	double *d = malloc((sub->nobs ? sub->nobs : 1) * sizeof *d);
	long k0 = pc_calendar_index(cal, start);

	if (!fin || !d) {
		free(fin);
		free(d);
		return PC_DAY_MIN;
	}
	for (size_t j = 0; j < k; j++) {
		long ph = pc_history_phase_index(sub, pm->nodes[j].phase);
		const pc_plan_node *n = pm->nodes + j;
		size_t m = 0;
		long s, med;

		for (size_t i = 0; ph >= 0 && i < sub->nobs; i++) {
			const pc_obs *o = sub->obs + i;
			long dd;
			if ((long)o->phase != ph || o->ongoing)
				continue;
			dd = pc_calendar_index(cal, o->end + 1) - pc_calendar_index(cal, o->start);
			d[m++] = dd >= 1 ? (double)dd : 1.0;
		}
		med = m ? lround(pci_median(d, m)) : 1;
		if (med < 1)
			med = 1;
		s = n->after < 0 ? lround(n->lag) : fin[n->after] + 1 + lround(n->lag);
		if (s < 0)
			s = 0;
		fin[j] = s + med - 1;
		if (fin[j] > rel)
			rel = fin[j];
	}
	free(fin);
	free(d);
	return pc_calendar_day(cal, k0 + rel);
}

static double pinball(double tau, double actual, double q)
{
	return actual >= q ? tau * (actual - q) : (1 - tau) * (q - actual);
}

/* The forecast days when there are more than max of them (0: no cap):
 * max of the ngroups start days, evenly spaced through them in order,
 * the first and the last always among them.  chosen[g] is set for
 * those; returns how many. */
static size_t choose_forecasts(size_t ngroups, size_t max, unsigned char *chosen)
{
	if (max == 0 || ngroups <= max) {
		memset(chosen, 1, ngroups);
		return ngroups;
	}
	memset(chosen, 0, ngroups);
	if (max == 1) {
		chosen[ngroups - 1] = 1; /* the one that knows the most */
		return 1;
	}
	/* ngroups - 1 > max - 1, so successive picks differ by at least one */
	for (size_t i = 0; i < max; i++)
		chosen[(size_t)((unsigned long long)i * (ngroups - 1) / (max - 1))] = 1;
	return max;
}

/* Where the actual release fell in the forecast cdf (its PIT value and
 * CRPS), and which of the reliability table's quantiles it kept; the
 * naive date's absolute error beside it.  The actual's offset is that of
 * the last working day on or before it, as a finish date is a working
 * day. */
static void score(const pci_release_cdf *cdf, const pc_calendar *cal,
                  pc_backtest_row *row, pc_backtest *b)
{
	long y = pc_calendar_index(cal, row->actual + 1) - 1 - cdf->k0;
	long nv = pc_calendar_index(cal, row->naive + 1) - 1 - cdf->k0;
	int l = 0;

	row->pit = (pci_release_cdf_at(cdf, y - 1) + pci_release_cdf_at(cdf, y)) / 2;
	row->crps = pci_release_crps(cdf, y);
	b->crps += row->crps;
	b->naive_crps += (double)labs(nv - y);
	/* the smallest offset whose F reaches each level, as plan's dates */
	for (size_t i = 0; i < cdf->n && l < PC_BACKTEST_NLEVELS; i++)
		while (l < PC_BACKTEST_NLEVELS &&
		       cdf->cdf[i] >= (l + 1) / 10.0 - 1e-9) {
			b->reliability[l] += row->actual <=
			        pc_calendar_day(cal, cdf->k0 + cdf->base + (long)i);
			l++;
		}
	for (; l < PC_BACKTEST_NLEVELS; l++)
		b->reliability[l] += 1;
}

/* The row's plan of the time as evidence (uplift.h), if it has one and
 * u holds enough earlier ones; w: the weight chosen from the rows
 * released before it started. */
static void score_uplift(const pci_release_cdf *cdf, const pc_uplift *u,
                         const pc_calendar *cal, double w, pc_backtest_row *row)
{
	long qs[PC_BACKTEST_NQ], qc[PC_BACKTEST_NQ], y, d0;

	for (int k = 0; k < PC_BACKTEST_UPLIFT_NW; k++)
		row->uplift_crps[k] = NAN;
	row->uplift_w = row->crps_combined = NAN;
	for (int q = 0; q < PC_BACKTEST_NQ; q++)
		row->q_stated[q] = row->q_combined[q] = PC_DAY_MIN;
	if (row->stated == PC_DAY_MIN || row->stated < row->start || u->n < PC_UPLIFT_MIN)
		return;
	y = pc_calendar_index(cal, row->actual + 1) - 1 - cdf->k0;
	d0 = pc_calendar_index(cal, row->stated + 1) - cdf->k0;
	pci_uplift_score(cdf, u, (double)d0, y, w, row->uplift_crps, qs, qc,
	                 &row->crps_combined);
	row->uplift_w = w;
	for (int q = 0; q < PC_BACKTEST_NQ; q++) {
		row->q_stated[q] = pc_calendar_day(cal, cdf->k0 + qs[q]);
		row->q_combined[q] = pc_calendar_day(cal, cdf->k0 + qc[q]);
	}
}

/* half_life_auto: the forecast's own choice, by a backtest of sub (what
 * had finished before its day) alone. */
static int choose_auto(const pc_history *sub, const pc_backtest_options *o,
                       pc_plan_learn_options *lo, pc_error *err)
{
	pc_backtest_options in = *o;
	pc_half_life_choice ch;
	int rc;

	in.half_life_auto = 0;
	in.calibrate = 0;
	in.progress = NULL;
	if (!in.forecasts || in.forecasts > PC_BACKTEST_AUTO_FORECASTS)
		in.forecasts = PC_BACKTEST_AUTO_FORECASTS;
	if (in.iterations > PC_BACKTEST_AUTO_ITERATIONS)
		in.iterations = PC_BACKTEST_AUTO_ITERATIONS;
	if ((rc = pc_half_life_choose(sub, &in, &ch, err)))
		return rc;
	lo->half_life = ch.half_life;
	lo->half_life_days = 0;
	lo->drift = ch.drift;
	return PC_OK;
}

/*
 * --calibrate: the rows already scored, in a min-heap by actual release
 * day.  Forecasts are made in order of start, so before each one the
 * rows released before its start day are popped into the sums the map
 * is fitted from: each row enters once, n log n in all, and no row
 * released on or after the start can reach the map (no look-ahead).
 */
struct cal_heap {
	size_t *i, n;
	const pc_backtest_row *rows;
};

static void cal_heap_push(struct cal_heap *h, size_t r)
{
	size_t k = h->n++;

	while (k > 0) {
		size_t up = (k - 1) / 2;
		if (h->rows[h->i[up]].actual <= h->rows[r].actual)
			break;
		h->i[k] = h->i[up];
		k = up;
	}
	h->i[k] = r;
}

static size_t cal_heap_pop(struct cal_heap *h)
{
	size_t top = h->i[0], last = h->i[--h->n], k = 0;

	for (;;) {
		size_t c = 2 * k + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->rows[h->i[c + 1]].actual < h->rows[h->i[c]].actual)
			c++;
		if (h->rows[last].actual <= h->rows[h->i[c]].actual)
			break;
		h->i[k] = h->i[c];
		k = c;
	}
	if (h->n)
		h->i[k] = last;
	return top;
}

/* The recalibrated forecast G(F(x)) as a cdf of its own (G(0) = 0 and
 * G(1) = 1, so it has F's support). */
static int cal_cdf(const pci_release_cdf *cdf, const pc_calib *g,
                   pci_release_cdf *out)
{
	*out = *cdf;
	out->cdf = malloc((cdf->n ? cdf->n : 1) * sizeof *out->cdf);
	if (!out->cdf)
		return -1;
	for (size_t i = 0; i < cdf->n; i++)
		out->cdf[i] = pc_calib_map(g, cdf->cdf[i]);
	return 0;
}

/* score() for the recalibrated forecast: PIT, CRPS, the reliability
 * table's quantiles, and the P50/P80/P90 days. */
static void score_cal(const pci_release_cdf *cdf, const pc_calendar *cal,
                      pc_backtest_row *row, pc_backtest *b)
{
	long y = pc_calendar_index(cal, row->actual + 1) - 1 - cdf->k0;
	int l = 0, q = 0;

	row->pit_cal = (pci_release_cdf_at(cdf, y - 1) + pci_release_cdf_at(cdf, y)) / 2;
	row->crps_cal = pci_release_crps(cdf, y);
	b->crps_cal += row->crps_cal;
	for (size_t i = 0; i < cdf->n; i++) {
		pc_day day = pc_calendar_day(cal, cdf->k0 + cdf->base + (long)i);
		for (; l < PC_BACKTEST_NLEVELS && cdf->cdf[i] >= (l + 1) / 10.0 - 1e-9; l++)
			b->reliability_cal[l] += row->actual <= day;
		for (; q < PC_BACKTEST_NQ && cdf->cdf[i] >= pc_backtest_q[q] - 1e-9; q++)
			row->q_cal[q] = day;
	}
	for (; l < PC_BACKTEST_NLEVELS; l++)
		b->reliability_cal[l] += 1;
	for (; q < PC_BACKTEST_NQ; q++) /* cannot happen: F reaches 1 */
		row->q_cal[q] = pc_calendar_day(cal, cdf->k0 + cdf->base + (long)cdf->n - 1);
}

/*
 * The last forecast made, kept for the start days after it: learning and
 * simulating depend on the history known and the seed, not on the start
 * day (the simulation counts working days from it), so a start day that
 * knows no more finished projects than the last one gets the last one's
 * forecast moved to its own start - the very dates it would have had
 * alone, without learning or simulating again.  A quarter of the start
 * days of 2,000 projects are such.
 */
struct forecast {
	size_t known;           /* projects known; (size_t)-1: none yet */
	pc_history sub;         /* what was learned from */
	pc_plan_learn_options lo; /* how (--half-life auto: as chosen) */
	pc_plan_model *pm;      /* NULL: nothing could be learned */
	pc_plan *pl;
	pci_release_cdf cdf;
};

static void forecast_release(struct forecast *f)
{
	pci_release_cdf_free(&f->cdf);
	pc_plan_free(&f->pl);
	pc_plan_model_free(&f->pm);
	sub_release(&f->sub);
	f->known = (size_t)-1;
}

/* Dates laid out from working-day index k0, moved to k1: each is a
 * working day, the k0 + offset-th, so its index gives the offset back. */
static void move_dates(pc_plan_dates *dt, const pc_calendar *cal, long k0, long k1)
{
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		dt->day[q] = pc_calendar_day(cal, pc_calendar_index(cal, dt->day[q]) - k0 + k1);
}

static void forecast_move(struct forecast *f, const pc_calendar *cal, pc_day start)
{
	long k0 = f->cdf.k0, k1 = pc_calendar_index(cal, start);

	if (k1 == k0)
		return;
	move_dates(&f->pl->finish, cal, k0, k1);
	for (size_t j = 0; j < f->pl->nphases; j++) {
		move_dates(&f->pl->phases[j].start, cal, k0, k1);
		move_dates(&f->pl->phases[j].finish, cal, k0, k1);
	}
	f->pl->start = pc_calendar_day(cal, k1);
	f->cdf.k0 = k1;
}

/* Learn from the projects with keep set (nknown of them) and simulate
 * from start into f, replacing what it held.  Each forecast's history is
 * the last one's and a few more projects, so each phase's fits start
 * from the last forecast's optimum: a few Newton steps instead of a
 * search.  (A set is kept in fits only for phases that were fitted:
 * memory grows with them, 3 KB each.)  PC_OK (f->pm NULL when nothing
 * could be learned), or an error. */
static int forecast_learn(struct forecast *f, const pc_history *h,
                          const unsigned char *keep, size_t nknown,
                          pc_fit_set **fits, pc_fit_set **warm, size_t *full,
                          const pc_backtest_options *o, pc_day start,
                          pc_error *err)
{
	pc_plan_learn_options *lo = &f->lo;
	pc_plan_options po;
	int rc;

	forecast_release(f);
	f->known = nknown;
	pc_plan_learn_options_init(lo);
	lo->calendar = o->calendar;
	lo->half_life = o->half_life;
	lo->half_life_days = o->half_life_days;
	lo->drift = o->drift;
	if (sub_history(h, keep, 1, &f->sub, full))
		return oom(err);
	if (o->half_life_auto && (rc = choose_auto(&f->sub, o, lo, err)))
		return rc;
	for (size_t p = 0; p < f->sub.nphases; p++) {
		if (!fits[full[p]] && !(fits[full[p]] = calloc(1, sizeof **fits)))
			return oom(err);
		warm[p] = fits[full[p]];
	}
	pc_plan_options_init(&po);
	po.start = start;
	po.iterations = o->iterations;
	po.seed = o->seed;
	po.threads = o->threads;
	po.calendar = o->calendar;
	if (f->sub.nphases == 0 || pci_plan_learn_warm(&f->sub, lo, warm, &f->pm, NULL) ||
	    pci_plan_run_cdf(f->pm, &po, &f->pl, &f->cdf, NULL))
		pc_plan_model_free(&f->pm);
	return PC_OK;
}

int pc_backtest_run(const pc_history *h, const pc_day *planned,
                    const pc_backtest_options *o, pc_backtest **out,
                    pc_error *err)
{
	pc_backtest_options def;
	pc_backtest *b = NULL;
	size_t np, nfin, nknown = 0, *idx = NULL, *eval = NULL, neval = 0, first;
	size_t *byend = NULL, *gstart = NULL, ngroups = 0, *full = NULL, made = 0;
	pc_fit_set **fits = NULL, **warm = NULL; /* per phase of h; of sub */
	pc_day *ends = NULL;
	unsigned char *keep = NULL, *chosen = NULL;
	size_t *known = NULL;
	struct cal_heap heap = {NULL, 0, NULL};
	pc_calib_sums sums = {0, 0, 0};
	struct forecast last;
	pc_uplift slips = {0, NULL, 0, 0};
	/* the plan of the time as evidence: the CRPS of each weight summed
	 * over the rows released so far that have one */
	double usums[PC_BACKTEST_UPLIFT_NW] = {0};
	size_t un = 0;
	int use_heap = o && (o->calibrate || o->stated);
	int rc = PC_OK;

	*out = NULL;
	memset(&last, 0, sizeof last);
	last.known = (size_t)-1;
	if (!o) {
		pc_backtest_options_init(&def);
		o = &def;
		use_heap = 0;
	}
	if (!h || h->nprojects == 0)
		return pc_error_set(err, PC_EDATA, NULL, 0, "the store holds no history");
	if (o->iterations == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "iterations must be positive");
	np = h->nprojects;
	idx = malloc(np * sizeof *idx);
	eval = malloc(np * sizeof *eval);
	known = calloc(np, sizeof *known);
	keep = calloc(np, 1);
	byend = malloc(np * sizeof *byend);
	ends = malloc(np * sizeof *ends);
	gstart = malloc((np + 1) * sizeof *gstart);
	chosen = malloc(np);
	full = malloc((h->nphases ? h->nphases : 1) * sizeof *full);
	fits = calloc(h->nphases ? h->nphases : 1, sizeof *fits);
	warm = calloc(h->nphases ? h->nphases : 1, sizeof *warm);
	b = calloc(1, sizeof *b);
	if (!idx || !eval || !known || !keep || !byend || !ends || !gstart ||
	    !chosen || !full || !fits || !warm || !b || order_by_start(h, idx) ||
	    (nfin = order_by_end(h, byend, ends)) == (size_t)-1) {
		rc = oom(err);
		goto fail;
	}
	for (size_t r = 0; r < np; r++) {
		const pc_project *p = h->projects + idx[r];
		if (p->ongoing) {
			b->skipped_running++;
			continue;
		}
		known[idx[r]] = count_before(ends, nfin, p->start);
		if (known[idx[r]] < o->min_known || known[idx[r]] == 0) {
			b->skipped_few++;
			continue;
		}
		eval[neval++] = idx[r];
	}
	if (neval == 0) {
		rc = pc_error_set(err, PC_EDATA, NULL, 0,
		                  "no project has %zu finished predecessors to learn from",
		                  o->min_known);
		goto fail;
	}
	first = o->holdout && o->holdout < neval ? neval - o->holdout : 0;
	b->rows = calloc(neval - first, sizeof *b->rows);
	heap.rows = b->rows;
	if (use_heap && b->rows)
		heap.i = malloc((neval - first) * sizeof *heap.i);
	if (!b->rows || (use_heap && !heap.i)) {
		rc = oom(err);
		goto fail;
	}
	/*
	 * Projects starting on the same day know the same history and are
	 * forecast with the same seed: one learned model and one simulation
	 * serve them all, with the very numbers each would have had alone.
	 * A group is eval[gstart[g] .. gstart[g + 1] - 1].
	 */
	for (size_t e = first; e < neval; e++)
		if (e == first || h->projects[eval[e]].start != h->projects[eval[e - 1]].start)
			gstart[ngroups++] = e;
	gstart[ngroups] = neval;
	b->nforecasts = choose_forecasts(ngroups, o->forecasts, chosen);

	/* The outer loop: one forecast per start day. */
	for (size_t g = 0; g < ngroups; g++) {
		const pc_project *p = h->projects + eval[gstart[g]];
		size_t gn = gstart[g + 1] - gstart[g];
		/* this start day's forecast, borrowed from last */
		pc_plan_model *pm = NULL;
		pc_plan *pl = NULL;
		pci_release_cdf cdf = {0, 0, 0, NULL}, ccdf = {0, 0, 0, NULL};
		pc_calib gmap = {1, 1, 0, 0, 1};
		pc_history sub;
		pc_day naive;

		if (!chosen[g]) {
			b->skipped_unsampled += gn;
			continue;
		}
		if (o->progress) /* forecasts made so far */
			o->progress(o->progress_ctx, "forecast", made, b->nforecasts);
		made++;
		/* Days only grow, so what was known stays known: add the
		 * projects that finished since the last forecast. */
		for (; nknown < nfin && ends[nknown] < p->start; nknown++)
			keep[byend[nknown]] = 1;
		if (nknown == last.known && last.pm)
			forecast_move(&last, o->calendar, p->start);
		else if (nknown != last.known &&
		         (rc = forecast_learn(&last, h, keep, nknown, fits, warm, full,
		                              o, p->start, err)))
			goto fail;
		if (!last.pm) {
			/* Nothing the planner can learn from (no phase finished
			 * yet): skip, and say how many. */
			b->skipped_failed += gn;
			continue;
		}
		pm = last.pm;
		pl = last.pl;
		cdf = last.cdf;
		sub = last.sub;
		naive = naive_finish(pm, &sub, o->calendar, p->start);
		/* what was released before this day, for the maps */
		while (heap.n && b->rows[heap.i[0]].actual < p->start) {
			const pc_backtest_row *was = b->rows + cal_heap_pop(&heap);
			if (o->calibrate)
				pc_calib_sums_add(&sums, was->pit);
			if (!isnan(was->uplift_crps[0])) {
				for (int k = 0; k < PC_BACKTEST_UPLIFT_NW; k++)
					usums[k] += was->uplift_crps[k];
				un++;
			}
		}
		if (o->stated && (rc = pc_uplift_learn(h, o->stated, o->calendar, p->start,
		                                     &slips, err)))
			goto fail;
		if (o->calibrate) {
			if ((rc = pc_calib_fit_sums(&sums, o->calib_prior, &gmap, err)) ||
			    cal_cdf(&cdf, &gmap, &ccdf)) {
				if (!rc)
					rc = oom(err);
				pc_uplift_free(&slips);
				goto fail;
			}
		}
		for (size_t e = gstart[g]; e < gstart[g + 1]; e++) {
			const pc_project *pe = h->projects + eval[e];
			pc_backtest_row *row = b->rows + b->nrows++;

			row->customer = pe->customer;
			row->project = pe->name;
			row->start = pe->start;
			row->actual = pe->end;
			row->known = known[eval[e]];
			row->phases_known = pm->nphases;
			for (int q = 0; q < PC_BACKTEST_NQ; q++)
				row->q[q] = pl->finish.day[q + 1]; /* p50, p80, p90 */
			row->naive = naive;
			row->planned = planned ? planned[eval[e]] : PC_DAY_MIN;
			row->stated = o->stated ? o->stated[eval[e]] : PC_DAY_MIN;
			row->half_life = last.lo.half_life;
			row->drift = last.lo.drift;
			score(&cdf, o->calendar, row, b);
			if (o->calibrate) {
				row->cal_n = gmap.n;
				row->cal_a = gmap.a;
				row->cal_b = gmap.b;
				score_cal(&ccdf, o->calendar, row, b);
			}
			score_uplift(&cdf, &slips, o->calendar, pci_uplift_weight(usums, un),
			             row);
			row->uplift_n = un;
			if (use_heap)
				cal_heap_push(&heap, (size_t)(row - b->rows));
		}
		pc_uplift_free(&slips);
		pci_release_cdf_free(&ccdf);
	}
	if (b->nrows == 0) {
		rc = pc_error_set(err, PC_EDATA, NULL, 0,
		                  "the planner could not learn from the history before "
		                  "any project (%zu tried)", b->skipped_failed);
		goto fail;
	}
	for (size_t r = 0; r < b->nrows; r++) {
		const pc_backtest_row *row = b->rows + r;
		double y = (double)row->actual;
		for (int q = 0; q < PC_BACKTEST_NQ; q++) {
			b->hit[q] += row->actual <= row->q[q];
			b->pinball[q] += pinball(pc_backtest_q[q], y, (double)row->q[q]);
			b->naive_pinball[q] += pinball(pc_backtest_q[q], y, (double)row->naive);
		}
		b->naive_hit += row->actual <= row->naive;
		b->mean_error_p50 += y - (double)row->q[0];
		for (int q = 0; o->calibrate && q < PC_BACKTEST_NQ; q++) {
			b->hit_cal[q] += row->actual <= row->q_cal[q];
			b->pinball_cal[q] += pinball(pc_backtest_q[q], y, (double)row->q_cal[q]);
		}
		if (o->calibrate)
			b->mean_error_p50_cal += y - (double)row->q_cal[0];
		if (!isnan(row->crps_combined)) {
			const pc_day *qq[3] = {row->q, row->q_stated, row->q_combined};
			b->nuplift++;
			b->uplift_crps[0] += row->uplift_crps[PC_BACKTEST_UPLIFT_NW - 1];
			b->uplift_crps[1] += row->uplift_crps[0];
			b->uplift_crps[2] += row->crps_combined;
			b->uplift_weight += row->uplift_w;
			for (int m = 0; m < 3; m++)
				for (int q = 0; q < PC_BACKTEST_NQ; q++)
					b->uplift_hit[m][q] += row->actual <= qq[m][q];
		}
		if (row->planned != PC_DAY_MIN) {
			b->nplanned++;
			b->plan_held += row->actual <= row->planned;
			b->p50_held += row->actual <= row->q[0];
			b->p80_held += row->actual <= row->q[1];
		}
	}
	for (int q = 0; q < PC_BACKTEST_NQ; q++) {
		b->hit[q] /= (double)b->nrows;
		b->pinball[q] /= (double)b->nrows;
		b->naive_pinball[q] /= (double)b->nrows;
	}
	for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
		b->reliability[l] /= (double)b->nrows;
	b->crps /= (double)b->nrows;
	b->naive_crps /= (double)b->nrows;
	if (o->calibrate) {
		b->calibrated = 1;
		for (int q = 0; q < PC_BACKTEST_NQ; q++) {
			b->hit_cal[q] /= (double)b->nrows;
			b->pinball_cal[q] /= (double)b->nrows;
		}
		for (int l = 0; l < PC_BACKTEST_NLEVELS; l++)
			b->reliability_cal[l] /= (double)b->nrows;
		b->crps_cal /= (double)b->nrows;
		b->mean_error_p50_cal /= (double)b->nrows;
	}
	b->naive_hit /= (double)b->nrows;
	b->mean_error_p50 /= (double)b->nrows;
	if (b->nuplift) {
		for (int m = 0; m < 3; m++) {
			b->uplift_crps[m] /= (double)b->nuplift;
			for (int q = 0; q < PC_BACKTEST_NQ; q++)
				b->uplift_hit[m][q] /= (double)b->nuplift;
		}
		b->uplift_weight /= (double)b->nuplift;
	}
	if (b->nplanned) {
		b->plan_held /= (double)b->nplanned;
		b->p50_held /= (double)b->nplanned;
		b->p80_held /= (double)b->nplanned;
	} else {
		b->plan_held = b->p50_held = b->p80_held = NAN;
	}
	goto done;
fail:
	pc_backtest_free(&b);
done:
	free(idx);
	free(eval);
	free(known);
	free(keep);
	free(byend);
	free(ends);
	free(gstart);
	free(chosen);
	free(full);
	forecast_release(&last);
	pc_uplift_free(&slips);
	for (size_t f = 0; fits && f < h->nphases; f++)
		free(fits[f]);
	free(fits);
	free(warm);
	free(heap.i);
	*out = b;
	return rc;
}

/* (customer, project) -> index in h, through a sorted index array. */
static long find_project(const pc_history *h, const size_t *byname,
                         const char *customer, const char *name)
{
	size_t lo = 0, hi = h->nprojects;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const pc_project *p = h->projects + byname[mid];
		int c = strcmp(p->customer, customer);
		if (!c)
			c = strcmp(p->name, name);
		if (!c)
			return (long)byname[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

int pc_backtest_planned(struct pc_store *st, const pc_history *h,
                        pc_day *planned, pc_day *stated, size_t *n,
                        pc_error *err)
{
	/* Per project, the phase that starts last (ties: ends last; a
	 * running phase, with no end, last of all) and its planned_end. */
	static const char sql[] =
		"SELECT c.name, p.name, f.start, f.end,"
		" json_extract(a.attrs, '$.planned_end'),"
		" json_extract(a.attrs, '$.plan_as_of')"
		" FROM phases f JOIN projects p ON p.id = f.project_id"
		" JOIN customers c ON c.id = p.customer_id"
		" LEFT JOIN attr_sets a ON a.id = f.attrs_id";
	size_t np = h->nprojects, *byname = malloc((np ? np : 1) * sizeof *byname);
	pc_day *lstart = malloc((np ? np : 1) * sizeof *lstart);
	pc_day *lend = malloc((np ? np : 1) * sizeof *lend);
	pc_day *asof = malloc((np ? np : 1) * sizeof *asof);
	sqlite3_stmt *s = NULL;
	size_t cnt = 0;
	int rc = PC_OK, step;

	if (!byname || !lstart || !lend || !asof) {
		rc = oom(err);
		goto out;
	}
	for (size_t i = 0; i < np; i++) {
		byname[i] = i;
		planned[i] = PC_DAY_MIN;
		asof[i] = PC_DAY_MAX;
		lstart[i] = PC_DAY_MIN;
		lend[i] = PC_DAY_MIN;
	}
	/* by (customer, name): n log n, for a million customers */
	{
		struct order_key *k = malloc((np ? np : 1) * sizeof *k);
		if (!k) {
			rc = oom(err);
			goto out;
		}
		for (size_t i = 0; i < np; i++) {
			k[i].day = 0;
			k[i].customer = h->projects[i].customer;
			k[i].name = h->projects[i].name;
			k[i].idx = i;
		}
		qsort(k, np, sizeof *k, cmp_order);
		for (size_t i = 0; i < np; i++)
			byname[i] = k[i].idx;
		free(k);
	}
	s = pci_store_prepare(st, sql, err);
	if (!s) {
		rc = err ? err->status : PC_ESTORE;
		goto out;
	}
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *cu = (const char *)sqlite3_column_text(s, 0);
		const char *pn = (const char *)sqlite3_column_text(s, 1);
		const char *sv = (const char *)sqlite3_column_text(s, 2);
		const char *ev = (const char *)sqlite3_column_text(s, 3);
		const char *pv = (const char *)sqlite3_column_text(s, 4);
		const char *av = (const char *)sqlite3_column_text(s, 5);
		pc_day ds, de = PC_DAY_MAX, dp, da;
		long i;

		if (!cu || !pn || !sv || pc_date_parse(sv, &ds))
			continue;
		if (ev && pc_date_parse(ev, &de))
			continue;
		i = find_project(h, byname, cu, pn);
		if (i < 0)
			continue; /* not in this history (--like) */
		if (ds < lstart[i] || (ds == lstart[i] && de <= lend[i]))
			continue;
		lstart[i] = ds;
		lend[i] = de;
		planned[i] = pv && pc_date_parse(pv, &dp) == 0 ? dp : PC_DAY_MIN;
		asof[i] = av && pc_date_parse(av, &da) == 0 ? da : PC_DAY_MAX;
	}
	if (step != SQLITE_DONE)
		rc = pci_store_fail(st, err, "cannot read the planned dates");
	for (size_t i = 0; i < np; i++) {
		cnt += planned[i] != PC_DAY_MIN;
		/* the plan in force on the last phase's start was written on
		 * or before the project's: it was the plan at the start too */
		if (stated)
			stated[i] = planned[i] != PC_DAY_MIN &&
			            asof[i] <= h->projects[i].start ? planned[i] : PC_DAY_MIN;
	}
	if (n)
		*n = cnt;
out:
	sqlite3_finalize(s);
	free(byname);
	free(lstart);
	free(lend);
	free(asof);
	return rc;
}
