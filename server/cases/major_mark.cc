// CaseService.MarkMajor: a supervisor (the government, the justice bureau,
// the procuratorate: whoever the policy grants the RPC) marks another
// agency's case major (重大案件) or takes the mark back. The mark is a new
// version of the case (nothing is rewritten), carrying who, why and when;
// the version, its access-log entry and the owner's event are one batch.
#include "absl/strings/str_cat.h"
#include "caselink/v1/workflow_storage.pb.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "caselink_common/status_macros.h"
#include "server/cases/case_service.h"
#include "server/core/call_guard.h"
#include "server/core/request_validator.h"
#include "storage/event_log.h"

namespace caselink::server {
namespace {

// The owner's event: the case as it now is (filtered and redacted per
// watcher on delivery, like every case an event embeds).
storage::Append OwnerEvent(const v1::Case& marked) {
  v1::StoredEvent ev;
  v1::Event* e = ev.mutable_event();
  *e->mutable_time() = marked.major_mark().time();
  e->set_kind(v1::EVENT_CASE_MARKED_MAJOR);
  e->set_item_id(marked.case_id());
  *e->add_cases() = marked;
  ev.add_addressees(marked.owner_agency());
  return storage::EventLog::MakeAppend(ev);
}

absl::Status ValidateMarkMajor(const v1::MarkMajorRequest& req) {
  CASELINK_RETURN_IF_ERROR(ValidateRequestId("request_id", req.request_id()));
  CASELINK_RETURN_IF_ERROR(ValidateCaseId("case_id", req.case_id()));
  if (req.reason().empty()) {
    return absl::InvalidArgumentError("reason: is required (why the case is, or is no longer, major)");
  }
  // Checked here, not after the write: a refused request changes nothing.
  if (req.purpose().empty()) {
    return absl::InvalidArgumentError(
        "purpose: is required (查询事由): marking reads a case of another agency; say why");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CaseServiceImpl::DoMarkMajor(const CallScope& scope, const v1::MarkMajorRequest& req,
                                          v1::SubmitCaseResponse* resp) {
  CASELINK_RETURN_IF_ERROR(ValidateMarkMajor(req));
  // Every marking is a version of its own, even one repeating the current
  // mark (another supervisor, another reason); a retry replays by request_id.
  auto current = sc_.cases->Get(req.case_id(), 0);
  if (absl::IsNotFound(current.status())) return CaseNotFound(req.case_id());
  if (!current.ok()) return current.status();
  if (!sc_.guard->Visible(scope, *current)) return CaseNotFound(req.case_id());

  storage::SubmitCommand cmd;
  cmd.agency = scope.principal.agency_id;
  cmd.request_id = req.request_id();
  cmd.request_digest = RequestDigest(req);
  cmd.content.set_case_id(req.case_id());
  cmd.expected_version = current->version();
  cmd.now = sc_.now();
  const ServiceContext& sc = sc_;
  cmd.check_current = [&sc, &scope](const v1::Case& c) -> absl::Status {
    return sc.guard->Visible(scope, c) ? absl::OkStatus() : CaseNotFound(c.case_id());
  };
  const absl::Time now = cmd.now;
  cmd.derive = [&req, &scope, now](const v1::Case& c) -> absl::StatusOr<v1::Case> {
    if (c.owner_agency() == scope.principal.agency_id) {
      return absl::FailedPreconditionError(absl::StrCat(
          "case '", c.case_id(), "' is your own: set `major` in a new version (SubmitCase); MarkMajor is "
          "for a supervisor marking another agency's case"));
    }
    v1::Case next = c;
    next.set_major(req.major());
    v1::MajorMark* mark = next.mutable_major_mark();
    mark->set_major(req.major());
    mark->set_agency_id(scope.principal.agency_id);
    mark->set_reason(req.reason());
    *mark->mutable_time() = ToProtoTime(now);
    return next;
  };
  storage::CaseStore::BatchAttach base = AccessLogAttach(scope);
  auto attach = [&base](const std::vector<const v1::Case*>& written, const std::vector<const v1::Case*>& replayed,
                        storage::CommitRequest* commit) {
    for (const v1::Case* c : written) commit->appends.push_back(OwnerEvent(*c));
    return base ? base(written, replayed, commit) : absl::OkStatus();
  };
  auto out = std::move(sc_.cases->SubmitBatch({std::move(cmd)}, attach).front());
  if (absl::IsNotFound(out.status())) return CaseNotFound(req.case_id());
  if (!out.ok()) return out.status();
  *resp->mutable_case_() = std::move(out->stored);
  resp->set_replayed(out->replayed);
  return absl::OkStatus();
}

}  // namespace caselink::server
