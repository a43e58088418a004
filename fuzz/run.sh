#!/bin/sh
# Runs every libFuzzer target of fuzz/ for a while; builds nothing.
#
#   fuzz/run.sh BUILD_DIR [SECONDS_PER_TARGET]
#
# BUILD_DIR is a build configured with -DCC_FUZZ=ON (and clang), e.g.
#   CC=clang cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DCC_FUZZ=ON -DCC_SANITIZE=ON
#   cmake --build build/fuzz -j2 && fuzz/run.sh build/fuzz 60
#
# Each target runs on a copy of its seed corpus (fuzz/corpus/<target>/) in a
# temporary directory, so nothing is written into the repository. Exits
# non-zero when any target finds a crash, a leak or a hang; the temporary
# directory holding the failing inputs is then kept and printed.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 BUILD_DIR [SECONDS_PER_TARGET]" >&2
    exit 2
fi
build=$(cd "$1" 2>/dev/null && pwd) || { echo "$0: no such directory: $1" >&2; exit 2; }
seconds=${2:-20}
case $seconds in
'' | *[!0-9]*) echo "$0: seconds must be a whole number: $seconds" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)

work=$(mktemp -d "${TMPDIR:-/tmp}/cc_fuzz.XXXXXX") || exit 2
failed=""
ran=0
for src in "$here"/fuzz_*.c; do
    name=$(basename "$src" .c)
    bin="$build/$name"
    if [ ! -x "$bin" ]; then
        echo "$0: $bin is missing; build with -DCC_FUZZ=ON" >&2
        failed="$failed $name(missing)"
        continue
    fi
    dir="$work/$name"
    mkdir -p "$dir/corpus" "$dir/artifacts"
    if [ -d "$here/corpus/$name" ]; then
        cp -R "$here/corpus/$name/." "$dir/corpus/"
    fi
    echo "== $name: ${seconds}s"
    # Run from the temporary directory: libFuzzer writes crash files and logs where it runs.
    if (cd "$dir" && "$bin" -max_total_time="$seconds" -print_final_stats=0 -timeout=25 \
        -artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1); then
        tail -n 1 "$dir/log"
    else
        echo "!! $name failed; log: $dir/log; inputs: $dir/artifacts/" >&2
        tail -n 30 "$dir/log" >&2
        failed="$failed $name"
    fi
    ran=$((ran + 1))
done

if [ "$ran" -eq 0 ]; then
    echo "$0: no fuzz targets found in $here" >&2
    rm -rf "$work"
    exit 2
fi
if [ -n "$failed" ]; then
    echo "FAILED:$failed (kept $work)" >&2
    exit 1
fi
rm -rf "$work"
echo "all $ran fuzz targets ran ${seconds}s each without a finding"
