#!/usr/bin/python3
"""real-backtest.py - README's recency table: backtest the sample and the
real histories (CPython, Linux) with each way of learning, raw and
recalibrated, and pool CPython with Linux by release.  Run by hand (a
minute or so), never a test:

    /usr/bin/python3 tests/bench/real-backtest.py [BUILDDIR]

Prints the table's rows: P50 / P80 / P90 held; pinball loss P50 / P80 /
P90 (days); CRPS (days), for the sample, CPython, Linux and the pool.
"""
import json, os, subprocess, sys, tempfile
from datetime import date

build = sys.argv[1] if len(sys.argv) > 1 else '.'
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..')
PC = os.path.join(os.path.abspath(build), 'precedent')
tmp = tempfile.mkdtemp(prefix='precedent-real.')
HIST = {'sample': ('datasets/sample.csv', '2026-11-01'),
        'python': ('datasets/real/python.csv', '2026-08-22'),
        'linux': ('datasets/real/linux.csv', '2026-08-22')}
for name, (path, asof) in HIST.items():
    subprocess.run([PC, '-q', '--db', os.path.join(tmp, name + '.db'), 'import',
                    '--as-of', asof, os.path.join(src, path)], check=True)


def rows(name, opts):
    out = subprocess.run([PC, '-q', '--db', os.path.join(tmp, name + '.db'),
                          'backtest', '--calibrate', '--format', 'json'] + opts,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)['projects']


def day(s):
    return date.fromisoformat(s).toordinal()


def score(rs, cal):
    n = len(rs)
    hit, pin, crps = [0, 0, 0], [0.0, 0.0, 0.0], 0.0
    for r in rs:
        q = r['recalibrated'] if cal else r
        y = day(r['actual'])
        for i, (k, tau) in enumerate((('p50', .5), ('p80', .8), ('p90', .9))):
            x = day(q[k])
            hit[i] += y <= x
            pin[i] += tau * (y - x) if y >= x else (1 - tau) * (x - y)
        crps += q['crps_days']
    return [h / n for h in hit], [p / n for p in pin], crps / n


for label, opts in (('every project alike', []),
                    ('--half-life auto', ['--half-life', 'auto']),
                    ('--drift', ['--drift']),
                    ('--half-life 4', ['--half-life', '4'])):
    r = {name: rows(name, opts) for name in HIST}
    for cal in (0, 1):
        cells = []
        for group in (['sample'], ['python'], ['linux'], ['python', 'linux']):
            h, p, c = score(sum((r[g] for g in group), []), cal)
            cells.append('%.2f / %.2f / %.2f; %.1f / %.1f / %.1f; %.1f'
                         % (h[0], h[1], h[2], p[0], p[1], p[2], c))
        print('| %s%s | %s |' % (label, ', recalibrated' if cal else '',
                                 ' | '.join(cells)), flush=True)
