/*
 * copula.c - rank correlation of phase durations and the Gaussian copula
 * that draws them jointly.
 *
 * Spearman's rho is estimated pairwise (each pair of phases over the
 * projects that have both), which is robust to the skewed durations and
 * does not care which family was fitted.  The Gaussian copula needs the
 * correlation of the underlying normals; for a bivariate normal the two
 * are tied by rho_S = (6 / pi) asin(r / 2), so r = 2 sin(pi rho_S / 6).
 * A matrix assembled pair by pair need not be positive definite: it is
 * repaired by clipping eigenvalues and rescaling to a unit diagonal.
 */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>

#include "plan_internal.h"

struct ranked {
	double v;
	size_t i;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->v < y->v)
		return -1;
	if (x->v > y->v)
		return 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* average_ranks for whole numbers over a range not much wider than n
 * (durations in days): counted, not sorted, so linear.  1 if v is not
 * such data (nothing done), 0 done, -1 out of memory. */
static int count_ranks(const double *v, size_t n, double *rank)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t span, *first;

	for (size_t i = 0; i < n; i++) {
		if (!(v[i] == floor(v[i])) || fabs(v[i]) > 1e15)
			return 1;
		lo = fmin(lo, v[i]);
		hi = fmax(hi, v[i]);
	}
	if (n == 0 || hi - lo > 4.0 * (double)n + 1024)
		return 1;
	span = (size_t)(hi - lo) + 1;
	first = calloc(span + 1, sizeof *first);
	if (!first)
		return -1;
	for (size_t i = 0; i < n; i++)
		first[(size_t)(v[i] - lo) + 1]++;
	for (size_t b = 1; b <= span; b++)
		first[b] += first[b - 1];
	/* value b holds ranks first[b] + 1 .. first[b + 1]: the same
	 * average as the sorted path computes, to the bit */
	for (size_t i = 0; i < n; i++) {
		size_t b = (size_t)(v[i] - lo);
		rank[i] = (double)(first[b] + 1 + first[b + 1]) / 2.0;
	}
	free(first);
	return 0;
}

/* Ranks 1..n of v[], ties given their average rank. */
static int average_ranks(const double *v, size_t n, double *rank)
{
	struct ranked *r;
	size_t i, j;
	int c = count_ranks(v, n, rank);

	if (c <= 0)
		return c;
	r = malloc(n * sizeof *r);
	if (!r)
		return -1;
	for (i = 0; i < n; i++) {
		r[i].v = v[i];
		r[i].i = i;
	}
	qsort(r, n, sizeof *r, cmp_ranked);
	for (i = 0; i < n; i = j) {
		double avg;
		for (j = i + 1; j < n && r[j].v == r[i].v; j++)
			;
		avg = (double)(i + 1 + j) / 2.0; /* mean of ranks i+1..j */
		for (size_t k = i; k < j; k++)
			rank[r[k].i] = avg;
	}
	free(r);
	return 0;
}

/* Pearson correlation of the ranks ra, rb (right with ties, unlike the
 * 1 - 6 sum d^2 / (n (n^2 - 1)) shortcut), NaN when either is constant;
 * with var, its estimated variance as pci_spearman_var says. */
static double rank_pearson(const double *ra, const double *rb, size_t m,
                           double *var)
{
	double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0, rho = NAN;

	for (size_t i = 0; i < m; i++) {
		ma += ra[i];
		mb += rb[i];
	}
	ma /= (double)m;
	mb /= (double)m;
	for (size_t i = 0; i < m; i++) {
		sab += (ra[i] - ma) * (rb[i] - mb);
		saa += (ra[i] - ma) * (ra[i] - ma);
		sbb += (rb[i] - mb) * (rb[i] - mb);
	}
	if (saa > 0 && sbb > 0)
		rho = sab / sqrt(saa * sbb);
	if (var && saa > 0 && sbb > 0 && m > 2) {
		/* Schafer and Strimmer (2005): with standardised scores u, v,
		 * rho = sum(w) / (m - 1) for w = u v, and its variance is
		 * estimated by m / (m - 1)^3 sum (w - mean w)^2. */
		double su = sqrt(saa / (double)(m - 1)), sv = sqrt(sbb / (double)(m - 1));
		double wbar = sab / (su * sv) / (double)m, ss = 0;
		for (size_t i = 0; i < m; i++) {
			double wi = (ra[i] - ma) / su * ((rb[i] - mb) / sv) - wbar;
			ss += wi * wi;
		}
		*var = (double)m / ((double)(m - 1) * (m - 1) * (m - 1)) * ss;
	}
	return rho;
}

