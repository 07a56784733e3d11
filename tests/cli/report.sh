#!/bin/sh
# report.sh - `precedent report`, `plan --format svg|ics` and
# `whatif --format svg`: usage errors get their exact message; the page's
# data agree with plan and whatif for the same seed (golden: dates and
# odds, never pixels); every SVG is well-formed XML with a text
# alternative; the page passes an HTML check (tests/report_check.py, and
# tidy when installed) and fetches nothing; the calendar follows RFC 5545
# and python3-icalendar reads it back; hostile names are escaped in all
# three; the sample, both real histories and a model file all work.
. "$top_srcdir/tests/setup.sh"

# Debian's python3 (python3-icalendar is installed for it), not a pyenv one.
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
CHECK="$PY $top_srcdir/tests/report_check.py"
check() { # check DESCRIPTION -- report_check.py ARGS: passes if it exits 0
	_d=$1
	shift 2
	if $CHECK "$@" >"$TMP/chk.out" 2>"$TMP/chk.err"; then
		ok 0 "$_d"
	else
		ok 1 "$_d"
		sed 's/^/# /' "$TMP/chk.err" | head -20
	fi
}

db=$TMP/s.db
run 0 "import the sample history" -- $PC --db "$db" -q import --as-of 2026-11-01 \
	"$top_srcdir/datasets/sample.csv"
R="$PC --db $db report --start 2027-01-04 --iterations 20000 --seed 7"

run 0 "--help" -- $PC report --help
expect_grep '^Usage: precedent report --start DATE' "$TMP/out" "--help shows the usage"

# Usage errors, exact messages.
run 2 "no start" -- $PC --db "$db" report
expect_file "$TMP/err" "precedent: report: --start DATE is required
Try 'precedent report --help'." "no start: message"
run 2 "unknown chart" -- $R --chart pie
expect_file "$TMP/err" "precedent: report: --chart: unknown chart 'pie' (expected gantt|curve|history|drivers|reliability)
Try 'precedent report --help'." "unknown chart: message"
run 2 "chart with ics" -- $R --chart curve --format ics
expect_file "$TMP/err" "precedent: report: --chart draws a chart; it cannot be used with --format ics
Try 'precedent report --help'." "chart with ics: message"
run 2 "confidence 1" -- $R --confidence 1
expect_file "$TMP/err" "precedent: report: --confidence: '1' is not a probability between 0 and 1 (both excluded)
Try 'precedent report --help'." "confidence 1: message"
run 2 "ics at an unreported level" -- $R --format ics --confidence 0.7
expect_file "$TMP/err" "precedent: report: --confidence: the calendar takes 0.1, 0.5, 0.8 or 0.9 (the levels a plan reports), not 0.7" \
	"ics at 0.7: message"
run 2 "plan --format pdf" -- $PC --db "$db" plan --start 2027-01-04 --format pdf
expect_file "$TMP/err" "precedent: plan: --format: unknown format 'pdf' (expected table|csv|json|markdown|svg|ics)
Try 'precedent plan --help'." "plan --format pdf: message"
run 1 "unwritable output" -- $R -o "$TMP/no/such/dir/r.html"
expect_file "$TMP/err" "precedent: report: '$TMP/no/such/dir/r.html': cannot open for writing: No such file or directory" \
	"unwritable output: message"

# The page: structure, charts, data.
run 0 "report with a deadline and a slot" -- $R --deadline 2027-04-30 \
	--customer "Sample Customer" --slot load_test=best --ci 20 -o "$TMP/r.html"
