#!/usr/bin/env bash
# Mastery from evidence (docs/mastery.md), measured against the LRS it reads from, in one run
# (called by `make bench`).
#
# 1. Streaming: 4 clients POST /xapi/statements, 100 statements a request (the statements of
#    bench/lrs_data.c: 200 learners, 500 skill stations), for BENCH_MASTERY_SECONDS, to a server
#    whose college has a framework aligned to every station (bench/mastery_aux.c setup: 130 items
#    in a 3-level tree, 50 of them crosswalked to a second framework), so every statement is
#    evidence for one skill, its course, its programme and maybe a crosswalked item. The server's
#    mastery worker follows the log as statements arrive. Reference: the LRS's own ingest rate in
#    the same run.
#        mastery updates/s while statements stream in     target: keeps up with the ingest rate
#    (statements the worker had read when the load ended over the statements stored: it polls every
#    200 ms, so keeping up means at most 1 s of ingest left behind, a ratio >= 1 - 1/SECONDS), the
#    lag when the load ended, the worker's capacity (statements per second of its busy time), and
#    the ingest rate of the same load with no framework (what following the log costs the LRS).
#    This is a cold start: a new college, where nearly every statement begins competencies, so the
#    worker also publishes an attainment or two per statement (the LRS storing as much again).
# 2. Rebuild: `carecampus mastery rebuild --no-publish` of BENCH_MASTERY_N statements (default
#    1,000,000, one in 1,000 a voiding statement) with the same framework, 100,000 statements a
#    transaction (the server stopped). Reference, in the same
#    run on the same file: reading the same statements in store order (SELECT … ORDER BY seq: the
#    floor of any rebuild), and reading and parsing each with jansson.
#        rebuild time                                       reported against the floor
#    The statements are the database of bench/lrs.sh part 2: taken from BENCH_LRS_CACHE
#    (build/bench-cache/lrs-1000000-*.db) when there is one, else loaded with bench/lrs_fill.c
#    (minutes) and left there for the next run.
# 3. Streaming again, into the college of part 2 once rebuilt (its 1,000,000 statements of history;
#    the attainments the rebuild found are dropped from this copy rather than published): the
#    steady state of a college in use, where new statements seldom reach a new level.
#        mastery updates/s while statements stream in     target: keeps up with the ingest rate
#
# A measurement, not a test: exits 0 whether or not the targets are met (1 only when it cannot
# measure). Listens on 127.0.0.1 only; its files are removed on exit (the cache aside).
#
# Usage: bench/mastery.sh [BUILD_DIR]   (default build)
# Environment: BENCH_MASTERY_SECONDS (10), BENCH_MASTERY_CLIENTS (4), BENCH_MASTERY_INGEST (200000
# statements generated for parts 1 and 3), BENCH_MASTERY_COLD (1; 0 skips part 1), BENCH_MASTERY_1M
# (1; 0 skips parts 2 and 3), BENCH_MASTERY_N (1000000),
# BENCH_LRS_CACHE (BUILD_DIR/bench-cache), BENCH_LRS_SEED (1).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=$build/carecampus
seconds=${BENCH_MASTERY_SECONDS:-10}
clients=${BENCH_MASTERY_CLIENTS:-4}
ingest=${BENCH_MASTERY_INGEST:-200000}
do_1m=${BENCH_MASTERY_1M:-1}
do_cold=${BENCH_MASTERY_COLD:-1}
n=${BENCH_MASTERY_N:-1000000}
cache=${BENCH_LRS_CACHE-$build/bench-cache}
seed=${BENCH_LRS_SEED:-1}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no release binary at $bin (run make build)"
command -v node >/dev/null || die "node not found"
command -v curl >/dev/null || die "curl not found"
cmake --build "$build" --target bench_lrs_gen bench_lrs_fill bench_mastery \
  >"${TMPDIR:-/tmp}/carecampus-bench-mastery-build.$$.log" 2>&1 \
  || { cat "${TMPDIR:-/tmp}/carecampus-bench-mastery-build.$$.log" >&2; die "cannot build the bench programs"; }
