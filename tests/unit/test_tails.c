/* test_tails.c - the pieces of the whole-day likelihood: each family's
 * tails (pci_tails) against GSL's distribution functions, their
 * gradients and Hessians against differences, and pci_whole_loglik
 * against a plain sum of log(F(d + 0.5) - F(d - 0.5)) taken with GSL.
 *
 * References: GSL's own CDFs and incomplete gamma functions (computed
 * here by a separate code path, not stored numbers: they are the
 * independent implementation), closed forms for the log-logistic,
 * central differences for the derivatives, and whole-day fits with
 * standard errors by mpmath at 40 digits (tests/ref/fit_refs_whole_se.csv,
 * made by make_whole_se_refs.py).
 */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>

#include <precedent/fit.h>

#include "fit_internal.h"

/* Parameter points per family: ordinary ones, and shapes where the gamma
 * switches between its series and its continued fraction at many of the
 * points, or has a large shape (a narrow, almost normal distribution). */
static const double gamma_p[][2] = {{0.3, 20}, {1, 5}, {2.5, 4}, {30, 0.5}, {400, 0.1}};
static const double weibull_p[][2] = {{0.5, 10}, {1.5, 8}, {6, 20}};
static const double lognormal_p[][2] = {{1, 0.3}, {2.5, 1}, {0.2, 2}};
static const double loglogistic_p[][2] = {{0.8, 5}, {3, 12}, {9, 30}};
static const double normal_p[][2] = {{10, 3}, {40, 15}, {3, 0.5}};
static const double exponential_p[][2] = {{0.02, 0}, {0.5, 0}, {3, 0}};

/* The points: day boundaries from 0.5 to 600.5, and far out. */
static const double xs[] = {0.5, 1.5, 2.5, 3.5, 5.5, 9.5, 14.5, 20.5, 30.5,
                            44.5, 60.5, 99.5, 150.5, 250.5, 600.5};
#define NX (sizeof xs / sizeof *xs)

struct fam {
	const pc_family *f;
	const double (*p)[2];
	size_t np;
};

static const struct fam fams[] = {
	{&pci_gamma, gamma_p, sizeof gamma_p / sizeof *gamma_p},
	{&pci_weibull, weibull_p, sizeof weibull_p / sizeof *weibull_p},
	{&pci_lognormal, lognormal_p, sizeof lognormal_p / sizeof *lognormal_p},
	{&pci_loglogistic, loglogistic_p, sizeof loglogistic_p / sizeof *loglogistic_p},
	{&pci_normal, normal_p, sizeof normal_p / sizeof *normal_p},
	{&pci_exponential, exponential_p, sizeof exponential_p / sizeof *exponential_p},
};
#define NFAM (sizeof fams / sizeof *fams)

/* F(x) and S(x) from GSL (the log-logistic in closed form); 0 when GSL
 * cannot give them to full precision (underflow). */
static int reference(const pc_family *f, const double *p, double x,
                     double *F, double *S)
{
	gsl_sf_result r;

	if (f == &pci_gamma) {
		if (gsl_sf_gamma_inc_P_e(p[0], x / p[1], &r))
			return 0;
		*F = r.val;
		if (gsl_sf_gamma_inc_Q_e(p[0], x / p[1], &r))
			return 0;
		*S = r.val;
	} else if (f == &pci_weibull) {
		*F = gsl_cdf_weibull_P(x, p[1], p[0]);
		*S = gsl_cdf_weibull_Q(x, p[1], p[0]);
	} else if (f == &pci_lognormal) {
		*F = gsl_cdf_lognormal_P(x, p[0], p[1]);
		*S = gsl_cdf_lognormal_Q(x, p[0], p[1]);
	} else if (f == &pci_normal) {
		*F = gsl_cdf_gaussian_P(x - p[0], p[1]);
		*S = gsl_cdf_gaussian_Q(x - p[0], p[1]);
	} else if (f == &pci_exponential) {
		*F = gsl_cdf_exponential_P(x, 1 / p[0]);
		*S = gsl_cdf_exponential_Q(x, 1 / p[0]);
	} else { /* log-logistic: F = 1 / (1 + (x/l)^-k) */
		double u = pow(x / p[1], p[0]);
		*F = u / (1 + u);
		*S = 1 / (1 + u);
	}
	return *F > 1e-300 && *S > 1e-300;
}

/* Both tails against GSL: within 1e-10 relative as probabilities (1e-10
 * in their logs), however small, down to 1e-300.  GSL's incomplete gamma
 * is good to about 1e-14 and its normal tail to 1e-15, so 1e-10 leaves
 * room for rounding in the logs of our sums and nothing more. */
