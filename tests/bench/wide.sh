#!/bin/sh
# wide.sh - benchmark, run by hand (not a test): `plan` and `whatif --ci 0`
# (the engine, without the bootstrap interval that refits every phase
# 200 times) on wide histories, 4 projects of 5,000 phases each (issue
# 14: over 120 s and 790 MB once), and of 500 and 1,000 phases for the
# growth.  Prints CPU seconds (user + system), wall seconds and peak RSS
# of each, with the growth exponent of the CPU time in phases.
#
#   sh tests/bench/wide.sh [PRECEDENT] [PHASES]
#
# PRECEDENT defaults to ./precedent (run from a build directory); PHASES
# to "500 1000 5000".
set -eu
PC=${1:-./precedent}
PHASES=${2:-500 1000 5000}
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (package time)" >&2; exit 2; }
DIR=$(mktemp -d "${TMPDIR:-/tmp}/precedent-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM

measure() {
	/usr/bin/time -f '%U %S %e %M' -o "$DIR/time" "$@" >/dev/null 2>"$DIR/err" ||
		{ echo "failed: $*" >&2; cat "$DIR/err" >&2; exit 1; }
	awk '{ printf "%.2f %.2f %.1f\n", $1 + $2, $3, $4 / 1024 }' "$DIR/time"
}
expo() {
	awk -v n1="$1" -v t1="$2" -v n2="$3" -v t2="$4" 'BEGIN {
		if (n1 == "" || t1 < 0.05 || t2 < 0.05) print "-";
		else printf "%.2f\n", log(t2 / t1) / log(n2 / n1) }'
}

printf '%7s  %-7s %9s %9s %9s %9s\n' phases job cpu_s wall_s rss_mb exponent
prev=
for k in $PHASES; do
	# four projects a year apart; phase j of project i starts j % 100
	# days in and lasts 1 to 9 days
	awk -v k="$k" 'BEGIN {
		print "customer,project,phase,start,end,status"
		for (i = 0; i < 4; i++)
			for (j = 0; j < k; j++) {
				s = 1 + (j % 100); d = 1 + (j * 7 + i) % 9
				printf "c%d,r%d,ph%05d,%d-%s,%d-%s,done\n", i, i, j,
					2021 + i, md(s), 2021 + i, md(s + d - 1)
			}
	}
	function md(day,   m, len) {
		split("31 28 31 30 31 30 31 31 30 31 30 31", len, " ")
		for (m = 1; day > len[m]; m++)
			day -= len[m]
		return sprintf("%02d-%02d", m, day)
	}' >"$DIR/wide.csv"
	rm -f "$DIR/wide.db"
	"$PC" --db "$DIR/wide.db" -q import --as-of 2026-11-01 "$DIR/wide.csv" >/dev/null
	for job in plan whatif; do
		case $job in
		plan) set -- plan --start 2027-01-04 ;;
		whatif) set -- whatif --ci 0 --start 2027-01-04 --deadline 2027-09-01 ;;
		esac
		set -- $(measure "$PC" --db "$DIR/wide.db" "$@")
		eval "pt=\${t_$job:-}"
		printf '%7d  %-7s %9.2f %9.2f %9.1f %9s\n' "$k" "$job" "$1" "$2" "$3" \
			"$(expo "$prev" "${pt:-0}" "$k" "$1")"
		eval "t_$job=$1"
	done
	prev=$k
done
