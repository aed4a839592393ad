#include "ledger_csv.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace caselink::cli {
namespace {

namespace pb = google::protobuf;

enum Col {
  kReference, kTitle, kDomain, kStatus, kPartyKind, kPartyName, kPartyId, kPhone, kAddress,
  kLegalRep, kViolation, kLegalBasis, kPenaltyKind, kAmount, kDecisionNumber, kDecisionDate,
  kMajor, kFacts, kRegisterDate, kProvisions,
  kFactsBegin  // CaseFactsColumns()[i] is column kFactsBegin + i
};

int ColumnCount() { return kFactsBegin + static_cast<int>(CaseFactsColumns().size()); }

// Appends the CaseFacts columns, which are their own table
// (CaseFactsColumns) so that a new fact is one line there.
std::vector<LedgerColumn>* WithFactColumns(std::vector<LedgerColumn>* specs) {
  for (size_t i = 0; i < CaseFactsColumns().size(); ++i) {
    specs->push_back({kFactsBegin + static_cast<int>(i), false, CaseFactsColumns()[i].names});
  }
  return specs;
}

const std::vector<LedgerColumn>& Specs() {
  static const auto* specs = WithFactColumns(new std::vector<LedgerColumn>{
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
      {kRegisterDate, false, {"立案日期", "立案时间"}},
      // 法律依据 is the free-text legal_basis above; this one is split.
      {kProvisions, false, {"法律依据条款", "依据条款", "法律条款"}},
  });
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
      {"行政拘留", v1::ADMINISTRATIVE_DETENTION}, {"其他", v1::OTHER_PENALTY}, {"不予处罚", v1::NO_PENALTY},
      // The other spellings of 行政处罚法 第九条 the kinds' comments list.
      {"没收非法财物", v1::CONFISCATION}, {"降低资质等级", v1::LICENCE_SUSPENSION},
      {"责令关闭", v1::BUSINESS_RESTRICTION}, {"限制从业", v1::BUSINESS_RESTRICTION}};
  return *m;
}

// Chinese spellings of enum values for the enum columns (污染物类别): the
// value's name, then its spellings (the first is documented). A pollutant is
// named by its group or by one metal of it, as a monitoring report names it.
struct EnumSpelling {
  const char* value;
  std::vector<const char*> names;
};

const std::vector<EnumSpelling>& EnumSpellings() {
  static const auto* s = new std::vector<EnumSpelling>{
      {"POLLUTANT_PB_HG_CD_CR_AS_TL_SB", {"铅汞镉铬砷铊锑", "铅", "汞", "镉", "铬", "砷", "铊", "锑"}},
      {"POLLUTANT_NI_CU_ZN_AG_V_MN_CO", {"镍铜锌银钒锰钴", "镍", "铜", "锌", "银", "钒", "锰", "钴"}},
  };
  return *s;
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char ch) { return absl::ascii_isdigit(ch); });
}

// "1,234.56" 元 -> 123456 分, exactly (no floating point).
bool ParseYuan(std::string s, int64_t* fen) {
  s = absl::StrReplaceAll(s, {{",", ""}, {"，", ""}, {"元", ""}});
  absl::string_view v = absl::StripAsciiWhitespace(s);
  std::vector<std::string> parts = absl::StrSplit(v, '.');
  if (parts.size() > 2) return false;
  // Digits only: SimpleAtoi alone takes a sign ("-0.50", "1.+5") and spaces.
  int64_t yuan = 0, cents = 0;
  if (!AllDigits(parts[0]) || !absl::SimpleAtoi(parts[0], &yuan)) return false;
  if (parts.size() == 2) {
    if (!AllDigits(parts[1]) || parts[1].size() > 2) return false;
    std::string c = parts[1].size() == 1 ? parts[1] + "0" : parts[1];
    if (!absl::SimpleAtoi(c, &cents)) return false;
  }
  if (yuan > INT64_MAX / 100 - 1) return false;
  *fen = yuan * 100 + cents;
  return true;
}

