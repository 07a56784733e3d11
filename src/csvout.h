/*
 * csvout.h - writing CSV that libcsv reads back unchanged.  Internal to
 * the library (history export, model export).
 */
#ifndef PRECEDENT_CSVOUT_H
#define PRECEDENT_CSVOUT_H

#include <stdio.h>

#include <precedent/history.h>

/* Write s as one CSV field, quoted (with doubled quotes inside) when
 * reading it back would otherwise change it: a comma, quote or line
 * break, or a leading or trailing blank, which libcsv trims from
 * unquoted fields. */
void pci_csv_field(FILE *out, const char *s);

/* pci_csv_field, but with PC_CSV_SAFE in flags a cell starting with
 * = + - @, a tab or a carriage return gets a ' in front, so that a
 * spreadsheet shows it as text instead of running it as a formula
 * (OWASP, "CSV Injection"). */
void pci_csv_field_flags(FILE *out, const char *s, unsigned flags);

#endif
