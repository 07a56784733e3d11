/*
 * fit.h - maximum-likelihood fits of duration distributions, with
 * right-censoring, model selection, goodness of fit and uncertainty.
 *
 * The data are durations x[i] in days; censored[i] != 0 marks one still
 * running (right-censored at x[i]: the duration is at least x[i]).  The
 * log-likelihood is the sum of log f(x) over finished durations plus the
 * sum of log S(x) over running ones; with opts->whole_days the data are
 * whole days and each is an interval instead (see whole_days below).
 * Closed forms are used where they exist (exponential always, normal and
 * lognormal without censoring, never for whole days), Newton iterations
 * with analytic gradients otherwise, until a step gains nothing more;
 * a fit whose gradient has not then vanished is reported as PC_ENUMERIC.
 * Ties of whole-number data are evaluated once per distinct value.
 *
 * Nothing here keeps state between calls: all functions are thread-safe,
 * and random numbers (bootstrap) come from opts->rng or a generator made
 * from opts->seed for the call.
 */
#ifndef PRECEDENT_FIT_H
#define PRECEDENT_FIT_H

#include <stddef.h>
#include <stdio.h>

#include <gsl/gsl_rng.h>

#include <precedent/dist.h>
#include <precedent/error.h>
#include <precedent/progress.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How the best family is chosen; lower is better for all three. */
typedef enum pc_criterion {
	PC_CRIT_AICC = 0, /* AIC + 2k(k+1)/(n-k-1), n counting every observation */
	PC_CRIT_AIC,      /* -2 log L + 2k */
	PC_CRIT_BIC       /* -2 log L + k log n */
} pc_criterion;

/* "aicc", "aic" or "bic". */
const char *pc_criterion_name(pc_criterion c);

/* Parse a criterion name (case-insensitive); 0 or -1 if unknown. */
int pc_criterion_parse(const char *s, pc_criterion *out);

/* Parse a comma-separated list of family names, or "all", into a mask
 * (bit i = pc_families[i]).  An unknown name is PC_EUSAGE. */
int pc_family_mask_parse(const char *list, unsigned *mask, pc_error *err);

#define PC_FAMILIES_ALL 0x3fu

typedef struct pc_fit_options {
	pc_criterion criterion;  /* default PC_CRIT_AICC */
	unsigned families;       /* mask of families to fit; 0 means all */
	unsigned gof_bootstrap;  /* parametric bootstrap replicates for the
	                            goodness-of-fit p-values; 0 (default) = none */
	unsigned bootstrap;      /* 0 (default): delta-method intervals;
	                            N: nonparametric bootstrap percentile
	                            intervals from N resamples */
	unsigned long seed;      /* seeds the bootstrap generator (default 1) */
	const gsl_rng *rng;      /* if not NULL, used instead of seed */
	int point_only;          /* 1: parameters and log-likelihood only, no
	                            intervals, goodness of fit or quantiles
	                            (the fast path for resampling loops) */
	/* pc_model_fit calls it ("fitting") before each phase with the
	 * phases fitted so far of the history's; NULL (default): none. */
	pc_progress_fn progress;
	void *progress_ctx;
	/* 1: the durations are whole days.  A recorded duration d (an
	 * integer >= 1) means the true continuous duration X had
	 * round(X) = d, with d = 1 covering everything below 1.5 (the
	 * simulator draws X from the fitted family and takes
	 * max(1, round(X))).  So a finished d contributes
	 * log(F(d + 0.5) - F(d - 0.5)), and for d = 1 log F(1.5) (for the
	 * normal family, which has support below 0, the same: F(1.5)); a
	 * running d ("at least d days so far", an integer >= 0)
	 * contributes log S(d - 0.5).  Every family is fitted by the
	 * optimiser on this likelihood (no closed forms), AIC/AICc/BIC and
	 * standard errors come from it, and the goodness-of-fit bootstrap
	 * rounds its draws the same way.  Data that are not whole numbers
	 * are PC_EDATA.  Default 0: exact durations. */
	int whole_days;
	/* NULL (default), or the fits of earlier, similar data (a refit
	 * after a few durations were added, as a backtest does at every
	 * forecast): each family's optimiser starts from that set's
	 * successful fit of the same family, if any, instead of the
	 * family's own starting values.  Near the optimum Newton needs a
	 * few iterations instead of many; it stops at the same tolerance,
	 * so the result is the same optimum (parameters agree to about
	 * 1e-6 relative), not necessarily the same bits.  A start that
	 * fails is retried from the family's own values.  The closed forms
	 * ignore it. */
	const struct pc_fit_set *warm;
	/* NULL (default), or frequency weights w[0..n-1] of the
	 * observations, each finite and >= 0 (0 leaves one out): the
	 * log-likelihood is sum w[i] log L_i, as R's fitdistrplus (integer
	 * weights) and survival::survreg (any) take them, and the n of
	 * AICc and BIC is sum w[i] (pc_fit.n still counts observations of
	 * weight > 0).  Recency weights scaled to sum to their effective
	 * sample size (learn.h) keep the standard errors honest.  With
	 * weights, the goodness-of-fit statistics are NaN, and bootstrap
	 * and gof_bootstrap are PC_EUSAGE. */
	const double *weights;
} pc_fit_options;

