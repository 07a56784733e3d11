#!/usr/bin/env Rscript
# make_whole_refs.R - reference fits of the whole-day likelihood
# (pc_fit_options.whole_days) from R fitdistrplus::fitdistcens, written to
# fit_refs_whole.csv; the data sets are written to data/whole_*.csv.  Run
# once by hand from tests/ref: Rscript make_whole_refs.R (R 4,
# fitdistrplus 1.1-8).
#
# A whole day d stands for a continuous X with round(X) = d, 1 covering
# everything below 1.5.  fitdistcens takes interval-censored data as
# columns left/right, with log-likelihood log(F(right) - F(left)) for an
# interval, log F(right) when left is NA and log S(left) when right is NA.
# So: finished d > 1 -> [d - 0.5, d + 0.5]; finished 1 -> left = NA,
# right = 1.5 (log F(1.5), precedent's definition for every family,
# the normal included, whose mass below 0 is then counted in day 1);
# running d -> left = d - 0.5, right = NA (log S(d - 0.5)).
#
# Each family is fitted with optim's BFGS tightened to reltol 1e-14 from
# two starts and the better optimum kept, so that the reference is the
# optimum itself rather than where a loose optimiser stopped.
suppressMessages({library(fitdistrplus)})

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

set.seed(20261129)
sets <- list()
# rounded Weibull(0.7, 20), n = 200, nothing running
d <- pmax(1, round(rweibull(200, 0.7, 20)))
sets$whole_weibull <- data.frame(days = d, running = 0)
# rounded gamma(2, scale 8), n = 150, running when a uniform(0, 40)
# as-of time comes first: then the days so far, round(t) (>= 1)
x <- rgamma(150, 2, scale = 8)
t <- runif(150, 0, 40)
run <- t < x
d <- ifelse(run, pmax(1, round(t)), pmax(1, round(x)))
sets$whole_gamma_running <- data.frame(days = d, running = as.integer(run))

fams <- list(
	exponential = list(d = "exp", start = function(m, s) list(rate = 1 / m)),
	gamma = list(d = "gamma", start = function(m, s) list(shape = (m / s)^2, rate = m / s^2)),
	weibull = list(d = "weibull", start = function(m, s) list(shape = 1.2, scale = m)),
	lognormal = list(d = "lnorm", start = function(m, s) list(meanlog = log(m) - 0.5 * log1p((s / m)^2), sdlog = sqrt(log1p((s / m)^2)))),
	loglogistic = list(d = "llogis", start = function(m, s) list(shape = 2, scale = m)),
	normal = list(d = "norm", start = function(m, s) list(mean = m, sd = s)))

out <- NULL
for (ds in names(sets)) {
	df <- sets[[ds]]
	write.csv(df, file.path("data", paste0(ds, ".csv")), row.names = FALSE, quote = FALSE)
	left <- ifelse(df$days == 1 & df$running == 0, NA, df$days - 0.5)
	right <- ifelse(df$running == 1, NA, df$days + 0.5)
	cd <- data.frame(left = left, right = right)
	m <- mean(df$days); s <- sd(df$days)
	for (fam in names(fams)) {
		best <- NULL
		st0 <- fams[[fam]]$start(m, s)
		for (mult in c(1, 1.3)) {
			st <- lapply(st0, function(v) v * mult)
			if (fam == "normal" || fam == "lognormal") st[[1]] <- st0[[1]]
			f <- tryCatch(fitdistcens(cd, fams[[fam]]$d, start = st,
			              optim.method = "BFGS",
			              control = list(reltol = 1e-14, maxit = 10000)),
			              error = function(e) NULL)
			if (!is.null(f) && (is.null(best) || f$loglik > best$loglik))
				best <- f
		}
		p <- best$estimate
		if (fam == "gamma") p <- c(p[["shape"]], 1 / p[["rate"]])
		out <- rbind(out, data.frame(dataset = ds, family = fam,
		             p1 = sprintf("%.12g", p[1]),
		             p2 = if (length(p) > 1) sprintf("%.12g", p[2]) else "NA",
		             loglik = sprintf("%.12g", best$loglik)))
	}
}
write.csv(out, "fit_refs_whole.csv", row.names = FALSE, quote = FALSE)
