/* test_history.c - pc_history_load over a store filled by hand with SQL,
 * so that it does not depend on the importer.  Expected values are worked
 * out by hand in the comments. */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/history.h>
#include <precedent/store.h>

#include "store_internal.h"
#include "store_fixture.h"

/*
 * Attributes live on the phase rows; a project has those its rows agree
 * on: acme/p1 gets plan=x (only one row has it), acme/p2 gets no plan
 * (its rows disagree: a per-phase column), omega lacks region but does
 * not veto it.
 *
 * acme/p1 (tier=enterprise, region=EU): zeta 2027-01-04..01-08 (5 days),
 *     alpha 2027-01-14..01-20, omega 2027-01-21.. ongoing as of 2027-02-01
 * acme/p2 (tier=smb): zeta 2027-02-01..02-02, alpha 2027-02-10..02-12
 * beta/p1 (tier=Enterprise, region=us): alpha 2026-12-11..12-20,
 *     zeta 2026-12-01..12-05
 * Median start offsets: zeta 0, alpha 10 (offsets 10, 9, 10), omega 17,
 * so the phases come out as zeta, alpha, omega: not alphabetical.
 */
static const char fill_sql[] =
	"INSERT INTO customers(id, name) VALUES (1, 'acme'), (2, 'beta');"
	"INSERT INTO projects(id, customer_id, name) VALUES (10, 2, 'p1'), (11, 1, 'p1'), (12, 1, 'p2');"
	"INSERT INTO attr_sets(id, attrs) VALUES"
	" (1, '{\"region\":\"EU\",\"tier\":\"enterprise\"}'),"
	" (2, '{\"plan\":\"x\",\"tier\":\"enterprise\"}'),"
	" (3, '{\"plan\":\"a\",\"tier\":\"smb\"}'),"
	" (4, '{\"plan\":\"b\",\"tier\":\"smb\"}'),"
	" (5, '{\"region\":\"us\",\"tier\":\"Enterprise\"}');"
	"INSERT INTO phases(project_id, name, start, end, as_of, status, attrs_id) VALUES"
	" (11, 'zeta', '2027-01-04', '2027-01-08', NULL, 'done', 1),"
	" (11, 'alpha', '2027-01-14', '2027-01-20', NULL, 'done', 1),"
	" (11, 'omega', '2027-01-21', NULL, '2027-02-01', 'ongoing', 2),"
	" (12, 'zeta', '2027-02-01', '2027-02-02', NULL, 'done', 3),"
	" (12, 'alpha', '2027-02-10', '2027-02-12', NULL, 'done', 4),"
	" (10, 'alpha', '2026-12-11', '2026-12-20', NULL, 'done', 5),"
	" (10, 'zeta', '2026-12-01', '2026-12-05', NULL, 'done', 5);";

static void fill(pc_store *st)
{
	assert_int_equal(sqlite3_exec(pci_store_db(st), fill_sql, NULL, NULL, NULL), SQLITE_OK);
}

static pc_day day(const char *s)
{
	pc_day d;

	assert_int_equal(pc_date_parse(s, &d), 0);
	return d;
}

static void test_empty_store(void **state)
{
	pc_history *h = (pc_history *)1;
	pc_error err;

	assert_int_equal(pc_history_load(*state, NULL, 0, 0, &h, &err), PC_EDATA);
	assert_null(h);
	assert_string_equal(err.msg, "the store holds no history");
}

