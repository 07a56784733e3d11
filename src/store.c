/*
 * store.c - open, create and migrate the SQLite history store.
 *
 * The schema is versioned with PRAGMA user_version and grows through
 * `migrations[]`: step i takes a store from version i to i + 1.  All
 * pending steps run in one transaction, so a store is never left half
 * migrated.  A store from a newer precedent is refused untouched.
 */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <time.h>

#include <pthread.h>

#include <precedent/store.h>

#include "store_internal.h"

/* Marks the file as ours (PRAGMA application_id), so that pointing --db
 * at somebody else's SQLite database is refused instead of altered.
 * The bytes spell "PCDB". */
#define PC_APPLICATION_ID 0x50434442

/* How long pc_store_open waits for another writer, in seconds. */
#define DEFAULT_WAIT 10.0

struct pc_store {
	sqlite3 *db;
	char *path;
	int depth;                 /* nesting of pci_store_begin */
	double wait;               /* pc_store_options.wait */
	pc_store_wait_fn *waiting; /* pc_store_options.waiting */
	void *ctx;
	int told;                  /* waiting() has been called */
	int gave_up;               /* on_busy gave up on the last lock */
	struct timespec since;     /* when the current wait began */
};

static const char schema_v1[] =
	"CREATE TABLE customers("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE);"
	"CREATE TABLE projects("
	" id INTEGER PRIMARY KEY,"
	" customer_id INTEGER NOT NULL REFERENCES customers(id),"
	" name TEXT NOT NULL,"
	" import_id INTEGER,"
	" UNIQUE(customer_id, name));"
	/* The extra columns of a row, as a JSON object {key: value} with
	 * sorted keys (so equal sets are equal text), shared by every row
	 * that has the same: the rows of a project mostly do. */
	"CREATE TABLE attr_sets("
	" id INTEGER PRIMARY KEY,"
	" attrs TEXT NOT NULL UNIQUE);"
	/* WITHOUT ROWID: the natural key is the only index, one b-tree
	 * insert per imported row. */
	"CREATE TABLE phases("
	" project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,"
	" name TEXT NOT NULL,"
	" start TEXT NOT NULL,"
	" end TEXT,"
	" as_of TEXT,"
	" status TEXT NOT NULL CHECK(status IN ('done', 'ongoing')),"
	" attrs_id INTEGER REFERENCES attr_sets(id),"
	" import_id INTEGER,"
	" line INTEGER,"
	" PRIMARY KEY(project_id, name),"
	" CHECK((status = 'done') = (end IS NOT NULL))) WITHOUT ROWID;"
	/* A project's attributes are the extra columns its phase rows agree
	 * on: a per-phase column such as planned_end is not one.  Each set is
	 * decoded once per project, not once per row. */
	"CREATE VIEW project_attrs(project_id, key, value) AS"
	" SELECT f.project_id, j.key, min(j.value) FROM"
	" (SELECT DISTINCT project_id, attrs_id FROM phases) f"
	" JOIN attr_sets a ON a.id = f.attrs_id, json_each(a.attrs) j"
	" GROUP BY f.project_id, j.key HAVING count(DISTINCT j.value) = 1;"
	"CREATE TABLE imports("
	" id INTEGER PRIMARY KEY,"
	" file TEXT NOT NULL,"
	" hash TEXT NOT NULL,"
	" time TEXT NOT NULL,"
	" as_of TEXT NOT NULL,"
	" rows INTEGER NOT NULL,"
	" added INTEGER NOT NULL,"
	" updated INTEGER NOT NULL,"
	" unchanged INTEGER NOT NULL,"
	" rejected INTEGER NOT NULL);"
	"CREATE TABLE models("
	" id INTEGER PRIMARY KEY,"
	" created TEXT NOT NULL,"
	" criterion TEXT NOT NULL,"
	" reference TEXT NOT NULL,"
	" n_projects INTEGER NOT NULL);"
	"CREATE TABLE model_phases("
	" model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,"
	" phase TEXT NOT NULL,"
	" family TEXT NOT NULL,"
	" p1 REAL, p2 REAL, p3 REAL,"
	" n INTEGER NOT NULL,"
	" censored INTEGER NOT NULL,"
	" loglik REAL, median REAL, p80 REAL,"
	" PRIMARY KEY(model_id, phase));";

