#!/bin/sh
# import.sh - benchmark, run by hand (not a test): import a generated
# 1,000,000-row history with `precedent import` and load the same file
# with `sqlite3 .import --csv` into a plain table, RUNS times each,
# alternating, each into a new database; after each fresh import, import
# the same file again (every row unchanged) and then a copy with 1% of
# its rows changed (an attribute), and the original again from a pipe
# (which cannot be hashed before it is read).  Print the median wall time, CPU time
# (user + system) and peak RSS of each, and their ratios.
#
#   [RUNS=3] sh tests/bench/import.sh [PRECEDENT] [ROWS]
#
# PRECEDENT defaults to ./precedent (run from a build directory).  On a
# shared machine wall time says more about the neighbours than about the
# program: compare CPU times, and run it more than once.
set -eu
PC=${1:-./precedent}
ROWS=${2:-1000000}
RUNS=${RUNS:-3}
SQLITE3=${SQLITE3:-sqlite3}
DIR=$(mktemp -d "${TMPDIR:-/tmp}/precedent-bench.XXXXXX")
trap 'rm -rf "$DIR"' EXIT INT TERM

# 8 phases per project, 4 projects per customer; every 50th project has
# its last phase still running.  Dates are computed, so no two rows share
# a key.
awk -v rows="$ROWS" 'BEGIN {
	split("kickoff requirements load_test_plan plan_signoff load_test fixes launch_readiness launch", ph, " ");
	split("enterprise midmarket smb", tier, " ");
	split("EU US APAC", region, " ");
	print "customer,project,phase,start,end,status,tier,region,users";
	day0 = 0;
	for (i = 0; i < rows; i++) {
		p = int(i / 8); k = i % 8 + 1;
		if (k == 1) { d = 19000 + (p * 7) % 1200; }
		len = 3 + (p * 31 + k * 17) % 40;
		s = d; e = d + len - 1; d = e + 1;
		# day numbers to ISO dates: civil-from-days (H. Hinnant)
		st = iso(s); en = iso(e);
		if (k == 8 && p % 50 == 0)
			printf "customer %d,project %d,%s,%s,,ongoing,%s,%s,%d\n", int(p / 4), p, ph[k], st, tier[p % 3 + 1], region[p % 3 + 1], 10 + p % 5000;
		else
			printf "customer %d,project %d,%s,%s,%s,done,%s,%s,%d\n", int(p / 4), p, ph[k], st, en, tier[p % 3 + 1], region[p % 3 + 1], 10 + p % 5000;
	}
}
function iso(z,   era, doe, yoe, y, doy, mp, dd, m) {
	z += 719468; era = int(z / 146097); doe = z - era * 146097;
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365);
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100));
	mp = int((5 * doy + 2) / 153); dd = doy - int((153 * mp + 2) / 5) + 1;
	m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++;
	return sprintf("%04d-%02d-%02d", y, m, dd);
}' >"$DIR/history.csv"
echo "input: $(wc -l <"$DIR/history.csv") lines, $(du -h "$DIR/history.csv" | cut -f1)"
# every 100th row's users attribute changed: 1% of the rows updated
awk -F, 'NR > 1 && NR % 100 == 0 { sub(/,[0-9]+$/, ",99999") } { print }' \
	"$DIR/history.csv" >"$DIR/changed.csv"

if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	TIMEV="/usr/bin/time -v"
else
	TIMEV=
fi

# measure NAME COMMAND...: run it once and append "wall cpu rss" (seconds,
# seconds, KiB; n/a without GNU time) to $DIR/NAME.
measure() {
	_n=$1
	shift
	_s=$(date +%s.%N)
	if [ -n "$TIMEV" ]; then
		$TIMEV "$@" 2>"$DIR/time.txt" >/dev/null
	else
		"$@" >/dev/null 2>&1
	fi
	_e=$(date +%s.%N)
	if [ -n "$TIMEV" ]; then
		awk -v w="$_s $_e" -F: '
			/User time|System time/ { t += $2 }
			/Maximum resident/ { gsub(/ /, "", $2); r = $2 }
			END { split(w, a, " "); printf "%.2f %.2f %s\n", a[2] - a[1], t, r }' \
			"$DIR/time.txt" >>"$DIR/$_n"
	else
		echo "$_s $_e" | awk '{ printf "%.2f n/a n/a\n", $2 - $1 }' >>"$DIR/$_n"
	fi
}

