/*
 * cli.h - what every command of the precedent tool shares.
 *
 * Adding a command:
 *   1. write src/cli/cmd_NAME.c with `int cmd_NAME(struct cli *cli, int argc,
 *      char **argv)`; argv[0] is the command name.  Parse options with
 *      getopt_long (reset `optind = 0` first is done for you), long-only
 *      options numbered from CHAR_MAX + 1 with a comment naming each;
 *   2. declare it below and add a row to `commands[]` in main.c (name,
 *      function, one-line summary shown by `precedent --help`);
 *   3. add the file to precedent_SOURCES in Makefile.am, document the
 *      command in doc/precedent.1 (tests/cli/help-sync.sh checks every
 *      option is in both), and add CLI tests under tests/cli/.
 * A command returns the process exit status: 0 success, 1 bad data or a
 * failure of the store or a file, 2 bad usage.  It prints data to stdout
 * and messages to stderr only through the helpers here; main() checks that
 * stdout was written and closed without error.
 */
#ifndef PRECEDENT_CLI_H
#define PRECEDENT_CLI_H

#include <stdio.h>

#include <precedent.h>

enum { EXIT_DATA = 1, EXIT_USAGE = 2 };

struct cli {
	const char *db_path; /* --db, else $PRECEDENT_DB, else ./precedent.db */
	const char *cmd;     /* the command being run, for messages */
	int quiet;           /* -q: no progress, no summary */
};

/* "precedent: CMD: MESSAGE" on stderr; returns the exit status that fits
 * err->status (2 for PC_EUSAGE, else 1). */
int cli_fail(const struct cli *cli, const pc_error *err);

/* A usage error: message, then "Try 'precedent CMD --help'."; returns 2. */
int cli_usage(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A warning on stderr ("precedent: CMD: warning: ..."), unless quiet. */
void cli_warn(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Open the store at cli->db_path; `create` makes it if missing.  On
 * failure prints the message and returns the exit status (non-zero). */
int cli_open_store(const struct cli *cli, int create, pc_store **out);

/* Parse a date option value; on failure prints "OPTION: 'VALUE' is not a
 * date (expected YYYY-MM-DD)" and returns 2. */
int cli_parse_date(const struct cli *cli, const char *option,
                   const char *value, pc_day *out);

/* Output formats shared by the commands that print tables. */
enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_MARKDOWN };
/* Parse --format VALUE among the formats allowed by mask (1 << FMT_...);
 * returns 0, or prints a usage error and returns 2. */
int cli_parse_format(const struct cli *cli, const char *value, unsigned mask,
                     enum cli_format *out);

int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_history(struct cli *cli, int argc, char **argv);
int cmd_fitdist(struct cli *cli, int argc, char **argv);
int cmd_fit(struct cli *cli, int argc, char **argv);
int cmd_model(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_whatif(struct cli *cli, int argc, char **argv);
int cmd_backtest(struct cli *cli, int argc, char **argv);

#endif
