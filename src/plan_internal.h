/*
 * plan_internal.h - the planning module's internal pieces, shared by
 * graph.c, copula.c, sim.c and plan.c and reached by the unit tests
 * through libpccore.la.  Not exported from libprecedent.
 */
#ifndef PRECEDENT_PLAN_INTERNAL_H
#define PRECEDENT_PLAN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <precedent/calendar.h>
#include <precedent/dist.h>
#include <precedent/error.h>
#include <precedent/history.h>
#include <precedent/plan.h>

#include <gsl/gsl_rng.h>

/* ---- copula.c */

/* Spearman's rho of x and y over the indices where neither is NaN
 * (pairwise complete), ties at their average rank; *used (may be NULL)
 * gets the number of pairs.  NaN if fewer than 2 pairs or a constant
 * column. */
double pci_spearman(const double *x, const double *y, size_t n, size_t *used);

/* The same, and *var (may be NULL) the estimated variance of rho from the
 * spread of the influence u v - rho (u^2 + v^2) / 2 of the standardised
 * ranks u, v (the delta method; Schafer and Strimmer's 2005 formula
 * m / (m - 1)^3 sum (w - mean w)^2, with this w for their u v, which
 * overstates the variance of a non-zero correlation); NaN below 3 pairs. */
double pci_spearman_var(const double *x, const double *y, size_t n,
                        size_t *used, double *var);

/* Spearman matrix (ncols x ncols, row-major) of the columns of data
 * (nrows x ncols, row-major, NaN = missing); entries from fewer than
 * min_pairs pairs are NaN.  pairs and var (each may be NULL) get the pair
 * counts and the variances of pci_spearman_var.  Returns 0, or -1 if out
 * of memory. */
int pci_spearman_matrix(const double *data, size_t nrows, size_t ncols,
                        size_t min_pairs, double *rho, size_t *pairs,
                        double *var);

/* pci_spearman_matrix with per-row weights w (NULL: the unweighted one;
 * a row of weight 0 is left out): weighted mid-ranks, their weighted
 * Pearson correlation, and var as rank_pearson's with each pair counting
 * its weight scaled so that they sum to the effective number of pairs
 * (sum w)^2 / sum w^2.  Equal weights give the unweighted numbers.
 * var must not be NULL.  0, or -1 out of memory. */
int pci_spearman_matrix_weighted(const double *data, const double *w,
                                 size_t nrows, size_t ncols, size_t min_pairs,
                                 double *rho, double *var);

/* Shrink the off-diagonal entries of the k x k correlation matrix rho
 * toward zero by the Schafer-Strimmer intensity
 * lambda = sum var(r_ij) / sum r_ij^2 over the known pairs, at most 1:
 * few projects give noisy correlations, which are shrunk hard; many give
 * precise ones, which are barely touched.  Returns lambda (0: nothing to
 * shrink). */
double pci_shrink_correlation(double *rho, const double *var, size_t k);

/* Normal-scale correlation r = 2 sin(pi rho / 6) of a k x k Spearman
 * matrix; NaN entries become 0 (independent), the diagonal 1. */
void pci_normal_from_spearman(const double *rho, size_t k, double *r);

/* Make the k x k symmetric matrix r positive definite in place if its
 * smallest eigenvalue is below eps: clip eigenvalues at eps and rescale
 * to a unit diagonal.  *repaired says whether it changed.  Returns 0 or
 * -1 (out of memory, eigensolver failure). */
int pci_nearest_pd(double *r, size_t k, double eps, int *repaired);

/* Lower-triangular Cholesky factor l of the positive-definite k x k
 * matrix r (both row-major; l's upper triangle is zeroed).  0 or -1. */
int pci_cholesky(const double *r, size_t k, double *l);

/* ---- sim.c: the one simulator behind plan, whatif and backtest */

/* Counts per whole-day offset from the plan's first day: count[i] is
 * offset base + i (after a run: the first and last entries are the
 * first and last days counted). */