// "12" or "1,200": a count, kilograms, a percentage; no sign, no decimals.
bool ParseCount(std::string s, int64_t* n) {
  s = absl::StrReplaceAll(s, {{",", ""}, {"，", ""}});
  return AllDigits(s) && absl::SimpleAtoi(s, n);
}

// 是/否 as clerks write them, and what spreadsheets export for a checkbox.
bool ParseBool(const std::string& s, bool* b) {
  std::string v = absl::AsciiStrToLower(s);
  if (v == "是" || v == "true" || v == "1") {
    *b = true;
  } else if (v == "否" || v == "false" || v == "0") {
    *b = false;
  } else {
    return false;
  }
  return true;
}

// A spelling of EnumSpellings() or the value's name ("铅、汞…" and "铅汞…"
// alike); never the unspecified value, which is what an empty cell means.
const pb::EnumValueDescriptor* ParseEnum(const pb::EnumDescriptor* type, const std::string& s) {
  std::string v = absl::StrReplaceAll(s, {{"、", ""}, {"，", ""}, {",", ""}, {" ", ""}});
  for (const EnumSpelling& spelling : EnumSpellings()) {
    const pb::EnumValueDescriptor* value = type->FindValueByName(spelling.value);
    if (value == nullptr) continue;
    for (const char* n : spelling.names) {
      if (v == n) return value;
    }
  }
  const pb::EnumValueDescriptor* value = type->FindValueByName(absl::AsciiStrToUpper(v));
  return value != nullptr && value->number() != 0 ? value : nullptr;
}

// "铅汞镉铬砷铊锑 (POLLUTANT_PB_HG_CD_CR_AS_TL_SB), …": what an enum column takes.
std::string EnumChoices(const pb::EnumDescriptor* type) {
  std::vector<std::string> out;
  for (int i = 0; i < type->value_count(); ++i) {
    const pb::EnumValueDescriptor* value = type->value(i);
    if (value->number() == 0) continue;
    std::string choice = value->name();
    for (const EnumSpelling& spelling : EnumSpellings()) {
      if (value->name() == spelling.value) choice = absl::StrCat(spelling.names[0], " (", value->name(), ")");
    }
    out.push_back(choice);
  }
  return absl::StrJoin(out, ", ");
}

