#include "caselink/client.h"

#include <utility>

#include "caselink/request_id.h"
#include "channel_factory.h"
#include "client_impl.h"
#include "unary_call.h"

namespace caselink {

using client_internal::UnaryCall;

absl::StatusOr<std::unique_ptr<Client>> Client::Connect(
    const ClientOptions& options) {
  if (absl::Status s = options.Validate(); !s.ok()) return s;
  std::shared_ptr<grpc::Channel> channel =
      client_internal::MakeChannel(options);
  return std::unique_ptr<Client>(new Client(options, std::make_unique<Impl>(std::move(channel))));
}

namespace {

// The channel's credentials hold the key from here on; the client keeps no
// copy of its own, so options() never hands the private key to a log line.
ClientOptions WithoutKey(ClientOptions options) {
  options.key_pem.clear();
  return options;
}

}  // namespace

Client::Client(ClientOptions options, std::unique_ptr<Impl> impl)
    : options_(WithoutKey(std::move(options))), impl_(std::move(impl)) {}

Client::~Client() = default;

std::shared_ptr<grpc::Channel> Client::channel() const { return impl_->channel; }

absl::StatusOr<v1::SubmitCaseResponse> Client::SubmitCase(
    const v1::Case& c, int64_t expected_version, std::string request_id) {
  v1::SubmitCaseRequest request;
  *request.mutable_case_() = c;
  request.set_expected_version(expected_version);
  request.set_request_id(std::move(request_id));
  return SubmitCase(request);
}

absl::StatusOr<v1::SubmitCaseResponse> Client::SubmitCase(
    const v1::SubmitCaseRequest& request) {
  if (request.request_id().empty()) {
    // Fixed before the call so that every retry the channel makes carries
    // the same id.
    v1::SubmitCaseRequest with_id = request;
    with_id.set_request_id(NewRequestId());
    return UnaryCall(*impl_->cases, &v1::CaseService::Stub::SubmitCase, with_id,
                     options_.deadline);
  }
  return UnaryCall(*impl_->cases, &v1::CaseService::Stub::SubmitCase, request,
                   options_.deadline);
}

absl::StatusOr<v1::SubmitCasesResponse> Client::SubmitCases(v1::SubmitCasesRequest request) {
  for (v1::SubmitCaseRequest& item : *request.mutable_items()) {
    if (item.request_id().empty()) item.set_request_id(NewRequestId());
  }
  return UnaryCall(*impl_->cases, &v1::CaseService::Stub::SubmitCases, request, options_.deadline);
}

absl::StatusOr<v1::Case> Client::GetCase(const v1::GetCaseRequest& request) {
  return UnaryCall(*impl_->cases, &v1::CaseService::Stub::GetCase, request,
                   options_.deadline);
}

absl::StatusOr<v1::ListCasesResponse> Client::ListCases(
    const v1::ListCasesRequest& request) {
  return UnaryCall(*impl_->cases, &v1::CaseService::Stub::ListCases, request,
                   options_.deadline);
}

absl::StatusOr<v1::ListCaseVersionsResponse> Client::ListCaseVersions(
    const v1::ListCaseVersionsRequest& request) {
  return UnaryCall(*impl_->cases, &v1::CaseService::Stub::ListCaseVersions, request,
                   options_.deadline);
}

absl::StatusOr<v1::SearchCasesResponse> Client::SearchCases(
    const v1::SearchCasesRequest& request) {
  return UnaryCall(*impl_->cases, &v1::CaseService::Stub::SearchCases, request, options_.deadline);
}

absl::StatusOr<v1::AuditQueryResponse> Client::WhoRead(
    const v1::WhoReadRequest& request) {
  return UnaryCall(*impl_->audit, &v1::AuditService::Stub::WhoRead, request,
                   options_.deadline);
}

absl::StatusOr<v1::AuditQueryResponse> Client::AgencyAccess(
    const v1::AgencyAccessRequest& request) {
  return UnaryCall(*impl_->audit, &v1::AuditService::Stub::AgencyAccess, request,
                   options_.deadline);
}

absl::StatusOr<v1::AuditQueryResponse> Client::PartyAccess(
    const v1::PartyAccessRequest& request) {
  return UnaryCall(*impl_->audit, &v1::AuditService::Stub::PartyAccess, request,
                   options_.deadline);
}

absl::StatusOr<v1::GetStatsResponse> Client::GetStats() {
  return UnaryCall(*impl_->admin, &v1::AdminService::Stub::GetStats, v1::GetStatsRequest(),
                   options_.deadline);
}

absl::StatusOr<v1::BackupResponse> Client::Backup(const v1::BackupRequest& request,
                                                  absl::Duration deadline) {
  return UnaryCall(*impl_->admin, &v1::AdminService::Stub::Backup, request, deadline);
}

}  // namespace caselink
