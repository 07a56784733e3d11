/*
 * sim.c - the Monte Carlo engine, the one behind plan, whatif and
 * backtest: draw every phase's duration (jointly through the Gaussian
 * copula, or independently, either way conditioned on what progress has
 * shown), draw which optional phases take place, lay the phases out on
 * the graph under the scenario (bookings, scale, skips, progress), and
 * hand each iteration to a sink: histograms for a plan, per-iteration
 * arrays for the what-if questions.
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
#include <unistd.h>

#include <gsl/gsl_cdf.h>

#include "plan_internal.h"
#include "rng.h"

/*
 * The duration table of a phase, one allocation:
 *   double   u[n]       F(k + 0.5), k = 1..n
 *   uint32_t ug[2n]     ug[b]: first index whose u falls in bucket b or
 *                       later (bucket(): b / 2n <= u < (b + 1) / 2n)
 *   double   z[n]       Phi^-1(u[i]), the same table on the normal scale
 *   uint32_t zg[2n]     the same for z, buckets of (ZHI - ZLO) / 2n from ZLO
 *   uint64_t ku[n]      floor(u[i] 2^53): u[i] in whole 2^-53ths
 *   uint32_t kg[2n]     the same for ku (key_bucket())
 * The guide tables start each lookup next to its answer, so it steps
 * forward about once (Chen and Asau's guide-table inversion) instead of a
 * binary search whose unpredictable branches cost more than the rest of
 * an iteration.  The normal-scale copy lets the copula look up its normal
 * draw directly: smallest k with Phi^-1(F(k + .5)) >= z is the smallest k
 * with F(k + .5) >= Phi(z), without computing Phi per draw.
 */
#if PCI_TABLE_MAX >= PCI_DURATION_CAP
#error "capped draws are counted in the tail only: a table must end below the cap"
#endif

#define ZLO (-8.5)
#define ZHI 8.5

struct layout {
	double *u, *z;
	uint32_t *ug, *zg, *kg;
	uint64_t *ku;
	size_t n, g;
};

static inline struct layout layout_of(const double *t, size_t n)
{
	struct layout l;
	l.n = n;
	l.g = 2 * n;
	l.u = (double *)t;
	l.ug = (uint32_t *)(l.u + n);
	l.z = (double *)(l.ug + l.g);
	l.zg = (uint32_t *)(l.z + n);
	l.ku = (uint64_t *)(l.zg + l.g);
	l.kg = (uint32_t *)(l.ku + n);
	return l;
}

/* A guide table's buckets: v falls in floor((v - lo) * scale), clamped to
 * 0..top.  scale is the reciprocal of the buckets' width, so a lookup
 * multiplies where it used to divide.  The tables are built with this
 * same function, so a bucket's first index never lies past the answer
 * however the product rounds: it is monotone in v (and written so that
 * no multiply-add can be fused differently in one place than another). */
struct guide {
	double lo, scale, top;
};

static inline struct guide guide_of(size_t n, int zscale)
{
	struct guide q;
	double g = (double)(2 * n);

	q.lo = zscale ? ZLO : 0;
	q.scale = zscale ? g * (1.0 / (ZHI - ZLO)) : g;
	q.top = g - 1;
	return q;
}

/*
 * The integer lookup of the plain independent draw.  Its uniform is
 * u = key 2^-53 with key = (bits >> 11) | 1 odd (pci_rng_uniform_pos), and
 * u[i] >= u exactly when floor(u[i] 2^53) >= key (key is whole; u[i] has
 * finer steps than 2^-53 below 1/2), so the answer is the
 * same as the double lookup's without turning the bits into a double.
 * The bucket takes key's top 32 of 53 bits times g, a multiply and two
 * shifts; the build clamps ku = 2^53 (u[i] = 1) into the last bucket.
 */
static inline size_t key_bucket(uint64_t key, uint64_t g)
{
	return (size_t)(((key >> 21) * g) >> 32);
}

static inline size_t bucket(const struct guide *q, double v)
{
	double x = (v - q->lo) * q->scale;
	/* clamped as doubles (no branches), converted through a signed
	 * type, which x86 does in one instruction and unsigned does not */
	x = x > 0 ? x : 0;
	x = x < q->top ? x : q->top;
	return (size_t)(long)x;
}