typedef struct pci_hist {
	uint64_t *count;
	size_t n;
	long base;
} pci_hist;

/* One phase as the simulator sees it.  Phases are given in an order in
 * which every predecessor comes earlier. */
typedef struct pci_sim_phase {
	const long *preds;    /* phases waited for: it starts after the latest
	                         of them ends; npreds 0: the release start */
	size_t npreds;
	const int *lags;      /* lags (days) drawn uniformly from, if nlags */
	size_t nlags;
	int lag0;             /* the lag when nlags == 0 */
	double occurs;        /* probability that the phase takes place; an
	                         absent phase passes its predecessors' finish
	                         on to its followers (1: always; 0 is read
	                         as 1 so a zeroed phase is a plain one) */
	/* table[k - 1] = P(duration <= k days), k = 1..ntable, from
	 * pci_duration_table(); beyond it the family's quantile is used. */
	const double *table;
	size_t ntable;
	const pc_family *family;
	const double *params;
} pci_sim_phase;

#define PCI_SIM_NONE INT32_MIN

/* A run: the phases, their copula, and the scenario.  Every per-phase
 * array has nphases entries and may be NULL (no such change).  Offsets
 * are working days from k0, the calendar index of the release start:
 * offset 0 is the first day. */
typedef struct pci_sim_config {
	size_t nphases;
	const pci_sim_phase *ph;
	/* The Gaussian copula: chol is the nphases^2 lower Cholesky factor
	 * of the correlation of the variables taken in the order corder
	 * (variable r is phase corder[r]; NULL: node order); NULL chol:
	 * independent durations. */
	const double *chol;
	const size_t *corder;
	/* Conditioning: phase i's normal-scale variable is drawn within
	 * [zlo[i], zhi[i]] (what its observed duration allows; +-INFINITY
	 * for none).  With the copula the bounded phases must come first
	 * in corder (ncond of them), and each is drawn given the ones
	 * before it, so the phases after them move with what was seen. */
	const double *zlo, *zhi;
	size_t ncond;
	/* The scenario. */
	const pc_calendar *cal;
	long k0;
	const double *scale;        /* duration factors */
	const signed char *present; /* 1: takes place, 0: removed (skip),
	                               -1: drawn with ph->occurs */
	const pc_day *slot;         /* first slot day, or PC_DAY_MIN */
	int slot_every;             /* calendar days between slots */
	int slot_notice;            /* calendar days' notice to re-book a
	                               missed slot */
	const int32_t *done;        /* finish offset of a finished phase, or
	                               PCI_SIM_NONE */
	const int32_t *done_start;  /* its start offset when known, or NONE */
	const int32_t *started;     /* start offset of a running phase, or NONE */
	const int32_t *elapsed;     /* its working days run so far (>= 1) */
	const int32_t *cap;         /* latest finish of an ancestor of a
	                               finished or running phase, or NONE */
	int has_floor;              /* phases not started start no earlier */
	int32_t floor;              /*   than this offset (the as-of day) */
	/* The run. */
	uint64_t iterations;    /* 0: auto (pci_sim_run only), until every
	                           SE < target_se */
	uint64_t seed;
	unsigned threads;       /* >= 1 */
	size_t block;           /* iterations per seeded block */
	double target_se;       /* days, for auto */
	uint64_t max_iterations;/* cap for auto */
} pci_sim_config;

/* Histograms of a run, what a plan needs: memory in the span of days,
 * not the number of iterations.  A phase's start and finish count only
 * the iterations in which it took place (occurred[i] of them). */
typedef struct pci_sim_result {
	size_t nphases;
	pci_hist *start;   /* per phase: first day, offset from the plan start */
	pci_hist *finish;  /* per phase: last day */
	pci_hist release;  /* latest finish of any phase */
	uint64_t *occurred;
	uint64_t *capped;  /* per phase: draws of PCI_DURATION_CAP days or more,
	                      counted as PCI_DURATION_CAP */
	uint64_t iterations;
	size_t blocks;
} pci_sim_result;

