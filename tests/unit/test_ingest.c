/* test_ingest.c - the importer through its library API: counts, upserts,
 * censoring, rejected rows, dry runs and limits.  Expected values are
 * worked out by hand from the small inputs below. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include <precedent/history.h>
#include <precedent/ingest.h>

#include "ingest_internal.h"
#include "store_internal.h"
#include "store_fixture.h"

static const char good[] =
	"customer,project,phase,start,end,status,tier\n"
	"acme,p1,kickoff,2027-01-04,2027-01-08,done,gold\n"
	"acme,p1,build,2027-01-09,,ongoing,gold\n"
	"beta,p1,kickoff,2027-01-04,2027-01-04,,silver\n";

static pc_import_options opts_as_of(const char *as_of)
{
	pc_import_options o;

	pc_import_options_init(&o);
	assert_int_equal(pc_date_parse(as_of, &o.as_of), 0);
	return o;
}

static int import(pc_store *st, const char *csv, const pc_import_options *o,
                  pc_import_summary *sum, pc_error *err)
{
	return pc_import_buffer(st, csv, strlen(csv), "mem.csv", o, sum, err);
}

static void test_import_and_reimport(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	pc_import_summary sum;
	pc_history *h = NULL;
	pc_error err;

	assert_int_equal(import(*state, good, &o, &sum, &err), PC_OK);
	assert_int_equal(sum.rows, 3);
	assert_int_equal(sum.added, 3);
	assert_int_equal(sum.updated, 0);
	assert_int_equal(sum.unchanged, 0);
	assert_int_equal(sum.projects, 2);
	assert_int_equal(sum.ongoing, 1);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM customers"), 2);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM imports"), 1);

	/* The ongoing phase is censored at --as-of, not dropped. */
	assert_int_equal(pc_history_load(*state, NULL, 0, 0, &h, &err), PC_OK);
	assert_int_equal(h->nobs, 3);
	assert_int_equal(h->obs[1].ongoing, 1);
	assert_int_equal(pc_obs_days(&h->obs[1]), 24.0); /* 01-09 .. 02-01 */
	assert_int_equal(h->projects[0].nattrs, 1);
	assert_string_equal(h->projects[0].attrs[0].value, "gold");
	pc_history_free(&h);

	/* Again: nothing changes. */
	assert_int_equal(import(*state, good, &o, &sum, &err), PC_OK);
	assert_int_equal(sum.added, 0);
	assert_int_equal(sum.updated, 0);
	assert_int_equal(sum.unchanged, 3);
	assert_int_equal(sum.projects, 2);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM phases"), 3);
}

static void test_updates(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	pc_import_summary sum;
	pc_error err;
	static const char newer[] =
		"customer,project,phase,start,end,status,tier\n"
		"acme,p1,kickoff,2027-01-04,2027-01-08,done,gold\n"   /* same */
		"acme,p1,build,2027-01-09,2027-01-30,done,gold\n"     /* finished */
		"beta,p1,kickoff,2027-01-04,2027-01-04,,platinum\n"   /* attribute */
		"beta,p1,launch,2027-01-05,2027-01-06,done,platinum\n"; /* new */

	assert_int_equal(import(*state, good, &o, &sum, &err), PC_OK);
	assert_int_equal(import(*state, newer, &o, &sum, &err), PC_OK);
	assert_int_equal(sum.added, 1);
	assert_int_equal(sum.updated, 2);
	assert_int_equal(sum.unchanged, 1);
	assert_int_equal(sum.ongoing, 0);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM phases WHERE status = 'ongoing'"), 0);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM project_attrs WHERE value = 'platinum'"), 1);
}

static void test_bad_row_writes_nothing(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	pc_import_summary sum;
	pc_error err;
	static const char bad[] =
		"customer,project,phase,start,end\n"
		"new,p1,a,2027-01-04,2027-01-05\n"
		"new,p1,b,2027-01-04,2027-01-03\n";

	assert_int_equal(import(*state, bad, &o, &sum, &err), PC_EDATA);
	assert_string_equal(err.file, "mem.csv");
	assert_int_equal(err.line, 3);
	assert_string_equal(err.msg, "end date '2027-01-03' is before start date '2027-01-04'");
	assert_int_equal(query_long(*state, "SELECT count(*) FROM phases"), 0);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM customers"), 0);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM imports"), 0);
}

