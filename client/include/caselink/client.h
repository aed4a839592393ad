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
// Every call carries the options' deadline. A call safe to repeat (a read,
// or a write made so by its request_id: every RPC but AdminService.Backup and
// the document streams) is retried on UNAVAILABLE, and on CANCELLED sent by a
// server that stopped with it in flight, up to options.max_attempts. Errors are the server's status codes and
// messages, unchanged (see proto/caselink/v1/case_service.proto); a server
// that cannot be reached gives UNAVAILABLE or, once the deadline passes,
// DEADLINE_EXCEEDED. Every error the server returned carries the server's
// request id of the call as a payload: quote caselink::RequestIdOf(status)
// (caselink/status_details.h) when you report a problem to the operator.
//
// The header includes only the generated messages (*.pb.h) and Abseil: the
// gRPC channel and stubs live behind a private implementation.
#pragma once

#include <cstdint>
#include <memory>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caselink/client_options.h"
#include "caselink/documents.h"
#include "caselink/status_details.h"
#include "caselink/v1/admin.pb.h"
#include "caselink/v1/audit.pb.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/document.pb.h"
#include "caselink/v1/meeting.pb.h"
#include "caselink/v1/oversight.pb.h"
#include "caselink/v1/report.pb.h"
#include "caselink/v1/screening.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "caselink/watch.h"

