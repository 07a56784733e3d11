#!/bin/sh
# customers.sh - benchmark, run by hand (never a test): a history of one
# project per customer (tests/synth/gen-synth: 5 phases, starts spread
# over 2,000 days) at 10^4, 10^5 and 10^6 customers, through `import`,
# `history`, `fit`, `plan` and `backtest` (its default --forecasts cap:
# the forecasts and the releases scored are printed with it).  Prints
# CPU seconds (user + system), wall seconds and peak RSS of one run of
# each, and the growth exponent of the CPU time from the size before,
# log(t2 / t1) / log(n2 / n1).
#
#   sh tests/bench/customers.sh [BUILDDIR]
#   env: SIZES (default "10000 100000 1000000")
set -eu
build=${1:-.}
PC=$(cd "$build" && pwd)/precedent
GEN=$(cd "$build" && pwd)/tests/synth/gen-synth
[ -x "$PC" ] || { echo "no precedent in $build: build first" >&2; exit 2; }
[ -x "$GEN" ] || { echo "no $GEN: run 'make tests/synth/gen-synth' first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (package time)" >&2; exit 2; }
SIZES=${SIZES:-10000 100000 1000000}
T=$(mktemp -d "${TMPDIR:-/tmp}/precedent-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

# "cpu wall rss_mb" of one run; output to $T/out
measure() {
	/usr/bin/time -f '%U %S %e %M' -o "$T/time" "$@" >"$T/out" 2>"$T/err" ||
		{ echo "failed: $*" >&2; cat "$T/err" >&2; exit 1; }
	awk '{ printf "%.2f %.2f %.1f\n", $1 + $2, $3, $4 / 1024 }' "$T/time"
}
expo() {
	awk -v n1="$1" -v t1="$2" -v n2="$3" -v t2="$4" 'BEGIN {
		if (n1 == "" || t1 < 0.05 || t2 < 0.05) print "-";
		else printf "%.2f\n", log(t2 / t1) / log(n2 / n1) }'
}

printf '%9s  %-8s %9s %9s %9s %9s  %s\n' customers job cpu_s wall_s rss_mb exponent note
prev_n=
for n in $SIZES; do
	"$GEN" --projects "$n" --seed 7 >"$T/h.csv"
	rm -f "$T/h.db"
	for job in import history fit plan backtest; do
		note=
		case $job in
		import) set -- -q import --as-of 2026-11-01 "$T/h.csv" ;;
		history) set -- history ;;
		fit) set -- fit ;;
		plan) set -- plan --start 2027-01-04 ;;
		backtest) set -- backtest --format json ;;
		esac
		set -- $(measure "$PC" --db "$T/h.db" "$@")
		if [ "$job" = backtest ]; then
			note="$(sed 's/.*"forecasts":\([0-9]*\).*/\1/' "$T/out") forecasts,"
			note="$note $(sed 's/.*"evaluated":\([0-9]*\).*/\1/' "$T/out") releases scored"
		fi
		eval "prev_t=\${t_$job:-}"
		printf '%9d  %-8s %9.2f %9.2f %9.1f %9s  %s\n' "$n" "$job" "$1" "$2" "$3" \
			"$(expo "$prev_n" "${prev_t:-0}" "$n" "$1")" "$note"
		eval "t_$job=$1"
	done
	prev_n=$n
done
