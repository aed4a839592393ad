#!/usr/bin/env bash
# Builds caselink's libFuzzer targets (fuzz/) with clang-14 + ASan/UBSan in a
# separate build directory and runs each for a bounded time on a copy of its
# seed corpus. Prints runs, corpus size and crashes per target; exits non-zero
# if any target crashed (inputs saved under <build-dir>/crashes/<target>/).
#
#   bash scripts/fuzz.sh [--seconds N] [--build-dir DIR] [--jobs N] [target...]
#
# Installs clang-14, libfuzzer-14-dev and libclang-rt-14-dev if missing.
set -euo pipefail

SECONDS_PER_TARGET=60
BUILD_DIR=build-fuzz
JOBS=2
TARGETS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --seconds) SECONDS_PER_TARGET="$2"; shift 2 ;;
    --seconds=*) SECONDS_PER_TARGET="${1#*=}"; shift ;;
    --build-dir) BUILD_DIR="$2"; shift 2 ;;
    --build-dir=*) BUILD_DIR="${1#*=}"; shift ;;
    --jobs|-j) JOBS="$2"; shift 2 ;;
    --jobs=*) JOBS="${1#*=}"; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz: unknown option $1" >&2; exit 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[[ ${#TARGETS[@]} -gt 0 ]] || TARGETS=(fuzz_policy_parse fuzz_case_redact fuzz_ledger_csv fuzz_request_validate fuzz_free_text)

# -max_len per target: policies are a few KB of text, a SubmitCaseRequest a
# few hundred bytes, ledgers a few KB of CSV.
max_len() {
  case "$1" in
    fuzz_policy_parse) echo 16384 ;;
    fuzz_case_redact) echo 4096 ;;
    fuzz_ledger_csv) echo 8192 ;;
    fuzz_request_validate) echo 4096 ;;
    fuzz_free_text) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

cd "$(dirname "$0")/.."
ROOT=$(pwd)

# --- Toolchain (idempotent, like scripts/install-deps.sh) --------------------
PACKAGES=(clang-14 libfuzzer-14-dev libclang-rt-14-dev)
missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "fuzz: installing ${missing[*]}"
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    if command -v sudo >/dev/null 2>&1; then SUDO=(sudo); else
      echo "fuzz: missing packages and not root (and no sudo): ${missing[*]}" >&2; exit 1
    fi
  fi
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- Build --------------------------------------------------------------------
GENERATOR=()
if [[ ! -f "$BUILD_DIR/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
  GENERATOR=(-G Ninja)
fi
CC=clang-14 CXX=clang++-14 cmake -S . -B "$BUILD_DIR" "${GENERATOR[@]}" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCASELINK_BUILD_FUZZERS=ON -DCASELINK_SANITIZE=address,undefined \
  -DCASELINK_BUILD_TESTS=OFF -DCASELINK_BUILD_BENCH=OFF >/dev/null
nice cmake --build "$BUILD_DIR" -j"$JOBS" --target "${TARGETS[@]}"

# --- Run ----------------------------------------------------------------------
# UBSan findings are recoverable by default; make them crashes.
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"

total_crashes=0
summary=()
for t in "${TARGETS[@]}"; do
  bin="$BUILD_DIR/fuzz/$t"
  work="$BUILD_DIR/corpus/$t"
  crashes="$BUILD_DIR/crashes/$t"
  log="$BUILD_DIR/logs/$t.log"
  mkdir -p "$work" "$crashes" "$(dirname "$log")"
  # A copy of the seeds (and of earlier runs' finds, kept in $work).
  cp -n "$ROOT/fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  before=$(find "$crashes" -type f | wc -l)
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s (max_len $(max_len "$t")), log $log"
  set +e
  nice "$bin" "$work" -max_total_time="$SECONDS_PER_TARGET" -max_len="$(max_len "$t")" \
    -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$crashes/" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(grep -m1 '^stat::number_of_executed_units:' "$log" | awk '{print $2}')
  rate=$(grep -m1 '^stat::average_exec_per_sec:' "$log" | awk '{print $2}')
  size=$(find "$work" -type f | wc -l)
  found=$(( $(find "$crashes" -type f | wc -l) - before ))
  if [[ $rc -ne 0 && $found -eq 0 ]]; then found=1; fi  # died without an artifact
  total_crashes=$((total_crashes + found))
  summary+=("$(printf '%-20s runs %10s  exec/s %7s  corpus %5s  crashes %s' \
    "$t" "${runs:-?}" "${rate:-?}" "$size" "$found")")
  if [[ $found -gt 0 ]]; then
    echo "fuzz: $t crashed (exit $rc); inputs in $crashes/, see $log" >&2
    grep -m3 -E 'ERROR: |runtime error|invariant violated' "$log" >&2 || true
  fi
done

echo
echo "fuzz: summary (${SECONDS_PER_TARGET}s per target)"
printf '  %s\n' "${summary[@]}"
if [[ $total_crashes -gt 0 ]]; then
  echo "fuzz: $total_crashes crash(es); add the input to fuzz/regressions/<target>/ once fixed (fuzz/README.md)" >&2
  exit 1
fi
