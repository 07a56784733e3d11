/*
 * learn.c - the one learning step: history -> learned plan model.
 *
 * pc_plan_learn measures, per past project and plan node, the duration
 * in working days, whether it was still running, whether the project had
 * the phase at all, and the lag to the latest end of the phases it waits
 * for.  learn_fill then turns those measurements into the model: lags to
 * resample, how often each phase occurs, each phase's distribution
 * (fitted, or pooled when its data are thin) and the copula correlation.
 * Every bootstrap replicate of plan and whatif resamples the same
 * measurements and goes through the same learn_fill (pci_learn_replicate),
 * so an interval is learned exactly the way the plan was.
 */
#include <config.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include <precedent/fit.h>
#include <precedent/trend.h>

#include "plan_internal.h"

#define LAG_NONE INT_MIN

/* Per project (row) and plan node (column): the duration in working days
 * (NaN if the project has no such phase, or is too recent for it to
 * count), whether it was still running, whether the project had the phase
 * (1) or not (0), and the lag to the node's predecessors (LAG_NONE if not
 * measured); per project, whether it is finished (its absences count). */
struct pci_plan_data {
	size_t nprojects, k;
	double *dur;
	unsigned char *cens;
	unsigned char *pres;
	int *lag;
	unsigned char *closed;
	pc_criterion crit;
	size_t min_projects;
	int whole_days;
	pc_fit_set **warm;   /* per node, during pci_plan_learn_warm only */
	double *w;           /* per project, its recency weight (0..1, the
	                        newest 1); NULL: every project counts once */
};

/* Project i's weight. */
#define WEIGHT(d, i) ((d)->w ? (d)->w[i] : 1.0)

