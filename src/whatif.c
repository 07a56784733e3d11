/*
 * whatif.c - deadline odds, targets, checkpoints, drivers and scenarios.
 *
 * A scenario (bookings, scale, skips, progress) is compiled once into the
 * arrays of a pci_sim_config and run by the one simulator (sim.c), whose
 * per-iteration trace holds what the questions need: a slot depends on
 * the day a phase's predecessors finished in the same iteration,
 * criticality on the chain that set each finish.  Progress conditions
 * the draw itself: a finished phase's observed duration and a running
 * phase's days so far bound its normal-scale draw, and through the copula
 * they move the phases still to come.  Without a scenario the release
 * finishes are those pc_plan_run counts for the same seed.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <gsl/gsl_cdf.h>

#include <precedent/whatif.h>

#include "whatif_internal.h"

#define BLOCK 10000
#define MAX_ITERATIONS 2000000
/* Iterations x phases whose outcomes a run may keep (10 bytes each). */
#define WORK_MAX 2e8
/* Slot searches scan at most this many booking days. */
#define MAX_SCAN 400
/* Odds within this of the best are a tie for the booking (half a point). */
#define SLOT_TIE 0.005
/* Normal-scale bounds are kept within this, where Phi still differs
 * from 0 and 1 in double precision. */
#define ZMAX 8.2

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
	o->slot_notice = 7;
	o->ci = 200;
	o->ci_iterations = 4000;
}

long pci_wi_offset(const pc_calendar *cal, long k0, pc_day d)
{
	return pc_calendar_index(cal, d + 1) - 1 - k0;
}


/* ---- progress as evidence */

/* The normal-scale bounds that progress puts on each phase's draw, and
 * the copula reordered so the bounded phases come first. */
struct cond {
	double *zlo, *zhi;
	size_t *order;
	double *chol;       /* of the reordered correlation, or NULL */
	size_t ncond;
};

static void cond_release(struct cond *d)
{
	free(d->zlo);
	free(d->zhi);
	free(d->order);
	free(d->chol);
	memset(d, 0, sizeof *d);
}

static double zclamp(double z)
{
	return z < -ZMAX ? -INFINITY : z > ZMAX ? ZMAX : z;
}

/* Phi^-1(F(x)) of a phase's family, clamped: the normal-scale value the
 * table gives a duration boundary. */
static double z_of(const pc_plan_node *n, double x)
{
	double u = n->fit.family->cdf(x, n->fit.params);
	if (!(u > 0))
		return -INFINITY;
	if (u >= 1)
		return ZMAX;
	return zclamp(gsl_cdf_ugaussian_Pinv(u));
}

/* Everything a run owns besides the result: the engine of the model and
 * the scenario, compiled once into per-node arrays (see pci_sim_config). */
struct ctx {
	const pc_plan_model *pm;
	const pc_whatif_options *o;
	size_t k;
	pci_engine e;
	double *scale;
	signed char *present;
	pc_day *slot;
	int32_t *done, *done_start, *started, *elapsed, *cap;
	long *slot_change;       /* node -> index into o->changes, or -1 */
	struct cond cond;        /* conditioning on progress, for pm */
	pci_sim_config sc;
	long deadline0;          /* offset of the first deadline */
	int progress;
};

static void ctx_release(struct ctx *c)
{
	pci_engine_release(&c->e);
	cond_release(&c->cond);
	free(c->scale);
	free(c->present);
	free(c->slot);
	free(c->done);
	free(c->done_start);
	free(c->started);
	free(c->elapsed);
	free(c->cap);
	free(c->slot_change);
}

/*
 * Bind the scenario's progress to model m (the plan's, or a bootstrap
 * replicate's, whose families differ): a finished phase whose start is
 * known (given, or implied by finished predecessors and its median lag)
 * took d days, so its draw lies where the table rounds to d; a running
 * phase has run e days, so its draw lies where the table gives e or
 * more.  With the copula the bounded phases are drawn first, each given
 * the ones before, and the rest given them: a fast start makes the rest
 * faster as far as the history's correlation says.
 */
