/*
 * trend.c - Mann-Kendall, Kendall's tau-b and Sen's slope (trend.h).
 *
 * S counts concordant minus discordant pairs.  Knight (1966): sort the
 * pairs by x then y; pairs tied in x (n1), in y (n2) and in both (n3)
 * are counted from runs, and the discordant pairs are the inversions of
 * y in that order, counted by a merge sort; then
 * S = n0 - n1 - n2 + n3 - 2 * discordant, with n0 = n (n - 1) / 2.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>

#include <precedent/trend.h>

struct pt {
	double x, y;
};

static int cmp_xy(const void *a, const void *b)
{
	const struct pt *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return (p->y > q->y) - (p->y < q->y);
}

/* Sort v[0..n) ascending by merging, with tmp of n; returns the number of
 * pairs i < j with v[i] > v[j] (ties are no inversion). */
static uint64_t inversions(double *v, double *tmp, size_t n)
{
	uint64_t inv = 0;

	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n;
			size_t hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi) {
				if (v[j] < v[i]) {
					inv += mid - i;
					tmp[k++] = v[j++];
				} else {
					tmp[k++] = v[i++];
				}
			}
			while (i < mid)
				tmp[k++] = v[i++];
			while (j < hi)
				tmp[k++] = v[j++];
		}
		memcpy(v, tmp, n * sizeof *v);
	}
	return inv;
}

/* Tie sums over the runs of equal values of sorted v: sum t(t-1)/2,
 * t(t-1)(2t+5), t(t-1), t(t-1)(t-2). */
struct ties {
	double pairs, v5, v1, v2;
};

static void add_run(struct ties *t, double r)
{
	if (r < 2)
		return;
	t->pairs += r * (r - 1) / 2;
	t->v5 += r * (r - 1) * (2 * r + 5);
	t->v1 += r * (r - 1);
	t->v2 += r * (r - 1) * (r - 2);
}

static void tie_sums(const double *v, size_t n, struct ties *t)
{
	size_t run = 1;

	memset(t, 0, sizeof *t);
	for (size_t i = 1; i <= n; i++) {
		if (i < n && v[i] == v[i - 1]) {
			run++;
			continue;
		}
		add_run(t, (double)run);
		run = 1;
	}
}

/* Sen's slope over m points sorted by x: the median of the slopes of
 * every pair with distinct x. */
static int sen(const struct pt *p, size_t m, double *slope)
{
	size_t np = m * (m - 1) / 2, k = 0;
	double *s = malloc((np ? np : 1) * sizeof *s);

	if (!s)
		return -1;
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			if (p[j].x != p[i].x)
				s[k++] = (p[j].y - p[i].y) / (p[j].x - p[i].x);
	*slope = k ? gsl_stats_median(s, 1, k) : NAN;
	free(s);
	return 0;
}

