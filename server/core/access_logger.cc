#include "server/core/access_logger.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "caselink_common/proto_time.h"
#include "server/core/log_field.h"
#include "server/core/party_ids.h"
#include "server/core/row_facts.h"
#include "spdlog/spdlog.h"
#include "storage/audit_chain.h"
#include "storage/rocks_status.h"

namespace caselink::server {
namespace {

// The access log keeps microseconds: its index keys (audit_chain.h) are in
// microseconds, and an entry's time must sort with its key.
google::protobuf::Timestamp ToProto(absl::Time t) {
  return ToProtoTime(absl::FromUnixMicros(absl::ToUnixMicros(t)));
}

// A refusal is an answer the caller's request caused (bad argument, no
// grant, nothing there …); the server's own failures are not counted, they
// are always logged one by one.
bool IsRefusal(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kResourceExhausted:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kUnimplemented:
    case absl::StatusCode::kUnauthenticated:
      return true;
    default:
      return false;
  }
}

// At most this many cases of a refused answer are named in its entry (a
// page holds fewer).
constexpr size_t kMaxRefusedAnswerCases = 1024;

// How often the operator's log repeats that the disk is full.
constexpr absl::Duration kFullWarningEvery = absl::Seconds(10);

}  // namespace

absl::Status AccessLogUnavailable(const absl::Status& cause) {
  if (storage::IsStorageFull(cause)) {
    return absl::UnavailableError(
        "the server's disk is full: the access log cannot record this call, so it was not served; "
        "retry later (the operator must free space on the database volume)");
  }
  return absl::UnavailableError("access log unavailable; the request was not served");
}

AccessLogger::AccessLogger(storage::CommitPipeline* pipeline, std::string hmac_key,
                           std::function<absl::Time()> now, bool sync_reads, int refused_per_minute)
    : pipeline_(pipeline),
      hmac_key_(hmac_key),
      now_(std::move(now)),
      sync_reads_(sync_reads),
      limiter_(refused_per_minute > 0 ? refused_per_minute : 60) {}

AccessLogger::~AccessLogger() {
  {
    absl::MutexLock l(&flusher_mu_);
    stopping_ = true;
  }
  if (flusher_.joinable()) flusher_.join();
  absl::Status s = FlushSuppressed(true);
  if (!s.ok()) spdlog::error("summary of suppressed refusals not written: {}", std::string(s.message()));
}

void AccessLogger::StartFlusher(absl::Duration every) {
  flusher_ = std::thread([this, every] {
    while (true) {
      {
        absl::MutexLock l(&flusher_mu_);
        if (flusher_mu_.AwaitWithTimeout(absl::Condition(&stopping_), every)) return;
      }
      absl::Status s = FlushSuppressed(false);
      if (!s.ok()) spdlog::warn("summary of suppressed refusals not written: {}", std::string(s.message()));
    }
  });
}

void AccessLogger::AttachMetrics(metrics::Registry* registry) {
  write_failures_ = registry->AddCounter(
      "caselink_access_log_write_failures_total",
      "Access-log entries that could not be written, so their calls were not served, by cause "
      "(no_space: the disk is full).",
      {"cause"});
  suppressed_ = registry->AddCounter(
      "caselink_access_log_refusals_suppressed_total",
      "Refused calls counted into a summary entry instead of logged one by one "
      "(audit.refused_entries_per_minute).",
      {});
  registry->AddGauge("caselink_storage_full",
                     "1 while the last access-log write failed because the disk is full; every "
                     "call is then refused with UNAVAILABLE.",
                     [this] {
                       return std::vector<std::pair<metrics::Labels, double>>{
                           {{}, storage_full_ ? 1.0 : 0.0}};
                     });
}

namespace {

// Sorted and each once, whatever the order of the parties.
void SortUnique(google::protobuf::RepeatedPtrField<std::string>* hmacs) {
  std::sort(hmacs->begin(), hmacs->end());
  const int kept = static_cast<int>(std::unique(hmacs->begin(), hmacs->end()) - hmacs->begin());
  while (hmacs->size() > kept) hmacs->RemoveLast();
}

}  // namespace

std::string AccessLogger::PartyHmac(const std::string& party_id) const {
  // Normalized first (party_ids.h), so a search logged with "…x" is found
  // by PartyAccess for "…X" and the other way round.
  return hmac_key_.Mac(NormalizePartyId(party_id));
}

std::string AccessLogger::PartyNameHmac(const std::string& name) const {
  // Trimmed: " 张三" and "张三" are the same person asked about.
  return hmac_key_.Mac(absl::StrCat("name:", absl::StripAsciiWhitespace(name)));
}

