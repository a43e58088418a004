#!/usr/bin/env bash
# The learning record store against raw SQLite on the same machine, in one run
# (called by `make bench`).
#
# 1. Ingest: 4 clients POST /xapi/statements, 100 statements a request
#    (realistic 1.9 KB statements: 200 learners, 10 verbs, 500 activities,
#    full context and result; bench/lrs_data.c), each commit durable, for
#    BENCH_LRS_SECONDS. Reference: bench/sqlite_ceiling.c storing the same
#    texts and the same index rows with the LRS's SQL, schema and connection
#    settings (WAL, synchronous=FULL, one transaction per 100, 4 threads with
#    their own connections), without HTTP, JSON parsing or validation; the two
#    in turn, BENCH_LRS_ROUNDS times, the median of each reported, and the
#    server's memory after the load.
#        statements/s                       target: >= 0.60 x SQLite
# 2. Queries on BENCH_LRS_N statements (default 1,000,000; one in 1,000 a
#    voiding statement), loaded by bench/lrs_fill.c through
#    xapi_statements_store() (the code path of POST /xapi/statements without
#    HTTP: through HTTP it takes longer than the whole benchmark may) and kept
#    for the next run (BENCH_LRS_CACHE). A fresh server; one client,
#    keep-alive, one request at a time, limit=25: by agent, by verb+activity,
#    by registration, by course with related_activities, and 400 pages (10,000
#    statements) of a verb through `more` links; p50 and p99 of each.
#        p99 per 25-statement page           target: < 10 ms
#    Reference: the same pages straight from the database file
#    (bench/sqlite_query.c calling xapi_statements_query(), the server's own
#    query, without HTTP); the ratios are carecampus / SQLite. The server's
#    memory under the load.
#
# Both parts listen on 127.0.0.1 only; their files are removed on exit (the
# cached database aside). A measurement, not a test: exits 0 whether or not
# the targets are met (1 only when it cannot measure).
#
# Usage: bench/lrs.sh [BUILD_DIR]   (default build; its carecampus, and the
# bench_* programs this script builds there)
# Environment: BENCH_LRS_SECONDS (10), BENCH_LRS_CLIENTS (4), BENCH_LRS_ROUNDS (3),
# BENCH_LRS_INGEST (200000 statements generated for part 1, each sent once),
# BENCH_LRS_1M (1; 0 skips part 2), BENCH_LRS_N (1000000), BENCH_LRS_QUERIES
# (300 of each kind), BENCH_LRS_PAGES (400), BENCH_LRS_QUERY_SECONDS (15: a
# kind stops early after this long), BENCH_LRS_SEED (1), BENCH_LRS_CACHE
# (BUILD_DIR/bench-cache: where the loaded database of part 2 is kept for the
# next run, about 5.5 GB for 1M; empty or 0 loads it every time),
# BENCH_VERBOSE (the query plans).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$PWD/$build ;; esac
bin=$build/carecampus
seconds=${BENCH_LRS_SECONDS:-10}
clients=${BENCH_LRS_CLIENTS:-4}
rounds=${BENCH_LRS_ROUNDS:-3}
ingest=${BENCH_LRS_INGEST:-200000}
do_1m=${BENCH_LRS_1M:-1}
n=${BENCH_LRS_N:-1000000}
queries=${BENCH_LRS_QUERIES:-300}
pages=${BENCH_LRS_PAGES:-400}
query_seconds=${BENCH_LRS_QUERY_SECONDS:-15}
cache=${BENCH_LRS_CACHE-$build/bench-cache}
seed=${BENCH_LRS_SEED:-1}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no release binary at $bin (run make build)"
command -v node >/dev/null || die "node not found"
command -v curl >/dev/null || die "curl not found"
cmake --build "$build" --target bench_lrs_gen bench_sqlite_ceiling bench_sqlite_query bench_lrs_fill \
  >"${TMPDIR:-/tmp}/carecampus-bench-lrs-build.$$.log" 2>&1 \
  || { cat "${TMPDIR:-/tmp}/carecampus-bench-lrs-build.$$.log" >&2; die "cannot build the bench programs"; }
