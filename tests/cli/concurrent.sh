#!/bin/sh
# concurrent.sh - two processes importing into one store at once both
# finish (the second waits for the first's write lock) and neither
# corrupts it; readers keep working while a writer runs.
. "$top_srcdir/tests/setup.sh"

if [ -z "${SQLITE3:-}" ]; then
	echo "1..0 # SKIP sqlite3 not found by configure"
	exit 0
fi

AS_OF=2026-11-01
ROUNDS=${CONCURRENT_ROUNDS:-5}

# Two histories with different customers, so the result does not depend
# on which import commits first.
fictional_history 3000 alpha 300 >a.csv
fictional_history 3000 beta 300 >b.csv

# The reference: the two imports one after the other.
$PRECEDENT --db ref.db -q import --as-of $AS_OF a.csv && r=0 || r=1
ok $r "a.csv imports alone"
$PRECEDENT --db ref.db -q import --as-of $AS_OF b.csv && r=0 || r=1
ok $r "b.csv imports alone"
state ref.db >ref.txt

# start_imports DB A.csv B.csv: a new store DB, and both files imported
# into it at once in the background (pids pa and pb, stderr in A.err and
# B.err), racing the creation of the store itself.
start_imports() {
	rm -f "$1" "$1-wal" "$1-shm"
	$PRECEDENT --db "$1" -q import --as-of $AS_OF "$2" 2>"${2%.csv}.err" &
	pa=$!
	$PRECEDENT --db "$1" -q import --as-of $AS_OF "$3" 2>"${3%.csv}.err" &
	pb=$!
}

# wait_imports: the exit statuses of those imports, in sa and sb.
wait_imports() {
	set +e
	wait $pa
	sa=$?
	wait $pb
	sb=$?
	set -e
}

round=1
while [ "$round" -le "$ROUNDS" ]; do
	start_imports c.db a.csv b.csv
	# A reader in the middle of it all.
	sleep 0.05
	set +e
	$PRECEDENT --db c.db history >/dev/null 2>reader.err
	rs=$?
	set -e
	wait_imports
	[ "$sa" -eq 0 ] && [ "$sb" -eq 0 ] && r=0 || r=1
	ok $r "round $round: both imports finish (exit $sa and $sb)"
	[ "$sa" -eq 0 ] || sed 's/^/# a: /' a.err
	[ "$sb" -eq 0 ] || sed 's/^/# b: /' b.err
	# A reader may find the store not created or still empty (neither
	# import committed yet), never broken or locked.
	if [ "$rs" -ne 0 ] && ! grep -Eq 'no store at|the store holds no history' reader.err; then
		ok 1 "round $round: a reader during the imports works"
		sed 's/^/# reader: /' reader.err
	else
		ok 0 "round $round: a reader during the imports works"
	fi
	state c.db >got.txt
	cmp -s got.txt ref.txt && r=0 || r=1
	ok $r "round $round: the store holds both imports"
	chk=$("$SQLITE3" c.db 'PRAGMA integrity_check' 2>&1) || true
	[ "$chk" = ok ] && r=0 || r=1
	ok $r "round $round: integrity_check says ok"
	round=$((round + 1))
done

# The creation of a store, raced many times with small imports, whose
# opening is most of their work: a process that reads the new store
# half-made, or finds it locked while switching it to WAL, must wait,
# not refuse it as "not a precedent store" or give up.
fictional_history 3 alpha 3 >sa.csv
fictional_history 3 beta 3 >sb.csv
cat sa.csv >sab.csv
sed 1d sb.csv >>sab.csv
$PRECEDENT --db sref.db -q import --as-of $AS_OF sab.csv && r=0 || r=1
ok $r "the small histories import together"
state sref.db >sref.txt
RACES=${CONCURRENT_RACES:-100}
race=1 bad=0 badstate=0
while [ "$race" -le "$RACES" ]; do
	start_imports s.db sa.csv sb.csv
	wait_imports
	if [ "$sa" -ne 0 ] || [ "$sb" -ne 0 ]; then
		[ "$bad" -gt 0 ] || sed 's/^/# /' sa.err sb.err
		bad=$((bad + 1))
	else
		state s.db >sgot.txt
		cmp -s sgot.txt sref.txt || badstate=$((badstate + 1))
	fi
	race=$((race + 1))
