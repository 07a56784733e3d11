/*
 * plan.h - the suggested release plan: a Monte Carlo schedule learned from
 * the history.
 *
 * Three things are learned from past projects (pc_plan_learn):
 *  - the structure: which phase each phase waits for and with what lag
 *    (lag = start - end of the predecessor - 1 days; 0 starts the next
 *    day, negative overlaps), or taken from a template file;
 *  - each phase's duration distribution, fitted with ongoing phases as
 *    right-censored data;
 *  - the rank correlation of durations across projects, used through a
 *    Gaussian copula so a slow customer stays slow.
 * pc_plan_run then simulates the phase graph from a start date and gives
 * the P10/P50/P80/P90 start and finish dates of every phase and of the
 * whole release, with their Monte Carlo standard errors and, on request,
 * bootstrap confidence intervals.
 *
 * Durations and lags are counted in the calendar's working days (every
 * day with a NULL calendar).  A continuous duration x drawn from a fitted
 * family stands for round(x) whole days (at least 1), because families
 * are fitted to recorded whole-day durations taken as they are.
 */
#ifndef PRECEDENT_PLAN_H
#define PRECEDENT_PLAN_H

#include <stddef.h>
#include <stdint.h>

#include <precedent/calendar.h>
#include <precedent/date.h>
#include <precedent/error.h>
#include <precedent/progress.h>
#include <precedent/history.h>
#include <precedent/model.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The reported percentiles: P10, P50, P80, P90. */
#define PC_PLAN_NPCT 4
extern const double pc_plan_pct[PC_PLAN_NPCT];
extern const char *const pc_plan_pct_names[PC_PLAN_NPCT]; /* "p10", ... */

/* A structure template: rows of (phase, after, lag), read from CSV. */
typedef struct pc_plan_template_row {
	char *phase;
	char *after;   /* "" or NULL: starts with the release */
	int lag;       /* days after the end of `after` (or the start), - overlaps */
	long line;     /* line in the file, for messages */
} pc_plan_template_row;

typedef struct pc_plan_template {
	char *path;
	size_t nrows;
	pc_plan_template_row *rows;
} pc_plan_template;

/* Read a template CSV with the header "phase,after,lag" (columns in any
 * order, case-insensitive).  Bad rows fail with PC_EDATA and
 * "PATH:LINE: ..." (unknown phase in `after`, a lag that is not a whole
 * number, a duplicate phase, a cycle). */
int pc_plan_template_read(const char *path, pc_plan_template **out,
                          pc_error *err);

/* Free a template and set *t to NULL. */
void pc_plan_template_free(pc_plan_template **t);

/* One phase of the learned plan. */
typedef struct pc_plan_node {
	char *phase;
	long after;      /* the first of preds, or -1: it waits for the
	                    release start (kept for callers that show one) */
	long *preds;     /* indices into pc_plan_model.nodes of the phases it
	                    waits for: it starts after the latest of them
	                    ends (a join when npreds > 1); none: the start */
	size_t npreds;
	int *lags;       /* observed lags (days), resampled by the simulation;
	                    NULL with a template (fixed lag) */
	size_t nlags;
	double lag;      /* median lag, or the template's fixed lag (days) */
	double spread;   /* median absolute deviation of the lags (days) */
	size_t support;  /* projects the lag was measured on */
	double occurs;   /* share of finished past projects that had the
	                    phase, 0..1 (1 from a model file): the chance it
	                    takes place in a simulated release */
	size_t seen;     /* past projects with the phase, finished or not */
	double longest;  /* its longest past duration, finished or running so
	                    far (days; 0 when unknown, from a model file) */
	int thin;        /* 1: fewer finished durations than min_projects,
	                    so its distribution is pooled (see
	                    pc_plan_learn) rather than fitted on its own */
	pc_phase_model fit;   /* the duration distribution (days) */
} pc_plan_node;

/* Why a plan has no correlation. */
typedef enum pc_plan_corr {
	PC_PLAN_CORR_ESTIMATED = 0, /* estimated from the history */
	PC_PLAN_CORR_UNKNOWN,       /* planned from a model file: no data */
	PC_PLAN_CORR_SKIPPED,       /* not asked for (independent) */
	PC_PLAN_CORR_TOO_MANY       /* more phases than PC_PLAN_CORR_MAX: the
	                               history cannot support, nor the
	                               machine afford, their correlation */
} pc_plan_corr;

