/*
 * cmd_fit.c - `precedent fit`: fit every phase of the history in the
 * store, show the result, and save it as a model.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"

/* Below this many observations a phase's fit is flagged: with fewer than
 * ten durations two-parameter families are barely distinguishable. */
#define FEW 10

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent fit [--like KEY=VALUE]... [--min-class N] [--family LIST]\n"
	"                     [--criterion C] [--format table|json|csv] [--safe-csv]\n"
	"Fit a duration distribution to every phase in the store, finished and\n"
	"still-running phases together (a running phase counts as 'at least this\n"
	"long'), choose the best family per phase, and save the result as a model\n"
	"('precedent model export' writes it out as CSV).\n"
	"\n"
	"Options:\n"
	"  --like KEY=VALUE  use only projects whose attribute KEY equals VALUE\n"
	"                    (the reference class); repeat to combine conditions\n"
	"  --min-class N     if the class holds fewer than N projects (default 10),\n"
	"                    say so and use the whole history\n"
	"  --family LIST     all (default) or a comma-separated list of\n"
	"                    exponential,gamma,weibull,lognormal,loglogistic,normal\n"
	"  --criterion C     aicc (default), aic or bic\n"
	"  --format FMT      table (default), json or csv\n"
	"  --safe-csv        with --format csv: put ' before a name starting with\n"
	"                    = + - @ so that a spreadsheet does not run it\n"
	"  -h, --help        show this help\n"
	"\n"
	"Median and P80 are in days with 95%% delta-method intervals; 'fit' is the\n"
	"Kolmogorov-Smirnov distance (ks) or, with running phases, the distance to\n"
	"the Kaplan-Meier estimate (km); 'weight' is the chosen family's Akaike\n"
	"weight.  Phases with fewer than %d observations are flagged.\n", FEW);
}

static const pc_fit *chosen(const pc_fit_set *s)
{
	return s->best >= 0 ? &s->fits[s->best] : NULL;
}

static const char *first_error(const pc_fit_set *s)
{
	for (size_t i = 0; i < s->nfits; i++)
		if (s->fits[i].status)
			return s->fits[i].error;
	return "no family could be fitted";
}

static void print_table(const pc_history *h, const pc_fit_set *sets)
{
	size_t w = 5;

	for (size_t k = 0; k < h->nphases; k++)
		if ((size_t)cli_text_width(h->phases[k]) > w)
			w = (size_t)cli_text_width(h->phases[k]);
	printf("%-*s %5s %4s  %-12s %-24s %-24s %-10s %6s\n", (int)w, "phase", "n",
	       "cens", "family", "median [95% CI]", "p80 [95% CI]", "fit", "weight");
	for (size_t k = 0; k < h->nphases; k++) {
		const pc_fit_set *s = &sets[k];
		const pc_fit *f = chosen(s);
		char med[64], p80[64], gof[32];

		if (!f) {
			printf("%s %5zu %4zu  error: %s\n", cli_text_pad(h->phases[k], (int)w),
			       s->n, s->censored, cli_text(first_error(s)));
			continue;
		}
		snprintf(med, sizeof med, "%.1f [%.1f, %.1f]", f->median, f->median_lo,
		         f->median_hi);
		snprintf(p80, sizeof p80, "%.1f [%.1f, %.1f]", f->p80, f->p80_lo,
		         f->p80_hi);
		if (f->censored)
			snprintf(gof, sizeof gof, "km %.3f", f->km_distance);
		else
			snprintf(gof, sizeof gof, "ks %.3f", f->ks);
		printf("%s %5zu %4zu  %-12s %-24s %-24s %-10s %6.2f%s\n",
		       cli_text_pad(h->phases[k], (int)w), s->n, s->censored, f->family->name, med, p80, gof,
		       f->weight, s->n < FEW ? "  few data" : "");
	}
}

static void print_csv(const struct cli *cli, const pc_history *h,
                      const pc_fit_set *sets)
{
	printf("phase,n,censored,family,param1,value1,param2,value2,median,median_lo,"
	       "median_hi,p80,p80_lo,p80_hi,gof,gof_value,weight,warning,error\n");
	for (size_t k = 0; k < h->nphases; k++) {
		const pc_fit_set *s = &sets[k];
		const pc_fit *f = chosen(s);

		cli_csv_cell(cli, h->phases[k]);
		printf(",%zu,%zu", s->n, s->censored);
		if (!f) {
			printf(",,,,,,,,,,,,,,,");
			cli_csv_cell(cli, first_error(s));
			putchar('\n');
			continue;
		}
		printf(",%s", f->family->name);
		for (int i = 0; i < 2; i++)
			if (i < f->family->nparams)
				printf(",%s,%.10g", f->family->param_names[i], f->params[i]);
			else
				printf(",,");
		printf(",%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%s,%.10g,%.10g,%s,\n",
		       f->median, f->median_lo, f->median_hi, f->p80, f->p80_lo,
		       f->p80_hi, f->censored ? "km" : "ks",
		       f->censored ? f->km_distance : f->ks, f->weight,
		       s->n < FEW ? "few data" : "");
	}
}

