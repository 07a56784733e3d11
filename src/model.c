/*
 * model.c - fitted models: fitting a history phase by phase, saving and
 * loading them in the store, and the CSV form that lets planning run
 * without the store.
 */
#include <config.h>

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include <precedent/model.h>
#include <precedent/store.h>

#include "fit_internal.h"
#include "csvout.h"
#include "store_internal.h"

static int oom(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

void pc_model_free(pc_model **pm)
{
	pc_model *m;

	if (!pm || !*pm)
		return;
	m = *pm;
	for (size_t i = 0; i < m->nphases; i++)
		free(m->phases[i].phase);
	free(m->phases);
	free(m->criterion);
	free(m->reference);
	free(m->created);
	free(m);
	*pm = NULL;
}

const pc_phase_model *pc_model_find(const pc_model *m, const char *phase)
{
	for (size_t i = 0; m && phase && i < m->nphases; i++)
		if (strcmp(m->phases[i].phase, phase) == 0)
			return &m->phases[i];
	return NULL;
}

static pc_model *model_new(const char *criterion, const char *reference,
                           size_t cap)
{
	pc_model *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->phases = calloc(cap ? cap : 1, sizeof *m->phases);
	m->criterion = strdup(criterion ? criterion : "aicc");
	m->reference = strdup(reference ? reference : "");
	if (!m->phases || !m->criterion || !m->reference)
		pc_model_free(&m);
	return m;
}

/* ------------------------------------------------------------ fitting */

int pc_model_fit(const pc_history *h, const pc_fit_options *opts,
                 const char *reference, pc_model **out, pc_fit_set *sets,
                 pc_error *err)
{
	pc_fit_options defaults;
	double *x = malloc((h->nobs ? h->nobs : 1) * sizeof *x);
	unsigned char *c = malloc(h->nobs ? h->nobs : 1);
	pc_fit_set *set = malloc(sizeof *set);
	pc_model *m = NULL;
	char first[PC_ERROR_MSG_MAX] = "";
	int rc = PC_OK;

	*out = NULL;
	if (!opts) {
		pc_fit_options_init(&defaults);
		opts = &defaults;
	}
	m = model_new(pc_criterion_name(opts->criterion), reference, h->nphases);
	if (!x || !c || !set || !m) {
		rc = oom(err);
		goto done;
	}
	m->n_projects = h->nprojects;
	for (size_t k = 0; k < h->nphases; k++) {
		pc_fit_set *s = sets ? &sets[k] : set;
		size_t n = 0, nc = 0;
		pc_error e;
		int frc;

		for (size_t i = 0; i < h->nobs; i++) {
			if (h->obs[i].phase != k)
				continue;
			x[n] = pc_obs_days(&h->obs[i]);
			c[n] = h->obs[i].ongoing != 0;
			nc += c[n];
			n++;
		}
		if (opts->progress) /* phases fitted so far */
			opts->progress(opts->progress_ctx, "fitting", k, h->nphases);
		pc_error_clear(&e);
		frc = pc_fit_all(x, c, n, opts, s, &e);
		if (frc == PC_ENOMEM) {
			rc = oom(err);
			goto done;
		}
		if (frc || s->best < 0) {
			if (!first[0])
				snprintf(first, sizeof first, "phase '%.100s': %.380s",
				         h->phases[k], e.msg);
			continue;
		}
		{
			pc_phase_model *pm = &m->phases[m->nphases];
			const pc_fit *f = &s->fits[s->best];

			pm->phase = strdup(h->phases[k]);
			if (!pm->phase) {
				rc = oom(err);
				goto done;
			}
			pm->family = f->family;
			memcpy(pm->params, f->params, sizeof pm->params);
			for (int i = f->family->nparams; i < PC_MAX_PARAMS; i++)
				pm->params[i] = 0;
			pm->n = n;
			pm->censored = nc;
			pm->loglik = f->loglik;
			pm->median = f->family->quantile(0.5, f->params);
			pm->p80 = f->family->quantile(0.8, f->params);
			m->nphases++;
		}
	}
	if (m->nphases == 0)
		rc = pc_error_set(err, PC_EDATA, NULL, 0, "no phase could be fitted: %s",
		                  first[0] ? first : "the history has no phases");
done:
	free(x);
	free(c);
	free(set);
	if (rc)
		pc_model_free(&m);
	*out = m;
	return rc;
}

/* ------------------------------------------------------------- store */

static double col_or_nan(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? NAN
	                                                  : sqlite3_column_double(st, i);
}

static void bind_num(sqlite3_stmt *st, int i, double v)
{
	if (isfinite(v))
		sqlite3_bind_double(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

int pc_model_save(struct pc_store *st, pc_model *m, long long *id,
                  pc_error *err)
{
	sqlite3 *db = pci_store_db(st);
	sqlite3_stmt *ins = NULL, *ph = NULL;
	char created[32];
	time_t now = time(NULL);
	struct tm tm;
	long long mid;
	int rc;

	gmtime_r(&now, &tm);
	strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if ((rc = pci_store_begin(st, err)))
		return rc;
	ins = pci_store_prepare(st,
		"INSERT INTO models(created, criterion, reference, n_projects) "
		"VALUES(?1, ?2, ?3, ?4)", err);
	ph = ins ? pci_store_prepare(st,
		"INSERT INTO model_phases(model_id, phase, family, p1, p2, p3, n, "
		"censored, loglik, median, p80) "
		"VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)", err) : NULL;
	if (!ins || !ph) {
		rc = err ? err->status : PC_ESTORE;
		goto fail;
	}
	sqlite3_bind_text(ins, 1, created, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 2, m->criterion ? m->criterion : "aicc", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ins, 3, m->reference ? m->reference : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(ins, 4, (sqlite3_int64)m->n_projects);
	if (sqlite3_step(ins) != SQLITE_DONE) {
		rc = pci_store_fail(st, err, "cannot save the model");
		goto fail;
	}
	mid = sqlite3_last_insert_rowid(db);
	for (size_t i = 0; i < m->nphases; i++) {
		const pc_phase_model *p = &m->phases[i];

		sqlite3_reset(ph);
		sqlite3_bind_int64(ph, 1, mid);
		sqlite3_bind_text(ph, 2, p->phase, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ph, 3, p->family->name, -1, SQLITE_STATIC);
		for (int j = 0; j < PC_MAX_PARAMS; j++)
			if (j < p->family->nparams)
				bind_num(ph, 4 + j, p->params[j]);
			else
				sqlite3_bind_null(ph, 4 + j);
		sqlite3_bind_int64(ph, 7, (sqlite3_int64)p->n);
		sqlite3_bind_int64(ph, 8, (sqlite3_int64)p->censored);
		bind_num(ph, 9, p->loglik);
		bind_num(ph, 10, p->median);
		bind_num(ph, 11, p->p80);
		if (sqlite3_step(ph) != SQLITE_DONE) {
			rc = pci_store_fail(st, err, "cannot save the model");
			goto fail;
		}
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(ph);
	if ((rc = pci_store_commit(st, err)))
		return rc;
	m->id = mid;
	free(m->created);
	m->created = strdup(created);
	if (id)
		*id = mid;
	return PC_OK;
fail:
	sqlite3_finalize(ins);
	sqlite3_finalize(ph);
	pci_store_rollback(st);
	return rc ? rc : PC_ESTORE;
}

int pc_model_load(struct pc_store *st, long long id, pc_model **out,
                  pc_error *err)
{
	sqlite3_stmt *q = NULL, *ph = NULL;
	pc_model *m = NULL;
	size_t cap = 0;
	int rc = PC_OK, step;

	*out = NULL;
	q = pci_store_prepare(st, id
		? "SELECT id, created, criterion, reference, n_projects FROM models WHERE id = ?1"
		: "SELECT id, created, criterion, reference, n_projects FROM models ORDER BY id DESC LIMIT 1",
		err);
	if (!q)
		return err ? err->status : PC_ESTORE;
	if (id)
		sqlite3_bind_int64(q, 1, id);
	step = sqlite3_step(q);
	if (step == SQLITE_DONE) {
		sqlite3_finalize(q);
		if (id)
			return pc_error_set(err, PC_ENOTFOUND, NULL, 0, "no model %lld in the store", id);
		return pc_error_set(err, PC_ENOTFOUND, NULL, 0,
		                    "the store holds no model (run 'precedent fit')");
	}
	if (step != SQLITE_ROW) {
		rc = pci_store_fail(st, err, "cannot read the model");
		goto done;
	}
	m = model_new((const char *)sqlite3_column_text(q, 2),
	              (const char *)sqlite3_column_text(q, 3), 8);
	if (!m) {
		rc = oom(err);
		goto done;
	}
	cap = 8;
	m->id = sqlite3_column_int64(q, 0);
	m->created = strdup((const char *)sqlite3_column_text(q, 1));
	m->n_projects = (size_t)sqlite3_column_int64(q, 4);
	ph = pci_store_prepare(st,
		"SELECT phase, family, p1, p2, p3, n, censored, loglik, median, p80 "
		"FROM model_phases WHERE model_id = ?1 ORDER BY rowid", err);
	if (!ph) {
		rc = err ? err->status : PC_ESTORE;
		goto done;
	}
	sqlite3_bind_int64(ph, 1, m->id);
	while ((step = sqlite3_step(ph)) == SQLITE_ROW) {
		pc_phase_model *p;
		const char *fam = (const char *)sqlite3_column_text(ph, 1);

		if (m->nphases == cap) {
			pc_phase_model *np = realloc(m->phases, 2 * cap * sizeof *np);
			if (!np) {
				rc = oom(err);
				goto done;
			}
			m->phases = np;
			cap *= 2;
		}
		p = &m->phases[m->nphases];
		memset(p, 0, sizeof *p);
		p->family = pc_family_find(fam);
		if (!p->family) {
			rc = pc_error_set(err, PC_ESTORE, NULL, 0,
			                  "model %lld: unknown family '%s'", m->id, fam ? fam : "");
			goto done;
		}
		p->phase = strdup((const char *)sqlite3_column_text(ph, 0));
		if (!p->phase) {
			rc = oom(err);
			goto done;
		}
		m->nphases++;
		for (int j = 0; j < PC_MAX_PARAMS; j++)
			p->params[j] = j < p->family->nparams ? col_or_nan(ph, 2 + j) : 0;
		p->n = (size_t)sqlite3_column_int64(ph, 5);
		p->censored = (size_t)sqlite3_column_int64(ph, 6);
		p->loglik = col_or_nan(ph, 7);
		p->median = col_or_nan(ph, 8);
		p->p80 = col_or_nan(ph, 9);
	}
	if (step != SQLITE_DONE)
		rc = pci_store_fail(st, err, "cannot read the model");
done:
	sqlite3_finalize(q);
	sqlite3_finalize(ph);
	if (rc)
		pc_model_free(&m);
	*out = m;
	return rc;
}

/* --------------------------------------------------------------- CSV */

static const char *const csv_header[] = {
	"phase", "family", "param1", "value1", "param2", "value2", "param3",
	"value3", "n", "censored", "loglik", "median", "p80", NULL
};
#define NCOLS 13

static void put_num(FILE *out, double v)
{
	if (isfinite(v))
		fprintf(out, ",%.17g", v);
	else
		fputs(",", out);
}

/* The first and last lines of a model file (format 2).  The end line
 * counts the phases, so that a file cut anywhere, even between two rows,
 * is told from a whole one. */
#define MODEL_MAGIC "# precedent model"
#define MODEL_VERSION 2
#define MODEL_END "# end of model:"

int pc_model_write_csv(const pc_model *m, FILE *out, pc_error *err)
{
	fprintf(out, "%s %d\n", MODEL_MAGIC, MODEL_VERSION);
	for (int i = 0; csv_header[i]; i++)
		fprintf(out, "%s%s", i ? "," : "", csv_header[i]);
	fputc('\n', out);
	for (size_t i = 0; i < m->nphases; i++) {
		const pc_phase_model *p = &m->phases[i];

		pci_csv_field(out, p->phase);
		fprintf(out, ",%s", p->family->name);
		for (int j = 0; j < PC_MAX_PARAMS; j++) {
			if (j < p->family->nparams) {
				fprintf(out, ",%s", p->family->param_names[j]);
				put_num(out, p->params[j]);
			} else {
				fputs(",,", out);
			}
		}
		fprintf(out, ",%zu,%zu", p->n, p->censored);
		put_num(out, p->loglik);
		put_num(out, p->median);
		put_num(out, p->p80);
		fputc('\n', out);
	}
	fprintf(out, "%s %zu phase%s\n", MODEL_END, m->nphases,
	        m->nphases == 1 ? "" : "s");
	if (ferror(out))
		return pc_error_set(err, PC_EIO, NULL, 0, "write error: %s",
		                    strerror(errno));
	return PC_OK;
}

struct model_reader {
	const char *file;
	long line;
	int version;      /* 2: a version line came first; 1: none (legacy) */
	int at_row_start; /* the next line begins a record, not the rest of a
	                     quoted field */
	long end_line;    /* the line of the end marker, 0 before it */
	int ended;        /* the end marker was read */
	int field;
	char *cells[NCOLS];
	int rows;
	size_t cap;
	size_t *seen;     /* open-addressing set of phase indexes + 1, by
	                     name: a model file may hold as many phases as a
	                     history, and a linear search per row would make
	                     reading it quadratic */
	size_t seen_cap;  /* a power of two, at least twice nphases */
	pc_model *m;
	pc_error err;
};

static void mr_field(void *s, size_t len, void *data)
{
	struct model_reader *r = data;

	if (r->err.status)
		return;
	/* A NUL inside a field would silently cut it short as a C string. */
	if (s && memchr(s, '\0', len)) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "a field holds a NUL byte");
		return;
	}
	if (r->field < NCOLS) {
		free(r->cells[r->field]);
		r->cells[r->field] = strdup(s ? (const char *)s : "");
		if (!r->cells[r->field])
			pc_error_set(&r->err, PC_ENOMEM, NULL, 0, "out of memory");
	}
	r->field++;
}

static int num_cell(struct model_reader *r, int i, int required, double *v)
{
	const char *s = r->cells[i];
	char *end;

	if (!*s && !required) {
		*v = NAN;
		return 0;
	}
	errno = 0;
	*v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(*v)) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "%s '%s' is not a number", csv_header[i], s);
		return -1;
	}
	return 0;
}

