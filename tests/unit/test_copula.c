/* test_copula.c - Spearman's rho, the normal-scale conversion, the
 * positive-definite repair and the Cholesky factor.  Reference rhos from
 * scipy.stats.spearmanr on the same vectors (ties averaged); the
 * conversion is the closed form r = 2 sin(pi rho / 6). */
#include <config.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "plan_internal.h"

static void test_spearman_scipy(void **state)
{
	/* scipy.stats.spearmanr: 0.13471506281091267 and 0.8285714285714287 */
	static const double x[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
	static const double y[] = {2, 7, 1, 8, 2, 8, 1, 8, 2, 8};
	static const double x2[] = {10, 20, 30, 40, 50, 60};
	static const double y2[] = {1.5, 1.2, 3.3, 2.0, 5.1, 4.4};
	size_t used;
	(void)state;
	assert_float_equal(pci_spearman(x, y, 10, &used), 0.13471506281091267, 1e-12);
	assert_int_equal(used, 10);
	assert_float_equal(pci_spearman(x2, y2, 6, NULL), 0.8285714285714287, 1e-12);
}

static void test_spearman_pairwise(void **state)
{
	/* NaN drops the pair: what is left is the x2/y2 case above. */
	static const double x[] = {10, NAN, 20, 30, 40, 7, 50, 60};
	static const double y[] = {1.5, 9, 1.2, 3.3, 2.0, NAN, 5.1, 4.4};
	static const double c[] = {1, 1, 1, 1, 1, 1, 1, 1};
	size_t used;
	(void)state;
	assert_float_equal(pci_spearman(x, y, 8, &used), 0.8285714285714287, 1e-12);
	assert_int_equal(used, 6);
	assert_true(isnan(pci_spearman(x, c, 8, NULL))); /* constant column */
}

static void test_matrix_and_conversion(void **state)
{
	/* column 2 has only two values: its pairs are unknown (NaN -> 0). */
	double data[] = {
		1, 2, NAN,
		2, 1, 5,
		3, 4, NAN,
		4, 3, 6,
		5, 5, NAN,
	};
	double rho[9], r[9];
	size_t pairs[9];
	(void)state;
	assert_int_equal(pci_spearman_matrix(data, 5, 3, 3, rho, pairs, NULL), 0);
	assert_float_equal(rho[1], 0.8, 1e-12); /* 1 - 6*4/(5*24) */
	assert_float_equal(rho[3], 0.8, 1e-12);
	assert_true(isnan(rho[2]));
	assert_int_equal(pairs[2], 2);
	pci_normal_from_spearman(rho, 3, r);
	assert_float_equal(r[1], 2 * sin(M_PI * 0.8 / 6), 1e-15);
	assert_float_equal(r[2], 0.0, 0);
	assert_float_equal(r[4], 1.0, 0);
	/* rho = 1 maps to r = 1, rho = 0.5 to 0.5176380902050415 */
	rho[1] = 0.5;
	pci_normal_from_spearman(rho, 3, r);
	assert_float_equal(r[1], 0.5176380902050415, 1e-15);
}

static double min_eigen(const double *a, size_t k)
{
	gsl_matrix *m = gsl_matrix_alloc(k, k);
	gsl_vector *ev = gsl_vector_alloc(k);
	gsl_eigen_symm_workspace *w = gsl_eigen_symm_alloc(k);
	double v;
	for (size_t i = 0; i < k * k; i++)
		m->data[i] = a[i];
	gsl_eigen_symm(m, ev, w);
	v = gsl_vector_min(ev);
	gsl_eigen_symm_free(w);
	gsl_vector_free(ev);
	gsl_matrix_free(m);
	return v;
}

/* Shrinkage of a small sample's correlations toward none, against R's
 * corpcor 1.6.10: cor.shrink(apply(X, 2, rank)) on these 8 projects x 4
 * phases (ties in the third column) gives lambda 0.2093268796 and, in
 * the order of upper.tri, the shrunk and the raw rank correlations
 * below. */
static void test_shrink_corpcor(void **state)
{
	static const double x[8 * 4] = {
		3, 14, 5, 40,  1, 9, 2, 33,  7, 20, 9, 41,  2, 12, 2, 30,
		5, 11, 6, 52,  4, 25, 3, 38,  9, 16, 8, 60,  6, 30, 5, 45};
	static const double raw[6] = {0.595238095238, 0.891630981517,
		0.337373884898, 0.857142857143, 0.285714285714, 0.831385644928};
	static const double shrunk[6] = {0.470638762153, 0.704988650417,
		0.266752462320, 0.677719817501, 0.225906605834, 0.657354282146};
	static const int ij[6][2] = {{0, 1}, {0, 2}, {1, 2}, {0, 3}, {1, 3}, {2, 3}};
	double rho[16], var[16], lambda;

	(void)state;
	assert_int_equal(pci_spearman_matrix(x, 8, 4, 3, rho, NULL, var), 0);
	for (int i = 0; i < 6; i++)
		assert_float_equal(rho[ij[i][0] * 4 + ij[i][1]], raw[i], 1e-10);
	lambda = pci_shrink_correlation(rho, var, 4);
	assert_float_equal(lambda, 0.2093268796, 1e-9);
	for (int i = 0; i < 6; i++) {
		assert_float_equal(rho[ij[i][0] * 4 + ij[i][1]], shrunk[i], 1e-10);
		assert_float_equal(rho[ij[i][1] * 4 + ij[i][0]], shrunk[i], 1e-10);
	}
	assert_float_equal(rho[5], 1, 0);
}

/* Independent phases seen in 6 projects: the sample correlations are
 * noise (measured: mean |rho| 0.370), and shrinking takes most of it away
 * (mean lambda 0.823, mean |rho| 0.072 after); correlated phases seen in
 * 2000 projects keep their correlation almost whole. */
static void test_shrink_by_sample_size(void **state)
{
	static double x[2000 * 8];
	double rho[64], var[64], lambda = 0, raw = 0, kept = 0;
	unsigned long long s = 12345;
	const int reps = 300;

	(void)state;
	for (int r = 0; r < reps; r++) {
		for (size_t i = 0; i < 6 * 8; i++) {
			s = s * 6364136223846793005ULL + 1442695040888963407ULL;
			x[i] = (double)(s >> 11) / 9007199254740992.0;
		}
		assert_int_equal(pci_spearman_matrix(x, 6, 8, 3, rho, NULL, var), 0);
		for (size_t i = 0; i < 8; i++)
			for (size_t j = i + 1; j < 8; j++)
				raw += fabs(rho[i * 8 + j]);
		lambda += pci_shrink_correlation(rho, var, 8);
		for (size_t i = 0; i < 8; i++)
			for (size_t j = i + 1; j < 8; j++)
				kept += fabs(rho[i * 8 + j]);
	}
	if (!(lambda / reps > 0.75 && kept < 0.25 * raw))
		fail_msg("6 projects: mean lambda %.3f, mean |rho| %.3f -> %.3f",
		         lambda / reps, raw / reps / 28, kept / reps / 28);

	/* many: column 1 = column 0 + noise */
	for (size_t i = 0; i < 2000 * 3; i++) {
		s = s * 6364136223846793005ULL + 1442695040888963407ULL;
		x[i] = (double)(s >> 11) / 9007199254740992.0;
	}
	for (size_t i = 0; i < 2000; i++)
		x[i * 3 + 1] = x[i * 3] + x[i * 3 + 1];
	assert_int_equal(pci_spearman_matrix(x, 2000, 3, 3, rho, NULL, var), 0);
	{
		double before = rho[1];
		lambda = pci_shrink_correlation(rho, var, 3);
		assert_true(before > 0.6);
		assert_true(lambda < 0.02);
		assert_float_equal(rho[1], before * (1 - lambda), 1e-12);
	}
}

static void test_repair_and_cholesky(void **state)
{
	/* Pairwise 0.9, 0.9, -0.9 cannot all hold: eigenvalues include
	 * 1 - 0.9 - 0.9 - ... < 0.  The repair must give a valid
	 * correlation matrix that Cholesky accepts, keeping the signs. */
	double r[9] = {1, 0.9, 0.9, 0.9, 1, -0.9, 0.9, -0.9, 1};
	double l[9], back[9];
	int rep = 0;
	(void)state;
	assert_true(min_eigen(r, 3) < 0);
	assert_int_equal(pci_nearest_pd(r, 3, 1e-6, &rep), 0);
	assert_int_equal(rep, 1);
	for (int i = 0; i < 3; i++)
		assert_float_equal(r[i * 3 + i], 1.0, 1e-12);
	assert_true(min_eigen(r, 3) > 0);
	assert_true(r[1] > 0 && r[2] > 0 && r[5] < 0);
	assert_int_equal(pci_cholesky(r, 3, l), 0);
	/* L L^T gives the matrix back; the upper triangle is zero. */
	for (int i = 0; i < 3; i++)
		for (int j = 0; j < 3; j++) {
			double s = 0;
			for (int m = 0; m < 3; m++)
				s += l[i * 3 + m] * l[j * 3 + m];
			back[i * 3 + j] = s;
			assert_float_equal(back[i * 3 + j], r[i * 3 + j], 1e-12);
			if (j > i)
				assert_float_equal(l[i * 3 + j], 0.0, 0);
		}
	/* A valid matrix is left alone. */
	{
		double ok[4] = {1, 0.3, 0.3, 1};
		assert_int_equal(pci_nearest_pd(ok, 2, 1e-6, &rep), 0);
		assert_int_equal(rep, 0);
		assert_float_equal(ok[1], 0.3, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spearman_scipy),
		cmocka_unit_test(test_spearman_pairwise),
		cmocka_unit_test(test_matrix_and_conversion),
		cmocka_unit_test(test_repair_and_cholesky),
		cmocka_unit_test(test_shrink_corpcor),
		cmocka_unit_test(test_shrink_by_sample_size),
	};
	return cmocka_run_group_tests_name("copula", tests, NULL, NULL);
}
