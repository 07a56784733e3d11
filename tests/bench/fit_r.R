#!/usr/bin/env Rscript
# fit_r.R FILE - seconds R fitdistrplus takes to fit the six families to
# the numbers in FILE (fitdist, its default optimiser; loglogistic through
# closed-form d/p/q functions as in tests/ref/make_refs.R); loading is
# not timed.  Prints "WALL CPU" seconds.  Helper of fit.sh.
suppressMessages(library(fitdistrplus))
dllogis <- function(x, shape, scale, log = FALSE) {
	t <- shape * log(x / scale)
	l <- log(shape / x) + t - 2 * log1p(exp(t))
	if (log) l else exp(l)
}
pllogis <- function(q, shape, scale, lower.tail = TRUE, log.p = FALSE) {
	p <- 1 / (1 + (q / scale)^-shape)
	if (!lower.tail) p <- 1 - p
	if (log.p) log(p) else p
}
x <- scan(commandArgs(TRUE)[1], quiet = TRUE)
lx <- log(x)
t <- system.time({
	fitdist(x, "exp")
	fitdist(x, "gamma")
	fitdist(x, "weibull")
	fitdist(x, "lnorm")
	fitdist(x, "llogis", start = list(shape = pi / (sd(lx) * sqrt(3)),
	                                  scale = exp(median(lx))))
	fitdist(x, "norm")
})
cat(sprintf("%.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
