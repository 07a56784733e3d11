#!/usr/bin/python3
"""Reference odds for tests/unit/test_whatif.c, from scipy.stats.

A phase whose continuous duration X has CDF F lasts d whole days with
P(d <= k) = F(k + 0.5) (k >= 1): X rounded to the nearest day, at least
one (plan_internal.h, pci_duration_table).  A release started on day 0
whose last phase finishes on offset f is on time for a deadline at
offset D when f <= D.

  one:   gamma(shape 3, scale 5) alone: f = d - 1, so P(d <= D + 1).
  chain: gamma(3, 5) then lognormal(meanlog 2.5, sdlog 0.5), lag 0:
         f = dA + dB - 1, so P(dA + dB <= D + 1), by exact convolution
         of the two whole-day distributions.
Run: python3 tests/ref/whatif_refs.py > tests/ref/whatif_refs.csv
"""
import numpy as np
from scipy import stats

K = 400
def pmf(dist):
    c = dist.cdf(np.arange(1, K + 1) + 0.5)
    p = np.diff(np.concatenate([[0.0], c]))
    return p  # p[k - 1] = P(d = k)

a = pmf(stats.gamma(3, scale=5))
b = pmf(stats.lognorm(0.5, scale=np.exp(2.5)))
# distribution of dA + dB: index s - 2 holds P(sum = s)
conv = np.convolve(a, b)
print("case,deadline_offset,p")
for D in (5, 10, 15, 20, 30):
    print("one,%d,%.10f" % (D, a[:D + 1].sum()))
for D in (15, 25, 30, 40, 55):
    # P(sum <= D + 1) = sum over s = 2 .. D + 1
    print("chain,%d,%.10f" % (D, conv[:D].sum()))