rm -f "${TMPDIR:-/tmp}/carecampus-bench-mastery-build.$$.log"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carecampus-bench-mastery.XXXXXX")
cc_pid=""
stop_server() {
  local pid=$cc_pid
  cc_pid=""
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_server
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# A data directory with one institution, an LRS client (sets $key, $secret) and an admin
# (bench.admin) whose session reads /api/mastery/status.
new_college() { # dir
  "$bin" init --data "$1" --name-en "Bench College" --name-zh "基准学院" --country CN --json \
    >"$tmp/init.log" 2>&1 || die "carecampus init failed: $(cat "$tmp/init.log")"
  local cred
  cred=$("$bin" xapi client add --data "$1" --institution 1 --name bench --scope all --json \
    2>>"$tmp/init.log") || die "carecampus xapi client add failed: $(cat "$tmp/init.log")"
  key=$(node -e 'console.log(JSON.parse(process.argv[1]).key)' "$cred")
  secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$cred")
  echo "bench-password-1" | "$bin" user add --data "$1" --institution 1 --role admin \
    --login bench.admin --password-stdin >>"$tmp/init.log" 2>&1 || die "cannot add the admin"
}

start_server() { # dir
  local port
  port=$(free_port)
  "$bin" serve --data "$1" --listen "127.0.0.1:$port" >"$tmp/carecampus.log" 2>&1 &
  cc_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    curl -fs -o /dev/null "$url/xapi/about" && break
    kill -0 "$cc_pid" 2>/dev/null || die "carecampus exited early: $(cat "$tmp/carecampus.log")"
    sleep 0.1
  done
  curl -fs -o /dev/null "$url/xapi/about" || die "carecampus did not answer: $(cat "$tmp/carecampus.log")"
  curl -fs -c "$tmp/jar" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"login\":\"$admin_login\",\"password\":\"bench-password-1\"}" "$url/api/session" || die "cannot log in"
}

status() { curl -fs -b "$tmp/jar" "$url/api/mastery/status"; }
admin_login=bench.admin

version=$("$bin" version 2>/dev/null | head -n 1)
case $version in carecampus*) ;; *) version="carecampus $version" ;; esac
echo "$version, SQLite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?'), $(nproc) CPUs, node $(node --version)"

# --- 1. streaming -------------------------------------------------------------------------
"$build/bench_lrs_gen" batches "$seed" 0 "$ingest" 100 "$tmp/batches.jsonl" "$tmp/batches.idx" \
  || die "cannot generate the statements"
bytes=$(wc -c <"$tmp/batches.jsonl")

# Streams the load at the server of DIR (already set up: $key, $secret, an admin) and measures the
# worker; writes NAME.json (the load), NAME.end.json (status when the load ended), NAME.times,
# NAME.worker and NAME.count.
measure_stream() { # dir name batches
  local dir=$1 name=$2 batches=$3 t0 t1 t2 worker
  start_server "$dir"
  status >/dev/null || die "GET /api/mastery/status failed"
  t0=$(date +%s.%N)
  node "$root/bench/lrs_load.mjs" ingest "$url" "$key:$secret" "$batches" "$clients" "$seconds" \
    >"$tmp/$name.json" || die "the ingest load failed"
  status >"$tmp/$name.end.json" || die "GET /api/mastery/status failed"
  # Then until the worker has read everything, and published what it found.
  for _ in $(seq 1 1800); do
    status >"$tmp/now.json"
    node -e 'const s=require(process.argv[1]);process.exit(s.seq>=s.latest&&!s.stale?0:1)' "$tmp/now.json" && break
    sleep 0.1
  done
  t1=$(date +%s.%N)
  for _ in $(seq 1 1800); do
    status >"$tmp/now.json"
    node -e 'const s=require(process.argv[1]);process.exit(s.pending===0?0:1)' "$tmp/now.json" && break
    sleep 0.1
  done
  t2=$(date +%s.%N)
  echo "$t0 $t1 $t2" >"$tmp/$name.times"
  stop_server
  worker=$(sed -n 's/.*mastery worker stopped after \([0-9]*\) statements (busy \([0-9]*\) ms).*/\1 \2/p' \
    "$tmp/carecampus.log" | tail -n 1)
  [ -n "$worker" ] || die "the server did not report its mastery worker: $(tail -5 "$tmp/carecampus.log")"
  echo "$worker" >"$tmp/$name.worker"
  "$build/bench_mastery" count "$dir/carecampus.db" 1 >"$tmp/$name.count"
}

