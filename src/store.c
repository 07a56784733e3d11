/* store.c - placeholder until the store lands */
#include <config.h>
#include <precedent/store.h>
int pc_store_open(const char *path, int flags, pc_store **out, pc_error *err)
{
	(void)flags; *out = NULL;
	return pc_error_set(err, PC_ESTORE, path, 0, "not implemented yet");
}
void pc_store_close(pc_store **st) { if (st) *st = NULL; }
