#include "server/core/item_entry.h"

namespace caselink::server {

absl::Status AttachItemEntryFor(const ServiceContext& sc, const CallScope& scope, const std::string& item_id,
                                const std::vector<std::string>& case_ids, const google::protobuf::Message* answer,
                                storage::CommitRequest* commit) {
  if (sc.access_log == nullptr) return absl::OkStatus();
  if (answer == nullptr || sc.guard == nullptr) {
    return sc.access_log->AttachItemEntry(scope, item_id, case_ids, commit);
  }
  AccessRecord shown;
  sc.guard->PreviewRecord(scope, *answer, &shown);
  return sc.access_log->AttachItemEntry(scope, item_id, case_ids, commit, &shown);
}

}  // namespace caselink::server
