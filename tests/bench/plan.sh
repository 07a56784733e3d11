#!/bin/sh
# plan.sh - how fast `precedent plan` is and how it grows with the
# iterations (a benchmark run by hand, never a test): a 10-phase plan at
# 10^5, 10^6 and 10^7 iterations on one thread, beside a vectorised numpy
# simulation of the same model in the same run (tests/bench/plan_numpy.py,
# /usr/bin/python3 with numpy); then the copula path and --ci on the
# sample history.
#
#   tests/bench/plan.sh [BUILDDIR]     (default: the current directory)
#
# Times are CPU seconds (user + system), the best of several runs with
# precedent and numpy alternating, because this kind of machine is shared
# and wall time measures the neighbours.  precedent's is the whole
# process (reading the model, the tables, the simulation, the output);
# numpy's is the simulation alone, as the script measures it (without
# starting python and importing numpy, ~0.1 s), so the ratio is the one
# least favourable to precedent.  The growth exponent is the slope of
# log CPU time against log iterations (1: linear).
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

# CPU seconds (user + system) of one run of "$@", its stdout in $T/out
# (getrusage of the child: finer than GNU time's hundredths)
cpu() {
	/usr/bin/python3 -c '
import resource, subprocess, sys
with open(sys.argv[1], "w") as out:
    subprocess.run(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL, check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print("%.4f" % (r.ru_utime + r.ru_stime))' "$T/out" "$@"
}

min() { printf '%s\n' "$@" | sort -g | head -1; }

# precedent's P50/P80/P90 release finish as day offsets from the start
days() {
	awk -F, '$1 == "release" { print $7, $8, $9 }' "$1" | while read -r a b c; do
		for d in $a $b $c; do
			echo $(( ($(date -u -d "$d" +%s) - $(date -u -d 2027-01-04 +%s)) / 86400 ))
		done | tr '\n' ' '
	done
}

echo "== 10 phases (--model, independent durations), one thread"
printf '%-11s %-16s %-9s %-16s %-11s %s\n' iterations "precedent CPU s" "ns/iter" \
	"numpy sim CPU s" "numpy/prec" "release P50 P80 P90 (precedent | numpy)"
rows=
for n in 100000 1000000 10000000; do
	case $n in 10000000) reps=3 ;; *) reps=5 ;; esac
	pcs= nps= npw=
	for i in $(seq "$reps"); do
		pcs="$pcs $(cpu "$PC" plan --model "$T/model.csv" --template "$T/template.csv" \
			--start 2027-01-04 --threads 1 --iterations "$n" --format csv)"
		cp "$T/out" "$T/c.csv"
		/usr/bin/python3 "$here/plan_numpy.py" "$T/model.csv" "$T/template.csv" "$n" "$i" >"$T/np"
		nps="$nps $(awk '{ print $5 }' "$T/np")"
	done
	# shellcheck disable=SC2086
	pc=$(min $pcs)
	# shellcheck disable=SC2086
	np=$(min $nps)
	rows="$rows $n:$pc:$np"
	awk -v n="$n" -v c="$pc" -v p="$np" -v cq="$(days "$T/c.csv")" \
		-v nq="$(cut -d' ' -f1-3 "$T/np")" 'BEGIN {
		printf "%-11d %-16.4f %-9.1f %-16.4f %-11.2f %s| %s\n", n, c, c / n * 1e9, p, p / c, cq, nq }'
done
echo "$rows" | tr ' ' '\n' | awk -F: 'NF == 3 { n[++k] = $1; c[k] = $2; p[k] = $3 } END {
	for (i = 2; i <= k; i++)
		printf "growth exponent %g -> %g: precedent %.2f, numpy %.2f\n", n[i - 1], n[i],
			log(c[i] / c[i - 1]) / log(n[i] / n[i - 1]),
			log(p[i] / p[i - 1]) / log(n[i] / n[i - 1])
	printf "growth exponent %g -> %g: precedent %.2f, numpy %.2f\n", n[1], n[k],
		log(c[k] / c[1]) / log(n[k] / n[1]), log(p[k] / p[1]) / log(n[k] / n[1])
	printf "at %g iterations numpy (simulation alone) takes %.2f times precedent (whole process)\n",
		n[k], p[k] / c[k] }'

echo
echo "== the sample history (8 phases, Gaussian copula), one thread"
"$PC" -q --db "$T/s.db" import --as-of 2026-11-01 "$top/datasets/sample.csv"
t=$(min "$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1)" \
	"$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1)" \
	"$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1)")
echo "learn + 100000 iterations (the default): $t s CPU"
t=$(min "$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1 --iterations 1000000)" \
	"$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1 --iterations 1000000)")
echo "1,000,000 iterations: $t s CPU"
t=$(min "$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1 --ci)" \
	"$(cpu "$PC" --db "$T/s.db" plan --start 2027-01-04 --threads 1 --ci)")
echo "--ci (200 replicates, 1 thread): $t s CPU"