v1::AuditEntry AccessLogger::BuildEntry(const AccessRecord& r, const absl::Status& outcome) const {
  v1::AuditEntry e;
  BuildEntryInto(r, outcome, &e);
  return e;
}

void AccessLogger::BuildEntryInto(const AccessRecord& r, const absl::Status& outcome, v1::AuditEntry* e) const {
  // A refused call returned nothing: its entry says who asked what, compactly.
  const bool refused = !outcome.ok();
  *e->mutable_time() = ToProto(now_());
  e->set_agency_id(r.agency_id);
  e->set_cert_fingerprint(r.cert_fingerprint);
  e->set_method(r.method);
  e->set_status_code(static_cast<int>(outcome.code()));
  // Identity numbers a caller wrote into its purpose, or where an id goes,
  // are masked there and named by HMAC with the parties below (also in a
  // refused call's entry).
  std::vector<std::string> written_ids;
  e->set_requested_case_id(LogId(r.requested_case_id, refused ? kRefusedTextChars : kLoggedCaseIdChars, &written_ids));
  e->set_purpose(LogText(r.purpose, refused ? kRefusedTextChars : kLoggedPurposeChars, &written_ids));
  e->set_purpose_case_ref(
      LogText(r.purpose_case_ref, refused ? kRefusedTextChars : kLoggedCaseRefChars, &written_ids));
  if (!r.searched_party_id.empty()) e->set_searched_party_hmac(PartyHmac(r.searched_party_id));
  if (!r.searched_party_name.empty()) e->set_searched_party_name_hmac(PartyNameHmac(r.searched_party_name));
  e->set_item_id(LogId(r.item_id, refused ? kRefusedTextChars : kLoggedCaseIdChars, &written_ids));
  e->set_document_id(LogId(r.document_id, refused ? kRefusedTextChars : kLoggedCaseIdChars, &written_ids));
  e->set_document_sha256(r.document_sha256);
  // A call's detail may quote its request (the agency an AgencyAccess asked
  // about): masked and named like the purpose.
  if (!r.detail.empty()) e->set_detail(LogText(r.detail, kLoggedPurposeChars, &written_ids));
  auto* hmacs = e->mutable_party_hmacs();
  if (refused) {
    for (const std::string& id : r.requested_case_ids) {
      *e->add_requested_case_ids() = LogId(id, kRefusedTextChars, &written_ids);
    }
    // The cases of an answer refused after it was built (no purpose stated
    // for another agency's case): not returned, but the refusal said the
    // query matched them, so WhoRead finds the attempt on each.
    for (size_t i = 0; i < r.case_ids.size() && i < kMaxRefusedAnswerCases; ++i) {
      *e->add_requested_case_ids() = r.case_ids[i];
    }
    for (const std::string& id : written_ids) *hmacs->Add() = PartyHmac(id);
    SortUnique(hmacs);
    return;
  }
  e->set_document_offset(r.document_offset);
  e->set_document_bytes(r.document_bytes);
  // A listing of versions names a case once, in the order first returned.
  absl::flat_hash_set<absl::string_view> cases;
  cases.reserve(r.case_ids.size());
  for (const std::string& id : r.case_ids) {
    if (cases.insert(id).second) e->add_case_ids(id);
  }
  // What the request named and the answer did not carry (a batch's refused
  // items): named too, so WhoRead finds the attempt.
  for (const std::string& id : r.requested_case_ids) {
    if (id != r.requested_case_id && !cases.contains(id)) {
      *e->add_requested_case_ids() = LogId(id, kLoggedCaseIdChars, &written_ids);
    }
  }
  for (const std::string& id : written_ids) *hmacs->Add() = PartyHmac(id);
  for (const std::string& p : r.fields.full) e->add_fields_full(p);
  for (const std::string& p : r.fields.masked) e->add_fields_masked(p);
  for (const std::string& p : r.fields.withheld) e->add_fields_withheld(p);
  for (const std::string& id : r.party_ids) *hmacs->Add() = PartyHmac(id);
  SortUnique(hmacs);
}

v1::AuditEntry AccessLogger::SummaryEntry(const RefusalLimiter::Summary& s) const {
  v1::AuditEntry e;
  *e.mutable_time() = ToProto(now_());
  e.set_agency_id(s.agency);
  e.set_cert_fingerprint(s.cert);
  e.set_suppressed_calls(s.count);
  *e.mutable_suppressed_from() = ToProto(s.first);
  *e.mutable_suppressed_to() = ToProto(s.last);
  e.set_detail(absl::StrCat(s.count, " further refused calls from certificate ",
                            s.cert.empty() ? "(none)" : s.cert, " suppressed between ",
                            absl::FormatTime(absl::RFC3339_full, s.first, absl::UTCTimeZone()), " and ",
                            absl::FormatTime(absl::RFC3339_full, s.last, absl::UTCTimeZone())));
  return e;
}

