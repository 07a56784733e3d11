/*
 * fuzz_plan_files.c - libFuzzer harness for the small CSV and text files
 * `precedent plan` and `whatif` read: structure templates
 * (pc_plan_template_read), customer plans (pc_whatif_plan_read) and
 * holiday lists (pc_calendar_read_holidays).
 *
 * The first byte picks the reader (0, 1 or 2, modulo 3).  A reader that
 * fails says why and hands back nothing; one that succeeds hands back
 * rows with what their header promises.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <precedent.h>
#include <precedent/calendar.h>
#include <precedent/plan.h>
#include <precedent/whatif.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path;
	pc_error err;
	int rc;

	if (size < 1)
		return 0;
	path = fuzz_file(data + 1, size - 1);
	err.msg[0] = '\0';
	switch (data[0] % 3) {
	case 0: {
		pc_plan_template *t = NULL;

		rc = pc_plan_template_read(path, &t, &err);
		if (rc == PC_OK) {
			for (size_t i = 0; i < t->nrows; i++)
				if (!t->rows[i].phase || !t->rows[i].phase[0])
					abort();
		} else if (t) {
			abort();
		}
		pc_plan_template_free(&t);
		if (t)
			abort();
		break;
	}
	case 1: {
		pc_whatif_plan *p = NULL;

		rc = pc_whatif_plan_read(path, &p, &err);
		if (rc == PC_OK) {
			for (size_t i = 0; i < p->n; i++)
				if (!p->rows[i].phase || p->rows[i].date < PC_DAY_MIN ||
				    p->rows[i].date > PC_DAY_MAX)
					abort();
		} else if (p) {
			abort();
		}
		pc_whatif_plan_free(&p);
		if (p)
			abort();
		break;
	}
	default: {
		pc_calendar *cal = NULL;

		if (pc_calendar_new(PC_CALENDAR_WEEKDAYS, &cal, &err) != PC_OK)
			abort();
		rc = pc_calendar_read_holidays(cal, path, &err);
		pc_calendar_free(&cal);
		break;
	}
	}
	if (rc != PC_OK && err.msg[0] == '\0')
		abort(); /* a failure always says why */
	return 0;
}
