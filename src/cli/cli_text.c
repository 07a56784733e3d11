/*
 * cli_text.c - what the tool shows of users' text: terminal-safe names
 * in tables and messages, Markdown cells, CSV cells a spreadsheet will
 * not run, and the check that arguments are UTF-8.
 */
/* wcwidth is X/Open, not ISO C */
#define _XOPEN_SOURCE 700
#include <config.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

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

/* The columns the UTF-8 text t takes on a terminal, counting at most
 * `max` of them: *cut is set to the bytes of t that fit in max columns.
 * wcwidth knows the wide (CJK, 2) and zero-width (combining, 0)
 * characters, but only in a UTF-8 locale: the tool runs in the "C" locale
 * (its numbers must not follow the user's), so C.UTF-8 is set for this
 * thread alone, and only for the character type, while it measures. */
static size_t measure(const char *t, size_t max, size_t *cut)
{
	static locale_t utf8;
	static int tried;
	size_t n = strlen(t), w = 0;
	const char *s = t;
	locale_t old = (locale_t)0;
	mbstate_t st;

	if (!tried) {
		utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
		tried = 1;
	}
	if (utf8)
		old = uselocale(utf8);
	memset(&st, 0, sizeof st);
	while (n) {
		wchar_t wc;
		size_t k = utf8 ? mbrtowc(&wc, s, n, &st) : 0;
		int cw;

		if (!utf8) {
			/* no UTF-8 locale: one column a code point, the best guess */
			for (k = 1; k < n && ((unsigned char)s[k] & 0xc0) == 0x80; k++)
				;
			cw = 1;
		} else if (k == 0 || k == (size_t)-1 || k == (size_t)-2) {
			/* cli_text leaves none of these; count a byte as a column */
			memset(&st, 0, sizeof st);
			k = 1;
			cw = 1;
		} else {
			/* -1: unassigned or a control (cli_text shows controls as
			 * \xHH, so it is unassigned): most terminals give it one */
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (w + (size_t)cw > max)
			break;
		w += (size_t)cw;
		s += k;
		n -= k;
	}
	if (utf8)
		uselocale(old);
	if (cut)
		*cut = (size_t)(s - t);
	return w;
}

static size_t display_width(const char *t)
{
	return measure(t, (size_t)-1, NULL);
}

int cli_text_width(const char *s)
{
	size_t n;

	if (!s)
		return 0;
	n = display_width(cli_text(s));
	return n > 4096 ? 4096 : (int)n;
}

#define PAD_MAX 4096

/* t in `width` columns: cut to fit if `cut`, padded with spaces on the
 * left if `right` else on the right; in the ring. */
static const char *fit(const char *s, int width, int cut, int right)
{
	static char *ring[RING];
	static unsigned next;
	const char *t = cli_text(s ? s : "");
	size_t len = strlen(t), have, pad;
	char *e;

	if (width > PAD_MAX)
		width = PAD_MAX;
	if (width < 0)
		width = 0;
	have = cut ? measure(t, (size_t)width, &len) : display_width(t);
	pad = (size_t)width > have ? (size_t)width - have : 0;
	if (!(e = malloc(len + pad + 1)))
		return "(out of memory)";
	memset(right ? e : e + len, ' ', pad);
	memcpy(right ? e + pad : e, t, len);
	e[len + pad] = '\0';
	free(ring[next]);
	ring[next] = e;
	next = (next + 1) % RING;
	return e;
}

const char *cli_text_pad(const char *s, int width)
{
	return fit(s, width, 0, 0);
}

const char *cli_text_cut(const char *s, int width)
{
	return fit(s, width, 1, 1);
}

const char *cli_md_text(const char *s)
{
	static char *ring[RING];
	static unsigned next;
	const char *t = cli_text(s ? s : "");
	/* the worst case: every byte escaped */
	char *e = malloc(2 * strlen(t) + 1), *o;

	if (!e)
		return "(out of memory)";
	/* '|' ends a cell, '\' escapes in GitHub's Markdown; a line break
	 * is already \x0a. */
	for (o = e; *t; t++) {
		if (*t == '|' || *t == '\\')
			*o++ = '\\';
		*o++ = *t;
	}
	*o = '\0';
	free(ring[next]);
	ring[next] = e;
	next = (next + 1) % RING;
	return e;
}

void cli_md_cell(FILE *out, const char *s)
{
	fputs(cli_md_text(s), out);
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
