/*
 * plan.c - putting the plan together: learn structure, durations and
 * correlation from the history, simulate, read percentiles off the
 * histograms, and bootstrap the whole learning for confidence intervals.
 */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include <precedent/fit.h>

#include "plan_internal.h"

const double pc_plan_pct[PC_PLAN_NPCT] = {0.10, 0.50, 0.80, 0.90};
const char *const pc_plan_pct_names[PC_PLAN_NPCT] = {"p10", "p50", "p80", "p90"};

#define LAG_NONE INT_MIN
#define BLOCK 10000

/* What the bootstrap needs to redo the learning on resampled projects:
 * per project (row) and plan node (column), the duration in working days
 * (NaN if the project has no such phase), whether it was still running,
 * and the lag to the node's predecessor (LAG_NONE if not measured). */
struct plan_data {
	size_t nprojects, k;
	double *dur;
	unsigned char *cens;
	int *lag;
};

static void data_free(struct plan_data *d)
{
	if (!d)
		return;
	free(d->dur);
	free(d->cens);
	free(d->lag);
	free(d);
}

int pci_plan_data(const pc_plan_model *pm, size_t *np, size_t *k,
                  const double **dur, const unsigned char **cens,
                  const int **lag)
{
	const struct plan_data *d = pm ? pm->priv : NULL;

	if (!d)
		return -1;
	*np = d->nprojects;
	*k = d->k;
	*dur = d->dur;
	*cens = d->cens;
	*lag = d->lag;
	return 0;
}

void pc_plan_learn_options_init(pc_plan_learn_options *o)
{
	memset(o, 0, sizeof *o);
	o->criterion = "aicc";
	o->min_projects = 3;
}

void pc_plan_options_init(pc_plan_options *o)
{
	memset(o, 0, sizeof *o);
	o->iterations = 100000;
	o->seed = 1;
	o->ci_iterations = 4000;
}

static void node_release(pc_plan_node *n)
{
	free(n->phase);
	free(n->lags);
	free(n->fit.phase);
	memset(n, 0, sizeof *n);
}

void pc_plan_model_free(pc_plan_model **pm)
{
	if (!pm || !*pm)
		return;
	for (size_t i = 0; i < (*pm)->nphases; i++)
		node_release((*pm)->nodes + i);
	free((*pm)->nodes);
	free((*pm)->spearman);
	free((*pm)->corr);
	data_free((*pm)->priv);
	free(*pm);
	*pm = NULL;
}

