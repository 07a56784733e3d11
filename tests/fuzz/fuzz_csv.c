/*
 * fuzz_csv.c - differential libFuzzer harness for the importer's CSV
 * splitter (pci_csv_split, src/ingest_internal.h).
 *
 * The importer splits plain lines itself and leaves the rest to libcsv.
 * The input (after its first byte) is split three ways: through libcsv
 * alone in one piece, with the fast path in one piece, and with the fast
 * path fed 1 to 256 bytes at a time (the first byte picks how many), the
 * way a line can straddle two blocks of a file.  All three must give the
 * same records, fields, line numbers and error; a record the splitter
 * calls plain must hold only ASCII without NUL bytes.  The first byte's
 * low six bits give the piece size (1 to 64 bytes), its top two the
 * delimiter: ',', ';', tab or auto (sniffed from the first line).
 */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <precedent/ingest.h>

#include "ingest_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What a split produced, flattened: per record its line, field count
 * and each field's length and bytes. */
struct log {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct log *l, const void *p, size_t n)
{
	if (l->len + n > l->cap) {
		size_t cap = l->cap ? l->cap : 4096;

		while (cap < l->len + n)
			cap *= 2;
		if (!(l->p = realloc(l->p, cap)))
			abort();
		l->cap = cap;
	}
	memcpy(l->p + l->len, p, n);
	l->len += n;
}

static void on_rec(void *ctx, const pci_csv_record *r)
{
	struct log *l = ctx;

	if (r->line < 1 || r->nf < 1)
		abort();
	put(l, &r->line, sizeof r->line);
	put(l, &r->nf, sizeof r->nf);
	for (size_t i = 0; i < r->nf; i++) {
		size_t end = i + 1 < r->nf ? r->off[i + 1] - 1 : r->len - 1;
		size_t n = end - r->off[i];

		if (end >= r->len || r->buf[end] != '\0')
			abort(); /* every field is NUL-terminated in place */
		for (size_t k = 0; r->plain && k < n; k++) {
			unsigned char c = (unsigned char)r->buf[r->off[i] + k];

			if (c == 0 || c >= 0x80)
				abort();
		}
		put(l, &n, sizeof n);
		put(l, r->buf + r->off[i], n);
	}
}

struct run {
	struct log log;
	int rc;
	pc_error err;
};

static void split(struct run *r, const void *csv, size_t n, size_t piece,
                  int libcsv_only, int delim)
{
	memset(r, 0, sizeof *r);
	r->rc = pci_csv_split_delim(csv, n, piece, libcsv_only, delim, "fuzz.csv",
	                            on_rec, &r->log, &r->err);
	if (r->rc != PC_OK && (r->err.msg[0] == '\0' || r->rc != (int)r->err.status))
		abort(); /* a failure says why */
}

static int same(const struct run *a, const struct run *b)
{
	return a->rc == b->rc && a->log.len == b->log.len &&
	       (a->log.len == 0 || memcmp(a->log.p, b->log.p, a->log.len) == 0) &&
	       a->err.line == b->err.line && strcmp(a->err.msg, b->err.msg) == 0 &&
	       strcmp(a->err.file, b->err.file) == 0;
}

static const int delimiters[4] = {',', ';', '\t', PC_IMPORT_DELIM_AUTO};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run ref, fast, pieces;
	int delim;
	size_t n;
	void *csv;

	if (size < 1)
		return 0;
	n = size - 1;
	/* An exact-size copy, so ASan sees any read past the end. */
	if (!(csv = malloc(n ? n : 1)))
		return 0;
	memcpy(csv, data + 1, n);
	delim = delimiters[data[0] >> 6];
	split(&ref, csv, n, 0, 1, delim);
	split(&fast, csv, n, 0, 0, delim);
	split(&pieces, csv, n, (size_t)(data[0] & 63) + 1, 0, delim);
	if (!same(&ref, &fast) || !same(&ref, &pieces))
		abort();
	free(ref.log.p);
	free(fast.log.p);
	free(pieces.log.p);
	free(csv);
	return 0;
}
