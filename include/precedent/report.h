/*
 * report.h - the plan as people look at it: one self-contained HTML page
 * with SVG charts (pc_report_html), a single SVG chart for a slide or a
 * wiki page (pc_report_svg), and the milestones as an iCalendar file
 * (pc_report_ics).
 *
 * pc_report_build runs everything the page shows once: the deadline
 * questions with the finish-date curve (pc_whatif_run), whose simulation
 * also gives the plan's dates, each phase's fit against its Kaplan-Meier
 * curve, and a backtest (pc_backtest_run) when the history allows one.
 * The writers then only format that result, so the page, a chart and the
 * calendar made from one report agree on every date, and a booked slot
 * moves the headline and the Gantt chart as it moves the curve.
 *
 * The page holds no script, font or image from anywhere: inline CSS and
 * SVG only, and the report's numbers as JSON in a
 * <script type="application/json" id="report-data"> element, which
 * browsers do not run.  Every string from the data is escaped (see
 * pc_report_html).  Dates are pc_day values; durations are in the
 * calendar's working days, as in plan.h.
 *
 * Ownership: a pc_report borrows the plan model, the history and the
 * calendar it was built from (they must outlive it) and owns the rest.
 */
#ifndef PRECEDENT_REPORT_H
#define PRECEDENT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <precedent/backtest.h>
#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/history.h>
#include <precedent/plan.h>
#include <precedent/trend.h>
#include <precedent/whatif.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The charts, by name for --chart: "gantt", "curve", "history",
 * "drivers", "reliability". */
typedef enum pc_report_chart {
	PC_CHART_GANTT = 0,   /* a bar per phase, P50 with P10-P90 ranges */
	PC_CHART_CURVE,       /* P(released by date) */
	PC_CHART_HISTORY,     /* each phase's fitted CDF over Kaplan-Meier */
	PC_CHART_DRIVERS,     /* criticality and correlation per phase */
	PC_CHART_RELIABILITY, /* backtest: nominal level vs share on time */
	PC_CHART_COUNT
} pc_report_chart;

/* Names of the charts in enum order, then NULL. */
extern const char *const pc_report_chart_names[];

/* The chart called name, or -1. */
int pc_report_chart_find(const char *name);

/* How to build.  pc_report_options_init sets the defaults. */
typedef struct pc_report_options {
	const char *customer;   /* who the plan is for, or NULL */
	int has_deadline;       /* the release must be done by `deadline` */
	pc_day deadline;
	double confidence;      /* the level of the checkpoints, the best
	                           slot and the calendar's dates (default
	                           0.8; the calendar takes 0.1, 0.5, 0.8 or
	                           0.9, the levels a plan reports) */
	int backtest;           /* 1 (default): score past forecasts when the
	                           history holds enough finished projects */
	size_t backtest_holdout;/* the last N projects scored (default 30) */
	/* Provenance printed on the page, each may be NULL. */
	const char *store;      /* the store's path, or the model file */
	const char *reference;  /* the reference class, "" for all projects */
	const char *command;    /* the command line that makes the page again */
	const char *version;    /* the tool's version */
	const char *options;    /* other options worth printing */
	/* h's trend tests, pc_history_trends(h, the plan's calendar, 0.05),
	 * when the caller has them already; NULL (default): made here. */
	const pc_history_trend *trends;
} pc_report_options;

void pc_report_options_init(pc_report_options *o);

/* One phase's history, for its chart: durations (working days) with the
 * fitted family from the plan model. */
typedef struct pc_report_phase {
	const char *phase;      /* the plan model's name (borrowed) */
	size_t n, censored;     /* observations, of which still running */
	double *days;           /* n durations, ascending (owned) */
	int *ongoing;           /* n flags: 1 = right-censored (owned) */
	size_t nkm;             /* Kaplan-Meier steps */
	double *km_t, *km_f;    /* at km_t[i] days the empirical CDF becomes
	                           km_f[i] (owned) */
	double ks;              /* largest distance between the fitted CDF and
	                           the Kaplan-Meier estimate (0..1) */
	int thin;               /* 1: pooled with the other phases (pc_plan_node.thin) */
	double trend;           /* Sen's slope of its finished durations
	                           over their start dates, days a year, when
	                           the Mann-Kendall test finds a trend
	                           (pc_history_trends at 5%); NaN if not */
	double trend_p;         /* and its p-value */
} pc_report_phase;

typedef struct pc_report {
	pc_report_options o;    /* strings borrowed from the caller */
	const pc_plan_model *pm;
	const pc_history *h;    /* NULL: planned from a model file */
	const pc_calendar *calendar;
	pc_plan *plan;          /* the dates of the whatif's simulation,
	                           bookings and progress included (no
	                           standard errors) */
	pc_whatif *whatif;      /* with the curve */
	pc_day target;          /* the deadline, or the plan's P80 finish
	                           when there is none (checkpoints aim at it) */
	pc_report_phase *phases;/* pm->nphases, NULL without history */
	double *occurs;         /* pm->nphases probabilities that each phase
	                           takes place, 0..1: below 1 the Gantt chart
	                           draws it hollow, as optional, with the
	                           probability (all 1 until the plan reports
	                           optional phases) */
	pc_backtest *backtest;  /* NULL when not run */
	char backtest_note[256];/* why there is no backtest, or "" */
} pc_report;

/* Build a report of plan model pm, learned from history h (NULL for a
 * model file: no phase histories, backtest or odds interval).  wo says
 * how to simulate and what to ask (its bookings and progress move every
 * date on the page; without deadlines it gets o's deadline, or when o has
 * none the P80 finish, that of the booked plan; its curve is always
 * drawn); wo NULL uses pc_whatif_options_init with po's start, seed,
 * iterations, threads, calendar and independence.  po is simulated only
 * to find the P80 finish when there is no deadline.  Fails as pc_plan_run
 * and pc_whatif_run do; a backtest that fails is noted on the page, not
 * an error. */
int pc_report_build(const pc_plan_model *pm, const pc_history *h,
                    const pc_plan_options *po, const pc_whatif_options *wo,
                    const pc_report_options *o, pc_report **out,
                    pc_error *err);

/* Free a report and set *r to NULL. */
void pc_report_free(pc_report **r);

/* Write the whole page to out.  PC_EIO if writing fails. */
int pc_report_html(const pc_report *r, FILE *out, pc_error *err);

/* Write one chart as a standalone SVG document (with its XML
 * declaration).  PC_EUSAGE for the history chart without a history or
 * the reliability chart without a backtest; PC_EIO if writing fails. */
int pc_report_svg(const pc_report *r, pc_report_chart chart, FILE *out,
                  pc_error *err);

/* Write the milestones as an iCalendar file (RFC 5545): an all-day event
 * on each phase's finish and the release finish at the report's
 * confidence, and one on each checkpoint; UIDs from the customer, the
 * phase and the kind of event only, so importing a newer plan moves the
 * events rather than adding new ones; DTSTAMP is `stamp` (seconds since
 * the epoch, UTC); text escaped and lines folded at 75 octets.  PC_EUSAGE
 * for a confidence other than 0.1, 0.5, 0.8 or 0.9; PC_EIO if writing
 * fails. */
int pc_report_ics(const pc_report *r, time_t stamp, FILE *out, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
