#!/bin/sh
# phases.sh - benchmark, run by hand (not a test): `precedent history` on
# stores where every row has a phase of its own (what `--map phase=`
# pointed at an ID column makes), at 10^4, 10^5 and 10^6 rows.  Prints
# rows, the import's and history's wall time in seconds and history's
# peak RSS, so that the growth can be read off (linear or n log n: ten
# times the rows, about ten times the time).
#
#   sh tests/bench/phases.sh [PRECEDENT] [SIZES]
#
# PRECEDENT defaults to ./precedent (run from a build directory); SIZES
# to "10000 100000 1000000".
set -eu
PC=${1:-./precedent}
SIZES=${2:-10000 100000 1000000}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/precedent-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM

now() { date +%s.%N; }

printf '%10s %10s %10s %12s\n' rows import_s history_s history_rss_mb
for n in $SIZES; do
	awk -v n="$n" 'BEGIN {
		print "customer,project,phase,start,end,status"
		for (i = 0; i < n; i++)
			printf "c%d,p%d,id%07d,2025-01-%02d,2025-02-%02d,done\n", i % 7, i % 500, i,
				1 + i % 28, 1 + i % 27
	}' >"$DIR/ids.csv"
	rm -f "$DIR/ids.db"
	t0=$(now)
	"$PC" --db "$DIR/ids.db" -q import --as-of 2026-11-01 "$DIR/ids.csv" >/dev/null
	t1=$(now)
	/usr/bin/time -f '%M' -o "$DIR/rss" "$PC" --db "$DIR/ids.db" history >/dev/null
	t2=$(now)
	printf '%10d %10.2f %10.2f %12.1f\n' "$n" "$(echo "$t1 - $t0" | bc)" \
		"$(echo "$t2 - $t1" | bc)" "$(echo "$(cat "$DIR/rss") / 1024" | bc -l)"
done