[ -s "$TMP/r.html" ] && [ ! -s "$TMP/out" ] && r=0 || r=1
ok $r "-o writes the file, not stdout"
check "the page is well-formed, its charts are SVG, it fetches nothing" -- html "$TMP/r.html"
cp "$TMP/chk.out" "$TMP/data.json"
if command -v tidy >/dev/null 2>&1; then
	# tidy 5.6 knows HTML5 but not SVG's presentation attributes: it warns
	# (exit 1) about those; an error (exit 2) fails.
	set +e; tidy -q -e "$TMP/r.html" >/dev/null 2>"$TMP/tidy.err"; t=$?; set -e
	[ "$t" -lt 2 ] && r=0 || r=1
	ok $r "tidy finds no error in the page"
	[ $r -eq 0 ] || sed 's/^/# /' "$TMP/tidy.err" | head
	grep -v 'proprietary attribute' "$TMP/tidy.err" >"$TMP/tidy.rest" || true
	[ ! -s "$TMP/tidy.rest" ] && r=0 || r=1
	ok $r "tidy's only warnings are SVG attributes it does not know"
	[ $r -eq 0 ] || sed 's/^/# /' "$TMP/tidy.rest" | head
else
	echo "ok - # SKIP tidy is not installed"
fi
for mark in 'class="chart gantt"' 'class="chart curve"' 'class="chart history"' \
	'class="chart drivers"' 'class="chart reliability"' 'class="deadline"' \
	'class="curve"' 'class="checkpoint"' 'class="fitted"' 'class="empirical"' \
	'Make this page again with'; do
	expect_grep "$mark" "$TMP/r.html" "the page has $mark"
done
n=$(grep -c 'class="bar"' "$TMP/r.html")
[ "$n" -eq 8 ] && r=0 || r=1
ok $r "a Gantt bar per phase (8, got $n)"

# Golden data: the page's dates, odds and checkpoints are whatif's for the
# same seed, the booked slot included (the headline once gave the dates of
# the plan without the booking next to a curve with it).
$PC --db "$db" plan --start 2027-01-04 --iterations 20000 --seed 7 --format json \
	>"$TMP/plan.json"
$PC --db "$db" whatif --start 2027-01-04 --iterations 20000 --seed 7 \
	--deadline 2027-04-30 --slot load_test=best --format json >"$TMP/w.json"
check "the page's dates equal whatif --slot's, booking included" -- same-plan \
	"$TMP/data.json" "$TMP/w.json"
$PY -c 'import json,sys; a,b=(json.load(open(f))["finish"]["p50"] for f in sys.argv[1:]); sys.exit(a==b)' \
	"$TMP/data.json" "$TMP/plan.json" && r=0 || r=1
ok $r "the booking moves the page's P50 away from the unbooked plan's"
p50=$($CHECK data "$TMP/data.json" finish p50)
expect_grep "suggested launch is <strong>$p50</strong>" "$TMP/r.html" \
	"the headline's launch date is the booked plan's P50 ($p50)"
expect_grep "<desc id=\"curve-desc\">[^<]*P50 $p50," "$TMP/r.html" \
	"the curve's P50 is the headline's"
expect_grep "<desc id=\"gantt-desc\">[^<]*done by $p50 at P50" "$TMP/r.html" \
	"the Gantt chart's P50 is the headline's"
# Without a deadline the checkpoints aim at the booked plan's own P80.
$R --slot load_test=2027-03-01 --no-backtest -o "$TMP/nodl.html"
check "the page without a deadline is well-formed" -- html "$TMP/nodl.html"
p80=$($CHECK data "$TMP/chk.out" finish p80)
expect_grep "80% likely to be done by <strong>$p80</strong>; every date on this page has load_test booked for 2027-03-01" \
	"$TMP/nodl.html" "no deadline: the headline names the booking"
expect_grep "to keep 80% odds for $p80 \(the P80 finish" "$TMP/nodl.html" \
	"no deadline: the checkpoints aim at the booked P80 ($p80)"
# A best booking that cannot keep the odds is still the one simulated:
# the headline names it and says it falls short.
$R --deadline 2027-02-20 --slot load_test=best --ci 0 --no-backtest -o "$TMP/short.html"
expect_grep 'load_test booked for [0-9-]{10} \(its best booking, though none keeps 80% odds\)' \
	"$TMP/short.html" "an infeasible best booking is named in the headline"
