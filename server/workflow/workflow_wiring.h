// WorkflowParts: everything the workflow adds to a running server, built and
// wired in one place — case links and the row facts that read them, the item
// store, the event log (its sealer and the listener that wakes streams), the
// effective periods, and the two services. The server keeps one instance
// for its lifetime; Close() ends open event streams before shutdown.
#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "workflow/item_machine.h"
#include "grpcpp/server_builder.h"
#include "server/events/event_service.h"
#include "server/core/linked_row_facts.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"
#include "server/workflow/deadline_reminders.h"
#include "server/workflow/workflow_context.h"
#include "server/workflow/workflow_service.h"

namespace caselink::server {

class WorkflowParts {
 public:
  // Installs the event log's sealer and listener on `pipeline` (call before
  // the first commit that appends events).
  WorkflowParts(storage::Database* db, storage::CommitPipeline* pipeline,
                workflow::Settings settings);

  // Row facts including transfer links, for the CallGuard.
  const RowFactsSource* row_facts() const { return &row_facts_; }
  const WorkflowContext* context() const { return &context_; }

  // Creates the services on `sc` (which must outlive them) and registers them.
  void Register(const ServiceContext& sc, grpc::ServerBuilder* builder);

  // Ends every open event stream with UNAVAILABLE (clients resume elsewhere)
  // and stops the reminder sweeps.
  void Close() {
    reminders_.Stop();
    hub_.Close();
  }

  DeadlineReminders& reminders() { return reminders_; }

  // Replaces the settings (a reloaded working calendar); steps already
  // taken keep their deadlines.
  void ReplaceSettings(workflow::Settings settings) { settings_.Replace(std::move(settings)); }

 private:
  storage::CaseLinks links_;
  LinkedRowFacts row_facts_;
  storage::WorkflowStore store_;
  storage::EventLog events_;
  WatchHub hub_;
  WorkflowSettings settings_;
  WorkflowContext context_;
  DeadlineReminders reminders_;
  std::unique_ptr<WorkflowServiceImpl> workflow_service_;
  std::unique_ptr<EventServiceImpl> event_service_;
  // What gRPC serves for EventService: caselink parses Watch's request
  // (raw_service.h) and hands it to event_service_.
  std::unique_ptr<TableService> event_raw_;
};

}  // namespace caselink::server
