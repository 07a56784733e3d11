/*
 * ics.c - the plan's milestones as an iCalendar file (RFC 5545).
 *
 * Lines are built whole in a buffer, then written folded: a content line
 * longer than 75 octets continues on the next line after CRLF and one
 * space (3.1), never inside a UTF-8 sequence.  Text values escape
 * backslash, semicolon, comma and newline (3.3.11); other control
 * characters, which TEXT cannot hold, and invalid UTF-8 become U+FFFD.
 */
#include <config.h>

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <precedent/report.h>

#include "svg_internal.h"

#define ICS_LINE_MAX 4096

static const char *D_(pc_day d, char *buf)
{
	return pc_date_format(d, buf);
}

struct line {
	char buf[ICS_LINE_MAX];
	size_t n;
};

static void l_raw(struct line *l, const char *s, size_t n)
{
	if (n > sizeof l->buf - 1 - l->n)
		n = sizeof l->buf - 1 - l->n;  /* a name this long is cut */
	memcpy(l->buf + l->n, s, n);
	l->n += n;
	l->buf[l->n] = 0;
}

static void l_fmt(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void l_fmt(struct line *l, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n > 0)
		l_raw(l, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Append s as an escaped TEXT value. */
static void l_text(struct line *l, const char *s)
{
	unsigned cp;
	char b[4];

	while (*s) {
		s += pci_utf8_next(s, &cp);
		switch (cp) {
		case '\\': l_raw(l, "\\\\", 2); break;
		case ';': l_raw(l, "\\;", 2); break;
		case ',': l_raw(l, "\\,", 2); break;
		case '\n': l_raw(l, "\\n", 2); break;
		case '\r': break;  /* CRLF in a name is one line break */
		default:
			if ((cp < 0x20 && cp != '\t') || cp == 0x7F)
				cp = 0xFFFD;
			l_raw(l, b, pci_utf8_encode(cp, b));
		}
	}
}

/* Write the line folded at 75 octets, ending in CRLF, and empty it. */
static void l_put(struct line *l, FILE *out)
{
	const unsigned char *s = (const unsigned char *)l->buf;
	size_t col = 0;

	for (size_t i = 0; i < l->n;) {
		size_t len = 1;
		/* the whole UTF-8 sequence goes on one line */
		while (i + len < l->n && (s[i + len] & 0xC0) == 0x80)
			len++;
		if (col + len > 75) {
			fputs("\r\n ", out);
			col = 1;
		}
		fwrite(s + i, 1, len, out);
		col += len;
		i += len;
	}
	fputs("\r\n", out);
	l->n = 0;
	l->buf[0] = 0;
}

/* FNV-1a, 64 bits: a stable digest of who and what, for the UID. */
static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	h ^= 0xff;  /* a separator, so ("ab","c") and ("a","bc") differ */
	h *= 0x100000001b3ULL;
	return h;
}

static void event(FILE *out, struct line *l, const char *stamp,
                  const char *customer, const char *kind, const char *phase,
                  pc_day day, const char *summary_fmt, const char *desc)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	int y, m, d;

	h = fnv(h, customer ? customer : "");
	h = fnv(h, kind);
	h = fnv(h, phase);
	l_fmt(l, "BEGIN:VEVENT");
	l_put(l, out);
	l_fmt(l, "UID:%016llx-%s@precedent", (unsigned long long)h, kind);
	l_put(l, out);
	l_fmt(l, "DTSTAMP:%s", stamp);
	l_put(l, out);
	pc_date_to_ymd(day, &y, &m, &d);
	l_fmt(l, "DTSTART;VALUE=DATE:%04d%02d%02d", y, m, d);
	l_put(l, out);
	/* all-day events end (exclusively) the next day */
	pc_date_to_ymd(day + 1, &y, &m, &d);
	l_fmt(l, "DTEND;VALUE=DATE:%04d%02d%02d", y, m, d);
	l_put(l, out);
	l_raw(l, "SUMMARY:", 8);
	if (customer) {
		l_text(l, customer);
		l_raw(l, ": ", 2);
	}
	{
		/* summary_fmt holds one %s, the phase */
		const char *at = strstr(summary_fmt, "%s");
		l_raw(l, summary_fmt, (size_t)(at - summary_fmt));
		l_text(l, phase);
		l_raw(l, at + 2, strlen(at + 2));
	}
	l_put(l, out);
	l_raw(l, "DESCRIPTION:", 12);
	l_text(l, desc);
	l_put(l, out);
	l_fmt(l, "TRANSP:TRANSPARENT");
	l_put(l, out);
	l_fmt(l, "END:VEVENT");
	l_put(l, out);
}

