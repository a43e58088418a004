#!/usr/bin/env bash
# HTTP throughput of carecampus against nginx serving the same bytes, measured
# in one run on this machine with wrk (called by `make bench`).
#
#   GET /api/health                    target: >= 1.00 x nginx
#   GET /api/classes (authenticated)   target: >= 0.50 x nginx
#
# nginx serves the two response bodies, fetched from carecampus first, as
# static files with the same Content-Type and security headers. Both servers
# listen on 127.0.0.1 only and are stopped, and their files removed, on exit.
# A measurement, not a test: exits 0 whether or not the targets are met
# (1 only when it cannot measure).
#
# Usage: bench/run.sh [BINARY]   (default $CARECAMPUS_BIN, else build/carecampus)
# Environment: BENCH_THREADS (wrk -t, 2),
# BENCH_CONNECTIONS (wrk -c, 64), BENCH_DURATION (wrk -d, 4s), BENCH_WARMUP (1s),
# BENCH_ROUNDS (3: the servers are measured in turn, round after round, and the
# median of each is reported, so a burst of load elsewhere hits both alike),
# NGINX (/usr/sbin/nginx), WRK (/usr/bin/wrk).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-${CARECAMPUS_BIN:-$root/build/carecampus}}
case $bin in /*) ;; *) bin=$PWD/$bin ;; esac
nginx=${NGINX:-/usr/sbin/nginx}
wrk=${WRK:-/usr/bin/wrk}
threads=${BENCH_THREADS:-2}
conns=${BENCH_CONNECTIONS:-64}
duration=${BENCH_DURATION:-4s}
rounds=${BENCH_ROUNDS:-3}
warmup=${BENCH_WARMUP:-1s}

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$bin" ] || die "no release binary at $bin (run make build)"
[ -x "$nginx" ] || die "nginx not found at $nginx (apt-get install nginx-light)"
[ -x "$wrk" ] || die "wrk not found at $wrk (apt-get install wrk)"
command -v curl >/dev/null || die "curl not found"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/carecampus-bench.XXXXXX")
cc_pid=""
ngx_pid=""
cleanup() {
  local pid
  for pid in $cc_pid $ngx_pid; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in $cc_pid $ngx_pid; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
  else
    node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  fi
}

wait_http() { # url pid name
  for _ in $(seq 1 150); do
    curl -fs -o /dev/null "$1" && return 0
    kill -0 "$2" 2>/dev/null || die "$3 exited early: $(cat "$tmp/$3.log" 2>/dev/null)"
    sleep 0.1
  done
  die "$3 did not answer $1: $(cat "$tmp/$3.log" 2>/dev/null)"
}

# --- carecampus with the demo college -----------------------------------------------------
"$bin" demo --data "$tmp/data" >"$tmp/demo.log" 2>&1 || die "carecampus demo failed: $(cat "$tmp/demo.log")"
cc_port=$(free_port)
"$bin" serve --data "$tmp/data" --listen "127.0.0.1:$cc_port" >"$tmp/carecampus.log" 2>&1 &
cc_pid=$!
cc="http://127.0.0.1:$cc_port"
wait_http "$cc/api/health" "$cc_pid" carecampus

curl -fs -D "$tmp/login.headers" -o "$tmp/login.json" -H 'Content-Type: application/json' \
  -d '{"login":"chen.jing","password":"carecampus"}' "$cc/api/session" \
  || die "login as chen.jing failed: $(cat "$tmp/login.json" 2>/dev/null)"
cookie=$(sed -n 's/^[Ss]et-[Cc]ookie: *\(cc_session=[^;]*\).*/\1/p' "$tmp/login.headers" | tr -d '\r' | head -n 1)
[ -n "$cookie" ] || die "no cc_session cookie in the login response"

# --- nginx serving the same bytes ---------------------------------------------------------
ngx="$tmp/nginx"
mkdir -p "$ngx/root/api" "$ngx/tmp" "$ngx/logs"
curl -fs -D "$tmp/health.headers" -o "$ngx/root/api/health" "$cc/api/health" || die "GET /api/health failed"
curl -fs -D "$tmp/classes.headers" -o "$ngx/root/api/classes" -H "Cookie: $cookie" "$cc/api/classes" \
  || die "GET /api/classes failed"
header() { sed -n "s/^$2: *//Ip" "$1" | tr -d '\r' | head -n 1; }
ctype=$(header "$tmp/classes.headers" content-type)
[ -n "$ctype" ] || ctype="application/json"

# The same security headers carecampus sends, so both answers are the same size and shape.
add_headers=""
for h in Content-Security-Policy X-Content-Type-Options X-Frame-Options Referrer-Policy Cache-Control; do
  v=$(header "$tmp/classes.headers" "$h")
  [ -n "$v" ] && add_headers+="      add_header $h \"${v//\"/\\\"}\" always;"$'\n'
done

