/*
 * whatif_internal.h - the scenario simulator behind whatif and backtest,
 * shared by whatif.c and backtest.c and reached by the unit tests through
 * libpccore.la.  Not exported from libprecedent.
 */
#ifndef PRECEDENT_WHATIF_INTERNAL_H
#define PRECEDENT_WHATIF_INTERNAL_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <precedent/calendar.h>
#include <precedent/error.h>
#include <precedent/history.h>
#include <precedent/plan.h>

#include "plan_internal.h"

#define PCI_WI_NONE INT32_MIN

/* A scenario compiled to node indices.  Offsets are working days from
 * k0, the calendar index of the release start: offset 0 is the first
 * day.  Every per-phase array has k entries. */
typedef struct pci_wi_scenario {
	size_t k;
	const pci_sim_phase *ph;   /* durations, lags, predecessors */
	const double *chol;        /* k x k Cholesky factor, NULL: independent */
	const pc_calendar *cal;
	long k0;
	const double *scale;       /* duration factors (NULL: all 1) */
	const unsigned char *skip; /* removed phases (NULL: none) */
	const pc_day *slot;        /* first slot day, or PC_DAY_MIN (NULL: none) */
	int slot_every;            /* calendar days between slots */
	const int32_t *done;       /* finish offset of a finished phase, or
	                              PCI_WI_NONE (NULL: none) */
	const int32_t *started;    /* start offset of a running phase, or
	                              PCI_WI_NONE (NULL: none) */
	const int32_t *elapsed;    /* its working days run so far (>= 1) */
	const int32_t *cap;        /* latest finish of an ancestor of a
	                              finished or running phase, or
	                              PCI_WI_NONE (NULL: none) */
	int has_floor;             /* phases not started start no earlier */
	int32_t floor;             /*   than this offset (the as-of day) */
	uint64_t iterations;
	uint64_t seed;
	unsigned threads;          /* >= 1 */
	size_t block;              /* iterations per seeded block */
} pci_wi_scenario;

/* Per-iteration outcomes, iteration-major (it * k + phase).  Any pointer
 * may be NULL when the caller does not need it; rel must not be. */
typedef struct pci_wi_out {
	int32_t *rel;              /* release finish offset (iterations) */
	int32_t *start;            /* phase start offsets */
	int32_t *fin;              /* phase finish offsets */
	unsigned char *crit;       /* 1: on the chain that sets the finish */
	unsigned char *missed;     /* 1: the phase missed its first slot */
} pci_wi_out;

/* Run the scenario.  Block b always draws from a generator seeded from
 * (seed, b) in the order sim.c uses, so without changes the release
 * finish has exactly the distribution pc_plan_run counts for the same
 * seed and block size.  Returns PC_OK or PC_ENOMEM. */
int pci_whatif_simulate(const pci_wi_scenario *s, pci_wi_out *o,
                        pc_error *err);

/* The p-quantile (0 < p < 1) of v[0..n-1]: the smallest value whose
 * share of values at or below it reaches p, as pci_hist_quantile does. */
int32_t pci_wi_quantile(const int32_t *v, size_t n, size_t stride, double p);

/* Share of v[0..n-1] (every stride-th) at or below x. */
double pci_wi_share_le(const int32_t *v, size_t n, size_t stride, int32_t x);

/* The latest finish offset c of a phase (finishes fin[i * stride]) with
 * P(release <= d | it finished on c) >= p, estimated from the iterations
 * finishing within a window around c holding at least min_window of
 * them, each shifted to finish on c; PCI_WI_NO_CHECKPOINT if no c from
 * the earliest simulated finish on will do.  Takes time in the span of
 * the finishes, however far d lies from them. */
#define PCI_WI_NO_CHECKPOINT LONG_MIN
long pci_wi_checkpoint(const int32_t *rel, const int32_t *fin, size_t n,
                       size_t stride, double p, long d, size_t min_window);

/* Working-day offset, from k0, of the last working day on or before d. */
long pci_wi_offset(const pc_calendar *cal, long k0, pc_day d);

#endif
