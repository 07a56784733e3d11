#!/usr/bin/python3
# make_se_refs.py - reference standard errors from the observed information:
# the Hessian of log L (finished: scipy logpdf, running: scipy logsf) by
# central differences in the natural parameters, step 1e-4 relative
# (truncation ~1e-8, rounding ~1e-16 |log L| / 1e-8: both below 1e-5
# relative), inverted with numpy, at fitdistrplus_tight's estimates from
# fit_refs_r.csv (scipy's for the data sets R could not fit).  Written to
# fit_refs_se.csv.  Independent of precedent's Hessian, which differences
# its analytic gradients.  Run once from tests/ref after the others:
# /usr/bin/python3 make_se_refs.py
import csv
import math

import numpy as np
from scipy import stats

def dist(fam, p):
    if fam == "exponential":
        return stats.expon(scale=1 / p[0])
    if fam == "gamma":
        return stats.gamma(p[0], scale=p[1])
    if fam == "weibull":
        return stats.weibull_min(p[0], scale=p[1])
    if fam == "lognormal":
        return stats.lognorm(p[1], scale=math.exp(p[0]))
    if fam == "loglogistic":
        return stats.fisk(p[0], scale=p[1])
    return stats.norm(p[0], p[1])

def loglik(fam, p, x, c):
    d = dist(fam, p)
    return float(np.sum(d.logpdf(x[c == 0])) + np.sum(d.logsf(x[c == 1])))

def load(ds):
    with open("data/%s.csv" % ds) as f:
        rows = list(csv.DictReader(f))
    return (np.array([float(r["value"]) for r in rows]),
            np.array([int(r["censored"]) for r in rows]))

est = {}
for src, path in (("scipy", "fit_refs_scipy.csv"), ("fitdistrplus_tight", "fit_refs_r.csv")):
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["source"] == src:
                p = [float(r["p1"])] + ([float(r["p2"])] if r["p2"] != "NA" else [])
                est[(r["dataset"], r["family"])] = p

with open("fit_refs_se.csv", "w") as out:
    out.write("dataset,family,p1,p2,se1,se2\n")
    for (ds, fam), p in sorted(est.items()):
        x, c = load(ds)
        k = len(p)
        h = [1e-4 * abs(v) for v in p]
        H = np.zeros((k, k))
        for i in range(k):
            for j in range(k):
                def f(di, dj):
                    q = list(p)
                    q[i] += di
                    q[j] += dj
                    return loglik(fam, q, x, c)
                H[i, j] = (f(h[i], h[j]) - f(h[i], -h[j]) - f(-h[i], h[j]) +
                           f(-h[i], -h[j])) / (4 * h[i] * h[j])
        cov = np.linalg.inv(-H)
        se = [math.sqrt(cov[i, i]) for i in range(k)]
        out.write("%s,%s,%.12g,%s,%.8g,%s\n" % (
            ds, fam, p[0], "%.12g" % p[1] if k > 1 else "NA", se[0],
            "%.8g" % se[1] if k > 1 else "NA"))
