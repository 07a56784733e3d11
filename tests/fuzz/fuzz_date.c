/*
 * fuzz_date.c - libFuzzer harness for pc_date_parse and pc_date_parse_fmt.
 *
 * The input is split at its first NUL byte: before it a format, after it
 * the text to parse (no NUL: the whole input is parsed as ISO and also
 * used as its own format).  Beyond "does not crash", it checks the
 * promises date.h makes: a parsed date is in range and formats back to
 * the same ISO text.
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/date.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_day(pc_day d)
{
	char buf[PC_DATE_BUF];
	pc_day back;

	if (d < PC_DAY_MIN || d > PC_DAY_MAX)
		abort();
	/* Every valid day round-trips through its ISO text. */
	if (pc_date_parse(pc_date_format(d, buf), &back) || back != d)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Copy into exact-size buffers so ASan sees any read past the end. */
	const uint8_t *nul = memchr(data, 0, size);
	size_t flen = nul ? (size_t)(nul - data) : size;
	char *fmt = malloc(flen + 1);
	char *text;
	pc_day d;

	if (!fmt)
		return 0;
	memcpy(fmt, data, flen);
	fmt[flen] = '\0';
	text = nul ? malloc(size - flen) : fmt;
	if (!text) {
		free(fmt);
		return 0;
	}
	if (nul) {
		memcpy(text, nul + 1, size - flen - 1);
		text[size - flen - 1] = '\0';
	}

	if (pc_date_parse(text, &d) == 0) {
		char buf[PC_DATE_BUF];

		check_day(d);
		/* ISO parsing is exact: the text is the canonical form. */
		if (strcmp(pc_date_format(d, buf), text) != 0)
			abort();
	}
	if (pc_date_parse_fmt(text, fmt, &d) == 0)
		check_day(d);
	if (pc_date_parse_fmt(text, NULL, &d) == 0)
		check_day(d);

	if (text != fmt)
		free(text);
	free(fmt);
	return 0;
}
