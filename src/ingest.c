/*
 * ingest.c - stream a CSV release history into the store.
 *
 * Bytes are fed to libcsv one physical line at a time (long lines in
 * block-sized pieces), which is what lets us name the line a record
 * starts on: before each line, if libcsv is between records, a record
 * starting now starts on this line.
 *
 * Two threads share the work.  A reader thread reads, parses and
 * validates, and hands rows over in small batches (at most NBATCHES in
 * flight) to the writer, the calling thread, which writes them with
 * prepared statements inside one transaction and owns the SQLite
 * connection and every callback, so rejected rows are reported in line
 * order.  Memory stays bounded by the limits in ingest.h, the batch
 * sizes and the caps on the two in-memory maps below (SEEN_*, ATTRS_*),
 * whatever the file size.
 *
 * Duplicates within one file are found without remembering every key:
 * every phase row carries the id of the import that last wrote it, so a
 * row that meets its own import id was already in this file.  A row
 * found unchanged is not rewritten for that (a re-import would rewrite
 * the whole store): its key goes in a bounded in-memory set instead
 * (SKIP_MAX), past which rows are stamped again.  Only the
 * phases of the current project, when this import created it, are kept
 * in memory (a bounded number): such a project has no other stored
 * phases, so its rows need no look-up and go in by multi-row INSERTs.
 *
 * Usual lines (no quotes) are split here rather than by libcsv, with the
 * same result, since parsing was most of the reader's time.  The ids of
 * attribute sets met in this import are kept too, up to a cap.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <pthread.h>

#include <csv.h>
#define XXH_STATIC_LINKING_ONLY /* XXH64_state_t as a plain struct */
#include <xxhash.h>

#include <precedent/ingest.h>

#include "ingest_internal.h"
#include "store_internal.h"

/* libcsv's "between records" parser state (ROW_NOT_BEGUN in libcsv.c);
 * struct csv_parser is public, its state constants are not, so
 * test_libcsv_between_records (tests/unit/test_ingest.c) holds libcsv to
 * this value. */
#define CSV_STATE_ROW_NOT_BEGUN 0

#define BLOCK (64 * 1024)
#define PROGRESS_EVERY (1024 * 1024)
/* Days: a phase of more than a century is a typo in a date, and the
 * simulator counts nothing longer (PCI_DURATION_CAP): one limit everywhere. */
#define DURATION_MAX 36525
#define QUOTE_MAX 60         /* bytes of offending text quoted in messages */
#define BATCH_ROWS 1024      /* rows per hand-over between the threads */
#define BATCH_TEXT (256 * 1024) /* ... or this many bytes of text */
#define NBATCHES 3           /* one filling, one ready, one being written */

/* A validated row, or a rejected one, handed to the writer. */
struct item {
	long line;
	int rejected;             /* 1: errs[err] says why */
	int ongoing;
	char start[PC_DATE_BUF], end[PC_DATE_BUF]; /* ISO; end "" if ongoing */
	size_t customer, project, phase, json, err; /* offsets / index */
};

struct batch {
	struct item *items;
	size_t n, cap;
	char *text;
	size_t len, tcap;
	pc_error *errs;
	size_t nerr, ecap;
	uint64_t bytes; /* input read when the batch was handed over */
};

enum role {
	COL_ATTR,
	COL_CUSTOMER,
	COL_PROJECT,
	COL_PHASE,
	COL_START,
	COL_END,
	COL_DURATION,
	COL_STATUS,
	NROLES
};

static const char *const role_names[NROLES] = {
	NULL, "customer", "project", "phase", "start", "end", "duration", "status"
};

enum { LIMIT_NONE, LIMIT_FIELD, LIMIT_COLUMNS, LIMIT_RECORD };

/* Spreadsheets on Windows export in their code page: say how to read it. */
#define ENCODING_HINT " (if the file is in another encoding, name it with " \
	"--encoding, e.g. --encoding windows-1252)"

/* The phase name plans give the whole release's row: a phase of that name
 * could not be told from it. */
#define RESERVED_PHASE "release"


#define PEND_ROWS 64         /* phase rows per multi-row INSERT */
/* ... with 2 + 6 per row parameters, within SQLite's oldest limit. */
_Static_assert(2 + 6 * PEND_ROWS <= 999, "too many parameters per INSERT");
#define SEEN_MAX 4096        /* phases of a fresh project kept in memory */
#define SEEN_TEXT (1024 * 1024) /* ... or this many bytes of their names */
#define ATTRS_MAX 65536      /* attribute sets whose ids are kept */
#define ATTRS_TEXT (8 * 1024 * 1024) /* ... or this many bytes of them */

/* Rows a re-import finds unchanged are left as they are, not stamped with
 * the import's id (that rewrite was two thirds of a re-import), so the
 * duplicates the stamp would catch are found in memory: up to this many
 * rows (and the projects met, for the count of projects); past it the
 * rest are stamped as before.  16 bytes a slot, at most half full: 32 MiB
 * at the cap, enough to skip every row of a million-row file. */
#define SKIP_MAX (1u << 20)

/* An open-addressing set of (project id, XXH64 of a phase name) with the
 * line that name was met on; hash 0 stands for the project itself.  Ids
 * start at 1, so project 0 marks an empty slot; an id or line beyond 32
 * bits is not kept (the row is stamped instead).  The names' 64-bit
 * hashes can only clash within one project's few phases (chance ~2^-64
 * a pair). */
struct skip_slot {
	uint64_t hash;
	uint32_t project, line;
};

struct skipset {
	struct skip_slot *slots;
	size_t cap, n; /* cap: a power of two */
};

/* A bounded map from strings to numbers: an open-addressing hash table
 * whose slots are live only when stamped with the current generation, so
 * that emptying it clears nothing. */
struct smap_slot {
	uint32_t gen;
	uint32_t hash;
	size_t key, len; /* in text */
	sqlite3_int64 val;
};

struct smap {
	struct smap_slot *slots;
	size_t cap, n;    /* cap: a power of two */
	uint32_t gen;
	char *text;
	size_t len, tcap;
	size_t max_n, max_text; /* what it may hold */
};

/* A phase row waiting for the next multi-row INSERT. */
struct pend {
	sqlite3_int64 project_id, attrs_id;
	size_t name, len; /* in pend_text */
	char start[PC_DATE_BUF], end[PC_DATE_BUF];
	int ongoing;
	long line;
};


struct imp {
	pc_store *st;
	sqlite3 *db;
	const pc_import_options *o;
	pc_import_summary *sum;
	pc_error *err;
	const char *name;

	/* The reader's side. */
	struct csv_parser csv;
	long line;     /* physical line being fed, from 1 */
	long rec_line; /* line the current record started on */
	int failed;    /* rerr holds a fatal error: ignore the rest */
	pc_error rerr;
	int limit;     /* the current record broke a limit */
	int rec_plain; /* the current record is known to be plain ASCII */
	int bom;       /* bytes of a byte order mark met at the start, or
	                  BOM_NONE: the input starts otherwise */
	int libcsv_only;         /* no fast path (pci_csv_split) */
	pci_csv_record_fn on_rec; /* records go here, not to header/row */
	void *on_rec_ctx;
	size_t nrows;
	struct batch *fill; /* being filled */
	struct source *src;

	/* The hand-over. */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batches[NBATCHES];
	struct batch *freeq[NBATCHES];
	int nfree;
	struct batch *ready;
	int reader_done;
	int stop;      /* the writer failed: the reader should quit */
	int wfailed;   /* *err holds the writer's fatal error */

	/* The current record: NUL-terminated fields packed in buf. */
	char *buf;
	size_t len, cap;
	size_t nf;
	size_t off[PC_IMPORT_COLUMNS_MAX];

	/* The header. */
	int have_header;
	size_t ncols;
	enum role role[PC_IMPORT_COLUMNS_MAX];
	char *key[PC_IMPORT_COLUMNS_MAX]; /* lowercase attribute names */
	char *key_json[PC_IMPORT_COLUMNS_MAX]; /* ... as JSON `"key":` */
	size_t key_json_len[PC_IMPORT_COLUMNS_MAX];
	long col[NROLES];                 /* column of each role, or -1 */

	sqlite3_stmt *sel_customer, *ins_customer, *sel_project, *ins_project,
	             *touch_project, *ins_phase, *sel_phase, *upd_phase,
	             *sel_attrs, *ins_attrs, *fin_import;
	sqlite3_int64 import_id;
	int began;  /* the transaction is open */
	int fk_off; /* foreign keys were switched off for the import */

	/* The previous row's customer and project, and their ids. */
	sqlite3_int64 customer_id, project_id;
	char *prev_customer, *prev_project;
	size_t prev_customer_cap, prev_project_cap;

	/* The attribute columns in key order, and the row's attributes as
	 * JSON text. */
	size_t nattr_cols;
	size_t attr_order[PC_IMPORT_COLUMNS_MAX];
	char *json;
	size_t json_len, json_cap;
	char *prev_json;          /* the last attribute set and its id */
	size_t prev_json_cap;
	sqlite3_int64 attrs_id;   /* 0: none yet; -1: the empty set */
	int new_customers, new_projects, new_attrs, new_phases; /* see find_or_add */

	/* A project this import has just created has no stored phases but
	 * those of its rows so far, which `seen` holds: its rows need no
	 * look-up, and are inserted PEND_ROWS at a time (see add_fresh). */
	int fresh;
	struct smap seen;         /* phase name -> line */
	struct smap attr_ids;     /* attribute set JSON -> id, while it fits */
	struct pend pend[PEND_ROWS];
	size_t npend;
	char *pend_text;          /* the pending rows' names */
	size_t pend_len, pend_cap;
	sqlite3_stmt *ins_many;   /* PEND_ROWS rows */
	sqlite3_stmt *ins_one;    /* one row, no conflict expected */

	struct skipset skip;      /* rows and projects met but not stamped */

	XXH64_state_t hash;  /* XXH64 of every byte read, to recognise a file
	                        imported before (libxxhash) */
	/* What the imports row records to recognise the same import again
	 * (see same_import): the content hash, known before reading when
	 * the input can be read twice, and a hash of the options. */
	int prehashed;
	int repeated;        /* same_import said yes: nothing was read */
	uint64_t content, options;
	uint64_t bytes, total, next_progress;
	char as_of[PC_DATE_BUF];
	int iso_input; /* dates are read as YYYY-MM-DD (see iso_date) */
	const char *fmt;   /* the date format in strftime form, or NULL */
	char fmt_buf[64];
	int date_hinted;   /* a date error has named --date-format already */

	char delim;        /* the field separator */
	int sniff;         /* pick it from the header line (--delimiter auto) */
	int delim_given;   /* the caller chose it: no hint about it */
	int head_seen;     /* first bytes kept, to look for a UTF-16 mark */
	unsigned char first2[2];
	iconv_t cd;        /* --encoding to UTF-8, or (iconv_t)-1 */
	char *head;        /* the first line, held while sniffing */
	size_t head_len, head_cap;
	char ihold[8];     /* the start of a character split across blocks */
	size_t nihold;
};

/* FNV-1a, 64-bit (Fowler, Noll, Vo): a small well-known hash, for the
 * short names in the phase set; not cryptographic. */
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= FNV_PRIME;
	}
	return h;
}


static const char *q(char *buf, const char *s);

/* Date format spellings, longest first so that "MMMM" wins over "MM". */
static const struct {
	const char *word, *conv;
} date_words[] = {
	{"yyyy", "%Y"}, {"mmmm", "%B"}, {"mmm", "%b"}, {"yy", "%y"},
	{"mm", "%m"}, {"dd", "%d"}, {"m", "%m"}, {"d", "%d"}, {NULL, NULL}
};

