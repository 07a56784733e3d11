/*
 * cli_text.c - what the tool shows of users' text: terminal-safe names
 * in tables and messages, Markdown cells, CSV cells a spreadsheet will
 * not run, and the check that arguments are UTF-8.
 */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include <precedent/text.h>

#include "cli.h"

/* The last few escaped strings: enough for every name in one printf. */
#define RING 8

const char *cli_text(const char *s)
{
	static char *ring[RING];
	static unsigned next;
	char *e;

	if (!s || !pc_text_needs_escape(s))
		return s;
	if (!(e = pc_text_escape(s)))
		return "(out of memory)";
	free(ring[next]);
	ring[next] = e;
	next = (next + 1) % RING;
	return e;
}

int cli_text_width(const char *s)
{
	size_t n = strlen(cli_text(s));

	return n > 4096 ? 4096 : (int)n;
}

void cli_md_cell(FILE *out, const char *s)
{
	/* '|' ends a cell, '\' escapes in GitHub's Markdown; a line break
	 * is already \x0a. */
	for (s = cli_text(s); *s; s++) {
		if (*s == '|' || *s == '\\')
			putc('\\', out);
		putc(*s, out);
	}
}

int cli_csv_risky(const char *s)
{
	/* OWASP's list: what a spreadsheet reads as the start of a formula
	 * (tab and carriage return too, which some strip first). */
	return s[0] && strchr("=+-@\t\r", s[0]) != NULL;
}

void cli_csv_cell(const struct cli *cli, const char *s)
{
	if (cli->safe_csv && cli_csv_risky(s)) {
		size_t n = strlen(s);
		char *t = malloc(n + 2);

		if (t) {
			t[0] = '\'';
			memcpy(t + 1, s, n + 1);
			cli_csv_field(t);
			free(t);
			return;
		}
	}
	cli_csv_field(s);
}

int cli_check_utf8(const struct cli *cli, int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!pc_text_utf8_valid(argv[i], strlen(argv[i])))
			return cli_usage(cli, "argument '%s' is not valid UTF-8 (names "
			                 "are shown and written as UTF-8; a byte "
			                 "that is not is shown as \\xHH here)", argv[i]);
	return 0;
}