rm -f "${TMPDIR:-/tmp}/carecampus-bench-lrs-build.$$.log"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carecampus-bench-lrs.XXXXXX")
cc_pid=""
stop_server() {
  local pid=$cc_pid
  cc_pid=""
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
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

# A data directory with one institution and an LRS client of every scope; sets $key and $secret.
new_lrs() { # dir
  "$bin" init --data "$1" --name-en "Bench College" --name-zh "基准学院" --country CN --json \
    >"$tmp/init.log" 2>&1 || die "carecampus init failed: $(cat "$tmp/init.log")"
  add_client "$1"
}

# A new LRS client of every scope of the first institution of dir; sets $key and $secret.
add_client() { # dir
  local cred
  cred=$("$bin" xapi client add --data "$1" --institution 1 --name bench --scope all --json \
    2>>"$tmp/init.log") || die "carecampus xapi client add failed: $(cat "$tmp/init.log")"
  key=$(node -e 'console.log(JSON.parse(process.argv[1]).key)' "$cred")
  secret=$(node -e 'console.log(JSON.parse(process.argv[1]).secret)' "$cred")
}

start_server() { # dir
  local port
  port=$(free_port)
  "$bin" serve --data "$1" --listen "127.0.0.1:$port" >"$tmp/carecampus.log" 2>&1 &
  cc_pid=$!
  url="http://127.0.0.1:$port"
  for _ in $(seq 1 150); do
    curl -fs -o /dev/null "$url/xapi/about" && return 0
    kill -0 "$cc_pid" 2>/dev/null || die "carecampus exited early: $(cat "$tmp/carecampus.log")"
    sleep 0.1
  done
  die "carecampus did not answer $url/xapi/about: $(cat "$tmp/carecampus.log")"
}

memory() { # pid → "VmRSS VmHWM" in MiB
  awk '/^VmRSS:/ {r = $2} /^VmHWM:/ {h = $2} END {printf "%.0f %.0f\n", r / 1024, h / 1024}' \
    "/proc/$1/status"
}

version=$("$bin" version 2>/dev/null | head -n 1)
case $version in carecampus*) ;; *) version="carecampus $version" ;; esac
echo "$version vs SQLite $(pkg-config --modversion sqlite3 2>/dev/null || echo '?')," \
  "$(nproc) CPUs, node $(node --version)"

# --- 1. ingest ------------------------------------------------------------------------------
"$build/bench_lrs_gen" batches "$seed" 0 "$ingest" 100 "$tmp/batches.jsonl" "$tmp/batches.idx" \
  || die "cannot generate the statements"
bytes=$(wc -c <"$tmp/batches.jsonl")
# SQLite and the server in turn, round after round, each on a fresh database; the median
# round of each is reported, so a burst of load elsewhere hits both alike.
for round in $(seq 1 "$rounds"); do
  new_lrs "$tmp/ingest"
  "$build/bench_sqlite_ceiling" "$tmp/ceiling.db" "$root/schema" "$tmp/batches.jsonl" "$tmp/batches.idx" \
    "$clients" "$seconds" "$key" >"$tmp/ceiling.$round" || die "bench_sqlite_ceiling failed"
  rm -f "$tmp"/ceiling.db*
  start_server "$tmp/ingest"
  node "$root/bench/lrs_load.mjs" ingest "$url" "$key:$secret" "$tmp/batches.jsonl" "$clients" "$seconds" \
    >"$tmp/ingest.$round" || die "the ingest load failed"
  memory "$cc_pid" >"$tmp/memory.$round"
  stop_server
  rm -rf "$tmp/ingest"
done

echo
echo "1. ingest: POST /xapi/statements, 100 statements a request (avg $((bytes / ingest)) bytes each)," \
  "$clients clients, ${seconds}s, durable commits, median of $rounds rounds"
