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
	if (ferror(stdout) | (fclose(stdout) != 0)) {
		fprintf(stderr, "precedent: write error on standard output: %s\n",
		        strerror(errno ? errno : EIO));
		return EXIT_DATA;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc = cli_run(argc, argv), c = close_stdout();

	return rc ? rc : c;
}