static void test_tails_against_gsl(void **state)
{
	int checked = 0, tiny = 0;

	(void)state;
	for (size_t f = 0; f < NFAM; f++) {
		const pci_fitops *ops = pci_fitops_of(fams[f].f);
		for (size_t m = 0; m < fams[f].np; m++) {
			pci_tails t[NX];

			ops->tails(fams[f].p[m], xs, NX, 2, t);
			for (size_t i = 0; i < NX; i++) {
				double F, S;

				if (!reference(fams[f].f, fams[f].p[m], xs[i], &F, &S))
					continue;
				if (fabs(t[i].lf - log(F)) > 1e-10 || fabs(t[i].ls - log(S)) > 1e-10)
					fail_msg("%s (%g, %g) at %g: log F %.15g, GSL %.15g; "
					         "log S %.15g, GSL %.15g", fams[f].f->name,
					         fams[f].p[m][0], fams[f].p[m][1], xs[i],
					         t[i].lf, log(F), t[i].ls, log(S));
				tiny += F < 1e-20 || S < 1e-20;
				checked++;
			}
		}
	}
	print_message("tails checked: %d points, %d with a tail below 1e-20\n",
	              checked, tiny);
	assert_true(checked > 200);
	assert_true(tiny > 20); /* the far tails were reached */
}

/* Gradients of both tails against central differences of the values, and
 * Hessians against central differences of the gradients (relative step
 * 1e-5: truncation ~1e-10 relative): a gradient within 1e-6 of its size
 * plus the differences' rounding (1e-14 |log tail| / step), a Hessian
 * entry within 1e-5 of the size of the terms it is made of. */
static void test_tail_derivatives(void **state)
{
	(void)state;
	for (size_t f = 0; f < NFAM; f++) {
		const pci_fitops *ops = pci_fitops_of(fams[f].f);
		int k = fams[f].f->nparams;

		for (size_t m = 0; m < fams[f].np; m++) {
			const double *p = fams[f].p[m];
			pci_tails t[NX], tp[NX], tm[NX];

			ops->tails(p, xs, NX, 2, t);
			for (int j = 0; j < k; j++) {
				double q[PC_MAX_PARAMS] = {p[0], p[1]};
				double step = 1e-5 * ((ops->logparam >> j & 1) ? p[j] : p[1]);

				q[j] = p[j] + step;
				ops->tails(q, xs, NX, 2, tp);
				q[j] = p[j] - step;
				ops->tails(q, xs, NX, 2, tm);
				for (size_t i = 0; i < NX; i++) {
					double dlf = (tp[i].lf - tm[i].lf) / (2 * step);
					double dls = (tp[i].ls - tm[i].ls) / (2 * step);
					double scale;

					/* skip where a tail rounds to 1 in the differences */
					if (!isfinite(dlf) || !isfinite(dls) || t[i].lf < -700 || t[i].ls < -700)
						continue;
					if (!(fabs(t[i].gf[j] - dlf) <= 1e-6 * fabs(dlf) + 1e-14 * (1 - t[i].lf) / step) ||
					    !(fabs(t[i].gs[j] - dls) <= 1e-6 * fabs(dls) + 1e-14 * (1 - t[i].ls) / step))
						fail_msg("%s (%g, %g) at %g: d/dp%d log F %.12g (diff %.12g), log S %.12g (diff %.12g)",
						         fams[f].f->name, p[0], p[1], xs[i], j,
						         t[i].gf[j], dlf, t[i].gs[j], dls);
					for (int l = 0; l < k; l++) {
						double hf = (tp[i].gf[l] - tm[i].gf[l]) / (2 * step);
						double hs = (tp[i].gs[l] - tm[i].gs[l]) / (2 * step);

						scale = fabs(hf) + fabs(hs) + fabs(t[i].gf[l] * t[i].gf[j]) +
						        fabs(t[i].gs[l] * t[i].gs[j]) + 1e-12;
						if (!(fabs(t[i].hf[j][l] - hf) <= 1e-5 * scale) ||
						    !(fabs(t[i].hs[j][l] - hs) <= 1e-5 * scale))
							fail_msg("%s (%g, %g) at %g: h%d%d log F %.12g (diff %.12g), log S %.12g (diff %.12g)",
							         fams[f].f->name, p[0], p[1], xs[i], j, l,
							         t[i].hf[j][l], hf, t[i].hs[j][l], hs);
					}
				}
			}
		}
	}
}

/* A sample of whole days (drawn from a gamma, rounded, at least 1), with
 * 15% running when cens. */
static size_t draw_days(gsl_rng *r, int cens, double *x, unsigned char *c, size_t n)
{
	const double p[] = {2.5, 6};

	for (size_t i = 0; i < n; i++) {
		x[i] = fmax(1, round(pci_gamma.draw(r, p)));
		c[i] = cens && gsl_rng_uniform(r) < 0.15;
		if (c[i])
			x[i] = floor(x[i] * gsl_rng_uniform(r));
	}
	return n;
}

