/*
 * plan.c - the suggested plan: simulate a learned model from a start day
 * into histograms, read the percentile dates off them, and bootstrap the
 * whole learning for their confidence intervals.  Learning is learn.c's,
 * simulating sim.c's, the bootstrap boot.c's: this file only asks.
 */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

const double pc_plan_pct[PC_PLAN_NPCT] = {0.10, 0.50, 0.80, 0.90};
const char *const pc_plan_pct_names[PC_PLAN_NPCT] = {"p10", "p50", "p80", "p90"};

#define BLOCK 10000

void pc_plan_options_init(pc_plan_options *o)
{
	memset(o, 0, sizeof *o);
	o->iterations = 100000;
	o->seed = 1;
	o->ci_iterations = 4000;
}

static int oom(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

int pc_plan_model_from_fit(const pc_model *m, const pc_plan_template *t,
                           pc_plan_model **out, pc_error *err)
{
	pc_plan_model *pm;
	size_t k;
	int rc = PC_OK;

	*out = NULL;
	if (!m || m->nphases == 0)
		return pc_error_set(err, PC_EDATA, NULL, 0, "the model has no phases");
	k = t ? t->nrows : m->nphases;
	pm = calloc(1, sizeof *pm);
	if (!pm || !(pm->nodes = calloc(k, sizeof *pm->nodes))) {
		free(pm);
		return oom(err);
	}
	pm->nphases = k;
	pm->from_template = t != NULL;
	pm->corr_source = PC_PLAN_CORR_UNKNOWN;
	for (size_t j = 0; j < k; j++) {
		pc_plan_node *n = pm->nodes + j;
		const char *name = t ? t->rows[j].phase : m->phases[j].phase;
		const pc_phase_model *src = NULL;

		/* (a loop, not pc_model_find: the model file may come from a
		 * build without the store) */
		for (size_t q = 0; q < m->nphases; q++)
			if (strcmp(m->phases[q].phase, name) == 0)
				src = m->phases + q;

		if (!src) {
			rc = pc_error_set(err, PC_EDATA, t->path, t->rows[j].line,
			                  "phase '%s' is not in the model", name);
			goto fail;
		}
		n->phase = strdup(name);
		n->fit = *src;
		n->fit.phase = strdup(name);
		if (!n->phase || !n->fit.phase) {
			rc = oom(err);
			goto fail;
		}
		n->occurs = 1;
		if (!t) {
			/* No structure known: one phase after another. */
			n->after = (long)j - 1;
			n->lag = 0;
			if (j > 0) {
				n->preds = malloc(sizeof *n->preds);
				if (!n->preds) {
					rc = oom(err);
					goto fail;
				}
				n->preds[0] = (long)j - 1;
				n->npreds = 1;
			}
		}
	}
	if (t && (rc = pci_plan_structure_from_template(pm, t, err)))
		goto fail;
	if (t) {
		size_t *order = malloc(k * sizeof *order);
		pc_plan_node *sorted = calloc(k, sizeof *sorted);
		long *inv = malloc(k * sizeof *inv);
		if (!order || !sorted || !inv) {
			free(order); free(sorted); free(inv);
			rc = oom(err);
			goto fail;
		}
		rc = pci_graph_order(pm->nodes, k, order, err);
		if (!rc) {
			for (size_t j = 0; j < k; j++)
				inv[order[j]] = (long)j;
			for (size_t j = 0; j < k; j++) {
				sorted[j] = pm->nodes[order[j]];
				for (size_t q = 0; q < sorted[j].npreds; q++)
					sorted[j].preds[q] = inv[sorted[j].preds[q]];
				sorted[j].after = sorted[j].npreds ? sorted[j].preds[0] : -1;
			}
			memcpy(pm->nodes, sorted, k * sizeof *sorted);
		}
		free(order); free(sorted); free(inv);
		if (rc)
			goto fail;
	}
	*out = pm;
	return PC_OK;
fail:
	pc_plan_model_free(&pm);
	return rc;
}

/* ---- simulation */

/* Percentile offsets of one simulation: per phase start and finish, then
 * the release, PC_PLAN_NPCT each: (2k + 1) * NPCT values.  A phase that
 * never took place gets its predecessors' (the release start's) day. */
static void offsets(const pci_sim_result *r, double *v)
{
	size_t k = r->nphases;
	for (size_t j = 0; j < k; j++)
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			uint64_t n = r->occurred[j];
			v[(2 * j) * PC_PLAN_NPCT + q] = n ?
				(double)pci_hist_quantile(r->start + j, n, pc_plan_pct[q]) : 0;
			v[(2 * j + 1) * PC_PLAN_NPCT + q] = n ?
				(double)pci_hist_quantile(r->finish + j, n, pc_plan_pct[q]) : 0;
		}
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		v[2 * k * PC_PLAN_NPCT + q] =
			(double)pci_hist_quantile(&r->release, r->iterations, pc_plan_pct[q]);
}

/* ---- bootstrap */

struct boot {
	const pc_plan_options *o;
};

