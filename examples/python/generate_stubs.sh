#!/usr/bin/env bash
# Generates the Python modules for caselink's API from proto/caselink/v1/*.proto
# into OUT_DIR (importable as `caselink.v1.case_service_pb2`, ...):
#
#   bash examples/python/generate_stubs.sh OUT_DIR
#
# Uses Debian 12's protoc (protobuf-compiler 3.21) and its gRPC Python plugin
# (protobuf-compiler-grpc 1.51), the versions that match python3-protobuf and
# python3-grpcio. Not python3-grpc-tools: Debian's is 1.14, too old for them.
set -euo pipefail

OUT="${1:?usage: generate_stubs.sh OUT_DIR}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PLUGIN="${GRPC_PYTHON_PLUGIN:-/usr/bin/grpc_python_plugin}"

command -v protoc >/dev/null || { echo "generate_stubs: protoc not found (apt-get install protobuf-compiler)" >&2; exit 1; }
[[ -x "$PLUGIN" ]] || { echo "generate_stubs: $PLUGIN not found (apt-get install protobuf-compiler-grpc)" >&2; exit 1; }

mkdir -p "$OUT"
# -I proto makes the module path follow the proto package: caselink/v1/*.py.
# google/protobuf/*.proto (imported for Timestamp and descriptor options) come
# from protoc's own include directory; python3-protobuf ships their modules.
cd "$ROOT"
protoc --python_out="$OUT" --grpc_out="$OUT" --plugin=protoc-gen-grpc="$PLUGIN" \
  -I proto proto/caselink/v1/*.proto
echo "generate_stubs: wrote $(cd "$OUT" && ls caselink/v1/*.py | wc -l) modules into $OUT/caselink/v1"