int pc_import_date_format(const char *spelling, char *out, size_t outsz,
                          pc_error *err)
{
	char qb[QUOTE_MAX + 4];
	int y = 0, m = 0, d = 0;
	size_t n = 0;
	const char *s = spelling;

	if (!s || !*s)
		goto unknown;
	while (*s) {
		const char *add = NULL;
		char lit[2] = {0, 0};
		size_t w = 1;

		if (*s == '%') {
			/* strftime form: only the conversions pc_date_parse_fmt has. */
			if (!s[1] || !strchr("YymdebB%", s[1]))
				goto unknown;
			y |= s[1] == 'Y' || s[1] == 'y';
			m |= s[1] == 'm' || s[1] == 'b' || s[1] == 'B';
			d |= s[1] == 'd' || s[1] == 'e';
			if (n + 3 > outsz)
				goto unknown;
			out[n++] = '%';
			out[n++] = s[1];
			s += 2;
			continue;
		}
		if (isalpha((unsigned char)*s)) {
			int k;

			for (k = 0; date_words[k].word; k++) {
				w = strlen(date_words[k].word);
				if (strncasecmp(s, date_words[k].word, w) == 0)
					break;
			}
			if (!date_words[k].word)
				goto unknown;
			/* "YYYYY" or "DDD" is no spelling we know. */
			if (isalpha((unsigned char)s[w]) &&
			    tolower((unsigned char)s[w]) == tolower((unsigned char)*s))
				goto unknown;
			add = date_words[k].conv;
			y |= add[1] == 'Y' || add[1] == 'y';
			m |= add[1] == 'm' || add[1] == 'b' || add[1] == 'B';
			d |= add[1] == 'd';
		} else if (strchr("/-. ,", *s)) {
			lit[0] = *s;
			add = lit;
		} else {
			goto unknown;
		}
		if (n + strlen(add) + 1 > outsz)
			goto unknown;
		memcpy(out + n, add, strlen(add));
		n += strlen(add);
		s += w;
	}
	out[n] = '\0';
	if (y && m && d)
		return PC_OK;
unknown:
	return pc_error_set(err, PC_EUSAGE, NULL, 0,
	                    "--date-format: '%s' is not a date format I can read; "
	                    "spell it like DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD or "
	                    "D.M.YYYY, or in strftime form with %%Y %%y %%m %%d %%b "
	                    "(e.g. '%%d/%%m/%%Y' for DD/MM/YYYY)",
	                    q(qb, spelling ? spelling : ""));
}

void pc_import_options_init(pc_import_options *o)
{
	memset(o, 0, sizeof *o);
	o->as_of = pc_date_today();
}

/* Copy at most QUOTE_MAX bytes of s into buf for a message, with control
 * characters shown as '?' and "..." when cut. */
static const char *q(char *buf, const char *s)
{
	size_t n = 0;

	for (; s[n] && n < QUOTE_MAX; n++)
		buf[n] = (unsigned char)s[n] < 0x20 || s[n] == 0x7f ? '?' : s[n];
	/* Do not cut a UTF-8 sequence in half. */
	if (s[n])
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	strcpy(buf + n, s[n] ? "..." : "");
	return buf;
}

/* 1 if the n bytes at s are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], need, min;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1, min = 0x80, cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2, min = 0x800, cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3, min = 0x10000, cp = c & 0x07;
		} else {
			return 0;
		}
		for (unsigned k = 1; k <= need; k++) {
			if (i + k >= n || (s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

/* pc_date_format without printf: it runs twice per imported row. */
static char *iso(pc_day d, char *buf)
{
	int y, m, dd;

	pc_date_to_ymd(d, &y, &m, &dd);
	buf[0] = (char)('0' + y / 1000 % 10);
	buf[1] = (char)('0' + y / 100 % 10);
	buf[2] = (char)('0' + y / 10 % 10);
	buf[3] = (char)('0' + y % 10);
	buf[4] = '-';
	buf[5] = (char)('0' + m / 10);
	buf[6] = (char)('0' + m % 10);
	buf[7] = '-';
	buf[8] = (char)('0' + dd / 10);
	buf[9] = (char)('0' + dd % 10);
	buf[10] = '\0';
	return buf;
}

static const char *field(const struct imp *im, long i)
{
	return i < 0 ? "" : im->buf + im->off[i];
}

/* The length of field i of the current record, in bytes. */
static size_t field_len(const struct imp *im, size_t i)
{
	return (i + 1 < im->nf ? im->off[i + 1] - 1 : im->len - 1) - im->off[i];
}

static int fail(struct imp *im, pc_status st, long line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The reader's fatal error at `line` of the file (0: the file as a
 * whole). */
static int fail(struct imp *im, pc_status st, long line, const char *fmt, ...)
{
	char msg[PC_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	im->failed = 1;
	/* Running out of memory is not the file's fault: name no file. */
	return pc_error_set(&im->rerr, st, st == PC_ENOMEM ? NULL : im->name,
	                    line, "%s", msg);
}

/* The reader asks between blocks whether the writer has given up. */
static int stopped(struct imp *im)
{
	int stop;

	pthread_mutex_lock(&im->mu);
	stop = im->stop;
	pthread_mutex_unlock(&im->mu);
	return stop;
}

/* The writer failed: record it and tell the reader to quit. */
static void wstop(struct imp *im)
{
	im->wfailed = 1;
	pthread_mutex_lock(&im->mu);
	im->stop = 1;
	pthread_cond_broadcast(&im->cv);
	pthread_mutex_unlock(&im->mu);
}

static int store_fail(struct imp *im, const char *what)
{
	pci_store_fail(im->st, im->err, what);
	wstop(im);
	return PC_ESTORE;
}

static int wnomem(struct imp *im)
{
	pc_error_set(im->err, PC_ENOMEM, NULL, 0, "out of memory");
	wstop(im);
	return PC_ENOMEM;
}

/* ---------------------------------------------------------------- header */

/* The canonical role called `name` (any case), or COL_ATTR. */
static int role_of(const char *name)
{
	for (int r = 1; r < NROLES; r++)
		if (strcasecmp(name, role_names[r]) == 0)
			return r;
	return COL_ATTR;
}

/* --map values that no file could satisfy are the caller's mistake. */
static int check_map(const pc_import_options *o, pc_error *err)
{
	char qb[QUOTE_MAX + 4];

	for (size_t m = 0; m < o->nmap; m++) {
		if (role_of(o->map[m].field) == COL_ATTR)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--map: unknown field '%s' (expected customer, "
			                    "project, phase, start, end, duration or status)",
			                    q(qb, o->map[m].field));
		for (size_t k = 0; k < m; k++)
			if (strcasecmp(o->map[k].field, o->map[m].field) == 0)
				return pc_error_set(err, PC_EUSAGE, NULL, 0,
				                    "--map: field '%s' is mapped twice",
				                    q(qb, o->map[m].field));
	}
	return PC_OK;
}

/* --status-map, --delimiter: what no file could satisfy. */
static int check_more(const pc_import_options *o, pc_error *err)
{
	char qb[QUOTE_MAX + 4];

	for (size_t m = 0; m < o->nstatus_map; m++) {
		if (!o->status_map[m].status ||
		    (strcasecmp(o->status_map[m].status, "done") != 0 &&
		     strcasecmp(o->status_map[m].status, "ongoing") != 0))
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--status-map: unknown status '%s' (expected "
			                    "done or ongoing)", o->status_map[m].status
			                    ? q(qb, o->status_map[m].status) : "");
		if (!o->status_map[m].value || !*o->status_map[m].value)
			return pc_error_set(err, PC_EUSAGE, NULL, 0,
			                    "--status-map: an empty value for %s",
			                    o->status_map[m].status);
	}
	if (o->delimiter != 0 && o->delimiter != PC_IMPORT_DELIM_AUTO &&
	    (o->delimiter < 1 || o->delimiter > 126 || o->delimiter == '"' ||
	     o->delimiter == '\n' || o->delimiter == '\r' || o->delimiter == ' '))
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "--delimiter: not a "
		                    "field separator (expected ',', ';', tab or auto)");
	return PC_OK;
}

static int keys_json(struct imp *im);

/* Why a header may lack its columns: names joined by another separator,
 * as European spreadsheets export (';') or a tab-separated file. */
static const char *delim_hint(const struct imp *im)
{
	size_t semi = 0, tab = 0;

	if (im->delim_given || im->sniff)
		return "";
	for (size_t i = 0; i < im->nf; i++) {
		const char *f = field(im, (long)i);

		for (; *f; f++) {
			semi += *f == ';';
			tab += *f == '\t';
		}
	}
	if (semi && semi >= tab)
		return " (the header row holds ';' between its names: the file is "
		       "likely separated by ';', not ','; import it with "
		       "--delimiter ';' or --delimiter auto)";
	if (tab)
		return " (the header row holds tabs between its names: the file is "
		       "likely tab-separated; import it with --delimiter tab or "
		       "--delimiter auto)";
	return "";
}

