#!/usr/bin/env Rscript
# fit_r.R FILE [CENSFILE] - seconds R fitdistrplus takes to fit the six
# families to the numbers in FILE (fitdist, its default optimiser;
# loglogistic through closed-form d/p/q functions as in
# tests/ref/make_refs.R); with CENSFILE (0/1 per line, 1 = still running)
# fitdistcens with left = x and right = x or NA.  Loading is not timed.
# Prints "WALL CPU" seconds.  Helper of fit.sh.
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
a <- commandArgs(TRUE)
x <- scan(a[1], quiet = TRUE)
lx <- log(x)
ll0 <- list(shape = pi / (sd(lx) * sqrt(3)), scale = exp(median(lx)))
if (length(a) > 1) {
	cen <- scan(a[2], quiet = TRUE) == 1
	d <- data.frame(left = x, right = ifelse(cen, NA, x))
	t <- system.time({
		for (f in c("exp", "gamma", "weibull", "lnorm", "norm"))
			fitdistcens(d, f)
		fitdistcens(d, "llogis", start = ll0)
	})
} else {
	t <- system.time({
		for (f in c("exp", "gamma", "weibull", "lnorm", "norm"))
			fitdist(x, f)
		fitdist(x, "llogis", start = ll0)
	})
}
cat(sprintf("%.3f %.3f\n", t[["elapsed"]], t[["user.self"]] + t[["sys.self"]]))
