/* date.c - day numbers <-> calendar dates, strict parsing. */
#include <config.h>

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <precedent/date.h>

/* Days from civil, after Howard Hinnant's public-domain derivation: shift
 * the year to start in March so the leap day is the last day of the year. */
pc_day pc_date_from_ymd(int y, int m, int d)
{
	long yy = y - (m <= 2);
	long era = (yy >= 0 ? yy : yy - 399) / 400;
	long yoe = yy - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (pc_day)(era * 146097 + doe - 719468);
}

void pc_date_to_ymd(pc_day day, int *y, int *m, int *d)
{
	long z = (long)day + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long dd = doy - (153 * mp + 2) / 5 + 1;
	long mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

static int days_in_month(int y, int m)
{
	static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dim[m - 1];
}

static int valid_ymd(int y, int m, int d)
{
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 &&
	       d <= days_in_month(y, m);
}

/* Read exactly `min`..`max` decimal digits at *s. */
static int read_num(const char **s, int min, int max, int *out)
{
	int n = 0, v = 0;
	while (n < max && isdigit((unsigned char)**s)) {
		v = v * 10 + (**s - '0');
		(*s)++;
		n++;
	}
	if (n < min)
		return -1;
	*out = v;
	return 0;
}

int pc_date_parse(const char *s, pc_day *out)
{
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	if (read_num(&s, 4, 4, &y) || *s++ != '-' || read_num(&s, 2, 2, &m) ||
	    *s++ != '-' || read_num(&s, 2, 2, &d) || *s)
		return -1;
	if (!valid_ymd(y, m, d))
		return -1;
	*out = pc_date_from_ymd(y, m, d);
	return 0;
}

static const char *const month_names[12] = {
	"january", "february", "march", "april", "may", "june", "july",
	"august", "september", "october", "november", "december"};

static int read_month_name(const char **s, int *m)
{
	size_t n = 0;
	while (isalpha((unsigned char)(*s)[n]))
		n++;
	if (n < 3)
		return -1;
	for (int i = 0; i < 12; i++) {
		size_t full = strlen(month_names[i]);
		if ((n == 3 || n == full) && n <= full &&
		    strncasecmp(*s, month_names[i], n) == 0) {
			*m = i + 1;
			*s += n;
			return 0;
		}
	}
	/* "Sept" is common enough in spreadsheets to accept. */
	if (n == 4 && strncasecmp(*s, "sept", 4) == 0) {
		*m = 9;
		*s += 4;
		return 0;
	}
	return -1;
}

int pc_date_parse_fmt(const char *s, const char *fmt, pc_day *out)
{
	int y = -1, m = -1, d = -1;

	if (!fmt || !*fmt || strcmp(fmt, "%Y-%m-%d") == 0)
		return pc_date_parse(s, out);
	if (!s)
		return -1;
	for (; *fmt; fmt++) {
		if (*fmt != '%') {
			if (*s++ != *fmt)
				return -1;
			continue;
		}
		switch (*++fmt) {
		case 'Y':
			if (read_num(&s, 4, 4, &y))
				return -1;
			break;
		case 'y':
			if (read_num(&s, 2, 2, &y))
				return -1;
			y += y < 69 ? 2000 : 1900;
			break;
		case 'm':
			if (read_num(&s, 1, 2, &m))
				return -1;
			break;
		case 'd':
		case 'e':
			if (read_num(&s, 1, 2, &d))
				return -1;
			break;
		case 'b':
		case 'B':
			if (read_month_name(&s, &m))
				return -1;
			break;
		case '%':
			if (*s++ != '%')
				return -1;
			break;
		default:
			return -1; /* an unsupported or dangling conversion */
		}
	}
	if (*s || !valid_ymd(y, m, d))
		return -1;
	*out = pc_date_from_ymd(y, m, d);
	return 0;
}

char *pc_date_format(pc_day day, char *buf)
{
	int y, m, d;

	if (day < PC_DAY_MIN || day > PC_DAY_MAX) {
		memcpy(buf, "?" "?" "?" "?-?" "?-?" "?", PC_DATE_BUF); /* no trigraphs */
		return buf;
	}
	pc_date_to_ymd(day, &y, &m, &d);
	snprintf(buf, PC_DATE_BUF, "%04d-%02d-%02d", y, m, d);
	return buf;
}

int pc_date_weekday(pc_day d)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0). */
	long w = ((long)d + 3) % 7;
	return (int)(w < 0 ? w + 7 : w);
}

pc_day pc_date_today(void)
{
	time_t now = time(NULL);
	struct tm tm;

	/* The user's calendar day, not UTC's: late in the evening west of
	 * Greenwich, UTC has already moved on to tomorrow. */
	if (!localtime_r(&now, &tm))
		return (pc_day)(now / 86400);
	return pc_date_from_ymd(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}
