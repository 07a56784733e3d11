/*
 * backtest.h - would the planner have been right?  Forecast every past
 * project from its own start day with only what was known then, and
 * compare with what happened.
 *
 * For each finished project, in order of start, the planner learns from
 * the projects that had finished before it started (pc_plan_learn on
 * that part of the history) and simulates a release from its start day
 * (pc_plan_run).  Projects starting on the same day share that forecast,
 * and at most options.forecasts start days are forecast on (see
 * PC_BACKTEST_FORECASTS).  The report says how often the actual release fell on or
 * before the forecast P50, P80 and P90 dates (well calibrated: about 50%,
 * 80%, 90%), the pinball (quantile) loss in days, the same for a naive
 * baseline (every phase at its median duration along the learned
 * structure), and, where the history records the plan made at the time,
 * how often that plan held.
 */
#ifndef PRECEDENT_BACKTEST_H
#define PRECEDENT_BACKTEST_H

#include <stddef.h>
#include <stdint.h>

#include <precedent/calendar.h>
#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/progress.h>
#include <precedent/history.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pc_store;

/* The quantiles forecast and scored: 0.5, 0.8, 0.9. */
#define PC_BACKTEST_NQ 3
extern const double pc_backtest_q[PC_BACKTEST_NQ];

/* The weights on the history's forecast tried when it is combined with
 * the plan of the time (uplift.h): 0, 0.1, ..., 1. */
#define PC_BACKTEST_UPLIFT_NW 11

/* The levels of the reliability table: 0.1, 0.2, ..., 0.9. */
#define PC_BACKTEST_NLEVELS 9

typedef struct pc_backtest_options {
	size_t holdout;          /* evaluate only the last N projects that can
	                            be evaluated (0: all) */
	size_t min_known;        /* skip projects with fewer finished
	                            predecessors (default 5) */
	uint64_t iterations;     /* per forecast (default 4000) */
	pc_progress_fn progress;     /* "forecast" before each project's
	                                forecast: how many are done of
	                                those to evaluate */
	void *progress_ctx;
	uint64_t seed;           /* default 1 */
	unsigned threads;        /* 0: all online CPUs */
	const pc_calendar *calendar; /* NULL: every day counts */
	size_t forecasts;        /* learn and forecast on at most this many
	                            start days (0: every one; default
	                            PC_BACKTEST_FORECASTS); see below */
	double half_life;        /* each forecast learns with this recency
	                            weighting (pc_plan_learn_options), ages
	                            counted within what it learns from; 0
	                            (default): none */
	int half_life_days;
	int drift;               /* each forecast adjusts for drift
	                            (pc_plan_learn_options.drift); 0:
	                            default */
	int half_life_auto;      /* 1: each forecast chooses its own
	                            half-life or drift (recency.h) by a
	                            backtest of only what had finished before
	                            its day (at most PC_BACKTEST_AUTO_FORECASTS
	                            forecasts of PC_BACKTEST_AUTO_ITERATIONS
	                            iterations per candidate): --half-life auto
	                            scored without look-ahead; half_life and
	                            drift are then ignored.  Costs about 15
	                            inner backtests per forecast. */
	int calibrate;           /* 1: also score each forecast recalibrated
	                            (calibrate.h) by a map learned only from
	                            the PIT values of the projects released
	                            before it started (default 0) */
	double calib_prior;      /* the map's prior strength, pseudo-PITs
	                            from the identity (default
	                            PC_CALIB_PRIOR, 10) */
	const pc_day *stated;    /* per project of h, the release date it
	                            planned as of its own start (PC_DAY_MIN:
	                            none known; pc_backtest_planned): each
	                            forecast is also scored with that plan as
	                            evidence (uplift.h), its slips learned
	                            from the projects released before it
	                            started.  NULL (default): not scored. */
} pc_backtest_options;

/* The inner backtests of half_life_auto. */
#define PC_BACKTEST_AUTO_FORECASTS 40
#define PC_BACKTEST_AUTO_ITERATIONS 1000

/* The default cap on forecasts.  Every forecast learns from all that
 * had finished before its day, so forecasting each of n projects costs
 * n learnings of up to n projects, O(n^2).  With the cap, the forecasts
 * are made on that many start days evenly spaced through the evaluable
 * projects' start days in order (the first and the last among them),
 * every project starting on such a day is scored, and the others are
 * counted in skipped_unsampled: the cost is then O(n log n) for a fixed
 * cap.  Projects starting on the same day share one forecast (same
 * history, same seed), so a history with at most this many distinct
 * start days is backtested in full. */
#define PC_BACKTEST_FORECASTS 100

void pc_backtest_options_init(pc_backtest_options *o);

