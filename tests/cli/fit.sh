#!/bin/sh
# fit.sh - `precedent fit` and `precedent model export` on the bundled
# sample history: the table, the saved model, reference classes with and
# without fallback, the exported CSV and bad usage.
. "$top_srcdir/tests/setup.sh"

db=$TMP/s.db
sample=$top_srcdir/datasets/sample.csv

run 0 "fit --help" -- $PC fit --help
expect_grep '^Usage: precedent fit' "$TMP/out" "fit --help on stdout"
run 0 "model --help" -- $PC model --help
expect_grep '^Usage: precedent model export' "$TMP/out" "model --help on stdout"

run 1 "no store" -- $PC --db "$db" fit
expect_grep "no store at" "$TMP/err" "a missing store is named"

run 0 "import the sample" -- $PC --db "$db" -q import --as-of 2026-11-01 "$sample"
run 1 "no model yet" -- $PC --db "$db" model export
expect_grep "the store holds no model \(run 'precedent fit'\)" "$TMP/err" "export before fit"

run 0 "fit" -- $PC --db "$db" fit
cp "$TMP/out" fit.txt
# the phases and their n and censored counts, as `history` shows them
$PC --db "$db" history | awk '/^phase +n +censored/ { on = 1; next } on && NF == 5 { print $1, $2, $3 }' >hist.txt
awk 'NR > 1 && NF > 3 && $4 != "error:" { print $1, $2, $3 }' fit.txt | grep -v '^[0-9]' >rows.txt
phases=$(wc -l <hist.txt)
[ "$phases" -gt 5 ] && cmp -s hist.txt rows.txt && r=0 || r=1
ok $r "one row per phase, with history's n and censored ($phases phases)"
expect_grep '^kickoff +[0-9]+ +[0-9]+  [a-z]+ +[0-9.]+ \[[0-9.]+, [0-9.]+\] +[0-9.]+ \[' "$TMP/out" \
	"median and P80 with intervals"
expect_grep 'saved as model 1$' "$TMP/out" "the model is saved"
expect_grep '^[0-9]+ projects, families chosen by aicc' "$TMP/out" "the summary names the criterion"

run 0 "model export to stdout" -- $PC --db "$db" model export
cp "$TMP/out" model1.csv
expect_grep '^phase,family,param1,value1,param2,value2,param3,value3,n,censored,loglik,median,p80$' \
	model1.csv "export header"
[ "$(grep -cv '^#' model1.csv)" -eq "$((phases + 1))" ] && r=0 || r=1
ok $r "one exported row per phase"
run 0 "model export FILE" -- $PC --db "$db" model export m.csv
cmp -s m.csv model1.csv && r=0 || r=1
ok $r "FILE and stdout agree"

# the exported medians are the table's, to its one decimal
awk -F, '!/^#/ && !/^phase,/ { printf "%s %.1f\n", $1, $12 }' model1.csv | sort >exp.txt
$PC --db "$db" fit --format csv | awk -F, 'NR > 1 { printf "%s %.1f\n", $1, $9 }' | sort >tab.txt
cmp -s exp.txt tab.txt && r=0 || r=1
ok $r "exported medians match the fit output"

run 0 "fit --format json" -- $PC --db "$db" fit --format json --criterion bic
expect_grep '"criterion":"bic"' "$TMP/out" "criterion recorded"
expect_grep '"model_id":3' "$TMP/out" "every fit saves a new model"
run 0 "export --id 1" -- $PC --db "$db" model export --id 1
cmp -s "$TMP/out" model1.csv && r=0 || r=1
ok $r "an older model by id"

# a class big enough, then one too small: fallback with a warning
run 0 "--like tier=enterprise" -- $PC --db "$db" fit --like tier=enterprise --min-class 5
expect_grep 'class tier=enterprise' "$TMP/out" "the class is named"
! grep -q "fewer than --min-class" "$TMP/err" && r=0 || r=1
ok $r "no fallback warning for a class of enough projects"
run 0 "--like with fallback" -- $PC --db "$db" fit --like tier=enterprise --min-class 1000
expect_grep 'warning: the class tier=enterprise holds [0-9]+ projects, fewer than --min-class 1000: using the whole history' \
	"$TMP/err" "fallback is said"
run 0 "--like with fallback, json" -- $PC --db "$db" fit --like tier=enterprise --min-class 1000 --format json
expect_grep '"class_fallback":true' "$TMP/out" "fallback in json"

run 2 "bad --like" -- $PC --db "$db" fit --like tier
expect_grep "'tier' is not KEY=VALUE" "$TMP/err" "bad --like named"
run 2 "bad --min-class" -- $PC --db "$db" fit --min-class -1
run 2 "bad --family" -- $PC --db "$db" fit --family cauchy
run 2 "bad --criterion" -- $PC --db "$db" fit --criterion r2
run 2 "model without action" -- $PC --db "$db" model
run 2 "model bad action" -- $PC --db "$db" model import
run 1 "model bad id" -- $PC --db "$db" model export --id 99
expect_grep "no model 99 in the store" "$TMP/err" "unknown id named"
run 1 "model export to a bad path" -- $PC --db "$db" model export /nonexistent/dir/m.csv
expect_grep "cannot create '/nonexistent/dir/m.csv'" "$TMP/err" "unwritable file named"

# the shipped sample model is what fit makes of the shipped sample, to 6
# significant digits: log L is flat to rounding within ~1e-8 of the
# optimum, so the trailing digits depend on the C library and compiler
canon() {
	awk -F, '!/^#/ && !/^phase,/ { printf "%s,%s,%s,%.6g,%s,%.6g,%s,%s\n", $1, $2, $3, $4, $5, $6, $9, $10 }' "$1"
}
canon "$top_srcdir/models/sample-model.csv" >shipped.txt
canon model1.csv >made.txt
[ "$(wc -l <shipped.txt)" -ge 5 ] && cmp -s shipped.txt made.txt && r=0 || r=1
ok $r "models/sample-model.csv matches a fresh fit of datasets/sample.csv"

done_testing
