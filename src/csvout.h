/*
 * csvout.h - writing CSV that libcsv reads back unchanged.  Internal to
 * the library (history export, model export).
 */
#ifndef PRECEDENT_CSVOUT_H
#define PRECEDENT_CSVOUT_H

#include <stdio.h>

/* Write s as one CSV field, quoted (with doubled quotes inside) when
 * reading it back would otherwise change it: a comma, quote or line
 * break, or a leading or trailing blank, which libcsv trims from
 * unquoted fields. */
void pci_csv_field(FILE *out, const char *s);

#endif
