#!/bin/sh
# replay.sh - every fuzz harness's checks hold on its seed corpus, built
# with the ordinary compiler: under valgrind memcheck when configure found
# it (memcheck sees reads of uninitialised memory, which ASan does not),
# or under ASan and UBSan in a --enable-sanitizers build.
. "$top_srcdir/tests/setup.sh"

for name in date import csv durations model plan_files options cli; do
	bin=$top_builddir/tests/fuzz/replay_$name
	corpus=$top_srcdir/tests/fuzz/corpus/$name
	n=$(find "$corpus" -type f | wc -l)
	# Sanitizers and valgrind do not mix.
	if [ -n "${VALGRIND:-}" ] && ! grep -q __asan_init "$bin"; then
		how="under memcheck"
		set -- $VALGRIND --quiet --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99
	else
		how=natively
		set --
	fi
	run 0 "$name: the harness passes on its $n seeds $how" -- "$@" "$bin" "$corpus"
	expect_file "$TMP/out" "$n inputs" "$name: every seed was replayed"
	if grep -q '^==[0-9]*==' "$TMP/err"; then r=1; else r=0; fi
	ok $r "$name: no memcheck report"
	[ "$r" -eq 0 ] || grep '^==' "$TMP/err" | head -30 | sed 's/^/# /'
done

done_testing
