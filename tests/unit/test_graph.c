/* test_graph.c - inferring which phase waits for which, with what lag,
 * from hand-made histories whose structure is known by construction. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "plan_internal.h"

/* Six projects; per project i the durations vary so that only the true
 * predecessor gives a constant lag:
 *   a: starts the project, lasts 3 + i days
 *   b: the day after a ends, lasts 5 + 2i % 7 days
 *   c: 2 days before a ends (lag -3), lasts 4 + i % 3 days
 *   d: 2 days after b ends (lag 2), lasts 2 days
 *   e: starts with the project (a parallel track), lasts 9 + i days
 * Project 5 is still in d (ongoing), so its d->? lags are not used. */
static pc_history *make(const pc_calendar *cal)
{
	pc_history *h = calloc(1, sizeof *h);
	static const char *const names[] = {"a", "c", "e", "b", "d"};
	pc_day s0 = pc_date_from_ymd(2025, 1, 6);
	(void)cal;
	h->nphases = 5;
	h->phases = calloc(5, sizeof *h->phases);
	for (int j = 0; j < 5; j++)
		h->phases[j] = strdup(names[j]);
	h->nprojects = 6;
	h->projects = calloc(6, sizeof *h->projects);
	h->obs = calloc(30, sizeof *h->obs);
	for (size_t i = 0; i < 6; i++) {
		pc_day s = s0 + (pc_day)(100 * i);
		pc_day ae = s + 3 + (pc_day)i - 1;
		pc_day bs = ae + 1, be = bs + 5 + (pc_day)((2 * i) % 7) - 1;
		pc_day cs = ae - 2, ce = cs + 4 + (pc_day)(i % 3) - 1;
		pc_day ds = be + 3, de = ds + 1;
		pc_day ee = s + 9 + (pc_day)i - 1;
		h->projects[i].customer = strdup("x");
		h->projects[i].name = strdup("y");
		h->projects[i].start = s;
		h->obs[h->nobs++] = (pc_obs){i, 0, s, ae, 0};
		h->obs[h->nobs++] = (pc_obs){i, 1, cs, ce, 0};
		h->obs[h->nobs++] = (pc_obs){i, 2, s, ee, 0};
		h->obs[h->nobs++] = (pc_obs){i, 3, bs, be, 0};
		h->obs[h->nobs++] = (pc_obs){i, 4, ds, de, i == 5};
	}
	return h;
}

static void test_infer(void **state)
{
	pc_history *h = make(NULL);
	pc_plan_node n[5];
	size_t order[5];
	(void)state;
	memset(n, 0, sizeof n);
	for (int j = 0; j < 5; j++)
		n[j].phase = h->phases[j];
	assert_int_equal(pci_graph_infer(h, NULL, n, NULL), 0);
	/* a: the start */
	assert_int_equal(n[0].after, -1);
	assert_float_equal(n[0].lag, 0, 0);
	/* c: after a, overlapping: lag = cs - ae - 1 = -3 */
	assert_int_equal(n[1].after, 0);
	assert_float_equal(n[1].lag, -3, 0);
	assert_float_equal(n[1].spread, 0, 0);
	assert_int_equal(n[1].nlags, 6);
	/* e: a parallel track from the start, not after a or c */
	assert_int_equal(n[2].after, -1);
	/* b: the day after a */
	assert_int_equal(n[3].after, 0);
	assert_float_equal(n[3].lag, 0, 0);
	/* d: 2 days after b (lag 2), all six measured (b always finished) */
	assert_int_equal(n[4].after, 3);
	assert_float_equal(n[4].lag, 2, 0);
	assert_int_equal(n[4].support, 6);
	assert_int_equal(pci_graph_order(n, 5, order, NULL), 0);
	for (int j = 0; j < 5; j++)
		assert_int_equal(order[j], j);
	for (int j = 0; j < 5; j++) {
		free(n[j].lags);
		free(n[j].preds);
	}
	pc_history_free(&h);
}

static void test_weekday_lags(void **state)
{
	/* Two phases: b starts the Monday after a ends on a Friday.  In
	 * calendar days that is a lag of 2; in working days 0. */
	pc_history *h = calloc(1, sizeof *h);
	pc_calendar *cal;
	pc_plan_node n[2];
	(void)state;
	h->nphases = 2;
	h->phases = calloc(2, sizeof *h->phases);
	h->phases[0] = strdup("a");
	h->phases[1] = strdup("b");
	h->nprojects = 3;
	h->projects = calloc(3, sizeof *h->projects);
	h->obs = calloc(6, sizeof *h->obs);
	for (size_t i = 0; i < 3; i++) {
		pc_day mon = pc_date_from_ymd(2027, 1, 4) + (pc_day)(14 * i);
		h->projects[i].customer = strdup("x");
		h->projects[i].name = strdup("y");
		h->projects[i].start = mon;
		h->obs[h->nobs++] = (pc_obs){i, 0, mon, mon + 4, 0};
		h->obs[h->nobs++] = (pc_obs){i, 1, mon + 7, mon + 8 + (pc_day)i, 0};
	}
	memset(n, 0, sizeof n);
	assert_int_equal(pci_graph_infer(h, NULL, n, NULL), 0);
	assert_int_equal(n[1].after, 0);
	assert_float_equal(n[1].lag, 2, 0);
	free(n[1].lags);
	free(n[0].lags);
	free(n[1].preds);
	free(n[0].preds);
	assert_int_equal(pc_calendar_new(PC_CALENDAR_WEEKDAYS, &cal, NULL), 0);
	memset(n, 0, sizeof n);
	assert_int_equal(pci_graph_infer(h, cal, n, NULL), 0);
	assert_int_equal(n[1].after, 0);
	assert_float_equal(n[1].lag, 0, 0);
	free(n[1].lags);
	free(n[0].lags);
	free(n[1].preds);
	free(n[0].preds);
	pc_calendar_free(&cal);
	pc_history_free(&h);
}

static void test_order_and_cycles(void **state)
{
	pc_plan_node n[3];
	size_t order[3];
	pc_error err;
	(void)state;
	memset(n, 0, sizeof n);
	n[0].phase = (char *)"x";
	n[1].phase = (char *)"y";
	n[2].phase = (char *)"z";
	n[0].after = 2; /* x waits for z */
	n[1].after = -1;
	n[2].after = 1; /* z waits for y */
	assert_int_equal(pci_graph_order(n, 3, order, &err), 0);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 0);
	n[1].after = 0; /* y waits for x: a cycle */
	assert_int_equal(pci_graph_order(n, 3, order, &err), PC_EDATA);
	assert_string_equal(err.msg, "phase 'x' waits for itself through a cycle");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_infer),
		cmocka_unit_test(test_weekday_lags),
		cmocka_unit_test(test_order_and_cycles),
	};
	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