# The table of a streaming measurement: NAME against the idle ingest of IDLE (may be "-").
report_stream() { # name idle
  node - "$tmp" "$1" "$2" <<'EOF2'
const fs = require('fs');
const [tmp, name, idleName] = process.argv.slice(2);
const read = (f) => JSON.parse(fs.readFileSync(`${tmp}/${f}`, 'utf8'));
const live = read(`${name}.json`), end = read(`${name}.end.json`);
const idle = idleName === '-' ? null : read(`${idleName}.json`);
const [t0, t1, t2] = fs.readFileSync(`${tmp}/${name}.times`, 'utf8').trim().split(/\s+/).map(Number);
const [wStatements, wBusyMs] = fs.readFileSync(`${tmp}/${name}.worker`, 'utf8').trim().split(/\s+/).map(Number);
const [levels, evidence, changes] = fs.readFileSync(`${tmp}/${name}.count`, 'utf8').trim().split(/\s+/).map(Number);
const ingestRate = live.statements / live.seconds;
// What the worker had read of the statements stored by the end of the load: its rate over the load.
const lag = Math.max(0, end.latest - end.seq);
const masteryRate = (live.statements - lag) / live.seconds;
const ratio = ingestRate ? masteryRate / ingestRate : 0;
const target = 1 - 1 / live.seconds;
const capacity = wBusyMs ? wStatements / (wBusyMs / 1000) : 0;
const line = (...c) => console.log(c[0].padEnd(48) + ' ' + c.slice(1, 5).map((x, i) => String(x).padStart([12, 12, 7, 8][i])).join(' ') + '  ' + c[5]);
console.log('');
line('what', 'statements/s', 'ingest st/s', 'ratio', 'target', 'result');
line('-'.repeat(48), '-'.repeat(12), '-'.repeat(12), '-'.repeat(7), '-'.repeat(8), '------');
const errors = live.errors + (idle ? idle.errors : 0);
line('mastery updates while statements stream in', masteryRate.toFixed(0), ingestRate.toFixed(0), ratio.toFixed(2), `>= ${target.toFixed(2)}`,
  (ratio >= target && !errors ? 'PASS' : 'MISS') + (errors ? ` (${errors} failed requests)` : ''));
line('worker capacity (per second of its busy time)', capacity.toFixed(0), ingestRate.toFixed(0), (capacity / ingestRate).toFixed(2), '', 'headroom');
if (idle) {
  const idleRate = idle.statements / idle.seconds;
  line('LRS ingest with mastery / with nothing to count', ingestRate.toFixed(0), idleRate.toFixed(0), (ingestRate / idleRate).toFixed(2), '', 'cost to the LRS');
}
console.log(`\nwhen the load ended: ${lag} statements not yet read (${(lag / ingestRate * 1000).toFixed(0)} ms of ingest);` +
  ` all read ${Math.max(0, t1 - t0 - live.seconds).toFixed(1)} s after the load, all published ${(t2 - t1).toFixed(1)} s later.`);
console.log(`worker: ${wStatements} statements in ${(wBusyMs / 1000).toFixed(1)} s busy (reading, parsing, applying, publishing);` +
  ` state: ${levels} (learner, item) levels, ${evidence} evidence rows; ${changes} attainments published or queued.`);
if (errors) console.log(`first failure: ${(live.firstError || (idle && idle.firstError) || '').slice(0, 200)}`);
EOF2
}

if [ "$do_cold" != 0 ]; then
  # The same load without a framework first: the worker has nothing to count.
  new_college "$tmp/idle"
  start_server "$tmp/idle"
  node "$root/bench/lrs_load.mjs" ingest "$url" "$key:$secret" "$tmp/batches.jsonl" "$clients" "$seconds" \
    >"$tmp/idle.json" || die "the ingest load failed"
  stop_server

  new_college "$tmp/live"
  "$build/bench_mastery" setup "$tmp/live/carecampus.db" 1 || die "cannot add the framework"
  measure_stream "$tmp/live" live "$tmp/batches.jsonl"

  echo
  echo "1. streaming into a new college: POST /xapi/statements, 100 statements a request" \
    "(avg $((bytes / ingest)) bytes each), $clients clients, ${seconds}s; every statement evidence" \
    "(a skill, its course and programme, half a crosswalk)"
  report_stream live idle
else
  echo
  echo "1. streaming into a new college: skipped (BENCH_MASTERY_COLD=0)"
fi

# --- 2. rebuild of BENCH_MASTERY_N statements ----------------------------------------------
if [ "$do_1m" = 0 ]; then
  echo
  echo "2. rebuild: skipped (BENCH_MASTERY_1M=0)"
  exit 0
fi
cached=""
case $cache in ""|0) ;; *) cached=$(ls -t "$cache"/lrs-"$n"-*.db 2>/dev/null | head -n 1 || true) ;; esac
mkdir -p "$tmp/r"
if [ -n "$cached" ] && [ -s "$cached" ]; then
  cp "$cached" "$tmp/r/carecampus.db"
  loaded="from $cached"
