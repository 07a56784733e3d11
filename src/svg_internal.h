/*
 * svg_internal.h - writing XML text safely and drawing the pieces every
 * chart of the report shares (date axes, ticks).  Internal to the library
 * (report.c, ics.c).
 *
 * Every string that comes from the data (customer, phase and attribute
 * names) goes through pci_xml_text: the names come from the user's CSV
 * and may hold markup, quotes, control characters or broken UTF-8.
 */
#ifndef PRECEDENT_SVG_INTERNAL_H
#define PRECEDENT_SVG_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include <precedent/date.h>

/* Decode the UTF-8 sequence at s (s[0] != 0): sets *cp to the code point,
 * or to U+FFFD for an invalid, overlong or truncated sequence, and returns
 * the bytes it took (1 for an invalid lead byte, so decoding resumes). */
size_t pci_utf8_next(const char *s, unsigned *cp);

/* Encode code point cp (at most U+10FFFF) as UTF-8 into buf (room for
 * 4 bytes, not terminated); returns the bytes written. */
size_t pci_utf8_encode(unsigned cp, char *buf);

/* Write code point cp as UTF-8. */
void pci_utf8_put(FILE *out, unsigned cp);

/* Write s as XML text or a double- or single-quoted attribute value:
 * & < > " ' become references; tab, newline and carriage return become
 * &#9; &#10; &#13; (kept in attributes); the other control characters,
 * which XML 1.0 cannot hold even as references, and invalid UTF-8 become
 * U+FFFD.  At most max code points are written (0: no limit); a longer
 * string ends in an ellipsis instead, so a label cannot leave its box. */
void pci_xml_text(FILE *out, const char *s, size_t max);

/* The number of code points in s (invalid bytes count one each). */
size_t pci_utf8_len(const char *s);

/* A horizontal date axis: day d0 at pixel x0, the end of day d1 at x1. */
typedef struct pci_axis {
	pc_day d0, d1;
	double x0, x1;
} pci_axis;

/* The pixel where day d begins. */
double pci_axis_x(const pci_axis *a, double d);

/* Draw the axis line at height y with date ticks and labels below it (at
 * most one label per 90 pixels, on the first of the month for long spans,
 * on Mondays for a few weeks, on days for short ones). */
void pci_axis_draw(FILE *out, const pci_axis *a, double y, double grid_top);

#endif
