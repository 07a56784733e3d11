/*
 * outfile.h - output files that are either whole or absent.
 *
 * Every file the tool writes (model export, a report's -o FILE, any
 * future export) goes through this: the data goes to a temporary file in
 * the same directory, which is flushed to disk and then renamed over the
 * target.  A full disk, a file-size limit or a SIGKILL part way leaves the
 * old file as it was (and at worst a stray ".NAME.XXXXXX" temporary), never
 * a fragment under the real name.
 *
 *     FILE *f;
 *     pc_outfile *o;
 *     if (pc_outfile_open(path, &o, &f, err)) return err->status;
 *     ... fprintf(f, ...) ...
 *     if (pc_outfile_commit(&o, err)) return err->status;  (or abort)
 *
 * A target that exists and is not a regular file (/dev/stdout, a FIFO, a
 * terminal) cannot be replaced by rename; it is written in place.
 */
#ifndef PRECEDENT_OUTFILE_H
#define PRECEDENT_OUTFILE_H

#include <stdio.h>

#include <precedent/error.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pc_outfile pc_outfile;

/* Start writing `path`: create the temporary file beside it and put a
 * stream on it in *fp, owned by *out (do not fclose it).  The new file
 * gets mode 0666 less the umask, or the mode of the file it replaces.
 * Fails with PC_EIO naming path (e.g. "cannot create 'out.csv': Permission
 * denied"); *out and *fp are NULL then. */
int pc_outfile_open(const char *path, pc_outfile **out, FILE **fp,
                    pc_error *err);

/* Finish: flush, fsync, close and rename the temporary file to the
 * target, then fsync the directory so the rename survives a power cut.
 * On any failure the temporary file is removed, the target is untouched,
 * and the error (PC_EIO) names the target: "cannot write 'out.csv': No
 * space left on device".  Frees *o and sets it to NULL either way. */
int pc_outfile_commit(pc_outfile **o, pc_error *err);

/* Give up: close and remove the temporary file, leaving the target as it
 * was; frees *o and sets it to NULL (NULL is accepted). */
void pc_outfile_abort(pc_outfile **o);

#ifdef __cplusplus
}
#endif
#endif
