/*
 * cmd_fitdist.c - `precedent fitdist [OPTIONS] [FILE|-]`: fit duration
 * distributions to one column of numbers, a general-purpose tool that
 * needs no store.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent fitdist [OPTIONS] [FILE|-]\n"
	"Fit duration distributions by maximum likelihood to one column of\n"
	"numbers: a CSV file with a header, or one number per line (no header).\n"
	"Reads standard input without FILE or with '-'.  Running (right-censored)\n"
	"values count as 'at least this long'.  Values that never vary (every\n"
	"finished one the same, running ones shorter) are fitted as a constant.\n"
	"\n"
	"Options:\n"
	"  --family LIST        all (default) or a comma-separated list of\n"
	"                       exponential,gamma,weibull,lognormal,loglogistic,normal\n"
	"  --column NAME        the CSV column to fit (default: the first)\n"
	"  --censor-column NAME a 0/1 column, 1 meaning still running (censored)\n"
	"  --decimal-comma      numbers are written 12,5 and fields separated by ';'\n"
	"  --criterion C        aicc (default), aic or bic: how the best is chosen\n"
	"  --format FMT         table (default), json or csv\n"
	"  --gof-bootstrap N    goodness-of-fit p-values from N parametric bootstrap\n"
	"                       refits (default 0: statistics only; 200-1000 is\n"
	"                       typical).  Classical KS/AD tables are wrong when the\n"
	"                       parameters were estimated from the same data\n"
	"  --bootstrap N        95%% intervals from N nonparametric bootstrap\n"
	"                       resamples (percentiles) instead of the delta method\n"
	"  --seed N             seed of the bootstrap generator (default 1)\n"
	"  --whole-days         the values are whole days, each the rounding of a\n"
	"                       continuous duration (1 covering everything below\n"
	"                       1.5): fit the interval likelihood of the days\n"
	"                       (values must be whole numbers >= 1, running >= 0)\n"
	"  -h, --help           show this help\n"
	"\n"
	"Uncensored data get Kolmogorov-Smirnov (ks), Anderson-Darling (ad) and\n"
	"Cramer-von Mises (cvm) statistics; censored data get km, the largest\n"
	"distance between the fitted CDF and the Kaplan-Meier estimate.\n");
}

/* ------------------------------------------------------------ output */

static json_t *jpair(double a, double b)
{
	return json_pack("[o,o]", cli_json_num(a), cli_json_num(b));
}

static json_t *fit_json(const pc_fit *f)
{
	const pc_family *fam = f->family;
	json_t *o = json_object(), *params, *se, *ci;

	json_object_set_new(o, "family", json_string(fam->name));
	if (f->status) {
		json_object_set_new(o, "error", json_string(f->error));
		return o;
	}
	params = json_object();
	se = json_object();
	ci = json_object();
	for (int i = 0; i < fam->nparams; i++) {
		json_object_set_new(params, fam->param_names[i], cli_json_num(f->params[i]));
		json_object_set_new(se, fam->param_names[i], cli_json_num(f->se[i]));
		json_object_set_new(ci, fam->param_names[i], jpair(f->ci_lo[i], f->ci_hi[i]));
	}
	json_object_set_new(o, "params", params);
	json_object_set_new(o, "loglik", cli_json_num(f->loglik));
	json_object_set_new(o, "aic", cli_json_num(f->aic));
	json_object_set_new(o, "aicc", cli_json_num(f->aicc));
	json_object_set_new(o, "bic", cli_json_num(f->bic));
	json_object_set_new(o, "weight", cli_json_num(f->weight));
	if (f->censored) {
		json_object_set_new(o, "km", json_pack("{s:o}", "statistic",
		                                        cli_json_num(f->km_distance)));
	} else {
		json_object_set_new(o, "ks", json_pack("{s:o,s:o}", "statistic", cli_json_num(f->ks),
		                                        "p_value", cli_json_num(f->ks_p)));
		json_object_set_new(o, "ad", json_pack("{s:o,s:o}", "statistic", cli_json_num(f->ad),
		                                        "p_value", cli_json_num(f->ad_p)));
		json_object_set_new(o, "cvm", json_pack("{s:o,s:o}", "statistic", cli_json_num(f->cvm),
		                                         "p_value", cli_json_num(f->cvm_p)));
	}
	json_object_set_new(o, "ci95", ci);
	json_object_set_new(o, "se", se);
	json_object_set_new(o, "median", json_pack("{s:o,s:o}", "estimate", cli_json_num(f->median),
	                                            "ci95", jpair(f->median_lo, f->median_hi)));
	json_object_set_new(o, "p80", json_pack("{s:o,s:o}", "estimate", cli_json_num(f->p80),
	                                         "ci95", jpair(f->p80_lo, f->p80_hi)));
	json_object_set_new(o, "iterations", json_integer(f->iterations));
	return o;
}

