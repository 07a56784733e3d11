/*
 * store_fixture.h - what the store, ingest and history unit tests share:
 * a fresh in-memory store per test, and one number out of it by SQL.
 * Include after <cmocka.h> and "store_internal.h".
 */
#ifndef PRECEDENT_TESTS_STORE_FIXTURE_H
#define PRECEDENT_TESTS_STORE_FIXTURE_H

/* cmocka setup: *state is a new, empty in-memory store. */
static inline int memory_store_setup(void **state)
{
	pc_store *st = NULL;
	pc_error err;

	if (pc_store_open(":memory:", PC_STORE_CREATE, &st, &err))
		return -1;
	*state = st;
	return 0;
}

/* cmocka teardown for memory_store_setup. */
static inline int memory_store_teardown(void **state)
{
	pc_store *st = *state;

	pc_store_close(&st);
	return 0;
}

/* A cmocka test run on its own fresh in-memory store. */
#define memory_store_test(f) \
	cmocka_unit_test_setup_teardown(f, memory_store_setup, memory_store_teardown)

/* The first column of the first row `sql` returns, as a number (-1 if it
 * returns no row); the statement must prepare. */
static inline long query_long(pc_store *st, const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;

	assert_int_equal(sqlite3_prepare_v2(pci_store_db(st), sql, -1, &s, NULL),
	                 SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

#endif
