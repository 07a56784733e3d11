/*
 * cmd_history.c - `precedent history [--format table|csv|json]`: what the
 * store holds, or the store written back out as canonical CSV.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent history [--attributes] [--format table|csv|json]\n"
	"                         [--safe-csv]\n"
	"Summarise the store: customers, projects, ongoing phases, the dates\n"
	"covered, and per phase the number of observations, how many are still\n"
	"running (censored), and the median and P80 duration in days of the\n"
	"finished ones (empirical, linear interpolation as R's type 7).\n"
	"\n"
	"Options:\n"
	"  --attributes   list each project attribute (an extra column of the\n"
	"                 import) with its values and how many projects have each:\n"
	"                 the reference classes there are to choose from ('history\n"
	"                 attributes' does the same)\n"
	"  --format FMT   table (default), json, or csv: the whole store as\n"
	"                 canonical CSV (customer,project,phase,start,end,status,\n"
	"                 then the attributes), which 'precedent import' reads back\n"
	"                 byte for byte\n"
	"  --safe-csv     with --format csv: put ' before a cell starting with\n"
	"                 = + - @ so that a spreadsheet does not run it as a\n"
	"                 formula (the output then no longer imports back exactly)\n"
	"  -h, --help     show this help\n"
	"\n"
	"The table shows control characters in names as \\xHH; json and csv keep\n"
	"the names exactly.\n");
}

struct phase_stats {
	size_t n, censored, nfin;
	double median, p80; /* NAN without finished phases */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Quantile p of sorted x[0..n-1] by linear interpolation (R type 7). */
static double quantile7(const double *x, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return x[n - 1];
	return x[lo] + (h - (double)lo) * (x[lo + 1] - x[lo]);
}

/* Per-phase counts and quantiles in one pass over the observations and
 * one sort per phase: the durations are grouped by phase with a counting
 * sort (start[k] is where phase k's begin), as a store can hold as many
 * phases as rows. */
static int stats(const pc_history *h, struct phase_stats *ps)
{
	double *d = malloc((h->nobs ? h->nobs : 1) * sizeof *d);
	size_t *start = calloc(h->nphases + 1, sizeof *start);

	if (!d || !start) {
		free(d);
		free(start);
		return -1;
	}
	memset(ps, 0, h->nphases * sizeof *ps);
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *o = &h->obs[i];

		ps[o->phase].n++;
		if (o->ongoing)
			ps[o->phase].censored++;
		else
			start[o->phase + 1]++;
	}
	for (size_t k = 0; k < h->nphases; k++)
		start[k + 1] += start[k];
	for (size_t i = 0; i < h->nobs; i++) {
		const pc_obs *o = &h->obs[i];

		if (!o->ongoing)
			d[start[o->phase] + ps[o->phase].nfin++] = pc_obs_days(o);
	}
	for (size_t k = 0; k < h->nphases; k++) {
		struct phase_stats *s = &ps[k];
		double *x = d + start[k];

		if (s->nfin > 1)
			qsort(x, s->nfin, sizeof *x, cmp_double);
		s->median = s->nfin ? quantile7(x, s->nfin, 0.5) : NAN;
		s->p80 = s->nfin ? quantile7(x, s->nfin, 0.8) : NAN;
	}
	free(d);
	free(start);
	return 0;
}

struct totals {
	size_t customers, ongoing;
	pc_day first, last;
};

static void totals(const pc_history *h, struct totals *t)
{
	memset(t, 0, sizeof *t);
	t->first = PC_DAY_MAX;
	t->last = PC_DAY_MIN;
	for (size_t i = 0; i < h->nprojects; i++) {
		const pc_project *p = &h->projects[i];

		if (i == 0 || strcmp(p->customer, h->projects[i - 1].customer) != 0)
			t->customers++;
		if (p->start < t->first)
			t->first = p->start;
		if (p->end > t->last)
			t->last = p->end;
	}
	for (size_t i = 0; i < h->nobs; i++)
		t->ongoing += h->obs[i].ongoing != 0;
}

static void print_table(const pc_history *h, const struct phase_stats *ps)
{
	char a[PC_DATE_BUF], b[PC_DATE_BUF];
	struct totals t;
	int w = 5;

	totals(h, &t);
	printf("customers  %zu\n", t.customers);
	printf("projects   %zu\n", h->nprojects);
	printf("phases     %zu (%zu ongoing)\n", h->nobs, t.ongoing);
	printf("dates      %s to %s\n", pc_date_format(t.first, a),
	       pc_date_format(t.last, b));
	printf("\nDurations in days.  Median and P80 are empirical, of finished "
	       "phases only;\nongoing phases count in n and censored.\n\n");
	for (size_t k = 0; k < h->nphases; k++)
		if (cli_text_width(h->phases[k]) > w)
			w = cli_text_width(h->phases[k]);
	printf("%-*s  %6s  %8s  %7s  %7s\n", w, "phase", "n", "censored",
	       "median", "p80");
	for (size_t k = 0; k < h->nphases; k++) {
		printf("%s  %6zu  %8zu", cli_text_pad(h->phases[k], w), ps[k].n,
		       ps[k].censored);
		if (ps[k].nfin)
			printf("  %7.1f  %7.1f\n", ps[k].median, ps[k].p80);
		else
			printf("  %7s  %7s\n", "-", "-");
	}
}

