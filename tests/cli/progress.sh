#!/bin/sh
# progress.sh - long jobs show how far they have got on a terminal, on
# stderr, in one line they erase when done; never when stderr is not a
# terminal (a file, a pipe, this harness), and never with -q.  script(1)
# (util-linux, bsdutils in bootstrap) gives the terminal.
. "$top_srcdir/tests/setup.sh"

$PC -q --db t.db import --as-of 2026-11-01 "$top_srcdir/datasets/sample.csv"

# Not a terminal: stderr holds no progress (and no carriage return).
for args in "plan --start 2027-01-04 --ci --iterations 2000" \
            "whatif --start 2027-01-04 --deadline 2027-06-30 --iterations 2000" \
            "backtest --iterations 500 --holdout 20" "fit"; do
	run 0 "${args%% *} with stderr in a file" -- $PC --db t.db $args
	if grep -Eq "$(printf '\r')|bootstrap|forecast|learning|loading|fitting" "$TMP/err"; then
		ok 1 "${args%% *}: no progress in a file"
		sed 's/^/# /' "$TMP/err" | head -5
	else
		ok 0 "${args%% *}: no progress in a file"
	fi
done

if ! command -v script >/dev/null 2>&1; then
	echo "ok $((_tap_n + 1)) # SKIP no script(1): install bsdutils"
	_tap_n=$((_tap_n + 1))
	done_testing
	exit $?
fi

# tty OUT ARGS...: run the tool on a terminal, stdout thrown away; OUT
# gets what the terminal showed, carriage returns as newlines.
tty() {
	_o=$1
	shift
	script -qec "$PC --db t.db $* >/dev/null" /dev/null >"$_o.raw" 2>&1 || true
	tr '\r' '\n' <"$_o.raw" >"$_o"
}

t0=$(date +%s%N)
tty plan.tty plan --start 2027-01-04 --ci --iterations 2000
t1=$(date +%s%N)
expect_grep '^precedent: plan: bootstrap [0-9]+ of 200 \([0-9]+%\)' plan.tty \
	"plan --ci counts its bootstrap replicates on a terminal"
# the line is erased at the end: spaces over it, then a carriage return
last=$(tail -c 2 plan.tty.raw | od -An -c | tr -d ' ')
[ "$last" = '\r' ] || [ "$(tail -c 3 plan.tty.raw | od -An -c | tr -d ' ')" = '\r\r\n' ] &&
	r=0 || r=1
ok $r "plan leaves the line erased (ends with a carriage return: '$last')"
# At most one redraw per 150 ms of the run (plus the first), whatever the
# machine's speed: under valgrind a replicate takes longer than that.
n=$(grep -c 'bootstrap' plan.tty)
max=$(( (t1 - t0) / 150000000 + 2 ))
[ "$n" -le "$max" ] && r=0 || r=1
ok $r "redrawn at most every 150 ms, not per replicate ($n lines for 200 replicates in $(( (t1 - t0) / 1000000 )) ms)"

tty whatif.tty whatif --start 2027-01-04 --deadline 2027-06-30 --iterations 2000
expect_grep '^precedent: whatif: bootstrap [0-9]+ of 200' whatif.tty \
	"whatif --ci counts its replicates on a terminal"

tty backtest.tty backtest --iterations 60000 --forecasts 0
expect_grep '^precedent: backtest: forecast [0-9]+ of [0-9]+ \([0-9]+%\)' backtest.tty \
	"backtest counts its forecasts on a terminal"

tty quiet.tty -q plan --start 2027-01-04 --ci --iterations 2000
grep -q 'bootstrap' quiet.tty && r=1 || r=0
ok $r "-q: no progress on a terminal either"

# an import from a pipe: the size is unknown, the bytes read are shown
awk 'BEGIN { print "customer,project,phase,start,end,status"
	for (p = 0; p < 60000; p++) for (h = 1; h <= 4; h++)
		printf "c%d,p%d,ph%d,2025-0%d-01,2025-0%d-05,done\n", p % 100, p, h, h, h }' >big.csv
script -qec "cat big.csv | $PC --db big.db import -" /dev/null 2>&1 | tr '\r' '\n' >import.tty || true
expect_grep '^precedent: import: <stdin>: [0-9.]+ MiB read' import.tty \
	"an import from stdin shows the bytes read"
expect_grep '^precedent: import: <stdin>: 240000 rows' import.tty \
	"then its summary, on a line of its own"

done_testing
