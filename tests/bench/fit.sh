#!/bin/sh
# fit.sh - how long fitting all six families to 100,000 durations takes,
# in precedent, scipy.stats and R fitdistrplus, on the same data.  Run by
# hand from a build directory (never a timed test):
#   sh ../tests/bench/fit.sh [N]
# precedent's time is end to end (`precedent fitdist`: reading the file,
# six maximum-likelihood fits, standard errors, delta-method intervals and
# KS/AD/CvM); scipy's and R's are the fitting calls alone, so the ratio
# flatters them.  Needs /usr/bin/python3 with numpy and scipy, and Rscript
# with fitdistrplus.
set -eu
n=${1:-100000}
here=$(cd "$(dirname "$0")" && pwd)
pc=${PRECEDENT:-./precedent}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fitbench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# gamma(shape 2.5, scale 8) durations, fixed seed
/usr/bin/python3 -c "
import numpy as np
np.savetxt('$tmp/x.txt', np.random.default_rng(1).gamma(2.5, 8, $n), fmt='%.6f')"

# best of 3 runs of a command: "WALL CPU" seconds (CPU = user + system;
# on a machine shared with other jobs the wall clock also measures the
# neighbours, so CPU is the fairer comparison)
best() {
	b=
	for i in 1 2 3; do
		/usr/bin/time -f '%e %U %S' -o "$tmp/time" "$@" >/dev/null
		t=$(awk '{ printf "%.3f %.3f", $1, $2 + $3 }' "$tmp/time")
		if [ -z "$b" ] || [ "$(echo "${t% *} < ${b% *}" | bc)" = 1 ]; then b=$t; fi
	done
	echo "$b"
}

t_pc=$(best "$pc" fitdist --format csv "$tmp/x.txt")
t_py=$(/usr/bin/python3 "$here/fit_scipy.py" "$tmp/x.txt")
t_r=$(Rscript "$here/fit_r.R" "$tmp/x.txt")
printf 'n = %s, six families (exponential gamma weibull lognormal loglogistic normal)\n' "$n"
printf 'load average: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %8s %8s\n' "" "wall s" "CPU s"
for row in "precedent fitdist:$t_pc" "scipy.stats fit:$t_py" "R fitdistrplus:$t_r"; do
	set -- ${row#*:}
	printf '%-22s %8.3f %8.3f\n' "${row%%:*}" "$1" "$2"
done
pcw=${t_pc% *} pcc=${t_pc#* }
printf 'scipy / precedent: wall %.1f, CPU %.1f\n' \
	"$(echo "${t_py% *} / $pcw" | bc -l)" "$(echo "${t_py#* } / $pcc" | bc -l)"
printf 'R / precedent: wall %.1f, CPU %.1f\n' \
	"$(echo "${t_r% *} / $pcw" | bc -l)" "$(echo "${t_r#* } / $pcc" | bc -l)"