static int oom(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

/* Fill a phase model's summary numbers from its family and parameters. */
static void phase_summary(pc_phase_model *m)
{
	m->median = m->family->quantile(0.5, m->params);
	m->p80 = m->family->quantile(0.8, m->params);
}

/* Fit node j's durations (column j of d) with every family and keep the
 * best by the criterion. */
static int fit_node(const struct plan_data *d, size_t j, const char *phase,
                    pc_criterion crit, pc_phase_model *out, pc_error *err)
{
	double *x = malloc((d->nprojects ? d->nprojects : 1) * sizeof *x);
	unsigned char *c = malloc(d->nprojects ? d->nprojects : 1);
	pc_fit_options fo;
	pc_fit_set *fs = malloc(sizeof *fs);
	pc_error fe;
	size_t n = 0, nc = 0;
	int rc = PC_OK;

	if (!x || !c || !fs) {
		rc = oom(err);
		goto out;
	}
	for (size_t i = 0; i < d->nprojects; i++) {
		double v = d->dur[i * d->k + j];
		if (isnan(v))
			continue;
		x[n] = v;
		c[n] = d->cens[i * d->k + j];
		nc += c[n];
		n++;
	}
	pc_fit_options_init(&fo);
	fo.criterion = crit;
	fo.point_only = 1;
	pc_error_clear(&fe);
	if (pc_fit_all(x, c, n, &fo, fs, &fe) || fs->best < 0) {
		rc = pc_error_set(err, fe.status ? fe.status : PC_EDATA, NULL, 0,
		                  "phase '%s': %s", phase,
		                  fe.msg[0] ? fe.msg : "no family could be fitted");
		goto out;
	}
	free(out->phase);
	out->phase = strdup(phase);
	if (!out->phase) {
		rc = oom(err);
		goto out;
	}
	out->family = fs->fits[fs->best].family;
	memcpy(out->params, fs->fits[fs->best].params, sizeof out->params);
	out->n = n;
	out->censored = nc;
	out->loglik = fs->fits[fs->best].loglik;
	phase_summary(out);
out:
	free(fs);
	free(c);
	free(x);
	return rc;
}

/* Correlation of node durations over projects: Spearman pairwise, a
 * running phase counted at its duration so far (its censoring value:
 * slow projects stay slow rather than vanish), then the copula matrix. */
static int estimate_corr(const struct plan_data *d, double *spearman,
                         double *corr, int *repaired, pc_error *err)
{
	size_t k = d->k;

	if (pci_spearman_matrix(d->dur, d->nprojects, k, 3, spearman, NULL))
		return oom(err);
	pci_normal_from_spearman(spearman, k, corr);
	if (pci_nearest_pd(corr, k, 1e-6, repaired))
		return pc_error_set(err, PC_ENUMERIC, NULL, 0,
		                    "the correlation matrix could not be repaired");
	return PC_OK;
}

/*
 * Running projects censor more than the phase they are in: a project that
 * started recently has reached a late phase only if it was fast, and with
 * correlated durations its late phases are then fast too.  Fitting late
 * phases on every project that reached them would leave the slow recent
 * ones out and make the plan optimistic.  So phase j learns only from
 * projects old enough to have reached it however slow they were: started
 * more than M_j (working) days before the export date, M_j being the
 * latest start of phase j, relative to its project's start, ever seen.
 * The export date is the censoring date of the running phases; without
 * running phases nothing is censored and every project counts.  If that
 * leaves too few projects for a phase, the phase keeps them all.
 */
static void mature_only(const pc_history *h, const pc_calendar *cal,
                        struct plan_data *d, const long *hidx, const long *s,
                        const signed char *st, size_t min_projects)
{
	size_t np = d->nprojects, k = d->k, hk = h->nphases;
	pc_day asof = PC_DAY_MIN;
	long asof1;

	for (size_t i = 0; i < h->nobs; i++)
		if (h->obs[i].ongoing && h->obs[i].end > asof)
			asof = h->obs[i].end;
	if (asof == PC_DAY_MIN)
		return;
	asof1 = pc_calendar_index(cal, asof + 1);
	for (size_t j = 0; j < k; j++) {
		long mj = LONG_MIN;
		size_t n = 0;

		for (size_t i = 0; i < np; i++) {
			size_t c = i * hk + (size_t)hidx[j];
			long off = s[c] - pc_calendar_index(cal, h->projects[i].start);
			if (st[c] && off > mj)
				mj = off;
		}
		for (size_t i = 0; i < np; i++)
			if (!isnan(d->dur[i * k + j]) &&
			    asof1 - pc_calendar_index(cal, h->projects[i].start) > mj)
				n++;
		if (n < min_projects)
			continue;
		for (size_t i = 0; i < np; i++)
			if (asof1 - pc_calendar_index(cal, h->projects[i].start) <= mj) {
				d->dur[i * k + j] = NAN;
				d->cens[i * k + j] = 0;
				d->lag[i * k + j] = LAG_NONE;
			}
	}
}

int pc_plan_learn(const pc_history *h, const pc_plan_learn_options *o,
                  pc_plan_model **out, pc_error *err)
{
	pc_plan_learn_options def;
	const pc_plan_template *t;
	const pc_calendar *cal;
	pc_plan_model *pm = NULL;
	pc_plan_node *all = NULL;   /* one per history phase, inferred */
	long *hidx = NULL;          /* node -> history phase */
	struct plan_data *d = NULL;
	long *s = NULL, *e1 = NULL; /* per project x history phase */
	signed char *st = NULL;     /* 0 absent, 1 finished, 2 running */
	pc_criterion crit;
	size_t np, hk, k;
	int rc = PC_OK;

	*out = NULL;
	if (!o) {
		pc_plan_learn_options_init(&def);
		o = &def;
	}
	t = o->tmpl;
	cal = o->calendar;
	if (!h || h->nprojects == 0 || h->nphases == 0)
		return pc_error_set(err, PC_EDATA, NULL, 0, "the store holds no history");
	if (pc_criterion_parse(o->criterion ? o->criterion : "aicc", &crit))
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "unknown criterion '%s'",
		                    o->criterion);
	np = h->nprojects;
	hk = h->nphases;
	k = t ? t->nrows : hk;
	pm = calloc(1, sizeof *pm);
	d = calloc(1, sizeof *d);
	all = calloc(hk, sizeof *all);
	hidx = malloc(k * sizeof *hidx);
	s = malloc(np * hk * sizeof *s);
	e1 = malloc(np * hk * sizeof *e1);
	st = calloc(np * hk, 1);
	if (!pm || !d || !all || !hidx || !s || !e1 || !st) {
		rc = oom(err);
		goto fail;
	}
	pm->priv = d;
	d->nprojects = np;
	d->k = k;
	pm->nprojects = np;
	pm->from_template = t != NULL;
	pm->corr_source = PC_PLAN_CORR_ESTIMATED;
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *ob = h->obs + i;
		size_t c = ob->project * hk + ob->phase;
		s[c] = pc_calendar_index(cal, ob->start);
		e1[c] = pc_calendar_index(cal, ob->end + 1);
		st[c] = ob->ongoing ? 2 : 1;
	}

	/* The structure. */
	if (t) {
		for (size_t j = 0; j < k; j++) {
			hidx[j] = pc_history_phase_index(h, t->rows[j].phase);
			if (hidx[j] < 0) {
				rc = pc_error_set(err, PC_EDATA, t->path, t->rows[j].line,
				                  "phase '%s' is not in the history",
				                  t->rows[j].phase);
				goto fail;
			}
		}
	} else {
		for (size_t j = 0; j < hk; j++)
			hidx[j] = (long)j;
		rc = pci_graph_infer(h, cal, all, err);
		if (rc)
			goto fail;
	}
	pm->nodes = calloc(k, sizeof *pm->nodes);
	if (!pm->nodes) {
		rc = oom(err);
		goto fail;
	}
	pm->nphases = k;
	for (size_t j = 0; j < k; j++) {
		pc_plan_node *n = pm->nodes + j;
		n->phase = strdup(h->phases[hidx[j]]);
		if (!n->phase) {
			rc = oom(err);
			goto fail;
		}
		if (t) {
			n->after = pci_template_after(t, j);
			n->lag = t->rows[j].lag;
		} else {
			/* Inferred predecessors always come earlier in the
			 * history's order, so node order = history order. */
			n->after = all[j].after;
			n->lag = all[j].lag;
			n->spread = all[j].spread;
			n->support = all[j].support;
			n->lags = all[j].lags;
			n->nlags = all[j].nlags;
			all[j].lags = NULL;
		}
	}
	if (t) {
		/* Template rows may come in any order: sort the nodes so each
		 * follows the one it waits for. */
		size_t *order = malloc(k * sizeof *order);
		pc_plan_node *sorted = calloc(k, sizeof *sorted);
		long *inv = malloc(k * sizeof *inv), *hsorted = malloc(k * sizeof *hsorted);
		if (!order || !sorted || !inv || !hsorted) {
			free(order); free(sorted); free(inv); free(hsorted);
			rc = oom(err);
			goto fail;
		}
		rc = pci_graph_order(pm->nodes, k, order, err);
		if (!rc) {
			for (size_t j = 0; j < k; j++)
				inv[order[j]] = (long)j;
			for (size_t j = 0; j < k; j++) {
				sorted[j] = pm->nodes[order[j]];
				hsorted[j] = hidx[order[j]];
				if (sorted[j].after >= 0)
					sorted[j].after = inv[sorted[j].after];
			}
			memcpy(pm->nodes, sorted, k * sizeof *sorted);
			memcpy(hidx, hsorted, k * sizeof *hidx);
		}
		free(order); free(sorted); free(inv); free(hsorted);
		if (rc)
			goto fail;
	}

	/* Per project and node: durations, running flags, lags. */
	d->dur = malloc(np * k * sizeof *d->dur);
	d->cens = calloc(np * k, 1);
	d->lag = malloc(np * k * sizeof *d->lag);
	if (!d->dur || !d->cens || !d->lag) {
		rc = oom(err);
		goto fail;
	}
	for (size_t i = 0; i < np; i++) {
		long pstart = pc_calendar_index(cal, h->projects[i].start);
		for (size_t j = 0; j < k; j++) {
			size_t c = i * hk + (size_t)hidx[j];
			long a = pm->nodes[j].after;
			d->dur[i * k + j] = NAN;
			d->lag[i * k + j] = LAG_NONE;
			if (!st[c])
				continue;
			/* A phase lying wholly on days off still took a day. */
			d->dur[i * k + j] = e1[c] - s[c] >= 1 ? (double)(e1[c] - s[c]) : 1.0;
			d->cens[i * k + j] = st[c] == 2;
			if (a < 0) {
				d->lag[i * k + j] = (int)(s[c] - pstart);
			} else {
				size_t ca = i * hk + (size_t)hidx[a];
				if (st[ca] == 1)
					d->lag[i * k + j] = (int)(s[c] - e1[ca]);
			}
		}
	}

	mature_only(h, cal, d, hidx, s, st, o->min_projects);
	/* The simulation resamples the lags of the same projects the fits
	 * use, as the bootstrap does, so the two agree. */
	for (size_t j = 0; j < k && !t; j++) {
		pc_plan_node *n = pm->nodes + j;
		size_t m = 0;
		for (size_t i = 0; i < np; i++)
			if (d->lag[i * k + j] != LAG_NONE)
				n->lags[m++] = d->lag[i * k + j];
		if (m > 0) {
			double *tmp = malloc(m * sizeof *tmp);
			n->nlags = n->support = m;
			if (tmp) {
				for (size_t i = 0; i < m; i++)
					tmp[i] = n->lags[i];
				n->lag = pci_median(tmp, m);
				for (size_t i = 0; i < m; i++)
					tmp[i] = fabs(n->lags[i] - n->lag);
				n->spread = pci_median(tmp, m);
				free(tmp);
			}
		}
	}

	/* Enough data for every phase, then the fits. */
	for (size_t j = 0; j < k; j++) {
		size_t n = 0, nc = 0;
		for (size_t i = 0; i < np; i++)
			if (!isnan(d->dur[i * k + j])) {
				n++;
				nc += d->cens[i * k + j];
			}
		if (n < o->min_projects) {
			rc = pc_error_set(err, PC_EDATA, NULL, 0,
			                  "phase '%s' has only %zu past project%s (need at least %zu)",
			                  pm->nodes[j].phase, n, n == 1 ? "" : "s",
			                  o->min_projects);
			goto fail;
		}
		if (nc == n) {
			rc = pc_error_set(err, PC_EDATA, NULL, 0,
			                  "phase '%s' was never finished (%zu ongoing)",
			                  pm->nodes[j].phase, nc);
			goto fail;
		}
		rc = fit_node(d, j, pm->nodes[j].phase, crit, &pm->nodes[j].fit, err);
		if (rc)
			goto fail;
	}
	pm->spearman = malloc(k * k * sizeof *pm->spearman);
	pm->corr = malloc(k * k * sizeof *pm->corr);
	if (!pm->spearman || !pm->corr) {
		rc = oom(err);
		goto fail;
	}
	rc = estimate_corr(d, pm->spearman, pm->corr, &pm->corr_repaired, err);
	if (rc)
		goto fail;
	goto done;