void AccessLogger::NoteFailure(const absl::Status& s) const {
  const bool full = storage::IsStorageFull(s);
  if (write_failures_ != nullptr) write_failures_->Get({full ? "no_space" : "other"}).Inc();
  storage_full_ = full;
  if (!full) return;
  // Every call fails now: say why once in a while, not once per call.
  const int64_t now = absl::ToUnixMicros(absl::Now());
  int64_t last = last_full_warning_micros_;
  if (now - last < absl::ToInt64Microseconds(kFullWarningEvery)) return;
  if (!last_full_warning_micros_.compare_exchange_strong(last, now)) return;
  spdlog::error(
      "the disk of the database is full ({}): caselinkd cannot write access-log entries and "
      "refuses every call with UNAVAILABLE until space is freed; nothing acknowledged is lost",
      std::string(s.message()));
}

storage::CommitRequest AccessLogger::RequestOf(std::vector<v1::AuditEntry> entries, bool durable) {
  storage::CommitRequest req;
  for (v1::AuditEntry& e : entries) req.appends.push_back(storage::audit::EntryAppend(std::move(e)));
  req.durable = durable;
  return req;
}

absl::Status AccessLogger::Committed(const absl::Status& commit, const std::string& method,
                                     const std::string& agency) const {
  if (!commit.ok()) {
    NoteFailure(commit);
    spdlog::error("access log write failed for {} by {}: {}", method.empty() ? "-" : method,
                  agency.empty() ? "-" : agency, std::string(commit.message()));
    return AccessLogUnavailable(commit);
  }
  if (storage_full_.exchange(false)) spdlog::info("the access log is writable again");
  return absl::OkStatus();
}

absl::Status AccessLogger::Commit(std::vector<v1::AuditEntry> entries, bool durable,
                                  const std::string& method, const std::string& agency) const {
  return Committed(pipeline_->Commit(RequestOf(std::move(entries), durable)).status(), method, agency);
}

storage::CommitRequest AccessLogger::EntryRequest(const AccessRecord& record,
                                                  const absl::Status& outcome) const {
  storage::CommitRequest req;
  std::vector<RefusalLimiter::Summary> due;
  bool one_by_one = true;
  // A refusal the stored rows caused (an answer that held another agency's
  // case, refused for want of a purpose: the refusal itself tells that the
  // query matched one) is logged one by one, never only counted.
  if (IsRefusal(outcome) && record.case_ids.empty()) {
    one_by_one = limiter_.Admit(record.cert_fingerprint, record.agency_id, now_(), &due);
  }
  for (const RefusalLimiter::Summary& s : due) req.appends.push_back(storage::audit::EntryAppend(SummaryEntry(s)));
  if (one_by_one) {
    // Built in this thread's own entry: Clear() keeps the strings it held,
    // so the entry of a read (its field paths, ids and HMACs) allocates
    // nothing but its serialized bytes. A large one is not kept.
    thread_local v1::AuditEntry scratch;
    scratch.Clear();
    BuildEntryInto(record, outcome, &scratch);
    req.appends.push_back(storage::audit::EntryAppend(scratch));
    if (req.appends.back().payload.size() > kScratchEntryBytes) scratch = v1::AuditEntry();
  } else if (suppressed_ != nullptr) {
    suppressed_->Get({}).Inc();
  }
  req.durable = sync_reads_ || !due.empty();
  return req;
}

absl::Status AccessLogger::Log(const AccessRecord& record, const absl::Status& outcome) const {
  storage::CommitRequest req = EntryRequest(record, outcome);
  if (req.appends.empty()) return absl::OkStatus();  // counted; its summary comes later
  return Committed(pipeline_->Commit(std::move(req)).status(), record.method, record.agency_id);
}

void AccessLogger::LogAsync(const AccessRecord& record, const absl::Status& outcome,
                            std::function<void(absl::Status)> done) const {
  storage::CommitRequest req = EntryRequest(record, outcome);
  if (req.appends.empty()) {
    done(absl::OkStatus());  // counted; its summary comes later
    return;
  }
  pipeline_->CommitAsync(std::move(req), [this, method = record.method, agency = record.agency_id,
                                          done = std::move(done)](absl::StatusOr<storage::CommitResult> r) {
    done(Committed(r.status(), method, agency));
  });
}

absl::Status AccessLogger::FlushSuppressed(bool all) const {
  std::vector<v1::AuditEntry> entries;
  for (const RefusalLimiter::Summary& s : limiter_.TakeDue(now_(), all)) {
    entries.push_back(SummaryEntry(s));
  }
  if (entries.empty()) return absl::OkStatus();
  return Commit(std::move(entries), true, "suppressed-refusals summary", "");
}

