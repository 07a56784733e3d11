#!/bin/sh
# plan.sh - `precedent plan` end to end on a synthetic history
# (tests/synth: drawn from a known model, a fifth of it still running),
# plus exact layouts where the answer is known in closed form.
. "$top_srcdir/tests/setup.sh"

GEN=$top_builddir/tests/synth/gen-synth
DB=$TMP/syn.db
"$GEN" --projects 60 --rho 0.5 --ongoing --seed 3 >"$TMP/syn.csv"
run 0 "import the synthetic history" -- $PC --db "$DB" import --as-of 2026-11-01 "$TMP/syn.csv"
P="$PC --db $DB plan"

# check DESCRIPTION COMMAND...: one TAP line for COMMAND's success (set -e
# would stop the script on a bare failing test).
check() {
	_d=$1
	shift
	if "$@"; then ok 0 "$_d"; else ok 1 "$_d"; fi
}
differ() { ! cmp -s "$1" "$2"; }
lacks() { ! grep -q -- "$1" "$2"; }

run 0 "plan --help" -- $P --help
expect_grep '^Usage: precedent plan --start DATE' "$TMP/out" "--help shows the usage"

run 0 "a plan" -- $P --start 2027-01-04 --customer "Sample Customer"
expect_grep '^Suggested launch: 2027-[0-9]{2}-[0-9]{2} \(P50\); 80% likely by 2027-[0-9]{2}-[0-9]{2}$' \
	"$TMP/out" "the first line says what it proposes"
check "... and it is the first line" test "$(head -c 16 "$TMP/out")" = "Suggested launch"
expect_grep '^Plan for Sample Customer starting 2027-01-04, counting every calendar day$' \
	"$TMP/out" "names the customer and the start"
expect_grep '^Learned from the whole history: 60 past projects$' "$TMP/out" "says what it learned from"
expect_grep '^Durations drawn jointly: phases that tend to run long together in the history are simulated together$' "$TMP/out" "says durations are correlated, in plain words"
expect_grep '^100000 simulated releases \(seed 1\); Monte Carlo standard error of every date below at most 0\.[0-9]+ days$' \
	"$TMP/out" "reports the Monte Carlo error"
expect_grep '^release +2027-01-04( +2027-[0-9-]+){7}$' "$TMP/out" "a release row"
expect_grep '^Monte Carlo standard error of the release finish \(days\): P10 [0-9.]+, P50 [0-9.]+, P80 [0-9.]+, P90 [0-9.]+$' \
	"$TMP/out" "the standard error of each release date"
for ph in design build_ui build test launch; do
	expect_grep "^$ph +2027-" "$TMP/out" "a row for $ph"
done
# The P50 launch of the headline is the release row's finish P50.
h=$(sed -n 's/^Suggested launch: \([0-9-]*\) (P50); 80% likely by \([0-9-]*\)$/\1 \2/p' "$TMP/out")
r=$(awk '$1 == "release" { print $7, $8 }' "$TMP/out")
check "the headline matches the release row ($h / $r)" test "$h" = "$r"
cp "$TMP/out" "$TMP/table1"

# Same seed, any number of threads: byte-identical.
run 0 "1 thread" -- $P --start 2027-01-04 --threads 1 --format json
cp "$TMP/out" "$TMP/t1.json"
run 0 "4 threads" -- $P --start 2027-01-04 --threads 4 --format json
check "1 and 4 threads give byte-identical json" cmp -s "$TMP/t1.json" "$TMP/out"
run 0 "4 threads, --ci" -- $P --start 2027-01-04 --threads 4 --ci --format csv
cp "$TMP/out" "$TMP/c4.csv"
run 0 "1 thread, --ci" -- $P --start 2027-01-04 --threads 1 --ci --format csv
check "1 and 4 threads give byte-identical confidence intervals" cmp -s "$TMP/c4.csv" "$TMP/out"
run 0 "another seed" -- $P --start 2027-01-04 --seed 2 --iterations 3000 --format json
check "another seed gives another sample" differ "$TMP/t1.json" "$TMP/out"

# JSON shape of the issue.
run 0 "json" -- $P --start 2027-01-04 --format json --ci
for key in '^\{"start":"2027-01-04","iterations":100000,"seed":1,' \
	'"phases":\[\{"phase":"design","occurs":1(\.0)?,"thin":false,"start":\{"p10":"2027-' '"finish":\{"p10":"2027-' \
	'"p90":"2027-' '"finish_ci95":\{"p50":\["2027-[0-9-]+","2027-' '"correlation":"copula"'; do
	expect_grep "$key" "$TMP/out" "json has $key"
