/*
 * fit.c - the censored maximum-likelihood engine, model selection and
 * uncertainty.
 *
 * Each family supplies its log-likelihood with an analytic gradient
 * (dist_*.c); this file maximises it over theta, the parameters with the
 * positive ones on the log scale (so every step stays valid), by damped
 * Newton iterations on an analytic Hessian (the forward difference of the
 * analytic gradient where a family has none).  Newton converges
 * quadratically, so the loop runs until the Newton decrement (what one
 * more step could gain in log L) is at rounding level, or a line search
 * finds no strict gain, rather than stopping at a loose tolerance, and
 * the result is checked before it is accepted.  The same Hessian
 * (central differences of the gradient where there is no analytic one),
 * inverted with GSL's Cholesky, gives the observed-information
 * covariance.  With whole days the log-likelihood is pci_whole_loglik's,
 * built from each family's tails (pci_tails, with their gradients and
 * Hessians) at the distinct day boundaries.
 *
 * It also reads a column of durations from CSV (pc_durations_read), so
 * that the tool stays a thin layer that only parses options and prints.
 */
#include <config.h>

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include <precedent/fit.h>

#include "fit_internal.h"

#define Z95 1.959963984540054
/* Beyond this, sums of squares and powers in the log-likelihoods overflow. */
#define MAX_VALUE 1e150

static const pci_fitops *const all_ops[] = {
	&pci_exponential_fit,
	&pci_gamma_fit,
	&pci_weibull_fit,
	&pci_lognormal_fit,
	&pci_loglogistic_fit,
	&pci_normal_fit,
	NULL
};

const pci_fitops *pci_fitops_of(const pc_family *f)
{
	for (int i = 0; all_ops[i]; i++)
		if (all_ops[i]->family == f)
			return all_ops[i];
	return NULL;
}

static const char *const criterion_names[] = {"aicc", "aic", "bic", NULL};

const char *pc_criterion_name(pc_criterion c)
{
	return (unsigned)c < 3 ? criterion_names[c] : "?";
}

int pc_criterion_parse(const char *s, pc_criterion *out)
{
	for (int i = 0; s && criterion_names[i]; i++)
		if (strcasecmp(s, criterion_names[i]) == 0) {
			*out = (pc_criterion)i;
			return 0;
		}
	return -1;
}

int pc_family_mask_parse(const char *list, unsigned *mask, pc_error *err)
{
	const char *s = list;
	unsigned m = 0;

	if (!list || !*list)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "no family given");
	if (strcasecmp(list, "all") == 0) {
		*mask = PC_FAMILIES_ALL;
		return PC_OK;
	}
	while (*s) {
		size_t len = strcspn(s, ",");
		char name[32];
		int found = 0;

		if (len == 0 || len >= sizeof name)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "unknown family '%.*s'", (int)len, s);
		memcpy(name, s, len);
		name[len] = '\0';
		for (int i = 0; pc_families[i]; i++)
			if (strcasecmp(pc_families[i]->name, name) == 0) {
				m |= 1u << i;
				found = 1;
			}
		if (!found)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "unknown family '%s' (expected all or a list of exponential,gamma,weibull,lognormal,loglogistic,normal)",
			                    name);
		s += len;
		if (*s == ',')
			s++;
	}
	*mask = m;
	return PC_OK;
}

void pc_fit_options_init(pc_fit_options *o)
{
	memset(o, 0, sizeof *o);
	o->criterion = PC_CRIT_AICC;
	o->seed = 1;
}

/* ------------------------------------------------------------ samples */

static size_t group(double *v, size_t n, double *u, double *w);
static size_t group_weighted(const double *v, const double *wt, size_t n,
                             double *u, double *w);

/* Whole numbers (days, counts) tie often: 10^4 whole-day durations take a
 * few dozen values, so the likelihoods run over distinct values with
 * counts (weighted, the sum of their weights).  Other data seldom tie,
 * and are left as they are rather than sorted for nothing.  0, or -1 out
 * of memory. */
static int group_ties(pci_sample *s)
{
	size_t n = s->nev + s->ncens, ne = s->nev, nc = s->ncens;
	double *b, *tmp;

	for (size_t i = 0; i < ne; i++)
		if (s->xe[i] != floor(s->xe[i]))
			return 0;
	for (size_t i = 0; i < nc; i++)
		if (s->xc[i] != floor(s->xc[i]))
			return 0;
	/* finished: values, counts, logs (3 ne); running: the same (3 nc);
	 * then scratch for the sort */
	b = s->dbuf = malloc((4 * n + 1) * sizeof *b);
	if (!b)
		return -1;
	tmp = b + 3 * n;
	if (s->we)
		s->nde = group_weighted(s->xe, s->we, ne, b, b + ne);
	else {
		memcpy(tmp, s->xe, ne * sizeof *tmp);
		s->nde = group(tmp, ne, b, b + ne);
	}
	if (s->nde == (size_t)-1)
		return -1;
	for (size_t i = 0; i < s->nde; i++)
		b[2 * ne + i] = b[i] > 0 ? log(b[i]) : 0;
	s->dxe = b;
	s->dwe = b + ne;
	s->dle = b + 2 * ne;
	b += 3 * ne;
	if (s->wc)
		s->ndc = group_weighted(s->xc, s->wc, nc, b, b + nc);
	else {
		memcpy(tmp, s->xc, nc * sizeof *tmp);
		s->ndc = group(tmp, nc, b, b + nc);
	}
	if (s->ndc == (size_t)-1)
		return -1;
	for (size_t i = 0; i < s->ndc; i++)
		b[2 * nc + i] = b[i] > 0 ? log(b[i]) : 0;
	s->dxc = b;
	s->dwc = b + nc;
	s->dlc = b + 2 * nc;
	return 0;
}

int pci_sample_init(pci_sample *s, const double *x,
                    const unsigned char *censored, size_t n, pc_error *err)
{
	return pci_sample_init_weighted(s, x, censored, NULL, n, err);
}

int pci_sample_init_weighted(pci_sample *s, const double *x,
                             const unsigned char *censored, const double *w,
                             size_t n, pc_error *err)
{
	size_t ie = 0, ic = 0;
	double m = 0, q = 0, lm = 0, lq = 0, sw = 0;

	memset(s, 0, sizeof *s);
	s->all_positive = 1;
	s->all_equal = 1;
	s->min = INFINITY;
	s->max = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(x[i]))
			return pc_error_set(err, PC_EDATA, NULL, 0,
			                    "value %g is not a finite number", x[i]);
		if (w && !(isfinite(w[i]) && w[i] >= 0))
			return pc_error_set(err, PC_EDATA, NULL, 0,
			                    "weight %g of value %g is not a finite number >= 0",
			                    w[i], x[i]);
		if (w && w[i] == 0)
			continue;
		if (censored && censored[i])
			s->ncens++;
		else
			s->nev++;
	}
	s->n = s->nev + s->ncens;
	/* xe, le, xc, lc, and the weights of both kinds */
	s->buf = malloc((3 * s->n + 1) * 2 * sizeof *s->buf);
	if (!s->buf)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	s->xe = s->buf;
	s->le = s->xe + s->nev;
	s->xc = s->le + s->nev;
	s->lc = s->xc + s->ncens;
	if (w) {
		s->we = s->lc + s->ncens;
		s->wc = s->we + s->nev;
	}
	for (size_t i = 0; i < n; i++) {
		double v = x[i], lv = v > 0 ? log(v) : 0, wi = w ? w[i] : 1;

		if (wi == 0)
			continue;
		s->wn += wi;
		s->min = fmin(s->min, v);
		s->max = fmax(s->max, v);
		if (v <= 0)
			s->all_positive = 0;
		if (censored && censored[i]) {
			if (w)
				s->wc[ic] = wi;
			s->xc[ic] = v;
			s->lc[ic++] = lv;
			continue;
		}
		if (ie && v != s->xe[0])
			s->all_equal = 0;
		if (w)
			s->we[ie] = wi;
		s->xe[ie] = v;
		s->le[ie] = lv;
		/* Welford (West's weighted form): the plain sum of squares
		 * cancels when the spread is small next to the mean */
		ie++;
		sw += wi;
		{
			double d = v - m, ld = lv - lm;
			m += wi * d / sw;
			q += wi * d * (v - m);
			lm += wi * ld / sw;
			lq += wi * ld * (lv - lm);
		}
		s->sx += wi * v;
		s->slx += wi * lv;
	}
	s->ne = sw;
	s->nde = s->nev;
	s->ndc = s->ncens;
	s->dxe = s->xe;
	s->dle = s->le;
	s->dwe = s->we;
	s->dxc = s->xc;
	s->dlc = s->lc;
	s->dwc = s->wc;
	if (group_ties(s))
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	s->mean = m;
	s->sd = ie ? sqrt(q / sw) : 0;
	s->lmean = lm;
	s->lsd = ie ? sqrt(lq / sw) : 0;
	return PC_OK;
}

