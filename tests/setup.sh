# tests/setup.sh - sourced by every shell test: strict mode, a private
# temporary directory removed on exit, TAP helpers and an optional
# valgrind wrapper (PRECEDENT_VALGRIND=1 runs the tool under memcheck).
set -eu
LC_ALL=C
export LC_ALL
: "${top_srcdir:?run through make check}"
: "${PRECEDENT:?run through make check}"
unset PRECEDENT_DB

TMP=$(mktemp -d "${TMPDIR:-/tmp}/precedent-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT INT TERM
cd "$TMP"

if [ "${PRECEDENT_VALGRIND:-0}" = 1 ] && [ -n "${VALGRIND:-}" ]; then
	PC="$VALGRIND --quiet --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 $PRECEDENT"
else
	PC=$PRECEDENT
fi

# state DB: what a store holds, as text: its phases and attributes
# straight from SQLite (the schema of src/store.c) and the tool's own
# view of it; for checking that a store did or did not change.
state() {
	"$SQLITE3" "$1" "SELECT c.name, p.name, h.name, h.start, h.end,
		h.status, h.as_of FROM phases h JOIN projects p ON p.id = h.project_id
		JOIN customers c ON c.id = p.customer_id ORDER BY 1, 2, 3;
		SELECT p.name, a.key, a.value FROM project_attrs a
		JOIN projects p ON p.id = a.project_id ORDER BY 1, 2;"
	$PRECEDENT --db "$1" history --format csv 2>&1 || echo "exit $?"
}

# fictional_history PROJECTS PREFIX CUSTOMERS: a history of PROJECTS
# projects of 8 finished phases each in 2025, spread over CUSTOMERS
# customers named PREFIX0001..., with a tier attribute; for the tests
# that need a big import.
fictional_history() {
	awk -v n="$1" -v pre="$2" -v nc="$3" 'BEGIN {
		print "customer,project,phase,start,end,status,tier"
		for (p = 0; p < n; p++)
			for (h = 1; h <= 8; h++)
				printf "%s%04d,proj%d,phase%d,2025-%02d-%02d,2025-%02d-%02d,done,t%d\n",
					pre, p % nc, p, h, h, 1 + p % 25, h, 1 + p % 25 + p % 3, p % 3
	}'
}

# kill_references FILE: the two states a killed import of FILE may
# leave: base.db holds the first 40 lines of the sample and none.txt its
# state; all.txt is the state after importing FILE into a copy of it.
# Imports as of $AS_OF.
kill_references() {
	head -40 "$top_srcdir/datasets/sample.csv" >base.csv
	$PRECEDENT --db base.db -q import --as-of "$AS_OF" base.csv >/dev/null && r=0 || r=1
	ok $r "the base history imports"
	state base.db >none.txt
	cp base.db full.db
	$PRECEDENT --db full.db -q import --as-of "$AS_OF" "$1" >/dev/null && r=0 || r=1
	ok $r "the import to be killed succeeds on its own"
	state full.db >all.txt
	cmp -s none.txt all.txt && r=1 || r=0
	ok $r "the import to be killed changes the history"
}

# after_kill DB NONE.TXT ALL.TXT STATEFN WHAT: the checks on a store
# whose writer was killed.  It must open with the tool, pass SQLite's
# integrity check, and STATEFN of it (state, or the caller's) must equal
# NONE.TXT or ALL.TXT.  Counts the store in kill_none, kill_all or
# kill_bad (it did not open, or holds part of the write), and in
# kill_corrupt if the check failed; says what went wrong, naming WHAT,
# as a TAP comment.
kill_none=0 kill_all=0 kill_bad=0 kill_corrupt=0
after_kill() {
	verdict=bad
	intact=1
	if ! $PRECEDENT --db "$1" history >/dev/null 2>after_kill.err; then
		echo "# $5: the store does not open: $(cat after_kill.err)"
		opened=0
	else
		opened=1
	fi
	chk=$("$SQLITE3" "$1" 'PRAGMA integrity_check' 2>&1) || chk="failed: $chk"
	if [ "$chk" != ok ]; then
		intact=0
		echo "# $5: integrity_check: $chk"
	fi
	"$4" "$1" >after_kill.txt 2>&1 || true
	if cmp -s after_kill.txt "$2"; then
		verdict=none
	elif cmp -s after_kill.txt "$3"; then
		verdict=all
	else
		echo "# $5: the store holds part of it"
	fi
	[ "$opened" -eq 1 ] || verdict=bad
	[ "$intact" -eq 1 ] || kill_corrupt=$((kill_corrupt + 1))
	case $verdict in
	none) kill_none=$((kill_none + 1)) ;;
	all) kill_all=$((kill_all + 1)) ;;
	*) kill_bad=$((kill_bad + 1)) ;;
	esac
}

_tap_n=0
_tap_failed=0

# ok CONDITION-EXIT-STATUS DESCRIPTION.  Under set -e a failing check
# would end the script before ok could report it, so write checks as
#   [ "$n" -eq 4 ] && r=0 || r=1
#   ok $r "four rows"
ok() {
	_tap_n=$((_tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $_tap_n - $2"
	else
		echo "not ok $_tap_n - $2"
		_tap_failed=$((_tap_failed + 1))
	fi
}

# run EXPECTED-EXIT DESCRIPTION -- COMMAND...: runs COMMAND with stdout in
# $TMP/out and stderr in $TMP/err, and checks its exit status.
run() {
	_want=$1
	_desc=$2
	shift 3
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	_got=$?
	set -e
	if [ "$_got" -eq "$_want" ]; then
		ok 0 "$_desc (exit $_want)"
	else
		ok 1 "$_desc (exit $_got, expected $_want)"
		sed 's/^/# stderr: /' "$TMP/err"
	fi
}

# expect_file FILE EXPECTED-TEXT DESCRIPTION: FILE's content equals the text.
expect_file() {
	if printf '%s\n' "$2" | cmp -s - "$1"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '%s\n' "$2" | diff -u - "$1" | sed 's/^/# /' || true
	fi
}

# expect_grep PATTERN FILE DESCRIPTION: a line of FILE matches PATTERN (ERE).
expect_grep() {
	if grep -Eq -- "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		sed 's/^/# got: /' "$2" | head -20
	fi
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
}