node - "$tmp" "$rounds" "$ingest" <<'EOF'
const fs = require('fs');
const [tmp, rounds, generated] = process.argv.slice(2);
const runs = [];
for (let i = 1; i <= Number(rounds); i++) {
  const r = JSON.parse(fs.readFileSync(`${tmp}/ingest.${i}`, 'utf8'));
  const [n, s] = fs.readFileSync(`${tmp}/ceiling.${i}`, 'utf8').trim().split(/\s+/).map(Number);
  const [rss, hwm] = fs.readFileSync(`${tmp}/memory.${i}`, 'utf8').trim().split(/\s+/);
  runs.push({ r, cc: r.statements / r.seconds, sq: n / s, n, rss, hwm });
}
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)];
const cc = median(runs.map((x) => x.cc)), sq = median(runs.map((x) => x.sq)), ratio = sq ? cc / sq : 0;
const errors = runs.reduce((a, x) => a + x.r.errors, 0);
const verdict = (!errors && ratio >= 0.6 ? 'PASS' : 'MISS') + (errors ? ` (${errors} failed requests)` : '');
const line = (...c) =>
  console.log(c[0].padEnd(30) + ' ' + c.slice(1, 5).map((x, i) => String(x).padStart([16, 14, 7, 8][i])).join(' ') + '  ' + c[5]);
console.log('');
line('what', 'carecampus st/s', 'SQLite st/s', 'ratio', 'target', 'result');
line('-'.repeat(30), '-'.repeat(16), '-'.repeat(14), '-'.repeat(7), '-'.repeat(8), '------');
line('store statements', cc.toFixed(0), sq.toFixed(0), ratio.toFixed(2), '>= 0.60', verdict);
console.log('\nrounds (carecampus / SQLite st/s): ' + runs.map((x) => `${x.cc.toFixed(0)} / ${x.sq.toFixed(0)}`).join(', '));
console.log(`server memory under the ingest load: VmRSS ${runs.map((x) => x.rss).join(' / ')} MiB,` +
  ` VmHWM ${runs.map((x) => x.hwm).join(' / ')} MiB (each round)`);
if (runs.some((x) => x.r.statements >= Number(generated) || x.n >= Number(generated)))
  console.log(`note: the ${generated} generated statements ran out: raise BENCH_LRS_INGEST`);
if (errors) console.log(`first failure: ${runs.find((x) => x.r.errors).r.firstError}`);
EOF

# --- 2. queries on BENCH_LRS_N statements ---------------------------------------------------
if [ "$do_1m" = 0 ]; then
  echo
  echo "2. queries: skipped (BENCH_LRS_1M=0)"
  exit 0
