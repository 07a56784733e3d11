/*
 * main.c - `precedent [--db PATH] [--wait SECONDS] [-q] COMMAND [OPTIONS]`: global options,
 * the table of commands, and the checks every command shares.  main()
 * itself is in precedent.c, so that the fuzz_cli harness can run the
 * whole tool as a function.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static const struct command {
	const char *name;
	int (*fn)(struct cli *, int, char **);
	const char *summary;
} commands[] = {
	{"import", cmd_import, "import past release plans from CSV into the store"},
	{"history", cmd_history, "summarise the store, or write it back out as CSV"},
	{"fitdist", cmd_fitdist, "fit duration distributions to a column of numbers"},
	{"fit", cmd_fit, "fit every phase in the store and save the model"},
	{"model", cmd_model, "write the fitted model as CSV (model export)"},
	{"plan", cmd_plan, "propose a release plan with P10-P90 dates from the history"},
	{"whatif", cmd_whatif, "odds of a deadline, checkpoints, drivers and scenarios"},
	{"backtest", cmd_backtest, "forecast past projects from their start and score the forecasts"},
	{"report", cmd_report, "write the plan as an HTML page with charts, an SVG chart or a calendar"},
	{NULL, NULL, NULL}
};

static void usage(FILE *out)
{
	fprintf(out,
	        "Usage: precedent [--db PATH] [--wait SECONDS] [-q] COMMAND [OPTIONS]\n"
	        "Propose a release plan, with honest ranges, from past ones.\n"
	        "\n"
	        "Commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "  %-10s %s\n", c->name, c->summary);
	fprintf(out,
	        "\n"
	        "Options:\n"
	        "  --db PATH       the history store (default: $PRECEDENT_DB, else\n"
	        "                  ./precedent.db)\n"
	        "  --wait SECONDS  how long to wait for another process writing to the\n"
	        "                  store before giving up (default: until it is done)\n"
	        "  -q, --quiet     no progress, summary or warnings on stderr\n"
	        "  -h, --help      show this help, or a command's with COMMAND --help\n"
	        "  -V, --version   show the version\n"
	        "\n"
	        "'precedent help [COMMAND]' and 'precedent version' do the same as\n"
	        "--help and --version.\n"
	        "\n"
	        "Exit status: 0 success, 1 bad data or failure, 2 bad usage.\n");
}

/* The prefix "precedent: CMD: " of every message. */
static void prefix(const struct cli *cli)
{
	cli_progress_clear(); /* a message starts on a line of its own */
	fprintf(stderr, "precedent: %s%s", cli->cmd ? cli->cmd : "",
	        cli->cmd ? ": " : "");
}

/* A message on stderr with users' text in it made safe (cli_text): a
 * name in an error must not drive the terminal either. */
static void put_message(const char *fmt, va_list ap)
{
	char small[1024], *buf = small;
	va_list copy;
	int n;

	va_copy(copy, ap);
	n = vsnprintf(small, sizeof small, fmt, copy);
	va_end(copy);
	if (n >= (int)sizeof small && (buf = malloc((size_t)n + 1)))
		vsnprintf(buf, (size_t)n + 1, fmt, ap);
	fputs(cli_text(buf ? buf : small), stderr);
	if (buf != small)
		free(buf);
}

int cli_fail(const struct cli *cli, const pc_error *err)
{
	char buf[PC_ERROR_MSG_MAX + PC_ERROR_FILE_MAX + 32];

	prefix(cli);
	fprintf(stderr, "%s\n", cli_text(pc_error_format(err, buf, sizeof buf)));
	return err->status == PC_EUSAGE ? EXIT_USAGE : EXIT_DATA;
}

int cli_usage(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	prefix(cli);
	va_start(ap, fmt);
	put_message(fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'precedent %s%s--help'.\n",
	        cli->cmd ? cli->cmd : "", cli->cmd ? " " : "");
	return EXIT_USAGE;
}