int pci_duration_table(const pc_family *f, const double *p, double **table,
                       size_t *n)
{
	size_t cap = 64, k = 0;
	double *t = malloc(cap * sizeof *t), *q;
	struct layout l;
	struct guide qu, qz;

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
	/* 3 doubles' worth and 6 uint32 per entry: multiples of 8 bytes,
	 * so each array stays aligned */
	q = realloc(t, k * (3 * sizeof(double) + 6 * sizeof(uint32_t)));
	if (!q) {
		free(t);
		return -1;
	}
	t = q;
	l = layout_of(t, k);
	for (size_t i = 0; i < k; i++) {
		l.z[i] = l.u[i] <= 0 ? -INFINITY : gsl_cdf_ugaussian_Pinv(l.u[i]);
		/* exact: scaling by 2^53 and floor are, and u[i] <= 1 */
		l.ku[i] = (uint64_t)floor(l.u[i] * 0x1p53);
	}
	/* ug[b]: the first entry whose own bucket is b or later (bucket 0
	 * also holds u = 0 and z < ZLO) */
	qu = guide_of(k, 0);
	qz = guide_of(k, 1);
	for (size_t b = 0, i = 0, j = 0; b < l.g; b++) {
		while (i < k && bucket(&qu, l.u[i]) < b)
			i++;
		l.ug[b] = (uint32_t)i;
		while (j < k && bucket(&qz, l.z[j]) < b)
			j++;
		l.zg[b] = (uint32_t)j;
	}
	for (size_t b = 0, i = 0; b < l.g; b++) {
		while (i < k && key_bucket(l.ku[i] < (1ULL << 53) ? l.ku[i]
		                           : (1ULL << 53) - 1, l.g) < b)
			i++;
		l.kg[b] = (uint32_t)i;
	}
	*table = t;
	*n = k;
	return 0;
}

/* The far tail (probability < 1e-9, or a very heavy tail): the quantile,
 * rounded, capped at a century so one absurd draw cannot blow up the
 * histograms; the runs count such draws (capped) so callers can say so. */
static int tail(const pci_sim_phase *ph, double u)
{
	double x = ph->family->quantile(u, ph->params);

	if (!(x < (double)PCI_DURATION_CAP))
		return PCI_DURATION_CAP;
	x = floor(x + 0.5);
	if (x < (double)ph->ntable + 1)
		x = (double)ph->ntable + 1;
	return (int)x;
}

/* The far tail on the normal scale. */
static int tail_z(const pci_sim_phase *ph, double z)
{
	double u = gsl_cdf_ugaussian_P(z);
	return tail(ph, u >= 1 ? 1 - 1e-16 : u);
}

/* What the simulator needs of a phase's table for one kind of draw (u or
 * z), unpacked once per worker rather than recomputed per draw. */
struct lookup {
	const double *tab;
	const uint32_t *gd;
	struct guide q;
	double last;            /* tab[n - 1]; -INFINITY: no table */
	const uint64_t *ku;     /* the integer table (u only) */
	const uint32_t *kg;
	uint64_t g, klast;      /* klast: ku[n - 1]; 0: no table */
};

static struct lookup lookup_of(const pci_sim_phase *ph, int zscale)
{
	struct layout l = layout_of(ph->table, ph->ntable);
	struct lookup k;

	k.tab = zscale ? l.z : l.u;
	k.gd = zscale ? l.zg : l.ug;
	k.q = guide_of(ph->ntable, zscale);
	k.last = ph->ntable ? k.tab[ph->ntable - 1] : -INFINITY;
	k.ku = l.ku;
	k.kg = l.kg;
	k.g = l.g;
	k.klast = ph->ntable ? l.ku[ph->ntable - 1] : 0;
	return k;
}

/* Whole days for v (u, or z with zscale), or 0 beyond the table: the
 * smallest index with tab[i] >= v exists when v <= tab[n - 1]. */
static inline int find(const struct lookup *k, double v)
{
	size_t i;

	if (!(v <= k->last))
		return 0;
	for (i = k->gd[bucket(&k->q, v)]; k->tab[i] < v; i++)
		;
	return (int)i + 1;
}

/* The same for the odd key of a plain uniform draw (u = key 2^-53). */
static inline int find_key(const struct lookup *k, uint64_t key)
{
	size_t i;

	if (!(key <= k->klast))
		return 0;
	for (i = k->kg[key_bucket(key, k->g)]; k->ku[i] < key; i++)
		;
	return (int)i + 1;
}

int pci_duration_lookup(const pci_sim_phase *ph, double u)
{
	struct lookup k = lookup_of(ph, 0);
	int d = find(&k, u);
	return d ? d : tail(ph, u);
}

int pci_duration_lookup_key(const pci_sim_phase *ph, uint64_t key)
{
	struct lookup k = lookup_of(ph, 0);
	int d = find_key(&k, key);
	return d ? d : tail(ph, (double)key * 0x1p-53);
}

int pci_duration_lookup_z(const pci_sim_phase *ph, double z)
{
	struct lookup k = lookup_of(ph, 1);
	int d = find(&k, z);
	return d ? d : tail_z(ph, z);
}