/* One replicate: simulate the replicate model and keep its percentiles. */
static int boot_sim(void *ctx, const pc_plan_model *rep, size_t r, double *v)
{
	const struct boot *b = ctx;
	pci_engine e;
	pci_sim_config cfg;
	pci_sim_result res;
	int rc;

	if (pci_engine_init(&e, rep, b->o->independent, NULL))
		return -1;
	pci_engine_config(&e, &cfg);
	cfg.iterations = b->o->ci_iterations;
	cfg.seed = pci_mix64(b->o->seed ^ pci_mix64(0x73696dULL << 32 | r));
	cfg.block = (size_t)b->o->ci_iterations;
	rc = pci_sim_run(&cfg, &res, NULL);
	if (!rc) {
		offsets(&res, v);
		pci_sim_result_release(&res);
	}
	pci_engine_release(&e);
	return rc;
}

static int run_bootstrap(const pc_plan_model *pm, const pc_plan_options *o,
                         unsigned threads, pc_plan *p, long k0,
                         const pc_calendar *cal, pc_error *err)
{
	struct boot b = {o};
	size_t k = pm->nphases, nvals = (2 * k + 1) * PC_PLAN_NPCT, nok = 0;
	double *vals = malloc(o->ci * nvals * sizeof *vals);
	int rc;

	if (!vals)
		return oom(err);
	rc = pci_bootstrap(pm, o->seed, o->ci, threads, nvals, boot_sim, &b,
	                   o->progress, o->progress_ctx, vals, &nok, NULL, err);
	for (size_t j = 0; !rc && j <= 2 * k; j++)
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			pc_plan_dates *dt = j == 2 * k ? &p->finish
			                  : j % 2 ? &p->phases[j / 2].finish
			                          : &p->phases[j / 2].start;
			double lo, hi;
			double est = (double)pc_calendar_index(cal, dt->day[q]) - (double)k0;
			size_t col = j * PC_PLAN_NPCT + (size_t)q;
			double sest = (double)(pc_calendar_index(cal, dt->day[PC_PLAN_NPCT - 1]) -
			                       pc_calendar_index(cal, dt->day[0]));
			/* studentized by the same date's P10-P90 spread (see
			 * boot.c) where there are projects enough for it */
			if (pm->nprojects < PCI_BOOT_T_MIN)
				sest = 0; /* BC */
			/* both widened for the few projects resampled */
			if (pci_boot_interval_t(vals, o->ci, nvals, col, j * PC_PLAN_NPCT,
			                        j * PC_PLAN_NPCT + PC_PLAN_NPCT - 1, est, sest,
			                        pm->nprojects, &lo, &hi)) {
				rc = oom(err);
				break;
			}
			dt->ci[q][0] = pc_calendar_day(cal, k0 + (long)lo);
			dt->ci[q][1] = pc_calendar_day(cal, k0 + (long)hi);
		}
	if (!rc) {
		p->has_ci = 1;
		p->ci_replicates = nok;
		p->ci_iterations = o->ci_iterations;
	}
	free(vals);
	return rc;
}

int pci_check_days(const pc_day *d, size_t n, const char *what, pc_error *err)
{
	char a[PC_DATE_BUF];

	for (size_t i = 0; i < n; i++)
		if (d[i] < PC_DAY_MIN || d[i] > PC_DAY_MAX)
			return pc_error_set(err, PC_EDATA, NULL, 0,
			                    "the dates of %s run past %s: start earlier, or "
			                    "check the calendar and holidays (a calendar "
			                    "with no working days left has no dates to give)",
			                    what, pc_date_format(d[i] < PC_DAY_MIN ? PC_DAY_MIN
			                                         : PC_DAY_MAX, a));
	return PC_OK;
}

void pc_plan_free(pc_plan **p)
{
	if (!p || !*p)
		return;
	for (size_t j = 0; j < (*p)->nphases; j++)
		free((*p)->phases[j].phase);
	free((*p)->phases);
	free(*p);
	*p = NULL;
}

/* Fewer simulated releases than this give no standard error: the density
 * estimate behind it needs counts to stand on (one iteration claimed
 * 1.5 days). */
#define SE_MIN_ITERATIONS 100

static void fill_dates(pc_plan_dates *dt, const pci_hist *h, uint64_t n,
                       long k0, const pc_calendar *cal, double *maxse)
{
	for (int q = 0; q < PC_PLAN_NPCT; q++) {
		long off = n ? pci_hist_quantile(h, n, pc_plan_pct[q]) : 0;
		dt->day[q] = pc_calendar_day(cal, k0 + off);
		dt->se[q] = n >= SE_MIN_ITERATIONS ? pci_hist_se(h, n, pc_plan_pct[q]) : NAN;
		if (dt->se[q] > *maxse)
			*maxse = dt->se[q];
		if (n && n < SE_MIN_ITERATIONS)
			*maxse = NAN;
	}
}

int pc_plan_run(const pc_plan_model *pm, const pc_plan_options *o,
                pc_plan **out, pc_error *err)
{
	return pci_plan_run_cdf(pm, o, out, NULL, err);
}

