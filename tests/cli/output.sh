#!/bin/sh
# output.sh - output a program can parse: `whatif --format csv` (one long
# table, section,name,date,key,value, agreeing with the JSON) and
# `backtest --summary` (the scores alone, and as their own CSV table).
. "$top_srcdir/tests/setup.sh"

# 14 projects of three phases in sequence; the phase names are risky in a
# spreadsheet (=, a comma) to check quoting and --safe-csv.
awk 'BEGIN {
	print "customer,project,phase,start,end,status"
	for (p = 0; p < 14; p++) {
		d = 1 + p * 20
		for (h = 1; h <= 3; h++) {
			len = 3 + (p * 7 + h * 5) % 11
			name = h == 1 ? "kickoff" : h == 2 ? "\"build, test\"" : "=launch"
			printf "acme,proj%02d,%s,2025-%02d-%02d,2025-%02d-%02d,done\n", p, name,
				1 + int(d / 28), 1 + d % 28, 1 + int((d + len - 1) / 28),
				1 + (d + len - 1) % 28
			d += len
		}
	}
}' >h.csv
$PC -q --db t.db import --as-of 2026-01-01 h.csv

W="whatif --start 2026-02-02 --deadline 2026-03-15 --deadline 2026-04-01 --iterations 2000 --ci 0"
run 0 "whatif --format csv" -- $PC --db t.db $W --slot 'kickoff=2026-02-02' --format csv
cp "$TMP/out" w.csv
expect_grep '^section,name,date,key,value$' w.csv "the CSV has its header"
n=$(awk -F, 'NR > 1 && NF != 5 && $0 !~ /"/' w.csv | wc -l)
[ "$n" -eq 0 ] && r=0 || r=1
ok $r "every unquoted row has five fields"
expect_grep '^run,,,start,2026-02-02$' w.csv "the start is a run row"
expect_grep '^phase,"build, test",,criticality,[0-9.]+$' w.csv "a name with a comma is quoted"
expect_grep '^phase,=launch,,checkpoint,' w.csv "without --safe-csv the name is as it is"
expect_grep '^slot,kickoff,2026-02-02,p_missed,[0-9.]+$' w.csv "the slot's odds are dated by the slot"
expect_grep '^deadline,,2026-04-01,ci95_lo,$' w.csv "no interval is an empty cell"

# the numbers are those of the JSON, whichever format is asked
run 0 "whatif --format json" -- $PC --db t.db $W --slot 'kickoff=2026-02-02' --format json
json_p=$(sed 's/.*"deadlines":\[{"deadline":"2026-03-15","p_on_time":\([0-9.e-]*\).*/\1/' "$TMP/out")
csv_p=$(sed -n 's/^deadline,,2026-03-15,p_on_time,//p' w.csv)
[ -n "$csv_p" ] && [ "$json_p" = "$csv_p" ] && r=0 || r=1
ok $r "the CSV's p_on_time ($csv_p) is the JSON's ($json_p)"
# the release's finish comes before the phases' own
json_p50=$(grep -o '"finish":{[^}]*}' "$TMP/out" | head -1 | sed 's/.*"p50":"\([0-9-]*\)".*/\1/')
expect_grep "^finish,,,p50,$json_p50\$" w.csv "the CSV's P50 finish is the JSON's ($json_p50)"

run 0 "whatif --format csv --safe-csv" -- $PC --db t.db $W --format csv --safe-csv
expect_grep "^phase,'=launch,,checkpoint," "$TMP/out" "--safe-csv defuses a formula name"

run 2 "whatif refuses an unknown format" -- $PC --db t.db $W --format nope
expect_grep "table.*csv" "$TMP/err" "the usage error lists csv among the formats"

# backtest --summary
B="backtest --iterations 300 --threads 1 --min-known 3"
run 0 "backtest --format csv" -- $PC --db t.db $B --format csv
rows=$(($(wc -l <"$TMP/out") - 1))
run 0 "backtest --summary --format csv" -- $PC --db t.db $B --summary --format csv
cp "$TMP/out" s.csv
expect_grep '^measure,quantile,value$' s.csv "the summary CSV has its header"
expect_grep "^evaluated,,$rows\$" s.csv "evaluated counts the per-project rows ($rows)"
expect_grep '^hit,p80,[0-9.]+$' s.csv "the P80 hit rate"
expect_grep '^pinball_days,p90,[0-9.]+$' s.csv "the P90 pinball loss"
expect_grep '^plan_held,,$' s.csv "no plan of the time: an empty value"
n=$(awk -F, 'NF != 3' s.csv | wc -l)
[ "$n" -eq 0 ] && r=0 || r=1
ok $r "every summary row has three fields"
run 0 "backtest --format json" -- $PC --db t.db $B --format json
json_hit=$(sed 's/.*"forecast":{"hit":{"p50":[0-9.e-]*,"p80":\([0-9.e-]*\).*/\1/' "$TMP/out")
expect_grep "^hit,p80,$json_hit\$" s.csv "the summary's P80 hit rate is the JSON's ($json_hit)"
run 0 "backtest --summary --format json" -- $PC --db t.db $B --summary --format json
expect_grep '"forecast":' "$TMP/out" "the JSON summary has the scores"
grep -q '"projects"' "$TMP/out" && r=1 || r=0
ok $r "the JSON summary has no projects"
run 0 "backtest --summary" -- $PC --db t.db $B --summary
expect_grep '^released on or before' "$TMP/out" "the table summary has the scores"
grep -q 'acme/proj' "$TMP/out" && r=1 || r=0
ok $r "the table summary has no project rows"

done_testing
