#!/usr/bin/env bash
# The digital-literacy test's engine (called by `make bench`):
#
# 1. The time to update theta and choose the next item after an answer, on a
#    1,000-item bank, with a plain loop over the same bank (summing one number
#    of every item) as the reference measured in the same run
#    (bench/literacy_bench.c).           target: < 100 us per answer
# 2. The simulation study of `carecampus literacy simulate`: 10,000 simulated
#    test-takers (theta from N(0, 1)) through the adaptive test on the bundled
#    bank (a made-up one of 1,000 items when this binary has none), and on a
#    made-up bank of 1,000 items: bias, RMSE, test length and the largest item
#    exposure, by band of true theta; and the bundled bank again with
#    Sympson-Hetter exposure control tuned for a largest exposure of 0.25.
#
# A measurement, not a test: exits 0 whether or not the target is met (1 only
# when it cannot measure).
#
# Usage: bench/literacy.sh [BUILD_DIR]   (default build; its carecampus, and
# bench_literacy, which this script builds there)
# Environment: BENCH_LITERACY_TESTS (2000 simulated tests for part 1),
# BENCH_LITERACY_N (10000 test-takers for part 2), BENCH_LITERACY_SEED (1).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
tests=${BENCH_LITERACY_TESTS:-2000}
n=${BENCH_LITERACY_N:-10000}
seed=${BENCH_LITERACY_SEED:-1}

if ! cmake --build "$build" --target bench_literacy carecampus >/dev/null; then
    echo "bench/literacy.sh: cannot build bench_literacy in $build" >&2
    exit 1
fi

echo "== digital literacy: the adaptive engine"
"$build/bench_literacy" 1000 "$tests" "$seed"
echo
bank=bundled
if "$build/carecampus" literacy bank validate 2>/dev/null | grep -q '^ok: 0 items'; then
    bank=synthetic:1000
fi
echo "== digital literacy: simulation study, $bank bank"
"$build/carecampus" literacy simulate --n "$n" --bank "$bank" --seed "$seed"
echo
echo "== digital literacy: simulation study, $bank bank, Sympson-Hetter exposure control at 0.25"
"$build/carecampus" literacy simulate --n "$n" --bank "$bank" --seed "$seed" --max-exposure 0.25
if [ "$bank" = bundled ]; then
    echo
    echo "== digital literacy: simulation study, a made-up bank of 1,000 items"
    "$build/carecampus" literacy simulate --n "$n" --bank synthetic:1000 --seed "$seed"
fi
