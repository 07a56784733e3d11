#!/bin/sh
# hardening2.sh - the second round of attacks from outside (issue 14):
# a store with a phase per row, other programs' files, atomic outputs,
# model files cut short, and output that cannot hurt the reader.
. "$top_srcdir/tests/setup.sh"

AS_OF=2026-11-01
SAMPLE=$top_srcdir/datasets/sample.csv

# ---------------------------------------------------------------- scale
# 100,000 rows, each its own phase (what `--map phase=` pointed at an ID
# column makes).  Linear or n log n code reads it in well under a second
# (about 0.5 s with the import); a loop over phases x rows took minutes.
# The bound is generous for ASan and a loaded machine; the timed run is
# the plain binary even under PRECEDENT_VALGRIND, which would time
# memcheck instead.
awk 'BEGIN {
	print "customer,project,phase,start,end,status"
	for (i = 0; i < 100000; i++)
		printf "c%d,p%d,id%06d,2025-01-%02d,2025-02-%02d,%s\n", i % 7, i % 500, i,
			1 + i % 28, 1 + i % 27, i % 10 ? "done" : "ongoing"
}' | sed 's/,\(2025-02-[0-9]*\),ongoing$/,,ongoing/' >ids.csv
$PRECEDENT --db ids.db -q import --as-of $AS_OF ids.csv >/dev/null && r=0 || r=1
ok $r "scale: 100,000 distinct phases import"
t0=$(date +%s)
$PRECEDENT --db ids.db history >ids.out 2>ids.err && r=0 || r=1
t1=$(date +%s)
ok $r "scale: history of 100,000 distinct phases succeeds"
[ $((t1 - t0)) -le 20 ] && r=0 || r=1
ok $r "scale: history of 100,000 distinct phases takes $((t1 - t0)) s (at most 20)"
[ "$(grep -c '^id[0-9]' ids.out)" -eq 100000 ] && r=0 || r=1
ok $r "scale: every phase has its line"
expect_grep '^id000010 +1 +1 +- +-$' ids.out "scale: an ongoing phase counts as censored"
expect_grep '^id000011 +1 +0 +' ids.out "scale: a finished phase counts as finished"

# ---------------------------------------------------- files not ours
# sumof FILE: its checksum, to show a file was left alone.
sumof() { cksum <"$1"; }
for uv in 0 1 7; do
	rm -f other.db
	"$SQLITE3" other.db "create table t(x); insert into t values (1); pragma user_version=$uv"
	before=$(sumof other.db)
	for cmd in history "import --as-of $AS_OF $SAMPLE" fit "model export"; do
		run 1 "foreign (user_version $uv): $cmd refuses it" -- $PC --db other.db $cmd
		expect_grep "not a precedent store" "$TMP/err" \
			"foreign (user_version $uv): $cmd says it is not a store"
	done
	[ "$before" = "$(sumof other.db)" ] && r=0 || r=1
	ok $r "foreign (user_version $uv): the file is unchanged"
	[ "$("$SQLITE3" other.db 'pragma journal_mode')" = delete ] && r=0 || r=1
	ok $r "foreign (user_version $uv): never switched to WAL"
	[ ! -e other.db-wal ] && [ ! -e other.db-journal ] && r=0 || r=1
	ok $r "foreign (user_version $uv): no journal left next to it"
done
# Another program's id, even with no tables.
rm -f app.db
"$SQLITE3" app.db "pragma application_id=1234; pragma user_version=1"
before=$(sumof app.db)
run 1 "foreign application id: refused" -- $PC --db app.db -q import --as-of $AS_OF "$SAMPLE"
expect_grep "not a precedent store \(application id 1234\)" "$TMP/err" \
	"foreign application id: named"
[ "$before" = "$(sumof app.db)" ] && r=0 || r=1
ok $r "foreign application id: the file is unchanged"

# Readers never create or change a store.
: >empty.db
for cmd in history fit "model export" "plan --start 2027-01-04" \
	"whatif --start 2027-01-04 --deadline 2027-06-01" backtest; do
	run 1 "empty file: $cmd refuses it" -- $PC --db empty.db $cmd
	expect_file "$TMP/err" "precedent: ${cmd%% *}: no store at 'empty.db' (run 'precedent import' first)" \
		"empty file: $cmd says there is no store"
	[ ! -s empty.db ] && [ ! -e empty.db-wal ] && [ ! -e empty.db-journal ] && r=0 || r=1
	ok $r "empty file: $cmd leaves it empty"
	run 1 "missing file: $cmd refuses it" -- $PC --db missing.db $cmd
	[ ! -e missing.db ] && r=0 || r=1
	ok $r "missing file: $cmd does not create it"
