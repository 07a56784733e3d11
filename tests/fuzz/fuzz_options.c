/*
 * fuzz_options.c - libFuzzer harness for the parsers of command-line
 * option values (src/cli/main.c, src/cli/cli_plan.c), one at a time and
 * fast; fuzz_cli runs them inside whole commands.
 *
 * The first byte picks the parser, the second (for the plan options)
 * the option; the rest is the value, or for --like several values
 * separated by NUL bytes.  Beyond "no crash": whatever a parser accepts
 * is what it promises (a date that formats back to the same text, a
 * number in range written in plain digits, a format or family that
 * exists), a refusal leaves the result untouched, and a usage error says
 * why on stderr.
 */
#include <config.h>

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { P_DATE, P_FORMAT, P_UINT, P_INT, P_REAL, P_SPLIT, P_FAMILIES,
       P_CRITERION, P_LIKE, P_PLAN, NPARSERS };

static const char *const format_names[] = {"table", "csv", "json", "markdown"};

/* Every character of s is in set (after an optional sign if signed). */
static int only(const char *s, const char *set, int sign)
{
	if (sign && (*s == '-' || *s == '+'))
		s++;
	return *s && s[strspn(s, set)] == '\0';
}

static void check_plan(const struct cli *cli, int opt, char *value)
{
	uint64_t iterations = 7, seed = 7;
	unsigned threads = 7;
	int independent = 0, rc;
	struct plan_args pa;

	plan_args_init(&pa, &iterations, 100000, opt & 1, &seed, &threads,
	               &independent);
	rc = plan_args_option(cli, &pa, PLAN_OPT_LIKE + opt % (PLAN_OPT_END -
	                                                       PLAN_OPT_LIKE), value);
	if (rc != 0 && rc != EXIT_USAGE)
		abort();
	if (rc == 0 && (iterations > 100000 || threads < 1 || threads > 256 ||
	                (iterations == 0 && !(opt & 1))))
		abort();
}

static void check_like(const struct cli *cli, char *values, size_t n)
{
	struct cli_class k;

	cli_class_init(&k);
	for (size_t at = 0; at <= n;) {
		char *v = values + at;
		size_t len = strlen(v);
		size_t before = k.nlike;
		int rc = cli_parse_like(cli, v, &k);

		if (rc == 0 && (k.nlike != before + 1 || !*k.like[before].key ||
		                strchr(k.like[before].key, '=')))
			abort();
		if (rc != 0 && (rc != EXIT_USAGE || k.nlike != before))
			abort();
		if (k.nlike > CLI_MAX_LIKE || memchr(k.name, 0, sizeof k.name) == NULL)
			abort();
		at += len + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cli cli = {.db_path = "fuzz.db", .cmd = "fuzz", .wait = -1};
	char *errtext = NULL, *v;
	size_t errlen = 0, n;
	FILE *saved = stderr;
	int which, opt, rc = 0;

	if (size < 2)
		return 0;
	which = data[0] % NPARSERS;
	opt = data[1];
	n = size - 2;
	/* An exact-size copy (plus the NUL), so ASan sees any overrun. */
	if (!(v = malloc(n + 1)))
		return 0;
	memcpy(v, data + 2, n);
	v[n] = '\0';
	if (!(stderr = open_memstream(&errtext, &errlen))) {
		stderr = saved;
		free(v);
		return 0;
	}

	switch (which) {
	case P_DATE: {
		pc_day d = 12345;
		char back[PC_DATE_BUF];

		rc = cli_parse_date(&cli, "--start", v, &d);
		if (rc == 0 && strcmp(pc_date_format(d, back), v) != 0)
			abort();
		if (rc != 0 && d != 12345)
			abort();
		break;
	}
	case P_FORMAT: {
		enum cli_format f = FMT_TABLE;
		unsigned mask = (unsigned)opt & 15;

		rc = cli_parse_format(&cli, v, mask, &f);
		if (rc == 0 && (!(mask & (1u << f)) || strcmp(v, format_names[f]) != 0))
			abort();
		break;
	}
	case P_UINT: {
		unsigned long long x = 0;

		if (cli_parse_uint(v, 1, 1000, &x) == 0 &&
		    (x < 1 || x > 1000 || !only(v, "0123456789", 0)))
			abort();
		if (cli_parse_count(&cli, "--n", v, 1, 1000, &x) == EXIT_USAGE)
			rc = EXIT_USAGE;
		break;
	}
	case P_INT: {
		long x = 99999;

		if (cli_parse_int(v, -36500, 36500, &x) == 0) {
			if (x < -36500 || x > 36500 || !only(v, "0123456789", 1))
				abort();
		} else if (x != 99999) {
			abort();
		}
		break;
	}
	case P_REAL: {
		double x = 0.25;

		if (cli_parse_real(v, &x) == 0) {
			if (!isfinite(x) || !only(v, "0123456789.eE+-", 1))
				abort();
		} else if (x != 0.25) {
			abort();
		}
		break;
	}
	case P_SPLIT: {
		char *copy = strdup(v), *val;

		if (!copy)
			break;
		val = cli_split_eq(copy);
		if (!val ? strcmp(copy, v) != 0
		         : (!*copy || strchr(copy, '=') || val != copy + strlen(copy) + 1 ||
		            v[strlen(copy)] != '=' || strcmp(val, v + strlen(copy) + 1)))
			abort();
		free(copy);
		break;
	}
	case P_FAMILIES: {
		unsigned mask = 0, all = 0;

		if (pc_family_mask_parse("all", &all, NULL) != 0)
			abort();
		rc = cli_parse_families(&cli, v, &mask);
		if (rc == 0 && (mask == 0 || (mask & ~all)))
			abort();
		break;
	}
	case P_CRITERION: {
		pc_criterion c;

		rc = cli_parse_criterion(&cli, v, &c);
		break;
	}
	case P_LIKE:
		check_like(&cli, v, n);
		break;
	case P_PLAN:
		check_plan(&cli, opt, v);
		break;
	}
	fclose(stderr);
	stderr = saved;
	if (rc != 0 && rc != EXIT_USAGE)
		abort();
	if (rc == EXIT_USAGE && errlen == 0)
		abort(); /* a usage error says why */
	free(errtext);
	free(v);
	return 0;
}
