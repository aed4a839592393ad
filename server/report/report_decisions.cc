#include "server/report/report_decisions.h"

#include <algorithm>
#include <vector>

#include "caselink_common/proto_time.h"
#include "server/workflow/workflow_actor.h"
#include "workflow/item_machine.h"

namespace caselink::server {

absl::Status AddDecisionItems(const ServiceContext& sc, const CallScope& scope, const ReportPeriod& period,
                              const rocksdb::Snapshot* at, v1::JointMeetingReport* out) {
  const workflow::Actor actor = ActorOf(scope);
  const absl::Time now = sc.now();
  std::vector<v1::DecisionItem> listed;
  absl::Status parse = absl::OkStatus();
  absl::Status scan = sc.workflow->store->ScanHeads(
      storage::Table::kDecisions, "",
      [&](const std::string&, const std::string& bytes) {
        v1::DecisionItem d;
        if (!d.ParseFromString(bytes)) {
          parse = absl::DataLossError("stored decision item is corrupted");
          return false;
        }
        if (!workflow::CanSee(actor, d)) return true;
        const bool closed = d.state() == v1::STATE_CLOSED;
        if (closed && !period.Contains(FromProtoTime(d.update_time()))) return true;
        workflow::MarkOverdue(now, &d);
        if (!closed) out->set_decisions_open(out->decisions_open() + 1);
        if (d.overdue()) out->set_decisions_overdue(out->decisions_overdue() + 1);
        listed.push_back(std::move(d));
        return true;
      },
      at);
  if (!scan.ok()) return scan;
  if (!parse.ok()) return parse;
  // Overdue first, then open before closed, then by due date and id.
  std::sort(listed.begin(), listed.end(), [](const v1::DecisionItem& a, const v1::DecisionItem& b) {
    const bool a_open = a.state() != v1::STATE_CLOSED, b_open = b.state() != v1::STATE_CLOSED;
    if (a.overdue() != b.overdue()) return a.overdue();
    if (a_open != b_open) return a_open;
    if (a.due_date() != b.due_date()) return a.due_date() < b.due_date();
    return a.id() < b.id();
  });
  for (v1::DecisionItem& d : listed) *out->add_decisions() = std::move(d);
  return absl::OkStatus();
}

}  // namespace caselink::server