fail:
	pc_plan_model_free(&pm);
done:
	if (all)
		for (size_t j = 0; j < hk; j++)
			free(all[j].lags);
	free(all);
	free(hidx);
	free(s);
	free(e1);
	free(st);
	*out = pm;
	return rc;
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
		if (t) {
			n->after = pci_template_after(t, j);
			n->lag = t->rows[j].lag;
		} else {
			/* No structure known: one phase after another. */
			n->after = (long)j - 1;
			n->lag = 0;
		}
	}
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
				if (sorted[j].after >= 0)
					sorted[j].after = inv[sorted[j].after];
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

/* Simulator phases for nodes with the given fits and lag lists. */
struct simspec {
	size_t k;
	pci_sim_phase *ph;
	double **tables;
	int **lagbufs;   /* owned lag lists (bootstrap), or NULL */
};

static void simspec_release(struct simspec *s)
{
	for (size_t j = 0; j < s->k; j++) {
		if (s->tables)
			free(s->tables[j]);
		if (s->lagbufs)
			free(s->lagbufs[j]);
	}
	free(s->tables);
	free(s->lagbufs);
	free(s->ph);
	memset(s, 0, sizeof *s);
}

static int simspec_init(struct simspec *s, const pc_plan_model *pm,
                        const pc_phase_model *fits, int own_lags)
{
	size_t k = pm->nphases;

	memset(s, 0, sizeof *s);
	s->k = k;
	s->ph = calloc(k, sizeof *s->ph);
	s->tables = calloc(k, sizeof *s->tables);
	if (own_lags)
		s->lagbufs = calloc(k, sizeof *s->lagbufs);
	if (!s->ph || !s->tables || (own_lags && !s->lagbufs))
		return -1;
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *n = pm->nodes + j;
		pci_sim_phase *p = s->ph + j;

		p->pred = n->after;
		p->lags = n->lags;
		p->nlags = n->nlags;
		p->lag0 = (int)lround(n->lag);
		p->family = fits[j].family;
		p->params = fits[j].params;
		if (pci_duration_table(p->family, p->params, &s->tables[j], &p->ntable))
			return -1;
		p->table = s->tables[j];
	}
	return 0;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* Percentile offsets of one simulation: per phase start and finish, then
 * the release, PC_PLAN_NPCT each: (2k + 1) * NPCT values. */