done
[ "$bad" -eq 0 ] && r=0 || r=1
ok $r "$RACES races to create a store: both imports finish every time ($bad failed)"
[ "$badstate" -eq 0 ] && r=0 || r=1
ok $r "and the store holds both every time ($badstate did not)"

# hold_store DB HOLD: a writer that holds the store, as an import of a
# large file does until it commits: sqlite3 with the write lock for HOLD
# seconds, adding the customer "holder HOLD". `held` appears once it has
# the lock.
hold_store() {
	rm -f held
	printf 'BEGIN IMMEDIATE;\nINSERT INTO customers(name) VALUES(%s);\n.shell touch held; sleep %s\nCOMMIT;\n' \
		"'holder $2'" "$2" | "$SQLITE3" -bail "$1" >/dev/null &
	holder=$!
	i=0
	while [ ! -e held ] && [ "$i" -lt 500 ]; do
		sleep 0.01
		i=$((i + 1))
	done
}

rm -f w.db w.db-wal w.db-shm
$PRECEDENT --db w.db -q import --as-of $AS_OF sa.csv && r=0 || r=1
ok $r "a store to wait for"
state w.db >w0.txt
hold_store w.db 4
t0=$(date +%s)
run 1 "--wait 0.5: a writer gives up on a store another process holds" -- \
	$PRECEDENT --db w.db --wait 0.5 import --as-of $AS_OF sb.csv
t1=$(date +%s)
expect_grep "^precedent: import: w\.db: cannot start a transaction: another process is writing to the store \(gave up after waiting 0\.5 s\)$" \
	"$TMP/err" "and says so"
[ $((t1 - t0)) -lt 4 ] && r=0 || r=1
ok $r "and gives up before the other writer is done ($((t1 - t0)) s)"
state w.db >w1.txt
cmp -s w0.txt w1.txt && r=0 || r=1
ok $r "and leaves the store as it was"
run 0 "a reader does not wait for a writer" -- $PRECEDENT --db w.db --wait 0 history
# By default a writer waits until the other is done, and says why it is
# not moving.
run 0 "by default a writer waits for the other to finish" -- \
	$PRECEDENT --db w.db import --as-of $AS_OF sb.csv
t1=$(date +%s)
expect_grep "^precedent: import: waiting for another process writing to w\.db$" \
	"$TMP/err" "and says what it waits for"
[ "$(grep -c waiting "$TMP/err")" -eq 1 ] && r=0 || r=1
ok $r "once"
[ $((t1 - t0)) -ge 3 ] && r=0 || r=1
ok $r "until the other writer is done ($((t1 - t0)) s)"
wait $holder && r=0 || r=1
ok $r "the other writer finished too"
"$SQLITE3" w.db "SELECT count(*) FROM customers WHERE name IN ('holder 4', 'beta0000')" >both.txt
[ "$(cat both.txt)" = 2 ] && r=0 || r=1
ok $r "the store holds what both wrote"
hold_store w.db 1.5
run 0 "-q waits without a word" -- $PRECEDENT --db w.db -q import --as-of $AS_OF sa.csv
[ ! -s "$TMP/err" ] && r=0 || r=1
ok $r "not even that it waits"
wait $holder && r=0 || r=1
ok $r "the other writer finished too"
run 2 "--wait takes seconds" -- $PRECEDENT --db w.db --wait soon history
expect_grep "^precedent: --wait: 'soon' is not a number of seconds from 0 to 1000000$" \
	"$TMP/err" "and says so"

done_testing
