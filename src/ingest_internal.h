/*
 * ingest_internal.h - the importer's record splitter, on its own.
 *
 * The importer reads CSV in two ways: plain lines (no quote, no stray
 * carriage return) are split by its own code, everything else goes
 * through libcsv (see the top of ingest.c).  Both must give the same
 * records, the same line numbers and the same limit errors; this entry
 * point runs only the reader's splitting, with or without the fast
 * path, so that tests and the `fuzz_csv` harness can compare them.
 */
#ifndef PRECEDENT_INGEST_INTERNAL_H
#define PRECEDENT_INGEST_INTERNAL_H

#include <stddef.h>

#include <precedent/error.h>

/* One record as the importer sees it: nf fields, field i being the
 * bytes from buf + off[i] up to the next NUL that the splitter put
 * after it (a field may hold NUL bytes of its own: its length is
 * off[i + 1] - 1 - off[i], or len - 1 - off[i] for the last). */
typedef struct {
	long line;         /* physical line the record starts on, from 1 */
	size_t nf;
	const char *buf;
	const size_t *off;
	size_t len;        /* bytes of buf in use */
	int plain;         /* 1: the splitter found it plain ASCII, no NUL */
} pci_csv_record;

typedef void (*pci_csv_record_fn)(void *ctx, const pci_csv_record *rec);

/* Split the len bytes at buf into records exactly as pc_import_buffer's
 * reader does, handing each to fn in order, and feeding the input in
 * pieces of `piece` bytes (0: the importer's block size).  With
 * libcsv_only, every line goes through libcsv.  Returns PC_OK, or the
 * error the importer would report (named after `name`) with *err
 * filled: malformed quotes, a broken limit, an empty file, no memory. */
int pci_csv_split(const void *buf, size_t len, size_t piece, int libcsv_only,
                  const char *name, pci_csv_record_fn fn, void *ctx,
                  pc_error *err);

/* As pci_csv_split, with fields separated by `delimiter` (a byte, or
 * PC_IMPORT_DELIM_AUTO to sniff it from the first line as the importer
 * does). */
int pci_csv_split_delim(const void *buf, size_t len, size_t piece,
                        int libcsv_only, int delimiter, const char *name,
                        pci_csv_record_fn fn, void *ctx, pc_error *err);

#endif
