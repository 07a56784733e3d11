#!/bin/sh
# crash-points.sh - killed at any one of its store writes, `import` and
# `fit` leave a store that opens, passes SQLite's integrity check and
# holds all of the import or saved model or none of it.
#
# crash.sh kills an import at random times; this test kills exactly: the
# killat.so shim (killat.c) counts every step of a writing statement and
# every write and fdatasync SQLite makes, and SIGKILLs the tool just
# before the K-th.  A run is counted first, then killed at up to
# KILL_POINTS moments spread evenly over it (every moment, when there
# are fewer), the last of them inside the commit.
. "$top_srcdir/tests/setup.sh"

if [ -z "${SQLITE3:-}" ]; then
	echo "1..0 # SKIP sqlite3 not found by configure"
	exit 0
fi
shim=$top_builddir/tests/cli/killat.so
POINTS=${KILL_POINTS:-100}
AS_OF=2026-11-01
# A sanitizer build wants its runtime first among the libraries; the
# shim is not instrumented, so let it go first.
ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"
export ASAN_OPTIONS

# models(id), and each model's phases as export shows them.
models() {
	"$SQLITE3" "$1" "SELECT m.id, m.criterion, count(p.phase)
		FROM models m LEFT JOIN model_phases p ON p.model_id = m.id
		GROUP BY m.id ORDER BY m.id;
		SELECT phase, family, p1, p2, p3, n, censored FROM model_phases
		ORDER BY model_id, phase;"
}

# killed NAME BASE.DB NONE.TXT ALL.TXT STATEFN -- COMMAND...: count the
# moments of COMMAND run on a copy of BASE.DB, then kill it at POINTS of
# them; after each kill the store must open, pass integrity_check and
# STATEFN of it must equal NONE.TXT or ALL.TXT.
killed() {
	name=$1 base=$2 none=$3 all=$4 statefn=$5
	shift 6
	cp "$base" run.db
	rm -f run.db-wal run.db-shm count.txt
	LD_PRELOAD=$shim KILLAT_COUNT=count.txt "$@" >/dev/null 2>&1 && r=0 || r=1
	ok $r "$name: runs to the end under the shim"
	moments=$(cat count.txt 2>/dev/null || echo 0)
	[ "$moments" -gt 5 ] && r=0 || r=1
	ok $r "$name: $moments moments counted"
	[ "$moments" -gt 0 ] || moments=1
	awk -v n="$POINTS" -v m="$moments" 'BEGIN {
		if (n > m) n = m
		for (i = 1; i <= n; i++) print int((i * m + n - 1) / n) }' | uniq >points
	kills=0 kill_none=0 kill_all=0 kill_bad=0 kill_corrupt=0
	while read -r k; do
		cp "$base" run.db
		rm -f run.db-wal run.db-shm
		LD_PRELOAD=$shim KILLAT=$k "$@" >/dev/null 2>&1 &
		set +e
		{ wait $!; } 2>/dev/null # no "Killed" notice in the log
		st=$?
		set -e
		[ "$st" -eq 137 ] && kills=$((kills + 1))
		after_kill run.db "$none" "$all" "$statefn" "$name killed at moment $k"
	done <points
	n=$(wc -l <points)
	echo "# $name: $kills of $n runs killed; $kill_none left none of it, $kill_all all of it"
	[ "$kills" -eq "$n" ] && r=0 || r=1
	ok $r "$name: every one of the $n runs was killed"
	[ "$kill_bad" -eq 0 ] && r=0 || r=1
	ok $r "$name: after every kill the store opens and holds all or none"
	[ "$kill_corrupt" -eq 0 ] && r=0 || r=1
	ok $r "$name: after every kill PRAGMA integrity_check says ok"
	[ "$kill_none" -gt 0 ] && [ "$kill_all" -gt 0 ] && r=0 || r=1
	ok $r "$name: kills fell both before and after the commit"
}

# import: 4 000 rows onto the first 40 of the sample.
fictional_history 500 kill 100 >more.csv
kill_references more.csv
killed import base.db none.txt all.txt state -- \
	$PRECEDENT --db run.db -q import --as-of $AS_OF more.csv

# fit: the sample's model, saved in one transaction.
$PRECEDENT --db fit.db -q import --as-of $AS_OF "$top_srcdir/datasets/sample.csv" >/dev/null
models fit.db >none.txt
cp fit.db fitted.db
$PRECEDENT --db fitted.db fit >/dev/null && r=0 || r=1
ok $r "the fit to be killed succeeds on its own"
models fitted.db >all.txt
[ "$(head -1 all.txt | cut -d'|' -f3)" -gt 5 ] && r=0 || r=1
ok $r "the model saved has its phases"
killed fit fit.db none.txt all.txt models -- $PRECEDENT --db run.db fit

done_testing