void pci_release_cdf_free(pci_release_cdf *c)
{
	free(c->cdf);
	memset(c, 0, sizeof *c);
}

double pci_release_cdf_at(const pci_release_cdf *c, long x)
{
	if (x < c->base || c->n == 0)
		return c->n == 0 ? 1 : 0;
	if (x >= c->base + (long)c->n)
		return 1;
	return c->cdf[x - c->base];
}

double pci_release_crps(const pci_release_cdf *c, long y)
{
	long lo = c->base < y ? c->base : y;
	long top = c->base + (long)c->n - 1, hi = top > y ? top : y;
	double s = 0;

	for (long x = lo; x <= hi; x++) {
		double d = pci_release_cdf_at(c, x) - (x >= y);
		s += d * d;
	}
	return s;
}

/* The release finish's CDF from its histogram, for scores that need the
 * whole forecast, not its percentiles. */
static int keep_cdf(const pci_hist *h, uint64_t total, long k0,
                    pci_release_cdf *c)
{
	uint64_t cum = 0;

	c->k0 = k0;
	c->base = h->base;
	c->n = h->n;
	c->cdf = malloc((h->n ? h->n : 1) * sizeof *c->cdf);
	if (!c->cdf)
		return -1;
	for (size_t i = 0; i < h->n; i++) {
		cum += h->count[i];
		c->cdf[i] = total ? (double)cum / (double)total : 0;
	}
	return 0;
}

int pci_plan_run_cdf(const pc_plan_model *pm, const pc_plan_options *o,
                     pc_plan **out, pci_release_cdf *cdf, pc_error *err)
{
	pc_plan_options def;
	pc_plan *p = NULL;
	pci_engine e;
	pci_sim_config cfg;
	pci_sim_result res;
	unsigned threads;
	long k0;
	size_t k;
	int rc;

	*out = NULL;
	if (!o) {
		pc_plan_options_init(&def);
		o = &def;
	}
	if (!pm || pm->nphases == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "the plan has no phases");
	if (o->ci && !pm->priv)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "confidence intervals need the history (not available "
		                    "with a model file)");
	if (o->ci && o->ci_iterations == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "bootstrap iterations must be positive");
	k = pm->nphases;
	threads = o->threads ? o->threads : pci_online_cpus();
	k0 = pc_calendar_index(o->calendar, o->start);
	if ((rc = pci_engine_init(&e, pm, o->independent, err)))
		return rc;
	pci_engine_config(&e, &cfg);
	cfg.iterations = o->iterations;
	cfg.seed = o->seed;
	cfg.threads = threads;
	cfg.block = BLOCK;
	cfg.target_se = 0.5;
	cfg.max_iterations = 10000000;
	if (o->progress)
		o->progress(o->progress_ctx, "simulating", 0, 0);
	rc = pci_sim_run(&cfg, &res, err);
	if (rc)
		goto out;
	p = calloc(1, sizeof *p);
	if (!p || !(p->phases = calloc(k, sizeof *p->phases))) {
		pci_sim_result_release(&res);
		free(p);
		p = NULL;
		rc = oom(err);
		goto out;
	}
	p->start = pc_calendar_day(o->calendar, k0);
	p->iterations = res.iterations;
	p->seed = o->seed;
	p->independent = !e.chol;
	p->nphases = k;
	for (size_t j = 0; j < k; j++) {
		p->phases[j].phase = strdup(pm->nodes[j].phase);
		if (!p->phases[j].phase)
			rc = oom(err);
		p->phases[j].occurs = res.iterations ?
			(double)res.occurred[j] / (double)res.iterations : 0;
		p->phases[j].capped = res.occurred[j] ?
			(double)res.capped[j] / (double)res.occurred[j] : 0;
		fill_dates(&p->phases[j].start, res.start + j, res.occurred[j], k0,
		           o->calendar, &p->max_se);
		fill_dates(&p->phases[j].finish, res.finish + j, res.occurred[j], k0,
		           o->calendar, &p->max_se);
	}
	fill_dates(&p->finish, &res.release, res.iterations, k0, o->calendar,
	           &p->max_se);
	if (cdf && !rc && keep_cdf(&res.release, res.iterations, k0, cdf))
		rc = oom(err);
	pci_sim_result_release(&res);
	if (!rc)
		rc = pci_check_days(p->finish.day, PC_PLAN_NPCT, "the release", err);
	for (size_t j = 0; !rc && j < k; j++)
		if (!(rc = pci_check_days(p->phases[j].start.day, PC_PLAN_NPCT,
		                          "the release", err)))
			rc = pci_check_days(p->phases[j].finish.day, PC_PLAN_NPCT,
			                    "the release", err);
	if (!rc && o->ci)
		rc = run_bootstrap(pm, o, threads, p, k0, o->calendar, err);
	if (rc) {
		pc_plan_free(&p);
		if (cdf)
			pci_release_cdf_free(cdf);
	}
out:
	pci_engine_release(&e);
	*out = p;
	return rc;
}
