/*
 * example.c - embedding libprecedent: import a history, fit it, and
 * propose a plan, using only the public API (built and run by make check,
 * so this example cannot rot).
 *
 *   cc example.c $(pkg-config --cflags --libs libprecedent) -o example
 *   ./example history.csv 2027-01-04
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <precedent.h>

static int fail(const pc_error *err)
{
	char buf[1024];
	fprintf(stderr, "example: %s\n", pc_error_format(err, buf, sizeof buf));
	return 1;
}

int main(int argc, char **argv)
{
	pc_error err;
	pc_store *st = NULL;
	pc_history *h = NULL;
	pc_plan_model *pm = NULL;
	pc_plan *plan = NULL;
	pc_import_options io;
	pc_plan_learn_options lo;
	pc_plan_options po;
	char db[] = "/tmp/precedent-example-XXXXXX";
	char d50[PC_DATE_BUF], d80[PC_DATE_BUF];
	int fd, rc = 1;

	if (argc != 3) {
		fprintf(stderr, "usage: example HISTORY.csv START-DATE\n");
		return 2;
	}
	/* As include/precedent.h asks: GSL's default handler would abort(). */
	gsl_set_error_handler_off();
	pc_error_clear(&err);
	pc_plan_options_init(&po);
	if (pc_date_parse(argv[2], &po.start) != 0) {
		fprintf(stderr, "example: '%s' is not a date\n", argv[2]);
		return 2;
	}
	/* A throwaway store: the history could as well live in a kept file. */
	if ((fd = mkstemp(db)) < 0)
		return 1;
	close(fd);
	unlink(db);

	pc_import_options_init(&io);
	pc_plan_learn_options_init(&lo);
	po.iterations = 20000;
	po.seed = 1;
	if (pc_store_open(db, PC_STORE_CREATE, &st, &err) ||
	    pc_import_file(st, argv[1], &io, NULL, &err) ||
	    pc_history_load(st, NULL, 0, 0, &h, &err) ||
	    pc_plan_learn(h, &lo, &pm, &err) ||
	    pc_plan_run(pm, &po, &plan, &err)) {
		rc = fail(&err);
		goto out;
	}
	/* plan->finish holds P10, P50, P80 and P90 of the release date. */
	printf("Suggested launch: %s (P50); 80%% likely by %s\n",
	       pc_date_format(plan->finish.day[1], d50),
	       pc_date_format(plan->finish.day[2], d80));
	rc = 0;
out:
	pc_plan_free(&plan);
	pc_plan_model_free(&pm);
	pc_history_free(&h);
	pc_store_close(&st);
	unlink(db);
	return rc;
}
