#!/bin/sh
# history.sh - `precedent history`: the table, JSON, CSV export and its
# round trip, and the messages for missing, empty and newer stores.
. "$top_srcdir/tests/setup.sh"

DATA=$top_srcdir/tests/data/import
cp "$DATA"/*.csv .

run 1 "history without a store" -- $PC --db nope.db history
expect_file "$TMP/err" \
"precedent: history: no store at 'nope.db' (run 'precedent import' first)" \
	"a missing store says how to make one"
[ ! -e nope.db ] && r=0 || r=1
ok $r "history does not create a store"

printf 'customer,project,phase,start,end\n' >header.csv
$PC -q --db empty.db import header.csv
run 1 "history of an empty store" -- $PC --db empty.db history
expect_file "$TMP/err" "precedent: history: the store holds no history" \
	"an empty store is reported"
run 0 "csv export of an empty store" -- $PC --db empty.db history --format csv
expect_file "$TMP/out" "customer,project,phase,start,end,status" \
	"an empty store exports a header"

$PC -q --db t.db import --as-of 2027-03-01 good.csv
run 0 "history table" -- $PC --db t.db history
expect_file "$TMP/out" \
"customers  2
projects   2
phases     5 (1 ongoing)
dates      2026-11-02 to 2027-03-01

Durations in days.  Median and P80 are empirical, of finished phases only;
ongoing phases count in n and censored.

phase         n  censored   median      p80
kickoff       2         0      3.5      4.4
build         2         0     30.0     31.8
launch        1         1        -        -" \
	"the table: kickoff 2 and 5 days, build 27 and 33 days (type 7: 3.5, 4.4; 30, 31.8)"

run 0 "history json" -- $PC --db t.db history --format json
expect_file "$TMP/out" \
'{"customers":2,"projects":2,"phases":5,"ongoing":1,"first_start":"2026-11-02","last_end":"2027-03-01","durations":"days; median and p80 are empirical, of finished phases only","by_phase":[{"phase":"kickoff","n":2,"censored":0,"median":3.5,"p80":4.4},{"phase":"build","n":2,"censored":0,"median":30.0,"p80":31.8},{"phase":"launch","n":1,"censored":1,"median":null,"p80":null}]}' "the JSON document"

# Round trip over every fixture at once: quoting, attributes, ongoing.
$PC -q --db all.db import --as-of 2027-03-01 good.csv quoted.csv duration.csv crlf-bom.csv
$PC --db all.db history --format csv >one.csv
run 0 "import the export into a fresh store" -- $PC --db fresh.db import --as-of 2027-03-01 one.csv
$PC --db fresh.db history --format csv >two.csv
cmp -s one.csv two.csv && r=0 || r=1
ok $r "import -> export -> import -> export is byte-identical"

if [ -n "${SQLITE3:-}" ]; then
	"$SQLITE3" t.db 'PRAGMA user_version = 999'
	run 1 "a store from a newer precedent" -- $PC --db t.db history
	expect_file "$TMP/err" \
	"precedent: history: t.db: store schema version 999 is newer than this precedent's (version 1): upgrade precedent" \
		"the newer store is refused, naming both versions"
else
	ok 0 "# SKIP sqlite3 not installed"
fi

run 2 "a bad --format" -- $PC --db all.db history --format xml
expect_file "$TMP/err" \
"precedent: history: --format: unknown format 'xml' (expected table|csv|json)
Try 'precedent history --help'." "the formats are listed"
run 0 "history --help" -- $PC history --help
expect_grep '^Usage: precedent history' "$TMP/out" "help on stdout"

done_testing
