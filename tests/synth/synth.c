/* synth.c - see synth.h. */
#include <config.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include <precedent/date.h>
#include <precedent/dist.h>

#include "synth.h"

const char *const synth_phase_names[SYNTH_NPHASES] = {
	"design", "build_ui", "build", "test", "launch"
};

static const struct synth_design five = {
	SYNTH_NPHASES,
	{
		{"design", "lognormal", {2.5, 0.5}, 0, {0}, 0, 0, 0},
		{"build_ui", "weibull", {1.8, 20.0}, 1, {0}, -3, 0, 0},
		{"build", "gamma", {3.0, 5.0}, 1, {0}, 0, 0, 0},
		{"test", "lognormal", {3.0, 0.4}, 1, {2}, 1, 1, 0},
		{"launch", "gamma", {2.0, 3.0}, 1, {3}, 0, 0, 0},
	},
	0
};

/* The duration scale of the project the truth is of (synth.h: growth). */
static double truth_scale(const struct synth_config *c)
{
	return c->growth != 0 ? pow(1 + c->growth, (double)c->nprojects) : 1;
}

static const struct synth_design *design_of(const struct synth_config *c)
{
	return c->design ? c->design : &five;
}

/* Draw one project: start and finish offsets (days from its start), the
 * recorded whole days, and which phases took place; an absent phase
 * passes on its predecessors' finish. */
static void draw_project(const gsl_rng *r, const struct synth_design *g, double rho,
                         double scale, long *st, long *fin, long *dd, int *present)
{
	double common = gsl_ran_gaussian(r, 1.0);

	for (int j = 0; j < g->k; j++) {
		const struct synth_phase *ph = g->ph + j;
		const pc_family *f = pc_family_find(ph->family);
		double z = sqrt(rho) * common + sqrt(1 - rho) * gsl_ran_gaussian(r, 1.0);
		double u = gsl_cdf_ugaussian_P(z);
		double x = scale * f->quantile(u < 1e-300 ? 1e-300 : u > 1 - 1e-16 ? 1 - 1e-16 : u,
		                               ph->p);
		long d = g->round ? lround(x) : (long)ceil(x);
		long lag = ph->lag, base = -1;

		if (ph->jitter)
			lag += (long)gsl_rng_uniform_int(r, 2 * (unsigned long)ph->jitter + 1) -
			       ph->jitter;
		present[j] = !(ph->occurs > 0 && ph->occurs < 1) ||
		             gsl_rng_uniform(r) < ph->occurs;
		if (d < 1)
			d = 1;
		dd[j] = d;
		for (int q = 0; q < ph->npreds; q++)
			if (q == 0 || fin[ph->preds[q]] > base)
				base = fin[ph->preds[q]];
		if (!present[j]) {
			fin[j] = base;
			st[j] = base + 1;
			continue;
		}
		st[j] = ph->npreds ? base + 1 + lag : lag;
		if (st[j] < 0)
			st[j] = 0;
		fin[j] = st[j] + d - 1;
	}
}

struct row {
	size_t project;
	int phase;
	pc_day start, end;
	int ongoing;
};