done
# A store from this precedent stays byte for byte the same under a
# reader, WAL files included, once the importer has closed it.
$PRECEDENT --db good.db -q import --as-of $AS_OF "$SAMPLE" >/dev/null
$PRECEDENT --db good.db -q fit >/dev/null
before=$(sumof good.db)
for cmd in history "history --format csv" "model export" \
	"plan --start 2027-01-04 --seed 1"; do
	run 0 "store: $cmd reads it" -- $PC --db good.db $cmd
done
[ "$before" = "$(sumof good.db)" ] && r=0 || r=1
ok $r "store: readers leave the file unchanged"
# A read-only store file is still readable (SQLite needs no write to read).
cp good.db ro.db
chmod 0444 ro.db
run 0 "read-only store file: history reads it" -- $PC --db ro.db history

# Device files: never a store, never a journal beside them.
for dev in /dev/null /dev/zero /dev/full; do
	for cmd in history "import --as-of $AS_OF $SAMPLE"; do
		run 1 "$dev: $cmd refuses it" -- $PC --db $dev -q $cmd
		expect_grep "'$dev' is not a regular file" "$TMP/err" "$dev: $cmd says why"
	done
	[ ! -e "$dev-journal" ] && [ ! -e "$dev-wal" ] && r=0 || r=1
	ok $r "$dev: no journal created beside it"
done
mkdir adir
run 1 "a directory is refused" -- $PC --db adir history
expect_grep "'adir' is not a regular file" "$TMP/err" "a directory: says why"

# ---------------------------------------------------- one message each
# A store of ours cut short: damaged, with SQLite's own diagnosis.
cp good.db cut.db
size=$(wc -c <good.db)
dd if=good.db of=cut.db bs=4096 count=$((size / 4096 / 2)) 2>/dev/null
run 1 "a truncated store is refused" -- $PC --db cut.db history
expect_grep "^precedent: history: cut.db: .*the store is damaged \(integrity check: .+\)$" \
	"$TMP/err" "a truncated store: damaged, with the integrity check's first line"
# Out of file descriptors: the tool and SQLite need a few.  The limit
# must not stop the libtool wrapper (a shell) or the loader, so run the
# real binary when there is one.
BIN=$PRECEDENT
if [ -x "$top_builddir/.libs/precedent" ]; then
	BIN=$top_builddir/.libs/precedent
	LD_LIBRARY_PATH=$top_builddir/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
	export LD_LIBRARY_PATH
fi
(ulimit -n 5; exec $BIN --db good.db history) >fd.out 2>fd.err && r=1 || r=0
ok $r "out of file descriptors: fails"
expect_grep "too many open files" fd.err "out of file descriptors: says so"
# A file-size limit stands for a full disk (SIGXFSZ ignored: write()
# fails with EFBIG instead of killing the process).
(trap '' XFSZ; ulimit -f 8; exec $PRECEDENT --db big.db -q import --as-of $AS_OF "$SAMPLE") \
	>big.out 2>big.err && r=1 || r=0
