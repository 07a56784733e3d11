#!/usr/bin/env Rscript
# make_weighted_refs.R - reference fits with frequency weights
# (pc_fit_options.weights), written to fit_refs_weighted.csv.  Run once by
# hand from tests/ref: Rscript make_weighted_refs.R (R 4, fitdistrplus
# 1.1-8, survival 3).  The weights are made by formula from the row
# number i (1-based) so the C test makes the same ones:
#   groundbeef (exact, uncensored), fitdistrplus::fitdist, integer weights
#     1 + (i mod 3), six families;
#   whole_gamma_running (whole days, running ones right-censored) as
#     intervals (make_whole_refs.R) with fitdistrplus::fitdistcens, integer
#     weights 1 + (i mod 4), six families;
#   lung (exact, right-censored), survival::survreg, non-integer weights
#     exp(-(i - 1) / 80) (a recency weight: half-life 55 rows), the four
#     families survreg has; log L is survreg's (on the time scale).
# fitdistrplus accepts only whole-number weights; survreg any.  The
# optimisers are tightened (BFGS reltol 1e-14, two starts, the better
# kept; survreg's rel.tolerance 1e-12) so the reference is the optimum.
suppressMessages({library(fitdistrplus); library(survival)})

pllogis <- function(q, shape, scale, lower.tail = TRUE, log.p = FALSE) {
	p <- 1 / (1 + (pmax(q, 0) / scale)^-shape)
	if (!lower.tail) p <- 1 - p
	if (log.p) log(p) else p
}
dllogis <- function(x, shape, scale, log = FALSE) {
	t <- shape * log(x / scale)
	l <- log(shape / x) + t - 2 * log1p(exp(t))
	if (log) l else exp(l)
}
fams <- list(
	exponential = list(d = "exp", start = function(m, s) list(rate = 1 / m)),
	gamma = list(d = "gamma", start = function(m, s) list(shape = (m / s)^2, rate = m / s^2)),
	weibull = list(d = "weibull", start = function(m, s) list(shape = 1.2, scale = m)),
	lognormal = list(d = "lnorm", start = function(m, s) list(meanlog = log(m) - 0.5 * log1p((s / m)^2), sdlog = sqrt(log1p((s / m)^2)))),
	loglogistic = list(d = "llogis", start = function(m, s) list(shape = 2, scale = m)),
	normal = list(d = "norm", start = function(m, s) list(mean = m, sd = s)))
row <- function(ds, fam, p, ll)
	data.frame(dataset = ds, family = fam, p1 = sprintf("%.12g", p[1]),
	           p2 = if (length(p) > 1) sprintf("%.12g", p[2]) else "NA",
	           loglik = sprintf("%.12g", ll))
best_of <- function(fitter, st0, fam) {
	best <- NULL
	for (mult in c(1, 1.3)) {
		st <- lapply(st0, function(v) v * mult)
		if (fam == "normal" || fam == "lognormal") st[[1]] <- st0[[1]]
		f <- tryCatch(fitter(st), error = function(e) NULL)
		if (!is.null(f) && (is.null(best) || f$loglik > best$loglik))
			best <- f
	}
	p <- best$estimate
	if (fam == "gamma") p <- c(p[["shape"]], 1 / p[["rate"]])
	list(p = p, ll = best$loglik)
}
ctl <- list(reltol = 1e-14, maxit = 10000)
out <- NULL

gb <- read.csv("data/groundbeef.csv")$value
w <- 1 + (seq_along(gb) %% 3)
for (fam in names(fams)) {
	b <- best_of(function(st) fitdist(gb, fams[[fam]]$d, start = st, weights = w,
	                                  optim.method = "BFGS", control = ctl),
	             fams[[fam]]$start(mean(gb), sd(gb)), fam)
	out <- rbind(out, row("groundbeef", fam, b$p, b$ll))
}

df <- read.csv("data/whole_gamma_running.csv")
left <- ifelse(df$days == 1 & df$running == 0, NA, df$days - 0.5)
right <- ifelse(df$running == 1, NA, df$days + 0.5)
cd <- data.frame(left = left, right = right)
w <- 1 + (seq_len(nrow(df)) %% 4)
for (fam in names(fams)) {
	b <- best_of(function(st) fitdistcens(cd, fams[[fam]]$d, start = st, weights = w,
	                                      optim.method = "BFGS", control = ctl),
	             fams[[fam]]$start(mean(df$days), sd(df$days)), fam)
	out <- rbind(out, row("whole_gamma_running", fam, b$p, b$ll))
}

lung <- read.csv("data/lung.csv")
w <- exp(-(seq_len(nrow(lung)) - 1) / 80)
for (fam in c("exponential", "weibull", "lognormal", "loglogistic")) {
	f <- survreg(Surv(value, 1 - censored) ~ 1, data = lung, weights = w,
	             dist = fam, control = survreg.control(rel.tolerance = 1e-12, maxiter = 200))
	mu <- unname(coef(f)[1]); sc <- f$scale
	p <- switch(fam,
		exponential = 1 / exp(mu),
		weibull = c(1 / sc, exp(mu)),
		lognormal = c(mu, sc),
		loglogistic = c(1 / sc, exp(mu)))
	out <- rbind(out, row("lung", fam, p, f$loglik[1]))
}
write.csv(out, "fit_refs_weighted.csv", row.names = FALSE, quote = FALSE)
