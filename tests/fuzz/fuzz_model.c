/*
 * fuzz_model.c - libFuzzer harness for pc_model_read_csv, the reader of
 * `precedent plan --model FILE`.
 *
 * A model that reads is written back out, read again and written again:
 * the two texts must be equal (model.h promises 17 significant digits,
 * so a round trip gives the same doubles).  The written text, cut after
 * any of its lines but the last, must be refused: the end line is what
 * tells a whole model file from one cut short.
 */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <precedent.h>
#include <precedent/model.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* m as CSV text in a malloc'ed buffer (*len bytes). */
static char *write_text(const pc_model *m, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	pc_error err;

	if (!f || pc_model_write_csv(m, f, &err) != PC_OK || fclose(f))
		abort();
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pc_model *m = NULL, *again = NULL;
	char *t1, *t2;
	size_t n1, n2;
	pc_error err;

	if (pc_model_read_csv(fuzz_file(data, size), &m, &err) != PC_OK) {
		if (m || err.msg[0] == '\0')
			abort();
		return 0;
	}
	t1 = write_text(m, &n1);
	if (pc_model_read_csv(fuzz_file((const uint8_t *)t1, n1), &again,
	                      &err) != PC_OK) {
		fprintf(stderr, "fuzz_model: own output refused: %s\n", err.msg);
		abort();
	}
	t2 = write_text(again, &n2);
	if (n1 != n2 || memcmp(t1, t2, n1) != 0) {
		fprintf(stderr, "fuzz_model: round trip differs:\n%.*s---\n%.*s",
		        (int)n1, t1, (int)n2, t2);
		abort();
	}
	if (again->format != 2)
		abort();
	/* The first dozen cuts at a line end before the last: enough to reach
	 * past the header, few enough not to slow the fuzzer down. */
	for (size_t i = 0, cuts = 0; i + 1 < n1 && cuts < 12; i++) {
		pc_model *cut = NULL;

		if (t1[i] != '\n')
			continue;
		cuts++;
		if (pc_model_read_csv(fuzz_file((const uint8_t *)t1, i + 1), &cut,
		                      &err) == PC_OK) {
			fprintf(stderr, "fuzz_model: a cut at byte %zu reads:\n%.*s",
			        i + 1, (int)(i + 1), t1);
			abort();
		}
	}
	free(t1);
	free(t2);
	pc_model_free(&again);
	pc_model_free(&m);
	if (m || again)
		abort();
	return 0;
}
