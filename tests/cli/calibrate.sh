#!/bin/sh
# calibrate.sh - --calibrate of backtest, plan and whatif: the nested
# backtest learns each map only from earlier releases, the plan moves only
# the release dates, and only the way the backtest says it erred; bad
# combinations get exact messages.
. "$top_srcdir/tests/setup.sh"

D=$top_srcdir/tests/data/backtest
db=$TMP/t.db

# Eight projects one after another: p6, p7 and p8 are forecast; p6 has no
# earlier release (its map is the identity), p7 knows p6's PIT, p8 both.
run 0 "import" -- $PC --db "$db" -q import --as-of 2024-12-31 "$D/planned.csv"
run 0 "csv" -- $PC --db "$db" backtest --format csv --iterations 2000 --calibrate
expect_grep '^customer,project,start,actual,known,phases,p50,p80,p90,naive,planned,pit,crps,cal_pits,cal_a,cal_b,p50_cal,p80_cal,p90_cal,pit_cal,crps_cal$' \
	"$TMP/out" "csv header with the recalibrated columns"
# p6: identity, so the recalibrated dates, PIT and CRPS are the raw ones
line=$(grep '^acme,p6,' "$TMP/out")
raw=$(echo "$line" | cut -d, -f7-9,12-13)
cal=$(echo "$line" | cut -d, -f17-21)
pits=$(echo "$line" | cut -d, -f14-16)
[ "$pits" = "0,1.0000,1.0000" ] && [ "$raw" = "$cal" ] && r=0 || r=1
ok $r "p6: no earlier release, the identity map, raw = recalibrated ($raw | $cal)"
expect_grep '^acme,p7,([^,]*,){11}1,' "$TMP/out" "p7: its map knows one PIT (p6's)"
expect_grep '^acme,p8,([^,]*,){11}2,' "$TMP/out" "p8: its map knows two"
run 0 "csv without --calibrate" -- $PC --db "$db" backtest --format csv --iterations 2000
expect_grep '^customer,project,start,actual,known,phases,p50,p80,p90,naive,planned,pit,crps$' \
	"$TMP/out" "without --calibrate the columns are as before"

run 0 "summary csv" -- $PC --db "$db" backtest --format csv --summary --iterations 2000 --calibrate
n=$(grep -c '^reliability_cal,p[1-9]0,[0-9.]*$' "$TMP/out")
[ "$n" -eq 9 ] && r=0 || r=1
ok $r "the summary has the recalibrated reliability table ($n rows)"
for m in hit_cal,p50 hit_cal,p80 hit_cal,p90 pinball_cal_days,p50 crps_cal_days, \
	mean_error_p50_cal_days,; do
	expect_grep "^$m,-?[0-9.e+-]+\$" "$TMP/out" "summary csv has $m"
done
a=$(sed -n 's/^reliability_cal,p80,//p' "$TMP/out"); b=$(sed -n 's/^hit_cal,p80,//p' "$TMP/out")
[ -n "$a" ] && [ "$a" = "$b" ] && r=0 || r=1
ok $r "its 80% level is the recalibrated P80 hit rate ($a, $b)"

run 0 "summary table" -- $PC --db "$db" backtest --summary --iterations 2000 --calibrate
expect_grep '^  recalibrated +[0-9.]+ +[0-9.]+ +[0-9.]+$' "$TMP/out" "table: recalibrated hit rates beside the raw"
n=$(grep -c '^  recalibrated' "$TMP/out")
[ "$n" -eq 3 ] && r=0 || r=1
ok $r "table: hit rates, pinball and reliability recalibrated ($n lines)"
expect_grep '^recalibrated CRPS: [0-9.]+ days; mean actual - recalibrated P50: [-+][0-9.]+ days$' \
	"$TMP/out" "table: the recalibrated CRPS"
