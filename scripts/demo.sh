#!/usr/bin/env bash
# THE demo command: builds caselink, makes an example PKI, starts caselinkd on
# a free port with the example policy, and walks the district's agencies
# through a scenario with the `caselink` command-line client, printing what
# each agency submitted and saw. Everything is written to a fresh temporary
# directory, which is kept (with the server log) for inspection.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PY=/usr/bin/python3
BUILD_DIR="${CASELINK_BUILD_DIR:-build}"
case "$BUILD_DIR" in /*) ;; *) BUILD_DIR="$ROOT/$BUILD_DIR" ;; esac
SERVER_PID=""
WORK=""
LOG_SHOWN=0

bold() { if [[ -t 1 ]]; then printf '\033[1m%s\033[0m\n' "$*"; else printf '%s\n' "$*"; fi; }
step() { echo; bold "==> $*"; }
die() { echo "demo: ERROR: $*" >&2; exit 1; }

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "demo: server did not stop within 10 s of SIGTERM; sending SIGKILL" >&2
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

on_exit() {
  local rc=$?
  stop_server
  if [[ -n "$WORK" ]]; then
    echo
    if [[ $rc -ne 0 && $LOG_SHOWN -eq 0 && -f "$WORK/server.log" ]]; then
      echo "---- last lines of the server log ----"
      tail -n 40 "$WORK/server.log" || true
      echo "--------------------------------------"
    fi
    echo "demo: server log: $WORK/server.log"
    echo "demo: working directory (certs, config, database): $WORK"
  fi
  if [[ $rc -ne 0 ]]; then
    echo "demo: FAILED (exit code $rc)" >&2
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------
step "Building caselink (scripts/build.sh)"
bash scripts/build.sh

SERVER_BIN="$BUILD_DIR/server/caselinkd"
CLI_BIN="$BUILD_DIR/cli/caselink"
ADMIN_BIN="$BUILD_DIR/server/tools/caselink-admin"
[[ -x "$SERVER_BIN" ]] || die "$SERVER_BIN was not built"
[[ -x "$CLI_BIN" ]] || die "$CLI_BIN was not built"
[[ -x "$ADMIN_BIN" ]] || die "$ADMIN_BIN was not built"
[[ -f certs-example/policy.textproto ]] || die "certs-example/policy.textproto is missing"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/caselink-demo.XXXXXX")"
CERTS="$WORK/certs"

step "Making an example PKI (certs-example/make-certs.sh $CERTS)"
bash certs-example/make-certs.sh "$CERTS"

cp certs-example/policy.textproto "$WORK/policy.textproto"
cat > "$WORK/server.textproto" <<EOF
# Written by scripts/demo.sh; paths are relative to this file's directory.
listen_address: "127.0.0.1:0"
port_file: "port"
db_path: "data"
tls {
  cert_file: "certs/server.pem"
  key_file: "certs/server.key"
  client_ca_file: "certs/ca.pem"
  crl_dir: "certs/crl"
}
policy_file: "policy.textproto"
audit {
  hmac_key_file: "certs/audit-hmac.key"
  page_token_key_file: "certs/page-token.key"
  checkpoint_every_entries: 10
}
limits {
  max_receive_message_bytes: 4194304
  max_page_size: 500
}
workflow {
  calendar_file: "$ROOT/config/working-calendar.textproto"
}
screening {
  rules_file: "$ROOT/config/screening-rules.textproto"
}
EOF

step "Starting caselinkd (config $WORK/server.textproto)"
rm -f "$WORK/port"
"$SERVER_BIN" --config "$WORK/server.textproto" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
PORT=""
for _ in $(seq 1 300); do   # up to 30 s
  if [[ -s "$WORK/port" ]]; then
    PORT="$(tr -dc '0-9' <"$WORK/port")"
    [[ -n "$PORT" ]] && break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    wait "$SERVER_PID" 2>/dev/null && rc=0 || rc=$?
    SERVER_PID=""
    echo "---- server log ($WORK/server.log) ----" >&2
    cat "$WORK/server.log" >&2 || true
    LOG_SHOWN=1
    die "caselinkd exited (code $rc) before writing its port file"
  fi
  sleep 0.1
done
if [[ -z "$PORT" ]]; then
  echo "---- server log ($WORK/server.log) ----" >&2
  cat "$WORK/server.log" >&2 || true
  LOG_SHOWN=1
  die "caselinkd did not write its port file $WORK/port within 30 s"
fi
TARGET="127.0.0.1:$PORT"
echo "caselinkd (pid $SERVER_PID) listening on $TARGET"

# ---------------------------------------------------------------------------
# Helpers.

# as AGENCY CLI-ARGS... : runs the CLI with AGENCY's certificate; output in $OUT.
as() {
  local agency="$1"; shift
  local cert="$CERTS/agencies/$agency.pem" key="$CERTS/agencies/$agency.key"
  if [[ "$agency" == foreign-* ]]; then
    cert="$CERTS/$agency.pem" key="$CERTS/$agency.key"
  fi
  timeout 60 "$CLI_BIN" --target "$TARGET" --ca "$CERTS/ca.pem" \
    --cert "$cert" --key "$key" "$@"
}

# run AGENCY ARGS... : must succeed; pretty-prints the JSON it printed.
run() {
  local out rc=0
  out="$(as "$@" 2>"$WORK/cli.err")" || rc=$?
  if [[ $rc -ne 0 ]]; then
    cat "$WORK/cli.err" >&2
    die "'caselink ${*:2}' as $1 failed (exit code $rc)"
  fi
  printf '%s' "$out" >"$WORK/last.json"
  pretty <"$WORK/last.json"
}

# refused AGENCY ARGS... : must fail; prints the error the agency got.
refused() {
  local rc=0
  as "$@" >"$WORK/cli.out" 2>"$WORK/cli.err" || rc=$?
  if [[ $rc -eq 0 ]]; then
    pretty <"$WORK/cli.out"
    die "'caselink ${*:2}' as $1 succeeded but must be refused"
  fi
  echo "refused as expected (exit code $rc):"
  sed 's/^/    /' "$WORK/cli.err" "$WORK/cli.out"
}

pretty() {
  "$PY" -c '
import json, sys
text = sys.stdin.read()
try:
    print(json.dumps(json.loads(text), ensure_ascii=False, indent=2))
except ValueError:
    print(text)
'
}

# jget PYTHON-EXPR : evaluates EXPR on the last JSON output (as `d`).
jget() {
  "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
print(v if not isinstance(v, (dict, list)) else json.dumps(v, ensure_ascii=False))
' "$WORK/last.json" "$1"
}

# count_cases : number and ids of the cases in the last list/versions output.
count_cases() {
  "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
if isinstance(d, dict):
    d = d.get("cases", d.get("versions", []))
print(len(d))
print(", ".join("%s (%s, v%s)" % (c.get("case_id", "?"), c.get("owner_agency", "?"), c.get("version", "?")) for c in d))
' "$WORK/last.json"
}

# What each agency saw of the market case, for the summary table.
declare -a SEEN=()
remember() {  # remember LABEL : keeps the last JSON output (a Case) as seen by LABEL
  cp "$WORK/last.json" "$WORK/seen-$1.json"
  SEEN+=("$1")
}

# ---------------------------------------------------------------------------
step "[1] 市场监管局 market (market regulation) submits a market-order case"
echo "    input: scripts/demo-data/market-case-v1.json (a person party with 身份证号, a company with 统一社会信用代码)"
run market submit scripts/demo-data/market-case-v1.json
MARKET_CASE="$(jget 'd["case"]["case_id"]')"
[[ -n "$MARKET_CASE" ]] || die "no case_id in the submit response"
echo "    -> stored as case $MARKET_CASE, version $(jget 'd["case"].get("version")')"

step "[2] 应急管理局 emergency (emergency management) submits a work-safety case"
run emergency submit scripts/demo-data/emergency-case.json
EMERGENCY_CASE="$(jget 'd["case"]["case_id"]')"
echo "    -> stored as case $EMERGENCY_CASE"

step "[3] 市场监管局 market submits version 2 of $MARKET_CASE (DECIDED, fine 19 200.00 yuan = 1920000 fen), expected version 1"
"$PY" -c '
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["case_id"] = sys.argv[2]
json.dump(c, open(sys.argv[3], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
' scripts/demo-data/market-case-v2.json "$MARKET_CASE" "$WORK/market-case-v2.json"
run market submit "$WORK/market-case-v2.json" --expected-version 1
echo "    -> now at version $(jget 'd["case"].get("version")')"
remember "market"

step "[4] 市场监管局 market submits again with the stale expected version 1 (must be refused: optimistic concurrency)"
"$PY" -c '
import json, sys
c = json.load(open(sys.argv[1], encoding="utf-8"))
c["status"] = "EXECUTED"
json.dump(c, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False, indent=2)
' "$WORK/market-case-v2.json" "$WORK/market-case-v3-stale.json"
refused market submit "$WORK/market-case-v3-stale.json" --expected-version 1

step "[5] 市场监管局 market lists the versions of its own case $MARKET_CASE (nothing is overwritten)"
run market versions "$MARKET_CASE"
count_cases | { read -r n; read -r ids; echo "    -> $n versions: $ids"; }

step "[6] 公安分局 psb (public-security bureau) reads the market case, purpose: 核查涉嫌销售伪劣产品线索 (checking a lead on selling substandard products)"
run psb get "$MARKET_CASE" --purpose "核查涉嫌销售伪劣产品线索"
remember "psb"

step "[7] 检察院 procuratorate reads the market case, purpose: 行政检察监督 (administrative procuratorial supervision)"
run procuratorate get "$MARKET_CASE" --purpose "行政检察监督"
remember "procuratorate"

step "[8] 某镇 town-a (a town) lists cases: it sees only its own, and has none"
run town-a list --all --purpose "本镇案件台账核对"
count_cases | { read -r n; read -r ids; echo "    -> town-a sees $n case(s) ${ids}"; }

step "[9] 某镇 town-a tries to read the market case (must be refused: not its case)"
refused town-a get "$MARKET_CASE" --purpose "了解情况"

step "[10] 司法局 justice (justice bureau) lists the district's cases, purpose: 行政执法监督 (enforcement supervision)"
run justice list --all --purpose "行政执法监督"
count_cases | { read -r n; read -r ids; echo "    -> justice sees $n case(s): $ids"; }

step "[10a] 市场监管局 market imports its spreadsheet ledger (docs/examples/penalty-ledger.csv), twice: the second run creates nothing"
as market import ledger "$ROOT/docs/examples/penalty-ledger.csv" || die "ledger import failed"
as market import ledger "$ROOT/docs/examples/penalty-ledger.csv" || die "ledger re-import failed"

step "[10b] 公安分局 psb searches one person (身份证号 510181198503121235) across all agencies, with a purpose"
as psb --output text search --party-id 510181198503121235 --purpose "核查当事人违法记录" --all \
  || die "search failed"
refused psb search --party-id 510181198503121234 --purpose "核查"   # wrong check digit (GB 11643)

step "[11] A certificate from an unrelated CA claiming to be the police (foreign-psb, CN=psb) is rejected"
refused foreign-psb list --all --purpose "冒用身份"

# ---------------------------------------------------------------------------
# 两法衔接 (docs/workflow.md): a forward transfer accepted, one refused, a
# reverse transfer answered, a supervision record replied to, and the events.

# events AGENCY : prints the agency's event stream (2 s) as one line per event.
events() {
  as "$1" watch --seconds 2 --purpose "两法衔接 demo" >"$WORK/events-$1.json" 2>"$WORK/cli.err" \
    || { cat "$WORK/cli.err" >&2; die "'caselink watch' as $1 failed"; }
  "$PY" -c '
import json, sys
text, dec, i = open(sys.argv[1], encoding="utf-8").read(), json.JSONDecoder(), 0
while True:
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    e, i = dec.raw_decode(text, i)
    item = e.get("transfer") or e.get("record") or e.get("rectification") or e.get("decision") or {}
    t = e.get("transition", {})
    cases = ", ".join(c.get("case_id", "?") for c in e.get("cases", []))
    print("    cursor %-4s %-26s %-22s %-24s -> %-26s cases: %s" % (e.get("cursor"), e.get("kind"), e.get("item_id"),
          t.get("action") or "-", item.get("state") or "-", cases or "-"))
' "$WORK/events-$1.json"
}

step "[W0] 市场监管局 market tries to transfer with the 移送书 alone (must be refused: 310号 第六条 also asks for the 调查报告 and 涉案物品清单)"
refused market transfer create --to psb --case "$MARKET_CASE" --subject "涉嫌销售伪劣产品罪" \
  --material "涉嫌犯罪案件移送书|某监移〔2024〕3号"

step "[W1] 市场监管局 market transfers case $MARKET_CASE to 公安分局 psb as suspected of a crime (正向移送)"
run market transfer create --to psb --case "$MARKET_CASE" --subject "涉嫌销售伪劣产品罪" \
  --material "涉嫌犯罪案件移送书|某监移〔2024〕3号" --material "涉嫌犯罪案件情况的调查报告|某监移〔2024〕3-1号" \
  --material "涉案物品清单|某监移〔2024〕3-2号"
FWD="$(jget 'd["transfer"]["id"]')"
echo "    -> transfer $FWD, state $(jget 'd["transfer"]["state"]'), police decide by $(jget 'd["transfer"]["deadline"]["due_time"]') ($(jget 'd["transfer"]["deadline"]["rule"]'))"

step "[W2] 公安分局 psb's event stream: the new transfer arrives with the case (redacted by the policy's Watch rule)"
events psb

step "[W2a] 市场监管局 market attaches the PDF 移送书 to transfer $FWD (DocumentService, docs/documents.md); 公安分局 psb lists and downloads it, byte for byte; 应急管理局 emergency, no party to it, cannot"
run market doc put "$FWD" scripts/demo-data/transfer-letter.pdf --kind 移送书 --reference "某监移〔2024〕3号"
DOC="$(jget 'd["document"]["id"]')"
echo "    -> document $DOC: $(jget 'd["document"]["content_type"]'), $(jget 'd["document"]["size"]') bytes, sha256 $(jget 'd["document"]["sha256"]')"
run psb doc ls "$FWD"
run psb doc get "$DOC" "$WORK/psb-transfer-letter.pdf" --purpose "审查移送材料"
cmp -s scripts/demo-data/transfer-letter.pdf "$WORK/psb-transfer-letter.pdf" || die "psb's copy of the 移送书 differs from market's file"
echo "    -> psb's copy is identical to market's file"
refused emergency doc get "$DOC" "$WORK/emergency-copy.pdf" --purpose "试图读取"

step "[W3] 市场监管局 market tries to accept its own transfer (must be refused: only the receiver decides)"
refused market transfer act "$FWD" accept

step "[W4] 公安分局 psb signs the 回执 (310号 第七条), returns it for material, market resubmits, psb extends the decision period with approval, accepts (立案), and market hands over the 涉案物品 (第十二条)"
run psb transfer act "$FWD" issue-receipt
run psb transfer act "$FWD" return-for-material --reason "缺少检验报告"
run market transfer act "$FWD" resubmit --material "检验报告|某检测〔2024〕88号"
run psb transfer act "$FWD" extend-decision --reason "涉案金额需进一步核实" \
  --approver "县级以上公安机关负责人 王某"
echo "    -> extended: decide by $(jget 'd["transfer"]["deadline"]["due_time"]') ($(jget 'd["transfer"]["deadline"]["rule"]'))"
run psb transfer act "$FWD" accept --reference "某公立〔2024〕7号"
echo "    -> state $(jget 'd["transfer"]["state"]'); market hands over the items by $(jget 'd["transfer"]["deadline"]["due_time"]')"
run market transfer act "$FWD" hand-over-items --material "涉案物品移交清单|某监移〔2024〕3-3号"
echo "    -> state $(jget 'd["transfer"]["state"]')"

step "[W5] 应急管理局 emergency transfers its case $EMERGENCY_CASE; 公安分局 psb refuses it (不予立案) with reasons"
run emergency transfer create --to psb --case "$EMERGENCY_CASE" --subject "涉嫌重大责任事故罪" \
  --material "涉嫌犯罪案件移送书|某应急移〔2024〕1号" --material "调查报告|某应急移〔2024〕1-1号" \
  --material "item-list:涉案物品清单 (无涉案物品)|某应急移〔2024〕1-2号"
FWD2="$(jget 'd["transfer"]["id"]')"
run psb transfer act "$FWD2" refuse --reason "现有证据不足以证明存在犯罪事实"
echo "    -> state $(jget 'd["transfer"]["state"]'); the agency may ask for reconsideration until $(jget 'd["transfer"]["deadline"]["due_time"]')"

step "[W6] 公安分局 psb tries to accept the refused transfer directly (must be refused: wrong state)"
refused psb transfer act "$FWD2" accept

step "[W6a] 应急管理局 emergency's head decides not to transfer a second case (不批准移送, 310号 第五条第二款): the reasons are on record for the procuratorate; 公安分局 psb never sees it"
run emergency submit --request-id demo-emergency-2 scripts/demo-data/emergency-case.json
EMERGENCY_CASE2="$(jget 'd["case"]["case_id"]')"
run emergency transfer create --case "$EMERGENCY_CASE2" --subject "涉嫌重大责任事故罪" \
  --not-approved "经集体讨论，事故未造成人员重伤以上后果，直接经济损失未达立案追诉标准"
NOTAPP="$(jget 'd["transfer"]["id"]')"
echo "    -> transfer $NOTAPP, state $(jget 'd["transfer"]["state"]'), sent to: '$(jget 'd["transfer"].get("receiver_agency", "")')' (no one)"
run procuratorate transfer get "$NOTAPP"
refused psb transfer get "$NOTAPP"

step "[W7] 检察院 procuratorate sends a reverse transfer to 市场监管局 market after not prosecuting (反向衔接, 检察意见)"
run procuratorate transfer create --direction reverse --to market --case "$MARKET_CASE" \
  --subject "检察意见: 对被不起诉人依法给予行政处罚" --material "检察意见书|某检行意〔2024〕2号"
REV="$(jget 'd["transfer"]["id"]')"
run market transfer act "$REV" acknowledge
echo "    -> acknowledged; the reply is still due by $(jget 'd["transfer"]["deadline"]["due_time"]') (the period runs from service)"
run market transfer act "$REV" report-progress --reason "已立案调查, 正在听证程序中 (办理情况)"
echo "    -> interim reply: $(jget 'd["transfer"]["state"]')"
run market transfer act "$REV" reply-penalty --linked-case "$MARKET_CASE" --reason "已作出罚款决定" \
  --reference "某监罚〔2024〕12号"
echo "    -> reverse transfer $REV: $(jget 'd["transfer"]["state"]'), cases $(jget 'd["transfer"]["case_ids"]')"

step "[W8] 检察院 procuratorate issues a procuratorial recommendation (检察建议) to 应急管理局 emergency; emergency replies"
run procuratorate supervision create --to emergency --case "$EMERGENCY_CASE" \
  --subject "建议规范涉案物品管理" --document-number "某检行建〔2024〕5号"
SUP="$(jget 'd["record"]["id"]')"
run emergency supervision act "$SUP" reply --reason "已制定整改方案" --adoption adopted
echo "    -> record $SUP: $(jget 'd["record"]["state"]')"

step "[W9] The complete history of transfer $FWD (nothing is rewritten)"
run market transfer get "$FWD"

step "[W10] Event streams: 公安分局 psb, 市场监管局 market and 检察院 procuratorate (each sees only its own events)"
echo "  psb:"; events psb
echo "  market:"; events market
echo "  procuratorate:"; events procuratorate

step "[W11] Overdue items of 公安分局 psb (none: the clock has not passed any deadline)"
run psb overdue

step "[W12] 检察院 procuratorate imports its 检察监督台账 (docs/examples/supervision-ledger.csv), twice: the second run creates nothing"
as procuratorate import supervision "$ROOT/docs/examples/supervision-ledger.csv" || die "supervision ledger import failed"
as procuratorate import supervision "$ROOT/docs/examples/supervision-ledger.csv" || die "supervision ledger re-import failed"

# ---------------------------------------------------------------------------
# Screening (够罪必移, docs/screening.md): every case is checked, when it is
# submitted or imported, against the prosecution thresholds of
# config/screening-rules.textproto. A case that meets one and was not
# transferred is a possible non-transfer (应移未移线索) for the procuratorate.

# hits AGENCY [LS-ARGS...] : `screening ls` as AGENCY (the JSON in $WORK/last.json), printed one line per hit.
hits() {
  as "$1" screening ls "${@:2}" >"$WORK/last.json" 2>"$WORK/cli.err" \
    || { cat "$WORK/cli.err" >&2; die "'caselink screening ls' as $1 failed"; }
  as "$1" --output text screening ls "${@:2}" >"$WORK/hits.txt" 2>"$WORK/cli.err" \
    || { cat "$WORK/cli.err" >&2; die "'caselink --output text screening ls' as $1 failed"; }
  sed 's/^/    /' "$WORK/hits.txt"
}

# expect_one_hit STATE : the last `screening ls` listed exactly one hit, of
# rule art140-fake-products, in STATE (and of $HIT_CASE once that is known).
expect_one_hit() {
  local n
  n="$(jget 'len(d.get("hits", []))')"
  [[ "$n" == 1 ]] || die "screening ls listed $n hit(s); expected exactly the one case above the threshold"
  [[ "$(jget 'd["hits"][0]["rule_id"]')" == "art140-fake-products" ]] \
    || die "the hit is of rule $(jget 'd["hits"][0]["rule_id"]'), not art140-fake-products"
  [[ "$(jget 'd["hits"][0]["state"]')" == "$1" ]] || die "the hit is $(jget 'd["hits"][0]["state"]'), not $1"
  if [[ -n "${HIT_CASE:-}" ]]; then
    [[ "$(jget 'd["hits"][0]["case_id"]')" == "$HIT_CASE" ]] \
      || die "the hit is of case $(jget 'd["hits"][0]["case_id"]'), not $HIT_CASE"
  fi
}

step "[S1] 市场监管局 market imports a ledger with the facts it established (scripts/demo-data/screening-ledger.csv): goods sold for 62 000.00 yuan in one case, 8 500.00 yuan in the other"
as market import ledger "$ROOT/scripts/demo-data/screening-ledger.csv" || die "screening ledger import failed"

step "[S2] 检察院 procuratorate lists the screening hits (应移未移线索): only the case at or above the 50 000 yuan of 立案追诉标准（一）第十六条 (刑法第一百四十条), open"
HIT_CASE=""
hits procuratorate
expect_one_hit HIT_OPEN
HIT_CASE="$(jget 'd["hits"][0]["case_id"]')"
[[ "$(jget 'd["hits"][0]["owner_agency"]')" == "market" ]] || die "the hit is not of a market case"
run market get "$HIT_CASE" >/dev/null
[[ "$(jget 'd.get("case", d)["agency_reference"]')" == "某市监立〔2024〕061号" ]] \
  || die "the hit is of $(jget 'd.get("case", d)["agency_reference"]'), not the ledger's 某市监立〔2024〕061号"
[[ "$(jget 'd.get("case", d)["measured_facts"]["sales_amount_fen"]')" == "6200000" ]] \
  || die "the case's 销售金额 is $(jget 'd.get("case", d)["measured_facts"]["sales_amount_fen"]') fen, not 6200000"
echo "    -> case $HIT_CASE (某市监立〔2024〕061号) is a possible non-transfer; the 8 500 yuan case (某市监立〔2024〕062号) is not listed"
refused psb screening ls

step "[S3] 检察院 procuratorate recommends that market transfer the case (建议移送, 310号 第十四条): the hit is now supervised"
run procuratorate supervision create --to market --case "$HIT_CASE" \
  --subject "建议移送：该案销售金额6.2万元，已达生产、销售伪劣产品罪立案追诉标准，建议依法向公安机关移送" \
  --document-number "某检行建〔2024〕9号" --material "检察建议书|某检行建〔2024〕9号" >/dev/null
SUP2="$(jget 'd["record"]["id"]')"
echo "    -> supervision record $SUP2, state $(jget 'd["record"]["state"]')"
hits procuratorate
expect_one_hit HIT_SUPERVISED
[[ "$(jget 'd["hits"][0]["item_id"]')" == "$SUP2" ]] \
  || die "the supervised hit names $(jget 'd["hits"][0]["item_id"]'), not $SUP2"

step "[S4] 市场监管局 market transfers case $HIT_CASE to 公安分局 psb (正向移送), with its materials: the hit is now transferred"
run market transfer create --to psb --case "$HIT_CASE" --subject "涉嫌生产、销售伪劣产品罪" \
  --material "涉嫌犯罪案件移送书|某监移〔2024〕9号" --material "涉嫌犯罪案件情况的调查报告|某监移〔2024〕9-1号" \
  --material "涉案物品清单|某监移〔2024〕9-2号" >/dev/null
FWD3="$(jget 'd["transfer"]["id"]')"
echo "    -> transfer $FWD3, state $(jget 'd["transfer"]["state"]')"
hits procuratorate
expect_one_hit HIT_TRANSFERRED
[[ "$(jget 'd["hits"][0]["item_id"]')" == "$FWD3" ]] \
  || die "the transferred hit names $(jget 'd["hits"][0]["item_id"]'), not $FWD3"
echo "    -> the lead is closed: the case went where the law sends it"

# ---------------------------------------------------------------------------
# Enforcement supervision (行政执法监督, proto/caselink/v1/oversight.proto): the
# justice bureau's special campaign draws a sample of the inspected agencies'
# cases, its inspection team reviews them against a checklist (案卷评查), a
# rectification notice (整改通知) is followed to acceptance, and the campaign's
# summary report. Then the district government's joint meeting (联席会议,
# meeting.proto): its decision items (议定事项) followed to closure, and a case
# marked major (重大案件).

# day DATE-EXPR : a day YYYY-MM-DD in the district's zone (the server counts
# due dates there), e.g. `day today`, `day '+15 days'`.
day() { TZ=Asia/Shanghai date -d "$1" +%F; }
TODAY="$(day today)"

# sample_lines : the sample of the last `campaign draw|add-case|sample`, one line per stratum and per case.
sample_lines() {
  "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1], encoding="utf-8"))["sample"]
print("    seed %s, %s per stratum, drawn by %s" % (s.get("seed"), s.get("size_per_stratum"), s.get("drawn_by")))
for x in s.get("strata", []):
    print("    stratum %-10s %-14s population %-3s drawn %s" % (x.get("agency_id"), x.get("domain"),
          x.get("population", 0), x.get("drawn", 0)))
for c in s.get("cases", []):
    how = "added by %s: %s" % (c.get("added_by"), c.get("reason")) if c.get("by_hand") else "drawn"
    print("    case    %-26s %-10s %-14s %s" % (c.get("case_id"), c.get("agency_id"), c.get("domain"), how))
' "$WORK/last.json"
}

# history_lines : the history of the item in the last `rectify|decision show`, one line per step.
history_lines() {
  "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for t in d.get("history", []):
    print("    step %-2s %-10s %-30s -> %-20s %s" % (t.get("step"), t.get("actor_agency"), t.get("action"),
          t.get("to_state"), t.get("reason", "")))
' "$WORK/last.json"
}

step "[O1] 司法局 justice creates a special enforcement-supervision campaign (专项执法监督行动, 行政处罚案卷评查) from scripts/demo-data/campaign.textproto: market's and emergency's cases decided in 2024-H1, team justice (组长) + procuratorate, a 5-line checklist"
run justice campaign create --file scripts/demo-data/campaign.textproto
CAMPAIGN="$(jget 'd["campaign"]["id"]')"
[[ -n "$CAMPAIGN" ]] || die "no campaign id in the create response"
[[ "$(jget 'd["campaign"]["organizer_agency"]')" == "justice" ]] || die "the campaign's organiser is not justice"
[[ "$(jget 'sum(c["weight"] for c in d["campaign"]["criteria"])')" == "100" ]] || die "the checklist's weights do not sum to 100"
[[ "$(jget '[(m["agency_id"], m["role"]) for m in d["campaign"]["team"]]')" == '[["justice", "TEAM_LEADER"], ["procuratorate", "TEAM_MEMBER"]]' ]] \
  || die "the team is $(jget 'd["campaign"]["team"]'), not justice (leader) and procuratorate (member)"
echo "    -> campaign $CAMPAIGN: $(jget 'd["campaign"]["name"]'), cases decided in [$(jget 'd["campaign"]["from_date"]'), $(jget 'd["campaign"]["to_date"]'))"
refused market campaign create --file scripts/demo-data/campaign.textproto   # only a justice bureau organises one

step "[O2] 司法局 justice draws the sample (抽查) with the fixed seed 20240305, 2 cases per agency and domain; drawing again with the same seed replays the same draw, another seed is refused (a sample is drawn once)"
run justice campaign draw "$CAMPAIGN" --seed 20240305 --per-stratum 2 >/dev/null
sample_lines
[[ "$(jget 'd["sample"]["seed"]')" == "20240305" ]] || die "the sample's seed is $(jget 'd["sample"]["seed"]'), not 20240305"
[[ "$(jget 'all(int(x.get("drawn", 0)) == min(2, int(x.get("population", 0))) for x in d["sample"]["strata"])')" == "True" ]] \
  || die "a stratum was not drawn min(2, population) cases"
[[ "$(jget 'sorted(c["case_id"] for c in d["sample"]["cases"] if c["agency_id"] == "emergency")')" \
   == "$("$PY" -c 'import json, sys; print(json.dumps(sorted(sys.argv[1:])))' "$EMERGENCY_CASE" "$EMERGENCY_CASE2")" ]] \
  || die "the sample does not hold emergency's two cases of 2024-03-15"
DRAWN="$(jget '[c["case_id"] for c in d["sample"]["cases"]]')"
run justice campaign draw "$CAMPAIGN" --seed 20240305 --per-stratum 2 >/dev/null
[[ "$(jget 'd.get("replayed", False)')" == "True" ]] || die "drawing again with the same seed did not replay"
[[ "$(jget '[c["case_id"] for c in d["sample"]["cases"]]')" == "$DRAWN" ]] || die "drawing again with the same seed gave other cases"
echo "    -> drawn again with seed 20240305: replayed, the same $(jget 'len(d["sample"]["cases"])') cases"
refused justice campaign draw "$CAMPAIGN" --seed 7 --per-stratum 2

step "[O2a] The demo's market case $MARKET_CASE is reviewed: drawn, or else added to the sample by hand by the team, with a reason (AddSampleCase); 市场监管局 market sees only its own sampled cases"
if [[ "$(jget "\"$MARKET_CASE\" in [c[\"case_id\"] for c in d[\"sample\"][\"cases\"]]")" == "True" ]]; then
  echo "    -> $MARKET_CASE was drawn"
else
  echo "    -> $MARKET_CASE was not drawn (the draw depends on the case ids, which are random); justice adds it by hand"
  run justice campaign add-case "$CAMPAIGN" "$MARKET_CASE" \
    --reason "该案经检察院反向衔接并作出罚款决定，纳入本次评查" >/dev/null
  sample_lines
  [[ "$(jget "[c.get(\"by_hand\", False) for c in d[\"sample\"][\"cases\"] if c[\"case_id\"] == \"$MARKET_CASE\"]")" == "[true]" ]] \
    || die "$MARKET_CASE is not in the sample as added by hand"
fi
run market campaign sample "$CAMPAIGN" >/dev/null
[[ "$(jget 'sorted(set(c["agency_id"] for c in d["sample"]["cases"]))')" == '["market"]' ]] \
  || die "market's view of the sample holds cases of $(jget 'sorted(set(c["agency_id"] for c in d["sample"]["cases"]))')"
echo "    -> market sees $(jget 'len(d["sample"]["cases"])') sampled case(s), all its own"

step "[O3] 司法局 justice and 检察院 procuratorate each review $MARKET_CASE against the checklist (案卷评查): one finding each, totals 15.5 points apart (a difference the summary lists: 10 or more)"
run justice campaign review "$CAMPAIGN" "$MARKET_CASE" --score law=8 --score procedure=7 --score evidence=8 \
  --score document=4 --score discretion=7 \
  --finding "document|文书不规范：行政处罚决定书未载明申请行政复议、提起行政诉讼的途径和期限|《中华人民共和国行政处罚法》第五十九条第一款第（五）项" \
  --comment "事实清楚，适用法律正确；决定书未告知救济途径" >/dev/null
FINDING="$(jget 'd["review"]["findings"][0]["id"]')"
# 30×8/10 + 20×7/10 + 20×8/10 + 15×4/10 + 15×7/10 = 70.50
[[ "$(jget 'd["review"]["total_centi"]')" == "7050" && "$(jget 'd["review"]["grade"]')" == "GRADE_PASS" ]] \
  || die "justice's review totals $(jget 'd["review"]["total_centi"]') ($(jget 'd["review"]["grade"]')), not 7050 (GRADE_PASS)"
echo "    -> justice: 70.50, 合格, finding $FINDING"
run procuratorate campaign review "$CAMPAIGN" "$MARKET_CASE" --score law=10 --score procedure=7 --score evidence=9 \
  --score document=6 --score discretion=10 \
  --finding "procedure|程序不规范：行政处罚事先告知书未载明拟作出的行政处罚内容|《中华人民共和国行政处罚法》第四十四条" \
  --comment "证据充分，处罚适当；告知程序有瑕疵" >/dev/null
# 30×10/10 + 20×7/10 + 20×9/10 + 15×6/10 + 15×10/10 = 86.00
[[ "$(jget 'd["review"]["total_centi"]')" == "8600" && "$(jget 'd["review"]["grade"]')" == "GRADE_PASS" ]] \
  || die "procuratorate's review totals $(jget 'd["review"]["total_centi"]') ($(jget 'd["review"]["grade"]')), not 8600 (GRADE_PASS)"
echo "    -> procuratorate: 86.00, 合格, finding $(jget 'd["review"]["findings"][0]["id"]')"
echo "  the reviews of $MARKET_CASE, as justice (the organiser) sees them:"
run justice campaign reviews "$CAMPAIGN" --case "$MARKET_CASE"
[[ "$(jget 'sorted(r["reviewer_agency"] for r in d["reviews"])')" == '["justice", "procuratorate"]' ]] \
  || die "the reviews of $MARKET_CASE are by $(jget 'sorted(r["reviewer_agency"] for r in d["reviews"])'), not justice and procuratorate"

DUE="$(day '+15 days')"
step "[O4] 司法局 justice issues a rectification notice (整改通知) to market on $MARKET_CASE, due $DUE, naming its finding; market reports (整改报告), justice returns it once (退回), market reports again, justice accepts (验收)"
run justice rectify create "$CAMPAIGN" --to market --case "$MARKET_CASE" \
  --subject "评查发现行政处罚决定书未载明救济途径，请对照问题逐项整改，并自查同类文书" \
  --due "$DUE" --document-number "某司整〔2024〕1号" --finding "$FINDING" >/dev/null
NOTICE="$(jget 'd["rectification"]["id"]')"
[[ "$(jget 'd["rectification"]["state"]')" == "STATE_ISSUED" ]] || die "the notice is $(jget 'd["rectification"]["state"]'), not STATE_ISSUED"
[[ "$(jget 'd["rectification"]["due_date"]')" == "$DUE" ]] || die "the notice is due $(jget 'd["rectification"]["due_date"]'), not $DUE"
[[ "$(jget 'd["rectification"].get("finding_refs", [])')" == "[\"$FINDING\"]" ]] || die "the notice does not name finding $FINDING"
echo "    -> notice $NOTICE: $(jget 'd["rectification"]["state"]'), due $DUE"
run market rectify report "$NOTICE" --reason "已对该案补充送达载明复议、诉讼途径和期限的告知书" >/dev/null
[[ "$(jget 'd["rectification"]["state"]')" == "STATE_RECTIFIED" ]] || die "after the report the notice is $(jget 'd["rectification"]["state"]')"
echo "    -> market reported: $(jget 'd["rectification"]["state"]')"
refused market rectify accept "$NOTICE"   # only the issuer accepts
run justice rectify return "$NOTICE" --reason "仅补正个案，未自查同类文书，请一并整改" >/dev/null
[[ "$(jget 'd["rectification"]["state"]')" == "STATE_ISSUED" ]] || die "after the return the notice is $(jget 'd["rectification"]["state"]')"
echo "    -> justice returned it: $(jget 'd["rectification"]["state"]')"
run market rectify report "$NOTICE" --reason "已自查2024年上半年处罚决定书86份，补正3份，修订文书模板并组织培训" >/dev/null
[[ "$(jget 'd["rectification"]["state"]')" == "STATE_RECTIFIED" ]] || die "after the second report the notice is $(jget 'd["rectification"]["state"]')"
run justice rectify accept "$NOTICE" >/dev/null
[[ "$(jget 'd["rectification"]["state"]')" == "STATE_CLOSED" ]] || die "after the acceptance the notice is $(jget 'd["rectification"]["state"]'), not STATE_CLOSED"
run market rectify show "$NOTICE" >/dev/null
history_lines
[[ "$(jget 'd["rectification"]["state"]')" == "STATE_CLOSED" ]] || die "market reads the notice as $(jget 'd["rectification"]["state"]'), not STATE_CLOSED"

step "[O5] The campaign's summary report (专项行动总结报告): as a table, and as one offline HTML page"
as justice campaign summary "$CAMPAIGN" --format table || die "caselink campaign summary failed"
as justice campaign summary "$CAMPAIGN" --format html --out "$WORK/campaign-summary.html" \
  || die "caselink campaign summary --format html failed"
grep -q "<svg" "$WORK/campaign-summary.html" || die "the HTML summary has no chart"
if grep -Eq "https?://|<script|<link" "$WORK/campaign-summary.html"; then die "the HTML summary references something outside it"; fi
run justice campaign summary "$CAMPAIGN" --format json >/dev/null
DISTRICT='[r for r in d["rows"] if not r.get("agency_id") and not r.get("criterion_id")][0]'
[[ "$(jget "int(${DISTRICT}.get(\"cases_reviewed\", 0))")" == "1" && "$(jget "int(${DISTRICT}.get(\"notices_accepted\", 0))")" == "1" ]] \
  || die "the district row is $(jget "$DISTRICT"): not 1 case reviewed and 1 notice accepted"
[[ "$(jget '[x["case_id"] for x in d.get("differences", [])]')" == "[\"$MARKET_CASE\"]" ]] \
  || die "the summary lists the review differences of $(jget '[x["case_id"] for x in d.get("differences", [])]'), not of $MARKET_CASE"
echo "    -> $WORK/campaign-summary.html ($(wc -c <"$WORK/campaign-summary.html") bytes, self-contained: open it in a browser)"

MEETING_DUE="$(day '+10 days')"
step "[M1] 区政府 government records today's joint meeting (联席会议, $TODAY) with market, emergency, psb, procuratorate and justice on $MARKET_CASE, and assigns a decision item (议定事项) to market due $MEETING_DUE: market reports progress, then done; government closes it"
run government meeting create --kind joint --title "府检联动联席会议：行政执法监督专项行动情况通报" --date "$TODAY" \
  --attendee market --attendee emergency --attendee psb --attendee procuratorate --attendee justice \
  --case "$MARKET_CASE" \
  --summary "司法局通报行政处罚案卷评查专项行动情况；检察院通报两法衔接与检察监督情况；研究市场监管领域行政处罚文书规范问题。议定事项另行交办。" >/dev/null
MEETING="$(jget 'd["meeting"]["id"]')"
[[ "$(jget 'd["meeting"]["kind"]')" == "MEETING_JOINT" && "$(jget 'd["meeting"]["convener_agency"]')" == "government" ]] \
  || die "the meeting is $(jget 'd["meeting"]["kind"]') convened by $(jget 'd["meeting"]["convener_agency"]')"
echo "    -> meeting $MEETING ($(jget 'd["meeting"]["date"]'), attendees $(jget '", ".join(d["meeting"]["attendees"])'))"
run government decision create "$MEETING" --owner market --due "$MEETING_DUE" --case "$MARKET_CASE" \
  --subject "对照评查发现的问题，全面自查本单位行政处罚决定书救济途径告知情况，报送自查整改报告" >/dev/null
DECISION="$(jget 'd["decision"]["id"]')"
[[ "$(jget 'd["decision"]["state"]')" == "STATE_ASSIGNED" ]] || die "the decision item is $(jget 'd["decision"]["state"]'), not STATE_ASSIGNED"
run market decision progress "$DECISION" --reason "已完成2024年上半年处罚决定书自查，正在修订文书模板" >/dev/null
[[ "$(jget 'd["decision"]["state"]')" == "STATE_ASSIGNED" ]] || die "after progress the decision item is $(jget 'd["decision"]["state"]')"
run market decision done "$DECISION" --reason "文书模板已修订并印发，自查整改报告已报送区政府" >/dev/null
[[ "$(jget 'd["decision"]["state"]')" == "STATE_DONE_REPORTED" ]] || die "after done the decision item is $(jget 'd["decision"]["state"]')"
run government decision close "$DECISION" --reason "自查整改报告已收悉，办结" >/dev/null
[[ "$(jget 'd["decision"]["state"]')" == "STATE_CLOSED" ]] || die "after close the decision item is $(jget 'd["decision"]["state"]'), not STATE_CLOSED"
run market decision show "$DECISION" >/dev/null
history_lines

step "[M1a] A decision item due before the meeting cannot be assigned (due date ≥ meeting date); one for emergency due tomorrow ($(day tomorrow)) is, and stays open"
refused government decision create "$MEETING" --owner emergency --due "$(day yesterday)" --case "$EMERGENCY_CASE" \
  --subject "排查本系统涉嫌重大责任事故罪的未移送案件并报送结果"
run government decision create "$MEETING" --owner emergency --due "$(day tomorrow)" --case "$EMERGENCY_CASE" \
  --subject "排查本系统涉嫌重大责任事故罪的未移送案件并报送结果" >/dev/null
DECISION2="$(jget 'd["decision"]["id"]')"
[[ "$(jget 'd["decision"]["state"]')" == "STATE_ASSIGNED" ]] || die "the decision item is $(jget 'd["decision"]["state"]'), not STATE_ASSIGNED"
echo "    -> decision item $DECISION2 for emergency: $(jget 'd["decision"]["state"]'), due $(jget 'd["decision"]["due_date"]')"

step "[M2] 区政府 government marks emergency's case $EMERGENCY_CASE major (重大案件), with a reason; emergency is told by an event (EVENT_CASE_MARKED_MAJOR) and reads the mark on its case"
run government case mark-major "$EMERGENCY_CASE" --reason "同类违法行为多发，提交联席会议研判" \
  --purpose "联席会议重大案件研判" >/dev/null
[[ "$(jget 'd["case"].get("major", False)')" == "True" && "$(jget 'd["case"]["major_mark"]["agency_id"]')" == "government" ]] \
  || die "the case is not marked major by government: $(jget 'd["case"].get("major_mark")')"
echo "  emergency:"; events emergency
"$PY" -c '
import json, sys
text, dec, i, found = open(sys.argv[1], encoding="utf-8").read(), json.JSONDecoder(), 0, False
while True:
    while i < len(text) and text[i].isspace(): i += 1
    if i >= len(text): break
    e, i = dec.raw_decode(text, i)
    if e.get("kind") == "EVENT_CASE_MARKED_MAJOR" and sys.argv[2] in [c.get("case_id") for c in e.get("cases", [])] + [e.get("item_id")]:
        found = True
sys.exit(0 if found else 1)
' "$WORK/events-emergency.json" "$EMERGENCY_CASE" || die "emergency's event stream has no EVENT_CASE_MARKED_MAJOR of $EMERGENCY_CASE"
run emergency get "$EMERGENCY_CASE" >/dev/null
[[ "$(jget 'd.get("case", d).get("major", False)')" == "True" ]] || die "emergency reads its case as not major"
echo "    -> emergency reads $EMERGENCY_CASE (v$(jget 'd.get("case", d)["version"]')): major_mark $(jget 'd.get("case", d)["major_mark"]')"

# ---------------------------------------------------------------------------
# The joint-meeting report (docs/reports.md).
step "[R1] 区政府 government reads the joint-meeting report (联席会议) for 2024-01-01 .. 2030-01-01"
as government report --from 2024-01-01 --to 2030-01-01 || die "caselink report failed"

step "[R1a] ... whose JSON form also carries the campaign's summary (行政执法监督) and the meetings' decision items (议定事项): the campaign, 1 item closed, emergency's item open"
run government report --from 2024-01-01 --to 2030-01-01 --format json >/dev/null
[[ "$(jget 'len(d.get("campaigns", []))')" == "1" && "$(jget 'd["campaigns"][0]["campaign"]["id"]')" == "$CAMPAIGN" ]] \
  || die "the report lists the campaigns $(jget '[c["campaign"]["id"] for c in d.get("campaigns", [])]'), not just $CAMPAIGN"
[[ "$(jget 'int(d.get("decisions_open", 0))')" -ge 1 ]] || die "the report counts $(jget 'd.get("decisions_open", 0)') open decision items, not at least 1"
[[ "$(jget "[x[\"state\"] for x in d.get(\"decisions\", []) if x[\"id\"] == \"$DECISION2\"]")" == '["STATE_ASSIGNED"]' ]] \
  || die "the report does not list emergency's open decision item $DECISION2"
[[ "$(jget "[x[\"state\"] for x in d.get(\"decisions\", []) if x[\"id\"] == \"$DECISION\"]")" == '["STATE_CLOSED"]' ]] \
  || die "the report does not list market's closed decision item $DECISION"
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for c in d.get("campaigns", []):
    print("    campaign %s %s" % (c["campaign"]["id"], c["campaign"]["name"]))
print("    decision items: %s open, %s overdue" % (d.get("decisions_open", 0), d.get("decisions_overdue", 0)))
for x in d.get("decisions", []):
    print("      %-26s %-10s due %s  %-20s %s" % (x["id"], x.get("receiver_agency"), x.get("due_date"), x.get("state"), x.get("subject", "")))
print("    major cases: %s" % ", ".join("%s (%s)" % (c.get("case_id"), c.get("owner_agency")) for c in d.get("major_cases", [])))
' "$WORK/last.json"

step "[R2] ... and writes it as one offline HTML page with charts, and as CSV for a spreadsheet"
as government report --from 2024-01-01 --to 2030-01-01 --format html --out "$WORK/report.html" \
  || die "caselink report --format html failed"
as government report --from 2024-01-01 --to 2030-01-01 --format csv --out "$WORK/report.csv" \
  || die "caselink report --format csv failed"
grep -q "<svg" "$WORK/report.html" || die "the HTML report has no chart"
if grep -Eq "https?://|<script|<link" "$WORK/report.html"; then die "the HTML report references something outside it"; fi
echo "    -> $WORK/report.html ($(wc -c <"$WORK/report.html") bytes, self-contained), $WORK/report.csv"

step "[R3] 市场监管局 market reads the same report: only its own rows are counted"
as market report --from 2024-01-01 --to 2030-01-01 || die "caselink report as market failed"

step "[R4] 公安分局 psb is not granted the report (must be refused)"
refused psb report --from 2024-01-01 --to 2030-01-01

# ---------------------------------------------------------------------------
step "Summary: what each agency saw of the market case $MARKET_CASE"
"$PY" -c '
import json, sys
work, labels = sys.argv[1], sys.argv[2:]
fields = [
    ("title", lambda c: c.get("title")),
    ("facts", lambda c: c.get("facts")),
    ("person.name", lambda c: person(c).get("name")),
    ("person.id_number", lambda c: person(c).get("id_number")),
    ("person.phone", lambda c: person(c).get("phone")),
    ("person.address", lambda c: person(c).get("address")),
    ("org.credit_code", lambda c: org(c).get("credit_code")),
    ("penalty.amount_fen", lambda c: c.get("penalty", {}).get("amount_fen")),
    ("status", lambda c: c.get("status")),
]
def person(c):
    return next((p["person"] for p in c.get("parties", []) if "person" in p), {})
def org(c):
    return next((p["organization"] for p in c.get("parties", []) if "organization" in p), {})
def short(v):
    if v is None or v == "":
        return "(not shown)"
    v = str(v)
    return v if len(v) <= 24 else v[:23] + "…"
for label in labels:
    d = json.load(open("%s/seen-%s.json" % (work, label), encoding="utf-8"))
    c = d.get("case", d)
    print("  %s:" % label)
    for name, get in fields:
        print("      %-20s %s" % (name, short(get(c))))
' "$WORK" "${SEEN[@]}"

step "The access log: 检察院 procuratorate asks who accessed the market case $MARKET_CASE (refusals included)"
as procuratorate --output text audit who-read "$MARKET_CASE" --purpose "行政检察监督" \
  || die "audit who-read failed"

step "[12] 市场监管局 market may not read the access log (must be refused)"
refused market audit who-read "$MARKET_CASE"

step "Stopping caselinkd (SIGTERM; it signs a final checkpoint)"
stop_server

step "Verifying the access log offline: hash chain + checkpoint signatures against the server's public key"
openssl pkey -in "$CERTS/server.key" -pubout -out "$WORK/server-pub.pem"
"$ADMIN_BIN" audit verify --db "$WORK/data" --public-key "$WORK/server-pub.pem" \
  || die "the access log does not verify"
echo "demo: OK"
