/*
 * report_internal.h - the report's statistics, internal to the library
 * and visible to its unit tests.
 */
#ifndef PRECEDENT_REPORT_INTERNAL_H
#define PRECEDENT_REPORT_INTERNAL_H

#include <stddef.h>

/* The Kaplan-Meier estimate of the CDF from n durations (days) sorted
 * ascending, with censored ones (ongoing[i] = 1) after finished ones of
 * the same length: writes at t[k] the k-th distinct finished duration
 * and at f[k] the estimated share finished by then (0..1), and returns
 * how many steps it wrote (at most n). */
size_t pci_km(const double *days, const int *ongoing, size_t n, double *t,
              double *f);

#endif