static void offsets(const pci_sim_result *r, long *v)
{
	size_t k = r->nphases;
	for (size_t j = 0; j < k; j++)
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			v[(2 * j) * PC_PLAN_NPCT + q] =
				pci_hist_quantile(r->start + j, r->iterations, pc_plan_pct[q]);
			v[(2 * j + 1) * PC_PLAN_NPCT + q] =
				pci_hist_quantile(r->finish + j, r->iterations, pc_plan_pct[q]);
		}
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		v[2 * k * PC_PLAN_NPCT + q] =
			pci_hist_quantile(&r->release, r->iterations, pc_plan_pct[q]);
}

/* ---- bootstrap */

struct boot {
	const pc_plan_model *pm;
	const pc_plan_options *o;
	pc_criterion crit;
	size_t nrep;
	unsigned nthreads;
	long *vals;        /* nrep x nvals, LONG_MIN for a failed replicate */
	size_t nvals;
};

struct boot_worker {
	struct boot *b;
	unsigned id;
	pthread_t tid;
	int started;
};

/* One replicate: resample projects, redo lags, fits (the chosen family
 * of each phase, refitted) and correlation, simulate.  Returns 0, or -1
 * if the resample cannot be fitted (too few finished durations). */
static int boot_one(struct boot *b, size_t r, gsl_rng *rng, long *v)
{
	const pc_plan_model *pm = b->pm;
	const struct plan_data *d = pm->priv;
	size_t np = d->nprojects, k = d->k;
	struct plan_data rd = {np, k, NULL, NULL, NULL};
	pc_phase_model *fits = calloc(k, sizeof *fits);
	double *x = malloc(np * sizeof *x), *sp = NULL, *corr = NULL, *chol = NULL;
	unsigned char *c = malloc(np);
	size_t *pick = malloc(np * sizeof *pick);
	struct simspec ss = {0};
	pci_sim_config cfg;
	pci_sim_result res;
	int rc = -1, repaired;

	rd.dur = malloc(np * k * sizeof *rd.dur);
	rd.cens = malloc(np * k);
	if (!fits || !x || !c || !pick || !rd.dur || !rd.cens)
		goto out;
	gsl_rng_set(rng, (unsigned long)pci_mix64(b->o->seed ^
	                                          pci_mix64(0x626f6f74ULL << 32 | r)));
	for (size_t i = 0; i < np; i++) {
		pick[i] = gsl_rng_uniform_int(rng, np);
		memcpy(rd.dur + i * k, d->dur + pick[i] * k, k * sizeof *rd.dur);
		memcpy(rd.cens + i * k, d->cens + pick[i] * k, k);
	}
	ss.k = k;
	ss.ph = calloc(k, sizeof *ss.ph);
	ss.tables = calloc(k, sizeof *ss.tables);
	ss.lagbufs = calloc(k, sizeof *ss.lagbufs);
	if (!ss.ph || !ss.tables || !ss.lagbufs)
		goto out;
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *nd = pm->nodes + j;
		pc_fit_options fo;
		pc_fit ft;
		size_t n = 0, nev = 0;

		for (size_t i = 0; i < np; i++) {
			double dv = rd.dur[i * k + j];
			if (isnan(dv))
				continue;
			x[n] = dv;
			c[n] = rd.cens[i * k + j];
			nev += !c[n];
			n++;
		}
		if (nev < 2)
			goto out;
		pc_fit_options_init(&fo);
		fo.criterion = b->crit;
		fo.point_only = 1;
		fo.rng = rng;
		if (pc_fit_family(nd->fit.family, x, c, n, &fo, &ft, NULL))
			goto out;
		fits[j].family = nd->fit.family;
		memcpy(fits[j].params, ft.params, sizeof fits[j].params);
		ss.ph[j].pred = nd->after;
		ss.ph[j].lags = nd->lags;
		ss.ph[j].nlags = nd->nlags;
		ss.ph[j].lag0 = (int)lround(nd->lag);
		/* lags of the resampled projects */
		if (nd->nlags) {
			size_t m = 0;
			int *l = malloc(np * sizeof *l);
			if (!l)
				goto out;
			for (size_t i = 0; i < np; i++)
				if (d->lag[pick[i] * k + j] != LAG_NONE)
					l[m++] = d->lag[pick[i] * k + j];
			if (m == 0) { /* keep the full sample's lags */
				free(l);
			} else {
				ss.lagbufs[j] = l;
				ss.ph[j].lags = l;
				ss.ph[j].nlags = m;
			}
		}
		ss.ph[j].family = fits[j].family;
		ss.ph[j].params = fits[j].params;
		if (pci_duration_table(fits[j].family, fits[j].params, &ss.tables[j],
		                       &ss.ph[j].ntable))
			goto out;
		ss.ph[j].table = ss.tables[j];
	}
	if (pm->corr && !b->o->independent) {
		sp = malloc(k * k * sizeof *sp);
		corr = malloc(k * k * sizeof *corr);
		chol = malloc(k * k * sizeof *chol);
		if (!sp || !corr || !chol || estimate_corr(&rd, sp, corr, &repaired, NULL) ||
		    pci_cholesky(corr, k, chol))
			goto out;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.nphases = k;
	cfg.ph = ss.ph;
	cfg.chol = chol;
	cfg.iterations = b->o->ci_iterations;
	cfg.seed = pci_mix64(b->o->seed ^ pci_mix64(0x73696dULL << 32 | r));
	cfg.threads = 1;
	cfg.block = (size_t)b->o->ci_iterations;
	if (pci_sim_run(&cfg, &res, NULL))
		goto out;
	offsets(&res, v);
	pci_sim_result_release(&res);
	rc = 0;
out:
	simspec_release(&ss);
	free(chol);
	free(corr);
	free(sp);
	free(pick);
	free(c);
	free(x);
	free(rd.dur);
	free(rd.cens);
	free(fits);
	return rc;
}