static int cond_bind(struct cond *d, const struct ctx *c, const pc_plan_model *m,
                     const double *chol_plain)
{
	size_t k = c->k, nc = 0, r = 0;
	int any = 0;

	memset(d, 0, sizeof *d);
	d->zlo = malloc(k * sizeof *d->zlo);
	d->zhi = malloc(k * sizeof *d->zhi);
	d->order = malloc(k * sizeof *d->order);
	if (!d->zlo || !d->zhi || !d->order)
		return -1;
	for (size_t j = 0; j < k; j++) {
		const pc_plan_node *n = m->nodes + j;
		d->zlo[j] = -INFINITY;
		d->zhi[j] = INFINITY;
		if (c->started[j] != PCI_SIM_NONE && c->elapsed[j] >= 2) {
			d->zlo[j] = z_of(n, (double)c->elapsed[j] - 0.5);
		} else if (c->done[j] != PCI_SIM_NONE) {
			long s = c->done_start[j], dd;
			if (s == PCI_SIM_NONE) {
				/* implied by finished predecessors, or the start */
				long base = 0;
				size_t q;
				for (q = 0; q < n->npreds; q++) {
					int32_t f = c->done[n->preds[q]];
					if (f == PCI_SIM_NONE)
						break;
					if (q == 0 || f + 1 > base)
						base = f + 1;
				}
				if (q < n->npreds)
					continue;
				s = base + lround(n->lag);
				if (s < 0)
					s = 0;
			}
			dd = c->done[j] - s + 1;
			if (dd < 1)
				continue;
			if (dd >= 2)
				d->zlo[j] = z_of(n, (double)dd - 0.5);
			d->zhi[j] = z_of(n, (double)dd + 0.5);
			if (d->zhi[j] < d->zlo[j])
				d->zhi[j] = d->zlo[j];
		}
		if (d->zlo[j] > -INFINITY || d->zhi[j] < INFINITY)
			any = 1;
	}
	if (!any)
		return 0;
	if (!chol_plain)
		return 0;   /* independent: the bounds alone */
	for (size_t j = 0; j < k; j++)
		if (d->zlo[j] > -INFINITY || d->zhi[j] < INFINITY)
			d->order[r++] = j;
	nc = r;
	for (size_t j = 0; j < k; j++)
		if (!(d->zlo[j] > -INFINITY || d->zhi[j] < INFINITY))
			d->order[r++] = j;
	{
		double *pc = malloc(k * k * sizeof *pc);
		d->chol = malloc(k * k * sizeof *d->chol);
		if (!pc || !d->chol) {
			free(pc);
			return -1;
		}
		for (size_t a = 0; a < k; a++)
			for (size_t b = 0; b < k; b++)
				pc[a * k + b] = m->corr[d->order[a] * k + d->order[b]];
		if (pci_cholesky(pc, k, d->chol)) {
			free(pc);
			return -1;
		}
		free(pc);
	}
	d->ncond = nc;
	return 0;
}

/* Point cfg at the conditioning d (made for cfg's copula). */
static void cond_apply(const struct cond *d, pci_sim_config *cfg)
{
	cfg->zlo = d->zlo;
	cfg->zhi = d->zhi;
	if (d->chol) {
		cfg->chol = d->chol;
		cfg->corder = d->order;
		cfg->ncond = d->ncond;
	}
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
	for (size_t j = 0; j < x->nslots; j++) {
		free(x->slots[j].phase);
		free(x->slots[j].options);
	}
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
	"--slot", "--scale", "--skip", "--done", "--started", "--with"
};

/* The node named `name`: exactly, else the one phase that matches it
 * but for case ("Load_Test" for load_test); -1 if none, or several. */
static long node_of(const pc_plan_model *pm, const char *name)
{
	long found = -1;

	for (size_t j = 0; j < pm->nphases; j++)
		if (strcmp(pm->nodes[j].phase, name) == 0)
			return (long)j;
	for (size_t j = 0; j < pm->nphases; j++)
		if (strcasecmp(pm->nodes[j].phase, name) == 0) {
			if (found >= 0)
				return -1;
			found = (long)j;
		}
	return found;
}

