/*
 * fit_internal.h - what the families, the fitting engine and goodness of
 * fit share inside the library (pci_ names are not exported).
 *
 * Estimation sees a sample split once into finished (event) and running
 * (censored) durations with their logarithms, so each family's
 * log-likelihood can run over plain arrays and reuse the sums it needs.
 */
#ifndef PRECEDENT_FIT_INTERNAL_H
#define PRECEDENT_FIT_INTERNAL_H

#include <stddef.h>

#include <precedent/dist.h>
#include <precedent/error.h>

struct pci_fitops;

extern const pc_family pci_exponential;
extern const pc_family pci_gamma;
extern const pc_family pci_weibull;
extern const pc_family pci_lognormal;
extern const pc_family pci_loglogistic;
extern const pc_family pci_normal;
/* A duration that never varies (dist_constant.c): not in pc_families,
 * chosen by pc_fit_all alone when the data allow nothing else. */
extern const pc_family pci_constant;

/* log(1 + e^t), accurate for any t. */
double pci_softplus(double t);

/* log Q(a, z), the upper regularised incomplete gamma function, without
 * underflow far in the tail (z >= 0, a > 0). */
double pci_gamma_logq(double a, double z);

/* log of the standard normal upper tail, log(1 - Phi(z)), for any z. */
double pci_norm_logq(double z);

/* The x of gamma(a, 1) whose log survival is logs (< 0). */
double pci_gamma_isf(double a, double logs);

/* The duration x at which family f with parameters p has log survival
 * logs (< 0): the quantile at 1 - e^logs, but exact however far in the
 * upper tail, where 1 - e^logs rounds to 1. */
double pci_family_isf(const pc_family *f, double logs, const double *p);


/* log P(a, z) and log Q(a, z) of the regularised incomplete gamma
 * function, both exact far in their tails (z >= 0, a > 0). */
void pci_gamma_logpq(double a, double z, double *lp, double *lq);

/* The normal log-likelihood of finished values ye (counts we, NULL: 1
 * each; ne distinct) and right-censored values yc (counts wc, nc
 * distinct) at p = {mean, sd}, with its gradient when grad is not NULL;
 * shared by the normal and lognormal families. */
double pci_normal_loglik(const double *ye, const double *we, size_t ne,
                         const double *yc, const double *wc, size_t nc,
                         const double *p, double *grad);

/* The Hessian in {mean, sd} of pci_normal_loglik, analytic. */
void pci_normal_hessian(const double *ye, const double *we, size_t ne,
                        const double *yc, const double *wc, size_t nc,
                        const double *p, double h[PC_MAX_PARAMS][PC_MAX_PARAMS]);

/* A sample ready for estimation.  xe/le are the finished durations and
 * their logs, xc/lc the censored ones (the logs are 0 where x <= 0; a
 * positive family is never fitted to such a sample).  The sums run over
 * the finished durations only. */
typedef struct pci_sample {
	size_t n, nev, ncens;
	double *xe, *le, *xc, *lc;
	/* Frequency weights of the finished and the running observations
	 * (pc_fit_options.weights), or both NULL: each counts once. */
	double *we, *wc;
	double ne;          /* finished durations, weighted (nev unweighted) */
	double wn;          /* all observations, weighted: the n of AIC/BIC */
	double sx, slx;     /* weighted sum of x and of log x over events */
	double mean, sd;    /* of events (sd with divisor ne) */
	double lmean, lsd;  /* of log x over events (when all positive) */
	double min, max;    /* over all observations */
	int all_positive;
	int all_equal;      /* all finished durations equal */
	double *buf;        /* owns the four arrays */
	/* The whole-day view (pci_sample_group): the distinct finished
	 * values ge[] with their counts gw[], then the distinct running
	 * ones gc[] with counts gcw[].  Ties are the rule in whole days
	 * (10^4 durations take a few dozen values), so the interval
	 * likelihood runs over these. */
	size_t nge, ngc;
	double *ge, *gw, *gc, *gcw;
	double *gbuf;       /* owns the four grouped arrays */
	/* What the plain log-likelihoods loop over: the distinct finished
	 * values dxe (logs dle, counts dwe) and running ones dxc (dlc, dwc).
	 * Grouped when every value is a whole number, where ties are the
	 * rule; otherwise the arrays above with dwe = dwc = NULL (each
	 * counts once: PCI_W). */
	size_t nde, ndc;
	const double *dxe, *dle, *dwe, *dxc, *dlc, *dwc;
	double *dbuf;       /* owns the grouped ones */
	int whole;          /* 1: fit the whole-day likelihood */
} pci_sample;

/* The count of distinct value i of a weight array w (NULL: 1). */
#define PCI_W(w, i) ((w) ? (w)[i] : 1.0)

/* Split x (censored[i] != 0: still running; censored may be NULL) into
 * *s.  Fails with PC_EDATA on a non-finite value, PC_ENOMEM. */
int pci_sample_init(pci_sample *s, const double *x,
                    const unsigned char *censored, size_t n, pc_error *err);
/* The same with frequency weights w[0..n-1] (NULL: all 1): each finite
 * and >= 0; an observation of weight 0 is left out.  PC_EDATA names a
 * weight that is not. */
int pci_sample_init_weighted(pci_sample *s, const double *x,
                             const unsigned char *censored, const double *w,
                             size_t n, pc_error *err);
void pci_sample_release(pci_sample *s);

/* Group s by distinct value for the whole-day likelihood and set
 * s->whole.  Fails with PC_EDATA (naming the value) when a finished
 * duration is not a whole number >= 1 or a running one not a whole
 * number >= 0; PC_ENOMEM. */
