#include "ledger_csv.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace caselink::cli {
namespace {

enum Col {
  kReference, kTitle, kDomain, kStatus, kPartyKind, kPartyName, kPartyId, kPhone, kAddress,
  kLegalRep, kViolation, kLegalBasis, kPenaltyKind, kAmount, kDecisionNumber, kDecisionDate,
  kMajor, kFacts, kColCount
};

const std::vector<LedgerColumn>& Specs() {
  static const auto* specs = new std::vector<LedgerColumn>{
      {kReference, true, {"案号", "案件编号", "立案编号"}},
      {kTitle, true, {"案件名称", "案由"}},
      {kDomain, true, {"领域", "执法领域"}},
      {kStatus, true, {"案件状态", "办理状态"}},
      {kPartyKind, true, {"当事人类型"}},
      {kPartyName, true, {"当事人", "当事人名称", "当事人姓名"}},
      {kPartyId, false, {"证件号码", "身份证号码", "统一社会信用代码"}},
      {kPhone, false, {"联系电话", "电话"}},
      {kAddress, false, {"住所", "地址", "住址"}},
      {kLegalRep, false, {"法定代表人"}},
      {kViolation, false, {"违法行为"}},
      {kLegalBasis, false, {"处罚依据", "法律依据"}},
      {kPenaltyKind, false, {"处罚种类"}},
      {kAmount, false, {"罚没金额（元）", "罚没金额(元)", "罚款金额（元）", "罚款金额(元)", "罚款金额"}},
      {kDecisionNumber, false, {"处罚决定书文号", "决定书文号"}},
      {kDecisionDate, false, {"处罚决定日期", "决定日期"}},
      {kMajor, false, {"是否重大案件", "重大案件"}},
      {kFacts, false, {"案情摘要", "案情"}},
  };
  return *specs;
}

template <typename E>
bool Lookup(const std::map<std::string, E>& table, const std::string& key, E* out) {
  auto it = table.find(key);
  if (it == table.end()) return false;
  *out = it->second;
  return true;
}

const std::map<std::string, v1::Domain>& Domains() {
  static const auto* m = new std::map<std::string, v1::Domain>{
      {"社会治安", v1::PUBLIC_ORDER}, {"安全生产", v1::WORK_SAFETY}, {"校园安全", v1::CAMPUS_SAFETY},
      {"涉众型犯罪", v1::MASS_VICTIM_CRIME}, {"市场秩序", v1::MARKET_ORDER},
      {"营商环境", v1::MARKET_ORDER}, {"劳动保障", v1::LABOUR_PROTECTION},
      {"农民工工资", v1::LABOUR_PROTECTION}, {"跨区域", v1::CROSS_DISTRICT}, {"其他", v1::OTHER_DOMAIN}};
  return *m;
}

const std::map<std::string, v1::CaseStatus>& Statuses() {
  static const auto* m = new std::map<std::string, v1::CaseStatus>{
      {"立案", v1::REGISTERED}, {"调查取证", v1::INVESTIGATING}, {"调查中", v1::INVESTIGATING},
      {"已作出处罚决定", v1::DECIDED}, {"已决定", v1::DECIDED}, {"执行完毕", v1::EXECUTED},
      {"结案", v1::CLOSED}, {"已结案", v1::CLOSED}, {"已移送", v1::TRANSFERRED}, {"撤销", v1::REVOKED}};
  return *m;
}

const std::map<std::string, v1::PenaltyKind>& PenaltyKinds() {
  static const auto* m = new std::map<std::string, v1::PenaltyKind>{
      {"警告", v1::WARNING}, {"通报批评", v1::WARNING}, {"罚款", v1::FINE},
      {"没收违法所得", v1::CONFISCATION}, {"没收", v1::CONFISCATION},
      {"暂扣许可证件", v1::LICENCE_SUSPENSION}, {"吊销许可证件", v1::LICENCE_SUSPENSION},
      {"责令停产停业", v1::BUSINESS_RESTRICTION}, {"限制开展生产经营活动", v1::BUSINESS_RESTRICTION},
      {"行政拘留", v1::ADMINISTRATIVE_DETENTION}, {"其他", v1::OTHER_PENALTY}, {"不予处罚", v1::NO_PENALTY}};
  return *m;
}

// "1,234.56" 元 -> 123456 分, exactly (no floating point).
bool ParseYuan(std::string s, int64_t* fen) {
  s = absl::StrReplaceAll(s, {{",", ""}, {"，", ""}, {"元", ""}});
  absl::string_view v = absl::StripAsciiWhitespace(s);
  if (v.empty()) return false;
  std::vector<std::string> parts = absl::StrSplit(v, '.');
  if (parts.size() > 2) return false;
  int64_t yuan = 0, cents = 0;
  if (!absl::SimpleAtoi(parts[0], &yuan) || yuan < 0) return false;
  if (parts.size() == 2) {
    if (parts[1].empty() || parts[1].size() > 2) return false;
    std::string c = parts[1].size() == 1 ? parts[1] + "0" : parts[1];
    if (!absl::SimpleAtoi(c, &cents) || cents < 0) return false;
  }
  if (yuan > INT64_MAX / 100 - 1) return false;
  *fen = yuan * 100 + cents;
  return true;
}

// Reads the party columns of a row into a new party of `c`.
std::string AddParty(const std::vector<std::string>& f, v1::Case* c) {
  const std::string& kind = f[kPartyKind];
  v1::Party* p = c->add_parties();
  p->set_role("当事人");
  if (kind == "个人" || kind == "自然人") {
    v1::Person* x = p->mutable_person();
    x->set_name(f[kPartyName]);
    x->set_id_number(absl::AsciiStrToUpper(f[kPartyId]));
    x->set_phone(f[kPhone]);
    x->set_address(f[kAddress]);
  } else if (kind == "单位" || kind == "法人" || kind == "组织" || kind == "个体工商户") {
    v1::Organization* o = p->mutable_organization();
    o->set_name(f[kPartyName]);
    o->set_credit_code(absl::AsciiStrToUpper(f[kPartyId]));
    o->set_legal_representative(f[kLegalRep]);
  } else {
    return absl::StrCat("当事人类型 '", kind, "' is not one of 个人, 单位 (法人, 组织, 个体工商户)");
  }
  if (f[kPartyName].empty()) return "当事人 is empty";
  return "";
}

// Reads one case row; returns a reason on error.
std::string ReadCase(const std::vector<std::string>& f, v1::Case* c) {
  c->set_agency_reference(f[kReference]);
  c->set_title(f[kTitle]);
  if (f[kTitle].empty()) return "案件名称 is empty";
  v1::Domain domain;
  if (!Lookup(Domains(), f[kDomain], &domain)) {
    return absl::StrCat("领域 '", f[kDomain], "' is not one of 社会治安, 安全生产, 校园安全, 涉众型犯罪, 市场秩序, 劳动保障, 跨区域, 其他");
  }
  c->set_domain(domain);
  v1::CaseStatus status;
  if (!Lookup(Statuses(), f[kStatus], &status)) {
    return absl::StrCat("案件状态 '", f[kStatus], "' is not one of 立案, 调查取证, 已作出处罚决定, 执行完毕, 结案, 已移送, 撤销");
  }
  c->set_status(status);
  c->set_violation(f[kViolation]);
  c->set_legal_basis(f[kLegalBasis]);
  c->set_facts(f[kFacts]);
  if (!f[kMajor].empty()) {
    if (f[kMajor] == "是") c->set_major(true);
    else if (f[kMajor] != "否") return absl::StrCat("是否重大案件 '", f[kMajor], "' must be 是 or 否");
  }
  if (!f[kPenaltyKind].empty() || !f[kAmount].empty() || !f[kDecisionNumber].empty() || !f[kDecisionDate].empty()) {
    v1::PenaltyDecision* p = c->mutable_penalty();
    if (!f[kPenaltyKind].empty()) {
      v1::PenaltyKind kind;
      if (!Lookup(PenaltyKinds(), f[kPenaltyKind], &kind)) return absl::StrCat("处罚种类 '", f[kPenaltyKind], "' is unknown");
      p->set_kind(kind);
    }
    if (!f[kAmount].empty()) {
      int64_t fen = 0;
      if (!ParseYuan(f[kAmount], &fen)) return absl::StrCat("罚没金额 '", f[kAmount], "' is not an amount in 元 (e.g. 1234.56)");
      p->set_amount_fen(fen);
    }
    p->set_decision_number(f[kDecisionNumber]);
    if (!f[kDecisionDate].empty()) {
      std::string date;
      if (!ParseLedgerDate(f[kDecisionDate], &date)) return absl::StrCat("处罚决定日期 '", f[kDecisionDate], "' is not a date (2024-04-01)");
      p->set_decision_date(date);
    }
  }
  return AddParty(f, c);
}

}  // namespace

