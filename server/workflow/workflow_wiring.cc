#include "server/workflow/workflow_wiring.h"


namespace caselink::server {

WorkflowParts::WorkflowParts(storage::Database* db, storage::CommitPipeline* pipeline,
                             workflow::Settings settings)
    : links_(db), row_facts_(&links_), store_(db, pipeline), events_(db), reminders_(db, pipeline, &context_) {
  // What the database held when it opened is durable; later events once the
  // pipeline reports their group fsynced.
  hub_.Notify(pipeline->NextSequence(storage::Table::kEvents) - 1);
  pipeline->AddListener([this](storage::Table table, uint64_t last_seq) {
    if (table == storage::Table::kEvents) hub_.Notify(last_seq);
  });
  context_.store = &store_;
  context_.events = &events_;
  context_.links = &links_;
  settings_.Replace(std::move(settings));
  context_.settings = &settings_;
  context_.hub = &hub_;
}

void WorkflowParts::Register(const ServiceContext& sc, grpc::ServerBuilder* builder) {
  workflow_service_ = std::make_unique<WorkflowServiceImpl>(sc);
  event_service_ = std::make_unique<EventServiceImpl>(sc);
  builder->RegisterService(workflow_service_.get());
  EventServiceImpl* events = event_service_.get();
  event_raw_ = std::make_unique<TableService>(
      sc, v1::EventService::service_full_name(),
      std::vector<UnaryMethod>{Stream<v1::WatchRequest, v1::Event>(
          "Watch", &sc,
          [events](grpc::ServerContext* ctx, const v1::WatchRequest* req,
                   grpc::ServerWriter<v1::Event>* writer) { return events->Watch(ctx, req, writer); })});
  builder->RegisterService(event_raw_.get());
}

}  // namespace caselink::server