/* splitmix64 finaliser: spreads (seed, block) over the seed space. */
uint64_t pci_mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Grow h to hold offset off, then count it.  A histogram holds only the
 * span of days it has seen (from base): a late phase of a long plan
 * starts thousands of days in, and a count from day 0 for each of
 * thousands of phases would be gigabytes of zeros. */
static int hist_grow_add(pci_hist *h, long off)
{
	long lo = h->n ? h->base : off, hi = h->n ? h->base + (long)h->n : off + 1;
	size_t n;
	uint64_t *c;

	if (off < lo)
		lo = off - (hi - off) / 2;   /* room below too, as it grows */
	if (off >= hi)
		hi = off + 1 + (off + 1 - lo);
	if (lo < 0 && h->base >= 0 && off >= 0)
		lo = 0;
	n = (size_t)(hi - lo);
	if (n < 64)
		n = 64;
	c = calloc(n, sizeof *c);
	if (!c)
		return -1;
	if (h->n)
		memcpy(c + (h->base - lo), h->count, h->n * sizeof *c);
	free(h->count);
	h->count = c;
	h->n = n;
	h->base = lo;
	h->count[off - lo]++;
	return 0;
}

/* Count offset off: the simulator's most frequent call, so the common
 * case is inline and only growth is not. */
static inline int hist_add(pci_hist *h, long off)
{
	size_t i = (size_t)(off - h->base);

	if (i < h->n) {
		h->count[i]++;
		return 0;
	}
	return hist_grow_add(h, off);
}

static int hist_merge(pci_hist *into, const pci_hist *from)
{
	long lo, hi;
	uint64_t *c;

	if (from->n == 0)
		return 0;
	if (into->n == 0) {
		lo = from->base;
		hi = from->base + (long)from->n;
	} else {
		lo = into->base < from->base ? into->base : from->base;
		hi = into->base + (long)into->n;
		if (from->base + (long)from->n > hi)
			hi = from->base + (long)from->n;
	}
	if (into->n == 0 || lo != into->base || hi != into->base + (long)into->n) {
		c = calloc((size_t)(hi - lo), sizeof *c);
		if (!c)
			return -1;
		if (into->n)
			memcpy(c + (into->base - lo), into->count, into->n * sizeof *c);
		free(into->count);
		into->count = c;
		into->n = (size_t)(hi - lo);
		into->base = lo;
	}
	for (size_t i = 0; i < from->n; i++)
		into->count[from->base - into->base + (long)i] += from->count[i];
	return 0;
}

/* Cut h down to the days it counted, so that its layout depends only on
 * what was counted, never on how the threads grew their parts. */
static int hist_trim(pci_hist *h)
{
	size_t a = 0, b = h->n;
	uint64_t *c;

	while (a < b && h->count[a] == 0)
		a++;
	while (b > a && h->count[b - 1] == 0)
		b--;
	if (a == 0 && b == h->n)
		return 0;
	if (a == b) {
		free(h->count);
		h->count = NULL;
		h->n = 0;
		h->base = 0;
		return 0;
	}
	c = malloc((b - a) * sizeof *c);
	if (!c)
		return -1;
	memcpy(c, h->count + a, (b - a) * sizeof *c);
	free(h->count);
	h->count = c;
	h->base += (long)a;
	h->n = b - a;
	return 0;
}

unsigned pci_online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

void pci_parallel(unsigned nthreads, void *(*fn)(void *), void *args,
                  size_t size)
{
	pthread_t *tid;
	unsigned char *started;
	char *a = args;

	if (nthreads <= 1) {
		fn(a);
		return;
	}
	tid = calloc(nthreads, sizeof *tid);
	started = calloc(nthreads, 1);
	for (unsigned t = 1; tid && started && t < nthreads; t++)
		started[t] = pthread_create(tid + t, NULL, fn, a + t * size) == 0;
	fn(a);
	for (unsigned t = 1; t < nthreads; t++) {
		if (started && started[t])
			pthread_join(tid[t], NULL);
		else
			fn(a + t * size); /* no thread: its share here, same items */
	}
	free(started);
	free(tid);
}

/* ---- one iteration */

/* A standard normal drawn within [a, b] by inversion of u in (0, 1),
 * from the upper tail when the interval lies there so that it stays
 * exact far out. */
