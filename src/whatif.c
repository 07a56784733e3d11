/*
 * whatif.c - deadline odds, targets, checkpoints, drivers and scenarios.
 *
 * The planner's simulator (sim.c) keeps only histograms, which is all a
 * plan needs.  Scenarios need more: a slot depends on the day a phase's
 * predecessor finished in the same iteration, progress fixes some phases
 * and conditions a running one on its age, and criticality needs the
 * chain that set each iteration's finish.  So this file has its own
 * inner loop, which keeps every iteration's start and finish days and
 * reuses the planner's pieces: duration tables, the copula's Cholesky
 * factor and the (seed, block) seeding, drawn in the same order so that
 * an empty scenario reproduces pc_plan_run exactly.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <csv.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <precedent/fit.h>
#include <precedent/whatif.h>

#include "whatif_internal.h"

#define BLOCK 10000
#define MAX_ITERATIONS 2000000
/* Slot searches scan at most this many booking days. */
#define MAX_SCAN 400

static int oom(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

void pc_whatif_options_init(pc_whatif_options *o)
{
	memset(o, 0, sizeof *o);
	o->confidence = 0.8;
	o->iterations = 20000;
	o->seed = 1;
	o->slot_every = 7;
	o->ci = 200;
	o->ci_iterations = 4000;
}

long pci_wi_offset(const pc_calendar *cal, long k0, pc_day d)
{
	return pc_calendar_index(cal, d + 1) - 1 - k0;
}

/* ---- the inner loop */

struct wi_worker {
	const pci_wi_scenario *s;
	pci_wi_out *o;
	unsigned id, nthreads;
	size_t nblocks;
	int failed;
	pthread_t tid;
};

/* Start offset of the first slot on or after offset `natural`, and
 * whether the first slot was missed. */
static int32_t slot_start(const pci_wi_scenario *s, pc_day first, int32_t natural,
                          unsigned char *missed)
{
	long off = pc_calendar_index(s->cal, first) - s->k0;

	*missed = natural > off;
	if (!*missed)
		return (int32_t)off;
	/* Jump close, then step: the slot m with first + m * every. */
	{
		pc_day nd = pc_calendar_day(s->cal, s->k0 + natural);
		long m = (nd - first) / s->slot_every;
		if (m < 1)
			m = 1;
		for (;; m++) {
			off = pc_calendar_index(s->cal, first + (pc_day)(m * s->slot_every)) - s->k0;
			if (off >= natural)
				return (int32_t)off;
		}
	}
}

/* Whole days drawn for a phase running for `elapsed` days already: the
 * draw for u restricted to durations of at least `elapsed` (remaining
 * life), through the same table. */
static int draw_given(const pci_sim_phase *ph, double u, int elapsed)
{
	double lo;
	int d;

	if (elapsed <= 1)
		return pci_duration_lookup(ph, u);
	/* P(D <= elapsed - 1) = F(elapsed - 0.5), as the table rounds. */
	lo = ph->family->cdf((double)elapsed - 0.5, ph->params);
	if (!(lo >= 0))
		lo = 0;
	u = lo + u * (1 - lo);
	if (u >= 1)
		return elapsed;
	d = pci_duration_lookup(ph, u);
	return d < elapsed ? elapsed : d;
}

static void run_block(struct wi_worker *w, gsl_rng *rng, size_t b, double *z,
                      double *u, int32_t *st, int32_t *fin, unsigned char *bound,
                      unsigned char *mis)
{
	const pci_wi_scenario *s = w->s;
	pci_wi_out *o = w->o;
	size_t k = s->k;
	uint64_t first = (uint64_t)b * s->block, last = first + s->block;

	if (last > s->iterations)
		last = s->iterations;
	gsl_rng_set(rng, (unsigned long)pci_mix64(s->seed ^ pci_mix64(b)));
	for (uint64_t it = first; it < last; it++) {
		int32_t rel = INT32_MIN;
		long top = -1;

		if (s->chol) {
			for (size_t i = 0; i < k; i++)
				z[i] = gsl_ran_gaussian_ziggurat(rng, 1.0);
			for (size_t i = 0; i < k; i++) {
				double sum = 0;
				const double *row = s->chol + i * k;
				for (size_t j = 0; j <= i; j++)
					sum += row[j] * z[j];
				u[i] = gsl_cdf_ugaussian_P(sum);
			}
		} else {
			for (size_t i = 0; i < k; i++)
				u[i] = gsl_rng_uniform_pos(rng);
		}
		for (size_t i = 0; i < k; i++) {
			const pci_sim_phase *ph = s->ph + i;
			int lag = ph->nlags ? ph->lags[gsl_rng_uniform_int(rng, ph->nlags)]
			                    : ph->lag0;
			long start, natural, d;

			if (u[i] <= 0)
				u[i] = 1e-300;
			if (u[i] >= 1)
				u[i] = 1 - 1e-16;
			mis[i] = 0;
			natural = ph->pred < 0 ? lag : (long)fin[ph->pred] + 1 + lag;
			if (natural < 0)
				natural = 0;
			bound[i] = ph->pred >= 0;
			if (s->skip && s->skip[i]) {
				/* Followers wait for what this phase waited for. */
				fin[i] = ph->pred < 0 ? -1 : fin[ph->pred];
				st[i] = fin[i] + 1;
				continue;
			}
			if (s->done && s->done[i] != PCI_WI_NONE) {
				d = pci_duration_lookup(ph, u[i]);
				fin[i] = s->done[i];
				st[i] = (int32_t)(fin[i] - d + 1);
				bound[i] = 0;
			} else {
				if (s->started && s->started[i] != PCI_WI_NONE) {
					start = s->started[i];
					d = draw_given(ph, u[i], s->elapsed[i]);
					bound[i] = 0;
				} else {
					start = natural;
					d = pci_duration_lookup(ph, u[i]);
					if (s->has_floor && start < s->floor) {
						start = s->floor;
						bound[i] = 0;
					}
					if (s->slot && s->slot[i] != PC_DAY_MIN) {
						start = slot_start(s, s->slot[i], (int32_t)start, &mis[i]);
						/* A missed slot is the predecessor's doing. */
						bound[i] = mis[i] && ph->pred >= 0;
					}
				}
				if (s->scale && s->scale[i] != 1.0) {
					long e = s->started && s->started[i] != PCI_WI_NONE
					         ? s->elapsed[i] : 1;
					d = lround((double)d * s->scale[i]);
					if (d < e)
						d = e;
				}
				st[i] = (int32_t)start;
				fin[i] = (int32_t)(start + d - 1);
			}
			if (s->cap && s->cap[i] != PCI_WI_NONE && fin[i] > s->cap[i])
				fin[i] = s->cap[i];
			if (fin[i] > rel) {
				rel = fin[i];
				top = (long)i;
			}
		}
		o->rel[it] = rel;
		if (o->start)
			memcpy(o->start + it * k, st, k * sizeof *st);
		if (o->fin)
			memcpy(o->fin + it * k, fin, k * sizeof *fin);
		if (o->missed)
			memcpy(o->missed + it * k, mis, k);
		if (o->crit) {
			unsigned char *c = o->crit + it * k;
			long j = top;
			memset(c, 0, k);
			/* Walk back from the last finisher while each start was
			 * set by the phase it waited for; a skipped phase passes
			 * the chain through without being on it. */
			while (j >= 0) {
				if (!(s->skip && s->skip[j]))
					c[j] = 1;
				if (!bound[j])
					break;
				j = s->ph[j].pred;
			}
		}
	}
}

static void *wi_main(void *arg)
{
	struct wi_worker *w = arg;
	size_t k = w->s->k;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *z = malloc(2 * k * sizeof *z);
	int32_t *t = malloc(2 * k * sizeof *t);
	unsigned char *f = malloc(2 * k);

	if (!rng || !z || !t || !f) {
		w->failed = 1;
	} else {
		for (size_t b = w->id; b < w->nblocks; b += w->nthreads)
			run_block(w, rng, b, z, z + k, t, t + k, f, f + k);
	}
	free(f);
	free(t);
	free(z);
	gsl_rng_free(rng);
	return NULL;
}

int pci_whatif_simulate(const pci_wi_scenario *s, pci_wi_out *o, pc_error *err)
{
	size_t nblocks;
	unsigned nt = s->threads ? s->threads : 1;
	struct wi_worker *w;
	int rc = PC_OK;

	if (s->k == 0 || s->block == 0 || s->iterations == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "nothing to simulate");
	nblocks = (size_t)((s->iterations + s->block - 1) / s->block);
	if (nt > nblocks)
		nt = (unsigned)nblocks;
	w = calloc(nt, sizeof *w);
	if (!w)
		return oom(err);
	for (unsigned t = 0; t < nt; t++) {
		w[t].s = s;
		w[t].o = o;
		w[t].id = t;
		w[t].nthreads = nt;
		w[t].nblocks = nblocks;
	}
	for (unsigned t = 1; t < nt; t++)
		if (pthread_create(&w[t].tid, NULL, wi_main, &w[t]))
			w[t].failed = 2;
	wi_main(&w[0]);
	for (unsigned t = 1; t < nt; t++) {
		if (w[t].failed == 2) {
			/* No thread: do its share here, same blocks, same seeds. */
			w[t].failed = 0;
			wi_main(&w[t]);
		} else {
			pthread_join(w[t].tid, NULL);
		}
	}
	for (unsigned t = 0; t < nt; t++)
		if (w[t].failed)
			rc = oom(err);
	free(w);
	return rc;
}

/* ---- reading the outcomes */

static void range_of(const int32_t *v, size_t n, size_t stride, int32_t *lo,
                     int32_t *hi)
{
	*lo = INT32_MAX;
	*hi = INT32_MIN;
	for (size_t i = 0; i < n; i++) {
		int32_t x = v[i * stride];
		if (x < *lo)
			*lo = x;
		if (x > *hi)
			*hi = x;
	}
}

int32_t pci_wi_quantile(const int32_t *v, size_t n, size_t stride, double p)
{
	int32_t lo, hi;
	uint64_t *count, cum = 0;
	double target = p * (double)n;
	int32_t q;

	if (n == 0)
		return 0;
	range_of(v, n, stride, &lo, &hi);
	count = calloc((size_t)((int64_t)hi - lo + 1), sizeof *count);
	if (!count) {
		/* Out of memory for a counting pass: fall back to a scan per
		 * candidate, slow but right. */
		for (int64_t x = lo; x <= hi; x++)
			if (pci_wi_share_le(v, n, stride, (int32_t)x) * (double)n >=
			    target - 1e-9 * (double)n)
				return (int32_t)x;
		return hi;
	}
	for (size_t i = 0; i < n; i++)
		count[v[i * stride] - lo]++;
	q = hi;
	for (int64_t x = lo; x <= hi; x++) {
		cum += count[x - lo];
		if ((double)cum >= target - 1e-9 * (double)n && cum > 0) {
			q = (int32_t)x;
			break;
		}
	}
	free(count);
	return q;
}

double pci_wi_share_le(const int32_t *v, size_t n, size_t stride, int32_t x)
{
	size_t c = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		c += v[i * stride] <= x;
	return (double)c / (double)n;
}

/* The p-quantile of the work left after the phase in the iterations
 * whose finish lies near day a (within [lo, hi]): the window around a is
 * widened until it holds min_window of them (see below). */
static int32_t window_quantile(const int32_t *rel, const int32_t *fin,
                               size_t stride, const size_t *first,
                               const size_t *iters, int32_t *left, int32_t lo,
                               int32_t hi, int32_t a, size_t min_window,
                               double p)
{
	long wlo = a, whi = a;
	size_t m;

	for (;;) {
		m = first[whi - lo + 1] - first[wlo - lo];
		if (m >= min_window || (wlo == lo && whi == hi))
			break;
		if (wlo > lo)
			wlo--;
		if (whi < hi)
			whi++;
	}
	m = 0;
	for (size_t b = first[wlo - lo]; b < first[whi - lo + 1]; b++) {
		size_t i = iters[b];
		left[m++] = rel[i] - fin[i * stride];
	}
	return pci_wi_quantile(left, m, 1, p);
}

/*
 * The checkpoint of a phase: the latest finish day c (offset) for which
 * P(release <= d | the phase finished on c) still reaches p.  Given the
 * phase finished on c, the release is c plus the work left after it, so
 * the condition is c + Q_p(left | finish c) <= d.  The work left after a
 * late finish is not the work left on average: with correlated phases a
 * late finish means a slow team, and parallel branches have had more
 * time.  So the quantile is read from the iterations whose finish lies
 * near c (a window widened until it holds enough of them, min_window),
 * each shifted to finish on c; without correlation and on a chain this
 * is simply the deadline minus the P-quantile of the work left.  When
 * only a finish earlier than every simulated one would do, the phase has
 * no checkpoint: the deadline is out of reach at p whenever it finishes
 * (a date read off the earliest finishes would be a guess, and in the
 * past when the phase is over or has run long).
 */
long pci_wi_checkpoint(const int32_t *rel, const int32_t *fin, size_t n,
                       size_t stride, double p, long d, size_t min_window)
{
	int32_t lo, hi, *left;
	size_t span, *first, *iters;
	long c, res = d;

	if (n == 0)
		return d;
	range_of(fin, n, stride, &lo, &hi);
	span = (size_t)((int64_t)hi - lo + 1);
	first = calloc(span + 1, sizeof *first);
	iters = malloc(n * sizeof *iters);
	left = malloc(n * sizeof *left);
	if (!first || !iters || !left) {
		/* no memory for the local estimate: the plain one */
		for (size_t i = 0; left && i < n; i++)
			left[i] = rel[i] - fin[i * stride];
		res = left ? d - pci_wi_quantile(left, n, 1, p) : d;
		goto out;
	}
	/* iterations bucketed by finish day (a counting sort) */
	for (size_t i = 0; i < n; i++)
		first[fin[i * stride] - lo + 1]++;
	for (size_t b = 0; b < span; b++)
		first[b + 1] += first[b];
	{
		size_t *fill = malloc(span * sizeof *fill);
		if (!fill) {
			res = d;
			goto out;
		}
		memcpy(fill, first, span * sizeof *fill);
		for (size_t i = 0; i < n; i++)
			iters[fill[fin[i * stride] - lo]++] = i;
		free(fill);
	}
	if (min_window > n)
		min_window = n;
	/* Beyond the finishes simulated the window stays at the nearest end,
	 * so the answer there is direct: scan only the days in between. */
	if (d > hi) {
		c = d - window_quantile(rel, fin, stride, first, iters, left, lo, hi,
		                        hi, min_window, p);
		if (c > d)
			c = d;
		if (c >= hi) {
			res = c;
			goto out;
		}
	}
	for (c = d < hi ? d : hi; c >= lo; c--) {
		if (c + window_quantile(rel, fin, stride, first, iters, left, lo, hi,
		                        (int32_t)c, min_window, p) <= d) {
			res = c;
			goto out;
		}
	}
	/* Only a finish earlier than any simulated would do: none. */
	res = PCI_WI_NO_CHECKPOINT;
out:
	free(first);
	free(iters);
	free(left);
	return res;
}

/* ---- the customer's plan */

enum { COL_PHASE, COL_FINISH, NCOLS };

struct pparse {
	const char *path;
	pc_error *err;
	pc_whatif_plan *p;
	long line, rec_line;
	int in_record;
	size_t field;
	int header_done;
	int col[NCOLS];
	char *val[NCOLS];
	int rc;
};

static void pp_field(void *s, size_t len, void *data)
{
	struct pparse *pp = data;
	size_t f = pp->field++;

	if (pp->rc)
		return;
	if (!pp->header_done) {
		const char *names[] = {"phase", "finish", "end", "date"};
		for (int i = 0; i < 4; i++)
			if (strlen(names[i]) == len && strncasecmp(s, names[i], len) == 0) {
				int c = i == 0 ? COL_PHASE : COL_FINISH;
				if (pp->col[c] >= 0) {
					pp->rc = pc_error_set(pp->err, PC_EDATA, pp->path,
					                      pp->rec_line,
					                      "column '%.*s' given twice",
					                      (int)len, (char *)s);
					return;
				}
				pp->col[c] = (int)f;
			}
		return;
	}
	for (int c = 0; c < NCOLS; c++)
		if (pp->col[c] == (int)f) {
			free(pp->val[c]);
			pp->val[c] = strndup(s, len);
			if (!pp->val[c])
				pp->rc = oom(pp->err);
		}
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	while (isspace((unsigned char)s[i]))
		i++;
	memmove(s, s + i, n - i + 1);
}

static void pp_record(int c, void *data)
{
	struct pparse *pp = data;
	pc_whatif_plan *p = pp->p;
	pc_whatif_milestone *m;

	(void)c;
	pp->in_record = 0;
	if (pp->rc)
		goto reset;
	if (!pp->header_done) {
		pp->header_done = 1;
		if (pp->col[COL_PHASE] < 0 || pp->col[COL_FINISH] < 0)
			pp->rc = pc_error_set(pp->err, PC_EDATA, pp->path, pp->rec_line,
			                      "the header needs the columns phase and finish");
		goto reset;
	}
	if (!pp->val[COL_PHASE] || !pp->val[COL_FINISH]) {
		pp->rc = pc_error_set(pp->err, PC_EDATA, pp->path, pp->rec_line,
		                      "expected a phase and a finish date");
		goto reset;
	}
	trim(pp->val[COL_PHASE]);
	trim(pp->val[COL_FINISH]);
	m = realloc(p->rows, (p->n + 1) * sizeof *m);
	if (!m) {
		pp->rc = oom(pp->err);
		goto reset;
	}
	p->rows = m;
	m += p->n;
	memset(m, 0, sizeof *m);
	m->line = pp->rec_line;
	if (!*pp->val[COL_PHASE]) {
		pp->rc = pc_error_set(pp->err, PC_EDATA, pp->path, pp->rec_line,
		                      "the phase is empty");
		goto reset;
	}
	if (pc_date_parse(pp->val[COL_FINISH], &m->date)) {
		pp->rc = pc_error_set(pp->err, PC_EDATA, pp->path, pp->rec_line,
		                      "finish date '%s' is not a date",
		                      pp->val[COL_FINISH]);
		goto reset;
	}
	for (size_t i = 0; i < p->n; i++)
		if (strcmp(p->rows[i].phase, pp->val[COL_PHASE]) == 0) {
			pp->rc = pc_error_set(pp->err, PC_EDATA, pp->path, pp->rec_line,
			                      "phase '%s' is given twice (first on line %ld)",
			                      pp->val[COL_PHASE], p->rows[i].line);
			goto reset;
		}
	m->phase = pp->val[COL_PHASE];
	pp->val[COL_PHASE] = NULL;
	p->n++;
reset:
	for (int i = 0; i < NCOLS; i++) {
		free(pp->val[i]);
		pp->val[i] = NULL;
	}
	pp->field = 0;
}

static int blank(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

void pc_whatif_plan_free(pc_whatif_plan **p)
{
	if (!p || !*p)
		return;
	for (size_t i = 0; i < (*p)->n; i++)
		free((*p)->rows[i].phase);
	free((*p)->rows);
	free((*p)->path);
	free(*p);
	*p = NULL;
}

int pc_whatif_plan_read(const char *path, pc_whatif_plan **out, pc_error *err)
{
	struct csv_parser csv;
	struct pparse pp;
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*out = NULL;
	memset(&pp, 0, sizeof pp);
	pp.path = path;
	pp.err = err;
	pp.col[0] = pp.col[1] = -1;
	pp.p = calloc(1, sizeof *pp.p);
	if (!pp.p || !(pp.p->path = strdup(path))) {
		pc_whatif_plan_free(&pp.p);
		return oom(err);
	}
	f = fopen(path, "r");
	if (!f) {
		pc_whatif_plan_free(&pp.p);
		return pc_error_set(err, PC_EIO, path, 0, "cannot open: %s",
		                    strerror(errno));
	}
	if (csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		fclose(f);
		pc_whatif_plan_free(&pp.p);
		return oom(err);
	}
	/* One physical line at a time, so messages can name a record's
	 * first line. */
	while (!pp.rc && (len = getline(&line, &cap, f)) > 0) {
		pp.line++;
		if (pp.line == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
			memmove(line, line + 3, (size_t)len - 2);
			len -= 3;
		}
		if (!pp.in_record) {
			if (blank(line))
				continue;
			pp.in_record = 1;
			pp.rec_line = pp.line;
		}
		if (csv_parse(&csv, line, (size_t)len, pp_field, pp_record, &pp) !=
		    (size_t)len && !pp.rc)
			pp.rc = pc_error_set(err, PC_EDATA, path, pp.rec_line, "%s",
			                     csv_strerror(csv_error(&csv)));
	}
	if (!pp.rc && ferror(f))
		pp.rc = pc_error_set(err, PC_EIO, path, 0, "read error");
	if (!pp.rc && csv_fini(&csv, pp_field, pp_record, &pp) && !pp.rc)
		pp.rc = pc_error_set(err, PC_EDATA, path, pp.rec_line,
		                     "unterminated quoted field");
	free(line);
	csv_free(&csv);
	fclose(f);
	for (int i = 0; i < NCOLS; i++)
		free(pp.val[i]);
	if (!pp.rc && !pp.header_done)
		pp.rc = pc_error_set(err, PC_EDATA, path, 0, "the file is empty");
	if (!pp.rc && pp.p->n == 0)
		pp.rc = pc_error_set(err, PC_EDATA, path, 0, "the plan has no milestones");
	if (pp.rc) {
		pc_whatif_plan_free(&pp.p);
		return pp.rc;
	}
	*out = pp.p;
	return PC_OK;
}

/* ---- putting a run together */

void pc_whatif_free(pc_whatif **w)
{
	pc_whatif *x;

	if (!w || !*w)
		return;
	x = *w;
	for (size_t j = 0; j < x->nphases; j++)
		free(x->phases[j].phase);
	for (size_t j = 0; j < x->nslots; j++)
		free(x->slots[j].phase);
	for (size_t j = 0; j < x->nchecks; j++)
		free(x->checks[j].phase);
	free(x->phases);
	free(x->drivers);
	free(x->slots);
	free(x->deadlines);
	free(x->curve);
	free(x->checks);
	free(x);
	*w = NULL;
}

static const char *const kind_option[] = {
	"--slot", "--scale", "--skip", "--done", "--started"
};

static long node_of(const pc_plan_model *pm, const char *name)
{
	for (size_t j = 0; j < pm->nphases; j++)
		if (strcmp(pm->nodes[j].phase, name) == 0)
			return (long)j;
	return -1;
}

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 256 ? 256 : (unsigned)n;
}

/* Everything a run owns besides the result. */
struct ctx {
	const pc_plan_model *pm;
	const pc_whatif_options *o;
	size_t k;
	pci_sim_phase *ph;
	double **tables;
	double *chol;
	double *scale;
	unsigned char *skip;
	pc_day *slot;
	int32_t *done, *started, *elapsed, *cap;
	long *slot_change;       /* node -> index into o->changes, or -1 */
	pci_wi_scenario sc;
	long deadline0;          /* offset of the first deadline */
};

static void ctx_release(struct ctx *c)
{
	if (c->tables)
		for (size_t j = 0; j < c->k; j++)
			free(c->tables[j]);
	free(c->tables);
	free(c->ph);
	free(c->chol);
	free(c->scale);
	free(c->skip);
	free(c->slot);
	free(c->done);
	free(c->started);
	free(c->elapsed);
	free(c->cap);
	free(c->slot_change);
}

/* Check the options and compile the scenario. */
static int ctx_init(struct ctx *c, const pc_plan_model *pm,
                    const pc_whatif_options *o, pc_error *err)
{
	size_t k = pm->nphases;
	pc_day as_of = o->has_as_of ? o->as_of : pc_date_today();
	int progress = 0;
	char a[PC_DATE_BUF], b[PC_DATE_BUF];

	memset(c, 0, sizeof *c);
	c->pm = pm;
	c->o = o;
	c->k = k;
	if (!(o->confidence > 0 && o->confidence < 1))
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "the confidence must lie strictly between 0 and 1");
	if (o->ndeadlines == 0 || !o->deadlines)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "no deadline given");
	if (o->iterations == 0 || o->iterations > MAX_ITERATIONS)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "iterations must lie between 1 and %d", MAX_ITERATIONS);
	if (o->slot_every < 1)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "the slot period must be at least 1 day");
	c->ph = calloc(k, sizeof *c->ph);
	c->tables = calloc(k, sizeof *c->tables);
	c->scale = malloc(k * sizeof *c->scale);
	c->skip = calloc(k, 1);
	c->slot = malloc(k * sizeof *c->slot);
	c->done = malloc(k * sizeof *c->done);
	c->started = malloc(k * sizeof *c->started);
	c->elapsed = malloc(k * sizeof *c->elapsed);
	c->cap = malloc(k * sizeof *c->cap);
	c->slot_change = malloc(k * sizeof *c->slot_change);
	if (!c->ph || !c->tables || !c->scale || !c->skip || !c->slot || !c->done ||
	    !c->started || !c->elapsed || !c->cap || !c->slot_change)
		return oom(err);
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *n = pm->nodes + j;
		pci_sim_phase *p = c->ph + j;

		p->pred = n->after;
		p->lags = n->lags;
		p->nlags = n->nlags;
		p->lag0 = (int)lround(n->lag);
		p->family = n->fit.family;
		p->params = n->fit.params;
		if (pci_duration_table(p->family, p->params, &c->tables[j], &p->ntable))
			return oom(err);
		p->table = c->tables[j];
		c->scale[j] = 1.0;
		c->slot[j] = PC_DAY_MIN;
		c->done[j] = c->started[j] = c->cap[j] = PCI_WI_NONE;
		c->elapsed[j] = 1;
		c->slot_change[j] = -1;
	}
	c->sc.k = k;
	c->sc.ph = c->ph;
	c->sc.cal = o->calendar;
	c->sc.k0 = pc_calendar_index(o->calendar, o->start);
	c->sc.scale = c->scale;
	c->sc.skip = c->skip;
	c->sc.slot = c->slot;
	c->sc.slot_every = o->slot_every;
	c->sc.done = c->done;
	c->sc.started = c->started;
	c->sc.elapsed = c->elapsed;
	c->sc.cap = c->cap;
	c->sc.iterations = o->iterations;
	c->sc.seed = o->seed;
	c->sc.threads = o->threads ? o->threads : online_cpus();
	c->sc.block = BLOCK;
	for (size_t i = 0; i < o->ndeadlines; i++)
		if (o->deadlines[i] < o->start)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--deadline: %s is before the start %s",
			                    pc_date_format(o->deadlines[i], a),
			                    pc_date_format(o->start, b));
	c->deadline0 = pci_wi_offset(o->calendar, c->sc.k0, o->deadlines[0]);

	for (size_t i = 0; i < o->nchanges; i++) {
		const pc_whatif_change *ch = o->changes + i;
		const char *opt = (unsigned)ch->kind < 5 ? kind_option[ch->kind] : "change";
		long j = ch->phase ? node_of(pm, ch->phase) : -1;

		if (j < 0)
			return pc_error_set(err, PC_EUSAGE, NULL, 0, "%s: unknown phase '%s'",
			                    opt, ch->phase ? ch->phase : "");
		switch (ch->kind) {
		case PC_WHATIF_SLOT:
			if (c->slot_change[j] >= 0)
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "--slot: phase '%s' booked twice", ch->phase);
			c->slot_change[j] = (long)i;
			c->slot[j] = ch->best ? PC_DAY_MIN : ch->date;
			break;
		case PC_WHATIF_SCALE:
			if (!(ch->factor > 0 && ch->factor < 1000))
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "--scale: factor %g for '%s' must be positive",
				                    ch->factor, ch->phase);
			c->scale[j] *= ch->factor;
			break;
		case PC_WHATIF_SKIP:
			c->skip[j] = 1;
			break;
		case PC_WHATIF_DONE:
		case PC_WHATIF_STARTED:
			if (ch->date > as_of)
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "%s: %s=%s is after the as-of date %s", opt,
				                    ch->phase, pc_date_format(ch->date, a),
				                    pc_date_format(as_of, b));
			if (c->done[j] != PCI_WI_NONE || c->started[j] != PCI_WI_NONE)
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "%s: phase '%s' already has progress",
				                    opt, ch->phase);
			if (ch->kind == PC_WHATIF_DONE) {
				c->done[j] = (int32_t)pci_wi_offset(o->calendar, c->sc.k0, ch->date);
			} else {
				long e;
				c->started[j] = (int32_t)(pc_calendar_index(o->calendar, ch->date) -
				                          c->sc.k0);
				e = pc_calendar_days(o->calendar, ch->date, as_of);
				c->elapsed[j] = e < 1 ? 1 : (int32_t)e;
			}
			progress = 1;
			break;
		default:
			return pc_error_set(err, PC_EUSAGE, NULL, 0, "unknown change");
		}
	}
	{
		size_t kept = 0;
		for (size_t j = 0; j < k; j++)
			kept += !c->skip[j];
		if (!kept)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--skip: every phase is skipped");
	}
	/* Ancestors of a finished or running phase are over by then: they
	 * matter only to parallel branches, which must not see them run on. */
	for (size_t j = 0; j < k; j++) {
		int32_t lim = PCI_WI_NONE;
		if (c->done[j] != PCI_WI_NONE)
			lim = c->done[j];
		else if (c->started[j] != PCI_WI_NONE)
			lim = c->started[j] - 1;
		if (lim == PCI_WI_NONE)
			continue;
		for (long a2 = pm->nodes[j].after; a2 >= 0; a2 = pm->nodes[a2].after)
			if (c->cap[a2] == PCI_WI_NONE || c->cap[a2] > lim)
				c->cap[a2] = lim;
	}
	if (progress || o->has_as_of) {
		c->sc.has_floor = 1;
		c->sc.floor = (int32_t)(pc_calendar_index(o->calendar, as_of) - c->sc.k0);
	}
	if (pm->corr && !o->independent) {
		c->chol = malloc(k * k * sizeof *c->chol);
		if (!c->chol)
			return oom(err);
		if (pci_cholesky(pm->corr, k, c->chol))
			return pc_error_set(err, PC_ENUMERIC, NULL, 0,
			                    "the correlation matrix is not positive definite");
		c->sc.chol = c->chol;
	}
	return PC_OK;
}

