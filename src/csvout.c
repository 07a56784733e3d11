/* csvout.c - CSV fields that survive a round trip through libcsv. */
#include <config.h>

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