static double trunc_normal(double a, double b, double u)
{
	double x;

	if (a > 0) {
		double qa = gsl_cdf_ugaussian_Q(a), qb = gsl_cdf_ugaussian_Q(b);
		double q = qa - u * (qa - qb);
		if (!(q > 0))
			return a;
		x = gsl_cdf_ugaussian_Qinv(q);
	} else {
		double pa = gsl_cdf_ugaussian_P(a), pb = gsl_cdf_ugaussian_P(b);
		double pp = pa + u * (pb - pa);
		if (!(pp > 0))
			return isfinite(b) ? b : a;
		if (pp >= 1)
			return a;
		x = gsl_cdf_ugaussian_Pinv(pp);
	}
	return x < a ? a : x > b ? b : x;
}

/* Per-worker scratch of one iteration's outcome. */
/* Forced inline where a constant argument must specialise the body, or
 * where the call itself would cost a good part of what it does. */
#if defined(__GNUC__)
#define SIM_INLINE inline __attribute__((always_inline))
#else
#define SIM_INLINE inline
#endif

/* A phase as one iteration reads it, unpacked once per worker: its
 * table lookup for the kind of draw this run makes, and its graph. */
struct hot {
	struct lookup k;
	const pci_sim_phase *ph;
	const long *preds;
	size_t npreds, nlags;
	long pred1;             /* the one predecessor, k for none, -1: more */
	const int *lags;
	int lag0;
	int draw_occ;           /* 0 < occurs < 1: a draw says if it occurs */
	double occurs;
	pci_hist *hst, *hfin;   /* the plain path's start and finish counts */
};

struct iter {
	const struct hot *hot;  /* per phase */
	double *e, *v;          /* copula draws; v: per phase, z or u */
	int32_t *st, *fin;
	long *setter;           /* the predecessor whose end set the start */
	unsigned char *bound;   /* 1: the start was set by `setter` */
	unsigned char *mis, *absent;
	int32_t rel;
	long top;               /* the phase that finished last */
	uint64_t *capped;       /* per phase: draws at the cap */
};

/* Whether each phase draws its own uniform inside layout_any, as it
 * goes: independent durations with nothing to condition on. */
static inline int fused(const pci_sim_config *c)
{
	return !c->chol && !c->zlo;
}

static SIM_INLINE void draw_copula(const pci_sim_config *c, pci_rng *rng,
                                   struct iter *t)
{
	size_t k = c->nphases;

	if (c->chol && !c->corder && !c->ncond) {
		/* the plain copula: what every plan draws */
		for (size_t r = 0; r < k; r++)
			t->e[r] = pci_rng_normal(rng);
		for (size_t r = 0; r < k; r++) {
			const double *row = c->chol + r * k;
			double s = 0;
			for (size_t q = 0; q <= r; q++)
				s += row[q] * t->e[q];
			t->v[r] = s;
		}
	} else if (c->chol) {
		size_t r = 0;
		for (; r < c->ncond; r++) {
			size_t i = c->corder ? c->corder[r] : r;
			const double *row = c->chol + r * k;
			double part = 0, u = pci_rng_uniform_pos(rng);
			for (size_t q = 0; q < r; q++)
				part += row[q] * t->e[q];
			t->e[r] = trunc_normal((c->zlo[i] - part) / row[r],
			                       (c->zhi[i] - part) / row[r], u);
		}
		for (; r < k; r++)
			t->e[r] = pci_rng_normal(rng);
		for (r = 0; r < k; r++) {
			const double *row = c->chol + r * k;
			double s = 0;
			for (size_t q = 0; q <= r; q++)
				s += row[q] * t->e[q];
			t->v[c->corder ? c->corder[r] : r] = s;
		}
	} else if (c->zlo) {
		for (size_t i = 0; i < k; i++) {
			double u = pci_rng_uniform_pos(rng);
			if (c->zlo[i] > -INFINITY || c->zhi[i] < INFINITY) {
				double lo = gsl_cdf_ugaussian_P(c->zlo[i]);
				double hi = gsl_cdf_ugaussian_P(c->zhi[i]);
				u = lo + u * (hi - lo);
				if (!(u > 0))
					u = 1e-300;
				if (u >= 1)
					u = 1 - 1e-16;
			}
			t->v[i] = u;
		}
	}
}

/* Start offset of the booked slot, or, when the phase is not ready for
 * it (`natural` is later), of the first slot of the same cadence at least
 * slot_notice calendar days after the day it is ready: a missed booking is
 * re-booked, and a shared slot needs notice. */
static int32_t slot_start(const pci_sim_config *c, pc_day first, long natural,
                          unsigned char *missed)
{
	long off = pc_calendar_index(c->cal, first) - c->k0;
	pc_day need;
	long m;

	*missed = natural > off;
	if (!*missed)
		return (int32_t)off;
	need = pc_calendar_day(c->cal, c->k0 + natural) + c->slot_notice;
	m = (need - first + c->slot_every - 1) / c->slot_every;
	if (m < 1)
		m = 1;
	for (;; m++) {
		off = pc_calendar_index(c->cal, first + (pc_day)(m * c->slot_every)) - c->k0;
		if (off >= natural)
			return (int32_t)off;
	}
}