# Without a booking the page's dates are plan's.
$R --deadline 2027-04-30 --ci 0 --no-backtest -o "$TMP/plain.html"
check "the unbooked page is well-formed" -- html "$TMP/plain.html"
cp "$TMP/chk.out" "$TMP/plain.json"
check "the unbooked page's dates equal plan --format json's" -- same-plan \
	"$TMP/plain.json" "$TMP/plan.json"
$CHECK data "$TMP/data.json" deadline p >"$TMP/a"
$PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["deadlines"][0]["p_on_time"])' \
	"$TMP/w.json" >"$TMP/b"
$PY -c 'import sys; a,b=(float(open(f).read()) for f in sys.argv[1:]); sys.exit(abs(a-b)>1e-4)' \
	"$TMP/a" "$TMP/b" && r=0 || r=1
ok $r "the page's odds equal whatif's ($(cat "$TMP/a") vs $(cat "$TMP/b"))"
$CHECK data "$TMP/data.json" phases 4 checkpoint >"$TMP/a"
$PY -c 'import json,sys; print([p for p in json.load(open(sys.argv[1]))["phases"] if p["phase"]=="load_test"][0]["checkpoint"])' \
	"$TMP/w.json" >"$TMP/b"
cmp -s "$TMP/a" "$TMP/b" && r=0 || r=1
ok $r "load_test's checkpoint equals whatif's ($(cat "$TMP/a") vs $(cat "$TMP/b"))"
expect_grep "<code>precedent --db $db report --start 2027-01-04 --iterations 20000 --seed 7 --deadline 2027-04-30 --customer &#39;Sample Customer&#39; --slot load_test=best --ci 20</code>" \
	"$TMP/r.html" "the page prints the command that makes it again"
expect_grep 'the odds of meeting the deadline of 2027-04-30 are <strong>[0-9]+%</strong> \(95% interval' \
	"$TMP/r.html" "the headline gives the odds with their interval"

# The same seed gives the same page whatever the number of threads.
$R --deadline 2027-04-30 --ci 20 --no-backtest --threads 1 >"$TMP/t1.html"
$R --deadline 2027-04-30 --ci 20 --no-backtest --threads 3 >"$TMP/t3.html"
# (but for the command line printed on it)
grep -v '<code>precedent --db' "$TMP/t1.html" >"$TMP/t1" || true
grep -v '<code>precedent --db' "$TMP/t3.html" >"$TMP/t3" || true
cmp -s "$TMP/t1" "$TMP/t3" && r=0 || r=1
ok $r "1 and 3 threads give the same page"

# Single charts.
for c in gantt curve history drivers reliability; do
	run 0 "--chart $c" -- $R --deadline 2027-04-30 --ci 0 --chart $c
	cp "$TMP/out" "$TMP/$c.svg"
done
check "every single chart is a well-formed SVG with title and desc" -- svg \
	"$TMP/gantt.svg" "$TMP/curve.svg" "$TMP/history.svg" "$TMP/drivers.svg" \
	"$TMP/reliability.svg"
run 0 "plan --format svg" -- $PC --db "$db" plan --start 2027-01-04 --iterations 20000 \
	--seed 7 --format svg
cp "$TMP/out" "$TMP/plan.svg"
expect_grep 'class="chart gantt"' "$TMP/plan.svg" "plan --format svg is the Gantt chart"
run 0 "whatif --format svg" -- $PC --db "$db" whatif --start 2027-01-04 \
	--deadline 2027-04-30 --iterations 20000 --format svg
cp "$TMP/out" "$TMP/whatif.svg"
expect_grep 'class="chart curve"' "$TMP/whatif.svg" "whatif --format svg is the curve"
check "plan's and whatif's SVG are well-formed" -- svg "$TMP/plan.svg" "$TMP/whatif.svg"