std::vector<std::string> PenaltyLedgerHeaders() { return LedgerHeaders(Specs()); }

absl::StatusOr<Ledger> ParsePenaltyLedger(absl::string_view csv) {
  absl::StatusOr<std::vector<LedgerRow>> rows = ReadLedgerRows(csv, Specs(), kColCount, "行政处罚台账");
  if (!rows.ok()) return rows.status();
  Ledger ledger;
  std::map<std::string, size_t> by_reference;  // 案号 -> index in ledger.entries
  for (const LedgerRow& rec : *rows) {
    const std::vector<std::string>& f = rec.f;
    if (f[kReference].empty()) {
      ledger.problems.push_back({rec.line, "案号 is empty"});
      continue;
    }
    auto seen = by_reference.find(f[kReference]);
    if (seen != by_reference.end()) {
      // A further party of a case already read.
      std::string why = AddParty(f, &ledger.entries[seen->second].content);
      if (!why.empty()) ledger.problems.push_back({rec.line, why});
      continue;
    }
    LedgerCase lc;
    lc.line = rec.line;
    lc.key = f[kReference];
    std::string why = ReadCase(f, &lc.content);
    if (!why.empty()) {
      ledger.problems.push_back({rec.line, why});
      continue;
    }
    by_reference[lc.key] = ledger.entries.size();
    ledger.entries.push_back(std::move(lc));
  }
  return ledger;
}

}  // namespace caselink::cli