/* Edit distance of a and b (case-insensitive), capped at 99. */
static int distance(const char *a, const char *b)
{
	size_t n = strlen(b), m = strlen(a);
	int row[64], prev;

	if (n >= 63 || m >= 63)
		return 99;
	for (size_t j = 0; j <= n; j++)
		row[j] = (int)j;
	for (size_t i = 1; i <= m; i++) {
		prev = row[0];
		row[0] = (int)i;
		for (size_t j = 1; j <= n; j++) {
			int cur = row[j], sub = prev + (tolower((unsigned char)a[i - 1]) !=
			                                tolower((unsigned char)b[j - 1]));
			row[j] = cur + 1 < row[j - 1] + 1 ? cur + 1 : row[j - 1] + 1;
			if (sub < row[j])
				row[j] = sub;
			prev = cur;
		}
	}
	return row[n];
}

/* "unknown phase 'x'", with the nearest phase names, or all of them when
 * there are few. */
static int unknown_phase(const pc_plan_model *pm, const char *opt,
                         const char *name, pc_error *err)
{
	char list[400];
	size_t len = 0;
	int best = 99;

	for (size_t j = 0; j < pm->nphases; j++) {
		int d = distance(name, pm->nodes[j].phase);
		if (d < best)
			best = d;
	}
	list[0] = '\0';
	for (size_t j = 0; j < pm->nphases && len < sizeof list - 80; j++) {
		int d = distance(name, pm->nodes[j].phase);
		if (best <= 2 ? d != best : pm->nphases > 12)
			continue;
		len += (size_t)snprintf(list + len, sizeof list - len, "%s'%s'",
		                        len ? ", " : "", pm->nodes[j].phase);
	}
	if (!*list)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "%s: unknown phase '%s'",
		                    opt, name);
	return pc_error_set(err, PC_EUSAGE, NULL, 0, "%s: unknown phase '%s' (%s %s%s)",
	                    opt, name, best <= 2 ? "did you mean" : "the phases are",
	                    list, best <= 2 ? "?" : "");
}

/* Mark every phase that j waits for, directly or not, with lim as the
 * latest it may finish. */
static void cap_ancestors(struct ctx *c, size_t j, int32_t lim)
{
	const pc_plan_node *n = c->pm->nodes + j;

	for (size_t q = 0; q < n->npreds; q++) {
		long a = n->preds[q];
		if (c->cap[a] != PCI_SIM_NONE && c->cap[a] <= lim)
			continue;
		c->cap[a] = lim;
		cap_ancestors(c, (size_t)a, lim);
	}
}

