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
 *      a command that simulates a plan takes the options of plan through
 *      struct plan_args below (src/cli/cli_plan.c);
 *   3. add the file to precedent_SOURCES in Makefile.am, document the
 *      command in doc/precedent.1 (tests/cli/help-sync.sh checks every
 *      option is in both), and add CLI tests under tests/cli/.
 * Output: names from users' files go through cli_text in tables and
 * messages (never raw: they may hold terminal escapes), cli_md_cell in
 * Markdown and cli_csv_cell in CSV (for --safe-csv); a file the command
 * writes (an -o FILE, an export) goes through pc_outfile_open/commit
 * (<precedent/outfile.h>), so it is replaced whole or not at all.  A
 * command that only reads opens the store with CLI_STORE_READ.
 * A command returns the process exit status: 0 success, 1 bad data or a
 * failure of the store or a file, 2 bad usage.  It prints data to stdout
 * and messages to stderr only through the helpers here; main() checks that
 * stdout was written and closed without error.
 */
#ifndef PRECEDENT_CLI_H
#define PRECEDENT_CLI_H

#include <limits.h>
#include <stdio.h>

#include <jansson.h>

#include <precedent.h>

enum { EXIT_DATA = 1, EXIT_USAGE = 2 };

/* The whole tool: parse the global options and run the command named in
 * argv (argv[0] is the program).  Returns the exit status; stdout is left
 * open for the caller to check and close. */
int cli_run(int argc, char **argv);

