/*
 * calendar.h - which days count as working days.
 *
 * A plan can count durations in every calendar day (the default, and what
 * a NULL calendar means everywhere) or in working days: Monday to Friday
 * minus a list of holidays.  Working days are numbered by an index, so a
 * duration or a lag in working days is a plain difference of indices:
 * a phase from day a to day b (inclusive) lasts
 * pc_calendar_index(b + 1) - pc_calendar_index(a) working days.
 */
#ifndef PRECEDENT_CALENDAR_H
#define PRECEDENT_CALENDAR_H

#include <stddef.h>

#include <precedent/date.h>
#include <precedent/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_calendar pc_calendar;

/* Calendar kinds, as named by --calendar. */
typedef enum pc_calendar_kind {
	PC_CALENDAR_ALL = 0,     /* every day is a working day */
	PC_CALENDAR_WEEKDAYS = 1 /* Monday to Friday, minus holidays */
} pc_calendar_kind;

/* Names of the kinds in enum order ("all", "weekdays"), ending with NULL. */
extern const char *const pc_calendar_kind_names[];

/* Allocate an empty calendar of the given kind (no holidays yet). */
int pc_calendar_new(pc_calendar_kind kind, pc_calendar **out, pc_error *err);

/* Free a calendar and set *cal to NULL. */
void pc_calendar_free(pc_calendar **cal);

/* Mark day d as a holiday.  Holidays on weekends, and holidays of an
 * "all" calendar, change nothing; adding one twice is harmless. */
int pc_calendar_add_holiday(pc_calendar *cal, pc_day d, pc_error *err);

/* Read holidays from `path`, one ISO date per line; blank lines and lines
 * starting with '#' are skipped.  As a spreadsheet exports it, the file
 * may start with a UTF-8 byte order mark and a header row of names, and
 * carry more columns (the holiday's name) after ',', ';' or a tab: the
 * date is the first column, or the one the header calls "date".  A bad
 * line fails with PC_EDATA and "PATH:LINE: 'TEXT' is not a date";
 * nothing is added then. */
int pc_calendar_read_holidays(pc_calendar *cal, const char *path,
                              pc_error *err);

/* 1 if day d is a working day (always 1 for a NULL calendar). */
int pc_calendar_is_working(const pc_calendar *cal, pc_day d);

/* The number of working days before day d, counted from 1970-01-01
 * (negative before it).  Non-decreasing in d; it grows by one across each
 * working day.  For a NULL or "all" calendar it is d itself. */
long pc_calendar_index(const pc_calendar *cal, pc_day d);

/* The working day whose index is k: the inverse of pc_calendar_index on
 * working days. */
pc_day pc_calendar_day(const pc_calendar *cal, long k);

/* Working days from `start` to `end`, both inclusive (0 if end < start or
 * no day between them is a working day). */
long pc_calendar_days(const pc_calendar *cal, pc_day start, pc_day end);

/* The last day of a span of n >= 1 working days that begins on `start`,
 * or on the first working day after it if `start` is not one: with the
 * weekdays calendar a 5-day phase starting on a Monday ends on the Friday. */
pc_day pc_calendar_add(const pc_calendar *cal, pc_day start, long n);

#ifdef __cplusplus
}
#endif
#endif