fi
# Loading takes minutes, so the loaded database is kept for the next run, under a name
# made of everything it depends on: a change to the store, the schema or the data reloads it.
fingerprint=$( { echo "$n $seed"; pkg-config --modversion sqlite3 2>/dev/null || true
  cat "$root"/schema/*.sql "$root"/src/store/*.[ch] "$root"/src/xapi/*.[ch] "$root"/src/util/json.[ch] \
    "$root"/bench/lrs_data.[ch] "$root"/bench/lrs_fill.c; } | sha256sum | cut -c1-16)
cached=""
case $cache in ""|0) ;; *) cached=$cache/lrs-$n-$fingerprint.db ;; esac
if [ -n "$cached" ] && [ -s "$cached" ]; then
  mkdir -p "$tmp/q"
  cp "$cached" "$tmp/q/carecampus.db"
  add_client "$tmp/q" # a client of the institution that holds the statements (scope all)
  loaded="from the cache, $cached"
else
  new_lrs "$tmp/q"
  echo "(loading $n statements for part 2: minutes; kept in ${cached:-no cache} for the next run)" >&2
  read -r fill_n fill_s < <("$build/bench_lrs_fill" "$tmp/q/carecampus.db" "$key" "$seed" "$n" 500 \
    2>"$tmp/fill.log") || die "bench_lrs_fill failed: $(cat "$tmp/fill.log")"
  loaded="loaded through xapi_statements_store in $(printf '%.0f' "$fill_s") s,"
  loaded+=" $(( $(printf '%.0f' "$fill_n") / $(printf '%.0f' "$fill_s") ))/s"
  if [ -n "$cached" ]; then
    mkdir -p "$cache"
    rm -f "$cache"/lrs-*
    cp "$tmp/q/carecampus.db" "$cached.part" && mv "$cached.part" "$cached"
  fi
fi
db_mib=$(( $(stat -c %s "$tmp/q/carecampus.db") / 1048576 ))
"$build/bench_lrs_gen" plan "$seed" "$n" "$queries" >"$tmp/plan.tsv"
start_server "$tmp/q"
node "$root/bench/lrs_load.mjs" queries "$url" "$key:$secret" "$tmp/plan.tsv" "$queries" "$pages" \
  "$query_seconds" >"$tmp/queries.json" || die "the query load failed"
read -r q_rss q_hwm < <(memory "$cc_pid")
stop_server
explain=()
[ -n "${BENCH_VERBOSE:-}" ] && explain=(env BENCH_EXPLAIN=1)
"${explain[@]}" "$build/bench_sqlite_query" "$tmp/q/carecampus.db" "$tmp/plan.tsv" "$queries" "$pages" \
  "$query_seconds" >"$tmp/sqlite.json" || die "bench_sqlite_query failed"

echo
echo "2. queries: $n statements ($loaded; database $db_mib MiB)," \
  "GET /xapi/statements limit=25, one at a time, keep-alive"
node - "$tmp/queries.json" "$tmp/sqlite.json" "$q_rss" "$q_hwm" "$queries" "$pages" <<'EOF'
const fs = require('fs');
const [httpF, sqlF, rss, hwm, count, pages] = process.argv.slice(2);
const h = JSON.parse(fs.readFileSync(httpF, 'utf8'));
const s = JSON.parse(fs.readFileSync(sqlF, 'utf8'));
const names = { agent: 'by agent', 'verb+activity': 'by verb + activity', registration: 'by registration',
  related: 'course, related_activities', pages: 'paging with more (per page)' };
const w = [5, 8, 8, 10, 10, 7, 7, 8];
const line = (...c) =>
  console.log(c[0].padEnd(28) + ' ' + c.slice(1, 9).map((v, i) => String(v).padStart(w[i])).join(' ') + '  ' + c[9]);
const ms = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const ratio = (a, b) => (b ? (a / b).toFixed(1) : '-');
console.log('');
line('query', 'n', 'p50 ms', 'p99 ms', 'SQLite p50', 'SQLite p99', 'p50 x', 'p99 x', 'target', 'result');
line('-'.repeat(28), ...w.map((n) => '-'.repeat(n)), '------');
let worst = 0;
for (const k of Object.keys(names)) {
  const r = h[k], q = s[k] || {};
  if (!r) continue;
  const bad = r.errors > 0;
  worst = Math.max(worst, r.p99);
  let verdict = !bad && r.p99 < 10 ? 'PASS' : 'MISS';
  if (bad) verdict += ` (${r.errors} failed: ${r.firstError.slice(0, 60)})`;
  line(names[k], r.n, ms(r.p50), ms(r.p99), ms(q.p50 || 0), ms(q.p99 || 0), ratio(r.p50, q.p50),
    ratio(r.p99, q.p99), '< 10 ms', verdict);
}
console.log('\nSQLite p50/p99: the same pages from the database file by xapi_statements_query(), the server\'s own' +
  '\nquery, without HTTP (bench/sqlite_query.c); p50 x, p99 x: carecampus / SQLite.' +
  `\nslowest p99: ${ms(worst)} ms, ${(worst / 10).toFixed(2)} of the 10 ms target`);
const short = Object.keys(names).filter((k) => h[k] && h[k].n < Number(k === 'pages' ? pages : count));
if (short.length) console.log(`stopped early (BENCH_LRS_QUERY_SECONDS): ${short.join(', ')}`);
console.log(`server memory under the query load: VmRSS ${rss} MiB, VmHWM ${hwm} MiB`);
EOF
exit 0
