#include "supervision_ledger_csv.h"

#include <map>

#include "caselink_common/district_time_zone.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace caselink::cli {
namespace {

enum Col { kDocument, kKind, kReceiver, kSubject, kCases, kServed, kMaterial, kColCount };

const std::vector<LedgerColumn>& Specs() {
  static const auto* specs = new std::vector<LedgerColumn>{
      {kDocument, true, {"文书号", "文书编号", "检察建议书文号"}},
      {kKind, true, {"监督类型", "文书类型"}},
      {kReceiver, true, {"被监督单位", "被建议单位", "送达单位"}},
      {kSubject, true, {"监督事项", "监督内容", "主要内容"}},
      {kCases, false, {"关联案件", "案件编号"}},
      {kServed, false, {"送达日期", "发出日期"}},
      {kMaterial, false, {"文书名称", "附件"}},
  };
  return *specs;
}

const std::map<std::string, v1::SupervisionKind>& Kinds() {
  static const auto* m = new std::map<std::string, v1::SupervisionKind>{
      {"检察建议", v1::SUPERVISION_RECOMMENDATION}, {"检察意见", v1::SUPERVISION_OPINION},
      {"纠正违法", v1::SUPERVISION_CORRECTION}, {"纠正违法通知", v1::SUPERVISION_CORRECTION},
      {"纠正违法通知书", v1::SUPERVISION_CORRECTION}};
  return *m;
}

// Reads one row into `e`; returns a reason on error.
std::string ReadEntry(const std::vector<std::string>& f, SupervisionEntry* e) {
  v1::CreateSupervisionRequest& r = e->content;
  auto kind = Kinds().find(f[kKind]);
  if (kind == Kinds().end()) {
    return absl::StrCat("监督类型 '", f[kKind], "' is not one of 检察建议, 检察意见, 纠正违法");
  }
  r.set_kind(kind->second);
  if (f[kReceiver].empty()) return "被监督单位 is empty (the agency id of the policy, e.g. market)";
  r.set_receiver_agency(f[kReceiver]);
  if (f[kSubject].empty()) return "监督事项 is empty";
  r.set_subject(f[kSubject]);
  r.set_document_number(e->key);
  // Case ids separated by any of ；; 、 , or spaces, as clerks type lists.
  const std::string ids = absl::StrReplaceAll(f[kCases], {{"；", ","}, {"、", ","}, {"，", ","}});
  for (absl::string_view id : absl::StrSplit(ids, absl::ByAnyChar(";, \t"), absl::SkipWhitespace())) {
    r.add_case_ids(std::string(id));
  }
  if (!f[kServed].empty()) {
    std::string date;
    absl::CivilDay day;
    if (!ParseLedgerDate(f[kServed], &date) || !absl::ParseCivilTime(date, &day)) {
      return absl::StrCat("送达日期 '", f[kServed], "' is not a date (2024-04-01)");
    }
    r.mutable_service_time()->set_seconds(absl::ToUnixSeconds(absl::FromCivil(day, DefaultDistrictTimeZone())));
  }
  if (!f[kMaterial].empty()) {
    v1::Material* m = r.add_materials();
    m->set_title(f[kMaterial]);
    m->set_reference(e->key);
  }
  return "";
}

}  // namespace

std::vector<std::string> SupervisionLedgerHeaders() { return LedgerHeaders(Specs()); }

absl::StatusOr<SupervisionLedger> ParseSupervisionLedger(absl::string_view csv) {
  absl::StatusOr<std::vector<LedgerRow>> rows = ReadLedgerRows(csv, Specs(), kColCount, "检察监督台账");
  if (!rows.ok()) return rows.status();
  SupervisionLedger ledger;
  std::map<std::string, int> first_line;  // 文书号 -> line of its row
  for (const LedgerRow& row : *rows) {
    const std::vector<std::string>& f = row.f;
    if (f[kDocument].empty()) {
      ledger.problems.push_back({row.line, "文书号 is empty"});
      continue;
    }
    auto [seen, fresh] = first_line.emplace(f[kDocument], row.line);
    if (!fresh) {
      // One act, one row: a second row would be a second record or a silent
      // overwrite, and the ledger's author must say which.
      ledger.problems.push_back({row.line, absl::StrCat("文书号 ", f[kDocument], " already appears at line ",
                                                        seen->second, "; one row per document")});
      continue;
    }
    SupervisionEntry e;
    e.line = row.line;
    e.key = f[kDocument];
    std::string why = ReadEntry(f, &e);
    if (!why.empty()) {
      ledger.problems.push_back({row.line, why});
      continue;
    }
    ledger.entries.push_back(std::move(e));
  }
  return ledger;
}

}  // namespace caselink::cli
