/* test_model.c - fitting a history phase by phase, the store round trip
 * and the CSV model format.  The fitted numbers themselves are checked in
 * test_fit.c; here the question is whether they arrive intact. */
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
#include <unistd.h>

#include <precedent/model.h>
#include <precedent/store.h>

/* A history of 12 projects with two phases: "build" (durations 10..21,
 * the last two still running) and "ship" (all 3 days: only the
 * exponential can describe it), plus "rare" seen once. */
static pc_history *make_history(void)
{
	static char *phases[] = {"build", "ship", "rare"};
	pc_history *h = calloc(1, sizeof *h);
	size_t k = 0;

	h->nprojects = 12;
	h->nphases = 3;
	h->phases = phases;
	h->obs = calloc(25, sizeof *h->obs);
	for (size_t i = 0; i < 12; i++) {
		pc_obs *o = &h->obs[k++];
		o->project = i;
		o->phase = 0;
		o->start = 1000;
		o->end = 1000 + 9 + (pc_day)i;  /* 10 + i days */
		o->ongoing = i >= 10;
		o = &h->obs[k++];
		o->project = i;
		o->phase = 1;
		o->start = 2000;
		o->end = 2002;
	}
	h->obs[k].project = 0;
	h->obs[k].phase = 2;
	h->obs[k].start = 3000;
	h->obs[k++].end = 3004;
	h->nobs = k;
	return h;
}

static void free_history(pc_history *h)
{
	free(h->obs);
	free(h);
}

static void test_fit_history(void **state)
{
	pc_history *h = make_history();
	pc_fit_set sets[3];
	pc_model *m = NULL;
	pc_error err;
	const pc_phase_model *b, *s;

	(void)state;
	assert_int_equal(pc_model_fit(h, NULL, "tier=x", &m, sets, &err), PC_OK);
	assert_non_null(m);
	assert_int_equal(m->nphases, 2); /* "rare" could not be fitted */
	assert_int_equal(sets[2].best, -1);
	assert_non_null(strstr(sets[2].fits[0].error, "only one finished duration"));
	b = pc_model_find(m, "build");
	s = pc_model_find(m, "ship");
	assert_null(pc_model_find(m, "rare"));
	assert_non_null(b);
	assert_int_equal(b->n, 12);
	assert_int_equal(b->censored, 2);
	assert_ptr_equal(b->family, sets[0].fits[sets[0].best].family);
	assert_true(b->loglik == sets[0].fits[sets[0].best].loglik);
	assert_true(fabs(b->median - b->family->quantile(0.5, b->params)) < 1e-12);
	/* all 3 days: a constant 3, not an exponential with rate 1/3 */
	assert_string_equal(s->family->name, "constant");
	assert_float_equal(s->params[0], 3, 0);
	assert_float_equal(s->median, 3, 0);
	assert_float_equal(s->p80, 3, 0);
	assert_string_equal(m->criterion, "aicc");
	assert_string_equal(m->reference, "tier=x");
	assert_int_equal(m->n_projects, 12);
	pc_model_free(&m);
	assert_null(m);
	pc_model_free(&m); /* NULL is fine */
	free_history(h);
}

static void test_csv_round_trip(void **state)
{
	pc_history *h = make_history();
	pc_model *m = NULL, *back = NULL;
	pc_error err;
	char path[] = "/tmp/test_model_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	(void)state;
	assert_int_equal(pc_model_fit(h, NULL, NULL, &m, NULL, &err), PC_OK);
	/* a phase name that needs quoting */
	free(m->phases[0].phase);
	m->phases[0].phase = strdup("build, \"final\"");
	/* and one with blanks at its ends, which libcsv trims from unquoted
	 * fields (found by fuzz_model) */
	assert_true(m->nphases >= 2);
	free(m->phases[1].phase);
	m->phases[1].phase = strdup(" ship\t");
	assert_int_equal(pc_model_write_csv(m, f, &err), PC_OK);
	fclose(f);
	assert_int_equal(pc_model_read_csv(path, &back, &err), PC_OK);
	assert_int_equal(back->nphases, m->nphases);
	for (size_t i = 0; i < m->nphases; i++) {
		const pc_phase_model *a = &m->phases[i], *b = &back->phases[i];
		assert_string_equal(a->phase, b->phase);
		assert_ptr_equal(a->family, b->family);
		for (int j = 0; j < a->family->nparams; j++)
			assert_true(a->params[j] == b->params[j]); /* exact */
		assert_int_equal(a->n, b->n);
		assert_int_equal(a->censored, b->censored);
		assert_true(a->loglik == b->loglik);
		assert_true(a->median == b->median && a->p80 == b->p80);
	}
	pc_model_free(&m);
	pc_model_free(&back);
	unlink(path);
	free_history(h);
}

