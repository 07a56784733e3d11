/* error.c - status strings and the error detail. */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <precedent/error.h>

const char *pc_strerror(pc_status status)
{
	switch (status) {
	case PC_OK: return "success";
	case PC_EUSAGE: return "bad usage";
	case PC_EDATA: return "bad input data";
	case PC_ENOMEM: return "out of memory";
	case PC_EIO: return "input/output error";
	case PC_ESTORE: return "store error";
	case PC_ESCHEMA: return "store written by a newer version";
	case PC_ENOTFOUND: return "not found";
	case PC_ENUMERIC: return "numerical failure";
	case PC_ELIMIT: return "resource limit exceeded";
	}
	return "unknown error";
}

pc_status pc_error_set(pc_error *err, pc_status status, const char *file,
                       long line, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return status;
	err->status = status;
	err->line = line;
	snprintf(err->file, sizeof err->file, "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	return status;
}

void pc_error_clear(pc_error *err)
{
	if (!err)
		return;
	err->status = PC_OK;
	err->line = 0;
	err->file[0] = '\0';
	err->msg[0] = '\0';
}

char *pc_error_format(const pc_error *err, char *buf, size_t n)
{
	const char *msg = err->msg[0] ? err->msg : pc_strerror(err->status);

	if (err->file[0] && err->line > 0)
		snprintf(buf, n, "%s:%ld: %s", err->file, err->line, msg);
	else if (err->file[0])
		snprintf(buf, n, "%s: %s", err->file, msg);
	else
		snprintf(buf, n, "%s", msg);
	return buf;
}