int pc_trend_test(const double *x, const double *y, size_t n, pc_trend *out,
                  pc_error *err)
{
	struct pt *p = malloc((n ? n : 1) * sizeof *p);
	double *v = malloc(2 * (n ? n : 1) * sizeof *v), *tmp;
	struct ties tx, ty;
	double n0, n3 = 0, nd, dn;
	size_t m = 0, run = 1;
	int rc = PC_OK;

	memset(out, 0, sizeof *out);
	out->tau = out->z = out->p = out->slope = NAN;
	if (!p || !v) {
		rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	tmp = v + n;
	for (size_t i = 0; i < n; i++)
		if (!isnan(x[i]) && !isnan(y[i])) {
			p[m].x = x[i];
			p[m].y = y[i];
			m++;
		}
	out->n = m;
	if (m < 2)
		goto out;
	qsort(p, m, sizeof *p, cmp_xy);
	/* ties in x, and in both (runs of equal (x, y) within them) */
	for (size_t i = 0; i < m; i++)
		v[i] = p[i].x;
	tie_sums(v, m, &tx);
	for (size_t i = 1; i <= m; i++) {
		if (i < m && p[i].x == p[i - 1].x && p[i].y == p[i - 1].y) {
			run++;
			continue;
		}
		n3 += (double)run * (double)(run - 1) / 2;
		run = 1;
	}
	for (size_t i = 0; i < m; i++)
		v[i] = p[i].y;
	nd = (double)inversions(v, tmp, m);  /* leaves v sorted */
	tie_sums(v, m, &ty);
	dn = (double)m;
	n0 = dn * (dn - 1) / 2;
	out->s = n0 - tx.pairs - ty.pairs + n3 - 2 * nd;
	out->var_s = (dn * (dn - 1) * (2 * dn + 5) - tx.v5 - ty.v5) / 18 +
	             tx.v1 * ty.v1 / (2 * dn * (dn - 1)) +
	             (m > 2 ? tx.v2 * ty.v2 / (9 * dn * (dn - 1) * (dn - 2)) : 0);
	if (n0 > tx.pairs && n0 > ty.pairs)
		out->tau = out->s / sqrt((n0 - tx.pairs) * (n0 - ty.pairs));
	if (m >= 3 && out->var_s > 0 && isfinite(out->tau)) {
		double s = out->s > 0 ? out->s - 1 : out->s < 0 ? out->s + 1 : 0;
		out->z = s / sqrt(out->var_s);
		out->p = 2 * gsl_cdf_ugaussian_Q(fabs(out->z));
		if (out->p > 1)
			out->p = 1;
	}
	if (m <= PC_TREND_EXACT_MAX) {
		if (sen(p, m, &out->slope))
			rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	} else {
		/* every (m / EXACT_MAX)-th point in order of x */
		for (size_t i = 0; i < PC_TREND_EXACT_MAX; i++)
			p[i] = p[(size_t)((double)i * (double)(m - 1) /
			                  (PC_TREND_EXACT_MAX - 1))];
		out->slope_sampled = 1;
		if (sen(p, PC_TREND_EXACT_MAX, &out->slope))
			rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
out:
	free(p);
	free(v);
	return rc;
}

static int cmp_p(const void *a, const void *b, void *arg)
{
	const pc_history_trend *r = arg;
	double x = r[*(const size_t *)a].t.p, y = r[*(const size_t *)b].t.p;
	if (isnan(x) || isnan(y))
		return isnan(x) - isnan(y);
	return (x > y) - (x < y);
}

/* Holm: the i-th smallest of m p-values (from 0) is significant if it and
 * every smaller one lies below alpha / (m - i). */
static void holm(pc_history_trend *r, size_t k, double alpha, size_t *ord)
{
	size_t m = 0;

	for (size_t i = 0; i < k; i++) {
		ord[i] = i;
		m += !isnan(r[i].t.p);
	}
	/* k is the number of phases plus one: insertion sort, stable */
	for (size_t a = 1; a < k; a++)
		for (size_t b = a; b > 0 && cmp_p(&ord[b - 1], &ord[b], r) > 0; b--) {
			size_t t = ord[b];
			ord[b] = ord[b - 1];
			ord[b - 1] = t;
		}
	for (size_t i = 0; i < m; i++) {
		if (!(r[ord[i]].t.p < alpha / (double)(m - i)))
			break;
		r[ord[i]].significant = 1;
	}
}

int pc_history_trends(const pc_history *h, const pc_calendar *cal,
                      double alpha, pc_history_trend **out, pc_error *err)
{
	size_t k = h->nphases + 1, cap = h->nobs > h->nprojects ? h->nobs : h->nprojects;
	pc_history_trend *r = calloc(k, sizeof *r);
	double *x = malloc((cap ? cap : 1) * sizeof *x);
	double *y = malloc((cap ? cap : 1) * sizeof *y);
	size_t *ord = malloc(k * sizeof *ord), *count = calloc(k, sizeof *count);
	size_t *first = malloc((k + 1) * sizeof *first);
	pc_day t0 = PC_DAY_MAX;
	int rc = PC_OK;

	*out = NULL;
	if (!r || !x || !y || !ord || !count || !first) {
		rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	/* Only projects started before the first one still running: those
	 * have all finished, whatever they took.  Among later ones only the
	 * quick have finished yet, which would read as durations shrinking. */
	for (size_t i = 0; i < h->nprojects; i++)
		if (h->projects[i].ongoing && h->projects[i].start < t0)
			t0 = h->projects[i].start;
	for (size_t i = 0; i < h->nobs; i++)
		count[h->obs[i].phase] += !h->obs[i].ongoing &&
		                          h->projects[h->obs[i].project].start < t0;
	first[0] = 0;
	for (size_t j = 0; j < h->nphases; j++)
		first[j + 1] = first[j] + count[j];
	memset(count, 0, k * sizeof *count);
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *o = h->obs + i;
		size_t at;
		if (o->ongoing || h->projects[o->project].start >= t0)
			continue;
		at = first[o->phase] + count[o->phase]++;
		x[at] = (double)o->start;
		y[at] = (double)pc_calendar_days(cal, o->start, o->end);
	}
	for (size_t j = 0; j < h->nphases; j++) {
		r[j].phase = h->phases[j];
		r[j].t.tau = r[j].t.z = r[j].t.p = r[j].t.slope = NAN;
		if (count[j] >= PC_TREND_MIN &&
		    (rc = pc_trend_test(x + first[j], y + first[j], count[j], &r[j].t, err)))
			goto fail;
		r[j].t.n = count[j];
		r[j].per_year = r[j].t.slope * 365.25;
	}
	{
		pc_history_trend *rel = r + h->nphases;
		size_t m = 0;
		for (size_t i = 0; i < h->nprojects; i++) {
			const pc_project *p = h->projects + i;
			if (p->ongoing || p->start >= t0)
				continue;
			x[m] = (double)p->start;
			y[m] = (double)pc_calendar_days(cal, p->start, p->end);
			m++;
		}
		rel->t.tau = rel->t.z = rel->t.p = rel->t.slope = NAN;
		if (m >= PC_TREND_MIN && (rc = pc_trend_test(x, y, m, &rel->t, err)))
			goto fail;
		rel->t.n = m;
		rel->per_year = rel->t.slope * 365.25;
	}
	holm(r, k, alpha, ord);
	*out = r;
	r = NULL;
fail:
	free(r);
	free(x);
	free(y);
	free(ord);
	free(count);
	free(first);
	return rc;
}
