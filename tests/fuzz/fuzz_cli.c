/*
 * fuzz_cli.c - libFuzzer harness for the command line: every option and
 * option value of every command, through cli_run (src/cli/main.c).
 *
 * The input is split at NUL bytes into arguments.  The first byte picks
 * the command placed after `precedent --db run.db` (or none, so that the
 * global options and command names are fuzzed too); the arguments
 * follow.  The tool runs in a scratch directory holding a small history
 * (h.csv, imported into the store run.db), a plan template (t.csv), the
 * fitted model (model.csv), a customer plan (a.csv), a holiday list
 * (hol.txt) and a column of durations (n.csv), all put back before every
 * input.  FUZZ_CLI_VERBOSE=1 prints each command line and how it ended.
 *
 * Beyond "no crash, no sanitizer report, no leak": the exit status is 0,
 * 1 or 2, and a failure says why on stderr; a reading command (history,
 * model, plan, whatif, backtest) leaves run.db byte for byte as it was,
 * whatever its options (it opens the store read-only).  To keep runs short the
 * harness asks plan, whatif and backtest for 200 iterations (and whatif
 * for no bootstrap interval unless the input asks), and skips inputs
 * that ask for more, for bootstrap intervals beyond a few replicates
 * (plan --ci always makes 200) or many threads, or that name a path
 * outside the scratch directory.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <precedent/date.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 24

static const char *const commands[] = {
	"import", "history", "fitdist", "fit", "model", "plan", "whatif",
	"backtest"
};
#define NCOMMANDS (sizeof commands / sizeof *commands)

/* The files every run starts from. */
static char *store;       /* the bytes of run.db with h.csv imported */
static size_t store_len;
static char *model;       /* model.csv: the fitted model as CSV */
static size_t model_len;
static char history[8192];

static const char template_csv[] =
	"phase,after,lag\n"
	"kickoff,,0\n"
	"build,kickoff,0\n"
	"test,build,-3\n"
	"launch,test,1\n";
static const char against_csv[] =
	"phase,finish\n"
	"build,2027-03-01\n"
	"launch,2027-05-01\n";
static const char numbers_csv[] =
	"days,censored\n"
	"3,0\n12.5,0\n7,1\n30,0\n4,0\n9,0\n15,1\n6,0\n";
static const char holidays_txt[] =
	"2027-01-01\n"
	"2027-12-25\n";

static void put_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		abort();
	if (!(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, f) != (size_t)n)
		abort();
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Run the tool with stdout and stderr going to the given streams. */
static int run(int argc, char **argv, FILE *out, FILE *err)
{
	FILE *o = stdout, *e = stderr;
	int rc;

	stdout = out;
	stderr = err;
	rc = cli_run(argc, argv);
	fflush(stdout);
	fflush(stderr);
	stdout = o;
	stderr = e;
	return rc;
}

/* A small history: 14 projects of four phases, the last phase of the
 * last two still running, and a tier attribute. */
static void make_history(void)
{
	static const char *const phases[] = {"kickoff", "build", "test", "launch"};
	pc_day day0 = pc_date_from_ymd(2025, 1, 6);
	size_t at = 0;

	at += (size_t)snprintf(history, sizeof history,
	                       "customer,project,phase,start,end,status,tier\n");
	for (int p = 0; p < 14; p++) {
		const int d[] = {3 + p % 4, 20 + 3 * (p % 5), 9 + p % 7, 2};
		pc_day day = day0 + 20 * p;

		for (int h = 0; h < 4; h++) {
			int ongoing = p >= 12 && h == 3;
			char s[PC_DATE_BUF], e[PC_DATE_BUF];

			pc_date_format(day, s);
			pc_date_format(day + d[h], e);
			at += (size_t)snprintf(history + at, sizeof history - at,
			                       "c%d,p%d,%s,%s,%s,%s,%s\n", p % 5, p,
			                       phases[h], s, ongoing ? "" : e,
			                       ongoing ? "ongoing" : "done",
			                       p % 2 ? "gold" : "silver");
			day += d[h] - (h == 1 ? 3 : 0);
		}
	}
}

/* The scratch directory, where the tool runs: each input goes there and
 * comes back, so that libFuzzer and replay.c find their own relative
 * paths. */
static char scratch[] = "/tmp/fuzz_cli.XXXXXX";
static int home = -1;

static void go_scratch(void)
{
	if (home < 0 && (home = open(".", O_RDONLY | O_DIRECTORY)) < 0)
		abort();
	if (chdir(scratch) != 0)
		abort();
}

static void go_home(void)
{
	if (fchdir(home) != 0)
		abort();
}

static void reset_files(void);

/* Leave nothing behind in /tmp. */
static void remove_scratch(void)
{
	go_scratch();
	reset_files();
	go_home();
	rmdir(scratch);
}

static void setup(void)
{
	char *import[] = {"precedent", "--db", "run.db", "-q", "import",
	                  "--as-of", "2026-06-01", "h.csv", NULL};
	char *fit[] = {"precedent", "--db", "run.db", "fit", NULL};
	char *export[] = {"precedent", "--db", "run.db", "model", "export", NULL};
	FILE *null = fopen("/dev/null", "w"), *m;

	if (!mkdtemp(scratch) || !null)
		abort();
	go_scratch();
	/* Nothing reads the fuzzer's own stdin: "-" as a file is empty. */
	if (!freopen("/dev/null", "r", stdin))
		abort();
	make_history();
	put_file("h.csv", history, strlen(history));
	if (run(8, import, null, stderr) != 0 || run(4, fit, null, stderr) != 0)
		abort();
	if (!(m = fopen("model.csv", "w")) || run(5, export, m, stderr) != 0)
		abort();
	fclose(m);
	fclose(null);
	store = slurp("run.db", &store_len);
	model = slurp("model.csv", &model_len);
	go_home();
	atexit(remove_scratch);
}