static int count_cell(struct model_reader *r, int i, size_t *out)
{
	double v;

	if (num_cell(r, i, 1, &v))
		return -1;
	if (v < 0 || v != floor(v) || v > 1e15) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "%s '%s' is not a count", csv_header[i], r->cells[i]);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

/* FNV-1a of a name, for the set of phases read so far. */
static size_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

/* The slot of name in r->seen: where it is, or the empty one where it
 * would go. */
static size_t seen_slot(const struct model_reader *r, const char *name)
{
	size_t mask = r->seen_cap - 1, i = name_hash(name) & mask;

	while (r->seen[i] && strcmp(r->m->phases[r->seen[i] - 1].phase, name) != 0)
		i = (i + 1) & mask;
	return i;
}

/* Room in r->seen for one more phase; 0, or -1 when out of memory. */
static int seen_grow(struct model_reader *r)
{
	size_t ncap = r->seen_cap ? 2 * r->seen_cap : 64;
	size_t *old = r->seen, ocap = r->seen_cap;

	if (2 * (r->m->nphases + 1) <= r->seen_cap)
		return 0;
	if (!(r->seen = calloc(ncap, sizeof *r->seen))) {
		r->seen = old;
		return -1;
	}
	r->seen_cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i])
			r->seen[seen_slot(r, r->m->phases[old[i] - 1].phase)] = old[i];
	free(old);
	return 0;
}