run 0 "json" -- $PC --db "$db" backtest --format json --iterations 2000 --calibrate
expect_grep '"recalibrated":\{"prior":10(\.0)?,"hit":\{' "$TMP/out" "json: recalibrated scores"
expect_grep '"recalibrated":\{"p50":"[0-9-]+","p80":"[0-9-]+","p90":"[0-9-]+","pit":[0-9.e-]+,"crps_days":[0-9.e+-]+,"map":\{"pits":2,' \
	"$TMP/out" "json: a row's recalibrated forecast and its map"
run 0 "json summary" -- $PC --db "$db" backtest --format json --summary --iterations 2000 --calibrate
if grep -q '"projects"' "$TMP/out"; then r=1; else r=0; fi
ok $r "json --summary: no project array"

# CPython: the raw forecasts come far too early (README: P50 held in 6%
# of releases), so the PITs pile up near 1 and the map must push the
# release later, and only the release: the phases are untouched.
cp "$top_srcdir/datasets/real/python.csv" .
run 0 "import python" -- $PC --db py.db -q import --as-of 2026-08-22 python.csv
run 0 "plan raw" -- $PC --db py.db plan --start 2026-09-01 --format csv --iterations 20000
cp "$TMP/out" raw.csv
run 0 "plan --calibrate" -- $PC --db py.db plan --start 2026-09-01 --format csv --iterations 20000 --calibrate
cp "$TMP/out" cal.csv
expect_grep '^precedent: plan: warning: release dates recalibrated; phase dates raw$' "$TMP/err" \
	"csv: says what was recalibrated"
grep -v '^release,' raw.csv >raw.ph
grep -v '^release,' cal.csv >cal.ph
cmp -s raw.ph cal.ph && r=0 || r=1
ok $r "the phase dates are the raw plan's"
p50raw=$(sed -n 's/^release,\([^,]*,\)\{5\}\([^,]*\),.*/\2/p' raw.csv)
p50cal=$(sed -n 's/^release,\([^,]*,\)\{5\}\([^,]*\),.*/\2/p' cal.csv)
[ -n "$p50raw" ] && [ "$p50cal" \> "$p50raw" ] && r=0 || r=1
ok $r "the release P50 moves later ($p50raw -> $p50cal)"
run 0 "plan --calibrate table" -- $PC --db py.db plan --start 2026-09-01 --iterations 20000 --calibrate --show-structure
expect_grep '^Release dates recalibrated by a backtest of the history; phase dates raw$' "$TMP/out" \
	"table: says what was recalibrated"
expect_grep '^Recalibration map G \(a Beta cdf, a = [0-9.]+, b = [0-9.]+\), learned from the PIT values of [0-9]+ backtest forecasts' \
	"$TMP/out" "--show-structure shows the map"
expect_grep '^  held in G\(u\)( +[01]\.[0-9]{2}){9}$' "$TMP/out" "and G at 0.1 .. 0.9"
run 0 "plan --calibrate json" -- $PC --db py.db plan --start 2026-09-01 --iterations 20000 --calibrate --format json
expect_grep '"calibration":\{"learned":true,"applies_to":"release","a":[0-9.e+-]+,"b":[0-9.e+-]+,"pits":[1-9][0-9]*,' \
	"$TMP/out" "json: the map"
expect_grep '"map":\[\{"level":0.1,"g":' "$TMP/out" "json: G at the deciles"

# The same seed gives the same recalibration on any number of threads.
run 0 "backtest 1 thread" -- $PC --db py.db backtest --calibrate --format csv --threads 1
cp "$TMP/out" t1.csv
run 0 "backtest 2 threads" -- $PC --db py.db backtest --calibrate --format csv --threads 2
cmp -s t1.csv "$TMP/out" && r=0 || r=1
ok $r "backtest --calibrate: the same rows on 1 and 2 threads"
run 0 "plan 1 thread" -- $PC --db py.db plan --start 2026-09-01 --format csv --iterations 20000 --calibrate --threads 1
cmp -s cal.csv "$TMP/out" && r=0 || r=1
ok $r "plan --calibrate: the same plan on 1 thread as on all"

