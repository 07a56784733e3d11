#!/bin/sh
# whatif.sh - `precedent whatif` on the bundled sample history: every
# malformed option gets its exact message and exit 2, the JSON has the
# documented keys, the answer does not depend on the number of threads,
# and scenarios move the odds the way they must.
. "$top_srcdir/tests/setup.sh"

D=$top_srcdir/tests/data/whatif
db=$TMP/s.db
run 0 "import the sample history" -- $PC --db "$db" -q import --as-of 2026-11-01 \
	"$top_srcdir/datasets/sample.csv"
W="$PC --db $db whatif --start 2027-01-04 --iterations 4000 --ci 0"

run 0 "--help" -- $PC whatif --help
expect_grep '^Usage: precedent whatif --deadline DATE' "$TMP/out" "--help shows the usage"

# Usage errors, exact messages.
run 2 "no deadline" -- $W
expect_file "$TMP/err" "precedent: whatif: --deadline DATE is required
Try 'precedent whatif --help'." "no deadline: message"
run 2 "deadline not a date" -- $W --deadline 2027-02-30
expect_file "$TMP/err" "precedent: whatif: --deadline: '2027-02-30' is not a date (expected YYYY-MM-DD)
Try 'precedent whatif --help'." "deadline not a date: message"
run 2 "confidence above 1" -- $W --deadline 2027-04-30 --confidence 1.5
expect_file "$TMP/err" "precedent: whatif: --confidence: '1.5' is not a probability between 0 and 1 (both excluded)
Try 'precedent whatif --help'." "confidence above 1: message"
run 2 "confidence 0" -- $W --deadline 2027-04-30 --confidence 0
expect_file "$TMP/err" "precedent: whatif: --confidence: '0' is not a probability between 0 and 1 (both excluded)
Try 'precedent whatif --help'." "confidence 0: message"
# Numbers are plain decimals: strtod's spaces, hex, inf and nan are not.
for bad in " 0.5" 0x1p-1 nan 0.5x ""; do
	run 2 "confidence '$bad'" -- $W --deadline 2027-04-30 --confidence "$bad"
	expect_grep "^precedent: whatif: --confidence: '$bad' is not a probability" "$TMP/err" \
		"confidence '$bad': refused"
done
run 2 "scale inf" -- $W --deadline 2027-04-30 --scale load_test=inf
expect_grep "^precedent: whatif: --scale: 'inf' is not a factor above 0 and at most 100" \
	"$TMP/err" "scale inf: refused"
run 2 "shift with a space" -- $W --deadline 2027-04-30 --shift " 3"
expect_grep "^precedent: whatif: --shift: ' 3' is not a whole number of days" "$TMP/err" \
	"shift ' 3': refused"
run 0 "confidence .9, scale +1.5e0, shift +0" -- $W --deadline 2027-04-30 \
	--confidence .9 --scale load_test=+1.5e0 --shift +0 --format json
expect_grep '"confidence":0\.9' "$TMP/out" "a leading point, a sign and an exponent are fine"
run 2 "unknown slot phase" -- $W --deadline 2027-04-30 --slot nope=2027-02-01
expect_file "$TMP/err" "precedent: whatif: --slot: unknown phase 'nope' (the phases are 'kickoff', 'requirements', 'load_test_plan', 'plan_signoff', 'load_test', 'fixes', 'launch_readiness', 'launch')" "unknown slot phase: message lists the phases"
run 2 "a phase name with a typo" -- $W --deadline 2027-04-30 --slot load_tset=best
expect_file "$TMP/err" "precedent: whatif: --slot: unknown phase 'load_tset' (did you mean 'load_test'?)" \
	"a typo: did you mean"
