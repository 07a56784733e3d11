/*
 * valgrind-control.c - a program with a known leak and a known invalid
 * read, so tests/cli/valgrind.sh can show that its memcheck set-up does
 * catch errors (a check that cannot fail proves nothing).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	/* A size the compiler cannot see, so its bounds warnings leave the
	 * overread to memcheck. */
	volatile size_t n = 8;
	char *lost = malloc(64);
	char *p = malloc(n);
	volatile char c;

	if (!lost || !p)
		return 1;
	strcpy(lost, "this block is never freed");
	memset(p, 0, n);
	c = p[n]; /* one past the end */
	(void)c;
	free(p);
	lost = NULL;
	return 0;
}