/* Generate the rows of the history; returns the count, rows in *out. */
static size_t generate(const struct synth_config *c, struct row **out,
                       size_t *nproj, size_t *nongoing)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const struct synth_design *g = design_of(c);
	struct row *rows = malloc((c->nprojects ? c->nprojects : 1) * SYNTH_MAXPH * sizeof *rows);
	pc_day asof = pc_date_from_ymd(2026, 11, 1);
	size_t n = 0, p = 0, ong = 0;

	gsl_rng_set(r, (unsigned long)c->seed);
	for (size_t i = 0; i < c->nprojects; i++) {
		long st[SYNTH_MAXPH], fin[SYNTH_MAXPH], dd[SYNTH_MAXPH];
		int present[SYNTH_MAXPH], want = 0;
		/* Without censoring every project lies well before the export. */
		pc_day s = asof - (c->ongoing ? 1 : 1000) -
		           (pc_day)gsl_rng_uniform_int(r, c->ongoing ? (c->spread ? (unsigned long)c->spread : 300) : 2000);
		int running = 0;
		size_t first = n;

		if (c->growth != 0)
			s = asof - 1000 - (pc_day)(c->nprojects - 1 - i) * (c->gap ? c->gap : 30);
		draw_project(r, g, c->rho, c->growth != 0 ? pow(1 + c->growth, (double)i) : 1,
		             st, fin, dd, present);
		for (int j = 0; j < g->k; j++) {
			if (!present[j])
				continue;
			want++;
			if (s + st[j] > asof)
				continue; /* not started by the export date */
			rows[n].project = p;
			rows[n].phase = j;
			rows[n].start = s + (pc_day)st[j];
			rows[n].end = s + (pc_day)fin[j];
			rows[n].ongoing = 0;
			if (rows[n].end > asof) {
				rows[n].end = asof;
				rows[n].ongoing = 1;
			}
			running |= rows[n].ongoing;
			n++;
		}
		if ((int)(n - first) < want)
			running = 1;
		ong += running;
		if (running && c->drop_ongoing) {
			n = first;
			continue;
		}
		p++;
	}
	gsl_rng_free(r);
	*out = rows;
	*nproj = p;
	if (nongoing)
		*nongoing = ong;
	return n;
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	if (x->project != y->project)
		return x->project < y->project ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->phase - y->phase;
}

int synth_history(const struct synth_config *c, pc_history **out,
                  size_t *nongoing)
{
	struct row *rows;
	size_t np, n = generate(c, &rows, &np, nongoing);
	pc_history *h = calloc(1, sizeof *h);
	char buf[64];

	if (!h)
		return -1;
	qsort(rows, n, sizeof *rows, cmp_row);
	h->nphases = (size_t)design_of(c)->k;
	h->phases = calloc(h->nphases, sizeof *h->phases);
	h->nprojects = np;
	h->projects = calloc(np ? np : 1, sizeof *h->projects);
	h->nobs = n;
	h->obs = calloc(n ? n : 1, sizeof *h->obs);
	h->class_size = np;
	for (size_t j = 0; j < h->nphases; j++)
		h->phases[j] = strdup(design_of(c)->ph[j].name);
	for (size_t i = 0; i < np; i++) {
		snprintf(buf, sizeof buf, "customer %zu", i + 1);
		h->projects[i].customer = strdup(buf);
		h->projects[i].name = strdup("release");
		h->projects[i].start = PC_DAY_MAX;
		h->projects[i].end = PC_DAY_MIN;
	}
	for (size_t k = 0; k < n; k++) {
		pc_project *pr = h->projects + rows[k].project;
		h->obs[k].project = rows[k].project;
		h->obs[k].phase = (size_t)rows[k].phase;
		h->obs[k].start = rows[k].start;
		h->obs[k].end = rows[k].end;
		h->obs[k].ongoing = rows[k].ongoing;
		if (rows[k].start < pr->start)
			pr->start = rows[k].start;
		if (rows[k].end > pr->end)
			pr->end = rows[k].end;
		pr->ongoing |= rows[k].ongoing;
	}
	free(rows);
	*out = h;
	return 0;
}

void synth_plans(const pc_history *h, int informative, uint64_t seed,
                 pc_day *out)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	gsl_rng_set(r, (unsigned long)(seed * 7919 + 17));
	for (size_t i = 0; i < h->nprojects; i++) {
		const pc_project *p = h->projects + i;
		double a = p->ongoing ? 70 : (double)(p->end - p->start + 1), d;
		d = informative ? a * exp(-0.2 + 0.1 * gsl_ran_ugaussian(r))
		                : 20 + 180 * gsl_rng_uniform(r);
		out[i] = p->start + (pc_day)(d < 1 ? 1 : lround(d)) - 1;
	}
	gsl_rng_free(r);
}

int synth_write_csv(const struct synth_config *c, FILE *f)
{
	return synth_write_csv_plans(c, 0, f);
}