/* Every iteration's outcome, iteration-major (it * nphases + phase), what
 * whatif needs.  Any pointer but rel may be NULL. */
typedef struct pci_sim_trace {
	int32_t *rel;              /* release finish offset (iterations) */
	int32_t *start;            /* phase start offsets */
	int32_t *fin;              /* phase finish offsets */
	unsigned char *crit;       /* 1: on the chain that sets the finish */
	unsigned char *missed;     /* 1: the phase missed its first slot */
	unsigned char *absent;     /* 1: the phase did not take place */
	uint64_t *capped;          /* per phase, added to: draws at the cap
	                              (may be NULL) */
} pci_sim_trace;

/* The duration lookup table of a family: table[k - 1] = F(k + 0.5) for
 * k = 1.., so that the smallest k with table[k - 1] >= u is the draw
 * quantile(u) rounded to the nearest whole day (at least 1).  Stops once
 * the CDF passes 1 - 1e-9 or at PCI_TABLE_MAX entries.  A guide table for
 * fast lookups follows it in the same allocation (one free()).  Returns 0
 * or -1. */
#define PCI_TABLE_MAX 8192
/* Draws of a century or more count as a century (see tail() in sim.c). */
#define PCI_DURATION_CAP 36525
int pci_duration_table(const pc_family *f, const double *p, double **table,
                       size_t *n);

/* Whole days drawn for u in (0, 1) from a phase's table (or quantile). */
int pci_duration_lookup(const pci_sim_phase *ph, double u);

/* The same for u = key 2^-53, key odd and below 2^53 (what the plain
 * independent draw makes of its bits), by integer comparisons: the same
 * answer as pci_duration_lookup(ph, key * 2^-53). */
int pci_duration_lookup_key(const pci_sim_phase *ph, uint64_t key);

/* The same for u = Phi(z), from the normal-scale table: what the copula
 * uses, so it need not compute Phi for every draw. */
int pci_duration_lookup_z(const pci_sim_phase *ph, double z);

/* The splitmix64 finaliser: a well-spread 64-bit hash, used to derive
 * the seed of block b (and of bootstrap replicate r) from the user's. */
uint64_t pci_mix64(uint64_t z);

/* Run fn(args + t * size) for t = 0..nthreads-1, each on its own thread
 * (t = 0 on the caller's); a thread that cannot be started runs its share
 * on the caller's thread afterwards, so the work done never depends on
 * it.  Workers split their items as i = t, t + nthreads, ...: with a seed
 * per item, results are the same for any nthreads. */
void pci_parallel(unsigned nthreads, void *(*fn)(void *), void *args,
                  size_t size);

/* The online CPUs, 1..256: the default thread count. */
unsigned pci_online_cpus(void);

/* Run the simulation into histograms.  The result depends only on the
 * configuration and the seed, never on the number of threads: block b of
 * `block` iterations always uses a generator seeded from (seed, b). */
int pci_sim_run(const pci_sim_config *cfg, pci_sim_result *out, pc_error *err);

/* Run cfg->iterations (> 0) iterations into per-iteration arrays, with
 * the same blocks and draws as pci_sim_run: without a scenario the
 * release finishes have exactly the distribution pci_sim_run counts. */
int pci_sim_trace_run(const pci_sim_config *cfg, pci_sim_trace *out,
                      pc_error *err);

/* Free what a result holds. */
void pci_sim_result_release(pci_sim_result *r);

/* The p-quantile (0 < p < 1) of a histogram of `total` draws: the
 * smallest offset whose cumulative count reaches p * total (the inverse
 * of the empirical CDF). */
long pci_hist_quantile(const pci_hist *h, uint64_t total, double p);