// Sets the CaseFacts field of `column` from its cell `v`, by the field's
// type; returns a reason on error. Generic, so that a new CaseFacts field
// needs only its line in CaseFactsColumns().
std::string SetFact(const FactColumn& column, const std::string& v, v1::CaseFacts* facts) {
  const char* header = column.names[0];
  const pb::FieldDescriptor* fd = facts->GetDescriptor()->FindFieldByName(column.field);
  if (fd == nullptr || fd->is_repeated()) return absl::StrCat(header, ": CaseFacts has no field ", column.field);
  const pb::Reflection* r = facts->GetReflection();
  switch (fd->cpp_type()) {
    case pb::FieldDescriptor::CPPTYPE_INT64: {
      int64_t n = 0;
      if (absl::EndsWith(fd->name(), "_fen")) {
        if (!ParseYuan(v, &n)) return absl::StrCat(header, " '", v, "' is not an amount in 元 (e.g. 1234.56)");
      } else if (!ParseCount(v, &n)) {
        return absl::StrCat(header, " '", v, "' is not a whole number (e.g. 12)");
      }
      r->SetInt64(facts, fd, n);
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_BOOL: {
      bool b = false;
      if (!ParseBool(v, &b)) return absl::StrCat(header, " '", v, "' must be 是 or 否 (true/false, 1/0)");
      r->SetBool(facts, fd, b);
      return "";
    }
    case pb::FieldDescriptor::CPPTYPE_ENUM: {
      const pb::EnumValueDescriptor* value = ParseEnum(fd->enum_type(), v);
      if (value == nullptr) return absl::StrCat(header, " '", v, "' is not one of ", EnumChoices(fd->enum_type()));
      r->SetEnum(facts, fd, value);
      return "";
    }
    default:
      return absl::StrCat(header, ": CaseFacts.", column.field, " is of a type no ledger column fills");
  }
}

// Reads the CaseFacts columns of a row. measured_facts stays unset when they
// are all empty, so a ledger without them makes the same Case as before (and
// a re-import of it is still "already imported").
std::string ReadFacts(const std::vector<std::string>& f, v1::Case* c) {
  const std::vector<FactColumn>& columns = CaseFactsColumns();
  for (size_t i = 0; i < columns.size(); ++i) {
    const std::string& v = f[kFactsBegin + i];
    if (v.empty()) continue;  // not established, not zero
    std::string why = SetFact(columns[i], v, c->mutable_measured_facts());
    if (!why.empty()) return why;
  }
  return "";
}

// "没收违法所得并处罚款", "罚款、没收违法所得": one decision of several kinds.
// The first named is `kind`, the others `additional_kinds`, each kind once
// (没收违法所得、没收非法财物 is one kind, CONFISCATION).
std::string ReadPenaltyKinds(const std::string& s, v1::PenaltyDecision* p) {
  std::string list = absl::StrReplaceAll(
      s, {{"并处", "、"}, {"和", "、"}, {"，", "、"}, {",", "、"}, {"；", "、"}, {";", "、"}});
  std::vector<v1::PenaltyKind> kinds;
  for (absl::string_view part : absl::StrSplit(list, "、", absl::SkipWhitespace())) {
    std::string name(absl::StripAsciiWhitespace(part));
    v1::PenaltyKind kind;
    if (!Lookup(PenaltyKinds(), name, &kind)) {
      if (name == s) return absl::StrCat("处罚种类 '", s, "' is unknown");
      return absl::StrCat("处罚种类 '", s, "': '", name, "' is unknown");
    }
    if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  }
  if (kinds.empty()) return absl::StrCat("处罚种类 '", s, "' names no kind");
  if (kinds.size() > 1 && std::find(kinds.begin(), kinds.end(), v1::NO_PENALTY) != kinds.end()) {
    return absl::StrCat("处罚种类 '", s, "': 不予处罚 cannot go with another kind");
  }
  p->set_kind(kinds[0]);
  for (size_t i = 1; i < kinds.size(); ++i) p->add_additional_kinds(kinds[i]);
  return "";
}

// 立案日期, when the ledger has it: entry timeliness (有案必录) counts from it.
std::string ReadRegisterDate(const std::string& s, v1::Case* c) {
  if (s.empty()) return "";
  std::string date;
  if (!ParseLedgerDate(s, &date)) return absl::StrCat("立案日期 '", s, "' is not a date (2024-04-01)");
  c->set_register_date(date);
  return "";
}

// "产品质量法第四十九条；《食品安全法》第三十四条、第一百二十四条第一款":
// a provision per 第…条, its law the text before the 第 (《》 dropped) or,
// when none, the law of the provision before (第一百二十四条 is of 食品安全法).
// What follows the 条 (第一款, 第（三）项) stays with the article.
std::string ReadProvisions(const std::string& s, v1::Case* c) {
  std::string list = absl::StrReplaceAll(s, {{"；", ";"}, {"、", ";"}, {"，", ";"}, {",", ";"}});
  std::string law;
  for (absl::string_view part : absl::StrSplit(list, ';', absl::SkipWhitespace())) {
    absl::string_view item = absl::StripAsciiWhitespace(part);
    size_t at = item.find("第");
    if (at == absl::string_view::npos || item.find("条", at) == absl::string_view::npos) {
      return absl::StrCat("法律依据条款 '", item, "' names no article (第…条)");
    }
    if (at > 0) {
      law = absl::StrReplaceAll(absl::StripAsciiWhitespace(item.substr(0, at)), {{"《", ""}, {"》", ""}});
    }
    if (law.empty()) return absl::StrCat("法律依据条款 '", item, "' names no law before its 第…条");
    v1::LegalProvision* p = c->add_legal_provisions();
    p->set_law(law);
    p->set_article(std::string(item.substr(at)));
  }
  return "";
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
      std::string why = ReadPenaltyKinds(f[kPenaltyKind], p);
      if (!why.empty()) return why;
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
  std::string why = ReadRegisterDate(f[kRegisterDate], c);
  if (why.empty()) why = ReadProvisions(f[kProvisions], c);
  if (why.empty()) why = ReadFacts(f, c);
  if (!why.empty()) return why;
  return AddParty(f, c);
}

}  // namespace