static void test_load_all(void **state)
{
	pc_history *h = NULL;
	pc_error err;

	fill(*state);
	assert_int_equal(pc_history_load(*state, NULL, 0, 10, &h, &err), PC_OK);
	assert_int_equal(h->nprojects, 3);
	assert_int_equal(h->class_fallback, 0);
	assert_int_equal(h->class_size, 3);
	/* Sorted by customer, then project name. */
	assert_string_equal(h->projects[0].customer, "acme");
	assert_string_equal(h->projects[0].name, "p1");
	assert_string_equal(h->projects[1].name, "p2");
	assert_string_equal(h->projects[2].customer, "beta");
	/* Attributes sorted by key. */
	assert_int_equal(h->projects[0].nattrs, 3);
	assert_string_equal(h->projects[0].attrs[0].key, "plan");
	assert_string_equal(h->projects[0].attrs[0].value, "x");
	assert_string_equal(h->projects[0].attrs[1].key, "region");
	assert_string_equal(h->projects[0].attrs[1].value, "EU");
	assert_string_equal(h->projects[0].attrs[2].key, "tier");
	assert_int_equal(h->projects[1].nattrs, 1);
	assert_string_equal(h->projects[1].attrs[0].key, "tier");
	/* Spans: acme/p1 runs to its censoring date and is ongoing. */
	assert_int_equal(h->projects[0].start, day("2027-01-04"));
	assert_int_equal(h->projects[0].end, day("2027-02-01"));
	assert_int_equal(h->projects[0].ongoing, 1);
	assert_int_equal(h->projects[2].start, day("2026-12-01"));
	assert_int_equal(h->projects[2].end, day("2026-12-20"));
	assert_int_equal(h->projects[2].ongoing, 0);

	assert_int_equal(h->nphases, 3);
	assert_string_equal(h->phases[0], "zeta");
	assert_string_equal(h->phases[1], "alpha");
	assert_string_equal(h->phases[2], "omega");
	assert_int_equal(pc_history_phase_index(h, "alpha"), 1);
	assert_int_equal(pc_history_phase_index(h, "Alpha"), -1);
	assert_int_equal(pc_history_phase_index(h, "nope"), -1);
	/* The by-name index lists the phases in byte order of their names. */
	assert_non_null(h->phase_byname);
	assert_int_equal(h->phase_byname[0], 1); /* alpha */
	assert_int_equal(h->phase_byname[1], 2); /* omega */
	assert_int_equal(h->phase_byname[2], 0); /* zeta */
	/* Every name is found at its own index, with or without it. */
	for (size_t k = 0; k < h->nphases; k++)
		assert_int_equal(pc_history_phase_index(h, h->phases[k]), (long)k);
	{
		size_t *ix = h->phase_byname;

		h->phase_byname = NULL;
		assert_int_equal(pc_history_phase_index(h, "omega"), 2);
		assert_int_equal(pc_history_phase_index(h, "nope"), -1);
		assert_int_equal(pc_history_index_phases(h), PC_OK);
		assert_memory_equal(h->phase_byname, ix, 3 * sizeof *ix);
		free(ix);
	}

	assert_int_equal(h->nobs, 7);
	/* Sorted by project, then start: beta/p1's zeta comes before alpha. */
	assert_int_equal(h->obs[0].project, 0);
	assert_int_equal(h->obs[0].phase, 0);
	assert_int_equal(pc_obs_days(&h->obs[0]), 5.0);
	assert_int_equal(h->obs[2].phase, 2);
	assert_int_equal(h->obs[2].ongoing, 1);
	assert_int_equal(h->obs[2].end, day("2027-02-01"));
	assert_int_equal(pc_obs_days(&h->obs[2]), 12.0);
	assert_int_equal(h->obs[5].project, 2);
	assert_int_equal(h->obs[5].phase, 0);
	assert_int_equal(h->obs[5].start, day("2026-12-01"));
	assert_int_equal(h->obs[6].phase, 1);
	assert_int_equal(pc_obs_days(&h->obs[6]), 10.0);
	pc_history_free(&h);
	assert_null(h);
	pc_history_free(&h);
}

static void test_like_filter(void **state)
{
	pc_like tier[] = {{"TIER", "ENTERPRISE", PC_LIKE_EQ}};
	pc_like both[] = {{"tier", "enterprise", PC_LIKE_EQ}, {"region", "us", PC_LIKE_EQ}};
	pc_like none[] = {{"tier", "gold", PC_LIKE_EQ}};
	pc_like typo[] = {{"teir", "smb", PC_LIKE_EQ}};
	pc_like apart[] = {{"tier", "smb", PC_LIKE_EQ}, {"region", "us", PC_LIKE_EQ}};
	pc_history *h = NULL;
	pc_error err;

	fill(*state);
	/* Two enterprise projects (case-insensitive): enough for min_class 2. */
	assert_int_equal(pc_history_load(*state, tier, 1, 2, &h, &err), PC_OK);
	assert_int_equal(h->nprojects, 2);
	assert_int_equal(h->class_size, 2);
	assert_int_equal(h->class_fallback, 0);
	assert_string_equal(h->projects[0].name, "p1");
	assert_string_equal(h->projects[1].customer, "beta");
	assert_int_equal(h->nobs, 5);
	pc_history_free(&h);

	/* min_class 3: too few, so the whole history is used. */
	assert_int_equal(pc_history_load(*state, tier, 1, 3, &h, &err), PC_OK);
	assert_int_equal(h->nprojects, 3);
	assert_int_equal(h->class_size, 2);
	assert_int_equal(h->class_fallback, 1);
	pc_history_free(&h);

	/* Every condition must hold. */
	assert_int_equal(pc_history_load(*state, both, 2, 1, &h, &err), PC_OK);
	assert_int_equal(h->nprojects, 1);
	assert_string_equal(h->projects[0].customer, "beta");
	assert_int_equal(h->nphases, 2);
	assert_string_equal(h->phases[0], "zeta");
	pc_history_free(&h);

	/* A class no project is in is a mistake, not a class of 0 to fall
	 * back from: it names the nearest values. */
	assert_int_equal(pc_history_load(*state, none, 1, 1, &h, &err), PC_EDATA);
	assert_string_equal(err.msg, "--like tier=gold matches no project "
	                    "(nearest values of tier: 'smb', 'enterprise')");
	assert_null(h);
	assert_int_equal(pc_history_load(*state, none, 1, 0, &h, &err), PC_EDATA);
	assert_null(h);
	assert_int_equal(pc_history_load(*state, typo, 1, 0, &h, &err), PC_EDATA);
	assert_string_equal(err.msg, "--like teir=smb: no project has the "
	                    "attribute 'teir' (nearest: 'tier', 'plan', 'region')");
	/* Each condition holds somewhere, never both at once. */
	assert_int_equal(pc_history_load(*state, apart, 2, 0, &h, &err), PC_EDATA);
	assert_string_equal(err.msg, "no project meets every --like condition at "
	                    "once (tier=smb matches 1, region=us matches 1)");
}