static void *boot_main(void *arg)
{
	struct boot_worker *w = arg;
	struct boot *b = w->b;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	for (size_t r = w->id; r < b->nrep; r += b->nthreads) {
		long *v = b->vals + r * b->nvals;
		if (!rng || boot_one(b, r, rng, v))
			v[0] = LONG_MIN;
	}
	gsl_rng_free(rng);
	return NULL;
}

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

/* Bootstrap percentile interval (2.5%, 97.5%) of the replicates' values
 * at column col, widened outward to whole days. */
static void boot_interval(const struct boot *b, size_t col, long *tmp,
                          size_t *nok, long *lo, long *hi)
{
	size_t m = 0;
	double pl, ph;

	for (size_t r = 0; r < b->nrep; r++)
		if (b->vals[r * b->nvals] != LONG_MIN)
			tmp[m++] = b->vals[r * b->nvals + col];
	*nok = m;
	if (m == 0) {
		*lo = *hi = 0;
		return;
	}
	if (m > 1)
		qsort(tmp, m, sizeof *tmp, cmp_long);
	pl = 0.025 * (double)(m - 1);
	ph = 0.975 * (double)(m - 1);
	*lo = tmp[(size_t)floor(pl)];
	*hi = tmp[(size_t)ceil(ph)];
}

