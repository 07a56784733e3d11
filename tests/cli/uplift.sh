#!/bin/sh
# uplift.sh - plan --planned DATE: the team's stated release date as
# evidence.  On a synthetic history (tests/synth --plans) whose every
# release stated at its start a plan that slipped by a lognormal(0.2,
# 0.1) factor, a new release planned to take 80 days is forecast from
# that plan at 80 times the slip's quantiles, the weight goes to the plan
# (it is sharper than the history) and backtest scores it better; the
# same plans written only when the last phase began are not evidence, and
# the plan says so; bad uses are named.
. "$top_srcdir/tests/setup.sh"

GEN=$top_builddir/tests/synth/gen-synth
"$GEN" --projects 40 --rho 0.5 --seed 5 --plans start >start.csv
"$GEN" --projects 40 --rho 0.5 --seed 5 --plans late >late.csv
$PC -q --db start.db import start.csv
$PC -q --db late.db import late.csv

days() { # days from 2027-01-04 to $1, both counted
	echo $(( ($(date -u -d "$1" +%s) - $(date -u -d 2027-01-04 +%s)) / 86400 + 1 ))
}

# 80 days: 2027-01-04 .. 2027-03-24
run 0 "plan --planned" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-03-24 --iterations 20000
expect_grep '^Stated release date 2027-03-24: [0-9]+% likely by the history.s plan, [0-9]% with the stated plan as evidence\.$' \
	"$TMP/out" "the stated date's odds, by the history and with the plan (the truth: 2%)"
expect_grep '^[34][0-9] past releases recorded the date planned at their start and took a median 1\.[12][0-9] times the planned time\. Weight on the history: 0\.[0-3], the lowest CRPS over [0-9]+ of those releases' \
	"$TMP/out" "how many past plans, their median slip (truth 1.22) and the weight, near the plan"
row=$(grep '^stated plan, slipped as past plans did' "$TMP/out")
p50=$(days "$(echo "$row" | awk '{ print $(NF - 2) }')")
p90=$(days "$(echo "$row" | awk '{ print $NF }')")
# the truth: 80 e^0.2 = 97.7 and 80 e^(0.2 + 1.28 0.1) = 111.1 days, max(3 days, 7%)
[ "$p50" -ge 91 ] && [ "$p50" -le 105 ] && r=0 || r=1
ok $r "the stated plan's P50 is $p50 days (truth 98)"
[ "$p90" -ge 103 ] && [ "$p90" -le 119 ] && r=0 || r=1
ok $r "the stated plan's P90 is $p90 days (truth 111)"
expect_grep '^Suggested launch: 2027-0[34]-[0-9]+ \(P50 of the history combined with the stated plan\); 80% likely by 2027-0[34]-[0-9]+$' \
	"$TMP/out" "the headline is the combination's, and says so"
comb=$(grep '^combined  ' "$TMP/out" | awk '{ print $3 }')
grep -q "^Suggested launch: $comb " "$TMP/out" && r=0 || r=1
ok $r "the headline's P50 is the combination's ($comb)"
expect_grep '^history  ' "$TMP/out" "the history's row"
expect_grep '^combined  ' "$TMP/out" "the combination's row"
expect_grep "^The phase table below is the history's\.$" "$TMP/out" "says which table is whose"

run 0 "plan --planned --format markdown" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-03-24 --iterations 20000 --format markdown
expect_grep '^\| combined \| 2027-' "$TMP/out" "markdown: the combination's row"
prev=$(grep -B1 "^The phase table below is the history's" "$TMP/out" | head -1)
[ -z "$prev" ] && r=0 || r=1
ok $r "markdown: a blank line ends the table before the sentence after it"
run 0 "plan --planned --format json" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-03-24 --iterations 20000 --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"stated":\{"date":"2027-03-24","p_history":0\.[0-9]+,"p_combined":0\.0[0-9]+,"past_plans":[34][0-9],"used":true,"median_slip":1\.[12][0-9]+,"weight_history":0\.[0-3][0-9]*,"weight_chosen_on":[0-9]+,"release":\{"history":\{"p10":"2027-[0-9-]+","p50"' && r=0 || r=1
ok $r "JSON: the stated date, both odds, the plans, the weight, the three releases"

run 0 "plans written late are no evidence" -- $PC --db late.db plan --start 2027-01-04 --planned 2027-03-24 --iterations 20000
expect_grep "^Only 0 past releases recorded the date planned at their start \(a last phase's planned_end with a plan_as_of on or before the project's start\); 5 are needed to learn how plans slip, so the plan below is the history's alone\.$" \
	"$TMP/out" "late plans: the history's plan alone, and why"
grep -q '^combined' "$TMP/out" && r=1 || r=0
ok $r "late plans: no combination shown"
run 0 "json, late plans" -- $PC --db late.db plan --start 2027-01-04 --planned 2027-03-24 --iterations 20000 --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"past_plans":0,"used":false,"median_slip":null,"weight_history":1(\.0)?,.*"stated_plan":null' && r=0 || r=1
ok $r "JSON, late plans: not used, no stated plan"

run 0 "backtest with stated plans" -- $PC --db start.db backtest --iterations 2000
expect_grep '^the plan stated at the start as evidence \(plan --planned\), on the [0-9]+ releases' "$TMP/out" \
	"backtest scores the stated plans"
hist=$(sed -n "s/^the history's forecast  *[0-9.]*  *[0-9.]*  *[0-9.]*  *\([0-9.]*\)$/\1/p" "$TMP/out")
stat=$(sed -n "s/^the plan stated at the start, slipped  *[0-9.]*  *[0-9.]*  *[0-9.]*  *\([0-9.]*\)$/\1/p" "$TMP/out")
awk -v h="$hist" -v s="$stat" 'BEGIN { exit !(h > 0 && s > 0 && s < 0.6 * h) }' && r=0 || r=1
ok $r "the stated plan's CRPS ($stat) is well below the history's ($hist)"
run 0 "backtest with late plans" -- $PC --db late.db backtest --iterations 2000
grep -q "the plan stated at the start as evidence" "$TMP/out" && r=1 || r=0
ok $r "late plans are not scored as evidence"

# Bad uses.
run 2 "--planned before --start" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-01-03
expect_grep "^precedent: plan: --planned: the stated release date is before --start$" "$TMP/err" "named"
run 2 "--planned not a date" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-13-01
expect_grep "^precedent: plan: --planned: '2027-13-01' is not a date \(expected YYYY-MM-DD\)$" "$TMP/err" "named"
run 2 "--planned with --format csv" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-03-24 --format csv
expect_grep "^precedent: plan: --planned is shown only with --format table, markdown or json$" "$TMP/err" "named"
run 2 "--planned with --ci" -- $PC --db start.db plan --start 2027-01-04 --planned 2027-03-24 --ci
expect_grep "^precedent: plan: --planned cannot be combined with --ci" "$TMP/err" "named"

done_testing
