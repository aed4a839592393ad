#!/usr/bin/env bash
# THE test command: builds caselink (installing missing Debian packages first,
# Chromium and a CJK font for the `browser` label among them), then runs every
# test suite except those labelled `slow` or `bench`.
# Slow suites: ctest --test-dir build -L slow
#
# --clang: the same, built with clang-14 in build-clang, where -Wthread-safety
# (as an error, like every warning: cmake/warnings.cmake) checks the
# ABSL_GUARDED_BY annotations of our shared state. Other arguments go to the
# CMake configure step, e.g. -DCMAKE_CXX_COMPILER_LAUNCHER=ccache.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CONFIGURE_ARGS=()
if [[ "${1:-}" == "--clang" ]]; then
  shift
  export CC=clang-14 CXX=clang++-14
  export CASELINK_BUILD_DIR="${CASELINK_BUILD_DIR:-build-clang}"
  CONFIGURE_ARGS+=(-DCMAKE_CXX_COMPILER=clang++-14)
fi
BUILD_DIR="${CASELINK_BUILD_DIR:-build}"

t0=$SECONDS
# The reports are checked in a real headless Chromium (tests/browser.cmake).
bash scripts/install-deps.sh --browser
bash scripts/build.sh "${CONFIGURE_ARGS[@]}" "$@"
t1=$SECONDS

rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 -LE 'slow|bench' || rc=$?
t2=$SECONDS

echo
echo "test.sh: build time $((t1 - t0)) s, test time $((t2 - t1)) s, ctest exit code $rc"
exit "$rc"
