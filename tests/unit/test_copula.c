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
	assert_int_equal(pci_spearman_matrix(data, 5, 3, 3, rho, pairs), 0);
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
	};
	return cmocka_run_group_tests_name("copula", tests, NULL, NULL);
}