static int header(struct imp *im)
{
	const pc_import_options *o = im->o;
	char qb[QUOTE_MAX + 4], qc[QUOTE_MAX + 4];

	im->ncols = im->nf;
	for (int r = 0; r < NROLES; r++)
		im->col[r] = -1;
	for (size_t i = 0; i < im->nf; i++) {
		const char *name = field(im, (long)i);

		im->role[i] = COL_ATTR;
		if (!utf8_ok((const unsigned char *)name, strlen(name)))
			return fail(im, PC_EDATA, im->rec_line,
			            "column %zu name is not valid UTF-8%s", i + 1,
			            im->cd == (iconv_t)-1 ? ENCODING_HINT : "");
		if (!*name)
			return fail(im, PC_EDATA, im->rec_line,
			            "column %zu has no name", i + 1);
	}
	/* --map first: its columns take their role whatever their name. */
	for (size_t m = 0; m < o->nmap; m++) {
		int r;
		size_t i;

		r = role_of(o->map[m].field);
		for (i = 0; i < im->nf; i++)
			if (strcasecmp(field(im, (long)i), o->map[m].column) == 0)
				break;
		if (i == im->nf)
			return fail(im, PC_EDATA, im->rec_line,
			            "no column '%s' for --map %s=%s%s",
			            q(qb, o->map[m].column), role_names[r],
			            q(qc, o->map[m].column), delim_hint(im));
		if (im->role[i] != COL_ATTR)
			return fail(im, PC_EDATA, im->rec_line,
			            "column '%s' is mapped to two fields",
			            q(qb, o->map[m].column));
		im->col[r] = (long)i;
		im->role[i] = (enum role)r;
	}
	for (size_t i = 0; i < im->nf; i++) {
		const char *name = field(im, (long)i);
		int r;

		if (im->role[i] != COL_ATTR)
			continue;
		for (r = 1; r < NROLES; r++)
			if (strcasecmp(name, role_names[r]) == 0)
				break;
		if (r < NROLES) {
			if (im->col[r] >= 0)
				return fail(im, PC_EDATA, im->rec_line,
				            "duplicate column '%s'", q(qb, name));
			im->col[r] = (long)i;
			im->role[i] = (enum role)r;
			continue;
		}
		if (!(im->key[i] = strdup(name)))
			return fail(im, PC_ENOMEM, 0, "out of memory");
		for (char *p = im->key[i]; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (size_t j = 0; j < i; j++)
			if (im->role[j] == COL_ATTR && strcmp(im->key[j], im->key[i]) == 0)
				return fail(im, PC_EDATA, im->rec_line,
				            "duplicate column '%s'", q(qb, name));
	}
	for (int r = COL_CUSTOMER; r <= COL_START; r++)
		if (im->col[r] < 0)
			return fail(im, PC_EDATA, im->rec_line,
			            "missing required column '%s'%s", role_names[r],
			            delim_hint(im));
	if (im->col[COL_END] < 0 && im->col[COL_DURATION] < 0)
		return fail(im, PC_EDATA, im->rec_line,
		            "missing required column 'end' (or 'duration')%s",
		            delim_hint(im));
	for (size_t i = 0; i < im->nf; i++)
		if (im->role[i] == COL_ATTR)
			im->attr_order[im->nattr_cols++] = i;
	/* Few columns: insertion sort by key. */
	for (size_t k = 1; k < im->nattr_cols; k++)
		for (size_t j = k; j > 0 && strcmp(im->key[im->attr_order[j - 1]],
		                                   im->key[im->attr_order[j]]) > 0; j--) {
			size_t t = im->attr_order[j];

			im->attr_order[j] = im->attr_order[j - 1];
			im->attr_order[j - 1] = t;
		}
	if (keys_json(im))
		return PC_ENOMEM;
	im->have_header = 1;
	return PC_OK;
}

/* ------------------------------------------------------------------ rows */

/* A validated row, ready to store. */
struct row {
	const char *customer, *project, *phase;
	pc_day start, end;
	int ongoing;
	char start_t[PC_DATE_BUF], end_t[PC_DATE_BUF]; /* as stored */
};

static int row_error(pc_error *e, struct imp *im, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int row_error(pc_error *e, struct imp *im, const char *fmt, ...)
{
	char msg[PC_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return pc_error_set(e, PC_EDATA, im->name, im->rec_line, "%s", msg);
}

/* 1 if c is an ASCII digit. */
static int digit(char c)
{
	return c >= '0' && c <= '9';
}

/* pc_date_parse for the usual date, exactly 'YYYY-MM-DD' (which is then
 * also the text we store), without its general machinery: two dates per
 * imported row. */
static int iso_date(const char *s, pc_day *out)
{
	static const signed char dim[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;

	if (!digit(s[0]) || !digit(s[1]) || !digit(s[2]) || !digit(s[3]) ||
	    s[4] != '-' || !digit(s[5]) || !digit(s[6]) || s[7] != '-' ||
	    !digit(s[8]) || !digit(s[9]) || s[10])
		return -1;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 1 || m < 1 || m > 12 || d < 1 ||
	    d > dim[m] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)))
		return -1;
	*out = pc_date_from_ymd(y, m, d);
	return 0;
}

/* The length of the date part of s when s is a date followed by a time
 * of day, ' ' or 'T' then H:MM, H:MM:SS or H:MM:SS.fff (and 'Z'), as
 * spreadsheets write date cells; else 0. */
static size_t date_part(const char *s)
{
	size_t n = strlen(s), i = n, colons = 0;

	if (i && s[i - 1] == 'Z')
		i--;
	while (i > 0 && (digit(s[i - 1]) || s[i - 1] == ':' || s[i - 1] == '.')) {
		colons += s[i - 1] == ':';
		i--;
	}
	if (i < 2 || (s[i - 1] != ' ' && s[i - 1] != 'T') || !digit(s[i]) ||
	    colons < 1 || colons > 2)
		return 0;
	/* H or HH, then ':' and two digits, then optionally the same again. */
	{
		const char *t = s + i;

		t += digit(t[1]) ? 2 : 1;
		for (size_t k = 0; k < colons; k++) {
			if (t[0] != ':' || !digit(t[1]) || !digit(t[2]))
				return 0;
			t += 3;
		}
		if (*t == '.') {
			if (colons != 2 || !digit(t[1]))
				return 0;
			t++;
			while (digit(*t))
				t++;
		}
		if (*t == 'Z')
			t++;
		if (*t)
			return 0;
	}
	return i - 1;
}

/* Parse date s (or the date of a date and time) with the import's
 * format; 0 on success. */
static int read_date(struct imp *im, const char *s, pc_day *out)
{
	char part[64];
	size_t n;

	if (im->iso_input ? iso_date(s, out) == 0
	                  : pc_date_parse_fmt(s, im->fmt, out) == 0)
		return 0;
	if (!(n = date_part(s)) || n >= sizeof part)
		return -1;
	memcpy(part, s, n);
	part[n] = '\0';
	return im->iso_input ? iso_date(part, out) : pc_date_parse_fmt(part, im->fmt, out);
}

/* Parse date s, and set text (PC_DATE_BUF bytes) to it as stored. */
static int parse_date(struct imp *im, pc_error *e, const char *what,
                      const char *s, pc_day *out, char *text)
{
	char qb[QUOTE_MAX + 4];
	int hint = !im->date_hinted;

	if (read_date(im, s, out) == 0) {
		iso(*out, text);
		return PC_OK;
	}
	/* The first bad date says how to read the others; one hint is
	 * enough when --skip-invalid lists many. */
	im->date_hinted = 1;
	if (im->o->date_format && *im->o->date_format)
		return row_error(e, im, "%s date '%s' does not match --date-format '%s'%s",
		                 what, q(qb, s), im->o->date_format,
		                 hint ? " (set --date-format to the file's date "
		                        "format, e.g. DD/MM/YYYY or MM/DD/YYYY)" : "");
	return row_error(e, im, "%s date '%s' is not a date (expected YYYY-MM-DD%s)",
	                 what, q(qb, s), hint ? "; for other formats set "
	                 "--date-format, e.g. --date-format DD/MM/YYYY" : "");
}

/* 1 if the current record is ASCII without NUL bytes inside its fields:
 * the usual case, checked in one pass over the record instead of one per
 * field (each field ends in one NUL of its own). */
static int plain_ascii(const struct imp *im)
{
	const unsigned char *p = (const unsigned char *)im->buf;
	unsigned char high = 0;
	size_t nul = 0;

	for (size_t i = 0; i < im->len; i++) {
		high |= p[i];
		nul += p[i] == 0;
	}
	return !(high & 0x80) && nul == im->nf;
}

/* Check the current record and fill *r; a bad row fills *e. */
static int validate(struct imp *im, struct row *r, pc_error *e)
{
	char qa[QUOTE_MAX + 4], qb[QUOTE_MAX + 4];
	const char *end_s, *dur_s, *status;
	int have_end = 0;

	if (im->nf != im->ncols)
		return row_error(e, im, "%zu field%s, expected %zu", im->nf,
		                 im->nf == 1 ? "" : "s", im->ncols);
	for (size_t i = 0, all = im->rec_plain || plain_ascii(im);
	     i < im->nf && !all; i++) {
		const char *f = field(im, (long)i);
		size_t n = field_len(im, i);

		if (memchr(f, '\0', n))
			return row_error(e, im, "field %zu contains a NUL byte", i + 1);
		if (!utf8_ok((const unsigned char *)f, n))
			return row_error(e, im, "field %zu is not valid UTF-8%s", i + 1,
			                 im->cd == (iconv_t)-1 ? ENCODING_HINT : "");
	}
	r->customer = field(im, im->col[COL_CUSTOMER]);
	r->project = field(im, im->col[COL_PROJECT]);
	r->phase = field(im, im->col[COL_PHASE]);
	for (int k = COL_CUSTOMER; k <= COL_PHASE; k++)
		if (!*field(im, im->col[k]))
			return row_error(e, im, "empty %s", role_names[k]);
	if (strcasecmp(r->phase, RESERVED_PHASE) == 0)
		return row_error(e, im, "phase name '%s' is reserved for the whole "
		                 "release in plans; rename the phase (e.g. 'go-live')",
		                 q(qb, r->phase));
	if (!*field(im, im->col[COL_START]))
		return row_error(e, im, "empty start date");
	if (parse_date(im, e, "start", field(im, im->col[COL_START]), &r->start,
	               r->start_t))
		return PC_EDATA;

	end_s = field(im, im->col[COL_END]);
	dur_s = field(im, im->col[COL_DURATION]);
	if (*end_s) {
		if (parse_date(im, e, "end", end_s, &r->end, r->end_t))
			return PC_EDATA;
		have_end = 1;
	}
	if (*dur_s) {
		char *stop;
		long d;

		errno = 0;
		d = strtol(dur_s, &stop, 10);
		if (*stop || errno || !isdigit((unsigned char)dur_s[0]) ||
		    d < 1 || d > DURATION_MAX)
			return row_error(e, im, "duration '%s' is not a whole number "
			                 "of days from 1 to %d", q(qb, dur_s), DURATION_MAX);
		if ((long)r->start + d - 1 > PC_DAY_MAX)
			return row_error(e, im, "duration '%s' runs past the year 9999",
			                 q(qb, dur_s));
		if (have_end && r->end != r->start + (pc_day)d - 1)
			return row_error(e, im, "end date '%s' does not match duration "
			                 "'%s' (%ld days from the start)", q(qa, end_s),
			                 q(qb, dur_s), (long)r->end - r->start + 1);
		r->end = r->start + (pc_day)d - 1;
		iso(r->end, r->end_t);
		have_end = 1;
	}

	status = field(im, im->col[COL_STATUS]);
	if (!*status) {
		r->ongoing = !have_end;
	} else {
		size_t k;

		/* --status-map first: it may give "done" a meaning of its own. */
		for (k = 0; k < im->o->nstatus_map; k++)
			if (strcasecmp(status, im->o->status_map[k].value) == 0)
				break;
		if (k < im->o->nstatus_map)
			r->ongoing = strcasecmp(im->o->status_map[k].status, "ongoing") == 0;
		else if (strcasecmp(status, "done") == 0)
			r->ongoing = 0;
		else if (strcasecmp(status, "ongoing") == 0)
			r->ongoing = 1;
		else
			return row_error(e, im, "unknown status '%s' (expected done or "
			                 "ongoing%s)", q(qb, status), im->o->nstatus_map
			                 ? ", or a value given to --status-map"
			                 : "; map other words with --status-map, e.g. "
			                   "--status-map done=Completed");
	}
	if (!r->ongoing && !have_end)
		return row_error(e, im, "status 'done' but no end date");
	if (r->ongoing && have_end)
		return row_error(e, im, "status 'ongoing' but the phase has an end "
		                 "date '%s'", *end_s ? q(qb, end_s) : q(qb, dur_s));
	if (have_end && r->end < r->start) {
		char sa[PC_DATE_BUF];

		return row_error(e, im, "end date '%s' is before start date '%s'",
		                 q(qb, end_s), pc_date_format(r->start, sa));
	}
	if (have_end && (long)r->end - r->start + 1 > DURATION_MAX) {
		char sa[PC_DATE_BUF], sb[PC_DATE_BUF];

		return row_error(e, im, "a phase from %s to %s lasts %ld days, more "
		                 "than a century (%d days): is a date mistyped?",
		                 pc_date_format(r->start, sa), pc_date_format(r->end, sb),
		                 (long)r->end - r->start + 1, DURATION_MAX);
	}
	if (r->ongoing && r->start > im->o->as_of)
		return row_error(e, im, "ongoing phase starts on '%s', after the "
		                 "--as-of date %s", q(qb, field(im, im->col[COL_START])),
		                 im->as_of);
	if (r->ongoing && (long)im->o->as_of - r->start + 1 > DURATION_MAX) {
		char sa[PC_DATE_BUF];

		return row_error(e, im, "an ongoing phase that started on %s has run "
		                 "%ld days by %s, more than a century (%d days): is the "
		                 "start mistyped?", pc_date_format(r->start, sa),
		                 (long)im->o->as_of - r->start + 1, im->as_of, DURATION_MAX);
	}
	if (r->ongoing) {
		r->end = im->o->as_of;
		r->end_t[0] = '\0';
	}
	return PC_OK;
}

/* Step a statement that returns no row; reset it. */
static int exec(struct imp *im, sqlite3_stmt *s, const char *what)
{
	int rc = sqlite3_step(s);

	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return store_fail(im, what);
	return PC_OK;
}

static void bind_text(sqlite3_stmt *s, int i, const char *t)
{
	if (t)
		sqlite3_bind_text(s, i, t, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(s, i);
}

/* The id of `name` via select-then-insert; *created says which. */
static int try_select(struct imp *im, sqlite3_stmt *sel, sqlite3_int64 parent,
                      const char *name, sqlite3_int64 *id,
                      sqlite3_int64 *import_id, int *found)
{
	int rc, b = 1;

	if (parent)
		sqlite3_bind_int64(sel, b++, parent);
	sqlite3_bind_text(sel, b, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(sel);
	*found = rc == SQLITE_ROW;
	if (*found) {
		*id = sqlite3_column_int64(sel, 0);
		if (import_id)
			*import_id = sqlite3_column_int64(sel, 1);
	}
	sqlite3_reset(sel);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(im, "cannot look up a name");
	return PC_OK;
}

/* Insert (ON CONFLICT DO NOTHING); *added says whether it did. */
static int try_insert(struct imp *im, sqlite3_stmt *ins, sqlite3_int64 parent,
                      const char *name, sqlite3_int64 *id, int with_import,
                      int *added)
{
	int b = 1;

	if (parent)
		sqlite3_bind_int64(ins, b++, parent);
	sqlite3_bind_text(ins, b++, name, -1, SQLITE_STATIC);
	if (with_import)
		sqlite3_bind_int64(ins, b, im->import_id);
	if (exec(im, ins, "cannot add a name"))
		return PC_ESTORE;
	*added = sqlite3_changes(im->db) > 0;
	if (*added)
		*id = sqlite3_last_insert_rowid(im->db);
	return PC_OK;
}

/* The id of `name` (under `parent`), adding it if new; *created says
 * which.  *expect_new remembers how the last look-up went: a fresh
 * import mostly adds (insert first, one statement), a re-import mostly
 * finds (select first, one statement). */
static int find_or_add(struct imp *im, sqlite3_stmt *sel, sqlite3_stmt *ins,
                       sqlite3_int64 parent, const char *name,
                       sqlite3_int64 *id, sqlite3_int64 *import_id,
                       int *created, int *expect_new)
{
	int found = 0, added = 0;

	if (*expect_new) {
		if (try_insert(im, ins, parent, name, id, import_id != NULL, &added))
			return PC_ESTORE;
		if (!added) {
			if (try_select(im, sel, parent, name, id, import_id, &found))
				return PC_ESTORE;
			if (!found)
				return store_fail(im, "cannot add a name");
		}
	} else {
		if (try_select(im, sel, parent, name, id, import_id, &found))
			return PC_ESTORE;
		if (!found && try_insert(im, ins, parent, name, id, import_id != NULL, &added))
			return PC_ESTORE;
		if (!found && !added)
			return store_fail(im, "cannot add a name");
	}
	*created = added;
	*expect_new = added;
	return PC_OK;
}

/* Make *buf (capacity *cap) hold at least n bytes, doubling from `first`
 * bytes: every growing text buffer of the importer.  0, or -1 with *buf
 * unchanged when out of memory. */
static int reserve(char **buf, size_t *cap, size_t n, size_t first)
{
	size_t ncap = *cap ? *cap : first;
	char *nb;

	if (n <= *cap)
		return 0;
	while (ncap < n)
		ncap *= 2;
	if (!(nb = realloc(*buf, ncap)))
		return -1;
	*buf = nb;
	*cap = ncap;
	return 0;
}

/* Append the n bytes at s to the row's attribute JSON. */
static int json_put(struct imp *im, const char *s, size_t n)
{
	if (reserve(&im->json, &im->json_cap, im->json_len + n + 1, 256))
		return fail(im, PC_ENOMEM, 0, "out of memory");
	memcpy(im->json + im->json_len, s, n);
	im->json_len += n;
	im->json[im->json_len] = '\0';
	return PC_OK;
}

/* Append s as a JSON string (the input is valid UTF-8 by now). */
static int json_str(struct imp *im, const char *s)
{
	char esc[8];

	if (json_put(im, "\"", 1))
		return PC_ENOMEM;
	while (*s) {
		size_t run = 0;

		while (s[run] && (unsigned char)s[run] >= 0x20 && s[run] != '"' &&
		       s[run] != '\\')
			run++;

		if (run && json_put(im, s, run))
			return PC_ENOMEM;
		s += run;
		if (!*s)
			break;
		if (*s == '"' || *s == '\\')
			snprintf(esc, sizeof esc, "\\%c", *s);
		else
			snprintf(esc, sizeof esc, "\\u%04x", (unsigned char)*s);
		if (json_put(im, esc, strlen(esc)))
			return PC_ENOMEM;
		s++;
	}
	return json_put(im, "\"", 1);
}

/* Each attribute column's key as JSON text `"key":`, once, for
 * attrs_json. */
static int keys_json(struct imp *im)
{
	for (size_t k = 0; k < im->nattr_cols; k++) {
		size_t i = im->attr_order[k];

		im->json_len = 0;
		if (json_str(im, im->key[i]) || json_put(im, ":", 1))
			return PC_ENOMEM;
		if (!(im->key_json[i] = malloc(im->json_len)))
			return fail(im, PC_ENOMEM, 0, "out of memory");
		memcpy(im->key_json[i], im->json, im->json_len);
		im->key_json_len[i] = im->json_len;
	}
	im->json_len = 0;
	return PC_OK;
}

/* The row's attributes as a JSON object with keys in sorted order, so
 * that equal attributes give equal text; empty cells are left out.  The
 * same text as json_str would write, without its per-byte calls: this
 * runs once per imported row. */
static int attrs_json(struct imp *im)
{
	size_t need = 3, len;
	char *o;

	for (size_t k = 0; k < im->nattr_cols; k++) {
		size_t i = im->attr_order[k];

		/* An escape is at most 6 bytes (\u001f) for one. */
		need += im->key_json_len[i] + 3 + 6 * field_len(im, i);
	}
	im->json_len = 0;
	if (reserve(&im->json, &im->json_cap, need, 256))
		return fail(im, PC_ENOMEM, 0, "out of memory");
	o = im->json;
	len = 0;
	o[len++] = '{';
	for (size_t k = 0; k < im->nattr_cols; k++) {
		size_t i = im->attr_order[k];
		const unsigned char *v = (const unsigned char *)field(im, (long)i);
		size_t n = field_len(im, i);

		if (!n)
			continue;
		if (len > 1)
			o[len++] = ',';
		memcpy(o + len, im->key_json[i], im->key_json_len[i]);
		len += im->key_json_len[i];
		o[len++] = '"';
		for (size_t j = 0; j < n; j++) {
			unsigned char c = v[j];

			if (c >= 0x20 && c != '"' && c != '\\') {
				o[len++] = (char)c;
			} else if (c == '"' || c == '\\') {
				o[len++] = '\\';
				o[len++] = (char)c;
			} else {
				static const char hex[] = "0123456789abcdef";

				memcpy(o + len, "\\u00", 4);
				o[len + 4] = hex[c >> 4];
				o[len + 5] = hex[c & 15];
				len += 6;
			}
		}
		o[len++] = '"';
	}
	o[len++] = '}';
	o[len] = '\0';
	im->json_len = len;
	return PC_OK;
}

/* Remember s in *buf (growing it); returns 0 or PC_ENOMEM. */
static int remember(struct imp *im, char **buf, size_t *cap, const char *s)
{
	size_t n = strlen(s) + 1;

	if (n > *cap) {
		char *nb = realloc(*buf, n);

		if (!nb)
			return wnomem(im);
		*buf = nb;
		*cap = n;
	}
	memcpy(*buf, s, n);
	return PC_OK;
}

/* Empty the map. */
static void smap_clear(struct smap *m)
{
	m->n = 0;
	m->len = 0;
	if (++m->gen == 0) { /* wrapped: stamps of 0 would look live */
		if (m->slots)
			memset(m->slots, 0, m->cap * sizeof *m->slots);
		m->gen = 1;
	}
}

/* The slot for the n-byte key at s with hash h: its own, or the empty
 * one where it belongs. */
static struct smap_slot *smap_slot(struct smap *m, const char *s, size_t n,
                                   uint32_t h)
{
	for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct smap_slot *sl = &m->slots[i];

		if (sl->gen != m->gen)
			return sl;
		if (sl->hash == h && sl->len == n && memcmp(m->text + sl->key, s, n) == 0)
			return sl;
	}
}

/* Double the table (or make the first one), keeping the live slots. */
static int smap_grow(struct smap *m)
{
	size_t ncap = m->cap ? 2 * m->cap : 64;
	struct smap_slot *old = m->slots, *ns;
	size_t ocap = m->cap;

	if (!(ns = calloc(ncap, sizeof *ns)))
		return -1;
	m->slots = ns;
	m->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].gen == m->gen)
			*smap_slot(m, m->text + old[i].key, old[i].len, old[i].hash) = old[i];
	free(old);
	return 0;
}

