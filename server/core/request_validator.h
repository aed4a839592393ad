// Input validation of every RPC, before anything is read or written. Each
// error is INVALID_ARGUMENT naming the field (by its path in the request) and
// what is wrong with it, so an integrator can fix the request from the
// message alone.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "caselink/v1/case_service.pb.h"

namespace caselink::server {

absl::Status ValidateSubmitCase(const v1::SubmitCaseRequest& req);
// The batch itself: at least one item (at most 1000: the (max_count) of
// SubmitCasesRequest.items), with distinct request_ids; each item is then
// validated as a SubmitCase request.
absl::Status ValidateSubmitCases(const v1::SubmitCasesRequest& req);
absl::Status ValidateGetCase(const v1::GetCaseRequest& req);
absl::Status ValidateListCases(const v1::ListCasesRequest& req, int max_page_size);
absl::Status ValidateListCaseVersions(const v1::ListCaseVersionsRequest& req);
absl::Status ValidateSearchCases(const v1::SearchCasesRequest& req, int max_page_size);

// Shared checks for request fields that name things.
absl::Status ValidateCaseId(absl::string_view field, absl::string_view id);
absl::Status ValidatePurpose(absl::string_view field, absl::string_view purpose);
// An idempotency key: 1-128 characters of [A-Za-z0-9._:-].
absl::Status ValidateRequestId(absl::string_view field, absl::string_view id);
// Free text of at most `max` bytes (may be empty).
absl::Status ValidateText(absl::string_view field, absl::string_view value, size_t max);

}  // namespace caselink::server
