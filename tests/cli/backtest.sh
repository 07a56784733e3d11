#!/bin/sh
# backtest.sh - `precedent backtest`: the plan of the time is the last
# phase's planned_end, only projects with enough finished predecessors
# are forecast, and malformed options get exact messages.
. "$top_srcdir/tests/setup.sh"

D=$top_srcdir/tests/data/backtest
db=$TMP/t.db
run 0 "--help" -- $PC backtest --help
expect_grep '^Usage: precedent backtest' "$TMP/out" "--help shows the usage"

# Eight projects one after another, two phases each; p7 records no
# planned release (its last phase has no planned_end, its first has).
run 0 "import" -- $PC --db "$db" -q import --as-of 2024-12-31 "$D/planned.csv"
run 0 "csv" -- $PC --db "$db" backtest --format csv --iterations 2000
expect_grep '^customer,project,start,actual,known,phases,p50,p80,p90,naive,planned,pit,crps$' \
	"$TMP/out" "csv header"
n=$(wc -l <"$TMP/out")
[ "$n" -eq 4 ] && r=0 || r=1
ok $r "p6, p7 and p8 have at least 5 finished predecessors ($((n - 1)) rows)"
expect_grep '^acme,p6,2024-04-12,2024-04-27,5,2,[-0-9,]*,2024-04-27,[01]\.[0-9]{4},[0-9]+\.[0-9]{2}$' "$TMP/out" \
	"p6: 5 known, planned release from its last phase"
expect_grep '^acme,p7,2024-05-02,2024-05-18,6,2,[-0-9,]*,,[01]\.[0-9]{4},[0-9]+\.[0-9]{2}$' "$TMP/out" \
	"p7: no planned_end on its last phase, no plan"
expect_grep '^acme,p8,2024-05-23,2024-06-08,7,2,[-0-9,]*,2024-06-07,[01]\.[0-9]{4},[0-9]+\.[0-9]{2}$' "$TMP/out" \
	"p8: planned a day before it finished"
run 0 "summary csv" -- $PC --db "$db" backtest --format csv --summary --iterations 2000
n=$(grep -c '^reliability,p[1-9]0,[0-9.]*$' "$TMP/out")
[ "$n" -eq 9 ] && r=0 || r=1
ok $r "the summary has the reliability table, 10% to 90% ($n rows)"
a=$(sed -n 's/^reliability,p80,//p' "$TMP/out"); b=$(sed -n 's/^hit,p80,//p' "$TMP/out")
[ -n "$a" ] && [ "$a" = "$b" ] && r=0 || r=1
ok $r "its 80% level is the P80 hit rate ($a, $b)"
expect_grep '^crps_days,,[0-9.]+$' "$TMP/out" "the summary has the CRPS"
run 0 "table" -- $PC --db "$db" backtest --summary --iterations 2000
expect_grep '^CRPS \(whole forecast against the actual date\): [0-9.]+ days; the naive plan.s \(its absolute error\): [0-9.]+$' \
	"$TMP/out" "the table gives the CRPS beside the naive plan's"
run 0 "json" -- $PC --db "$db" backtest --format json --iterations 2000
expect_grep '"plan_held":0.5,' "$TMP/out" "json: the plan held once in two"
for key in evaluated skipped forecast hit pinball_days naive planned projects reliability crps_days pit; do
	expect_grep "\"$key\":" "$TMP/out" "json has $key"
done
run 0 "holdout" -- $PC --db "$db" backtest --format csv --holdout 1 --iterations 2000
expect_grep '^acme,p8,' "$TMP/out" "--holdout 1 keeps the last project"
[ "$(wc -l <"$TMP/out")" -eq 2 ] && r=0 || r=1
ok $r "--holdout 1 keeps one"

# --forecasts: eight projects on eight days; two forecasts are the first
# and the last evaluable day, the one between is counted, not scored.
run 0 "forecasts 2" -- $PC --db "$db" backtest --format csv --iterations 2000 --forecasts 2
expect_grep '^acme,p6,' "$TMP/out" "--forecasts 2 keeps the first day"
expect_grep '^acme,p8,' "$TMP/out" "--forecasts 2 keeps the last day"
[ "$(wc -l <"$TMP/out")" -eq 3 ] && r=0 || r=1
ok $r "--forecasts 2 scores two"
run 0 "forecasts 2 json" -- $PC --db "$db" backtest --format json --iterations 2000 --forecasts 2
expect_grep '"forecasts":2,' "$TMP/out" "json: two forecasts"
expect_grep '"not_forecast":1[,}]' "$TMP/out" "json: one release not forecast"
run 0 "forecasts 2 table" -- $PC --db "$db" backtest --iterations 2000 --forecasts 2
expect_grep '^2 forecasts on as many start days .--forecasts 2.: 1 releases starting on other days not scored$' \
	"$TMP/out" "table: the cap and what it left out are said"
run 0 "forecasts 0" -- $PC --db "$db" backtest --iterations 2000 --forecasts 0
expect_grep '^3 forecasts, one per start day$' "$TMP/out" "--forecasts 0: every day"
run 2 "forecasts not a number" -- $PC --db "$db" backtest --forecasts many
expect_file "$TMP/err" "precedent: backtest: --forecasts: 'many' is not a whole number from 0 to 1000000
Try 'precedent backtest --help'." "forecasts not a number: message"

run 1 "too few predecessors" -- $PC --db "$db" backtest --min-known 9
expect_file "$TMP/err" "precedent: backtest: no project has 9 finished predecessors to learn from" \
	"too few predecessors: message"
run 2 "holdout 0" -- $PC --db "$db" backtest --holdout 0
expect_file "$TMP/err" "precedent: backtest: --holdout: '0' is not a whole number from 1 to 1000000
Try 'precedent backtest --help'." "holdout 0: message"
run 2 "min-known not a number" -- $PC --db "$db" backtest --min-known five
expect_file "$TMP/err" "precedent: backtest: --min-known: 'five' is not a whole number from 1 to 1000000
Try 'precedent backtest --help'." "min-known not a number: message"
run 2 "markdown" -- $PC --db "$db" backtest --format markdown
expect_file "$TMP/err" "precedent: backtest: --format: unknown format 'markdown' (expected table|csv|json)
Try 'precedent backtest --help'." "markdown: message"

# The bundled sample: calibrated within what 20 forecasts can tell.
run 0 "import sample" -- $PC --db "$TMP/s.db" -q import --as-of 2026-11-01 \
	"$top_srcdir/datasets/sample.csv"
run 0 "sample" -- $PC --db "$TMP/s.db" backtest --holdout 20
expect_grep '^20 projects evaluated' "$TMP/out" "sample: 20 evaluated"
expect_grep '^plan of the time, on the 20 projects' "$TMP/out" "sample: plans of the time read"

done_testing
