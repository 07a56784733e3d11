/* calendar.c - working days: weekday arithmetic plus a sorted holiday list. */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <precedent/calendar.h>

struct pc_calendar {
	pc_calendar_kind kind;
	size_t nholidays;
	size_t cap;
	pc_day *holidays; /* sorted, unique, weekdays only */
};

const char *const pc_calendar_kind_names[] = {"all", "weekdays", NULL};

int pc_calendar_new(pc_calendar_kind kind, pc_calendar **out, pc_error *err)
{
	pc_calendar *c;

	if (kind != PC_CALENDAR_ALL && kind != PC_CALENDAR_WEEKDAYS)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "unknown calendar kind %d",
		                    (int)kind);
	c = calloc(1, sizeof *c);
	if (!c)
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	c->kind = kind;
	*out = c;
	return PC_OK;
}

void pc_calendar_free(pc_calendar **cal)
{
	if (!cal || !*cal)
		return;
	free((*cal)->holidays);
	free(*cal);
	*cal = NULL;
}

static int weekend(pc_day d)
{
	return pc_date_weekday(d) >= 5;
}

/* Holidays strictly before d (binary search). */
static size_t holidays_before(const pc_calendar *c, pc_day d)
{
	size_t lo = 0, hi = c->nholidays;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->holidays[mid] < d)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_holiday(const pc_calendar *c, pc_day d)
{
	size_t i = holidays_before(c, d);
	return i < c->nholidays && c->holidays[i] == d;
}

int pc_calendar_add_holiday(pc_calendar *c, pc_day d, pc_error *err)
{
	size_t i;

	/* Weekend holidays would be subtracted twice; an "all" calendar has
	 * no days off by definition. */
	if (c->kind != PC_CALENDAR_WEEKDAYS || weekend(d) || is_holiday(c, d))
		return PC_OK;
	if (c->nholidays == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 16;
		pc_day *p = realloc(c->holidays, cap * sizeof *p);
		if (!p)
			return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		c->holidays = p;
		c->cap = cap;
	}
	i = holidays_before(c, d);
	memmove(c->holidays + i + 1, c->holidays + i,
	        (c->nholidays - i) * sizeof *c->holidays);
	c->holidays[i] = d;
	c->nholidays++;
	return PC_OK;
}

/* The fields of a holidays file line are separated by ',', ';' or a tab
 * (a date and the holiday's name, as spreadsheets export them). */
static int field_sep(char c)
{
	return c == ',' || c == ';' || c == '\t';
}

/* Field `col` (from 0) of line s, cut out in place, blanks and quotes
 * trimmed; NULL when the line has fewer fields. */
static char *date_field(char *s, int col)
{
	char *e;

	for (; col > 0; col--) {
		while (*s && !field_sep(*s))
			s++;
		if (!*s)
			return NULL;
		s++;
	}
	for (e = s; *e && !field_sep(*e); e++)
		;
	*e = '\0';
	while (*s == ' ' || *s == '\t' || *s == '"')
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '"'))
		*--e = '\0';
	return s;
}

/* If line (as read, a header of names) has a column called "date" (any
 * case), its index; else 0 when the line is names at all (it starts with
 * a letter), -1 when it is not a header. */
static int header_date_column(const char *line)
{
	int col = 0;
	const char *s = line;

	if (strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;
	while (*s == ' ' || *s == '\t' || *s == '"')
		s++;
	if (!isalpha((unsigned char)*s))
		return -1;
	for (;;) {
		const char *e = s;
		size_t n;

		while (*e && !field_sep(*e) && *e != '\r' && *e != '\n')
			e++;
		n = (size_t)(e - s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '"'))
			n--;
		if (n == 4 && strncasecmp(s, "date", 4) == 0)
			return col;
		if (!field_sep(*e))
			return 0;
		s = e + 1;
		while (*s == ' ' || *s == '\t' || *s == '"')
			s++;
		col++;
	}
}

