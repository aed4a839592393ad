#include "server/cases/case_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "caselink/v1/case_service.grpc.pb.h"
#include "caselink_common/status_macros.h"
#include "server/core/page_token.h"
#include "caselink_common/request_digest.h"
#include "server/core/request_validator.h"
#include "server/core/status_map.h"
#include "server/core/unary_call.h"
#include "server/screening/screener.h"

namespace caselink::server {
namespace {

const std::string kService = v1::CaseService::service_full_name();
const std::string kSubmitCase = kService + "/SubmitCase";
const std::string kGetCase = kService + "/GetCase";
const std::string kListCases = kService + "/ListCases";
const std::string kListCaseVersions = kService + "/ListCaseVersions";
const std::string kSearchCases = kService + "/SearchCases";
const std::string kSubmitCases = kService + "/SubmitCases";

// Server-assigned fields are never taken from the client.
v1::Case WritableContent(const v1::Case& in) {
  v1::Case c = in;
  c.clear_owner_agency();
  c.clear_version();
  c.clear_create_time();
  c.clear_update_time();
  c.clear_major_mark();
  return c;
}

}  // namespace

absl::StatusOr<storage::SubmitCommand> CaseServiceImpl::MakeSubmitCommand(
    const CallScope& scope, const v1::SubmitCaseRequest& req) const {
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
  const ServiceContext& sc = sc_;
  cmd.check_current = [&sc, &scope](const v1::Case& current) -> absl::Status {
    if (current.owner_agency() == scope.principal.agency_id) return absl::OkStatus();
    // Someone else's case: refuse, without confirming it exists unless the
    // caller could read it anyway.
    CallScope as_reader = scope;
    as_reader.method = kGetCase;
    if (!sc.guard->Visible(as_reader, current)) return CaseNotFound(current.case_id());
    return absl::PermissionDeniedError(absl::StrCat(
        "case '", current.case_id(), "' is owned by agency '", current.owner_agency(),
        "'; only the owning agency may submit new versions (policy: writes cover own rows only)"));
  };
  return cmd;
}

storage::CaseStore::BatchAttach CaseServiceImpl::AccessLogAttach(const CallScope& scope) const {
  if (sc_.access_log == nullptr && sc_.screening == nullptr) return nullptr;
  // The writes, their screening hits and their access-log entry go in one
  // batch: a version is never stored without either.
  return [this, &scope](const std::vector<const v1::Case*>& written, const std::vector<const v1::Case*>& replayed,
                        storage::CommitRequest* commit) {
    if (sc_.screening != nullptr) CASELINK_RETURN_IF_ERROR(sc_.screening->AttachHits(written, commit));
    if (sc_.access_log == nullptr) return absl::OkStatus();
    return sc_.access_log->AttachEntries(scope, written, commit, replayed);
  };
}

absl::Status CaseServiceImpl::DoSubmit(const CallScope& scope, const v1::SubmitCaseRequest& req,
                                       v1::SubmitCaseResponse* resp) {
  CASELINK_ASSIGN_OR_RETURN(storage::SubmitCommand cmd, MakeSubmitCommand(scope, req));
  auto out = std::move(sc_.cases->SubmitBatch({std::move(cmd)}, AccessLogAttach(scope)).front());
  if (absl::IsNotFound(out.status())) return CaseNotFound(req.case_().case_id());
  if (!out.ok()) return out.status();
  *resp->mutable_case_() = std::move(out->stored);
  resp->set_replayed(out->replayed);
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::DoSubmitMany(const CallScope& scope,
                                           const v1::SubmitCasesRequest& req,
                                           v1::SubmitCasesResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateSubmitCases(req));
  // Items refused before storage keep their error; the rest go in one batch.
  std::vector<absl::Status> refused(req.items_size());
  std::vector<storage::SubmitCommand> cmds;
  std::vector<int> item_of;
  for (int i = 0; i < req.items_size(); ++i) {
    auto cmd = MakeSubmitCommand(scope, req.items(i));
    if (!cmd.ok()) {
      refused[i] = cmd.status();
      continue;
    }
    cmds.push_back(std::move(*cmd));
    item_of.push_back(i);
  }
  // Whether the batch (the writes and the call's access-log entry) reached
  // the pipeline, and whether it was stored: a batch that failed fails the
  // whole call (its items were neither stored nor logged), and ConcludeCall
  // then logs the failure as the call's entry.
  bool attached = false;
  const auto log_attach = AccessLogAttach(scope);
  auto stored = sc_.cases->SubmitBatch(
      cmds, [&](const std::vector<const v1::Case*>& written, const std::vector<const v1::Case*>& replayed,
                storage::CommitRequest* commit) {
        attached = true;
        return log_attach ? log_attach(written, replayed, commit) : absl::OkStatus();
      });
  if (attached) {
    absl::Status batch_failure;
    bool committed = false;
    for (const auto& r : stored) {
      if (r.ok() && !r->replayed) committed = true;
      if (!r.ok() && batch_failure.ok()) batch_failure = r.status();
    }
    if (!committed) {
      if (scope.record != nullptr) scope.record->logged_in_batch = false;
      return batch_failure;
    }
  }
  for (int i = 0; i < req.items_size(); ++i) resp->add_results();
  for (size_t k = 0; k < stored.size(); ++k) {
    v1::SubmitCaseResult* r = resp->mutable_results(item_of[k]);
    if (stored[k].ok()) {
      r->set_case_id(stored[k]->stored.case_id());
      r->set_version(stored[k]->stored.version());
      r->set_replayed(stored[k]->replayed);
    } else {
      refused[item_of[k]] = absl::IsNotFound(stored[k].status())
                                ? CaseNotFound(req.items(item_of[k]).case_().case_id())
                                : stored[k].status();
    }
  }
  // Nothing written (every item replayed or refused): the call's own entry
  // names the cases the replayed results name (the response filter finds
  // each result's case_id), as a read's would.
  for (int i = 0; i < req.items_size(); ++i) {
    if (refused[i].ok()) continue;
    const grpc::Status g = ToGrpc(refused[i]);
    resp->mutable_results(i)->set_code(static_cast<int>(g.error_code()));
    resp->mutable_results(i)->set_message(g.error_message());
  }
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::DoGet(const CallScope& scope, const v1::GetCaseRequest& req, v1::Case* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateGetCase(req));
  auto c = sc_.cases->Get(req.case_id(), req.version());
  // One answer for "absent" and "not yours": no existence leak.
  if (absl::IsNotFound(c.status())) return CaseNotFound(req.case_id());
  if (!c.ok()) return c.status();
  if (req.version() != 0) {
    // An older version is read as the case is now (CallGuard::RedactAsLatest).
    auto latest = sc_.cases->Get(req.case_id(), 0);
    if (!latest.ok()) return absl::IsNotFound(latest.status()) ? CaseNotFound(req.case_id()) : latest.status();
    if (latest->version() != c->version() && !sc_.guard->RedactAsLatest(scope, *latest, &*c, scope.record)) {
      return CaseNotFound(req.case_id());
    }
  }
  *resp = std::move(*c);
  return absl::OkStatus();
}

// One page of a listing or search: the sealed token is bound to the caller,
// the RPC and the query; `run` scans from the position it holds with the
// filter applied. The next token holds the last row examined, visible or not:
// sealed, it tells the caller nothing about that row.
absl::Status CaseServiceImpl::ServePage(
    const PageScope& where, int32_t page_size, const std::string& page_token,
    std::function<bool(const v1::Case&)> filter,
    const std::function<absl::StatusOr<storage::ListPage>(const storage::ListQuery&)>& run,
    google::protobuf::RepeatedPtrField<v1::Case>* out, std::string* next_page_token) {
  if (sc_.page_tokens == nullptr) return absl::FailedPreconditionError("page tokens are not configured");
  CASELINK_ASSIGN_OR_RETURN(std::string after, sc_.page_tokens->Open(page_token, where));
  storage::ListQuery q;
  q.start_after = after;
  q.limit = page_size == 0 ? 50 : page_size;
  q.scan_budget = sc_.max_rows_examined_per_page;
  q.filter = std::move(filter);
  CASELINK_ASSIGN_OR_RETURN(storage::ListPage page, run(q));
  for (v1::Case& c : page.cases) *out->Add() = std::move(c);
  if (page.more) {
    CASELINK_ASSIGN_OR_RETURN(*next_page_token, sc_.page_tokens->Seal(where, page.resume_after));
  }
  return absl::OkStatus();
}

absl::Status CaseServiceImpl::DoList(const CallScope& scope, const v1::ListCasesRequest& req,
                                     v1::ListCasesResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateListCases(req, sc_.max_page_size));
  const std::vector<std::string> filtered = CallGuard::FilteredPaths(req);
  auto filter = [&](const v1::Case& c) {
    if (req.domain() != v1::DOMAIN_UNSPECIFIED && c.domain() != req.domain()) return false;
    if (!req.owner_agency().empty() && c.owner_agency() != req.owner_agency()) return false;
    return sc_.guard->VisibleThroughFilters(scope, filtered, c);
  };
  return ServePage(
      PageScope::For(scope, req), req.page_size(), req.page_token(), filter,
      [&](const storage::ListQuery& q) { return sc_.cases->List(q); }, resp->mutable_cases(),
      resp->mutable_next_page_token());
}