static void test_csv_errors(void **state)
{
	static const char head[] =
		"phase,family,param1,value1,param2,value2,param3,value3,n,censored,loglik,median,p80\n";
	static const struct { const char *body; long line; const char *msg; } bad[] = {
		{"a,weibull,shape,2,scale,10,,,5,0,-3,1,2\nb,pareto,shape,1,scale,1,,,5,0,,,\n",
		 3, "unknown family 'pareto'"},
		{"a,weibull,scale,2,shape,10,,,5,0,,,\n", 2, "param1 of weibull is 'scale', expected 'shape'"},
		{"a,weibull,shape,-2,scale,10,,,5,0,,,\n", 2, "the parameters are not valid for weibull"},
		{"a,weibull,shape,x,scale,10,,,5,0,,,\n", 2, "value1 'x' is not a number"},
		{"a,exponential,rate,0.1,scale,1,,,5,0,,,\n", 2, "exponential has 1 parameters, but param2 is given"},
		{"a,exponential,rate,0.1,,,,,5,7,,,\n", 2, "censored 7 exceeds n 5"},
		{"a,exponential,rate,0.1,,,,,2.5,0,,,\n", 2, "n '2.5' is not a count"},
		{"a,exponential,rate,0.1,,,,,5,0,,,\na,normal,mean,1,sd,1,,,5,0,,,\n", 3, "phase 'a' appears twice"},
		{"a,exponential,rate,0.1\n", 2, "4 fields, expected 13"},
		{"", 0, "the model has no phases"},
	};
	char path[] = "/tmp/test_model_XXXXXX";
	int fd = mkstemp(path);
	pc_model *m = NULL;
	pc_error err;

	(void)state;
	close(fd);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		FILE *f = fopen(path, "w");
		fputs(head, f);
		fputs(bad[i].body, f);
		fclose(f);
		assert_int_equal(pc_model_read_csv(path, &m, &err), PC_EDATA);
		assert_null(m);
		if (!strstr(err.msg, bad[i].msg) || err.line != bad[i].line)
			fail_msg("case %zu: line %ld '%s', expected line %ld '%s'", i,
			         err.line, err.msg, bad[i].line, bad[i].msg);
	}
	{
		FILE *f = fopen(path, "w");
		fputs("phase,family\nx,y\n", f);
		fclose(f);
		assert_int_equal(pc_model_read_csv(path, &m, &err), PC_EDATA);
	}
	{
		/* a NUL byte would cut the phase name short as a C string */
		static const char body[] = "a\0b,weibull,shape,2,scale,10,,,5,0,,,\n";
		FILE *f = fopen(path, "w");
		fputs(head, f);
		fwrite(body, 1, sizeof body - 1, f);
		fclose(f);
		assert_int_equal(pc_model_read_csv(path, &m, &err), PC_EDATA);
		assert_null(m);
		assert_int_equal(err.line, 2);
		assert_string_equal(err.msg, "a field holds a NUL byte");
	}
	unlink(path);
	assert_int_equal(pc_model_read_csv("/nonexistent/model.csv", &m, &err), PC_EIO);
}

/* A model file is sealed by its end line: cut after any line, it is
 * refused with the file and line; without the version line it is the
 * old format, read as it is. */