int pc_calendar_read_holidays(pc_calendar *c, const char *path, pc_error *err)
{
	FILE *f = fopen(path, "r");
	char line[256], whole[256];
	long lineno = 0;
	int datecol = 0, seen = 0;
	size_t n = 0, cap = 0;
	pc_day *days = NULL;
	int rc = PC_OK;

	if (!f)
		return pc_error_set(err, PC_EIO, path, 0, "cannot open: %s",
		                    strerror(errno));
	/* Parse everything first, so a bad line adds nothing. */
	while (fgets(line, sizeof line, f)) {
		char *s = line, *e;
		pc_day d;

		lineno++;
		memcpy(whole, line, sizeof whole);
		if (!strchr(line, '\n') && !feof(f)) {
			rc = pc_error_set(err, PC_EDATA, path, lineno, "line too long");
			goto out;
		}
		/* A spreadsheet's export starts with a UTF-8 byte order mark. */
		if (lineno == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3;
		while (*s == ' ' || *s == '\t')
			s++;
		e = s + strlen(s);
		while (e > s && (e[-1] == '\n' || e[-1] == '\r' || e[-1] == ' ' ||
		                 e[-1] == '\t'))
			*--e = '\0';
		if (!*s || *s == '#')
			continue;
		if (!(s = date_field(s, datecol))) {
			rc = pc_error_set(err, PC_EDATA, path, lineno,
			                  "no column %d (the date)", datecol + 1);
			goto out;
		}
		if (pc_date_parse(s, &d)) {
			/* The first line may name the columns: "date,name". */
			if (!seen && (datecol = header_date_column(whole)) >= 0) {
				seen = 1;
				continue;
			}
			rc = pc_error_set(err, PC_EDATA, path, lineno,
			                  "'%s' is not a date", s);
			goto out;
		}
		seen = 1;
		if (n == cap) {
			size_t nc = cap ? 2 * cap : 32;
			pc_day *p = realloc(days, nc * sizeof *p);
			if (!p) {
				rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
				goto out;
			}
			days = p;
			cap = nc;
		}
		days[n++] = d;
	}
	if (ferror(f)) {
		rc = pc_error_set(err, PC_EIO, path, 0, "read error");
		goto out;
	}
	for (size_t i = 0; i < n && rc == PC_OK; i++)
		rc = pc_calendar_add_holiday(c, days[i], err);
out:
	free(days);
	fclose(f);
	return rc;
}

int pc_calendar_is_working(const pc_calendar *c, pc_day d)
{
	if (!c || c->kind == PC_CALENDAR_ALL)
		return 1;
	return !weekend(d) && !is_holiday(c, d);
}

static long floordiv(long a, long b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Weekdays in [1970-01-01, d).  1969-12-29 (day -3) was a Monday, so count
 * whole weeks from there and take off the three weekdays before the epoch. */
static long weekdays_before(pc_day d)
{
	long x = (long)d + 3;
	long w = floordiv(x, 7);
	long r = x - 7 * w;
	return 5 * w + (r < 5 ? r : 5) - 3;
}

/* The weekday with weekdays_before() == k. */
static pc_day weekday_at(long k)
{
	long x = k + 3;
	long w = floordiv(x, 5);
	long r = x - 5 * w;
	return (pc_day)(7 * w + r - 3);
}

long pc_calendar_index(const pc_calendar *c, pc_day d)
{
	if (!c || c->kind == PC_CALENDAR_ALL)
		return d;
	return weekdays_before(d) - (long)holidays_before(c, d);
}

pc_day pc_calendar_day(const pc_calendar *c, long k)
{
	pc_day d;
	size_t h = 0, h2;

	if (!c || c->kind == PC_CALENDAR_ALL)
		return (pc_day)k;
	/* Skip as many extra weekdays as there are holidays before the
	 * answer; the count only grows, so this reaches a fixed point. */
	for (;;) {
		d = weekday_at(k + (long)h);
		h2 = holidays_before(c, d);
		if (h2 == h)
			break;
		h = h2;
	}
	/* A holiday has the index of the next working day. */
	while (!pc_calendar_is_working(c, d))
		d++;
	return d;
}

long pc_calendar_days(const pc_calendar *c, pc_day start, pc_day end)
{
	if (end < start)
		return 0;
	return pc_calendar_index(c, end + 1) - pc_calendar_index(c, start);
}

pc_day pc_calendar_add(const pc_calendar *c, pc_day start, long n)
{
	return pc_calendar_day(c, pc_calendar_index(c, start) + n - 1);
}