# median NAME COLUMN: the median of a column of $DIR/NAME.
median() {
	cut -d' ' -f"$2" "$DIR/$1" | sort -n |
		awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

i=1
while [ "$i" -le "$RUNS" ]; do
	rm -f "$DIR"/p.db* "$DIR"/s.db*
	measure pc "$PC" -q --db "$DIR/p.db" import --as-of 2030-01-01 "$DIR/history.csv"
	measure sq "$SQLITE3" "$DIR/s.db" ".import --csv $DIR/history.csv t"
	measure re "$PC" -q --db "$DIR/p.db" import --as-of 2030-01-01 "$DIR/history.csv"
	measure ch "$PC" -q --db "$DIR/p.db" import --as-of 2030-01-01 "$DIR/changed.csv"
	# the original again, from a pipe: no content hash beforehand, so
	# every row is read and compared (the store holds changed.csv's
	# rows now, so 1% of them are updated back)
	measure rp sh -c "cat '$DIR/history.csv' | '$PC' -q --db '$DIR/p.db' import --as-of 2030-01-01 -"
	echo "run $i: precedent $(tail -1 "$DIR/pc" | awk '{ print $1 " s wall, " $2 " s CPU" }');" \
		"sqlite3 $(tail -1 "$DIR/sq" | awk '{ print $1 " s wall, " $2 " s CPU" }');" \
		"re-import $(tail -1 "$DIR/re" | awk '{ print $2 " s CPU" }'), 1% changed $(tail -1 "$DIR/ch" | awk '{ print $2 " s CPU" }')"
	i=$((i + 1))
done

w_pc=$(median pc 1) c_pc=$(median pc 2) r_pc=$(median pc 3)
w_sq=$(median sq 1) c_sq=$(median sq 2) r_sq=$(median sq 3)
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
echo "medians of $RUNS runs:"
echo "precedent import:          ${w_pc} s wall, ${c_pc} s CPU  (peak RSS $r_pc KiB)"
echo "sqlite3 .import --csv:     ${w_sq} s wall, ${c_sq} s CPU  (peak RSS $r_sq KiB)"
w_re=$(median re 1) c_re=$(median re 2) r_re=$(median re 3)
w_ch=$(median ch 1) c_ch=$(median ch 2) r_ch=$(median ch 3)
echo "re-import, unchanged:      ${w_re} s wall, ${c_re} s CPU  (peak RSS $r_re KiB)"
echo "re-import, 1% changed:     ${w_ch} s wall, ${c_ch} s CPU  (peak RSS $r_ch KiB)"
w_rp=$(median rp 1) c_rp=$(median rp 2) r_rp=$(median rp 3)
echo "the same, from a pipe:     ${w_rp} s wall, ${c_rp} s CPU  (peak RSS $r_rp KiB)"
echo "$w_pc $w_sq $c_pc $c_sq" | awk '{
	printf "ratio precedent/sqlite3:   %.2f (wall)", $1 / $2
	if ($4 + 0 > 0) printf ", %.2f (CPU)", $3 / $4
	printf "\n" }'
# what issue 15 asks: a re-import at most 0.3 of a fresh import's time
echo "$w_re $w_pc $c_re $c_pc" | awk '{
	printf "ratio re-import unchanged/fresh:  %.2f (wall)", $1 / $2
	if ($4 + 0 > 0) printf ", %.2f (CPU)", $3 / $4
	printf "\n" }'
echo "$w_ch $w_pc $c_ch $c_pc" | awk '{
	printf "ratio re-import 1%% changed/fresh: %.2f (wall)", $1 / $2
	if ($4 + 0 > 0) printf ", %.2f (CPU)", $3 / $4
	printf "\n" }'
echo "$w_rp $w_pc $c_rp $c_pc" | awk '{
	printf "ratio re-import from a pipe/fresh: %.2f (wall)", $1 / $2
	if ($4 + 0 > 0) printf ", %.2f (CPU)", $3 / $4
	printf "\n" }'
"$PC" --db "$DIR/p.db" history | head -4
