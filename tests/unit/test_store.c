/* test_store.c - opening, creating, migrating and refusing stores. */
#include <config.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
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

	/* Whatever its user_version: 1 is this precedent's schema version,
	 * 7 a newer one; neither makes the file ours, and it is not even
	 * switched to WAL. */
	for (int uv = 1; uv <= 7; uv += 6) {
		char sql[96];
		sqlite3_stmt *s;

		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		snprintf(sql, sizeof sql, "CREATE TABLE t(x); PRAGMA user_version = %d", uv);
		assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(db);
		assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_ESTORE);
		assert_string_equal(err.msg, "not a precedent store (it holds other tables)");
		assert_int_equal(pc_store_open(f->path, PC_STORE_READONLY, &st, &err), PC_ESTORE);
		assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "delete");
		sqlite3_finalize(s);
		sqlite3_close(db);
		unlink(f->path);
	}
	/* Another application id, without any table. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA application_id = 42", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_ESTORE);
	assert_string_equal(err.msg, "not a precedent store (application id 42)");
	unlink(f->path);

	/* A device is no store, and gets no journal beside it. */
	assert_int_equal(pc_store_open("/dev/null", PC_STORE_CREATE, &st, &err), PC_ESTORE);
	assert_string_equal(err.msg, "'/dev/null' is not a regular file (a store is one)");
	assert_int_equal(access("/dev/null-journal", F_OK), -1);

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

	/* An empty SQLite file (version 0) is no store to open, but one
	 * to create: it is migrated in place. */
	assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pc_store_open(f->path, 0, &st, &err), PC_ENOTFOUND);
	assert_int_equal(pc_store_open(f->path, PC_STORE_READONLY, &st, &err),
	                 PC_ENOTFOUND);
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_OK);
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

static double seconds(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void count_waits(const char *path, void *ctx)
{
	(void)path;
	++*(int *)ctx;
}

/* Another process holding the write lock, as an import does until it
 * commits: a connection of our own with BEGIN IMMEDIATE. */
static sqlite3 *hold_lock(const char *path)
{
	sqlite3 *db = NULL;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	                 SQLITE_OK);
	return db;
}

static void test_wait_gives_up(void **state)
{
	struct fx *f = *state;
	pc_store *st = NULL;
	pc_store_options o = {0, 0.3, count_waits, NULL};
	int waits = 0;
	pc_error err;
	char msg[512];
	sqlite3 *lock;
	double t;

	o.ctx = &waits;
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_OK);
	pc_store_close(&st);
	lock = hold_lock(f->path);
	/* Opening only reads, and a reader does not wait for a writer. */
	t = seconds();
	assert_int_equal(pc_store_open_with(f->path, &o, &st, &err), PC_OK);
	assert_true(seconds() - t < 0.2);
	t = seconds();
	assert_int_equal(pci_store_begin(st, &err), PC_ESTORE);
	t = seconds() - t;
	assert_true(t >= 0.3);
	assert_true(t < 2.0);
	snprintf(msg, sizeof msg, "cannot start a transaction: another process is "
	         "writing to the store (gave up after waiting 0.3 s)");
	assert_string_equal(err.msg, msg);
	assert_string_equal(err.file, f->path);
	assert_int_equal(waits, 0); /* under a second: nothing to say */
	/* Once the other writer is done, writing goes on as usual. */
	assert_int_equal(sqlite3_exec(lock, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(pci_store_begin(st, &err), PC_OK);
	assert_int_equal(pci_store_commit(st, &err), PC_OK);
	sqlite3_close(lock);
	pc_store_close(&st);
}

struct holder {
	const char *path;
	double hold;
	int held; /* set once the lock is taken */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static void *hold_then_release(void *arg)
{
	struct holder *h = arg;
	sqlite3 *lock = NULL;
	int rc;

	rc = sqlite3_open(h->path, &lock);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(lock, "BEGIN IMMEDIATE", NULL, NULL, NULL);
	pthread_mutex_lock(&h->mu);
	h->held = rc == SQLITE_OK ? 1 : -1;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	if (rc == SQLITE_OK) {
		usleep((useconds_t)(h->hold * 1e6));
		sqlite3_exec(lock, "INSERT INTO customers(name) VALUES('first');"
		             "COMMIT", NULL, NULL, NULL);
	}
	sqlite3_close(lock);
	return NULL;
}

static void test_wait_until_free(void **state)
{
	struct fx *f = *state;
	struct holder h = {f->path, 1.5, 0, PTHREAD_MUTEX_INITIALIZER,
	                   PTHREAD_COND_INITIALIZER};
	pc_store_options o = {0, -1, count_waits, NULL};
	pc_store *st = NULL;
	int waits = 0;
	pc_error err;
	pthread_t th;
	double t;

	o.ctx = &waits;
	assert_int_equal(pc_store_open(f->path, PC_STORE_CREATE, &st, &err), PC_OK);
	pc_store_close(&st);
	assert_int_equal(pthread_create(&th, NULL, hold_then_release, &h), 0);
	pthread_mutex_lock(&h.mu);
	while (!h.held)
		pthread_cond_wait(&h.cv, &h.mu);
	pthread_mutex_unlock(&h.mu);
	assert_int_equal(h.held, 1);
	t = seconds();
	assert_int_equal(pc_store_open_with(f->path, &o, &st, &err), PC_OK);
	assert_int_equal(pci_store_begin(st, &err), PC_OK);
	t = seconds() - t;
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_true(t >= 1.0);
	assert_int_equal(waits, 1); /* told once, past a second */
	/* The transaction starts after the other writer's commit. */
	assert_int_equal(query_long(st, "SELECT count(*) FROM customers"), 1);
	assert_int_equal(pci_store_commit(st, &err), PC_OK);
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
		cmocka_unit_test_setup_teardown(test_wait_gives_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wait_until_free, setup, teardown),
	};
	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
