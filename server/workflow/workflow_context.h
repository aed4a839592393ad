// What the workflow services share beyond ServiceContext: the item store,
// the event log, case links, the district's workflow settings and the
// stream hub.
#pragma once

#include "server/events/watch_hub.h"
#include "storage/case_links.h"
#include "storage/event_log.h"
#include "storage/workflow_store.h"
#include "server/workflow/workflow_settings.h"

namespace caselink::server {

struct WorkflowContext {
  storage::WorkflowStore* store = nullptr;
  storage::EventLog* events = nullptr;
  const storage::CaseLinks* links = nullptr;
  // Effective periods, the district's zone and working calendar; replaced on reload.
  WorkflowSettings* settings = nullptr;
  WatchHub* hub = nullptr;
};

}  // namespace caselink::server
