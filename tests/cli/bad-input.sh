#!/bin/sh
# bad-input.sh - every file in tests/data/bad/ is refused with exactly the
# message tests/data/bad/expected.tsv gives, and the store is unchanged
# afterwards (its SQL dump and its history are the same as before).
. "$top_srcdir/tests/setup.sh"

BAD=$top_srcdir/tests/data/bad
# The corpus uses 2027 dates, so the as-of date comes after them.
AS_OF=2027-06-01

$PC --db s.db -q import --as-of 2026-11-01 "$top_srcdir/datasets/sample.csv" && r=0 || r=1
ok $r "the sample history imports"

# The SQL dump covers every table, the record of imports included; the
# tool's history is its own view of the same.
snapshot() {
	$PRECEDENT --db s.db history --format csv >"$1.history" 2>&1 || echo "exit $?" >>"$1.history"
	if [ -n "${SQLITE3:-}" ]; then
		"$SQLITE3" s.db .dump >"$1.dump"
	else
		: >"$1.dump"
	fi
}
snapshot before

# unchanged DESCRIPTION [imports]: the store still holds exactly what it
# held; with "imports", apart from a new record of an accepted import.
unchanged() {
	snapshot after
	if [ "${2:-}" = imports ]; then
		grep -v '^INSERT INTO imports ' before.dump >before.cmp || true
		grep -v '^INSERT INTO imports ' after.dump >after.cmp || true
	else
		cp before.dump before.cmp
		cp after.dump after.cmp
	fi
	cmp -s before.history after.history && cmp -s before.cmp after.cmp && r=0 || r=1
	ok $r "$1: the store is unchanged"
	snapshot before
}

# The table: FILE, TAB, EXIT STATUS, TAB, the exact stderr (one line).
# Each file is copied here first, so messages name it without a path.
tab=$(printf '\t')
while IFS=$tab read -r file want msg; do
	case $file in '#'*|'') continue ;; esac
	cp "$BAD/$file" "$file"
	run "$want" "$file is refused" -- \
		$PC --db s.db import --as-of $AS_OF "$file"
	expect_file "$TMP/err" "$msg" "$file: the message"
	if [ "$want" -eq 0 ]; then unchanged "$file" imports; else unchanged "$file"; fi
done <"$BAD/expected.tsv"

# Generated, too big to commit: a 10 MB field and a million columns.
awk 'BEGIN { print "customer,project,phase,start,end,status"
	n = 10 * 1024 * 1024; s = "x"
	while (length(s) < n) s = s substr(s, 1, n - length(s))
	print s ",p1,build,2027-01-04,2027-01-08,done" }' >big-field.csv
run 1 "a 10 MiB field is refused" -- $PC --db s.db import --as-of $AS_OF big-field.csv
expect_file "$TMP/err" \
	"precedent: import: big-field.csv:2: a field is longer than 65536 bytes" \
	"big-field.csv: the message"
unchanged "big-field.csv"

awk 'BEGIN { printf "customer,project,phase,start,end,status"
	for (i = 0; i < 1000000; i++) printf ",c%d", i; print "" }' >wide.csv
run 1 "a million columns are refused" -- $PC --db s.db import --as-of $AS_OF wide.csv
expect_file "$TMP/err" \
	"precedent: import: wide.csv:1: more than 1024 fields in a record" \
	"wide.csv: the message"
unchanged "wide.csv"

done_testing