int pci_sample_group(pci_sample *s, pc_error *err);

/* The whole-day log-likelihood (fit.h, whole_days) of family ops at p,
 * with its gradient in p when grad is not NULL and its Hessian in p when
 * hess is not NULL (then grad must not be NULL either).  -inf where it is
 * not finite or memory runs out. */
double pci_whole_loglik(const struct pci_fitops *ops, const double *p,
                        const pci_sample *s, double *grad,
                        double hess[PC_MAX_PARAMS][PC_MAX_PARAMS]);

/*
 * Both tails of a distribution at one point x, as the whole-day
 * likelihood takes them: lf = log F(x) and ls = log S(x), each exact
 * however far in its own tail (never the log of a difference that
 * rounded), with their gradients gf, gs in the natural parameters p and
 * their Hessians hf, hs.  At x <= 0 for a positive family lf = -inf,
 * ls = 0 and every derivative is 0.
 */
typedef struct pci_tails {
	double lf, ls;
	double gf[PC_MAX_PARAMS], gs[PC_MAX_PARAMS];
	double hf[PC_MAX_PARAMS][PC_MAX_PARAMS], hs[PC_MAX_PARAMS][PC_MAX_PARAMS];
} pci_tails;

/* Complete t from one tail already in it (upper = 1: ls, gs, hs; 0: lf,
 * gf, hf), which must be the one the family computes exactly, for k
 * parameters and derivatives up to order (0, 1 or 2): with A that tail
 * and B = 1 - A the other, grad B / B = -(A/B) grad A / A and
 * hess B / B = -(A/B) hess A / A. */
void pci_tails_other(pci_tails *t, int k, int upper, int order);

/* The Weibull's and the log-logistic's: a tail's first and second
 * derivatives d1, d2 in u = k log(x / l) (t = log(x / l)) carried to p =
 * {k, l} into g and h: du/dk = t, du/dl = -k / l, d2u/dk dl = -1 / l,
 * d2u/dl2 = k / l^2. */
void pci_tails_to_kl(double d1, double d2, double t, const double *p,
                     double *g, double h[PC_MAX_PARAMS][PC_MAX_PARAMS]);

/* The tails at z = (y - m) / s for p = {m, s}: the normal's (y = x) and
 * the lognormal's (y = log x), through pci_norm_tails. */
void pci_loc_scale_tails(double z, double s, int order, pci_tails *t);

/* The tails at a standard normal z(p) with gradient dz and Hessian dzz in
 * p (k parameters): the normal's and the lognormal's, one erfc each. */
void pci_norm_tails(double z, const double *dz,
                    double dzz[PC_MAX_PARAMS][PC_MAX_PARAMS], int k, int order,
                    pci_tails *t);

/* The estimation side of a family. */
typedef struct pci_fitops {
	const pc_family *family;
	/* Log-likelihood of the sample at natural parameters p and, when
	 * grad is not NULL, its gradient with respect to p (analytic, except
	 * d/dshape of the censored gamma terms).  Only called with valid p. */
	double (*loglik)(const double *p, const pci_sample *s, double *grad);
	/* Starting values from moments of the finished durations. */
	void (*start)(const pci_sample *s, double *p);
	/* The closed-form MLE where it exists for this sample: returns 1 and
	 * sets p, or 0 to use the numerical optimiser.  May be NULL. */
	int (*mle)(const pci_sample *s, double *p);
	unsigned logparam; /* bit i set: p[i] > 0, optimised as log p[i] */
	/* The tails (pci_tails) at each of x[0..n-1] at p, with derivatives
	 * up to order (0: values, 1: gradients, 2: Hessians too): the
	 * pieces of the whole-day likelihood.  One call per evaluation, so
	 * that what depends on p alone (log Gamma(shape), its derivatives)
	 * is computed once rather than once per day. */
	void (*tails)(const double *p, const double *x, size_t n, int order,
	              pci_tails *out);
	/* The Hessian of loglik in p, analytic, or NULL (the engine then
	 * differences the gradient). */
	void (*hessian)(const double *p, const pci_sample *s,
	                double h[PC_MAX_PARAMS][PC_MAX_PARAMS]);
} pci_fitops;

extern const pci_fitops pci_exponential_fit;
extern const pci_fitops pci_gamma_fit;
extern const pci_fitops pci_weibull_fit;
extern const pci_fitops pci_lognormal_fit;
extern const pci_fitops pci_loglogistic_fit;
extern const pci_fitops pci_normal_fit;

/* The fitting side of family f, or NULL. */
const pci_fitops *pci_fitops_of(const pc_family *f);

/* Sort the sample by x into xs/cs (n entries each; censored may be
 * NULL), ties in any order: what the two functions below take.  PC_OK
 * or PC_ENOMEM. */
int pci_sort_sample(const double *x, const unsigned char *censored, size_t n,
                    double *xs, unsigned char *cs);

/* Goodness of fit of f(p) to n uncensored values x, sorted ascending:
 * Kolmogorov-Smirnov D, Anderson-Darling A^2 and Cramer-von Mises W^2 as
 * in fitdistrplus's gofstat. */
void pci_gof_edf(const pc_family *f, const double *p, const double *x, size_t n,
                 double *ks, double *ad, double *cvm);

/* The largest |KM(t) - F(t)| over the event times t of a censored sample
 * sorted by x (pci_sort_sample), taking the Kaplan-Meier step from both
 * sides. */
double pci_gof_km(const pc_family *f, const double *p, const double *x,
                  const unsigned char *censored, size_t n);

#endif
