#!/usr/bin/env bash
# Runs every test suite of `make test` and ends with one summary line:
# "total: N passed, N failed". Exits non-zero when anything failed.
#
#   format   clang-format check of every C file
#   unit     cmocka tests under CTest, built with -Werror and ASan+UBSan
#   fuzz     each libFuzzer target for a short while (FUZZ_SECONDS, default 15)
#   e2e      node:test suites against the real (sanitizer-built) server
#   browser  Playwright suites in Debian's chromium
set -uo pipefail
cd "$(dirname "$0")/.."

JOBS=$(nproc 2>/dev/null || echo 2)
ASAN_BUILD=${ASAN_BUILD:-build/asan}
FUZZ_BUILD=${FUZZ_BUILD:-build/fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-15}
LOGS=build/test-logs
mkdir -p "$LOGS"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

passed=0
failed=0
failed_suites=()

count() { # suite-name passed failed
  passed=$((passed + $2))
  failed=$((failed + $3))
  if [ "$3" -gt 0 ]; then failed_suites+=("$1"); fi
  printf '%-8s %s passed, %s failed\n' "$1:" "$2" "$3"
}

# Counts from node's test runner output ("# pass N" / "# fail N").
node_counts() { # log
  local p f
  p=$(grep -E '^# pass ' "$1" | tail -1 | awk '{print $3}')
  f=$(grep -E '^# fail ' "$1" | tail -1 | awk '{print $3}')
  echo "${p:-0} ${f:-1}"
}

echo "== format"
bad=$(git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror 2>&1 | grep -c 'error:' || true)
if [ "$bad" -eq 0 ]; then count format 1 0; else
  git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror 2>&1 | grep 'error:' | head -20
  echo "run 'make format'"; count format 0 1; fi

echo "== build (-Werror, ASan+UBSan)"
if ! { cmake -S . -B "$ASAN_BUILD" -DCMAKE_BUILD_TYPE=Debug -DCC_SANITIZE=ON -DCC_WERROR=ON >/dev/null &&
       cmake --build "$ASAN_BUILD" -j"$JOBS"; } >"$LOGS/build.log" 2>&1; then
  tail -40 "$LOGS/build.log"
  count build 0 1
  echo "total: $passed passed, $failed failed"
  exit 1
fi
count build 1 0

echo "== unit"
(cd "$ASAN_BUILD" && ctest -V -j"$JOBS") >"$LOGS/unit.log" 2>&1
tail -3 "$LOGS/unit.log"
# Counts cmocka's test cases; a program that died before its summary counts as one failure.
p=$(grep -oE '\[  PASSED  \] [0-9]+ test' "$LOGS/unit.log" | awk '{s += $4} END {print s + 0}')
f=$(grep -oE '\[  FAILED  \] [0-9]+ test\(s\), listed' "$LOGS/unit.log" | awk '{s += $4} END {print s + 0}')
summarised=$(grep -cE '\[  FAILED  \] [0-9]+ test\(s\), listed' "$LOGS/unit.log" || true)
programs_failed=$(grep -oE '[0-9]+ tests failed out of' "$LOGS/unit.log" | awk '{print $1}')
if [ -z "$programs_failed" ]; then tail -30 "$LOGS/unit.log"; programs_failed=1; fi
[ "$programs_failed" -gt "$summarised" ] && f=$((f + programs_failed - summarised))
[ "$f" -gt 0 ] && grep -E '\[  (FAILED|ERROR)|\[   LINE|ERROR: ' "$LOGS/unit.log" | head -30
count unit "$p" "$f"

echo "== fuzz (${FUZZ_SECONDS}s a target)"
if ls fuzz/fuzz_*.c >/dev/null 2>&1; then
  if { CC=clang cmake -S . -B "$FUZZ_BUILD" -DCMAKE_BUILD_TYPE=Debug -DCC_FUZZ=ON -DCC_SANITIZE=ON >/dev/null &&
       cmake --build "$FUZZ_BUILD" -j"$JOBS"; } >"$LOGS/fuzz-build.log" 2>&1; then
    n=$(ls fuzz/fuzz_*.c | wc -l)
    if bash fuzz/run.sh "$FUZZ_BUILD" "$FUZZ_SECONDS" >"$LOGS/fuzz.log" 2>&1; then count fuzz "$n" 0; else
      tail -30 "$LOGS/fuzz.log"; count fuzz 0 "$n"; fi
  else tail -30 "$LOGS/fuzz-build.log"; count fuzz 0 1; fi
fi

export CARECAMPUS_BIN="$ASAN_BUILD/carecampus"
for suite in e2e browser; do
  echo "== $suite"
  if ls tests/$suite/*.test.mjs >/dev/null 2>&1; then
    node --test --test-reporter=tap --test-concurrency=1 tests/$suite/ >"$LOGS/$suite.log" 2>&1
    grep -E '^not ok|^# (pass|fail)' "$LOGS/$suite.log" | head -40
    read -r p f < <(node_counts "$LOGS/$suite.log")
    count "$suite" "$p" "$f"
  fi
done

echo
if [ ${#failed_suites[@]} -gt 0 ]; then echo "failed suites: ${failed_suites[*]} (logs in $LOGS/)"; fi
echo "total: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
