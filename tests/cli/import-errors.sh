#!/bin/sh
# import-errors.sh - every kind of bad input to `precedent import`, as a
# table of (input, options, exit status, exact stderr).  Each case also
# checks that nothing was printed on stdout and that the store is byte
# for byte what it was before (sqlite3 .dump, else the CSV export).
. "$top_srcdir/tests/setup.sh"

DATA=$top_srcdir/tests/data/import
H='customer,project,phase,start,end,status'

snapshot() {
	if [ -n "${SQLITE3:-}" ]; then
		"$SQLITE3" t.db .dump
	else
		$PC --db t.db history --format csv
	fi
}

# check DESCRIPTION EXIT EXPECTED-STDERR IMPORT-ARGS...: import into the
# prepared store and check exit status, messages and the store.
check() {
	_d=$1 _x=$2 _m=$3
	shift 3
	snapshot >before
	run "$_x" "$_d" -- $PC --db t.db import --as-of 2027-03-01 "$@"
	expect_file "$TMP/err" "$_m" "$_d: message"
	[ ! -s "$TMP/out" ] && r=0 || r=1
	ok $r "$_d: nothing on stdout"
	snapshot >after
	cmp -s before after && r=0 || r=1
	ok $r "$_d: store unchanged"
}

# bad DESCRIPTION CSV(printf format) EXPECTED-STDERR [OPTIONS...]
bad() {
	_d=$1 _c=$2 _m=$3
	shift 3
	printf "$_c" >in.csv
	check "$_d" 1 "$_m" "$@" in.csv
}

run 0 "prepare a store" -- $PC --db t.db import --as-of 2027-03-01 "$DATA/good.csv"

P='precedent: import: in.csv'
bad "bad end date" "$H\nacme,p1,build,2027-01-04,2027-02-30,done\n" \
	"$P:2: end date '2027-02-30' is not a date (expected YYYY-MM-DD; for other formats set --date-format, e.g. --date-format DD/MM/YYYY)"
bad "bad start date" "$H\nacme,p1,build,04.01.2027,2027-02-03,done\n" \
	"$P:2: start date '04.01.2027' is not a date (expected YYYY-MM-DD; for other formats set --date-format, e.g. --date-format DD/MM/YYYY)"
bad "date not matching --date-format" "$H\nacme,p1,build,2027-01-04,2027-02-03,done\n" \
	"$P:2: start date '2027-01-04' does not match --date-format '%d/%m/%Y' (set --date-format to the file's date format, e.g. DD/MM/YYYY or MM/DD/YYYY)" \
	--date-format '%d/%m/%Y'
bad "end before start" "$H\nacme,p1,build,2027-01-04,2027-01-03,done\n" \
	"$P:2: end date '2027-01-03' is before start date '2027-01-04'"
bad "missing required column" "customer,project,phase,end\nacme,p1,build,2027-01-03\n" \
	"$P:1: missing required column 'start'"
bad "neither end nor duration" "customer,project,phase,start\nacme,p1,build,2027-01-03\n" \
	"$P:1: missing required column 'end' (or 'duration')"
bad "unknown column in --map" "Client,project,phase,start,end\nacme,p1,build,2027-01-03,2027-01-04\n" \
	"$P:1: no column 'Customer Name' for --map customer=Customer Name" \
	--map 'customer=Customer Name'
bad "duplicate column" "$H,Status\nacme,p1,build,2027-01-03,2027-01-04,done,done\n" \
	"$P:1: duplicate column 'Status'"
bad "duplicate attribute column" "$H,Tier,tier\nacme,p1,build,2027-01-03,2027-01-04,done,a,b\n" \
	"$P:1: duplicate column 'tier'"
bad "column without a name" "$H,\nacme,p1,build,2027-01-03,2027-01-04,done,x\n" \
	"$P:1: column 7 has no name"
bad "too few fields" "$H\nacme,p1,build,2027-01-03,2027-01-04\n" \
	"$P:2: 5 fields, expected 6"
bad "too many fields" "$H\nacme,p1,build,2027-01-03,2027-01-04,done,x\n" \
	"$P:2: 7 fields, expected 6"
bad "duplicate phase in one file" \
	"$H\nacme,p1,build,2027-01-03,2027-01-04,done\nacme,p1,test,2027-01-05,2027-01-06,done\nacme,p1,build,2027-01-03,2027-01-09,done\n" \
	"$P:4: duplicate phase 'build' of customer 'acme' project 'p1' (first on line 2)"
bad "line numbers count the lines inside quoted fields" \
	"$H,notes\nacme,p1,build,2027-01-03,2027-01-04,done,\"a\nb\nc\"\n\nacme,p1,build,2027-01-03,2027-01-04,done,x\n" \
	"$P:6: duplicate phase 'build' of customer 'acme' project 'p1' (first on line 2)"
bad "non-numeric duration" "customer,project,phase,start,duration\nacme,p1,build,2027-01-03,5 days\n" \
	"$P:2: duration '5 days' is not a whole number of days from 1 to 36525"
bad "zero duration" "customer,project,phase,start,duration\nacme,p1,build,2027-01-03,0\n" \
	"$P:2: duration '0' is not a whole number of days from 1 to 36525"