static int oom(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

static struct pci_plan_data *data_new(size_t np, size_t k)
{
	struct pci_plan_data *d = calloc(1, sizeof *d);
	size_t n = np * k > 0 ? np * k : 1;

	if (!d)
		return NULL;
	d->nprojects = np;
	d->k = k;
	d->dur = malloc(n * sizeof *d->dur);
	d->cens = calloc(n, 1);
	d->pres = calloc(n, 1);
	d->lag = malloc(n * sizeof *d->lag);
	d->closed = calloc(np ? np : 1, 1);
	if (!d->dur || !d->cens || !d->pres || !d->lag || !d->closed) {
		pci_plan_data_free(d);
		return NULL;
	}
	for (size_t i = 0; i < np * k; i++) {
		d->dur[i] = NAN;
		d->lag[i] = LAG_NONE;
	}
	return d;
}

void pci_plan_data_free(struct pci_plan_data *d)
{
	if (!d)
		return;
	free(d->dur);
	free(d->cens);
	free(d->pres);
	free(d->lag);
	free(d->closed);
	free(d->w);
	free(d);
}

int pci_plan_data(const pc_plan_model *pm, size_t *np, size_t *k,
                  const double **dur, const unsigned char **cens,
                  const int **lag)
{
	const struct pci_plan_data *d = pm ? pm->priv : NULL;

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

static void node_release(pc_plan_node *n)
{
	free(n->phase);
	free(n->lags);
	free(n->preds);
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
	pci_plan_data_free((*pm)->priv);
	free(*pm);
	*pm = NULL;
}

/* Fill a phase model's summary numbers from its family and parameters. */
static void phase_summary(pc_phase_model *m)
{
	m->median = m->family->quantile(0.5, m->params);
	m->p80 = m->family->quantile(0.8, m->params);
}

/* ---- the pieces of learn_fill */

struct wlag {
	double v, w;
};

static int cmp_wlag(const void *a, const void *b)
{
	double x = ((const struct wlag *)a)->v, y = ((const struct wlag *)b)->v;
	return (x > y) - (x < y);
}

/* The weighted median of t[0..m-1] (sorted here): the smallest value
 * with at least half the weight at or below it. */
static double weighted_median(struct wlag *t, size_t m)
{
	double tot = 0, c = 0;

	qsort(t, m, sizeof *t, cmp_wlag);
	for (size_t i = 0; i < m; i++)
		tot += t[i].w;
	for (size_t i = 0; i < m; i++) {
		c += t[i].w;
		if (c >= tot / 2)
			return t[i].v;
	}
	return m ? t[m - 1].v : 0;
}

/* The simulator draws a lag uniformly from a node's table.  Weighted,
 * the table holds each lag in proportion to its weight: WLAG_TABLE
 * entries shared out by largest remainder, so a weight is kept to
 * 1/WLAG_TABLE. */
#define WLAG_TABLE 1000

/* learn_lags with recency weights: l[0..m-1], the measured lags in
 * project order, become the weighted table; the median and spread are
 * weighted too.  Takes l. */
static int weighted_lags(const struct pci_plan_data *d, size_t j,
                         pc_plan_node *n, int *l, size_t m)
{
	size_t np = d->nprojects, k = d->k, q = 0, given = 0;
	struct wlag *t = malloc(m * sizeof *t);
	double *rem = malloc(m * sizeof *rem), tot = 0;
	size_t *cnt = malloc(m * sizeof *cnt);
	int *table = malloc(WLAG_TABLE * sizeof *table);
	double med;

	if (!t || !rem || !cnt || !table) {
		free(t);
		free(rem);
		free(cnt);
		free(table);
		free(l);
		return -1;
	}
	for (size_t i = 0; i < np; i++)
		if (d->lag[i * k + j] != LAG_NONE) {
			t[q].v = d->lag[i * k + j];
			t[q].w = WEIGHT(d, i);
			tot += t[q++].w;
		}
	for (size_t i = 0; i < m; i++) {
		double share = tot > 0 ? t[i].w / tot * WLAG_TABLE : (double)WLAG_TABLE / (double)m;
		cnt[i] = (size_t)floor(share);
		rem[i] = share - (double)cnt[i];
		given += cnt[i];
	}
	/* the remaining entries to the largest remainders, earliest first
	 * on ties (deterministic) */
	while (given < WLAG_TABLE) {
		size_t best = 0;
		for (size_t i = 1; i < m; i++)
			if (rem[i] > rem[best])
				best = i;
		cnt[best]++;
		rem[best] = -1;
		given++;
	}
	q = 0;
	for (size_t i = 0; i < m; i++)
		for (size_t c = 0; c < cnt[i] && q < WLAG_TABLE; c++)
			table[q++] = (int)t[i].v;
	free(n->lags);
	n->lags = table;
	n->nlags = q;
	n->support = m;
	med = weighted_median(t, m);
	n->lag = med;
	for (size_t i = 0; i < m; i++)
		t[i].v = fabs(t[i].v - med);
	n->spread = weighted_median(t, m);
	free(t);
	free(rem);
	free(cnt);
	free(l);
	return 0;
}

/* Node j's lags over the projects that measured one; a node with none
 * keeps what it had (a replicate keeps the full sample's). */
static int learn_lags(const struct pci_plan_data *d, size_t j, pc_plan_node *n)
{
	size_t m = 0, np = d->nprojects, k = d->k;
	int *l;
	double *tmp;

	for (size_t i = 0; i < np; i++)
		m += d->lag[i * k + j] != LAG_NONE;
	if (m == 0)
		return 0;
	l = malloc(m * sizeof *l);
	tmp = malloc(m * sizeof *tmp);
	if (!l || !tmp) {
		free(l);
		free(tmp);
		return -1;
	}
	m = 0;
	for (size_t i = 0; i < np; i++)
		if (d->lag[i * k + j] != LAG_NONE)
			l[m++] = d->lag[i * k + j];
	if (d->w) {
		free(tmp);
		return weighted_lags(d, j, n, l, m);
	}
	free(n->lags);
	n->lags = l;
	n->nlags = n->support = m;
	for (size_t i = 0; i < m; i++)
		tmp[i] = l[i];
	n->lag = pci_median(tmp, m);
	for (size_t i = 0; i < m; i++)
		tmp[i] = fabs(l[i] - n->lag);
	n->spread = pci_median(tmp, m);
	free(tmp);
	return 0;
}

/* How often node j occurs: the share of finished projects that had it.
 * A phase no finished project can speak for is taken as always there. */
static void learn_occurs(const struct pci_plan_data *d, size_t j, pc_plan_node *n)
{
	size_t seen = 0;
	double closed = 0, had = 0;

	for (size_t i = 0; i < d->nprojects; i++) {
		unsigned char p = d->pres[i * d->k + j];
		seen += p;
		if (d->closed[i]) {
			closed += WEIGHT(d, i);
			had += p * WEIGHT(d, i);
		}
	}
	n->seen = seen;
	n->occurs = closed > 0 && had > 0 ? had / closed : 1.0;
}

/* Log-scale summaries of a node's finished durations. */
struct logstat {
	size_t n;          /* finished */
	double neff;       /* their effective number, (sum w)^2 / sum w^2 */
	double mean, var;  /* of log duration, weighted (var unbiased for
	                      reliability weights: divisor n - 1 unweighted) */
};

static struct logstat log_stats(const struct pci_plan_data *d, size_t j)
{
	struct logstat s = {0, 0, 0, 0};
	double m2 = 0, sw = 0, sw2 = 0;

	for (size_t i = 0; i < d->nprojects; i++) {
		double v = d->dur[i * d->k + j], y, dl, w = WEIGHT(d, i);
		if (isnan(v) || d->cens[i * d->k + j] || !(w > 0))
			continue;
		y = log(v > 1 ? v : 1);
		s.n++;
		sw += w;
		sw2 += w * w;
		dl = y - s.mean;
		s.mean += w * dl / sw;
		m2 += w * dl * (y - s.mean);
	}
	s.neff = sw > 0 ? sw * sw / sw2 : 0;
	s.var = s.n > 1 ? m2 / (sw - sw2 / sw) : NAN;
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Sort x: whole days over a range not much wider than n are counted
 * (linear, for the millions of durations of a big backtest), anything
 * else is sorted. */
static void sort_days(double *x, size_t n)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t *cnt, m = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(x[i] == floor(x[i])) || fabs(x[i]) > 1e15) {
			qsort(x, n, sizeof *x, cmp_double);
			return;
		}
		lo = fmin(lo, x[i]);
		hi = fmax(hi, x[i]);
	}
	if (n < 2)
		return;
	if (hi - lo > 4.0 * (double)n + 1024 ||
	    !(cnt = calloc((size_t)(hi - lo) + 1, sizeof *cnt))) {
		qsort(x, n, sizeof *x, cmp_double);
		return;
	}
	for (size_t i = 0; i < n; i++)
		cnt[(size_t)(x[i] - lo)]++;
	for (size_t b = 0; b <= (size_t)(hi - lo); b++)
		for (size_t c = 0; c < cnt[b]; c++)
			x[m++] = lo + (double)b;
	free(cnt);
}