/* Monte Carlo standard error (days) of that quantile,
 * sqrt(p (1 - p) / n) / f(q), with the density f estimated from the
 * counts in a window around q. */
double pci_hist_se(const pci_hist *h, uint64_t total, double p);

/* ---- engine.c: a learned model made ready to simulate */

typedef struct pci_engine {
	size_t k;
	pci_sim_phase *ph;
	double **tables;
	double *chol;      /* k^2, in node order; NULL: independent */
} pci_engine;

/* Duration tables, predecessors, lags and occurrence of every node of
 * pm, and the Cholesky factor of its correlation unless independent or
 * pm has none.  Fails with PC_ENOMEM or PC_ENUMERIC. */
int pci_engine_init(pci_engine *e, const pc_plan_model *pm, int independent,
                    pc_error *err);
void pci_engine_release(pci_engine *e);

/* A config for e with nothing changed: node order, no scenario. */
void pci_engine_config(const pci_engine *e, pci_sim_config *cfg);

/* ---- graph.c */

/* Infer which phase each phase waits for, and the lags, from history h
 * with durations measured in cal's working days.  Fills nodes[i] for
 * phase i of h: after, lags, lag, spread, support.  Returns 0 or a status. */
int pci_graph_infer(const pc_history *h, const pc_calendar *cal,
                    pc_plan_node *nodes, pc_error *err);

/* Order of nodes so that each comes after the one it waits for; fails
 * with PC_EDATA naming a phase on a cycle. */
int pci_graph_order(const pc_plan_node *nodes, size_t n, size_t *order,
                    pc_error *err);

/* Index of the template row that row i waits for, or -1 when it waits
 * for the release start (or names a phase the template lacks). */
long pci_template_after(const pc_plan_template *t, size_t i);

/* Median of v[0..n-1] (sorts v). */
double pci_median(double *v, size_t n);

/* Nodes that template row i waits for (its `after` names phases joined
 * by '|'), as a malloc'ed array in *preds (n of them; none: the release
 * start).  0, or -1 when out of memory. */
int pci_template_preds(const pc_plan_template *t, size_t i, long **preds,
                       size_t *n);

/* ---- learn.c */

/* What a learned model was learned from, kept for the bootstraps to
 * resample (per project and node, see learn.c). */
struct pci_plan_data;
void pci_plan_data_free(struct pci_plan_data *d);

/* The durations, running flags and lags a model was learned from: per
 * project and node (np x k, row-major) the duration in working days
 * (NaN: none, or the project is too recent for the phase to count), 1
 * if still running, and the lag to the node's predecessors (INT_MIN:
 * none).  Returns 0, or -1 when pm keeps no data (read from a model
 * file). */
int pci_plan_data(const pc_plan_model *pm, size_t *np, size_t *k,
                  const double **dur, const unsigned char **cens,
                  const int **lag);

/* Predecessors and fixed lags of pm's nodes from template t (node j is
 * row j). */
int pci_plan_structure_from_template(pc_plan_model *pm,
                                     const pc_plan_template *t, pc_error *err);

/* pc_plan_learn, with warm starts for the fits: warm (may be NULL) has
 * one entry per phase of h, NULL or a fit set kept by the caller; a
 * phase's families start from the set's fits (pc_fit_options.warm) and
 * the set is then overwritten with the new fits.  Backtests call this at
 * every forecast with the previous forecast's fits. */
struct pc_fit_set;
/* The simulated release finish as a CDF over working-day offsets from
 * the start's index k0: P(finish offset <= base + i) = cdf[i], 0 before,
 * 1 after. */
typedef struct pci_release_cdf {
	long k0, base;
	size_t n;
	double *cdf;
} pci_release_cdf;

/* pc_plan_run, and with cdf not NULL the release finish's CDF (free it
 * with pci_release_cdf_free). */
