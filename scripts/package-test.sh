#!/usr/bin/env bash
# Builds the caselink .deb (cpack -G DEB) and proves it installs and starts:
#   1. configures a release build with prefix /usr (tests off) in
#      $CASELINK_PKG_BUILD_DIR (default build-pkg), builds it, runs cpack;
#   2. checks the package's contents and dependencies;
#   3. as root: installs it with dpkg (its postinst creates the caselink
#      user, /etc/caselink with an example PKI, /var/lib/caselink), checks
#      the unit with systemd-analyze verify, starts the service — with
#      systemctl if systemd runs, else exactly as the unit's ExecStartPre and
#      ExecStart do, as user caselink — and probes it: /metrics, `caselink
#      admin stats` and `admin backup` as the operator, a case submitted and
#      listed as an agency; stops it with SIGTERM (clean exit); purges the
#      package and what the test created.
# Run it on a throwaway Debian 12 machine or container (CI's slow label):
# it installs a package system-wide.
#   bash scripts/package-test.sh            # KEEP=1 leaves the package installed
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${CASELINK_PKG_BUILD_DIR:-$ROOT/build-pkg}"
say() { echo "package-test: $*"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }

bash "$ROOT/scripts/install-deps.sh"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr \
  -DCASELINK_BUILD_TESTS=OFF -DCASELINK_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build "$BUILD" -j"${CASELINK_JOBS:-2}"
rm -f "$BUILD"/caselink_*.deb
(cd "$BUILD" && cpack -G DEB >/dev/null)
DEB="$(ls "$BUILD"/caselink_*.deb)"
say "built $DEB"

# --- 2. contents -------------------------------------------------------------
contents="$(dpkg-deb --contents "$DEB")"
for f in ./usr/sbin/caselinkd ./usr/bin/caselink ./usr/lib/systemd/system/caselinkd.service \
         ./usr/include/caselink/client.h ./usr/include/caselink/v1/admin.grpc.pb.h \
         "./usr/lib/.*cmake/caselink/caselinkConfig.cmake" ./usr/share/caselink/examples/server.textproto \
         ./usr/share/caselink/examples/policy.textproto ./usr/share/caselink/make-certs.sh \
         ./usr/share/doc/caselink/operations.md; do
  grep -Eq " $f\$" <<<"$contents" || fail "$f is not in the package"
done
depends="$(dpkg-deb --field "$DEB" Depends)"
for d in librocksdb7.8 libgrpc++1.51 adduser openssl; do
  grep -q "$d" <<<"$depends" || fail "Depends lacks $d: $depends"
done
say "contents and dependencies OK (Depends: $depends)"

if [[ $(id -u) -ne 0 ]]; then
  say "not root: the install-and-start part needs root (a throwaway machine); stopping here"
  exit 0
fi

# --- 3. install and start ----------------------------------------------------
had_user=0; getent passwd caselink >/dev/null && had_user=1
had_state=0; [[ -e /var/lib/caselink ]] && had_state=1
cleanup() {
  [[ -n "${PID:-}" ]] && kill -TERM "$PID" 2>/dev/null || true
  if [[ "${KEEP:-0}" != 1 ]]; then
    dpkg --purge caselink >/dev/null 2>&1 || true
    [[ $had_state -eq 0 ]] && rm -rf /var/lib/caselink /var/backups/caselink
    [[ $had_user -eq 0 ]] && deluser --system caselink >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT
dpkg -i "$DEB" || apt-get install -f -y
getent passwd caselink >/dev/null || fail "postinst did not create the caselink user"
[[ -s /etc/caselink/server.textproto && -s /etc/caselink/pki/server.pem ]] || fail "postinst made no configuration"
systemd-analyze verify /usr/lib/systemd/system/caselinkd.service || fail "systemd-analyze verify"
say "installed; unit verified"
# What the server's group may read of the example PKI, and what it may not.
for f in server.key audit-hmac.key ca.pem; do
  runuser -u caselink -- test -r "/etc/caselink/pki/$f" || fail "user caselink cannot read pki/$f"
done
for f in ca.key agencies/market.key; do
  runuser -u caselink -- test -r "/etc/caselink/pki/$f" && fail "user caselink can read pki/$f"
done

PKI=/etc/caselink/pki
cli() {
  local who="$1"; shift
  caselink --target 127.0.0.1:7443 --ca "$PKI/ca.pem" --cert "$PKI/agencies/$who.pem" \
    --key "$PKI/agencies/$who.key" "$@"
}
if [[ -d /run/systemd/system ]]; then
  systemctl restart caselinkd.service
  systemctl is-active --quiet caselinkd.service || fail "caselinkd.service is not active"
  PID="$(systemctl show -p MainPID --value caselinkd.service)"
else
  # No systemd (a container): what the unit runs, as the unit's user.
  runuser -u caselink -- /usr/sbin/caselinkd --check-config /etc/caselink/server.textproto
  # setpriv execs caselinkd itself (runuser would stay as a parent), so the
  # SIGTERM below reaches it and its exit code is what `wait` sees.
  setpriv --reuid=caselink --regid=caselink --init-groups \
    /usr/sbin/caselinkd --config /etc/caselink/server.textproto >"$BUILD/caselinkd.log" 2>&1 &
  PID=$!
fi
for _ in $(seq 1 100); do
  curl -fsS http://127.0.0.1:9464/healthz >/dev/null 2>&1 && break
  sleep 0.1
done
metrics="$(curl -fsS http://127.0.0.1:9464/metrics)" || fail "no /metrics (see $BUILD/caselinkd.log)"
grep -q '^caselink_audit_head_sequence ' <<<"$metrics" || fail "/metrics lacks caselink_audit_head_sequence"
cli market submit "$ROOT/scripts/demo-data/market-case-v1.json" >/dev/null || fail "market cannot submit"
# Outputs are captured first: `grep -q` closing a pipe early would fail it.
listed="$(cli market --output text list)" || fail "market cannot list"
[[ -n "$listed" ]] || fail "market lists nothing"
stats="$(cli operator admin stats)" || fail "admin stats"
grep -q '^caselink_agency_requests_total{agency="market"} ' <<<"$stats" || fail "admin stats lacks market's calls"
grep -q '^caselink_crl_refusing{ca="[^"]*"} 0' <<<"$metrics" || fail "/metrics: the example CA's CRL is not in force"
cli operator admin backup nightly >/dev/null || fail "admin backup as user caselink"
[[ -d /var/backups/caselink/nightly/meta ]] || fail "admin backup did not write below admin.backup_dir"
cli operator admin backup /tmp/caselink-escape >/dev/null 2>&1 && fail "admin backup wrote outside admin.backup_dir"
say "serving: metrics, a case submitted and listed, admin stats and backup OK"
if [[ ! -d /run/systemd/system ]]; then
  kill -TERM "$PID"
  wait "$PID" || fail "caselinkd did not stop cleanly (see $BUILD/caselinkd.log)"
  PID=""
fi
say "PASSED"
