/*
 * svg.c - safe XML text and the date axes of the report's charts.
 */
#include <config.h>

#include <math.h>
#include <string.h>

#include "svg_internal.h"

size_t pci_utf8_next(const char *s, unsigned *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	unsigned c = u[0], min;
	size_t n;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; c &= 0x1F; min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; c &= 0x0F; min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; c &= 0x07; min = 0x10000;
	} else {
		*cp = 0xFFFD;
		return 1;
	}
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80) {  /* also stops at the NUL */
			*cp = 0xFFFD;
			return i;
		}
		c = c << 6 | (u[i] & 0x3F);
	}
	/* overlong forms, UTF-16 surrogates and beyond U+10FFFF are not text */
	if (c < min || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		c = 0xFFFD;
	*cp = c;
	return n;
}

size_t pci_utf8_encode(unsigned cp, char *buf)
{
	unsigned char *u = (unsigned char *)buf;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	u[0] = (unsigned char)(0xF0 | cp >> 18);
	u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	u[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

void pci_utf8_put(FILE *out, unsigned cp)
{
	char b[4];
	fwrite(b, 1, pci_utf8_encode(cp, b), out);
}

size_t pci_utf8_len(const char *s)
{
	size_t n = 0;
	unsigned cp;

	while (*s) {
		s += pci_utf8_next(s, &cp);
		n++;
	}
	return n;
}

void pci_xml_text(FILE *out, const char *s, size_t max)
{
	size_t n = 0, len = max ? pci_utf8_len(s) : 0;
	unsigned cp;

	while (*s) {
		if (max && len > max && n + 1 == max) {
			pci_utf8_put(out, 0x2026); /* the ellipsis */
			return;
		}
		s += pci_utf8_next(s, &cp);
		n++;
		switch (cp) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		case '\t': fputs("&#9;", out); break;
		case '\n': fputs("&#10;", out); break;
		case '\r': fputs("&#13;", out); break;
		default:
			/* C0 and C1 controls and non-characters are not XML 1.0 */
			if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) ||
			    cp == 0xFFFE || cp == 0xFFFF)
				cp = 0xFFFD;
			pci_utf8_put(out, cp);
		}
	}
}

double pci_axis_x(const pci_axis *a, double d)
{
	double span = (double)a->d1 - (double)a->d0 + 1.0;
	return a->x0 + (d - (double)a->d0) / span * (a->x1 - a->x0);
}

/* Is day d a tick for a step of `step` days (1, 2, 7, 14) or months
 * (step >= 28: 1, 2, 3, 6, 12 months as 28, 56, 84, 168, 336)? */
static int is_tick(pc_day d, int step)
{
	int y, m, dd;

	if (step < 28) {
		if (step >= 7)  /* Mondays (pc_date_weekday 0) */
			return pc_date_weekday(d) == 0 && (step == 7 || (d / 7) % 2 == 0);
		return d % step == 0;
	}
	pc_date_to_ymd(d, &y, &m, &dd);
	return dd == 1 && (m - 1) % (step / 28) == 0;
}

void pci_axis_draw(FILE *out, const pci_axis *a, double y, double grid_top)
{
	static const int steps[] = {1, 2, 7, 14, 28, 56, 84, 168, 336, 0};
	double width = a->x1 - a->x0;
	long span = (long)a->d1 - (long)a->d0 + 1;
	int maxticks = (int)(width / 90.0), step = 336;
	char buf[PC_DATE_BUF];

	if (maxticks < 2)
		maxticks = 2;
	for (int i = 0; steps[i]; i++) {
		/* the number of ticks a step gives over the span, roughly */
		double n = steps[i] >= 28 ? span / (steps[i] / 28 * 30.44) : (double)span / steps[i];
		if (n <= maxticks) {
			step = steps[i];
			break;
		}
	}
	fprintf(out, "<g class=\"axis\"><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
	        "y2=\"%.1f\" stroke=\"#333\"/>\n", a->x0, y, a->x1, y);
	for (pc_day d = a->d0; d <= a->d1; d++) {
		double x;
		if (!is_tick(d, step))
			continue;
		x = pci_axis_x(a, (double)d);
		/* a label centred on a tick near either end would leave the box */
		const char *anchor = x - a->x0 < 34 ? "start" : a->x1 - x < 34 ? "end" : "middle";
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#ddd\"/>", x, grid_top, x, y);
		fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		        "stroke=\"#333\"/>", x, y, x, y + 4);
		fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" "
		        "class=\"tick\" font-size=\"11\" fill=\"#333\">%s</text>\n", x, y + 16, anchor,
		        pc_date_format(d, buf));
	}
	fputs("</g>\n", out);
}
