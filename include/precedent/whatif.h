/*
 * whatif.h - deadline questions asked of a learned plan: the odds of
 * finishing by a date, the start and deadline a confidence allows, the
 * checkpoints to watch, the phases that drive the finish, and scenarios
 * (a booked slot, a faster phase, a skipped one, progress so far, the
 * customer's own plan).
 *
 * Everything is read off one Monte Carlo run of the plan model
 * (pc_plan_learn) under the scenario; days are counted in the calendar's
 * working days as in plan.h, and dates are pc_day values.  The run is
 * cut into seeded blocks, so the same seed gives the same answer
 * whatever the number of threads.
 */
#ifndef PRECEDENT_WHATIF_H
#define PRECEDENT_WHATIF_H

#include <stddef.h>
#include <stdint.h>

#include <precedent/calendar.h>
#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/progress.h>
#include <precedent/history.h>
#include <precedent/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One change to the plan, naming its phase. */
typedef enum pc_whatif_kind {
	PC_WHATIF_SLOT = 0, /* the phase cannot start before `date`; a missed
	                       slot is re-booked for the first slot (every
	                       slot_every days from `date`) at least
	                       slot_notice days after the phase is ready */
	PC_WHATIF_SCALE,    /* multiply the phase's duration by `factor` */
	PC_WHATIF_SKIP,     /* remove the phase: its followers wait for the
	                       phase it waited for */
	PC_WHATIF_DONE,     /* the phase finished on `date` (with STARTED for
	                       the same phase: it ran from that day to this) */
	PC_WHATIF_STARTED,  /* the phase has been running since `date` */
	PC_WHATIF_WITH      /* the phase takes place, however rarely it did
	                       in the history (SKIP: it does not) */
} pc_whatif_kind;

typedef struct pc_whatif_change {
	pc_whatif_kind kind;
	const char *phase;
	pc_day date;      /* SLOT, DONE, STARTED */
	int best;         /* SLOT: search the date instead (see pc_whatif_slot) */
	double factor;    /* SCALE: > 0 */
} pc_whatif_change;

/* A milestone of the customer's own plan: `phase` ("release" for the
 * whole release) finished by `date`. */
typedef struct pc_whatif_milestone {
	char *phase;
	pc_day date;
	long line;        /* line in the file, for messages */
} pc_whatif_milestone;

typedef struct pc_whatif_plan {
	char *path;
	size_t n;
	pc_whatif_milestone *rows;
} pc_whatif_plan;

/* Read a customer plan CSV with the header "phase,finish" (columns in any
 * order, case-insensitive; "end" and "date" are accepted for "finish").
 * Bad rows fail with PC_EDATA and "PATH:LINE: ...". */
int pc_whatif_plan_read(const char *path, pc_whatif_plan **out, pc_error *err);

/* Free a customer plan and set *p to NULL. */
void pc_whatif_plan_free(pc_whatif_plan **p);

/* How to ask.  pc_whatif_options_init sets the defaults. */
typedef struct pc_whatif_options {
	pc_day start;                /* first day of the release */
	const pc_day *deadlines;     /* at least one; checkpoints, targets
	                                and slot searches use the first */
	size_t ndeadlines;
	double confidence;           /* target, 0 < P < 1 (default 0.8) */
	uint64_t iterations;         /* default 20000, at most 2000000 */
	uint64_t seed;               /* default 1 */
	unsigned threads;            /* 0: the number of online CPUs */
	int independent;             /* 1: ignore the correlation */
	const pc_calendar *calendar; /* NULL: every day counts */
	const pc_whatif_change *changes;
	size_t nchanges;
	int slot_every;              /* days between slots (default 7) */
	int slot_notice;             /* days' notice needed to re-book a missed
	                                slot (default 7; 0: the next slot) */
	int has_as_of;               /* progress is known as of as_of: phases
	                                not yet started start no earlier */
	pc_day as_of;
	size_t ci;                   /* bootstrap replicates for the 95% CI
	                                of the odds (default 200, 0: none;
	                                needs the history) */
	uint64_t ci_iterations;      /* iterations per replicate (default 4000) */
	int curve;                   /* 1: the odds for every day of a range */
	const pc_whatif_plan *against; /* the customer's plan, or NULL */
	pc_progress_fn progress;     /* "simulating" (no count), then with ci
	                                "bootstrap" per replicate; NULL: none */
	void *progress_ctx;
} pc_whatif_options;

void pc_whatif_options_init(pc_whatif_options *o);

typedef struct pc_whatif_deadline {
	pc_day deadline;
	double p;          /* P(release finished on or before the deadline) */
	double se;         /* its Monte Carlo standard error */
	double ci[2];      /* 95% bootstrap interval, if has_ci */
} pc_whatif_deadline;

