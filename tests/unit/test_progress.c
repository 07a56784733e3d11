/* test_progress.c - the pc_progress_fn of the long jobs: the stages and
 * counts the library reports, one call at a time even from the bootstrap
 * worker threads, done growing to total, and not a day of any answer
 * changed by asking for progress. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <precedent.h>

#include "synth/synth.h"

struct seen {
	pthread_mutex_t mu;
	int inside;          /* a call running now */
	int overlapped;      /* two ran at once */
	size_t calls;
	char stages[8][16];  /* in order of first appearance */
	size_t nstages;
	uint64_t done, total;/* last of the current stage */
	int shrank;          /* done went down within a stage */
};

static void record(void *ctx, const char *stage, uint64_t done, uint64_t total)
{
	struct seen *s = ctx;
	int busy;

	pthread_mutex_lock(&s->mu);
	busy = s->inside++;
	pthread_mutex_unlock(&s->mu);
	if (busy)
		s->overlapped = 1;
	if (!s->nstages || strcmp(s->stages[s->nstages - 1], stage) != 0) {
		assert_true(s->nstages < 8);
		snprintf(s->stages[s->nstages++], sizeof s->stages[0], "%s", stage);
	} else if (done < s->done) {
		s->shrank = 1;
	}
	s->done = done;
	s->total = total;
	s->calls++;
	pthread_mutex_lock(&s->mu);
	s->inside--;
	pthread_mutex_unlock(&s->mu);
}

static void seen_init(struct seen *s)
{
	memset(s, 0, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
}

static void test_plan_bootstrap(void **state)
{
	struct synth_config c = {200, 0.5, 1, 0, 15, NULL, 0, 0, 0};
	pc_history *h;
	pc_plan_model *pm;
	pc_plan_learn_options lo;
	pc_plan *a, *b;
	pc_plan_options o;
	struct seen s;
	(void)state;

	assert_int_equal(synth_history(&c, &h, NULL), 0);
	seen_init(&s);
	pc_plan_learn_options_init(&lo);
	lo.progress = record;
	lo.progress_ctx = &s;
	assert_int_equal(pc_plan_learn(h, &lo, &pm, NULL), 0);
	assert_int_equal(s.nstages, 1);
	assert_string_equal(s.stages[0], "learning");

	pc_plan_options_init(&o);
	o.start = pc_date_from_ymd(2027, 1, 4);
	o.iterations = 20000;
	o.ci = 30;
	o.ci_iterations = 1000;
	o.threads = 4;
	assert_int_equal(pc_plan_run(pm, &o, &a, NULL), 0);
	seen_init(&s);
	o.progress = record;
	o.progress_ctx = &s;
	assert_int_equal(pc_plan_run(pm, &o, &b, NULL), 0);
	/* "simulating" once, then each of the 30 replicates */
	assert_int_equal(s.nstages, 2);
	assert_string_equal(s.stages[0], "simulating");
	assert_string_equal(s.stages[1], "bootstrap");
	assert_int_equal(s.calls, 1 + 30);
	assert_int_equal(s.done, 30);
	assert_int_equal(s.total, 30);
	assert_false(s.shrank);
	assert_false(s.overlapped);
	assert_memory_equal(&a->finish, &b->finish, sizeof a->finish);
	pc_plan_free(&a);
	pc_plan_free(&b);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
}

static void test_fit_and_backtest(void **state)
{
	struct synth_config c = {40, 0.3, 0, 0, 16, NULL, 0, 0, 0};
	pc_history *h;
	pc_model *m = NULL;
	pc_fit_options fo;
	pc_backtest_options bo;
	pc_backtest *b = NULL;
	struct seen s;
	(void)state;

	assert_int_equal(synth_history(&c, &h, NULL), 0);
	seen_init(&s);
	pc_fit_options_init(&fo);
	fo.progress = record;
	fo.progress_ctx = &s;
	assert_int_equal(pc_model_fit(h, &fo, "", &m, NULL, NULL), 0);
	/* before each phase: 0 .. nphases - 1 of nphases */
	assert_int_equal(s.nstages, 1);
	assert_string_equal(s.stages[0], "fitting");
	assert_int_equal(s.calls, h->nphases);
	assert_int_equal(s.done, h->nphases - 1);
	assert_int_equal(s.total, h->nphases);
	assert_false(s.shrank);
	pc_model_free(&m);

	seen_init(&s);
	pc_backtest_options_init(&bo);
	bo.iterations = 300;
	bo.threads = 2;
	bo.progress = record;
	bo.progress_ctx = &s;
	assert_int_equal(pc_backtest_run(h, NULL, &bo, &b, NULL), 0);
	assert_int_equal(s.nstages, 1);
	assert_string_equal(s.stages[0], "forecast");
	/* one call before each forecast the cap keeps */
	assert_int_equal(s.calls, b->nforecasts);
	assert_int_equal(s.done + 1, s.total);
	assert_false(s.shrank);
	pc_backtest_free(&b);
	pc_history_free(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_bootstrap),
		cmocka_unit_test(test_fit_and_backtest),
	};
	return cmocka_run_group_tests_name("progress", tests, NULL, NULL);
}
