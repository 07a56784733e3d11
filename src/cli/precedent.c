/*
 * precedent.c - main(): run the tool (main.c), then make sure what it
 * wrote reached standard output.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* datamash and coreutils check this: a full disk must not pass for success. */
static int close_stdout(void)
{
	int bad, e;

	/* errno from this flush, not whatever the command left in it: a
	 * stream that failed before keeps its unwritten bytes, and writing
	 * them again tells why.  When the flush has nothing left to say (a
	 * writer's own write failed and its bytes are gone), the writer kept
	 * the reason in cli_stdout_errno. */
	errno = 0;
	bad = fflush(stdout) != 0;
	e = errno;
	bad |= ferror(stdout);
	if (fclose(stdout) != 0 && !e)
		e = errno, bad = 1;
	if (bad && !e)
		e = cli_stdout_errno;
	if (bad) {
		fprintf(stderr, "precedent: write error on standard output: %s\n",
		        strerror(e ? e : EIO));
		return EXIT_DATA;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc = cli_run(argc, argv), c = close_stdout();

	return rc ? rc : c;
}
