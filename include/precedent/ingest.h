/*
 * ingest.h - importing release histories from CSV into the store.
 */
#ifndef PRECEDENT_INGEST_H
#define PRECEDENT_INGEST_H

#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/store.h>

#endif