absl::Status CaseServiceImpl::DoSearch(const CallScope& scope, const v1::SearchCasesRequest& req,
                                       v1::SearchCasesResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateSearchCases(req, sc_.max_page_size));
  const storage::CaseIndex& index = sc_.cases->index();
  if (!req.party_id().empty() && !index.party_ids_enabled()) {
    return absl::FailedPreconditionError(
        "search by party_id is not configured on this server (no party index key)");
  }
  v1::SearchCasesRequest key = req;  // the query a page token is bound to
  key.set_party_id(absl::AsciiStrToUpper(req.party_id()));
  // Every refusal before the charge: a search that cannot run must not use
  // up the masked-search quota. The token is opened as ServePage opens it
  // (same scope) and again there; opening is a pure check.
  if (sc_.page_tokens == nullptr) return absl::FailedPreconditionError("page tokens are not configured");
  CASELINK_RETURN_IF_ERROR(sc_.page_tokens->Open(req.page_token(), PageScope::For(scope, key)).status());
  CASELINK_RETURN_IF_ERROR(ChargeMaskedSearch(sc_.masked_search_quota, scope, req, sc_.now()));
  const std::vector<std::string> filtered = CallGuard::FilteredPaths(req);
  auto filter = [&](const v1::Case& c) {
    if (!req.owner_agency().empty() && c.owner_agency() != req.owner_agency()) return false;
    if (req.domain() != v1::DOMAIN_UNSPECIFIED && c.domain() != req.domain()) return false;
    if (req.status() != v1::CASE_STATUS_UNSPECIFIED && c.status() != req.status()) return false;
    if (req.major_only() && !c.major()) return false;
    const std::string& date = c.penalty().decision_date();
    if (!req.decided_from().empty() && (date.empty() || date < req.decided_from())) return false;
    if (!req.decided_to().empty() && (date.empty() || date > req.decided_to())) return false;
    // A value the caller may not read matches no filter (annotations.proto, filters).
    return sc_.guard->VisibleThroughFilters(scope, filtered, c);
  };
  // The most selective index decides the scan; the filter checks the rest.
  std::string prefix;
  if (!req.party_id().empty()) prefix = index.PartyIdPrefix(req.party_id());
  else if (!req.party_name().empty()) prefix = storage::CaseIndex::PartyNamePrefix(req.party_name());
  auto run = [&](const storage::ListQuery& q) -> absl::StatusOr<storage::ListPage> {
    if (prefix.empty()) return sc_.cases->List(q);
    return sc_.cases->SearchIndex(prefix, q);
  };
  auto full_filter = [&, filter](const v1::Case& c) {
    if (!req.party_name().empty() && !req.party_id().empty()) {
      bool named = false;
      for (const v1::Party& p : c.parties()) {
        named |= p.person().name() == req.party_name() || p.organization().name() == req.party_name();
      }
      if (!named) return false;
    }
    return filter(c);
  };
  return ServePage(PageScope::For(scope, key), req.page_size(), req.page_token(), full_filter, run,
                   resp->mutable_cases(), resp->mutable_next_page_token());
}

