/*
 * cmd_report.c - `precedent report`: the plan as one self-contained HTML
 * page with charts, or one chart as SVG; and report_emit, through which
 * plan and whatif write --format svg and ics.  All the drawing is in the
 * library (report.h); this file parses options and opens the output.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_SLOTS 16

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent report --start DATE [--deadline DATE] [--customer NAME]\n"
	"                        [--confidence P] [--slot PHASE=DATE|PHASE=best]...\n"
	"                        [--ci N] [--no-backtest] [--chart NAME]\n"
	"                        [--format html|svg|ics]\n"
	"                        [-o FILE] [options of plan]\n"
	"Write the suggested plan as one self-contained HTML page (inline CSS and\n"
	"SVG, nothing fetched, printable): the headline dates and odds, a Gantt\n"
	"chart, the finish-date curve, each phase's history against its fit, the\n"
	"drivers and checkpoints, the backtest's reliability and how to make the\n"
	"page again.\n"
	"\n"
	"Options:\n"
	"  --start DATE        first day of the release (YYYY-MM-DD); required\n"
	"  --deadline DATE     the release must be done by DATE: its odds with a\n"
	"                      95%% interval, the line on the charts, checkpoints\n"
	"                      for it (default: checkpoints for the P80 finish)\n"
	"  --customer NAME     who the plan is for (shown on the page)\n"
	"  --confidence P      level of the checkpoints and slots, 0 < P < 1\n"
	"                      (default 0.8); with --format ics the calendar's\n"
	"                      level, one of 0.1, 0.5, 0.8, 0.9\n"
	"  --slot PHASE=DATE   PHASE is booked for DATE (PHASE=best: find the best\n"
	"                      booking and its odds); repeatable\n"
	"  --ci N              bootstrap replicates of the past projects for the 95%%\n"
	"                      interval of the deadline's odds (default 200, 0: none)\n"
	"  --no-backtest       leave out the backtest (faster on long histories)\n"
	"  --chart NAME        write only this chart as SVG: gantt, curve, history,\n"
	"                      drivers or reliability\n"
	"  --format FMT        html (default), svg (the Gantt chart unless --chart)\n"
	"                      or ics (the milestones as an iCalendar file)\n"
	"  -o, --output FILE   write to FILE instead of standard output\n"
	"\n"
	"Options of plan:\n"
	"  --like KEY=VALUE    learn from projects whose attribute KEY equals VALUE;\n"
	"                      repeat to combine conditions\n"
	"  --min-class N       if the class holds fewer than N projects (default\n"
	"                      10), say so and use the whole history\n"
	"  --iterations N      simulated releases (default 100000); the page's\n"
	"                      dates, odds and curve all come from them\n"
	"  --seed N            random seed (default 1); the same seed gives the same\n"
	"                      page whatever the number of threads\n"
	"  --threads N         threads to use (default: all online CPUs)\n"
	"  --template FILE     the phase structure (CSV: phase,after,lag)\n"
	"  --model FILE        plan from a model file without the store (no phase\n"
	"                      histories, backtest or odds interval then)\n"
	"  --calendar KIND     all (default) or weekdays (Monday to Friday)\n"
	"  --holidays FILE     with --calendar weekdays: days off, one date a line\n"
	"  --independent       draw phase durations independently\n"
	"  --half-life H       recent projects count more (H projects, Nd days,\n"
	"                      none or auto), as for plan; the backtest too\n"
	"  --drift             adjust past durations for the releases' trend\n"
	"  -h, --help          show this help\n");
}

/* argv as one shell command line, single-quoting what needs it. */
static void append_word(char *buf, size_t n, const char *w)
{
	size_t off = strlen(buf);
	int plain = *w != 0;

	for (const char *c = w; *c; c++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		            "0123456789-_=.,/:@+%", *c))
			plain = 0;
	if (off && off + 1 < n)
		buf[off++] = ' ';
	if (plain) {
		snprintf(buf + off, n - off, "%s", w);
		return;
	}
	if (off + 1 < n)
		buf[off++] = '\'';
	for (const char *c = w; *c && off + 5 < n; c++) {
		if (*c == '\'') {
			memcpy(buf + off, "'\\''", 4);
			off += 4;
		} else {
			buf[off++] = *c;
		}
	}
	if (off + 1 < n)
		buf[off++] = '\'';
	buf[off < n ? off : n - 1] = 0;
}