int pci_plan_run_cdf(const pc_plan_model *pm, const pc_plan_options *o,
                     pc_plan **out, pci_release_cdf *cdf, pc_error *err);
void pci_release_cdf_free(pci_release_cdf *c);

/* F(x) of the release CDF at offset x. */
double pci_release_cdf_at(const pci_release_cdf *c, long x);

/* The continuous ranked probability score of the forecast c for an
 * actual finish at offset y: sum over whole offsets x of
 * (F(x) - [x >= y])^2, in working days (exact for a forecast of whole
 * days; a point forecast scores its absolute error). */
double pci_release_crps(const pci_release_cdf *c, long y);

/* A past duration of `days` in a project started on `start`, as pm
 * learned it: scaled by its drift to pm->drift_to and rounded to whole
 * days (at least 1, or 0 for a running one); days itself without a
 * drift. */
double pci_drift_days(const pc_plan_model *pm, pc_day start, double days,
                      int running);

struct pc_uplift;

/* The plan of the time as evidence, for one backtest row (uplift.c): the
 * history's forecast c, the slips u (u->n >= 1), a stated plan of d0
 * days, the actual at offset y: the CRPS of each mixture weight i / 10
 * on c into crps_w[PC_BACKTEST_UPLIFT_NW], and for weight w the stated
 * plan's and the mixture's P50, P80, P90 offsets and the mixture's
 * CRPS. */
void pci_uplift_score(const pci_release_cdf *c, const struct pc_uplift *u,
                      double d0, long y, double w, double *crps_w,
                      long *q_stated, long *q_comb, double *crps_comb);

/* The weight on the history's forecast with the lowest sum of CRPS
 * sums[0..PC_BACKTEST_UPLIFT_NW-1] over n past plans; 0.5 below
 * PC_UPLIFT_MIN of them.  Ties go to the history. */
double pci_uplift_weight(const double *sums, size_t n);

int pci_plan_learn_warm(const pc_history *h, const pc_plan_learn_options *o,
                        struct pc_fit_set *const *warm, pc_plan_model **out,
                        pc_error *err);

/* A bootstrap replicate of pm: its past projects resampled with rng and
 * everything learned again from them, as pc_plan_learn did (the family
 * of each phase chosen afresh).  0, or -1 (no data, no memory). */
int pci_learn_replicate(const pc_plan_model *pm, gsl_rng *rng,
                        pc_plan_model **out);

/* Jackknife groups of pm's past projects: one per project, at most
 * PCI_JACKKNIFE_MAX (project i is in group i mod that); 0 without data. */
#define PCI_JACKKNIFE_MAX 50
size_t pci_jackknife_groups(const pc_plan_model *pm);

/* pm learned again without its projects of group g (pc_plan_learn's
 * way, as pci_learn_replicate).  0, or -1 (no data, no memory). */
int pci_learn_jackknife(const pc_plan_model *pm, size_t g, pc_plan_model **out);

/* ---- plan.c */

/* PC_EDATA, naming `what`, if any of the n days lies outside the dates
 * precedent can write (0001-01-01 to 9999-12-31). */
int pci_check_days(const pc_day *d, size_t n, const char *what, pc_error *err);

/* ---- boot.c */

/* What a caller asks of replicate r: nvals values into vals; non-zero:
 * the replicate failed. */
typedef int (*pci_boot_fn)(void *ctx, const pc_plan_model *rep, size_t r,
                           double *vals);

/* Run nrep replicates of pm (seeded from seed and r, whatever the
 * thread count) through fn, telling progress (if not NULL) "bootstrap"
 * after each; vals gets nrep x nvals values, the row of a
 * failed replicate starting with NaN, *nok the replicates that did not
 * fail.  With accel (nvals entries, may be NULL), each column's BCa
 * acceleration from a jackknife of pm (pci_learn_jackknife; fn is called
 * for every group with r = nrep, so all groups simulate with the same
 * numbers); 0 where it cannot be had.  PC_EDATA when fewer than half
 * could be learned. */
