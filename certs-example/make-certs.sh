#!/usr/bin/env bash
# Makes an example PKI for caselink with the `openssl` command.
#
#   bash certs-example/make-certs.sh [--force] [OUT_DIR]
#   bash certs-example/make-certs.sh [OUT_DIR] --agency ID [--agency ID ...]
#   bash certs-example/make-certs.sh [OUT_DIR] --revoke ID [--revoke ID ...]
#
# OUT_DIR defaults to certs-example/out (gitignored). Files that already exist
# are kept unless --force is given (a new CA re-issues every certificate).
# --agency issues a client certificate for one more agency id; --revoke
# revokes an agency's certificate and re-signs the CRL. See
# certs-example/README.md for the layout.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Example agencies of the district (ids used by certs-example/policy.textproto):
#   psb           公安分局     public-security bureau
#   procuratorate 检察院       procuratorate
#   justice       司法局       justice bureau
#   market        市场监管局   market regulation
#   emergency     应急管理局   emergency management
#   government    区政府       district government (reads the joint-meeting report)
#   town-a        某镇         a town
#   operator      平台运维     platform operator
AGENCIES=(psb procuratorate justice government market emergency town-a operator)

CA_DAYS=3650      # 10 years
LEAF_DAYS=825
CRL_DAYS=3650     # the example CRL must not expire under a running demo
ORG="caselink example district"

FORCE=0
OUT=""
EXTRA=()
REVOKE=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) FORCE=1 ;;
    --agency) EXTRA+=("${2:?--agency needs an id}"); shift ;;
    --revoke) REVOKE+=("${2:?--revoke needs an id}"); shift ;;
    -h|--help) sed -n '2,14p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) echo "make-certs: unknown option $1" >&2; exit 2 ;;
    *) OUT="$1" ;;
  esac
  shift
done
OUT="${OUT:-$HERE/out}"

valid_id() { [[ "$1" =~ ^[a-z0-9][a-z0-9._-]{0,62}$ ]]; }
for id in "${EXTRA[@]+"${EXTRA[@]}"}" "${REVOKE[@]+"${REVOKE[@]}"}"; do
  valid_id "$id" || { echo "make-certs: bad agency id '$id' (use [a-z0-9._-])" >&2; exit 2; }
done

for id in "${REVOKE[@]+"${REVOKE[@]}"}"; do
  [[ -f "$OUT/agencies/$id.pem" ]] || { echo "make-certs: no certificate $OUT/agencies/$id.pem to revoke" >&2; exit 1; }
done

