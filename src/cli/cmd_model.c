/*
 * cmd_model.c - `precedent model export [--id N] [FILE]`: write a model
 * from the store as CSV, so that later commands can take `--model FILE`
 * without the store.
 */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/model.h>
#include <precedent/outfile.h>

#include "cli.h"

static void usage(FILE *out)
{
	fprintf(out,
	"Usage: precedent model export [--id N] [FILE|-]\n"
	"Write the latest model fitted by 'precedent fit' (or model N) as CSV to\n"
	"FILE or standard output: a version line '# precedent model 2', then\n"
	"one row per phase under the header\n"
	"  phase,family,param1,value1,param2,value2,param3,value3,n,censored,\n"
	"  loglik,median,p80\n"
	"and an end line '# end of model: N phases', so that a file cut short is\n"
	"refused by --model.  Parameters are written to 17 significant digits, so\n"
	"reading the file back gives exactly the fitted distributions.  FILE is\n"
	"replaced whole (written beside it, then renamed) or not at all.\n"
	"\n"
	"Options:\n"
	"  --id N       the model to write (default: the latest)\n"
	"  -h, --help   show this help\n");
}

int cmd_model(struct cli *cli, int argc, char **argv)
{
	enum { OPT_ID = CHAR_MAX + 1 };
	static const struct option opts[] = {
		{"id", required_argument, NULL, OPT_ID},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}
	};
	long long id = 0;
	const char *path = NULL;
	pc_store *st = NULL;
	pc_model *m = NULL;
	pc_error err;
	FILE *out = stdout;
	pc_outfile *of = NULL;
	unsigned long long v;
	int c, rc;

	pc_error_clear(&err);
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_ID: /* --id */
			if (cli_parse_uint(optarg, 1, LLONG_MAX, &v))
				return cli_usage(cli, "--id: '%s' is not a model id", optarg);
			id = (long long)v;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'precedent model --help'.\n");
			return EXIT_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage(cli, "missing action (expected 'export')");
	if (strcmp(argv[optind], "export") != 0)
		return cli_usage(cli, "unknown action '%s' (expected 'export')", argv[optind]);
	/* getopt_long permutes: options after the action were parsed too */
	optind++;
	if (argc - optind > 1)
		return cli_usage(cli, "too many arguments (expected one FILE)");
	if (optind < argc && strcmp(argv[optind], "-") != 0)
		path = argv[optind];
	if ((rc = cli_open_store(cli, 0, &st)))
		return rc;
	if (pc_model_load(st, id, &m, &err))
		goto fail;
	/* A file is written whole or not at all: a full disk or a kill
	 * part way leaves the previous export in place. */
	if (path && pc_outfile_open(path, &of, &out, &err)) {
		out = stdout;
		goto fail;
	}
	if (pc_model_write_csv(m, out, &err)) {
		if (path)
			pc_error_set(&err, PC_EIO, NULL, 0, "cannot write '%s': %s",
			             path, strerror(errno));
		goto fail;
	}
	if (of && pc_outfile_commit(&of, &err))
		goto fail;
	out = stdout;
	rc = 0;
	goto done;
fail:
	pc_outfile_abort(&of);
	rc = cli_fail(cli, &err);
done:
	pc_model_free(&m);
	pc_store_close(&st);
	return rc;
}