# whatif: the odds of a deadline fall (the forecast was too early).
run 0 "whatif raw" -- $PC --db py.db whatif --start 2026-09-01 --deadline 2027-10-01 --ci 0 --format json --iterations 20000
raw=$(sed -n 's/.*"p_on_time":\([0-9.e-]*\),.*/\1/p' "$TMP/out")
run 0 "whatif --calibrate" -- $PC --db py.db whatif --start 2026-09-01 --deadline 2027-10-01 --ci 0 --format json --iterations 20000 --calibrate
cal=$(sed -n 's/.*"p_on_time":\([0-9.e-]*\),.*/\1/p' "$TMP/out")
expect_grep '"calibration":\{"learned":true,' "$TMP/out" "whatif json: the map"
awk -v a="$raw" -v b="$cal" 'BEGIN { exit !(b + 0 < a + 0) }' && r=0 || r=1
ok $r "whatif: the recalibrated odds are lower ($raw -> $cal)"
run 0 "whatif --calibrate table" -- $PC --db py.db whatif --start 2026-09-01 --deadline 2027-10-01 --ci 0 --iterations 20000 --calibrate
expect_grep '^odds recalibrated by a backtest of the history \([0-9]+ PIT values, shrunk [0-9]+% toward none\); dates and checkpoints raw$' \
	"$TMP/out" "whatif table: says what was recalibrated"

run 0 "whatif --calibrate with progress" -- $PC --db py.db whatif --started alpha=2026-09-01 --as-of 2026-10-01 --deadline 2027-10-01 --ci 0 --iterations 20000 --calibrate
expect_grep '^precedent: whatif: warning: --calibrate: the map was learned from forecasts made when projects started; this one knows their progress, so the correction may be too strong$' \
	"$TMP/err" "whatif with progress: warns that the map is of start-of-project forecasts"

# Too short a history to backtest: a warning, and the raw plan.
head -7 "$D/planned.csv" >short.csv
run 0 "import short" -- $PC --db s.db -q import --as-of 2024-12-31 short.csv
run 0 "short plan" -- $PC --db s.db plan --start 2025-01-01 --calibrate --iterations 2000 --format csv
expect_file "$TMP/err" "precedent: plan: warning: --calibrate: no project has 5 finished predecessors to learn from: the forecast is not recalibrated" \
	"short history: warned, not recalibrated"
cp "$TMP/out" short-cal.csv
run 0 "short plan raw" -- $PC --db s.db plan --start 2025-01-01 --iterations 2000 --format csv
cmp -s "$TMP/out" short-cal.csv && r=0 || r=1
ok $r "short history: the raw plan"

# Combinations that cannot work.
run 2 "with --ci" -- $PC --db py.db plan --start 2026-09-01 --calibrate --ci
expect_file "$TMP/err" "precedent: plan: --ci and --calibrate cannot be combined: the bootstrap intervals are of the raw plan
Try 'precedent plan --help'." "--ci: message"
printf 'phase,family,p1,p2\n' >m.csv
run 2 "with --model" -- $PC plan --start 2026-09-01 --calibrate --model m.csv
expect_file "$TMP/err" "precedent: plan: --calibrate learns from a backtest of the store's history; it cannot be used with --model
Try 'precedent plan --help'." "--model: message"
run 2 "with svg" -- $PC --db py.db plan --start 2026-09-01 --calibrate --format svg
expect_file "$TMP/err" "precedent: plan: --calibrate is not available with --format svg
Try 'precedent plan --help'." "svg: message"
run 2 "whatif with --model" -- $PC whatif --deadline 2027-01-01 --calibrate --model m.csv
expect_file "$TMP/err" "precedent: whatif: --calibrate learns from a backtest of the store's history; it cannot be used with --model
Try 'precedent whatif --help'." "whatif --model: message"

done_testing