/* One evaluated project.  Dates are release finish days. */
typedef struct pc_backtest_row {
	const char *customer;    /* owned by the history */
	const char *project;
	pc_day start;
	pc_day actual;           /* the last day of its last phase */
	size_t known;            /* projects finished before it started */
	size_t phases_known;     /* phases the forecast could model */
	pc_day q[PC_BACKTEST_NQ];/* forecast P50, P80, P90 */
	pc_day naive;            /* the naive baseline */
	pc_day planned;          /* the plan of the time, or PC_DAY_MIN */
	pc_day stated;           /* the plan as of its start (o->stated), or
	                            PC_DAY_MIN */
	double pit;              /* where the actual release fell in the
	                            forecast: P(finish before it) + half
	                            P(finish on it), 0..1 (uniform over
	                            projects when calibrated) */
	double crps;             /* continuous ranked probability score of
	                            the forecast, working days (0: a sure and
	                            right forecast; a point forecast scores
	                            its absolute error) */
	/* With options.calibrate: the forecast recalibrated by the map
	 * learned from the rows released before this one started. */
	size_t cal_n;            /* PIT values that map was learned from */
	double cal_a, cal_b;     /* its Beta parameters (1, 1: identity) */
	pc_day q_cal[PC_BACKTEST_NQ]; /* recalibrated P50, P80, P90 */
	double pit_cal;          /* the actual's PIT in the recalibrated
	                            forecast */
	double crps_cal;         /* its CRPS, working days */
	double half_life;        /* with half_life_auto: what its forecast
	                            chose (0: none), else the option's */
	int drift;               /* likewise */
	/* The plan of the time as evidence (uplift.h), where the row has
	 * one and PC_UPLIFT_MIN earlier projects had one to learn the slips
	 * from; NaN and PC_DAY_MIN otherwise. */
	double uplift_crps[PC_BACKTEST_UPLIFT_NW]; /* CRPS of the mixture
	                            with weight i / 10 on the history's
	                            forecast (10: the history alone, 0: the
	                            stated plan with past slips alone) */
	size_t uplift_n;         /* the earlier rows it was chosen on */
	double uplift_w;         /* the weight used: chosen by the lowest
	                            mean of uplift_crps over the rows released
	                            before this one started (0.5 with fewer
	                            than PC_UPLIFT_MIN of them) */
	pc_day q_stated[PC_BACKTEST_NQ];   /* the stated plan's P50..P90 */
	pc_day q_combined[PC_BACKTEST_NQ]; /* the combination's */
	double crps_combined;
} pc_backtest_row;

typedef struct pc_backtest {
	size_t nrows;
	pc_backtest_row *rows;   /* in order of start */
	size_t skipped_running;  /* not finished: nothing to compare with */
	size_t skipped_few;      /* fewer than min_known predecessors */
	size_t skipped_failed;   /* the planner could not learn from them */
	double hit[PC_BACKTEST_NQ];     /* share of actual <= forecast */
	double pinball[PC_BACKTEST_NQ]; /* mean pinball loss, days */
	double naive_hit;               /* share of actual <= naive */
	double naive_pinball[PC_BACKTEST_NQ]; /* the naive date scored as
	                                         every quantile */
	double mean_error_p50;   /* mean actual - P50, days (+: late) */
	size_t nplanned;         /* rows with a plan of the time */
	double plan_held;        /* of those, share of actual <= planned */
	double p50_held, p80_held; /* and of the tool's P50, P80 on them */
	size_t nuplift;          /* rows scored with the plan as evidence */
	double uplift_crps[3];   /* their mean CRPS: the history's forecast,
	                            the stated plan with past slips, the
	                            combination */
	double uplift_hit[3][PC_BACKTEST_NQ]; /* share on or before P50..P90 */
	double uplift_weight;    /* mean weight on the history's forecast */
	double reliability[PC_BACKTEST_NLEVELS]; /* share of releases on or
	                            before the forecast's 10%, 20%, ... 90%
	                            quantile (calibrated: 0.1, 0.2, ...) */
	double crps;             /* mean CRPS, working days */
	double naive_crps;       /* the naive date's: its mean absolute
	                            error, working days */
	size_t nforecasts;       /* start days learned and forecast on */
	size_t skipped_unsampled;/* evaluable, but starting on a day left
	                            out by the cap on forecasts */
	/* With options.calibrate (calibrated = 1): the same scores of the
	 * recalibrated forecasts. */
	int calibrated;
	double hit_cal[PC_BACKTEST_NQ];
	double pinball_cal[PC_BACKTEST_NQ];
	double reliability_cal[PC_BACKTEST_NLEVELS];
	double crps_cal;
	double mean_error_p50_cal;
} pc_backtest;

/* Backtest history h.  planned (may be NULL) holds for every project of
 * h the release date planned at the time, or PC_DAY_MIN.  The result
 * depends on the seed, not on the number of threads.  Cost: per
 * forecast, a learning of up to n projects, O(n) apart from sorting
 * (whole days are counted, not sorted), and a simulation of
 * o->iterations releases; so O(F n) for F forecasts, F at most
 * o->forecasts.  Fails with
 * PC_EDATA "no project has N finished predecessors to learn from" when
 * nothing can be evaluated. */
int pc_backtest_run(const pc_history *h, const pc_day *planned,
                    const pc_backtest_options *o, pc_backtest **out,
                    pc_error *err);

/* The planned release date of every project of h, from the per-phase
 * planned_end column kept in the store: the planned_end of the project's
 * last phase (the one that starts last; ties: the one that ends last),
 * which is the release date planned when that phase began.  planned[i]
 * is PC_DAY_MIN where that phase has no planned_end or it is not a date.
 * stated (may be NULL) gets the same date only where it was also the
 * plan at the project's start: that phase's plan_as_of (the day the plan
 * was written) is on or before the project's start; PC_DAY_MIN
 * elsewhere, and everywhere without a plan_as_of.  planned is a late
 * plan (written when the last phase began, so it has seen most of the
 * project), fine for asking how often the plan of the time held but not
 * evidence at the start; stated is.
 * Returns the number of projects with one in *n (may be NULL). */
int pc_backtest_planned(struct pc_store *st, const pc_history *h,
                        pc_day *planned, pc_day *stated, size_t *n,
                        pc_error *err);

/* Free a result and set *b to NULL. */
void pc_backtest_free(pc_backtest **b);

#ifdef __cplusplus
}
#endif
#endif