static void mr_row(int term, void *data)
{
	struct model_reader *r = data;
	pc_phase_model *p;
	const pc_family *f;
	int nf = r->field;

	(void)term;
	r->field = 0;
	r->at_row_start = 1;
	if (r->err.status)
		return;
	if (nf != NCOLS) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "%d fields, expected %d", nf, NCOLS);
		return;
	}
	if (r->rows++ == 0) {
		for (int i = 0; i < NCOLS; i++)
			if (strcmp(r->cells[i], csv_header[i]) != 0) {
				pc_error_set(&r->err, PC_EDATA, r->file, r->line,
				             "column %d is '%s', expected '%s' (not a model file)",
				             i + 1, r->cells[i], csv_header[i]);
				return;
			}
		return;
	}
	f = pc_family_find(r->cells[1]);
	if (!f) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "unknown family '%s'", r->cells[1]);
		return;
	}
	if (!r->cells[0][0]) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line, "empty phase name");
		return;
	}
	if (seen_grow(r)) {
		pc_error_set(&r->err, PC_ENOMEM, NULL, 0, "out of memory");
		return;
	}
	if (r->seen[seen_slot(r, r->cells[0])]) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "phase '%s' appears twice", r->cells[0]);
		return;
	}
	if (r->m->nphases == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		pc_phase_model *np = realloc(r->m->phases, cap * sizeof *np);
		if (!np) {
			pc_error_set(&r->err, PC_ENOMEM, NULL, 0, "out of memory");
			return;
		}
		r->m->phases = np;
		r->cap = cap;
	}
	p = &r->m->phases[r->m->nphases];
	memset(p, 0, sizeof *p);
	p->family = f;
	for (int j = 0; j < PC_MAX_PARAMS; j++) {
		const char *name = r->cells[2 + 2 * j];
		if (j >= f->nparams) {
			if (name[0] || r->cells[3 + 2 * j][0]) {
				pc_error_set(&r->err, PC_EDATA, r->file, r->line,
				             "%s has %d parameters, but param%d is given",
				             f->name, f->nparams, j + 1);
				return;
			}
			continue;
		}
		if (strcmp(name, f->param_names[j]) != 0) {
			pc_error_set(&r->err, PC_EDATA, r->file, r->line,
			             "param%d of %s is '%s', expected '%s'", j + 1,
			             f->name, name, f->param_names[j]);
			return;
		}
		if (num_cell(r, 3 + 2 * j, 1, &p->params[j]))
			return;
	}
	if (!f->valid(p->params)) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "the parameters are not valid for %s", f->name);
		return;
	}
	if (count_cell(r, 8, &p->n) || count_cell(r, 9, &p->censored) ||
	    num_cell(r, 10, 0, &p->loglik))
		return;
	if (p->censored > p->n) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "censored %zu exceeds n %zu", p->censored, p->n);
		return;
	}
	/* the file's median and p80 are for people; trust the parameters */
	p->median = f->quantile(0.5, p->params);
	p->p80 = f->quantile(0.8, p->params);
	p->phase = strdup(r->cells[0]);
	if (!p->phase) {
		pc_error_set(&r->err, PC_ENOMEM, NULL, 0, "out of memory");
		return;
	}
	r->m->nphases++;
	r->seen[seen_slot(r, p->phase)] = r->m->nphases;
}

