#!/usr/bin/python3
# make_refs_scipy.py - reference maximum-likelihood fits of the uncensored
# data sets in data/ from scipy.stats 1.10.1 (`fit` with the location fixed
# at 0 for the positive families), written to fit_refs_scipy.csv.  scipy
# 1.10 has no censored fitting (CensoredData came in 1.11), so censored
# data sets are left to make_refs.R.  Run once by hand from tests/ref:
# /usr/bin/python3 make_refs_scipy.py
import csv
import glob
import math
import os

import numpy as np
from scipy import stats

rows = []
for path in sorted(glob.glob("data/*.csv")):
    name = os.path.basename(path)[:-4]
    with open(path) as f:
        data = list(csv.DictReader(f))
    if any(r["censored"] == "1" for r in data):
        continue
    x = np.array([float(r["value"]) for r in data])
    fits = {
        "exponential": lambda: (lambda loc, sc: ((1 / sc,), stats.expon(scale=sc)))(
            *stats.expon.fit(x, floc=0)),
        "gamma": lambda: (lambda a, loc, sc: ((a, sc), stats.gamma(a, scale=sc)))(
            *stats.gamma.fit(x, floc=0)),
        "weibull": lambda: (lambda c, loc, sc: ((c, sc), stats.weibull_min(c, scale=sc)))(
            *stats.weibull_min.fit(x, floc=0)),
        "lognormal": lambda: (lambda s, loc, sc: ((math.log(sc), s), stats.lognorm(s, scale=sc)))(
            *stats.lognorm.fit(x, floc=0)),
        "loglogistic": lambda: (lambda c, loc, sc: ((c, sc), stats.fisk(c, scale=sc)))(
            *stats.fisk.fit(x, floc=0)),
        "normal": lambda: (lambda m, s: ((m, s), stats.norm(m, s)))(*stats.norm.fit(x)),
    }
    for fam, fit in fits.items():
        p, d = fit()
        ll = float(np.sum(d.logpdf(x)))
        rows.append([name, fam, "scipy", "%.12g" % p[0],
                     "%.12g" % p[1] if len(p) > 1 else "NA", "%.12g" % ll])
with open("fit_refs_scipy.csv", "w") as f:
    f.write("dataset,family,source,p1,p2,loglik\n")
    for r in rows:
        f.write(",".join(r) + "\n")