static uint32_t smap_hash(const char *s, size_t n)
{
	return (uint32_t)fnv1a(FNV_OFFSET, (const unsigned char *)s, n);
}

/* 1 with *val set if key s (n bytes, hash h) is in the map, else 0. */
static int smap_find(struct smap *m, const char *s, size_t n, uint32_t h,
                     sqlite3_int64 *val)
{
	struct smap_slot *sl;

	if (!m->cap || m->gen == 0)
		return 0;
	sl = smap_slot(m, s, n, h);
	if (sl->gen != m->gen)
		return 0;
	*val = sl->val;
	return 1;
}

static int smap_get(struct smap *m, const char *s, size_t n, sqlite3_int64 *val)
{
	return smap_find(m, s, n, smap_hash(s, n), val);
}

/* Find key s (n bytes), or add it with value val.  Returns 1 with *found
 * set when it was there, 0 when it was added, and -1 when it was not
 * there and the map is full (or memory ran out). */
static int smap_put(struct smap *m, const char *s, size_t n, sqlite3_int64 val,
                    sqlite3_int64 *found)
{
	uint32_t h = smap_hash(s, n);
	struct smap_slot *sl;

	if (m->gen == 0)
		smap_clear(m);
	if (smap_find(m, s, n, h, found))
		return 1;
	if (m->n >= m->max_n || m->len + n > m->max_text)
		return -1;
	if (2 * (m->n + 1) > m->cap && smap_grow(m))
		return -1;
	if (reserve(&m->text, &m->tcap, m->len + n, 4096))
		return -1;
	sl = smap_slot(m, s, n, h);
	memcpy(m->text + m->len, s, n);
	sl->gen = m->gen;
	sl->hash = h;
	sl->key = m->len;
	sl->len = n;
	sl->val = val;
	m->len += n;
	m->n++;
	return 0;
}

static void smap_free(struct smap *m)
{
	free(m->slots);
	free(m->text);
}

/* Bind pending row p as row k (from 0) of a phase insert (see
 * prepare_all for the parameters). */
static void bind_pend(struct imp *im, sqlite3_stmt *s, int k, const struct pend *p)
{
	int b = 3 + 6 * k;

	sqlite3_bind_int64(s, b, p->project_id);
	sqlite3_bind_text(s, b + 1, im->pend_text + p->name, (int)p->len, SQLITE_STATIC);
	sqlite3_bind_text(s, b + 2, p->start, 10, SQLITE_STATIC);
	if (p->ongoing)
		sqlite3_bind_null(s, b + 3);
	else
		sqlite3_bind_text(s, b + 3, p->end, 10, SQLITE_STATIC);
	if (p->attrs_id > 0)
		sqlite3_bind_int64(s, b + 4, p->attrs_id);
	else
		sqlite3_bind_null(s, b + 4);
	sqlite3_bind_int64(s, b + 5, p->line);
}

/* Insert the pending phase rows: PEND_ROWS in one statement, fewer one
 * by one. */
static int flush_pending(struct imp *im)
{
	size_t n = im->npend;

	im->npend = 0;
	im->pend_len = 0;
	if (n == PEND_ROWS) {
		for (size_t k = 0; k < n; k++)
			bind_pend(im, im->ins_many, (int)k, &im->pend[k]);
		return exec(im, im->ins_many, "cannot store a phase");
	}
	for (size_t k = 0; k < n; k++) {
		bind_pend(im, im->ins_one, 0, &im->pend[k]);
		if (exec(im, im->ins_one, "cannot store a phase"))
			return PC_ESTORE;
	}
	return PC_OK;
}

/* Store a row of a fresh project: a duplicate is found in memory, and
 * the row waits for the next multi-row insert.  Returns PC_OK, PC_EDATA
 * (a duplicate, *e filled), PC_ESTORE, or 1: not done, the project is
 * too big to track (it is no longer fresh). */
static int add_fresh(struct imp *im, const struct row *r, long line, pc_error *e)
{
	struct pend *p;
	size_t n;
	sqlite3_int64 first;

	switch (smap_put(&im->seen, r->phase, strlen(r->phase), line, &first)) {
	case 0:
		break;
	case 1: {
		char qa[QUOTE_MAX + 4], qb[QUOTE_MAX + 4], qc[QUOTE_MAX + 4];

		return pc_error_set(e, PC_EDATA, im->name, line, "duplicate phase "
		                    "'%s' of customer '%s' project '%s' (first on "
		                    "line %ld)", q(qa, r->phase), q(qb, r->customer),
		                    q(qc, r->project), (long)first);
	}
	default:
		im->fresh = 0;
		return 1;
	}
	n = strlen(r->phase);
	if (reserve(&im->pend_text, &im->pend_cap, im->pend_len + n, 4096))
		return wnomem(im);
	p = &im->pend[im->npend++];
	p->project_id = im->project_id;
	p->attrs_id = im->attrs_id;
	memcpy(im->pend_text + im->pend_len, r->phase, n);
	p->name = im->pend_len;
	p->len = n;
	im->pend_len += n;
	memcpy(p->start, r->start_t, PC_DATE_BUF);
	memcpy(p->end, r->end_t, PC_DATE_BUF);
	p->ongoing = r->ongoing;
	p->line = line;
	im->sum->added++;
	if (im->npend == PEND_ROWS)
		return flush_pending(im);
	return PC_OK;
}

/* The slot of (project, hash) in k: its own, or the empty one where it
 * would go. */
static struct skip_slot *skip_slot(struct skipset *k, uint32_t project,
                                   uint64_t hash)
{
	size_t mask = k->cap - 1;
	size_t i = (size_t)((hash ^ (uint64_t)project * 0x9E3779B97F4A7C15u) >> 7) & mask;

	while (k->slots[i].project &&
	       (k->slots[i].project != project || k->slots[i].hash != hash))
		i = (i + 1) & mask;
	return &k->slots[i];
}

/* 1 with *line set if (project, hash) is in k, else 0. */
static int skip_find(struct skipset *k, sqlite3_int64 project, uint64_t hash,
                     long *line)
{
	struct skip_slot *sl;

	if (!k->n || project > UINT32_MAX)
		return 0;
	sl = skip_slot(k, (uint32_t)project, hash);
	if (!sl->project)
		return 0;
	if (line)
		*line = sl->line;
	return 1;
}

/* Add (project, hash, line), absent from k: 0, or 1 when k is full (the
 * caller then stamps the row in the store instead), -1 out of memory. */
static int skip_add(struct skipset *k, sqlite3_int64 project, uint64_t hash,
                    long line)
{
	struct skip_slot *sl;

	if (k->n >= SKIP_MAX || project > UINT32_MAX || line < 0 ||
	    (unsigned long)line > UINT32_MAX)
		return 1;
	if (2 * (k->n + 1) > k->cap) {
		size_t cap = k->cap ? 2 * k->cap : 1024;
		struct skip_slot *old = k->slots, *ns = calloc(cap, sizeof *ns);
		size_t ocap = k->cap;

		if (!ns)
			return -1;
		k->slots = ns;
		k->cap = cap;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].project)
				*skip_slot(k, old[i].project, old[i].hash) = old[i];
		free(old);
	}
	sl = skip_slot(k, (uint32_t)project, hash);
	sl->project = (uint32_t)project;
	sl->hash = hash;
	sl->line = (uint32_t)line;
	k->n++;
	return 0;
}

