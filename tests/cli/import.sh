#!/bin/sh
# import.sh - what `precedent import` accepts and what it reports: the
# summary line, re-import idempotence, updates, --dry-run,
# --skip-invalid, --map, --date-format, stdin, CRLF + BOM, quoted fields,
# duration instead of end, and the CSV export reading back the same.
. "$top_srcdir/tests/setup.sh"

DATA=$top_srcdir/tests/data/import
cp "$DATA"/*.csv .

run 0 "import good.csv" -- $PC --db t.db import --as-of 2027-03-01 good.csv
expect_file "$TMP/err" \
"precedent: import: good.csv: 5 rows: 5 added, 0 updated, 0 unchanged, 0 rejected (1 ongoing as of 2027-03-01)" \
	"summary of a first import"
[ ! -s "$TMP/out" ] && r=0 || r=1
ok $r "nothing on stdout"
run 0 "export" -- $PC --db t.db history --format csv
expect_file "$TMP/out" \
"customer,project,phase,start,end,status,region,tier
Bolt Ltd,pilot,kickoff,2026-11-02,2026-11-03,done,US,smb
Bolt Ltd,pilot,build,2026-11-04,2026-11-30,done,US,smb
acme,launch-1,kickoff,2027-01-04,2027-01-08,done,EU,enterprise
acme,launch-1,build,2027-01-11,2027-02-12,done,EU,enterprise
acme,launch-1,launch,2027-02-15,,ongoing,EU,enterprise" \
	"the store holds the rows, the ongoing one without an end"
cp "$TMP/out" first.csv

run 0 "import good.csv again" -- $PC --db t.db import --as-of 2027-03-01 good.csv
expect_file "$TMP/err" \
"precedent: import: good.csv: 5 rows: 0 added, 0 updated, 5 unchanged, 0 rejected (1 ongoing as of 2027-03-01)" \
	"re-importing the same file changes nothing"
$PC --db t.db history --format csv >again.csv
cmp -s first.csv again.csv && r=0 || r=1
ok $r "the export is the same after the re-import"

# A later --as-of moves the censoring date of the ongoing phase only.
run 0 "import with a later --as-of" -- $PC --db t.db import --as-of 2027-03-02 good.csv
expect_file "$TMP/err" \
"precedent: import: good.csv: 5 rows: 0 added, 1 updated, 4 unchanged, 0 rejected (1 ongoing as of 2027-03-02)" \
	"a new censoring date updates the ongoing row"

# A newer export: launch finished, Bolt changed tier and added a phase.
run 0 "import a newer export" -- $PC --db t.db import --as-of 2027-03-01 update.csv
expect_file "$TMP/err" \
"precedent: import: update.csv: 6 rows: 1 added, 3 updated, 2 unchanged, 0 rejected" \
	"update counts: new phase, finished phase, changed attribute"
run 0 "export after the update" -- $PC --db t.db history --format csv
expect_grep '^acme,launch-1,launch,2027-02-15,2027-02-20,done,EU,enterprise$' "$TMP/out" \
	"the ongoing phase is now finished"
expect_grep '^Bolt Ltd,pilot,kickoff,2026-11-02,2026-11-03,done,US,midmarket$' "$TMP/out" \
	"the attribute was updated"

# --dry-run: counts as a real import would, writes nothing.
$PC --db t.db history --format csv >before.csv
run 0 "dry run" -- $PC --db t.db import --dry-run --as-of 2027-03-01 good.csv
expect_file "$TMP/err" \
"precedent: import: good.csv: 5 rows: 0 added, 3 updated, 2 unchanged, 0 rejected (1 ongoing as of 2027-03-01) (dry run: nothing written)" \
	"a dry run reports what would change"
$PC --db t.db history --format csv >after.csv
cmp -s before.csv after.csv && r=0 || r=1
ok $r "a dry run leaves the store as it was"
run 0 "dry run without a store" -- $PC --db none.db import --dry-run --as-of 2027-03-01 good.csv
[ ! -e none.db ] && r=0 || r=1
ok $r "a dry run does not create the store"

# --skip-invalid: good rows in, every bad one listed.
printf 'customer,project,phase,start,end\nx,p,a,2027-01-01,2027-01-02\nx,p,b,2027-01-01,2026-01-02\nx,p,c,2027-01-01,2027-01-05\nx,p,a,2027-01-01,2027-01-02\nx,p,d,2027-01-01\n' >mixed.csv
run 0 "skip invalid rows" -- $PC --db s.db import --skip-invalid mixed.csv
expect_file "$TMP/err" \
"precedent: import: mixed.csv:3: end date '2026-01-02' is before start date '2027-01-01'
precedent: import: mixed.csv:5: duplicate phase 'a' of customer 'x' project 'p' (first on line 2)
precedent: import: mixed.csv:6: 4 fields, expected 5
precedent: import: mixed.csv: 5 rows: 2 added, 0 updated, 0 unchanged, 3 rejected" \
	"each rejected row is listed, then the summary"
run 0 "export of the good rows" -- $PC --db s.db history --format csv
expect_file "$TMP/out" \
"customer,project,phase,start,end,status
x,p,a,2027-01-01,2027-01-02,done
x,p,c,2027-01-01,2027-01-05,done" "only the good rows were imported"
run 0 "-q keeps the rejected rows, drops the summary" -- \
	$PC -q --db s2.db import --skip-invalid mixed.csv
expect_grep '^precedent: import: mixed.csv:3: ' "$TMP/err" "-q still lists rejected rows"
[ "$(wc -l <"$TMP/err")" -eq 3 ] && r=0 || r=1
ok $r "-q prints no summary"

# --map and --date-format: a spreadsheet export as it comes.
run 0 "import with --map and --date-format" -- $PC --db m.db import \
	--map customer=client --map project=Release --map phase=step \
	--map 'start=start date' --map 'end=Finish Date' --map duration=Days \
	--date-format '%d/%m/%Y' spreadsheet.csv
run 0 "export the mapped import" -- $PC --db m.db history --format csv
expect_file "$TMP/out" \
"customer,project,phase,start,end,status,tier
acme,r1,kickoff,2027-01-04,2027-01-08,done,gold
acme,r1,build,2027-01-11,2027-01-20,done,gold" \
	"columns mapped, day-first dates read, duration 10 ends on day 10"

# Standard input, CRLF line ends and a byte order mark.
run 0 "import from stdin" -- sh -c "$PC --db in.db import - <crlf-bom.csv"
expect_file "$TMP/err" \
"precedent: import: <stdin>: 2 rows: 2 added, 0 updated, 0 unchanged, 0 rejected" \
	"stdin is named <stdin>"
run 0 "export the CRLF import" -- $PC --db in.db history --format csv
expect_file "$TMP/out" \
"customer,project,phase,start,end,status
acme,p1,kickoff,2027-01-04,2027-01-08,done
acme,p1,build,2027-01-11,2027-01-20,done" "BOM, CRLF and header case do not matter"

# Quoted fields with commas, quotes and newlines; blanks trimmed only
# outside quotes.
run 0 "import quoted fields" -- $PC --db q.db import quoted.csv
run 0 "export quoted fields" -- $PC --db q.db history --format csv
expect_file "$TMP/out" \
'customer,project,phase,start,end,status,notes
"Smith, Jones & Co","Phase ""one""",kickoff,2027-01-04,2027-01-08,done,"two
lines"
"Smith, Jones & Co","Phase ""one""",build,2027-01-09,2027-01-10,done,"two
lines"
padded,p2,kickoff,2027-02-01,2027-02-01,done," keep my spaces "' \
	"quoted fields survive and are quoted again on export"

# duration instead of end: inclusive days.
run 0 "import durations" -- $PC --db d.db import --as-of 2027-03-01 duration.csv
run 0 "export durations" -- $PC --db d.db history --format csv
expect_file "$TMP/out" \
"customer,project,phase,start,end,status
acme,p1,kickoff,2027-01-04,2027-01-08,done
acme,p1,build,2027-01-09,2027-01-09,done
acme,p1,launch,2027-01-10,,ongoing" "duration D ends on start + D - 1"

# Several files: each its own transaction, summaries in order.
run 0 "two files" -- $PC --db two.db import --as-of 2027-03-01 good.csv duration.csv
expect_file "$TMP/err" \
"precedent: import: good.csv: 5 rows: 5 added, 0 updated, 0 unchanged, 0 rejected (1 ongoing as of 2027-03-01)
precedent: import: duration.csv: 3 rows: 3 added, 0 updated, 0 unchanged, 0 rejected (1 ongoing as of 2027-03-01)" \
	"one summary per file"

# A header and nothing else is an empty, valid history.
printf 'customer,project,phase,start,end\n' >header.csv
run 0 "a header-only file" -- $PC --db h.db import header.csv
expect_file "$TMP/err" \
"precedent: import: header.csv: 0 rows: 0 added, 0 updated, 0 unchanged, 0 rejected" \
	"zero rows imported"

run 0 "import --help" -- $PC import --help
expect_grep '^Usage: precedent import ' "$TMP/out" "help on stdout"
run 2 "an unknown option" -- $PC import --bogus good.csv

done_testing