const std::vector<FactColumn>& CaseFactsColumns() {
  static const auto* columns = new std::vector<FactColumn>{
      {"sales_amount_fen", {"销售金额（元）", "销售金额(元)", "销售金额"}},
      {"unsold_goods_value_fen", {"货值金额（元）", "货值金额(元)", "货值金额"}},
      {"illegal_gains_fen", {"违法所得（元）", "违法所得(元)", "违法所得"}},
      {"illegal_business_amount_fen", {"非法经营数额（元）", "非法经营数额(元)", "非法经营数额"}},
      {"unpaid_wages_fen", {"拖欠劳动报酬（元）", "拖欠劳动报酬(元)", "拖欠劳动报酬", "拖欠工资（元）", "拖欠工资(元)"}},
      {"workers_unpaid", {"拖欠人数", "被拖欠人数"}},
      {"months_unpaid", {"拖欠月数"}},
      {"single_worker_unpaid_fen", {"单人拖欠金额（元）", "单人拖欠金额(元)", "单人拖欠金额"}},
      {"order_to_pay_ignored", {"责令支付后仍未支付", "责令支付仍不支付"}},
      {"deaths", {"死亡人数"}},
      {"serious_injuries", {"重伤人数"}},
      {"direct_economic_loss_fen", {"直接经济损失（元）", "直接经济损失(元)", "直接经济损失"}},
      {"hazardous_waste_kg", {"危险废物（千克）", "危险废物(千克)", "危险废物（kg）", "危险废物(kg)"}},
      {"pollutant_group", {"污染物类别"}},
      // Never plain 超标倍数: a multiple (4) read as a percentage is 4%.
      {"pollutant_percent_of_standard", {"超标倍数（%）", "超标倍数(%)", "超标倍数（％）"}},
      {"property_loss_fen", {"公私财产损失（元）", "公私财产损失(元)", "公私财产损失"}},
      {"poisoned_persons", {"中毒人数"}},
      {"food_contaminant_severely_over_limit", {"食品污染物严重超标"}},
      {"food_diseased_or_uninspected_meat", {"病死或未检疫肉类"}},
      {"food_special_or_infant_nutrients_deficient", {"特医婴幼儿食品营养不符"}},
      {"food_banned_for_disease_control", {"防控疾病禁售食品"}},
      {"real_danger_of_serious_accident", {"重大事故现实危险"}},
      {"safety_equipment_disabled", {"关闭破坏安全设备"}},
      {"hazard_order_refused", {"拒不执行隐患整改"}},
      {"unlicensed_high_risk_operation", {"未经批准高危作业"}},
      {"offender_is_unit", {"违法主体为单位"}},
      {"prior_same_kind_penalties_2y", {"二年内同类处罚次数", "两年内同类处罚次数"}},
      {"toxic_discharge_in_protected_area", {"保护区排放有毒物质"}},
      {"discharge_evading_supervision", {"逃避监管排放"}},
      {"monitoring_data_falsified", {"篡改自动监测数据"}},
      {"water_source_interruption_hours", {"水源取水中断（小时）", "水源取水中断(小时)"}},
  };
  return *columns;
}

std::vector<std::string> PenaltyLedgerHeaders() { return LedgerHeaders(Specs()); }

absl::StatusOr<Ledger> ParsePenaltyLedger(absl::string_view csv) {
  absl::StatusOr<std::vector<LedgerRow>> rows = ReadLedgerRows(csv, Specs(), ColumnCount(), "行政处罚台账");
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