/* migrations[i] brings a store from user_version i to i + 1.  Append new
 * steps; never edit a released one. */
static const char *const migrations[] = {
	schema_v1,
};

#define NMIGRATIONS ((int)(sizeof migrations / sizeof *migrations))

_Static_assert(NMIGRATIONS == PCI_STORE_SCHEMA,
               "one migration step per schema version");

sqlite3 *pci_store_db(pc_store *st)
{
	return st->db;
}

const char *pci_store_path(const pc_store *st)
{
	return st->path;
}

/* The message for `what` failing on another process's lock, saying
 * whether on_busy gave up waiting for it. */
static int locked(pc_store *st, pc_error *err, const char *what)
{
	int gave_up = st->gave_up;

	st->gave_up = 0;
	return pc_error_set(err, PC_ESTORE, st->path, 0,
	                    gave_up ? "%s: another process is writing to the store "
	                              "(gave up after waiting %.10g s)"
	                            : "%s: another process is writing to the store",
	                    what, st->wait);
}

static int no_store(pc_error *err, const char *path)
{
	return pc_error_set(err, PC_ENOTFOUND, NULL, 0,
	                    "no store at '%s' (run 'precedent import' first)", path);
}

/* The directory part of path, in buf. */
static void dir_of(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(buf, size, ".");
	else if (slash == path)
		snprintf(buf, size, "/");
	else
		snprintf(buf, size, "%.*s", (int)(slash - path), path);
}

/* Is the file system holding path mounted read-only? */
static int on_readonly_fs(const char *path)
{
	char dir[4096];
	struct statvfs vfs;

	dir_of(path, dir, sizeof dir);
	return statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

/* Is the file system holding path (nearly) full: less than a page? */
static int on_full_fs(const char *path)
{
	char dir[4096];
	struct statvfs vfs;

	dir_of(path, dir, sizeof dir);
	return statvfs(dir, &vfs) == 0 &&
	       (unsigned long long)vfs.f_bavail * vfs.f_frsize < 65536;
}

/* "file:PATH?immutable=1", with PATH %-escaped as a URI wants; NULL if
 * out of memory. */
static char *immutable_uri(const char *path)
{
	static const char tail[] = "?immutable=1";
	char *uri = malloc(5 + 3 * strlen(path) + sizeof tail), *p = uri;

	if (!uri)
		return NULL;
	p += sprintf(p, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c; c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("/-._~", *c))
			*p++ = (char)*c;
		else
			p += sprintf(p, "%%%02X", *c);
	}
	memcpy(p, tail, sizeof tail);
	return uri;
}