int synth_write_csv_plans(const struct synth_config *c, int plans, FILE *f)
{
	struct row *rows;
	size_t np, n = generate(c, &rows, &np, NULL);
	char a[PC_DATE_BUF], b[PC_DATE_BUF], e[PC_DATE_BUF], g[PC_DATE_BUF];
	pc_history *h = NULL;
	pc_day *plan = NULL, *last = NULL;

	qsort(rows, n, sizeof *rows, cmp_row);
	if (plans) {
		if (synth_history(c, &h, NULL) || !(plan = malloc(np * sizeof *plan)) ||
		    !(last = malloc(np * sizeof *last))) {
			free(plan);
			free(rows);
			pc_history_free(&h);
			return -1;
		}
		synth_plans(h, 1, c->seed, plan);
		for (size_t i = 0; i < np; i++)
			last[i] = h->projects[i].start;
		for (size_t k = 0; k < n; k++)
			if (rows[k].start > last[rows[k].project])
				last[rows[k].project] = rows[k].start;
	}
	fprintf(f, "customer,project,phase,start,end,status,tier%s\n",
	        plans ? ",planned_end,plan_as_of" : "");
	for (size_t k = 0; k < n; k++) {
		size_t i = rows[k].project;
		fprintf(f, "customer %zu,release,%s,%s,%s,%s,%s", i + 1,
		        design_of(c)->ph[rows[k].phase].name, pc_date_format(rows[k].start, a),
		        rows[k].ongoing ? "" : pc_date_format(rows[k].end, b),
		        rows[k].ongoing ? "ongoing" : "done",
		        i % 4 == 0 ? "enterprise" : "smb");
		if (plans)
			fprintf(f, ",%s,%s", pc_date_format(plan[i], e),
			        pc_date_format(plans == 1 ? h->projects[i].start - 7 : last[i], g));
		fputc('\n', f);
	}
	free(rows);
	free(plan);
	free(last);
	pc_history_free(&h);
	return ferror(f) ? -1 : 0;
}

void synth_truth_if(const struct synth_config *c, uint64_t iterations,
                    synth_accept_fn accept,
                    long (*value)(void *ctx, int k, const long *st,
                                  const long *fin, const long *d),
                    void *ctx, const double *p, size_t n, long *out,
                    double *kept)
{
	const struct synth_design *g = design_of(c);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t cap = 8192;
	uint64_t *count = calloc(cap, sizeof *count), m = 0;

	gsl_rng_set(r, 20261127UL);
	for (uint64_t it = 0; it < iterations; it++) {
		long st[SYNTH_MAXPH], fin[SYNTH_MAXPH], dd[SYNTH_MAXPH], rel = 0;
		int present[SYNTH_MAXPH];
		draw_project(r, g, c->rho, truth_scale(c), st, fin, dd, present);
		if (accept && !accept(ctx, g->k, st, fin, dd, present))
			continue;
		m++;
		if (value) {
			rel = value(ctx, g->k, st, fin, dd);
		} else {
			for (int j = 0; j < g->k; j++)
				if (present[j] && fin[j] > rel)
					rel = fin[j];
		}
		if (rel < 0)
			rel = 0;
		if ((size_t)rel >= cap)
			rel = (long)cap - 1;
		count[rel]++;
	}
	for (size_t q = 0; q < n; q++) {
		uint64_t cum = 0;
		out[q] = (long)cap - 1;
		for (size_t d = 0; d < cap; d++) {
			cum += count[d];
			if ((double)cum >= p[q] * (double)m - 1e-9 * (double)m) {
				out[q] = (long)d;
				break;
			}
		}
	}
	if (kept)
		*kept = (double)m / (double)iterations;
	free(count);
	gsl_rng_free(r);
}

void synth_truth(const struct synth_config *c, uint64_t iterations,
                 const double *p, size_t n, long *out)
{
	synth_truth_if(c, iterations, NULL, NULL, NULL, p, n, out, NULL);
}

double synth_share_by(const struct synth_config *c, uint64_t iterations, long day)
{
	const struct synth_design *g = design_of(c);
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint64_t m = 0;

	gsl_rng_set(r, 20261127UL);
	for (uint64_t it = 0; it < iterations; it++) {
		long st[SYNTH_MAXPH], fin[SYNTH_MAXPH], dd[SYNTH_MAXPH], rel = 0;
		int present[SYNTH_MAXPH];
		draw_project(r, g, c->rho, truth_scale(c), st, fin, dd, present);
		for (int j = 0; j < g->k; j++)
			if (present[j] && fin[j] > rel)
				rel = fin[j];
		m += rel <= day;
	}
	gsl_rng_free(r);
	return (double)m / (double)iterations;
}
