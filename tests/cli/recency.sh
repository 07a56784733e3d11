#!/bin/sh
# recency.sh - --half-life and --drift from the command line: on a
# synthetic history whose durations grow 2% a project (tests/synth
# --growth), auto chooses the drift adjustment and says why, and the plan
# moves up towards the truth the generator knows; on the bundled sample
# (no trend) auto keeps every project alike and the plan is today's, to
# the byte; the recency shows in the header and the JSON; bad values are
# named.
. "$top_srcdir/tests/setup.sh"

GEN=$top_builddir/tests/synth/gen-synth
"$GEN" --projects 60 --rho 0.3 --seed 41 --growth 0.02 >grow.csv
$PC -q --db grow.db import grow.csv
$PC -q --db sample.db import --as-of 2026-11-01 "$top_srcdir/datasets/sample.csv"

p50() { # the suggested launch's P50 day, days after 2027-01-04
	d=$(sed -n 's/^Suggested launch: \([0-9-]*\) (P50).*/\1/p' "$1")
	echo $(( ($(date -u -d "$d" +%s) - $(date -u -d 2027-01-04 +%s)) / 86400 ))
}

run 0 "plan, every project alike" -- $PC --db grow.db plan --start 2027-01-04
equal=$(p50 "$TMP/out")
expect_grep "but old and recent projects count alike: --half-life auto weighs that" \
	"$TMP/err" "the trend warning points at --half-life auto"
run 0 "plan --half-life auto" -- $PC --db grow.db plan --start 2027-01-04 --half-life auto
auto=$(p50 "$TMP/out")
expect_grep '^precedent: plan: --half-life auto: none, but durations adjusted for the releases. trend \(--drift: a backtest of [0-9]+ releases: CRPS [0-9.]+ against [0-9.]+ as recorded, [0-9.]+ standard errors better\)$' \
	"$TMP/err" "auto says it chose the drift adjustment, and by how much it scored better"
grep -q "count alike" "$TMP/err" && r=1 || r=0
ok $r "the warning no longer says every project counts alike"
expect_grep "^Past durations adjusted for the releases' trend \(\+[0-9]+% a year, Sen's slope\) to a project starting 20[0-9-]+$" \
	"$TMP/out" "the plan says how it adjusted"
# the generator's truth for the next project: P50 179 days (test_recency)
[ "$auto" -ge 161 ] && [ "$auto" -le 197 ] && [ "$equal" -lt 120 ] && r=0 || r=1
ok $r "P50 $auto days, within 10% of the truth 179 (every project alike: $equal)"
run 0 "the same with --drift" -- $PC --db grow.db plan --start 2027-01-04 --drift
[ "$(p50 "$TMP/out")" -eq "$auto" ] && r=0 || r=1
ok $r "--drift gives what auto chose"
run 0 "plan --half-life 6 --format json" -- $PC --db grow.db plan --start 2027-01-04 --half-life 6 --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"recency":\{"half_life":6(\.0)?,"unit":"projects","effective_projects":17\.[0-9]+,"drift":null\}' && r=0 || r=1
ok $r "json: the half-life and what the history is worth (about 17 projects)"
run 0 "plan --half-life 6" -- $PC --db grow.db plan --start 2027-01-04 --half-life 6
expect_grep "^Recent projects count more: a project's weight halves every 6 projects back \(worth 17\.[0-9] projects counted alike\)$" \
	"$TMP/out" "the header says how recent projects count"
