#!/bin/sh
# thin.sh - a phase seen in only one or two past projects, or never
# finished, still gets a plan from plan, whatif and backtest: its range is
# pooled with the other phases' (THIN PHASES in precedent(1)), with a
# warning on stderr and "thin": true in JSON.
. "$top_srcdir/tests/setup.sh"

H='customer,project,phase,start,end,status'

# build: two finished durations (11 and 17 days); C has no build at all.
cat >two.csv <<CSV
$H
A,p1,design,2026-01-05,2026-01-09,done
A,p1,build,2026-01-10,2026-01-20,done
B,p1,design,2026-02-02,2026-02-08,done
B,p1,build,2026-02-09,2026-02-25,done
C,p1,design,2026-03-02,2026-03-05,done
CSV
$PC -q --db two.db import two.csv
run 0 "a phase with two past projects is planned" -- $PC --db two.db plan --start 2027-01-04
expect_file "$TMP/err" "precedent: plan: warning: phase 'build' has only 2 finished past durations: its range is pooled with the other phases' (see THIN PHASES in precedent(1))" \
	"the thin phase is named on stderr"
expect_grep '^build +2027-01-' "$TMP/out" "the thin phase has dates"
run 0 "json" -- $PC --db two.db plan --start 2027-01-04 --format json --show-structure
python_free_check() {
	# "thin": true for build, false for design, without a JSON tool
	tr -d ' \n' <"$TMP/out" | grep -Eq "$1"
}
python_free_check '"phase":"build","occurs":[0-9.]+,"thin":true' && r=0 || r=1
ok $r "json flags the thin phase"
python_free_check '"phase":"design","occurs":1(\.0)?,"thin":false' && r=0 || r=1
ok $r "json leaves the fitted phase unflagged"
# build waits for design: both of its projects agree, a lag of 0 days
python_free_check '"phase":"build".*"after":\["design"\]' && r=0 || r=1
ok $r "the thin phase still finds its predecessor"

# Its pooled median lies between the two durations it was seen with
# (11 and 17 days: finish P50 of build is 11..17 days after its start).
run 0 "table" -- $PC --db two.db plan --start 2027-01-04 --show-structure
expect_grep '^build +design +0 .*lognormal.*median 1[1-7]\.[0-9] .*\(pooled: thin data\)' "$TMP/out" \
	"the pooled median lies between the durations seen"

run 0 "whatif with a thin phase" -- $PC --db two.db whatif --start 2027-01-04 --deadline 2027-02-15 --ci 40
expect_grep '^2027-02-15 +0\.[89][0-9]{2} +\[' "$TMP/out" "whatif gives odds and an interval"

# A phase no project finished: three running builds, design finished.
cat >never.csv <<CSV
$H
A,p1,design,2026-01-05,2026-01-09,done
A,p1,build,2026-01-10,,ongoing
B,p1,design,2026-02-02,2026-02-08,done
B,p1,build,2026-02-09,,ongoing
C,p1,design,2026-03-02,2026-03-05,done
C,p1,build,2026-03-06,,ongoing
D,p1,design,2026-04-01,2026-04-02,done
CSV
$PC -q --db never.db import --as-of 2026-06-01 never.csv
run 0 "a phase no project finished is planned" -- $PC --db never.db plan --start 2027-01-04 --show-structure
expect_grep "phase 'build' has only 0 finished past durations" "$TMP/err" "the unfinished phase is named"
# The builds have run 87, 113 and 143 days so far: a duration is at
# least that, so the pooled median is no shorter than the shortest.
expect_grep '^build .*median (8[7-9]|9[0-9]|[1-9][0-9]{2})\.[0-9] ' "$TMP/out" \
	"running builds count as at least their length"

# backtest forecasts projects whose history holds a phase seen once.
cat >once.csv <<CSV
$H
A,p1,design,2025-01-06,2025-01-10,done
A,p1,build,2025-01-11,2025-01-25,done
B,p1,design,2025-02-03,2025-02-09,done
B,p1,build,2025-02-10,2025-02-28,done
C,p1,design,2025-03-03,2025-03-06,done
C,p1,build,2025-03-07,2025-03-20,done
C,p1,review,2025-03-21,2025-03-24,done
D,p1,design,2025-04-07,2025-04-12,done
D,p1,build,2025-04-13,2025-04-30,done
E,p1,design,2025-05-05,2025-05-09,done
E,p1,build,2025-05-10,2025-05-24,done
F,p1,design,2025-06-02,2025-06-06,done
F,p1,build,2025-06-07,2025-06-25,done
CSV
$PC -q --db once.db import once.csv
run 0 "backtest with a phase seen once" -- $PC --db once.db backtest --min-known 3 --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"not_learnable":0' && r=0 || r=1
ok $r "no project is skipped for want of data in one phase"

done_testing
