#!/bin/sh
# import-real.sh - the public Linux and CPython release histories import
# whole, keep their two ongoing phases as censored, and give the per-phase
# numbers numpy gives (see tests/data/real/README.md).
. "$top_srcdir/tests/setup.sh"

REAL=$top_srcdir/tests/data/real
cp "$REAL/linux.csv" "$REAL/python.csv" .

run 0 "import python.csv" -- $PC --db r.db import --as-of 2026-08-22 python.csv
expect_file "$TMP/err" \
"precedent: import: python.csv: 81 rows: 81 added, 0 updated, 0 unchanged, 0 rejected (2 ongoing as of 2026-08-22)" \
	"all 81 CPython phases, 2 of them ongoing"
run 0 "import linux.csv" -- $PC --db r.db import --as-of 2026-08-22 linux.csv
expect_file "$TMP/err" \
"precedent: import: linux.csv: 64 rows: 64 added, 0 updated, 0 unchanged, 0 rejected" \
	"all 64 Linux phases"

run 0 "history" -- $PC --db r.db history
expect_file "$TMP/out" \
"customers  2
projects   57
phases     145 (2 ongoing)
dates      2000-09-05 to 2026-08-22

Durations in days.  Median and P80 are empirical, of finished phases only;
ongoing phases count in n and censored.

phase               n  censored   median      p80
development        11         1    164.0    361.2
merge_window       32         0     14.0     14.0
alpha              22         0    118.5    204.8
stabilization      32         0     50.0     56.0
beta               24         0     78.0     89.8
rc                 24         1     34.0     61.0" \
	"counts, censoring and empirical quantiles match numpy"

run 0 "history as JSON" -- $PC --db r.db history --format json
expect_grep '"ongoing":2,' "$TMP/out" "JSON counts the ongoing phases"
expect_grep '"median":118.5,' "$TMP/out" "JSON carries the alpha median"

# The two ongoing CPython phases: kept, no end, censored at --as-of.
run 0 "export" -- $PC --db r.db history --format csv
grep ',ongoing,' "$TMP/out" >ongoing.csv
expect_file ongoing.csv \
"python,3.15,rc,2026-08-04,,ongoing,,2025-04-30,2026-10-01
python,3.16,development,2026-05-07,,ongoing,,2026-02-23,2026-10-12" \
	"the ongoing rows are exported as ongoing, with their per-phase columns"
# A few known durations (SOURCES.md): 2.6.20 merge window 15 days,
# 3.10 rc 2021-08-03 .. 2021-10-04.
expect_grep '^linux,2.6.20,merge_window,2006-11-29,2006-12-13,done,2.6,,$' "$TMP/out" \
	"2.6.20 merge window as published"
expect_grep '^python,3.10,rc,2021-08-03,2021-10-04,done,,2020-05-26,2021-10-04$' "$TMP/out" \
	"3.10 rc as published"

# Round trip: export, import into a fresh store, export again.
cp "$TMP/out" export1.csv
run 0 "re-import the export" -- $PC --db fresh.db import --as-of 2026-08-22 export1.csv
$PC --db fresh.db history --format csv >export2.csv
cmp -s export1.csv export2.csv && r=0 || r=1
ok $r "import -> export -> import -> export is byte-identical"
run 0 "re-import the originals" -- $PC --db r.db import --as-of 2026-08-22 python.csv linux.csv
expect_file "$TMP/err" \
"precedent: import: python.csv: 81 rows: 0 added, 0 updated, 81 unchanged, 0 rejected (2 ongoing as of 2026-08-22)
precedent: import: linux.csv: 64 rows: 0 added, 0 updated, 64 unchanged, 0 rejected" \
	"importing the same files again changes nothing"

done_testing
