// Client: a connection to a caselink server over mutual TLS, with one method
// per RPC. Thread-safe: share one instance between all threads of a process
// (one per process is enough; the underlying channel multiplexes calls).
//
// Example:
//   auto opts = caselink::ClientOptions::FromFiles(
//       "caselink.example:7443", "ca.pem", "agency.pem", "agency.key");
//   if (!opts.ok()) return opts.status();
//   absl::StatusOr<std::unique_ptr<caselink::Client>> client =
//       caselink::Client::Connect(*opts);
//   if (!client.ok()) return client.status();
//   caselink::v1::GetCaseRequest req;
//   req.set_case_id("c-123");
//   req.set_purpose("joint inspection 2024-07");
//   absl::StatusOr<caselink::v1::Case> c = (*client)->GetCase(req);
//
// Every call carries the options' deadline. Calls are retried on UNAVAILABLE
// up to options.max_attempts (all CaseService RPCs are idempotent; writes are
// made so by their request_id). Errors are the server's status codes and
// messages, unchanged (see proto/caselink/v1/case_service.proto); a server
// that cannot be reached gives UNAVAILABLE or, once the deadline passes,
// DEADLINE_EXCEEDED.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "caselink/client_options.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "caselink/v1/case_service.pb.h"

namespace caselink {

class Client {
 public:
  // Validates `options` and creates the channel. Does not wait for the
  // connection: an unreachable server shows up as UNAVAILABLE on the first
  // call. Errors: INVALID_ARGUMENT naming the offending option (empty
  // target, missing PEM, non-positive deadline, ...).
  static absl::StatusOr<std::unique_ptr<Client>> Connect(
      const ClientOptions& options);

  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;
  ~Client();

  // Creates a case (c.case_id empty, expected_version 0) or stores a new
  // version of it (expected_version = the latest version the caller read).
  // An empty `request_id` is replaced by a new random UUIDv4, which is then
  // reused by every retry of this call, so a retry never stores twice. Pass
  // your own request_id to make retries across calls or processes
  // idempotent too. Errors: as CaseService.SubmitCase.
  absl::StatusOr<v1::SubmitCaseResponse> SubmitCase(
      const v1::Case& c, int64_t expected_version = 0,
      std::string request_id = "");
  // As above with a complete request; an empty request.request_id is
  // replaced by a new random UUIDv4 as above.
  absl::StatusOr<v1::SubmitCaseResponse> SubmitCase(
      const v1::SubmitCaseRequest& request);

  // Reads the latest (or the given) version of a case.
  // Errors: as CaseService.GetCase (NOT_FOUND, INVALID_ARGUMENT, ...).
  absl::StatusOr<v1::Case> GetCase(const v1::GetCaseRequest& request);

  // Reads one page of the cases visible to the caller; follow
  // next_page_token for the rest. Errors: as CaseService.ListCases.
  absl::StatusOr<v1::ListCasesResponse> ListCases(
      const v1::ListCasesRequest& request);

  // Reads every version of one case, oldest first.
  // Errors: as CaseService.ListCaseVersions.
  absl::StatusOr<v1::ListCaseVersionsResponse> ListCaseVersions(
      const v1::ListCaseVersionsRequest& request);

  // The underlying channel, for integrators that need a raw stub of a
  // service this class does not wrap yet. Calls made on it get the same TLS
  // identity and retry policy but no default deadline.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }

  // The options this client was created with.
  const ClientOptions& options() const { return options_; }

 private:
  Client(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  const ClientOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  // One stub per wrapped service; stubs are thread-safe.
  const std::unique_ptr<v1::CaseService::Stub> cases_;
};

}  // namespace caselink
