#include "server/case_service.h"

#include <openssl/sha.h>

#include "absl/strings/str_cat.h"
#include "caselink_common/status_macros.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "server/page_token.h"
#include "server/request_validator.h"
#include "server/unary_call.h"

namespace caselink::server {
namespace {

const std::string kService = v1::CaseService::service_full_name();
const std::string kSubmitCase = kService + "/SubmitCase";
const std::string kGetCase = kService + "/GetCase";
const std::string kListCases = kService + "/ListCases";
const std::string kListCaseVersions = kService + "/ListCaseVersions";

// What makes two submissions "the same request" for idempotency: the content
// and the expected version, serialized deterministically.
std::string RequestDigest(const v1::SubmitCaseRequest& req) {
  v1::SubmitCaseRequest copy = req;
  copy.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    copy.SerializeToCodedStream(&coded);
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), md);
  return std::string(reinterpret_cast<char*>(md), sizeof(md));
}

// Server-assigned fields are never taken from the client.
v1::Case WritableContent(const v1::Case& in) {
  v1::Case c = in;
  c.clear_owner_agency();
  c.clear_version();
  c.clear_create_time();
  c.clear_update_time();
  return c;
}

}  // namespace

absl::Status CaseServiceImpl::DoSubmit(const CallScope& scope, const v1::SubmitCaseRequest& req,
                                       v1::SubmitCaseResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateSubmitCase(req));
  v1::Case content = WritableContent(req.case_());
  {
    v1::Case fields_set = content;
    fields_set.clear_case_id();  // the key, not content
    CASELINK_RETURN_IF_ERROR(sc_.guard->CheckWritable(scope, fields_set));
  }
  storage::SubmitCommand cmd;
  cmd.agency = scope.principal.agency_id;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.content = std::move(content);
  cmd.expected_version = req.expected_version();
  cmd.now = sc_.now();
  cmd.check_current = [&](const v1::Case& current) -> absl::Status {
    if (current.owner_agency() == scope.principal.agency_id) return absl::OkStatus();
    // Someone else's case: refuse, without confirming it exists unless the
    // caller could read it anyway.
    CallScope as_reader = scope;
    as_reader.method = kGetCase;
    if (!sc_.guard->Visible(as_reader, current)) return CaseNotFound(current.case_id());
    return absl::PermissionDeniedError(absl::StrCat(
        "case '", current.case_id(), "' is owned by agency '", current.owner_agency(),
        "'; only the owning agency may submit new versions (policy: writes cover own rows only)"));
  };
  auto out = sc_.cases->Submit(cmd);
  if (absl::IsNotFound(out.status())) return CaseNotFound(req.case_().case_id());
  if (!out.ok()) return out.status();
  *resp->mutable_case_() = std::move(out->stored);
  resp->set_replayed(out->replayed);
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::DoGet(const CallScope&, const v1::GetCaseRequest& req, v1::Case* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateGetCase(req));
  auto c = sc_.cases->Get(req.case_id(), req.version());
  // One answer for "absent" and "not yours": no existence leak.
  if (absl::IsNotFound(c.status())) return CaseNotFound(req.case_id());
  if (!c.ok()) return c.status();
  *resp = std::move(*c);
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::DoList(const CallScope& scope, const v1::ListCasesRequest& req,
                                     v1::ListCasesResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateListCases(req, sc_.max_page_size));
  const std::string query = absl::StrCat(scope.principal.agency_id, "|", req.domain(), "|",
                                         req.owner_agency());
  CASELINK_ASSIGN_OR_RETURN(std::string after, DecodePageToken(req.page_token(), query));
  storage::ListQuery q;
  q.start_after = after;
  q.limit = req.page_size() == 0 ? 50 : req.page_size();
  q.filter = [&](const v1::Case& c) {
    if (req.domain() != v1::DOMAIN_UNSPECIFIED && c.domain() != req.domain()) return false;
    if (!req.owner_agency().empty() && c.owner_agency() != req.owner_agency()) return false;
    return sc_.guard->Visible(scope, c);
  };
  CASELINK_ASSIGN_OR_RETURN(storage::ListPage page, sc_.cases->List(q));
  for (v1::Case& c : page.cases) *resp->add_cases() = std::move(c);
  if (page.more) resp->set_next_page_token(EncodePageToken(page.resume_after, query));
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::DoVersions(const CallScope& scope,
                                         const v1::ListCaseVersionsRequest& req,
                                         v1::ListCaseVersionsResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateListCaseVersions(req));
  auto versions = sc_.cases->Versions(req.case_id());
  if (absl::IsNotFound(versions.status())) return CaseNotFound(req.case_id());
  if (!versions.ok()) return versions.status();
  for (v1::Case& c : *versions) {
    if (sc_.guard->Visible(scope, c)) *resp->add_versions() = std::move(c);
  }
  if (resp->versions().empty()) return CaseNotFound(req.case_id());
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* CaseServiceImpl::SubmitCase(grpc::CallbackServerContext* ctx,
                                                      const v1::SubmitCaseRequest* req,
                                                      v1::SubmitCaseResponse* resp) {
  return ServeUnary(sc_, ctx, kSubmitCase, req, resp,
                    [=](const CallScope& s) { return DoSubmit(s, *req, resp); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::GetCase(grpc::CallbackServerContext* ctx,
                                                   const v1::GetCaseRequest* req, v1::Case* resp) {
  return ServeUnary(sc_, ctx, kGetCase, req, resp,
                    [=](const CallScope& s) { return DoGet(s, *req, resp); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListCases(grpc::CallbackServerContext* ctx,
                                                     const v1::ListCasesRequest* req,
                                                     v1::ListCasesResponse* resp) {
  return ServeUnary(sc_, ctx, kListCases, req, resp,
                    [=](const CallScope& s) { return DoList(s, *req, resp); });
}

grpc::ServerUnaryReactor* CaseServiceImpl::ListCaseVersions(
    grpc::CallbackServerContext* ctx, const v1::ListCaseVersionsRequest* req,
    v1::ListCaseVersionsResponse* resp) {
  return ServeUnary(sc_, ctx, kListCaseVersions, req, resp,
                    [=](const CallScope& s) { return DoVersions(s, *req, resp); });
}

}  // namespace caselink::server