void pci_sample_release(pci_sample *s)
{
	free(s->buf);
	free(s->gbuf);
	free(s->dbuf);
	memset(s, 0, sizeof *s);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sort v[0..n-1] into distinct values u[] with counts w[]; the count of
 * distinct values. */
static size_t group(double *v, size_t n, double *u, double *w)
{
	size_t m = 0, s = 1;

	/* sorted already (callers that refit often sort once): a pass,
	 * not a sort */
	while (s < n && v[s - 1] <= v[s])
		s++;
	if (s < n)
		qsort(v, n, sizeof *v, cmp_double);
	for (size_t i = 0; i < n; i++) {
		if (m && v[i] == u[m - 1]) {
			w[m - 1] += 1;
			continue;
		}
		u[m] = v[i];
		w[m++] = 1;
	}
	return m;
}

struct vw {
	double v, w;
};

static int cmp_vw(const void *a, const void *b)
{
	double x = ((const struct vw *)a)->v, y = ((const struct vw *)b)->v;

	return (x > y) - (x < y);
}

/* group() with weights: distinct values of v[0..n-1] in u[], the sum of
 * the weights wt[] of each in w[]; the count of distinct values, or
 * (size_t)-1 out of memory. */
static size_t group_weighted(const double *v, const double *wt, size_t n,
                             double *u, double *w)
{
	struct vw *t = malloc((n ? n : 1) * sizeof *t);
	size_t m = 0;

	if (!t)
		return (size_t)-1;
	for (size_t i = 0; i < n; i++) {
		t[i].v = v[i];
		t[i].w = wt[i];
	}
	qsort(t, n, sizeof *t, cmp_vw);
	for (size_t i = 0; i < n; i++) {
		if (m && t[i].v == u[m - 1]) {
			w[m - 1] += t[i].w;
			continue;
		}
		u[m] = t[i].v;
		w[m++] = t[i].w;
	}
	free(t);
	return m;
}

int pci_sample_group(pci_sample *s, pc_error *err)
{
	double *tmp;

	for (size_t i = 0; i < s->nev; i++)
		if (!(s->xe[i] >= 1 && s->xe[i] == floor(s->xe[i])))
			return pc_error_set(err, PC_EDATA, NULL, 0,
			                    "value %g is not a whole number of days >= 1 (whole days were asked for)",
			                    s->xe[i]);
	for (size_t i = 0; i < s->ncens; i++)
		if (!(s->xc[i] >= 0 && s->xc[i] == floor(s->xc[i])))
			return pc_error_set(err, PC_EDATA, NULL, 0,
			                    "running value %g is not a whole number of days >= 0 (whole days were asked for)",
			                    s->xc[i]);
	free(s->gbuf);
	s->gbuf = malloc((3 * s->n + 1) * sizeof *s->gbuf);
	if (!s->gbuf)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	tmp = s->gbuf + 2 * s->n;
	s->ge = s->gbuf;
	s->gw = s->ge + s->nev;
	s->gc = s->gw + s->nev;
	s->gcw = s->gc + s->ncens;
	if (s->we) {
		s->nge = group_weighted(s->xe, s->we, s->nev, s->ge, s->gw);
		s->ngc = group_weighted(s->xc, s->wc, s->ncens, s->gc, s->gcw);
		if (s->nge == (size_t)-1 || s->ngc == (size_t)-1)
			return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	} else {
		memcpy(tmp, s->xe, s->nev * sizeof *tmp);
		s->nge = group(tmp, s->nev, s->ge, s->gw);
		memcpy(tmp, s->xc, s->ncens * sizeof *tmp);
		s->ngc = group(tmp, s->ncens, s->gc, s->gcw);
	}
	s->whole = 1;
	return PC_OK;
}

/*
 * The whole-day likelihood.  A finished duration of d whole days has
 * probability P(d) = F(1.5) for d = 1, else F(d + 0.5) - F(d - 0.5); a
 * phase running for c days lasts at least c - 0.5, S(c - 0.5).  P(d) is
 * computed from whichever tail holds the interval (log S above the
 * median, log F below) as
 *   log P = l1 + log(1 - e^(l2 - l1)),
 * l1 the larger of the two tail logs, so that neither a difference of
 * two numbers near 1 nor an underflow to 0 loses it.  With e = e^(l2 -
 * l1), q = 1 - e and g, H the tails' gradients and Hessians (of their
 * logs), its gradient is (g1 - e g2) / q, and since hess T / T = H + g g'
 * for a tail T, its Hessian is
 *   (H1 + g1 g1' - e (H2 + g2 g2')) / q - grad grad'.
 * Analytic second derivatives let Newton take one evaluation a step
 * where differencing the gradient took three.
 */

void pci_tails_to_kl(double d1, double d2, double t, const double *p,
                     double *g, double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double k = p[0], l = p[1], du[2] = {t, -k / l};

	g[0] = d1 * du[0];
	g[1] = d1 * du[1];
	h[0][0] = d2 * du[0] * du[0];
	h[0][1] = h[1][0] = d2 * du[0] * du[1] - d1 / l;
	h[1][1] = d2 * du[1] * du[1] + d1 * k / (l * l);
}

void pci_tails_other(pci_tails *t, int k, int upper, int order)
{
	double la = upper ? t->ls : t->lf, lb, r;
	const double *ga = upper ? t->gs : t->gf;
	double *gb = upper ? t->gf : t->gs;
	const double (*ha)[PC_MAX_PARAMS] = (const double (*)[PC_MAX_PARAMS])(upper ? t->hs : t->hf);
	double (*hb)[PC_MAX_PARAMS] = upper ? t->hf : t->hs;

	lb = la < -0.693 ? log1p(-exp(la)) : log(-expm1(la));
	if (upper)
		t->lf = lb;
	else
		t->ls = lb;
	if (order < 1)
		return;
	r = exp(la - lb); /* A / B */
	for (int i = 0; i < k; i++)
		gb[i] = -r * ga[i];
	if (order < 2)
		return;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			hb[i][j] = -r * (ha[i][j] + ga[i] * ga[j]) - gb[i] * gb[j];
}

/*
 * Where the whole-day likelihood needs the tails: d - 0.5 and d + 0.5 for
 * each distinct finished day d >= 2, 1.5 for day 1, c - 0.5 for each
 * distinct running c.  Neighbouring days share a point (d + 0.5 is
 * (d + 1) - 0.5), so there are about as many points as days rather than
 * three tail evaluations a day (two and a CDF to choose the tail), and a
 * fit lays them out once for all its evaluations.
 */
typedef struct whole_layout {
	size_t npts;
	double *x;       /* the distinct points, ascending */
	size_t *lo, *hi; /* per finished day: its points (lo unused for day 1) */
	size_t *cp;      /* per running value: its point */
	pci_tails *t;    /* the tails at x, filled by each evaluation */
} whole_layout;

static void layout_free(whole_layout *w)
{
	if (!w)
		return;
	free(w->x);
	free(w->lo);
	free(w->t);
	free(w);
}

/* Both lists of points are ascending already (the days' d - 0.5, d + 0.5
 * never go back, since the days are distinct whole numbers, and the
 * running values' c - 0.5), so a merge lays them out: a fit makes one
 * layout per family, and sorting them was a twentieth of a backtest. */
static whole_layout *layout_new(const pci_sample *s)
{
	whole_layout *w = calloc(1, sizeof *w);
	size_t na = 0, ia = 0, ic = 0, *amap;
	double *a;

	if (!w)
		return NULL;
	/* x: the merged points, then the days' points (a); lo: lo, hi,
	 * cp, then where each of the days' points went (amap) */
	w->x = malloc((4 * s->nge + s->ngc + 1) * sizeof *w->x);
	w->lo = malloc((4 * s->nge + s->ngc + 1) * sizeof *w->lo);
	if (!w->x || !w->lo) {
		layout_free(w);
		return NULL;
	}
	w->hi = w->lo + s->nge;
	w->cp = w->hi + s->nge;
	amap = w->cp + s->ngc;
	a = w->x + 2 * s->nge + s->ngc;
	for (size_t j = 0; j < s->nge; j++) {
		if (s->ge[j] > 1)
			a[na++] = s->ge[j] - 0.5;
		a[na++] = s->ge[j] > 1 ? s->ge[j] + 0.5 : 1.5;
	}
	while (ia < na || ic < s->ngc) {
		int day = ic == s->ngc || (ia < na && a[ia] <= s->gc[ic] - 0.5);
		double v = day ? a[ia] : s->gc[ic] - 0.5;

		if (w->npts == 0 || w->x[w->npts - 1] != v)
			w->x[w->npts++] = v;
		if (day)
			amap[ia++] = w->npts - 1;
		else
			w->cp[ic++] = w->npts - 1;
	}
	ia = 0;
	for (size_t j = 0; j < s->nge; j++) {
		w->lo[j] = s->ge[j] > 1 ? amap[ia++] : 0;
		w->hi[j] = amap[ia++];
	}
	w->t = malloc((w->npts ? w->npts : 1) * sizeof *w->t);
	if (!w->t) {
		layout_free(w);
		return NULL;
	}
	return w;
}

/* Add c times a term's log, gradient and Hessian to the sums. */
static void add_term(int k, int order, double c, double l, const double *g,
                     const double (*h)[PC_MAX_PARAMS], double *ll, double *grad,
                     double (*hess)[PC_MAX_PARAMS])
{
	*ll += c * l;
	if (order < 1)
		return;
	for (int i = 0; i < k; i++)
		grad[i] += c * g[i];
	if (order < 2)
		return;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			hess[i][j] += c * h[i][j];
}

static double whole_loglik_at(const pci_fitops *ops, whole_layout *w,
                              const pci_sample *s, const double *p,
                              double *grad, double hess[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	int k = ops->family->nparams, order = hess ? 2 : grad ? 1 : 0;
	double ll = 0, gs[PC_MAX_PARAMS], hs[PC_MAX_PARAMS][PC_MAX_PARAMS];

	if (!grad)
		grad = gs;
	if (!hess)
		hess = hs;
	for (int i = 0; i < k; i++) {
		grad[i] = 0;
		for (int j = 0; j < k; j++)
			hess[i][j] = 0;
	}
	ops->tails(p, w->x, w->npts, order, w->t);
	for (size_t j = 0; j < s->nge; j++) {
		const pci_tails *a = w->t + w->lo[j], *b = w->t + w->hi[j];
		double g[PC_MAX_PARAMS], h[PC_MAX_PARAMS][PC_MAX_PARAMS];
		double l1, l2, delta, q, e;
		const double *g1, *g2;
		const double (*h1)[PC_MAX_PARAMS], (*h2)[PC_MAX_PARAMS];
		int upper;

		if (s->ge[j] <= 1) {
			add_term(k, order, s->gw[j], b->lf, b->gf, b->hf, &ll, grad, hess);
			continue;
		}
		upper = a->ls < b->lf;
		l1 = upper ? a->ls : b->lf;
		l2 = upper ? b->ls : a->lf;
		delta = l2 - l1;
		if (!(delta < 0) || !isfinite(l1))
			return -INFINITY;
		q = -expm1(delta);
		if (order >= 1) {
			e = exp(delta);
			g1 = upper ? a->gs : b->gf;
			g2 = upper ? b->gs : a->gf;
			for (int i = 0; i < k; i++)
				g[i] = (g1[i] - e * g2[i]) / q;
			if (order >= 2) {
				h1 = upper ? a->hs : b->hf;
				h2 = upper ? b->hs : a->hf;
				for (int i = 0; i < k; i++)
					for (int m = 0; m < k; m++)
						h[i][m] = (h1[i][m] + g1[i] * g1[m] -
						           e * (h2[i][m] + g2[i] * g2[m])) / q -
						          g[i] * g[m];
			}
		}
		add_term(k, order, s->gw[j], l1 + log(q), g,
		         (const double (*)[PC_MAX_PARAMS])h, &ll, grad, hess);
	}
	for (size_t j = 0; j < s->ngc; j++) {
		const pci_tails *t = w->t + w->cp[j];
		add_term(k, order, s->gcw[j], t->ls, t->gs, t->hs, &ll, grad, hess);
	}
	return isfinite(ll) ? ll : -INFINITY;
}

double pci_whole_loglik(const pci_fitops *ops, const double *p,
                        const pci_sample *s, double *grad,
                        double hess[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	whole_layout *w = layout_new(s);
	double ll;

	if (!w)
		return -INFINITY;
	ll = whole_loglik_at(ops, w, s, p, grad, hess);
	layout_free(w);
	return ll;
}

/* -------------------------------------------------------- optimisation */

/*
 * theta: a positive parameter is optimised as log p, a location (the
 * mean of normal and lognormal) as p / ls, with ls the scale (sd) at the
 * start.  Both make theta dimensionless, so one gradient tolerance and
 * one differencing step fit data in seconds or in years.
 */
typedef struct problem {
	const pci_fitops *ops;
	const pci_sample *s;
	int k;
	double ls; /* location unit */
	whole_layout *w; /* whole days: the fit's layout (NULL: made per call) */
} problem;

static void to_params(const problem *pr, const double *th, double *p)
{
	for (int i = 0; i < pr->k; i++)
		p[i] = (pr->ops->logparam >> i & 1) ? exp(th[i]) : th[i] * pr->ls;
}

static void to_theta(const problem *pr, const double *p, double *th)
{
	for (int i = 0; i < pr->k; i++)
		th[i] = (pr->ops->logparam >> i & 1) ? log(p[i]) : p[i] / pr->ls;
}

/* d p_i / d theta_i */
static double jacobian(const problem *pr, const double *p, int i)
{
	return (pr->ops->logparam >> i & 1) ? p[i] : pr->ls;
}

/* log L at theta and its gradient in theta (chain rule: d/dlog p =
 * p d/dp, d/d(p/ls) = ls d/dp), and with whole days its Hessian in theta
 * when h is not NULL (then *hok is set: 1, or 0 where it could not be
 * had); -inf where the parameters are not valid. */
static double eval_h(const problem *pr, const double *th, double *g,
                     double h[PC_MAX_PARAMS][PC_MAX_PARAMS], int *hok)
{
	double p[PC_MAX_PARAMS], gp[PC_MAX_PARAMS], ll;
	double hp[PC_MAX_PARAMS][PC_MAX_PARAMS];

	if (h)
		*hok = 0;
	/* Keep log parameters within e^+-400: far beyond any duration
	 * scale, and GSL's lngamma, psi and incomplete gamma stay clear of
	 * overflow there (GSL signals overflow through its error handler,
	 * which aborts by default). */
	for (int i = 0; i < pr->k; i++)
		if ((pr->ops->logparam >> i & 1) && !(fabs(th[i]) <= 400))
			return -INFINITY;
	to_params(pr, th, p);
	if (!pr->ops->family->valid(p))
		return -INFINITY;
	if (!pr->s->whole) {
		ll = pr->ops->loglik(p, pr->s, g ? gp : NULL);
		h = NULL; /* the exact-data families: hessian_exact's */
	} else if (pr->w) {
		ll = whole_loglik_at(pr->ops, pr->w, pr->s, p, g || h ? gp : NULL,
		                     h ? hp : NULL);
	} else {
		ll = pci_whole_loglik(pr->ops, p, pr->s, g || h ? gp : NULL,
		                      h ? hp : NULL);
	}
	if (!isfinite(ll))
		return -INFINITY;
	if (g)
		for (int i = 0; i < pr->k; i++)
			g[i] = gp[i] * jacobian(pr, p, i);
	if (h) {
		/* as hessian_exact: J_i J_j H_ij, plus g_i p_i on the
		 * diagonal of a log parameter */
		*hok = 1;
		for (int i = 0; i < pr->k; i++)
			for (int j = 0; j < pr->k; j++) {
				h[i][j] = jacobian(pr, p, i) * jacobian(pr, p, j) * hp[i][j];
				if (i == j && (pr->ops->logparam >> i & 1))
					h[i][j] += gp[i] * p[i];
				if (!isfinite(h[i][j]))
					*hok = 0;
			}
	}
	return ll;
}

static double eval(const problem *pr, const double *th, double *g)
{
	return eval_h(pr, th, g, NULL, NULL);
}

/* Step for differencing theta[i]: 1e-5, a relative step in a log
 * parameter and 1e-5 sd in a location; the location's own size limits
 * how small a change is representable. */
static double diff_step(const problem *pr, const double *th, int i)
{
	if (pr->ops->logparam >> i & 1)
		return 1e-5;
	return 1e-5 * fmax(1, 1e-5 * fabs(th[i]));
}

/* The family's analytic Hessian carried to theta: with p = P(theta),
 * d2/dth_i dth_j = J_i J_j d2/dp_i dp_j, plus g_i p_i on the diagonal of
 * a log parameter (d2p/dth2 = p).  g is the gradient in theta at th
 * when the caller has it (NULL: computed here).  With whole days, the
 * whole-day likelihood's own (eval_h).  0, or -1 without one (a family
 * that has none) or where log L or the Hessian is not finite. */
static int hessian_exact(const problem *pr, const double *th, const double *g,
                         double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double p[PC_MAX_PARAMS], gp[PC_MAX_PARAMS], hp[PC_MAX_PARAMS][PC_MAX_PARAMS];
	int k = pr->k;

	if (pr->s->whole) {
		int ok;
		return isfinite(eval_h(pr, th, gp, h, &ok)) && ok ? 0 : -1;
	}
	if (!pr->ops->hessian)
		return -1;
	for (int i = 0; i < k; i++)
		if ((pr->ops->logparam >> i & 1) && !(fabs(th[i]) <= 400))
			return -1;
	to_params(pr, th, p);
	if (!pr->ops->family->valid(p))
		return -1;
	if (g) /* the gradient in theta the caller has: back to p */
		for (int i = 0; i < k; i++)
			gp[i] = g[i] / jacobian(pr, p, i);
	else if (!isfinite(pr->ops->loglik(p, pr->s, gp)))
		return -1;
	pr->ops->hessian(p, pr->s, hp);
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++) {
			h[i][j] = jacobian(pr, p, i) * jacobian(pr, p, j) * hp[i][j];
			if (i == j && (pr->ops->logparam >> i & 1))
				h[i][j] += gp[i] * p[i];
			if (!isfinite(h[i][j]))
				return -1;
		}
	return 0;
}

/* Hessian of log L in theta: the family's analytic one, else central
 * differences of the analytic gradient, symmetrised; 0 or -1 if a
 * neighbour is not valid. */
static int hessian(const problem *pr, const double *th, double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double t[PC_MAX_PARAMS], gp[PC_MAX_PARAMS], gm[PC_MAX_PARAMS];
	int k = pr->k;

	if (hessian_exact(pr, th, NULL, h) == 0)
		return 0;
	for (int i = 0; i < k; i++) {
		double step = diff_step(pr, th, i);
		memcpy(t, th, sizeof t);
		t[i] = th[i] + step;
		if (!isfinite(eval(pr, t, gp)))
			return -1;
		t[i] = th[i] - step;
		if (!isfinite(eval(pr, t, gm)))
			return -1;
		for (int j = 0; j < k; j++)
			h[i][j] = (gp[j] - gm[j]) / (2 * step);
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < i; j++)
			h[i][j] = h[j][i] = 0.5 * (h[i][j] + h[j][i]);
	return 0;
}

/* The Hessian for a Newton step only: forward differences of the
 * gradient from g, the one already known at th, so k evaluations instead
 * of central differences' 2k.  Its 1e-5 relative error only slows the
 * last digits of Newton's convergence, never moves the optimum (that is
 * where the analytic gradient vanishes); the covariance still uses the
 * central differences of hessian(). */
static int hessian_fwd(const problem *pr, const double *th, const double *g,
                       double h[PC_MAX_PARAMS][PC_MAX_PARAMS])
{
	double t[PC_MAX_PARAMS], gp[PC_MAX_PARAMS];
	int k = pr->k;

	if (hessian_exact(pr, th, g, h) == 0)
		return 0;
	for (int i = 0; i < k; i++) {
		double step = diff_step(pr, th, i);
		memcpy(t, th, sizeof t);
		t[i] = th[i] + step;
		if (!isfinite(eval(pr, t, gp))) {
			/* at an edge of the valid region: step the other way */
			step = -step;
			t[i] = th[i] + step;
			if (!isfinite(eval(pr, t, gp)))
				return -1;
		}
		for (int j = 0; j < k; j++)
			h[i][j] = (gp[j] - g[j]) / step;
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < i; j++)
			h[i][j] = h[j][i] = 0.5 * (h[i][j] + h[j][i]);
	return 0;
}

/* Solve (-H) d = g for 1 or 2 parameters; 0, or -1 if -H is not
 * positive definite (then Newton would walk downhill). */
static int newton_step(int k, double h[PC_MAX_PARAMS][PC_MAX_PARAMS],
                       const double *g, double *d)
{
	if (k == 1) {
		if (!(-h[0][0] > 0))
			return -1;
		d[0] = g[0] / -h[0][0];
		return 0;
	}
	{
		double a = -h[0][0], b = -h[0][1], c = -h[1][1];
		double det = a * c - b * b;
		if (!(a > 0) || !(det > 0))
			return -1;
		d[0] = (c * g[0] - b * g[1]) / det;
		d[1] = (a * g[1] - b * g[0]) / det;
	}
	return 0;
}

static double max_abs(const double *v, int k)
{
	double m = 0;

	for (int i = 0; i < k; i++)
		m = fmax(m, fabs(v[i]));
	return m;
}

/*
 * Maximise from th (in place).  Converged when the Newton decrement
 * g' (-H)^-1 g, what a full Newton step would still gain in log L, is
 * below 1e-14 |log L|: that is scale-free, unlike the raw gradient, whose
 * rounding noise grows with the size of the terms summed.  Returns the
 * iterations, or -1 if log L is not finite at the start; *decr is the
 * final decrement (+inf if -H was not positive definite there).
 */
static int maximise(const problem *pr, double *th, double *ll_out,
                    double *gnorm, double *decr)
{
	double g[PC_MAX_PARAMS], h[PC_MAX_PARAMS][PC_MAX_PARAMS];
	double d[PC_MAX_PARAMS], t[PC_MAX_PARAMS], ll, tol;
	double nh[PC_MAX_PARAMS][PC_MAX_PARAMS];
	int k = pr->k, it, whole = pr->s->whole, hok = 0, nhok = 0;

	*decr = INFINITY;
	/* whole days: each evaluation brings its analytic Hessian */
	ll = whole ? eval_h(pr, th, g, h, &hok) : eval(pr, th, g);
	if (!isfinite(ll))
		return -1;
	for (it = 0; it < 200; it++) {
		double step = 1, nll = -INFINITY, ng[PC_MAX_PARAMS];
		int newton;

		tol = 1e-14 * fmax(1, fabs(ll));

		newton = (hok || hessian_fwd(pr, th, g, h) == 0) &&
		         newton_step(k, h, g, d) == 0;
		if (newton) {
			*decr = 0;
			for (int i = 0; i < k; i++)
				*decr += g[i] * d[i];
			if (*decr <= tol)
				break;
		} else {
			/* steepest ascent, at most 0.5 in any coordinate */
			double m = max_abs(g, k);
			*decr = INFINITY;
			if (m == 0)
				break;
			for (int i = 0; i < k; i++)
				d[i] = 0.5 * g[i] / m;
		}
		/* A step of 3 in a log parameter multiplies it by 20, and a
		 * location moves by 3 sd: anything bigger is the quadratic
		 * model overreaching.  (A location's step is measured in the
		 * current sd, not the starting one, so that a fit that must
		 * travel far - say a censored outlier 1e5 sd away - gets there
		 * in a few iterations as the sd grows.) */
		{
			double m = 0;
			for (int i = 0; i < k; i++) {
				double unit = (pr->ops->logparam >> i & 1) ? 1
				              : exp(th[1]) / pr->ls;
				m = fmax(m, fabs(d[i]) / unit);
			}
			if (m > 3)
				for (int i = 0; i < k; i++)
					d[i] *= 3 / m;
		}
		/* Only a strict gain counts: a step that merely ties log L is
		 * rounding noise, and taking it kept the loop wandering on
		 * the plateau to the iteration cap.  40 halvings reach a
		 * step of 1e-12, below any change log L can resolve. */
		for (int tries = 0; tries < 40; tries++, step *= 0.5) {
			for (int i = 0; i < k; i++)
				t[i] = th[i] + step * d[i];
			nll = whole ? eval_h(pr, t, ng, nh, &nhok) : eval(pr, t, ng);
			if (nll > ll)
				break;
		}
		if (!(nll > ll))
			break; /* no ascent left at rounding level: fit_point
			        * judges whether that is the optimum */
		memcpy(th, t, sizeof t);
		memcpy(g, ng, sizeof ng);
		if (whole) {
			memcpy(h, nh, sizeof nh);
			hok = nhok;
		}
		ll = nll;
	}
	*ll_out = ll;
	*gnorm = max_abs(g, k);
	return it;
}

/* ------------------------------------------------------------ fitting */

static int fail(pc_fit *out, pc_error *err, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(pc_fit *out, pc_error *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out->error, sizeof out->error, fmt, ap);
	va_end(ap);
	out->status = status;
	return pc_error_set(err, (pc_status)status, NULL, 0, "%s: %s",
	                    out->family->name, out->error);
}

/* PC_OK, or fail() with why family ops cannot describe sample s. */
static int check_sample(const pci_fitops *ops, const pci_sample *s,
                        pc_fit *out, pc_error *err)
{
	const pc_family *f = ops->family;

	if (s->n == 0)
		return fail(out, err, PC_EDATA, "no data");
	if (s->nev == 0)
		return fail(out, err, PC_EDATA,
		            "all %zu observations are censored (still running): no finished duration to fit",
		            s->n);
	/* (whole days: finished ones are >= 1, and a phase running for 0
	 * days says nothing, log S(-0.5) = 0) */
	if (f->positive && !s->all_positive && !s->whole)
		return fail(out, err, PC_EDATA,
		            "value %g is outside the support (durations must be > 0)",
		            s->min);
	if (fmax(fabs(s->min), fabs(s->max)) > MAX_VALUE)
		return fail(out, err, PC_EDATA,
		            "value %g is too large to fit (the limit is 1e150)",
		            fabs(s->min) > fabs(s->max) ? s->min : s->max);
	if (s->nev < 2)
		return fail(out, err, PC_EDATA,
		            "only one finished duration: at least 2 are needed");
	if (f->nparams > 1 && s->all_equal)
		return fail(out, err, PC_EDATA,
		            "all finished durations equal %g: the spread cannot be estimated",
		            s->xe[0]);
	return PC_OK;
}

/* n: the observations, weighted (pci_sample.wn). */
static void set_criteria(pc_fit *out, int k, double n)
{

	out->aic = -2 * out->loglik + 2 * k;
	out->aicc = n - k - 1 > 0 ? out->aic + 2.0 * k * (k + 1) / (n - k - 1)
	                          : INFINITY;
	out->bic = -2 * out->loglik + k * log(n);
}

/* The point estimate only: the core of every fit and every replicate. */
/* fit_point, the optimiser starting from the natural parameters start
 * (NULL: the family's own starting values). */
static int fit_point_at(const pci_fitops *ops, const pci_sample *s, pc_fit *out,
                        double *th, double *ls, pc_error *err,
                        const double *start)
{
	problem pr = {ops, s, ops->family->nparams, 1, NULL};
	double p[PC_MAX_PARAMS], g[PC_MAX_PARAMS], ll, gn, decr = 0;
	int it;

	if (check_sample(ops, s, out, err))
		return out->status;
	if (s->whole && !(pr.w = layout_new(s)))
		return fail(out, err, PC_ENOMEM, "out of memory");
	/* the closed forms are for exact durations, not whole days */
	if (!s->whole && ops->mle && ops->mle(s, p)) {
		it = 0;
		pr.ls = pr.k > 1 ? p[1] : 1;
		to_theta(&pr, p, th);
		ll = eval(&pr, th, g);
		gn = max_abs(g, pr.k);
	} else {
		if (start)
			memcpy(p, start, sizeof p);
		else
			ops->start(s, p);
		pr.ls = pr.k > 1 ? p[1] : 1;
		to_theta(&pr, p, th);
		it = maximise(&pr, th, &ll, &gn, &decr);
	}
	layout_free(pr.w);
	*ls = pr.ls;
	if (it < 0 || !isfinite(ll))
		return fail(out, err, PC_ENUMERIC,
		            "the log-likelihood is not finite at the starting values");
	to_params(&pr, th, out->params);
	/*
	 * Accept when a Newton step could gain at most 1e-9 |log L| more
	 * (the promise is 1e-6 relative to R and scipy), or the gradient is
	 * below 1e-6 per observation.  Otherwise no optimum was reached:
	 * typically a parameter running off to 0 or infinity (a shape
	 * growing without bound when censoring leaves nothing to stop it),
	 * where the likelihood has no maximum.
	 */
	if (!(decr <= 1e-9 * fmax(1, fabs(ll)) || gn <= 1e-6 * (double)s->n) ||
	    !ops->family->valid(out->params))
		return fail(out, err, PC_ENUMERIC,
		            "no maximum of the likelihood found (gradient %.3g after %d iterations)",
		            gn, it);
	out->loglik = ll;
	out->grad_norm = gn;
	out->iterations = it;
	out->n = s->n;
	out->censored = s->ncens;
	set_criteria(out, pr.k, s->wn);
	out->status = PC_OK;
	return PC_OK;
}

static int fit_point(const pci_fitops *ops, const pci_sample *s, pc_fit *out,
                     double *th, double *ls, pc_error *err)
{
	return fit_point_at(ops, s, out, th, ls, err, NULL);
}

/* opts->warm's successful fit of family f, or NULL. */
static const double *warm_start(const pc_fit_options *opts, const pc_family *f)
{
	if (!opts->warm)
		return NULL;
	for (size_t i = 0; i < opts->warm->nfits && i < PC_MAX_FAMILIES; i++) {
		const pc_fit *w = opts->warm->fits + i;
		if (w->family == f && w->status == PC_OK && f->valid(w->params))
			return w->params;
	}
	return NULL;
}

static void init_fit(pc_fit *out, const pc_family *f)
{
	memset(out, 0, sizeof *out);
	out->family = f;
	for (int i = 0; i < PC_MAX_PARAMS; i++) {
		out->params[i] = out->se[i] = out->ci_lo[i] = out->ci_hi[i] = NAN;
		for (int j = 0; j < PC_MAX_PARAMS; j++)
			out->cov[i][j] = NAN;
	}
	out->loglik = out->aic = out->aicc = out->bic = out->weight = NAN;
	out->grad_norm = NAN;
	out->ks = out->ad = out->cvm = NAN;
	out->ks_p = out->ad_p = out->cvm_p = NAN;
	out->km_distance = NAN;
	out->median = out->median_lo = out->median_hi = NAN;
	out->p80 = out->p80_lo = out->p80_hi = NAN;
}

/* Quantile u at theta. */
static double quant_th(const problem *pr, const double *th, double u)
{
	double p[PC_MAX_PARAMS];

	to_params(pr, th, p);
	return pr->ops->family->quantile(u, p);
}

/* Delta-method 95% interval of quantile u; on the log scale for a
 * positive family, where durations are skewed and the interval must
 * stay above 0. */
static void quantile_delta(const problem *pr, const double *th,
                           double cov[PC_MAX_PARAMS][PC_MAX_PARAMS], double u,
                           double *q, double *lo, double *hi)
{
	double g[PC_MAX_PARAMS], t[PC_MAX_PARAMS], var = 0, se;
	int k = pr->k, logq = pr->ops->family->positive;

	*q = quant_th(pr, th, u);
	for (int i = 0; i < k; i++) {
		double step = diff_step(pr, th, i), a, b;
		memcpy(t, th, sizeof t);
		t[i] = th[i] + step;
		a = quant_th(pr, t, u);
		t[i] = th[i] - step;
		b = quant_th(pr, t, u);
		g[i] = logq ? (log(a) - log(b)) / (2 * step) : (a - b) / (2 * step);
	}
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			var += g[i] * cov[i][j] * g[j];
	se = sqrt(var);
	if (!isfinite(se)) {
		*lo = *hi = NAN;
	} else if (logq) {
		*lo = *q * exp(-Z95 * se);
		*hi = *q * exp(Z95 * se);
	} else {
		*lo = *q - Z95 * se;
		*hi = *q + Z95 * se;
	}
}

/* Standard errors and intervals from the inverse of the observed
 * information in theta, carried to the natural parameters by the
 * Jacobian diag(p) of the log parameters. */
static void uncertainty(const problem *pr, const double *th, pc_fit *out)
{
	double h[PC_MAX_PARAMS][PC_MAX_PARAMS] = {{0}}, cov[PC_MAX_PARAMS][PC_MAX_PARAMS];
	double jac[PC_MAX_PARAMS];
	int k = pr->k;
	gsl_matrix *m;

	if (hessian(pr, th, h))
		return;
	m = gsl_matrix_alloc(k, k);
	if (!m)
		return;
	for (int i = 0; i < k; i++)
		for (int j = 0; j < k; j++)
			gsl_matrix_set(m, i, j, -h[i][j]);
	/* GSL's Cholesky reports a matrix that is not positive definite
	 * through its error handler, which aborts by default: check the
	 * leading minors first. */
	if (!(-h[0][0] > 0) || (k == 2 && !(h[0][0] * h[1][1] - h[0][1] * h[1][0] > 0))) {
		gsl_matrix_free(m);
		return;
	}
	gsl_linalg_cholesky_decomp1(m);
	gsl_linalg_cholesky_invert(m);
	for (int i = 0; i < k; i++) {
		jac[i] = jacobian(pr, out->params, i);
		for (int j = 0; j < k; j++)
			cov[i][j] = gsl_matrix_get(m, i, j);
	}
	gsl_matrix_free(m);
	for (int i = 0; i < k; i++) {
		double se_th = sqrt(cov[i][i]);
		for (int j = 0; j < k; j++)
			out->cov[i][j] = jac[i] * cov[i][j] * jac[j];
		out->se[i] = jac[i] * se_th;
		if (pr->ops->logparam >> i & 1) {
			out->ci_lo[i] = exp(th[i] - Z95 * se_th);
			out->ci_hi[i] = exp(th[i] + Z95 * se_th);
		} else {
			out->ci_lo[i] = (th[i] - Z95 * se_th) * pr->ls;
			out->ci_hi[i] = (th[i] + Z95 * se_th) * pr->ls;
		}
	}
	quantile_delta(pr, th, cov, 0.5, &out->median, &out->median_lo,
	               &out->median_hi);
	quantile_delta(pr, th, cov, 0.8, &out->p80, &out->p80_lo, &out->p80_hi);
}

/* The 2.5% and 97.5% points of v[0..n-1] (sorted in place), by linear
 * interpolation between order statistics (R's type 7). */
static void percentile_ci(double *v, size_t n, double *lo, double *hi)
{
	double pos;

	if (n < 2) {
		*lo = *hi = NAN;
		return;
	}
	qsort(v, n, sizeof *v, cmp_double);
	pos = 0.025 * (n - 1);
	*lo = v[(size_t)pos] + (pos - floor(pos)) *
	      (v[(size_t)pos + 1 < n ? (size_t)pos + 1 : n - 1] - v[(size_t)pos]);
	pos = 0.975 * (n - 1);
	*hi = v[(size_t)pos] + (pos - floor(pos)) *
	      (v[(size_t)pos + 1 < n ? (size_t)pos + 1 : n - 1] - v[(size_t)pos]);
}

static gsl_rng *make_rng(const pc_fit_options *o, const gsl_rng **use)
{
	gsl_rng *r = NULL;

	if (o->rng) {
		*use = o->rng;
		return NULL;
	}
	r = gsl_rng_alloc(gsl_rng_mt19937);
	if (r)
		gsl_rng_set(r, o->seed);
	*use = r;
	return r;
}

/* Nonparametric bootstrap: resample (duration, censored) pairs, refit,
 * and take percentile intervals of the parameters, median and P80. */
static int bootstrap(const pci_fitops *ops, const double *x,
                     const unsigned char *cens, size_t n,
                     const pc_fit_options *o, pc_fit *out, pc_error *err)
{
	unsigned b = o->bootstrap;
	double *bx = malloc(n * sizeof *bx), *keep = malloc(5 * (size_t)b * sizeof *keep);
	unsigned char *bc = cens ? malloc(n) : NULL;
	const gsl_rng *r;
	gsl_rng *own = make_rng(o, &r);
	unsigned ok = 0;
	int k = ops->family->nparams;

	if (!bx || !keep || (cens && !bc) || !r) {
		free(bx);
		free(keep);
		free(bc);
		gsl_rng_free(own);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	for (unsigned i = 0; i < b; i++) {
		pci_sample s;
		pc_fit f;
		double th[PC_MAX_PARAMS], ls;

		for (size_t j = 0; j < n; j++) {
			size_t pick = gsl_rng_uniform_int(r, n);
			bx[j] = x[pick];
			if (bc)
				bc[j] = cens[pick];
		}
		init_fit(&f, ops->family);
		if (pci_sample_init(&s, bx, bc, n, NULL))
			continue;
		if (o->whole_days && pci_sample_group(&s, NULL)) {
			pci_sample_release(&s);
			continue;
		}
		if (fit_point(ops, &s, &f, th, &ls, NULL) == PC_OK) {
			for (int j = 0; j < k; j++)
				keep[j * b + ok] = f.params[j];
			keep[3 * b + ok] = ops->family->quantile(0.5, f.params);
			keep[4 * b + ok] = ops->family->quantile(0.8, f.params);
			ok++;
		}
		pci_sample_release(&s);
	}
	out->boot_ok = ok;
	for (int j = 0; j < k; j++)
		percentile_ci(keep + j * b, ok, &out->ci_lo[j], &out->ci_hi[j]);
	percentile_ci(keep + 3 * b, ok, &out->median_lo, &out->median_hi);
	percentile_ci(keep + 4 * b, ok, &out->p80_lo, &out->p80_hi);
	free(bx);
	free(keep);
	free(bc);
	gsl_rng_free(own);
	return PC_OK;
}

/* Parametric bootstrap p-values of KS, AD and CvM: draw samples of the
 * same size from the fitted distribution, refit each, and count how
 * often the refitted statistic is at least the observed one. */
static int gof_bootstrap(const pci_fitops *ops, size_t n,
                         const pc_fit_options *o, pc_fit *out, pc_error *err)
{
	const pc_family *f = ops->family;
	double *bx = malloc(n * sizeof *bx);
	const gsl_rng *r;
	gsl_rng *own = make_rng(o, &r);
	unsigned done = 0, cks = 0, cad = 0, ccvm = 0;

	if (!bx || !r) {
		free(bx);
		gsl_rng_free(own);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	for (unsigned i = 0; i < o->gof_bootstrap; i++) {
		pci_sample s;
		pc_fit bf;
		double th[PC_MAX_PARAMS], ls, ks, ad, cvm;

		/* whole days: round the draws as the data were rounded, so
		 * the statistic's null distribution carries the same ties */
		for (size_t j = 0; j < n; j++) {
			bx[j] = f->draw(r, out->params);
			if (o->whole_days)
				bx[j] = fmax(1, round(bx[j]));
		}
		init_fit(&bf, f);
		if (pci_sample_init(&s, bx, NULL, n, NULL))
			continue;
		if (o->whole_days && pci_sample_group(&s, NULL)) {
			pci_sample_release(&s);
			continue;
		}
		if (fit_point(ops, &s, &bf, th, &ls, NULL) == PC_OK) {
			qsort(bx, n, sizeof *bx, cmp_double);
			pci_gof_edf(f, bf.params, bx, n, &ks, &ad, &cvm);
			cks += ks >= out->ks;
			cad += ad >= out->ad;
			ccvm += cvm >= out->cvm;
			done++;
		}
		pci_sample_release(&s);
	}
	if (done) {
		out->ks_p = (cks + 1.0) / (done + 1.0);
		out->ad_p = (cad + 1.0) / (done + 1.0);
		out->cvm_p = (ccvm + 1.0) / (done + 1.0);
	}
	free(bx);
	gsl_rng_free(own);
	return PC_OK;
}

/* 1 if the finished durations of s are all equal (at least two) and every
 * running one is still shorter: data only a constant describes. */
static int sample_constant(const pci_sample *s)
{
	if (s->nev < 2 || !s->all_equal || !(s->xe[0] > 0) || s->xe[0] > MAX_VALUE)
		return 0;
	for (size_t i = 0; i < s->ncens; i++)
		if (!(s->xc[i] < s->xe[0]))
			return 0;
	return 1;
}

/* The constant family: no optimum to search, no spread to be unsure of.
 * Every interval is the value itself, every distance to the data 0. */
static int fit_constant(const pci_sample *s, const pc_fit_options *opts,
                        pc_fit *out, pc_error *err)
{
	double v;

	if (!sample_constant(s)) {
		out->status = PC_EDATA;
		snprintf(out->error, sizeof out->error, "%s",
		         s->nev < 2 ? "fewer than 2 finished durations"
		                    : "the durations are not all the same (or a running "
		                      "phase has already lasted longer)");
		return pc_error_set(err, PC_EDATA, NULL, 0, "constant: %s", out->error);
	}
	v = s->xe[0];
	out->params[0] = out->ci_lo[0] = out->ci_hi[0] = v;
	out->se[0] = out->cov[0][0] = 0;
	out->loglik = 0; /* every duration has probability 1 */
	out->grad_norm = 0;
	out->iterations = 0;
	set_criteria(out, 1, s->wn);
	if (s->ncens == 0)
		out->ks = out->ad = out->cvm = 0;
	else
		out->km_distance = 0;
	out->median = out->median_lo = out->median_hi = v;
	out->p80 = out->p80_lo = out->p80_hi = v;
	out->boot_ok = opts->point_only ? 0 : opts->bootstrap;
	out->status = PC_OK;
	return PC_OK;
}

/* pc_fit_family, with the sample already sorted for goodness of fit in
 * xs/cs (pci_sort_sample), or NULL to sort it here, and already split
 * (and grouped, if opts asks for whole days) in shared, or NULL to split
 * it here: pc_fit_all makes both once for every family. */
static int fit_family(const pc_family *f, const double *x,
                      const unsigned char *censored, size_t n,
                      const pc_fit_options *opts, pc_fit *out, pc_error *err,
                      const double *xs, const unsigned char *cs,
                      const pci_sample *shared)
{
	double *sorted = NULL;
	const pci_fitops *ops = pci_fitops_of(f);
	pc_fit_options defaults;
	pci_sample s;
	pc_error e;
	double th[PC_MAX_PARAMS], ls = 1;
	int rc;

	if (!opts) {
		pc_fit_options_init(&defaults);
		opts = &defaults;
	}
	if (!ops && f != &pci_constant)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "not a known family");
	if (opts->weights && (opts->bootstrap || opts->gof_bootstrap))
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "bootstrap intervals and goodness-of-fit p-values "
		                    "are not available with weights");
	init_fit(out, f);
	out->n = n;
	if (shared) {
		s = *shared;
		out->censored = s.ncens;
		goto ready;
	}
	rc = pci_sample_init_weighted(&s, x, censored, opts->weights, n, &e);
	if (rc) {
		out->status = rc;
		snprintf(out->error, sizeof out->error, "%.*s",
		         (int)sizeof out->error - 1, e.msg);
		return pc_error_set(err, rc, NULL, 0, "%s: %s", f->name, out->error);
	}
	out->censored = s.ncens;
	if (opts->whole_days && (rc = pci_sample_group(&s, &e)) != PC_OK) {
		out->status = rc;
		snprintf(out->error, sizeof out->error, "%.*s",
		         (int)sizeof out->error - 1, e.msg);
		rc = pc_error_set(err, rc, NULL, 0, "%s: %s", f->name, out->error);
		goto done;
	}
ready:
	if (f == &pci_constant) {
		rc = fit_constant(&s, opts, out, err);
		goto done;
	}
	{
		/* A warm start that fails (its likelihood not finite on the
		 * new data, no optimum from there) is no verdict on the
		 * data: start over from the family's own values. */
		const double *w = warm_start(opts, f);
		rc = fit_point_at(ops, &s, out, th, &ls, w ? NULL : err, w);
		if (rc && w) {
			init_fit(out, f);
			out->n = n;
			out->censored = s.ncens;
			rc = fit_point(ops, &s, out, th, &ls, err);
		}
	}
	if (rc || opts->point_only)
		goto done;
	{
		problem pr = {ops, &s, f->nparams, ls, NULL};
		uncertainty(&pr, th, out);
		if (!isfinite(out->median)) {
			out->median = f->quantile(0.5, out->params);
			out->p80 = f->quantile(0.8, out->params);
		}
	}
	/* the goodness-of-fit statistics are for unweighted samples: with
	 * weights they stay NaN */
	if (opts->weights)
		goto done;
	if (!xs) {
		sorted = malloc((n ? n : 1) * (sizeof *sorted + 1));
		if (!sorted || pci_sort_sample(x, censored, n, sorted,
		                               (unsigned char *)(sorted + n))) {
			rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
			goto done;
		}
		xs = sorted;
		cs = (const unsigned char *)(sorted + n);
	}
	if (s.ncens == 0) {
		pci_gof_edf(f, out->params, xs, n, &out->ks, &out->ad, &out->cvm);
		if (opts->gof_bootstrap)
			rc = gof_bootstrap(ops, n, opts, out, err);
	} else {
		out->km_distance = pci_gof_km(f, out->params, xs, cs, n);
	}
	if (!rc && opts->bootstrap)
		rc = bootstrap(ops, x, censored, n, opts, out, err);
done:
	free(sorted);
	if (!shared)
		pci_sample_release(&s);
	return rc;
}

int pc_fit_family(const pc_family *f, const double *x,
                  const unsigned char *censored, size_t n,
                  const pc_fit_options *opts, pc_fit *out, pc_error *err)
{
	return fit_family(f, x, censored, n, opts, out, err, NULL, NULL, NULL);
}

static double crit_value(const pc_fit *f, pc_criterion c)
{
	switch (c) {
	case PC_CRIT_AIC:
		return f->aic;
	case PC_CRIT_BIC:
		return f->bic;
	default:
		return f->aicc;
	}
}

int pc_fit_all(const double *x, const unsigned char *censored, size_t n,
               const pc_fit_options *opts, pc_fit_set *out, pc_error *err)
{
	pc_fit_options defaults;
	unsigned mask;
	pc_criterion c;
	double best = INFINITY, sum = 0;
	int first_err = PC_OK;
	char first_msg[PC_ERROR_MSG_MAX] = "";
	double *sorted = NULL;
	pci_sample shared;
	int have_shared = 0;

	if (!opts) {
		pc_fit_options_init(&defaults);
		opts = &defaults;
	}
	if (opts->weights && (opts->bootstrap || opts->gof_bootstrap))
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "bootstrap intervals and goodness-of-fit p-values "
		                    "are not available with weights");
	mask = opts->families ? opts->families : PC_FAMILIES_ALL;
	/* One split of the sample (its logs, sums and grouped ties) serves
	 * the constant and every family: it was a tenth of fitting six
	 * families to 10^6 durations, done seven times.  If it fails, each
	 * family makes its own and reports why. */
	if (pci_sample_init_weighted(&shared, x, censored, opts->weights, n,
	                             NULL) == PC_OK) {
		if (!opts->whole_days || pci_sample_group(&shared, NULL) == PC_OK)
			have_shared = 1;
		else
			pci_sample_release(&shared);
	}
	memset(out, 0, sizeof *out);
	out->best = -1;
	out->n = n;
	/* Durations that never vary leave no family anything to estimate:
	 * they are a constant, whatever families were asked for. */
	{
		pc_error e;
		int rc = fit_family(&pci_constant, x, censored, n, opts,
		                    &out->fits[0], &e, NULL, NULL,
		                    have_shared ? &shared : NULL);

		if (rc == PC_ENOMEM || rc == PC_OK) {
			if (have_shared)
				pci_sample_release(&shared);
		}
		if (rc == PC_ENOMEM)
			return pc_error_set(err, rc, NULL, 0, "out of memory");
		if (rc == PC_OK) {
			out->nfits = 1;
			out->best = 0;
			out->fits[0].weight = 1;
			out->censored = out->fits[0].censored;
			out->criterion = opts->criterion;
			return PC_OK;
		}
	}
	/* one sort of the sample serves every family's goodness of fit */
	if (!opts->point_only) {
		sorted = malloc((n ? n : 1) * (sizeof *sorted + 1));
		if (!sorted || pci_sort_sample(x, censored, n, sorted,
		                               (unsigned char *)(sorted + n))) {
			free(sorted);
			if (have_shared)
				pci_sample_release(&shared);
			return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		}
	}
	for (int i = 0; pc_families[i] && out->nfits < PC_MAX_FAMILIES; i++) {
		pc_fit *f;
		pc_error e;
		int rc;

		if (!(mask >> i & 1))
			continue;
		f = &out->fits[out->nfits++];
		rc = fit_family(pc_families[i], x, censored, n, opts, f, &e, sorted,
		                sorted ? (const unsigned char *)(sorted + n) : NULL,
		                have_shared ? &shared : NULL);
		if (rc == PC_ENOMEM) {
			free(sorted);
			if (have_shared)
				pci_sample_release(&shared);
			return pc_error_set(err, rc, NULL, 0, "out of memory");
		}
		if (rc && !first_err) {
			first_err = rc;
			snprintf(first_msg, sizeof first_msg, "%s", e.msg);
		}
	}
	free(sorted);
	if (have_shared)
		pci_sample_release(&shared);
	for (size_t i = 0; censored && i < n; i++)
		out->censored += censored[i] != 0;
	/* Choose on the requested criterion; when it is infinite for every
	 * family (AICc with n <= k + 1) fall back to AIC and say so in
	 * out->criterion. */
	c = opts->criterion;
	for (int pass = 0; pass < 2 && out->best < 0; pass++) {
		for (size_t i = 0; i < out->nfits; i++) {
			double v = out->fits[i].status ? NAN : crit_value(&out->fits[i], c);
			if (isfinite(v) && v < best) {
				best = v;
				out->best = (int)i;
			}
		}
		if (out->best < 0)
			c = PC_CRIT_AIC;
	}
	if (out->best < 0)
		c = opts->criterion; /* nothing fitted: nothing fell back */
	out->criterion = c;
	for (size_t i = 0; i < out->nfits; i++) {
		pc_fit *f = &out->fits[i];
		double v = f->status ? NAN : crit_value(f, c);
		f->weight = isfinite(v) ? exp(-0.5 * (v - best)) : 0;
		sum += f->weight;
	}
	for (size_t i = 0; i < out->nfits; i++)
		out->fits[i].weight = out->best >= 0 ? out->fits[i].weight / sum : NAN;
	if (out->best < 0)
		return pc_error_set(err, first_err ? first_err : PC_EDATA, NULL, 0,
		                    "no family could be fitted: %s",
		                    first_msg[0] ? first_msg : "no family requested");
	return PC_OK;
}

/* ------------------------------------------------ reading durations */

struct reader {
	const char *file;     /* name for messages */
	const char *column;   /* --column, or NULL */
	const char *ccolumn;  /* --censor-column, or NULL */
	long line;            /* line being parsed */
	long row;             /* rows seen */
	int header;           /* 1: the first row is a header */
	int col, ccol;        /* indexes, -1 unknown */
	int field;            /* field index in the current row */
	char *val, *cval;     /* this row's cells */
	size_t n, cap;
	double *x;
	unsigned char *c;
	pc_error err;
};

/*
 * Plain decimals ("123", "-12.5", "0.000125"), the usual cells, without
 * strtod, which was a seventh of fitting six families to 10^6 of them:
 * with at most 15 digits the digits m are exact in a double, and so is
 * 10^k for k <= 22, so m / 10^k is one correctly rounded division, the
 * same double strtod gives (Clinger's fast path).  1 with *out set, or 0
 * for anything else (exponents, more digits, "inf", trailing text).
 */
static int plain_decimal(const char *s, double *out)
{
	static const double p10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
	                             1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
	                             1e15};
	uint64_t m = 0;
	int neg = 0, digits = 0, frac = -1;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (;; s++) {
		if (*s >= '0' && *s <= '9') {
			if (++digits > 15)
				return 0;
			m = m * 10 + (uint64_t)(*s - '0');
			if (frac >= 0)
				frac++;
		} else if (*s == '.' && frac < 0) {
			frac = 0;
		} else {
			break;
		}
	}
	while (*s == ' ' || *s == '\t' || *s == '\r')
		s++;
	if (!digits || *s)
		return 0;
	*out = (double)m / p10[frac > 0 ? frac : 0];
	if (neg)
		*out = -*out;
	return 1;
}

