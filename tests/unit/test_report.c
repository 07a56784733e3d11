/* test_report.c - the report's building blocks: XML escaping of hostile
 * names (markup, quotes, control characters, broken UTF-8), truncation
 * that never splits a character, the Kaplan-Meier estimate against values
 * worked by hand from its definition (product over event times of
 * 1 - events / at risk), and the iCalendar writer's escaping, folding at
 * 75 octets and stable UIDs on a hand-made report. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/report.h>

#include "report_internal.h"
#include "svg_internal.h"

static char *xml(const char *s, size_t max)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	pci_xml_text(f, s, max);
	fclose(f);
	return buf;
}

static void expect_xml(const char *in, size_t max, const char *want)
{
	char *got = xml(in, max);
	assert_string_equal(got, want);
	free(got);
}

static void test_xml_escapes(void **state)
{
	(void)state;
	expect_xml("<script>alert(1)</script>", 0,
	           "&lt;script&gt;alert(1)&lt;/script&gt;");
	expect_xml("a & \"b\" 'c' ]]>", 0, "a &amp; &quot;b&quot; &#39;c&#39; ]]&gt;");
	expect_xml("line\nbreak\ttab\rcr", 0, "line&#10;break&#9;tab&#13;cr");
	/* ESC, DEL and a C1 control cannot be XML 1.0 at all */
	expect_xml("a\033b\177c\xC2\x85" "d", 0, "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD" "d");
	/* valid UTF-8 passes */
	expect_xml("\xCE\xA9mega caf\xC3\xA9 \xF0\x9F\x98\x80", 0,
	           "\xCE\xA9mega caf\xC3\xA9 \xF0\x9F\x98\x80");
}

static void test_xml_broken_utf8(void **state)
{
	(void)state;
	/* a lead byte without its continuation; a lone continuation; an
	 * overlong '/'; a UTF-16 surrogate; a truncated sequence at the end */
	expect_xml("x\xC3(y", 0, "x\xEF\xBF\xBD(y");
	expect_xml("\x80", 0, "\xEF\xBF\xBD");
	expect_xml("\xC0\xAF", 0, "\xEF\xBF\xBD\xEF\xBF\xBD");
	expect_xml("\xED\xA0\x80", 0, "\xEF\xBF\xBD");
	expect_xml("end\xE2\x82", 0, "end\xEF\xBF\xBD");
}

static void test_xml_truncation(void **state)
{
	(void)state;
	expect_xml("short", 5, "short");
	expect_xml("longer", 5, "long\xE2\x80\xA6");
	/* counted in characters, never cut inside one */
	expect_xml("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 4,
	           "\xC3\xA9\xC3\xA9\xC3\xA9\xE2\x80\xA6");
	/* escaping after truncation: the cut is in characters of the name */
	expect_xml("<<<<<<", 3, "&lt;&lt;\xE2\x80\xA6");
	assert_int_equal(pci_utf8_len("a\xC3\xA9\xF0\x9F\x98\x80"), 3);
}

static void test_km_by_hand(void **state)
{
	/* durations 1, 2, 2, 2+, 3+, 4, 5, 5+ (+ = still running):
	 * t=1: 8 at risk, 1 ends: S = 7/8
	 * t=2: 7 at risk, 2 end:  S = 7/8 * 5/7 = 5/8
	 * t=3: only a censoring: no step (3 left at risk after it)
	 * t=4: 3 at risk, 1 ends: S = 5/8 * 2/3 = 5/12
	 * t=5: 2 at risk, 1 ends: S = 5/12 * 1/2 = 5/24 */
	static const double days[] = {1, 2, 2, 2, 3, 4, 5, 5};
	static const int ongoing[] = {0, 0, 0, 1, 1, 0, 0, 1};
	static const double want_t[] = {1, 2, 4, 5};
	static const double want_f[] = {1.0 / 8, 3.0 / 8, 7.0 / 12, 19.0 / 24};
	double t[8], f[8];
	size_t m;

	(void)state;
	m = pci_km(days, ongoing, 8, t, f);
	assert_int_equal(m, 4);
	for (size_t k = 0; k < m; k++) {
		assert_true(fabs((t[k]) - (want_t[k])) <= 0);
		assert_true(fabs((f[k]) - (want_f[k])) <= 1e-12);
	}
}

