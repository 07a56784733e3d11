# calib_refs.R - reference values for tests/unit/test_calibrate.c: the
# Beta recalibration map fitted to a fixed set of PIT values, by a
# generic optimiser on the log posterior written out here (independent
# of calibrate.c's Newton iteration), and for prior 0 also by
# MASS::fitdistr's beta maximum likelihood.
# Run: Rscript tests/ref/calib_refs.R
u <- c(0.97, 0.88, 0.91, 0.42, 0.99, 0.76, 0.63, 0.95, 0.83, 0.55,
       0.999, 0.71, 0.93, 0.28, 0.86, 0.98, 0.67, 0.9, 0.81, 0.59)
# PITs are clamped to [1e-3, 1 - 1e-3], as calibrate.h says
u <- pmin(pmax(u, 1e-3), 1 - 1e-3)
fit <- function(prior) {
  # prior pseudo-PITs from the uniform add prior * E[log dbeta(U; a, b)]
  # = -prior * (lbeta(a, b) + (a - 1) + (b - 1))
  nlp <- function(th) {
    a <- exp(th[1]); b <- exp(th[2])
    -(sum(dbeta(u, a, b, log = TRUE)) - prior * (lbeta(a, b) + (a - 1) + (b - 1)))
  }
  o <- optim(c(0, 0), nlp, method = "BFGS", control = list(reltol = 1e-14, maxit = 1000))
  exp(o$par)
}
for (prior in c(0, 10)) {
  ab <- fit(prior)
  cat(sprintf("prior %g: a %.8f b %.8f\n", prior, ab[1], ab[2]))
  cat(sprintf("  G: %s\n", paste(sprintf("%.8f", pbeta((1:9) / 10, ab[1], ab[2])), collapse = ", ")))
}
if (requireNamespace("MASS", quietly = TRUE)) {
  f <- MASS::fitdistr(u, "beta", start = list(shape1 = 1, shape2 = 1))
  cat(sprintf("MASS::fitdistr: a %.8f b %.8f\n", f$estimate[1], f$estimate[2]))
}
