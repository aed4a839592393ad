// RawService: a caselink gRPC service whose requests caselink parses itself.
// It is built from the protobuf ServiceDescriptor and a method table (name ->
// request and response prototypes -> typed handler); every method is
// registered with gRPC as a raw-buffer method (bytes in, bytes out), the way
// the generated WithRawCallbackMethod_* classes do, so that
//   - bytes that do not parse as the request message are refused with
//     INVALID_ARGUMENT naming the expected type, and are logged like any
//     refused call (gRPC's own parsing answered UNIMPLEMENTED, unlogged);
//   - unknown fields are dropped from every request (recursively) before
//     anything else sees it: caselink messages are closed-world.
// Every method of the service must have an entry, and entries must match the
// descriptor's types (checked at start-up: a wiring mistake aborts the start
// rather than serve UNIMPLEMENTED). Server reflection still lists the service
// (gRPC takes the names from the method paths).
//
// Example (in a service's constructor):
//   Install(v1::CaseService::service_full_name(),
//           {Unary("GetCase", this, &CaseServiceImpl::DoGet), ...});
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "google/protobuf/message.h"
#include "grpcpp/impl/codegen/server_callback_handlers.h"
#include "grpcpp/impl/rpc_service_method.h"
#include "grpcpp/impl/service_type.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/method_handler.h"
#include "grpcpp/support/sync_stream.h"
#include "server/core/call_guard.h"
#include "server/core/service_context.h"

namespace caselink::server {

// A unary method: the enforcement path (ServeUnary) runs `handler` on the
// parsed request after admission; the handler fills the response.
struct UnaryMethod {
  std::string name;  // "GetCase"
  const google::protobuf::Message* request_prototype = nullptr;
  const google::protobuf::Message* response_prototype = nullptr;
  std::function<absl::Status(const CallScope&, const google::protobuf::Message& request,
                             google::protobuf::Message* response)>
      handler;
  // Server-streaming methods (Watch): a synchronous handler that gets the
  // parsed request and writes typed messages itself. Made by Stream<>().
  // Client-streaming methods (document upload) too, made by ClientStream<>().
  std::function<grpc::internal::MethodHandler*(const std::string& path)> make_stream_handler;
  bool client_streaming = false;
  // From the method's (caselink.v1.point_read) option, set by Install: never
  // by hand, so what the .proto declares is what the server does.
  bool point_read = false;
};

// The table entry of a unary method implemented by a member function.
template <class Service, class Req, class Resp>
UnaryMethod Unary(std::string name, Service* self,
                  absl::Status (Service::*fn)(const CallScope&, const Req&, Resp*)) {
  return UnaryMethod{std::move(name), &Req::default_instance(), &Resp::default_instance(),
                     [self, fn](const CallScope& scope, const google::protobuf::Message& req,
                                google::protobuf::Message* resp) {
                       return (self->*fn)(scope, static_cast<const Req&>(req), static_cast<Resp*>(resp));
                     },
                     nullptr};
}

// The same for a lambda (explicit types: Unary<Req, Resp>("Name", [..](..){..})).
template <class Req, class Resp>
UnaryMethod Unary(std::string name, std::function<absl::Status(const CallScope&, const Req&, Resp*)> fn) {
  return UnaryMethod{std::move(name), &Req::default_instance(), &Resp::default_instance(),
                     [fn = std::move(fn)](const CallScope& scope, const google::protobuf::Message& req,
                                          google::protobuf::Message* resp) {
                       return fn(scope, static_cast<const Req&>(req), static_cast<Resp*>(resp));
                     },
                     nullptr};
}

// Parses `bytes` as `prototype`'s type into `out` and drops its unknown
// fields. INVALID_ARGUMENT naming the type if the bytes do not parse.
absl::Status ParseClosed(grpc::ByteBuffer* bytes, google::protobuf::Message* out);

// Refuses a streaming call whose request did not parse, through the same
// steps as every refused call (admission for the caller's identity, access
// log, metrics). Returns the status to answer.
grpc::Status RefuseUndecodableStream(const ServiceContext& sc, grpc::ServerContext* ctx,
                                     const std::string& method, const absl::Status& parsed);

// A server-streaming method whose handler takes the typed request and a
// writer of `Resp`. `sc` must outlive the server.
template <class Req, class Resp>
UnaryMethod Stream(std::string name, const ServiceContext* sc,
                   std::function<grpc::Status(grpc::ServerContext*, const Req*, grpc::ServerWriter<Resp>*)> fn) {
  UnaryMethod m{name, &Req::default_instance(), &Resp::default_instance(), nullptr, nullptr};
  m.make_stream_handler = [sc, fn](const std::string& path) -> grpc::internal::MethodHandler* {
    const std::string method = path.substr(1);  // without the leading '/'
    return new grpc::internal::ServerStreamingHandler<grpc::Service, grpc::ByteBuffer, Resp>(
        [sc, fn, method](grpc::Service*, grpc::ServerContext* ctx, const grpc::ByteBuffer* bytes,
                         grpc::ServerWriter<Resp>* writer) {
          Req req;
          grpc::ByteBuffer copy(*bytes);
          absl::Status parsed = ParseClosed(&copy, &req);
          if (!parsed.ok()) return RefuseUndecodableStream(*sc, ctx, method, parsed);
          return fn(ctx, &req, writer);
        },
        nullptr);
  };
  return m;
}

// A client-streaming method whose handler reads the raw messages (to parse
// each closed-world with ParseClosed) and fills a typed response. `Req` is
// the type of each streamed message.
template <class Req, class Resp>
UnaryMethod ClientStream(
    std::string name,
    std::function<grpc::Status(grpc::ServerContext*, grpc::ServerReader<grpc::ByteBuffer>*, Resp*)> fn) {
  UnaryMethod m{name, &Req::default_instance(), &Resp::default_instance(), nullptr, nullptr};
  m.client_streaming = true;
  m.make_stream_handler = [fn](const std::string&) -> grpc::internal::MethodHandler* {
    return new grpc::internal::ClientStreamingHandler<grpc::Service, grpc::ByteBuffer, Resp>(
        [fn](grpc::Service*, grpc::ServerContext* ctx, grpc::ServerReader<grpc::ByteBuffer>* reader, Resp* resp) {
          return fn(ctx, reader, resp);
        },
        nullptr);
  };
  return m;
}

class RawService : public grpc::Service {
 public:
  explicit RawService(const ServiceContext& sc) : raw_sc_(sc) {}

 protected:
  // Registers every method of the service named `service_full_name` from
  // `table`; aborts the process if the table does not match the descriptor.
  void Install(const std::string& service_full_name, std::vector<UnaryMethod> table);

 private:
  struct Registered {
    UnaryMethod method;
    std::string path;  // "/caselink.v1.CaseService/GetCase"
    std::string rpc;   // "caselink.v1.CaseService/GetCase" (what the policy names)
  };
  const ServiceContext& raw_sc_;
  std::vector<std::unique_ptr<Registered>> registered_;
};

// A RawService from a table alone (for services whose handlers live
// elsewhere, e.g. the event stream).
class TableService final : public RawService {
 public:
  TableService(const ServiceContext& sc, const std::string& service_full_name,
               std::vector<UnaryMethod> table)
      : RawService(sc) {
    Install(service_full_name, std::move(table));
  }
};

}  // namespace caselink::server