/* Put the scratch directory back as setup left it: whatever an earlier
 * input wrote there is gone. */
static void reset_files(void)
{
	DIR *d = opendir(".");
	struct dirent *e;

	if (!d)
		abort();
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			unlink(e->d_name);
	closedir(d);
}

static void reset(void)
{
	reset_files();
	put_file("run.db", store, store_len);
	put_file("h.csv", history, strlen(history));
	put_file("model.csv", model, model_len);
	put_file("t.csv", template_csv, sizeof template_csv - 1);
	put_file("a.csv", against_csv, sizeof against_csv - 1);
	put_file("hol.txt", holidays_txt, sizeof holidays_txt - 1);
	put_file("n.csv", numbers_csv, sizeof numbers_csv - 1);
}

/* 1 if s names (a prefix of at least two letters of) option `name`, as
 * getopt_long would take it; *value then points at an attached value. */
static int names(const char *s, const char *name, const char **value)
{
	size_t n;

	if (strncmp(s, "--", 2) != 0)
		return 0;
	s += 2;
	n = strcspn(s, "=");
	*value = s[n] == '=' ? s + n + 1 : NULL;
	return n >= 2 && strncmp(s, name, n) == 0;
}

/* 1 if v is at most max in plain digits, or not a number at all (the
 * tool refuses it at once). */
static int cheap(const char *v, unsigned long max)
{
	char *end;
	unsigned long x;

	if (!v)
		return 1;
	if (strcmp(v, "auto") == 0)
		return 0;
	errno = 0;
	x = strtoul(v, &end, 10);
	return *v < '0' || *v > '9' || *end || errno || x <= max;
}

static int skipped(char **argv, int argc)
{
	static const struct {
		const char *name;
		unsigned long max;
	} costly[] = {
		{"iterations", 500}, {"ci", 2}, {"bootstrap", 20},
		{"gof-bootstrap", 20}, {"threads", 4},
	};
	/* plan --ci takes no value: 200 replicates, each refitting. */
	int plan = argc > 3 && strcmp(argv[3], "plan") == 0;

	for (int i = 0; i < argc; i++) {
		if (argv[i][0] == '/' || strstr(argv[i], "=/") || strstr(argv[i], "..") ||
		    (plan && strcmp(argv[i], "--ci") == 0))
			return 1;
		for (size_t k = 0; k < sizeof costly / sizeof *costly; k++) {
			const char *v;

			if (names(argv[i], costly[k].name, &v) &&
			    !cheap(v ? v : (i + 1 < argc ? argv[i + 1] : NULL),
			           costly[k].max))
				return 1;
		}
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 8], *args[MAX_ARGS];
	int argc = 0, nargs = 0, rc;
	char *errtext = NULL;
	size_t errlen = 0;
	FILE *out, *err;
	int verbose = getenv("FUZZ_CLI_VERBOSE") != NULL;
	int reader = 0;

	if (size < 1)
		return 0;
	if (!store)
		setup();
	/* The arguments, each in an exact-size buffer for ASan. */
	for (size_t at = 1; at < size && nargs < MAX_ARGS;) {
		const uint8_t *nul = memchr(data + at, 0, size - at);
		size_t n = nul ? (size_t)(nul - (data + at)) : size - at;

		if (!(args[nargs] = malloc(n + 1)))
			abort();
		memcpy(args[nargs], data + at, n);
		args[nargs++][n] = '\0';
		at += n + 1;
	}
	argv[argc++] = "precedent";
	argv[argc++] = "--db";
	argv[argc++] = "run.db";
	if (data[0] % (NCOMMANDS + 1) < NCOMMANDS) {
		const char *cmd = commands[data[0] % (NCOMMANDS + 1)];

		argv[argc++] = (char *)cmd;
		if (!strcmp(cmd, "plan") || !strcmp(cmd, "whatif") ||
		    !strcmp(cmd, "backtest"))
			argv[argc++] = "--iterations=200";
		if (!strcmp(cmd, "whatif"))
			argv[argc++] = "--ci=0"; /* not 200 bootstrap replicates */
		reader = strcmp(cmd, "import") != 0 && strcmp(cmd, "fit") != 0 &&
		         strcmp(cmd, "fitdist") != 0;
	}
	for (int i = 0; i < nargs; i++) {
		argv[argc++] = args[i];
		if (strstr(args[i], "run.db"))
			reader = 0; /* an output file may be the store */
	}
	argv[argc] = NULL;
	if (!skipped(argv, argc)) {
		go_scratch();
		reset();
		out = fopen("/dev/null", "w");
		err = open_memstream(&errtext, &errlen);
		if (!out || !err)
			abort();
		if (verbose) { /* what each input runs, and how it ends */
			for (int i = 0; i < argc; i++)
				fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
			fputc('\n', stderr);
		}
		rc = run(argc, argv, out, err);
		fclose(out);
		fclose(err);
		if (verbose)
			fprintf(stderr, "  exit %d: %.*s", rc, (int)errlen, errtext);
		if (rc != 0 && rc != EXIT_DATA && rc != EXIT_USAGE)
			abort(); /* 0, 1 or 2 (cli.h) */
		if (rc != 0 && errlen == 0)
			abort(); /* a failure says why */
		if (reader) { /* a reader never writes the store */
			size_t len;
			char *now = slurp("run.db", &len);

			if (!now || len != store_len || memcmp(now, store, len) != 0) {
				fprintf(stderr, "fuzz_cli: a reading command changed run.db\n");
				abort();
			}
			free(now);
		}
		free(errtext);
		go_home();
	}
	for (int i = 0; i < nargs; i++)
		free(args[i]);
	return 0;
}
