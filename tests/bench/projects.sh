#!/bin/sh
# projects.sh - benchmark, run by hand (never a test): how `fit`, `plan`,
# `whatif --ci 0` and `backtest` grow with the number of projects, on
# synthetic histories of 8 phases (tests/synth/gen-synth --phases 8: a
# join and an optional phase) of 100, 1,000, 10,000 and 100,000
# projects.  Prints the median CPU seconds (user + system) of RUNS runs
# of each and the growth exponent from the size before, log(t2 / t1) /
# log(n2 / n1): 1 is linear, and issue 15 asks at most 1.2 from 10k to
# 100k projects for fit, plan and whatif.
#
# Then backtest on 2,000 projects of the 5-phase history with every start
# day forecast (--forecasts 0, the same forecasts as before the cap
# existed) and with the default cap, side by side in the same run with
# BASELINE, a precedent built from an earlier commit (e.g. main before
# the backtest work), if given: the ratio is the speed-up.
#
#   sh tests/bench/projects.sh [BUILDDIR]
#   env: SIZES (default "100 1000 10000 100000"), RUNS (3),
#        BASELINE (a precedent binary or wrapper; default none)
set -eu
build=${1:-.}
PC=$(cd "$build" && pwd)/precedent
GEN=$(cd "$build" && pwd)/tests/synth/gen-synth
[ -x "$PC" ] || { echo "no precedent in $build: build first" >&2; exit 2; }
[ -x "$GEN" ] || { echo "no $GEN: run 'make tests/synth/gen-synth' first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (package time)" >&2; exit 2; }
SIZES=${SIZES:-100 1000 10000 100000}
RUNS=${RUNS:-3}
BASELINE=${BASELINE:-}
T=$(mktemp -d "${TMPDIR:-/tmp}/precedent-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# CPU seconds (user + system) of one run; output to $T/out
cpu() {
	/usr/bin/time -f '%U %S' -o "$T/time" "$@" >"$T/out" 2>"$T/err" ||
		{ echo "failed: $*" >&2; cat "$T/err" >&2; exit 1; }
	awk '{ printf "%.2f\n", $1 + $2 }' "$T/time"
}
median() {
	sort -g | awk '{ a[NR] = $1 } END {
		printf "%.2f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
med_cpu() {
	for i in $(seq "$RUNS"); do cpu "$@"; done | median
}
# growth exponent from (n1, t1) to (n2, t2); "-" for the first size or
# times too short to tell (under 0.05 s)
expo() {
	awk -v n1="$1" -v t1="$2" -v n2="$3" -v t2="$4" 'BEGIN {
		if (n1 == "" || t1 < 0.05 || t2 < 0.05) print "-";
		else printf "%.2f\n", log(t2 / t1) / log(n2 / n1) }'
}

echo "== growth in projects (8 phases), CPU seconds, median of $RUNS runs"
printf '%9s  %-8s %9s %9s\n' projects job cpu_s exponent
prev_n=
for n in $SIZES; do
	"$GEN" --projects "$n" --phases 8 --seed 15 >"$T/h.csv"
	rm -f "$T/h.db"
	"$PC" --db "$T/h.db" -q import --as-of 2026-11-01 "$T/h.csv"
	for job in fit plan whatif backtest; do
		case $job in
		fit) set -- fit ;;
		plan) set -- plan --start 2027-01-04 ;;
		whatif) set -- whatif --ci 0 --start 2027-01-04 --deadline 2027-06-01 ;;
		backtest) set -- backtest --format csv ;;
		esac
		t=$(med_cpu "$PC" --db "$T/h.db" "$@")
		eval "prev_t=\${t_$job:-}"
		printf '%9d  %-8s %9.2f %9s\n' "$n" "$job" "$t" \
			"$(expo "$prev_n" "${prev_t:-0}" "$n" "$t")"
		eval "t_$job=$t"
	done
	prev_n=$n
done

echo
echo "== backtest, 2,000 projects (5 phases), CPU seconds, median of $RUNS alternating runs"
"$GEN" --projects 2000 --seed 7 >"$T/b.csv"
rm -f "$T/b.db"
"$PC" --db "$T/b.db" -q import --as-of 2026-11-01 "$T/b.csv"
: >"$T/all"
: >"$T/cap"
: >"$T/base"
for i in $(seq "$RUNS"); do
	cpu "$PC" --db "$T/b.db" backtest --format csv --forecasts 0 >>"$T/all"
	cp "$T/out" "$T/all.csv"
	cpu "$PC" --db "$T/b.db" backtest --format json >>"$T/cap"
	nf=$(sed 's/.*"forecasts":\([0-9]*\).*/\1/' "$T/out")
	nr=$(sed 's/.*"evaluated":\([0-9]*\).*/\1/' "$T/out")
	if [ -n "$BASELINE" ]; then
		cpu "$BASELINE" --db "$T/b.db" backtest --format csv >>"$T/base"
		cp "$T/out" "$T/base.csv"
	fi
done
all=$(median <"$T/all")
cap=$(median <"$T/cap")
rows=$(($(wc -l <"$T/all.csv") - 1))
echo "every start day (--forecasts 0): $all s, $rows releases scored"
echo "default cap: $cap s, $nf forecasts, $nr releases scored"
if [ -n "$BASELINE" ]; then
	base=$(median <"$T/base")
	if cmp -s "$T/all.csv" "$T/base.csv"; then same="byte-identical"; else same="DIFFERENT"; fi
	echo "baseline ($BASELINE): $base s; its CSV and --forecasts 0's are $same"
	awk -v b="$base" -v a="$all" -v c="$cap" 'BEGIN {
		printf "speed-up: %.1fx with every start day, %.1fx with the default cap\n", b / a, b / c }'
fi
