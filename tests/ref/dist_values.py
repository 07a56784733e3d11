#!/usr/bin/python3
# dist_values.py - reference values of logpdf, cdf, logsf and quantile for
# every family, from scipy.stats (1.10.1), written to dist_values.csv for
# tests/unit/test_dist.c.  Run once by hand: /usr/bin/python3 dist_values.py
#
# Mapping to scipy: exponential {rate} = expon(scale=1/rate); gamma {shape,
# scale} = gamma(shape, scale=scale); weibull {shape, scale} =
# weibull_min(shape, scale=scale); lognormal {meanlog, sdlog} =
# lognorm(sdlog, scale=exp(meanlog)); loglogistic {shape, scale} =
# fisk(shape, scale=scale); normal {mean, sd} = norm(mean, sd).
# scipy's fisk.logsf is log(1 - cdf), which loses 1e-7 relative in the far
# tail, so the loglogistic logsf is taken from its closed form
# -log1p((x/scale)^shape) instead; likewise its ppf, (q^(-1/c) - 1)^(-1/c),
# loses 3e-8 at u = 1 - 1e-9, so the quantile is scale (u/(1-u))^(1/shape).
import math
from scipy import stats

cases = [
    ("exponential", (0.05,), lambda p: stats.expon(scale=1 / p[0])),
    ("exponential", (2.5,), lambda p: stats.expon(scale=1 / p[0])),
    ("gamma", (2.3, 14.0), lambda p: stats.gamma(p[0], scale=p[1])),
    ("gamma", (0.6, 3.0), lambda p: stats.gamma(p[0], scale=p[1])),
    ("gamma", (0.05, 2.0), lambda p: stats.gamma(p[0], scale=p[1])),
    ("gamma", (400.0, 0.15), lambda p: stats.gamma(p[0], scale=p[1])),
    ("gamma", (50.0, 1.0), lambda p: stats.gamma(p[0], scale=p[1])),
    ("weibull", (1.7, 40.0), lambda p: stats.weibull_min(p[0], scale=p[1])),
    ("weibull", (0.8, 5.0), lambda p: stats.weibull_min(p[0], scale=p[1])),
    ("lognormal", (3.1, 0.6), lambda p: stats.lognorm(p[1], scale=math.exp(p[0]))),
    ("lognormal", (0.2, 1.4), lambda p: stats.lognorm(p[1], scale=math.exp(p[0]))),
    ("loglogistic", (3.2, 21.0), lambda p: stats.fisk(p[0], scale=p[1])),
    ("loglogistic", (1.1, 2.0), lambda p: stats.fisk(p[0], scale=p[1])),
    ("normal", (30.0, 8.0), lambda p: stats.norm(p[0], p[1])),
    ("normal", (-2.0, 0.5), lambda p: stats.norm(p[0], p[1])),
]
def logsf(name, p, d, x):
    if name == "loglogistic":
        return -math.log1p((x / p[1]) ** p[0])
    return d.logsf(x)


def ppf(name, p, d, u):
    if name == "loglogistic":
        return p[1] * (u / (1 - u)) ** (1 / p[0])
    return d.ppf(u)


us = [1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-9]
with open("dist_values.csv", "w") as out:
    out.write("family,p1,p2,x,logpdf,cdf,logsf,u,quantile\n")
    for name, p, mk in cases:
        d = mk(p)
        for u in us:
            # x spread over the body and far into both tails
            x = float(d.ppf(u))
            for xx in (x, x * 3 if name != "normal" else x + 12 * p[1]):
                out.write("%s,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g,%.17g\n" % (
                    name, p[0], p[1] if len(p) > 1 else 0, xx,
                    d.logpdf(xx), d.cdf(xx), logsf(name, p, d, xx), u, ppf(name, p, d, u)))