/* Set the defaults above. */
void pc_fit_options_init(pc_fit_options *o);

/* The fit of one family.  Numbers are NaN where they do not apply (e.g.
 * ks for censored data); on failure only family, status and error are
 * meaningful. */
typedef struct pc_fit {
	const pc_family *family;
	int status;                    /* PC_OK, or why it could not be fitted */
	char error[200];               /* lowercase message when status != 0 */
	size_t n, censored;            /* observations, of which running */
	double params[PC_MAX_PARAMS];  /* natural parameters (dist.h) */
	double se[PC_MAX_PARAMS];      /* standard errors, observed information */
	double ci_lo[PC_MAX_PARAMS], ci_hi[PC_MAX_PARAMS]; /* 95%; log scale
	                                  for positive parameters */
	double cov[PC_MAX_PARAMS][PC_MAX_PARAMS];
	double loglik, aic, aicc, bic; /* aicc is +inf when n <= k + 1 */
	double weight;                 /* Akaike-type weight on the criterion,
	                                  0..1, set by pc_fit_all */
	double grad_norm;              /* max |d log L / d log p| at the end */
	int iterations;                /* Newton iterations, 0: closed form */
	/* Goodness of fit.  Uncensored: Kolmogorov-Smirnov, Anderson-Darling
	 * and Cramer-von Mises statistics with parametric-bootstrap p-values
	 * (NaN without gof_bootstrap).  Censored: km_distance, the largest
	 * |KM - F| at the event times (either side of each step). */
	double ks, ad, cvm;
	double ks_p, ad_p, cvm_p;
	double km_distance;
	/* Median and 80th percentile (days) with 95% intervals. */
	double median, median_lo, median_hi;
	double p80, p80_lo, p80_hi;
	unsigned boot_ok;              /* bootstrap replicates that refitted */
} pc_fit;

/* Fit family f to x[0..n-1] (censored may be NULL: nothing censored).
 * Returns PC_OK, or PC_EDATA for data the family cannot describe (no
 * data, one value, all equal, all censored, values outside its support,
 * values beyond 1e150) and PC_ENUMERIC when the optimum is not reached;
 * out->status and out->error say the same and *err is filled. */
int pc_fit_family(const pc_family *f, const double *x,
                  const unsigned char *censored, size_t n,
                  const pc_fit_options *opts, pc_fit *out, pc_error *err);

#define PC_MAX_FAMILIES 8

/* The fits of every requested family, in pc_families order; or, for
 * durations that never vary, the one fit of the constant family. */
typedef struct pc_fit_set {
	size_t nfits;
	pc_fit fits[PC_MAX_FAMILIES];
	int best;               /* index into fits of the chosen one, or -1 */
	pc_criterion criterion; /* the one used to choose */
	size_t n, censored;
} pc_fit_set;

/* Fit every family in opts->families, compute the weights and choose the
 * best by opts->criterion.  Families that fail keep their error and are
 * left out of the choice; if none can be fitted, returns the first
 * family's error status (with "no family could be fitted: ..." in err),
 * else PC_OK.  Durations that never vary (at least two finished, all
 * equal, any running ones shorter) leave no spread to estimate: they get
 * the constant family alone ("constant", parameter {value}, every
 * interval the value itself), whatever opts->families asks. */
int pc_fit_all(const double *x, const unsigned char *censored, size_t n,
               const pc_fit_options *opts, pc_fit_set *out, pc_error *err);

/* Read durations from `in`: a CSV file with a header, taking `column`
 * (NULL: the first), or a bare list of numbers, one per line, when column
 * and censor_column are NULL and the first cell is a number.
 * `censor_column` (or NULL) names a 0/1 column, 1 meaning still running.
 * `file` names the input in messages ("FILE:LINE: 'abc' is not a
 * number").  On success *x and *censored (n entries each) are the
 * caller's to free(). */
int pc_durations_read(FILE *in, const char *file, const char *column,
                      const char *censor_column, double **x,
                      unsigned char **censored, size_t *n, pc_error *err);

#ifdef __cplusplus
}
#endif
#endif
