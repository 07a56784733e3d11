/*
 * gof.c - goodness of fit: distances between a fitted distribution and
 * the empirical one.
 *
 * The statistics are the textbook EDF ones (fitdistrplus::gofstat uses
 * the same), but their classical tables assume known parameters; with
 * estimated ones they are too lenient, so fit.c gets p-values by
 * parametric bootstrap instead.  Censored samples have no EDF; there the
 * Kaplan-Meier estimate stands in for it.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fit_internal.h"

/* A double's bits as an unsigned key in the same order: flip the sign
 * bit of positives, every bit of negatives. */
static uint64_t key_of(double x)
{
	uint64_t u;

	memcpy(&u, &x, sizeof u);
	return u >> 63 ? ~u : u | (uint64_t)1 << 63;
}

static double double_of(uint64_t k)
{
	uint64_t u = k >> 63 ? k & ~((uint64_t)1 << 63) : ~k;
	double x;

	memcpy(&x, &u, sizeof x);
	return x;
}

/*
 * One sort serves every family's EDF or Kaplan-Meier.  An LSD radix sort
 * of the keys, a byte per pass, carrying the censoring flags along: O(n),
 * where qsort's comparisons were 40% of fitting an exponential to 10^6
 * durations.  A pass whose byte is the same for every key (the sign and
 * exponent bytes of durations, mostly) is skipped.
 */
int pci_sort_sample(const double *x, const unsigned char *censored, size_t n,
                    double *xs, unsigned char *cs)
{
	uint64_t *k = malloc((n ? 2 * n : 1) * sizeof *k), *k2 = k + n;
	unsigned char *c2 = malloc(n ? n : 1);

	if (!k || !c2) {
		free(k);
		free(c2);
		return PC_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		k[i] = key_of(x[i]);
		cs[i] = censored ? censored[i] != 0 : 0;
	}
	for (int shift = 0; shift < 64; shift += 8) {
		size_t count[256] = {0}, pos = 0;
		uint64_t *t;

		for (size_t i = 0; i < n; i++)
			count[k[i] >> shift & 0xff]++;
		if (n && count[k[0] >> shift & 0xff] == n)
			continue;
		for (int b = 0; b < 256; b++) {
			size_t c = count[b];
			count[b] = pos;
			pos += c;
		}
		for (size_t i = 0; i < n; i++) {
			size_t to = count[k[i] >> shift & 0xff]++;
			k2[to] = k[i];
			c2[to] = cs[i];
		}
		t = k;
		k = k2;
		k2 = t;
		memcpy(cs, c2, n);
	}
	for (size_t i = 0; i < n; i++)
		xs[i] = double_of(k[i]);
	free(k < k2 ? k : k2);
	free(c2);
	return PC_OK;
}

void pci_gof_edf(const pc_family *f, const double *p, const double *x, size_t n,
                 double *ks, double *ad, double *cvm)
{
	double d = 0, w = 1.0 / (12.0 * n), a = 0, dn = (double)n;
	/* F and log(1 - F) at every point once: up to F = 0.99 log1p(-F)
	 * is exact to 1e-14 (F's rounding error, 1e-16, against 1 - F >=
	 * 0.01), so logsf (another incomplete gamma for the gamma) is only
	 * needed in the top 1%, where it keeps the upper tail exact where
	 * 1 - F would round to 0 */
	double *ls_at = malloc((n ? 2 * n : 1) * sizeof *ls_at), *u_at = ls_at + n;

	if (ls_at)
		for (size_t i = 0; i < n; i++) {
			double u = u_at[i] = f->cdf(x[i], p);
			ls_at[i] = u <= 0.99 ? log1p(-u) : f->logsf(x[i], p);
		}
	for (size_t i = 0; i < n; i++) {
		double u = ls_at ? u_at[i] : f->cdf(x[i], p), e;
		double lf = log(u);
		double ls = ls_at ? ls_at[n - 1 - i] : f->logsf(x[n - 1 - i], p);

		e = (i + 1) / dn - u;
		if (e > d)
			d = e;
		e = u - i / dn;
		if (e > d)
			d = e;
		e = u - (2.0 * i + 1) / (2 * dn);
		w += e * e;
		/* clamp: a fitted F of exactly 0 or 1 at a data point would
		 * make A^2 infinite; 1e-300 keeps it huge but finite */
		if (!(lf > -690))
			lf = -690;
		if (!(ls > -690))
			ls = -690;
		a += (2.0 * i + 1) * (lf + ls);
	}
	free(ls_at);
	*ks = d;
	*cvm = w;
	*ad = -dn - a / dn;
}

double pci_gof_km(const pc_family *f, const double *p, const double *x,
                  const unsigned char *censored, size_t n)
{
	double s = 1, d = 0;
	size_t i = 0;

	while (i < n) {
		double t = x[i];
		size_t at_risk = n - i, events = 0, j = i;

		/* a unit censored at t was still at risk at t, the usual
		 * Kaplan-Meier convention, so ties are taken together */
		for (; j < n && x[j] == t; j++)
			events += censored[j] == 0;
		if (events) {
			double before = 1 - s, ft = f->cdf(t, p);
			s *= 1.0 - (double)events / (double)at_risk;
			d = fmax(d, fmax(fabs(before - ft), fabs(1 - s - ft)));
		}
		i = j;
	}
	return d;
}