/* Fit node j's durations with every family and keep the best; PC_EDATA
 * when none can be fitted (the caller then pools). */
static int fit_node(const struct pci_plan_data *d, size_t j, const gsl_rng *rng,
                    pc_phase_model *out)
{
	size_t np = d->nprojects, n = 0, nc = 0;
	double *x = malloc((np ? np : 1) * sizeof *x);
	double *w = d->w ? malloc((np ? np : 1) * sizeof *w) : NULL;
	unsigned char *c = malloc(np ? np : 1);
	pc_fit_set *fs = malloc(sizeof *fs);
	pc_fit_options fo;
	int rc = PC_OK;

	if (!x || !c || !fs || (d->w && !w)) {
		rc = PC_ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < np; i++) {
		double v = d->dur[i * d->k + j];
		if (isnan(v))
			continue;
		if (w)
			w[n] = d->w[i];
		x[n] = v;
		c[n] = d->cens[i * d->k + j];
		nc += c[n];
		n++;
	}
	if (w) {
		/* frequency weights summing to their effective number: a
		 * fit on recent projects is as sure as that many */
		double sw = 0, sw2 = 0;
		for (size_t i = 0; i < n; i++) {
			sw += w[i];
			sw2 += w[i] * w[i];
		}
		for (size_t i = 0; i < n && sw2 > 0; i++)
			w[i] *= sw / sw2;
	}
	/* The fit sorts its data a dozen times (to group ties, once per
	 * family): already sorted, each of those costs a merge's pass,
	 * and a backtest fits at every forecast.  Only the order of the
	 * durations changes, not what the likelihood sums. */
	if (nc == 0 && !w)
		sort_days(x, n);
	pc_fit_options_init(&fo);
	fo.criterion = d->crit;
	fo.point_only = 1;
	fo.rng = rng;
	/* durations are whole (working) days: fit them as such */
	fo.whole_days = 1;
	fo.weights = w;
	if (d->warm && d->warm[j] && d->warm[j]->nfits)
		fo.warm = d->warm[j];
	if (pc_fit_all(x, c, n, &fo, fs, NULL) || fs->best < 0) {
		rc = PC_EDATA;
		goto out;
	}
	if (d->warm && d->warm[j])
		*d->warm[j] = *fs;
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
	free(w);
	return rc;
}

/* The spread of log durations to assume when no phase has two finished
 * durations to measure one from: a phase over- or under-running its
 * median by about 65% one time in six. */
#define POOL_SD_DEFAULT 0.5

/*
 * Partial pooling for the thin nodes (see pc_plan_learn in plan.h).  On
 * the log scale a phase's durations are taken as normal around a phase
 * mean mu_j with a spread s shared by the phases; phase means vary
 * around m with variance tau^2.  s^2 is the pooled within-phase variance
 * of the phases with two or more finished durations; m and tau^2 come
 * from the means of the fitted (well-observed) phases by moments.  A thin
 * phase's mean is then its own mean shrunk toward m (the posterior mean),
 * and its predictive spread adds the posterior variance of that mean.  A
 * running duration counts as at least what it has run: its log plus the
 * mean excess of a normal beyond its mean, 0.8 s.
 */
