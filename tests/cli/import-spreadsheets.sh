#!/bin/sh
# import-spreadsheets.sh - one release history as spreadsheets export it
# (tests/data/spreadsheets/, written by make.py there): Excel ISO with a
# BOM and CRLF, ';' with DD/MM/YYYY and decimal commas, US M/D/YYYY,
# Windows-1252, UTF-16, date-time cells, a State column in its own words
# and trailing empty rows.  Each imports with the documented options and
# the store then holds exactly what make.py says (expected*.csv); without
# the options each fails with a message naming the option to use.  Last,
# fitdist on decimal commas (durations-eu.csv): refused, or read whole.
. "$top_srcdir/tests/setup.sh"

S=$top_srcdir/tests/data/spreadsheets
cp "$S"/*.csv "$S"/*.txt .

# The columns as the release manager named them, and the State words.
set -- --as-of 2026-11-01 --map customer=Client --map project=Release \
	--map phase=Stage --map start=Started --map end=Finished --map status=State \
	--status-map done=Completed --status-map 'ongoing=In progress'

# imports NAME EXPECTED FILE OPTION...: import FILE into NAME.db and check
# the store's content against EXPECTED.
imports() {
	_db=$1 _exp=$2 _file=$3
	shift 3
	run 0 "$_file imports with $*" -- $PC --db "$_db.db" import "$@" "$_file"
	expect_grep "^precedent: import: $_file: 15 rows: 15 added, 0 updated, 0 unchanged, 0 rejected \\(1 ongoing as of 2026-11-01\\)\$" \
		"$TMP/err" "$_file: 15 rows, one still running"
	run 0 "$_file: export" -- $PC --db "$_db.db" history --format csv
	cmp -s "$_exp" "$TMP/out" && r=0 || r=1
	ok $r "$_file: the store holds what the spreadsheet says"
	[ $r -eq 0 ] || diff "$_exp" "$TMP/out" | sed 's/^/# /'
}

imports excel expected.csv excel-iso.csv "$@"
imports eu expected-european.csv european.csv "$@" --delimiter ';' --date-format DD/MM/YYYY
imports eu-auto expected-european.csv european.csv "$@" --delimiter auto --date-format '%d/%m/%Y'
imports us expected.csv us.csv "$@" --date-format M/D/YYYY
imports cp1252 expected.csv windows-1252.csv "$@" --encoding windows-1252
imports latin1 expected.csv windows-1252.csv "$@" --encoding latin1
imports utf16 expected.csv utf16.txt "$@" --encoding utf-16 --delimiter tab
imports utf16-auto expected.csv utf16.txt "$@" --encoding UTF-16LE --delimiter auto
imports datetime expected.csv state-datetime.csv "$@"
imports trailing expected.csv trailing-empty.csv "$@"

# Without the options: what went wrong and which option to use.
run 1 "';' file read as ','" -- $PC --db x.db import european.csv
expect_file "$TMP/err" "precedent: import: european.csv:1: missing required column 'customer' (the header row holds ';' between its names: the file is likely separated by ';', not ','; import it with --delimiter ';' or --delimiter auto)" \
	"a ';' file: the likely cause and the option"
run 1 "';' file with --map" -- $PC --db x.db import "$@" european.csv
expect_grep "no column 'Client' for --map customer=Client \\(the header row holds ';'" "$TMP/err" \
	"a ';' file with --map: the same hint"
run 1 "tab file read as ','" -- sh -c "iconv -f UTF-16 -t UTF-8 utf16.txt >tabs.txt && $PC --db x.db import tabs.txt"
expect_grep "missing required column 'customer' \\(the header row holds tabs .*--delimiter tab" "$TMP/err" \
	"a tab-separated file: the likely cause and the option"
run 1 "US dates without --date-format" -- $PC --db x.db import "$@" us.csv
expect_file "$TMP/err" "precedent: import: us.csv:2: start date '1/6/2025' is not a date (expected YYYY-MM-DD; for other formats set --date-format, e.g. --date-format DD/MM/YYYY)" \
	"the first date error names --date-format"
run 0 "US dates as DD/MM/YYYY" -- $PC --db us-skip.db import "$@" --date-format DD/MM/YYYY --skip-invalid us.csv
expect_grep "^precedent: import: us.csv:2: end date '1/24/2025' does not match --date-format 'DD/MM/YYYY' \\(set --date-format" "$TMP/err" \
	"the first mismatch names --date-format"
[ "$(grep -c 'set --date-format' "$TMP/err")" -eq 1 ] && r=0 || r=1
ok $r "... once, not on every rejected row"
run 2 "an unknown spelling is refused at once" -- $PC --db x.db import --date-format DD/MMM/YYYYY nosuch.csv
expect_file "$TMP/err" "precedent: import: --date-format: 'DD/MMM/YYYYY' is not a date format I can read; spell it like DD/MM/YYYY, MM/DD/YYYY, YYYY-MM-DD or D.M.YYYY, or in strftime form with %Y %y %m %d %b (e.g. '%d/%m/%Y' for DD/MM/YYYY)
Try 'precedent import --help'." \
	"the message gives the strftime form"
[ ! -e x.db ] && r=0 || r=1
ok $r "no store is created by a refused option"
run 0 "D.M.YYYY" -- sh -c "printf 'customer,project,phase,start,end\na,b,c,5.1.2025,7.1.2025\n' >dots.csv && $PC --db dots.db import --date-format D.M.YYYY dots.csv && $PC --db dots.db history --format csv"
expect_file "$TMP/out" "customer,project,phase,start,end,status
a,b,c,2025-01-05,2025-01-07,done" "D.M.YYYY reads 5.1.2025 as 5 January"
run 0 "date-times" -- sh -c "printf 'customer,project,phase,start,end\na,b,c,2025-01-05T09:00,2025-01-07 17:30:15\na,b,d,2025-01-08T09:00:00.5Z,2025-01-09\n' >dt.csv && $PC --db dt.db import dt.csv && $PC --db dt.db history --format csv"
expect_file "$TMP/out" "customer,project,phase,start,end,status
a,b,c,2025-01-05,2025-01-07,done
a,b,d,2025-01-08,2025-01-09,done" "a date and a time is read as its date"
run 1 "a time that is no time" -- sh -c "printf 'customer,project,phase,start,end\na,b,c,2025-01-05T9,2025-01-07\n' >dt2.csv && $PC --db dt2.db import dt2.csv"
expect_grep "start date '2025-01-05T9' is not a date" "$TMP/err" "half a time is not a date"

run 1 "Windows-1252 without --encoding" -- $PC --db x.db import "$@" windows-1252.csv
expect_file "$TMP/err" "precedent: import: windows-1252.csv:8: field 1 is not valid UTF-8 (if the file is in another encoding, name it with --encoding, e.g. --encoding windows-1252)" \
	"not UTF-8: the hint names --encoding"
run 1 "UTF-16 without --encoding" -- $PC --db x.db import "$@" utf16.txt
expect_file "$TMP/err" "precedent: import: utf16.txt:1: the file is UTF-16 (it starts with a UTF-16 byte order mark); import it with --encoding utf-16" \
	"UTF-16 is recognised, never guessed"
run 1 "UTF-8 read as UTF-16" -- $PC --db x.db import "$@" --encoding utf-16 excel-iso.csv
expect_grep "^precedent: import: excel-iso.csv:1: .*(check --encoding)" "$TMP/err" \
	"a wrong --encoding says so"
run 2 "unknown encoding" -- $PC --db x.db import --encoding klingon excel-iso.csv
expect_grep "^precedent: import: --encoding: unknown encoding 'klingon'" "$TMP/err" "unknown encodings are usage errors"

run 1 "State words without --status-map" -- $PC --db x.db import --as-of 2026-11-01 \
	--map customer=Client --map project=Release --map phase=Stage \
	--map start=Started --map end=Finished --map status=State state-datetime.csv
expect_file "$TMP/err" "precedent: import: state-datetime.csv:2: unknown status 'Completed' (expected done or ongoing; map other words with --status-map, e.g. --status-map done=Completed)" \
	"the status message names --status-map"
sed 's/In progress/Blocked/' state-datetime.csv >blocked.csv
run 1 "a word no --status-map gives" -- $PC --db x.db import "$@" blocked.csv
expect_file "$TMP/err" "precedent: import: blocked.csv:16: unknown status 'Blocked' (expected done or ongoing, or a value given to --status-map)" \
	"unknown statuses still fail with file and line"
run 0 "several values in one --status-map" -- sh -c "sed 's/Completed/Closed/' state-datetime.csv >closed.csv && $PC --db closed.db import --as-of 2026-11-01 --map customer=Client --map project=Release --map phase=Stage --map start=Started --map end=Finished --map status=State --status-map 'done=Completed,Closed' --status-map 'ongoing=In progress' closed.csv && $PC --db closed.db history --format csv"
cmp -s expected.csv "$TMP/out" && r=0 || r=1
ok $r "done=Completed,Closed maps both words"
run 2 "--status-map to an unknown status" -- $PC --db x.db import --status-map finished=Completed excel-iso.csv
expect_file "$TMP/err" "precedent: import: --status-map: unknown status 'finished' (expected done or ongoing)
Try 'precedent import --help'." "only done and ongoing"

run 2 "--delimiter of two bytes" -- $PC --db x.db import --delimiter ';;' excel-iso.csv
expect_grep "^precedent: import: --delimiter: ';;' is not" "$TMP/err" "a bad --delimiter is a usage error"

# Only rows that are wholly empty are skipped: a row with one value is bad.
run 1 "a nearly empty row" -- sh -c "printf 'customer,project,phase,start,end\na,b,c,2025-01-05,2025-01-07\n,,x,,\n,,,,\n' >nearly.csv && $PC --db x.db import nearly.csv"
expect_file "$TMP/err" "precedent: import: nearly.csv:3: empty customer" "a row with a value is still checked"

# 'release' names the whole release in plans: no phase may take it.
run 1 "a phase called release" -- sh -c "printf 'customer,project,phase,start,end\na,b,build,2025-01-05,2025-01-07\na,b,Release,2025-01-08,2025-01-09\n' >rel.csv && $PC --db x.db import rel.csv"
expect_file "$TMP/err" "precedent: import: rel.csv:3: phase name 'Release' is reserved for the whole release in plans; rename the phase (e.g. 'go-live')" \
	"the name 'release' is refused with file and line"
[ ! -e x.db ] && r=0 || r=1
ok $r "failed first imports leave no store"

# Re-importing without --as-of re-censors running phases at today.
printf 'customer,project,phase,start,end\na,b,build,2025-01-05,\n' >run.csv
run 0 "first import of a running phase" -- $PC --db run.db import run.csv
{ ! grep -q warning "$TMP/err"; } && r=0 || r=1
ok $r "no warning on a first import"
run 0 "re-import without --as-of" -- $PC --db run.db import run.csv
expect_grep "^precedent: import: warning: 'run.csv': re-imported without --as-of: its 1 running phase are censored at today, [0-9-]{10}; pass --as-of" \
	"$TMP/err" "the re-import warns that running phases are re-censored"
run 0 "re-import with --as-of" -- $PC --db run.db import --as-of 2026-01-01 run.csv
{ ! grep -q warning "$TMP/err"; } && r=0 || r=1
ok $r "no warning with --as-of"

# Today is the local date: 26 hours apart, UTC+14 and UTC-12 never share
# a calendar day (they did when "today" was UTC's).
run 0 "today at UTC+14" -- env TZ=EAST-14 $PC --db east.db import run.csv
east=$(sed -n 's/.*ongoing as of \([0-9-]*\)).*/\1/p' "$TMP/err")
run 0 "today at UTC-12" -- env TZ=WEST+12 $PC --db west.db import run.csv
west=$(sed -n 's/.*ongoing as of \([0-9-]*\)).*/\1/p' "$TMP/err")
[ -n "$east" ] && [ -n "$west" ] && [ "$east" != "$west" ] && r=0 || r=1
ok $r "the default --as-of follows TZ ($east at UTC+14, $west at UTC-12)"