/* A comment line at the start of a record: the version line (only as
 * line 1) or the end line.  Returns 1 if the line was one (handled, or
 * an error set), 0 for a CSV line. */
static int marker_line(struct model_reader *r, const char *line, size_t len)
{
	size_t n = len;
	long v, count;
	char *end;

	if (len == 0 || line[0] != '#')
		return 0;
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	if (r->line == 1) {
		if (strncmp(line, MODEL_MAGIC " ", sizeof MODEL_MAGIC) != 0) {
			pc_error_set(&r->err, PC_EDATA, r->file, r->line,
			             "a comment where the version line ('%s %d') or the "
			             "header belongs", MODEL_MAGIC, MODEL_VERSION);
			return 1;
		}
		errno = 0;
		v = strtol(line + sizeof MODEL_MAGIC, &end, 10);
		if (end == line + sizeof MODEL_MAGIC || (size_t)(end - line) != n ||
		    errno || v < 2) {
			pc_error_set(&r->err, PC_EDATA, r->file, r->line,
			             "bad version line (expected '%s %d')", MODEL_MAGIC,
			             MODEL_VERSION);
			return 1;
		}
		if (v > MODEL_VERSION) {
			pc_error_set(&r->err, PC_EDATA, r->file, r->line,
			             "model format %ld is newer than this precedent's "
			             "(%d): upgrade precedent", v, MODEL_VERSION);
			return 1;
		}
		r->version = (int)v;
		return 1;
	}
	if (r->version < 2 || strncmp(line, MODEL_END " ", sizeof MODEL_END) != 0) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "unexpected comment line");
		return 1;
	}
	if (r->ended) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "a second end line (the first is line %ld)", r->end_line);
		return 1;
	}
	errno = 0;
	count = strtol(line + sizeof MODEL_END, &end, 10);
	if (end == line + sizeof MODEL_END || errno || count < 0 ||
	    !((line + n - end == 6 && strncmp(end, " phase", 6) == 0) ||
	      (line + n - end == 7 && strncmp(end, " phases", 7) == 0))) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "bad end line (expected '%s N phases')", MODEL_END);
		return 1;
	}
	if ((size_t)count != r->m->nphases) {
		pc_error_set(&r->err, PC_EDATA, r->file, r->line,
		             "the end line counts %ld phases, but %zu came before "
		             "it: rows are missing", count, r->m->nphases);
		return 1;
	}
	r->ended = 1;
	r->end_line = r->line;
	return 1;
}