static int print_json(const struct cli *cli, const pc_history *h,
                      const pc_fit_set *sets, const pc_model *m,
                      const char *reference)
{
	json_t *root = json_object(), *phases = json_array();

	json_object_set_new(root, "model_id", json_integer(m->id));
	json_object_set_new(root, "criterion", json_string(m->criterion));
	json_object_set_new(root, "reference", json_string(reference));
	json_object_set_new(root, "class_fallback", json_boolean(h->class_fallback));
	json_object_set_new(root, "n_projects", json_integer((json_int_t)h->nprojects));
	for (size_t k = 0; k < h->nphases; k++) {
		const pc_fit_set *s = &sets[k];
		const pc_fit *f = chosen(s);
		json_t *o = json_object();

		json_object_set_new(o, "phase", json_string(h->phases[k]));
		json_object_set_new(o, "n", json_integer((json_int_t)s->n));
		json_object_set_new(o, "censored", json_integer((json_int_t)s->censored));
		if (!f) {
			json_object_set_new(o, "error", json_string(first_error(s)));
		} else {
			json_t *params = json_object();
			for (int i = 0; i < f->family->nparams; i++)
				json_object_set_new(params, f->family->param_names[i],
				                    cli_json_num(f->params[i]));
			json_object_set_new(o, "family", json_string(f->family->name));
			json_object_set_new(o, "params", params);
			json_object_set_new(o, "loglik", cli_json_num(f->loglik));
			json_object_set_new(o, "weight", cli_json_num(f->weight));
			json_object_set_new(o, "median", json_pack("{s:o,s:[o,o]}",
				"estimate", cli_json_num(f->median), "ci95", cli_json_num(f->median_lo),
				cli_json_num(f->median_hi)));
			json_object_set_new(o, "p80", json_pack("{s:o,s:[o,o]}",
				"estimate", cli_json_num(f->p80), "ci95", cli_json_num(f->p80_lo),
				cli_json_num(f->p80_hi)));
			json_object_set_new(o, f->censored ? "km" : "ks",
			                    cli_json_num(f->censored ? f->km_distance : f->ks));
		}
		if (s->n < FEW)
			json_object_set_new(o, "warning", json_string("few data"));
		json_array_append_new(phases, o);
	}
	json_object_set_new(root, "phases", phases);
	return cli_print_json(cli, root, JSON_REAL_PRECISION(15));
}

int cmd_fit(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_LIKE = CHAR_MAX + 1, OPT_MINCLASS, OPT_FAMILY, OPT_CRITERION,
		OPT_FORMAT, OPT_SAFE_CSV
	};
	static const struct option opts[] = {
		{"like", required_argument, NULL, OPT_LIKE},
		{"min-class", required_argument, NULL, OPT_MINCLASS},
		{"family", required_argument, NULL, OPT_FAMILY},
		{"criterion", required_argument, NULL, OPT_CRITERION},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"safe-csv", no_argument, NULL, OPT_SAFE_CSV},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	struct cli_class k;
	enum cli_format fmt = FMT_TABLE;
	pc_fit_options o;
	pc_store *st = NULL;
	pc_history *h = NULL;
	pc_model *m = NULL;
	pc_fit_set *sets = NULL;
	pc_error err;
	unsigned long long v;
	int c, rc = 0;

	pc_fit_options_init(&o);
	/* durations in the store are whole days (store.h) */
	o.whole_days = 1;
	cli_class_init(&k);
	pc_error_clear(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_LIKE: /* --like */
			if ((rc = cli_parse_like(cli, optarg, &k)))
				return rc;
			break;
		case OPT_MINCLASS: /* --min-class */
			if ((rc = cli_parse_count(cli, "--min-class", optarg, 0, 1000000, &v)))
				return rc;
			k.min_class = (size_t)v;
			break;
		case OPT_FAMILY: /* --family */
			if ((rc = cli_parse_families(cli, optarg, &o.families)))
				return rc;
			break;
		case OPT_CRITERION: /* --criterion */
			if ((rc = cli_parse_criterion(cli, optarg, &o.criterion)))
				return rc;
			break;
		case OPT_FORMAT: /* --format */
			if (cli_parse_format(cli, optarg,
			                     1u << FMT_TABLE | 1u << FMT_CSV | 1u << FMT_JSON, &fmt))
				return EXIT_USAGE;
			break;
		case OPT_SAFE_CSV: /* --safe-csv */
			cli->safe_csv = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'precedent fit --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if ((rc = cli_open_store(cli, CLI_STORE_WRITE, &st)) ||
	    (rc = cli_load_history(cli, st, &k, &h)) ||
	    (rc = cli_warn_trends(cli, h, NULL, 0, NULL)))
		goto done;
	if (k.nlike && h->class_fallback)
		snprintf(k.name + strlen(k.name), sizeof k.name - strlen(k.name),
		         " (fallback: whole history)");
	sets = calloc(h->nphases ? h->nphases : 1, sizeof *sets);
	if (!sets) {
		pc_error_set(&err, PC_ENOMEM, NULL, 0, "out of memory");
		goto fail;
	}
	cli_progress_begin(cli, 0, NULL);
	o.progress = cli_progress;
	if (pc_model_fit(h, &o, k.name, &m, sets, &err))
		goto fail;
	cli_progress_end();
	if (pc_model_save(st, m, NULL, &err))
		goto fail;
	if (fmt == FMT_JSON)
		rc = print_json(cli, h, sets, m, k.name);
	else if (fmt == FMT_CSV)
		print_csv(cli, h, sets);
	else {
		print_table(h, sets);
		printf("\n%zu projects%s%s, families chosen by %s; saved as model %lld\n",
		       h->nprojects, k.name[0] ? ", class " : "", k.name,
		       m->criterion, m->id);
	}
	goto done;
fail:
	rc = cli_fail(cli, &err);
done:
	free(sets);
	pc_model_free(&m);
	pc_history_free(&h);
	pc_store_close(&st);
	return rc;
}
