// ReportTally adds up the joint-meeting figures (docs/reports.md) from the
// items the report service feeds it — already chosen by period and by the
// caller's rows — and writes the report's rows, totals and lists. It alone
// decides which state counts as accepted, refused, pending, answered,
// rectified or overdue; it knows nothing of storage or policy. Not
// thread-safe (one per report).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/screening.pb.h"

namespace caselink::server {

// When a case was entered, relative to its decision (else its 立案): days
// between, and whether that was late (有案必录). Unknown without either date.
struct EntryTiming {
  bool timed = false;
  int64_t delay_days = 0;
  bool late = false;
};

class ReportTally {
 public:
  // The lists hold at most this many entries; the rest is counted as omitted.
  static constexpr int kMaxListed = 2000;

  // `now`: the server time states and overdue flags are taken at.
  explicit ReportTally(absl::Time now) : now_(now) {}

  using Entry = EntryTiming;
  // Which of AggregatedPaths() the caller reads in full of one case, in that
  // order (empty: all of them, for callers that read every field).
  using Shown = std::vector<bool>;
  // A case dated in the period; `decided` if its penalty decision is. It adds
  // to a figure, a row key or the major-case list only what `shown` lets the
  // caller read ((caselink.v1.aggregates) on ReportFigures and ReportRow), and
  // nothing at all if the field that places it in the period is not shown.
  void AddCase(const v1::Case& c, bool decided, const Entry& entry = {}, const Shown& shown = {});
  // A screening hit first met in the period, its state set; `shown`: of its
  // case, as for AddCase.
  void AddHit(const v1::ScreeningHit& hit, const Shown& shown = {});
  // A transfer sent in the period; `domain`: of its first case.
  void AddTransfer(const v1::Transfer& t, v1::Domain domain);
  // A supervision record served in the period; `domain`: of its first case.
  void AddSupervision(const v1::SupervisionRecord& r, v1::Domain domain);

  // Writes rows, agency totals, the district total and the lists. `names`:
  // agency id -> display name.
  void Finish(const std::map<std::string, std::string>& names, v1::JointMeetingReport* out);

 private:
  v1::ReportFigures& Row(const std::string& agency, v1::Domain domain);
  // The row a case's figures go to: its owner and domain, each where shown.
  v1::ReportFigures& CaseRow(const std::string& owner, v1::Domain domain, const Shown& shown,
                             std::pair<std::string, int>* key);
  template <class Item>
  void NoteOverdue(const Item& item, v1::OverdueItem::Kind kind, const std::string& agency,
                   v1::Domain domain, const google::protobuf::Timestamp& start);

  absl::Time now_;
  std::map<std::pair<std::string, int>, v1::ReportFigures> rows_;
  // Entry delays per row: medians are taken over them, not summed.
  std::map<std::pair<std::string, int>, std::vector<int64_t>> delays_;
  std::vector<v1::OverdueItem> overdue_;
  std::vector<v1::Case> major_;
  int64_t major_omitted_ = 0;
};

// The caselink.v1.Case paths ReportFigures' and ReportRow's fields declare
// (caselink.v1.aggregates), each once, in field order.
const std::vector<std::string>& AggregatedPaths();

// a += b, field by field (every figure is an int64 count or sum, but the
// median entry delay, which is left as it is in `a`).
void AddFigures(const v1::ReportFigures& b, v1::ReportFigures* a);

}  // namespace caselink::server
