#!/bin/sh
# scale.sh - plan and whatif with more phases than past projects can
# support a correlation for: no k^3 repair of a matrix the data cannot
# estimate (plain words say the phases are drawn independently), and a
# run whose outcomes would not fit in memory is refused with the figure.
. "$top_srcdir/tests/setup.sh"

# 4 projects x 600 phases, each phase 1 to 5 days, one after another.
awk 'BEGIN {
	srand(7); print "customer,project,phase,start,end,status"
	for (c = 0; c < 4; c++) {
		s = 20000 + 40 * c    # days since 1970
		for (p = 0; p < 600; p++) {
			d = 1 + int(rand() * 5)
			printf "C%d,p,ph%04d,%s,%s,done\n", c, p, day(s), day(s + d - 1)
			s += d
		}
	}
}
function day(n,   y, m, dd, t) {
	# civil from days (Howard Hinnant), n days since 1970-01-01
	n += 719468; t = int(n / 146097); dd = n - t * 146097
	y = int((dd - int(dd / 1460) + int(dd / 36524) - int(dd / 146096)) / 365)
	dd = dd - (365 * y + int(y / 4) - int(y / 100)); y += t * 400
	m = int((5 * dd + 2) / 153); dd = dd - int((153 * m + 2) / 5) + 1
	m = m < 10 ? m + 3 : m - 9; if (m <= 2) y++
	return sprintf("%04d-%02d-%02d", y, m, dd)
}' >wide.csv
run 0 "import 600 phases of 4 projects" -- $PC -q --db wide.db import wide.csv
run 0 "plan 600 phases" -- $PC --db wide.db plan --start 2027-01-04 --iterations 1000
expect_grep '^Durations drawn independently: with more than 500 phases their correlation is not estimated$' \
	"$TMP/out" "no correlation is estimated for 600 phases"
expect_grep '^release +2027-' "$TMP/out" "600 phases: a release date"
run 2 "whatif that would keep too much" -- $PC --db wide.db whatif --start 2027-01-04 \
	--deadline 2040-01-01 --iterations 400000 --ci 0
expect_file "$TMP/err" "precedent: whatif: 400000 iterations of 600 phases would keep 2.4 GB of outcomes: at most 333333 iterations" \
	"the refusal says how much and what would do"

done_testing
