#!/bin/sh
# crash.sh - an import killed with SIGKILL at any moment leaves a store
# that opens, passes SQLite's integrity check and holds either the whole
# import or none of it (one import is one transaction, ingest.h).
#
# The kill moments are spread over the measured length of a full import,
# so most runs die inside the transaction and some before or after it.
# The tool runs without valgrind here: its timing is the point.
. "$top_srcdir/tests/setup.sh"

if [ -z "${SQLITE3:-}" ]; then
	echo "1..0 # SKIP sqlite3 not found by configure"
	exit 0
fi

RUNS=${CRASH_RUNS:-120}
AS_OF=2026-11-01

# A big import: 60 000 phase rows of 7 500 fictional projects.
fictional_history 7500 crash 1000 >big.csv
# Reference states: the base alone (none of the import) and base + big
# (all of it).
kill_references big.csv

# The shortest of three timed imports: a machine busy at the first one
# (or a sanitizer build) would otherwise stretch the kill window past
# the end of most imports.
ms=
for k in 1 2 3; do
	cp base.db time.db
	t0=$(date +%s%N)
	$PRECEDENT --db time.db -q import --as-of $AS_OF big.csv >/dev/null
	t1=$(date +%s%N)
	t=$(( (t1 - t0) / 1000000 ))
	if [ -z "$ms" ] || [ "$t" -lt "$ms" ]; then ms=$t; fi
done
rm -f time.db time.db-wal time.db-shm

# Kill moments: uniform over the measured import (ms), from a fixed seed
# so a failure can be replayed with the same schedule.
[ "$ms" -ge 1 ] || ms=1
echo "# a full import takes $ms ms; $RUNS kills spread over it"
awk -v n="$RUNS" -v ms="$ms" 'BEGIN { srand(20261127);
	for (i = 0; i < n; i++) printf "%.3f\n", rand() * ms / 1000 }' >delays

killed=0
i=0
while read -r delay; do
	i=$((i + 1))
	rm -f run.db run.db-wal run.db-shm
	cp base.db run.db
	$PRECEDENT --db run.db -q import --as-of $AS_OF big.csv >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL $pid 2>/dev/null || true
	set +e
	{ wait $pid; } 2>/dev/null # no "Killed" notice in the log
	st=$?
	set -e
	[ "$st" -eq 137 ] && killed=$((killed + 1))
	# The tool opens it first, as a user would next, then SQLite checks it.
	after_kill run.db none.txt all.txt state "run $i (kill after $delay s)"
done <delays

echo "# $killed of $RUNS imports killed; afterwards $kill_none held none of it, $kill_all all of it"
[ "$i" -eq "$RUNS" ] && r=0 || r=1
ok $r "$RUNS kill runs made"
[ "$killed" -ge $((RUNS / 2)) ] && r=0 || r=1
ok $r "most runs were killed before the import finished ($killed)"
[ "$kill_bad" -eq 0 ] && r=0 || r=1
ok $r "after every kill the store opens and holds all or none of the import"
[ "$kill_corrupt" -eq 0 ] && r=0 || r=1
ok $r "after every kill PRAGMA integrity_check says ok"
[ "$kill_none" -gt 0 ] && r=0 || r=1
ok $r "some kills came before the commit ($kill_none)"

# A killed import must not block the next one: the store recovers.
rm -f run.db run.db-wal run.db-shm
cp base.db run.db
$PRECEDENT --db run.db -q import --as-of $AS_OF big.csv >/dev/null 2>&1 &
pid=$!
sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 2000 }')"
kill -KILL $pid 2>/dev/null || true
{ wait $pid; } 2>/dev/null || true
$PRECEDENT --db run.db -q import --as-of $AS_OF big.csv >/dev/null && r=0 || r=1
ok $r "importing again after a kill succeeds"
state run.db >got.txt
cmp -s got.txt all.txt && r=0 || r=1
ok $r "and the store then holds the whole import"

done_testing