static int parse_number(const char *s, double *out)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return -1;
	if (plain_decimal(s, out))
		return 0;
	errno = 0;
	*out = strtod(s, &end);
	while (*end == ' ' || *end == '\t' || *end == '\r')
		end++;
	if (*end || errno == ERANGE || !isfinite(*out))
		return -1;
	return 0;
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	const char *f = s ? s : "";

	(void)len;
	if (r->err.status)
		return;
	/* a UTF-8 byte-order mark, as spreadsheets write, is not data */
	if (r->row == 0 && r->field == 0 && strncmp(f, "\xEF\xBB\xBF", 3) == 0)
		f += 3;
	if (r->row == 0 && r->header == -1) {
		double v;
		/* No --column and a number in the first cell: a bare list. */
		r->header = r->column || r->ccolumn || parse_number(f, &v) != 0;
		if (!r->header) {
			r->col = 0;
		}
	}
	if (r->row == 0 && r->header) {
		if (r->column ? strcmp(f, r->column) == 0 : r->field == 0)
			r->col = r->field;
		if (r->ccolumn && strcmp(f, r->ccolumn) == 0)
			r->ccol = r->field;
	} else {
		if (r->field == r->col) {
			free(r->val);
			r->val = strdup(f);
		}
		if (r->field == r->ccol) {
			free(r->cval);
			r->cval = strdup(f);
		}
	}
	r->field++;
}