/* Check the options and compile the scenario. */
static int ctx_init(struct ctx *c, const pc_plan_model *pm,
                    const pc_whatif_options *o, pc_error *err)
{
	size_t k = pm->nphases;
	pc_day as_of = o->has_as_of ? o->as_of : pc_date_today();
	char a[PC_DATE_BUF], b[PC_DATE_BUF];
	int32_t *run_start;
	int rc;

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
	if ((double)o->iterations * (double)k > WORK_MAX)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "%llu iterations of %zu phases would keep %.1f GB of "
		                    "outcomes: at most %.0f iterations",
		                    (unsigned long long)o->iterations, k,
		                    (double)o->iterations * (double)k * 10 / 1e9,
		                    floor(WORK_MAX / (double)k));
	if (o->slot_every < 1)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "the slot period must be at least 1 day");
	if (o->slot_notice < 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0,
		                    "the notice to re-book a slot cannot be negative");
	if ((rc = pci_engine_init(&c->e, pm, o->independent, err)))
		return rc;
	c->scale = malloc(k * sizeof *c->scale);
	c->present = malloc(k);
	c->slot = malloc(k * sizeof *c->slot);
	c->done = malloc(k * sizeof *c->done);
	c->done_start = malloc(k * sizeof *c->done_start);
	c->started = malloc(k * sizeof *c->started);
	c->elapsed = malloc(k * sizeof *c->elapsed);
	c->cap = malloc(k * sizeof *c->cap);
	c->slot_change = malloc(k * sizeof *c->slot_change);
	run_start = c->done_start; /* a --started date, until --done says more */
	if (!c->scale || !c->present || !c->slot || !c->done || !c->done_start ||
	    !c->started || !c->elapsed || !c->cap || !c->slot_change)
		return oom(err);
	for (size_t j = 0; j < k; j++) {
		c->scale[j] = 1.0;
		c->present[j] = -1;
		c->slot[j] = PC_DAY_MIN;
		c->done[j] = c->done_start[j] = c->started[j] = c->cap[j] = PCI_SIM_NONE;
		c->elapsed[j] = 1;
		c->slot_change[j] = -1;
	}
	pci_engine_config(&c->e, &c->sc);
	c->sc.cal = o->calendar;
	c->sc.k0 = pc_calendar_index(o->calendar, o->start);
	c->sc.scale = c->scale;
	c->sc.present = c->present;
	c->sc.slot = c->slot;
	c->sc.slot_every = o->slot_every;
	c->sc.slot_notice = o->slot_notice;
	c->sc.done = c->done;
	c->sc.done_start = c->done_start;
	c->sc.started = c->started;
	c->sc.elapsed = c->elapsed;
	c->sc.cap = c->cap;
	c->sc.iterations = o->iterations;
	c->sc.seed = o->seed;
	c->sc.threads = o->threads ? o->threads : pci_online_cpus();
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
		const char *opt = (unsigned)ch->kind < 6 ? kind_option[ch->kind] : "change";
		long j = ch->phase ? node_of(pm, ch->phase) : -1;

		if (j < 0)
			return unknown_phase(pm, opt, ch->phase ? ch->phase : "", err);
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
		case PC_WHATIF_WITH:
			if (c->present[j] >= 0 && c->present[j] != (ch->kind == PC_WHATIF_WITH))
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "%s: phase '%s' is both skipped and kept",
				                    opt, ch->phase);
			c->present[j] = ch->kind == PC_WHATIF_WITH;
			break;
		case PC_WHATIF_DONE:
		case PC_WHATIF_STARTED:
			if (ch->date > as_of)
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "%s: %s=%s is after the as-of date %s", opt,
				                    ch->phase, pc_date_format(ch->date, a),
				                    pc_date_format(as_of, b));
			if (ch->date < o->start)
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "%s: %s=%s is before the start %s", opt,
				                    ch->phase, pc_date_format(ch->date, a),
				                    pc_date_format(o->start, b));
			if ((ch->kind == PC_WHATIF_DONE && c->done[j] != PCI_SIM_NONE) ||
			    (ch->kind == PC_WHATIF_STARTED && run_start[j] != PCI_SIM_NONE))
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "%s: phase '%s' given twice", opt, ch->phase);
			if (ch->kind == PC_WHATIF_DONE)
				c->done[j] = (int32_t)pci_wi_offset(o->calendar, c->sc.k0, ch->date);
			else
				run_start[j] = (int32_t)(pc_calendar_index(o->calendar, ch->date) -
				                         c->sc.k0);
			c->progress = 1;
			break;
		default:
			return pc_error_set(err, PC_EUSAGE, NULL, 0, "unknown change");
		}
	}
	/* A phase started and not done is running; started and done, its
	 * start and finish are known. */
	for (size_t j = 0; j < k; j++) {
		if (run_start[j] == PCI_SIM_NONE || c->done[j] != PCI_SIM_NONE)
			continue;
		{
			long e = pc_calendar_days(o->calendar,
			                          pc_calendar_day(o->calendar, c->sc.k0 + run_start[j]),
			                          as_of);
			c->started[j] = run_start[j];
			c->elapsed[j] = e < 1 ? 1 : (int32_t)e;
			run_start[j] = PCI_SIM_NONE;
		}
	}
	for (size_t j = 0; j < k; j++)
		if (c->done[j] != PCI_SIM_NONE && run_start[j] != PCI_SIM_NONE &&
		    run_start[j] > c->done[j])
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--started: phase '%s' starts after it is done",
			                    pm->nodes[j].phase);
	{
		size_t kept = 0;
		for (size_t j = 0; j < k; j++)
			kept += c->present[j] != 0;
		if (!kept)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--skip: every phase is skipped");
	}
	/* Ancestors of a finished or running phase are over by then: they
	 * matter only to parallel branches, which must not see them run on.
	 * And a phase with progress took place. */
	for (size_t j = 0; j < k; j++) {
		int32_t lim = PCI_SIM_NONE;
		if (c->done[j] != PCI_SIM_NONE)
			lim = run_start[j] != PCI_SIM_NONE ? run_start[j] - 1 : c->done[j];
		else if (c->started[j] != PCI_SIM_NONE)
			lim = c->started[j] - 1;
		if (lim == PCI_SIM_NONE)
			continue;
		if (c->present[j] == 0)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--skip: phase '%s' has progress", pm->nodes[j].phase);
		c->present[j] = 1;
		cap_ancestors(c, j, lim);
	}
	if (c->progress || o->has_as_of) {
		c->sc.has_floor = 1;
		c->sc.floor = (int32_t)(pc_calendar_index(o->calendar, as_of) - c->sc.k0);
	}
	if (cond_bind(&c->cond, c, pm, c->e.chol))
		return oom(err);
	cond_apply(&c->cond, &c->sc);
	return PC_OK;
}

