// ServeStreaming runs one streaming call (an event stream, a document upload
// or download) through the same enforcement path as a unary call: identify
// the caller and authorize the RPC (CallGuard::Admit), optionally take one of
// the agency's in-flight slots, run the body, then ConcludeCall (the access
// log unless the body logged itself, metrics, the operator's log line). The
// call id goes back as trailing metadata, like ServeUnary's.
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "grpcpp/server_context.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"

namespace caselink::server {

// `take_slot`: the call counts against limits.max_calls_in_flight_per_agency
// (uploads and downloads; event streams have their own limit). The body gets
// the admitted scope (scope.record is the call's access record) and returns
// the call's status. `request`, for a call that has one before the stream
// (Watch, Download), is noted in the record like a unary call's (its
// purpose and the cases it names reach the entry also when refused).
grpc::Status ServeStreaming(const ServiceContext& sc, grpc::ServerContext* ctx, const std::string& method,
                            bool take_slot, const std::function<absl::Status(const CallScope& scope)>& body,
                            const google::protobuf::Message* request = nullptr);

}  // namespace caselink::server