static void on_row(int term, void *data)
{
	struct reader *r = data;
	double v;

	(void)term;
	if (r->err.status)
		return;
	if (r->row++ == 0 && r->header) {
		if (r->col < 0)
			pc_error_set(&r->err, PC_EUSAGE, r->file, 1,
			             "no column '%s' in the header", r->column);
		else if (r->ccolumn && r->ccol < 0)
			pc_error_set(&r->err, PC_EUSAGE, r->file, 1,
			             "no column '%s' in the header", r->ccolumn);
		r->field = 0;
		return;
	}
	r->field = 0;
	if (!r->val) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "missing value in column %d", r->col + 1);
		return;
	}
	if (!r->val[strspn(r->val, " \t\r")]) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "empty value in column %d", r->col + 1);
		return;
	}
	if (parse_number(r->val, &v)) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "'%s' is not a number", r->val);
		return;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 1024;
		double *x = realloc(r->x, cap * sizeof *x);
		unsigned char *c = x ? realloc(r->c, cap) : NULL;
		if (x)
			r->x = x;
		if (!c) {
			pc_error_set(&r->err, PC_ENOMEM, NULL, 0, "out of memory");
			return;
		}
		r->c = c;
		r->cap = cap;
	}
	r->c[r->n] = 0;
	if (r->ccol >= 0) {
		const char *cv = r->cval ? r->cval : "";
		if (strcmp(cv, "0") && strcmp(cv, "1")) {
			pc_error_set(&r->err, PC_EDATA, r->file, r->line,
			             "censor value '%s' is not 0 or 1", cv);
			return;
		}
		r->c[r->n] = cv[0] == '1';
	}
	r->x[r->n++] = v;
	free(r->val);
	free(r->cval);
	r->val = r->cval = NULL;
}

