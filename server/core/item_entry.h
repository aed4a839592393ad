// The access-log entry of a write on a workflow item (a transfer, a meeting,
// a campaign's review, a document, a dismissal), sealed in the write's own
// batch with the field paths and parties its answer will show: the response
// filter is run over a copy of `answer` first (CallGuard::PreviewRecord), so
// the call needs no second entry once the answer exists.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "server/core/service_context.h"
#include "storage/commit_pipeline.h"

namespace caselink::server {

// `answer` may be null (not known yet): the entry then names no field, and
// ConcludeCall writes a second entry for what the answer shows.
absl::Status AttachItemEntryFor(const ServiceContext& sc, const CallScope& scope, const std::string& item_id,
                                const std::vector<std::string>& case_ids, const google::protobuf::Message* answer,
                                storage::CommitRequest* commit);

}  // namespace caselink::server