command -v openssl >/dev/null || { echo "make-certs: openssl not found (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$OUT" "$OUT/agencies" "$OUT/crl" "$OUT/ca-db"
OUT="$(cd "$OUT" && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

# Minimal configuration for `openssl req` and `openssl ca` (CRL, revocation);
# independent of the system's openssl.cnf.
CNF="$OUT/ca-db/openssl.cnf"
cat > "$CNF" <<CNF_EOF
[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = unused
[ ca ]
default_ca = caselink_ca
[ caselink_ca ]
dir              = $OUT
database         = \$dir/ca-db/index.txt
crlnumber        = \$dir/ca-db/crlnumber
new_certs_dir    = \$dir/ca-db
certificate      = \$dir/ca.pem
private_key      = \$dir/ca.key
default_md       = sha256
default_crl_days = $CRL_DAYS
unique_subject   = no
crl_extensions   = crl_ext
[ crl_ext ]
authorityKeyIdentifier = keyid:always
CNF_EOF
[[ -f "$OUT/ca-db/index.txt" ]] || : > "$OUT/ca-db/index.txt"
[[ -f "$OUT/ca-db/index.txt.attr" ]] || echo "unique_subject = no" > "$OUT/ca-db/index.txt.attr"
[[ -f "$OUT/ca-db/crlnumber" ]] || echo 1000 > "$OUT/ca-db/crlnumber"

new_key() {  # new_key FILE : EC P-256 private key, mode 0600
  ( umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" )
  chmod 0600 "$1"
}

make_ca() {  # make_ca BASENAME SUBJECT
  local base="$1" subj="$2"
  new_key "$base.key"
  cat > "$TMP/ca.ext" <<X
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
X
  { cat "$CNF"; echo "[ v3_ca ]"; cat "$TMP/ca.ext"; } > "$TMP/ca.cnf"
  openssl req -new -x509 -config "$TMP/ca.cnf" -extensions v3_ca \
    -key "$base.key" -subj "$subj" -days "$CA_DAYS" -sha256 \
    -set_serial "0x$(openssl rand -hex 16)" -out "$base.pem"
}

issue() {  # issue CA_BASE OUT_BASE SUBJECT EXT_LINES
  local ca="$1" base="$2" subj="$3" ext="$4"
  new_key "$base.key"
  openssl req -new -config "$CNF" -key "$base.key" -subj "$subj" -out "$TMP/req.csr"
  printf '%s\nsubjectKeyIdentifier = hash\nauthorityKeyIdentifier = keyid:always\n' "$ext" > "$TMP/leaf.ext"
  openssl x509 -req -in "$TMP/req.csr" -CA "$ca.pem" -CAkey "$ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$LEAF_DAYS" -sha256 \
    -extfile "$TMP/leaf.ext" -out "$base.pem" 2>/dev/null
  rm -f "$TMP/req.csr"
}

client_ext() {  # client_ext ID
  printf 'basicConstraints = critical, CA:FALSE\nkeyUsage = critical, digitalSignature\nextendedKeyUsage = clientAuth\nsubjectAltName = URI:caselink://agency/%s\n' "$1"
}

need() {  # need BASE : true if BASE.pem/BASE.key must be (re)made
  [[ $FORCE -eq 1 || ! -s "$1.pem" || ! -s "$1.key" ]]
}

made=()

# --- the district's CA --------------------------------------------------------
ca_new=0
if need "$OUT/ca"; then
  make_ca "$OUT/ca" "/O=$ORG/CN=caselink example CA"
  ca_new=1
  : > "$OUT/ca-db/index.txt"
  rm -f "$OUT"/crl/*.r[0-9]* "$OUT/crl.pem"
  made+=("ca.pem")
fi
[[ $ca_new -eq 1 ]] && FORCE=1   # everything signed by an old CA is stale

# --- the server ---------------------------------------------------------------
if need "$OUT/server"; then
  issue "$OUT/ca" "$OUT/server" "/O=$ORG/CN=caselink-server" \
    "basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1"
  made+=("server.pem")
fi

# --- one client certificate per agency ----------------------------------------
issue_agency() {
  local id="$1"
  if need "$OUT/agencies/$id"; then
    issue "$OUT/ca" "$OUT/agencies/$id" "/O=$ORG/CN=$id" "$(client_ext "$id")"
    made+=("agencies/$id.pem")
  fi
}
# The example agencies, those asked for with --agency, and any other agency
# issued earlier into this directory (re-issued if the CA is new).
declare -A seen=()
for id in "${AGENCIES[@]}" "${EXTRA[@]+"${EXTRA[@]}"}"; do
  seen[$id]=1
  issue_agency "$id"
done
for f in "$OUT"/agencies/*.pem; do
  [[ -e "$f" ]] || continue
  id="$(basename "$f" .pem)"
  [[ -n "${seen[$id]+x}" ]] && continue
  issue_agency "$id"
done

# --- an unrelated CA and a certificate from it (must be rejected) -------------
# foreign-psb claims to be the police (CN=psb, URI caselink://agency/psb) but
# is signed by a CA the server does not trust.
foreign_force=$FORCE
if need "$OUT/foreign-ca"; then
  make_ca "$OUT/foreign-ca" "/O=unrelated organisation/CN=unrelated CA"
  made+=("foreign-ca.pem")
  FORCE=1
fi
if need "$OUT/foreign-psb"; then
  issue "$OUT/foreign-ca" "$OUT/foreign-psb" "/O=unrelated organisation/CN=psb" "$(client_ext psb)"
  made+=("foreign-psb.pem")
fi
FORCE=$foreign_force

# --- revocations and the CRL --------------------------------------------------
crl_dirty=0
for id in "${REVOKE[@]+"${REVOKE[@]}"}"; do
  cert="$OUT/agencies/$id.pem"
  [[ -f "$cert" ]] || { echo "make-certs: no certificate $cert to revoke" >&2; exit 1; }
  openssl ca -config "$CNF" -revoke "$cert" -crl_reason keyCompromise 2>"$TMP/ca.log" \
    || { cat "$TMP/ca.log" >&2; exit 1; }
  echo "make-certs: revoked agencies/$id.pem (serial $(openssl x509 -in "$cert" -noout -serial | cut -d= -f2))"
  crl_dirty=1
done

hash="$(openssl x509 -in "$OUT/ca.pem" -noout -subject_hash)"
if [[ $crl_dirty -eq 1 || $FORCE -eq 1 || ! -s "$OUT/crl.pem" || ! -s "$OUT/crl/$hash.r0" ]]; then
  openssl ca -config "$CNF" -gencrl -out "$OUT/crl.pem" 2>"$TMP/ca.log" \
    || { cat "$TMP/ca.log" >&2; exit 1; }
  # OpenSSL's hashed-directory lookup (X509_LOOKUP_hash_dir) finds a CA's
  # CRLs as <hash of the issuer name>.r0, .r1, ... A running caselinkd (gRPC
  # 1.51) does not re-read a CRL file replaced under the same name, but does
  # load the next suffix at the next handshake, and OpenSSL then prefers the
  # CRL with the later lastUpdate. So a new CRL goes under the next free
  # suffix: revocation takes effect without a restart.
  if [[ $FORCE -eq 1 ]]; then rm -f "$OUT"/crl/*.r[0-9]*; fi
  n=0
  while [[ -e "$OUT/crl/$hash.r$n" ]]; do n=$((n + 1)); done
  cp "$OUT/crl.pem" "$OUT/crl/$hash.r$n.tmp"
  mv "$OUT/crl/$hash.r$n.tmp" "$OUT/crl/$hash.r$n"
  made+=("crl/$hash.r$n")
fi

# --- the access log's HMAC key (docs/audit.md) ---------------------------------
# 32 random bytes under which the access log records party ids. Kept even with
# --force: a new key would make earlier entries unsearchable by party id.
if [[ ! -s "$OUT/audit-hmac.key" ]]; then
  ( umask 077; openssl rand -out "$OUT/audit-hmac.key" 32 )
  made+=("audit-hmac.key")
fi

# --- the page-token key (docs/authorization.md, "Sealed page tokens") ---------
# 32 random bytes from which the key sealing page tokens is derived. Kept with
# --force too; replacing it only makes outstanding page tokens invalid.
if [[ ! -s "$OUT/page-token.key" ]]; then
  ( umask 077; openssl rand -out "$OUT/page-token.key" 32 )
  made+=("page-token.key")
fi

chmod 0600 "$OUT"/*.key "$OUT"/agencies/*.key

if [[ ${#made[@]} -eq 0 ]]; then
  echo "make-certs: everything already present in $OUT (use --force to re-create)"
else
  echo "make-certs: wrote ${made[*]} in $OUT"
fi