ngx_port=$(free_port)
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat >"$ngx/nginx.conf" <<EOF
$user_line
worker_processes 2;
daemon off;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
events { worker_connections 4096; }
http {
  # Both servers write one access-log line per request, buffered and flushed
  # every 250 ms (carecampus: util/log.c), so neither is measured without its log.
  access_log $ngx/logs/access.log combined buffer=64k flush=250ms;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  etag off;
  server_tokens off;
  client_body_temp_path $ngx/tmp/body;
  proxy_temp_path $ngx/tmp/proxy;
  fastcgi_temp_path $ngx/tmp/fastcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi;
  scgi_temp_path $ngx/tmp/scgi;
  types { }
  default_type "$ctype";
  server {
    listen 127.0.0.1:$ngx_port;
    root $ngx/root;
    location / {
$add_headers    }
  }
}
EOF
"$nginx" -p "$ngx/" -c "$ngx/nginx.conf" -e "$ngx/logs/error.log" >"$tmp/nginx.log" 2>&1 &
ngx_pid=$!
ngxu="http://127.0.0.1:$ngx_port"
wait_http "$ngxu/api/health" "$ngx_pid" nginx

cmp -s <(curl -fs "$ngxu/api/classes") "$ngx/root/api/classes" || die "nginx does not serve the same bytes"
if [ -n "${BENCH_VERBOSE:-}" ]; then
  echo "--- carecampus GET /api/classes headers"; cat "$tmp/classes.headers"
  echo "--- nginx GET /api/classes headers"; curl -fs -D - -o /dev/null "$ngxu/api/classes"
fi

# --- measure ------------------------------------------------------------------------------
# Prints requests/s; a run with errors or non-2xx answers is reported as such.
measure() { # url [header]
  local url=$1 out rps bad
  local args=(-t"$threads" -c"$conns")
  [ $# -gt 1 ] && args+=(-H "$2")
  "$wrk" "${args[@]}" -d"$warmup" "$url" >/dev/null 2>&1 || true
  out=$("$wrk" "${args[@]}" -d"$duration" "$url" 2>&1) || { echo "wrk failed: $out" >&2; echo 0; return; }
  echo "$out" >>"$tmp/wrk.log"
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")
  if [ -n "$bad" ] && [ "$bad" != 0 ]; then
    echo "bench: $url: $bad non-2xx responses" >&2
    echo "${rps:-0}!"
    return
  fi
  if grep -q 'Socket errors:' <<<"$out"; then
    echo "bench: $url: $(grep 'Socket errors:' <<<"$out" | sed 's/^ *//')" >&2
  fi
  echo "${rps:-0}"
}

version=$("$bin" version 2>/dev/null | head -n 1)
case $version in carecampus*) ;; *) version="carecampus $version" ;; esac
echo "$version vs $("$nginx" -v 2>&1 | sed 's/^nginx version: //')," \
  "wrk -t$threads -c$conns -d$duration (warm-up $warmup), median of $rounds rounds, $(nproc) CPUs"

median() { # values...
  printf '%s\n' "$@" | sort -n | awk '{v[NR]=$0} END {print v[int((NR+1)/2)]}'
}
ch=() nh=() cc_c=() nc=()
for _ in $(seq 1 "$rounds"); do
  ch+=("$(measure "$cc/api/health")")
  nh+=("$(measure "$ngxu/api/health")")
  cc_c+=("$(measure "$cc/api/classes" "Cookie: $cookie")")
  nc+=("$(measure "$ngxu/api/classes" "Cookie: $cookie")")
done
cc_health=$(median "${ch[@]}")
ngx_health=$(median "${nh[@]}")
cc_classes=$(median "${cc_c[@]}")
ngx_classes=$(median "${nc[@]}")

row() { # name cc ngx target
  awk -v name="$1" -v cc="$2" -v ngx="$3" -v target="$4" 'BEGIN {
    bad = (cc ~ /!$/) || (ngx ~ /!$/); sub(/!$/, "", cc); sub(/!$/, "", ngx)
    ratio = (ngx > 0) ? cc / ngx : 0
    verdict = (!bad && ratio >= target) ? "PASS" : "MISS"
    if (bad) verdict = verdict " (non-2xx answers)"
    printf "%-34s %14.0f %14.0f %7.2f %8s  %s\n", name, cc, ngx, ratio, sprintf(">= %.2f", target), verdict
  }'
}

printf '\n%-34s %14s %14s %7s %8s  %s\n' endpoint "carecampus r/s" "nginx r/s" ratio target result
printf '%-34s %14s %14s %7s %8s  %s\n' "----------------------------------" "--------------" "--------------" "-------" "--------" "------"
row "GET /api/health" "$cc_health" "$ngx_health" 1.00
row "GET /api/classes (chen.jing)" "$cc_classes" "$ngx_classes" 0.50
echo
echo "response bytes: health $(wc -c <"$ngx/root/api/health"), classes $(wc -c <"$ngx/root/api/classes")"
exit 0