h6=$(p50 "$TMP/out")
[ "$h6" -gt "$equal" ] && [ "$h6" -lt "$auto" ] && r=0 || r=1
ok $r "a half-life lifts the plan ($h6 days) but lags the trend"
run 0 "plan --half-life 180d --format json" -- $PC --db grow.db plan --start 2027-01-04 --half-life 180d --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"recency":\{"half_life":180(\.0)?,"unit":"days"' && r=0 || r=1
ok $r "a half-life in days"
run 0 "whatif --half-life auto --format json" -- $PC --db grow.db whatif --start 2027-01-04 --deadline 2027-07-01 --ci 0 --half-life auto --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"auto":\{"chosen":null,"why":"chosen","scored":[0-9]+,"crps_equal_weights":[0-9.]+,"crps":[0-9.]+,"drift":true' && r=0 || r=1
ok $r "whatif json says what auto chose"

# the report's phase charts compare the fit with the durations it was
# fitted to: scaled by the drift (raw, the gaps were 0.38 to 0.60)
run 0 "report --drift" -- $PC --db grow.db report --start 2027-01-04 --deadline 2027-07-15 --drift --no-backtest -o grow.html
expect_grep "each scaled by the releases' trend to a project starting 20[0-9-]+, as the plan learned them" \
	grow.html "the phase captions say the durations were scaled"
gaps=$(sed -n 's/.*fit, n=[0-9]*, [0-9]* running, gap \([0-9.]*\).*/\1/p' grow.html)
[ "$(echo "$gaps" | wc -w)" -ge 5 ] && echo "$gaps" | awk '$1 >= 0.15 { bad = 1 } END { exit bad }' && r=0 || r=1
ok $r "every phase's fit lies near the curve it was fitted to ($(echo $gaps))"

# backtest: each forecast learns the same way; the drift scores better
run 0 "backtest --summary --format json" -- $PC --db grow.db backtest --summary --format json
c0=$(tr -d ' \n' <"$TMP/out" | sed -n 's/.*"forecast":{.*"crps_days":\([0-9.]*\),.*"naive".*/\1/p')
run 0 "backtest --drift --summary --format json" -- $PC --db grow.db backtest --drift --summary --format json
c1=$(tr -d ' \n' <"$TMP/out" | sed -n 's/.*"forecast":{.*"crps_days":\([0-9.]*\),.*"naive".*/\1/p')
awk -v a="$c0" -v b="$c1" 'BEGIN { exit !(a + 0 > 0 && b + 0 > 0 && b + 0 < 0.85 * a) }' && r=0 || r=1
ok $r "backtest --drift: CRPS $c1 against $c0 as recorded"
run 0 "backtest --half-life auto --forecasts 20" -- $PC --db grow.db backtest --half-life auto --forecasts 20 --iterations 1000 --summary
line=$(grep "^--half-life auto, chosen by each forecast from what had finished before its day: every project alike for [0-9]* releases, the drift adjustment for [0-9]*, a half-life for [0-9]*$" "$TMP/out" || true)
n=$(echo "$line" | sed 's/.*drift adjustment for \([0-9]*\), a half-life for \([0-9]*\)$/\1 \2/')
[ -n "$line" ] && [ $(( ${n% *} + ${n#* } )) -ge 1 ] && r=0 || r=1
ok $r "backtest --half-life auto: each forecast chose; some weighed recency or drift ($n)"

# no trend: auto keeps every project alike, and the plan is today's
run 0 "sample: plan" -- $PC --db sample.db plan --start 2027-01-04
cp "$TMP/out" plain.txt
run 0 "sample: plan --half-life auto" -- $PC --db sample.db plan --start 2027-01-04 --half-life auto
expect_grep '^precedent: plan: --half-life auto: none, every project counts the same \(no candidate beats equal weights clearly' \
	"$TMP/err" "sample: auto keeps every project alike, and says so"
cmp -s plain.txt "$TMP/out" && r=0 || r=1
ok $r "sample: the plan is byte for byte today's"

# bad values
run 2 "--half-life 0" -- $PC --db sample.db plan --start 2027-01-04 --half-life 0
expect_grep "^precedent: plan: --half-life: '0' is not a number of projects \(N\), of days \(Nd\), none or auto$" \
	"$TMP/err" "a zero half-life is named"
run 2 "--half-life 3x" -- $PC --db sample.db plan --start 2027-01-04 --half-life 3x
run 2 "--half-life with --model" -- $PC plan --start 2027-01-04 --model /dev/null --half-life 4
expect_grep "cannot be used with --model" "$TMP/err" "--model refuses it"
run 2 "--half-life auto with --drift" -- $PC --db sample.db plan --start 2027-01-04 --half-life auto --drift
done_testing