absl::Status AccessLogger::AttachEntry(const CallScope& scope, const v1::Case& written,
                                       storage::CommitRequest* commit) const {
  return AttachEntries(scope, {&written}, commit);
}

absl::Status AccessLogger::AttachEntries(const CallScope& scope,
                                         const std::vector<const v1::Case*>& written,
                                         storage::CommitRequest* commit,
                                         const std::vector<const v1::Case*>& replayed) const {
  if (scope.record == nullptr) return absl::InternalError("the call has no access record");
  AccessRecord r = *scope.record;
  r.case_ids.clear();
  r.party_ids.clear();
  const CaseOnlyRowFacts row_facts;
  for (const v1::Case* c : written) {
    r.case_ids.push_back(c->case_id());
    for (std::string& id : PartyIdsOf(*c)) r.party_ids.push_back(std::move(id));
    // The answer returns the written case through the response filter; the
    // entry, sealed before the answer exists, names the field paths that
    // filter will report, by the same redaction on a copy (the case's own
    // row facts: if links grant the caller more, the answer's paths differ
    // and ConcludeCall writes a second entry naming them).
    if (std::optional<auth::FieldPlan> plan =
            scope.authz->PlanRead(scope.principal, scope.method, row_facts.Facts(*c))) {
      v1::Case shown = *c;
      std::vector<std::string> shown_ids;
      auth::RedactMessage(*plan, scope.authz->masks(), &shown, &r.fields, &shown_ids);
      for (const std::string& id : shown_ids) r.party_ids.push_back(NormalizePartyId(id));
    }
  }
  // A replayed result answers with the stored case's id and version only.
  for (const v1::Case* c : replayed) r.case_ids.push_back(c->case_id());
  commit->appends.push_back(storage::audit::EntryAppend(BuildEntry(r, absl::OkStatus())));
  scope.record->logged_in_batch = true;
  scope.record->named_in_batch = std::move(r.case_ids);
  scope.record->fields_in_batch = std::move(r.fields);
  scope.record->party_ids_in_batch = std::move(r.party_ids);
  return absl::OkStatus();
}

absl::Status AccessLogger::AttachItemEntry(const CallScope& scope, const std::string& item_id,
                                           const std::vector<std::string>& case_ids,
                                           storage::CommitRequest* commit, const AccessRecord* shown) const {
  if (scope.record == nullptr) return absl::InternalError("the call has no access record");
  AccessRecord r = *scope.record;
  r.case_ids = case_ids;
  r.party_ids.clear();
  if (shown != nullptr) {
    r.fields = shown->fields;
    r.party_ids = shown->party_ids;
  }
  v1::AuditEntry e = BuildEntry(r, absl::OkStatus());
  e.set_item_id(item_id);
  commit->appends.push_back(storage::audit::EntryAppend(std::move(e)));
  scope.record->logged_in_batch = true;
  scope.record->named_in_batch = std::move(r.case_ids);
  scope.record->fields_in_batch = std::move(r.fields);
  scope.record->party_ids_in_batch = std::move(r.party_ids);
  // A second entry (what the answer showed beyond this one) names it too.
  if (scope.record->item_id.empty()) scope.record->item_id = item_id;
  return absl::OkStatus();
}

absl::Status AccessLogger::LogBeforeAction(const CallScope& scope, const std::string& detail) const {
  if (scope.record == nullptr) return absl::InternalError("the call has no access record");
  v1::AuditEntry e = BuildEntry(*scope.record, absl::OkStatus());
  e.set_detail(LogField(detail, kLoggedPurposeChars));
  absl::Status s = Commit({std::move(e)}, true, scope.record->method, scope.record->agency_id);
  if (s.ok()) {
    scope.record->logged_in_batch = true;
    scope.record->named_in_batch = scope.record->case_ids;
    scope.record->fields_in_batch = scope.record->fields;
    scope.record->party_ids_in_batch = scope.record->party_ids;
  }
  return s;
}

absl::Status AccessLogger::LogOperatorAction(const std::string& method, const std::string& detail,
                                             const absl::Status& outcome) const {
  v1::AuditEntry e;
  *e.mutable_time() = ToProto(now_());
  e.set_method(method);
  e.set_status_code(static_cast<int>(outcome.code()));
  e.set_detail(LogField(outcome.ok() ? detail : absl::StrCat(detail, ": ", outcome.message()),
                        kLoggedPurposeChars));
  return Commit({std::move(e)}, true, method, "");
}

}  // namespace caselink::server