/* Whether cfg changes anything about the plan: without, a plan's
 * iterations take the fast path of layout_any. */
static int has_scenario(const pci_sim_config *c)
{
	return c->scale || c->present || c->slot || c->done || c->started ||
	       c->cap || c->has_floor;
}

/* The histogram sink's state: per worker 2k + 1 histograms and k counts. */
struct hstate {
	pci_hist *h;
	uint64_t *occ;   /* per phase: iterations without it */
	uint64_t n;      /* iterations */
};

/*
 * Lay one iteration out on the graph: each phase starts after the latest
 * of its predecessors (plus a lag), unless the scenario says otherwise.
 *
 * One body for two callers, so the planner's fast path cannot drift from
 * the general one: plain (a constant at each call) says there is no
 * scenario and the sink is the histograms hs, which are counted straight
 * away; the compiler drops every scenario branch and every write to t the
 * histograms do not need.  Otherwise t gets the whole outcome for the
 * sink and hs is unused.  Both make the same draws in the same order.
 * 0, or -1 out of memory (plain only).
 */
static SIM_INLINE int layout_any(const pci_sim_config *c, pci_rng *rngp,
                                 struct iter *t, struct hstate *hs,
                                 const int plain)
{
	/* Locals for what the loop reads again and again: the rare calls
	 * out of it (a histogram's growth, the far tail) would otherwise
	 * make the compiler reload them, and the generator's state stays in
	 * registers. */
	const size_t k = c->nphases;
	const int fuse = fused(c), zs = c->chol != NULL;
	const struct hot *hot = t->hot;
	const double *tv = t->v;
	int32_t *fin = t->fin;
	pci_rng rs = *rngp, *rng = &rs;
	int32_t rel = 0;
	long top = -1;

	for (size_t i = 0; i < k; i++) {
		const struct hot *h = hot + i;
		/* a phase whose lags all agree has none to draw (pci_engine_init) */
		int lag = h->nlags ? h->lags[pci_rng_below(rng, h->nlags)] : h->lag0;
		int present = 1;
		long after = -1, natural, start, d;
		int32_t pfin = -1;
		double v;

		if (h->draw_occ)
			present = pci_rng_uniform(rng) < h->occurs;
		if (!plain && c->present && c->present[i] >= 0)
			present = c->present[i];
		if (h->pred1 >= 0) {
			/* none or one: fin[k] is -1, so no branch on which */
			pfin = fin[h->pred1];
			after = (size_t)h->pred1 < k ? h->pred1 : -1;
		} else {
			for (size_t q = 0; q < h->npreds; q++) {
				long p = h->preds[q];
				if (after < 0 || fin[p] > pfin) {
					pfin = fin[p];
					after = p;
				}
			}
		}
		/* with no predecessor pfin is -1: the start is the lag */
		natural = (long)pfin + 1 + lag;
		if (natural < 0) /* nothing starts before the release does */
			natural = 0;
		start = natural;
		if (!plain) {
			t->mis[i] = 0;
			t->setter[i] = after;
			t->bound[i] = after >= 0;
			t->absent[i] = !present;
		}
		if (!present) {
			/* Followers wait for what this phase waited for. */
			fin[i] = pfin;
			if (plain)
				hs->occ[i]++;
			else
				t->st[i] = pfin + 1;
			continue;
		}
		if (fuse) {
			/* pci_rng_uniform_pos's draw, looked up as bits */
			uint64_t key = (pci_rng_next(rng) >> 11) | 1;
			d = find_key(&h->k, key);
			v = (double)key * 0x1p-53;
		} else {
			v = tv[i];
			d = find(&h->k, v);
		}
		if (!d) {
			/* only the tail reaches the cap: a table stops short of it */
			d = zs ? tail_z(h->ph, v) : tail(h->ph, v);
			if (d >= PCI_DURATION_CAP)
				t->capped[i]++;
		}
		if (!plain && c->done && c->done[i] != PCI_SIM_NONE) {
			fin[i] = c->done[i];
			t->st[i] = c->done_start && c->done_start[i] != PCI_SIM_NONE
			           ? c->done_start[i] : (int32_t)(fin[i] - d + 1);
			t->bound[i] = 0;
		} else {
			if (!plain && c->started && c->started[i] != PCI_SIM_NONE) {
				start = c->started[i];
				/* the draw was conditioned on the days run so far */
				if (d < c->elapsed[i])
					d = c->elapsed[i];
				t->bound[i] = 0;
			} else if (!plain) {
				if (c->has_floor && start < c->floor) {
					start = c->floor;
					t->bound[i] = 0;
				}
				if (c->slot && c->slot[i] != PC_DAY_MIN) {
					start = slot_start(c, c->slot[i], start, &t->mis[i]);
					/* A missed slot is the predecessor's doing. */
					t->bound[i] = t->mis[i] && after >= 0;
				}
			}
			if (!plain && c->scale && c->scale[i] != 1.0) {
				long e = c->started && c->started[i] != PCI_SIM_NONE
				         ? c->elapsed[i] : 1;
				d = lround((double)d * c->scale[i]);
				if (d < e)
					d = e;
			}
			if (!plain)
				t->st[i] = (int32_t)start;
			fin[i] = (int32_t)(start + d - 1);
		}
		if (!plain && c->cap && c->cap[i] != PCI_SIM_NONE && fin[i] > c->cap[i])
			fin[i] = c->cap[i];
		if (plain) {
			rel = fin[i] > rel ? fin[i] : rel;
		} else if (fin[i] > rel || top < 0) {
			rel = fin[i];
			top = (long)i;
		}
		if (plain && (hist_add(h->hst, start) || hist_add(h->hfin, fin[i]))) {
			*rngp = rs;
			return -1;
		}
	}
	*rngp = rs;
	if (rel < 0)
		rel = 0;
	if (plain) {
		hs->n++;
		return hist_add(hs->h + 2 * k, rel);
	}
	t->rel = rel;
	t->top = top;
	return 0;
}