int pc_report_ics(const pc_report *r, time_t stamp, FILE *out, pc_error *err)
{
	struct line *l;
	const pc_plan *p = r->plan;
	const pc_whatif *w = r->whatif;
	char st[32], desc[512], a[PC_DATE_BUF], b[PC_DATE_BUF], c[PC_DATE_BUF];
	int q = -1, pct;
	struct tm tm;

	for (int i = 0; i < PC_PLAN_NPCT; i++)
		if (fabs(pc_plan_pct[i] - r->o.confidence) < 1e-9)
			q = i;
	if (q < 0)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "--confidence: the "
		                    "calendar takes 0.1, 0.5, 0.8 or 0.9 (the levels "
		                    "a plan reports), not %g", r->o.confidence);
	pct = (int)lround(pc_plan_pct[q] * 100);
	gmtime_r(&stamp, &tm);
	strftime(st, sizeof st, "%Y%m%dT%H%M%SZ", &tm);
	l = calloc(1, sizeof *l);  /* big: kept off the stack */
	if (!l)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	fputs("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
	      "PRODID:-//precedent//release plan//EN\r\nCALSCALE:GREGORIAN\r\n"
	      "METHOD:PUBLISH\r\n", out);
	l_raw(l, "X-WR-CALNAME:Release plan", 25);
	if (r->o.customer) {
		l_raw(l, " for ", 5);
		l_text(l, r->o.customer);
	}
	l_put(l, out);
	for (size_t j = 0; j < p->nphases; j++) {
		const pc_plan_dates *f = &p->phases[j].finish;
		snprintf(desc, sizeof desc, "Finished by this day with %d%% "
		         "probability (P50 %s, P90 %s). Start %s (P50).", pct,
		         D_(f->day[1], a), D_(f->day[3], b),
		         D_(p->phases[j].start.day[1], c));
		event(out, l, st, r->o.customer, "finish", p->phases[j].phase,
		      f->day[q], pct == 80 ? "%s done (P80)" : pct == 50 ?
		      "%s done (P50)" : pct == 90 ? "%s done (P90)" : "%s done (P10)",
		      desc);
	}
	snprintf(desc, sizeof desc, "The whole release is finished by this day "
	         "with %d%% probability (P50 %s, P90 %s), simulated from %zu "
	         "past projects.", pct, D_(p->finish.day[1], a),
	         D_(p->finish.day[3], b), r->h ? r->h->nprojects : r->pm->nprojects);
	event(out, l, st, r->o.customer, "release", "release", p->finish.day[q],
	      pct == 80 ? "%s (P80)" : pct == 50 ? "%s (P50)" : pct == 90 ?
	      "%s (P90)" : "%s (P10)", desc);
	for (size_t j = 0; j < w->nphases; j++) {
		const pc_whatif_phase *ph = w->phases + j;
		if (ph->no_checkpoint || ph->skipped || ph->fixed)
			continue;
		snprintf(desc, sizeof desc, "Finish the phase by this day to keep "
		         "%.0f%% odds of releasing by %s.", w->confidence * 100,
		         D_(r->target, a));
		event(out, l, st, r->o.customer, "checkpoint", ph->phase,
		      ph->checkpoint, "checkpoint: %s", desc);
	}
	fputs("END:VCALENDAR\r\n", out);
	free(l);
	if (ferror(out))
		return pc_error_set(err, PC_EIO, NULL, 0, "cannot write the calendar");
	return PC_OK;
}
