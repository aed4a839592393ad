// CaseService: submit and read ledger entries. Each handler validates its
// request and talks to the CaseStore; admission, row filtering, redaction and
// the purpose rule happen in the shared enforcement path (unary_call.h).
#pragma once

#include "caselink/v1/case_service.pb.h"
#include "server/core/raw_service.h"
#include "server/core/service_context.h"

namespace caselink::server {

class CaseServiceImpl final : public RawService {
 public:
  // Registers caselink.v1.CaseService's methods (raw_service.h).
  explicit CaseServiceImpl(const ServiceContext& sc);

 private:
  // Validates and authorizes one submission and turns it into a command.
  absl::StatusOr<storage::SubmitCommand> MakeSubmitCommand(const CallScope& scope,
                                                           const v1::SubmitCaseRequest& req) const;
  // Puts the call's access-log entry into the batch of its writes.
  storage::CaseStore::BatchAttach AccessLogAttach(const CallScope& scope) const;
  absl::Status DoSubmitMany(const CallScope& scope, const v1::SubmitCasesRequest& req,
                            v1::SubmitCasesResponse* resp);
  absl::Status DoSubmit(const CallScope& scope, const v1::SubmitCaseRequest& req,
                        v1::SubmitCaseResponse* resp);
  absl::Status DoGet(const CallScope& scope, const v1::GetCaseRequest& req, v1::Case* resp);
  absl::Status DoList(const CallScope& scope, const v1::ListCasesRequest& req,
                      v1::ListCasesResponse* resp);
  absl::Status DoVersions(const CallScope& scope, const v1::ListCaseVersionsRequest& req,
                          v1::ListCaseVersionsResponse* resp);
  absl::Status DoSearch(const CallScope& scope, const v1::SearchCasesRequest& req,
                        v1::SearchCasesResponse* resp);
  // major_mark.cc
  absl::Status DoMarkMajor(const CallScope& scope, const v1::MarkMajorRequest& req,
                           v1::SubmitCaseResponse* resp);
  absl::Status ServePage(
      const PageScope& where, int32_t page_size, const std::string& page_token,
      std::function<bool(const v1::Case&)> filter,
      const std::function<absl::StatusOr<storage::ListPage>(const storage::ListQuery&)>& run,
      google::protobuf::RepeatedPtrField<v1::Case>* out, std::string* next_page_token);

  const ServiceContext& sc_;
};

}  // namespace caselink::server