/* ---- the block loop, with a sink for what each iteration gave */

struct sink {
	/* the worker's own state, made before its first block */
	void *(*open)(void *ctx, size_t k);
	int (*add)(void *state, uint64_t it, const struct iter *t, size_t k);
	/* fold a worker's state into ctx and free it; 0 or -1 */
	int (*close)(void *ctx, void *state, size_t k, int ok);
	void *ctx;
	uint64_t *capped;  /* per phase: draws at PCI_DURATION_CAP (or NULL) */
};

static int hist_iter(void *state, uint64_t it, const struct iter *t, size_t k);

struct worker {
	const pci_sim_config *cfg;
	const struct sink *sink;
	size_t first_block, nblocks;   /* this round's blocks */
	unsigned id, nthreads;
	void *state;
	uint64_t *capped;              /* per phase, this worker's */
	int failed;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	const pci_sim_config *c = w->cfg;
	size_t k = c->nphases;
	pci_rng rng;
	struct iter t;
	double *dv = malloc(2 * k * sizeof *dv);
	int32_t *iv = malloc((2 * k + 1) * sizeof *iv);
	long *lv = malloc(k * sizeof *lv);
	unsigned char *cv = malloc(3 * k + 1);
	struct hot *hot = malloc(k * sizeof *hot);
	int plain;

	w->state = w->failed ? NULL : w->sink->open(w->sink->ctx, k);
	if (!dv || !iv || !lv || !cv || !hot || !w->state) {
		if (w->state) {
			w->sink->close(w->sink->ctx, w->state, k, 0);
			w->state = NULL;
		}
		w->failed = 1;
		goto out;
	}
	for (size_t i = 0; i < k; i++) {
		const pci_sim_phase *ph = c->ph + i;
		hot[i].k = lookup_of(ph, c->chol != NULL);
		hot[i].ph = ph;
		hot[i].preds = ph->preds;
		hot[i].npreds = ph->npreds;
		hot[i].pred1 = ph->npreds == 1 ? ph->preds[0]
		             : ph->npreds == 0 ? (long)k : -1;
		hot[i].lags = ph->lags;
		hot[i].nlags = ph->nlags;
		hot[i].lag0 = ph->lag0;
		hot[i].draw_occ = ph->occurs > 0 && ph->occurs < 1;
		hot[i].occurs = ph->occurs;
		hot[i].hst = hot[i].hfin = NULL;
	}
	t.hot = hot;
	t.capped = w->capped;
	t.e = dv;
	t.v = dv + k;
	t.st = iv;
	t.fin = iv + k;
	t.fin[k] = -1; /* the finish "before" the release: see pred1 */
	t.setter = lv;
	t.bound = cv;
	t.mis = cv + k;
	t.absent = cv + 2 * k;
	memset(cv, 0, 3 * k);
	plain = !has_scenario(c) && w->sink->add == hist_iter;
	if (plain) {
		struct hstate *hs = w->state;
		for (size_t i = 0; i < k; i++) {
			hot[i].hst = hs->h + i;
			hot[i].hfin = hs->h + k + i;
		}
	}
	for (size_t b = w->id; b < w->nblocks && !w->failed; b += w->nthreads) {
		uint64_t first = (uint64_t)(w->first_block + b) * c->block;
		uint64_t last = first + c->block;
		if (c->iterations && last > c->iterations)
			last = c->iterations;
		pci_rng_seed(&rng, c->seed ^ pci_mix64(w->first_block + b));
		if (plain) {
			/* the planner's loop, straight into the histograms */
			for (uint64_t it = first; it < last; it++) {
				draw_copula(c, &rng, &t);
				if (layout_any(c, &rng, &t, w->state, 1)) {
					w->failed = 1;
					break;
				}
			}
			continue;
		}
		for (uint64_t it = first; it < last; it++) {
			draw_copula(c, &rng, &t);
			layout_any(c, &rng, &t, NULL, 0);
			if (w->sink->add(w->state, it, &t, k)) {
				w->failed = 1;
				break;
			}
		}
	}
out:
	free(hot);
	free(cv);
	free(lv);
	free(iv);
	free(dv);
	return NULL;
}