static void test_km_uncensored_is_ecdf(void **state)
{
	static const double days[] = {1, 2, 2, 3, 7};
	static const int ongoing[] = {0, 0, 0, 0, 0};
	double t[5], f[5];

	(void)state;
	assert_int_equal(pci_km(days, ongoing, 5, t, f), 4);
	assert_true(fabs((f[0]) - (0.2)) <= 1e-12);
	assert_true(fabs((f[1]) - (0.6)) <= 1e-12);
	assert_true(fabs((f[2]) - (0.8)) <= 1e-12);
	assert_true(fabs((f[3]) - (1.0)) <= 1e-12);
	assert_true(fabs((t[3]) - (7)) <= 0);
}

/* A report made by hand: one phase, its checkpoint, the release. */
struct fake {
	pc_plan_model pm;
	pc_plan plan;
	pc_plan_phase ph;
	pc_whatif w;
	pc_whatif_phase wph;
	pc_report r;
};

static void fake_init(struct fake *x, const char *customer, const char *phase,
                      pc_day shift)
{
	memset(x, 0, sizeof *x);
	x->pm.nprojects = 12;
	x->ph.phase = (char *)phase;
	for (int q = 0; q < PC_PLAN_NPCT; q++) {
		x->ph.start.day[q] = pc_date_from_ymd(2027, 1, 4) + shift;
		x->ph.finish.day[q] = pc_date_from_ymd(2027, 2, 1) + q * 7 + shift;
		x->plan.finish.day[q] = x->ph.finish.day[q] + 3;
	}
	x->plan.start = pc_date_from_ymd(2027, 1, 4) + shift;
	x->plan.nphases = 1;
	x->plan.phases = &x->ph;
	x->wph.phase = (char *)phase;
	x->wph.checkpoint = pc_date_from_ymd(2027, 2, 10) + shift;
	x->w.confidence = 0.8;
	x->w.nphases = 1;
	x->w.phases = &x->wph;
	pc_report_options_init(&x->r.o);
	x->r.o.customer = customer;
	x->r.pm = &x->pm;
	x->r.plan = &x->plan;
	x->r.whatif = &x->w;
	x->r.target = pc_date_from_ymd(2027, 3, 1) + shift;
}

static char *ics(const pc_report *r)
{
	char *buf = NULL;
	size_t n = 0;
	pc_error err;
	FILE *f = open_memstream(&buf, &n);

	assert_non_null(f);
	pc_error_clear(&err);
	assert_int_equal(pc_report_ics(r, 1800000000, f, &err), PC_OK);
	fclose(f);
	return buf;
}

/* The value of the first unfolded line starting with key. */
static char *unfolded(const char *text, const char *key)
{
	char *u = malloc(strlen(text) + 1), *o = u, *line, *v = NULL;

	for (const char *c = text; *c; c++) {
		if (c[0] == '\r' && c[1] == '\n' && c[2] == ' ') {
			c += 2;
			continue;
		}
		*o++ = *c;
	}
	*o = 0;
	for (line = strtok(u, "\r\n"); line; line = strtok(NULL, "\r\n"))
		if (strncmp(line, key, strlen(key)) == 0) {
			v = strdup(line + strlen(key));
			break;
		}
	free(u);
	return v;
}

