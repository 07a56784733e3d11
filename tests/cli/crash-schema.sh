#!/bin/sh
# crash-schema.sh - stores from other schema versions: an older one is
# migrated on the next write, a newer one (or a file that is not a store)
# is refused with a message and left byte for byte as it was.
. "$top_srcdir/tests/setup.sh"

if [ -z "${SQLITE3:-}" ]; then
	echo "1..0 # SKIP sqlite3 not found by configure"
	exit 0
fi

AS_OF=2026-11-01
head -17 "$top_srcdir/datasets/sample.csv" >small.csv

# set_user_version FILE N: SQLite keeps PRAGMA user_version as a 4-byte
# big-endian integer at offset 60 of the file header.
set_user_version() {
	printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($2 >> 24 & 255)) \
		$(($2 >> 16 & 255)) $(($2 >> 8 & 255)) $(($2 & 255)))" |
		dd of="$1" bs=1 seek=60 conv=notrunc 2>/dev/null
}

$PC --db cur.db -q import --as-of $AS_OF small.csv && r=0 || r=1
ok $r "a current store is made"
[ ! -s cur.db-wal ] && r=0 || r=1
ok $r "closing the store leaves no write-ahead log behind"

# Newer: the same store claiming schema version 99.
cp cur.db new.db
set_user_version new.db 99
cp new.db new.orig
run 1 "history refuses a store from a newer precedent" -- $PC --db new.db history
expect_grep "^precedent: history: new.db: store schema version 99 is newer than this precedent's \(version [0-9]+\): upgrade precedent$" \
	"$TMP/err" "the message names both versions"
run 1 "import refuses it too" -- $PC --db new.db import --as-of $AS_OF small.csv
expect_grep "store schema version 99 is newer" "$TMP/err" "with the same message"
cmp -s new.db new.orig && r=0 || r=1
ok $r "the newer store is left untouched"
[ ! -e new.db-wal ] && r=0 || r=1
ok $r "and no journal was created next to it"

# Older: schema version 0 is an empty SQLite file (what a crash during
# the very first import, or `touch`, leaves behind).
: >old.db
run 0 "an import migrates a version-0 store" -- \
	$PC --db old.db -q import --as-of $AS_OF small.csv
state cur.db >want.txt
state old.db >got.txt
cmp -s want.txt got.txt && r=0 || r=1
ok $r "the migrated store holds what a new one would"
v=$("$SQLITE3" old.db 'PRAGMA user_version')
w=$("$SQLITE3" cur.db 'PRAGMA user_version')
[ "$v" = "$w" ] && [ "$v" -ge 1 ] && r=0 || r=1
ok $r "and has the current schema version ($v)"

# A real store of schema version 1, frozen as SQL: whatever the current
# version, it opens (migrated by the first write) and keeps its history.
# If this fails after a schema change, the change needs a migration step.
"$SQLITE3" v1.db <"$top_srcdir/tests/data/schema/v1.sql"
tail -1 "$top_srcdir/tests/data/schema/v1.history.csv" >one.csv
sed -i "1i $(head -1 "$top_srcdir/tests/data/schema/v1.history.csv")" one.csv
run 0 "a row already in a version-1 store imports into it" -- \
	$PC --db v1.db import --as-of $AS_OF one.csv
expect_grep ": 1 rows?: 0 added, 0 updated, 1 unchanged" "$TMP/err" \
	"the version-1 store already held that row"
run 0 "the version-1 store's history reads" -- $PC --db v1.db history --format csv
cmp -s "$TMP/out" "$top_srcdir/tests/data/schema/v1.history.csv" && r=0 || r=1
ok $r "and is the history it was made with"
chk=$("$SQLITE3" v1.db 'PRAGMA integrity_check' 2>&1) || true
[ "$chk" = ok ] && r=0 || r=1
ok $r "the version-1 store passes integrity_check after the update"

# Not a store at all.
head -c 4096 "$top_srcdir/datasets/sample.csv" >junk.db
cp junk.db junk.orig
run 1 "a CSV file is not taken for a store" -- $PC --db junk.db history
expect_grep "^precedent: history: .*junk.db.*not a precedent store|^precedent: history: .*junk.db.*not a database" \
	"$TMP/err" "the message says it is not a store"
cmp -s junk.db junk.orig && r=0 || r=1
ok $r "and the file is left untouched"

"$SQLITE3" other.db 'CREATE TABLE t(x); INSERT INTO t VALUES (1)'
cp other.db other.orig
run 1 "another program's database is refused" -- \
	$PC --db other.db import --as-of $AS_OF small.csv
expect_grep "not a precedent store \(it holds other tables\)" "$TMP/err" \
	"the message says why"
cmp -s other.db other.orig && r=0 || r=1
ok $r "and that database is left untouched"

run 1 "a missing store is an error for history" -- $PC --db none.db history
expect_grep "no store at 'none.db' \(run 'precedent import' first\)" "$TMP/err" \
	"the message says what to do"
[ ! -e none.db ] && r=0 || r=1
ok $r "and history does not create it"

done_testing
