#!/bin/sh
# width.sh - tables align by the columns a name takes on a terminal, not
# by its bytes: "Prüfung" (ü: 2 bytes, 1 column), "審査" (3 bytes and 2
# columns a character) and "Cafe" + U+0301 (a combining acute: 2 bytes,
# 0 columns).  Each command runs on two stores holding the same history,
# one with these names and one with ASCII names of the same display width
# that sort the same; with the names swapped back, the outputs must be
# the same byte for byte.
. "$top_srcdir/tests/setup.sh"

# history NAMES...: 14 projects of four phases in sequence; the names are
# those of the customers (2) and the phases (4).
history() {
	awk -v c1="$1" -v c2="$2" -v p1="$3" -v p2="$4" -v p3="$5" -v p4="$6" 'BEGIN {
		print "customer,project,phase,start,end,status"
		split(p1 "|" p2 "|" p3 "|" p4, ph, "|")
		for (p = 0; p < 14; p++) {
			d = 1 + p * 20
			for (h = 1; h <= 4; h++) {
				len = 3 + (p * 7 + h * 5) % 11
				printf "%s,proj%02d,%s,%s,%s,done\n", (p % 2 ? c1 : c2), p, ph[h],
					day(d), day(d + len - 1)
				d += len
			}
		}
	}
	function day(n,   m, ml) {
		split("31 28 31 30 31 30 31 31 30 31 30 31", ml, " ")
		for (m = 1; n > ml[m]; m++)
			n -= ml[m]
		return sprintf("2025-%02d-%02d", m, n)
	}'
}

combining=$(printf 'Cafe\314\201')
history "Zürich Rück AG" "Hale" "Prüfung" "審査" "$combining" "build" >utf8.csv
history "Z~rich R~ck AG" "Hale" "Pr~fung" "~~~~" "Cafe" "build" >ascii.csv
$PC -q --db utf8.db import --as-of 2026-01-01 utf8.csv
$PC -q --db ascii.db import --as-of 2026-01-01 ascii.csv

# back NAME: the ASCII names turned back into the UTF-8 ones (the
# combining name last: "Cafe" is a prefix of it)
back() {
	sed -e 's/Z~rich R~ck AG/Zürich Rück AG/g' -e 's/Pr~fu/Prüfu/g' \
	    -e 's/~~~~/審査/g' -e "s/Cafe\\([^$(printf '\314')]\\|\$\\)/$combining\\1/g" "$1"
}

# same DESCRIPTION ARGS...: the command's table on both stores matches
same() {
	_d=$1
	shift
	run 0 "$_d on UTF-8 names" -- $PC --db utf8.db "$@"
	cp "$TMP/out" utf8.out
	run 0 "$_d on ASCII names" -- $PC --db ascii.db "$@"
	back "$TMP/out" >ascii.out
	if cmp -s utf8.out ascii.out; then
		ok 0 "$_d: columns line up by display width"
	else
		ok 1 "$_d: columns line up by display width"
		diff -u ascii.out utf8.out | sed 's/^/# /' || true
	fi
}

same "history" history
same "fit" fit
same "plan" plan --start 2026-02-02 --iterations 2000 --show-structure
same "whatif" whatif --start 2026-02-02 --deadline 2026-04-30 --iterations 2000 --ci 0 \
	--slot 'build=2026-04-06'
same "backtest" backtest --iterations 500 --threads 1

# the column of 'n' in the history table, by hand: "Prüfung" is 7 wide
run 0 "history table" -- $PC --db utf8.db history
expect_grep "^phase         n  censored" "$TMP/out" "the phase column is 7 wide, as Prüfung"
expect_grep "^Prüfung      14  " "$TMP/out" "Prüfung fills its 7 columns"
expect_grep "^審査         14  " "$TMP/out" "審査 takes 4 columns, padded with 3 spaces"
expect_grep "^$combining         14  " "$TMP/out" "a combining mark takes no column"

done_testing
