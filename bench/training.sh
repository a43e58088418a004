#!/usr/bin/env bash
# Live training under load (called by `make bench`): BENCH_TRAINING_SESSIONS students
# (default 40) each play a scenario at BENCH_TRAINING_SPEED (default 10x) and follow it over
# Server-Sent Events, acting every 5 s, for BENCH_TRAINING_SECONDS (default 30), against the
# release server on a free port with a fresh data directory (bench/training_load.mjs).
#
#   SSE update latency p99            target: well under one update interval (250 ms)
#   sessions that fell behind         target: none (clock >= 97 % of wall x speed, no gap > 1 s)
#
# Reference, in the same run: the simulation's own step time — the stepping thread's CPU time
# per session and step (50 ms of wall time, 500 ms simulated at 10x) and the time to publish an
# update (snapshot, events and JSON), from /api/training/stats.
#
# A measurement, not a test: exits 0 whether or not the targets are met (1 only when it cannot
# measure).
#
# Usage: bench/training.sh [BUILD_DIR]   (default build; uses BUILD_DIR/carecampus)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=$build/carecampus
sessions=${BENCH_TRAINING_SESSIONS:-40}
seconds=${BENCH_TRAINING_SECONDS:-30}
speed=${BENCH_TRAINING_SPEED:-10}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no release binary at $bin (run make build)"
command -v node >/dev/null || die "node not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carecampus-bench-training.XXXXXX")
pid=""
cleanup() {
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

data=$tmp/data
inst=$("$bin" init --data "$data" --name-en "Bench College" --name-zh "测试学院" --country CN --json 2>"$tmp/init.log" |
  node -e 'process.stdin.on("data", (d) => console.log(JSON.parse(d).institution_id))')
add_user() {
  printf 'bench-password-1\n' | "$bin" user add --data "$data" --institution "$inst" --role "$1" --login "$2" \
    --name "$3" --password-stdin --json >/dev/null
}
add_user admin bench.admin "Bench Admin"
for i in $(seq 1 "$sessions"); do add_user student "bench.s$i" "Bench Student $i"; done

port=$(node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
"$bin" serve --data "$data" --listen "127.0.0.1:$port" --quiet >"$tmp/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/health" >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$tmp/server.log" >&2; die "the server did not start"; }
  sleep 0.1
done

out=$(node "$root/bench/training_load.mjs" "http://127.0.0.1:$port" "$sessions" "$seconds" "$speed" "$pid") ||
  { cat "$tmp/server.log" >&2; die "the load client failed"; }

node - "$out" <<'JS'
const r = JSON.parse(process.argv[2]);
const s = r.server;
const ms = (x) => (x === null || x === undefined ? '-' : `${Number(x).toFixed(0)} ms`);
const us = (x) => `${x} µs`;
const line = (...c) => console.log(c[0].padEnd(44) + c.slice(1).map((x) => String(x).padStart(12)).join(''));
console.log(`\nlive training: ${r.sessions} sessions at ${r.speed}x over Server-Sent Events for ${r.seconds.toFixed(0)} s, ` +
  `each acting every 5 s; one stepping thread`);
line('what', 'p50', 'p99', 'max', 'result');
line('SSE update latency (publish -> client)', ms(r.latency_ms.p50), ms(r.latency_ms.p99), ms(r.latency_ms.max),
  r.latency_ms.p99 < 250 ? 'PASS' : 'MISS');
line('reference: engine step (per session, 50 ms)', us(s.step_us.p50), us(s.step_us.p99), us(s.step_us.max), '');
line('reference: publish an update', us(s.publish_us.p50), us(s.publish_us.p99), us(s.publish_us.max), '');
line('action round trip (stored + xAPI)', ms(r.action_ms.p50), ms(r.action_ms.p99), '', '');
console.log(`  ${r.updates.toLocaleString('en-US')} state updates; per session ${r.updates_per_s.median.toFixed(2)}/s ` +
  `(least ${r.updates_per_s.min.toFixed(2)}/s; at most 4/s by design); simulated clock against wall x speed: ` +
  `median ${(r.clock_ratio.median * 100).toFixed(1)} %, least ${(r.clock_ratio.min * 100).toFixed(1)} %; ` +
  `longest gap between updates ${r.max_gap_ms} ms`);
console.log(`  fell behind: ${r.behind.length ? `${r.behind.length} sessions ${JSON.stringify(r.behind)} MISS` : 'none PASS'}; ` +
  `server CPU ${r.server_cpu_s === null ? '-' : `${r.server_cpu_s.toFixed(2)} s (${(100 * r.server_cpu_s / r.seconds).toFixed(0)} % of one core)`}; ` +
  `${s.stalls} stepping stalls over 2 s`);
JS
