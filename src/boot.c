/*
 * boot.c - the one bootstrap driver: resample the past projects, learn a
 * replicate model from them exactly as the plan was learned (learn.c,
 * family chosen afresh), and let the caller simulate what it asks of it;
 * then, if asked, the same for each jackknife group (the history without
 * a few of its projects), whose spread gives the BCa acceleration.
 * plan's date intervals (studentized) and whatif's odds intervals (the
 * studentized quantile intervals inverted; BCa below PCI_BOOT_T_MIN
 * projects) both come from here.
 */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "plan_internal.h"

struct boot {
	const pc_plan_model *pm;
	uint64_t seed;
	size_t nrep, nvals;
	unsigned nthreads;
	pci_boot_fn fn;
	void *ctx;
	double *vals;
	size_t ngroups;     /* jackknife groups, after the replicates */
	double *jack;       /* ngroups x nvals */
	/* the caller's progress, one call per replicate done: the lock
	 * keeps the calls one at a time and done growing */
	pc_progress_fn progress;
	void *progress_ctx;
	pthread_mutex_t mu;
	size_t done;
};

struct boot_worker {
	struct boot *b;
	unsigned id;
};

static void *boot_main(void *arg)
{
	struct boot_worker *w = arg;
	struct boot *b = w->b;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	for (size_t r = w->id; r < b->nrep + b->ngroups; r += b->nthreads) {
		int jack = r >= b->nrep;
		double *v = jack ? b->jack + (r - b->nrep) * b->nvals
		                 : b->vals + r * b->nvals;
		pc_plan_model *rep = NULL;

		v[0] = NAN;
		if (jack) {
			/* the same simulation seed (r = nrep) for every group:
			 * the groups then differ by their data, not by chance */
			if (pci_learn_jackknife(b->pm, r - b->nrep, &rep) == 0 &&
			    b->fn(b->ctx, rep, b->nrep, v) != 0)
				v[0] = NAN;
			pc_plan_model_free(&rep);
			continue;
		}
		if (!rng)
			continue;
		gsl_rng_set(rng, (unsigned long)pci_mix64(b->seed ^
		                                          pci_mix64(0x626f6f74ULL << 32 | r)));
		if (pci_learn_replicate(b->pm, rng, &rep) == 0 &&
		    b->fn(b->ctx, rep, r, v) != 0)
			v[0] = NAN;
		pc_plan_model_free(&rep);
		if (b->progress) {
			pthread_mutex_lock(&b->mu);
			b->done++;
			b->progress(b->progress_ctx, "bootstrap", b->done, b->nrep);
			pthread_mutex_unlock(&b->mu);
		}
	}
	gsl_rng_free(rng);
	return NULL;
}

/*
 * Efron's acceleration from the jackknife values of column c (the skew
 * of each project's influence): how fast the estimate's standard error
 * grows with the quantity itself, which BC alone takes as constant.
 * Only whatif's odds below PCI_BOOT_T_MIN projects use it now; with more
 * projects dates and odds are studentized (pci_boot_interval_t,
 * pci_boot_odds_t), which measured better: the jackknife's acceleration
 * was far smaller than the growth of the spread seen across known-truth
 * histories.
 */
double pci_boot_accel(const double *jack, size_t ng, size_t nvals, size_t c)
{
	double mean = 0, s2 = 0, s3 = 0;
	size_t m = 0;

	for (size_t g = 0; g < ng; g++)
		if (!isnan(jack[g * nvals]) && isfinite(jack[g * nvals + c])) {
			mean += jack[g * nvals + c];
			m++;
		}
	if (m < 3)
		return 0;
	mean /= (double)m;
	for (size_t g = 0; g < ng; g++)
		if (!isnan(jack[g * nvals]) && isfinite(jack[g * nvals + c])) {
			double d = mean - jack[g * nvals + c];
			s2 += d * d;
			s3 += d * d * d;
		}
	return s2 > 0 ? s3 / (6 * pow(s2, 1.5)) : 0;
}

