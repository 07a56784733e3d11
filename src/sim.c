/*
 * sim.c - the Monte Carlo engine: draw every phase's duration (jointly
 * through the Gaussian copula, or independently), lay the phases out on
 * the graph, and count start and finish days in histograms.
 *
 * Days are integers, so a histogram of day offsets holds everything the
 * percentiles need: memory is the span of days, not the number of draws.
 * Work is cut into fixed blocks of iterations; block b always draws from
 * a generator seeded from (seed, b), and integer counts add up the same
 * in any order, so the answer does not depend on the number of threads.
 */
#include <config.h>

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "plan_internal.h"

/*
 * The duration table of a phase, one allocation:
 *   double   u[n]       F(k + 0.5), k = 1..n
 *   uint32_t ug[2n]     ug[b]: first index with u[i] >= b / 2n
 *   double   z[n]       Phi^-1(u[i]), the same table on the normal scale
 *   uint32_t zg[2n]     zg[b]: first index with z[i] >= ZLO + b * zw
 * The guide tables start each lookup next to its answer, so it steps
 * forward about once (Chen and Asau's guide-table inversion) instead of a
 * binary search whose unpredictable branches cost more than the rest of
 * an iteration.  The normal-scale copy lets the copula look up its normal
 * draw directly: smallest k with Phi^-1(F(k + .5)) >= z is the smallest k
 * with F(k + .5) >= Phi(z), without computing Phi per draw.
 */
#define ZLO (-8.5)
#define ZHI 8.5

struct layout {
	double *u, *z;
	uint32_t *ug, *zg;
	size_t n, g;
	double zw;
};

static struct layout layout_of(const double *t, size_t n)
{
	struct layout l;
	l.n = n;
	l.g = 2 * n;
	l.u = (double *)t;
	l.ug = (uint32_t *)(l.u + n);
	l.z = (double *)(l.ug + l.g);
	l.zg = (uint32_t *)(l.z + n);
	l.zw = (ZHI - ZLO) / (double)l.g;
	return l;
}

int pci_duration_table(const pc_family *f, const double *p, double **table,
                       size_t *n)
{
	size_t cap = 64, k = 0;
	double *t = malloc(cap * sizeof *t), *q;
	struct layout l;

	if (!t)
		return -1;
	for (;;) {
		double c = f->cdf((double)(k + 1) + 0.5, p);
		if (!(c >= 0))      /* NaN from a bad parameter: treat as 0 */
			c = 0;
		if (k > 0 && c < t[k - 1]) /* keep it monotone against rounding */
			c = t[k - 1];
		if (k == cap) {
			cap *= 2;
			q = realloc(t, cap * sizeof *q);
			if (!q) {
				free(t);
				return -1;
			}
			t = q;
		}
		t[k++] = c;
		if (c >= 1.0 - 1e-9 || k >= PCI_TABLE_MAX)
			break;
	}
	/* 2 doubles and 4 uint32 per entry: 16 bytes, so z stays aligned */
	q = realloc(t, k * (2 * sizeof(double) + 4 * sizeof(uint32_t)));
	if (!q) {
		free(t);
		return -1;
	}
	t = q;
	l = layout_of(t, k);
	for (size_t i = 0; i < k; i++)
		l.z[i] = l.u[i] <= 0 ? -INFINITY : gsl_cdf_ugaussian_Pinv(l.u[i]);
	for (size_t b = 0, i = 0, j = 0; b < l.g; b++) {
		double u = (double)b / (double)l.g, z = ZLO + (double)b * l.zw;
		while (i < k && l.u[i] < u)
			i++;
		l.ug[b] = (uint32_t)i;
		while (j < k && l.z[j] < z)
			j++;
		l.zg[b] = b == 0 ? 0 : (uint32_t)j; /* bucket 0 also holds z < ZLO */
	}
	*table = t;
	*n = k;
	return 0;
}