static int pool_thin(const struct pci_plan_data *d, pc_plan_model *pm,
                     const unsigned char *thin)
{
	size_t k = d->k, nfit = 0;
	double df = 0, ss = 0, msum = 0, m2 = 0, inv_n = 0, s2, m = 0, tau2 = INFINITY;

	for (size_t j = 0; j < k; j++) {
		struct logstat st = log_stats(d, j);
		if (st.n >= 2 && st.neff > 1) {
			ss += st.var * (st.neff - 1);
			df += st.neff - 1;
		}
		if (!thin[j] && st.n >= 1) {
			nfit++;
			msum += st.mean;
			m2 += st.mean * st.mean;
			inv_n += 1.0 / st.neff;
		}
	}
	s2 = df > 0 ? ss / df : POOL_SD_DEFAULT * POOL_SD_DEFAULT;
	if (!(s2 > 1e-6))
		s2 = 1e-6;
	if (nfit >= 1)
		m = msum / (double)nfit;
	if (nfit >= 2) {
		double between = (m2 - (double)nfit * m * m) / (double)(nfit - 1);
		tau2 = between - s2 * inv_n / (double)nfit;
		/* never pool harder than a tenth of the spread between phases
		 * allows: phases differ, and one thin phase is no reason to
		 * pretend they don't */
		if (tau2 < 0.1 * between)
			tau2 = 0.1 * between;
		if (!(tau2 > 1e-6))
			tau2 = 1e-6;
	}
	for (size_t j = 0; j < k; j++) {
		pc_plan_node *nd = pm->nodes + j;
		double sum = 0, sw = 0, sw2 = 0, ne, mu, var_mu;
		size_t n = 0, nc = 0;

		if (!thin[j])
			continue;
		for (size_t i = 0; i < d->nprojects; i++) {
			double v = d->dur[i * k + j], w = WEIGHT(d, i);
			if (isnan(v))
				continue;
			sum += w * (log(v > 1 ? v : 1) + (d->cens[i * k + j] ? 0.8 * sqrt(s2) : 0));
			sw += w;
			sw2 += w * w;
			nc += d->cens[i * k + j];
			n++;
		}
		/* its own observations count as their effective number */
		ne = sw2 > 0 ? sw * sw / sw2 : 0;
		if (n == 0 || !(sw > 0)) {
			/* nothing of its own: the typical phase */
			mu = nfit ? m : 0;
			var_mu = isfinite(tau2) ? tau2 : s2;
		} else if (!isfinite(tau2)) {
			mu = sum / sw;
			var_mu = s2 / ne;
		} else {
			double prec = ne / s2 + 1.0 / tau2;
			mu = (sum / sw * ne / s2 + m / tau2) / prec;
			var_mu = 1.0 / prec;
		}
		nd->thin = 1;
		nd->fit.family = pc_family_find("lognormal");
		memset(nd->fit.params, 0, sizeof nd->fit.params);
		nd->fit.params[0] = mu;
		nd->fit.params[1] = sqrt(s2 + var_mu);
		nd->fit.n = n;
		nd->fit.censored = nc;
		nd->fit.loglik = NAN;
		phase_summary(&nd->fit);
	}
	return 0;
}

/* Correlation of node durations over projects: Spearman pairwise, a
 * running phase counted at its duration so far (its censoring value:
 * slow projects stay slow rather than vanish), shrunk toward zero by its
 * noise, then the copula matrix. */
static int learn_corr(const struct pci_plan_data *d, pc_plan_model *pm,
                      pc_error *err)
{
	size_t k = d->k;
	double *var;

	free(pm->spearman);
	free(pm->corr);
	pm->spearman = pm->corr = NULL;
	pm->corr_shrinkage = NAN;
	if (pm->corr_source == PC_PLAN_CORR_SKIPPED)
		return PC_OK;
	if (k > PC_PLAN_CORR_MAX) {
		pm->corr_source = PC_PLAN_CORR_TOO_MANY;
		return PC_OK;
	}
	pm->spearman = malloc((k ? k * k : 1) * sizeof *pm->spearman);
	pm->corr = malloc((k ? k * k : 1) * sizeof *pm->corr);
	var = malloc((k ? k * k : 1) * sizeof *var);
	if (!pm->spearman || !pm->corr || !var) {
		free(var);
		return oom(err);
	}
	if (pci_spearman_matrix_weighted(d->dur, d->w, d->nprojects, k, 3,
	                                 pm->spearman, var)) {
		free(var);
		return oom(err);
	}
	/* Six projects give rank correlations of 0.9 by chance: shrink them
	 * toward none by how noisy they are, so that a small reference class
	 * does not make every phase move with every other. */
	pm->corr_shrinkage = pci_shrink_correlation(pm->spearman, var, k);
	free(var);
	pci_normal_from_spearman(pm->spearman, k, pm->corr);
	/* shrunk to none: the identity, positive definite as it is (and
	 * the k^3 repair was most of a wide plan's time) */
	if (pm->corr_shrinkage >= 1)
		return PC_OK;
	if (pci_nearest_pd(pm->corr, k, 1e-6, &pm->corr_repaired))
		return pc_error_set(err, PC_ENUMERIC, NULL, 0,
		                    "the correlation matrix could not be repaired");
	return PC_OK;
}