# The calendar.
SOURCE_DATE_EPOCH=1800000000 $PC --db "$db" plan --start 2027-01-04 --iterations 20000 \
	--seed 7 --customer "Sample Customer" --format ics >"$TMP/p.ics"
set +e; $CHECK ics "$TMP/p.ics" >"$TMP/ev" 2>"$TMP/chk.err"; t=$?; set -e
if [ $t -eq 77 ]; then
	echo "ok - # SKIP python3-icalendar is not installed"
else
	ok $t "the calendar follows RFC 5545 and python3-icalendar reads it"
	[ $t -eq 0 ] || sed 's/^/# /' "$TMP/chk.err"
	n=$(wc -l <"$TMP/ev")
	# 8 phase finishes, the release, and up to 8 checkpoints
	[ "$n" -ge 9 ] && [ "$n" -le 17 ] && r=0 || r=1
	ok $r "one event per milestone ($n)"
	$CHECK data "$TMP/plan.json" finish p80 >"$TMP/p80"
	grep -q "|$(cat "$TMP/p80")|Sample Customer: release (P80)\$" "$TMP/ev" && r=0 || r=1
	ok $r "the release event is on plan's P80 date"
	expect_grep '^DTSTAMP:20270115T080000Z' "$TMP/p.ics" "DTSTAMP from SOURCE_DATE_EPOCH"
	# Stable UIDs: another start and seed move the events, not their UIDs.
	SOURCE_DATE_EPOCH=1800000000 $PC --db "$db" plan --start 2027-02-01 --iterations 20000 \
		--seed 8 --customer "Sample Customer" --format ics >"$TMP/p2.ics"
	grep '^UID:' "$TMP/p.ics" | sort >"$TMP/u1"
	grep '^UID:' "$TMP/p2.ics" | sort >"$TMP/u2"
	cmp -s "$TMP/u1" "$TMP/u2" && r=0 || r=1
	ok $r "a later plan keeps the UIDs"
	cmp -s "$TMP/p.ics" "$TMP/p2.ics" && r=1 || r=0
	ok $r "... and moves the dates"
	SOURCE_DATE_EPOCH=1800000000 $PC --db "$db" plan --start 2027-01-04 --iterations 20000 \
		--seed 7 --customer "Sample Customer" --confidence 0.5 --format ics >"$TMP/p5.ics"
	$CHECK ics "$TMP/p5.ics" >"$TMP/ev5"
	$CHECK data "$TMP/plan.json" finish p50 >"$TMP/p50"
	grep -q "|$(cat "$TMP/p50")|Sample Customer: release (P50)\$" "$TMP/ev5" && r=0 || r=1
	ok $r "--confidence 0.5 puts the release on the P50 date"
fi

# Hostile names: markup, quotes, ampersands, ESC, ]]> and a line break
# in the customer and phase names.
H=$(printf '<script>alert(1)</script> & "Q" \047S\047 \033 ]]>\nend')
{
	printf 'customer,project,phase,start,end,status\n'
	for i in 1 2 3 4 5 6; do
		printf '"<script>x</script> & ""Q""",p%d,"<b>build</b> &amp; ]]>",2025-0%d-01,2025-0%d-0%d,done\n' \
			$i $i $i $((i + 2))
		printf '"<script>x</script> & ""Q""",p%d,"test\033 ""x"" '"'"'y'"'"'\n line2",2025-0%d-10,2025-0%d-1%d,done\n' \
			$i $i $i $i
	done
} >"$TMP/hostile.csv"
run 0 "import the hostile history" -- $PC --db "$TMP/h.db" -q import --as-of 2026-01-01 \
	"$TMP/hostile.csv"
run 0 "report on it" -- $PC --db "$TMP/h.db" report --start 2027-01-04 \
	--deadline 2027-03-01 --customer "$H" --iterations 5000 -o "$TMP/h.html"
