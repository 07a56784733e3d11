#!/usr/bin/env python3
"""make_whole_se_refs.py - reference whole-day maximum-likelihood fits,
with standard errors, for tests/unit/test_tails.c, computed with mpmath
at 40 significant digits (independently of precedent and of GSL).

A finished duration of d whole days has probability F(1.5) for d = 1,
else F(d + 0.5) - F(d - 0.5); a phase running for c days, S(c - 0.5).
The optimum is where mpmath's numerical gradient vanishes (findroot
from moment estimates), and the standard errors are the square roots of
the diagonal of the inverse of minus mpmath's numerical Hessian, in the
natural parameters.  Writes fit_refs_whole_se.csv on stdout:
family,p1,p2,se1,se2,loglik

Run: python3 tests/ref/make_whole_se_refs.py > tests/ref/fit_refs_whole_se.csv
(Debian: python3-mpmath)
"""
import mpmath as mp

mp.mp.dps = 40

FINISHED = [3, 5, 5, 6, 7, 7, 7, 8, 9, 12, 14, 2, 4, 4, 1, 21]
RUNNING = [10, 3]

def cdf(fam, p, x):
    if x <= 0:
        return mp.mpf(0)
    if fam == "exponential":
        return -mp.expm1(-p[0] * x)
    if fam == "gamma":
        return mp.gammainc(p[0], 0, x / p[1], regularized=True)
    if fam == "weibull":
        return -mp.expm1(-(x / p[1]) ** p[0])
    if fam == "lognormal":
        return mp.ncdf((mp.log(x) - p[0]) / p[1])
    if fam == "loglogistic":
        return 1 / (1 + (x / p[1]) ** (-p[0]))
    if fam == "normal":
        return mp.ncdf((x - p[0]) / p[1])
    raise ValueError(fam)

def loglik(fam, p):
    s = mp.mpf(0)
    for d in FINISHED:
        if d <= 1:
            s += mp.log(cdf(fam, p, mp.mpf(1.5)))
        else:
            s += mp.log(cdf(fam, p, d + mp.mpf(0.5)) - cdf(fam, p, d - mp.mpf(0.5)))
    for c in RUNNING:
        s += mp.log(1 - cdf(fam, p, c - mp.mpf(0.5)))
    return s

def start(fam):
    x = [mp.mpf(v) for v in FINISHED]
    n = len(x)
    m = sum(x) / n
    v = sum((t - m) ** 2 for t in x) / n
    lx = [mp.log(t) for t in x]
    lm = sum(lx) / n
    ls = mp.sqrt(sum((t - lm) ** 2 for t in lx) / n)
    return {
        "exponential": [1 / m],
        "gamma": [m * m / v, v / m],
        "weibull": [mp.pi / (ls * mp.sqrt(6)), mp.exp(lm + mp.euler * ls * mp.sqrt(6) / mp.pi)],
        "lognormal": [lm, ls],
        "loglogistic": [mp.pi / (ls * mp.sqrt(3)), mp.exp(lm)],
        "normal": [m, mp.sqrt(v)],
    }[fam]

print("family,p1,p2,se1,se2,loglik")
for fam in ["exponential", "gamma", "weibull", "lognormal", "loglogistic", "normal"]:
    p0 = start(fam)
    k = len(p0)
    f = lambda *p: loglik(fam, list(p))
    grad = lambda *p: [mp.diff(f, p, tuple(1 if j == i else 0 for j in range(k))) for i in range(k)]
    p = mp.findroot(grad, p0)
    p = [p[i] for i in range(k)] if isinstance(p, mp.matrix) else [p]
    h = mp.matrix(k, k)
    for i in range(k):
        for j in range(k):
            h[i, j] = mp.diff(f, p, tuple((i == m) + (j == m) for m in range(k)))
    c = (-h) ** -1
    se = [mp.sqrt(c[i, i]) for i in range(k)]
    row = [fam] + [mp.nstr(v, 17) for v in p] + ([""] if k == 1 else []) \
        + [mp.nstr(v, 17) for v in se] + ([""] if k == 1 else []) + [mp.nstr(f(*p), 17)]
    print(",".join(row))