int report_emit(const struct cli *cli, const struct report_req *q)
{
	pc_report_options ro;
	pc_report *r = NULL;
	pc_error err;
	FILE *out = stdout;
	int rc = 0;

	pc_error_clear(&err);
	pc_report_options_init(&ro);
	ro.customer = q->customer;
	ro.confidence = q->confidence;
	ro.has_deadline = q->has_deadline;
	ro.deadline = q->deadline;
	/* a chart or a calendar shows no backtest: do not spend time on it */
	ro.backtest = q->backtest && (q->fmt == FMT_HTML || (q->fmt == FMT_SVG &&
	                              q->chart == PC_CHART_RELIABILITY));
	ro.store = q->pa->model_path ? q->pa->model_path : cli->db_path;
	ro.reference = q->pa->class.name;
	ro.command = q->command;
	ro.version = PACKAGE_VERSION;
	ro.options = q->options;
	ro.trends = q->pa->trends; /* plan_args_load tested them */
	if (pc_report_build(q->pa->pm, q->pa->h, q->po, q->wo, &ro, &r, &err))
		return cli_fail(cli, &err);
	if (q->output && !(out = fopen(q->output, "w"))) {
		pc_error_set(&err, PC_EIO, NULL, 0, "'%s': cannot open for writing: %s",
		             q->output, strerror(errno));
		rc = cli_fail(cli, &err);
		goto done;
	}
	if (q->fmt == FMT_ICS) {
		const char *sde = getenv("SOURCE_DATE_EPOCH");
		unsigned long long t;
		/* reproducible builds' convention pins the stamp for tests */
		time_t stamp = sde && !cli_parse_uint(sde, 0, 253402300799ULL, &t)
		               ? (time_t)t : time(NULL);
		if (pc_report_ics(r, stamp, out, &err))
			rc = cli_fail(cli, &err);
	} else if (q->fmt == FMT_SVG) {
		if (pc_report_svg(r, q->chart, out, &err))
			rc = cli_fail(cli, &err);
	} else if (pc_report_html(r, out, &err)) {
		rc = cli_fail(cli, &err);
	}
	if (out != stdout && fclose(out) != 0 && !rc) {
		pc_error_set(&err, PC_EIO, NULL, 0, "'%s': cannot write: %s",
		             q->output, strerror(errno));
		rc = cli_fail(cli, &err);
	}
done:
	pc_report_free(&r);
	return rc;
}

