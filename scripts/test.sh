#!/usr/bin/env bash
# THE test command: builds caselink (installing missing Debian packages first),
# then runs every test suite except those labelled `slow` or `bench`.
# Slow suites: ctest --test-dir build -L slow
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

BUILD_DIR="${CASELINK_BUILD_DIR:-build}"

t0=$SECONDS
bash scripts/build.sh "$@"
t1=$SECONDS

rc=0
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 -LE 'slow|bench' || rc=$?
t2=$SECONDS

echo
echo "test.sh: build time $((t1 - t0)) s, test time $((t2 - t1)) s, ctest exit code $rc"
exit "$rc"