static int has_progress(const struct ctx *c)
{
	for (size_t j = 0; j < c->k; j++)
		if (c->done[j] != PCI_WI_NONE || c->started[j] != PCI_WI_NONE)
			return 1;
	return 0;
}

static int has_slots(const struct ctx *c)
{
	for (size_t j = 0; j < c->k; j++)
		if (c->slot[j] != PC_DAY_MIN)
			return 1;
	return 0;
}

/* Odds of the first deadline for scenario sc, with rel as scratch. */
static int odds(const pci_wi_scenario *sc, long deadline_off, int32_t *rel,
                double *p, pc_error *err)
{
	pci_wi_out o = {rel, NULL, NULL, NULL, NULL};
	int rc = pci_whatif_simulate(sc, &o, err);

	if (!rc)
		*p = pci_wi_share_le(rel, (size_t)sc->iterations, 1, (int32_t)deadline_off);
	return rc;
}

/* The latest booking for slot phase j that keeps the confidence, and the
 * booking with the best odds, scanning every day from the phase's
 * earliest likely start to the first deadline with common random
 * numbers (the odds are not monotone in the booking day: a later day can
 * catch iterations an earlier one missed by a little). */
static int search_slot(struct ctx *c, size_t j, int32_t *rel, int32_t *st,
                       pc_whatif_slot *out, pc_error *err)
{
	const pc_whatif_options *o = c->o;
	size_t n = (size_t)o->iterations;
	pci_wi_out wo = {rel, st, NULL, NULL, NULL};
	pc_day first, last, d;
	double p;
	int32_t q;
	int rc;

	c->slot[j] = PC_DAY_MIN;
	rc = pci_whatif_simulate(&c->sc, &wo, err);
	if (rc)
		return rc;
	q = pci_wi_quantile(st + j, n, c->k, 0.01);
	first = pc_calendar_day(o->calendar, c->sc.k0 + q);
	last = o->deadlines[0];
	if (first > last)
		first = last;
	if (last - first > MAX_SCAN)
		first = last - MAX_SCAN;
	out->searched = 1;
	out->feasible = 0;
	out->best_p = -1;
	out->date = first;
	for (d = first; d <= last; d++) {
		c->slot[j] = d;
		rc = odds(&c->sc, c->deadline0, rel, &p, err);
		if (rc)
			return rc;
		if (p > out->best_p) { /* ties: the earliest */
			out->best_p = p;
			out->best_date = d;
		}
		if (p >= o->confidence) {
			out->feasible = 1;
			out->date = d;
		}
	}
	/* The best booking's chance of being missed. */
	{
		unsigned char *mis = malloc(n * c->k);
		pci_wi_out mo = {rel, NULL, NULL, NULL, mis};
		if (!mis)
			return oom(err);
		c->slot[j] = out->best_date;
		rc = pci_whatif_simulate(&c->sc, &mo, err);
		if (!rc) {
			size_t m = 0;
			for (size_t i = 0; i < n; i++)
				m += mis[i * c->k + j];
			out->best_p_missed = (double)m / (double)n;
		}
		free(mis);
	}
	c->slot[j] = out->feasible ? out->date : out->best_date;
	return rc;
}