struct seen {
	int n;
	long lines[4];
};

static void on_reject(void *ctx, const pc_error *why)
{
	struct seen *s = ctx;

	if (s->n < 4)
		s->lines[s->n] = why->line;
	s->n++;
}

static void test_skip_invalid(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	pc_import_summary sum;
	struct seen seen = {0, {0}};
	pc_error err;
	static const char mixed[] =
		"customer,project,phase,start,end\n"
		"x,p,a,2027-01-04,2027-01-05\n"
		"x,p,b,2027-01-04,bad\n"
		"\"x\",\"p\",\"c\n\",2027-01-04\n"
		"x,p,a,2027-01-04,2027-01-05\n";

	o.skip_invalid = 1;
	o.rejected = on_reject;
	o.rejected_ctx = &seen;
	assert_int_equal(import(*state, mixed, &o, &sum, &err), PC_OK);
	assert_int_equal(sum.rows, 4);
	assert_int_equal(sum.added, 1);
	assert_int_equal(sum.rejected, 3);
	assert_int_equal(seen.n, 3);
	assert_int_equal(seen.lines[0], 3);
	assert_int_equal(seen.lines[1], 4); /* the record spans lines 4-5 */
	assert_int_equal(seen.lines[2], 6);
	assert_int_equal(query_long(*state, "SELECT rejected FROM imports"), 3);
}

static void test_dry_run(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	pc_import_summary sum;
	pc_error err;

	o.dry_run = 1;
	assert_int_equal(import(*state, good, &o, &sum, &err), PC_OK);
	assert_int_equal(sum.added, 3);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM phases"), 0);
	assert_int_equal(query_long(*state, "SELECT count(*) FROM imports"), 0);
}

static void test_limits(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	size_t n = PC_IMPORT_FIELD_MAX + 100;
	char *big = malloc(n + 64);
	pc_import_summary sum;
	pc_error err;

	assert_non_null(big);
	size_t at;

	strcpy(big, "customer,project,phase,start,end\nx,");
	at = strlen(big);
	memset(big + at, 'y', n);
	big[at + n] = '\0';
	o.skip_invalid = 1; /* limits are never skipped */
	assert_int_equal(pc_import_buffer(*state, big, strlen(big), "big.csv", &o, &sum, &err),
	                 PC_ELIMIT);
	assert_int_equal(err.line, 2);
	assert_string_equal(err.msg, "a field is longer than 65536 bytes");
	free(big);
}

static void test_bad_map(void **state)
{
	pc_import_options o = opts_as_of("2027-02-01");
	pc_import_map map[] = {{"client", "Client"}};
	pc_error err;

	o.map = map;
	o.nmap = 1;
	assert_int_equal(import(*state, good, &o, NULL, &err), PC_EUSAGE);
	assert_string_equal(err.file, "");
}

/* The importer splits plain lines itself and hands every line holding a
 * quote to libcsv (src/ingest.c, for speed); both paths must read the
 * same fields.  Each case is imported once as written (the fast path)
 * and once with its customer field quoted (libcsv), into fresh stores,
 * and the stores must export the same CSV. */
static char *export_of(const char *csv, int *status, pc_error *err)
{
	pc_store *st = NULL;
	pc_import_options o = opts_as_of("2027-06-01");
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	assert_int_equal(pc_store_open(":memory:", PC_STORE_CREATE, &st, err), PC_OK);
	*status = pc_import_buffer(st, csv, strlen(csv), "t.csv", &o, NULL, err);
	f = open_memstream(&buf, &len);
	assert_non_null(f);
	if (*status == PC_OK)
		assert_int_equal(pc_history_write_csv(st, f, err), PC_OK);
	fclose(f);
	pc_store_close(&st);
	return buf;
}