double pci_spearman_var(const double *x, const double *y, size_t n,
                        size_t *used, double *var)
{
	double *a, *b, *ra, *rb, rho = NAN;
	size_t m = 0;

	if (var)
		*var = NAN;
	a = malloc(4 * (n ? n : 1) * sizeof *a);
	if (!a) {
		if (used)
			*used = 0;
		return NAN;
	}
	b = a + n;
	ra = b + n;
	rb = ra + n;
	for (size_t i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i]))
			continue;
		a[m] = x[i];
		b[m] = y[i];
		m++;
	}
	if (used)
		*used = m;
	if (m < 2 || average_ranks(a, m, ra) || average_ranks(b, m, rb))
		goto out;
	rho = rank_pearson(ra, rb, m, var);
out:
	free(a);
	return rho;
}

double pci_spearman(const double *x, const double *y, size_t n, size_t *used)
{
	return pci_spearman_var(x, y, n, used, NULL);
}

double pci_shrink_correlation(double *rho, const double *var, size_t k)
{
	double num = 0, den = 0, lambda;

	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++) {
			double r = rho[i * k + j], v = var[i * k + j];
			if (isnan(r) || isnan(v))
				continue;
			num += v;
			den += r * r;
		}
	if (num == 0)
		return 0;
	lambda = den > 0 ? num / den : 1;
	if (lambda > 1)
		lambda = 1;
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			if (i != j && !isnan(rho[i * k + j]))
				rho[i * k + j] *= 1 - lambda;
	return lambda;
}

/* At most this many ranks are cached (256 MB). */
#define RANK_CACHE_MAX ((size_t)1 << 25)

int pci_spearman_matrix(const double *data, size_t nrows, size_t ncols,
                        size_t min_pairs, double *rho, size_t *pairs,
                        double *var)
{
	double *x = malloc(2 * (nrows ? nrows : 1) * sizeof *x), *y, *cr = NULL;
	unsigned char *full = NULL;

	if (!x)
		return -1;
	y = x + nrows;
	/*
	 * A column with no missing value ranks the same in every pair it
	 * is in: rank it once rather than k - 1 times (backtests compute
	 * this matrix at every forecast).  Pairs of two such columns then
	 * give what pci_spearman would, to the bit.  Without the memory
	 * for the cache, every pair ranks its own.
	 */
	if (nrows >= 2 && ncols >= 3 && nrows <= RANK_CACHE_MAX / ncols) {
		cr = malloc(nrows * ncols * sizeof *cr);
		full = calloc(ncols, 1);
		if (!cr || !full) {
			free(cr);
			free(full);
			cr = NULL;
			full = NULL;
		}
	}
	for (size_t j = 0; cr && j < ncols; j++) {
		size_t k;
		for (k = 0; k < nrows && !isnan(data[k * ncols + j]); k++)
			x[k] = data[k * ncols + j];
		if (k == nrows && average_ranks(x, nrows, cr + j * nrows) == 0)
			full[j] = 1;
	}
	for (size_t i = 0; i < ncols; i++) {
		rho[i * ncols + i] = 1.0;
		if (pairs)
			pairs[i * ncols + i] = 0;
		if (var)
			var[i * ncols + i] = 0;
		for (size_t j = i + 1; j < ncols; j++) {
			size_t m;
			double r, v;
			if (full && full[i] && full[j]) {
				v = NAN;
				r = rank_pearson(cr + i * nrows, cr + j * nrows, nrows, &v);
				m = nrows;
			} else {
				for (size_t k = 0; k < nrows; k++) {
					x[k] = data[k * ncols + i];
					y[k] = data[k * ncols + j];
				}
				r = pci_spearman_var(x, y, nrows, &m, &v);
			}
			if (m < min_pairs)
				r = v = NAN;
			rho[i * ncols + j] = rho[j * ncols + i] = r;
			if (var)
				var[i * ncols + j] = var[j * ncols + i] = v;
			if (pairs)
				pairs[i * ncols + j] = pairs[j * ncols + i] = m;
		}
	}
	free(x);
	free(cr);
	free(full);
	return 0;
}

