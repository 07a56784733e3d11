/*
 * precedent.h - the public API of libprecedent.
 *
 * libprecedent turns past release plans into a proposed plan with honest
 * ranges.  Data flows one way: CSV -> store -> fitted model -> simulation
 * -> report, and every step is callable from here without the CLI.
 *
 * Conventions, stated once for the whole library:
 *
 *  - Every public name starts with pc_ (types, functions) or PC_ (macros,
 *    enum constants).
 *
 *  - Errors are values.  A function that can fail returns pc_status and
 *    takes a `pc_error *err` last; on failure it fills *err (when err is not
 *    NULL) with the status, the file and line of the offending input where
 *    there is one, and a lowercase message without a full stop.  The library
 *    never prints and never calls exit(); formatting messages for a person
 *    is the CLI's job.
 *
 *  - Ownership has four verbs with fixed meanings:
 *      pc_X_open / pc_X_new  allocate an object; the caller owns it.
 *      pc_X_close / pc_X_free(pc_X **p)
 *                            release it and set *p to NULL; NULL and
 *                            *p == NULL are accepted and do nothing.
 *      pc_X_init(pc_X *x)    prepare a caller-allocated struct.
 *      pc_X_release(pc_X *x) free what a caller-allocated struct holds and
 *                            leave it as after pc_X_init (reusable).
 *    A `const char *` returned by an object stays owned by that object and
 *    lives as long as it does.
 *
 *  - GSL: the library checks every status GSL returns, so a program that
 *    uses it should call gsl_set_error_handler_off() once at start-up;
 *    GSL's default handler would otherwise abort() the process on an
 *    error the library could have reported as a value.
 *
 *  - Dates are pc_day values: whole days since 1970-01-01 (proleptic
 *    Gregorian).  Durations are in days and inclusive: a phase from
 *    2027-01-04 to 2027-01-08 lasts 5 days.
 */
#ifndef PRECEDENT_H
#define PRECEDENT_H

#include <precedent/error.h>
#include <precedent/progress.h>
#include <precedent/date.h>
#include <precedent/store.h>
#include <precedent/ingest.h>
#include <precedent/history.h>
#include <precedent/dist.h>
#include <precedent/fit.h>
#include <precedent/model.h>
#include <precedent/calendar.h>
#include <precedent/plan.h>
#include <precedent/whatif.h>
#include <precedent/backtest.h>
#include <precedent/calibrate.h>
#include <precedent/report.h>
#include <precedent/trend.h>
#include <precedent/recency.h>
#include <precedent/uplift.h>
#include <precedent/outfile.h>
#include <precedent/text.h>

#endif
