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

/* ---- copula.c */

/* Spearman's rho of x and y over the indices where neither is NaN
 * (pairwise complete), ties at their average rank; *used (may be NULL)
 * gets the number of pairs.  NaN if fewer than 2 pairs or a constant
 * column. */
double pci_spearman(const double *x, const double *y, size_t n, size_t *used);

/* Spearman matrix (ncols x ncols, row-major) of the columns of data
 * (nrows x ncols, row-major, NaN = missing); entries from fewer than
 * min_pairs pairs are NaN.  pairs (may be NULL) gets the pair counts.
 * Returns 0, or -1 if out of memory. */
int pci_spearman_matrix(const double *data, size_t nrows, size_t ncols,
                        size_t min_pairs, double *rho, size_t *pairs);

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

/* ---- sim.c */

/* Counts per whole-day offset 0..n-1 from the plan's first day. */
typedef struct pci_hist {
	uint64_t *count;
	size_t n;
} pci_hist;

/* One phase as the simulator sees it.  Phases are given in an order in
 * which `pred` always comes earlier. */
typedef struct pci_sim_phase {
	long pred;            /* index of the phase waited for; -1: the start */
	const int *lags;      /* lags (days) drawn uniformly from, if nlags */
	size_t nlags;
	int lag0;             /* the lag when nlags == 0 */
	/* table[k - 1] = P(duration <= k days), k = 1..ntable, from
	 * pci_duration_table(); beyond it the family's quantile is used. */
	const double *table;
	size_t ntable;
	const pc_family *family;
	const double *params;
} pci_sim_phase;

typedef struct pci_sim_config {
	size_t nphases;
	const pci_sim_phase *ph;
	const double *chol;     /* nphases^2 Cholesky factor; NULL: independent */
	uint64_t iterations;    /* 0: auto, until every SE < target_se */
	uint64_t seed;
	unsigned threads;       /* >= 1 */
	size_t block;           /* iterations per seeded block */
	double target_se;       /* days, for auto */
	uint64_t max_iterations;/* cap for auto */
} pci_sim_config;

typedef struct pci_sim_result {
	size_t nphases;
	pci_hist *start;   /* per phase: first day, offset from the plan start */
	pci_hist *finish;  /* per phase: last day */
	pci_hist release;  /* latest finish of any phase */
	uint64_t iterations;
	size_t blocks;
} pci_sim_result;

/* The duration lookup table of a family: table[k - 1] = F(k + 0.5) for
 * k = 1.., so that the smallest k with table[k - 1] >= u is the draw
 * quantile(u) rounded to the nearest whole day (at least 1).  Stops once
 * the CDF passes 1 - 1e-9 or at PCI_TABLE_MAX entries.  A guide table for
 * fast lookups follows it in the same allocation (one free()).  Returns 0
 * or -1. */
#define PCI_TABLE_MAX 8192
int pci_duration_table(const pc_family *f, const double *p, double **table,
                       size_t *n);

/* Whole days drawn for u in (0, 1) from a phase's table (or quantile). */
int pci_duration_lookup(const pci_sim_phase *ph, double u);

/* The same for u = Phi(z), from the normal-scale table: what the copula
 * uses, so it need not compute Phi for every draw. */
int pci_duration_lookup_z(const pci_sim_phase *ph, double z);

/* The splitmix64 finaliser: a well-spread 64-bit hash, used to derive
 * the seed of block b (and of bootstrap replicate r) from the user's. */
uint64_t pci_mix64(uint64_t z);

/* Run the simulation.  The result depends only on the configuration and
 * the seed, never on the number of threads: block b of `block` iterations
 * always uses a generator seeded from (seed, b), and counts are summed. */
int pci_sim_run(const pci_sim_config *cfg, pci_sim_result *out, pc_error *err);

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

/* ---- plan.c */

/* What a learned model was fitted on, kept for the bootstraps of plan
 * and whatif to resample: per project and node (np x k, row-major) the
 * duration in calendar days (NaN: none, or the project is too recent for
 * the phase to count, see mature_only in plan.c), whether it is still
 * running, and the lag to the node's predecessor (INT_MIN: none).
 * Returns 0, or -1 when pm keeps no data (read from a model file). */
int pci_plan_data(const pc_plan_model *pm, size_t *np, size_t *k,
                  const double **dur, const unsigned char **cens,
                  const int **lag);

#endif
