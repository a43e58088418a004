#!/usr/bin/env bash
# Credentials issued and verified per second (canonicalisation + signature)
# against bare Ed25519 sign/verify in the same run (called by `make bench`).
# Builds bench/credential.c (bench_credential, not part of `all`) in
# BUILD_DIR and runs it. A measurement, not a test: exits 0 whatever the
# figures (1 only when it cannot measure).
#
# Usage: bench/credential.sh [BUILD_DIR]   (default build)
# Environment: BENCH_CREDENTIAL_SECONDS (2 per measurement), BENCH_CREDENTIAL_ROUNDS (3).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cmake --build "$build" --target bench_credential -j2 >/dev/null
echo "== credentials: issue and verify vs bare Ed25519 =="
"$build/bench_credential" "${BENCH_CREDENTIAL_SECONDS:-2}" "${BENCH_CREDENTIAL_ROUNDS:-3}"