int pc_model_read_csv(const char *path, pc_model **out, pc_error *err)
{
	struct model_reader r;
	struct csv_parser p;
	FILE *in;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof r);
	r.file = path;
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (!in)
		return pc_error_set(err, PC_EIO, NULL, 0, "cannot open '%s': %s",
		                    path, strerror(errno));
	r.m = model_new("", "", 8);
	if (!r.m || csv_init(&p, CSV_APPEND_NULL) != 0) {
		if (in != stdin)
			fclose(in);
		pc_model_free(&r.m);
		return oom(err);
	}
	r.cap = 8;
	r.at_row_start = 1;
	while (!r.err.status && (len = getline(&line, &cap, in)) != -1) {
		int was = r.at_row_start;

		r.line++;
		if (was && marker_line(&r, line, (size_t)len))
			continue;
		if (r.ended) {
			pc_error_set(&r.err, PC_EDATA, path, r.line,
			             "data after the end of the model (line %ld)",
			             r.end_line);
			break;
		}
		if (r.line == 1)
			r.version = 1; /* no version line: the format before 2 */
		r.at_row_start = 0;
		if (csv_parse(&p, line, (size_t)len, mr_field, mr_row, &r) != (size_t)len)
			pc_error_set(&r.err, PC_EDATA, path, r.line, "%s",
			             csv_strerror(csv_error(&p)));
		if (was && strspn(line, "\r\n") == (size_t)len)
			r.at_row_start = 1; /* a blank line between records */
	}
	if (!r.err.status && ferror(in))
		pc_error_set(&r.err, PC_EIO, path, 0, "read error: %s", strerror(errno));
	if (!r.err.status)
		csv_fini(&p, mr_field, mr_row, &r);
	csv_free(&p);
	free(line);
	free(r.seen);
	for (int i = 0; i < NCOLS; i++)
		free(r.cells[i]);
	if (in != stdin)
		fclose(in);
	if (!r.err.status && r.rows == 0)
		pc_error_set(&r.err, PC_EDATA, path, 0, "empty file (not a model file)");
	else if (!r.err.status && r.m->nphases == 0)
		pc_error_set(&r.err, PC_EDATA, path, 0, "the model has no phases");
	else if (!r.err.status && r.version >= 2 && !r.ended)
		pc_error_set(&r.err, PC_EDATA, path, r.line,
		             "the file ends before its end line ('%s N phases'): it "
		             "was cut short", MODEL_END);
	if (!r.err.status)
		r.m->format = r.version;
	rc = r.err.status;
	if (rc) {
		if (err)
			*err = r.err;
		pc_model_free(&r.m);
		return rc;
	}
	*out = r.m;
	return PC_OK;
}
