#!/usr/bin/env bash
# The sanitizer suite: builds the AddressSanitizer + UndefinedBehaviorSanitizer
# tree (build-asan/, or $CASELINK_BUILD_DIR) with only the multi-threaded tests
# (ctest label `threads`, target caselink_threads_tests), then runs each of
# them N times in a row (default 10), stopping a test at its first failure.
# Any sanitizer report fails the test (UBSan halts on the first error).
#   bash scripts/sanitize.sh [N]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${CASELINK_BUILD_DIR:-build-asan}"
REPEAT="${1:-10}"
JOBS="$(nproc)"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

t0=$SECONDS
bash scripts/install-deps.sh
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCASELINK_SANITIZE=address,undefined -DCASELINK_BUILD_BENCH=OFF "${launcher[@]}"
cmake --build "$BUILD_DIR" -j"$JOBS" --target caselink_threads_tests
t1=$SECONDS

# ASan stops at its first report by default; UBSan only prints unless told.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
rc=0
# One test at a time: the tests measure timing (deadlines, limits) and a
# sanitized build on a loaded machine is slow enough already.
ctest --test-dir "$BUILD_DIR" -L threads -LE 'slow|bench' --output-on-failure \
  --repeat until-fail:"$REPEAT" || rc=$?
t2=$SECONDS

echo
echo "sanitize.sh: $(ctest --test-dir "$BUILD_DIR" -N -L threads -LE 'slow|bench' | tail -1)," \
  "each run up to $REPEAT times; build $((t1 - t0)) s, tests $((t2 - t1)) s, ctest exit code $rc"
exit "$rc"
