/*
 * date.h - calendar dates as whole day numbers.
 *
 * A pc_day counts days since 1970-01-01 in the proleptic Gregorian
 * calendar; years 0001 to 9999 are accepted.  Day numbers make durations
 * plain subtraction: an inclusive phase from a to b lasts b - a + 1 days.
 */
#ifndef PRECEDENT_DATE_H
#define PRECEDENT_DATE_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef int32_t pc_day;

/* Smallest and largest representable dates: 0001-01-01 and 9999-12-31. */
#define PC_DAY_MIN (-719162)
#define PC_DAY_MAX 2932896

/* Room for "YYYY-MM-DD" and its terminator. */
#define PC_DATE_BUF 11

/* Parse an ISO 8601 calendar date "YYYY-MM-DD" (exactly that: no time,
 * no surrounding spaces).  Returns 0 and sets *out, or -1 if s is not a
 * real date (2027-02-30 and 0000-00-00 are not). */
int pc_date_parse(const char *s, pc_day *out);

/* Parse s by a strftime-like format: %Y (4-digit year), %y (2-digit year,
 * 1969-2068), %m and %d (1 or 2 digits), %b (English month name or
 * abbreviation, any case), %% and literal characters.  A NULL or empty
 * fmt means ISO.  Returns 0 or -1 as pc_date_parse. */
int pc_date_parse_fmt(const char *s, const char *fmt, pc_day *out);

/* Write day d as "YYYY-MM-DD" into buf (at least PC_DATE_BUF bytes);
 * returns buf.  Out-of-range days are written as "????-??-??". */
char *pc_date_format(pc_day d, char *buf);

/* Day number of a valid year/month/day (no checking). */
pc_day pc_date_from_ymd(int y, int m, int d);

/* Split day d into year, month (1-12), day (1-31). */
void pc_date_to_ymd(pc_day d, int *y, int *m, int *dd);

/* Day of week of d: 0 = Monday ... 6 = Sunday. */
int pc_date_weekday(pc_day d);

/* Today's date where the user is: the local calendar day, so TZ
 * applies (UTC when the local time cannot be had). */
pc_day pc_date_today(void);

#ifdef __cplusplus
}
#endif
#endif