/* The first line PRAGMA integrity_check gives for the store, in buf. */
static void integrity_line(pc_store *st, char *buf, size_t size)
{
	sqlite3_stmt *s = NULL;

	snprintf(buf, size, "the check itself fails");
	if (sqlite3_prepare_v2(st->db, "PRAGMA integrity_check(1)", -1, &s,
	                       NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		snprintf(buf, size, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

/* Say what went wrong with the last SQLite call on st in words a user can
 * act on, from SQLite's result code and the system's errno under it: a
 * full disk, read-only media, a permission, too many open files and a
 * damaged file each call for something different. */
static int explain(pc_store *st, pc_error *err, const char *what, int rc)
{
	int sys = st->db ? sqlite3_system_errno(st->db) : 0;
	const char *path = st->path;
	char dir[4096], line[256];

	if (sys == EMFILE || sys == ENFILE)
		return pc_error_set(err, PC_ESTORE, path, 0, "%s: too many open "
		                    "files (%s)", what, strerror(sys));
	switch (rc & 0xff) {
	case SQLITE_FULL:
		return pc_error_set(err, PC_ESTORE, path, 0, "%s: the disk is full",
		                    what);
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_IOERR:
	case SQLITE_PERM:
	case SQLITE_AUTH:
		if (sys == ENOSPC || sys == EDQUOT)
			return pc_error_set(err, PC_ESTORE, path, 0, "%s: the disk is "
			                    "full", what);
		if (sys == EFBIG)
			return pc_error_set(err, PC_ESTORE, path, 0, "%s: the file is "
			                    "larger than allowed (%s)", what,
			                    strerror(sys));
		if (sys == EROFS || (((rc & 0xff) == SQLITE_READONLY ||
		                      (rc & 0xff) == SQLITE_CANTOPEN) &&
		                     on_readonly_fs(path)))
			return pc_error_set(err, PC_ESTORE, path, 0, "%s: the file "
			                    "system is read-only", what);
		dir_of(path, dir, sizeof dir);
		if (sys == EACCES || sys == EPERM ||
		    (rc & 0xff) == SQLITE_READONLY) {
			/* Even a reader of a WAL store writes beside it: the
			 * -shm index (and a writer its -wal). */
			if (access(dir, W_OK) != 0)
				return pc_error_set(err, PC_ESTORE, path, 0,
				                    "%s: permission denied (SQLite writes "
				                    "the store's -wal and -shm files in "
				                    "'%s', which is not writable)", what,
				                    dir);
			return pc_error_set(err, PC_ESTORE, path, 0, "%s: permission "
			                    "denied", what);
		}
		if (sys)
			return pc_error_set(err, PC_ESTORE, path, 0, "%s: %s (%s)", what,
			                    sqlite3_errstr(rc), strerror(sys));
		/* A failed commit rolls back, and the rollback's own calls
		 * clear the errno SQLite kept; look at the usual causes. */
		if (on_full_fs(path))
			return pc_error_set(err, PC_ESTORE, path, 0, "%s: the disk is "
			                    "full", what);
		{
			struct rlimit rl;

			if ((rc & 0xff) == SQLITE_IOERR &&
			    getrlimit(RLIMIT_FSIZE, &rl) == 0 &&
			    rl.rlim_cur != RLIM_INFINITY)
				return pc_error_set(err, PC_ESTORE, path, 0,
				                    "%s: write error (is the file size "
				                    "limit of %llu bytes reached? see "
				                    "ulimit -f)", what,
				                    (unsigned long long)rl.rlim_cur);
		}
		break;
	case SQLITE_CORRUPT:
		integrity_line(st, line, sizeof line);
		return pc_error_set(err, PC_ESTORE, path, 0, "%s: the store is "
		                    "damaged (integrity check: %s)", what, line);
	case SQLITE_NOTADB:
		return pc_error_set(err, PC_ESTORE, path, 0,
		                    "not a precedent store (file is not a database)");
	case SQLITE_NOMEM:
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	return pc_error_set(err, PC_ESTORE, path, 0, "%s: %s", what,
	                    st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
}

int pci_store_fail(pc_store *st, pc_error *err, const char *what)
{
	int rc = sqlite3_errcode(st->db);

	if ((rc & 0xff) == SQLITE_BUSY)
		return locked(st, err, what);
	rc = explain(st, err, what, sqlite3_extended_errcode(st->db));
	return rc == PC_ENOMEM ? rc : PC_ESTORE;
}

/* SQLite's busy handler: called while another connection holds a lock
 * this one needs, with `count` the calls so far for this lock; returns
 * non-zero to try again.  Backs off to 100 ms between tries, tells the
 * caller once when a wait passes a second, and gives up after st->wait
 * seconds. */
static int on_busy(void *arg, int count)
{
	static const int backoff_ms[] = {1, 2, 5, 10, 20, 50};
	pc_store *st = arg;
	struct timespec t;
	double waited;
	int ms = 100;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if (count == 0)
		st->since = t;
	waited = (double)(t.tv_sec - st->since.tv_sec) +
	         (double)(t.tv_nsec - st->since.tv_nsec) * 1e-9;
	if (st->wait >= 0 && waited >= st->wait) {
		st->gave_up = 1;
		return 0;
	}
	if (waited >= 1.0 && !st->told && st->waiting) {
		st->told = 1;
		st->waiting(st->path, st->ctx);
	}
	if ((size_t)count < sizeof backoff_ms / sizeof *backoff_ms)
		ms = backoff_ms[count];
	if (st->wait >= 0 && ms > (st->wait - waited) * 1000.0)
		ms = (int)((st->wait - waited) * 1000.0) + 1;
	sqlite3_sleep(ms);
	return 1;
}

sqlite3_stmt *pci_store_prepare(pc_store *st, const char *sql, pc_error *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		pci_store_fail(st, err, "cannot prepare a query");
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

int pci_store_begin(pc_store *st, pc_error *err)
{
	const char *sql = st->depth ? "SAVEPOINT pc" : "BEGIN IMMEDIATE";

	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return pci_store_fail(st, err, "cannot start a transaction");
	st->depth++;
	return PC_OK;
}

int pci_store_commit(pc_store *st, pc_error *err)
{
	const char *sql = st->depth > 1 ? "RELEASE pc" : "COMMIT";

	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		pci_store_fail(st, err, "cannot commit");
		pci_store_rollback(st);
		return PC_ESTORE;
	}
	st->depth--;
	return PC_OK;
}

void pci_store_rollback(pc_store *st)
{
	if (st->depth <= 0)
		return;
	if (st->depth > 1)
		sqlite3_exec(st->db, "ROLLBACK TO pc; RELEASE pc", NULL, NULL, NULL);
	else if (sqlite3_get_autocommit(st->db) == 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	st->depth--;
}

/* The integer a PRAGMA returns, or -1. */
static long pragma_int(pc_store *st, const char *sql)
{
	sqlite3_stmt *s = NULL;
	long v = -1;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* Read the store's schema version into *version, refusing a file that is
 * not ours or is newer than this build. A version 0 file must be empty:
 * a new store, not another program's database. */
static int inspect(pc_store *st, long *version, pc_error *err)
{
	sqlite3_stmt *s = NULL;
	long appid, ntables;
	int rc;

	/* One statement, so one read transaction: read one after the other,
	 * the version could predate another process's creation of the store
	 * and the table count follow it. */
	rc = sqlite3_prepare_v2(st->db,
	                        "SELECT (SELECT user_version FROM pragma_user_version),"
	                        " (SELECT application_id FROM pragma_application_id),"
	                        " (SELECT count(*) FROM sqlite_master)",
	                        -1, &s, NULL);
	if (rc != SQLITE_OK || (rc = sqlite3_step(s)) != SQLITE_ROW) {
		pci_store_fail(st, err, "cannot read the store");
		sqlite3_finalize(s);
		return PC_ESTORE;
	}
	*version = (long)sqlite3_column_int64(s, 0);
	appid = (long)sqlite3_column_int64(s, 1);
	ntables = (long)sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	/* Whose file it is comes first: every store this program ever made
	 * got its application id in the transaction that made its schema,
	 * so a database with anything in it and another id (or none) is
	 * somebody else's, whatever its user_version says. */
	if (appid != 0 && appid != PC_APPLICATION_ID)
		return pc_error_set(err, PC_ESTORE, st->path, 0,
		                    "not a precedent store (application id %ld)",
		                    appid);
	if (appid == 0 && ntables != 0)
		return pc_error_set(err, PC_ESTORE, st->path, 0,
		                    "not a precedent store (it holds other tables)");
	if (appid == 0 && *version != 0)
		return pc_error_set(err, PC_ESTORE, st->path, 0,
		                    "not a precedent store (user version %ld, no "
		                    "precedent application id)", *version);
	if (*version > PCI_STORE_SCHEMA)
		return pc_error_set(err, PC_ESCHEMA, st->path, 0,
		                    "store schema version %ld is newer than this "
		                    "precedent's (version %d): upgrade precedent",
		                    *version, PCI_STORE_SCHEMA);
	return PC_OK;
}

/* Bring the schema up to PCI_STORE_SCHEMA, or refuse a store that is not
 * ours or is newer than this build. */
static int migrate(pc_store *st, int readonly, pc_error *err)
{
	long version;
	char sql[64];

	if (inspect(st, &version, err))
		return err->status;
	if (version == PCI_STORE_SCHEMA)
		return PC_OK;
	/* An empty database (a 0-byte file) is a store nobody has made yet:
	 * a reader must not make it. */
	if (readonly && version == 0)
		return no_store(err, st->path);
	if (readonly)
		return pc_error_set(err, PC_ESCHEMA, st->path, 0,
		                    "store schema version %ld is older than "
		                    "this precedent's (version %d) and it is "
		                    "open read-only", version, PCI_STORE_SCHEMA);
	if (pci_store_begin(st, err))
		return PC_ESTORE;
	/* Look again under the write lock: another process may have created
	 * or migrated the store since the reads above, each of which was a
	 * transaction of its own. */
	if (inspect(st, &version, err)) {
		pci_store_rollback(st);
		return err->status;
	}
	for (long v = version; v < NMIGRATIONS; v++) {
		if (sqlite3_exec(st->db, migrations[v], NULL, NULL, NULL) != SQLITE_OK) {
			pci_store_fail(st, err, "cannot update the store schema");
			pci_store_rollback(st);
			return PC_ESTORE;
		}
	}
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d; PRAGMA application_id = %d",
	         PCI_STORE_SCHEMA, PC_APPLICATION_ID);
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		pci_store_fail(st, err, "cannot update the store schema");
		pci_store_rollback(st);
		return PC_ESTORE;
	}
	return pci_store_commit(st, err);
}

/* Put the store in WAL mode (a no-op once it is). The switch needs the
 * database to itself and SQLite does not wait for that: it gives up at
 * once when another process holds the write lock, as a second import
 * racing the creation of the store does. So wait here, as for any other
 * lock. */
static int use_wal(pc_store *st, pc_error *err)
{
	sqlite3_stmt *s = NULL;
	int count = 0, rc;

	if (sqlite3_prepare_v2(st->db, "PRAGMA journal_mode = WAL", -1, &s,
	                       NULL) != SQLITE_OK)
		return pci_store_fail(st, err, "cannot switch to WAL mode");
	for (;;) {
		rc = sqlite3_step(s);
		/* When the switch cannot be made the pragma may still succeed,
		 * answering with the mode the store is left in. */
		if (rc == SQLITE_ROW &&
		    sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), "wal") == 0)
			break;
		sqlite3_reset(s);
		if (rc != SQLITE_ROW && (rc & 0xff) != SQLITE_BUSY)
			break;
		if (!on_busy(st, count++)) {
			rc = SQLITE_BUSY;
			break;
		}
	}
	sqlite3_finalize(s);
	if (rc == SQLITE_ROW)
		return PC_OK;
	if ((rc & 0xff) == SQLITE_BUSY)
		return locked(st, err, "cannot switch to WAL mode");
	explain(st, err, "cannot switch to WAL mode", rc);
	return PC_ESTORE;
}

/* SQLite counts every allocation for sqlite3_memory_used() under a
 * global mutex unless told not to; we never ask, and the count cost 12%
 * of an import.  sqlite3_config only works before SQLite initialises
 * (the first sqlite3_open does that), so this runs once before the first
 * store opens; in a program that has already used SQLite it is refused
 * (SQLITE_MISUSE) and harmlessly changes nothing. */
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static void config_sqlite(void)
{
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

int pc_store_open(const char *path, int flags, pc_store **out, pc_error *err)
{
	pc_store_options o = {flags, DEFAULT_WAIT, NULL, NULL};

	return pc_store_open_with(path, &o, out, err);
}

int pc_store_open_with(const char *path, const pc_store_options *o,
                       pc_store **out, pc_error *err)
{
	int flags = o->flags;
	int readonly = (flags & PC_STORE_READONLY) != 0;
	int memory = strcmp(path, ":memory:") == 0;
	int oflags = readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
	struct stat sb;
	pc_error local;
	pc_store *st;
	int rc;

	if (!err)
		err = &local; /* the fail path reads the status back */
	*out = NULL;
	pthread_once(&config_once, config_sqlite);
	if (!memory && stat(path, &sb) != 0) {
		if (errno != ENOENT)
			return pc_error_set(err, PC_EIO, NULL, 0, "cannot open '%s': %s",
			                    path, strerror(errno));
		if (!(flags & PC_STORE_CREATE) || readonly)
			return no_store(err, path);
	} else if (!memory) {
		/* SQLite would put its journal next to a device (as root,
		 * /dev/null-journal) and read /dev/zero as an empty database. */
		if (!S_ISREG(sb.st_mode))
			return pc_error_set(err, PC_ESTORE, NULL, 0,
			                    "'%s' is not a regular file (a store is one)",
			                    path);
		if (sb.st_size == 0 && (!(flags & PC_STORE_CREATE) || readonly))
			return no_store(err, path);
	}
	if (flags & PC_STORE_CREATE && !readonly)
		oflags |= SQLITE_OPEN_CREATE;
	st = calloc(1, sizeof *st);
	if (!st || !(st->path = strdup(path))) {
		free(st);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	/* On read-only media nobody can write the store, and a WAL store
	 * could not be read either: SQLite would need to create its -shm
	 * file.  Immutable says there is nothing to lock or recover. */
	if (readonly && !memory && on_readonly_fs(path)) {
		char *uri = immutable_uri(path);

		if (!uri) {
			free(st->path);
			free(st);
			return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		}
		rc = sqlite3_open_v2(uri, &st->db,
		                     oflags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
		free(uri);
	} else {
		rc = sqlite3_open_v2(path, &st->db, oflags | SQLITE_OPEN_NOMUTEX, NULL);
	}
	if (rc != SQLITE_OK) {
		explain(st, err, "cannot open the store", rc);
		goto fail;
	}
	sqlite3_extended_result_codes(st->db, 1);
	st->wait = o->wait;
	st->waiting = o->waiting;
	st->ctx = o->ctx;
	sqlite3_busy_handler(st->db, on_busy, st);
	/* The first read tells a database from any other file. */
	if (pragma_int(st, "PRAGMA user_version") < 0) {
		pci_store_fail(st, err, "cannot read the store");
		goto fail;
	}
	/* WAL: readers never block the importer and the importer never
	 * blocks readers; NORMAL sync is crash-safe in WAL mode (a power cut
	 * may lose the last commit, never corrupt the file). */
	if (sqlite3_exec(st->db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL",
	                 NULL, NULL, NULL) != SQLITE_OK) {
		pci_store_fail(st, err, "cannot configure the store");
		goto fail;
	}
	/* Migrate first, so that a file that is not ours is refused before
	 * anything (even its journal mode) is changed. */
	if (migrate(st, readonly, err))
		goto fail;
	if (!readonly && !memory && use_wal(st, err))
		goto fail;
	*out = st;
	return PC_OK;
fail:
	sqlite3_close(st->db);
	free(st->path);
	free(st);
	return err->status;
}

void pc_store_close(pc_store **st)
{
	if (!st || !*st)
		return;
	while ((*st)->depth > 0)
		pci_store_rollback(*st);
	sqlite3_close((*st)->db);
	free((*st)->path);
	free(*st);
	*st = NULL;
}