absl::Status CaseServiceImpl::DoVersions(const CallScope& scope,
                                         const v1::ListCaseVersionsRequest& req,
                                         v1::ListCaseVersionsResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateListCaseVersions(req));
  auto versions = sc_.cases->Versions(req.case_id());
  if (absl::IsNotFound(versions.status())) return CaseNotFound(req.case_id());
  if (!versions.ok()) return versions.status();
  if (versions->empty()) return CaseNotFound(req.case_id());
  // Every version is read as the case is now (CallGuard::RedactAsLatest).
  const v1::Case latest = *std::max_element(
      versions->begin(), versions->end(), [](const v1::Case& a, const v1::Case& b) { return a.version() < b.version(); });
  for (v1::Case& c : *versions) {
    if (c.version() != latest.version() && !sc_.guard->RedactAsLatest(scope, latest, &c, scope.record)) continue;
    if (sc_.guard->Visible(scope, c)) *resp->add_versions() = std::move(c);
  }
  if (resp->versions().empty()) return CaseNotFound(req.case_id());
  return absl::OkStatus();
}

CaseServiceImpl::CaseServiceImpl(const ServiceContext& sc) : RawService(sc), sc_(sc) {
  Install(kService, {Unary("SubmitCase", this, &CaseServiceImpl::DoSubmit),
                     Unary("SubmitCases", this, &CaseServiceImpl::DoSubmitMany),
                     Unary("GetCase", this, &CaseServiceImpl::DoGet),
                     Unary("ListCases", this, &CaseServiceImpl::DoList),
                     Unary("ListCaseVersions", this, &CaseServiceImpl::DoVersions),
                     Unary("SearchCases", this, &CaseServiceImpl::DoSearch),
                     Unary("MarkMajor", this, &CaseServiceImpl::DoMarkMajor)});
}

}  // namespace caselink::server