static int has_slots(const struct ctx *c)
{
	for (size_t j = 0; j < c->k; j++)
		if (c->slot[j] != PC_DAY_MIN)
			return 1;
	return 0;
}

/* Odds of the first deadline for scenario sc, with rel as scratch. */
static int odds(const pci_sim_config *sc, long deadline_off, int32_t *rel,
                double *p, pc_error *err)
{
	pci_sim_trace o = {rel, NULL, NULL, NULL, NULL, NULL, NULL};
	int rc = pci_sim_trace_run(sc, &o, err);

	if (!rc)
		*p = pci_wi_share_le(rel, (size_t)sc->iterations, 1, (int32_t)deadline_off);
	return rc;
}

/*
 * The booking for slot phase j that a team wants: the one with the best
 * odds of the first deadline, a missed booking being re-booked with
 * notice (see slot_start in sim.c), so a day the team is rarely ready
 * for costs what it should; odds within half a point of the best are a
 * tie, and ties go to the later day, which holds a shared resource for
 * less time.  Every working day is tried from the
 * phase's earliest likely start to the deadline, with common random
 * numbers, and each is kept for the trade-off table; the latest booking
 * that keeps the confidence is noted too.
 */
static int search_slot(struct ctx *c, size_t j, int32_t *rel, int32_t *st,
                       pc_whatif_slot *out, pc_error *err)
{
	const pc_whatif_options *o = c->o;
	size_t n = (size_t)o->iterations;
	pci_sim_trace wo = {rel, st, NULL, NULL, NULL, NULL, NULL};
	unsigned char *mis = malloc(n * c->k);
	pci_sim_trace mo = {rel, NULL, NULL, NULL, mis, NULL, NULL};
	pc_day first, last, d;
	int32_t q;
	int rc;

	if (!mis)
		return oom(err);
	c->slot[j] = PC_DAY_MIN;
	rc = pci_sim_trace_run(&c->sc, &wo, err);
	if (rc)
		goto out;
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
	out->options = calloc((size_t)(last - first + 1), sizeof *out->options);
	if (!out->options) {
		rc = oom(err);
		goto out;
	}
	for (d = first; d <= last; d++) {
		pc_whatif_slot_option *op;
		size_t m = 0;

		if (!pc_calendar_is_working(o->calendar, d))
			continue;
		c->slot[j] = d;
		if ((rc = pci_sim_trace_run(&c->sc, &mo, err)))
			goto out;
		op = out->options + out->noptions++;
		op->date = d;
		op->p_on_time = pci_wi_share_le(rel, n, 1, (int32_t)c->deadline0);
		for (size_t i = 0; i < n; i++)
			m += mis[i * c->k + j];
		op->p_missed = (double)m / (double)n;
		if (op->p_on_time > out->best_p)
			out->best_p = op->p_on_time;
		if (op->p_on_time >= o->confidence) {
			out->feasible = 1;
			out->latest_ok = d;
		}
	}
	/* The best: the latest booking within SLOT_TIE of the best odds.
	 * Closer odds than that no team can tell apart (nor, often, the
	 * simulation), and a later booking holds the slot for less. */
	out->best_date = last;
	for (size_t i = out->noptions; i-- > 0;)
		if (out->options[i].p_on_time >= out->best_p - SLOT_TIE) {
			out->best_date = out->options[i].date;
			out->best_p = out->options[i].p_on_time;
			out->best_p_missed = out->options[i].p_missed;
			break;
		}
	if (out->noptions == 0)
		out->best_p = 0; /* no working day between them */
	out->date = out->best_date;
	c->slot[j] = out->best_date;
out:
	free(mis);
	return rc;
}