ok $r "file size limit: the import fails"
expect_grep "larger than allowed|file size limit|disk is full" big.err "file size limit: says so"
# Read-only media and a full disk, where this machine lets us mount a
# small tmpfs (CI does as root; elsewhere these are skipped).
mkdir mnt
if mount -t tmpfs -o size=256k tmpfs mnt 2>/dev/null; then
	trap 'umount "$TMP/mnt" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
	run 1 "full disk: the import fails" -- $PC --db mnt/s.db -q import --as-of $AS_OF "$SAMPLE"
	expect_grep "the disk is full" "$TMP/err" "full disk: says so"
	rm -f mnt/*
	cp good.db mnt/s.db
	mount -o remount,ro mnt
	run 1 "read-only file system: the import fails" -- $PC --db mnt/s.db -q import --as-of $AS_OF "$SAMPLE"
	expect_grep "the file system is read-only" "$TMP/err" "read-only file system: says so"
	run 0 "read-only file system: history still reads the store" -- $PC --db mnt/s.db history
	umount mnt
	trap 'rm -rf "$TMP"' EXIT INT TERM
else
	echo "# skipped: cannot mount a tmpfs here"
fi
# Permission: root may write anything, so as root the tool runs as
# nobody (setpriv), where it can.
ASUSER=
if [ "$(id -u)" -ne 0 ]; then
	ASUSER=env
elif command -v setpriv >/dev/null 2>&1 &&
	setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	ASUSER="setpriv --reuid=65534 --regid=65534 --clear-groups"
	chmod 0711 "$TMP"
	# nobody must reach the tool and its libraries: a build tree under a
	# private directory (mktemp -d makes it 0700) hides them
	if ! $ASUSER $BIN --version >/dev/null 2>&1; then
		ASUSER=
		chmod 0700 "$TMP"
	fi
fi
if [ -z "$ASUSER" ]; then
	ok 0 "read-only stores # SKIP no unprivileged user can run $BIN here"
fi
if [ -n "$ASUSER" ]; then
	mkdir locked && cp good.db locked/s.db && chmod 0444 locked/s.db && chmod 0555 locked
	run 1 "read-only directory: the import fails" -- $ASUSER $BIN --db locked/s.db -q import --as-of $AS_OF "$SAMPLE"
	expect_grep "permission denied \(SQLite writes the store's -wal and -shm files in 'locked', which is not writable\)" \
		"$TMP/err" "read-only directory: says so"
	chmod 0777 locked
	run 1 "read-only store file: the import fails" -- $ASUSER $BIN --db locked/s.db -q import --as-of $AS_OF "$SAMPLE"
	expect_grep "locked/s.db: .*permission denied$" "$TMP/err" "read-only store file: says so"
	chmod 0755 locked
	chmod 0644 locked/s.db
	chmod 0700 "$TMP"
fi
# ------------------------------------------------------ atomic outputs
$PRECEDENT --db good.db model export m.csv && r=0 || r=1
ok $r "export: a model file"
cp m.csv m.orig
# A file-size limit of 40 KiB: enough for SQLite's 32 KiB -shm file
# (a reader of a WAL store makes one), too little for a model of 800
# phases (about 80 KiB).
awk 'BEGIN {
	print "customer,project,phase,start,end,status"
	for (p = 0; p < 3; p++)
		for (k = 0; k < 800; k++)
			printf "c,p%d,phase%03d,2025-01-01,2025-01-%02d,done\n", p, k, 2 + (p + k) % 20
}' >many.csv
$PRECEDENT --db many.db -q import --as-of $AS_OF many.csv >/dev/null
$PRECEDENT --db many.db -q fit --family exponential >/dev/null
$PRECEDENT --db many.db model export big.csv
cp big.csv big.orig
[ "$(wc -c <big.csv)" -gt 45000 ] && r=0 || r=1
ok $r "export: the big model is over the limit"
# (stderr through a pipe: the limit applies to regular files only)
set +e
(trap "" XFSZ; ulimit -f 40; $PRECEDENT --db many.db model export big.csv \
	2>&1 >/dev/null; echo "exit $?") | cat >fs.err
set -e
expect_grep "^exit 1$" fs.err "export, file size limit: fails"
sed -i '/^exit /d' fs.err
expect_grep "^precedent: model: cannot write 'big.csv': File too large$" fs.err \
	"export, file size limit: one message naming the file"
cmp -s big.csv big.orig && r=0 || r=1
ok $r "export, file size limit: the old file is intact"
[ -z "$(ls -A | grep '^\.big\.csv\.')" ] && r=0 || r=1
ok $r "export, file size limit: no temporary file left"
run 1 "export to /dev/full fails" -- $PC --db good.db model export /dev/full
expect_file "$TMP/err" "precedent: model: cannot write '/dev/full': No space left on device" \
	"export to /dev/full: one message naming the file"
[ -c /dev/full ] && r=0 || r=1
ok $r "export to /dev/full: still the device"
# SIGKILL at the first write of the export (killat.so counts them).
shim=$top_builddir/tests/cli/killat.so
if [ -e "$shim" ]; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	LD_PRELOAD=$shim KILLAT=1 $PRECEDENT --db good.db model export m.csv \
		>/dev/null 2>&1 && r=1 || r=0
	ok $r "export, killed while writing: dies"
	cmp -s m.csv m.orig && r=0 || r=1
	ok $r "export, killed while writing: the old file is intact"
fi
if mount -t tmpfs -o size=64k tmpfs mnt 2>/dev/null; then
	trap 'umount "$TMP/mnt" 2>/dev/null; rm -rf "$TMP"' EXIT INT TERM
	cp m.orig mnt/m.csv
	head -c 60000 /dev/zero >mnt/filler 2>/dev/null || true
	run 1 "export, full disk: fails" -- $PC --db good.db model export mnt/m.csv
	expect_grep "^precedent: model: cannot write 'mnt/m.csv': No space left on device$" \
		"$TMP/err" "export, full disk: one message naming the file"
	cmp -s mnt/m.csv m.orig && r=0 || r=1
	ok $r "export, full disk: the old file is intact"
	umount mnt
	trap 'rm -rf "$TMP"' EXIT INT TERM
fi
chmod 0640 m.csv
$PRECEDENT --db good.db model export m.csv
[ "$(stat -c %a m.csv)" = 640 ] && r=0 || r=1
ok $r "export over a file keeps its mode"

# ------------------------------------------------ model file end line
head -1 m.csv >head.txt
expect_file head.txt "# precedent model 2" "model file: a version line first"
tail -1 m.csv >tail.txt
expect_grep "^# end of model: [0-9]+ phases$" tail.txt "model file: an end line last"
head -n 5 m.csv >cut.csv
run 1 "a model file cut short is refused" -- $PC plan --model cut.csv --start 2027-01-04
expect_file "$TMP/err" "precedent: plan: cut.csv:5: the file ends before its end line ('# end of model: N phases'): it was cut short" \
	"a model file cut short: the file and line are named"
# a row lost in the middle: the count is off
sed 3d m.csv >holed.csv
run 1 "a model file missing a row is refused" -- $PC plan --model holed.csv --start 2027-01-04
expect_grep "holed.csv:[0-9]+: the end line counts [0-9]+ phases, but [0-9]+ came before it" \
	"$TMP/err" "a model file missing a row: said"
{ cat m.csv; echo 'x,normal,mean,5,sd,1,,,10,0,0,5,5'; } >tail.csv
run 1 "rows after the end line are refused" -- $PC plan --model tail.csv --start 2027-01-04
expect_grep "tail.csv:[0-9]+: data after the end of the model" "$TMP/err" \
	"rows after the end line: said"
sed 1d m.csv | sed '$d' >legacy.csv
run 0 "a model file of the old format (no version or end line) still reads" -- \
	$PC plan --model legacy.csv --start 2027-01-04 --seed 1
sed '1s/2/9/' m.csv >future.csv
run 1 "a newer model format is refused" -- $PC plan --model future.csv --start 2027-01-04
expect_grep "future.csv:1: model format 9 is newer" "$TMP/err" "a newer format: said"
run 0 "the shipped sample model reads" -- $PC plan --model "$top_srcdir/models/sample-model.csv" --start 2027-01-04 --seed 1

# ------------------------------------------- output that cannot hurt
# Names holding ESC [ 2 J (clear screen), OSC 52 (write the clipboard)
# and formula starts; the importer keeps them as they are.
ESC=$(printf '\033')
{
	echo "customer,project,phase,start,end,status,tier"
	for i in 1 2 3; do
		printf 'c\033[2Jx,p%d,evil\033]52;c;aGk=\007ph,2025-01-0%d,2025-01-1%d,done,=1+2\n' $i $i $i
		printf '"=HYPERLINK(""x"")",p%d,@SUM(A1),2025-01-0%d,2025-01-1%d,done,-3\n' $i $i $i
		printf 'c,p%d,a|b,2025-01-0%d,2025-01-1%d,done,+4\n' $i $i $i
	done
} >evil.csv
$PRECEDENT --db evil.db -q import --as-of $AS_OF evil.csv >/dev/null && r=0 || r=1
ok $r "escapes: names with control characters import"
run 0 "escapes: history table" -- $PC --db evil.db history
! grep -q "$ESC" "$TMP/out" && r=0 || r=1
ok $r "escapes: the history table holds no ESC byte"
expect_grep '^evil\\x1b\]52;c;aGk=\\x07ph +3 ' "$TMP/out" "escapes: history shows them as \\xHH"
run 0 "escapes: fit table" -- $PC --db evil.db fit --family exponential
! grep -q "$ESC" "$TMP/out" && r=0 || r=1
ok $r "escapes: the fit table holds no ESC byte"
expect_grep '^evil\\x1b\]52;c;aGk=\\x07ph ' "$TMP/out" "escapes: fit shows them as \\xHH"
run 0 "escapes: history json" -- $PC --db evil.db history --format json
expect_grep '"phase":"evil\\u001B\]52;c;aGk=\\u0007ph"' "$TMP/out" "escapes: json keeps the exact name"
run 0 "escapes: history csv" -- $PC --db evil.db history --format csv
cp "$TMP/out" evil.out
grep -q "$ESC" evil.out && r=0 || r=1
ok $r "escapes: csv keeps the exact bytes"
$PRECEDENT --db evil2.db -q import --as-of $AS_OF evil.out >/dev/null
$PRECEDENT --db evil2.db history --format csv >evil2.out
cmp -s evil.out evil2.out && r=0 || r=1
ok $r "csv: the default output imports back byte for byte"
# Messages: a name in an error, an unknown command, a store path.
run 2 "escapes: an unknown command" -- $PC "$(printf 'x\033[2J')"
! grep -q "$ESC" "$TMP/err" && r=0 || r=1
ok $r "escapes: the unknown command is shown escaped"
expect_grep "'x\\\\x1b\[2J' is not a command" "$TMP/err" "escapes: as \\x1b"
run 1 "escapes: a store path in a message" -- $PC --db "$(printf 'a\033]52;c;aGk=\007.db')" history
expect_file "$TMP/err" "precedent: history: no store at 'a\\x1b]52;c;aGk=\\x07.db' (run 'precedent import' first)" \
	"escapes: the path is shown escaped"
run 2 "escapes: a bad option value" -- $PC --db evil.db fit --criterion "$(printf '\033[2J')"
! grep -q "$ESC" "$TMP/err" && r=0 || r=1
ok $r "escapes: an option value in a usage error is shown escaped"

# CSV formula injection: --safe-csv defuses text cells, not dates.
run 0 "--safe-csv: history" -- $PC --db evil.db history --format csv --safe-csv
expect_grep "^\"'=HYPERLINK\(\"\"x\"\"\)\",p1,'@SUM\(A1\),2025-01-01,2025-01-11,done,'-3$" \
	"$TMP/out" "--safe-csv: history prefixes = @ - cells with '"
expect_grep "^c,p1,a\|b,2025-01-01,2025-01-11,done,'\+4$" "$TMP/out" \
	"--safe-csv: history prefixes + cells, leaves others"
run 0 "--safe-csv: fit" -- $PC --db evil.db fit --family exponential --format csv --safe-csv
expect_grep "^'@SUM\(A1\),3,0," "$TMP/out" "--safe-csv: fit prefixes the phase name"
run 0 "no --safe-csv: fit csv keeps the name" -- $PC --db evil.db fit --family exponential --format csv
expect_grep "^@SUM\(A1\),3,0," "$TMP/out" "no --safe-csv: fit keeps the name"
awk 'BEGIN {
	print "customer,project,phase,start,end,status"
	for (i = 1; i <= 8; i++)
		printf "=cmd|x,p%d,a,2025-%02d-01,2025-%02d-%02d,done\n", i, i, i, 5 + i
}' >bt.csv
$PRECEDENT --db bt.db -q import --as-of $AS_OF bt.csv >/dev/null
run 0 "--safe-csv: backtest" -- $PC --db bt.db backtest --min-known 2 --iterations 100 --format csv --safe-csv
expect_grep "^'=cmd\|x,p8," "$TMP/out" "--safe-csv: backtest prefixes the customer"
run 0 "backtest table" -- $PC --db bt.db backtest --min-known 2 --iterations 100
expect_grep "^=cmd\|x/p8 " "$TMP/out" "backtest table: the name as it is"

# Arguments that are not UTF-8 would vanish from JSON: refused.
run 2 "non-UTF-8 --customer is refused" -- $PC --db good.db plan --start 2027-01-04 \
	--customer "$(printf '\377')" --format json
expect_grep "argument '\\\\xff' is not valid UTF-8" "$TMP/err" "non-UTF-8 --customer: said"
run 2 "non-UTF-8 --like is refused" -- $PC --db good.db fit --like "tier=$(printf '\376')"
expect_grep "argument 'tier=\\\\xfe' is not valid UTF-8" "$TMP/err" "non-UTF-8 --like: said"
run 0 "UTF-8 --customer is fine" -- $PC --db good.db plan --start 2027-01-04 --seed 1 \
	--customer "Société Générale" --format json
expect_grep '"customer":"Société Générale"' "$TMP/out" "UTF-8 --customer: kept in JSON"

# One message for a full stdout; a read error for a closed stdin.
set +e
$PRECEDENT --db good.db history --format csv >/dev/full 2>full.err
r=$?
set -e
[ $r -eq 1 ] && [ "$(wc -l <full.err)" -eq 1 ] && r=0 || r=1
ok $r "history --format csv >/dev/full: exit 1 and one message"
expect_grep "No space left on device" full.err "history --format csv >/dev/full: says why"
set +e
$PRECEDENT --db stdin.db import --as-of $AS_OF - <&- 2>closed.err
r=$?
set -e
[ $r -eq 1 ] && r=0 || r=1
ok $r "import - with a closed stdin fails"
expect_grep "<stdin>: read error: Bad file descriptor" closed.err "import - with a closed stdin: a read error"

done_testing