/* A phase name's key in the skip set: never 0, the project's own. */
static uint64_t name_hash(const char *name)
{
	uint64_t h = XXH64(name, strlen(name), 0);

	return h ? h : 1;
}

/* Find or create the customer and project of the row.  Rows of one
 * project usually come together, so the last ids are kept. */
static int project_of(struct imp *im, const struct row *r)
{
	sqlite3_int64 imp_id = 0;
	int created, new_customer;

	new_customer = !im->customer_id || strcmp(im->prev_customer, r->customer) != 0;
	if (!new_customer && im->project_id && strcmp(im->prev_project, r->project) == 0)
		return PC_OK;
	im->project_id = 0;
	if (new_customer) {
		im->customer_id = 0;
		if (find_or_add(im, im->sel_customer, im->ins_customer, 0, r->customer,
		                &im->customer_id, NULL, &created, &im->new_customers) ||
		    remember(im, &im->prev_customer, &im->prev_customer_cap, r->customer))
			return PC_ESTORE;
	}
	if (find_or_add(im, im->sel_project, im->ins_project, im->customer_id,
	                r->project, &im->project_id, &imp_id, &created,
	                &im->new_projects) ||
	    remember(im, &im->prev_project, &im->prev_project_cap, r->project))
		return PC_ESTORE;
	smap_clear(&im->seen);
	im->fresh = created;
	if (created) {
		im->sum->projects++;
	} else if (imp_id != im->import_id &&
	           !skip_find(&im->skip, im->project_id, 0, NULL)) {
		/* First met in this import: counted once, remembered in
		 * memory, or stamped when memory is full. */
		switch (skip_add(&im->skip, im->project_id, 0, 0)) {
		case 0:
			break;
		case 1:
			sqlite3_bind_int64(im->touch_project, 1, im->import_id);
			sqlite3_bind_int64(im->touch_project, 2, im->project_id);
			if (exec(im, im->touch_project, "cannot update a project"))
				return PC_ESTORE;
			break;
		default:
			return wnomem(im);
		}
		im->sum->projects++;
	}
	return PC_OK;
}

/* The id of the row's attribute set (-1 for none), kept from the
 * previous row when it is the same, else from the sets this import has
 * met so far (until there are too many to keep: then they are forgotten
 * and kept anew), else from the store. */
static int attr_set_of(struct imp *im, const char *json)
{
	sqlite3_int64 old;
	size_t n;
	int created;

	if (im->attrs_id && strcmp(im->prev_json, json) == 0)
		return PC_OK;
	im->attrs_id = 0;
	n = strlen(json);
	if (strcmp(json, "{}") == 0) {
		im->attrs_id = -1;
	} else if (smap_get(&im->attr_ids, json, n, &im->attrs_id)) {
		/* met before */
	} else if (find_or_add(im, im->sel_attrs, im->ins_attrs, 0, json,
	                       &im->attrs_id, NULL, &created, &im->new_attrs)) {
		im->attrs_id = 0;
		return PC_ESTORE;
	} else if (smap_put(&im->attr_ids, json, n, im->attrs_id, &old) < 0) {
		smap_clear(&im->attr_ids); /* full: start again from this one */
		smap_put(&im->attr_ids, json, n, im->attrs_id, &old);
	}
	if (remember(im, &im->prev_json, &im->prev_json_cap, json)) {
		im->attrs_id = 0;
		return PC_ENOMEM;
	}
	return PC_OK;
}

static void bind_id(sqlite3_stmt *s, int i, sqlite3_int64 id)
{
	if (id > 0)
		sqlite3_bind_int64(s, i, id);
	else
		sqlite3_bind_null(s, i);
}

static int eq_text(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Bind a phase row to the insert statement s; returns s. */
static sqlite3_stmt *bind_phase(struct imp *im, sqlite3_stmt *s, const struct row *r,
                                const char *start, const char *end_t,
                                const char *as_of, const char *status, long line)
{
	sqlite3_bind_int64(s, 1, im->project_id);
	sqlite3_bind_text(s, 2, r->phase, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, start, -1, SQLITE_STATIC);
	bind_text(s, 4, end_t);
	bind_text(s, 5, as_of);
	sqlite3_bind_text(s, 6, status, -1, SQLITE_STATIC);
	bind_id(s, 7, im->attrs_id);
	sqlite3_bind_int64(s, 8, im->import_id);
	sqlite3_bind_int64(s, 9, line);
	return s;
}

/* Store a validated row.  A duplicate within this file fills *e and
 * returns PC_EDATA before anything is written; store failures are fatal. */
static int store_row(struct imp *im, const struct row *r, const char *json,
                     long line, pc_error *e)
{
	const char *start = r->start_t, *end_t = NULL;
	const char *as_of = r->ongoing ? im->as_of : NULL;
	const char *status = r->ongoing ? "ongoing" : "done";
	int same, stamped, rc;
	uint64_t key = 0;
	long first = 0;

	if (attr_set_of(im, json) || project_of(im, r))
		return PC_ESTORE;
	if (im->fresh && (rc = add_fresh(im, r, line, e)) != 1)
		return rc;
	/* The store is read below: it must hold every row before this one. */
	if (im->npend && flush_pending(im))
		return PC_ESTORE;
	if (!r->ongoing)
		end_t = r->end_t;

	/* The phase: insert, or compare with what is stored.  As in
	 * find_or_add, try first what the previous row needed. */
	if (im->new_phases) {
		if (exec(im, bind_phase(im, im->ins_phase, r, start, end_t, as_of,
		                        status, line), "cannot store a phase"))
			return PC_ESTORE;
		if (sqlite3_changes(im->db) > 0) {
			im->sum->added++;
			return PC_OK;
		}
		im->new_phases = 0;
	}
	sqlite3_bind_int64(im->sel_phase, 1, im->project_id);
	sqlite3_bind_text(im->sel_phase, 2, r->phase, -1, SQLITE_STATIC);
	rc = sqlite3_step(im->sel_phase);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(im->sel_phase);
		if (exec(im, bind_phase(im, im->ins_phase, r, start, end_t, as_of,
		                        status, line), "cannot store a phase"))
			return PC_ESTORE;
		im->new_phases = 1;
		im->sum->added++;
		return PC_OK;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(im->sel_phase);
		return store_fail(im, "cannot read a phase");
	}
	/* Met before in this file: stamped with this import when it was
	 * written, in the skip set when it was found unchanged. */
	stamped = sqlite3_column_int64(im->sel_phase, 5) == im->import_id;
	if (stamped || skip_find(&im->skip, im->project_id,
	                         (key = name_hash(r->phase)), &first)) {
		char qa[QUOTE_MAX + 4], qb[QUOTE_MAX + 4], qc[QUOTE_MAX + 4];

		if (stamped)
			first = (long)sqlite3_column_int64(im->sel_phase, 6);
		sqlite3_reset(im->sel_phase);
		return pc_error_set(e, PC_EDATA, im->name, line, "duplicate phase "
		                    "'%s' of customer '%s' project '%s' (first on "
		                    "line %ld)", q(qa, r->phase), q(qb, r->customer),
		                    q(qc, r->project), first);
	}
	same = eq_text((const char *)sqlite3_column_text(im->sel_phase, 0), start) &&
	       eq_text((const char *)sqlite3_column_text(im->sel_phase, 1), end_t) &&
	       eq_text((const char *)sqlite3_column_text(im->sel_phase, 2), as_of) &&
	       eq_text((const char *)sqlite3_column_text(im->sel_phase, 3), status) &&
	       (im->attrs_id > 0 ? sqlite3_column_int64(im->sel_phase, 4) == im->attrs_id
	                         : sqlite3_column_type(im->sel_phase, 4) == SQLITE_NULL);
	sqlite3_reset(im->sel_phase);
	/* An unchanged row is left alone, remembered in memory so that a
	 * later duplicate in this file is still caught; a changed one (or
	 * any once memory is full) records its provenance in the store. */
	if (same) {
		switch (skip_add(&im->skip, im->project_id, key, line)) {
		case 0:
			im->sum->unchanged++;
			return PC_OK;
		case 1:
			break;
		default:
			return wnomem(im);
		}
	}
	sqlite3_bind_text(im->upd_phase, 1, start, -1, SQLITE_STATIC);
	bind_text(im->upd_phase, 2, end_t);
	bind_text(im->upd_phase, 3, as_of);
	sqlite3_bind_text(im->upd_phase, 4, status, -1, SQLITE_STATIC);
	bind_id(im->upd_phase, 5, im->attrs_id);
	sqlite3_bind_int64(im->upd_phase, 6, im->import_id);
	sqlite3_bind_int64(im->upd_phase, 7, line);
	sqlite3_bind_int64(im->upd_phase, 8, im->project_id);
	sqlite3_bind_text(im->upd_phase, 9, r->phase, -1, SQLITE_STATIC);
	if (exec(im, im->upd_phase, "cannot update a phase"))
		return PC_ESTORE;
	if (same)
		im->sum->unchanged++;
	else
		im->sum->updated++;
	return PC_OK;
}

/* ------------------------------------------------------- the hand-over */

/* Append n bytes to the batch text; returns the offset or (size_t)-1. */
static size_t put_text(struct batch *b, const char *s, size_t n)
{
	size_t at = b->len;

	if (reserve(&b->text, &b->tcap, b->len + n + 1, BATCH_TEXT))
		return (size_t)-1;
	memcpy(b->text + at, s, n);
	b->text[at + n] = '\0';
	b->len += n + 1;
	return at;
}

static struct item *new_item(struct imp *im, struct batch *b)
{
	if (b->n == b->cap) {
		size_t ncap = b->cap ? 2 * b->cap : BATCH_ROWS;
		struct item *ni = realloc(b->items, ncap * sizeof *ni);

		if (!ni) {
			fail(im, PC_ENOMEM, 0, "out of memory");
			return NULL;
		}
		b->items = ni;
		b->cap = ncap;
	}
	memset(&b->items[b->n], 0, sizeof b->items[b->n]);
	return &b->items[b->n];
}

/* Reader: a batch to fill, or NULL when the writer has stopped. */
static struct batch *get_free(struct imp *im)
{
	struct batch *b = NULL;

	pthread_mutex_lock(&im->mu);
	while (im->nfree == 0 && !im->stop)
		pthread_cond_wait(&im->cv, &im->mu);
	if (!im->stop) {
		b = im->freeq[--im->nfree];
		b->n = b->len = b->nerr = 0;
	}
	pthread_mutex_unlock(&im->mu);
	return b;
}

/* Reader: give the filled batch to the writer and take an empty one. */
static int hand_over(struct imp *im)
{
	struct batch *b = im->fill;
	int stopped;

	im->fill = NULL;
	b->bytes = im->bytes;
	pthread_mutex_lock(&im->mu);
	while (im->ready && !im->stop)
		pthread_cond_wait(&im->cv, &im->mu);
	stopped = im->stop;
	if (stopped)
		im->freeq[im->nfree++] = b;
	else
		im->ready = b;
	pthread_cond_broadcast(&im->cv);
	pthread_mutex_unlock(&im->mu);
	return stopped ? -1 : 0;
}

static void enqueue(struct imp *im, const struct row *r, const pc_error *why)
{
	struct batch *b;
	struct item *it;

	if (!im->fill && !(im->fill = get_free(im))) {
		im->failed = 1; /* the writer stopped: its error wins */
		return;
	}
	b = im->fill;
	if (!(it = new_item(im, b)))
		return;
	it->line = im->rec_line;
	if (why) {
		if (b->nerr == b->ecap) {
			size_t ncap = b->ecap ? 2 * b->ecap : 16;
			pc_error *ne = realloc(b->errs, ncap * sizeof *ne);

			if (!ne) {
				fail(im, PC_ENOMEM, 0, "out of memory");
				return;
			}
			b->errs = ne;
			b->ecap = ncap;
		}
		b->errs[b->nerr] = *why;
		it->rejected = 1;
		it->err = b->nerr++;
	} else {
		memcpy(it->start, r->start_t, PC_DATE_BUF);
		memcpy(it->end, r->end_t, PC_DATE_BUF);
		it->ongoing = r->ongoing;
		if ((it->customer = put_text(b, r->customer,
		                             field_len(im, (size_t)im->col[COL_CUSTOMER]))) == (size_t)-1 ||
		    (it->project = put_text(b, r->project,
		                            field_len(im, (size_t)im->col[COL_PROJECT]))) == (size_t)-1 ||
		    (it->phase = put_text(b, r->phase,
		                          field_len(im, (size_t)im->col[COL_PHASE]))) == (size_t)-1 ||
		    (it->json = put_text(b, im->json, im->json_len)) == (size_t)-1) {
			fail(im, PC_ENOMEM, 0, "out of memory");
			return;
		}
	}
	b->n++;
	if ((b->n >= BATCH_ROWS || b->len >= BATCH_TEXT) && hand_over(im))
		im->failed = 1;
}