/* csv with the first field of every non-blank line put in quotes, which
 * sends the line through libcsv; first fields here have no blanks, so the
 * quotes change no value. */
static char *quote_customers(const char *csv)
{
	char *out = malloc(2 * strlen(csv) + 3), *w = out;
	const char *r = csv;

	while (*r) {
		const char *eol = r + strcspn(r, "\n");
		size_t first = strcspn(r, ",\r\n");

		if (first > 0) {
			*w++ = '"';
			memcpy(w, r, first);
			w += first;
			*w++ = '"';
			r += first;
		}
		memcpy(w, r, (size_t)(eol - r));
		w += eol - r;
		r = eol;
		if (*r)
			*w++ = *r++;
	}
	*w = '\0';
	return out;
}

static void test_fast_path_matches_libcsv(void **state)
{
	static const char *const cases[] = {
		"customer,project,phase,start,end,status,tier\n"
		"acme,p1,kickoff,2027-01-04,2027-01-08,done,gold\n",
		/* blanks around fields, tabs, CRLF, blank lines, no final newline */
		"customer, project ,phase ,start,end,status,tier\r\n"
		"acme,  p1 ,\tkickoff\t,2027-01-04 , 2027-01-08,done, gold \r\n"
		"\r\n"
		"acme,p1,build,2027-01-09,,ongoing,\n"
		"\n"
		"beta,p2,kickoff,2027-01-04,2027-01-04,done,silver",
		/* empty trailing field and a bad row: the same message either way */
		"customer,project,phase,start,end,status,tier\n"
		"acme,p1,kickoff,2027-01-04,2027-02-30,done,gold\n",
		"customer,project,phase,start,end,status,tier\n"
		"acme,p1,kickoff,2027-01-04,2027-01-08,done,gold,extra\n",
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *q = quote_customers(cases[i]);
		pc_error e1, e2;
		int s1, s2;
		char *a = export_of(cases[i], &s1, &e1);
		char *b = export_of(q, &s2, &e2);

		assert_int_equal(s1, s2);
		if (s1 == PC_OK) {
			assert_string_equal(a, b);
		} else {
			assert_int_equal(e1.line, e2.line);
			assert_string_equal(e1.msg, e2.msg);
		}
		free(a);
		free(b);
		free(q);
	}
}

/* The byte order mark is skipped however the input is cut into pieces
 * (a pipe may deliver it a byte at a time), and a file that only starts
 * like one keeps those bytes as text. */
struct first_field {
	char text[32];
	long line;
	size_t n;
};

static void keep_first(void *ctx, const pci_csv_record *r)
{
	struct first_field *f = ctx;

	if (f->n++ == 0) {
		snprintf(f->text, sizeof f->text, "%s", r->buf + r->off[0]);
		f->line = r->line;
	}
}

static void test_bom_in_pieces(void **state)
{
	static const char with_bom[] = "\xef\xbb\xbf" "customer,project\nacme,p1\n";
	static const char half_bom[] = "\xef\xbb" "x,y\n";
	(void)state;
	for (size_t piece = 1; piece <= 4; piece++) {
		for (int only = 0; only <= 1; only++) {
			struct first_field f = {"", 0, 0};
			pc_error err;

			assert_int_equal(pci_csv_split(with_bom, strlen(with_bom), piece,
			                               only, "t.csv", keep_first, &f, &err),
			                 PC_OK);
			assert_string_equal(f.text, "customer");
			assert_int_equal(f.line, 1);
			assert_int_equal(f.n, 2);
			memset(&f, 0, sizeof f);
			assert_int_equal(pci_csv_split(half_bom, strlen(half_bom), piece,
			                               only, "t.csv", keep_first, &f, &err),
			                 PC_OK);
			assert_string_equal(f.text, "\xef\xbb" "x");
			assert_int_equal(f.n, 1);
		}
	}
}