void pci_normal_from_spearman(const double *rho, size_t k, double *r)
{
	for (size_t i = 0; i < k * k; i++) {
		double s = rho[i];
		/* An unknown correlation is taken as none: independence is the
		 * assumption that adds no information we do not have. */
		r[i] = isnan(s) ? 0.0 : 2.0 * sin(M_PI * s / 6.0);
	}
	for (size_t i = 0; i < k; i++)
		r[i * k + i] = 1.0;
}

int pci_nearest_pd(double *r, size_t k, double eps, int *repaired)
{
	gsl_matrix *a = NULL, *v = NULL, *b = NULL;
	gsl_vector *ev = NULL;
	gsl_eigen_symmv_workspace *w = NULL;
	double minev;
	int rc = -1;

	*repaired = 0;
	if (k == 0)
		return 0;
	a = gsl_matrix_alloc(k, k);
	v = gsl_matrix_alloc(k, k);
	b = gsl_matrix_alloc(k, k);
	ev = gsl_vector_alloc(k);
	w = gsl_eigen_symmv_alloc(k);
	if (!a || !v || !b || !ev || !w)
		goto out;
	memcpy(a->data, r, k * k * sizeof *r); /* k x k, tda == k */
	if (gsl_eigen_symmv(a, ev, v, w))
		goto out;
	minev = gsl_vector_min(ev);
	if (minev >= eps) {
		rc = 0;
		goto out;
	}
	/* V diag(max(lambda, eps)) V^T, then back to a unit diagonal. */
	for (size_t i = 0; i < k; i++) {
		double l = gsl_vector_get(ev, i);
		gsl_vector_set(ev, i, l < eps ? eps : l);
	}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			double s = 0;
			for (size_t m = 0; m < k; m++)
				s += gsl_matrix_get(v, i, m) * gsl_vector_get(ev, m) *
				     gsl_matrix_get(v, j, m);
			gsl_matrix_set(b, i, j, s);
		}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			r[i * k + j] = gsl_matrix_get(b, i, j) /
			               sqrt(gsl_matrix_get(b, i, i) * gsl_matrix_get(b, j, j));
	*repaired = 1;
	rc = 0;
out:
	gsl_eigen_symmv_free(w);
	gsl_vector_free(ev);
	gsl_matrix_free(b);
	gsl_matrix_free(v);
	gsl_matrix_free(a);
	return rc;
}

int pci_cholesky(const double *r, size_t k, double *l)
{
	gsl_matrix_view m = gsl_matrix_view_array(l, k, k);

	/* Callers repair r first (pci_nearest_pd), so the decomposition
	 * cannot meet a non-positive pivot; the check stays for callers that
	 * turned GSL's aborting error handler off. */
	memcpy(l, r, k * k * sizeof *r);
	if (gsl_linalg_cholesky_decomp1(&m.matrix))
		return -1;
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			l[i * k + j] = 0.0;
	return 0;
}

/* ---- weighted rank correlation (recency weights, learn.c) */

struct wrank {
	double v, w;
	size_t i;
};

static int cmp_wrank(const void *a, const void *b)
{
	double x = ((const struct wrank *)a)->v, y = ((const struct wrank *)b)->v;

	return (x > y) - (x < y);
}

