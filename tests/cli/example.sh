#!/bin/sh
# example.sh - the embedding example in doc/example.c builds against the
# public API only and proposes the same plan as the CLI would at the same
# iterations and seed.
. "$top_srcdir/tests/setup.sh"

ex=$top_builddir/doc/example
sample=$top_srcdir/datasets/sample.csv

run 0 "example proposes a plan from the sample history" -- "$ex" "$sample" 2027-01-04
expect_grep '^Suggested launch: 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] \(P50\); 80% likely by 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]$' "$TMP/out" \
	"example prints the suggested launch"
cp "$TMP/out" "$TMP/example.out"

# The same numbers through the tool (20,000 iterations, seed 1).
$PC --db "$TMP/h.db" -q import "$sample"
$PC --db "$TMP/h.db" plan --start 2027-01-04 --iterations 20000 --seed 1 --format json >"$TMP/plan.json"
p50=$(sed -n 's/.*"finish":{"p10":"[^"]*","p50":"\([^"]*\)".*/\1/p' "$TMP/plan.json")
p80=$(sed -n 's/.*"finish":{"p10":"[^"]*","p50":"[^"]*","p80":"\([^"]*\)".*/\1/p' "$TMP/plan.json")
expect_file "$TMP/example.out" "Suggested launch: $p50 (P50); 80% likely by $p80" \
	"the library and the CLI agree on the release dates"

run 2 "example rejects a start that is not a date" -- "$ex" "$sample" 2027-02-30
expect_file "$TMP/err" "example: '2027-02-30' is not a date" "example names the bad date"

done_testing
