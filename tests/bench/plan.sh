#!/bin/sh
# plan.sh - how fast `precedent plan` is (a benchmark run by hand, never a
# test): 100,000 iterations of a 10-phase plan on one core, against a
# vectorised numpy simulation of the same model (tests/bench/plan_numpy.py,
# /usr/bin/python3 with numpy); then the copula path and --ci with 200
# bootstrap replicates on the sample history.
#
#   tests/bench/plan.sh [BUILDDIR]     (default: the current directory)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-.}
PC=$(cd "$build" && pwd)/precedent
[ -x "$PC" ] || { echo "no precedent in $build: build first" >&2; exit 2; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

cp "$top/tests/data/plan/ten-phase-model.csv" "$T/model.csv"
cp "$top/tests/data/plan/ten-phase-template.csv" "$T/template.csv"

# best of N wall-clock runs, in seconds
best() {
	n=$1
	shift
	b=
	for i in $(seq "$n"); do
		s=$(date +%s.%N)
		"$@" >/dev/null
		e=$(date +%s.%N)
		b=$(echo "$s $e ${b:-1e9}" | awk '{ t = $2 - $1; print (t < $3 ? t : $3) }')
	done
	echo "$b"
}

echo "== 10 phases, 100000 iterations, one thread (independent: --model)"
"$PC" plan --model "$T/model.csv" --template "$T/template.csv" --start 2027-01-04 \
	--threads 1 --iterations 100000 --format csv >"$T/c.csv"
c_total=$(best 5 "$PC" plan --model "$T/model.csv" --template "$T/template.csv" \
	--start 2027-01-04 --threads 1 --iterations 100000 --format csv)
np_out=$(/usr/bin/python3 "$here/plan_numpy.py" "$T/model.csv" "$T/template.csv" 100000 1)
np_sim=$(for i in 1 2 3 4 5; do /usr/bin/python3 "$here/plan_numpy.py" "$T/model.csv" \
	"$T/template.csv" 100000 "$i" | awk '{ print $4 }'; done | sort -g | head -1)
np_total=$(best 3 /usr/bin/python3 "$here/plan_numpy.py" "$T/model.csv" "$T/template.csv" 100000 1)
# precedent's P50/P80/P90 release finish as day offsets from the start
c_q=$(awk -F, '$1 == "release" { print $7, $8, $9 }' "$T/c.csv" | while read -r a b c; do
	for d in $a $b $c; do
		echo $(( ($(date -u -d "$d" +%s) - $(date -u -d 2027-01-04 +%s)) / 86400 ))
	done | tr '\n' ' '; done)
echo "precedent (whole process, best of 5):   ${c_total} s   release P50/P80/P90 days: $c_q"
echo "numpy (simulation only, best of 5):     ${np_sim} s   release P50/P80/P90 days: $(echo "$np_out" | cut -d' ' -f1-3)"
echo "numpy (whole python process, best of 3): ${np_total} s"
awk -v c="$c_total" -v n="$np_sim" -v t="$np_total" 'BEGIN {
	printf "ratio numpy-simulation / precedent-process: %.2f; numpy-process / precedent-process: %.2f\n", n / c, t / c }'

c_1m=$(best 3 "$PC" plan --model "$T/model.csv" --template "$T/template.csv" \
	--start 2027-01-04 --threads 1 --iterations 1000000 --format csv)
np_1m=$(/usr/bin/python3 "$here/plan_numpy.py" "$T/model.csv" "$T/template.csv" 1000000 1 | awk '{ print $4 }')
echo "1,000,000 iterations: precedent (process) ${c_1m} s, numpy (simulation) ${np_1m} s"
awk -v c="$c_1m" -v n="$np_1m" 'BEGIN { printf "ratio numpy-simulation / precedent-process at 1M: %.2f\n", n / c }'

echo
echo "== the sample history (8 phases, Gaussian copula), one thread"
"$PC" -q --db "$T/s.db" import --as-of 2026-11-01 "$top/datasets/sample.csv"
t=$(best 5 "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1)
echo "learn + 100000 iterations: $t s"
t=$(best 3 "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1 --ci)
echo "--ci (200 replicates x 4000 iterations, 1 thread): $t s"
t=$(best 3 "$PC" --db "$T/s.db" plan --start 2027-01-04 --ci)
echo "--ci (all $(nproc) CPUs): $t s"
t=$(best 3 "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1 --iterations 1000000)
echo "1,000,000 iterations, 1 thread: $t s"