/* Weighted mid-ranks: the weight of the values below plus half the
 * weight of the values tied with it (with equal weights, the average
 * rank less a half, times the weight: the same correlation). */
static void weighted_ranks(const double *v, const double *w, size_t m,
                           struct wrank *t, double *rank)
{
	double below = 0;

	for (size_t i = 0; i < m; i++) {
		t[i].v = v[i];
		t[i].w = w[i];
		t[i].i = i;
	}
	qsort(t, m, sizeof *t, cmp_wrank);
	for (size_t a = 0; a < m;) {
		size_t b = a;
		double tie = 0;
		while (b < m && t[b].v == t[a].v)
			tie += t[b++].w;
		for (size_t c = a; c < b; c++)
			rank[t[c].i] = below + tie / 2;
		below += tie;
		a = b;
	}
}

int pci_spearman_matrix_weighted(const double *data, const double *w,
                                 size_t nrows, size_t ncols, size_t min_pairs,
                                 double *rho, double *var)
{
	size_t n = nrows ? nrows : 1;
	double *a = malloc(5 * n * sizeof *a), *b, *ww, *ra, *rb;
	struct wrank *t = malloc(n * sizeof *t);

	if (!w) {
		free(a);
		free(t);
		return pci_spearman_matrix(data, nrows, ncols, min_pairs, rho, NULL, var);
	}
	if (!a || !t) {
		free(a);
		free(t);
		return -1;
	}
	b = a + n;
	ww = b + n;
	ra = ww + n;
	rb = ra + n;
	for (size_t i = 0; i < ncols; i++) {
		rho[i * ncols + i] = 1.0;
		var[i * ncols + i] = 0;
		for (size_t j = i + 1; j < ncols; j++) {
			size_t m = 0;
			double sw = 0, sw2 = 0, ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
			double r = NAN, v = NAN;

			for (size_t k = 0; k < nrows; k++) {
				double x = data[k * ncols + i], y = data[k * ncols + j];
				if (isnan(x) || isnan(y) || !(w[k] > 0))
					continue;
				a[m] = x;
				b[m] = y;
				ww[m++] = w[k];
				sw += w[k];
				sw2 += w[k] * w[k];
			}
			if (m >= min_pairs && m >= 2) {
				/* weights scaled to sum to the effective number
				 * of pairs (Kish): the variance below then reads
				 * them as that many */
				double neff = sw * sw / sw2, sc = neff / sw;

				weighted_ranks(a, ww, m, t, ra);
				weighted_ranks(b, ww, m, t, rb);
				for (size_t k = 0; k < m; k++) {
					ww[k] *= sc;
					ma += ww[k] * ra[k];
					mb += ww[k] * rb[k];
				}
				ma /= neff;
				mb /= neff;
				for (size_t k = 0; k < m; k++) {
					sab += ww[k] * (ra[k] - ma) * (rb[k] - mb);
					saa += ww[k] * (ra[k] - ma) * (ra[k] - ma);
					sbb += ww[k] * (rb[k] - mb) * (rb[k] - mb);
				}
				if (saa > 0 && sbb > 0) {
					r = sab / sqrt(saa * sbb);
					if (neff > 2) {
						/* rank_pearson's Schafer-Strimmer
						 * variance, each pair counting its
						 * scaled weight */
						double su = sqrt(saa / (neff - 1)),
						       sv = sqrt(sbb / (neff - 1));
						double wbar = sab / (su * sv) / neff, ss = 0;
						for (size_t k = 0; k < m; k++) {
							double p = (ra[k] - ma) / su * ((rb[k] - mb) / sv) - wbar;
							ss += ww[k] * p * p;
						}
						v = neff / ((neff - 1) * (neff - 1) * (neff - 1)) * ss;
					}
				}
			}
			rho[i * ncols + j] = rho[j * ncols + i] = r;
			var[i * ncols + j] = var[j * ncols + i] = v;
		}
	}
	free(a);
	free(t);
	return 0;
}
