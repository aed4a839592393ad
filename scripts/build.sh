#!/usr/bin/env bash
# Installs the dependencies (if missing), then configures and builds caselink
# with CMake + Ninja into ${CASELINK_BUILD_DIR:-build}.
# Extra arguments go to the CMake configure step, e.g.
#   CASELINK_BUILD_DIR=build-asan bash scripts/build.sh -DCASELINK_SANITIZE=address,undefined
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-deps.sh

BUILD_DIR="${CASELINK_BUILD_DIR:-build}"
BUILD_TYPE="${CASELINK_BUILD_TYPE:-RelWithDebInfo}"
JOBS="$(nproc)"

cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE="$BUILD_TYPE" "$@"
cmake --build "$BUILD_DIR" -j"$JOBS"