/* Everything learned from the measurements d onto pm, whose structure
 * (nodes, predecessors, template lags) is already set. */
static int learn_fill(const struct pci_plan_data *d, pc_plan_model *pm,
                      const gsl_rng *rng, pc_error *err)
{
	size_t k = d->k;
	unsigned char *thin = calloc(k ? k : 1, 1);
	int rc = PC_OK, any_thin = 0;

	if (!thin)
		return oom(err);
	for (size_t j = 0; j < k; j++) {
		pc_plan_node *n = pm->nodes + j;
		struct logstat st = log_stats(d, j);

		if (!pm->from_template && learn_lags(d, j, n)) {
			rc = oom(err);
			goto out;
		}
		learn_occurs(d, j, n);
		n->thin = 0;
		if (st.n < d->min_projects) {
			thin[j] = 1;
		} else {
			int f = fit_node(d, j, rng, &n->fit);
			if (f == PC_ENOMEM) {
				rc = oom(err);
				goto out;
			}
			thin[j] = f != PC_OK;
		}
		any_thin |= thin[j];
	}
	if (any_thin)
		pool_thin(d, pm, thin);
	rc = learn_corr(d, pm, err);
out:
	free(thin);
	return rc;
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
                        struct pci_plan_data *d, const long *hidx, const long *s,
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

/* Sort nodes so that each follows every phase it waits for; hidx (may
 * be NULL) is permuted alike. */
static int order_nodes(pc_plan_model *pm, long *hidx, pc_error *err)
{
	size_t k = pm->nphases;
	size_t *order = malloc((k ? k : 1) * sizeof *order);
	pc_plan_node *sorted = calloc(k ? k : 1, sizeof *sorted);
	long *inv = malloc((k ? k : 1) * sizeof *inv);
	long *hs = malloc((k ? k : 1) * sizeof *hs);
	int rc;

	if (!order || !sorted || !inv || !hs) {
		rc = oom(err);
		goto out;
	}
	rc = pci_graph_order(pm->nodes, k, order, err);
	if (rc)
		goto out;
	for (size_t j = 0; j < k; j++)
		inv[order[j]] = (long)j;
	for (size_t j = 0; j < k; j++) {
		sorted[j] = pm->nodes[order[j]];
		if (hidx)
			hs[j] = hidx[order[j]];
		for (size_t q = 0; q < sorted[j].npreds; q++)
			sorted[j].preds[q] = inv[sorted[j].preds[q]];
		sorted[j].after = sorted[j].npreds ? sorted[j].preds[0] : -1;
	}
	memcpy(pm->nodes, sorted, k * sizeof *sorted);
	if (hidx)
		memcpy(hidx, hs, k * sizeof *hidx);
out:
	free(order);
	free(sorted);
	free(inv);
	free(hs);
	return rc;
}

static int cmp_day(const void *a, const void *b)
{
	pc_day x = *(const pc_day *)a, y = *(const pc_day *)b;
	return (x > y) - (x < y);
}

/* pc_plan_learn_options.drift: the release's drift, and every node's
 * durations in d scaled by it to the next project's day; starts: the
 * projects' starts, sorted (sorted_starts). */
static int adjust_drift(const pc_history *h, const pc_day *starts,
                        pc_plan_model *pm, struct pci_plan_data *d, pc_error *err)
{
	size_t np = d->nprojects, k = d->k, ngap = 0, m = 0;
	double *t = malloc(2 * (np ? np : 1) * sizeof *t), *y, *gap, T;
	pc_trend tr;

	if (!t)
		return oom(err);
	y = t + np;
	gap = y; /* the gaps first, then y */
	for (size_t i = 1; i < np; i++)
		if (starts[i] > starts[i - 1])
			gap[ngap++] = (double)(starts[i] - starts[i - 1]);
	T = np ? (double)starts[np - 1] + (ngap ? pci_median(gap, ngap) : 0) : 0;
	pm->drift = 1;
	pm->drift_to = (pc_day)T;
	/* One drift for the release, from its finished projects: a phase's
	 * own slope from a few dozen durations, extrapolated over the
	 * history's length, is twice as noisy, and the release is what the
	 * plan answers. */
	for (size_t i = 0; i < np; i++) {
		const pc_project *p = h->projects + i;
		t[i] = y[i] = NAN;
		if (p->ongoing)
			continue;
		t[i] = (double)p->start;
		y[i] = log((double)(p->end - p->start) + 1);
		m++;
	}
	if (m < PC_PLAN_DRIFT_MIN || pc_trend_test(t, y, np, &tr, NULL) ||
	    !(tr.p < 0.05) || !isfinite(tr.slope) || tr.slope == 0) {
		free(t);
		return PC_OK;
	}
	free(t);
	pm->drift_per_day = tr.slope;
	for (size_t j = 0; j < k; j++)
		for (size_t i = 0; i < np; i++) {
			double *v = d->dur + i * k + j;
			if (!isnan(*v))
				*v = pci_drift_days(pm, h->projects[i].start, *v,
				                    d->cens[i * k + j]);
		}
	return PC_OK;
}

double pci_drift_days(const pc_plan_model *pm, pc_day start, double days,
                      int running)
{
	double v, lo = running ? 0 : 1;

	if (pm->drift_per_day == 0)
		return days;
	v = round(days * exp(pm->drift_per_day * ((double)pm->drift_to - (double)start)));
	return v < lo ? lo : v;
}

/* Every project's start, sorted: what the recency weights and the drift
 * both age projects by.  NULL when out of memory. */
static pc_day *sorted_starts(const pc_history *h)
{
	size_t np = h->nprojects;
	pc_day *v = malloc((np ? np : 1) * sizeof *v);

	if (!v)
		return NULL;
	for (size_t i = 0; i < np; i++)
		v[i] = h->projects[i].start;
	qsort(v, np, sizeof *v, cmp_day);
	return v;
}

/* The recency weight of every project of h (pc_plan_learn_options):
 * 2^(-age / half_life), the newest 1; starts as sorted_starts gives. */
static int recency_weights(const pc_history *h, const pc_day *starts,
                           const pc_plan_learn_options *o, pc_plan_model *pm,
                           struct pci_plan_data *d, pc_error *err)
{
	size_t np = h->nprojects;
	pc_day latest = np ? starts[np - 1] : PC_DAY_MIN;
	double sw = 0, sw2 = 0;

	d->w = malloc((np ? np : 1) * sizeof *d->w);
	if (!d->w)
		return oom(err);
	for (size_t i = 0; i < np; i++) {
		double age;
		if (o->half_life_days) {
			age = (double)(latest - h->projects[i].start);
		} else {
			/* how many started after it: binary search for the
			 * first later start */
			size_t lo = 0, hi = np;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (starts[mid] <= h->projects[i].start)
					lo = mid + 1;
				else
					hi = mid;
			}
			age = (double)(np - lo);
		}
		d->w[i] = exp2(-age / o->half_life);
		sw += d->w[i];
		sw2 += d->w[i] * d->w[i];
	}
	pm->half_life = o->half_life;
	pm->half_life_days = o->half_life_days != 0;
	pm->effective_projects = sw2 > 0 ? sw * sw / sw2 : 0;
	return PC_OK;
}