bad "a phase of 3,652,059 days (issue 14: planned as 100 years before)" "$H\nacme,p1,build,0001-01-01,9999-12-31,done\n" \
	"$P:2: a phase from 0001-01-01 to 9999-12-31 lasts 3652059 days, more than a century (36525 days): is a date mistyped?"
bad "a duration of more than a century" "customer,project,phase,start,duration\nacme,p1,build,2027-01-03,36526\n" \
	"$P:2: duration '36526' is not a whole number of days from 1 to 36525"
bad "an ongoing phase running for more than a century" "$H\nacme,p1,build,1901-01-01,,ongoing\n" \
	"$P:2: an ongoing phase that started on 1901-01-01 has run 46081 days by 2027-03-01, more than a century (36525 days): is the start mistyped?"
bad "end and duration disagree" "customer,project,phase,start,end,duration\nacme,p1,build,2027-01-03,2027-01-04,5\n" \
	"$P:2: end date '2027-01-04' does not match duration '5' (2 days from the start)"
bad "unterminated quote" "$H\nacme,p1,build,2027-01-03,2027-01-04,done\n\"acme,p2,build,2027-01-03,2027-01-04,done\n" \
	"$P:3: unterminated quoted field"
bad "quote inside an unquoted field" "$H\nac\"me,p1,build,2027-01-03,2027-01-04,done\n" \
	"$P:2: malformed quotes (a quote inside an unquoted field, or text after a closing quote)"
bad "empty file" "" \
	"$P: empty file (expected a header row)"
bad "blank lines only" "\n\n\r\n" \
	"$P: empty file (expected a header row)"
bad "ongoing phase starting after --as-of" "$H\nacme,p1,build,2027-03-02,,ongoing\n" \
	"$P:2: ongoing phase starts on '2027-03-02', after the --as-of date 2027-03-01"
bad "done without an end" "$H\nacme,p1,build,2027-01-03,,done\n" \
	"$P:2: status 'done' but no end date"
bad "ongoing with an end" "$H\nacme,p1,build,2027-01-03,2027-01-04,ongoing\n" \
	"$P:2: status 'ongoing' but the phase has an end date '2027-01-04'"
bad "planned is not history" "$H\nacme,p1,build,2027-01-03,2027-01-04,planned\n" \
	"$P:2: unknown status 'planned' (expected done or ongoing; map other words with --status-map, e.g. --status-map done=Completed)"
bad "empty customer" "$H\n,p1,build,2027-01-03,2027-01-04,done\n" \
	"$P:2: empty customer"
bad "empty phase" "$H\nacme,p1,\"\",2027-01-03,2027-01-04,done\n" \
	"$P:2: empty phase"
bad "invalid UTF-8" "$H\nac\377me,p1,build,2027-01-03,2027-01-04,done\n" \
	"$P:2: field 1 is not valid UTF-8 (if the file is in another encoding, name it with --encoding, e.g. --encoding windows-1252)"
bad "long text is cut in messages" \
	"$H\nacme,p1,build,2027-01-03,2027-01-04,xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n" \
	"$P:2: unknown status 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' (expected done or ongoing; map other words with --status-map, e.g. --status-map done=Completed)"
bad "one bad row rejects the whole file" \
	"$H\nnew,p1,build,2027-01-03,2027-01-04,done\nnew,p2,build,2027-01-03,2027-01-02,done\n" \
	"$P:3: end date '2027-01-02' is before start date '2027-01-03'"

# Limits: a pathological file is refused, not swallowed.
{ printf '%s\n' "$H"; printf 'acme,p1,build,2027-01-03,2027-01-04,'; head -c 70000 /dev/zero | tr '\0' x; echo; } >in.csv
check "a field over 64 KiB" 1 "$P:2: a field is longer than 65536 bytes" in.csv
{ printf '%s' "$H"; i=0; while [ $i -lt 1100 ]; do printf ',c%d' $i; i=$((i + 1)); done; echo; } >in.csv
check "more than 1024 columns" 1 "$P:1: more than 1024 fields in a record" in.csv

# Usage errors and files that cannot be read.
printf '%s\nacme,p1,build,2027-01-03,2027-01-04,done\n' "$H" >in.csv
check "an unknown --map field" 2 \
	"precedent: import: --map: unknown field 'client' (expected customer, project, phase, start, end, duration or status)" \
	--map client=Client in.csv
check "--map without =" 2 \
	"precedent: import: --map: 'customer' is not FIELD=COLUMN
Try 'precedent import --help'." --map customer in.csv
check "a bad --as-of" 2 \
	"precedent: import: --as-of: '2027-13-01' is not a date (expected YYYY-MM-DD)
Try 'precedent import --help'." --as-of 2027-13-01 in.csv
check "no FILE" 2 "precedent: import: no FILE to import
Try 'precedent import --help'."
check "a missing file" 1 \
	"precedent: import: cannot open 'nope.csv': No such file or directory" nope.csv
check "a directory" 1 "precedent: import: $TMP: read error: Is a directory" "$TMP"

# A failed first import leaves no store behind.
printf '%s\nacme,p1,build,2027-01-03,2027-01-02,done\n' "$H" >in.csv
run 1 "a failed first import" -- $PC --db fresh.db import in.csv
[ ! -e fresh.db ] && [ ! -e fresh.db-wal ] && r=0 || r=1
ok $r "a failed first import creates no store"

done_testing
