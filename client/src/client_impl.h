// Client::Impl: what a Client talks through — the channel and one stub per
// wrapped service — kept out of the public header so that it needs no gRPC.
// Immutable after construction; the stubs are thread-safe.
#pragma once

#include <memory>
#include <utility>

#include <grpcpp/channel.h>

#include "caselink/client.h"
#include "caselink/v1/admin.grpc.pb.h"
#include "caselink/v1/audit.grpc.pb.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "caselink/v1/document.grpc.pb.h"
#include "caselink/v1/meeting.grpc.pb.h"
#include "caselink/v1/oversight.grpc.pb.h"
#include "caselink/v1/screening.grpc.pb.h"
#include "caselink/v1/report.grpc.pb.h"
#include "caselink/v1/workflow.grpc.pb.h"

namespace caselink {

class Client::Impl {
 public:
  explicit Impl(std::shared_ptr<grpc::Channel> ch) : channel(std::move(ch)) {}

  const std::shared_ptr<grpc::Channel> channel;
  const std::unique_ptr<v1::CaseService::Stub> cases = v1::CaseService::NewStub(channel);
  const std::unique_ptr<v1::WorkflowService::Stub> workflow = v1::WorkflowService::NewStub(channel);
  const std::unique_ptr<v1::EventService::Stub> events = v1::EventService::NewStub(channel);
  const std::unique_ptr<v1::AuditService::Stub> audit = v1::AuditService::NewStub(channel);
  const std::unique_ptr<v1::ReportService::Stub> reports = v1::ReportService::NewStub(channel);
  const std::unique_ptr<v1::AdminService::Stub> admin = v1::AdminService::NewStub(channel);
  const std::unique_ptr<v1::DocumentService::Stub> documents = v1::DocumentService::NewStub(channel);
  const std::unique_ptr<v1::ScreeningService::Stub> screening = v1::ScreeningService::NewStub(channel);
  const std::unique_ptr<v1::OversightService::Stub> oversight = v1::OversightService::NewStub(channel);
  const std::unique_ptr<v1::MeetingService::Stub> meetings = v1::MeetingService::NewStub(channel);
};

}  // namespace caselink
