#!/bin/sh
# plan-errors.sh - `precedent plan` on unusable input: exact messages and
# exit statuses (1 bad data, 2 bad usage), never a crash.
. "$top_srcdir/tests/setup.sh"

# expect_err EXIT DESCRIPTION MESSAGE -- COMMAND...: COMMAND exits with
# EXIT, prints nothing on stdout and exactly MESSAGE on stderr.
expect_err() {
	_x=$1
	_d=$2
	_m=$3
	shift 4
	run "$_x" "$_d" -- "$@"
	expect_file "$TMP/err" "$_m" "$_d: message"
	if [ -s "$TMP/out" ]; then ok 1 "$_d: no output"; else ok 0 "$_d: no output"; fi
}

H='customer,project,phase,start,end,status'

# Usage errors.
expect_err 2 "no --start" "precedent: plan: --start DATE is required
Try 'precedent plan --help'." -- $PC plan
expect_err 2 "a start date that is not a date" \
"precedent: plan: --start: '2027-02-30' is not a date (expected YYYY-MM-DD)
Try 'precedent plan --help'." -- $PC plan --start 2027-02-30
expect_err 2 "--iterations 0" \
"precedent: plan: --iterations: '0' is not 'auto' or a whole number from 1 to 1000000000
Try 'precedent plan --help'." -- $PC plan --start 2027-01-04 --iterations 0
expect_err 2 "--threads x" \
"precedent: plan: --threads: 'x' is not a whole number from 1 to 256
Try 'precedent plan --help'." -- $PC plan --start 2027-01-04 --threads x
expect_err 2 "--calendar moon" \
"precedent: plan: --calendar: unknown calendar 'moon' (expected all|weekdays)
Try 'precedent plan --help'." -- $PC plan --start 2027-01-04 --calendar moon
expect_err 2 "--holidays without weekdays" \
"precedent: plan: --holidays needs --calendar weekdays
Try 'precedent plan --help'." -- $PC plan --start 2027-01-04 --holidays h.txt
expect_err 2 "--format xml" \
"precedent: plan: --format: unknown format 'xml' (expected table|csv|json|markdown|svg|ics)
Try 'precedent plan --help'." -- $PC plan --start 2027-01-04 --format xml
expect_err 2 "--ci with --model" \
"precedent: plan: --ci resamples past projects from the store; it cannot be used with --model
Try 'precedent plan --help'." -- $PC plan --start 2027-01-04 --model m.csv --ci

# No store, an empty store.
expect_err 1 "no store" \
"precedent: plan: no store at 'none.db' (run 'precedent import' first)" \
-- $PC --db none.db plan --start 2027-01-04
printf '%s\n' "$H" >empty.csv
$PC -q --db empty.db import empty.csv
expect_err 1 "an empty store" "precedent: plan: the store holds no history" \
-- $PC --db empty.db plan --start 2027-01-04

# No wrong answer with exit 0: dates past 9999-12-31 are an error.
cat >late.csv <<CSV
$H
A,p1,design,2026-01-05,2026-01-29,done
B,p1,design,2026-02-02,2026-02-28,done
C,p1,design,2026-03-02,2026-03-25,done
CSV
$PC -q --db late.db import late.csv
expect_err 1 "a plan past 9999-12-31" \
"precedent: plan: the dates of the release run past 9999-12-31: start earlier, or check the calendar and holidays (a calendar with no working days left has no dates to give)" \
-- $PC --db late.db plan --start 9999-12-20
expect_err 1 "a what-if past 9999-12-31" \
"precedent: whatif: the dates of the release run past 9999-12-31: start earlier, or check the calendar and holidays (a calendar with no working days left has no dates to give)" \
-- $PC --db late.db whatif --start 9999-12-20 --deadline 9999-12-31 --ci 0

# No silent cap: draws of a century or more are counted as a century, and
# said so.  Two of seven durations are 10 and 90 years.
cat >heavy.csv <<CSV
$H
A,p,x,2000-01-01,2000-01-01,done
B,p,x,2000-01-01,2000-01-02,done
C,p,x,2000-01-01,2000-01-01,done
D,p,x,2000-01-01,2009-12-31,done
E,p,x,2000-01-01,2000-01-03,done
F,p,x,2000-01-01,2000-01-01,done
G,p,x,2000-01-01,2090-01-01,done
CSV
$PC -q --db heavy.db import heavy.csv
run 0 "a phase with a century-long tail" -- $PC --db heavy.db plan --start 2027-01-04
expect_grep "^precedent: plan: warning: [0-9.]+% of the simulated durations of phase 'x' were a century or more and count as a century: its fitted [a-z]+ tail is too heavy to believe$" \
	"$TMP/err" "capped draws are reported with their share"

# One simulated release claims no standard error (it claimed 1.5 days).
run 0 "one iteration" -- $PC --db late.db plan --start 2027-01-04 --iterations 1
expect_grep '^1 simulated release \(seed 1\): too few for a Monte Carlo standard error \(100 at least\)$' \
	"$TMP/out" "one iteration: no standard error claimed"
if grep -q 'Monte Carlo standard error of the release' "$TMP/out"; then r=1; else r=0; fi
ok $r "one iteration: no standard error line"

# Bad templates, holidays and model files: FILE:LINE messages.
cat >good.csv <<CSV
$H
A,p1,design,2026-01-05,2026-01-09,done
A,p1,build,2026-01-10,2026-01-20,done
B,p1,design,2026-02-02,2026-02-08,done
B,p1,build,2026-02-09,2026-02-25,done
C,p1,design,2026-03-02,2026-03-05,done
C,p1,build,2026-03-06,2026-03-19,done
D,p1,design,2026-04-01,2026-04-03,done
D,p1,build,2026-04-04,2026-04-10,done
CSV
$PC -q --db good.db import good.csv
printf 'phase,after,lag\ndesign,,0\nbuild,design,soon\n' >t1.csv
expect_err 1 "a template lag that is not a number" \
"precedent: plan: t1.csv:3: lag 'soon' is not a whole number of days between -3650 and 3650" \
-- $PC --db good.db plan --start 2027-01-04 --template t1.csv
printf 'phase,after,lag\ndesign,,0\nbuild,design,0\nqa,build,0\n' >t2.csv
expect_err 1 "a template phase the history lacks" \
"precedent: plan: t2.csv:4: phase 'qa' is not in the history" \
-- $PC --db good.db plan --start 2027-01-04 --template t2.csv
printf 'phase,after,lag\ndesign,build,0\nbuild,design,0\n' >t3.csv
expect_err 1 "a template with a cycle" \
"precedent: plan: t3.csv:2: phase 'design' waits for itself through a cycle" \
-- $PC --db good.db plan --start 2027-01-04 --template t3.csv
expect_err 1 "a missing template" \
"precedent: plan: missing.csv: cannot open: No such file or directory" \
-- $PC --db good.db plan --start 2027-01-04 --template missing.csv
printf '2027-01-01\n2027-13-01\n' >hol.txt
expect_err 1 "a holiday that is not a date" \
"precedent: plan: hol.txt:2: '2027-13-01' is not a date" \
-- $PC --db good.db plan --start 2027-01-04 --calendar weekdays --holidays hol.txt

# ... and the good history plans.
run 0 "four projects plan" -- $PC --db good.db plan --start 2027-01-04 --format csv
expect_grep '^release,2027-01-04,' "$TMP/out" "a release row"

done_testing