static int run_bootstrap(const pc_plan_model *pm, const pc_plan_options *o,
                         unsigned threads, pc_plan *p, long k0,
                         const pc_calendar *cal, pc_error *err)
{
	struct boot b;
	struct boot_worker *w;
	long *tmp;
	size_t k = pm->nphases, nok = 0;
	int rc = PC_OK;

	memset(&b, 0, sizeof b);
	b.pm = pm;
	b.o = o;
	b.nrep = o->ci;
	b.nvals = (2 * k + 1) * PC_PLAN_NPCT;
	b.nthreads = threads > o->ci ? (unsigned)o->ci : threads;
	pc_criterion_parse("aicc", &b.crit);
	b.vals = malloc(b.nrep * b.nvals * sizeof *b.vals);
	w = calloc(b.nthreads, sizeof *w);
	tmp = malloc(b.nrep * sizeof *tmp);
	if (!b.vals || !w || !tmp) {
		rc = oom(err);
		goto out;
	}
	for (unsigned t = 0; t < b.nthreads; t++) {
		w[t].b = &b;
		w[t].id = t;
		if (t > 0)
			w[t].started = pthread_create(&w[t].tid, NULL, boot_main, &w[t]) == 0;
	}
	boot_main(&w[0]);
	for (unsigned t = 1; t < b.nthreads; t++) {
		if (w[t].started)
			pthread_join(w[t].tid, NULL);
		else
			boot_main(&w[t]); /* no thread: do its share here */
	}
	for (size_t j = 0; j <= 2 * k; j++)
		for (int q = 0; q < PC_PLAN_NPCT; q++) {
			pc_plan_dates *dt = j == 2 * k ? &p->finish
			                  : j % 2 ? &p->phases[j / 2].finish
			                          : &p->phases[j / 2].start;
			long lo, hi;
			boot_interval(&b, j * PC_PLAN_NPCT + (size_t)q, tmp, &nok, &lo, &hi);
			dt->ci[q][0] = pc_calendar_day(cal, k0 + lo);
			dt->ci[q][1] = pc_calendar_day(cal, k0 + hi);
		}
	if (nok < (b.nrep + 1) / 2) {
		rc = pc_error_set(err, PC_EDATA, NULL, 0,
		                  "only %zu of %zu bootstrap replicates could be refitted: "
		                  "too few past projects for confidence intervals",
		                  nok, b.nrep);
		goto out;
	}
	p->has_ci = 1;
	p->ci_replicates = nok;
	p->ci_iterations = o->ci_iterations;
out:
	free(tmp);
	free(w);
	free(b.vals);
	return rc;
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

static void fill_dates(pc_plan_dates *dt, const pci_hist *h, uint64_t n,
                       long k0, const pc_calendar *cal, double *maxse)
{
	for (int q = 0; q < PC_PLAN_NPCT; q++) {
		long off = pci_hist_quantile(h, n, pc_plan_pct[q]);
		dt->day[q] = pc_calendar_day(cal, k0 + off);
		dt->se[q] = pci_hist_se(h, n, pc_plan_pct[q]);
		if (dt->se[q] > *maxse)
			*maxse = dt->se[q];
	}
}

int pc_plan_run(const pc_plan_model *pm, const pc_plan_options *o,
                pc_plan **out, pc_error *err)
{
	pc_plan_options def;
	pc_plan *p = NULL;
	struct simspec ss;
	pci_sim_config cfg;
	pci_sim_result res;
	double *chol = NULL;
	pc_phase_model *fits = NULL;
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
	threads = o->threads ? o->threads : online_cpus();
	k0 = pc_calendar_index(o->calendar, o->start);
	fits = calloc(k, sizeof *fits);
	if (!fits)
		return oom(err);
	for (size_t j = 0; j < k; j++)
		fits[j] = pm->nodes[j].fit;
	if (simspec_init(&ss, pm, fits, 0)) {
		simspec_release(&ss);
		free(fits);
		return oom(err);
	}
	if (!o->independent && pm->corr) {
		chol = malloc(k * k * sizeof *chol);
		if (!chol || pci_cholesky(pm->corr, k, chol)) {
			if (chol)
				rc = pc_error_set(err, PC_ENUMERIC, NULL, 0,
				                  "the correlation matrix is not positive definite");
			else
				rc = oom(err);
			goto out;
		}
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.nphases = k;
	cfg.ph = ss.ph;
	cfg.chol = chol;
	cfg.iterations = o->iterations;
	cfg.seed = o->seed;
	cfg.threads = threads;
	cfg.block = BLOCK;
	cfg.target_se = 0.5;
	cfg.max_iterations = 10000000;
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
	p->independent = o->independent || !pm->corr;
	p->nphases = k;
	for (size_t j = 0; j < k; j++) {
		p->phases[j].phase = strdup(pm->nodes[j].phase);
		if (!p->phases[j].phase)
			rc = oom(err);
		fill_dates(&p->phases[j].start, res.start + j, res.iterations, k0,
		           o->calendar, &p->max_se);
		fill_dates(&p->phases[j].finish, res.finish + j, res.iterations, k0,
		           o->calendar, &p->max_se);
	}
	fill_dates(&p->finish, &res.release, res.iterations, k0, o->calendar,
	           &p->max_se);
	pci_sim_result_release(&res);
	if (!rc && o->ci)
		rc = run_bootstrap(pm, o, threads, p, k0, o->calendar, err);
	if (rc)
		pc_plan_free(&p);
out:
	free(chol);
	simspec_release(&ss);
	free(fits);
	*out = p;
	return rc;
}
