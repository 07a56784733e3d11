/*
 * history.c - read the store into an in-memory pc_history.
 *
 * Three scans (projects, attributes, phases) fill flat arrays; then the
 * --like filter picks the projects, and the phase names are ordered by
 * where they usually fall in a project (median offset of their start from
 * the project's first start), so that "kickoff" comes before "launch"
 * without anybody declaring it.
 */
#include <config.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <precedent/history.h>

#include "csvout.h"
#include "store_internal.h"

/* One phase row as read, before the projects are filtered. */
struct row {
	size_t project; /* index into all projects */
	char *phase;
	pc_day start, end;
	int ongoing;
};

struct idmap {
	sqlite3_int64 id;
	size_t index;
};

struct load {
	pc_store *st;
	pc_error *err;
	size_t nprojects;
	pc_project *projects;
	struct idmap *ids; /* sorted by id */
	size_t nrows, rowcap;
	struct row *rows;
};

static int nomem(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

static char *dupcol(sqlite3_stmt *s, int col)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	return strdup(t ? (const char *)t : "");
}

static int cmp_id(const void *a, const void *b)
{
	const struct idmap *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static long find_project(const struct load *ld, sqlite3_int64 id)
{
	struct idmap key = {id, 0}, *hit;

	hit = bsearch(&key, ld->ids, ld->nprojects, sizeof *ld->ids, cmp_id);
	return hit ? (long)hit->index : -1;
}

/* A date column written by the importer; anything else means the store
 * was edited by hand into something we cannot read. */
static int date_col(struct load *ld, sqlite3_stmt *s, int col, pc_day *out)
{
	const unsigned char *t = sqlite3_column_text(s, col);

	if (t && pc_date_parse((const char *)t, out) == 0)
		return PC_OK;
	return pc_error_set(ld->err, PC_ESTORE, pci_store_path(ld->st), 0,
	                    "the store holds a bad date '%s'",
	                    t ? (const char *)t : "NULL");
}

static void free_project(pc_project *p)
{
	free(p->customer);
	free(p->name);
	for (size_t i = 0; i < p->nattrs; i++) {
		free(p->attrs[i].key);
		free(p->attrs[i].value);
	}
	free(p->attrs);
}

static int read_projects(struct load *ld)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	s = pci_store_prepare(ld->st,
		"SELECT p.id, c.name, p.name FROM projects p"
		" JOIN customers c ON c.id = p.customer_id"
		" WHERE EXISTS (SELECT 1 FROM phases f WHERE f.project_id = p.id)"
		" ORDER BY c.name, p.name", ld->err);
	if (!s)
		return PC_ESTORE;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		pc_project *p;

		if (ld->nprojects == cap) {
			size_t ncap = cap ? 2 * cap : 64;
			pc_project *np = realloc(ld->projects, ncap * sizeof *np);
			struct idmap *ni = realloc(ld->ids, ncap * sizeof *ni);

			if (np)
				ld->projects = np;
			if (ni)
				ld->ids = ni;
			if (!np || !ni) {
				sqlite3_finalize(s);
				return nomem(ld->err);
			}
			cap = ncap;
		}
		p = &ld->projects[ld->nprojects];
		memset(p, 0, sizeof *p);
		ld->ids[ld->nprojects].id = sqlite3_column_int64(s, 0);
		ld->ids[ld->nprojects].index = ld->nprojects;
		ld->nprojects++;
		p->customer = dupcol(s, 1);
		p->name = dupcol(s, 2);
		if (!p->customer || !p->name) {
			sqlite3_finalize(s);
			return nomem(ld->err);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return pci_store_fail(ld->st, ld->err, "cannot read the projects");
	if (ld->nprojects > 1) /* qsort's base may not be NULL, even for 0 */
		qsort(ld->ids, ld->nprojects, sizeof *ld->ids, cmp_id);
	return PC_OK;
}

static int read_attrs(struct load *ld)
{
	sqlite3_stmt *s;
	int rc;

	s = pci_store_prepare(ld->st,
		"SELECT project_id, key, value FROM project_attrs"
		" ORDER BY project_id, key", ld->err);
	if (!s)
		return PC_ESTORE;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long i = find_project(ld, sqlite3_column_int64(s, 0));
		pc_project *p;
		pc_attr *na;

		if (i < 0)
			continue;
		p = &ld->projects[i];
		/* Few attributes per project: growing one at a time is fine. */
		na = realloc(p->attrs, (p->nattrs + 1) * sizeof *na);
		if (!na) {
			sqlite3_finalize(s);
			return nomem(ld->err);
		}
		p->attrs = na;
		na[p->nattrs].key = dupcol(s, 1);
		na[p->nattrs].value = dupcol(s, 2);
		p->nattrs++;
		if (!na[p->nattrs - 1].key || !na[p->nattrs - 1].value) {
			sqlite3_finalize(s);
			return nomem(ld->err);
		}
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return pci_store_fail(ld->st, ld->err, "cannot read the attributes");
	return PC_OK;
}

static int read_phases(struct load *ld)
{
	sqlite3_stmt *s;
	int rc = SQLITE_OK;

	s = pci_store_prepare(ld->st,
		"SELECT project_id, name, start, end, as_of, status FROM phases",
		ld->err);
	if (!s)
		return PC_ESTORE;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		long i = find_project(ld, sqlite3_column_int64(s, 0));
		struct row *r;
		int ongoing;

		if (i < 0)
			continue;
		if (ld->nrows == ld->rowcap) {
			size_t ncap = ld->rowcap ? 2 * ld->rowcap : 256;
			struct row *nr = realloc(ld->rows, ncap * sizeof *nr);

			if (!nr) {
				sqlite3_finalize(s);
				return nomem(ld->err);
			}
			ld->rows = nr;
			ld->rowcap = ncap;
		}
		r = &ld->rows[ld->nrows];
		memset(r, 0, sizeof *r);
		r->project = (size_t)i;
		ongoing = sqlite3_column_type(s, 3) == SQLITE_NULL;
		r->ongoing = ongoing;
		if (date_col(ld, s, 2, &r->start) ||
		    date_col(ld, s, ongoing ? 4 : 3, &r->end)) {
			sqlite3_finalize(s);
			return PC_ESTORE;
		}
		if (!(r->phase = dupcol(s, 1))) {
			sqlite3_finalize(s);
			return nomem(ld->err);
		}
		ld->nrows++;
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return pci_store_fail(ld->st, ld->err, "cannot read the phases");
	return PC_OK;
}

/* The number text s holds in full, in *x; 0 if it is not one. */
static int number(const char *s, double *x)
{
	char *end;

	if (!*s)
		return 0;
	errno = 0;
	*x = strtod(s, &end);
	while (*end == ' ')
		end++;
	return !*end && errno != ERANGE && *x == *x;
}

/* Compare attribute value a with condition value b: as numbers when both
 * are, else as text (any case); <0, 0 or >0. */
static int compare(const char *a, const char *b)
{
	double x, y;

	if (number(a, &x) && number(b, &y))
		return (x > y) - (x < y);
	return strcasecmp(a, b);
}

/* The value of attribute `key` of p, or NULL. */
static const char *attr_of(const pc_project *p, const char *key)
{
	for (size_t j = 0; j < p->nattrs; j++)
		if (strcasecmp(p->attrs[j].key, key) == 0)
			return p->attrs[j].value;
	return NULL;
}

/* Does project p satisfy condition c? */
static int meets(const pc_project *p, const pc_like *c)
{
	const char *v = attr_of(p, c->key);
	int d;

	if (!v)
		return 0;
	/* "users>=1000" asks about numbers: "many" is not above it. */
	if (c->op >= PC_LIKE_LT) {
		double x, y;

		if (number(c->value, &y) && !number(v, &x))
			return 0;
	}
	d = compare(v, c->value);
	switch (c->op) {
	case PC_LIKE_NE: return d != 0;
	case PC_LIKE_LT: return d < 0;
	case PC_LIKE_LE: return d <= 0;
	case PC_LIKE_GT: return d > 0;
	case PC_LIKE_GE: return d >= 0;
	default: return d == 0;
	}
}

/* Does project p satisfy every --like condition? */
static int matches(const pc_project *p, const pc_like *like, size_t nlike)
{
	for (size_t i = 0; i < nlike; i++)
		if (!meets(p, &like[i]))
			return 0;
	return 1;
}

static const char *const op_names[] = {"=", "!=", "<", "<=", ">", ">="};

const char *pc_like_op_name(pc_like_op op)
{
	return (unsigned)op < sizeof op_names / sizeof *op_names ? op_names[op] : "?";
}

int pc_like_parse(char *text, pc_like *out)
{
	char *o = strpbrk(text, "=!<>");
	char *v;

	if (!o || o == text)
		return -1;
	v = o + 1;
	switch (*o) {
	case '=':
		out->op = PC_LIKE_EQ;
		break;
	case '!':
		if (*v++ != '=')
			return -1;
		out->op = PC_LIKE_NE;
		break;
	case '<':
		out->op = *v == '=' ? (v++, PC_LIKE_LE) : PC_LIKE_LT;
		break;
	default:
		out->op = *v == '=' ? (v++, PC_LIKE_GE) : PC_LIKE_GT;
		break;
	}
	if (!*v)
		return -1;
	*o = '\0';
	out->key = text;
	out->value = v;
	return 0;
}

/* Edit distance of a and b, any case, capped at 255 bytes each: how near
 * a value in the store is to a mistyped one. */
static size_t distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b), row[256];

	if (na > 255)
		na = 255;
	if (nb > 255)
		nb = 255;
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j], best = diag + (tolower((unsigned char)a[i - 1]) !=
			                                   tolower((unsigned char)b[j - 1]));

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