done
run 0 "json without --ci" -- $P --start 2027-01-04 --format json
check "finish_ci95 only with --ci" lacks finish_ci95 "$TMP/out"

# CSV: header, one row per phase and the release.
run 0 "csv" -- $P --start 2027-01-04 --format csv
expect_grep '^phase,start_p10,start_p50,start_p80,start_p90,finish_p10,finish_p50,finish_p80,finish_p90$' \
	"$TMP/out" "csv header"
check "csv has 5 phases and the release" test "$(wc -l <"$TMP/out")" -eq 7

run 0 "markdown" -- $P --start 2027-01-04 --format markdown
expect_grep '^\*\*Suggested launch: .*\*\*$' "$TMP/out" "markdown headline"
expect_grep '^\| release \| 2027-01-04' "$TMP/out" "markdown table row"

# --ci: P50/P80/P90 ranges.
run 0 "--ci" -- $P --start 2027-01-04 --ci
expect_grep '^95% confidence intervals of the release finish \(bootstrap: 200 replicates' \
	"$TMP/out" "--ci says how the intervals were made"
expect_grep '^  P80 2027-[0-9-]+: 2027-[0-9-]+ to 2027-[0-9-]+$' "$TMP/out" "--ci gives a P80 range"

# --independent changes the answer (the history is correlated).
run 0 "--independent" -- $P --start 2027-01-04 --independent
expect_grep '^Durations drawn independently \(--independent\)$' "$TMP/out" "--independent is stated"
check "--independent gives another plan" differ "$TMP/out" "$TMP/table1"

# --show-structure: the inferred graph of the true model (synth.h).
run 0 "--show-structure" -- $P --start 2027-01-04 --show-structure
expect_grep '^build_ui +design +-3 ' "$TMP/out" "build_ui overlaps design by 3 days"
expect_grep '^build +design +0 ' "$TMP/out" "build follows design"
expect_grep '^test +build ' "$TMP/out" "test follows build"
expect_grep '^launch +test +0 ' "$TMP/out" "launch follows test"
expect_grep '^Spearman rank correlation' "$TMP/out" "shows the correlations"

# --iterations auto: every standard error below half a day.
run 0 "--iterations auto" -- $P --start 2027-01-04 --iterations auto
se=$(sed -n 's/.*standard error of every date below at most \([0-9.]*\) days$/\1/p' "$TMP/out")
check "auto: largest standard error $se < 0.5 days" awk -v s="$se" 'BEGIN { exit !(s < 0.5) }'

# --like: a class, and the fallback stated.
run 0 "--like tier=enterprise" -- $P --start 2027-01-04 --like tier=enterprise --min-class 5
expect_grep '^Learned from the reference class tier=enterprise: 15 past projects$' "$TMP/out" "class used"
run 0 "--like fallback" -- $P --start 2027-01-04 --like tier=enterprise --min-class 20
expect_grep '^Reference class tier=enterprise holds 15 projects, fewer than --min-class 20: learned from the whole history \(60 projects\)$' \
	"$TMP/out" "fallback stated in the output"
expect_file "$TMP/err" "precedent: plan: warning: the class tier=enterprise holds 15 projects, fewer than --min-class 20: using the whole history (60 projects)" \
	"fallback warned"

# A template overrides the structure.
printf 'phase,after,lag\ndesign,,0\nbuild_ui,design,0\nbuild,build_ui,0\ntest,build,0\nlaunch,test,0\n' >"$TMP/t.csv"
run 0 "--template" -- $P --start 2027-01-04 --template "$TMP/t.csv" --show-structure
expect_grep '^Structure \(from the template;' "$TMP/out" "the template is stated"
expect_grep '^build +build_ui +0 ' "$TMP/out" "the template's edge is used"

# Exact layouts from a model file: a 5-day phase (normal, sd 1e-6).
cat >"$TMP/m.csv" <<'CSV'
phase,family,param1,value1,param2,value2,param3,value3,n,censored,loglik,median,p80
work,normal,mean,5,sd,0.000001,,,10,0,0,5,5
more,normal,mean,3,sd,0.000001,,,10,0,0,3,3
CSV
printf 'phase,after,lag\nwork,,0\nmore,work,-2\n' >"$TMP/mt.csv"
run 0 "--model, calendar days" -- $PC plan --model "$TMP/m.csv" --template "$TMP/mt.csv" --start 2027-01-04 --format csv
expect_file "$TMP/out" "phase,start_p10,start_p50,start_p80,start_p90,finish_p10,finish_p50,finish_p80,finish_p90
work,2027-01-04,2027-01-04,2027-01-04,2027-01-04,2027-01-08,2027-01-08,2027-01-08,2027-01-08
more,2027-01-07,2027-01-07,2027-01-07,2027-01-07,2027-01-09,2027-01-09,2027-01-09,2027-01-09
release,2027-01-04,2027-01-04,2027-01-04,2027-01-04,2027-01-09,2027-01-09,2027-01-09,2027-01-09" \
	"5 days from Monday 2027-01-04 end Friday; 'more' overlaps by 2 days"