/* ---- bootstrap of the odds over past projects */

struct boot {
	const struct ctx *c;
	const pc_history *h;
	size_t np;
	double *dur;            /* np x k working days, NaN: no such phase */
	unsigned char *cens;
	int *lag;               /* np x k lag to the predecessor, or INT_MIN */
	size_t nrep;
	unsigned nthreads;
	double *vals;           /* nrep x ndeadlines, NaN: failed */
};

struct boot_worker {
	struct boot *b;
	unsigned id;
	pthread_t tid;
	int started;
};

/* One replicate, as the planner's --ci does: resample the projects, take
 * the lags they recorded, refit every phase's chosen family and the
 * correlation, and simulate the same scenario. */
static int boot_one(struct boot *b, size_t r, gsl_rng *rng, double *v)
{
	const struct ctx *c = b->c;
	const pc_whatif_options *o = c->o;
	size_t k = c->k, np = b->np;
	double *rd = malloc(np * k * sizeof *rd), *x = malloc(np * sizeof *x);
	unsigned char *rc_ = malloc(np * k), *cx = malloc(np);
	pci_sim_phase *ph = calloc(k, sizeof *ph);
	double **tab = calloc(k, sizeof *tab);
	double (*params)[PC_MAX_PARAMS] = calloc(k, sizeof *params);
	double *sp = NULL, *corr = NULL, *chol = NULL;
	int32_t *rel = malloc((size_t)o->ci_iterations * sizeof *rel);
	size_t *pick = malloc(np * sizeof *pick);
	int **lags = calloc(k, sizeof *lags);
	pci_wi_scenario sc;
	pci_wi_out wo;
	int rc = -1, repaired;

	if (!rd || !x || !rc_ || !cx || !ph || !tab || !params || !rel || !pick ||
	    !lags)
		goto out;
	gsl_rng_set(rng, (unsigned long)pci_mix64(o->seed ^
	                                          pci_mix64(0x77686174ULL << 32 | r)));
	for (size_t i = 0; i < np; i++) {
		pick[i] = gsl_rng_uniform_int(rng, np);
		memcpy(rd + i * k, b->dur + pick[i] * k, k * sizeof *rd);
		memcpy(rc_ + i * k, b->cens + pick[i] * k, k);
	}
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *nd = c->pm->nodes + j;
		pc_fit_options fo;
		pc_fit ft;
		size_t n = 0, nev = 0;

		for (size_t i = 0; i < np; i++) {
			if (isnan(rd[i * k + j]))
				continue;
			x[n] = rd[i * k + j];
			cx[n] = rc_[i * k + j];
			nev += !cx[n];
			n++;
		}
		if (nev < 2)
			goto out;
		pc_fit_options_init(&fo);
		fo.point_only = 1;
		fo.rng = rng;
		if (pc_fit_family(nd->fit.family, x, cx, n, &fo, &ft, NULL))
			goto out;
		memcpy(params[j], ft.params, sizeof params[j]);
		ph[j] = c->ph[j];
		ph[j].params = params[j];
		if (ph[j].nlags) {
			size_t m = 0;
			if (!(lags[j] = malloc(np * sizeof *lags[j])))
				goto out;
			for (size_t i = 0; i < np; i++)
				if (b->lag[pick[i] * k + j] != INT_MIN)
					lags[j][m++] = b->lag[pick[i] * k + j];
			if (m) { /* else the full sample's */
				ph[j].lags = lags[j];
				ph[j].nlags = m;
			}
		}
		if (pci_duration_table(ph[j].family, params[j], &tab[j], &ph[j].ntable))
			goto out;
		ph[j].table = tab[j];
	}
	sc = c->sc;
	sc.ph = ph;
	sc.chol = NULL;
	if (c->sc.chol) {
		sp = malloc(k * k * sizeof *sp);
		corr = malloc(k * k * sizeof *corr);
		chol = malloc(k * k * sizeof *chol);
		if (!sp || !corr || !chol ||
		    pci_spearman_matrix(rd, np, k, 3, sp, NULL))
			goto out;
		pci_normal_from_spearman(sp, k, corr);
		if (pci_nearest_pd(corr, k, 1e-6, &repaired) || pci_cholesky(corr, k, chol))
			goto out;
		sc.chol = chol;
	}
	sc.iterations = o->ci_iterations;
	sc.block = (size_t)o->ci_iterations;
	sc.threads = 1;
	sc.seed = pci_mix64(o->seed ^ pci_mix64(0x63697369ULL << 32 | r));
	memset(&wo, 0, sizeof wo);
	wo.rel = rel;
	if (pci_whatif_simulate(&sc, &wo, NULL))
		goto out;
	for (size_t i = 0; i < o->ndeadlines; i++)
		v[i] = pci_wi_share_le(rel, (size_t)o->ci_iterations, 1,
		                       (int32_t)pci_wi_offset(o->calendar, c->sc.k0,
		                                               o->deadlines[i]));
	rc = 0;