int pci_plan_structure_from_template(pc_plan_model *pm,
                                     const pc_plan_template *t, pc_error *err)
{
	for (size_t j = 0; j < pm->nphases; j++) {
		pc_plan_node *n = pm->nodes + j;
		if (pci_template_preds(t, j, &n->preds, &n->npreds))
			return oom(err);
		n->after = n->npreds ? n->preds[0] : -1;
		n->lag = t->rows[j].lag;
		n->occurs = 1;
	}
	return PC_OK;
}

int pc_plan_learn(const pc_history *h, const pc_plan_learn_options *o,
                  pc_plan_model **out, pc_error *err)
{
	return pci_plan_learn_warm(h, o, NULL, out, err);
}

int pci_plan_learn_warm(const pc_history *h, const pc_plan_learn_options *o,
                        pc_fit_set *const *warm, pc_plan_model **out,
                        pc_error *err)
{
	pc_plan_learn_options def;
	const pc_plan_template *t;
	const pc_calendar *cal;
	pc_plan_model *pm = NULL;
	pc_plan_node *all = NULL;   /* one per history phase, inferred */
	long *hidx = NULL;          /* node -> history phase */
	struct pci_plan_data *d = NULL;
	long *s = NULL, *e1 = NULL; /* per project x history phase */
	long *eff = NULL;           /* per node: effective end + 1, see below */
	signed char *st = NULL;     /* 0 absent, 1 finished, 2 running */
	pc_day *starts = NULL;      /* sorted, with recency weights or drift */
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
	if (o->progress)
		o->progress(o->progress_ctx, "learning", 0, 0);
	np = h->nprojects;
	hk = h->nphases;
	k = t ? t->nrows : hk;
	pm = calloc(1, sizeof *pm);
	d = data_new(np, k);
	all = calloc(hk, sizeof *all);
	hidx = malloc(k * sizeof *hidx);
	s = malloc(np * hk * sizeof *s);
	e1 = malloc(np * hk * sizeof *e1);
	eff = malloc(k * sizeof *eff);
	st = calloc(np * hk, 1);
	if (!pm || !d || !all || !hidx || !s || !e1 || !eff || !st) {
		pci_plan_data_free(d);
		rc = oom(err);
		goto fail;
	}
	pm->priv = d;
	d->crit = crit;
	d->min_projects = o->min_projects ? o->min_projects : 3;
	pm->nprojects = np;
	pm->from_template = t != NULL;
	pm->corr_source = o->independent ? PC_PLAN_CORR_SKIPPED
	                                 : PC_PLAN_CORR_ESTIMATED;
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *ob = h->obs + i;
		size_t c = ob->project * hk + ob->phase;
		s[c] = pc_calendar_index(cal, ob->start);
		e1[c] = pc_calendar_index(cal, ob->end + 1);
		st[c] = ob->ongoing ? 2 : 1;
	}
	for (size_t i = 0; i < np; i++)
		d->closed[i] = !h->projects[i].ongoing;
	pm->effective_projects = (double)np;
	if (o->half_life < 0 || isnan(o->half_life)) {
		rc = pc_error_set(err, PC_EUSAGE, NULL, 0,
		                  "the half-life must be a positive number (0: none)");
		goto fail;
	}
	if ((o->half_life > 0 || o->drift) && !(starts = sorted_starts(h))) {
		rc = oom(err);
		goto fail;
	}
	if (o->half_life > 0 && (rc = recency_weights(h, starts, o, pm, d, err)))
		goto fail;

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
		if (!t) {
			/* Inferred predecessors always come earlier in the
			 * history's order, so node order = history order. */
			n->after = all[j].after;
			n->preds = all[j].preds;
			n->npreds = all[j].npreds;
			all[j].preds = NULL;
			n->lag = all[j].lag;
			n->spread = all[j].spread;
			n->support = all[j].support;
		}
	}
	if (t) {
		if ((rc = pci_plan_structure_from_template(pm, t, err)) ||
		    (rc = order_nodes(pm, hidx, err)))
			goto fail;
	}

	/*
	 * Per project and node: durations, running flags, presence, lags.
	 * The lag is measured to the latest end of the phases waited for.
	 * A phase the project did not have passes on the end of what it
	 * waited for, as the simulation does: eff[j] is that end + 1 (the
	 * project start for a phase waiting for nothing), or LONG_MIN while
	 * a phase it depends on is still running.
	 */
	for (size_t i = 0; i < np; i++) {
		long pstart = pc_calendar_index(cal, h->projects[i].start);
		for (size_t j = 0; j < k; j++) {
			const pc_plan_node *n = pm->nodes + j;
			size_t c = i * hk + (size_t)hidx[j];
			long base = pstart;
			int known = 1;

			for (size_t q = 0; q < n->npreds; q++) {
				long e = eff[n->preds[q]];
				if (e == LONG_MIN)
					known = 0;
				else if (q == 0 || e > base)
					base = e;
			}
			if (!st[c]) {
				eff[j] = known ? base : LONG_MIN;
				continue;
			}
			eff[j] = st[c] == 1 ? e1[c] : LONG_MIN;
			d->pres[i * k + j] = 1;
			/* A phase lying wholly on days off still took a day. */
			d->dur[i * k + j] = e1[c] - s[c] >= 1 ? (double)(e1[c] - s[c]) : 1.0;
			if (d->dur[i * k + j] > pm->nodes[j].longest)
				pm->nodes[j].longest = d->dur[i * k + j];
			d->cens[i * k + j] = st[c] == 2;
			if (known)
				d->lag[i * k + j] = (int)(s[c] - base);
		}
	}

	mature_only(h, cal, d, hidx, s, st, d->min_projects);
	if (o->drift && (rc = adjust_drift(h, starts, pm, d, err)))
		goto fail;
	if (warm) {
		d->warm = malloc(k * sizeof *d->warm);
		if (!d->warm) {
			rc = oom(err);
			goto fail;
		}
		for (size_t j = 0; j < k; j++)
			d->warm[j] = warm[hidx[j]];
	}
	rc = learn_fill(d, pm, NULL, err);
	/* the caller's sets are borrowed for this call only */
	free(d->warm);
	d->warm = NULL;
	if (rc)
		goto fail;
	for (size_t j = 0; j < k; j++) {
		pc_plan_node *n = pm->nodes + j;
		if (n->seen == 0 && !t) {
			/* cannot happen for an inferred structure: every history
			 * phase was seen in some project */
			n->occurs = 1;
		}
		free(n->fit.phase);
		n->fit.phase = strdup(n->phase);
		if (!n->fit.phase) {
			rc = oom(err);
			goto fail;
		}
	}
	goto done;