printf '2027-01-12\n' >"$TMP/hol.txt"
run 0 "--model, weekdays with a holiday" -- $PC -q plan --model "$TMP/m.csv" --start 2027-01-08 --calendar weekdays --holidays "$TMP/hol.txt" --format csv
expect_file "$TMP/out" "phase,start_p10,start_p50,start_p80,start_p90,finish_p10,finish_p50,finish_p80,finish_p90
work,2027-01-08,2027-01-08,2027-01-08,2027-01-08,2027-01-15,2027-01-15,2027-01-15,2027-01-15
more,2027-01-18,2027-01-18,2027-01-18,2027-01-18,2027-01-20,2027-01-20,2027-01-20,2027-01-20
release,2027-01-08,2027-01-08,2027-01-08,2027-01-08,2027-01-20,2027-01-20,2027-01-20,2027-01-20" \
	"working days: Fri 8, Mon 11, Wed 13, Thu 14, Fri 15 (Tue 12 off); then Mon 18 to Wed 20"
run 0 "--model says correlation is unknown" -- $PC plan --model "$TMP/m.csv" --start 2027-01-04
expect_grep '^Durations drawn independently: the correlation between phases is unknown' "$TMP/out" "stated"
expect_grep 'structure unknown: phases one after another, lag 0' "$TMP/out" "no template: a chain"

# Against an independent reference: numpy's simulation of a 10-phase
# model (tests/data/plan/README.md).  +-1 day: 400,000 draws put each
# percentile within about 0.1 day of the reference's, but a percentile
# near a day boundary can still land on either side.
d=$top_srcdir/tests/data/plan
run 0 "10-phase model" -- $PC plan --model "$d/ten-phase-model.csv" --template "$d/ten-phase-template.csv" \
	--start 2027-01-04 --iterations 400000 --format csv
got=$(awk -F, '$1 == "release" { print $7, $8, $9 }' "$TMP/out" | while read -r a b c; do
	for x in $a $b $c; do
		echo $(( ($(date -u -d "$x" +%s) - $(date -u -d 2027-01-04 +%s)) / 86400 ))
	done; done | tr '\n' ' ')
check "10-phase release P50/P80/P90 ($got) within a day of numpy's ($(cat "$d/ten-phase-numpy.txt"))" \
	awk -v g="$got" -v r="$(cat "$d/ten-phase-numpy.txt")" 'BEGIN {
		n = split(g, a, " "); split(r, b, " ")
		for (i = 1; i <= 3; i++) if (a[i] - b[i] > 1 || b[i] - a[i] > 1) exit 1
		exit n != 3 }'

# Weekdays on the history: durations counted in working days.
run 0 "--calendar weekdays" -- $P --start 2027-01-04 --calendar weekdays --format csv
bad=$(awk -F, 'NR > 1 { for (i = 2; i <= NF; i++) print $i }' "$TMP/out" | while read -r d; do
	[ "$(date -u -d "$d" +%u)" -le 5 ] || echo "$d"; done)
check "every weekday-calendar date is a weekday${bad:+ ($bad)}" test -z "$bad"

# The shipped template is the structure inferred from the sample history.
run 0 "import the sample history" -- $PC --db sample.db import --as-of 2026-11-01 "$top_srcdir/datasets/sample.csv"
run 0 "sample: inferred structure" -- $PC --db sample.db plan --start 2027-01-04 --show-structure
awk '/^Structure/ { s = 1; next }
     s && /^phase/ { t = 1; next }
     t && (NF == 0 || /^\(/) { exit }
     t { printf "%s,%s,%d\n", $1, ($2 == "(start)" ? "" : $2), int($3) }' \
	"$TMP/out" >"$TMP/inferred"
check "models/template.csv is the structure inferred from datasets/sample.csv" \
	cmp -s "$TMP/inferred" - <<CSV
$(sed 1d "$top_srcdir/models/template.csv")
CSV
run 0 "sample: --template models/template.csv" -- $PC --db sample.db plan --start 2027-01-04 --template "$top_srcdir/models/template.csv"
expect_grep '^Suggested launch: 2027-' "$TMP/out" "the shipped template plans"

done_testing
