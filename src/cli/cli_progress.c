/*
 * cli_progress.c - one self-overwriting line on stderr that says how far
 * a long job has got, drawn from the library's pc_progress_fn calls.
 *
 * Only on a terminal: a pipe, a file or a test harness gets nothing, so
 * what the tool writes there is the same with or without it.  The state
 * is one per process rather than per command because the thing it
 * stands for, the last line of the terminal behind stderr, is too.
 */
#define _POSIX_C_SOURCE 200809L
#include <config.h>

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* Redraw at most this often: a replicate or forecast can take well
 * under a millisecond, and a terminal that scrolls 10,000 lines a second
 * slows the job it reports on. */
#define REDRAW_NS 150000000LL
/* Nothing in a job's first 200 ms: a quick command would only flash a
 * line on the screen. */
#define GRACE_NS 200000000LL

static struct {
	int on;              /* a terminal and not -q */
	int bytes;           /* units are bytes (import) */
	const char *cmd;     /* "plan", for the prefix */
	const char *label;   /* a file name, or NULL */
	const char *stage;   /* the stage last drawn */
	int shown;           /* columns now on the line (0: nothing) */
	long long last;      /* when it was drawn, in ns (monotonic) */
	long long begun;     /* when cli_progress_begin was called */
} bar;

static long long now_ns(void)
{
	struct timespec ts;

	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void cli_progress_begin(const struct cli *cli, int bytes, const char *label)
{
	memset(&bar, 0, sizeof bar);
	bar.on = !cli->quiet && isatty(STDERR_FILENO);
	bar.bytes = bytes;
	bar.cmd = cli->cmd;
	bar.label = label;
	bar.begun = now_ns();
}

void cli_progress_clear(void)
{
	if (bar.shown) {
		fprintf(stderr, "\r%*s\r", bar.shown, "");
		fflush(stderr);
	}
	bar.shown = 0;
	bar.stage = NULL;
}

void cli_progress_end(void)
{
	cli_progress_clear();
	bar.on = 0;
}

void cli_progress(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
	char line[160];
	long long t;
	int n;

	(void)ctx;
	if (!bar.on)
		return;
	t = now_ns();
	if (t - bar.begun < GRACE_NS)
		return;
	/* a new stage is drawn at once; within one, at most every 150 ms */
	if (bar.shown && bar.stage && strcmp(bar.stage, stage) == 0 &&
	    t - bar.last < REDRAW_NS)
		return;
	if (bar.bytes && total)
		n = snprintf(line, sizeof line, "precedent: %s: %.40s: %.1f of %.1f MiB "
		             "(%d%%)", bar.cmd, bar.label ? cli_text(bar.label) : stage,
		             (double)done / 1048576, (double)total / 1048576,
		             (int)(done * 100 / total));
	else if (bar.bytes)
		n = snprintf(line, sizeof line, "precedent: %s: %.40s: %.1f MiB read",
		             bar.cmd, bar.label ? cli_text(bar.label) : stage,
		             (double)done / 1048576);
	else if (total)
		n = snprintf(line, sizeof line, "precedent: %s: %s %llu of %llu (%d%%)",
		             bar.cmd, stage, (unsigned long long)done,
		             (unsigned long long)total, (int)(done * 100 / total));
	else
		n = snprintf(line, sizeof line, "precedent: %s: %s...", bar.cmd, stage);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof line)
		n = (int)sizeof line - 1;
	/* spaces over what is left of a longer line before it */
	fprintf(stderr, "\r%s%*s", line, bar.shown > n ? bar.shown - n : 0, "");
	fflush(stderr);
	if (n > bar.shown)
		bar.shown = n;
	bar.stage = stage;
	bar.last = t;
}
