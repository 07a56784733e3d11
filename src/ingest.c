/* ingest.c - placeholder until the store lands */
#include <config.h>
