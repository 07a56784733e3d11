#!/usr/bin/env Rscript
# make_data.R - write the real reference data sets to tests/ref/data/ as
# CSV (value,censored; censored = 1 for right-censored).  Run once by hand
# from tests/ref: Rscript make_data.R.  Sources are in data/SOURCES.md.
suppressMessages({library(fitdistrplus); library(survival)})
w <- function(name, value, censored)
	write.csv(data.frame(value = value, censored = as.integer(censored)),
	          file.path("data", paste0(name, ".csv")), row.names = FALSE,
	          quote = FALSE)
data(groundbeef); data(endosulfan)
w("groundbeef", groundbeef$serving, 0)
w("endosulfan", endosulfan$ATV[!is.na(endosulfan$ATV)], 0)
# lung: status 1 = censored, 2 = dead
lung <- survival::lung
w("lung", lung$time, lung$status == 1)
# ovarian: fustat 1 = dead, 0 = censored
ov <- survival::ovarian
w("ovarian", ov$futime, ov$fustat == 0)

# The real release histories (/work/shared/data, copied to
# datasets/real/): inclusive durations end - start + 1; an ongoing phase
# is censored at 2026-08-22, the newest date in the sources.
rel <- function(file, phase) {
	d <- read.csv(file, colClasses = "character")
	d <- d[d$phase == phase, ]
	end <- ifelse(d$status == "ongoing", "2026-08-22", d$end)
	days <- as.numeric(as.Date(end) - as.Date(d$start)) + 1
	list(days = days, cens = d$status == "ongoing")
}
p <- rel("../../datasets/real/python.csv", "rc")
w("python_rc", p$days, p$cens)
l <- rel("../../datasets/real/linux.csv", "stabilization")
w("linux_stabilization", l$days, l$cens)
