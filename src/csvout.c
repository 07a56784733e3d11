/* csvout.c - CSV fields that survive a round trip through libcsv. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "csvout.h"

void pci_csv_field(FILE *out, const char *s)
{
	size_t n = strlen(s);
	int quote = n && (strpbrk(s, ",\"\r\n") || s[0] == ' ' || s[0] == '\t' ||
	                  s[n - 1] == ' ' || s[n - 1] == '\t');

	if (!quote) {
		fputs(s, out);
		return;
	}
	putc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', out);
		putc(*s, out);
	}
	putc('"', out);
}

void pci_csv_field_flags(FILE *out, const char *s, unsigned flags)
{
	if ((flags & PC_CSV_SAFE) && s[0] && strchr("=+-@\t\r", s[0])) {
		size_t n = strlen(s);
		char *t = malloc(n + 2);

		/* out of memory: a plain ' then the cell, unquoted as needed
		 * for the rest (it cannot start with a blank) */
		if (!t) {
			putc('\'', out);
			pci_csv_field(out, s);
			return;
		}
		t[0] = '\'';
		memcpy(t + 1, s, n + 1);
		pci_csv_field(out, t);
		free(t);
		return;
	}
	pci_csv_field(out, s);
}
