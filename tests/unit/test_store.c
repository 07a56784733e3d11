/* test_store.c - opening, creating, migrating and refusing stores. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <precedent/store.h>

#include "store_internal.h"
#include "store_fixture.h"

struct fx {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	strcpy(f->dir, "/tmp/pc-test-store.XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof f->path, "%s/s.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[160];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_missing_store(void **state)
{
	struct fx *f = *state;
	pc_store *st = (pc_store *)1;
	pc_error err;
	char msg[512];

	assert_int_equal(pc_store_open(f->path, 0, &st, &err), PC_ENOTFOUND);
	assert_null(st);
	snprintf(msg, sizeof msg, "no store at '%s' (run 'precedent import' first)", f->path);
	assert_string_equal(err.msg, msg);
	assert_int_equal(access(f->path, F_OK), -1); /* not created */
}

static void test_create_and_reopen(void **state)
{
	struct fx *f = *state;
	pc_store *st = NULL;
	pc_error err;

	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_OK);
	assert_non_null(st);
	assert_int_equal(query_long(st, "PRAGMA user_version"), PCI_STORE_SCHEMA);
	assert_int_equal(query_long(st, "SELECT count(*) FROM sqlite_master WHERE name IN "
	                 "('customers','projects','project_attrs','phases','imports',"
	                 "'models','model_phases')"), 7);
	assert_int_equal(query_long(st, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
	assert_int_equal(query_long(st, "PRAGMA foreign_keys"), 1);
	pc_store_close(&st);
	assert_null(st);
	pc_store_close(&st); /* NULL is accepted */
	assert_int_equal(pc_store_open(f->path, 0, &st, &err), PC_OK);
	assert_int_equal(query_long(st, "PRAGMA user_version"), PCI_STORE_SCHEMA);
	pc_store_close(&st);
}

static void test_refuses_newer(void **state)
{
	struct fx *f = *state;
	pc_store *st = NULL;
	pc_error err;
	sqlite3 *db;

	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_OK);
	pc_store_close(&st);
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 999", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_ESCHEMA);
	assert_null(st);
	assert_string_equal(err.msg, "store schema version 999 is newer than this "
	                    "precedent's (version 1): upgrade precedent");
	assert_string_equal(err.file, f->path);
	/* Untouched: still 999. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	{
		sqlite3_stmt *s;
		sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_int_equal(sqlite3_column_int(s, 0), 999);
		sqlite3_finalize(s);
	}
	sqlite3_close(db);
}

static void test_refuses_foreign_files(void **state)
{
	struct fx *f = *state;
	pc_store *st = NULL;
	pc_error err;
	sqlite3 *db;
	FILE *fp;

	/* Somebody else's SQLite database keeps its tables and journal. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "CREATE TABLE t(x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_ESTORE);
	assert_string_equal(err.msg, "not a precedent store (it holds other tables)");
	unlink(f->path);

	/* A text file is not a database at all. */
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs("customer,project,phase,start,end\nthis is not sqlite at all, it is plain text\n", fp);
	fclose(fp);
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_ESTORE);
	assert_string_equal(err.msg, "not a precedent store (file is not a database)");
	assert_null(st);
}

static void test_migrates_from_zero(void **state)
{
	struct fx *f = *state;
	pc_store *st = NULL;
	pc_error err;
	sqlite3 *db;

	/* An empty SQLite file (version 0) is migrated in place. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pc_store_open(f->path, 0, &st, &err), PC_OK);
	assert_int_equal(query_long(st, "PRAGMA user_version"), 1);
	assert_int_equal(query_long(st, "PRAGMA application_id"), 0x50434442);
	pc_store_close(&st);
}

static void test_transactions_nest(void **state)
{
	struct fx *f = *state;
	pc_store *st = NULL;
	pc_error err;

	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_OK);
	assert_int_equal(pci_store_begin(st, &err), PC_OK);
	assert_int_equal(sqlite3_exec(pci_store_db(st), "INSERT INTO customers(name) VALUES('a')",
	                              NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pci_store_begin(st, &err), PC_OK);
	assert_int_equal(sqlite3_exec(pci_store_db(st), "INSERT INTO customers(name) VALUES('b')",
	                              NULL, NULL, NULL), SQLITE_OK);
	pci_store_rollback(st); /* undoes only 'b' */
	assert_int_equal(pci_store_commit(st, &err), PC_OK);
	assert_int_equal(query_long(st, "SELECT count(*) FROM customers"), 1);
	assert_int_equal(query_long(st, "SELECT count(*) FROM customers WHERE name = 'a'"), 1);
	pc_store_close(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_missing_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_and_reopen, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_newer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refuses_foreign_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrates_from_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions_nest, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