out:
	if (tab)
		for (size_t j = 0; j < k; j++)
			free(tab[j]);
	free(tab);
	if (lags)
		for (size_t j = 0; j < k; j++)
			free(lags[j]);
	free(lags);
	free(pick);
	free(ph);
	free(params);
	free(sp);
	free(corr);
	free(chol);
	free(rel);
	free(cx);
	free(rc_);
	free(x);
	free(rd);
	return rc;
}

static void *boot_main(void *arg)
{
	struct boot_worker *w = arg;
	struct boot *b = w->b;
	size_t nd = b->c->o->ndeadlines;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);

	for (size_t r = w->id; r < b->nrep; r += b->nthreads) {
		double *v = b->vals + r * nd;
		if (!rng || boot_one(b, r, rng, v))
			v[0] = NAN;
	}
	gsl_rng_free(rng);
	return NULL;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* The durations, running flags and lags of h for the bootstrap, when the
 * model keeps none of its own: per project and node, in calendar days.
 * 0, or -1 when out of memory. */
static int data_from_history(const struct ctx *c, const pc_history *h,
                             struct boot *b)
{
	const pc_whatif_options *o = c->o;
	size_t k = c->k, np = h->nprojects;
	long *map = malloc(h->nphases * sizeof *map);
	long *s0 = malloc(np * k * sizeof *s0), *e1 = malloc(np * k * sizeof *e1);