static void test_csv_end_line(void **state)
{
	pc_history *h = make_history();
	pc_model *m = NULL, *back = NULL;
	char path[] = "/tmp/test_model_end_XXXXXX";
	char *text = NULL;
	size_t len = 0, lines = 0;
	pc_error err;
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(pc_model_fit(h, NULL, "", &m, NULL, &err), PC_OK);
	f = open_memstream(&text, &len);
	assert_int_equal(pc_model_write_csv(m, f, &err), PC_OK);
	fclose(f);
	assert_true(strncmp(text, "# precedent model 2\n", 20) == 0);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < len; i++) {
		if (text[i] != '\n')
			continue;
		lines++;
		f = fopen(path, "w");
		fwrite(text, 1, i + 1, f);
		fclose(f);
		if (i + 1 == len) {
			assert_int_equal(pc_model_read_csv(path, &back, &err), PC_OK);
			assert_int_equal(back->format, 2);
			assert_int_equal(back->nphases, m->nphases);
			pc_model_free(&back);
		} else {
			assert_int_not_equal(pc_model_read_csv(path, &back, &err), PC_OK);
			assert_null(back);
			assert_string_equal(err.file, path);
			if (lines > 2) { /* past the header: the end line is missing */
				assert_int_equal(err.line, (int)lines);
				assert_non_null(strstr(err.msg, "cut short"));
			}
		}
	}
	/* The old format: no version line, no end line. */
	{
		char *body = strchr(text, '\n') + 1;
		char *end = strstr(body, "# end of model:");

		f = fopen(path, "w");
		fwrite(body, 1, (size_t)(end - body), f);
		fclose(f);
		assert_int_equal(pc_model_read_csv(path, &back, &err), PC_OK);
		assert_int_equal(back->format, 1);
		pc_model_free(&back);
	}
	unlink(path);
	free(text);
	pc_model_free(&m);
	free_history(h);
}

static void test_store_round_trip(void **state)
{
	pc_history *h = make_history();
	pc_model *m = NULL, *back = NULL;
	pc_store *st = NULL;
	pc_error err;
	char dir[] = "/tmp/test_model_XXXXXX", path[64];
	long long id1, id2;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/s.db", dir);
	assert_int_equal(pc_store_open(path, PC_STORE_CREATE, &st, &err), PC_OK);
	assert_int_equal(pc_model_load(st, 0, &back, &err), PC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "run 'precedent fit'"));
	assert_int_equal(pc_model_fit(h, NULL, "tier=x", &m, NULL, &err), PC_OK);
	assert_int_equal(pc_model_save(st, m, &id1, &err), PC_OK);
	assert_int_equal(pc_model_save(st, m, &id2, &err), PC_OK);
	assert_true(id2 > id1);
	assert_int_equal(pc_model_load(st, 0, &back, &err), PC_OK);
	assert_int_equal(back->id, id2);
	assert_string_equal(back->reference, "tier=x");
	assert_int_equal(back->n_projects, 12);
	assert_non_null(back->created);
	assert_int_equal(back->nphases, m->nphases);
	for (size_t i = 0; i < m->nphases; i++) {
		assert_string_equal(back->phases[i].phase, m->phases[i].phase);
		assert_ptr_equal(back->phases[i].family, m->phases[i].family);
		assert_true(back->phases[i].params[0] == m->phases[i].params[0]);
		assert_true(back->phases[i].median == m->phases[i].median);
		assert_int_equal(back->phases[i].censored, m->phases[i].censored);
	}
	pc_model_free(&back);
	assert_int_equal(pc_model_load(st, id1, &back, &err), PC_OK);
	assert_int_equal(back->id, id1);
	pc_model_free(&back);
	assert_int_equal(pc_model_load(st, id2 + 5, &back, &err), PC_ENOTFOUND);
	pc_model_free(&m);
	pc_store_close(&st);
	unlink(path);
	{
		char wal[80];
		snprintf(wal, sizeof wal, "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", path);
		unlink(wal);
	}
	rmdir(dir);
	free_history(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit_history),
		cmocka_unit_test(test_csv_round_trip),
		cmocka_unit_test(test_csv_errors),
		cmocka_unit_test(test_csv_end_line),
		cmocka_unit_test(test_store_round_trip),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
