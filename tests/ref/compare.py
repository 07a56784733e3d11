#!/usr/bin/python3
# compare.py PRECEDENT - print, for every reference data set and family,
# precedent's log-likelihood next to the best of fitdistrplus's and
# scipy's (fit_refs_r.csv, fit_refs_scipy.csv) and the margin.  Run by
# hand from tests/ref, e.g. /usr/bin/python3 compare.py ../../build/precedent;
# its output is kept in COMPARISON.md.  tests/unit/test_fit.c asserts the
# same margins without needing this script.
import csv
import json
import subprocess
import sys

pc = sys.argv[1]
best = {}
for path in ("fit_refs_r.csv", "fit_refs_scipy.csv"):
    with open(path) as f:
        for r in csv.DictReader(f):
            k = (r["dataset"], r["family"])
            ll = float(r["loglik"])
            if k not in best or ll > best[k][0]:
                best[k] = (ll, r["source"])
print("| data set | family | precedent log L | best reference | source | margin |")
print("|---|---|---|---|---|---|")
for ds in ("groundbeef", "endosulfan", "linux_stabilization", "lung", "ovarian", "python_rc"):
    out = subprocess.run([pc, "fitdist", "--format", "json", "--column", "value",
                          "--censor-column", "censored", "data/%s.csv" % ds],
                         capture_output=True, text=True).stdout
    for fit in json.loads(out)["fits"]:
        k = (ds, fit["family"])
        ref = best.get(k)
        ll = fit.get("loglik")
        print("| %s | %s | %s | %s | %s | %s |" % (
            ds, fit["family"], "%.9f" % ll if ll is not None else fit.get("error"),
            "%.9f" % ref[0] if ref else "(failed)", ref[1] if ref else "-",
            "%+.2e" % (ll - ref[0]) if ref and ll is not None else "-"))