# fitdist on a European export: "12,5" must not be read as 12 with ",5"
# dropped.  The exponential MLE has a closed form, rate = finished /
# total time: 4 / (12.5 + 7 + 30.25 + 18.75) = 4 / 68.5.
run 1 "fitdist on decimal commas without --decimal-comma" -- $PC fitdist durations-eu.csv
expect_file "$TMP/err" "precedent: fitdist: durations-eu.csv:2: more than 1 field in a row (decimal commas such as 12,5 need --decimal-comma)" \
	"extra fields are refused, naming --decimal-comma"
run 1 "a bare list with decimal commas" -- sh -c "printf '12,5\\n7\\n' | $PC fitdist"
expect_file "$TMP/err" "precedent: fitdist: <stdin>:1: more than 1 field in a row (decimal commas such as 12,5 need --decimal-comma)" \
	"in a bare list too"
run 0 "fitdist --decimal-comma" -- $PC fitdist --decimal-comma --family exponential --format csv durations-eu.csv
rate=$(sed -n 's/^exponential,rate,\([^,]*\),.*/\1/p' "$TMP/out")
awk -v r="$rate" 'BEGIN { exit !(r != "" && (r - 4 / 68.5) ^ 2 < 1e-20) }' && r=0 || r=1
ok $r "rate $rate is 4/68.5: every decimal kept"
printf 'days;running\n12,5;0\n7;1\n8;0\n' >cens-eu.csv
run 0 "--decimal-comma with ';' columns" -- $PC fitdist --decimal-comma --column days --censor-column running --family exponential --format csv cens-eu.csv
rate=$(sed -n 's/^exponential,rate,\([^,]*\),.*/\1/p' "$TMP/out")
awk -v r="$rate" 'BEGIN { exit !(r != "" && (r - 2 / 27.5) ^ 2 < 1e-20) }' && r=0 || r=1
ok $r "rate $rate is 2/27.5: two finished in 27.5 days"
run 1 "a row wider than its header" -- sh -c "printf 'days\\n3\\n12,5\\n' >wide.csv && $PC fitdist wide.csv"
expect_file "$TMP/err" "precedent: fitdist: wide.csv:3: more than 1 field in a row (decimal commas such as 12,5 need --decimal-comma)" \
	"a header of one column and a row of two"

done_testing