int pci_bootstrap(const pc_plan_model *pm, uint64_t seed, size_t nrep,
                  unsigned threads, size_t nvals, pci_boot_fn fn, void *ctx,
                  pc_progress_fn progress, void *progress_ctx,
                  double *vals, size_t *nok, double *accel, pc_error *err);

/* Efron's acceleration sum d^3 / (6 (sum d^2)^(3/2)), d = mean - value,
 * of column c of the ng jackknife rows jack (ng x nvals; a row starting
 * with NaN failed and is left out); 0 from fewer than 3 rows or no
 * spread. */
double pci_boot_accel(const double *jack, size_t ng, size_t nvals, size_t c);

/* The 95% interval of column col over the good replicates: Efron's
 * bias-corrected and accelerated (BCa) percentile interval around the
 * estimate est with acceleration a (0: plain BC; est NaN: the plain 2.5%
 * and 97.5% points).  0, or -1 when out of memory. */
int pci_boot_interval(const double *vals, size_t nrep, size_t nvals,
                      size_t col, double est, double a, double *lo, double *hi);

/* The same from n resampled units (projects), the normal points widened
 * from 1.96 to sqrt(n / (n - 1)) t(n-1) (Hesterberg's expanded
 * percentile interval), for small histories; n 0 as pci_boot_interval. */
int pci_boot_interval_n(const double *vals, size_t nrep, size_t nvals,
                        size_t col, double est, double a, size_t n,
                        double *lo, double *hi);

/* The 95% studentized interval of column col, in whole days: each good
 * replicate's t = (vals[col] - est) / (vals[shi] - vals[slo]) (its
 * spread, e.g. P90 - P10 of the same date), and the interval
 * [floor(est - t_hi sest), ceil(est - t_lo sest)] for the estimate's own
 * spread sest, t_lo and t_hi the t points at the levels of
 * pci_boot_interval_n for n projects (n 0: 2.5% and 97.5%).  Falls back
 * to pci_boot_interval_n (BC) when sest is not positive or fewer than 10
 * replicates have a spread.  0, or -1 when out of memory. */
int pci_boot_interval_t(const double *vals, size_t nrep, size_t nvals,
                        size_t col, size_t slo, size_t shi, double est,
                        double sest, size_t n, double *lo, double *hi);

/* The 95% interval [*lo, *hi] of the odds p = F(day) of finishing by
 * day (a day offset, as the quantiles), by inverting the studentized
 * intervals of the quantiles: columns q0 .. q0 + nlev - 1 of vals hold
 * each replicate's quantiles at the ascending levels (0 < level < 1),
 * est the estimate's quantiles at the same levels, sest its own spread
 * and columns slo, shi each replicate's (as pci_boot_interval_t).  The
 * odds interval runs from the lowest level whose quantile interval ends
 * at or after day to the highest whose interval begins at or before it
 * (unrounded), one level further out on each side, 0 or 1 past the
 * grid's ends, and always holds p; the quantile intervals are
 * pci_boot_interval_t's for n projects.  0; 1 when it cannot be had (sest
 * not positive, fewer than 10 replicates with a spread: use
 * pci_boot_interval); -1 when out of memory. */
int pci_boot_odds_t(const double *vals, size_t nrep, size_t nvals,
                    size_t q0, const double *levels, size_t nlev,
                    size_t slo, size_t shi, const double *est, double sest,
                    size_t n, double day, double p, double *lo, double *hi);

/* Fewest past projects for pci_boot_interval_t: a resample of a handful
 * repeats the same few projects, its spread can be near nothing, and t
 * then runs wild (5 projects: intervals 830 days wide on average; 8:
 * 111, twice the spread of the estimates).  From 10 projects it holds
 * 93.7% at 1.65 times that spread, where BC held 84% (README). */
#define PCI_BOOT_T_MIN 10

#endif