struct cli {
	const char *db_path; /* --db, else $PRECEDENT_DB, else ./precedent.db */
	const char *cmd;     /* the command being run, for messages */
	int quiet;           /* -q: no progress, no summary */
	double wait;         /* --wait: seconds to wait for another writer;
	                      * negative (the default): as long as it takes */
	int safe_csv;        /* --safe-csv of the command: cli_csv_cell
	                      * defuses cells a spreadsheet would run */
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

/* A note on stderr ("precedent: CMD: ..."): what the command chose for
 * the user, unless quiet. */
void cli_note(const struct cli *cli, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* How a command uses the store.  A reader (0, what most commands pass)
 * opens it read-only: it never creates, migrates or changes the file,
 * and a missing or empty file is "no store at 'PATH' (run 'precedent
 * import' first)". */
enum cli_store_mode {
	CLI_STORE_READ = 0,   /* read-only */
	CLI_STORE_CREATE = 1, /* read-write, made if missing (import) */
	CLI_STORE_WRITE = 2   /* read-write, must exist (fit saves a model) */
};

/* Open the store at cli->db_path as `mode` says.  On failure prints the
 * message and returns the exit status (non-zero). */
int cli_open_store(const struct cli *cli, int mode, pc_store **out);

/* Parse a date option value; on failure prints "OPTION: 'VALUE' is not a
 * date (expected YYYY-MM-DD)" and returns 2. */
int cli_parse_date(const struct cli *cli, const char *option,
                   const char *value, pc_day *out);

/* Output formats shared by the commands that print tables. */
enum cli_format { FMT_TABLE, FMT_CSV, FMT_JSON, FMT_MARKDOWN, FMT_HTML, FMT_SVG,
	FMT_ICS };
/* Parse --format VALUE among the formats allowed by mask (1 << FMT_...);
 * returns 0, or prints a usage error and returns 2. */
int cli_parse_format(const struct cli *cli, const char *value, unsigned mask,
                     enum cli_format *out);

/* Parse VALUE as a whole number from min to max: decimal digits only, no
 * sign or space.  Returns 0, or -1 leaving *out untouched. */
int cli_parse_uint(const char *value, unsigned long long min,
                   unsigned long long max, unsigned long long *out);

/* Parse VALUE as a whole number from min to max, with an optional sign
 * and no space.  Returns 0, or -1 leaving *out untouched. */
int cli_parse_int(const char *value, long min, long max, long *out);

/* Parse VALUE as a finite decimal number (optional sign, digits, point,
 * exponent; no space, hex, inf or nan).  Returns 0, or -1 leaving *out
 * untouched. */
int cli_parse_real(const char *value, double *out);

/* cli_parse_uint for an option; on failure prints "OPTION: 'VALUE' is not a
 * whole number from MIN to MAX" and returns 2. */
int cli_parse_count(const struct cli *cli, const char *option,
                    const char *value, unsigned long long min,
                    unsigned long long max, unsigned long long *out);

/* Split "KEY=VALUE" in place at the first '='; returns VALUE, or NULL (and
 * leaves s alone) if there is no '=' or nothing before it. */
char *cli_split_eq(char *s);

/* Parse --family LIST ("all" or family names, comma-separated) into a mask
 * of pc_families; prints a usage error and returns 2 on an unknown name. */
int cli_parse_families(const struct cli *cli, const char *value, unsigned *mask);

/* Parse --criterion C (aicc, aic or bic); prints a usage error and returns
 * 2 if it is none of them. */
int cli_parse_criterion(const struct cli *cli, const char *value,
                        pc_criterion *out);

/* The reference class: the past projects --like KEY=VALUE... chooses, and
 * the --min-class N below which the whole history is used instead. */
#define CLI_MAX_LIKE 16
struct cli_class {
	pc_like like[CLI_MAX_LIKE]; /* point into argv */
	size_t nlike;
	size_t min_class;           /* default 10 */
	char name[512];             /* "KEY=VALUE,...", "" for no --like */
};

/* Prepare a class with no condition and min_class 10. */
void cli_class_init(struct cli_class *k);

/* Add the condition of one --like KEY=VALUE (split in place) to k; prints a
 * usage error and returns 2 if it is not KEY=VALUE or k is full. */
int cli_parse_like(const struct cli *cli, char *value, struct cli_class *k);

/* Load the history of class k from st into *out, with a warning when the
 * class is smaller than its min_class (the whole history is used then).
 * On failure prints the message and returns the exit status. */
int cli_load_history(const struct cli *cli, pc_store *st,
                     const struct cli_class *k, pc_history **out);

/* Print o on stdout as one line of compact JSON, keys in the order they
 * were set, then a newline; flags adds jansson's JSON_REAL_PRECISION(n).
 * Takes the caller's reference to o (NULL, as from a failed json_pack, is
 * reported as out of memory).  Returns 0, else 1: main() reports a write
 * error when it closes stdout. */
/* The errno of a failed write to standard output that the writer saw
 * (0: none), for main() to say why when it closes the stream. */
extern int cli_stdout_errno;

int cli_print_json(const struct cli *cli, json_t *o, size_t flags);

/* A JSON number, or null for NaN and infinities (which JSON lacks). */
json_t *cli_json_num(double v);

/* Print s on stdout as one CSV field, quoted (RFC 4180) if it holds a
 * comma, a double quote or a line break: names come from the user's CSV. */
void cli_csv_field(const char *s);

/*
 * Users' text on the way out (cli_text.c).  Tables and messages show
 * names through cli_text; JSON and CSV keep the exact bytes.
 */

/* s with control characters, C1 controls, bidirectional overrides and
 * bytes that are not UTF-8 shown as \xHH or \uHHHH (pc_text_escape), or
 * s itself when it has none.  The result lives until eight more calls,
 * enough for every name in one printf.  NULL gives NULL. */
const char *cli_text(const char *s);

/* The columns cli_text(s) takes on a terminal (capped at 4096): UTF-8
 * decoded, a CJK character 2, a combining mark 0, the same whatever the
 * locale.  NULL is 0. */
int cli_text_width(const char *s);

/* cli_text(s) followed by spaces up to `width` terminal columns (as
 * cli_text_width counts them), for a left-aligned table cell: printf's
 * "%-*s" pads by bytes, which misaligns "Zürich" or "審査".  Lives for
 * eight more calls, as cli_text's result. */
const char *cli_text_pad(const char *s, int width);

/* cli_text(s) cut to at most `width` columns (never inside a character)
 * and right-aligned in them, as printf's "%5.5s" would do by bytes. */
const char *cli_text_cut(const char *s, int width);

/* One Markdown table cell: cli_text(s) with '|' and '\' escaped by a
 * backslash, so a name cannot split a row.  cli_md_text returns it
 * (living for eight more calls), cli_md_cell writes it to out. */
const char *cli_md_text(const char *s);
void cli_md_cell(FILE *out, const char *s);

/* 1 if a spreadsheet would read CSV cell s as a formula: it starts with
 * = + - @, a tab or a carriage return (OWASP, "CSV Injection"). */
int cli_csv_risky(const char *s);

/* cli_csv_field(s), but with --safe-csv (cli->safe_csv) a risky cell
 * (cli_csv_risky) is written with a ' in front, which spreadsheets take
 * as "text" and do not show.  For text cells (names, attribute values);
 * numbers the tool computes are written as they are.  The round trip of
 * the CSV is then no longer exact: the ' is part of the cell. */
void cli_csv_cell(const struct cli *cli, const char *s);

/* Refuse an argument that is not UTF-8 (exit 2): names given on the
 * command line end up in JSON, which holds UTF-8 only. */
int cli_check_utf8(const struct cli *cli, int argc, char **argv);

/*
 * Progress of a long job (cli_progress.c): one line on stderr, redrawn
 * in place at most every 150 ms, only when stderr is a terminal and -q
 * was not given, so that no output that is not a terminal changes.
 */

/* Get ready to draw for cli's command; bytes: the units are bytes read
 * of the file `label` (import), else counts of the library's stages. */
void cli_progress_begin(const struct cli *cli, int bytes, const char *label);

/* A pc_progress_fn (ctx unused): draw "precedent: CMD: STAGE DONE of
 * TOTAL (P%)", or "STAGE..." when total is 0. */
void cli_progress(void *ctx, const char *stage, uint64_t done, uint64_t total);

/* Erase the line, if one is drawn, before anything else is printed; a
 * later call draws again. cli_fail, cli_warn and cli_usage call it. */
void cli_progress_clear(void);

/* Erase the line and draw no more. */
void cli_progress_end(void);

/*
 * The options of plan, which whatif and backtest share: the reference
 * class, the simulation (--iterations, --seed, --threads, --independent),
 * the structure (--template, --model) and the calendar.  A command lists
 * the ones it takes in its option table with these values, numbers its
 * own from PLAN_OPT_END, and hands them to plan_args_option.
 */
enum plan_opt {
	PLAN_OPT_LIKE = CHAR_MAX + 1, PLAN_OPT_MIN_CLASS, PLAN_OPT_ITERATIONS,
	PLAN_OPT_SEED, PLAN_OPT_THREADS, PLAN_OPT_TEMPLATE, PLAN_OPT_MODEL,
	PLAN_OPT_CALENDAR, PLAN_OPT_HOLIDAYS, PLAN_OPT_INDEPENDENT,
	PLAN_OPT_HALF_LIFE, PLAN_OPT_DRIFT,
	PLAN_OPT_END
};

/* The rows of a command's struct option table (getopt.h) for every option
 * of plan; backtest, which takes some of them, lists its own. */
#define PLAN_ARGS_OPTIONS \
	{"like", required_argument, NULL, PLAN_OPT_LIKE}, \
	{"min-class", required_argument, NULL, PLAN_OPT_MIN_CLASS}, \
	{"iterations", required_argument, NULL, PLAN_OPT_ITERATIONS}, \
	{"seed", required_argument, NULL, PLAN_OPT_SEED}, \
	{"threads", required_argument, NULL, PLAN_OPT_THREADS}, \
	{"template", required_argument, NULL, PLAN_OPT_TEMPLATE}, \
	{"model", required_argument, NULL, PLAN_OPT_MODEL}, \
	{"calendar", required_argument, NULL, PLAN_OPT_CALENDAR}, \
	{"holidays", required_argument, NULL, PLAN_OPT_HOLIDAYS}, \
	{"independent", no_argument, NULL, PLAN_OPT_INDEPENDENT}, \
	{"half-life", required_argument, NULL, PLAN_OPT_HALF_LIFE}, \
	{"drift", no_argument, NULL, PLAN_OPT_DRIFT}

struct plan_args {
	/* Where the simulation options go: the command's library options. */
	uint64_t *iterations;
	unsigned long long max_iterations;
	int auto_iterations;          /* --iterations auto (stored as 0) */
	int iterations_given;         /* --iterations was given */
	double work_max;              /* iterations x phases the default may
	                                 cost before it is cut (0: no cut) */
	uint64_t *seed;
	unsigned *threads;
	int *independent;             /* NULL: no --independent */

	struct cli_class class;
	const char *template_path;    /* --template, or NULL */
	const char *model_path;       /* --model, or NULL */
	const char *calendar;         /* "all" (default) or "weekdays" */
	const char *holidays;         /* --holidays, or NULL */
	/* --half-life: N projects, Nd days, none (0), or auto */
	double half_life;
	int half_life_days;
	int half_life_auto;
	int drift;                    /* --drift, or what auto chose */
	int nested_auto;              /* auto is the command's to make, once per
	                                 forecast (backtest) */
	pc_half_life_choice half_life_choice; /* what auto chose */

	/* What plan_args_load made; plan_args_release frees it. */
	pc_calendar *cal;             /* NULL for every day */
	pc_plan_template *tmpl;
	pc_store *st;                 /* NULL with --model */
	pc_history *h;                /* NULL with --model */
	pc_history_trend *trends;     /* h's trend tests (cli_warn_trends) */
	pc_model *m;                  /* with --model */
	pc_plan_model *pm;
};

/* Prepare pa with the defaults, storing --iterations (1 to max_iterations,
 * and 'auto' as 0 if allow_auto), --seed, --threads and --independent
 * (independent may be NULL) into the command's own options. */
void plan_args_init(struct plan_args *pa, uint64_t *iterations,
                    unsigned long long max_iterations, int allow_auto,
                    uint64_t *seed, unsigned *threads, int *independent);

/* Take option c (a PLAN_OPT_ value) with its value; returns 0, or prints a
 * usage error and returns 2.  Any other c is getopt_long's '?' (it has
 * printed the message): prints "Try 'precedent CMD --help'." and returns 2. */
int plan_args_option(const struct cli *cli, struct plan_args *pa, int c,
                     char *value);

/* Check the options together once they are all parsed: --holidays needs
 * --calendar weekdays, --like cannot go with --model.  Returns 0, or
 * prints a usage error and returns 2. */
int plan_args_check(const struct cli *cli, const struct plan_args *pa);

/* Make the calendar, read the template, and either read the model file or
 * open the store and load the history of the class, learning the plan
 * model pa->pm from it if `learn` (backtest learns its own per project).
 * Returns 0, or prints the message and returns the exit status. */
int plan_args_load(const struct cli *cli, struct plan_args *pa, int learn);

/* --slot PHASE=DATE|PHASE=best into ch (arg is split in place: ch->phase
 * points into it), and --confidence P with 0 < P < 1, as whatif and
 * report take them.  Return 0 or EXIT_USAGE with the message said. */
int cli_parse_slot(const struct cli *cli, char *arg, pc_whatif_change *ch);
int cli_parse_confidence(const struct cli *cli, const char *arg, double *p);

/* The line saying how pm adjusted for drift (--drift), after pre;
 * nothing without --drift. */
void cli_drift_line(FILE *out, const char *pre, const pc_plan_model *pm);

/* The recency weighting pm was learned with, and what --half-life auto
 * chose (pa), as a JSON object. */
json_t *cli_half_life_json(const struct plan_args *pa, const pc_plan_model *pm);

/* Warn on stderr, release first, of each phase (and of the release)
 * whose finished durations have a significant monotone trend over the
 * start dates (pc_history_trends at family-wise 5%): which way, how fast
 * and how sure.  keep (may be NULL) gets the tests, for the JSON, to be
 * freed with free().  weighed: the command weighs recency or drift
 * (--half-life, --drift), so the warning does not say that old and
 * recent projects count alike.  Returns 0 or the exit status of a
 * failure. */
int cli_warn_trends(const struct cli *cli, const pc_history *h,
                    const pc_calendar *cal, int weighed, pc_history_trend **keep);

/* Those tests (r: h->nphases + 1 of them; NULL gives null) as JSON: one
 * object per phase and the release last (phase null): finished, tau, p,
 * days_per_year (NaN and untested entries null) and significant. */
json_t *cli_trends_json(const pc_history *h, const pc_history_trend *r);

/* Free what plan_args_load made, leaving those pointers NULL; the parsed
 * options stay. */
/* Warn when a share of node j's simulated durations hit the century cap
 * (pc_plan_phase.capped, pc_whatif_phase.capped); nothing when 0. */
void plan_warn_capped(const struct cli *cli, const pc_plan_model *pm, size_t j,
                      double share);

void plan_args_release(struct plan_args *pa);

/* --calibrate of plan and whatif (cli_calib.c): the map and what it was
 * learned from. */
struct cli_calib {
	pc_calib map;       /* the identity when nothing was learned */
	size_t nforecasts;  /* forecast days of the backtest */
	int learned;        /* 0: the history was too short to backtest */
};

/* bo: backtest's defaults, with pa's calendar and the seed and threads
 * given, its forecasts learned the way pa's plan is (half-life, drift). */
void cli_backtest_like(const struct plan_args *pa, uint64_t seed,
                       unsigned threads, pc_backtest_options *bo);

/* Learn c from a backtest of pa's history with the defaults of backtest
 * (the calendar, seed and threads given), from the releases before day
 * `before`.  Too short a history warns and leaves the identity.  Returns
 * 0, or prints the message and returns the exit status. */
int cli_calib_learn(const struct cli *cli, const struct plan_args *pa,
                    pc_day before, uint64_t seed, unsigned threads,
                    struct cli_calib *c);

/* The map in words and at u = 0.1 .. 0.9, each line starting with pre. */
void cli_calib_print(const struct cli_calib *c, const char *pre);

/* The map as JSON: learned, a, b, pits, forecasts, prior, shrinkage, and
 * map: [{level, g}]. */
json_t *cli_calib_json(const struct cli_calib *c);

int cmd_import(struct cli *cli, int argc, char **argv);
int cmd_history(struct cli *cli, int argc, char **argv);
int cmd_fitdist(struct cli *cli, int argc, char **argv);
int cmd_fit(struct cli *cli, int argc, char **argv);
int cmd_model(struct cli *cli, int argc, char **argv);
int cmd_plan(struct cli *cli, int argc, char **argv);
int cmd_whatif(struct cli *cli, int argc, char **argv);
int cmd_backtest(struct cli *cli, int argc, char **argv);
int cmd_report(struct cli *cli, int argc, char **argv);

/* What report_emit writes (src/cli/cmd_report.c): plan and whatif route
 * --format svg and ics through it, report its page. */
struct report_req {
	struct plan_args *pa;          /* loaded (plan_args_load) */
	const pc_plan_options *po;     /* start, seed, ... and the calendar */
	const pc_whatif_options *wo;   /* NULL: derived from po */
	const char *customer;          /* or NULL */
	double confidence;             /* checkpoints; the calendar's level */
	int has_deadline;
	pc_day deadline;
	int backtest;                  /* the page's backtest */
	enum cli_format fmt;           /* FMT_HTML, FMT_SVG or FMT_ICS */
	pc_report_chart chart;         /* with FMT_SVG */
	const char *output;            /* NULL: stdout */
	const char *command, *options; /* provenance, or NULL */
};

/* Build the report of q and write it; returns the exit status, having
 * printed any message. */
int report_emit(const struct cli *cli, const struct report_req *q);

#endif
