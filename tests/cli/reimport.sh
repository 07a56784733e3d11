#!/bin/sh
# reimport.sh - what a re-import does, now that unchanged rows are not
# rewritten and a byte-identical file with the same options and --as-of
# is recognised by its content hash (ingest.c, same_import): the same
# summary and store as reading every row, a later --as-of still
# re-censoring running phases, one changed row updated, rows gone from
# the file kept, and duplicates still caught when the rows of a project
# are not together in the file.
. "$top_srcdir/tests/setup.sh"

# p1's rows are split by p2's, so a duplicate of one of them is only
# found through what the import remembers of rows it did not rewrite.
cat >a.csv <<'CSV'
customer,project,phase,start,end,status
acme,p1,kickoff,2027-01-04,2027-01-08,done
acme,p1,build,2027-01-11,2027-02-12,done
bolt,p2,kickoff,2027-01-04,2027-01-06,done
acme,p1,launch,2027-02-15,,ongoing
bolt,p2,build,2027-01-07,,ongoing
CSV

run 0 "first import" -- $PC --db t.db import --as-of 2027-03-01 a.csv
state t.db >first.txt
run 0 "the same bytes again" -- $PC --db t.db import --as-of 2027-03-01 a.csv
expect_file "$TMP/err" \
"precedent: import: a.csv: 5 rows: 0 added, 0 updated, 5 unchanged, 0 rejected (2 ongoing as of 2027-03-01)" \
	"a byte-identical re-import reports every row unchanged"
state t.db >again.txt
cmp -s first.txt again.txt && r=0 || r=1
ok $r "and leaves the store as it was"
cp a.csv copy.csv
run 0 "the same bytes under another name" -- $PC --db t.db import --as-of 2027-03-01 copy.csv
expect_grep "copy.csv: 5 rows: 0 added, 0 updated, 5 unchanged, 0 rejected \(2 ongoing" "$TMP/err" \
	"the same summary"

# A later day is a change: the running phases are censored anew.
run 0 "the same bytes on a later day" -- $PC --db t.db import --as-of 2027-03-09 a.csv
expect_file "$TMP/err" \
"precedent: import: a.csv: 5 rows: 0 added, 2 updated, 3 unchanged, 0 rejected (2 ongoing as of 2027-03-09)" \
	"the two running phases are updated"
n=$("$SQLITE3" t.db "SELECT count(*) FROM phases WHERE status = 'ongoing' AND as_of = '2027-03-09'")
[ "$n" = 2 ] && r=0 || r=1
ok $r "and censored at the new day ($n of 2)"

# Other options, same bytes: not the same import.  Reading the running
# phases' status with a map that makes them done is refused, which a
# shortcut would have skipped.
run 1 "the same bytes with another --status-map" -- \
	$PC --db t.db import --as-of 2027-03-09 --status-map done=ongoing a.csv
expect_grep "a.csv:5: status 'done' but no end date" "$TMP/err" "the rows are read again (and the running one refused)"

# One row changed, one row gone.
sed -e 's/2027-01-06,done/2027-01-05,done/' -e '/p1,build/d' a.csv >b.csv
run 0 "one row changed, one gone" -- $PC --db t.db import --as-of 2027-03-09 b.csv
expect_file "$TMP/err" \
"precedent: import: b.csv: 4 rows: 0 added, 1 updated, 3 unchanged, 0 rejected (2 ongoing as of 2027-03-09)" \
	"the changed row is updated, the rest unchanged"
n=$("$SQLITE3" t.db "SELECT end FROM phases p JOIN projects j ON j.id = p.project_id WHERE j.name = 'p2' AND p.name = 'kickoff'")
[ "$n" = 2027-01-05 ] && r=0 || r=1
ok $r "the store holds the change ($n)"
n=$("$SQLITE3" t.db "SELECT count(*) FROM phases")
[ "$n" = 5 ] && r=0 || r=1
ok $r "a row gone from the file stays in the store ($n rows)"

# Duplicates of unchanged rows, the project's rows together or not.
state t.db >before.txt
{ cat b.csv; echo "acme,p1,kickoff,2027-01-04,2027-01-08,done"; } >dup-apart.csv
run 1 "a duplicate of an unchanged row after another project's" -- \
	$PC --db t.db import --as-of 2027-03-09 dup-apart.csv
expect_file "$TMP/err" \
"precedent: import: dup-apart.csv:6: duplicate phase 'kickoff' of customer 'acme' project 'p1' (first on line 2)" \
	"is refused, naming the first line"
state t.db >after.txt
cmp -s before.txt after.txt && r=0 || r=1
ok $r "and the store is unchanged"
sed '3p' b.csv >dup-together.csv
run 1 "a duplicate right after the row" -- \
	$PC --db t.db import --as-of 2027-03-09 dup-together.csv
expect_grep "dup-together.csv:4: duplicate phase 'kickoff' of customer 'bolt' project 'p2' \(first on line 3\)" \
	"$TMP/err" "is refused, naming the first line"
run 0 "--skip-invalid keeps the rest" -- \
	$PC --db t.db import --as-of 2027-03-09 --skip-invalid dup-apart.csv
expect_grep "dup-apart.csv: 5 rows: 0 added, 0 updated, 4 unchanged, 1 rejected" "$TMP/err" \
	"and counts the duplicate as rejected"
run 0 "then the same bytes again" -- \
	$PC --db t.db import --as-of 2027-03-09 --skip-invalid dup-apart.csv
expect_grep "dup-apart.csv:6: duplicate phase 'kickoff'" "$TMP/err" \
	"an import that rejected rows is repeated in full, rejections and all"
state t.db >after.txt
cmp -s before.txt after.txt && r=0 || r=1
ok $r "the store still holds what it did"

done_testing