	if (!map || !s0 || !e1) {
		free(map);
		free(s0);
		free(e1);
		return -1;
	}
	for (size_t q = 0; q < h->nphases; q++)
		map[q] = node_of(c->pm, h->phases[q]);
	for (size_t i = 0; i < np * k; i++)
		b->dur[i] = NAN;
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *ob = h->obs + i;
		long j = map[ob->phase];
		long d;
		if (j < 0)
			continue;
		d = pc_calendar_index(o->calendar, ob->end + 1) -
		    pc_calendar_index(o->calendar, ob->start);
		b->dur[ob->project * k + (size_t)j] = d >= 1 ? (double)d : 1.0;
		b->cens[ob->project * k + (size_t)j] = (unsigned char)ob->ongoing;
		s0[ob->project * k + (size_t)j] = pc_calendar_index(o->calendar, ob->start);
		e1[ob->project * k + (size_t)j] = pc_calendar_index(o->calendar, ob->end + 1);
	}
	/* Lags as the planner measures them: to the end of a finished
	 * predecessor, or to the project start. */
	for (size_t i = 0; i < np; i++)
		for (size_t j = 0; j < k; j++) {
			long a = c->pm->nodes[j].after;
			size_t cj = i * k + j;
			b->lag[cj] = INT_MIN;
			if (isnan(b->dur[cj]))
				continue;
			if (a < 0)
				b->lag[cj] = (int)(s0[cj] - pc_calendar_index(o->calendar,
				                                             h->projects[i].start));
			else if (!isnan(b->dur[i * k + (size_t)a]) && !b->cens[i * k + (size_t)a])
				b->lag[cj] = (int)(s0[cj] - e1[i * k + (size_t)a]);
		}
	free(map);
	free(s0);
	free(e1);
	return 0;
}

