#!/bin/sh
# shrink.sh - rank correlations from a handful of projects are mostly
# noise: plan shrinks them toward none by their estimated noise
# (Schafer-Strimmer), so a small reference class does not make every phase
# move with every other; from many projects they are kept.
. "$top_srcdir/tests/setup.sh"

# 46 projects of four phases with independent durations (Park-Miller
# draws, 3 to 32 days), 6 of them in team b.
awk 'BEGIN {
	x = 20261129
	print "customer,project,phase,start,end,status,team"
	split("design build test ship", ph, " ")
	for (p = 1; p <= 46; p++) {
		d = 1 + (p - 1) * 40
		for (j = 1; j <= 4; j++) {
			x = (x * 16807) % 2147483647
			n = 3 + int(x / 2147483647 * 30)
			printf "C%d,r1,%s,%d,%d,done,%s\n", p, ph[j], d, d + n - 1, p <= 6 ? "b" : "a"
			d += n
		}
	}
}' | awk -F, 'NR == 1 { print; next }
{	# day numbers to dates: 2020-01-01 + n - 1
	cmd = "date -u -d \"2020-01-01 +" $4 - 1 " days\" +%F"; cmd | getline s; close(cmd)
	cmd = "date -u -d \"2020-01-01 +" $5 - 1 " days\" +%F"; cmd | getline e; close(cmd)
	print $1 "," $2 "," $3 "," s "," e "," $6 "," $7
}' >ind.csv
$PC -q --db ind.db import ind.csv

# The mean |rho| off the diagonal of the printed matrix, and the share.
mean_abs() {
	awk '/^Spearman rank correlation/ { on = 1; next }
	     on && NF == 0 { on = 0 }
	     on && $2 ~ /^-?[0-9.]+$/ {
		r++
		for (i = 2; i <= NF; i++)
			if (i - 1 != r) { s += ($i < 0 ? -$i : $i); n++ }
	     }
	     END { printf "%.3f\n", n ? s / n : -1 }' "$1"
}
shrunk() {
	sed -n 's/.*shrunk \([0-9]*\)% toward none.*/\1/p' "$1"
}

run 0 "a class of 6 projects" -- $PC --db ind.db plan --start 2027-01-04 --like team=b \
	--min-class 3 --show-structure
cp "$TMP/out" small.txt
s=$(shrunk small.txt); m=$(mean_abs small.txt)
[ -n "$s" ] && [ "$s" -ge 60 ] && r=0 || r=1
ok $r "6 independent projects: correlations shrunk by at least 60% (got ${s:-none}%)"
awk -v m="$m" 'BEGIN { exit !(m >= 0 && m < 0.15) }' && r=0 || r=1
ok $r "6 independent projects: mean |rho| below 0.15 after shrinking (got $m)"
if [ "$s" = 100 ]; then
	expect_grep '^Durations drawn independently: too few past projects to tell which phases tend to run long together$' \
		small.txt "every correlation shrunk away: the header says the draws are independent, and why"
fi
run 0 "the whole history of 46 independent projects" -- $PC --db ind.db plan \
	--start 2027-01-04 --show-structure
cp "$TMP/out" all.txt
m=$(mean_abs all.txt)
awk -v m="$m" 'BEGIN { exit !(m >= 0 && m < 0.1) }' && r=0 || r=1
ok $r "46 independent projects: mean |rho| below 0.1 after shrinking (got $m, shrunk $(shrunk all.txt)%)"

$PC -q --db sample.db import --as-of 2026-11-01 "$top_srcdir/datasets/sample.csv"
run 0 "the sample history" -- $PC --db sample.db plan --start 2027-01-04 --show-structure
cp "$TMP/out" many.txt
s=$(shrunk many.txt); m=$(mean_abs many.txt)
[ -n "$s" ] && [ "$s" -le 10 ] && r=0 || r=1
ok $r "91 projects with real correlation: shrunk at most 10% (got ${s:-none}%)"
awk -v m="$m" 'BEGIN { exit !(m > 0.4) }' && r=0 || r=1
ok $r "91 projects: their correlation is kept (mean |rho| $m)"

run 0 "json" -- $PC --db ind.db plan --start 2027-01-04 --like team=b --min-class 3 \
	--show-structure --format json
tr -d ' \n' <"$TMP/out" | grep -Eq '"correlation_shrinkage":(0\.[6-9][0-9]*|1(\.0+)?)[,}]' && r=0 || r=1
ok $r "json gives the shrinkage"
done_testing