/* Reader: one data record. */
static void row(struct imp *im)
{
	struct row r;
	pc_error e;
	size_t i;

	/* A spreadsheet's trailing ",,,," lines are no rows at all. */
	for (i = 0; i < im->nf && !field_len(im, i); i++)
		;
	if (i == im->nf)
		return;
	im->nrows++;
	pc_error_clear(&e);
	if (validate(im, &r, &e) == PC_OK) {
		if (attrs_json(im) == PC_OK)
			enqueue(im, &r, NULL);
		return;
	}
	if (im->o->skip_invalid) {
		enqueue(im, NULL, &e);
		return;
	}
	im->failed = 1;
	im->rerr = e;
}

static void reject(struct imp *im, const pc_error *e)
{
	im->sum->rejected++;
	if (im->o->rejected)
		im->o->rejected(im->o->rejected_ctx, e);
}

/* Writer: store one batch, in order. */
static void write_batch(struct imp *im, const struct batch *b)
{
	for (size_t i = 0; i < b->n && !im->wfailed; i++) {
		const struct item *it = &b->items[i];
		struct row r;
		pc_error e;

		if (it->rejected) {
			reject(im, &b->errs[it->err]);
			continue;
		}
		r.customer = b->text + it->customer;
		r.project = b->text + it->project;
		r.phase = b->text + it->phase;
		memcpy(r.start_t, it->start, PC_DATE_BUF);
		memcpy(r.end_t, it->end, PC_DATE_BUF);
		r.ongoing = it->ongoing;
		pc_error_clear(&e);
		if (store_row(im, &r, b->text + it->json, it->line, &e) == PC_OK) {
			im->sum->ongoing += r.ongoing;
		} else if (!im->wfailed) {
			/* A duplicate: a bad row like any other. */
			if (im->o->skip_invalid) {
				reject(im, &e);
			} else {
				*im->err = e;
				wstop(im);
			}
		}
	}
}

/* --------------------------------------------------------- csv callbacks */

static void on_field(void *s, size_t n, void *data)
{
	struct imp *im = data;

	if (im->failed || im->limit)
		return;
	if (im->nf == PC_IMPORT_COLUMNS_MAX) {
		im->limit = LIMIT_COLUMNS;
		return;
	}
	if (n > PC_IMPORT_FIELD_MAX) {
		im->limit = LIMIT_FIELD;
		return;
	}
	if (im->len + n + 1 > PC_IMPORT_RECORD_MAX) {
		im->limit = LIMIT_RECORD;
		return;
	}
	if (reserve(&im->buf, &im->cap, im->len + n + 1, 1024)) {
		fail(im, PC_ENOMEM, 0, "out of memory");
		return;
	}
	im->off[im->nf++] = im->len;
	if (n)
		memcpy(im->buf + im->len, s, n);
	im->buf[im->len + n] = '\0';
	im->len += n + 1;
}

static void on_record(int c, void *data)
{
	struct imp *im = data;

	(void)c;
	if (!im->failed) {
		switch (im->limit) {
		case LIMIT_COLUMNS:
			fail(im, PC_ELIMIT, im->rec_line, "more than %d fields in a record",
			     PC_IMPORT_COLUMNS_MAX);
			break;
		case LIMIT_FIELD:
			fail(im, PC_ELIMIT, im->rec_line, "a field is longer than %d bytes",
			     PC_IMPORT_FIELD_MAX);
			break;
		case LIMIT_RECORD:
			fail(im, PC_ELIMIT, im->rec_line, "a record is longer than %d bytes",
			     PC_IMPORT_RECORD_MAX);
			break;
		default:
			if (im->on_rec) {
				pci_csv_record rec = {im->rec_line, im->nf, im->buf, im->off,
				                      im->len, im->rec_plain};

				im->on_rec(im->on_rec_ctx, &rec);
				im->have_header = 1;
			} else if (!im->have_header)
				header(im);
			else
				row(im);
		}
	}
	im->nf = 0;
	im->len = 0;
	im->limit = LIMIT_NONE;
	im->rec_plain = 0;
}

/* ------------------------------------------------------------ the import */

/* Writer: report the input consumed so far. */
static void progress(struct imp *im, uint64_t bytes, int last)
{
	if (!im->o->progress)
		return;
	if (last || bytes >= im->next_progress) {
		im->o->progress(im->o->progress_ctx, bytes, im->total);
		im->next_progress = bytes + PROGRESS_EVERY;
	}
}

/* 1 if the n bytes at p are ASCII without NUL bytes: eight at a time. */
static int ascii_text(const char *p, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	uint64_t bad = 0;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		/* high bits of w, or of a byte that was 0 (Hacker's Delight) */
		bad |= w | ((w - ones) & ~w);
	}
	for (; i < n; i++)
		bad |= (unsigned char)p[i] ? (unsigned char)p[i] : 0x80;
	return !(bad & highs);
}

/* A space or tab, which libcsv trims from both ends of unquoted
 * fields; a tab is no space when it separates the fields. */
static int csv_space(const struct imp *im, char c)
{
	return c == ' ' || (c == '\t' && im->delim != '\t');
}

/* libcsv's notion of a space when tabs separate fields (see csv_space). */
static int space_only(unsigned char c)
{
	return c == ' ';
}

/* Parse one whole line (len bytes up to and including its '\n') that
 * starts between records, if it has no quote and no carriage return
 * but a final one: the usual line, which libcsv would take byte by byte
 * through its state machine.  Split at commas with spaces and tabs
 * trimmed from both ends of each field, and a blank line no record,
 * it gives the same fields as libcsv.  Returns 0 when the line is left
 * to libcsv. */
static int split_line(struct imp *im, const char *p, size_t len)
{
	size_t n = len - 1, i = 0;
	int direct;

	if (n && p[n - 1] == '\r')
		n--;
	if (memchr(p, '"', n) || memchr(p, '\r', n))
		return 0;
	while (i < n && csv_space(im, p[i]))
		i++;
	if (i == n)
		return 1; /* libcsv reports no record for a blank line */
	/* A line shorter than a field may be can break no limit but the
	 * column count: its fields go straight into the record buffer. */
	direct = n < PC_IMPORT_FIELD_MAX && !im->failed && !im->limit &&
	         reserve(&im->buf, &im->cap, n + 1, 1024) == 0;
	for (;;) {
		const char *comma = memchr(p + i, im->delim, n - i);
		size_t e = comma ? (size_t)(comma - p) : n, b = i;

		while (b < e && csv_space(im, p[b]))
			b++;
		i = e;
		while (e > b && csv_space(im, p[e - 1]))
			e--;
		if (direct && im->nf < PC_IMPORT_COLUMNS_MAX) {
			im->off[im->nf++] = im->len;
			memcpy(im->buf + im->len, p + b, e - b);
			im->len += e - b;
			im->buf[im->len++] = '\0';
		} else {
			on_field((void *)(p + b), e - b, im);
		}
		if (!comma)
			break;
		i++;
	}
	im->rec_plain = ascii_text(p, n);
	on_record('\n', im);
	return 1;
}

/* Use delimiter c, in the fast path and in libcsv. */
static void set_delim(struct imp *im, char c)
{
	im->delim = c;
	csv_set_delim(&im->csv, (unsigned char)c);
	csv_set_space_func(&im->csv, c == '\t' ? space_only : NULL);
}

/* --delimiter auto: whichever of ',' ';' and tab the first line (the
 * header, at most a block of it) holds most of outside quotes; ',' on a
 * tie or when it holds none. */
static void sniff(struct imp *im, const char *p, size_t n)
{
	size_t comma = 0, semi = 0, tab = 0;
	int quoted = 0;

	for (size_t i = 0; i < n && p[i] != '\n'; i++) {
		if (p[i] == '"')
			quoted = !quoted;
		else if (!quoted) {
			comma += p[i] == ',';
			semi += p[i] == ';';
			tab += p[i] == '\t';
		}
	}
	if (semi > comma && semi >= tab)
		set_delim(im, ';');
	else if (tab > comma && tab > semi)
		set_delim(im, '\t');
	else
		set_delim(im, ',');
}

static int feed_lines(struct imp *im, const char *p, size_t n);

/* Sniff the delimiter from the held first line and feed it. */
static int flush_head(struct imp *im)
{
	int rc;

	sniff(im, im->head, im->head_len);
	im->sniff = 0;
	rc = im->head_len ? feed_lines(im, im->head, im->head_len) : PC_OK;
	free(im->head);
	im->head = NULL;
	im->head_len = im->head_cap = 0;
	return rc;
}

/* Feed n bytes to libcsv, line by line (see the top of the file). */
static int feed_lines(struct imp *im, const char *p, size_t n)
{
	const char *end = p + n;

	while (p < end && !im->failed) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl + 1 : end;
		size_t len = (size_t)(stop - p);

		if (im->rec_line < 0 && im->csv.pstate == CSV_STATE_ROW_NOT_BEGUN)
			im->rec_line = im->line;
		if (nl && !im->libcsv_only &&
		    im->csv.pstate == CSV_STATE_ROW_NOT_BEGUN &&
		    split_line(im, p, len)) {
			/* parsed without libcsv */
		} else if (csv_parse(&im->csv, p, len, on_field, on_record, im) != len &&
		           !im->failed) {
			if (csv_error(&im->csv) == CSV_EPARSE)
				return fail(im, PC_EDATA, im->rec_line,
				            "malformed quotes (a quote inside an unquoted "
				            "field, or text after a closing quote)");
			return fail(im, PC_ENOMEM, 0, "out of memory");
		}
		if (im->failed)
			break;
		if (im->csv.entry_pos > PC_IMPORT_FIELD_MAX)
			return fail(im, PC_ELIMIT, im->rec_line,
			            "a field is longer than %d bytes", PC_IMPORT_FIELD_MAX);
		if (nl) {
			im->line++;
			/* The next line starts a record unless one is open. */
			if (im->csv.pstate == CSV_STATE_ROW_NOT_BEGUN)
				im->rec_line = -1;
		}
		p = stop;
	}
	return im->failed ? im->rerr.status : PC_OK;
}

/* The UTF-8 byte order mark some spreadsheets write before the header. */
static const char bom[] = "\xef\xbb\xbf";
enum { BOM_LEN = 3, BOM_NONE = 4 };

/* Feed n bytes of text after any byte order mark.  With --delimiter
 * auto, the first line is held until it is whole (or a block long), so
 * that the delimiter is sniffed from all of it however the input comes
 * in pieces. */
static int feed_text(struct imp *im, const char *p, size_t n)
{
	const char *nl;

	if (!im->sniff)
		return feed_lines(im, p, n);
	if (!n)
		return PC_OK;
	nl = memchr(p, '\n', n);
	if (reserve(&im->head, &im->head_cap, im->head_len + n, 256))
		return fail(im, PC_ENOMEM, 0, "out of memory");
	memcpy(im->head + im->head_len, p, n);
	im->head_len += n;
	if (!nl && im->head_len < BLOCK)
		return PC_OK;
	return flush_head(im);
}

/* Feed n bytes of UTF-8: skip a byte order mark at its start, even one
 * split across pieces, and feed the rest. */
static int feed_utf8(struct imp *im, const char *p, size_t n)
{
	const char *end = p + n;

	while (im->bom < BOM_LEN && p < end) {
		int held = im->bom;

		if (*p == bom[held]) {
			im->bom++;
			p++;
			continue;
		}
		/* Not a mark after all: what looked like its start is text. */
		im->bom = BOM_NONE;
		if (held && feed_text(im, bom, (size_t)held) != PC_OK)
			return im->rerr.status;
	}
	return feed_text(im, p, (size_t)(end - p));
}

/* Convert what iconv can of *left bytes at *ip from --encoding to UTF-8
 * and feed it.  Returns 0 when all was converted, 1 when the input ends
 * inside a character (left at *ip), -1 on an error (im->rerr). */
static int convert(struct imp *im, char **ip, size_t *left)
{
	for (;;) {
		char out[4096], *op = out;
		size_t room = sizeof out, rc;
		int e;

		rc = iconv(im->cd, ip, left, &op, &room);
		e = errno;
		if (op > out && feed_utf8(im, out, (size_t)(op - out)) != PC_OK)
			return -1;
		if (rc != (size_t)-1)
			return 0;
		if (e == E2BIG)
			continue;
		if (e == EINVAL)
			return 1;
		fail(im, PC_EDATA, im->line, "bytes that are not valid %s "
		     "(check --encoding)", im->o->encoding);
		return -1;
	}
}