/* ---- bootstrap of the odds over past projects */

/* The levels at which each replicate keeps its release quantiles for
 * pci_boot_odds_t: every 0.1% (0.001 .. 0.999), so that reading the odds
 * interval off the grid widens it by at most 0.001 a side; coarser
 * (down to every 1%) where nrep replicates of that many would pass
 * ODDS_KEPT values (32 MB), so that --ci 100000 keeps 80 MB, not 800. */
#define ODDS_GRID 999
#define ODDS_GRID_MIN 99
#define ODDS_KEPT ((size_t)1 << 22)

static size_t odds_grid(size_t nrep)
{
	size_t g = nrep ? ODDS_KEPT / nrep : ODDS_GRID;

	if (g >= ODDS_GRID + 2)
		return ODDS_GRID;
	return g < ODDS_GRID_MIN + 2 ? ODDS_GRID_MIN : g - 2;
}

/* Where boot_odds puts what it keeps of a replicate, after the odds of
 * the nd deadlines: its P10 and P90 (the spread that studentizes), then
 * its quantiles on the grid of ng levels. */
#define ODDS_P10(nd) (nd)
#define ODDS_P90(nd) ((nd) + 1)
#define ODDS_Q0(nd) ((nd) + 2)
#define ODDS_NVALS(nd, ng) ((nd) + 2 + (ng))

static int cmp_int32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

void pci_wi_quantiles(int32_t *v, size_t n, const double *levels, size_t nlev,
                      double *out)
{
	qsort(v, n, sizeof *v, cmp_int32);
	for (size_t l = 0; l < nlev; l++) {
		/* the least value with at least p n values at or below it,
		 * with pci_wi_quantile's allowance for rounding */
		double target = levels[l] * (double)n - 1e-9 * (double)n;
		size_t i = target <= 1 ? 0 : (size_t)ceil(target) - 1;
		out[l] = n ? (double)v[i < n ? i : n - 1] : 0;
	}
}

/* The grid's ng levels, ascending. */
static void odds_levels(double *levels, size_t ng)
{
	for (size_t l = 0; l < ng; l++)
		levels[l] = (double)(l + 1) / (double)(ng + 1);
}

/* What boot_odds and bootstrap keep of n releases rel (sorted in place):
 * the P10 and P90, and the quantiles on the grid of ng levels. */
static void keep_quantiles(int32_t *rel, size_t n, size_t ng, double *p10,
                           double *p90, double *grid)
{
	static const double spread[2] = {0.1, 0.9};
	double sp[2], levels[ODDS_GRID];

	odds_levels(levels, ng);
	pci_wi_quantiles(rel, n, spread, 2, sp);
	pci_wi_quantiles(rel, n, levels, ng, grid);
	*p10 = sp[0];
	*p90 = sp[1];
}

/* One replicate: the same scenario on the replicate's model, progress
 * bound to its families and copula: the odds of each deadline, and the
 * release quantiles pci_boot_odds_t inverts. */
static int boot_odds(void *ctx, const pc_plan_model *rep, size_t r, double *v)
{
	const struct ctx *c = ctx;
	const pc_whatif_options *o = c->o;
	size_t nd = o->ndeadlines;
	pci_engine e;
	struct cond cd;
	pci_sim_config sc;
	int32_t *rel = malloc((size_t)o->ci_iterations * sizeof *rel);
	int rc = -1;

	memset(&cd, 0, sizeof cd);
	if (!rel || pci_engine_init(&e, rep, o->independent, NULL)) {
		free(rel);
		return -1;
	}
	sc = c->sc;
	sc.ph = e.ph;
	sc.chol = e.chol;
	sc.corder = NULL;
	sc.ncond = 0;
	sc.zlo = sc.zhi = NULL;
	if (cond_bind(&cd, c, rep, e.chol))
		goto out;
	cond_apply(&cd, &sc);
	sc.iterations = o->ci_iterations;
	sc.block = (size_t)o->ci_iterations;
	sc.threads = 1;
	sc.seed = pci_mix64(o->seed ^ pci_mix64(0x63697369ULL << 32 | r));
	{
		pci_sim_trace tr = {rel, NULL, NULL, NULL, NULL, NULL, NULL};
		if (pci_sim_trace_run(&sc, &tr, NULL))
			goto out;
	}
	for (size_t i = 0; i < nd; i++)
		v[i] = pci_wi_share_le(rel, (size_t)o->ci_iterations, 1,
		                       (int32_t)pci_wi_offset(o->calendar, c->sc.k0,
		                                               o->deadlines[i]));
	keep_quantiles(rel, (size_t)o->ci_iterations, odds_grid(o->ci),
	               v + ODDS_P10(nd), v + ODDS_P90(nd), v + ODDS_Q0(nd));
	rc = 0;
out:
	cond_release(&cd);
	pci_engine_release(&e);
	free(rel);
	return rc;
}