int pc_durations_read(FILE *in, const char *file, const char *column,
                      const char *censor_column, double **x,
                      unsigned char **censored, size_t *n, pc_error *err)
{
	struct reader rd, *r = &rd;
	struct csv_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	memset(r, 0, sizeof *r);
	r->file = file ? file : "<stdin>";
	r->column = column;
	r->ccolumn = censor_column;
	r->header = -1;
	r->col = r->ccol = -1;
	*x = NULL;
	*censored = NULL;
	*n = 0;
	if (csv_init(&p, CSV_APPEND_NULL) != 0)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	/* Feed line by line so that messages can name the line. */
	while (!r->err.status && (len = getline(&line, &cap, in)) != -1) {
		r->line++;
		if (csv_parse(&p, line, (size_t)len, on_field, on_row, r) != (size_t)len)
			pc_error_set(&r->err, PC_EDATA, r->file, r->line, "%s",
			             csv_strerror(csv_error(&p)));
	}
	if (!r->err.status && ferror(in))
		pc_error_set(&r->err, PC_EIO, r->file, 0, "read error: %s",
		             strerror(errno));
	if (!r->err.status)
		csv_fini(&p, on_field, on_row, r);
	csv_free(&p);
	free(line);
	free(r->val);
	free(r->cval);
	if (r->err.status) {
		free(r->x);
		free(r->c);
		if (err)
			*err = r->err;
		return r->err.status;
	}
	*x = r->x;
	*censored = r->c;
	*n = r->n;
	return PC_OK;
}