/* Convert n bytes of the input from --encoding to UTF-8 and feed them;
 * a character cut at the end of a piece is held for the next. */
static int feed_converted(struct imp *im, const char *p, size_t n)
{
	char *ip;
	size_t left;
	int r;

	/* Finish a held character a byte at a time. */
	while (im->nihold && n) {
		im->ihold[im->nihold++] = *p++;
		n--;
		ip = im->ihold;
		left = im->nihold;
		if ((r = convert(im, &ip, &left)) < 0)
			return im->rerr.status;
		if (r == 0) {
			im->nihold = 0;
			break;
		}
		memmove(im->ihold, ip, left);
		im->nihold = left;
		if (im->nihold == sizeof im->ihold)
			return fail(im, PC_EDATA, im->line, "bytes that are not valid "
			            "%s (check --encoding)", im->o->encoding);
	}
	if (!n)
		return PC_OK;
	ip = (char *)p;
	left = n;
	if ((r = convert(im, &ip, &left)) < 0)
		return im->rerr.status;
	if (r == 1) {
		if (left >= sizeof im->ihold)
			return fail(im, PC_EDATA, im->line, "bytes that are not valid "
			            "%s (check --encoding)", im->o->encoding);
		memcpy(im->ihold, ip, left);
		im->nihold = left;
	}
	return PC_OK;
}

/* Feed the next n bytes of the input as read. */
static int feed(struct imp *im, const char *p, size_t n)
{
	XXH64_update(&im->hash, p, n);
	im->bytes += n;
	if (im->head_seen < 2 && n) {
		/* The first two bytes, even from pieces of one. */
		for (size_t i = 0; i < n && im->head_seen < 2; i++)
			im->first2[im->head_seen++] = (unsigned char)p[i];
		/* UTF-16 read as UTF-8 would fail at the header for no reason
		 * the user could see: say what it is. */
		if (im->cd == (iconv_t)-1 && im->head_seen == 2 &&
		    ((im->first2[0] == 0xff && im->first2[1] == 0xfe) ||
		     (im->first2[0] == 0xfe && im->first2[1] == 0xff)))
			return fail(im, PC_EDATA, 1, "the file is UTF-16 (it starts "
			            "with a UTF-16 byte order mark); import it with "
			            "--encoding utf-16");
	}
	if (im->cd != (iconv_t)-1)
		return feed_converted(im, p, n);
	return feed_utf8(im, p, n);
}

static int finish_csv(struct imp *im)
{
	int open_quote;

	if (im->failed)
		return PC_EDATA;
	if (im->nihold)
		return fail(im, PC_EDATA, im->line, "the file ends inside a "
		            "character (not valid %s; check --encoding)",
		            im->o ? im->o->encoding : "input");
	if (im->bom > 0 && im->bom < BOM_LEN &&
	    feed_text(im, bom, (size_t)im->bom) != PC_OK)
		return im->rerr.status; /* the input was a mark's first bytes */
	if (im->sniff && flush_head(im) != PC_OK)
		return im->rerr.status; /* a first line without a line end */
	if (im->rec_line < 0)
		im->rec_line = im->line;
	open_quote = im->csv.pstate != CSV_STATE_ROW_NOT_BEGUN && im->csv.quoted;
	if (csv_fini(&im->csv, on_field, on_record, im) != 0 && !im->failed)
		return fail(im, PC_EDATA, im->rec_line, open_quote
		            ? "unterminated quoted field"
		            : "malformed quotes (a quote inside an unquoted field, "
		              "or text after a closing quote)");
	if (im->failed)
		return PC_EDATA;
	if (!im->have_header)
		return fail(im, PC_EDATA, 0, "empty file (expected a header row)");
	return PC_OK;
}

int pci_csv_split(const void *buf, size_t len, size_t piece, int libcsv_only,
                  const char *name, pci_csv_record_fn fn, void *ctx,
                  pc_error *err)
{
	return pci_csv_split_delim(buf, len, piece, libcsv_only, ',', name, fn,
	                           ctx, err);
}

int pci_csv_split_delim(const void *buf, size_t len, size_t piece,
                        int libcsv_only, int delimiter, const char *name,
                        pci_csv_record_fn fn, void *ctx, pc_error *err)
{
	struct imp *im;
	int rc;

	pc_error_clear(err);
	if (!(im = calloc(1, sizeof *im)))
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	if (csv_init(&im->csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		free(im);
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	im->name = name;
	im->cd = (iconv_t)-1;
	im->delim_given = 1;
	im->sniff = delimiter == PC_IMPORT_DELIM_AUTO;
	set_delim(im, delimiter > 0 ? (char)delimiter : ',');
	im->line = 1;
	im->rec_line = -1;
	im->libcsv_only = libcsv_only;
	im->on_rec = fn;
	im->on_rec_ctx = ctx;
	XXH64_reset(&im->hash, 0);
	if (!piece)
		piece = BLOCK;
	for (size_t at = 0; at < len && !im->failed; at += piece)
		feed(im, (const char *)buf + at, len - at < piece ? len - at : piece);
	if (!im->failed)
		finish_csv(im);
	rc = im->failed ? im->rerr.status : PC_OK;
	if (im->failed)
		*err = im->rerr;
	csv_free(&im->csv);
	free(im->buf);
	free(im->head);
	free(im);
	return rc;
}

static int prepare_all(struct imp *im)
{
	static const struct {
		size_t off;
		const char *sql;
	} stmts[] = {
#define S(f, q) {offsetof(struct imp, f), q}
		S(sel_customer, "SELECT id FROM customers WHERE name = ?1"),
		S(ins_customer, "INSERT INTO customers(name) VALUES (?1)"
		                " ON CONFLICT DO NOTHING"),
		S(sel_project, "SELECT id, import_id FROM projects"
		               " WHERE customer_id = ?1 AND name = ?2"),
		S(ins_project, "INSERT INTO projects(customer_id, name, import_id)"
		               " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING"),
		S(sel_attrs, "SELECT id FROM attr_sets WHERE attrs = ?1"),
		S(ins_attrs, "INSERT INTO attr_sets(attrs) VALUES (?1)"
		             " ON CONFLICT DO NOTHING"),
		S(touch_project, "UPDATE projects SET import_id = ?1 WHERE id = ?2"),
		S(ins_phase, "INSERT INTO phases(project_id, name, start, end, as_of,"
		             " status, attrs_id, import_id, line)"
		             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		             " ON CONFLICT DO NOTHING"),
		S(sel_phase, "SELECT start, end, as_of, status, attrs_id, import_id, line"
		             " FROM phases WHERE project_id = ?1 AND name = ?2"),
		S(upd_phase, "UPDATE phases SET start = ?1, end = ?2, as_of = ?3,"
		             " status = ?4, attrs_id = ?5, import_id = ?6, line = ?7"
		             " WHERE project_id = ?8 AND name = ?9"),
		S(fin_import, "UPDATE imports SET hash = ?1, rows = ?2, added = ?3,"
		              " updated = ?4, unchanged = ?5, rejected = ?6 WHERE id = ?7"),
#undef S
	};

	/* ?1 the as-of date and ?2 the import id, bound once; then per row
	 * the project id, name, start, end (NULL: ongoing, whence as_of
	 * and status), attribute set id and line.  Six values per row to
	 * bind rather than nine: binding costs as much as the CASEs. */
	static const char ins_rows[] =
		"INSERT INTO phases(project_id, name, start, end, as_of, status,"
		" attrs_id, import_id, line) VALUES ";
	static const char row[] =
		"(?%d,?%d,?%d,?%d,CASE WHEN ?%d IS NULL THEN ?1 END,"
		"CASE WHEN ?%d IS NULL THEN 'ongoing' ELSE 'done' END,?%d,?2,?%d)";
	char sql[sizeof ins_rows + PEND_ROWS * (sizeof row + 8 * 8)];
	size_t len;

	for (size_t i = 0; i < sizeof stmts / sizeof *stmts; i++) {
		sqlite3_stmt **s = (sqlite3_stmt **)((char *)im + stmts[i].off);

		if (!(*s = pci_store_prepare(im->st, stmts[i].sql, im->err))) {
			im->wfailed = 1;
			return PC_ESTORE;
		}
	}
	/* No ON CONFLICT: a row of a fresh project meets no stored row. */
	len = sizeof ins_rows - 1;
	memcpy(sql, ins_rows, len);
	for (int k = 0; k < PEND_ROWS; k++) {
		int b = 3 + 6 * k;

		if (k)
			sql[len++] = ',';
		len += (size_t)snprintf(sql + len, sizeof sql - len, row, b, b + 1,
		                        b + 2, b + 3, b + 3, b + 3, b + 4, b + 5);
		if (k == 0 && !(im->ins_one = pci_store_prepare(im->st, sql, im->err))) {
			im->wfailed = 1;
			return PC_ESTORE;
		}
	}
	if (!(im->ins_many = pci_store_prepare(im->st, sql, im->err))) {
		im->wfailed = 1;
		return PC_ESTORE;
	}
	/* Bindings outlive sqlite3_reset: these hold for the whole import. */
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st = i ? im->ins_many : im->ins_one;

		sqlite3_bind_text(st, 1, im->as_of, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, im->import_id);
	}
	return PC_OK;
}

static void finalize_all(struct imp *im)
{
	sqlite3_finalize(im->sel_customer);
	sqlite3_finalize(im->ins_customer);
	sqlite3_finalize(im->sel_project);
	sqlite3_finalize(im->ins_project);
	sqlite3_finalize(im->touch_project);
	sqlite3_finalize(im->sel_attrs);
	sqlite3_finalize(im->ins_attrs);
	sqlite3_finalize(im->ins_phase);
	sqlite3_finalize(im->sel_phase);
	sqlite3_finalize(im->upd_phase);
	sqlite3_finalize(im->fin_import);
	sqlite3_finalize(im->ins_one);
	sqlite3_finalize(im->ins_many);
}

static int begin_import(struct imp *im)
{
	sqlite3_stmt *s;

	/* Every id the importer writes it has just read or inserted, so
	 * checking foreign keys again per row only costs time.  The pragma
	 * only works outside a transaction; a nested import keeps them on. */
	if (sqlite3_get_autocommit(im->db) &&
	    sqlite3_exec(im->db, "PRAGMA foreign_keys = OFF", NULL, NULL, NULL) == SQLITE_OK)
		im->fk_off = 1;
	if (pci_store_begin(im->st, im->err)) {
		im->wfailed = 1;
		return PC_ESTORE;
	}
	im->began = 1;
	s = pci_store_prepare(im->st,
		"INSERT INTO imports(file, hash, time, as_of, rows, added, updated,"
		" unchanged, rejected) VALUES (?1, '', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
		" ?2, 0, 0, 0, 0, 0)", im->err);
	if (!s) {
		im->wfailed = 1;
		return PC_ESTORE;
	}
	sqlite3_bind_text(s, 1, im->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, im->as_of, -1, SQLITE_STATIC);
	if (exec(im, s, "cannot record the import")) {
		sqlite3_finalize(s);
		return PC_ESTORE;
	}
	sqlite3_finalize(s);
	im->import_id = sqlite3_last_insert_rowid(im->db);
	return prepare_all(im);
}

static int end_import(struct imp *im)
{
	char hash[128];
	sqlite3_stmt *s = im->fin_import;

	snprintf(hash, sizeof hash, "xxh64:%016llx;options=%016llx;"
	         "projects=%zu;ongoing=%zu",
	         /* what was read, if it was: a file rewritten between
	          * prehash() and reading must not pass for the earlier bytes */
	         (unsigned long long)(im->repeated ? im->content
	                                           : XXH64_digest(&im->hash)),
	         (unsigned long long)im->options, im->sum->projects,
	         im->sum->ongoing);
	sqlite3_bind_text(s, 1, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)im->sum->rows);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)im->sum->added);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)im->sum->updated);
	sqlite3_bind_int64(s, 5, (sqlite3_int64)im->sum->unchanged);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)im->sum->rejected);
	sqlite3_bind_int64(s, 7, im->import_id);
	return exec(im, s, "cannot record the import");
}

/* Where the bytes come from: a stream, or memory. */
struct source {
	FILE *fp;
	const char *buf;
	size_t len;
};

/* Hash n bytes of a string option, its length first so that
 * ("ab", "c") and ("a", "bc") differ; NULL hashes apart from "". */
static void hash_str(XXH64_state_t *h, const char *v)
{
	uint64_t n = v ? strlen(v) : UINT64_MAX;

	XXH64_update(h, &n, sizeof n);
	if (v)
		XXH64_update(h, v, strlen(v));
}

