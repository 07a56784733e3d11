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

# The reference classes there are: each attribute, its values and how
# many projects have each, in the three formats.
cat >attrs.csv <<'CSV'
customer,project,phase,start,end,tier,users
a,p1,build,2026-01-05,2026-01-20,Gold,1000
a,p2,build,2026-02-02,2026-02-20,gold,250
b,p3,build,2026-03-02,2026-03-13,Silver,5000
b,p4,build,2026-04-06,2026-04-17,"Silver, plus",
c,p5,build,2026-05-04,2026-05-15,Zürich Süd,
CSV
$PC -q --db attrs.db import attrs.csv
run 0 "history --attributes" -- $PC --db attrs.db history --attributes
expect_file "$TMP/out" \
"attribute  value         projects
tier       Gold                 2
           Silver               1
           Silver, plus         1
           Zürich Süd           1
users      1000                 1
           250                  1
           5000                 1" "a table of attributes, values and project counts"
run 0 "history attributes --format csv" -- $PC --db attrs.db history attributes --format csv
expect_file "$TMP/out" \
"attribute,value,projects
tier,Gold,2
tier,Silver,1
tier,\"Silver, plus\",1
tier,Zürich Süd,1
users,1000,1
users,250,1
users,5000,1" "'history attributes' is the same, as CSV"
run 0 "history --attributes --format json" -- $PC --db attrs.db history --attributes --format json
expect_file "$TMP/out" \
'[{"attribute":"tier","value":"Gold","projects":2},{"attribute":"tier","value":"Silver","projects":1},{"attribute":"tier","value":"Silver, plus","projects":1},{"attribute":"tier","value":"Zürich Süd","projects":1},{"attribute":"users","value":"1000","projects":1},{"attribute":"users","value":"250","projects":1},{"attribute":"users","value":"5000","projects":1}]' \
	"and as JSON"
run 1 "history --attributes of an empty store" -- $PC --db empty.db history --attributes
expect_file "$TMP/err" "precedent: history: the store holds no history" "an empty store is reported"

# --like that matches nothing is a mistake to report, not a class to
# fall back from; below --min-class it still falls back with a warning.
run 1 "--like with a typo in the value" -- $PC --db attrs.db fit --like tier=glod
expect_file "$TMP/err" "precedent: fit: --like tier=glod matches no project (nearest values of tier: 'Gold', 'Silver', 'Silver, plus', 'Zürich Süd')" \
	"no match: exit 1 with the nearest values"
run 1 "--like with a typo in the key" -- $PC --db attrs.db fit --like teir=gold
expect_file "$TMP/err" "precedent: fit: --like teir=gold: no project has the attribute 'teir' (nearest: 'tier', 'users')" \
	"an unknown attribute: the nearest names"
run 0 "a class below --min-class" -- $PC --db attrs.db fit --like tier=gold --min-class 3
expect_grep "^precedent: fit: warning: the class tier=gold holds 2 projects, fewer than --min-class 3: using the whole history \(5 projects\)" \
	"$TMP/err" "a small class still warns and falls back"
# Numeric conditions compare numbers: 250 < 1000 < 5000.
run 0 "--like 'users>=1000'" -- $PC --db attrs.db fit --like 'users>=1000' --min-class 2 --format json
expect_grep '"class_fallback":false,"n_projects":2,' "$TMP/out" "users>=1000: 1000 and 5000"
run 0 "--like 'users<=1000'" -- $PC --db attrs.db fit --like 'users<=1000' --min-class 2 --format json
expect_grep '"class_fallback":false,"n_projects":2,' "$TMP/out" "users<=1000: 250 and 1000 (as text, '250' > '1000')"
run 0 "--like 'tier!=gold'" -- $PC --db attrs.db fit --like 'tier!=gold' --min-class 2 --format json
expect_grep '"class_fallback":false,"n_projects":3,' "$TMP/out" "tier!=gold: the two Silver ones and Zürich Süd"
run 1 "--like 'users>5000'" -- $PC --db attrs.db fit --like 'users>5000'
expect_file "$TMP/err" "precedent: fit: --like users>5000 matches no project (nearest values of users: '5000', '1000', '250')" \
	"a numeric condition no project meets"
run 2 "--like without an operator" -- $PC --db attrs.db fit --like users
expect_grep "^precedent: fit: --like: 'users' is not KEY=VALUE" "$TMP/err" "a condition needs an operator"

done_testing
