#!/bin/sh
# fitdist.sh - `precedent fitdist`: formats, options, censoring and every
# kind of bad input.  Expected numbers come from tests/ref/fit_refs_r.csv
# (R fitdistrplus); the unit test checks them to 1e-6, here only enough
# digits to show the right fit was printed.
. "$top_srcdir/tests/setup.sh"

ref=$top_srcdir/tests/ref/data

run 0 "--help" -- $PC fitdist --help
expect_grep '^Usage: precedent fitdist' "$TMP/out" "--help goes to stdout"

# groundbeef: fitdistrplus ranks gamma first (log L -1253.6251)
run 0 "groundbeef, json" -- $PC fitdist --format json "$ref/groundbeef.csv"
expect_grep '"best":"gamma"' "$TMP/out" "gamma is chosen"
expect_grep '"n":254' "$TMP/out" "n counted"
expect_grep '"loglik":-1253\.6251' "$TMP/out" "gamma log-likelihood as fitdistrplus"
expect_grep '"shape":4\.0083' "$TMP/out" "gamma shape as fitdistrplus"
expect_grep '"p_value":null' "$TMP/out" "no p-values without --gof-bootstrap"

run 0 "groundbeef, table" -- $PC fitdist "$ref/groundbeef.csv"
expect_grep '^chosen: gamma, lowest AICc$' "$TMP/out" "the table says what was chosen and how"
head -4 "$TMP/out" | tail -1 | grep -q '^gamma ' && r=0 || r=1
ok $r "best family first"

run 0 "--criterion bic --family weibull,lognormal" -- \
	$PC fitdist --criterion bic --family weibull,lognormal "$ref/groundbeef.csv"
expect_grep '^chosen: weibull, lowest BIC$' "$TMP/out" "subset and criterion honoured"
[ "$(grep -c -E '^(weibull|lognormal) ' "$TMP/out")" -eq 2 ] && ! grep -q '^gamma' "$TMP/out" && r=0 || r=1
ok $r "only the requested families"

# lung, censored (status 1): weibull best in fitdistrplus (log L -1153.8512)
run 0 "censored column" -- $PC fitdist --column value --censor-column censored \
	--format json "$ref/lung.csv"
expect_grep '"censored":63' "$TMP/out" "censored counted"
expect_grep '"best":"weibull"' "$TMP/out" "weibull chosen for lung"
expect_grep '"loglik":-1153\.8511' "$TMP/out" "censored log-likelihood as fitdistrplus"
expect_grep '"km":' "$TMP/out" "censored data get the Kaplan-Meier distance"

# a bare list on stdin
printf '12\n15\n9\n22\n14\n17\n11\n' >list.txt
run 0 "bare list on stdin" -- sh -c "$PC fitdist --format csv - <list.txt"
expect_grep '^family,param1,value1,param2,value2,' "$TMP/out" "csv header"
expect_grep '^normal,mean,14.2857142[0-9]*,sd,' "$TMP/out" "normal mean is the sample mean (100/7)"

# a byte-order mark and CRLF line ends, as spreadsheets write them
printf '\357\273\277d,c\r\n12,0\r\n15,1\r\n9,0\r\n' >bom.csv
run 0 "BOM and CRLF" -- $PC fitdist --column d --censor-column c --family exponential --format csv bom.csv
expect_grep '^exponential,rate,0\.0555555555555555[0-9]*,' "$TMP/out" "2 events / 36 days"

# bootstrap intervals are reproducible from the seed
run 0 "bootstrap, seed 5" -- $PC fitdist --bootstrap 50 --seed 5 --format csv list.txt
cp "$TMP/out" boot1
run 0 "bootstrap, seed 5 again" -- $PC fitdist --bootstrap 50 --seed 5 --format csv list.txt
cmp -s boot1 "$TMP/out" && r=0 || r=1
ok $r "same seed, same intervals"
run 0 "bootstrap, seed 6" -- $PC fitdist --bootstrap 50 --seed 6 --format csv list.txt
! cmp -s boot1 "$TMP/out" && r=0 || r=1
ok $r "another seed, other intervals"

run 0 "--gof-bootstrap" -- $PC fitdist --gof-bootstrap 30 --family gamma --format json "$ref/groundbeef.csv"
expect_grep '"p_value":0\.[0-9]+' "$TMP/out" "bootstrap p-values"

