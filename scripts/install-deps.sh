#!/usr/bin/env bash
# Installs the Debian 12 packages caselink needs to build, test and run its
# demo. Idempotent: packages already installed are left alone, and
# `apt-get update` only runs when something is missing.
#   --browser  also Chromium and a CJK font, for the `browser` test label
#              (README: the reports opened in headless Chromium)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git openssl ca-certificates
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  librocksdb-dev libcli11-dev libspdlog-dev libabsl-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  python3 python3-grpcio python3-protobuf procps
  libcpp-httplib-dev
  dpkg-dev adduser curl systemd
)
if [[ "${1:-}" == "--browser" ]]; then
  PACKAGES+=(chromium fonts-wqy-zenhei)
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-deps: missing packages and not root (and no sudo): ${missing[*]}" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends "${missing[@]}"
