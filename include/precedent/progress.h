/*
 * progress.h - how a long job tells its caller how far it has got.
 *
 * The library never prints: a job that can take more than a second or
 * two (fitting, planning with intervals, a what-if, a backtest) calls the
 * caller's function at coarse points instead, and the caller shows what
 * it likes (the precedent tool draws one line on a terminal).
 */
#ifndef PRECEDENT_PROGRESS_H
#define PRECEDENT_PROGRESS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Called with the caller's ctx, the stage being worked on (a static
 * lowercase word: "loading", "learning", "fitting", "simulating",
 * "bootstrap", "forecast"), and done of total units of it (total 0 when the stage has
 * no count: the call only says the stage began).  It is called at coarse
 * points (a phase fitted, a bootstrap replicate, a backtest forecast),
 * never inside a simulation loop; it may be called from a worker thread,
 * but never from two threads at once, and done only grows within a
 * stage.  It must return quickly and must not call back into the library
 * on the same objects.  NULL, the default of every options struct: no
 * calls. */
typedef void (*pc_progress_fn)(void *ctx, const char *stage, uint64_t done,
                               uint64_t total);

#ifdef __cplusplus
}
#endif

#endif