/* Run blocks [first, first + nblocks) on cfg->threads threads through
 * the sink. */
static int run_blocks(const pci_sim_config *cfg, const struct sink *sk,
                      size_t first, size_t nblocks, pc_error *err)
{
	unsigned nt = cfg->threads ? cfg->threads : 1;
	struct worker *w;
	int rc = PC_OK;

	if (nt > nblocks)
		nt = (unsigned)nblocks;
	w = calloc(nt, sizeof *w);
	if (!w)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	for (unsigned t = 0; t < nt; t++) {
		w[t].capped = calloc(cfg->nphases, sizeof *w[t].capped);
		if (!w[t].capped)
			w[t].failed = 1;
		w[t].cfg = cfg;
		w[t].sink = sk;
		w[t].first_block = first;
		w[t].nblocks = nblocks;
		w[t].id = t;
		w[t].nthreads = nt;
	}
	pci_parallel(nt, worker_main, w, sizeof *w);
	/* in worker order, so whatever the sink folds is folded alike */
	for (unsigned t = 0; t < nt; t++) {
		if (w[t].failed)
			rc = PC_ENOMEM;
		if (w[t].state && sk->close(sk->ctx, w[t].state, cfg->nphases, !rc))
			rc = PC_ENOMEM;
		for (size_t i = 0; sk->capped && w[t].capped && i < cfg->nphases; i++)
			sk->capped[i] += w[t].capped[i];
		free(w[t].capped);
	}
	free(w);
	if (rc)
		return pc_error_set(err, rc, NULL, 0, "out of memory");
	return PC_OK;
}

/* The histogram sink (struct hstate above). */

static void *hist_open(void *ctx, size_t k)
{
	struct hstate *s = calloc(1, sizeof *s);

	(void)ctx;
	if (!s)
		return NULL;
	s->h = calloc(2 * k + 1, sizeof *s->h);
	s->occ = calloc(k ? k : 1, sizeof *s->occ);
	if (!s->h || !s->occ) {
		free(s->h);
		free(s->occ);
		free(s);
		return NULL;
	}
	return s;
}

static int hist_iter(void *state, uint64_t it, const struct iter *t, size_t k)
{
	struct hstate *s = state;

	(void)it;
	/* (days are never negative here: nothing starts before the release
	 * without a scenario, and plans have none) */
	for (size_t i = 0; i < k; i++) {
		if (t->absent[i]) {
			s->occ[i]++; /* absences: rarer than presences */
			continue;
		}
		if (hist_add(s->h + i, t->st[i]) || hist_add(s->h + k + i, t->fin[i]))
			return -1;
	}
	s->n++;
	return hist_add(s->h + 2 * k, t->rel);
}

static int hist_close(void *ctx, void *state, size_t k, int ok)
{
	pci_sim_result *res = ctx;
	struct hstate *s = state;
	int rc = 0;

	for (size_t i = 0; i < 2 * k + 1; i++) {
		pci_hist *into = i < k ? res->start + i : i < 2 * k ? res->finish + i - k
		               : &res->release;
		if (ok && !rc && hist_merge(into, s->h + i))
			rc = -1;
		free(s->h[i].count);
	}
	for (size_t i = 0; ok && i < k; i++)
		res->occurred[i] += s->n - s->occ[i];
	free(s->h);
	free(s->occ);
	free(s);
	return rc;
}

/* The trace sink: every iteration into the caller's arrays. */
static void *trace_open(void *ctx, size_t k)
{
	(void)k;
	return ctx;
}