int pci_bootstrap(const pc_plan_model *pm, uint64_t seed, size_t nrep,
                  unsigned threads, size_t nvals, pci_boot_fn fn, void *ctx,
                  pc_progress_fn progress, void *progress_ctx,
                  double *vals, size_t *nok, double *accel, pc_error *err)
{
	struct boot b;
	struct boot_worker *w;
	size_t ok = 0;

	if (!pm->priv)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "confidence intervals need the history (not available "
		                    "with a model file)");
	memset(&b, 0, sizeof b);
	b.pm = pm;
	b.seed = seed;
	b.nrep = nrep;
	b.nvals = nvals;
	b.fn = fn;
	b.ctx = ctx;
	b.vals = vals;
	b.progress = progress;
	b.progress_ctx = progress_ctx;
	if (accel && nrep) {
		b.ngroups = pci_jackknife_groups(pm);
		/* fewer than three groups say nothing of skewness */
		if (b.ngroups < 3)
			b.ngroups = 0;
		b.jack = malloc((b.ngroups ? b.ngroups : 1) * nvals * sizeof *b.jack);
	}
	pthread_mutex_init(&b.mu, NULL);
	b.nthreads = threads < 1 ? 1 : threads > nrep + b.ngroups ?
	             (unsigned)(nrep + b.ngroups) : threads;
	w = calloc(b.nthreads ? b.nthreads : 1, sizeof *w);
	if (!w || (accel && nrep && !b.jack)) {
		free(w);
		free(b.jack);
		pthread_mutex_destroy(&b.mu);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	for (unsigned t = 0; t < b.nthreads; t++) {
		w[t].b = &b;
		w[t].id = t;
	}
	if (nrep)
		pci_parallel(b.nthreads, boot_main, w, sizeof *w);
	free(w);
	pthread_mutex_destroy(&b.mu);
	for (size_t r = 0; r < nrep; r++)
		ok += !isnan(vals[r * nvals]);
	*nok = ok;
	if (accel)
		for (size_t c = 0; c < nvals; c++)
			accel[c] = pci_boot_accel(b.jack, b.ngroups, nvals, c);
	free(b.jack);
	if (ok < (nrep + 1) / 2)
		return pc_error_set(err, PC_EDATA, NULL, 0,
		                    "only %zu of %zu bootstrap replicates could be refitted: "
		                    "too few past projects for confidence intervals",
		                    ok, nrep);
	return PC_OK;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The p-quantile of sorted v[0..m-1] by the same rule as before: the
 * lower end floors, the upper end ceils, so the interval never narrows. */
static double sorted_at(const double *v, size_t m, double p, int upper)
{
	double x = p * (double)(m - 1);
	size_t i = (size_t)(upper ? ceil(x) : floor(x));
	return v[i < m ? i : m - 1];
}

/* The BCa level of the normal point z: Phi(z0 + (z0 + z) / (1 - a (z0 + z))),
 * the denominator kept from zero (past it the level would wrap round). */
static double bca_level(double z0, double a, double z)
{
	double t = z0 + z, den = 1 - a * t;

	if (!isfinite(den))
		den = 1;
	else if (den < 0.1)
		den = 0.1;
	return gsl_cdf_ugaussian_P(z0 + t / den);
}

/*
 * The bias-corrected percentile interval (Efron's BC): when the
 * replicates fall mostly on one side of the estimate, the estimator is
 * biased that way in the bootstrap world, and by the bootstrap principle
 * in ours too; z0 = Phi^-1(share of replicates below the estimate, ties
 * counting half) moves both percentiles to 2 z0 + z_alpha.  A plan learned
 * from a few dozen projects underestimates correlations and tails, so the
 * plain percentile interval sat wholly below the truth too often.  The
 * acceleration a (BCa) then stretches the side toward which the spread
 * grows: z0 + (z0 + z_alpha) / (1 - a (z0 + z_alpha)).
 */
int pci_boot_interval(const double *vals, size_t nrep, size_t nvals, size_t col,
                      double est, double a, double *lo, double *hi)
{
	return pci_boot_interval_n(vals, nrep, nvals, col, est, a, 0, lo, hi);
}

/*
 * The normal point a 95% interval from n resampled units reaches for:
 * Hesterberg's expanded percentile interval, sqrt(n / (n - 1)) t(n-1),
 * in place of 1.96.  A resample of n units has n - 1 over n of the
 * variance, and its spread is itself uncertain as a t statistic's is;
 * with 5 projects the replicates' 2.5% and 97.5% points reach only about
 * two thirds as far as they should (5 projects: 3.10 against 1.96, so
 * the 0.1% and 99.9% points).  n < 2 (or 0: not given): 1.96.
 */
static double expanded_z(size_t n)
{
	if (n < 2)
		return gsl_cdf_ugaussian_Pinv(0.975);
	return sqrt((double)n / (double)(n - 1)) *
	       gsl_cdf_tdist_Pinv(0.975, (double)(n - 1));
}

int pci_boot_interval_n(const double *vals, size_t nrep, size_t nvals,
                        size_t col, double est, double a, size_t n,
                        double *lo, double *hi)
{
	double *tmp = malloc((nrep ? nrep : 1) * sizeof *tmp);
	double z = expanded_z(n);
	double a1 = gsl_cdf_ugaussian_P(-z), a2 = gsl_cdf_ugaussian_P(z);
	size_t m = 0;

	if (!tmp)
		return -1;
	for (size_t r = 0; r < nrep; r++)
		if (!isnan(vals[r * nvals]))
			tmp[m++] = vals[r * nvals + col];
	if (m == 0) {
		*lo = *hi = NAN;
		free(tmp);
		return 0;
	}
	qsort(tmp, m, sizeof *tmp, cmp_double);
	if (isfinite(est) && m >= 10) {
		double below = 0, z0;
		for (size_t i = 0; i < m; i++)
			below += tmp[i] < est ? 1 : tmp[i] == est ? 0.5 : 0;
		below /= (double)m;
		/* keep z0 finite when every replicate lies on one side */
		if (below < 0.5 / (double)m)
			below = 0.5 / (double)m;
		if (below > 1 - 0.5 / (double)m)
			below = 1 - 0.5 / (double)m;
		z0 = gsl_cdf_ugaussian_Pinv(below);
		a1 = bca_level(z0, a, -z);
		a2 = bca_level(z0, a, z);
	}
	*lo = sorted_at(tmp, m, a1, 0);
	*hi = sorted_at(tmp, m, a2, 1);
	free(tmp);
	return 0;
}

/*
 * The 2.5% and 97.5% points of t = (vals[col] - est) / spread over the
 * good replicates that have a spread (vals[shi] - vals[slo] > 0), with t
 * as scratch (nrep entries): how many such replicates there were.
 */
static size_t t_points(const double *vals, size_t nrep, size_t nvals,
                       size_t col, size_t slo, size_t shi, double est,
                       double z, double *t, double *t025, double *t975)
{
	size_t m = 0;

	for (size_t r = 0; r < nrep; r++) {
		const double *v = vals + r * nvals;
		double s = v[shi] - v[slo];
		if (isnan(v[0]) || !(s > 0) || !isfinite(v[col]))
			continue;
		t[m++] = (v[col] - est) / s;
	}
	if (m) {
		qsort(t, m, sizeof *t, cmp_double);
		*t025 = sorted_at(t, m, gsl_cdf_ugaussian_P(-z), 0);
		*t975 = sorted_at(t, m, gsl_cdf_ugaussian_P(z), 1);
	}
	return m;
}

/*
 * The studentized (percentile-t) interval, with the plan's own spread as
 * the scale: t = (replicate - estimate) / replicate's spread, and the
 * interval estimate - t_97.5 spread .. estimate - t_2.5 spread.  Why: a
 * release P80 learned from a few dozen projects is off by an amount that
 * grows with how spread out the learned plan is, and a history that
 * makes the plan early usually makes it narrow too; percentile intervals
 * (BC, BCa) then take their width from that narrow plan and end early
 * exactly when the plan is early, where t, measured in units of spread,
 * carries over from the replicates to the estimate.  Known-truth
 * histories (tests/bench/coverage): see README.
 */
int pci_boot_interval_t(const double *vals, size_t nrep, size_t nvals,
                        size_t col, size_t slo, size_t shi, double est,
                        double sest, size_t n, double *lo, double *hi)
{
	double *t, t025 = 0, t975 = 0;

	if (!isfinite(est) || !(sest > 0))
		return pci_boot_interval_n(vals, nrep, nvals, col, est, 0, n, lo, hi);
	t = malloc((nrep ? nrep : 1) * sizeof *t);
	if (!t)
		return -1;
	if (t_points(vals, nrep, nvals, col, slo, shi, est, expanded_z(n), t, &t025,
	             &t975) < 10) {
		/* too few replicates with a spread to say how t spreads */
		free(t);
		return pci_boot_interval_n(vals, nrep, nvals, col, est, 0, n, lo, hi);
	}
	free(t);
	/* whole days, rounded outward so the interval never narrows */
	*lo = floor(est - t975 * sest);
	*hi = ceil(est - t025 * sest);
	return 0;
}

/*
 * The odds of a day by inverting the studentized intervals of the
 * quantiles.  The odds F(D) of finishing by day D are at least q exactly
 * when the q-quantile Q(q) is at most D, so the levels q whose 95%
 * interval of Q(q) holds D form a 95% confidence set for F(D) wherever
 * those intervals hold their level (at q = F(D) the truth Q(q) is D).
 * The quantile intervals are pci_boot_interval_t's, which hold their
 * level on known-truth histories where percentile intervals of the odds
 * themselves (BCa) missed high: the odds of a fixed day come out too
 * high exactly when the plan is early and narrow, and only a scale taken
 * from each replicate's own spread carries that over.
 *
 * The bounds are read off the grid of levels outward: hi is the level
 * just above the highest one whose interval's lower end is still at or
 * before D (1 past the grid's end), lo the level just below the lowest
 * whose upper end is at or after D (0 past its start), so that a truth
 * falling between two levels is not lost to the grid.  Upper and lower
 * ends are compared with D, not "D lies inside", because an interval
 * may end before D at a high level (the odds are then at least that
 * level) without that level being inside the set.
 *
 * The ends are not rounded to whole days as the dates' are: the truth
 * at q = F(D) is D itself, so D inside the unrounded interval is the
 * test, and rounding outward only widened the odds' interval (40
 * projects: 0.243 to 0.261 wide, holding 94.0% to 95.3%; README).
 */
int pci_boot_odds_t(const double *vals, size_t nrep, size_t nvals,
                    size_t q0, const double *levels, size_t nlev,
                    size_t slo, size_t shi, const double *est, double sest,
                    size_t n, double day, double p, double *lo, double *hi)
{
	double *t, z = expanded_z(n);
	size_t top = SIZE_MAX, bottom = SIZE_MAX;

	if (!(sest > 0) || nlev == 0)
		return 1;
	t = malloc((nrep ? nrep : 1) * sizeof *t);
	if (!t)
		return -1;
	for (size_t l = 0; l < nlev; l++) {
		double t025, t975, lower, upper;
		if (!isfinite(est[l]))
			continue;
		if (t_points(vals, nrep, nvals, q0 + l, slo, shi, est[l], z, t,
		             &t025, &t975) < 10) {
			free(t);
			return 1;
		}
		lower = est[l] - t975 * sest;
		upper = est[l] - t025 * sest;
		if (lower <= day)
			top = l;
		if (bottom == SIZE_MAX && upper >= day)
			bottom = l;
	}
	free(t);
	*hi = top == SIZE_MAX ? levels[0] : top + 1 < nlev ? levels[top + 1] : 1;
	*lo = bottom == SIZE_MAX ? levels[nlev - 1] : bottom > 0 ? levels[bottom - 1] : 0;
	/* the estimate itself is never outside its own interval */
	if (isfinite(p)) {
		if (*lo > p)
			*lo = p;
		if (*hi < p)
			*hi = p;
	}
	return 0;
}