/* A model of pm's structure learned from h, for a model that keeps no
 * data of its own (read from a file): its phases, predecessors and lags
 * as a template. */
static int learn_like(const pc_plan_model *pm, const pc_history *h,
                      const pc_calendar *cal, pc_plan_model **out, pc_error *err)
{
	pc_plan_template t;
	pc_plan_learn_options lo;
	size_t k = pm->nphases;
	int rc = PC_OK;

	memset(&t, 0, sizeof t);
	t.path = (char *)"(model)";
	t.rows = calloc(k, sizeof *t.rows);
	if (!t.rows)
		return oom(err);
	t.nrows = k;
	for (size_t j = 0; j < k && !rc; j++) {
		const pc_plan_node *n = pm->nodes + j;
		size_t len = 1;
		for (size_t q = 0; q < n->npreds; q++)
			len += strlen(pm->nodes[n->preds[q]].phase) + 1;
		t.rows[j].phase = n->phase;
		t.rows[j].lag = (int)lround(n->lag);
		t.rows[j].after = calloc(len, 1);
		if (!t.rows[j].after) {
			rc = oom(err);
			break;
		}
		for (size_t q = 0; q < n->npreds; q++) {
			if (q)
				strcat(t.rows[j].after, "|");
			strcat(t.rows[j].after, pm->nodes[n->preds[q]].phase);
		}
	}
	if (!rc) {
		pc_plan_learn_options_init(&lo);
		lo.calendar = cal;
		lo.tmpl = &t;
		rc = pc_plan_learn(h, &lo, out, err);
	}
	for (size_t j = 0; j < k; j++)
		free(t.rows[j].after);
	free(t.rows);
	return rc;
}

/* The 95% intervals of the deadlines' odds, from o->ci replicates; rel
 * holds the run's o->iterations releases (sorted in place here). */
static int bootstrap(const struct ctx *c, const pc_history *h, int32_t *rel,
                     pc_whatif *w, pc_error *err)
{
	const pc_whatif_options *o = c->o;
	size_t nd = o->ndeadlines, ng = odds_grid(o->ci), nvals = ODDS_NVALS(nd, ng);
	size_t nok = 0;
	double *vals = malloc((o->ci ? o->ci : 1) * nvals * sizeof *vals);
	double *accel = malloc(nvals * sizeof *accel);
	double *est = malloc(ng * sizeof *est);
	double levels[ODDS_GRID], p10, p90;
	pc_plan_model *src = NULL;
	const pc_plan_model *pm;
	int rc, studentize;
	size_t nproj;

	if (!vals || !accel || !est) {
		rc = oom(err);
		goto out;
	}
	if (!c->pm->priv && (rc = learn_like(c->pm, h, o->calendar, &src, err)))
		goto out;
	pm = src ? src : c->pm;
	/* below PCI_BOOT_T_MIN projects the odds stay BCa, as plan's dates
	 * stay BC there: t needs replicates with a spread to stand on */
	studentize = pm->nprojects >= PCI_BOOT_T_MIN;
	nproj = pm->nprojects;
	rc = pci_bootstrap(pm, o->seed, o->ci, c->sc.threads, nvals, boot_odds,
	                   (void *)c, o->progress, o->progress_ctx, vals, &nok,
	                   studentize ? NULL : accel, err);
	pc_plan_model_free(&src);
	if (rc)
		goto out;
	odds_levels(levels, ng);
	keep_quantiles(rel, (size_t)o->iterations, ng, &p10, &p90, est);
	for (size_t i = 0; !rc && i < nd; i++) {
		pc_whatif_deadline *d = w->deadlines + i;
		double day = (double)pci_wi_offset(o->calendar, c->sc.k0, d->deadline);
		int t = studentize ? pci_boot_odds_t(vals, o->ci, nvals, ODDS_Q0(nd),
		                                     levels, ng, ODDS_P10(nd),
		                                     ODDS_P90(nd), est, p90 - p10, nproj,
		                                     day, d->p, &d->ci[0], &d->ci[1]) : 1;
		/* BCa below PCI_BOOT_T_MIN; BC where t cannot be had */
		if (t < 0 || (t > 0 && pci_boot_interval_n(vals, o->ci, nvals, i, d->p,
		                                           studentize ? 0 : accel[i],
		                                           nproj, &d->ci[0], &d->ci[1])))
			rc = oom(err);
	}
	if (!rc) {
		w->has_ci = 1;
		w->ci_replicates = nok;
	}
out:
	free(vals);
	free(accel);
	free(est);
	return rc;
}