/* The most phases whose correlation is estimated (a k x k matrix needs
 * k^3 work to repair and factor, and far more than k past projects to
 * mean anything). */
#define PC_PLAN_CORR_MAX 500

typedef struct pc_plan_model {
	size_t nphases;
	pc_plan_node *nodes;   /* every node comes after the one it waits for */
	int from_template;     /* structure from a template, not inferred */
	pc_plan_corr corr_source;
	double *spearman;      /* nphases^2 Spearman rho, NaN if < 3 pairs,
	                          shrunk toward zero by corr_shrinkage (what
	                          the copula uses); NULL when unknown */
	double corr_shrinkage; /* 0..1: the share by which the sample
	                          correlations were shrunk toward none, by
	                          their estimated noise (Schafer-Strimmer;
	                          near 1 for a handful of projects, near 0
	                          for many); NaN when not estimated */
	double *corr;          /* nphases^2 normal-scale copula correlation
	                          after repair; NULL when unknown */
	int corr_repaired;     /* 1 if corr had to be made positive definite */
	size_t nprojects;      /* projects learned from (0 from a model file) */
	double half_life;      /* the recency weighting learned with (see
	                          pc_plan_learn_options); 0: none */
	int half_life_days;    /* 1: half_life in days, 0: in projects */
	int drift;             /* learned with pc_plan_learn_options.drift */
	double drift_per_day;  /* the trend every past duration was adjusted
	                          for: growth of log release duration per
	                          calendar day (Sen's slope against the
	                          project's start); 0: none (no significant
	                          trend, or not asked for) */
	pc_day drift_to;       /* the day durations were adjusted to */
	double effective_projects; /* (sum w)^2 / sum w^2 over the projects'
	                          weights: how many equally weighted projects
	                          the weighted history is worth (nprojects
	                          without weights) */
	void *priv;            /* data kept for the bootstrap */
} pc_plan_model;

/* How to learn.  pc_plan_learn_options_init sets the defaults. */
typedef struct pc_plan_learn_options {
	const pc_calendar *calendar;       /* NULL: every day counts */
	const pc_plan_template *tmpl;      /* NULL: infer the structure */
	const char *criterion;             /* "aicc" (default), "aic", "bic" */
	size_t min_projects;               /* a phase with fewer finished
	                                      durations is thin: pooled, not
	                                      fitted alone (default 3) */
	int independent;                   /* 1: learn no correlation (the
	                                      plan will draw independently) */
	pc_progress_fn progress;           /* "learning" (no count) as it
	                                      starts; NULL: none */
	void *progress_ctx;
	/* Recency: 0 (default) counts every past project the same.  > 0: a
	 * project's weight halves with every half_life of age, its age
	 * being, with half_life_days 0, the number of projects of the
	 * history that started after it, and with half_life_days 1 the
	 * days from its start to the history's latest start.  Every
	 * learning step uses the weights: each phase's fit (as frequency
	 * weights scaled per phase to sum to their effective number,
	 * (sum w)^2 / sum w^2, so that a weighted fit is no surer than
	 * that many projects make it), lags (a weighted empirical
	 * distribution), occurrence (a weighted share), the pooling of
	 * thin phases (weighted log means and spreads) and the rank
	 * correlation (weighted mid-ranks).  Which phases are thin still
	 * counts projects. */
	double half_life;
	int half_life_days;
	/* Trend: 1 adjusts the past durations for the release's drift
	 * before anything is learned from them.  When the finished
	 * releases (at least PC_PLAN_DRIFT_MIN) trend against their start
	 * (Mann-Kendall on log release duration, two-sided p < 0.05),
	 * every past duration of every phase, finished or running, is
	 * multiplied by exp(b (T - t)), b being Sen's slope of log release
	 * duration per day, t the project's start and T the day of the
	 * next project: the latest start of the history plus the median gap
	 * between successive starts.  (One drift for the release: a phase's
	 * own slope is about twice as noisy once extrapolated.)  Adjusted
	 * durations are rounded to whole days (at least 1 for a finished
	 * one); pm->drift_per_day says b where they were adjusted.  The
	 * bootstrap intervals do not include the uncertainty of b.
	 * Default 0: durations as recorded. */
	int drift;
} pc_plan_learn_options;

/* The fewest finished durations a phase's drift is estimated from. */
#define PC_PLAN_DRIFT_MIN 8

void pc_plan_learn_options_init(pc_plan_learn_options *o);

