/*
 * graph.c - the structure of a release: which phase waits for which, and
 * with what lag, inferred from past projects or read from a template.
 *
 * Inference: for each phase p, every phase q ordered before it in the
 * history (and "the release start" itself) is a candidate predecessor.
 * Over the projects that have both, with q finished, the lag is
 * start(p) - end(q) - 1 days (in working days with a weekday calendar).
 * The predecessor is the candidate whose end best explains p's start: the
 * one with the smallest spread of lags (median absolute deviation), ties
 * broken by the smallest |median lag|, then by the later candidate.  The
 * true predecessor's lag is the same small gap every time, while any
 * other candidate's lag also carries the durations in between, so its
 * spread is larger.  Negative lags (overlaps) are handled the same way.
 *
 * The lag is simulated by resampling the observed lags rather than using
 * their median: gaps vary between projects, and a fixed median would make
 * the plan's ranges narrower than the history justifies.
 */
#include <config.h>

#include <csv.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "plan_internal.h"

/* Rearrange v[0..n-1] so that v[k] is the value a sort would put there,
 * nothing larger before it and nothing smaller after (Hoare's
 * selection, median-of-three pivots): linear on average where sorting
 * is n log n, and backtests take medians of every lag at every forecast. */
static void select_nth(double *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;

	while (hi > lo) {
		size_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double a = v[lo], b = v[mid], c = v[hi], piv;

		piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
		while (i <= j) {
			while (v[i] < piv)
				i++;
			while (v[j] > piv)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i] = v[j];
				v[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		/* now v[lo..j] <= piv <= v[i..hi], and v[j+1..i-1] == piv */
		if (k <= j && j != (size_t)-1 && i > j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

/* The median of v by counting, for values on a grid of halves over a
 * range not much wider than n (lags in days, and their distances from a
 * median that may end in .5): 1 if v is not such data. */
static int count_median(const double *v, size_t n, double *med)
{
	double lo = INFINITY, hi = -INFINITY;
	size_t span, *cnt, below = 0, b, want = (n - 1) / 2;
	double first;

	for (size_t i = 0; i < n; i++) {
		double h = 2 * v[i];
		if (!(h == floor(h)) || fabs(h) > 1e15)
			return 1;
		lo = fmin(lo, h);
		hi = fmax(hi, h);
	}
	if (hi - lo > 4.0 * (double)n + 1024)
		return 1;
	span = (size_t)(hi - lo) + 1;
	cnt = calloc(span, sizeof *cnt);
	if (!cnt)
		return 1;
	for (size_t i = 0; i < n; i++)
		cnt[(size_t)(2 * v[i] - lo)]++;
	/* the values of rank want and want + 1 (0-based) in sorted order */
	for (b = 0; below + cnt[b] <= want; b++)
		below += cnt[b];
	first = (lo + (double)b) / 2;
	if (n % 2 == 0 && below + cnt[b] == want + 1) {
		do
			b++;
		while (cnt[b] == 0);
		*med = (first + (lo + (double)b) / 2) / 2.0;
	} else {
		*med = first;
	}
	free(cnt);
	return 0;
}

double pci_median(double *v, size_t n)
{
	double lower;

	if (n == 0)
		return NAN;
	if (count_median(v, n, &lower) == 0)
		return lower;
	select_nth(v, n, n / 2);
	if (n % 2)
		return v[n / 2];
	/* the largest of the lower half is the other middle value */
	lower = v[0];
	for (size_t i = 1; i < n / 2; i++)
		if (v[i] > lower)
			lower = v[i];
	return (lower + v[n / 2]) / 2.0;
}

/* Median and median absolute deviation of lags[0..n-1]; tmp has room
 * for n doubles. */
static void lag_summary(const int *lags, size_t n, double *tmp, double *med,
                        double *mad)
{
	for (size_t i = 0; i < n; i++)
		tmp[i] = lags[i];
	*med = pci_median(tmp, n);
	for (size_t i = 0; i < n; i++)
		tmp[i] = fabs(lags[i] - *med);
	*mad = pci_median(tmp, n);
}

/* Mean absolute deviation of lags[0..n-1] about med. */
static double mean_dev(const int *lags, size_t n, double med)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += fabs(lags[i] - med);
	return n ? s / (double)n : 0;
}

/* Per project and phase, the start index and the index after the end in
 * the calendar's working days, or present = 0. */
struct cell {
	long s, e1;
	int present, ongoing;
};

/* The lags of phase p after the latest end of the phases in set (nset
 * of them; set[0] == -1: after the release start), over the projects
 * that have p and every phase of the set, finished.  Returns how many. */
static size_t set_lags(const struct cell *c, size_t np, size_t k, size_t p,
                       const long *set, size_t nset, const long *pstart,
                       int *lags)
{
	size_t n = 0;

	for (size_t i = 0; i < np; i++) {
		const struct cell *cp = c + i * k + p;
		long base = LONG_MIN;
		size_t q;

		if (!cp->present)
			continue;
		for (q = 0; q < nset; q++) {
			const struct cell *cq;
			if (set[q] < 0) {
				base = pstart[i];
				continue;
			}
			cq = c + i * k + (size_t)set[q];
			if (!cq->present || cq->ongoing)
				break;
			if (cq->e1 > base)
				base = cq->e1;
		}
		if (q == nset)
			lags[n++] = (int)(cp->s - base);
	}
	return n;
}

/* Joins are looked for among at most this many phases (the search is
 * quadratic in them); beyond, each phase waits for one. */
#define JOIN_MAX_PHASES 64
/* and a join of at most this many phases */
#define JOIN_MAX 4

/*
 * A phase may wait for several: it starts after the latest of them ends.
 * Starting from the best single predecessor, the phase that most tightens
 * the lags when joined to the set is added, as long as it tightens their
 * spread (mean absolute deviation) by at least a day and keeps at least
 * half of the projects
 * the lag was measured on: a true join's lag to the latest end is as
 * tight as a single predecessor's, while a single phase of the join
 * leaves the other's overrun in the lag.  The day's margin is the
 * penalty that keeps one predecessor the answer when it is: adding an
 * unrelated earlier phase never tightens the lags by a whole day.
 */
int pci_graph_infer(const pc_history *h, const pc_calendar *cal,
                    pc_plan_node *nodes, pc_error *err)
{
	size_t np = h->nprojects, k = h->nphases;
	struct cell *c = calloc(np * k > 0 ? np * k : 1, sizeof *c);
	int *lags = malloc((np ? np : 1) * sizeof *lags);
	double *tmp = malloc((np ? np : 1) * sizeof *tmp);
	long *pstart = malloc((np ? np : 1) * sizeof *pstart);
	int rc = PC_OK;

	if (!c || !lags || !tmp || !pstart) {
		rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < np; i++)
		pstart[i] = pc_calendar_index(cal, h->projects[i].start);
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *o = h->obs + i;
		struct cell *x = c + o->project * k + o->phase;
		x->s = pc_calendar_index(cal, o->start);
		x->e1 = pc_calendar_index(cal, o->end + 1);
		x->present = 1;
		x->ongoing = o->ongoing;
	}
	for (size_t p = 0; p < k; p++) {
		long set[JOIN_MAX];
		size_t nset = 0, best_n = 0, seen = 0, need;
		double best_mad = INFINITY, best_med = INFINITY, cur_dev = 0;

		/* Three projects at least, or a phase could pick a predecessor
		 * on one coincidence; a phase seen in fewer takes what all of
		 * its projects agree on. */
		for (size_t i = 0; i < np; i++)
			seen += c[i * k + p].present;
		need = seen < 3 ? seen : 3;

		/* q = -1 is the release start; q < p the earlier phases. */
		for (long q = -1; q < (long)p; q++) {
			double med, mad;
			size_t n = set_lags(c, np, k, p, &q, 1, pstart, lags);

			if ((n < need && q >= 0) || n == 0)
				continue;
			lag_summary(lags, n, tmp, &med, &mad);
			if (mad < best_mad ||
			    (mad == best_mad && fabs(med) <= fabs(best_med))) {
				set[0] = q;
				nset = 1;
				best_mad = mad;
				best_med = med;
				best_n = n;
			}
		}
		/* The median absolute deviation that chose the one predecessor
		 * ignores the minority of projects in which another phase ended
		 * later, which is just what a join is about: joins are judged
		 * by the mean absolute deviation about the median. */
		if (nset > 0 && set[0] >= 0) {
			size_t n = set_lags(c, np, k, p, set, nset, pstart, lags);
			cur_dev = mean_dev(lags, n, best_med);
		}
		while (nset > 0 && set[0] >= 0 && nset < JOIN_MAX &&
		       k <= JOIN_MAX_PHASES && cur_dev >= 1) {
			long add = -1;
			double add_dev = cur_dev - 1, add_med = 0, add_mad = 0;
			size_t add_n = 0;

			for (long q = 0; q < (long)p; q++) {
				double med, mad, dev;
				size_t n, m;
				for (m = 0; m < nset && set[m] != q; m++)
					;
				if (m < nset)
					continue;
				set[nset] = q;
				n = set_lags(c, np, k, p, set, nset + 1, pstart, lags);
				if (n < 3 || 2 * n < best_n)
					continue;
				lag_summary(lags, n, tmp, &med, &mad);
				dev = mean_dev(lags, n, med);
				if (dev <= add_dev && (add < 0 || dev < add_dev)) {
					add = q;
					add_dev = dev;
					add_med = med;
					add_mad = mad;
					add_n = n;
				}
			}
			if (add < 0)
				break;
			set[nset++] = add;
			cur_dev = add_dev;
			best_mad = add_mad;
			best_med = add_med;
			best_n = add_n;
		}
		free(nodes[p].preds);
		nodes[p].preds = NULL;
		nodes[p].npreds = 0;
		if (nset > 0 && set[0] >= 0) {
			nodes[p].preds = malloc(nset * sizeof *nodes[p].preds);
			if (!nodes[p].preds) {
				rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			/* in history order, so the first is the earliest */
			for (size_t a = 1; a < nset; a++)
				for (size_t b = a; b > 0 && set[b - 1] > set[b]; b--) {
					long t = set[b];
					set[b] = set[b - 1];
					set[b - 1] = t;
				}
			memcpy(nodes[p].preds, set, nset * sizeof *set);
			nodes[p].npreds = nset;
		}
		nodes[p].after = nodes[p].npreds ? nodes[p].preds[0] : -1;
		nodes[p].lag = nset ? best_med : 0;
		nodes[p].spread = nset ? best_mad : 0;
		nodes[p].support = best_n;
		/* The chosen set's lags, for resampling. */
		free(nodes[p].lags);
		nodes[p].lags = NULL;
		nodes[p].nlags = 0;
		if (best_n) {
			nodes[p].lags = malloc(best_n * sizeof *nodes[p].lags);
			if (!nodes[p].lags) {
				rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			nodes[p].nlags = set_lags(c, np, k, p, set, nset, pstart,
			                          nodes[p].lags);
		}
	}
out:
	free(pstart);
	free(tmp);
	free(lags);
	free(c);
	return rc;
}

/* Whether node i waits for node p.  A node built by hand may give only
 * `after` (no preds): that one predecessor then. */
static int node_ready(const pc_plan_node *nodes, size_t i,
                      const unsigned char *placed)
{
	const pc_plan_node *n = nodes + i;

	if (!n->preds || !n->npreds)
		return n->after < 0 || placed[n->after];
	for (size_t q = 0; q < n->npreds; q++)
		if (!placed[n->preds[q]])
			return 0;
	return 1;
}

int pci_graph_order(const pc_plan_node *nodes, size_t n, size_t *order,
                    pc_error *err)
{
	/* Kahn's algorithm over the predecessor edges, stable in the given
	 * order, so an already ordered list stays as it is. */
	unsigned char *placed = calloc(n ? n : 1, 1);
	size_t m = 0;

	if (!placed)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	while (m < n) {
		size_t before = m;
		for (size_t i = 0; i < n; i++) {
			if (placed[i])
				continue;
			if (node_ready(nodes, i, placed)) {
				placed[i] = 1;
				order[m++] = i;
			}
		}
		if (m == before) {
			for (size_t i = 0; i < n; i++)
				if (!placed[i]) {
					free(placed);
					return pc_error_set(err, PC_EDATA, NULL, 0,
					                    "phase '%s' waits for itself through a cycle",
					                    nodes[i].phase);
				}
		}
	}
	free(placed);
	return PC_OK;
}

/* ---- templates */

enum { COL_PHASE, COL_AFTER, COL_LAG, NCOLS };

struct tparse {
	const char *path;
	long line, rec_line;
	int in_record;
	size_t field;
	int header_done;
	int col[NCOLS];       /* field index of each column, -1 if missing */
	char *val[NCOLS];
	pc_plan_template *t;
	size_t cap;
	pc_error *err;
	int rc;
};

static void tp_field(void *s, size_t len, void *data)
{
	struct tparse *tp = data;

	if (tp->rc)
		return;
	if (!tp->header_done) {
		static const char *const names[NCOLS] = {"phase", "after", "lag"};
		for (int i = 0; i < NCOLS; i++)
			if (strlen(names[i]) == len && strncasecmp(s, names[i], len) == 0) {
				if (tp->col[i] >= 0) {
					tp->rc = pc_error_set(tp->err, PC_EDATA, tp->path,
					                      tp->rec_line,
					                      "duplicate column '%s'", names[i]);
					return;
				}
				tp->col[i] = (int)tp->field;
			}
	} else {
		for (int i = 0; i < NCOLS; i++)
			if (tp->col[i] == (int)tp->field) {
				free(tp->val[i]);
				tp->val[i] = strndup(s ? s : "", len);
				if (!tp->val[i])
					tp->rc = pc_error_set(tp->err, PC_ENOMEM, NULL, 0,
					                      "out of memory");
			}
	}
	tp->field++;
}

static char *trim(char *s)
{
	char *e;
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static void tp_record(int c, void *data)
{
	struct tparse *tp = data;
	pc_plan_template *t = tp->t;
	pc_plan_template_row *r;
	char *phase, *after, *lag, *end;
	long v;

	(void)c;
	tp->in_record = 0;
	if (tp->rc)
		goto reset;
	if (!tp->header_done) {
		static const char *const names[NCOLS] = {"phase", "after", "lag"};
		for (int i = 0; i < NCOLS; i++)
			if (tp->col[i] < 0) {
				tp->rc = pc_error_set(tp->err, PC_EDATA, tp->path, tp->rec_line,
				                      "missing column '%s' (expected phase,after,lag)",
				                      names[i]);
				goto reset;
			}
		tp->header_done = 1;
		goto reset;
	}
	phase = trim(tp->val[COL_PHASE] ? tp->val[COL_PHASE] : (char *)"");
	after = trim(tp->val[COL_AFTER] ? tp->val[COL_AFTER] : (char *)"");
	lag = trim(tp->val[COL_LAG] ? tp->val[COL_LAG] : (char *)"");
	if (!*phase) {
		tp->rc = pc_error_set(tp->err, PC_EDATA, tp->path, tp->rec_line,
		                      "empty phase name");
		goto reset;
	}
	if (!*lag) {
		v = 0;
	} else {
		errno = 0;
		v = strtol(lag, &end, 10);
		if (*end || errno || v < -3650 || v > 3650) {
			tp->rc = pc_error_set(tp->err, PC_EDATA, tp->path, tp->rec_line,
			                      "lag '%s' is not a whole number of days "
			                      "between -3650 and 3650", lag);
			goto reset;
		}
	}
	for (size_t i = 0; i < t->nrows; i++)
		if (strcmp(t->rows[i].phase, phase) == 0) {
			tp->rc = pc_error_set(tp->err, PC_EDATA, tp->path, tp->rec_line,
			                      "phase '%s' is listed twice (first on line %ld)",
			                      phase, t->rows[i].line);
			goto reset;
		}
	if (t->nrows == tp->cap) {
		size_t cap = tp->cap ? 2 * tp->cap : 16;
		pc_plan_template_row *p = realloc(t->rows, cap * sizeof *p);
		if (!p) {
			tp->rc = pc_error_set(tp->err, PC_ENOMEM, NULL, 0, "out of memory");
			goto reset;
		}
		t->rows = p;
		tp->cap = cap;
	}
	r = t->rows + t->nrows;
	r->phase = strdup(phase);
	r->after = strdup(after);
	r->lag = (int)v;
	r->line = tp->rec_line;
	if (!r->phase || !r->after) {
		free(r->phase);
		free(r->after);
		tp->rc = pc_error_set(tp->err, PC_ENOMEM, NULL, 0, "out of memory");
		goto reset;
	}
	t->nrows++;
reset:
	for (int i = 0; i < NCOLS; i++) {
		free(tp->val[i]);
		tp->val[i] = NULL;
	}
	tp->field = 0;
}

static int blank(const char *s)
{
	while (*s && (isspace((unsigned char)*s)))
		s++;
	return *s == '\0';
}

/* The row named by the n bytes at name, or -1. */
static long template_row(const pc_plan_template *t, const char *name, size_t n)
{
	for (size_t j = 0; j < t->nrows; j++)
		if (strlen(t->rows[j].phase) == n && memcmp(t->rows[j].phase, name, n) == 0)
			return (long)j;
	return -1;
}

/* Call fn for each name of row i's `after` (names joined by '|', blanks
 * around each ignored); stops at and returns fn's first non-zero. */
static int each_after(const pc_plan_template *t, size_t i,
                      int (*fn)(void *ctx, const char *name, size_t n), void *ctx)
{
	const char *a = t->rows[i].after;

	while (a && *a) {
		const char *bar = strchr(a, '|'), *e = bar ? bar : a + strlen(a);
		const char *b = a;
		int rc;
		while (b < e && isspace((unsigned char)*b))
			b++;
		while (e > b && isspace((unsigned char)e[-1]))
			e--;
		if (e > b && (rc = fn(ctx, b, (size_t)(e - b))))
			return rc;
		a = bar ? bar + 1 : NULL;
	}
	return 0;
}

struct preds_ctx {
	const pc_plan_template *t;
	long *v;
	size_t n;
	const char *bad;   /* first unknown name */
	size_t badn;
};

static int add_pred(void *ctx, const char *name, size_t n)
{
	struct preds_ctx *c = ctx;
	long j = template_row(c->t, name, n);

	if (j < 0) {
		if (!c->bad) {
			c->bad = name;
			c->badn = n;
		}
		return 0;
	}
	for (size_t q = 0; q < c->n; q++)
		if (c->v[q] == j)
			return 0;
	c->v[c->n++] = j;
	return 0;
}

/* As pci_template_preds, and the first unknown name in *bad. */
static int template_preds(const pc_plan_template *t, size_t i, long **preds,
                          size_t *n, const char **bad, size_t *badn)
{
	struct preds_ctx c = {t, NULL, 0, NULL, 0};
	size_t cap = 1;

	for (const char *a = t->rows[i].after; a && *a; a++)
		cap += *a == '|';
	c.v = malloc(cap * sizeof *c.v);
	if (!c.v)
		return -1;
	each_after(t, i, add_pred, &c);
	*preds = c.v;
	*n = c.n;
	if (bad) {
		*bad = c.bad;
		*badn = c.badn;
	}
	return 0;
}

int pci_template_preds(const pc_plan_template *t, size_t i, long **preds,
                       size_t *n)
{
	return template_preds(t, i, preds, n, NULL, NULL);
}

/* Check the `after` names and that the rows form no cycle. */
static int template_check(pc_plan_template *t, pc_error *err)
{
	size_t n = t->nrows;
	pc_plan_node *nodes = calloc(n ? n : 1, sizeof *nodes);
	size_t *order = malloc((n ? n : 1) * sizeof *order);
	int rc = PC_OK;

	if (!nodes || !order) {
		rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *bad;
		size_t badn;

		nodes[i].phase = t->rows[i].phase;
		if (template_preds(t, i, &nodes[i].preds, &nodes[i].npreds, &bad, &badn)) {
			rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
			goto out;
		}
		if (bad) {
			rc = pc_error_set(err, PC_EDATA, t->path, t->rows[i].line,
			                  "phase '%s' waits for '%.*s', which is not in the template",
			                  t->rows[i].phase, (int)badn, bad);
			goto out;
		}
		nodes[i].after = nodes[i].npreds ? nodes[i].preds[0] : -1;
	}
	rc = pci_graph_order(nodes, n, order, err);
	if (rc) {
		/* name the line of the phase on the cycle */
		for (size_t i = 0; i < n; i++)
			if (strstr(err ? err->msg : "", t->rows[i].phase)) {
				rc = pc_error_set(err, PC_EDATA, t->path, t->rows[i].line,
				                  "phase '%s' waits for itself through a cycle",
				                  t->rows[i].phase);
				break;
			}
	}
out:
	for (size_t i = 0; nodes && i < n; i++)
		free(nodes[i].preds);
	free(order);
	free(nodes);
	return rc;
}

int pc_plan_template_read(const char *path, pc_plan_template **out,
                          pc_error *err)
{
	struct csv_parser csv;
	struct tparse tp;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc;

	*out = NULL;
	memset(&tp, 0, sizeof tp);
	tp.path = path;
	tp.err = err;
	for (int i = 0; i < NCOLS; i++)
		tp.col[i] = -1;
	tp.t = calloc(1, sizeof *tp.t);
	if (!tp.t || !(tp.t->path = strdup(path))) {
		pc_plan_template_free(&tp.t);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	f = fopen(path, "r");
	if (!f) {
		pc_plan_template_free(&tp.t);
		return pc_error_set(err, PC_EIO, path, 0, "cannot open: %s",
		                    strerror(errno));
	}
	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		fclose(f);
		pc_plan_template_free(&tp.t);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	/* Feed one physical line at a time so a record's first line is known
	 * for messages, even when quoted fields span lines. */
	while (!tp.rc && (len = getline(&line, &cap, f)) > 0) {
		tp.line++;
		if (tp.line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, (size_t)len - 2);
			len -= 3;
		}
		if (!tp.in_record) {
			if (blank(line))
				continue;
			tp.in_record = 1;
			tp.rec_line = tp.line;
		}
		if (csv_parse(&csv, line, (size_t)len, tp_field, tp_record, &tp) !=
		    (size_t)len && !tp.rc)
			tp.rc = pc_error_set(err, PC_EDATA, path, tp.rec_line, "%s",
			                     csv_strerror(csv_error(&csv)));
	}
	if (!tp.rc && ferror(f))
		tp.rc = pc_error_set(err, PC_EIO, path, 0, "read error");
	if (!tp.rc && csv_fini(&csv, tp_field, tp_record, &tp) && !tp.rc)
		tp.rc = pc_error_set(err, PC_EDATA, path, tp.rec_line,
		                     "unterminated quoted field");
	free(line);
	csv_free(&csv);
	fclose(f);
	for (int i = 0; i < NCOLS; i++)
		free(tp.val[i]);
	rc = tp.rc;
	if (!rc && !tp.header_done)
		rc = pc_error_set(err, PC_EDATA, path, 0, "empty template");
	else if (!rc && tp.t->nrows == 0)
		rc = pc_error_set(err, PC_EDATA, path, 0, "the template lists no phases");
	if (!rc)
		rc = template_check(tp.t, err);
	if (rc) {
		pc_plan_template_free(&tp.t);
		return rc;
	}
	*out = tp.t;
	return PC_OK;
}

void pc_plan_template_free(pc_plan_template **t)
{
	if (!t || !*t)
		return;
	for (size_t i = 0; i < (*t)->nrows; i++) {
		free((*t)->rows[i].phase);
		free((*t)->rows[i].after);
	}
	free((*t)->rows);
	free((*t)->path);
	free(*t);
	*t = NULL;
}
