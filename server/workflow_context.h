// What the workflow services share beyond ServiceContext: the item store,
// the event log, case links, the effective periods and the stream hub.
#pragma once

#include "absl/time/time.h"
#include "caselink/v1/config.pb.h"
#include "server/watch_hub.h"
#include "storage/case_links.h"
#include "storage/event_log.h"
#include "storage/workflow_store.h"

namespace caselink::server {

struct WorkflowContext {
  storage::WorkflowStore* store = nullptr;
  storage::EventLog* events = nullptr;
  const storage::CaseLinks* links = nullptr;
  v1::WorkflowConfig config;  // EffectiveWorkflowConfig applied
  absl::TimeZone tz;
  WatchHub* hub = nullptr;
};

}  // namespace caselink::server