static double crit_of(const pc_fit *f, pc_criterion c)
{
	return c == PC_CRIT_AIC ? f->aic : c == PC_CRIT_BIC ? f->bic : f->aicc;
}

/* Order for people: fitted families by the criterion, best first, then
 * the ones that failed in table order. */
static void rank(const pc_fit_set *s, int *order)
{
	int n = (int)s->nfits;

	for (int i = 0; i < n; i++)
		order[i] = i;
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0; j--) {
			const pc_fit *a = &s->fits[order[j - 1]], *b = &s->fits[order[j]];
			double va = a->status ? INFINITY : crit_of(a, s->criterion);
			double vb = b->status ? INFINITY : crit_of(b, s->criterion);
			if (a->status && !b->status)
				va = INFINITY, vb = -INFINITY;
			if (!(vb < va))
				break;
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

static const char *crit_label(pc_criterion c)
{
	return c == PC_CRIT_AIC ? "AIC" : c == PC_CRIT_BIC ? "BIC" : "AICc";
}

static void fmt_num(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%.4g", v);
}

static void print_table(const pc_fit_set *s, pc_criterion asked)
{
	int order[PC_MAX_FAMILIES];
	char params[96], lo[16], hi[16], m[16], gof[16], gofp[16];

	printf("n %zu, censored %zu\n\n", s->n, s->censored);
	printf("%-12s %-32s %11s %10s %6s %7s %5s  %-24s %s\n", "family",
	       "parameters", "loglik", crit_label(s->criterion), "weight",
	       s->censored ? "km" : "ks", s->censored ? "" : "p", "median [95% CI]",
	       "p80 [95% CI]");
	rank(s, order);
	for (size_t k = 0; k < s->nfits; k++) {
		const pc_fit *f = &s->fits[order[k]];
		char med[64], p80[64];
		size_t len = 0;

		if (f->status) {
			printf("%-12s error: %s\n", f->family->name, f->error);
			continue;
		}
		params[0] = '\0';
		for (int i = 0; i < f->family->nparams; i++)
			len += (size_t)snprintf(params + len, sizeof params - len, "%s%s=%.4g",
			                        i ? " " : "", f->family->param_names[i],
			                        f->params[i]);
		fmt_num(m, sizeof m, f->median);
		fmt_num(lo, sizeof lo, f->median_lo);
		fmt_num(hi, sizeof hi, f->median_hi);
		snprintf(med, sizeof med, "%s [%s, %s]", m, lo, hi);
		fmt_num(m, sizeof m, f->p80);
		fmt_num(lo, sizeof lo, f->p80_lo);
		fmt_num(hi, sizeof hi, f->p80_hi);
		snprintf(p80, sizeof p80, "%s [%s, %s]", m, lo, hi);
		fmt_num(gof, sizeof gof, f->censored ? f->km_distance : f->ks);
		if (f->censored)
			gofp[0] = '\0';
		else
			fmt_num(gofp, sizeof gofp, f->ks_p);
		printf("%-12s %-32s %11.3f %10.3f %6.3f %7s %5s  %-24s %s\n",
		       f->family->name, params, f->loglik, crit_of(f, s->criterion),
		       f->weight, gof, gofp, med, p80);
	}
	if (s->best >= 0 && s->nfits == 1 && pc_family_find("constant") ==
	                                     s->fits[0].family) {
		printf("\nchosen: constant, as every finished value is the same\n");
	} else if (s->best >= 0) {
		printf("\nchosen: %s, lowest %s", s->fits[s->best].family->name,
		       crit_label(s->criterion));
		if (s->criterion != asked)
			printf(" (%s is undefined for n = %zu)", crit_label(asked), s->n);
		printf("\n");
	}
}

static void print_csv(const pc_fit_set *s)
{
	printf("family,param1,value1,param2,value2,se1,se2,loglik,aic,aicc,bic,weight,"
	       "ks,ks_p,ad,ad_p,cvm,cvm_p,km,median,median_lo,median_hi,p80,p80_lo,p80_hi,"
	       "error\n");
	for (size_t k = 0; k < s->nfits; k++) {
		const pc_fit *f = &s->fits[k];
		const double v[] = {f->loglik, f->aic, f->aicc, f->bic, f->weight, f->ks,
		                    f->ks_p, f->ad, f->ad_p, f->cvm, f->cvm_p,
		                    f->km_distance, f->median, f->median_lo,
		                    f->median_hi, f->p80, f->p80_lo, f->p80_hi};

		printf("%s", f->family->name);
		for (int i = 0; i < 2; i++) {
			if (i < f->family->nparams && !f->status)
				printf(",%s,%.15g", f->family->param_names[i], f->params[i]);
			else
				printf(",,");
		}
		for (int i = 0; i < 2; i++)
			if (i < f->family->nparams && isfinite(f->se[i]))
				printf(",%.15g", f->se[i]);
			else
				printf(",");
		for (size_t i = 0; i < sizeof v / sizeof *v; i++)
			if (isfinite(v[i]) && !f->status)
				printf(",%.15g", v[i]);
			else
				printf(",");
		/* messages hold no double quotes; quote for commas */
		printf(",%s%s%s\n", f->status ? "\"" : "", f->status ? f->error : "",
		       f->status ? "\"" : "");
	}
}

static int print_json(const struct cli *cli, const pc_fit_set *s)
{
	json_t *root = json_object(), *fits = json_array();
	int order[PC_MAX_FAMILIES];

	rank(s, order);
	json_object_set_new(root, "n", json_integer((json_int_t)s->n));
	json_object_set_new(root, "censored", json_integer((json_int_t)s->censored));
	json_object_set_new(root, "criterion", json_string(pc_criterion_name(s->criterion)));
	for (size_t k = 0; k < s->nfits; k++)
		json_array_append_new(fits, fit_json(&s->fits[order[k]]));
	json_object_set_new(root, "fits", fits);
	json_object_set_new(root, "best", s->best >= 0
	                    ? json_string(s->fits[s->best].family->name) : json_null());
	return cli_print_json(cli, root, JSON_REAL_PRECISION(15));
}

/* ------------------------------------------------------------ command */

/* The input, read whole (a column of durations is small), made ready for
 * pc_durations_read: with decimal_comma, "12,5" becomes 12.5 and ';'
 * separates fields, as European spreadsheets write; and a row with more
 * fields than the header names (or than one, in a bare list of numbers)
 * is an error, since reading "12,5" as 12 would lose data without a
 * word.  Returns a stream over *buf (the caller frees both), or NULL with
 * *err set. */
static FILE *prepare(FILE *in, const char *file, int decimal_comma,
                     char **buf, pc_error *err)
{
	size_t len = 0, cap = 0, fields = 1, max_fields = (size_t)-1;
	long line = 1, rec_line = 1;
	int quoted = 0;
	char *b = NULL;

	for (;;) {
		size_t got;

		if (len == cap) {
			char *nb = realloc(b, cap = cap ? 2 * cap : 65536);

			if (!nb) {
				free(b);
				pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
				return NULL;
			}
			b = nb;
		}
		if (!(got = fread(b + len, 1, cap - len, in)))
			break;
		len += got;
	}
	if (ferror(in)) {
		free(b);
		pc_error_set(err, PC_EIO, file, 0, "read error: %s", strerror(errno));
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		char *c = &b[i];

		if (*c == '"')
			quoted = !quoted;
		else if (decimal_comma && *c == ',' && (!quoted ||
		         (i > 0 && i + 1 < len && isdigit((unsigned char)c[-1]) &&
		          isdigit((unsigned char)c[1]))))
			*c = '.';
		else if (decimal_comma && *c == ';' && !quoted)
			*c = ',';
		if (*c == ',' && !quoted && ++fields > max_fields) {
extra:
			free(b);
			pc_error_set(err, PC_EDATA, file, rec_line, "more than %zu "
			             "field%s in a row%s", max_fields, max_fields == 1 ? "" : "s",
			             decimal_comma ? "" : " (decimal commas such as "
			             "12,5 need --decimal-comma)");
			return NULL;
		}
		if (*c == '\n') {
			line++;
			if (!quoted) {
				if (max_fields == (size_t)-1) {
					char *end, *f = b + (b[0] == '\xef' ? 3 : 0);

					/* A number first: a bare list, one per row. */
					strtod(f, &end);
					max_fields = end > f && (*end == ',' || *end == '\n' ||
					             *end == '\r') ? 1 : fields;
					if (fields > max_fields)
						goto extra;
				}
				fields = 1;
				rec_line = line;
			}
		}
	}
	*buf = b;
	if (!(in = fmemopen(b ? b : (char *)"", len, "r"))) {
		free(b);
		*buf = NULL;
		pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	return in;
}

int cmd_fitdist(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_FAMILY = CHAR_MAX + 1, OPT_COLUMN, OPT_CENSOR, OPT_CRITERION,
		OPT_FORMAT, OPT_GOFBOOT, OPT_BOOT, OPT_SEED, OPT_WHOLE, OPT_DECIMAL_COMMA
	};
	static const struct option opts[] = {
		{"family", required_argument, NULL, OPT_FAMILY},
		{"column", required_argument, NULL, OPT_COLUMN},
		{"censor-column", required_argument, NULL, OPT_CENSOR},
		{"criterion", required_argument, NULL, OPT_CRITERION},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"gof-bootstrap", required_argument, NULL, OPT_GOFBOOT},
		{"bootstrap", required_argument, NULL, OPT_BOOT},
		{"seed", required_argument, NULL, OPT_SEED},
		{"whole-days", no_argument, NULL, OPT_WHOLE},
		{"decimal-comma", no_argument, NULL, OPT_DECIMAL_COMMA},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	const char *column = NULL, *ccolumn = NULL, *file = "-";
	double *x = NULL;
	unsigned char *cens = NULL;
	size_t n = 0;
	enum cli_format fmt = FMT_TABLE;
	pc_fit_options o;
	pc_fit_set set;
	pc_error err;
	unsigned long long v;
	FILE *in = stdin;
	char *inbuf = NULL;
	int c, rc, out = 0, decimal_comma = 0;

	pc_fit_options_init(&o);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_FAMILY: /* --family */
			if ((rc = cli_parse_families(cli, optarg, &o.families)))
				return rc;
			break;
		case OPT_COLUMN: /* --column */
			column = optarg;
			break;
		case OPT_CENSOR: /* --censor-column */
			ccolumn = optarg;
			break;
		case OPT_DECIMAL_COMMA: /* --decimal-comma */
			decimal_comma = 1;
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
		case OPT_GOFBOOT: /* --gof-bootstrap */
			if ((rc = cli_parse_count(cli, "--gof-bootstrap", optarg, 0, 1000000, &v)))
				return rc;
			o.gof_bootstrap = (unsigned)v;
			break;
		case OPT_BOOT: /* --bootstrap */
			if ((rc = cli_parse_count(cli, "--bootstrap", optarg, 0, 1000000, &v)))
				return rc;
			o.bootstrap = (unsigned)v;
			break;
		case OPT_SEED: /* --seed */
			if ((rc = cli_parse_count(cli, "--seed", optarg, 0, ULONG_MAX, &v)))
				return rc;
			o.seed = (unsigned long)v;
			break;
		case OPT_WHOLE: /* --whole-days */
			o.whole_days = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'precedent fitdist --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (argc - optind > 1)
		return cli_usage(cli, "too many arguments (expected one FILE)");
	if (optind < argc)
		file = argv[optind];
	if (strcmp(file, "-") == 0) {
		in = stdin;
		file = "<stdin>";
	} else if (!(in = fopen(file, "r"))) {
		pc_error_set(&err, PC_EIO, NULL, 0, "cannot open '%s': %s", file,
		             strerror(errno));
		return cli_fail(cli, &err);
	}
	{
		FILE *mem = prepare(in, file, decimal_comma, &inbuf, &err);

		if (in != stdin)
			fclose(in);
		if (!mem)
			return cli_fail(cli, &err);
		rc = pc_durations_read(mem, file, column, ccolumn, &x, &cens, &n, &err);
		fclose(mem);
		free(inbuf);
	}
	if (rc)
		return cli_fail(cli, &err);
	rc = pc_fit_all(x, cens, n, &o, &set, &err);
	if (rc == PC_ENOMEM || (rc && set.nfits == 0)) {
		free(x);
		free(cens);
		return cli_fail(cli, &err);
	}
	if (fmt == FMT_JSON)
		out = print_json(cli, &set);
	else if (fmt == FMT_CSV)
		print_csv(&set);
	else
		print_table(&set, o.criterion);
	free(x);
	free(cens);
	if (rc) {
		snprintf(err.file, sizeof err.file, "%s", file);
		return cli_fail(cli, &err);
	}
	return out;
}
