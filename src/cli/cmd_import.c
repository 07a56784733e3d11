/*
 * cmd_import.c - `precedent import [OPTIONS] FILE...`: parse options, run
 * the library import per file, draw progress and print the summary.
 */
#include <config.h>

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define MAP_MAX 32
#define STATUS_MAP_MAX 64
/* Below this size an import takes well under a second: no bar. */
#define PROGRESS_MIN_BYTES (4 * 1024 * 1024)

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent import [OPTIONS] FILE...\n"
	"Import past release plans from CSV files into the store (created if\n"
	"missing).  '-' reads standard input.\n"
	"\n"
	"The header row names the columns, in any case and order:\n"
	"  customer, project, phase  required; customer+project+phase is the key\n"
	"  start                     required, first day of the phase\n"
	"  end                       last day, inclusive; empty while ongoing\n"
	"  duration                  days, instead of end (end = start + duration - 1)\n"
	"  status                    done or ongoing; empty: done if it has an end\n"
	"Any other column is an attribute of the project (tier, region, ...).\n"
	"Rows whose every field is empty are skipped.  A date and time is read as\n"
	"its date.  The phase name 'release' is reserved for the whole release.\n"
	"\n"
	"Options:\n"
	"  --as-of DATE           censoring date of ongoing phases (default: today)\n"
	"  --map FIELD=COLUMN     read FIELD from the column named COLUMN (repeatable)\n"
	"  --date-format FMT      dates as FMT: DD/MM/YYYY, MM/DD/YYYY, D.M.YYYY, ...\n"
	"                         or strftime %%Y %%y %%m %%d %%b; default YYYY-MM-DD\n"
	"  --delimiter SEP        fields separated by SEP: ',' (default), ';', tab or\n"
	"                         auto (whichever the header row holds most of)\n"
	"  --encoding ENC         the file's encoding: utf-8 (default), windows-1252,\n"
	"                         latin1, utf-16 (with a byte order mark), ...\n"
	"  --status-map STATUS=VALUE[,VALUE...]\n"
	"                         read VALUE in the status column as STATUS (done or\n"
	"                         ongoing), e.g. done=Completed (repeatable)\n"
	"  --dry-run              check and count, write nothing\n"
	"  --skip-invalid         import the good rows, list the bad ones on stderr\n"
	"  -q, --quiet            no progress bar and no summary\n"
	"  -h, --help             show this help\n"
	"\n"
	"Each FILE is one transaction: by default one bad row rejects the whole\n"
	"file.  Importing the same rows again changes nothing.  Exit status: 0\n"
	"success (also when --skip-invalid skipped rows), 1 bad data or failure,\n"
	"2 bad usage.\n");
}

/* The library's bytes read of the file: a file known to be small takes
 * well under a second and gets no line; a pipe (total 0) always does. */
static void draw(void *ctx, uint64_t done, uint64_t total)
{
	(void)ctx;
	if (total && total < PROGRESS_MIN_BYTES)
		return;
	cli_progress(NULL, "reading", done, total);
}

struct rejects {
	const struct cli *cli;
};

static void rejected(void *ctx, const pc_error *why)
{
	struct rejects *r = ctx;

	cli_fail(r->cli, why); /* which erases the progress line first */
}

