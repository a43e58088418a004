#!/usr/bin/env bash
# Installs what CareCampus needs to build, run and test on Debian 12: Debian
# packages with apt, then the npm packages of package.json. Idempotent, and
# quick when everything is already present. Run as root (or with sudo).
set -euo pipefail

cd "$(dirname "$0")/.."

apt_packages=(
  build-essential cmake pkg-config clang clang-format libclang-rt-14-dev
  libmicrohttpd-dev libjansson-dev libsqlite3-dev sqlite3 libsodium-dev
  libcmocka-dev libssl-dev libcurl4-openssl-dev zlib1g-dev libqrencode-dev
  chromium fonts-noto-cjk
  nginx-light wrk
  python3 python3-numpy python3-scipy curl ca-certificates
)

missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

# Node.js may come from elsewhere with npm inside it; Debian's packages only when absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The npm packages (test tools) live in node_modules; package-lock.json pins them.
if [ -f package.json ]; then
  stamp=node_modules/.install-stamp
  if [ ! -f "$stamp" ] || [ package.json -nt "$stamp" ] || [ package-lock.json -nt "$stamp" ]; then
    echo "install-deps: installing npm packages"
    if [ -f package-lock.json ]; then
      npm ci --no-audit --no-fund --loglevel=error
    else
      npm install --no-audit --no-fund --loglevel=error
    fi
    touch "$stamp"
  fi
fi