/* The far tail (probability < 1e-9, or a very heavy tail): the quantile,
 * rounded, capped at a century so one absurd draw cannot blow up the
 * histograms. */
static int tail(const pci_sim_phase *ph, double u)
{
	double x = ph->family->quantile(u, ph->params);

	if (!(x < 36525.0))
		return 36525;
	x = floor(x + 0.5);
	if (x < (double)ph->ntable + 1)
		x = (double)ph->ntable + 1;
	return (int)x;
}

int pci_duration_lookup(const pci_sim_phase *ph, double u)
{
	size_t n = ph->ntable;

	if (n && u <= ph->table[n - 1]) {
		struct layout l = layout_of(ph->table, n);
		size_t b = (size_t)(u * (double)l.g), i;
		if (b >= l.g)
			b = l.g - 1;
		/* smallest index with u[i] >= u: it exists, u <= u[n - 1] */
		for (i = l.ug[b]; l.u[i] < u; i++)
			;
		return (int)i + 1;
	}
	return tail(ph, u);
}

int pci_duration_lookup_z(const pci_sim_phase *ph, double z)
{
	size_t n = ph->ntable;
	double u;

	if (n) {
		struct layout l = layout_of(ph->table, n);
		if (z <= l.z[n - 1]) {
			double x = (z - ZLO) / l.zw;
			size_t b = x <= 0 ? 0 : x >= (double)(l.g - 1) ? l.g - 1 : (size_t)x, i;
			for (i = l.zg[b]; l.z[i] < z; i++)
				;
			return (int)i + 1;
		}
	}
	u = gsl_cdf_ugaussian_P(z);
	return tail(ph, u >= 1 ? 1 - 1e-16 : u);
}

/* splitmix64 finaliser: spreads (seed, block) over the seed space. */
uint64_t pci_mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int hist_add(pci_hist *h, long off)
{
	if ((size_t)off >= h->n) {
		size_t n = h->n ? h->n : 256;
		uint64_t *c;
		while (n <= (size_t)off)
			n *= 2;
		c = realloc(h->count, n * sizeof *c);
		if (!c)
			return -1;
		memset(c + h->n, 0, (n - h->n) * sizeof *c);
		h->count = c;
		h->n = n;
	}
	h->count[off]++;
	return 0;
}

static int hist_merge(pci_hist *into, const pci_hist *from)
{
	if (from->n > into->n) {
		uint64_t *c = realloc(into->count, from->n * sizeof *c);
		if (!c)
			return -1;
		memset(c + into->n, 0, (from->n - into->n) * sizeof *c);
		into->count = c;
		into->n = from->n;
	}
	for (size_t i = 0; i < from->n; i++)
		into->count[i] += from->count[i];
	return 0;
}

struct worker {
	const pci_sim_config *cfg;
	size_t first_block, nblocks;   /* this round's blocks */
	unsigned id, nthreads;
	pci_hist *hists;               /* 2 * nphases + 1 */
	int failed;
	pthread_t tid;
};

