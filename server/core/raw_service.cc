#include "server/core/raw_service.h"

#include <algorithm>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "caselink/v1/annotations.pb.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/impl/codegen/proto_utils.h"
#include "grpcpp/support/proto_buffer_reader.h"
#include "server/core/server_metrics.h"
#include "server/core/status_map.h"
#include "server/core/unary_call.h"
#include "spdlog/spdlog.h"

namespace caselink::server {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;
using google::protobuf::ServiceDescriptor;

[[noreturn]] void WiringError(const std::string& what) {
  spdlog::critical("caselink service wiring: {}", what);
  std::abort();
}

}  // namespace

absl::Status ParseClosed(grpc::ByteBuffer* bytes, Message* out) {
  grpc::Status s = grpc::GenericDeserialize<grpc::ProtoBufferReader, Message>(bytes, out);
  if (!s.ok()) {
    out->Clear();
    return absl::InvalidArgumentError(absl::StrCat(
        "request is not a valid ", out->GetDescriptor()->full_name(),
        " (the bytes do not parse as that message; is the client built from caselink's .proto files?)"));
  }
  // Closed world: a field this server does not know is neither validated,
  // stored nor returned, so it is dropped here, before anything reads it.
  out->DiscardUnknownFields();
  return absl::OkStatus();
}

grpc::Status RefuseUndecodableStream(const ServiceContext& sc, grpc::ServerContext* ctx,
                                     const std::string& method, const absl::Status& parsed) {
  const absl::Time start = absl::Now();
  AccessRecord record;
  absl::StatusOr<CallScope> scope = sc.guard->Admit(*ctx, method, &record);
  absl::Status status = parsed;
  if (!scope.ok()) {
    status = scope.status();
  } else {
    record.denied_by = deny_rule::kUndecodableRequest;
  }
  return ToGrpc(ConcludeCall(sc, method, record, status, start, ""));
}

void RawService::Install(const std::string& service_full_name, std::vector<UnaryMethod> table) {
  const ServiceDescriptor* sd =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_full_name);
  if (sd == nullptr) WiringError(absl::StrCat("no descriptor for service ", service_full_name));
  for (int i = 0; i < sd->method_count(); ++i) {
    const MethodDescriptor* md = sd->method(i);
    auto entry = std::find_if(table.begin(), table.end(),
                              [&](const UnaryMethod& m) { return m.name == md->name(); });
    if (entry == table.end()) WiringError(absl::StrCat(md->full_name(), " has no handler"));
    if (entry->request_prototype->GetDescriptor() != md->input_type() ||
        entry->response_prototype->GetDescriptor() != md->output_type()) {
      WiringError(absl::StrCat(md->full_name(), ": the handler's message types differ from the .proto"));
    }
    const bool streams = entry->make_stream_handler != nullptr;
    if (md->client_streaming() != entry->client_streaming ||
        md->server_streaming() != (streams && !entry->client_streaming) ||
        (md->client_streaming() && md->server_streaming())) {
      WiringError(absl::StrCat(md->full_name(), ": the handler's streaming differs from the .proto"));
    }
    const bool point_read = md->options().GetExtension(v1::point_read);
    if (point_read && (md->client_streaming() || md->server_streaming())) {
      WiringError(absl::StrCat(md->full_name(), ": a streaming method cannot be a point read"));
    }
    auto reg = std::make_unique<Registered>();
    reg->method = *entry;
    reg->method.point_read = point_read;
    table.erase(entry);
    // gRPC keeps the path's pointer, so it lives in `reg`.
    reg->path = absl::StrCat("/", sd->full_name(), "/", md->name());
    reg->rpc = reg->path.substr(1);
    const int index = static_cast<int>(registered_.size());
    if (md->client_streaming()) {
      AddMethod(new grpc::internal::RpcServiceMethod(reg->path.c_str(),
                                                     grpc::internal::RpcMethod::CLIENT_STREAMING,
                                                     reg->method.make_stream_handler(reg->path)));
    } else if (md->server_streaming()) {
      AddMethod(new grpc::internal::RpcServiceMethod(reg->path.c_str(),
                                                     grpc::internal::RpcMethod::SERVER_STREAMING,
                                                     reg->method.make_stream_handler(reg->path)));
    } else {
      AddMethod(new grpc::internal::RpcServiceMethod(reg->path.c_str(),
                                                     grpc::internal::RpcMethod::NORMAL_RPC, nullptr));
      const Registered* r = reg.get();
      const ServiceContext* sc = &raw_sc_;
      MarkMethodRawCallback(
          index, new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
                     [sc, r](grpc::CallbackServerContext* ctx, const grpc::ByteBuffer* request,
                             grpc::ByteBuffer* response) {
                       return ServeUnary(*sc, ctx, r->rpc, r->method, request, response);
                     }));
    }
    registered_.push_back(std::move(reg));
  }
  if (!table.empty()) {
    WiringError(absl::StrCat(service_full_name, " has no method ", table.front().name));
  }
}

}  // namespace caselink::server
