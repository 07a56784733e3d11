#!/usr/bin/python3
"""plan_numpy.py - a vectorised numpy simulation of the same plan model as
`precedent plan --model MODEL --template TEMPLATE`, for tests/bench/plan.sh.

Reads the model CSV (phase,family,param1,value1,...) and the template CSV
(phase,after,lag), draws every phase's duration independently for all
iterations at once, rounds to whole days as precedent does (round half up,
at least 1), lays the phases out (start = finish of `after` + 1 + lag, not
before day 0) and prints the release P50/P80/P90 as day offsets and the
time the simulation took, wall clock and CPU (user + system of this
process, which counts the page faults of numpy's large arrays).
Percentiles: inverted CDF, as precedent's.

usage: plan_numpy.py MODEL TEMPLATE ITERATIONS SEED
"""
import csv
import sys
import time

import numpy as np


def draw(rng, fam, p, n):
    if fam == "exponential":
        return rng.exponential(1.0 / p["rate"], n)
    if fam == "gamma":
        return rng.gamma(p["shape"], p["scale"], n)
    if fam == "weibull":
        return p["scale"] * rng.weibull(p["shape"], n)
    if fam == "lognormal":
        return rng.lognormal(p["meanlog"], p["sdlog"], n)
    if fam == "loglogistic":
        u = rng.random(n)
        return p["scale"] * (u / (1 - u)) ** (1.0 / p["shape"])
    if fam == "normal":
        return rng.normal(p["mean"], p["sd"], n)
    raise SystemExit("unknown family " + fam)


def main():
    model, template, iters, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    fams = {}
    with open(model) as f:
        for row in csv.DictReader(f):
            p = {}
            for k in (1, 2, 3):
                if row["param%d" % k]:
                    p[row["param%d" % k]] = float(row["value%d" % k])
            fams[row["phase"]] = (row["family"], p)
    with open(template) as f:
        rows = list(csv.DictReader(f))
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    c0 = time.process_time()
    fin = {}
    release = np.zeros(iters, dtype=np.int64)
    for r in rows:  # the template lists predecessors first
        fam, p = fams[r["phase"]]
        d = np.maximum(1, np.floor(draw(rng, fam, p, iters) + 0.5)).astype(np.int64)
        lag = int(r["lag"] or 0)
        start = np.full(iters, lag, dtype=np.int64) if not r["after"] else fin[r["after"]] + 1 + lag
        start = np.maximum(start, 0)
        fin[r["phase"]] = start + d - 1
        release = np.maximum(release, fin[r["phase"]])
    q = np.quantile(release, [0.5, 0.8, 0.9], method="inverted_cdf")
    t1 = time.perf_counter()
    c1 = time.process_time()
    print("%d %d %d %.4f %.4f" % (q[0], q[1], q[2], t1 - t0, c1 - c0))


if __name__ == "__main__":
    main()
