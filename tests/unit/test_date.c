/* test_date.c - day numbers and date parsing.  Reference day numbers come
 * from GNU date (`date -u -d 2027-01-04 +%s` / 86400) and Python's
 * datetime.date.toordinal() - 719163; weekdays from `cal`. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include <precedent/date.h>

static void test_known_days(void **state)
{
	static const struct { const char *s; pc_day d; } ref[] = {
		{"1970-01-01", 0},
		{"2027-01-04", 20822},
		{"2000-02-29", 11016},
		{"1969-12-31", -1},
		{"0001-01-01", PC_DAY_MIN},
		{"9999-12-31", PC_DAY_MAX},
		{"2026-11-27", 20784},
	};
	(void)state;
	for (size_t i = 0; i < sizeof ref / sizeof *ref; i++) {
		pc_day d = 12345;
		char buf[PC_DATE_BUF];
		assert_int_equal(pc_date_parse(ref[i].s, &d), 0);
		assert_int_equal(d, ref[i].d);
		assert_string_equal(pc_date_format(d, buf), ref[i].s);
	}
}

static void test_round_trip_every_day(void **state)
{
	(void)state;
	/* Every day from 1600 to 2400 survives day -> ymd -> day. */
	for (pc_day d = pc_date_from_ymd(1600, 1, 1); d < pc_date_from_ymd(2400, 1, 1); d++) {
		int y, m, dd;
		pc_date_to_ymd(d, &y, &m, &dd);
		assert_int_equal(pc_date_from_ymd(y, m, dd), d);
	}
}

static void test_rejects_non_dates(void **state)
{
	static const char *const bad[] = {
		"2027-02-30", "0000-00-00", "2027-13-01", "2027-00-10", "2027-1-04",
		"2027-01-4", " 2027-01-04", "2027-01-04 ", "2027/01/04", "20270104",
		"2100-02-29", "", "abcd-ef-gh", "2027-01-04T00:00", "+027-01-04",
		"2027-01-32", "1900-02-29",
	};
	pc_day d = 7;
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_int_equal(pc_date_parse(bad[i], &d), -1);
		assert_int_equal(d, 7); /* untouched on failure */
	}
	assert_int_equal(pc_date_parse(NULL, &d), -1);
	assert_int_equal(pc_date_parse("2000-02-29", &d), 0); /* leap century */
}

static void test_formats(void **state)
{
	pc_day d;
	(void)state;
	assert_int_equal(pc_date_parse_fmt("04/01/2027", "%d/%m/%Y", &d), 0);
	assert_int_equal(d, 20822);
	assert_int_equal(pc_date_parse_fmt("1/4/2027", "%m/%d/%Y", &d), 0);
	assert_int_equal(d, 20822);
	assert_int_equal(pc_date_parse_fmt("4 Jan 27", "%d %b %y", &d), 0);
	assert_int_equal(d, 20822);
	assert_int_equal(pc_date_parse_fmt("4-JANUARY-2027", "%d-%b-%Y", &d), 0);
	assert_int_equal(d, 20822);
	assert_int_equal(pc_date_parse_fmt("2027-01-04", NULL, &d), 0);
	assert_int_equal(pc_date_parse_fmt("31/02/2027", "%d/%m/%Y", &d), -1);
	assert_int_equal(pc_date_parse_fmt("04/01/2027x", "%d/%m/%Y", &d), -1);
	assert_int_equal(pc_date_parse_fmt("04/01/2027", "%d/%m/%Q", &d), -1);
	assert_int_equal(pc_date_parse_fmt("04/01/2027", "%d/%m/%", &d), -1);
	assert_int_equal(pc_date_parse_fmt("4 Ja 27", "%d %b %y", &d), -1);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(pc_date_weekday(pc_date_from_ymd(2027, 1, 4)), 0); /* Monday */
	assert_int_equal(pc_date_weekday(pc_date_from_ymd(2026, 11, 29)), 6); /* Sunday */
	assert_int_equal(pc_date_weekday(pc_date_from_ymd(1969, 12, 31)), 2); /* Wednesday */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_days),
		cmocka_unit_test(test_round_trip_every_day),
		cmocka_unit_test(test_rejects_non_dates),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_weekday),
	};
	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