#define NEAREST 5 /* values named when a condition matches nothing */

/* Append to msg (size n) up to NEAREST distinct strings of the projects
 * (attribute values of key, or attribute names when key is NULL),
 * nearest to `to` first. */
static void nearest(const struct load *ld, const char *key, const char *to,
                    char *msg, size_t n)
{
	const char *best[NEAREST];
	size_t dist[NEAREST], nb = 0;

	for (size_t i = 0; i < ld->nprojects; i++) {
		const pc_project *p = &ld->projects[i];

		for (size_t j = 0; j < p->nattrs; j++) {
			const char *c = key ? p->attrs[j].value : p->attrs[j].key;
			size_t d, k;

			if (key && strcasecmp(p->attrs[j].key, key) != 0)
				continue;
			for (k = 0; k < nb && strcasecmp(best[k], c) != 0; k++)
				;
			if (k < nb)
				continue;
			d = distance(c, to);
			if (nb == NEAREST && d >= dist[nb - 1])
				continue;
			if (nb < NEAREST)
				nb++;
			for (k = nb - 1; k > 0 && dist[k - 1] > d; k--) {
				best[k] = best[k - 1];
				dist[k] = dist[k - 1];
			}
			best[k] = c;
			dist[k] = d;
		}
	}
	for (size_t k = 0; k < nb; k++) {
		size_t len = strlen(msg);

		snprintf(msg + len, n - len, "%s'%s'", k ? ", " : "", best[k]);
	}
}