/* Everything but the bytes and the as-of date that decides what an
 * import stores: the date format, delimiter, encoding and the maps.
 * (skip_invalid is left out: the shortcut needs a clean earlier
 * import, which any setting of it would repeat.) */
static uint64_t options_hash(const struct imp *im, const pc_import_options *o)
{
	XXH64_state_t h;
	int64_t d = o->delimiter;

	XXH64_reset(&h, 0);
	hash_str(&h, im->fmt);
	XXH64_update(&h, &d, sizeof d);
	hash_str(&h, o->encoding);
	for (size_t i = 0; i < o->nmap; i++) {
		hash_str(&h, o->map[i].field);
		hash_str(&h, o->map[i].column);
	}
	hash_str(&h, NULL);
	for (size_t i = 0; i < o->nstatus_map; i++) {
		hash_str(&h, o->status_map[i].status);
		hash_str(&h, o->status_map[i].value);
	}
	return XXH64_digest(&h);
}

/* Hash the whole input before reading it, when it can be read twice (a
 * regular file, from where it stands, or memory): 1 with im->content
 * set, else 0.  XXH64 reads gigabytes a second, so this costs little
 * next to parsing. */
static int prehash(struct imp *im, struct source *src)
{
	XXH64_state_t h;
	char *block;
	off_t at;
	size_t n;
	int ok;

	if (!src->fp) {
		im->content = XXH64(src->buf, src->len, 0);
		return 1;
	}
	if (!im->total || (at = ftello(src->fp)) < 0 || !(block = malloc(BLOCK)))
		return 0;
	XXH64_reset(&h, 0);
	while ((n = fread(block, 1, BLOCK, src->fp)) > 0)
		XXH64_update(&h, block, n);
	free(block);
	ok = !ferror(src->fp);
	clearerr(src->fp);
	if (fseeko(src->fp, at, SEEK_SET) != 0)
		return -1;
	im->content = XXH64_digest(&h);
	return ok;
}

/*
 * 1 if this import would repeat the store's last one exactly: the same
 * bytes read with the same options and as-of date, which rejected no row.
 * That import left every row it read as its file says, and nothing has
 * written a phase since (imports are the only writer, and the check runs
 * inside this import's write transaction), so every row would be found
 * unchanged: the summary is copied instead.  A later --as-of is a change
 * (running phases are censored anew), and so never matches.  0 when it
 * would not, -1 on a store error.
 */
static int same_import(struct imp *im)
{
	char key[64];
	sqlite3_stmt *s;
	int rc, found = 0;

	snprintf(key, sizeof key, "xxh64:%016llx;options=%016llx;",
	         (unsigned long long)im->content, (unsigned long long)im->options);
	s = pci_store_prepare(im->st, "SELECT hash, rows FROM imports"
	                      " WHERE id < ?1 AND as_of = ?2 AND rejected = 0"
	                      " AND id = (SELECT max(id) FROM imports WHERE id < ?1)",
	                      im->err);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, im->import_id);
	sqlite3_bind_text(s, 2, im->as_of, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const char *h = (const char *)sqlite3_column_text(s, 0);
		size_t len = strlen(key), projects, ongoing;

		if (h && strncmp(h, key, len) == 0 &&
		    sscanf(h + len, "projects=%zu;ongoing=%zu", &projects, &ongoing) == 2) {
			im->sum->rows = (size_t)sqlite3_column_int64(s, 1);
			im->sum->unchanged = im->sum->rows;
			im->sum->projects = projects;
			im->sum->ongoing = ongoing;
			found = 1;
		}
	} else if (rc != SQLITE_DONE) {
		found = -1;
	}
	sqlite3_finalize(s);
	if (found < 0)
		return pci_store_fail(im->st, im->err, "cannot read the imports"), -1;
	return found;
}

/* The reader thread: read, parse, validate, hand over; then say done. */
static void *reader(void *arg)
{
	struct imp *im = arg;
	struct source *src = im->src;

	if (src->fp) {
		char *block = malloc(BLOCK);
		size_t n;

		if (!block)
			fail(im, PC_ENOMEM, 0, "out of memory");
		while (block && !im->failed && !stopped(im) &&
		       (n = fread(block, 1, BLOCK, src->fp)) > 0)
			feed(im, block, n);
		free(block);
		if (block && !im->failed && !stopped(im) && ferror(src->fp))
			fail(im, PC_EIO, 0, "read error: %s", strerror(errno ? errno : EIO));
	} else {
		/* In block-sized pieces, as from a file, so that the field
		 * limit holds for memory input too. */
		for (size_t at = 0; at < src->len && !im->failed && !stopped(im);
		     at += BLOCK) {
			size_t n = src->len - at < BLOCK ? src->len - at : BLOCK;

			feed(im, src->buf + at, n);
		}
	}
	if (!im->failed && !stopped(im))
		finish_csv(im);
	if (im->fill && im->fill->n && !stopped(im))
		hand_over(im);
	pthread_mutex_lock(&im->mu);
	if (im->fill)
		im->freeq[im->nfree++] = im->fill;
	im->fill = NULL;
	im->reader_done = 1;
	pthread_cond_broadcast(&im->cv);
	pthread_mutex_unlock(&im->mu);
	return NULL;
}

/* The writer: store batches until the reader is done. */
static void writer(struct imp *im)
{
	for (;;) {
		struct batch *b;

		pthread_mutex_lock(&im->mu);
		while (!im->ready && !im->reader_done)
			pthread_cond_wait(&im->cv, &im->mu);
		b = im->ready;
		im->ready = NULL;
		pthread_cond_broadcast(&im->cv);
		pthread_mutex_unlock(&im->mu);
		if (!b)
			return;
		if (!im->wfailed) {
			write_batch(im, b);
			progress(im, b->bytes, 0);
		}
		pthread_mutex_lock(&im->mu);
		im->freeq[im->nfree++] = b;
		pthread_cond_broadcast(&im->cv);
		pthread_mutex_unlock(&im->mu);
	}
}

static int run(pc_store *st, struct source *src, const char *name,
               const pc_import_options *opts, pc_import_summary *sum,
               pc_error *err)
{
	pc_import_options defaults;
	pc_import_summary local_sum;
	pc_error local_err;
	struct imp *im;
	pthread_t tid;
	int rc = PC_OK, same = 0;

	if (!opts) {
		pc_import_options_init(&defaults);
		opts = &defaults;
	}
	if (!sum)
		sum = &local_sum;
	if (!err)
		err = &local_err;
	memset(sum, 0, sizeof *sum);
	pc_error_clear(err);
	if (opts->as_of < PC_DAY_MIN || opts->as_of > PC_DAY_MAX)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "--as-of: not a date");
	if (check_map(opts, err) || check_more(opts, err))
		return err->status;
	if (!(im = calloc(1, sizeof *im)))
		return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
	im->cd = (iconv_t)-1;
	if (opts->date_format && *opts->date_format &&
	    pc_import_date_format(opts->date_format, im->fmt_buf,
	                          sizeof im->fmt_buf, err) != PC_OK) {
		free(im);
		return err->status;
	}
	im->fmt = im->fmt_buf[0] ? im->fmt_buf : NULL;
	if (opts->encoding && strcasecmp(opts->encoding, "utf-8") != 0 &&
	    strcasecmp(opts->encoding, "utf8") != 0 &&
	    (im->cd = iconv_open("UTF-8", opts->encoding)) == (iconv_t)-1) {
		char qb[QUOTE_MAX + 4];

		free(im);
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "--encoding: unknown "
		                    "encoding '%s' (e.g. windows-1252, latin1, utf-16, "
		                    "utf-16le)", q(qb, opts->encoding));
	}
	im->st = st;
	im->db = pci_store_db(st);
	im->o = opts;
	im->sum = sum;
	im->err = err;
	im->name = name;
	im->src = src;
	im->line = 1;
	im->rec_line = -1;
	XXH64_reset(&im->hash, 0);
	im->seen.max_n = SEEN_MAX;
	im->seen.max_text = SEEN_TEXT;
	im->attr_ids.max_n = ATTRS_MAX;
	im->attr_ids.max_text = ATTRS_TEXT;
	im->new_customers = im->new_projects = im->new_attrs = im->new_phases = 1;
	pc_date_format(opts->as_of, im->as_of);
	im->iso_input = !im->fmt || strcmp(im->fmt, "%Y-%m-%d") == 0;
	pthread_mutex_init(&im->mu, NULL);
	pthread_cond_init(&im->cv, NULL);
	for (int i = 0; i < NBATCHES; i++)
		im->freeq[im->nfree++] = &im->batches[i];
	if (csv_init(&im->csv, CSV_STRICT | CSV_STRICT_FINI) != 0) {
		rc = pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
		goto out;
	}
	im->delim_given = opts->delimiter != 0;
	im->sniff = opts->delimiter == PC_IMPORT_DELIM_AUTO;
	set_delim(im, opts->delimiter > 0 ? (char)opts->delimiter : ',');
	if (src->fp) {
		struct stat sb;

		if (fstat(fileno(src->fp), &sb) == 0 && S_ISREG(sb.st_mode))
			im->total = (uint64_t)sb.st_size;
	} else {
		im->total = src->len;
	}
	im->options = options_hash(im, opts);
	if ((im->prehashed = prehash(im, src)) < 0) {
		rc = pc_error_set(err, PC_EIO, NULL, 0, "cannot read '%s' again: %s",
		                  name, strerror(errno));
		csv_free(&im->csv);
		goto out;
	}
	if (begin_import(im) == PC_OK &&
	    (!im->prehashed || (same = same_import(im)) == 0)) {
		if (pthread_create(&tid, NULL, reader, im) != 0) {
			pc_error_set(err, PC_ENOMEM, NULL, 0, "cannot start a thread");
			im->wfailed = 1;
		} else {
			writer(im);
			pthread_join(tid, NULL);
		}
	}
	if (same < 0)
		im->wfailed = 1;
	im->repeated = same == 1;
	/* The writer's error, if any, comes from an earlier line than the
	 * reader's: it was handed over before the reader stopped. */
	if (!im->wfailed && im->failed)
		*err = im->rerr;
	if (!im->wfailed && !im->failed && im->npend)
		flush_pending(im);
	if (!im->wfailed && !im->failed) {
		if (same == 1)
			im->bytes = im->total;
		else
			sum->rows = im->nrows;
		progress(im, im->bytes, 1);
		end_import(im);
	}
	rc = im->wfailed || im->failed ? (err->status ? err->status : PC_EDATA) : PC_OK;
	finalize_all(im);
	if (rc == PC_OK && !opts->dry_run)
		rc = pci_store_commit(st, err);
	else if (im->began)
		pci_store_rollback(st); /* a dry run counts, then forgets */
	if (im->fk_off)
		sqlite3_exec(im->db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL);
	csv_free(&im->csv);
out:
	if (im->cd != (iconv_t)-1)
		iconv_close(im->cd);
	pthread_mutex_destroy(&im->mu);
	pthread_cond_destroy(&im->cv);
	for (int i = 0; i < NBATCHES; i++) {
		free(im->batches[i].items);
		free(im->batches[i].text);
		free(im->batches[i].errs);
	}
	for (size_t i = 0; i < PC_IMPORT_COLUMNS_MAX; i++) {
		free(im->key[i]);
		free(im->key_json[i]);
	}
	free(im->buf);
	free(im->head);
	free(im->json);
	free(im->prev_json);
	free(im->prev_customer);
	free(im->prev_project);
	smap_free(&im->seen);
	smap_free(&im->attr_ids);
	free(im->skip.slots);
	free(im->pend_text);
	free(im);
	return rc;
}

int pc_import_stream(pc_store *st, FILE *fp, const char *name,
                     const pc_import_options *opts, pc_import_summary *sum,
                     pc_error *err)
{
	struct source src = {fp, NULL, 0};

	return run(st, &src, name, opts, sum, err);
}

int pc_import_buffer(pc_store *st, const void *buf, size_t len, const char *name,
                     const pc_import_options *opts, pc_import_summary *sum,
                     pc_error *err)
{
	struct source src = {NULL, buf, len};

	return run(st, &src, name, opts, sum, err);
}

int pc_import_file(pc_store *st, const char *path, const pc_import_options *opts,
                   pc_import_summary *sum, pc_error *err)
{
	FILE *fp;
	int rc;

	if (strcmp(path, "-") == 0)
		return pc_import_stream(st, stdin, "<stdin>", opts, sum, err);
	if (!(fp = fopen(path, "rb")))
		return pc_error_set(err, PC_EIO, NULL, 0, "cannot open '%s': %s",
		                    path, strerror(errno));
	rc = pc_import_stream(st, fp, path, opts, sum, err);
	fclose(fp);
	return rc;
}