static int trace_iter(void *state, uint64_t it, const struct iter *t, size_t k)
{
	pci_sim_trace *o = state;

	o->rel[it] = t->rel;
	if (o->start)
		memcpy(o->start + it * k, t->st, k * sizeof *t->st);
	if (o->fin)
		memcpy(o->fin + it * k, t->fin, k * sizeof *t->fin);
	if (o->missed)
		memcpy(o->missed + it * k, t->mis, k);
	if (o->absent)
		memcpy(o->absent + it * k, t->absent, k);
	if (o->crit) {
		unsigned char *c = o->crit + it * k;
		long j = t->top;
		memset(c, 0, k);
		/* Walk back from the last finisher while each start was set by
		 * the phase it waited for; an absent phase passes the chain
		 * through without being on it. */
		while (j >= 0) {
			if (!t->absent[j])
				c[j] = 1;
			if (!t->bound[j])
				break;
			j = t->setter[j];
		}
	}
	return 0;
}

static int trace_close(void *ctx, void *state, size_t k, int ok)
{
	(void)ctx;
	(void)state;
	(void)k;
	(void)ok;
	return 0;
}

int pci_sim_trace_run(const pci_sim_config *cfg, pci_sim_trace *out,
                      pc_error *err)
{
	struct sink sk = {trace_open, trace_iter, trace_close, out, out->capped};

	if (cfg->nphases == 0 || cfg->block == 0 || cfg->iterations == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "nothing to simulate");
	return run_blocks(cfg, &sk, 0,
	                  (size_t)((cfg->iterations + cfg->block - 1) / cfg->block), err);
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
			return h->base + (long)i;
	}
	return h->n ? h->base + (long)h->n - 1 : 0;
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
		if (i >= h->base && i < h->base + (long)h->n)
			c += h->count[i - h->base];
	if (total == 0)
		return INFINITY;
	f = (double)c / (double)total / (double)(2 * w + 1);
	if (f <= 0)
		return INFINITY;
	return sqrt(p * (1 - p) / (double)total) / f;
}

/* The largest standard error of a reported percentile; a phase counts
 * over the iterations it took place in. */
static double max_se(const pci_sim_result *r)
{
	static const double pct[] = {0.10, 0.50, 0.80, 0.90};
	double m = 0;

	for (size_t j = 0; j < 4; j++) {
		double s = pci_hist_se(&r->release, r->iterations, pct[j]);
		if (s > m)
			m = s;
		for (size_t i = 0; i < r->nphases; i++) {
			if (r->occurred[i] == 0)
				continue;
			s = pci_hist_se(r->start + i, r->occurred[i], pct[j]);
			if (s > m)
				m = s;
			s = pci_hist_se(r->finish + i, r->occurred[i], pct[j]);
			if (s > m)
				m = s;
		}
	}
	return m;
}

static int trim_all(pci_sim_result *r, pc_error *err)
{
	int bad = hist_trim(&r->release);
	for (size_t i = 0; i < r->nphases; i++)
		bad |= hist_trim(r->start + i) | hist_trim(r->finish + i);
	return bad ? pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory") : PC_OK;
}

int pci_sim_run(const pci_sim_config *cfg, pci_sim_result *out, pc_error *err)
{
	struct sink sk = {hist_open, hist_iter, hist_close, out, NULL};
	size_t nblocks, done = 0;
	int rc;

	memset(out, 0, sizeof *out);
	if (cfg->block == 0 || cfg->nphases == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "nothing to simulate");
	out->nphases = cfg->nphases;
	out->start = calloc(cfg->nphases, sizeof *out->start);
	out->finish = calloc(cfg->nphases, sizeof *out->finish);
	out->occurred = calloc(cfg->nphases, sizeof *out->occurred);
	out->capped = calloc(cfg->nphases, sizeof *out->capped);
	sk.capped = out->capped;
	if (!out->start || !out->finish || !out->occurred || !out->capped) {
		pci_sim_result_release(out);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	if (cfg->iterations) {
		nblocks = (size_t)((cfg->iterations + cfg->block - 1) / cfg->block);
		rc = run_blocks(cfg, &sk, 0, nblocks, err);
		out->iterations = cfg->iterations;
		out->blocks = nblocks;
		if (!rc)
			rc = trim_all(out, err);
		if (rc)
			pci_sim_result_release(out);
		return rc;
	}
	/* Auto: 10 blocks first, then as many more as the standard error,
	 * which falls as 1 / sqrt(n), says are needed (plus 10%). */
	nblocks = 10;
	for (;;) {
		double se, need;

		rc = run_blocks(cfg, &sk, done, nblocks, err);
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
	if ((rc = trim_all(out, err)))
		pci_sim_result_release(out);
	return rc;
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
	free(r->occurred);
	free(r->capped);
	free(r->release.count);
	memset(r, 0, sizeof *r);
}
