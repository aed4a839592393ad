#!/usr/bin/env bash
# ctest entry point of the Python integrator example (tests/python.cmake):
#   run_python_example.sh CASELINKD CASELINK_CLI SOURCE_DIR WORK_DIR
# Skips (exit 77) only when Debian's python3 has no grpc module; the checks
# themselves are in run_python_example.py.
set -euo pipefail
PY=/usr/bin/python3   # Debian's: python3-grpcio and python3-protobuf live here
if [[ ! -x "$PY" ]] || ! "$PY" -c 'import grpc, google.protobuf' 2>/dev/null; then
  echo "SKIP: $PY cannot import grpc/google.protobuf (apt-get install python3-grpcio python3-protobuf)"
  exit 77
fi
exec "$PY" "$(dirname "${BASH_SOURCE[0]}")/run_python_example.py" "$@"
