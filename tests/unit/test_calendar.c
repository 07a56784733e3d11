/* test_calendar.c - working-day arithmetic.  Reference counts come from
 * numpy (np.busday_count / np.busday_offset with the same holidays), e.g.
 * np.busday_count('2026-12-21', '2027-01-11',
 *                 holidays=['2026-12-25', '2027-01-01', '2026-12-26']) == 13
 * and np.busday_offset('2026-12-21', 14, roll='forward',
 *                      holidays=[...]) == 2027-01-12. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <precedent/calendar.h>

static pc_day D(const char *s)
{
	pc_day d = 0;
	assert_int_equal(pc_date_parse(s, &d), 0);
	return d;
}

static void test_all_days(void **state)
{
	(void)state;
	/* NULL means every day counts: durations are plain inclusive days. */
	assert_int_equal(pc_calendar_days(NULL, D("2027-01-04"), D("2027-01-08")), 5);
	assert_int_equal(pc_calendar_add(NULL, D("2027-01-04"), 5), D("2027-01-08"));
	assert_int_equal(pc_calendar_index(NULL, D("2027-01-04")), 20822);
	assert_int_equal(pc_calendar_day(NULL, 20822), D("2027-01-04"));
}

static void test_weekdays(void **state)
{
	pc_calendar *c = NULL;
	(void)state;
	assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &c, NULL), 0);
	/* A 5-working-day phase starting Monday 2027-01-04 ends Friday. */
	assert_int_equal(pc_calendar_add(c, D("2027-01-04"), 5), D("2027-01-08"));
	/* Starting on a Saturday, the span begins on Monday. */
	assert_int_equal(pc_calendar_add(c, D("2027-01-02"), 5), D("2027-01-08"));
	/* 6 working days from a Friday: Fri + Mon..Fri of the next week -1. */
	assert_int_equal(pc_calendar_add(c, D("2027-01-08"), 6), D("2027-01-15"));
	assert_int_equal(pc_calendar_days(c, D("2027-01-04"), D("2027-01-08")), 5);
	assert_int_equal(pc_calendar_days(c, D("2027-01-01"), D("2027-01-31")), 21);
	assert_int_equal(pc_calendar_days(c, D("2027-01-09"), D("2027-01-10")), 0);
	assert_int_equal(pc_calendar_is_working(c, D("2027-01-09")), 0);
	assert_int_equal(pc_calendar_is_working(c, D("2027-01-11")), 1);
	/* Index and day are inverse on working days, across the epoch too. */
	for (pc_day d = D("1969-11-01"); d < D("1970-03-01"); d++)
		if (pc_calendar_is_working(c, d))
			assert_int_equal(pc_calendar_day(c, pc_calendar_index(c, d)), d);
	for (pc_day d = D("2026-01-01"); d < D("2028-01-01"); d++) {
		long a = pc_calendar_index(c, d), b = pc_calendar_index(c, d + 1);
		assert_int_equal(b - a, pc_calendar_is_working(c, d));
	}
	pc_calendar_free(&c);
	assert_null(c);
}

static void test_holidays(void **state)
{
	pc_calendar *c = NULL;
	pc_error err;
	FILE *f;
	char path[] = "/tmp/pc-holidays-XXXXXX";
	int fd;
	(void)state;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# year end\n2026-12-25\n\n2027-01-01\n2026-12-26\n", f);
	fclose(f);
	assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &c, NULL), 0);
	assert_int_equal(pc_calendar_read_holidays(c, path, &err), 0);
	assert_int_equal(pc_calendar_days(c, D("2026-12-21"), D("2027-01-10")), 13);
	assert_int_equal(pc_calendar_add(c, D("2026-12-21"), 15), D("2027-01-12"));
	assert_int_equal(pc_calendar_is_working(c, D("2026-12-25")), 0);
	/* A holiday has the index of the next working day. */
	assert_int_equal(pc_calendar_day(c, pc_calendar_index(c, D("2026-12-25"))),
	                 D("2026-12-28"));
	for (pc_day d = D("2026-12-01"); d < D("2027-02-01"); d++)
		if (pc_calendar_is_working(c, d))
			assert_int_equal(pc_calendar_day(c, pc_calendar_index(c, d)), d);

	/* A bad line is reported with file and line, and adds nothing. */
	f = fopen(path, "w");
	fputs("2027-05-03\n2027-02-30\n", f);
	fclose(f);
	assert_int_equal(pc_calendar_read_holidays(c, path, &err), PC_EDATA);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg, "'2027-02-30' is not a date");
	assert_int_equal(pc_calendar_is_working(c, D("2027-05-03")), 1);
	unlink(path);
	assert_int_equal(pc_calendar_read_holidays(c, path, &err), PC_EIO);
	pc_calendar_free(&c);
}

/* As a spreadsheet exports a holiday list: a byte order mark, a header,
 * the holiday's name beside its date (either column), CRLF, quotes. */
static void test_holidays_spreadsheet(void **state)
{
	static const char *const files[] = {
		"\xef\xbb\xbf" "Date,Name\r\n2026-12-25,Christmas Day\r\n"
		"\"2027-01-01\",\"New Year's Day, observed\"\r\n",
		"Holiday;Date\nChristmas Day;2026-12-25\nNew Year;2027-01-01\n",
		"date\tname\n2026-12-25\tChristmas\n2027-01-01\tNew Year\n",
	};
	pc_calendar *c = NULL;
	pc_error err;
	char path[] = "/tmp/pc-holidays-XXXXXX";
	(void)state;

	for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
		int fd = mkstemp(path);
		FILE *f;

		assert_true(fd >= 0);
		f = fdopen(fd, "w");
		fputs(files[i], f);
		fclose(f);
		assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &c, NULL), 0);
		assert_int_equal(pc_calendar_read_holidays(c, path, &err), PC_OK);
		assert_int_equal(pc_calendar_is_working(c, D("2026-12-25")), 0);
		assert_int_equal(pc_calendar_is_working(c, D("2027-01-01")), 0);
		assert_int_equal(pc_calendar_is_working(c, D("2026-12-24")), 1);
		pc_calendar_free(&c);
		unlink(path);
		strcpy(path, "/tmp/pc-holidays-XXXXXX");
	}
	/* A name where the date should be, after the header, is an error. */
	{
		int fd = mkstemp(path);
		FILE *f;

		f = fdopen(fd, "w");
		fputs("date,name\nChristmas,2026-12-25\n", f);
		fclose(f);
		assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &c, NULL), 0);
		assert_int_equal(pc_calendar_read_holidays(c, path, &err), PC_EDATA);
		assert_int_equal(err.line, 2);
		assert_string_equal(err.msg, "'Christmas' is not a date");
		pc_calendar_free(&c);
		unlink(path);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_days),
		cmocka_unit_test(test_weekdays),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_holidays_spreadsheet),
	};
	return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