typedef struct pc_whatif_phase {
	char *phase;
	pc_day checkpoint;   /* finish by this day to keep the confidence for
	                        the first deadline: the deadline minus the
	                        P-quantile of the work left after the phase,
	                        given that it finished then (a late finish
	                        says the team is slow when phases correlate) */
	int no_checkpoint;   /* 1: no checkpoint, as not even the earliest
	                        finish simulated keeps the confidence
	                        (checkpoint is then the start) */
	double criticality;  /* share of iterations in which the phase is on
	                        the chain that sets the release finish, 0..1 */
	double correlation;  /* Spearman rho of its duration with the release
	                        finish, -1..1 (NaN when constant) */
	int skipped;         /* removed by a SKIP change */
	int fixed;           /* finished (DONE): not simulated, no checkpoint */
	int running;         /* STARTED and not done */
	long elapsed;        /* running: working days so far, as of as_of */
	double capped;       /* share of its draws of a century or more, counted
	                        as a century (see pc_plan_phase) */
	int extrapolated;    /* running longer than any past duration of the
	                        phase: its remaining time comes from the
	                        fitted tail alone */
	double occurs;       /* share of simulated releases with the phase
	                        (0 when skipped) */
	pc_day start[PC_PLAN_NPCT];  /* its start and finish at P10, P50, P80,
	                                P90 (pc_plan_pct) under the scenario, */
	pc_day finish[PC_PLAN_NPCT]; /* over the releases with the phase; with
	                                no change these are pc_plan_run's dates
	                                for the same seed and iterations (a
	                                skipped phase: the start, and its dates
	                                are not meaningful) */
} pc_whatif_phase;

/* One booking day tried by a slot search. */
typedef struct pc_whatif_slot_option {
	pc_day date;
	double p_missed;     /* the phase is not ready by then */
	double p_on_time;    /* the first deadline's odds with this booking */
} pc_whatif_slot_option;

typedef struct pc_whatif_slot {
	char *phase;
	pc_day date;         /* the booking: given, or for `best` the latest
	                        working day whose odds of the first deadline
	                        are within half a point of the highest (a
	                        later booking holds the slot for less) */
	double p_missed;     /* P(the phase's predecessors are not done by
	                        then, so it is re-booked) */
	double p_on_time;    /* the first deadline's odds with the booking */
	int searched;        /* 1: `best` */
	int feasible;        /* searched: 1 if some booking keeps the
	                        confidence */
	pc_day latest_ok;    /* feasible: the latest booking that keeps it */
	pc_day best_date;    /* searched: the same as date (kept for callers
	                        of the first version) */
	double best_p;       /* and its odds */
	double best_p_missed;
	size_t noptions;     /* searched: every working day tried, in order */
	pc_whatif_slot_option *options;
} pc_whatif_slot;

typedef struct pc_whatif_check {
	char *phase;         /* a phase or "release" */
	pc_day date;
	long line;
	double p_holds;      /* P(finished on or before date) */
	long uplift;         /* days to add to date to reach the confidence
	                        (negative: slack) */
	pc_day needed;       /* date + uplift */
} pc_whatif_check;

typedef struct pc_whatif {
	pc_day start;
	double confidence;
	int slot_every, slot_notice;  /* as asked (days) */
	uint64_t iterations;
	uint64_t seed;
	int independent;
	size_t ndeadlines;
	pc_whatif_deadline *deadlines;
	int has_ci;
	size_t ci_replicates;
	int has_latest_start; /* 0 with progress (--done, --started): the
	                         start is then history */
	pc_day latest_start;  /* latest start that keeps the confidence for
	                         the first deadline */
	pc_day earliest_deadline; /* P-quantile of the release finish */
	pc_day finish[PC_PLAN_NPCT]; /* the release finish at P10, P50, P80,
	                                P90 (pc_plan_pct), given any progress */
	int has_progress;     /* DONE or STARTED changes were given */
	pc_day as_of;         /* the day progress is known on */
	size_t nphases;
	pc_whatif_phase *phases;  /* in the model's node order */
	size_t *drivers;          /* phase indices, most critical first */
	size_t nslots;
	pc_whatif_slot *slots;
	size_t ncurve;            /* curve[i] = P(finished by curve_from + i) */
	pc_day curve_from;
	double *curve;
	size_t nchecks;
	pc_whatif_check *checks;
} pc_whatif;

/* Answer the questions of o about plan model pm.  h, the history pm was
 * learned from, is needed only for the confidence interval (o->ci > 0;
 * NULL: no interval).  Unknown phases, a confidence outside (0, 1), no
 * deadline, a deadline before the start, a DONE or STARTED date after
 * as_of, a phase both done and started are PC_EUSAGE with a message
 * naming the option ("--slot: unknown phase 'x'"); an unknown phase in
 * the customer's plan is PC_EDATA with its file and line. */
int pc_whatif_run(const pc_plan_model *pm, const pc_history *h,
                  const pc_whatif_options *o, pc_whatif **out, pc_error *err);

/* Free a result and set *w to NULL. */
void pc_whatif_free(pc_whatif **w);

#ifdef __cplusplus
}
#endif
#endif