static int bootstrap(const struct ctx *c, const pc_history *h, pc_whatif *w,
                     pc_error *err)
{
	const pc_whatif_options *o = c->o;
	size_t k = c->k, np = h->nprojects, nd = o->ndeadlines, nok;
	struct boot b;
	struct boot_worker *bw = NULL;
	double *tmp = NULL;
	int rc = PC_OK;

	memset(&b, 0, sizeof b);
	b.c = c;
	b.h = h;
	b.np = np;
	b.nrep = o->ci;
	b.dur = malloc(np * k * sizeof *b.dur);
	b.cens = calloc(np * k, 1);
	b.lag = malloc(np * k * sizeof *b.lag);
	b.vals = malloc(b.nrep * nd * sizeof *b.vals);
	b.nthreads = c->sc.threads > b.nrep ? (unsigned)b.nrep : c->sc.threads;
	bw = calloc(b.nthreads, sizeof *bw);
	tmp = malloc(b.nrep * sizeof *tmp);
	if (!b.dur || !b.cens || !b.lag || !b.vals || !bw || !tmp) {
		rc = oom(err);
		goto out;
	}
	/* Resample what the model was fitted on, as plan's --ci does: late
	 * phases then learn only from projects old enough to have reached
	 * them (see mature_only in plan.c).  A model that keeps no data, or
	 * was learned from another history, gets the data from h as it is. */
	{
		const double *pd;
		const unsigned char *pc;
		const int *pl;
		size_t pnp, pk;

		if (pci_plan_data(c->pm, &pnp, &pk, &pd, &pc, &pl) == 0 && pnp == np &&
		    pk == k) {
			memcpy(b.dur, pd, np * k * sizeof *b.dur);
			memcpy(b.cens, pc, np * k);
			memcpy(b.lag, pl, np * k * sizeof *b.lag);
		} else if (data_from_history(c, h, &b)) {
			rc = oom(err);
			goto out;
		}
	}
	for (unsigned t = 0; t < b.nthreads; t++) {
		bw[t].b = &b;
		bw[t].id = t;
		if (t > 0)
			bw[t].started = pthread_create(&bw[t].tid, NULL, boot_main, &bw[t]) == 0;
	}
	boot_main(&bw[0]);
	for (unsigned t = 1; t < b.nthreads; t++) {
		if (bw[t].started)
			pthread_join(bw[t].tid, NULL);
		else
			boot_main(&bw[t]);
	}
	for (size_t i = 0; i < nd; i++) {
		nok = 0;
		for (size_t r = 0; r < b.nrep; r++)
			if (!isnan(b.vals[r * nd]))
				tmp[nok++] = b.vals[r * nd + i];
		if (nok < (b.nrep + 1) / 2) {
			rc = pc_error_set(err, PC_EDATA, NULL, 0,
			                  "only %zu of %zu bootstrap replicates could be "
			                  "refitted: too few past projects for a confidence "
			                  "interval", nok, b.nrep);
			goto out;
		}
		if (nok > 1)
			qsort(tmp, nok, sizeof *tmp, cmp_double);
		w->deadlines[i].ci[0] = tmp[(size_t)floor(0.025 * (double)(nok - 1))];
		w->deadlines[i].ci[1] = tmp[(size_t)ceil(0.975 * (double)(nok - 1))];
		w->ci_replicates = nok;
	}
	w->has_ci = 1;
out:
	free(tmp);
	free(bw);
	free(b.vals);
	free(b.cens);
	free(b.lag);
	free(b.dur);
	return rc;
}