/* ---- the run */

/* A phase's start and finish percentiles over the iterations in which it
 * took place (buf: n scratch values), by the rule pc_plan_run uses, so
 * that an empty scenario gives the plan's dates. */
static void phase_dates(const pc_calendar *cal, long k0, const int32_t *st,
                        const int32_t *fin, const unsigned char *absent,
                        size_t n, size_t k, int32_t *buf, pc_whatif_phase *p)
{
	const int32_t *src[2] = {st, fin};
	pc_day *dst[2] = {p->start, p->finish};
	size_t m = 0;

	for (int s = 0; s < 2; s++) {
		m = 0;
		for (size_t i = 0; i < n; i++)
			if (!absent[i * k])
				buf[m++] = src[s][i * k];
		for (int q = 0; q < PC_PLAN_NPCT; q++)
			dst[s][q] = pc_calendar_day(cal, k0 + (m ? pci_wi_quantile(
			                buf, m, 1, pc_plan_pct[q]) : 0));
	}
	p->occurs = n ? (double)m / (double)n : 0;
}

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
	pci_sim_trace wo;
	int32_t *rel = NULL, *st = NULL, *fin = NULL, *rel2 = NULL;
	unsigned char *crit = NULL, *mis = NULL, *absent = NULL;
	uint64_t *capped = NULL;
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
	absent = malloc(n * k);
	dx = malloc(n * sizeof *dx);
	dy = malloc(n * sizeof *dy);
	capped = calloc(k, sizeof *capped);
	w = calloc(1, sizeof *w);
	if (!rel || !rel2 || !st || !fin || !crit || !mis || !absent || !dx || !dy || !capped || !w) {
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
	w->slot_every = o->slot_every;
	w->slot_notice = o->slot_notice;
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
	wo.absent = absent;
	wo.capped = capped;
	if (o->progress)
		o->progress(o->progress_ctx, "simulating", 0, 0);
	if ((rc = pci_sim_trace_run(&c.sc, &wo, err)))
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
	for (int q = 0; q < PC_PLAN_NPCT; q++)
		w->finish[q] = pc_calendar_day(o->calendar, c.sc.k0 +
		                               pci_wi_quantile(rel, n, 1, pc_plan_pct[q]));
	if ((rc = pci_check_days(w->finish, PC_PLAN_NPCT, "the release", err)) ||
	    (rc = pci_check_days(&w->earliest_deadline, 1, "the release", err)))
		goto fail;
	w->has_progress = c.progress;
	w->as_of = o->has_as_of ? o->as_of : pc_date_today();
	if (!c.progress) {
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
		p->skipped = c.present[j] == 0;
		p->fixed = c.done[j] != PCI_SIM_NONE;
		p->capped = (double)capped[j] / (double)n;
		p->running = c.started[j] != PCI_SIM_NONE;
		p->elapsed = p->running ? c.elapsed[j] : 0;
		p->extrapolated = p->running && pm->nodes[j].longest > 0 &&
		                  (double)p->elapsed > pm->nodes[j].longest;
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
		phase_dates(o->calendar, c.sc.k0, st + j, fin + j, absent + j, n, k,
		            rel2, p);
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
		if ((rc = bootstrap(&c, h, rel, w, err)))
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
	free(absent);
	free(dx);
	free(dy);
	free(capped);
	*out = w;
	return rc;
}
