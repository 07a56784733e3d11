/*
 * error.h - status codes and the error detail every fallible call fills.
 */
#ifndef PRECEDENT_ERROR_H
#define PRECEDENT_ERROR_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What went wrong.  PC_EDATA is the input's fault (exit 1 in the CLI),
 * PC_EUSAGE the caller's (exit 2); the rest are the environment's. */
typedef enum pc_status {
	PC_OK = 0,
	PC_EUSAGE,   /* an argument or option value is not acceptable */
	PC_EDATA,    /* the input data are malformed or unusable */
	PC_ENOMEM,   /* out of memory */
	PC_EIO,      /* reading or writing a file failed */
	PC_ESTORE,   /* the SQLite store failed or is corrupt */
	PC_ESCHEMA,  /* the store was written by a newer precedent */
	PC_ENOTFOUND,/* a named thing (phase, family, model) does not exist */
	PC_ENUMERIC, /* a numerical method failed (no convergence, overflow) */
	PC_ELIMIT    /* a resource limit was hit (field or row too large) */
} pc_status;

#define PC_ERROR_MSG_MAX 512
#define PC_ERROR_FILE_MAX 256

/* The detail of a failure.  `file` is empty and `line` 0 where the failure
 * is not tied to a place in an input file. */
typedef struct pc_error {
	pc_status status;
	long line;
	char file[PC_ERROR_FILE_MAX];
	char msg[PC_ERROR_MSG_MAX];
} pc_error;

/* A short lowercase description of a status, e.g. "bad input data". */
const char *pc_strerror(pc_status status);

/* Fill *err (if not NULL) and return `status`, so callers can write
 * `return pc_error_set(err, PC_EDATA, file, line, "bad date '%s'", s);`.
 * `file` may be NULL and `line` 0. */
pc_status pc_error_set(pc_error *err, pc_status status, const char *file,
                       long line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* Reset *err to "no error". */
void pc_error_clear(pc_error *err);

/* Format *err as "FILE:LINE: MESSAGE" (or "FILE: MESSAGE", or "MESSAGE")
 * into buf of size n; returns buf. */
char *pc_error_format(const pc_error *err, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