/* Learn a plan model from history h: structure, fitted durations,
 * occurrence and correlation.
 *
 * A thin phase (fewer than min_projects finished durations) still gets a
 * distribution, by partial pooling on the log scale: a lognormal whose
 * spread is the pooled within-phase spread of the phases with enough
 * data, and whose centre is the phase's own mean log duration shrunk
 * toward the mean of the other phases by the empirical-Bayes weight
 * n / (n + s^2 / tau^2) (tau^2: how much phase means vary), its
 * uncertainty added to the spread; a running duration counts as at least
 * its length.  node->thin says so.  A history without projects fails
 * with "the store holds no history". */
int pc_plan_learn(const pc_history *h, const pc_plan_learn_options *o,
                  pc_plan_model **out, pc_error *err);

/* A plan model from a fitted model (e.g. read with pc_model_read_csv):
 * the structure from tmpl, or the model's phases one after another with
 * lag 0 when tmpl is NULL; no correlation (corr_source UNKNOWN). */
int pc_plan_model_from_fit(const pc_model *m, const pc_plan_template *tmpl,
                           pc_plan_model **out, pc_error *err);

/* Free a plan model and set *pm to NULL. */
void pc_plan_model_free(pc_plan_model **pm);

/* How to simulate.  pc_plan_options_init sets the defaults. */
typedef struct pc_plan_options {
	pc_day start;            /* first day of the release */
	uint64_t iterations;     /* default 100000; 0: auto (every reported
	                            percentile's standard error < 0.5 days) */
	uint64_t seed;           /* default 1 */
	unsigned threads;        /* 0: the number of online CPUs */
	int independent;         /* 1: ignore the correlation */
	const pc_calendar *calendar; /* NULL: every day counts */
	size_t ci;               /* bootstrap replicates for the 95% CIs,
	                            0 = none (the CLI's --ci uses 200) */
	uint64_t ci_iterations;  /* iterations per replicate (default 4000) */
	pc_progress_fn progress; /* "simulating" (no count), then with ci
	                            "bootstrap" per replicate; NULL: none */
	void *progress_ctx;
} pc_plan_options;

void pc_plan_options_init(pc_plan_options *o);

/* Percentile dates of one quantity, with standard errors (days). */
typedef struct pc_plan_dates {
	pc_day day[PC_PLAN_NPCT];
	double se[PC_PLAN_NPCT];
	pc_day ci[PC_PLAN_NPCT][2];  /* 95% bootstrap interval, if has_ci */
} pc_plan_dates;

typedef struct pc_plan_phase {
	char *phase;         /* owned by the plan */
	double occurs;       /* share of simulated releases with the phase;
	                        its dates are over those releases */
	double capped;       /* share of its simulated durations of a century
	                        or more, which count as a century (a fitted
	                        tail too heavy to believe) */
	pc_plan_dates start;
	pc_plan_dates finish;
} pc_plan_phase;

typedef struct pc_plan {
	pc_day start;        /* o->start, or the first working day after it */
	uint64_t iterations; /* simulated releases (the auto count, if auto) */
	uint64_t seed;
	int independent;     /* durations drawn independently */
	size_t nphases;
	pc_plan_phase *phases;  /* in the model's node order */
	pc_plan_dates finish;   /* the release: latest finish of any phase */
	int has_ci;
	size_t ci_replicates;
	uint64_t ci_iterations;
	double max_se;       /* largest standard error reported (days); NaN
	                        when too few releases were simulated (under
	                        100) for any */
} pc_plan;

/* Simulate the model from o->start (NULL o: the defaults, which need a
 * start, so callers pass one).  A percentile date is the first day by
 * which at least that share of the simulated releases has reached the
 * event (the inverse of the empirical CDF), exact from whole-day
 * histograms; its standard error is sqrt(p (1 - p) / n) / f with the
 * density f of the simulated days around it.  With o->ci the whole
 * learning (lags, refits of each phase's chosen family, correlation) is
 * redone on o->ci resamples of the past projects, each simulated
 * o->ci_iterations times, and the 2.5% and 97.5% points of each date over
 * the resamples give its interval; PC_EUSAGE for a model without history
 * (pc_plan_model_from_fit).  The same seed gives the same plan whatever
 * the number of threads. */
int pc_plan_run(const pc_plan_model *pm, const pc_plan_options *o,
                pc_plan **out, pc_error *err);

/* Free a plan and set *p to NULL. */
void pc_plan_free(pc_plan **p);

#ifdef __cplusplus
}
#endif
#endif
