#!/usr/bin/env bash
# The simulated care home's speed (called by `make bench`): a population of
# BENCH_SIM_RESIDENTS residents (default 10,000) with every device — the
# wearable's 50 Hz accelerometer through the fall detector, 1 Hz vitals from
# the wearable and the bed sensor, door sensor, call button — and the alert
# engine, stepped for BENCH_SIM_SECONDS simulated seconds (default 60) on one
# core, in simulated resident-seconds per CPU-second. Reference, in the same
# run: a plain loop that touches the same data at the same rates and computes
# nothing (bench/sim_bench.c).
#
#     resident-seconds / CPU-second          target: >= 10 x real time
#
# A measurement, not a test: exits 0 whether or not the target is met (1 only
# when it cannot measure).
#
# Usage: bench/sim.sh [BUILD_DIR]   (default build; it builds bench_sim there)
# Environment: BENCH_SIM_RESIDENTS (10000), BENCH_SIM_SECONDS (60), BENCH_SIM_SEED (1).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
residents=${BENCH_SIM_RESIDENTS:-10000}
seconds=${BENCH_SIM_SECONDS:-60}
seed=${BENCH_SIM_SEED:-1}

die() { echo "bench: $*" >&2; exit 1; }
command -v node >/dev/null || die "node not found"
log=$(mktemp "${TMPDIR:-/tmp}/carecampus-bench-sim.XXXXXX")
trap 'rm -f "$log"' EXIT
cmake --build "$build" --target bench_sim >"$log" 2>&1 || { cat "$log" >&2; die "cannot build bench_sim"; }

# One core: the engine is single-threaded per world; pin it so the figure is per core.
pin=()
command -v taskset >/dev/null && pin=(taskset -c 0)
out=$("${pin[@]}" "$build/bench_sim" "$residents" "$seconds" "$seed") || die "bench_sim failed"

node - "$out" <<'JS'
const r = JSON.parse(process.argv[2]);
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const realtime = (rs) => rs / r.residents;
const line = (...c) => console.log(c[0].padEnd(34) + c.slice(1).map((x, i) => String(x).padStart(i ? 12 : 18)).join(''));
console.log(`\nsimulated care home: ${fmt(r.residents)} residents, all devices (50 Hz accelerometer, ` +
  `1 Hz vitals), alert engine; ${r.seconds} s simulated, one core`);
line('what', 'resident-s/CPU-s', 'x real time', 'target', 'result');
const x = realtime(r.engine_rs_per_cpu_s);
line('engine', fmt(r.engine_rs_per_cpu_s), x.toFixed(1), '>= 10', x >= 10 ? 'PASS' : 'MISS');
line('plain loop over the same data', fmt(r.plain_rs_per_cpu_s), realtime(r.plain_rs_per_cpu_s).toFixed(1), '', '');
line('engine / plain loop', (r.engine_rs_per_cpu_s / r.plain_rs_per_cpu_s).toFixed(2), '', '', '');
console.log(`  CPU: engine ${r.engine_cpu_s.toFixed(2)} s, plain loop ${r.plain_cpu_s.toFixed(2)} s; ` +
  `${fmt(r.samples)} accelerometer samples, ${r.falls} falls detected, ${r.alerts} alerts raised, ` +
  `${r.acknowledged} acknowledged and ${r.closed} closed by the simulated staff, ${r.active_alerts} active at the end`);
JS