run 0 "phase names match whatever their case" -- $W --deadline 2027-04-30 --scale Load_Test=0.5 --format json
expect_grep '"p_on_time":' "$TMP/out" "Load_Test is load_test"
run 2 "unknown scale phase" -- $W --deadline 2027-04-30 --scale nope=0.8
expect_file "$TMP/err" "precedent: whatif: --scale: unknown phase 'nope' (the phases are 'kickoff', 'requirements', 'load_test_plan', 'plan_signoff', 'load_test', 'fixes', 'launch_readiness', 'launch')" "unknown scale phase: message"
run 2 "unknown skip phase" -- $W --deadline 2027-04-30 --skip nope
expect_file "$TMP/err" "precedent: whatif: --skip: unknown phase 'nope' (the phases are 'kickoff', 'requirements', 'load_test_plan', 'plan_signoff', 'load_test', 'fixes', 'launch_readiness', 'launch')" "unknown skip phase: message"
run 2 "skip everything" -- $W --deadline 2027-04-30 --skip kickoff --skip requirements \
	--skip load_test_plan --skip plan_signoff --skip load_test --skip fixes \
	--skip launch_readiness --skip launch
expect_file "$TMP/err" "precedent: whatif: --skip: every phase is skipped" "skip everything: message"
run 2 "slot without a date" -- $W --deadline 2027-04-30 --slot load_test
expect_file "$TMP/err" "precedent: whatif: --slot: 'load_test' is not PHASE=DATE or PHASE=best
Try 'precedent whatif --help'." "slot without a date: message"
run 2 "slot date not a date" -- $W --deadline 2027-04-30 --slot load_test=soon
expect_file "$TMP/err" "precedent: whatif: --slot: 'soon' is not a date (expected YYYY-MM-DD or best)
Try 'precedent whatif --help'." "slot date not a date: message"
run 2 "scale not a number" -- $W --deadline 2027-04-30 --scale fixes=fast
expect_file "$TMP/err" "precedent: whatif: --scale: 'fast' is not a factor above 0 and at most 100
Try 'precedent whatif --help'." "scale not a number: message"
run 2 "done after as-of" -- $W --deadline 2027-04-30 --done kickoff=2027-03-01 --as-of 2027-02-01
expect_file "$TMP/err" "precedent: whatif: --done: kickoff=2027-03-01 is after the as-of date 2027-02-01" \
	"done after as-of: message"
run 2 "started not a date" -- $W --deadline 2027-04-30 --started requirements=2027-13-01
expect_file "$TMP/err" "precedent: whatif: --started: '2027-13-01' is not a date (expected YYYY-MM-DD)
Try 'precedent whatif --help'." "started not a date: message"
run 2 "deadline before start" -- $W --deadline 2026-12-01
expect_file "$TMP/err" "precedent: whatif: --deadline: 2026-12-01 is before the start 2027-01-04" \
	"deadline before start: message"
run 2 "ci not a number" -- $W --deadline 2027-04-30 --ci many
expect_file "$TMP/err" "precedent: whatif: --ci: 'many' is not a whole number of replicates from 0 to 100000
Try 'precedent whatif --help'." "ci not a number: message"
run 2 "bad format" -- $W --deadline 2027-04-30 --format html
expect_file "$TMP/err" "precedent: whatif: --format: unknown format 'html' (expected table|csv|json|markdown|svg)
Try 'precedent whatif --help'." "bad format: message"
run 1 "against: unknown phase" -- $W --deadline 2027-04-30 --against "$D/against-bad.csv"
expect_file "$TMP/err" "precedent: whatif: $D/against-bad.csv:3: phase 'bogus' is not in the plan" \
	"against: unknown phase names file and line"
run 1 "against: bad date" -- $W --deadline 2027-04-30 --against "$D/against-baddate.csv"
expect_file "$TMP/err" "precedent: whatif: $D/against-baddate.csv:2: finish date '2027-02-30' is not a date" \
	"against: bad date names file and line"
run 1 "against: bad header" -- $W --deadline 2027-04-30 --against "$D/against-header.csv"
expect_file "$TMP/err" "precedent: whatif: $D/against-header.csv:1: the header needs the columns phase and finish" \
	"against: bad header names file and line"