# bad input and usage
printf 'd\n1\n2\nabc\n' >bad.csv
run 1 "not a number" -- $PC fitdist bad.csv
expect_file "$TMP/err" "precedent: fitdist: bad.csv:4: 'abc' is not a number" "message names file and line"
printf 'd,c\n1,0\n,0\n' >empty.csv
run 1 "empty cell" -- $PC fitdist empty.csv
expect_file "$TMP/err" "precedent: fitdist: empty.csv:3: empty value in column 1" "empty cells are named"
printf 'd,c\n1,0\n2,2\n' >badc.csv
run 1 "bad censor value" -- $PC fitdist --column d --censor-column c badc.csv
expect_file "$TMP/err" "precedent: fitdist: badc.csv:3: censor value '2' is not 0 or 1" "censor values are 0 or 1"
run 2 "unknown column" -- $PC fitdist --column nope "$ref/groundbeef.csv"
expect_grep "no column 'nope' in the header" "$TMP/err" "missing column named"
run 2 "unknown family" -- $PC fitdist --family weibull,pareto list.txt
expect_grep "unknown family 'pareto'" "$TMP/err" "unknown family named"
run 2 "unknown criterion" -- $PC fitdist --criterion hqic list.txt
run 2 "unknown format" -- $PC fitdist --format xml list.txt
run 2 "negative bootstrap" -- $PC fitdist --bootstrap -3 list.txt
run 2 "two files" -- $PC fitdist list.txt list.txt
run 1 "missing file" -- $PC fitdist nosuch.csv
expect_grep "cannot open 'nosuch.csv'" "$TMP/err" "missing file named"

# degenerate data: a message per family, never a crash or a NaN
: >empty.txt
run 1 "no data" -- $PC fitdist empty.txt
expect_grep 'no family could be fitted: exponential: no data' "$TMP/err" "no data"
printf '5\n' >one.txt
run 1 "one value" -- $PC fitdist one.txt
expect_grep 'only one finished duration' "$TMP/err" "one value"
printf '5\n5\n5\n' >same.txt
run 0 "all equal" -- $PC fitdist same.txt
expect_grep '^constant +value=5 ' "$TMP/out" "all equal: a constant 5"
expect_grep '^chosen: constant, as every finished value is the same$' "$TMP/out" \
	"all equal: chosen as a constant, and said why"
if grep -qE '^(exponential|weibull) ' "$TMP/out"; then r=1; else r=0; fi
ok $r "all equal: no family pretends to a spread"
run 0 "all equal, --family weibull" -- $PC fitdist --family weibull same.txt
expect_grep '^chosen: constant' "$TMP/out" "all equal: a constant whatever --family asks"
printf 'd,c\n3,1\n4,1\n' >cens.csv
run 1 "all censored" -- $PC fitdist --column d --censor-column c cens.csv
expect_grep 'all 2 observations are censored' "$TMP/err" "all censored"
printf '0\n3\n4\n6\n' >zero.txt
run 0 "zeros" -- $PC fitdist --format json zero.txt
expect_grep '"error":"value 0 is outside the support' "$TMP/out" "zeros: positive families report"
expect_grep '"best":"normal"' "$TMP/out" "zeros: normal chosen"
printf '1e200\n3\n4\n' >huge.txt
run 1 "huge values" -- $PC fitdist huge.txt
expect_grep 'too large to fit' "$TMP/err" "huge values"
printf '3\n1e400\n4\n' >inf.txt
run 1 "overflowing number" -- $PC fitdist inf.txt
expect_grep "inf.txt:2: '1e400' is not a number" "$TMP/err" "overflow in the input"
! grep -qi nan "$TMP/out" && r=0 || r=1
ok $r "no NaN printed"

# --whole-days: the interval likelihood, as fitdistrplus fitdistcens on
# [d - 0.5, d + 0.5] (tests/ref/fit_refs_whole.csv: weibull log L
# -324.918163758, shape 1.62696851)
run 0 "--whole-days, censored" -- $PC fitdist --whole-days --column days \
	--censor-column running --family weibull --format json "$ref/whole_gamma_running.csv"
expect_grep '"loglik":-324\.91816375' "$TMP/out" "whole-day log-likelihood as fitdistcens"
expect_grep '"shape":1\.626968' "$TMP/out" "whole-day shape as fitdistcens"
run 0 "without --whole-days the same file fits differently" -- $PC fitdist --column days \
	--censor-column running --family weibull --format json "$ref/whole_gamma_running.csv"
! grep -q '"loglik":-324\.918' "$TMP/out" && r=0 || r=1
ok $r "plain and whole-day fits differ"
printf '3\n2.5\n4\n' >frac.txt
run 1 "--whole-days on fractions" -- $PC fitdist --whole-days frac.txt
expect_grep "value 2.5 is not a whole number of days >= 1" "$TMP/err" "fractions named"

done_testing