static int print_json(const struct cli *cli, const pc_history *h,
                      const struct phase_stats *ps)
{
	char a[PC_DATE_BUF], b[PC_DATE_BUF];
	json_t *root, *phases;
	struct totals t;

	totals(h, &t);
	phases = json_array();
	for (size_t k = 0; k < h->nphases; k++)
		json_array_append_new(phases, json_pack("{s:s, s:I, s:I, s:o, s:o}",
			"phase", h->phases[k],
			"n", (json_int_t)ps[k].n,
			"censored", (json_int_t)ps[k].censored,
			"median", ps[k].nfin ? json_real(ps[k].median) : json_null(),
			"p80", ps[k].nfin ? json_real(ps[k].p80) : json_null()));
	root = json_pack("{s:I, s:I, s:I, s:I, s:s, s:s, s:s, s:o}",
		"customers", (json_int_t)t.customers,
		"projects", (json_int_t)h->nprojects,
		"phases", (json_int_t)h->nobs,
		"ongoing", (json_int_t)t.ongoing,
		"first_start", pc_date_format(t.first, a),
		"last_end", pc_date_format(t.last, b),
		"durations", "days; median and p80 are empirical, of finished phases only",
		"by_phase", phases);
	return cli_print_json(cli, root, JSON_REAL_PRECISION(10));
}

/* `history --attributes`: each attribute's values and project counts. */
static int print_attributes(const struct cli *cli, pc_store *st,
                            enum cli_format fmt)
{
	pc_attr_count *v = NULL;
	size_t n = 0;
	pc_error err;
	int rc = 0, wk = 9, wv = 5;

	pc_error_clear(&err);
	if (pc_history_attributes(st, &v, &n, &err))
		return cli_fail(cli, &err);
	if (fmt == FMT_JSON) {
		json_t *root = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(root, json_pack("{s:s, s:s, s:I}",
				"attribute", v[i].key, "value", v[i].value,
				"projects", (json_int_t)v[i].projects));
		rc = cli_print_json(cli, root, 0);
	} else if (fmt == FMT_CSV) {
		printf("attribute,value,projects\n");
		for (size_t i = 0; i < n; i++) {
			cli_csv_cell(cli, v[i].key);
			putchar(',');
			cli_csv_cell(cli, v[i].value);
			printf(",%zu\n", v[i].projects);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			if (cli_text_width(v[i].key) > wk)
				wk = cli_text_width(v[i].key);
			if (cli_text_width(v[i].value) > wv)
				wv = cli_text_width(v[i].value);
		}
		printf("%-*s  %-*s  %8s\n", wk, "attribute", wv, "value", "projects");
		for (size_t i = 0; i < n; i++) {
			printf("%s  %s  %8zu\n", cli_text_pad(i && strcmp(v[i].key,
			       v[i - 1].key) == 0 ? "" : v[i].key, wk),
			       cli_text_pad(v[i].value, wv), v[i].projects);
		}
		if (!n)
			printf("(no attributes: the import had no columns beyond "
			       "customer, project, phase, start, end, duration and status)\n");
	}
	pc_attr_counts_free(&v, n);
	return rc;
}

int cmd_history(struct cli *cli, int argc, char **argv)
{
	enum { OPT_FORMAT = CHAR_MAX + 1, OPT_SAFE_CSV, OPT_ATTRIBUTES };
	static const struct option opts[] = {
		{"format", required_argument, NULL, OPT_FORMAT},
		{"safe-csv", no_argument, NULL, OPT_SAFE_CSV},
		{"attributes", no_argument, NULL, OPT_ATTRIBUTES},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	enum cli_format fmt = FMT_TABLE;
	struct phase_stats *ps = NULL;
	pc_history *h = NULL;
	pc_store *st = NULL;
	pc_error err;
	int c, rc, attributes = 0;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ATTRIBUTES: /* --attributes */
			attributes = 1;
			break;
		case OPT_FORMAT: /* --format */
			if ((rc = cli_parse_format(cli, optarg,
			                           1u << FMT_TABLE | 1u << FMT_CSV | 1u << FMT_JSON,
			                           &fmt)))
				return rc;
			break;
		case OPT_SAFE_CSV: /* --safe-csv */
			cli->safe_csv = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'precedent history --help'.\n");
			return EXIT_USAGE;
		}
	}
	/* `history attributes`, as people say it. */
	if (optind < argc && strcmp(argv[optind], "attributes") == 0) {
		attributes = 1;
		optind++;
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_open_store(cli, 0, &st)))
		return rc;
	if (attributes) {
		rc = print_attributes(cli, st, fmt);
		pc_store_close(&st);
		return rc;
	}
	pc_error_clear(&err);
	if (fmt == FMT_CSV) {
		/* Even an empty store exports (a header), so it round-trips. */
		if (pc_history_write_csv_flags(st, stdout,
		                               cli->safe_csv ? PC_CSV_SAFE : 0, &err))
		{
			rc = cli_fail(cli, &err);
			/* Said once, here, where the cause is known: main()
			 * would say it again on closing stdout. */
			if (err.status == PC_EIO && ferror(stdout)) {
				__fpurge(stdout);
				clearerr(stdout);
			}
		}
		goto out;
	}
	if (pc_history_load(st, NULL, 0, 0, &h, &err)) {
		rc = cli_fail(cli, &err);
		goto out;
	}
	ps = calloc(h->nphases ? h->nphases : 1, sizeof *ps);
	if (!ps || stats(h, ps)) {
		pc_error_set(&err, PC_ENOMEM, NULL, 0, "out of memory");
		rc = cli_fail(cli, &err);
	} else if (fmt == FMT_JSON) {
		rc = print_json(cli, h, ps);
	} else {
		print_table(h, ps);
	}
out:
	free(ps);
	pc_history_free(&h);
	pc_store_close(&st);
	return rc;
}