/* pci_whole_loglik against the likelihood summed observation by
 * observation with GSL's functions: log(F(1.5)) for day 1,
 * log(F(d + 0.5) - F(d - 0.5)) else, log S(c - 0.5) running; within
 * 1e-10 relative.  This checks which boundaries each day takes and the
 * sharing of boundaries between days, besides the tails. */
static void test_whole_loglik_plain(void **state)
{
	enum { N = 600 };
	double x[N];
	unsigned char c[N];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	gsl_rng_set(r, 15);
	for (int cens = 0; cens < 2; cens++) {
		draw_days(r, cens, x, c, N);
		for (size_t f = 0; f < NFAM; f++) {
			const pci_fitops *ops = pci_fitops_of(fams[f].f);
			pci_sample s;
			pc_error err;

			assert_int_equal(pci_sample_init(&s, x, c, N, &err), PC_OK);
			assert_int_equal(pci_sample_group(&s, &err), PC_OK);
			for (size_t m = 0; m < fams[f].np; m++) {
				const double *p = fams[f].p[m];
				double ll = pci_whole_loglik(ops, p, &s, NULL, NULL), want = 0;
				int ok = 1;

				for (size_t i = 0; i < N && ok; i++) {
					double F1, S1, F0, S0;
					if (c[i]) {
						if (x[i] - 0.5 <= 0 && fams[f].f->positive)
							continue;
						ok = reference(fams[f].f, p, x[i] - 0.5, &F0, &S0);
						want += log(S0);
					} else if (x[i] <= 1) {
						ok = reference(fams[f].f, p, 1.5, &F1, &S1);
						want += log(F1);
					} else {
						ok = reference(fams[f].f, p, x[i] + 0.5, &F1, &S1) &&
						     reference(fams[f].f, p, x[i] - 0.5, &F0, &S0);
						/* the difference of the smaller tails */
						want += F1 < 0.5 ? log(F1 - F0) : log(S0 - S1);
					}
				}
				if (!ok)
					continue; /* a tail GSL cannot give */
				if (!(fabs(ll - want) <= 1e-10 * fabs(want)))
					fail_msg("%s (%g, %g) cens %d: log L %.15g, summed %.15g",
					         fams[f].f->name, p[0], p[1], cens, ll, want);
			}
			pci_sample_release(&s);
		}
	}
	gsl_rng_free(r);
}

/* The whole-day log-likelihood's analytic gradient and Hessian (what
 * Newton now steps on) against central differences of log L and of the
 * gradient, at the starting values and well away from them, with and
 * without running durations: within 1e-6 of the size of the gradient
 * entry and 1e-5 of the Hessian's scale, as test_fit's test_hessians
 * asks of the exact-data Hessians. */
static void test_whole_derivatives(void **state)
{
	enum { N = 500 };
	static const double moves[][2] = {
		{1, 1}, {0.6, 1.5}, {1.7, 0.7}, {1.2, 1.2}, {0.8, 0.6},
	};
	double x[N];
	unsigned char c[N];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);

	(void)state;
	gsl_rng_set(r, 5);
	for (int cens = 0; cens < 2; cens++) {
		draw_days(r, cens, x, c, N);
		for (int f = 0; pc_families[f]; f++) {
			const pci_fitops *ops = pci_fitops_of(pc_families[f]);
			int k = pc_families[f]->nparams;
			pci_sample s;
			pc_error err;
			double p0[PC_MAX_PARAMS];

			assert_int_equal(pci_sample_init(&s, x, c, N, &err), PC_OK);
			assert_int_equal(pci_sample_group(&s, &err), PC_OK);
			ops->start(&s, p0);
			for (size_t m = 0; m < sizeof moves / sizeof *moves; m++) {
				double p[PC_MAX_PARAMS], g[PC_MAX_PARAMS], h[PC_MAX_PARAMS][PC_MAX_PARAMS];
				double fd[PC_MAX_PARAMS][PC_MAX_PARAMS] = {{0}}, scale;

				for (int i = 0; i < k; i++)
					p[i] = (ops->logparam >> i & 1) ? p0[i] * moves[m][i]
					       : p0[i] + (moves[m][i] - 1) * p0[1];
				assert_true(isfinite(pci_whole_loglik(ops, p, &s, g, h)));
				for (int i = 0; i < k; i++) {
					double q[PC_MAX_PARAMS], gp[PC_MAX_PARAMS], gm[PC_MAX_PARAMS];
					double step = 1e-5 * ((ops->logparam >> i & 1) ? p[i] : p[1]);
					double lp, lm, d;

					memcpy(q, p, sizeof q);
					q[i] = p[i] + step;
					lp = pci_whole_loglik(ops, q, &s, gp, NULL);
					q[i] = p[i] - step;
					lm = pci_whole_loglik(ops, q, &s, gm, NULL);
					d = (lp - lm) / (2 * step);
					for (int j = 0; j < k; j++)
						fd[i][j] = (gp[j] - gm[j]) / (2 * step);
					if (!(fabs(g[i] - d) <= 1e-6 * (fabs(d) + sqrt(N * fabs(fd[i][i])))))
						fail_msg("%s cens %d point %zu: gradient %d = %.10g, differences %.10g",
						         pc_families[f]->name, cens, m, i, g[i], d);
				}
				scale = k == 1 ? fabs(fd[0][0])
				        : sqrt(fabs(fd[0][0] * fd[1][1])) + fabs(fd[0][1]);
				for (int i = 0; i < k; i++)
					for (int j = 0; j < k; j++)
						if (!(fabs(h[i][j] - fd[i][j]) <= 1e-5 * scale))
							fail_msg("%s cens %d point %zu: h[%d][%d] = %.10g, differences %.10g",
							         pc_families[f]->name, cens, m, i, j, h[i][j], fd[i][j]);
			}
			pci_sample_release(&s);
		}
	}
	gsl_rng_free(r);
}