static void test_date_format_spellings(void **state)
{
	static const struct {
		const char *in, *out;
	} good_fmts[] = {
		{"DD/MM/YYYY", "%d/%m/%Y"}, {"MM/DD/YYYY", "%m/%d/%Y"},
		{"M/D/YYYY", "%m/%d/%Y"}, {"YYYY-MM-DD", "%Y-%m-%d"},
		{"D.M.YYYY", "%d.%m.%Y"}, {"dd.mm.yy", "%d.%m.%y"},
		{"DD MMM YYYY", "%d %b %Y"}, {"MMMM D, YYYY", "%B %d, %Y"},
		{"%d/%m/%Y", "%d/%m/%Y"}, {"%e %b %y", "%e %b %y"},
	};
	static const char *const bad_fmts[] = {
		"", "DD/MM", "YYYYY-MM-DD", "DDD/MM/YYYY", "DD/MM/YYYY hh:mm",
		"%d/%m/%Y %H", "%d/%m", "DD_MM_YYYY", "%",
	};
	char out[64];
	pc_error err;
	(void)state;

	for (size_t i = 0; i < sizeof good_fmts / sizeof *good_fmts; i++) {
		assert_int_equal(pc_import_date_format(good_fmts[i].in, out, sizeof out,
		                                       &err), PC_OK);
		assert_string_equal(out, good_fmts[i].out);
	}
	for (size_t i = 0; i < sizeof bad_fmts / sizeof *bad_fmts; i++) {
		assert_int_equal(pc_import_date_format(bad_fmts[i], out, sizeof out,
		                                       &err), PC_EUSAGE);
		assert_non_null(strstr(err.msg, "'%d/%m/%Y' for DD/MM/YYYY"));
	}
}

/* A tab separating fields is no blank to trim: empty fields stay, on the
 * fast path and through libcsv alike; ';' splits as ',' does. */
static void count_fields(void *ctx, const pci_csv_record *r)
{
	size_t *nf = ctx;

	*nf = *nf * 10 + r->nf;
}

static void test_delimiters(void **state)
{
	static const struct {
		const char *csv;
		int delim;
		size_t fields; /* per record, as decimal digits */
	} cases[] = {
		{"a\t\tb\n\t\t\n", '\t', 33},
		{"a\t \"x\ty\" \tb\n", '\t', 3},
		{"a;b;c\n1,5;2;\n", ';', 33},
		{"a;b,c;d\n1;2;3\n", PC_IMPORT_DELIM_AUTO, 33},
		{"a\tb;c\td\n1\t2\t3\n", PC_IMPORT_DELIM_AUTO, 33},
		{"a,b;c\n", PC_IMPORT_DELIM_AUTO, 2},
	};
	(void)state;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		for (int only = 0; only <= 1; only++)
			for (size_t piece = 0; piece <= 3; piece++) {
				size_t nf = 0;
				pc_error err;

				assert_int_equal(pci_csv_split_delim(cases[i].csv,
				                 strlen(cases[i].csv), piece, only,
				                 cases[i].delim, "t.csv", count_fields, &nf,
				                 &err), PC_OK);
				assert_int_equal(nf, cases[i].fields);
			}
}

/* A character of a multi-byte encoding cut by the reader's 64 KiB blocks
 * is joined again: GB18030's two-byte "\xc4\xe3" (U+4F60) straddles the
 * first block's end. */