int cmd_report(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_START = PLAN_OPT_END, OPT_DEADLINE, OPT_CUSTOMER, OPT_CONFIDENCE,
		OPT_SLOT, OPT_NO_BACKTEST, OPT_CHART, OPT_FORMAT, OPT_CI
	};
	static const struct option opts[] = {
		{"start", required_argument, NULL, OPT_START},
		{"deadline", required_argument, NULL, OPT_DEADLINE},
		{"customer", required_argument, NULL, OPT_CUSTOMER},
		{"confidence", required_argument, NULL, OPT_CONFIDENCE},
		{"slot", required_argument, NULL, OPT_SLOT},
		{"no-backtest", no_argument, NULL, OPT_NO_BACKTEST},
		{"ci", required_argument, NULL, OPT_CI},
		{"chart", required_argument, NULL, OPT_CHART},
		{"format", required_argument, NULL, OPT_FORMAT},
		{"output", required_argument, NULL, 'o'},
		{"help", no_argument, NULL, 'h'},
		PLAN_ARGS_OPTIONS,
		{NULL, 0, NULL, 0}
	};
	pc_whatif_change slots[MAX_SLOTS];
	struct report_req q;
	struct plan_args pa;
	pc_plan_options po;
	pc_whatif_options wo;
	int have_start = 0, have_chart = 0, c, rc;
	char command[4096] = "", options[1024] = "";
	pc_day deadline_buf;
	unsigned long long ci = 200;

	memset(&q, 0, sizeof q);
	q.confidence = 0.8;
	q.backtest = 1;
	q.fmt = FMT_HTML;
	q.chart = PC_CHART_GANTT;
	pc_plan_options_init(&po);
	pc_whatif_options_init(&wo);
	plan_args_init(&pa, &po.iterations, 2000000ULL, 0, &po.seed, &po.threads,
	               &po.independent);
	/* The command line that makes the page again, taken before getopt
	 * permutes argv and --slot splits its value; without the output. */
	append_word(command, sizeof command, "precedent");
	append_word(command, sizeof command, "--db");
	append_word(command, sizeof command, cli->db_path);
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
			i++;
			continue;
		}
		if (!strncmp(argv[i], "-o", 2) || !strncmp(argv[i], "--output=", 9))
			continue;
		append_word(command, sizeof command, argv[i]);
	}
	while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (c) {
		case OPT_START: /* --start */
			if ((rc = cli_parse_date(cli, "--start", optarg, &po.start)))
				return rc;
			have_start = 1;
			break;
		case OPT_DEADLINE: /* --deadline */
			if ((rc = cli_parse_date(cli, "--deadline", optarg, &q.deadline)))
				return rc;
			q.has_deadline = 1;
			break;
		case OPT_CUSTOMER: /* --customer */
			q.customer = optarg;
			break;
		case OPT_CONFIDENCE: /* --confidence */
			if ((rc = cli_parse_confidence(cli, optarg, &q.confidence)))
				return rc;
			break;
		case OPT_SLOT: /* --slot */
			if (wo.nchanges == MAX_SLOTS)
				return cli_usage(cli, "--slot: at most %d slots", MAX_SLOTS);
			if ((rc = cli_parse_slot(cli, optarg, slots + wo.nchanges)))
				return rc;
			wo.nchanges++;
			break;
		case OPT_CI: /* --ci */
			if ((rc = cli_parse_count(cli, "--ci", optarg, 0, 100000, &ci)))
				return rc;
			break;
		case OPT_NO_BACKTEST: /* --no-backtest */
			q.backtest = 0;
			break;
		case OPT_CHART: /* --chart */
			if ((c = pc_report_chart_find(optarg)) < 0)
				return cli_usage(cli, "--chart: unknown chart '%s' (expected "
				                 "gantt|curve|history|drivers|reliability)",
				                 optarg);
			q.chart = (pc_report_chart)c;
			have_chart = 1;
			break;
		case OPT_FORMAT: /* --format */
			if (cli_parse_format(cli, optarg, 1u << FMT_HTML | 1u << FMT_SVG |
			                     1u << FMT_ICS, &q.fmt))
				return EXIT_USAGE;
			break;
		case 'o': /* --output */
			q.output = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default: /* the options of plan, or getopt_long's '?' */
			if ((rc = plan_args_option(cli, &pa, c, optarg)))
				return rc;
			break;
		}
	}
	if (optind < argc)
		return cli_usage(cli, "unexpected argument '%s'", argv[optind]);
	if (!have_start)
		return cli_usage(cli, "--start DATE is required");
	if (have_chart && q.fmt == FMT_HTML)
		q.fmt = FMT_SVG;
	if (have_chart && q.fmt == FMT_ICS)
		return cli_usage(cli, "--chart draws a chart; it cannot be used with "
		                 "--format ics");
	if ((rc = plan_args_check(cli, &pa)))
		return rc;
	if (pa.template_path)
		snprintf(options, sizeof options, "template %s", pa.template_path);
	if (pa.holidays)
		snprintf(options + strlen(options), sizeof options - strlen(options),
		         "%sholidays %s", options[0] ? "; " : "", pa.holidays);
	if ((rc = plan_args_load(cli, &pa, 1)))
		goto done;
	wo.start = po.start;
	wo.seed = po.seed;
	wo.threads = po.threads;
	wo.independent = po.independent;
	wo.calendar = pa.cal;
	wo.confidence = q.confidence;
	wo.changes = slots;
	wo.ci = pa.h && q.has_deadline ? (size_t)ci : 0;
	wo.iterations = po.iterations;
	if (q.has_deadline) {
		deadline_buf = q.deadline;
		wo.deadlines = &deadline_buf;
		wo.ndeadlines = 1;
	}
	po.calendar = pa.cal;
	q.pa = &pa;
	q.po = &po;
	q.wo = &wo;
	q.command = command;
	q.options = options;
	rc = report_emit(cli, &q);
done:
	plan_args_release(&pa);
	return rc;
}