/*
 * Whole-day fits of every family to a small sample with two running
 * durations against mpmath at 40 digits (tests/ref/make_whole_se_refs.py,
 * fit_refs_whole_se.csv, the same sample): parameters within 1e-6 of
 * their standard error (Newton stops where log L can gain 1e-14 of
 * itself, some 1e-7 se from the optimum), log L within 1e-12 relative,
 * and the standard errors, from the analytic whole-day Hessian, within
 * 1e-6 relative (differencing a gradient whose gamma shape derivative
 * was itself a difference gave the gamma's 1e-5 off).
 */
static void test_whole_fit_se(void **state)
{
	static const double x[] = {3, 5, 5, 6, 7, 7, 7, 8, 9, 12, 14, 2, 4, 4, 1, 21, 10, 3};
	static const unsigned char c[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1};
	char path[4096], line[512];
	const char *top = getenv("top_srcdir");
	FILE *f;
	pc_fit_options o;
	int checked = 0;

	(void)state;
	snprintf(path, sizeof path, "%s/tests/ref/fit_refs_whole_se.csv", top ? top : ".");
	f = fopen(path, "r");
	assert_non_null(f);
	pc_fit_options_init(&o);
	o.whole_days = 1;
	assert_non_null(fgets(line, sizeof line, f));
	while (fgets(line, sizeof line, f)) {
		char *fld[6], *q = line;
		int nf = 0;
		double p[2], se[2], ll;
		const pc_family *family;
		pc_fit fit;
		pc_error err;

		/* family,p1,p2,se1,se2,loglik (p2, se2 empty with one parameter) */
		line[strcspn(line, "\n")] = '\0';
		while (nf < 6) {
			fld[nf++] = q;
			if (!(q = strchr(q, ',')))
				break;
			*q++ = '\0';
		}
		assert_int_equal(nf, 6);
		family = pc_family_find(fld[0]);
		assert_non_null(family);
		for (int j = 0; j < 2; j++) {
			p[j] = strtod(fld[1 + j], NULL);
			se[j] = strtod(fld[3 + j], NULL);
		}
		ll = strtod(fld[5], NULL);
		assert_int_equal(pc_fit_family(family, x, c, sizeof x / sizeof *x, &o, &fit, &err), PC_OK);
		if (!(fabs(fit.loglik - ll) <= 1e-12 * fabs(ll)))
			fail_msg("%s: log L %.15g, mpmath %.15g", fld[0], fit.loglik, ll);
		for (int j = 0; j < family->nparams; j++) {
			if (!(fabs(fit.params[j] - p[j]) <= 1e-6 * se[j]))
				fail_msg("%s: parameter %d %.15g, mpmath %.15g (se %.3g)",
				         fld[0], j, fit.params[j], p[j], se[j]);
			if (!(fabs(fit.se[j] - se[j]) <= 1e-6 * se[j]))
				fail_msg("%s: se %d %.12g, mpmath %.12g", fld[0], j, fit.se[j], se[j]);
		}
		checked++;
	}
	fclose(f);
	assert_int_equal(checked, 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tails_against_gsl),
		cmocka_unit_test(test_tail_derivatives),
		cmocka_unit_test(test_whole_loglik_plain),
		cmocka_unit_test(test_whole_derivatives),
		cmocka_unit_test(test_whole_fit_se),
	};

	gsl_set_error_handler_off();
	return cmocka_run_group_tests_name("tails", tests, NULL, NULL);
}