static void test_ics_escapes_and_folds(void **state)
{
	const char *name = "\xCE\xA9mega, phase; with\\backslash\nand a long name "
	                   "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	                   "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	                   "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 \033end";
	struct fake x;
	char *out, *s;
	size_t col = 0;

	(void)state;
	fake_init(&x, "A & B", name, 0);
	out = ics(&x.r);
	/* every physical line: CRLF-terminated, at most 75 octets, and valid
	 * UTF-8 on its own (folding never splits a character) */
	for (const char *c = out; *c; c++) {
		if (c[0] == '\r') {
			assert_int_equal(c[1], '\n');
			assert_true(col <= 75);
			col = 0;
			c++;
			continue;
		}
		assert_int_not_equal(*c, '\n');
		col++;
	}
	for (char *line = out; *line;) {
		char *end = strstr(line, "\r\n");
		const char *p = line;
		unsigned cp;
		assert_non_null(end);
		while (p < end) {
			p += pci_utf8_next(p, &cp);
			/* the only U+FFFD is the one written for ESC, on its own */
			if (cp == 0xFFFD)
				assert_memory_equal(p - 3, "\xEF\xBF\xBD", 3);
		}
		line = end + 2;
	}
	s = unfolded(out, "SUMMARY:");
	assert_string_equal(s, "A & B: \xCE\xA9mega\\, phase\\; with\\\\backslash\\n"
	                    "and a long name \xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	                    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9"
	                    "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9 "
	                    "\xEF\xBF\xBD" "end done (P80)");
	free(s);
	s = unfolded(out, "DTSTART;VALUE=DATE:");
	assert_string_equal(s, "20270215");  /* the P80 finish: 2027-02-01 + 14 */
	free(s);
	s = unfolded(out, "DTEND;VALUE=DATE:");
	assert_string_equal(s, "20270216");
	free(s);
	s = unfolded(out, "DTSTAMP:");
	assert_string_equal(s, "20270115T080000Z");
	free(s);
	assert_non_null(strstr(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
	assert_non_null(strstr(out, "END:VCALENDAR\r\n"));
	free(out);
}

static void test_ics_stable_uids(void **state)
{
	struct fake a, b, c;
	char *oa, *ob, *oc, *ua, *ub, *uc;

	(void)state;
	fake_init(&a, "Customer", "build", 0);
	fake_init(&b, "Customer", "build", 30);   /* a later plan */
	fake_init(&c, "Other", "build", 0);       /* another customer */
	oa = ics(&a.r);
	ob = ics(&b.r);
	oc = ics(&c.r);
	ua = unfolded(oa, "UID:");
	ub = unfolded(ob, "UID:");
	uc = unfolded(oc, "UID:");
	assert_string_equal(ua, ub);
	assert_string_not_equal(ua, uc);
	assert_string_not_equal(oa, ob);  /* the dates did move */
	free(ua);
	free(ub);
	free(uc);
	free(oa);
	free(ob);
	free(oc);
}

static void test_ics_levels(void **state)
{
	struct fake x;
	pc_error err;
	FILE *f = fopen("/dev/null", "w");

	(void)state;
	fake_init(&x, NULL, "build", 0);
	x.r.o.confidence = 0.7;
	pc_error_clear(&err);
	assert_int_equal(pc_report_ics(&x.r, 0, f, &err), PC_EUSAGE);
	assert_non_null(strstr(err.msg, "0.1, 0.5, 0.8 or 0.9"));
	fclose(f);
}

static void test_chart_names(void **state)
{
	(void)state;
	assert_int_equal(pc_report_chart_find("gantt"), PC_CHART_GANTT);
	assert_int_equal(pc_report_chart_find("reliability"), PC_CHART_RELIABILITY);
	assert_int_equal(pc_report_chart_find("Gantt"), -1);
	assert_int_equal(pc_report_chart_find(""), -1);
	for (int i = 0; i < PC_CHART_COUNT; i++)
		assert_non_null(pc_report_chart_names[i]);
	assert_null(pc_report_chart_names[PC_CHART_COUNT]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xml_escapes),
		cmocka_unit_test(test_xml_broken_utf8),
		cmocka_unit_test(test_xml_truncation),
		cmocka_unit_test(test_km_by_hand),
		cmocka_unit_test(test_km_uncensored_is_ecdf),
		cmocka_unit_test(test_ics_escapes_and_folds),
		cmocka_unit_test(test_ics_stable_uids),
		cmocka_unit_test(test_ics_levels),
		cmocka_unit_test(test_chart_names),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
