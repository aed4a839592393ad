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

enum Col { kDocument, kKind, kReceiver, kSubject, kCases, kServed, kMaterial, kNonProsecution, kColCount };

const std::vector<LedgerColumn>& Specs() {
  static const auto* specs = new std::vector<LedgerColumn>{
      {kDocument, true, {"文书号", "文书编号", "检察建议书文号"}},
      {kKind, true, {"监督类型", "文书类型"}},
      {kReceiver, true, {"被监督单位", "被建议单位", "送达单位"}},
      {kSubject, true, {"监督事项", "监督内容", "主要内容"}},
      {kCases, false, {"关联案件", "案件编号"}},
      {kServed, false, {"送达日期", "发出日期"}},
      {kMaterial, false, {"文书名称", "附件"}},
      {kNonProsecution, false, {"不起诉决定书", "不起诉决定书文号", "不起诉文号"}},
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

// A 检察意见 about a person not prosecuted travels as a reverse transfer.
bool IsReverseTransfer(const std::vector<std::string>& f, v1::SupervisionKind kind) {
  return kind == v1::SUPERVISION_OPINION &&
         (!f[kNonProsecution].empty() || f[kSubject].find("不起诉") != std::string::npos);
}

// The reverse transfer a 不起诉 检察意见 row records (its first case is the one
// transferred; the 文书号 stays with it as its material's reference).
std::string ToReverse(const v1::CreateSupervisionRequest& r, const std::string& non_prosecution,
                      v1::CreateTransferRequest* t) {
  if (r.case_ids_size() > 1) return "a 不起诉 检察意见 concerns one case; 关联案件 lists several";
  t->set_direction(v1::TRANSFER_REVERSE);
  t->set_receiver_agency(r.receiver_agency());
  if (r.case_ids_size() == 1) t->set_case_id(r.case_ids(0));
  t->set_subject(non_prosecution.empty() ? r.subject()
                                         : absl::StrCat(r.subject(), " (不起诉决定书 ", non_prosecution, ")"));
  *t->mutable_materials() = r.materials();
  if (t->materials().empty()) {
    v1::Material* m = t->add_materials();
    m->set_title("检察意见书");
    m->set_reference(r.document_number());
  }
  if (r.has_service_time()) *t->mutable_service_time() = r.service_time();
  return "";
}

// Reads one row into `e`; returns a reason on error.
std::string ReadEntry(const std::vector<std::string>& f, SupervisionEntry* e) {
  v1::CreateSupervisionRequest r;
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
  if (IsReverseTransfer(f, r.kind())) {
    v1::CreateTransferRequest t;
    std::string problem = ToReverse(r, f[kNonProsecution], &t);
    if (!problem.empty()) return problem;
    e->content.reverse = std::move(t);
  } else {
    e->content.record = std::move(r);
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
