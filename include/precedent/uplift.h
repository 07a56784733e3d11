/*
 * uplift.h - the team's own plan as evidence: how far past releases
 * slipped past the date planned for them (reference-class forecasting's
 * "uplift"), a forecast from a stated plan and those slips, and its
 * combination with the history's forecast.
 *
 * A past project that recorded the release date it planned as of its
 * own start (pc_backtest_planned's `stated`: a plan written later, once
 * most of the project was seen, would be hindsight) planned a release of
 * p working days and took a; its slip is r = a / p.  For a new release planned to take d working
 * days, the stated plan's forecast is d r, r drawn from the past slips
 * smoothed by a Gaussian kernel on log r (Silverman's bandwidth), the
 * duration rounded to whole days.  It is combined with the history's
 * forecast F_h as the mixture w F_h + (1 - w) F_p, w chosen from 0, 0.1,
 * ..., 1 by the lowest mean CRPS over past projects with plans, each
 * forecast only from what had finished before it started (backtest.h).
 */
#ifndef PRECEDENT_UPLIFT_H
#define PRECEDENT_UPLIFT_H

#include <stddef.h>

#include <precedent/backtest.h>
#include <precedent/calendar.h>
#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/history.h>
#include <precedent/plan.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The fewest past plans the slips are learned from, and the fewest
 * scored past plans the weight is chosen on (below it: 0.5). */
#define PC_UPLIFT_MIN 5

/* The weights on the history's forecast tried: i / (PC_UPLIFT_NW - 1). */
#define PC_UPLIFT_NW PC_BACKTEST_UPLIFT_NW

typedef struct pc_uplift {
	size_t n;            /* past plans learned from */
	double *logr;        /* their log slips, sorted */
	double bandwidth;    /* of the kernel on log r */
	double median;       /* the median slip r */
} pc_uplift;

/* The slips of the projects of h finished before day `before` whose
 * stated[i] (PC_DAY_MIN: none) is on or after their start; durations
 * in cal's days (NULL: every day).  n may be 0 (then the forecast is
 * unusable: check n >= PC_UPLIFT_MIN).  PC_ENOMEM only. */
int pc_uplift_learn(const pc_history *h, const pc_day *stated,
                    const pc_calendar *cal, pc_day before, pc_uplift *out,
                    pc_error *err);

void pc_uplift_free(pc_uplift *u);

/* P(the release takes at most `days` working days) for a plan of
 * planned_days, from u's slips. */
double pc_uplift_cdf(const pc_uplift *u, double planned_days, double days);

/* A plan combined with a stated plan (pc_uplift_plan_run). */
typedef struct pc_uplift_plan {
	pc_day stated;            /* the stated release date */
	size_t nslips;            /* past plans the slips come from; below
	                             PC_UPLIFT_MIN the plan is the history's
	                             alone (weight 1, stated_plan unset) */
	double median_slip;       /* their median actual / planned */
	double weight;            /* on the history's forecast, 0..1 */
	size_t nweighed;          /* past plans the weight was chosen on
	                             (0: too few, weight 0.5) */
	double crps[PC_UPLIFT_NW];/* their mean CRPS at each weight */
	/* release P10, P50, P80, P90: the history's, the stated plan's with
	 * the slips, and the combination */
	pc_day history[4], stated_plan[4], combined[4];
	double p_stated;          /* combined chance of releasing by stated */
	double p_stated_history;  /* the history's alone */
} pc_uplift_plan;

/* Combine pm's plan (simulated with po) with the release date the team
 * states for it: the slips from h's projects finished before po->start
 * against the plans they stated at their own start (stated_hist, as
 * pc_backtest_planned's `stated` gives them; NULL: none), the weight
 * from a backtest of h with bo (NULL: defaults; its calendar should be
 * po's) scoring each weight on the past stated plans, each with only
 * what had finished before it started.  With fewer than PC_UPLIFT_MIN
 * past plans the combination is the history's plan alone (nslips says
 * so) and p_stated its odds of the date.  plan (may be NULL) gets the
 * history's plan itself, as pc_plan_run(pm, po) gives it, so that the
 * caller need not simulate it again.  PC_EUSAGE when the date is before
 * the start. */
int pc_uplift_plan_run(const pc_plan_model *pm, const pc_plan_options *po,
                       const pc_history *h, const pc_day *stated_hist,
                       const pc_backtest_options *bo, pc_day stated,
                       pc_uplift_plan *out, pc_plan **plan, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