/* users: 1000, 250, "many"; numbers compare as numbers, the rest as text. */
static const char users_sql[] =
	"INSERT INTO customers(id, name) VALUES (3, 'gamma');"
	"INSERT INTO projects(id, customer_id, name) VALUES (20, 3, 'a'), (21, 3, 'b'), (22, 3, 'c');"
	"INSERT INTO attr_sets(id, attrs) VALUES (20, '{\"users\":\"1000\"}'),"
	" (21, '{\"users\":\"250\"}'), (22, '{\"users\":\"many\"}');"
	"INSERT INTO phases(project_id, name, start, end, as_of, status, attrs_id) VALUES"
	" (20, 'zeta', '2027-01-04', '2027-01-08', NULL, 'done', 20),"
	" (21, 'zeta', '2027-01-04', '2027-01-09', NULL, 'done', 21),"
	" (22, 'zeta', '2027-01-04', '2027-01-10', NULL, 'done', 22);";

/* The number of projects --like TEXT keeps (min_class 0). */
static size_t kept(pc_store *st, const char *text)
{
	char buf[64];
	pc_like c;
	pc_history *h = NULL;
	pc_error err;
	size_t n;

	strcpy(buf, text);
	assert_int_equal(pc_like_parse(buf, &c), 0);
	if (pc_history_load(st, &c, 1, 0, &h, &err) != PC_OK)
		return 0;
	n = h->nprojects;
	pc_history_free(&h);
	return n;
}

static void test_like_ops(void **state)
{
	char bad[][16] = {"users", "=1", "users=", "users!1", "users>=", "<5"};
	pc_like c;

	fill(*state);
	assert_int_equal(sqlite3_exec(pci_store_db(*state), users_sql, NULL, NULL,
	                              NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(pc_like_parse(bad[i], &c), -1);
	{
		char t[] = "users>=1000";

		assert_int_equal(pc_like_parse(t, &c), 0);
		assert_string_equal(c.key, "users");
		assert_int_equal(c.op, PC_LIKE_GE);
		assert_string_equal(c.value, "1000");
		assert_string_equal(pc_like_op_name(c.op), ">=");
	}
	/* As numbers: 250 < 1000, though "250" > "1000" as text. */
	assert_int_equal(kept(*state, "users>=1000"), 1);
	assert_int_equal(kept(*state, "users>999.5"), 1);
	assert_int_equal(kept(*state, "users<1000"), 1);
	assert_int_equal(kept(*state, "users<=1000"), 2);
	assert_int_equal(kept(*state, "users=1000.0"), 1);
	assert_int_equal(kept(*state, "users!=1000"), 2); /* 250 and many */
	assert_int_equal(kept(*state, "users=MANY"), 1);
	/* Projects without the attribute meet no condition on it. */
	assert_int_equal(kept(*state, "tier!=smb"), 2);
	assert_int_equal(kept(*state, "users>5000"), 0);
}

static void test_attributes(void **state)
{
	pc_attr_count *v = (pc_attr_count *)1;
	size_t n = 1;
	pc_error err;

	assert_int_equal(pc_history_attributes(*state, &v, &n, &err), PC_EDATA);
	assert_null(v);
	assert_int_equal(n, 0);
	fill(*state);
	assert_int_equal(pc_history_attributes(*state, &v, &n, &err), PC_OK);
	/* acme/p2's plan varies by phase: no attribute of the project. */
	assert_int_equal(n, 5);
	assert_string_equal(v[0].key, "plan");
	assert_string_equal(v[0].value, "x");
	assert_int_equal(v[0].projects, 1);
	assert_string_equal(v[1].value, "EU");
	assert_string_equal(v[2].value, "us");
	assert_string_equal(v[3].key, "tier");
	assert_string_equal(v[3].value, "Enterprise"); /* and enterprise */
	assert_int_equal(v[3].projects, 2);
	assert_string_equal(v[4].value, "smb");
	assert_int_equal(v[4].projects, 1);
	pc_attr_counts_free(&v, n);
	assert_null(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		memory_store_test(test_empty_store),
		memory_store_test(test_load_all),
		memory_store_test(test_like_filter),
		memory_store_test(test_like_ops),
		memory_store_test(test_attributes),
	};
	return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