// Only named here (see Client::channel()); include <grpcpp/channel.h> to use it.
namespace grpc {
class Channel;
}  // namespace grpc

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

  // Submits up to 1,000 cases in one call and one synced write (loading a
  // ledger). Items with an empty request_id get a new UUIDv4 first. The call
  // succeeds when the batch was processed; each item's own outcome is in
  // results[i].code (0 = stored or replayed) and results[i].message.
  // Errors: as CaseService.SubmitCases.
  absl::StatusOr<v1::SubmitCasesResponse> SubmitCases(v1::SubmitCasesRequest request);

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

  // Finds cases across agencies by party id (身份证号 / 统一社会信用代码,
  // needs a purpose), party name, owner, domain, status, major flag or
  // decision-date range; one page at a time, like ListCases.
  // Errors: as CaseService.SearchCases.
  absl::StatusOr<v1::SearchCasesResponse> SearchCases(const v1::SearchCasesRequest& request);

  // AuditService (the access log; granted by the policy to supervising
  // agencies only): who read or tried to read a case; what an agency
  // accessed in a period; who accessed or searched a party id. Entries come
  // oldest first. Errors: PERMISSION_DENIED (not granted), INVALID_ARGUMENT.
  absl::StatusOr<v1::AuditQueryResponse> WhoRead(const v1::WhoReadRequest& request);
  absl::StatusOr<v1::AuditQueryResponse> AgencyAccess(const v1::AgencyAccessRequest& request);
  absl::StatusOr<v1::AuditQueryResponse> PartyAccess(const v1::PartyAccessRequest& request);

  // AdminService (the platform's operator only, by the policy): the
  // server's figures, the same as its /metrics endpoint; and an online
  // backup into a directory on the server host, which may take longer than
  // the usual deadline, hence its own. Errors: as the RPCs
  // (proto/caselink/v1/admin.proto).
  absl::StatusOr<v1::GetStatsResponse> GetStats();
  absl::StatusOr<v1::BackupResponse> Backup(const v1::BackupRequest& request,
                                            absl::Duration deadline);

  // WorkflowService (两法衔接: transfers and supervision records; see
  // proto/caselink/v1/workflow.proto and docs/workflow.md). Every mutating
  // call takes an idempotency key: an empty request_id is replaced by a new
  // random UUIDv4 reused by every retry of this call (pass your own to make
  // retries across calls or processes idempotent). Errors: as the RPCs.
  absl::StatusOr<v1::TransferResponse> CreateTransfer(v1::CreateTransferRequest request);
  absl::StatusOr<v1::TransferResponse> ActOnTransfer(v1::WorkflowActionRequest request);
  absl::StatusOr<v1::GetTransferResponse> GetTransfer(const v1::GetItemRequest& request);
  absl::StatusOr<v1::ListTransfersResponse> ListTransfers(const v1::ListItemsRequest& request);
  absl::StatusOr<v1::SupervisionResponse> CreateSupervision(v1::CreateSupervisionRequest request);
  absl::StatusOr<v1::SupervisionResponse> ActOnSupervision(v1::WorkflowActionRequest request);
  absl::StatusOr<v1::GetSupervisionResponse> GetSupervision(const v1::GetItemRequest& request);
  absl::StatusOr<v1::ListSupervisionResponse> ListSupervision(const v1::ListItemsRequest& request);
  // Every overdue item of the caller: follows next_page_token and answers
  // the pages merged (the server reads a bounded number of rows per page).
  // A page failing fails the whole call.
  absl::StatusOr<v1::ListOverdueResponse> ListOverdue();
  // One page of them (page_size, page_token as in ListTransfers).
  absl::StatusOr<v1::ListOverdueResponse> ListOverdue(const v1::ListOverdueRequest& request);

  // ReportService: the joint-meeting report (联席会议) for [from_date,
  // to_date), over the rows the policy lets the caller see (see
  // proto/caselink/v1/report.proto and docs/reports.md).
  // Errors: as ReportService.GetJointMeetingReport.
  absl::StatusOr<v1::JointMeetingReport> GetJointMeetingReport(
      const v1::JointMeetingReportRequest& request);

  // DocumentService: the documents of transfers and supervision records
  // (proto/caselink/v1/document.proto, docs/documents.md), streamed in 256
  // KiB messages, never held whole. Streaming calls have a deadline of their own
  // (one hour), not options.deadline. Errors: as the RPCs.
  //
  // Uploads `header.size` bytes read from `source`; header.sha256 must be
  // the content's SHA-256 (the server refuses a mismatch and stores nothing).
  // An empty request_id is derived from the whole header (item, kind, name,
  // size, hash, sensitivity, reference), so uploading the same file again is
  // answered with the first document.
  absl::StatusOr<v1::UploadDocumentResponse> UploadDocument(v1::UploadHeader header, const ByteSource& source,
                                                            const TransferProgress& progress = nullptr);
  // Uploads the file at `path`: size and SHA-256 are read from the file
  // (one pass before sending), file_name defaults to its base name.
  absl::StatusOr<v1::UploadDocumentResponse> UploadDocumentFile(v1::UploadHeader header, const std::string& path,
                                                                const TransferProgress& progress = nullptr);
  // Streams the content from request.offset to `sink`; returns the
  // document's metadata. Not retried: resume with offset = bytes received.
  absl::StatusOr<v1::Document> DownloadDocument(const v1::DownloadDocumentRequest& request, const ByteSink& sink,
                                                const TransferProgress& progress = nullptr);
  // Downloads into `path`, through `path` + ".part": an existing .part file
  // (an interrupted download) is resumed from its size, and the whole file's
  // SHA-256 is checked before it is renamed to `path` (DATA_LOSS on a
  // mismatch; the .part file is then removed). request.offset is ignored.
  absl::StatusOr<v1::Document> DownloadDocumentFile(const v1::DownloadDocumentRequest& request,
                                                    const std::string& path,
                                                    const TransferProgress& progress = nullptr);
  absl::StatusOr<v1::ListDocumentsResponse> ListDocuments(const v1::ListDocumentsRequest& request);
  absl::StatusOr<v1::GetDocumentResponse> GetDocument(const v1::GetDocumentRequest& request);

  // ScreeningService: cases whose facts meet a prosecution threshold but
  // were not transferred (proto/caselink/v1/screening.proto,
  // docs/screening.md). The procuratorate lists every hit, an agency its
  // own; the owner dismisses one with a reason (an empty request_id is
  // filled before the first attempt, so a retry is not a second dismissal).
  absl::StatusOr<v1::ListHitsResponse> ListHits(const v1::ListHitsRequest& request);
  absl::StatusOr<v1::DismissHitResponse> DismissHit(v1::DismissHitRequest request);

  // CaseService.MarkMajor: the government, the justice bureau or the
  // procuratorate marks another agency's case major (重大案件) or takes the
  // mark back, with a reason; the owner gets an event. An empty request_id is
  // filled before the first attempt.
  absl::StatusOr<v1::SubmitCaseResponse> MarkMajor(v1::MarkMajorRequest request);

  // OversightService (proto/caselink/v1/oversight.proto, docs/oversight.md):
  // the justice bureau's campaigns, their sample, case-quality reviews,
  // rectification notices and summary report. Mutating calls fill an empty
  // request_id before the first attempt, so a retry is never a second write.
  absl::StatusOr<v1::CampaignResponse> CreateCampaign(v1::CreateCampaignRequest request);
  absl::StatusOr<v1::CampaignResponse> GetCampaign(const v1::GetCampaignRequest& request);
  absl::StatusOr<v1::ListCampaignsResponse> ListCampaigns(const v1::ListCampaignsRequest& request);
  absl::StatusOr<v1::SampleResponse> DrawSample(v1::DrawSampleRequest request);
  absl::StatusOr<v1::SampleResponse> AddSampleCase(v1::AddSampleCaseRequest request);
  absl::StatusOr<v1::SampleResponse> GetSample(const v1::GetCampaignRequest& request);
  absl::StatusOr<v1::ReviewResponse> SubmitReview(v1::SubmitReviewRequest request);
  // One page (page_size, page_token); caselink/pages.h AllPages() for all.
  absl::StatusOr<v1::ListReviewsResponse> ListReviews(const v1::ListReviewsRequest& request);
  absl::StatusOr<v1::RectificationResponse> CreateRectification(v1::CreateRectificationRequest request);
  absl::StatusOr<v1::RectificationResponse> ActOnRectification(v1::WorkflowActionRequest request);
  absl::StatusOr<v1::GetRectificationResponse> GetRectification(const v1::GetItemRequest& request);
  absl::StatusOr<v1::ListRectificationsResponse> ListRectifications(const v1::ListItemsRequest& request);
  absl::StatusOr<v1::CampaignSummary> GetCampaignSummary(const v1::GetCampaignRequest& request);

  // MeetingService (proto/caselink/v1/meeting.proto): joint meetings and
  // 会商, and their decision items (议定事项) followed to closure.
  absl::StatusOr<v1::MeetingResponse> CreateMeeting(v1::CreateMeetingRequest request);
  absl::StatusOr<v1::GetMeetingResponse> GetMeeting(const v1::GetMeetingRequest& request);
  // One page, newest first (page_size, page_token); caselink/pages.h
  // AllPages() for all.
  absl::StatusOr<v1::ListMeetingsResponse> ListMeetings(const v1::ListMeetingsRequest& request);
  absl::StatusOr<v1::DecisionResponse> CreateDecision(v1::CreateDecisionRequest request);
  absl::StatusOr<v1::DecisionResponse> ActOnDecision(v1::WorkflowActionRequest request);
  absl::StatusOr<v1::GetDecisionResponse> GetDecision(const v1::GetItemRequest& request);
  absl::StatusOr<v1::ListDecisionsResponse> ListDecisions(const v1::ListItemsRequest& request);

  // Watches the events addressed to this agency (EventService.Watch) and
  // calls `on_event` for each, in cursor order, on the calling thread. Blocks
  // until `on_event` returns false (-> OK), `cancel->Cancel()` is called
  // (-> CANCELLED), or a non-retryable error (PERMISSION_DENIED,
  // INVALID_ARGUMENT, RESOURCE_EXHAUSTED, ...). When the stream breaks
  // (UNAVAILABLE, a server restart) it reconnects with exponential backoff and
  // resumes after the last cursor it delivered, so `on_event` sees every
  // event exactly once. Persist event.cursor() with your own processing and
  // pass it as options.from_cursor to resume across processes.
  absl::Status Watch(const WatchOptions& options,
                     const std::function<bool(const v1::Event&)>& on_event,
                     WatchCanceller* cancel = nullptr);

  // The underlying channel, for integrators that need a raw stub of a
  // service this class does not wrap yet (include <grpcpp/channel.h> and the
  // service's *.grpc.pb.h yourself). Calls made on it get the same TLS
  // identity and retry policy but no default deadline, and their errors are
  // grpc::Status, without the request id payload.
  std::shared_ptr<grpc::Channel> channel() const;

  // The options this client was created with, without key_pem (empty): the
  // channel holds the key, the client keeps no copy to hand out.
  const ClientOptions& options() const { return options_; }

 private:
  // The channel and one stub per wrapped service (client/src/client_impl.h).
  class Impl;

  Client(ClientOptions options, std::unique_ptr<Impl> impl);

  const ClientOptions options_;
  const std::unique_ptr<Impl> impl_;
};

}  // namespace caselink