fail:
	pc_plan_model_free(&pm);
done:
	if (all)
		for (size_t j = 0; j < hk; j++) {
			free(all[j].lags);
			free(all[j].preds);
		}
	free(all);
	free(hidx);
	free(s);
	free(e1);
	free(eff);
	free(st);
	free(starts);
	*out = pm;
	return rc;
}

/* ---- bootstrap replicates */

/* A model learned as pm was (its structure kept, everything else learned
 * again) from the rows rows[0..nrows-1] of its data, repeats allowed. */
static int learn_rows(const pc_plan_model *pm, const size_t *rows, size_t nrows,
                      gsl_rng *rng, pc_plan_model **out)
{
	const struct pci_plan_data *d = pm->priv;
	struct pci_plan_data *rd;
	pc_plan_model *rp;
	size_t np = nrows, k = d->k;

	*out = NULL;
	rd = data_new(np, k);
	rp = calloc(1, sizeof *rp);
	if (!rd || !rp || !(rp->nodes = calloc(k ? k : 1, sizeof *rp->nodes)))
		goto fail;
	rd->crit = d->crit;
	rd->min_projects = d->min_projects;
	rd->whole_days = d->whole_days;
	if (d->w && !(rd->w = malloc((np ? np : 1) * sizeof *rd->w)))
		goto fail;
	for (size_t i = 0; i < np; i++) {
		size_t p = rows[i];
		memcpy(rd->dur + i * k, d->dur + p * k, k * sizeof *rd->dur);
		memcpy(rd->cens + i * k, d->cens + p * k, k);
		memcpy(rd->pres + i * k, d->pres + p * k, k);
		memcpy(rd->lag + i * k, d->lag + p * k, k * sizeof *rd->lag);
		rd->closed[i] = d->closed[p];
		if (d->w)
			rd->w[i] = d->w[p];
	}
	rp->nphases = k;
	rp->from_template = pm->from_template;
	rp->corr_source = pm->corr_source;
	rp->nprojects = np;
	rp->half_life = pm->half_life;
	rp->drift = pm->drift;
	rp->drift_per_day = pm->drift_per_day;
	rp->drift_to = pm->drift_to;
	rp->half_life_days = pm->half_life_days;
	rp->effective_projects = pm->effective_projects;
	rp->priv = rd;
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *s = pm->nodes + j;
		pc_plan_node *n = rp->nodes + j;
		/* the structure, and the full sample's lags where the
		 * resample measured none */
		n->phase = strdup(s->phase);
		if (!n->phase)
			goto fail;
		n->after = s->after;
		n->longest = s->longest;
		n->npreds = s->npreds;
		n->lag = s->lag;
		n->spread = s->spread;
		n->preds = malloc((s->npreds ? s->npreds : 1) * sizeof *n->preds);
		if (!n->preds)
			goto fail;
		if (s->npreds)
			memcpy(n->preds, s->preds, s->npreds * sizeof *n->preds);
		if (s->nlags) {
			n->lags = malloc(s->nlags * sizeof *n->lags);
			if (!n->lags)
				goto fail;
			memcpy(n->lags, s->lags, s->nlags * sizeof *n->lags);
			n->nlags = s->nlags;
		}
	}
	if (learn_fill(rd, rp, rng, NULL))
		goto fail;
	*out = rp;
	return 0;
