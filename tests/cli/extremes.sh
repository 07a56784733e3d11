#!/bin/sh
# extremes.sh - extreme but valid histories, end to end: phases that
# never vary, durations of 1 and 10,000 days in one phase, and heavy
# tails.  Each is imported, fitted, planned (with its bootstrap
# intervals) and asked about a deadline; every command succeeds, no NaN
# or infinity reaches the output, and what never varies is planned
# exactly.
. "$top_srcdir/tests/setup.sh"

# history NAME AWK-EXPR: 200 projects of kickoff, build and launch, one
# every 3 days from 2020-01-06, build lasting AWK-EXPR days (i: the
# project); kickoff always 5 days, launch always 1.
history() {
	awk -v n=200 'function day(d,   y, m, md) {
		# days after 2020-01-06 as YYYY-MM-DD
		y = 2020; m = 1; d += 5
		for (;;) {
			md = (m == 2) ? ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28) \
			     : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31
			if (d < md) break
			d -= md; m++
			if (m > 12) { m = 1; y++ }
		}
		return sprintf("%04d-%02d-%02d", y, m, d + 1)
	}
	BEGIN {
		srand(7)
		print "customer,project,phase,start,end,status"
		for (i = 0; i < n; i++) {
			s = 3 * i
			printf "c%d,p%d,kickoff,%s,%s,done\n", i % 7, i, day(s), day(s + 4)
			s += 5
			b = '"$2"'
			if (b > 10000) b = 10000 # the as-of date stays after every end
			printf "c%d,p%d,build,%s,%s,done\n", i % 7, i, day(s), day(s + b - 1)
			s += b
			printf "c%d,p%d,launch,%s,%s,done\n", i % 7, i, day(s), day(s)
		}
	}' >"$1.csv"
}

history same '10 + i % 7'
history mixed '(i % 3 ? 1 : 10000)'
# Pareto with shape 0.7: no finite mean.
history heavy 'int(1 / (1 - rand()) ^ (1 / 0.7))'

for h in same mixed heavy; do
	run 0 "$h: import" -- $PC --db $h.db -q import --as-of 2060-01-01 $h.csv
	run 0 "$h: fit" -- $PC --db $h.db fit --format json
	cp "$TMP/out" $h-fit.json
	run 0 "$h: plan with intervals" -- $PC --db $h.db plan --start 2027-01-04 \
		--iterations 20000 --ci --format json
	cp "$TMP/out" $h-plan.json
	run 0 "$h: whatif" -- $PC --db $h.db whatif --start 2027-01-04 \
		--deadline 2027-03-01 --iterations 20000 --ci 20 --format json
	cat $h-fit.json $h-plan.json "$TMP/out" >$h-all.json
	if grep -qiE 'nan|inf' $h-all.json; then r=1; else r=0; fi
	ok $r "$h: no NaN or infinity in fit, plan or whatif"
done

# What never varies is a constant, planned exactly: kickoff takes its 5
# days and launch its 1 at every percentile, intervals included.
expect_grep '"phase":"kickoff","n":200,"censored":0,"family":"constant"' same-fit.json \
	"same: kickoff is a constant"
expect_grep '"phase":"launch","n":200,"censored":0,"family":"constant"' same-fit.json \
	"same: launch is a constant"
run 0 "same: the plan as a table" -- $PC --db same.db plan --start 2027-01-04 --iterations 20000
expect_grep '^kickoff +2027-01-04 +2027-01-04 +2027-01-04 +2027-01-04 +2027-01-08 +2027-01-08 +2027-01-08 +2027-01-08$' \
	"$TMP/out" "same: kickoff ends on its fifth day at every percentile"
awk '$1 == "launch" { exit !($2 == $6 && $3 == $7 && $4 == $8 && $5 == $9) }' "$TMP/out" && r=0 || r=1
ok $r "same: launch ends the day it starts at every percentile"
# ... and survives export as a model file.
run 0 "same: model export" -- $PC --db same.db model export
expect_grep '^kickoff,constant,value,5,' "$TMP/out" "same: the constant is exported"
cp "$TMP/out" same-model.csv
run 0 "same: plan from the exported model" -- $PC --db same.db plan --model same-model.csv \
	--start 2027-01-04 --iterations 20000
expect_grep '^kickoff +2027-01-04 +2027-01-04 +2027-01-04 +2027-01-04 +2027-01-08 +2027-01-08 +2027-01-08 +2027-01-08$' \
	"$TMP/out" "same: the model file plans kickoff exactly too"

# A running kickoff that has already lasted longer than 5 days is no
# constant any more.
{ cat same.csv; echo "c0,late,kickoff,2059-12-20,,ongoing"; } >late.csv
run 0 "late: import" -- $PC --db late.db -q import --as-of 2060-01-01 late.csv
run 0 "late: fit" -- $PC --db late.db fit
if grep -qE '^kickoff .* constant ' "$TMP/out"; then r=1; else r=0; fi
ok $r "late: a kickoff running for 13 days makes kickoff more than a constant"

# 1 and 10,000 days in one phase: the P90 is decades out, the P10 days.
run 0 "mixed: the plan as a table" -- $PC --db mixed.db plan --start 2027-01-04 --iterations 20000
expect_grep '^build +2027-01-[0-9]{2} .* 20[3-9][0-9]-[0-9]{2}-[0-9]{2}$' "$TMP/out" \
	"mixed: build's P90 lies decades ahead"

done_testing