int cmd_import(struct cli *cli, int argc, char **argv)
{
	enum {
		OPT_AS_OF = CHAR_MAX + 1,
		OPT_MAP,
		OPT_DATE_FORMAT,
		OPT_DRY_RUN,
		OPT_SKIP_INVALID,
		OPT_DELIMITER,
		OPT_ENCODING,
		OPT_STATUS_MAP,
	};
	static const struct option opts[] = {
		{"as-of", required_argument, NULL, OPT_AS_OF},
		{"map", required_argument, NULL, OPT_MAP},
		{"date-format", required_argument, NULL, OPT_DATE_FORMAT},
		{"dry-run", no_argument, NULL, OPT_DRY_RUN},
		{"skip-invalid", no_argument, NULL, OPT_SKIP_INVALID},
		{"delimiter", required_argument, NULL, OPT_DELIMITER},
		{"encoding", required_argument, NULL, OPT_ENCODING},
		{"status-map", required_argument, NULL, OPT_STATUS_MAP},
		{"quiet", no_argument, NULL, 'q'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	pc_import_map map[MAP_MAX];
	pc_import_status_map smap[STATUS_MAP_MAX];
	int as_of_given = 0;
	pc_import_options o;
	pc_store *st = NULL;
	struct rejects rj = {cli};
	struct stat sb;
	int c, rc = 0, existed, imported = 0;

	pc_import_options_init(&o);
	o.map = map;
	o.status_map = smap;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case OPT_AS_OF: /* --as-of */
			if ((rc = cli_parse_date(cli, "--as-of", optarg, &o.as_of)))
				return rc;
			as_of_given = 1;
			break;
		case OPT_MAP: { /* --map */
			char *eq = strchr(optarg, '=');

			if (!eq || eq == optarg || !eq[1])
				return cli_usage(cli, "--map: '%s' is not FIELD=COLUMN", optarg);
			if (o.nmap == MAP_MAX)
				return cli_usage(cli, "--map: at most %d mappings", MAP_MAX);
			*eq = '\0';
			map[o.nmap].field = optarg;
			map[o.nmap].column = eq + 1;
			o.nmap++;
			break;
		}
		case OPT_DATE_FORMAT: { /* --date-format */
			char fmt[64];
			pc_error err;

			/* An unknown spelling is refused before any file is read. */
			pc_error_clear(&err);
			if (pc_import_date_format(optarg, fmt, sizeof fmt, &err) != PC_OK)
				return cli_usage(cli, "%s", err.msg);
			o.date_format = optarg;
			break;
		}
		case OPT_DELIMITER: /* --delimiter */
			if (strcmp(optarg, "auto") == 0)
				o.delimiter = PC_IMPORT_DELIM_AUTO;
			else if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\\t") == 0 ||
			         strcmp(optarg, "\t") == 0)
				o.delimiter = '\t';
			else if (strlen(optarg) == 1 && strchr(",;|:", optarg[0]))
				o.delimiter = optarg[0];
			else
				return cli_usage(cli, "--delimiter: '%s' is not ',', ';', '|', "
				                 "':', tab or auto", optarg);
			break;
		case OPT_ENCODING: /* --encoding */
			o.encoding = optarg;
			break;
		case OPT_STATUS_MAP: { /* --status-map */
			char *eq = strchr(optarg, '='), *v, *save = NULL;

			if (!eq || eq == optarg || !eq[1])
				return cli_usage(cli, "--status-map: '%s' is not "
				                 "STATUS=VALUE[,VALUE...]", optarg);
			*eq = '\0';
			if (strcasecmp(optarg, "done") != 0 && strcasecmp(optarg, "ongoing") != 0)
				return cli_usage(cli, "--status-map: unknown status '%s' "
				                 "(expected done or ongoing)", optarg);
			for (v = strtok_r(eq + 1, ",", &save); v; v = strtok_r(NULL, ",", &save)) {
				while (*v == ' ')
					v++;
				if (!*v)
					continue;
				if (o.nstatus_map == STATUS_MAP_MAX)
					return cli_usage(cli, "--status-map: at most %d values",
					                 STATUS_MAP_MAX);
				smap[o.nstatus_map].status = optarg;
				smap[o.nstatus_map].value = v;
				o.nstatus_map++;
			}
			break;
		}
		case OPT_DRY_RUN: /* --dry-run */
			o.dry_run = 1;
			break;
		case OPT_SKIP_INVALID: /* --skip-invalid */
			o.skip_invalid = 1;
			break;
		case 'q':
			cli->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'precedent import --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage(cli, "no FILE to import");
	if (!cli->quiet && isatty(STDERR_FILENO)) {
		o.progress = draw;
		o.progress_ctx = NULL;
	}
	o.rejected = rejected;
	o.rejected_ctx = &rj;

	/* A dry run must not even create the store: check against an
	 * empty one in memory instead. */
	existed = stat(cli->db_path, &sb) == 0;
	if (o.dry_run && !existed) {
		pc_error err;

		pc_error_clear(&err);
		if (pc_store_open(":memory:", PC_STORE_CREATE, &st, &err))
			return cli_fail(cli, &err);
	} else if ((rc = cli_open_store(cli, 1, &st))) {
		return rc;
	}
	for (int i = optind; i < argc && rc == 0; i++) {
		const char *name = strcmp(argv[i], "-") == 0 ? "<stdin>" : argv[i];
		pc_import_summary sum;
		pc_error err;

		pc_error_clear(&err);
		cli_progress_begin(cli, 1, name);
		if (pc_import_file(st, argv[i], &o, &sum, &err)) {
			rc = cli_fail(cli, &err);
			break;
		}
		cli_progress_end();
		imported = 1;
		if (cli->quiet)
			continue;
		fprintf(stderr, "precedent: import: %s: %zu row%s: %zu added, %zu updated, "
		        "%zu unchanged, %zu rejected", name, sum.rows,
		        sum.rows == 1 ? "" : "s", sum.added, sum.updated, sum.unchanged,
		        sum.rejected);
		if (sum.ongoing) {
			char buf[PC_DATE_BUF];

			fprintf(stderr, " (%zu ongoing as of %s)", sum.ongoing,
			        pc_date_format(o.as_of, buf));
		}
		fprintf(stderr, "%s\n", o.dry_run ? " (dry run: nothing written)" : "");
		/* Rows stored before and still running are censored at today
		 * now, not at the date of the earlier import. */
		if (!as_of_given && sum.ongoing && (sum.updated || sum.unchanged)) {
			char buf[PC_DATE_BUF];

			cli_warn(cli, "'%s': re-imported without --as-of: its %zu running "
			         "phase%s are censored at today, %s; pass --as-of with the "
			         "export's date to keep the earlier censoring", name,
			         sum.ongoing, sum.ongoing == 1 ? "" : "s",
			         pc_date_format(o.as_of, buf));
		}
	}
	pc_store_close(&st);
	/* A first import that failed leaves no empty store behind, so that
	 * "nothing is written" holds for it too. */
	if (rc && !existed && !o.dry_run && !imported) {
		static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
		char path[4096];

		for (size_t i = 0; i < sizeof ext / sizeof *ext; i++)
			if (snprintf(path, sizeof path, "%s%s", cli->db_path, ext[i]) <
			    (int)sizeof path)
				unlink(path);
	}
	return rc;
}