/* The error for conditions that no project meets: the first condition
 * that alone meets none, with the nearest values of its attribute (or
 * the nearest attributes when none has it); else the counts of each. */
static int no_match(const struct load *ld, const pc_like *like, size_t nlike,
                    pc_error *err)
{
	char msg[PC_ERROR_MSG_MAX] = "";

	for (size_t i = 0; i < nlike; i++) {
		const pc_like *c = &like[i];
		size_t has = 0, meet = 0;

		for (size_t p = 0; p < ld->nprojects; p++) {
			has += attr_of(&ld->projects[p], c->key) != NULL;
			meet += meets(&ld->projects[p], c);
		}
		if (meet)
			continue;
		if (!has) {
			nearest(ld, NULL, c->key, msg, sizeof msg);
			return pc_error_set(err, PC_EDATA, NULL, 0, "--like %s%s%s: no "
			                    "project has the attribute '%s'%s%s%s", c->key,
			                    pc_like_op_name(c->op), c->value, c->key,
			                    *msg ? " (nearest: " : "", msg, *msg ? ")" : "");
		}
		nearest(ld, c->key, c->value, msg, sizeof msg);
		return pc_error_set(err, PC_EDATA, NULL, 0, "--like %s%s%s matches no "
		                    "project (nearest values of %s: %s)", c->key,
		                    pc_like_op_name(c->op), c->value, c->key, msg);
	}
	for (size_t i = 0; i < nlike; i++) {
		size_t len = strlen(msg), meet = 0;

		for (size_t p = 0; p < ld->nprojects; p++)
			meet += meets(&ld->projects[p], &like[i]);
		snprintf(msg + len, sizeof msg - len, "%s%s%s%s matches %zu",
		         i ? ", " : "", like[i].key, pc_like_op_name(like[i].op),
		         like[i].value, meet);
	}
	return pc_error_set(err, PC_EDATA, NULL, 0, "no project meets every --like "
	                    "condition at once (%s)", msg);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_day(const void *a, const void *b)
{
	pc_day x = *(const pc_day *)a, y = *(const pc_day *)b;

	return (x > y) - (x < y);
}

struct phase_order {
	char *name;
	size_t index; /* in the sorted names */
	double median;
	double mean; /* breaks ties of the median, which are common */
};

static int cmp_order(const void *a, const void *b)
{
	const struct phase_order *x = a, *y = b;

	if (x->median != y->median)
		return x->median < y->median ? -1 : 1;
	if (x->mean != y->mean)
		return x->mean < y->mean ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int cmp_obs(const void *a, const void *b)
{
	const pc_obs *x = a, *y = b;

	if (x->project != y->project)
		return x->project < y->project ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->phase > y->phase) - (x->phase < y->phase);
}

static int cmp_name_idx(const void *key, const void *elt)
{
	return strcmp((const char *)key, *(char *const *)elt);
}

/* Build h from the loaded rows of the kept projects (keep[i] = new index
 * + 1, or 0).  Every step is a sort or a pass over the rows: a store in
 * which each row has a phase of its own (a --map pointed at an ID column)
 * holds as many phases as rows, and a loop over phases x rows would take
 * hours there. */
static int build(struct load *ld, const size_t *keep, pc_history *h)
{
	struct phase_order *order = NULL;
	size_t nnames = 0, nkeep = 0, nkept_rows = 0;
	char **names = NULL;
	size_t *rowname = NULL, *first = NULL, *fill = NULL, *rank = NULL;
	pc_day *offs = NULL;
	int rc = PC_ENOMEM;

	/* Projects, moved over so that the history owns their strings. */
	for (size_t i = 0; i < ld->nprojects; i++)
		nkeep += keep[i] != 0;
	h->projects = calloc(nkeep ? nkeep : 1, sizeof *h->projects);
	if (!h->projects)
		goto out;
	for (size_t i = 0; i < ld->nprojects; i++) {
		if (!keep[i])
			continue;
		h->projects[keep[i] - 1] = ld->projects[i];
		memset(&ld->projects[i], 0, sizeof ld->projects[i]);
		h->projects[keep[i] - 1].start = PC_DAY_MAX;
		h->projects[keep[i] - 1].end = PC_DAY_MIN;
	}
	h->nprojects = nkeep;

	/* Distinct phase names of the kept projects. */
	names = malloc((ld->nrows ? ld->nrows : 1) * sizeof *names);
	if (!names)
		goto out;
	for (size_t r = 0; r < ld->nrows; r++)
		if (keep[ld->rows[r].project])
			names[nnames++] = ld->rows[r].phase;
	nkept_rows = nnames;
	if (nnames > 1)
		qsort(names, nnames, sizeof *names, cmp_str);
	{
		size_t u = 0;

		for (size_t i = 0; i < nnames; i++)
			if (u == 0 || strcmp(names[u - 1], names[i]) != 0)
				names[u++] = names[i];
		nnames = u;
	}

	/* Project spans. */
	h->obs = calloc(ld->nrows ? ld->nrows : 1, sizeof *h->obs);
	order = calloc(nnames ? nnames : 1, sizeof *order);
	offs = calloc(nkept_rows ? nkept_rows : 1, sizeof *offs);
	rowname = malloc((ld->nrows ? ld->nrows : 1) * sizeof *rowname);
	first = calloc(nnames + 1, sizeof *first);
	fill = calloc(nnames ? nnames : 1, sizeof *fill);
	rank = malloc((nnames ? nnames : 1) * sizeof *rank);
	h->phase_byname = malloc((nnames ? nnames : 1) * sizeof *h->phase_byname);
	if (!h->obs || !order || !offs || !rowname || !first || !fill || !rank ||
	    !h->phase_byname)
		goto out;
	for (size_t r = 0; r < ld->nrows; r++) {
		const struct row *w = &ld->rows[r];
		pc_project *p;

		if (!keep[w->project])
			continue;
		p = &h->projects[keep[w->project] - 1];
		if (w->start < p->start)
			p->start = w->start;
		if (w->end > p->end)
			p->end = w->end;
		p->ongoing |= w->ongoing;
	}

	/* Each kept row's name, found by binary search (n log n), and the
	 * start offsets grouped by name (a counting sort: first[k] is where
	 * name k's offsets begin). */
	for (size_t r = 0; r < ld->nrows; r++) {
		char **hit;

		if (!keep[ld->rows[r].project])
			continue;
		hit = bsearch(ld->rows[r].phase, names, nnames, sizeof *names,
		              cmp_name_idx);
		rowname[r] = (size_t)(hit - names);
		first[rowname[r] + 1]++;
	}
	for (size_t k = 0; k < nnames; k++)
		first[k + 1] += first[k];
	for (size_t r = 0; r < ld->nrows; r++) {
		const struct row *w = &ld->rows[r];
		size_t k;

		if (!keep[w->project])
			continue;
		k = rowname[r];
		offs[first[k] + fill[k]++] =
			w->start - h->projects[keep[w->project] - 1].start;
	}
	for (size_t k = 0; k < nnames; k++) {
		pc_day *o = offs + first[k];
		size_t n = first[k + 1] - first[k];

		if (n > 1)
			qsort(o, n, sizeof *o, cmp_day);
		order[k].name = names[k];
		order[k].index = k;
		order[k].mean = 0;
		for (size_t i = 0; i < n; i++)
			order[k].mean += (double)o[i] / (double)n;
		order[k].median = n % 2 ? o[n / 2]
		                        : 0.5 * ((double)o[n / 2 - 1] + o[n / 2]);
	}
	if (nnames > 1)
		qsort(order, nnames, sizeof *order, cmp_order);
	h->phases = calloc(nnames ? nnames : 1, sizeof *h->phases);
	if (!h->phases)
		goto out;
	for (size_t k = 0; k < nnames; k++) {
		if (!(h->phases[k] = strdup(order[k].name)))
			goto out;
		h->nphases = k + 1;
		rank[order[k].index] = k;
	}
	/* names is in byte order, so this lists the phases by name. */
	for (size_t k = 0; k < nnames; k++)
		h->phase_byname[k] = rank[k];

	for (size_t r = 0; r < ld->nrows; r++) {
		const struct row *w = &ld->rows[r];
		pc_obs *o;

		if (!keep[w->project])
			continue;
		o = &h->obs[h->nobs++];
		o->project = keep[w->project] - 1;
		o->phase = rank[rowname[r]];
		o->start = w->start;
		o->end = w->end;
		o->ongoing = w->ongoing;
	}
	if (h->nobs > 1)
		qsort(h->obs, h->nobs, sizeof *h->obs, cmp_obs);
	rc = PC_OK;
out:
	free(names);
	free(order);
	free(offs);
	free(rowname);
	free(first);
	free(fill);
	free(rank);
	return rc == PC_OK ? PC_OK : nomem(ld->err);
}

int pc_history_load(struct pc_store *st, const pc_like *like, size_t nlike,
                    size_t min_class, pc_history **out, pc_error *err)
{
	struct load ld = {.st = st, .err = err};
	pc_history *h = NULL;
	size_t *keep = NULL, nmatch = 0, next = 0;
	int rc, use_all;

	*out = NULL;
	if ((rc = read_projects(&ld)) || (rc = read_attrs(&ld)) ||
	    (rc = read_phases(&ld)))
		goto out;
	if (ld.nprojects == 0) {
		rc = pc_error_set(err, PC_EDATA, NULL, 0, "the store holds no history");
		goto out;
	}
	h = calloc(1, sizeof *h);
	keep = calloc(ld.nprojects, sizeof *keep);
	if (!h || !keep) {
		rc = nomem(err);
		goto out;
	}
	for (size_t i = 0; i < ld.nprojects; i++)
		nmatch += matches(&ld.projects[i], like, nlike);
	if (nlike && !nmatch) {
		rc = no_match(&ld, like, nlike, err);
		goto out;
	}
	h->class_size = nmatch;
	use_all = nlike == 0 || nmatch < min_class;
	h->class_fallback = nlike > 0 && nmatch < min_class;
	for (size_t i = 0; i < ld.nprojects; i++)
		if (use_all || matches(&ld.projects[i], like, nlike))
			keep[i] = ++next;
	if (next == 0) {
		rc = pc_error_set(err, PC_EDATA, NULL, 0,
		                  "no project matches the reference class");
		goto out;
	}
	if ((rc = build(&ld, keep, h)))
		goto out;
	*out = h;
	h = NULL;
out:
	pc_history_free(&h);
	for (size_t i = 0; i < ld.nprojects; i++)
		free_project(&ld.projects[i]);
	free(ld.projects);
	free(ld.ids);
	for (size_t r = 0; r < ld.nrows; r++)
		free(ld.rows[r].phase);
	free(ld.rows);
	free(keep);
	return rc;
}

void pc_history_free(pc_history **hp)
{
	pc_history *h;

	if (!hp || !*hp)
		return;
	h = *hp;
	for (size_t i = 0; i < h->nprojects; i++)
		free_project(&h->projects[i]);
	free(h->projects);
	for (size_t k = 0; k < h->nphases; k++)
		free(h->phases[k]);
	free(h->phases);
	free(h->phase_byname);
	free(h->obs);
	free(h);
	*hp = NULL;
}

long pc_history_phase_index(const pc_history *h, const char *name)
{
	size_t lo = 0, hi = h->nphases;

	/* A history built by hand (tests, backtest's sub-histories) may lack
	 * the index; it is small, so look through it. */
	if (!h->phase_byname) {
		for (size_t k = 0; k < h->nphases; k++)
			if (strcmp(h->phases[k], name) == 0)
				return (long)k;
		return -1;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name, h->phases[h->phase_byname[mid]]);

		if (c == 0)
			return (long)h->phase_byname[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

struct byname {
	const char *name;
	size_t index;
};

static int cmp_byname(const void *a, const void *b)
{
	return strcmp(((const struct byname *)a)->name,
	              ((const struct byname *)b)->name);
}

int pc_history_index_phases(pc_history *h)
{
	size_t n = h->nphases ? h->nphases : 1;
	struct byname *tmp = malloc(n * sizeof *tmp);
	size_t *ix = malloc(n * sizeof *ix);

	if (!tmp || !ix) {
		free(tmp);
		free(ix);
		return PC_ENOMEM;
	}
	for (size_t k = 0; k < h->nphases; k++)
		tmp[k] = (struct byname){h->phases[k], k};
	if (h->nphases > 1)
		qsort(tmp, h->nphases, sizeof *tmp, cmp_byname);
	for (size_t k = 0; k < h->nphases; k++)
		ix[k] = tmp[k].index;
	free(tmp);
	free(h->phase_byname);
	h->phase_byname = ix;
	return PC_OK;
}

/* One CSV field and the terminator after it, if any. */
static void csv_field(FILE *out, const char *s, int term, unsigned flags)
{
	pci_csv_field_flags(out, s, flags);
	if (term)
		putc(term, out);
}

/* The separator after field k of n. */
#define SEP(k, n) ((k) + 1 == (n) ? '\n' : ',')

static int write_keys(pc_store *st, FILE *out, char ***keys, size_t *nkeys,
                      unsigned flags, pc_error *err)
{
	sqlite3_stmt *s;
	size_t cap = 0;
	int rc;

	s = pci_store_prepare(st, "SELECT DISTINCT j.key FROM attr_sets a,"
	                      " json_each(a.attrs) j WHERE a.id IN"
	                      " (SELECT attrs_id FROM phases) ORDER BY 1", err);
	if (!s)
		return PC_ESTORE;
	fputs("customer,project,phase,start,end,status", out);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*nkeys == cap) {
			char **nk = realloc(*keys, (cap = cap ? 2 * cap : 16) * sizeof *nk);

			if (!nk) {
				sqlite3_finalize(s);
				return nomem(err);
			}
			*keys = nk;
		}
		if (!((*keys)[*nkeys] = dupcol(s, 0))) {
			sqlite3_finalize(s);
			return nomem(err);
		}
		putc(',', out);
		csv_field(out, (*keys)[(*nkeys)++], 0, flags);
	}
	putc('\n', out);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return pci_store_fail(st, err, "cannot read the attributes");
	return PC_OK;
}

int pc_history_write_csv(struct pc_store *st, FILE *out, pc_error *err)
{
	return pc_history_write_csv_flags(st, out, 0, err);
}

int pc_history_write_csv_flags(struct pc_store *st, FILE *out, unsigned flags,
                               pc_error *err)
{
	char **keys = NULL;
	size_t nkeys = 0, k = 0;
	sqlite3_stmt *s = NULL;
	int rc, open_row = 0;
	sqlite3_int64 last_id = 0;
	char *last_phase = NULL;

	rc = write_keys(st, out, &keys, &nkeys, flags, err);
	if (rc)
		goto out;
	s = pci_store_prepare(st,
		"SELECT f.project_id, c.name, p.name, f.name, f.start, f.end, f.status,"
		" j.key, j.value FROM phases f"
		" JOIN projects p ON p.id = f.project_id"
		" JOIN customers c ON c.id = p.customer_id"
		" LEFT JOIN attr_sets a ON a.id = f.attrs_id"
		" LEFT JOIN json_each(a.attrs) j"
		" ORDER BY c.name, p.name, f.start, f.name, j.key", err);
	if (!s) {
		rc = PC_ESTORE;
		goto out;
	}
	/* One result row per (phase, attribute): a phase's rows are
	 * consecutive and its keys come sorted, as `keys` is. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(s, 0);
		const char *phase = (const char *)sqlite3_column_text(s, 3);
		const char *key = (const char *)sqlite3_column_text(s, 7);

		if (!open_row || id != last_id || strcmp(phase, last_phase) != 0) {
			for (; open_row && k < nkeys; k++)
				csv_field(out, "", SEP(k, nkeys), 0);
			free(last_phase);
			if (!(last_phase = strdup(phase))) {
				rc = nomem(err);
				goto out;
			}
			last_id = id;
			open_row = 1;
			k = 0;
			for (int c = 1; c <= 6; c++) {
				const unsigned char *t = sqlite3_column_text(s, c);

				csv_field(out, t ? (const char *)t : "",
				          c < 6 || nkeys ? ',' : '\n', flags);
			}
		}
		if (!key)
			continue;
		for (; k < nkeys && strcmp(keys[k], key) != 0; k++)
			csv_field(out, "", SEP(k, nkeys), 0);
		if (k < nkeys) {
			const unsigned char *v = sqlite3_column_text(s, 8);

			csv_field(out, v ? (const char *)v : "", SEP(k, nkeys), flags);
			k++;
		}
	}
	if (rc != SQLITE_DONE) {
		rc = pci_store_fail(st, err, "cannot read the phases");
		goto out;
	}
	for (; open_row && k < nkeys; k++)
		csv_field(out, "", SEP(k, nkeys), 0);
	rc = PC_OK;
	errno = 0;
	if (fflush(out) != 0 || ferror(out))
		rc = pc_error_set(err, PC_EIO, NULL, 0, "write error: %s",
		                  strerror(errno ? errno : EIO));
out:
	sqlite3_finalize(s);
	for (size_t i = 0; i < nkeys; i++)
		free(keys[i]);
	free(keys);
	free(last_phase);
	return rc;
}

/* ------------------------------------------------------------ attributes */

static int cmp_attr_ptr(const void *a, const void *b)
{
	const pc_attr *x = *(const pc_attr *const *)a, *y = *(const pc_attr *const *)b;
	int c = strcmp(x->key, y->key);

	if (!c)
		c = strcasecmp(x->value, y->value);
	return c ? c : strcmp(x->value, y->value);
}

int pc_history_attributes(struct pc_store *st, pc_attr_count **out, size_t *n,
                          pc_error *err)
{
	pc_history *h = NULL;
	const pc_attr **all = NULL;
	pc_attr_count *v = NULL;
	size_t na = 0, nv = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = pc_history_load(st, NULL, 0, 0, &h, err)))
		return rc;
	for (size_t i = 0; i < h->nprojects; i++)
		na += h->projects[i].nattrs;
	if (na && !(all = malloc(na * sizeof *all)))
		goto nomem;
	na = 0;
	for (size_t i = 0; i < h->nprojects; i++)
		for (size_t j = 0; j < h->projects[i].nattrs; j++)
			all[na++] = &h->projects[i].attrs[j];
	if (na > 1)
		qsort(all, na, sizeof *all, cmp_attr_ptr);
	/* One entry per run of equal pairs: a project has a key once.  Values
	 * differing only in case are one, as --like matches them, under the
	 * spelling that sorts first. */
	if (na && !(v = calloc(na, sizeof *v)))
		goto nomem;
	for (size_t i = 0; i < na; i++) {
		if (nv && strcmp(v[nv - 1].key, all[i]->key) == 0 &&
		    strcasecmp(v[nv - 1].value, all[i]->value) == 0) {
			v[nv - 1].projects++;
			continue;
		}
		if (!(v[nv].key = strdup(all[i]->key)) ||
		    !(v[nv].value = strdup(all[i]->value))) {
			nv++;
			goto nomem;
		}
		v[nv++].projects = 1;
	}
	free(all);
	pc_history_free(&h);
	*out = v;
	*n = nv;
	return PC_OK;
nomem:
	pc_attr_counts_free(&v, nv);
	free(all);
	pc_history_free(&h);
	return nomem(err);
}

void pc_attr_counts_free(pc_attr_count **vp, size_t n)
{
	pc_attr_count *v = *vp;

	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
	*vp = NULL;
}