else
  new_college "$tmp/r"
  echo "(loading $n statements for part 2: minutes; kept in ${cache:-no cache} for bench/lrs.sh and the next run)" >&2
  read -r fill_n fill_s < <("$build/bench_lrs_fill" "$tmp/r/carecampus.db" "$key" "$seed" "$n" 500 \
    2>"$tmp/fill.log") || die "bench_lrs_fill failed: $(cat "$tmp/fill.log")"
  loaded="loaded in $(printf '%.0f' "$fill_s") s"
  case $cache in ""|0) ;; *)
    # Named as bench/lrs.sh names it, so that script finds it too.
    fp=$( { echo "$n $seed"; pkg-config --modversion sqlite3 2>/dev/null || true
      cat "$root"/schema/*.sql "$root"/src/store/*.[ch] "$root"/src/xapi/*.[ch] "$root"/src/util/json.[ch] \
        "$root"/bench/lrs_data.[ch] "$root"/bench/lrs_fill.c; } | sha256sum | cut -c1-16)
    mkdir -p "$cache"
    cp "$tmp/r/carecampus.db" "$cache/lrs-$n-$fp.db.part" && mv "$cache/lrs-$n-$fp.db.part" "$cache/lrs-$n-$fp.db" ;;
  esac
fi
"$build/bench_mastery" setup "$tmp/r/carecampus.db" 1 || die "cannot add the framework"
db_mib=$(( $(stat -c %s "$tmp/r/carecampus.db") / 1048576 ))
read -r scan_n scan_s < <("$build/bench_mastery" scan "$tmp/r/carecampus.db" 1) || die "the scan failed"
read -r parse_n parse_s < <("$build/bench_mastery" scan "$tmp/r/carecampus.db" 1 parse) || die "the parse failed"
"$bin" mastery rebuild --data "$tmp/r" --institution 1 --batch 100000 --no-publish --json >"$tmp/rebuild.json" \
  2>"$tmp/rebuild.log" || die "mastery rebuild failed: $(cat "$tmp/rebuild.log")"
read -r levels evidence changes < <("$build/bench_mastery" count "$tmp/r/carecampus.db" 1)

echo
echo "2. rebuild: $scan_n statements ($loaded; database $db_mib MiB), framework as in part 1"
node - "$tmp/rebuild.json" "$scan_n" "$scan_s" "$parse_s" "$levels" "$evidence" "$changes" <<'EOF'
const fs = require('fs');
const [file, n, scanS, parseS, levels, evidence, changes] = process.argv.slice(2);
const r = JSON.parse(fs.readFileSync(file, 'utf8'))[0];
const line = (...c) => console.log(c[0].padEnd(44) + ' ' + c.slice(1, 4).map((x, i) => String(x).padStart([10, 14, 9][i])).join(' '));
console.log('');
line('what', 'seconds', 'statements/s', 'x floor');
line('-'.repeat(44), '-'.repeat(10), '-'.repeat(14), '-'.repeat(9));
const row = (what, s) => line(what, Number(s).toFixed(1), (Number(n) / Number(s)).toFixed(0), (Number(s) / Number(scanS)).toFixed(1));
row('floor: SELECT every statement in store order', scanS);
row('the same, each parsed with jansson', parseS);
row('carecampus mastery rebuild (whole state)', r.rebuild_seconds);
console.log(`\nrebuild: ${r.statements} statements read, ${evidence} evidence rows, ${levels} (learner, item) levels,` +
  ` ${changes} attainments queued for publication (--no-publish: the server publishes them).`);
EOF

# --- 3. streaming into the rebuilt college ---------------------------------------------------
"$build/bench_lrs_gen" batches "$seed" "$n" "$ingest" 100 "$tmp/more.jsonl" "$tmp/more.idx" \
  || die "cannot generate the statements"
sqlite3 "$tmp/r/carecampus.db" "DELETE FROM mastery_outbox;" || die "cannot clear the outbox"
cred=$("$bin" xapi client add --data "$tmp/r" --institution 1 --name bench3 --scope all --json \
  2>>"$tmp/init.log") || die "carecampus xapi client add failed"
key=$(node -e 'console.log(JSON.parse(process.argv[1]).key)' "$cred")
secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$cred")
echo "bench-password-1" | "$bin" user add --data "$tmp/r" --institution 1 --role admin \
  --login bench.admin3 --password-stdin >>"$tmp/init.log" 2>&1 || die "cannot add the admin"
admin_login=bench.admin3
measure_stream "$tmp/r" steady "$tmp/more.jsonl"
echo
echo "3. streaming into the college of part 2 (its $scan_n statements of history), as part 1"
report_stream steady -
exit 0
