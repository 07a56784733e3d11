#!/bin/sh
# trend.sh - a history whose releases grow steadily makes every command
# that learns from it warn, which way and how fast (Mann-Kendall with
# Sen's slope, TRENDS in precedent(1)); a trendless one makes none.
. "$top_srcdir/tests/setup.sh"

# 40 projects 30 days apart, two phases: 'build' grows half a day per
# project (about 6 days a year) with a wobble, 'test' has none.
gen() { # gen GROWTH
	awk -v g="$1" 'BEGIN {
		print "customer,project,phase,start,end,status"
		for (i = 0; i < 40; i++) {
			s = i * 30
			b = 10 + int(i * g) + (i * 7) % 5 - 2
			t = 5 + (i * 3) % 5
			printf "C%d,r,build,%d,%d,done\n", i, s, s + b - 1
			printf "C%d,r,test,%d,%d,done\n", i, s + b, s + b + t - 1
		}
	}' | awk -F, 'NR == 1 { print; next } {
		cmd = "date -u -d \"2021-01-04 +" $4 " days\" +%F"; cmd | getline a; close(cmd)
		cmd = "date -u -d \"2021-01-04 +" $5 " days\" +%F"; cmd | getline b; close(cmd)
		print $1 "," $2 "," $3 "," a "," b "," $6
	}'
}
gen 0.5 >grow.csv
gen 0 >flat.csv
$PC -q --db grow.db import grow.csv
$PC -q --db flat.db import flat.csv

run 0 "plan on a growing history" -- $PC --db grow.db plan --start 2027-01-04
expect_grep '^precedent: plan: warning: releases have grown over the history, by [0-9.]+ days a year \(Mann-Kendall tau 0\.[0-9]+, p [0-9.e-]+, 40 finished\), but old and recent projects count alike: --half-life auto weighs that \(see TRENDS in precedent\(1\)\)$' \
	"$TMP/err" "the release's trend comes first, with its size and test"
expect_grep "^precedent: plan: warning: phase 'build' durations have grown over the history, by [5-7]\.[0-9] days a year" \
	"$TMP/err" "the growing phase is named, at about 6 days a year"
grep -q "phase 'test'" "$TMP/err" && r=1 || r=0
ok $r "the trendless phase is not"
n=$(grep -c 'warning: ' "$TMP/err")
[ "$n" -eq 2 ] && r=0 || r=1
ok $r "two warnings, no more ($n)"
for cmd in "fit" "backtest" "whatif --start 2027-01-04 --deadline 2027-06-01 --ci 0"; do
	run 0 "$cmd on a growing history" -- $PC --db grow.db $cmd
	expect_grep "^precedent: ${cmd%% *}: warning: releases have grown over the history" \
		"$TMP/err" "$cmd warns too"
done
run 0 "the report" -- $PC --db grow.db report --start 2027-01-04 --no-backtest -o grow.html
expect_grep 'Trend: its durations have grown by [5-7]\.[0-9] days a year over the history \(Mann-Kendall p' \
	grow.html "the report says it under the phase's chart"

run 0 "plan --format json" -- $PC --db grow.db plan --start 2027-01-04 --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"trends":\[\{"phase":"build","finished":40,"tau":0\.[0-9]+,"p":[0-9.e-]+,"days_per_year":[5-7]\.[0-9]+,"significant":true\}' && r=0 || r=1
ok $r "json lists the trends, the growing phase significant"
tr -d ' \n' <"$TMP/out" | grep -Eq '\{"phase":null,"finished":40,[^}]*"significant":true\}\]' && r=0 || r=1
ok $r "json ends the trends with the release's"

run 0 "plan on a trendless history" -- $PC --db flat.db plan --start 2027-01-04
[ ! -s "$TMP/err" ] && r=0 || r=1
ok $r "no trend, no warning"
done_testing