/* ---- the run */

static int cmp_driver(const void *a, const void *b, void *arg)
{
	const pc_whatif_phase *ph = arg;
	const pc_whatif_phase *x = ph + *(const size_t *)a, *y = ph + *(const size_t *)b;
	double cx = isnan(x->correlation) ? -2 : fabs(x->correlation);
	double cy = isnan(y->correlation) ? -2 : fabs(y->correlation);

	if (x->criticality != y->criticality)
		return x->criticality < y->criticality ? 1 : -1;
	if (cx != cy)
		return cx < cy ? 1 : -1;
	return (*(const size_t *)a > *(const size_t *)b) -
	       (*(const size_t *)a < *(const size_t *)b);
}

/* The latest start whose odds for the first deadline reach the
 * confidence.  Without bookings a shift of the start shifts every date,
 * so it is the deadline minus the P-quantile of the release.  Bookings
 * are fixed days and only ever delay, so the latest start without them
 * bounds it; below that the odds rise and fall with the slot period
 * (a start that just catches a slot beats one a day later), so every
 * start is tried, latest first, with common random numbers. */
static int latest_start(struct ctx *c, const int32_t *rel0, int32_t *rel,
                        pc_whatif *w, pc_error *err)
{
	const pc_whatif_options *o = c->o;
	size_t n = (size_t)o->iterations;
	long idx_d = pc_calendar_index(o->calendar, o->deadlines[0] + 1) - 1;
	long k0 = c->sc.k0, s, last;
	const pc_day *slot = c->sc.slot;
	double p;
	int rc = PC_OK;

	w->has_latest_start = 1;
	if (!has_slots(c)) {
		w->latest_start = pc_calendar_day(o->calendar, idx_d -
		                  pci_wi_quantile(rel0, n, 1, o->confidence));
		return PC_OK;
	}
	c->sc.slot = NULL;
	rc = odds(&c->sc, 0, rel, &p, err);
	c->sc.slot = slot;
	if (rc)
		return rc;
	s = idx_d - pci_wi_quantile(rel, n, 1, o->confidence);
	last = s - MAX_SCAN - o->slot_every;
	for (; s >= last; s--) {
		c->sc.k0 = s;
		if ((rc = odds(&c->sc, idx_d - s, rel, &p, err)))
			break;
		if (p >= o->confidence) {
			w->latest_start = pc_calendar_day(o->calendar, s);
			break;
		}
	}
	if (!rc && s < last)
		w->has_latest_start = 0;
	c->sc.k0 = k0;
	return rc;
}

