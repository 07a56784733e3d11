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

static const struct {
	const char *family;
	double p[2];
	int after;   /* index, -1: the project start */
	int lag;
	int jitter;  /* lag + uniform integer in [-jitter, jitter] */
} truth[SYNTH_NPHASES] = {
	{"lognormal", {2.5, 0.5}, -1, 0, 0},
	{"weibull", {1.8, 20.0}, 0, -3, 0},
	{"gamma", {3.0, 5.0}, 0, 0, 0},
	{"lognormal", {3.0, 0.4}, 2, 1, 1},
	{"gamma", {2.0, 3.0}, 3, 0, 0},
};

/* Draw one project: start and finish offsets (days from its start). */
static void draw_project(const gsl_rng *r, double rho, long *st, long *fin)
{
	double common = gsl_ran_gaussian(r, 1.0);

	for (int j = 0; j < SYNTH_NPHASES; j++) {
		const pc_family *f = pc_family_find(truth[j].family);
		double z = sqrt(rho) * common + sqrt(1 - rho) * gsl_ran_gaussian(r, 1.0);
		double u = gsl_cdf_ugaussian_P(z);
		double x = f->quantile(u < 1e-300 ? 1e-300 : u > 1 - 1e-16 ? 1 - 1e-16 : u,
		                       truth[j].p);
		long d = (long)ceil(x);
		long lag = truth[j].lag;

		if (truth[j].jitter)
			lag += (long)gsl_rng_uniform_int(r, 2 * (unsigned long)truth[j].jitter + 1) -
			       truth[j].jitter;
		if (d < 1)
			d = 1;
		st[j] = truth[j].after < 0 ? lag : fin[truth[j].after] + 1 + lag;
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
	struct row *rows = malloc(c->nprojects * SYNTH_NPHASES * sizeof *rows);
	pc_day asof = pc_date_from_ymd(2026, 11, 1);
	size_t n = 0, p = 0, ong = 0;

	gsl_rng_set(r, (unsigned long)c->seed);
	for (size_t i = 0; i < c->nprojects; i++) {
		long st[SYNTH_NPHASES], fin[SYNTH_NPHASES];
		/* Without censoring every project lies well before the export. */
		pc_day s = asof - (c->ongoing ? 1 : 1000) -
		           (pc_day)gsl_rng_uniform_int(r, c->ongoing ? 300 : 2000);
		int running = 0;
		size_t first = n;

		draw_project(r, c->rho, st, fin);
		for (int j = 0; j < SYNTH_NPHASES; j++) {
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
		if (n - first < SYNTH_NPHASES)
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
	h->nphases = SYNTH_NPHASES;
	h->phases = calloc(SYNTH_NPHASES, sizeof *h->phases);
	h->nprojects = np;
	h->projects = calloc(np ? np : 1, sizeof *h->projects);
	h->nobs = n;
	h->obs = calloc(n ? n : 1, sizeof *h->obs);
	h->class_size = np;
	for (int j = 0; j < SYNTH_NPHASES; j++)
		h->phases[j] = strdup(synth_phase_names[j]);
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

int synth_write_csv(const struct synth_config *c, FILE *f)
{
	struct row *rows;
	size_t np, n = generate(c, &rows, &np, NULL);
	char a[PC_DATE_BUF], b[PC_DATE_BUF];

	qsort(rows, n, sizeof *rows, cmp_row);
	fprintf(f, "customer,project,phase,start,end,status,tier\n");
	for (size_t k = 0; k < n; k++)
		fprintf(f, "customer %zu,release,%s,%s,%s,%s,%s\n", rows[k].project + 1,
		        synth_phase_names[rows[k].phase], pc_date_format(rows[k].start, a),
		        rows[k].ongoing ? "" : pc_date_format(rows[k].end, b),
		        rows[k].ongoing ? "ongoing" : "done",
		        rows[k].project % 4 == 0 ? "enterprise" : "smb");
	free(rows);
	return ferror(f) ? -1 : 0;
}

void synth_truth(const struct synth_config *c, uint64_t iterations,
                 const double *p, size_t n, long *out)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	size_t cap = 4096;
	uint64_t *count = calloc(cap, sizeof *count);

	gsl_rng_set(r, 20261127UL);
	for (uint64_t it = 0; it < iterations; it++) {
		long st[SYNTH_NPHASES], fin[SYNTH_NPHASES], rel = 0;
		draw_project(r, c->rho, st, fin);
		for (int j = 0; j < SYNTH_NPHASES; j++)
			if (fin[j] > rel)
				rel = fin[j];
		if ((size_t)rel >= cap)
			rel = (long)cap - 1;
		count[rel]++;
	}
	for (size_t q = 0; q < n; q++) {
		uint64_t cum = 0;
		out[q] = (long)cap - 1;
		for (size_t d = 0; d < cap; d++) {
			cum += count[d];
			if ((double)cum >= p[q] * (double)iterations - 1e-9 * (double)iterations) {
				out[q] = (long)d;
				break;
			}
		}
	}
	free(count);
	gsl_rng_free(r);
}