void cli_warn(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->quiet)
		return;
	prefix(cli);
	fputs("warning: ", stderr);
	va_start(ap, fmt);
	put_message(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void cli_note(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	if (cli->quiet)
		return;
	prefix(cli);
	va_start(ap, fmt);
	put_message(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Say once why the command is not moving: a large import holds the
 * store's write lock until it commits. */
static void waiting(const char *path, void *ctx)
{
	const struct cli *cli = ctx;

	if (!cli->quiet)
		fprintf(stderr, "precedent: %s: waiting for another process writing "
		        "to %s\n", cli->cmd ? cli->cmd : "", cli_text(path));
}

int cli_open_store(const struct cli *cli, int mode, pc_store **out)
{
	pc_store_options o = {mode == CLI_STORE_CREATE ? PC_STORE_CREATE
	                      : mode == CLI_STORE_WRITE ? 0 : PC_STORE_READONLY,
	                      cli->wait, waiting, (void *)cli};
	pc_error err;

	pc_error_clear(&err);
	if (pc_store_open_with(cli->db_path, &o, out, &err))
		return cli_fail(cli, &err);
	return 0;
}

int cli_parse_date(const struct cli *cli, const char *option,
                   const char *value, pc_day *out)
{
	if (pc_date_parse(value, out) == 0)
		return 0;
	return cli_usage(cli, "%s: '%s' is not a date (expected YYYY-MM-DD)",
	                 option, value);
}

int cli_parse_uint(const char *value, unsigned long long min,
                   unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would skip spaces and take a sign, wrapping "-1" around */
	if (*value < '0' || *value > '9')
		return -1;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (*end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_int(const char *value, long min, long max, long *out)
{
	const char *digits = value + (*value == '-' || *value == '+');
	long v;
	char *end;

	/* strtol would skip spaces */
	if (*digits < '0' || *digits > '9')
		return -1;
	errno = 0;
	v = strtol(value, &end, 10);
	if (*end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int cli_parse_real(const char *value, double *out)
{
	const char *p = value + (*value == '-' || *value == '+');
	double v;
	char *end;

	/* strtod would also skip spaces and take "inf", "nan" and hex */
	if (!((*p >= '0' && *p <= '9') || (*p == '.' && p[1] >= '0' && p[1] <= '9')) ||
	    p[strspn(p, "0123456789.eE+-")] != '\0')
		return -1;
	errno = 0;
	v = strtod(value, &end);
	if (*end || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int cli_parse_count(const struct cli *cli, const char *option,
                    const char *value, unsigned long long min,
                    unsigned long long max, unsigned long long *out)
{
	if (cli_parse_uint(value, min, max, out) == 0)
		return 0;
	return cli_usage(cli, "%s: '%s' is not a whole number from %llu to %llu",
	                 option, value, min, max);
}

int cli_parse_families(const struct cli *cli, const char *value, unsigned *mask)
{
	pc_error err;

	pc_error_clear(&err);
	if (pc_family_mask_parse(value, mask, &err))
		return cli_usage(cli, "--family: %s", err.msg);
	return 0;
}

int cli_parse_criterion(const struct cli *cli, const char *value,
                        pc_criterion *out)
{
	if (pc_criterion_parse(value, out) == 0)
		return 0;
	return cli_usage(cli, "--criterion: unknown criterion '%s' (expected "
	                 "aicc|aic|bic)", value);
}

char *cli_split_eq(char *s)
{
	char *eq = strchr(s, '=');

	if (!eq || eq == s)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

void cli_class_init(struct cli_class *k)
{
	memset(k, 0, sizeof *k);
	k->min_class = 10;
}

int cli_parse_like(const struct cli *cli, char *value, struct cli_class *k)
{
	size_t len = strlen(k->name);
	pc_like c;

	if (pc_like_parse(value, &c))
		return cli_usage(cli, "--like: '%s' is not KEY=VALUE (or KEY!=, <, "
		                 "<=, >, >= VALUE)", value);
	if (k->nlike == CLI_MAX_LIKE)
		return cli_usage(cli, "--like: at most %d conditions", CLI_MAX_LIKE);
	k->like[k->nlike] = c;
	snprintf(k->name + len, sizeof k->name - len, "%s%s%s%s",
	         k->nlike ? "," : "", c.key, pc_like_op_name(c.op), c.value);
	k->nlike++;
	return 0;
}

int cli_load_history(const struct cli *cli, pc_store *st,
                     const struct cli_class *k, pc_history **out)
{
	const pc_history *h;
	pc_error err;

	pc_error_clear(&err);
	if (pc_history_load(st, k->like, k->nlike, k->min_class, out, &err))
		return cli_fail(cli, &err);
	h = *out;
	if (k->nlike && h->class_fallback)
		cli_warn(cli, "the class %s holds %zu project%s, fewer than --min-class "
		         "%zu: using the whole history (%zu projects)", k->name,
		         h->class_size, h->class_size == 1 ? "" : "s", k->min_class,
		         h->nprojects);
	return 0;
}

int cli_stdout_errno;

int cli_print_json(const struct cli *cli, json_t *o, size_t flags)
{
	pc_error err;
	int rc = -1;

	errno = 0;
	if (o)
		rc = json_dumpf(o, stdout, flags | JSON_COMPACT | JSON_PRESERVE_ORDER);
	if (rc == 0 && putchar('\n') == EOF)
		rc = -1;
	if (rc && ferror(stdout))
		cli_stdout_errno = errno;  /* why, before anything else sets errno */
	json_decref(o);
	if (rc == 0)
		return 0;
	/* a stream error is main()'s to report, once, when it closes stdout */
	if (ferror(stdout))
		return EXIT_DATA;
	pc_error_set(&err, PC_ENOMEM, NULL, 0, "out of memory");
	return cli_fail(cli, &err);
}

json_t *cli_json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

void cli_csv_field(const char *s)
{
	size_t n = strlen(s);

	/* Quote what a CSV reader would change: libcsv trims unquoted blanks. */
	if (!n || !(strpbrk(s, ",\"\n\r") || s[0] == ' ' || s[0] == '\t' ||
	            s[n - 1] == ' ' || s[n - 1] == '\t')) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

static const char *const format_names[] = {"table", "csv", "json", "markdown",
	"html", "svg", "ics", NULL};

int cli_parse_format(const struct cli *cli, const char *value, unsigned mask,
                     enum cli_format *out)
{
	char allowed[64] = "";

	for (int i = 0; format_names[i]; i++) {
		if (!(mask & (1u << i)))
			continue;
		if (strcmp(value, format_names[i]) == 0) {
			*out = (enum cli_format)i;
			return 0;
		}
		if (allowed[0])
			strcat(allowed, "|");
		strcat(allowed, format_names[i]);
	}
	return cli_usage(cli, "--format: unknown format '%s' (expected %s)",
	                 value, allowed);
}

int cli_run(int argc, char **argv)
{
	enum { OPT_DB = CHAR_MAX + 1, OPT_WAIT };
	static const struct option opts[] = {
		{"db", required_argument, NULL, OPT_DB},
		{"wait", required_argument, NULL, OPT_WAIT},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{"version", no_argument, NULL, 'V'},
		{NULL, 0, NULL, 0}
	};
	struct cli cli = {.wait = -1};
	const char *env = getenv("PRECEDENT_DB");
	int c;

	/* A closed standard input would be taken by the next open(): SQLite
	 * puts /dev/null there to protect its files, and `import -` then
	 * reads an empty file.  A write-only descriptor in its place makes
	 * a read fail as it should, with EBADF. */
	if (fcntl(0, F_GETFD) == -1 && errno == EBADF) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd > 0) /* 0 is where it should land */
			close(fd);
	}
	/* GSL's default handler aborts the process; the library checks the
	 * status GSL returns instead, so turn the handler off once here. */
	gsl_set_error_handler_off();
	cli.db_path = env && *env ? env : "precedent.db";
	if (cli_check_utf8(&cli, argc, argv))
		return EXIT_USAGE;
	optind = 0; /* glibc: 0 also resets getopt's internal state */
	opterr = 1;
	/* '+': stop at the command name; its options are the command's. */
	while ((c = getopt_long(argc, argv, "+qhV", opts, NULL)) != -1) {
		switch (c) {
		case OPT_DB: /* --db */
			cli.db_path = optarg;
			break;
		case OPT_WAIT: /* --wait */
			if (cli_parse_real(optarg, &cli.wait) || cli.wait < 0 ||
			    cli.wait > 1e6)
				return cli_usage(&cli, "--wait: '%s' is not a number of "
				                 "seconds from 0 to 1000000", optarg);
			break;
		case 'q':
			cli.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("precedent %s\n", PACKAGE_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'precedent --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	/* `precedent version` and `precedent help [COMMAND]`: what people
	 * type when they have not read this help yet. */
	if (strcmp(argv[optind], "version") == 0) {
		if (optind + 1 < argc)
			return cli_usage(&cli, "version: unexpected argument '%s'",
			                 argv[optind + 1]);
		printf("precedent %s\n", PACKAGE_VERSION);
		return 0;
	}
	if (strcmp(argv[optind], "help") == 0) {
		static char help_opt[] = "--help";

		if (optind + 1 >= argc) {
			usage(stdout);
			return 0;
		}
		if (optind + 2 < argc)
			return cli_usage(&cli, "help: expected at most one COMMAND");
		for (const struct command *cmd = commands; cmd->name; cmd++)
			if (strcmp(cmd->name, argv[optind + 1]) == 0) {
				char *args[] = {argv[optind + 1], help_opt, NULL};

				cli.cmd = cmd->name;
				optind = 0; /* glibc: 0 also resets getopt's state */
				opterr = 1;
				return cmd->fn(&cli, 2, args);
			}
		fprintf(stderr, "precedent: help: '%s' is not a command\n"
		        "Try 'precedent help'.\n", argv[optind + 1]);
		return EXIT_USAGE;
	}
	for (const struct command *cmd = commands; cmd->name; cmd++) {
		if (strcmp(cmd->name, argv[optind]) != 0)
			continue;
		cli.cmd = cmd->name;
		argc -= optind;
		argv += optind;
		optind = 0; /* glibc: 0 also resets getopt's internal state */
		opterr = 1;
		int rc = cmd->fn(&cli, argc, argv);
		cli_progress_end(); /* no line left behind, whatever the path */
		return rc;
	}
	fprintf(stderr, "precedent: '%s' is not a command\nTry 'precedent --help'.\n",
	        cli_text(argv[optind]));
	return EXIT_USAGE;
}
