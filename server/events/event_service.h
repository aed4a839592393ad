// EventService.Watch: the resumable event stream. The call is admitted by
// the same enforcement path as every RPC (CallGuard::Admit), and every event
// is filtered and redacted by CallGuard::FilterResponse exactly like a read,
// so an event never shows more of a case than a read would. A stream replays
// the caller's events after from_cursor from the log, then waits for new
// durable events (WatchHub) and re-reads from its last cursor after each
// wake, so nothing committed meanwhile is missed or repeated.
// A synchronous service: each open stream holds one gRPC thread, bounded by
// the per-agency stream limit.
#pragma once

#include "caselink/v1/workflow.grpc.pb.h"
#include "server/core/service_context.h"

namespace caselink::server {

class EventServiceImpl final : public v1::EventService::Service {
 public:
  explicit EventServiceImpl(const ServiceContext& sc) : sc_(sc) {}

  grpc::Status Watch(grpc::ServerContext* ctx, const v1::WatchRequest* req,
                     grpc::ServerWriter<v1::Event>* writer) override;

 private:
  absl::Status Stream(grpc::ServerContext* ctx, const CallScope& scope, const v1::WatchRequest& req,
                      grpc::ServerWriter<v1::Event>* writer, AccessRecord* record);

  const ServiceContext& sc_;
};

}  // namespace caselink::server
