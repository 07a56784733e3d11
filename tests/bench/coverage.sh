#!/bin/sh
# coverage.sh - how often the 95% intervals of `plan --ci` (the release
# P80 date) and `whatif --ci` (the odds of the true P80 day) hold the
# truth, over known-truth histories of 40, 20, 10 and 5 projects (a benchmark
# run by hand, never a test: half an hour or more on two cores).  The
# figures README quotes come from here.
#
#   tests/bench/coverage.sh [BUILDDIR [HISTORIES [REPLICATES]]]
#                           (defaults: . 300 200)
#
# Each line ends with the binomial standard error of a coverage of 95%
# over that many histories: a figure within two of them of 95% is as
# good as the bench can tell.  COVERAGE_VERBOSE=1 prints every history's
# estimate and intervals; COVERAGE_PCT=1 or 3 checks the P50 or P90 (and
# the odds of that true day) instead of the P80 (tests/bench/coverage.c).
set -eu
build=${1:-.}
n=${2:-300}
reps=${3:-200}
bin=$(cd "$build" && pwd)/tests/bench/coverage
if [ ! -x "$bin" ]; then
	(cd "$build" && make tests/bench/coverage) >/dev/null ||
		{ echo "coverage.sh: cannot build tests/bench/coverage in $build" >&2; exit 2; }
fi
for projects in 40 20 10 5; do
	# same seed (1) for both sizes: correlation 0.5, a fifth running
	"$bin" "$n" "$projects" "$reps" 1 0.5 1
done
