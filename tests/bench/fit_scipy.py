#!/usr/bin/python3
# fit_scipy.py FILE - seconds scipy.stats takes to fit the six families
# (MLE, location fixed at 0 for the positive ones) to the numbers in FILE;
# loading is not timed.  Helper of fit.sh.
import sys
import time

import numpy as np
from scipy import stats

x = np.loadtxt(sys.argv[1])
t = time.perf_counter()
c = time.process_time()
stats.expon.fit(x, floc=0)
stats.gamma.fit(x, floc=0)
stats.weibull_min.fit(x, floc=0)
stats.lognorm.fit(x, floc=0)
stats.fisk.fit(x, floc=0)
stats.norm.fit(x)
print("%.3f %.3f" % (time.perf_counter() - t, time.process_time() - c))
