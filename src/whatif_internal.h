/*
 * whatif_internal.h - reading what-if answers off per-iteration traces
 * (pci_sim_trace_run, plan_internal.h); reached by the unit tests through
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

/* The p-quantile (0 < p < 1) of v[0..n-1]: the smallest value whose
 * share of values at or below it reaches p, as pci_hist_quantile does. */
int32_t pci_wi_quantile(const int32_t *v, size_t n, size_t stride, double p);

/* The quantiles of v[0..n-1] at the nlev levels (each 0 < p < 1) into
 * out, by pci_wi_quantile's rule, in one sort: v is left sorted. */
void pci_wi_quantiles(int32_t *v, size_t n, const double *levels, size_t nlev,
                      double *out);

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