int pc_whatif_run(const pc_plan_model *pm, const pc_history *h,
                  const pc_whatif_options *o, pc_whatif **out, pc_error *err)
{
	pc_whatif_options def;
	struct ctx c;
	pc_whatif *w = NULL;
	pci_wi_out wo;
	int32_t *rel = NULL, *st = NULL, *fin = NULL, *rel2 = NULL;
	unsigned char *crit = NULL, *mis = NULL;
	double *dx = NULL, *dy = NULL;
	size_t n, k, nslots = 0;
	int rc;

	*out = NULL;
	if (!o) {
		pc_whatif_options_init(&def);
		o = &def;
	}
	if (!pm || pm->nphases == 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "the plan has no phases");
	rc = ctx_init(&c, pm, o, err);
	if (rc)
		goto fail;
	n = (size_t)o->iterations;
	k = c.k;
	rel = malloc(n * sizeof *rel);
	rel2 = malloc(n * sizeof *rel2);
	st = malloc(n * k * sizeof *st);
	fin = malloc(n * k * sizeof *fin);
	crit = malloc(n * k);
	mis = malloc(n * k);
	dx = malloc(n * sizeof *dx);
	dy = malloc(n * sizeof *dy);
	w = calloc(1, sizeof *w);
	if (!rel || !rel2 || !st || !fin || !crit || !mis || !dx || !dy || !w) {
		rc = oom(err);
		goto fail;
	}
	for (size_t j = 0; j < k; j++)
		nslots += c.slot_change[j] >= 0;
	w->phases = calloc(k, sizeof *w->phases);
	w->drivers = malloc(k * sizeof *w->drivers);
	w->deadlines = calloc(o->ndeadlines, sizeof *w->deadlines);
	w->slots = calloc(nslots ? nslots : 1, sizeof *w->slots);
	if (!w->phases || !w->drivers || !w->deadlines || !w->slots) {
		rc = oom(err);
		goto fail;
	}
	w->nphases = k;
	w->ndeadlines = o->ndeadlines;
	w->start = o->start;
	w->confidence = o->confidence;
	w->iterations = o->iterations;
	w->seed = o->seed;
	w->independent = !c.sc.chol;

	/* Searched bookings first, each with the others as given. */
	for (size_t j = 0, s = 0; j < k; j++) {
		const pc_whatif_change *ch;
		if (c.slot_change[j] < 0)
			continue;
		ch = o->changes + c.slot_change[j];
		w->slots[s].phase = strdup(pm->nodes[j].phase);
		if (!w->slots[s].phase) {
			rc = oom(err);
			goto fail;
		}
		w->nslots = ++s;
		if (ch->best && (rc = search_slot(&c, j, rel, st, &w->slots[s - 1], err)))
			goto fail;
		if (!ch->best)
			w->slots[s - 1].date = ch->date;
	}

	memset(&wo, 0, sizeof wo);
	wo.rel = rel;
	wo.start = st;
	wo.fin = fin;
	wo.crit = crit;
	wo.missed = mis;
	if ((rc = pci_whatif_simulate(&c.sc, &wo, err)))
		goto fail;

	for (size_t i = 0; i < o->ndeadlines; i++) {
		pc_whatif_deadline *d = w->deadlines + i;
		d->deadline = o->deadlines[i];
		d->p = pci_wi_share_le(rel, n, 1,
		                       (int32_t)pci_wi_offset(o->calendar, c.sc.k0,
		                                               o->deadlines[i]));
		d->se = sqrt(d->p * (1 - d->p) / (double)n);
		d->ci[0] = d->ci[1] = NAN;
	}
	w->earliest_deadline = pc_calendar_day(o->calendar, c.sc.k0 +
	                                       pci_wi_quantile(rel, n, 1, o->confidence));
	if (!has_progress(&c)) {
		if ((rc = latest_start(&c, rel, rel2, w, err)))
			goto fail;
	}

	for (size_t j = 0; j < k; j++) {
		pc_whatif_phase *p = w->phases + j;
		size_t m = 0;
		long cp;

		p->phase = strdup(pm->nodes[j].phase);
		if (!p->phase) {
			rc = oom(err);
			goto fail;
		}
		p->skipped = c.skip[j];
		p->fixed = c.done[j] != PCI_WI_NONE;
		for (size_t i = 0; i < n; i++) {
			m += crit[i * k + j];
			dx[i] = (double)fin[i * k + j] - (double)st[i * k + j] + 1;
			dy[i] = (double)rel[i];
		}
		cp = pci_wi_checkpoint(rel, fin + j, n, k, o->confidence, c.deadline0,
		                       n / 50 > 200 ? n / 50 : 200);
		p->no_checkpoint = cp == PCI_WI_NO_CHECKPOINT;
		p->checkpoint = pc_calendar_day(o->calendar, c.sc.k0 +
		                                (p->no_checkpoint ? 0 : cp));
		p->criticality = (double)m / (double)n;
		p->correlation = p->skipped || p->fixed ? NAN : pci_spearman(dx, dy, n, NULL);
		w->drivers[j] = j;
	}
	/* k is small: an insertion sort keeps equal drivers in node order */
	for (size_t a = 1; a < k; a++)
		for (size_t b = a; b > 0 && cmp_driver(&w->drivers[b - 1],
		                                       &w->drivers[b], w->phases) > 0; b--) {
			size_t t = w->drivers[b];
			w->drivers[b] = w->drivers[b - 1];
			w->drivers[b - 1] = t;
		}

	for (size_t j = 0, s = 0; j < k; j++) {
		size_t m = 0;
		if (c.slot_change[j] < 0)
			continue;
		for (size_t i = 0; i < n; i++)
			m += mis[i * k + j];
		w->slots[s].p_missed = (double)m / (double)n;
		w->slots[s].p_on_time = w->deadlines[0].p;
		w->slots[s].date = c.slot[j];
		s++;
	}

	if (o->curve) {
		int32_t lo = pci_wi_quantile(rel, n, 1, 0.005);
		int32_t hi = pci_wi_quantile(rel, n, 1, 0.995);
		pc_day from = pc_calendar_day(o->calendar, c.sc.k0 + lo);
		pc_day to = pc_calendar_day(o->calendar, c.sc.k0 + hi);
		uint64_t *cnt;
		uint64_t cum = 0;

		w->ncurve = (size_t)(to - from + 1);
		w->curve_from = from;
		w->curve = malloc(w->ncurve * sizeof *w->curve);
		cnt = calloc((size_t)(hi - lo + 1), sizeof *cnt);
		if (!w->curve || !cnt) {
			free(cnt);
			rc = oom(err);
			goto fail;
		}
		for (size_t i = 0; i < n; i++)
			if (rel[i] >= lo && rel[i] <= hi)
				cnt[rel[i] - lo]++;
		for (size_t i = 0; i < n; i++)
			if (rel[i] < lo)
				cum++;
		for (int32_t cur = lo, i0 = 0; (size_t)i0 < w->ncurve; i0++) {
			long off = pci_wi_offset(o->calendar, c.sc.k0, from + i0);
			/* offsets only grow with the day: add the counts up to it */
			while (cur <= off && cur <= hi) {
				cum += cnt[cur - lo];
				cur++;
			}
			w->curve[i0] = (double)cum / (double)n;
		}
		free(cnt);
	}

	if (o->against) {
		const pc_whatif_plan *pl = o->against;
		w->checks = calloc(pl->n, sizeof *w->checks);
		if (!w->checks) {
			rc = oom(err);
			goto fail;
		}
		for (size_t r = 0; r < pl->n; r++) {
			const pc_whatif_milestone *ms = pl->rows + r;
			pc_whatif_check *ck = w->checks + w->nchecks;
			long j = node_of(pm, ms->phase);
			const int32_t *v = rel;
			size_t stride = 1;
			int32_t q;

			if (j < 0 && strcmp(ms->phase, "release") != 0) {
				rc = pc_error_set(err, PC_EDATA, pl->path, ms->line,
				                  "phase '%s' is not in the plan", ms->phase);
				goto fail;
			}
			if (j >= 0) {
				v = fin + j;
				stride = k;
			}
			ck->phase = strdup(ms->phase);
			if (!ck->phase) {
				rc = oom(err);
				goto fail;
			}
			w->nchecks++;
			ck->date = ms->date;
			ck->line = ms->line;
			ck->p_holds = pci_wi_share_le(v, n, stride,
			                              (int32_t)pci_wi_offset(o->calendar,
			                                                     c.sc.k0, ms->date));
			q = pci_wi_quantile(v, n, stride, o->confidence);
			ck->needed = pc_calendar_day(o->calendar, c.sc.k0 + q);
			ck->uplift = (long)(ck->needed - ms->date);
		}
	}

	if (o->ci && h) {
		if (o->ci_iterations == 0) {
			rc = pc_error_set(err, PC_EUSAGE, NULL, 0,
			                  "bootstrap iterations must be positive");
			goto fail;
		}
		if ((rc = bootstrap(&c, h, w, err)))
			goto fail;
	}
	goto done;
fail:
	pc_whatif_free(&w);
done:
	ctx_release(&c);
	free(rel);
	free(rel2);
	free(st);
	free(fin);
	free(crit);
	free(mis);
	free(dx);
	free(dy);
	*out = w;
	return rc;
}
