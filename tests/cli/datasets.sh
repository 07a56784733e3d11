#!/bin/sh
# datasets.sh - the bundled sample history is what its generator writes,
# and it keeps the conventions datasets/README.md promises.
. "$top_srcdir/tests/setup.sh"

SAMPLE=$top_srcdir/datasets/sample.csv

run 0 "gen-sample runs" -- "$top_builddir/datasets/gen-sample"
cp "$TMP/out" regen.csv
if cmp -s regen.csv "$SAMPLE"; then
	ok 0 "regenerating sample.csv gives the committed file byte for byte"
else
	ok 1 "regenerating sample.csv gives the committed file byte for byte"
	diff "$SAMPLE" regen.csv | head -10 | sed 's/^/# /'
fi

run 0 "the defaults are the documented seed and as-of date" -- \
	"$top_builddir/datasets/gen-sample" --seed 20261101 --as-of 2026-11-01
cmp -s "$TMP/out" "$SAMPLE" && r=0 || r=1
ok $r "--seed 20261101 --as-of 2026-11-01 gives sample.csv"

run 0 "another seed runs" -- "$top_builddir/datasets/gen-sample" --seed 7
cmp -s "$TMP/out" "$SAMPLE" && r=1 || r=0
ok $r "the seed changes the output"

run 2 "a bad --as-of is a usage error" -- \
	"$top_builddir/datasets/gen-sample" --as-of 2026-02-30

head -1 "$SAMPLE" >header
expect_file header \
	"customer,project,phase,start,end,status,tier,region,users,planned_end" \
	"sample.csv has the documented header"

# The counts README.md states.
n=$(($(wc -l <"$SAMPLE") - 1))
[ "$n" -eq 702 ] && r=0 || r=1
ok $r "702 phase rows (got $n)"
n=$(grep -c ',ongoing,' "$SAMPLE")
[ "$n" -eq 9 ] && r=0 || r=1
ok $r "9 ongoing rows (got $n)"

# Every done row ends on or after its start, every ongoing row has an empty
# end and started by the as-of date, and nothing starts after it.  ISO
# dates compare correctly as strings.  The one quoted customer name has no
# quote inside, so stripping it lets awk split on commas.
sed 's/"Hale, Moss & Partners"/Hale Moss and Partners/' "$SAMPLE" >plain.csv
bad=$(awk -F, 'NR > 1 && (NF != 10 ||
	($6 == "done" && ($5 == "" || $5 < $4)) ||
	($6 == "ongoing" && $5 != "") ||
	($6 != "done" && $6 != "ongoing") ||
	$4 > "2026-11-01" || $5 > "2026-11-01") { print NR": "$0 }' plain.csv)
[ -z "$bad" ] && r=0 || r=1
ok $r "rows keep the inclusive-end and ongoing conventions"
[ -z "$bad" ] || printf '%s\n' "$bad" | head -5 | sed 's/^/# /'

n=$(cut -d, -f1 plain.csv | sed 1d | sort -u | wc -l)
[ "$n" -eq 64 ] && r=0 || r=1
ok $r "64 customers (got $n)"

dupes=$(cut -d, -f1-3 plain.csv | sort | uniq -d)
[ -z "$dupes" ] && r=0 || r=1
ok $r "no customer/project/phase appears twice"

for f in linux.csv python.csv SOURCES.md; do
	[ -s "$top_srcdir/datasets/real/$f" ] && r=0 || r=1
	ok $r "datasets/real/$f is there"
done

done_testing
