// ServeUnary runs one unary RPC through the enforcement path on the worker
// pool: admit (authenticate, authorize the RPC), run the handler, filter the
// response (rows, fields, purpose), log, and finish. Every unary handler of
// every service goes through it, so no handler can skip a step.
//
// Example (in a CallbackService method):
//   return ServeUnary(sc_, ctx, kGetCase, req, resp,
//                     [&](const CallScope& scope) { return GetCase(scope, *req, resp); });
#pragma once

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "server/call_guard.h"
#include "server/service_context.h"

namespace caselink::server {

using Handler = std::function<absl::Status(const CallScope& scope)>;

// Runs admit -> handler -> filter and returns the final status; on error the
// response is cleared so nothing partial leaves the server.
absl::Status RunGuarded(const ServiceContext& sc, const grpc::CallbackServerContext& ctx,
                        const std::string& method, const google::protobuf::Message& request,
                        google::protobuf::Message* response, const Handler& handler,
                        const std::string& request_id = "");

grpc::ServerUnaryReactor* ServeUnary(const ServiceContext& sc, grpc::CallbackServerContext* ctx,
                                     const std::string& method,
                                     const google::protobuf::Message* request,
                                     google::protobuf::Message* response, Handler handler);

}  // namespace caselink::server