# JSON keys and sane values.
run 0 "json" -- $W --deadline 2027-04-30 --deadline 2027-03-01 --format json
for key in deadline start confidence p_on_time p_on_time_ci95 latest_start \
	earliest_deadline phases checkpoint criticality correlation slots; do
	expect_grep "\"$key\":" "$TMP/out" "json has $key"
done
expect_grep '"deadline":"2027-04-30"' "$TMP/out" "json: the first deadline leads"
cp "$TMP/out" "$TMP/json1"

# Same seed, any number of threads: the same bytes, searches and
# bootstrap included.
run 0 "json on 1 thread" -- $W --deadline 2027-04-30 --deadline 2027-03-01 --format json --threads 1
cmp -s "$TMP/out" "$TMP/json1" && r=0 || r=1
ok $r "same answer on 1 thread as on all"
S="$PC --db $db whatif --start 2027-01-04 --iterations 2000 --deadline 2027-04-30 --slot load_test=best --format json --ci 20"
run 0 "slot search and interval on 1 thread" -- $S --threads 1
cp "$TMP/out" "$TMP/json2"
run 0 "slot search and interval on 2 threads" -- $S --threads 2
cmp -s "$TMP/out" "$TMP/json2" && r=0 || r=1
ok $r "slot search and bootstrap interval do not depend on threads"
expect_grep '"p_on_time_ci95":\[' "$TMP/out" "the interval is there"

# A later deadline never has lower odds; a faster phase never lowers them.
p() { grep -o '"p_on_time":[0-9.e-]*' "$1" | head -1 | cut -d: -f2; }
run 0 "earlier deadline" -- $W --deadline 2027-03-15 --format json
early=$(p "$TMP/out")
run 0 "later deadline" -- $W --deadline 2027-05-15 --format json
late=$(p "$TMP/out")
awk -v a="$early" -v b="$late" 'BEGIN { exit !(a < b) }' && r=0 || r=1
ok $r "odds grow with the deadline ($early < $late)"
run 0 "faster load test" -- $W --deadline 2027-03-15 --format json --scale load_test=0.5
fast=$(p "$TMP/out")
awk -v a="$early" -v b="$fast" 'BEGIN { exit !(a < b) }' && r=0 || r=1
ok $r "halving load_test raises the odds ($early < $fast)"
run 0 "shift" -- $PC --db "$db" whatif --start 2027-01-01 --shift 3 --iterations 4000 --ci 0 \
	--deadline 2027-03-15 --format json
expect_grep '"start":"2027-01-04"' "$TMP/out" "--shift moves the start"
expect_grep "\"p_on_time\":$early," "$TMP/out" "--shift 3 from 2027-01-01 answers as 2027-01-04"

# Slots: a booking reports its miss rate, best searches one.
run 0 "slot" -- $W --deadline 2027-04-30 --slot load_test=2027-03-01 --format json
expect_grep '"p_missed":0\.[0-9]' "$TMP/out" "slot: p_missed reported"
run 0 "slot best" -- $W --deadline 2027-04-30 --slot load_test=best
expect_grep '^load_test +2027-0[1-4]-[0-9]{2} +0\.[0-9]{3} +0\.[89][0-9]{2}$' "$TMP/out" \
	"slot best: a booking with its odds"
expect_grep '^book load_test for 2027-0[1-4]-[0-9]{2} \(a [A-Z][a-z]+day\): the latest booking with the best odds' \
	"$TMP/out" "slot best: one line says why"
expect_grep '^2027-[0-9-]+ +0\.[0-9]{3} +0\.[0-9]{3}  best$' "$TMP/out" "slot best: the trade-off table"

