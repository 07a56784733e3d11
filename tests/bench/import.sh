#!/bin/sh
# import.sh - benchmark, run by hand (not a test): import a generated
# 1,000,000-row history with `precedent import` and load the same file
# with `sqlite3 .import --csv` into a plain table, one run each; print both
# times, their ratio, and peak RSS when GNU time is at hand.
#
#   sh tests/bench/import.sh [PRECEDENT] [ROWS]
#
# PRECEDENT defaults to ./precedent (run from a build directory).
set -eu
PC=${1:-./precedent}
ROWS=${2:-1000000}
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

if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then
	TIMEV="/usr/bin/time -v"
else
	TIMEV=
fi

# seconds COMMAND...: wall time of one run, as a decimal.
seconds() {
	_s=$(date +%s.%N)
	if [ -n "$TIMEV" ]; then
		$TIMEV "$@" 2>"$DIR/time.txt" >/dev/null
	else
		"$@" >/dev/null 2>&1
	fi
	_e=$(date +%s.%N)
	echo "$_s $_e" | awk '{ printf "%.2f", $2 - $1 }'
}

rss() {
	[ -n "$TIMEV" ] && awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 " KiB" }' "$DIR/time.txt" || echo "n/a"
}

# CPU seconds (user + system) of the last run: on a shared machine wall
# time says more about the neighbours than about the program.
cpu() {
	[ -n "$TIMEV" ] && awk -F: '/User time|System time/ { t += $2 } END { printf "%.2f", t }' "$DIR/time.txt" || echo "n/a"
}

t_pc=$(seconds "$PC" -q --db "$DIR/p.db" import --as-of 2030-01-01 "$DIR/history.csv")
rss_pc=$(rss) cpu_pc=$(cpu)
t_sq=$(seconds "$SQLITE3" "$DIR/s.db" ".import --csv $DIR/history.csv t")
rss_sq=$(rss) cpu_sq=$(cpu)
t_re=$(seconds "$PC" -q --db "$DIR/p.db" import --as-of 2030-01-01 "$DIR/history.csv")
cpu_re=$(cpu)

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo n/a)"
echo "precedent import:          ${t_pc} s wall, ${cpu_pc} s CPU  (peak RSS $rss_pc)"
echo "sqlite3 .import --csv:     ${t_sq} s wall, ${cpu_sq} s CPU  (peak RSS $rss_sq)"
echo "precedent re-import:       ${t_re} s wall, ${cpu_re} s CPU  (all rows unchanged)"
echo "$t_pc $t_sq" | awk '{ printf "ratio precedent/sqlite3:   %.2f (wall)\n", $1 / $2 }'
"$PC" --db "$DIR/p.db" history | head -4