static void run_block(struct worker *w, gsl_rng *rng, size_t b, double *z,
                      double *u, long *fin)
{
	const pci_sim_config *cfg = w->cfg;
	size_t k = cfg->nphases;
	uint64_t first = (uint64_t)b * cfg->block, last = first + cfg->block;
	pci_hist *hs = w->hists, *hf = w->hists + k, *hr = w->hists + 2 * k;

	if (cfg->iterations && last > cfg->iterations)
		last = cfg->iterations;
	gsl_rng_set(rng, (unsigned long)pci_mix64(cfg->seed ^ pci_mix64(b)));
	for (uint64_t it = first; it < last; it++) {
		long rel = 0;

		if (cfg->chol) {
			/* u[] holds the correlated normal draws here */
			for (size_t i = 0; i < k; i++)
				z[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
			for (size_t i = 0; i < k; i++) {
				double s = 0;
				const double *row = cfg->chol + i * k;
				for (size_t j = 0; j <= i; j++)
					s += row[j] * z[j];
				u[i] = s;
			}
		} else {
			for (size_t i = 0; i < k; i++)
				u[i] = gsl_rng_uniform_pos(rng);
		}
		for (size_t i = 0; i < k; i++) {
			const pci_sim_phase *ph = cfg->ph + i;
			int lag = ph->nlags ? ph->lags[gsl_rng_uniform_int(rng, ph->nlags)]
			                    : ph->lag0;
			long start, d;

			d = cfg->chol ? pci_duration_lookup_z(ph, u[i])
			              : pci_duration_lookup(ph, u[i]);
			start = ph->pred < 0 ? lag : fin[ph->pred] + 1 + lag;
			/* Nothing starts before the release does. */
			if (start < 0)
				start = 0;
			fin[i] = start + d - 1;
			if (fin[i] > rel)
				rel = fin[i];
			if (hist_add(hs + i, start) || hist_add(hf + i, fin[i])) {
				w->failed = 1;
				return;
			}
		}
		if (hist_add(hr, rel)) {
			w->failed = 1;
			return;
		}
	}
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	size_t k = w->cfg->nphases;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *z = malloc(2 * (k ? k : 1) * sizeof *z);
	long *fin = malloc((k ? k : 1) * sizeof *fin);

	if (!rng || !z || !fin) {
		w->failed = 1;
		goto out;
	}
	for (size_t b = w->id; b < w->nblocks && !w->failed; b += w->nthreads)
		run_block(w, rng, w->first_block + b, z, z + k, fin);
out:
	free(fin);
	free(z);
	gsl_rng_free(rng);
	return NULL;
}

/* Run blocks [first, first + nblocks) on cfg->threads threads and add the
 * counts into res. */
static int run_round(const pci_sim_config *cfg, size_t first, size_t nblocks,
                     pci_sim_result *res, pc_error *err)
{
	unsigned nt = cfg->threads ? cfg->threads : 1;
	size_t nh = 2 * cfg->nphases + 1;
	struct worker *w;
	int rc = PC_OK;

	if (nt > nblocks)
		nt = (unsigned)nblocks;
	w = calloc(nt, sizeof *w);
	if (!w)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	for (unsigned t = 0; t < nt; t++) {
		w[t].cfg = cfg;
		w[t].first_block = first;
		w[t].nblocks = nblocks;
		w[t].id = t;
		w[t].nthreads = nt;
		w[t].hists = calloc(nh, sizeof *w[t].hists);
		if (!w[t].hists)
			w[t].failed = 1;
	}
	/* Thread 0's share runs on the calling thread. */
	for (unsigned t = 1; t < nt; t++)
		if (!w[t].failed && pthread_create(&w[t].tid, NULL, worker_main, &w[t]))
			w[t].failed = 2;
	if (!w[0].failed)
		worker_main(&w[0]);
	for (unsigned t = 1; t < nt; t++)
		if (w[t].failed != 2 && w[t].hists)
			pthread_join(w[t].tid, NULL);
	for (unsigned t = 0; t < nt; t++) {
		if (w[t].failed)
			rc = PC_ENOMEM;
		for (size_t i = 0; w[t].hists && i < nh; i++) {
			pci_hist *into = i < cfg->nphases ? res->start + i
			               : i < 2 * cfg->nphases ? res->finish + i - cfg->nphases
			               : &res->release;
			if (!rc && hist_merge(into, &w[t].hists[i]))
				rc = PC_ENOMEM;
			free(w[t].hists[i].count);
		}
		free(w[t].hists);
	}
	free(w);
	if (rc)
		return pc_error_set(err, rc, NULL, 0,
		                    rc == PC_ENOMEM ? "out of memory" : "cannot start a thread");
	return PC_OK;
}

long pci_hist_quantile(const pci_hist *h, uint64_t total, double p)
{
	double target = p * (double)total;
	uint64_t cum = 0;

	for (size_t i = 0; i < h->n; i++) {
		cum += h->count[i];
		/* a tiny slack so p * total computed as 79999.99999 still
		 * selects the day where the count reaches 80000 */
		if ((double)cum >= target - 1e-9 * (double)total && cum > 0)
			return (long)i;
	}
	return h->n ? (long)h->n - 1 : 0;
}

double pci_hist_se(const pci_hist *h, uint64_t total, double p)
{
	long q = pci_hist_quantile(h, total, p);
	long q25 = pci_hist_quantile(h, total, 0.25);
	long q75 = pci_hist_quantile(h, total, 0.75);
	long w = (q75 - q25) / 8;
	uint64_t c = 0;
	double f;

	/* A window of about an eighth of the interquartile range (at least
	 * one day each side) smooths the day-to-day noise of the counts
	 * without flattening the density. */
	if (w < 1)
		w = 1;
	for (long i = q - w; i <= q + w; i++)
		if (i >= 0 && (size_t)i < h->n)
			c += h->count[i];
	if (total == 0)
		return INFINITY;
	f = (double)c / (double)total / (double)(2 * w + 1);
	if (f <= 0)
		return INFINITY;
	return sqrt(p * (1 - p) / (double)total) / f;
}

static double max_se(const pci_sim_result *r)
{
	static const double pct[] = {0.10, 0.50, 0.80, 0.90};
	double m = 0;

	for (size_t j = 0; j < 4; j++) {
		double s = pci_hist_se(&r->release, r->iterations, pct[j]);
		if (s > m)
			m = s;
		for (size_t i = 0; i < r->nphases; i++) {
			s = pci_hist_se(r->start + i, r->iterations, pct[j]);
			if (s > m)
				m = s;
			s = pci_hist_se(r->finish + i, r->iterations, pct[j]);
			if (s > m)
				m = s;
		}
	}
	return m;
}

int pci_sim_run(const pci_sim_config *cfg, pci_sim_result *out, pc_error *err)
{
	size_t nblocks, done = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (cfg->block == 0 || cfg->nphases == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "nothing to simulate");
	out->nphases = cfg->nphases;
	out->start = calloc(cfg->nphases, sizeof *out->start);
	out->finish = calloc(cfg->nphases, sizeof *out->finish);
	if (!out->start || !out->finish) {
		pci_sim_result_release(out);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	if (cfg->iterations) {
		nblocks = (size_t)((cfg->iterations + cfg->block - 1) / cfg->block);
		rc = run_round(cfg, 0, nblocks, out, err);
		out->iterations = cfg->iterations;
		out->blocks = nblocks;
		if (rc)
			pci_sim_result_release(out);
		return rc;
	}
	/* Auto: 10 blocks first, then as many more as the standard error,
	 * which falls as 1 / sqrt(n), says are needed (plus 10%). */
	nblocks = 10;
	for (;;) {
		double se, need;

		rc = run_round(cfg, done, nblocks, out, err);
		if (rc) {
			pci_sim_result_release(out);
			return rc;
		}
		done += nblocks;
		out->blocks = done;
		out->iterations = (uint64_t)done * cfg->block;
		se = max_se(out);
		if (se < cfg->target_se || out->iterations >= cfg->max_iterations)
			break;
		need = (double)done * (se / cfg->target_se) * (se / cfg->target_se) * 1.1;
		nblocks = need > (double)done ? (size_t)ceil(need) - done : 1;
		if ((uint64_t)(done + nblocks) * cfg->block > cfg->max_iterations)
			nblocks = (size_t)(cfg->max_iterations / cfg->block) - done;
		if (nblocks == 0)
			break;
	}
	return PC_OK;
}

void pci_sim_result_release(pci_sim_result *r)
{
	for (size_t i = 0; i < r->nphases; i++) {
		if (r->start)
			free(r->start[i].count);
		if (r->finish)
			free(r->finish[i].count);
	}
	free(r->start);
	free(r->finish);
	free(r->release.count);
	memset(r, 0, sizeof *r);
}