fail:
	if (rp && !rp->priv)
		pci_plan_data_free(rd);
	pc_plan_model_free(&rp);
	return -1;
}

int pci_learn_replicate(const pc_plan_model *pm, gsl_rng *rng,
                        pc_plan_model **out)
{
	const struct pci_plan_data *d = pm->priv;
	size_t *rows;
	int rc;

	*out = NULL;
	if (!d)
		return -1;
	rows = malloc((d->nprojects ? d->nprojects : 1) * sizeof *rows);
	if (!rows)
		return -1;
	for (size_t i = 0; i < d->nprojects; i++)
		rows[i] = gsl_rng_uniform_int(rng, d->nprojects);
	rc = learn_rows(pm, rows, d->nprojects, rng, out);
	free(rows);
	return rc;
}

size_t pci_jackknife_groups(const pc_plan_model *pm)
{
	const struct pci_plan_data *d = pm->priv;

	if (!d)
		return 0;
	return d->nprojects < PCI_JACKKNIFE_MAX ? d->nprojects : PCI_JACKKNIFE_MAX;
}

int pci_learn_jackknife(const pc_plan_model *pm, size_t g, pc_plan_model **out)
{
	const struct pci_plan_data *d = pm->priv;
	size_t ng = pci_jackknife_groups(pm), m = 0, *rows;
	int rc;

	*out = NULL;
	if (!d || g >= ng)
		return -1;
	rows = malloc((d->nprojects ? d->nprojects : 1) * sizeof *rows);
	if (!rows)
		return -1;
	for (size_t i = 0; i < d->nprojects; i++)
		if (i % ng != g)
			rows[m++] = i;
	/* no fit here draws from rng unless asked (the family choice is
	 * exact), but learn_fill takes one: a fixed one keeps the group's
	 * model the same on any thread */
	{
		gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
		if (!rng) {
			free(rows);
			return -1;
		}
		gsl_rng_set(rng, 0x6a61636bUL + g);
		rc = learn_rows(pm, rows, m, rng, out);
		gsl_rng_free(rng);
	}
	free(rows);
	return rc;
}