static void test_encoding_across_blocks(void **state)
{
	static const char head[] = "customer,project,phase,start,end,notes\n"
	                           "a,p,x,2025-01-06,2025-01-07,";
	const size_t block = 64 * 1024;
	size_t k = block - 1 - strlen(head), len;
	char *csv = malloc(block + 16), *out = NULL;
	pc_import_options o = opts_as_of("2027-06-01");
	pc_import_summary sum;
	pc_error err;
	size_t outlen = 0;
	FILE *f;

	assert_non_null(csv);
	strcpy(csv, head);
	memset(csv + strlen(head), 'a', k);
	memcpy(csv + block - 1, "\xc4\xe3\n", 3);
	len = block + 2;
	o.encoding = "GB18030";
	assert_int_equal(pc_import_buffer(*state, csv, len, "gb.csv", &o, &sum, &err),
	                 PC_OK);
	assert_int_equal(sum.added, 1);
	f = open_memstream(&out, &outlen);
	assert_int_equal(pc_history_write_csv(*state, f, &err), PC_OK);
	fclose(f);
	assert_true(outlen > 6);
	assert_memory_equal(out + outlen - 5, "a\xe4\xbd\xa0\n", 5);
	free(out);
	/* Cut off for good, at the end of the input: an error, not a guess. */
	assert_int_equal(pc_import_buffer(*state, csv, len - 2, "gb.csv", &o, &sum,
	                                  &err), PC_EDATA);
	assert_non_null(strstr(err.msg, "ends inside a character"));
	free(csv);
}

/* Wholly empty rows are no rows; a status map and date-times as written. */
static void test_spreadsheet_rows(void **state)
{
	static const char csv[] =
		"customer,project,phase,start,end,status\r\n"
		"a,p,x,2025-01-06 00:00:00,2025-01-07 00:00:00,Completed\r\n"
		",,,,,\r\n"
		"a,p,y,2025-01-08T09:30,,In progress\r\n"
		",,,,,\r\n"
		"  ,,\t,,,\r\n";
	pc_import_status_map map[] = {{"done", "completed"}, {"ongoing", "IN PROGRESS"}};
	pc_import_options o = opts_as_of("2027-06-01");
	pc_import_summary sum;
	pc_error err;

	o.status_map = map;
	o.nstatus_map = 2;
	assert_int_equal(import(*state, csv, &o, &sum, &err), PC_OK);
	assert_int_equal(sum.rows, 2);
	assert_int_equal(sum.added, 2);
	assert_int_equal(sum.ongoing, 1);
	map[0].status = "finished";
	assert_int_equal(import(*state, csv, &o, &sum, &err), PC_EUSAGE);
	assert_string_equal(err.msg, "--status-map: unknown status 'finished' "
	                    "(expected done or ongoing)");
}

/* ingest.c reads libcsv's parser state to know whether a line starts a
 * record; libcsv keeps the state constants to itself, so hold it to the
 * one ingest.c assumes: 0 between records, not 0 inside one. */
static void test_libcsv_between_records(void **state)
{
	struct csv_parser p;

	(void)state;
	assert_int_equal(csv_init(&p, CSV_STRICT | CSV_STRICT_FINI), 0);
	assert_int_equal(p.pstate, 0);
	assert_int_equal(csv_parse(&p, "a,b\n", 4, NULL, NULL, NULL), 4);
	assert_int_equal(p.pstate, 0);
	assert_int_equal(csv_parse(&p, "a,", 2, NULL, NULL, NULL), 2);
	assert_int_not_equal(p.pstate, 0);
	assert_int_equal(csv_parse(&p, "\"b\nc\"", 5, NULL, NULL, NULL), 5);
	assert_int_not_equal(p.pstate, 0);
	assert_int_equal(csv_parse(&p, "\n", 1, NULL, NULL, NULL), 1);
	assert_int_equal(p.pstate, 0);
	csv_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		memory_store_test(test_import_and_reimport),
		memory_store_test(test_updates),
		memory_store_test(test_bad_row_writes_nothing),
		memory_store_test(test_skip_invalid),
		memory_store_test(test_dry_run),
		memory_store_test(test_limits),
		memory_store_test(test_bad_map),
		cmocka_unit_test(test_fast_path_matches_libcsv),
		cmocka_unit_test(test_bom_in_pieces),
		cmocka_unit_test(test_date_format_spellings),
		cmocka_unit_test(test_delimiters),
		memory_store_test(test_encoding_across_blocks),
		memory_store_test(test_spreadsheet_rows),
		cmocka_unit_test(test_libcsv_between_records),
	};
	return cmocka_run_group_tests_name("ingest", tests, NULL, NULL);
}
