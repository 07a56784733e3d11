/*
 * outfile.c - write a file whole or not at all: temporary file beside
 * the target, fsync, rename (see outfile.h).
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <precedent/outfile.h>

struct pc_outfile {
	char *path;  /* the target */
	char *tmp;   /* the temporary file, NULL when writing in place */
	FILE *fp;
};

static int nomem(pc_error *err)
{
	return pc_error_set(err, PC_ENOMEM, NULL, 0, "out of memory");
}

static void release(pc_outfile **o)
{
	free((*o)->path);
	free((*o)->tmp);
	free(*o);
	*o = NULL;
}

/* The umask, read without changing it for long: only one thread of a
 * program that writes a file at a time needs it. */
static mode_t current_umask(void)
{
	mode_t m = umask(022);

	umask(m);
	return m;
}

int pc_outfile_open(const char *path, pc_outfile **out, FILE **fp,
                    pc_error *err)
{
	const char *slash = strrchr(path, '/');
	mode_t mode = 0666 & ~current_umask();
	struct stat sb;
	pc_outfile *o;
	int fd;

	*out = NULL;
	*fp = NULL;
	if (!(o = calloc(1, sizeof *o)) || !(o->path = strdup(path))) {
		free(o);
		return nomem(err);
	}
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
		/* A device or a pipe: rename would replace it, not write to it. */
		if (!(o->fp = fopen(path, "w"))) {
			int e = errno;

			release(&o);
			return pc_error_set(err, PC_EIO, NULL, 0, "cannot open '%s': %s",
			                    path, strerror(e));
		}
		*out = o;
		*fp = o->fp;
		return PC_OK;
	}
	if (stat(path, &sb) == 0)
		mode = sb.st_mode & 07777;
	/* ".NAME.XXXXXX" in the target's directory, so that rename(2) is
	 * atomic (one file system) and the leftover of a kill is hidden. */
	{
		size_t dlen = slash ? (size_t)(slash - path) + 1 : 0;
		size_t n = strlen(path) + 16;

		if (!(o->tmp = malloc(n))) {
			release(&o);
			return nomem(err);
		}
		snprintf(o->tmp, n, "%.*s.%s.XXXXXX", (int)dlen, path, path + dlen);
	}
	fd = mkstemp(o->tmp);
	if (fd < 0 || fchmod(fd, mode) != 0 || !(o->fp = fdopen(fd, "w"))) {
		int e = errno;

		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		release(&o);
		return pc_error_set(err, PC_EIO, NULL, 0, "cannot create '%s': %s",
		                    path, strerror(e));
	}
	*out = o;
	*fp = o->fp;
	return PC_OK;
}

/* fsync the directory holding path, so that a rename into it is on disk.
 * Some file systems cannot sync a directory (EINVAL): not an error. */
static int sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path))
	                  : strdup(".");
	int fd, rc = 0;

	if (!dir)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	free(dir);
	if (fd < 0)
		return 0;
	if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
		rc = -1;
	close(fd);
	return rc;
}

int pc_outfile_commit(pc_outfile **op, pc_error *err)
{
	pc_outfile *o = *op;
	int bad, e = 0;

	if (!o)
		return pc_error_set(err, PC_EUSAGE, NULL, 0, "no file to commit");
	bad = fflush(o->fp) != 0 || ferror(o->fp);
	if (bad)
		e = errno;
	if (!bad && o->tmp && fsync(fileno(o->fp)) != 0 && errno != EINVAL) {
		bad = 1;
		e = errno;
	}
	if (fclose(o->fp) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	o->fp = NULL;
	if (!bad && o->tmp && rename(o->tmp, o->path) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		if (o->tmp)
			unlink(o->tmp);
		pc_error_set(err, PC_EIO, NULL, 0, "cannot write '%s': %s", o->path,
		             strerror(e ? e : EIO));
		release(op);
		return PC_EIO;
	}
	if (o->tmp && sync_dir(o->path) != 0) {
		e = errno;
		pc_error_set(err, PC_EIO, NULL, 0, "cannot write '%s': %s", o->path,
		             strerror(e));
		release(op);
		return PC_EIO;
	}
	release(op);
	return PC_OK;
}

void pc_outfile_abort(pc_outfile **op)
{
	if (!op || !*op)
		return;
	if ((*op)->fp)
		fclose((*op)->fp);
	if ((*op)->tmp)
		unlink((*op)->tmp);
	release(op);
}
