#!/usr/bin/python3
# fit_scipy.py FILE [CENSFILE] - seconds scipy.stats takes to fit the six
# families (MLE, location fixed at 0 for the positive ones) to the numbers
# in FILE; loading is not timed.  With CENSFILE (0/1 per line, 1 = still
# running), scipy 1.10 has no censored fit, so each family's censored
# log-likelihood (logpdf of finished + logsf of running) is maximised
# with scipy.optimize.minimize (Nelder-Mead) from the uncensored fit of
# the finished values: what a scipy user writes.  Prints "WALL CPU".
# Helper of fit.sh.
import sys
import time

import numpy as np
from scipy import optimize, stats

x = np.loadtxt(sys.argv[1])
cens = np.loadtxt(sys.argv[2]).astype(bool) if len(sys.argv) > 2 else None
fams = [(stats.expon, True), (stats.gamma, True), (stats.weibull_min, True),
        (stats.lognorm, True), (stats.fisk, True), (stats.norm, False)]
t = time.perf_counter()
c = time.process_time()
for dist, positive in fams:
    kw = {"floc": 0} if positive else {}
    if cens is None:
        dist.fit(x, **kw)
        continue
    xe, xc = x[~cens], x[cens]
    p0 = np.array(dist.fit(xe, **kw))
    free = [i for i in range(len(p0)) if not (positive and i == len(p0) - 2)]

    def nll(q):
        p = p0.copy()
        p[free] = q
        if p[-1] <= 0 or (len(p) > 2 and p[0] <= 0):
            return np.inf
        return -(dist.logpdf(xe, *p).sum() + dist.logsf(xc, *p).sum())
    optimize.minimize(nll, p0[free], method="Nelder-Mead")
print("%.3f %.3f" % (time.perf_counter() - t, time.process_time() - c))
