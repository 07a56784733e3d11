/*
 * fuzz_durations.c - libFuzzer harness for pc_durations_read, the number
 * reader of `precedent fitdist`.
 *
 * The first byte picks the columns (bit 0: "days" with the censoring
 * column "ongoing"; else the first column or a bare list).  On success
 * every duration is a finite number and every censoring flag 0 or 1.
 * Bit 1 also fits every family to the first 200 on the whole-day
 * likelihood (any numbers: huge, negative, fractional, ties), which must
 * give a finite log-likelihood or an error that says why.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <precedent.h>
#include <precedent/fit.h>

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	double *x = NULL;
	unsigned char *cens = NULL;
	size_t n = 0;
	pc_error err;
	FILE *in;
	int named;

	if (size < 1)
		return 0;
	named = data[0] & 1;
	in = fopen(fuzz_file(data + 1, size - 1), "rb");
	if (!in)
		abort();
	if (pc_durations_read(in, "fuzz.csv", named ? "days" : NULL,
	                      named ? "ongoing" : NULL, &x, &cens, &n,
	                      &err) == PC_OK) {
		for (size_t i = 0; i < n; i++)
			if (!isfinite(x[i]) || cens[i] > 1)
				abort();
		if (data[0] & 2) {
			pc_fit_options o;
			pc_fit_set set;

			pc_fit_options_init(&o);
			o.whole_days = 1;
			o.point_only = 1;
			if (pc_fit_all(x, cens, n < 200 ? n : 200, &o, &set, &err) == PC_OK) {
				if (!isfinite(set.fits[set.best].loglik))
					abort();
			} else if (err.msg[0] == '\0') {
				abort();
			}
		}
		free(x);
		free(cens);
	} else if (err.msg[0] == '\0') {
		abort(); /* a failure always says why */
	}
	fclose(in);
	return 0;
}
