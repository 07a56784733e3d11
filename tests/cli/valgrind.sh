#!/bin/sh
# valgrind.sh - the tool's main paths run clean under valgrind memcheck:
# no invalid accesses, no definite or indirect leaks.  (The whole CLI
# suite runs under memcheck in .ci/run with PRECEDENT_VALGRIND=1; this is
# the quick version every `make check` can afford.)
. "$top_srcdir/tests/setup.sh"

if [ -z "${VALGRIND:-}" ]; then
	echo "1..0 # SKIP valgrind not found by configure"
	exit 0
fi
# libtool --mode=execute puts the real program, not libtool's wrapper
# script, under valgrind.
VG="$top_builddir/libtool --mode=execute $VALGRIND --quiet --leak-check=full
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99"
AS_OF=2026-11-01

# memcheck: EXPECTED-EXIT DESCRIPTION ARGS...: precedent ARGS under
# memcheck exits as expected (99 would be memcheck's verdict).
memcheck() {
	_w=$1
	_d=$2
	shift 2
	run "$_w" "$_d, clean under memcheck" -- $VG $PRECEDENT "$@"
	if grep -q '^==[0-9]*==' "$TMP/err"; then r=1; else r=0; fi
	ok $r "$_d: no memcheck report"
	[ "$r" -eq 0 ] || grep '^==' "$TMP/err" | head -30 | sed 's/^/# /'
}

run 99 "memcheck catches the control program's leak and overread" -- \
	$VG "$top_builddir/tests/cli/valgrind-control"
expect_grep "definitely lost" "$TMP/err" "the leak is reported"
expect_grep "Invalid read of size 1" "$TMP/err" "the overread is reported"

memcheck 0 "--help" --help
memcheck 0 "--version" --version
memcheck 2 "an unknown command" no-such-command
memcheck 0 "import --help" import --help
memcheck 0 "import the sample" --db s.db -q import --as-of $AS_OF \
	"$top_srcdir/datasets/sample.csv"
memcheck 0 "import it again (all unchanged)" --db s.db import --as-of $AS_OF \
	"$top_srcdir/datasets/sample.csv"
memcheck 0 "import the real Python history" --db s.db -q import \
	--as-of 2026-08-22 "$top_srcdir/datasets/real/python.csv"
memcheck 0 "history" --db s.db history
memcheck 0 "history as CSV" --db s.db history --format csv
memcheck 1 "history of a missing store" --db none.db history
for f in date-feb30.csv unterminated-quote.csv binary-junk.bin missing-phase.csv; do
	memcheck 1 "importing bad input $f" --db s.db -q import --as-of $AS_OF \
		"$top_srcdir/tests/data/bad/$f"
done

done_testing