# The seed's own question (issue 12): with weekly slots the best booking
# is not the earliest one the team would miss; under a working-day
# calendar it is a working day, never a listed holiday.
printf '2026-12-24\n2026-12-25\n2026-12-31\n2027-01-01\n' >hol.txt
for cal in "" "--calendar weekdays" "--calendar weekdays --holidays hol.txt"; do
	# shellcheck disable=SC2086
	run 0 "best slot ${cal:-every day}" -- $PC --db $db whatif --start 2026-12-07 \
		--deadline 2027-03-31 --slot load_test=best --iterations 4000 --ci 0 $cal --format json
	tr -d ' \n' <"$TMP/out" | sed 's/.*"slots":\[{//; s/}\].*//' >"$TMP/slot"
	best=$(sed -n 's/^"phase":"load_test","date":"\([0-9-]*\)".*/\1/p' "$TMP/slot")
	pm=$(sed -n 's/.*"date":"'"$best"'","p_missed":\([0-9.]*\),"p_on_time":\([0-9.]*\).*/\1/p' "$TMP/slot" | head -1)
	first=$(sed -n 's/.*"options":\[{"date":"\([0-9-]*\)".*/\1/p' "$TMP/slot")
	maxp=$(grep -o '"p_on_time":[0-9.]*' "$TMP/slot" | cut -d: -f2 | sort -g | tail -1)
	bp=$(sed -n 's/^"phase":"load_test","date":"[0-9-]*","p_missed":[0-9.]*,"p_on_time":\([0-9.]*\).*/\1/p' "$TMP/slot")
	[ -n "$best" ] && [ "$best" != "$first" ] && r=0 || r=1
	ok $r "best slot ${cal:-every day}: $best is not the earliest booking $first"
	awk -v p="$pm" 'BEGIN { exit !(p != "" && p < 0.5) }' && r=0 || r=1
	ok $r "best slot ${cal:-every day}: the team is ready for it more often than not (p_missed $pm)"
	awk -v b="$bp" -v m="$maxp" 'BEGIN { exit !(b != "" && b >= m - 0.005) }' && r=0 || r=1
	ok $r "best slot ${cal:-every day}: its odds $bp are within half a point of the best $maxp"
	if [ -n "$cal" ]; then
		bad=$(grep -o '"date":"[0-9-]*"' "$TMP/slot" | cut -d'"' -f4 | sort -u | while read -r d; do
			[ "$(date -u -d "$d" +%u)" -le 5 ] || echo "$d"; done)
		[ -z "$bad" ] && r=0 || r=1
		ok $r "best slot $cal: every booking tried is a weekday${bad:+ (not: $bad)}"
	fi
	case $cal in *holidays*)
		grep -q '"date":"2026-12-2[45]"\|"date":"2027-01-01"\|"date":"2026-12-31"' "$TMP/slot" && r=1 || r=0
		ok $r "best slot $cal: no listed holiday is proposed or tried";;
	esac
done

# Re-forecasting mid-project answers the question asked (issue 12, item 4):
# the new release dates first, no checkpoint for a finished phase, a
# warning for a phase running longer than any before it, and --start
# taken from the first phase started, never from a finish date.
run 0 "re-forecast" -- $W --deadline 2027-04-30 --done kickoff=2027-01-06 \
	--started requirements=2027-01-07 --as-of 2027-04-01
sed -n '3p' "$TMP/out" >"$TMP/line3"
expect_grep '^re-forecast from progress as of 2027-04-01: release P50 2027-[0-9-]+, P80 2027-[0-9-]+, P90 2027-[0-9-]+$' \
	"$TMP/line3" "re-forecast: the new release dates come first"
expect_grep '^kickoff +done ' "$TMP/out" "re-forecast: no checkpoint for a finished phase"
expect_grep "^precedent: whatif: warning: phase 'requirements' has run 85 days, longer than any of its past durations \\(the longest [0-9]+\\): its remaining time extrapolates the fitted [a-z]+ tail$" \
	"$TMP/err" "re-forecast: a phase past every precedent is flagged"