check "the hostile page is well-formed and fetches nothing" -- html "$TMP/h.html"
cp "$TMP/chk.out" "$TMP/hdata.json"
grep -q '<script>alert\|<b>build\|<script>x' "$TMP/h.html" && r=1 || r=0
ok $r "no name reaches the page as markup"
tr -d '\n' <"$TMP/h.html" | grep -q "$(printf '\033')" && r=1 || r=0
ok $r "no ESC byte in the page"
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["customer"]!=sys.argv[2])' \
	"$TMP/hdata.json" "$H" && r=0 || r=1
ok $r "the data block holds the customer's name exactly"
for c in gantt curve history drivers; do
	$PC --db "$TMP/h.db" report --start 2027-01-04 --deadline 2027-03-01 \
		--customer "$H" --iterations 5000 --ci 0 --chart $c >"$TMP/h-$c.svg"
done
check "the hostile charts are well-formed SVG" -- svg "$TMP/h-gantt.svg" \
	"$TMP/h-curve.svg" "$TMP/h-history.svg" "$TMP/h-drivers.svg"
SOURCE_DATE_EPOCH=0 $PC --db "$TMP/h.db" plan --start 2027-01-04 --iterations 5000 \
	--customer "$H" --format ics >"$TMP/h.ics"
set +e; $CHECK ics "$TMP/h.ics" >/dev/null 2>"$TMP/chk.err"; t=$?; set -e
if [ $t -eq 77 ]; then
	echo "ok - # SKIP python3-icalendar is not installed"
else
	ok $t "the hostile calendar follows RFC 5545 and parses"
	[ $t -eq 0 ] || sed 's/^/# /' "$TMP/chk.err"
	$PY -c '
import sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
want = sys.argv[2].replace("\033", "\ufffd")
s = [str(e["SUMMARY"]) for e in cal.walk("VEVENT")]
sys.exit(not s or not all(x.startswith(want + ": ") for x in s))' "$TMP/h.ics" "$H" && r=0 || r=1
	ok $r "every summary reads back as the customer's name (ESC replaced)"
fi

# A model file: no histories or backtest, but a page and a calendar.
run 0 "report from a model file" -- $PC report --model "$top_srcdir/models/sample-model.csv" \
	--start 2027-01-04 --iterations 5000 -o "$TMP/m.html"
check "the model-file page is well-formed" -- html "$TMP/m.html"
expect_grep 'Planned from a model file' "$TMP/m.html" "it says there is no history"
run 2 "no history chart from a model file" -- $PC report --model \
	"$top_srcdir/models/sample-model.csv" --start 2027-01-04 --iterations 5000 --chart history
expect_file "$TMP/err" "precedent: report: the history chart needs the store's history (not a model file)" \
	"history chart from a model file: message"

# Both real histories.
for name in python linux; do
	rdb=$TMP/$name.db
	run 0 "import $name.csv" -- $PC --db "$rdb" -q import --as-of 2026-08-22 \
		"$top_srcdir/datasets/real/$name.csv"
	run 0 "report on $name" -- $PC --db "$rdb" report --start 2027-01-04 \
		--deadline 2027-09-30 --iterations 5000 --ci 20 -o "$TMP/$name.html"
	check "the $name page is well-formed" -- html "$TMP/$name.html"
	run 0 "plan --format svg on $name" -- $PC --db "$rdb" plan --start 2027-01-04 \
		--iterations 5000 --format svg
	cp "$TMP/out" "$TMP/$name.svg"
	check "the $name chart is well-formed" -- svg "$TMP/$name.svg"
	SOURCE_DATE_EPOCH=0 $PC --db "$rdb" plan --start 2027-01-04 --iterations 5000 \
		--format ics >"$TMP/$name.ics"
	set +e; $CHECK ics "$TMP/$name.ics" >/dev/null 2>"$TMP/chk.err"; t=$?; set -e
	[ $t -eq 0 ] || [ $t -eq 77 ] && r=0 || r=1
	ok $r "the $name calendar follows RFC 5545"
done

done_testing
