#!/usr/bin/env Rscript
# make_refs.R - reference maximum-likelihood fits from R fitdistrplus
# (fitdist for uncensored data, fitdistcens for censored), written to
# fit_refs_r.csv.  Run once by hand from tests/ref: Rscript make_refs.R
# (R 4, fitdistrplus 1.1-8).  Each fit is done twice: with fitdistrplus's
# defaults ("fitdistrplus": what a user gets), and with optim tightened to
# reltol 1e-14 ("fitdistrplus_tight": closer to the true optimum, used to
# check parameters).  gofstat() gives KS, CvM and AD for uncensored data;
# se1, se2 are fitdistrplus's standard errors (from optim's Hessian); for
# censored data km is the largest distance between the fitted CDF and the
# Kaplan-Meier estimate of survival::survfit at the event times.
#
# Families and parameters, mapped to precedent's names:
#   exp {rate}; gamma {shape, rate} -> scale = 1/rate; weibull {shape,
#   scale}; lnorm {meanlog, sdlog}; norm {mean, sd}; llogis (defined
#   below, as actuar's: CDF 1/(1+(x/scale)^-shape)).
# Censored data go to fitdistcens as left = right = x for finished
# durations and left = x, right = NA for running ones (right-censored).
suppressMessages({library(fitdistrplus)})

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
qllogis <- function(p, shape, scale, lower.tail = TRUE, log.p = FALSE)
	scale * (p / (1 - p))^(1 / shape)

fams <- list(
	exponential = list(d = "exp", names = "rate"),
	gamma = list(d = "gamma", names = c("shape", "rate")),
	weibull = list(d = "weibull", names = c("shape", "scale")),
	lognormal = list(d = "lnorm", names = c("meanlog", "sdlog")),
	loglogistic = list(d = "llogis", names = c("shape", "scale")),
	normal = list(d = "norm", names = c("mean", "sd")))

start_for <- function(fam, x) {
	if (fam != "loglogistic") return(NULL)
	lx <- log(x)
	list(shape = pi / (sd(lx) * sqrt(3)), scale = exp(median(lx)))
}

out <- NULL
for (f in list.files("data", pattern = "\\.csv$")) {
	ds <- sub("\\.csv$", "", f)
	d <- read.csv(file.path("data", f))
	cens <- any(d$censored == 1)
	# The exponential MLE has a closed form with or without censoring,
	# rate = events / total time, log L = events (log rate - 1).
	ev <- sum(d$censored == 0); rate <- ev / sum(d$value)
	out <- rbind(out, data.frame(dataset = ds, family = "exponential",
		source = "closed_form", p1 = sprintf("%.15g", rate), p2 = "NA",
		loglik = sprintf("%.15g", ev * (log(rate) - 1)),
		se1 = sprintf("%.15g", rate / sqrt(ev)), se2 = "NA",
		ks = "NA", cvm = "NA", ad = "NA", km = "NA"))
	for (fam in names(fams)) {
		spec <- fams[[fam]]
		xe <- d$value[d$censored == 0]
		for (tight in c(FALSE, TRUE)) {
			ctl <- if (tight) list(reltol = 1e-14, maxit = 20000) else list()
			st <- start_for(fam, xe)
			fit <- tryCatch({
				if (!cens) {
					if (is.null(st)) fitdist(d$value, spec$d, control = ctl)
					else fitdist(d$value, spec$d, start = st, control = ctl)
				} else {
					cd <- data.frame(left = d$value,
					                 right = ifelse(d$censored == 1, NA, d$value))
					if (is.null(st)) fitdistcens(cd, spec$d, control = ctl)
					else fitdistcens(cd, spec$d, start = st, control = ctl)
				}
			}, error = function(e) NULL)
			# fitdistrplus fails on some (endosulfan and ovarian with
			# gamma and exponential: "non-finite finite-difference
			# value"); those rows are simply missing
			if (is.null(fit)) next
			p <- fit$estimate
			p1 <- p[[1]]
			p2 <- if (length(p) > 1) p[[2]] else NA
			se <- fit$sd
			s1 <- se[[1]]
			s2 <- if (length(se) > 1) se[[2]] else NA
			# delta method: se(1/rate) = se(rate) / rate^2
			if (fam == "gamma") s2 <- s2 / p2^2
			if (fam == "gamma") p2 <- 1 / p2
			ks <- cvm <- ad <- km <- NA
			if (!cens) {
				g <- gofstat(fit)
				ks <- g$ks; cvm <- g$cvm; ad <- g$ad
			} else {
				# the largest |KM - F| at the event times, KM taken
				# on both sides of each step (survival::survfit)
				sf <- survival::survfit(survival::Surv(d$value, 1 - d$censored) ~ 1)
				ev <- sf$n.event > 0
				t <- sf$time[ev]
				after <- 1 - sf$surv[ev]
				before <- 1 - c(1, sf$surv)[which(ev)]
				pf <- get(paste0("p", spec$d))
				Ft <- do.call(pf, c(list(t), as.list(fit$estimate)))
				km <- max(abs(after - Ft), abs(before - Ft))
			}
			out <- rbind(out, data.frame(
				dataset = ds, family = fam,
				source = if (tight) "fitdistrplus_tight" else "fitdistrplus",
				p1 = sprintf("%.12g", p1), p2 = sprintf("%.12g", p2),
				loglik = sprintf("%.12g", fit$loglik),
				se1 = sprintf("%.8g", s1), se2 = sprintf("%.8g", s2),
				ks = sprintf("%.10g", ks), cvm = sprintf("%.10g", cvm),
				ad = sprintf("%.10g", ad), km = sprintf("%.10g", km)))
		}
	}
}
write.csv(out, "fit_refs_r.csv", row.names = FALSE, quote = FALSE)
