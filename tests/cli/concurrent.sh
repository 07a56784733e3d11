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

round=1
while [ "$round" -le "$ROUNDS" ]; do
	rm -f c.db c.db-wal c.db-shm
	# Every round also races the creation of the store itself.
	$PRECEDENT --db c.db -q import --as-of $AS_OF a.csv >a.out 2>a.err &
	pa=$!
	$PRECEDENT --db c.db -q import --as-of $AS_OF b.csv >b.out 2>b.err &
	pb=$!
	# A reader in the middle of it all.
	sleep 0.05
	set +e
	$PRECEDENT --db c.db history >/dev/null 2>reader.err
	rs=$?
	wait $pa
	sa=$?
	wait $pb
	sb=$?
	set -e
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

done_testing