run 0 "re-forecast, json" -- $W --deadline 2027-04-30 --done kickoff=2027-01-06 \
	--as-of 2027-01-20 --format json
expect_grep '"progress":true,"as_of":"2027-01-20"' "$TMP/out" "re-forecast json: progress and as-of"
expect_grep '"finish":\{"p10":"2027-[0-9-]+","p50":"2027-' "$TMP/out" "re-forecast json: the release dates"
run 2 "--done alone needs --start" -- $PC --db $db whatif --deadline 2027-04-30 \
	--done kickoff=2027-01-06 --as-of 2027-01-20 --ci 0
expect_file "$TMP/err" "precedent: whatif: --start DATE is needed with --done alone: a --done date is when a phase finished, not when the release began
Try 'precedent whatif --help'." "--done alone: message"
run 0 "--start from the first --started phase" -- $PC --db $db whatif --deadline 2027-04-30 \
	--started requirements=2027-01-07 --done kickoff=2027-01-08 --as-of 2027-01-20 \
	--ci 0 --iterations 2000 --format json
expect_grep '"start":"2027-01-07"' "$TMP/out" "--start defaults to the first phase started"

# Progress and the customer's plan.
run 0 "progress and against" -- $W --deadline 2027-04-30 --done kickoff=2027-01-06 \
	--started requirements=2027-01-07 --as-of 2027-02-15 --against "$D/against.csv"
expect_grep '^plan_signoff +2027-02-15 +0\.[0-9]{3} +2027-' "$TMP/out" "against: the milestone's odds"
expect_grep '^release +2027-04-01 ' "$TMP/out" "against: the release milestone"
if grep -q '^latest start' "$TMP/out"; then ok 1 "no latest start mid-project"; else ok 0 "no latest start mid-project"; fi

# A phase that has run on for centuries by the as-of date: no deadline
# soon can be kept, so no phase has a checkpoint (none, null in JSON),
# rather than a date before the start (the search once went back day by
# day to the year 1554 and beyond the calendar).
run 0 "a phase running for centuries" -- $W --deadline 2027-05-01 \
	--started requirements=2027-01-09 --as-of 2500-01-01
expect_grep '^2027-05-01 +0\.000 ' "$TMP/out" "centuries: the deadline cannot be kept"
n=$(awk '/^phase +checkpoint/ { on = 1; next } on && NF == 4 { print $2 }' "$TMP/out" | sort -u)
[ "$n" = none ] && r=0 || r=1
ok $r "centuries: every checkpoint is none ($(echo $n))"
run 0 "... in JSON" -- $W --deadline 2027-05-01 --started requirements=2027-01-09 \
	--as-of 2500-01-01 --format json
expect_grep '"phase":"kickoff","checkpoint":null' "$TMP/out" "centuries: null in JSON"
# Mid-project, the phase already over cannot keep the deadline either.
run 0 "kickoff over" -- $W --deadline 2027-04-30 --done kickoff=2027-01-06 \
	--started requirements=2027-01-07 --as-of 2027-03-01
n=$(awk '/^phase +checkpoint/ { on = 1; next } on && NF == 4 && $2 != "none" && $2 < "2027-01-04"' "$TMP/out" | wc -l)
[ "$n" -eq 0 ] && r=0 || r=1
ok $r "no checkpoint before the start"

# Curve and markdown.
run 0 "curve" -- $W --deadline 2027-04-30 --curve --format markdown
expect_grep '^\| 2027-04-30 \| 0\.[0-9]{4} \|$' "$TMP/out" "curve: a row for the deadline"

# JSON (one line; with the curve larger than stdio's buffer) to a full
# disk: one message and exit 1, not success.
if [ -w /dev/full ]; then
	run 1 "json to a full disk" -- sh -c "$W --deadline 2027-04-30 --curve --format json >/dev/full"
	expect_file "$TMP/err" "precedent: write error on standard output: No space left on device" \
		"full disk: said once"
fi

done_testing
