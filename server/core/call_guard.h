// CallGuard is the one enforcement path every RPC goes through: it admits a
// call (certificate -> agency -> RPC granted?), decides row visibility, and
// filters every Case anywhere in a response (rows the caller may not see are
// removed or answered NOT_FOUND exactly like a missing case; fields are
// redacted by reflection), names in the call's access record every case id
// the answer carries (each Case's, and every (caselink.v1.case_ref) field's),
// and requires a purpose for reads of other agencies' cases. Handlers never
// decide about fields, nor which case ids their answer reveals. Thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "auth/authorizer.h"
#include "auth/field_redactor.h"
#include "auth/policy_holder.h"
#include "google/protobuf/message.h"
#include "grpcpp/server_context.h"
#include "server/core/case_source.h"
#include "server/core/row_facts.h"

namespace caselink::server {

struct AccessRecord;
class RevocationWatch;

// One admitted call: who, through which RPC, under which policy snapshot
// (kept for the whole call, so a reload never splits a call).
struct CallScope {
  std::string method;  // "caselink.v1.CaseService/GetCase"
  auth::Principal principal;
  std::shared_ptr<const auth::Authorizer> authz;
  // The call's access record (set by ServeUnary), for handlers that write
  // their log entry in the batch of their write (see access_logger.h).
  AccessRecord* record = nullptr;
};

// What the enforcement path learned about a call; what the access log keeps.
struct AccessRecord {
  std::string method;
  std::string agency_id;         // empty if the caller was not admitted
  std::string cert_fingerprint;
  std::vector<std::string> case_ids;  // cases returned
  auth::RedactionReport fields;       // paths masked / withheld
  std::string purpose;
  std::string purpose_case_ref;
  std::string requested_case_id;        // request.case_id, also when refused
  // Every other case id the request names: its (caselink.v1.case_ref)
  // fields at any depth (a meeting's cases, a submitted case's id).
  std::vector<std::string> requested_case_ids;
  // Identity numbers of the parties of the returned cases, and a party id
  // the request searched for: in memory only; the log keeps their HMAC.
  std::vector<std::string> party_ids;
  std::string searched_party_id;
  // A party name the request searched for (SearchCases.party_name), as
  // written: the log keeps its HMAC, so who looked a person up by name, and
  // whether it found anything, is on the record.
  std::string searched_party_name;
  // Set when the handler put the call's entry into its own write batch
  // (AccessLogger::AttachEntry), so ServeUnary does not log it again, with
  // the case ids that entry names: if the answer then names more (the
  // response filter finds them), ConcludeCall logs those in a second entry.
  bool logged_in_batch = false;
  std::vector<std::string> named_in_batch;
  // The field paths that entry names: what the written cases show the
  // caller, worked out by the same redaction the answer gets. If the answer
  // then carries other paths, the second entry names them too.
  auth::RedactionReport fields_in_batch;
  // The parties that entry names (their ids as the answer shows them).
  std::vector<std::string> party_ids_in_batch;
  // The workflow item and document a call concerned (DocumentService), and
  // the byte range it sent or received.
  std::string item_id;
  std::string document_id;
  std::string document_sha256;
  int64_t document_offset = 0;
  int64_t document_bytes = 0;
  // The rule of the enforcement path that refused the call (deny_rule:: in
  // server_metrics.h); empty if it was not refused by one.
  std::string denied_by;
  // What the server has to say of a call that has no request to show: the
  // refusal of a TLS handshake (ConcludeRefusedHandshake). Written as the
  // entry's `detail`.
  std::string detail;
};

// Records what the request names (case_id, purpose, purpose_case_ref,
// party_id fields, by reflection) before the call is admitted, so refused
// calls are logged with what they asked for.
void NoteRequest(const google::protobuf::Message& request, AccessRecord* record);

class CallGuard {
 public:
  CallGuard(auth::PolicyHolder* policy, const RowFactsSource* facts)
      : policy_(policy), facts_(facts) {}

  // Authenticates the caller from its verified certificate and authorizes
  // `method`. UNAUTHENTICATED without a verified certificate, or when the
  // certificate is revoked or its CA's CRL is missing or stale beyond the
  // grace (revocation_watch.h); PERMISSION_DENIED for an unknown agency, a
  // certificate naming two agencies, or an RPC no rule grants.
  absl::StatusOr<CallScope> Admit(const grpc::ServerContextBase& ctx, const std::string& method,
                                  AccessRecord* record) const;

  // Revocation is checked on every call (also on connections opened before a
  // CRL changed); without a watch (unit tests) it is not checked.
  void set_revocation(const RevocationWatch* watch) { revocation_ = watch; }
  // Where the response filter reads the cases workflow text names, to hide
  // their personal values in it as the caller reads them; without one
  // (unit tests) only the identifier scanner runs on such text.
  void set_case_source(const CaseSource* cases) { cases_ = cases; }
  // The revocation verdict for the caller's certificate, for long calls
  // (event streams) to re-check: OK or UNAUTHENTICATED.
  absl::Status CheckRevocation(const grpc::ServerContextBase& ctx) const;

  // Whether the caller may see this row through the call's RPC.
  bool Visible(const CallScope& scope, const v1::Case& c) const;
  // The Case paths a listing request's set filter fields compare (its
  // fields declaring (caselink.v1.filters)), each once; read once a call.
  static std::vector<std::string> FilteredPaths(const google::protobuf::Message& request);
  // Visible, and the filtered paths are fields the caller's plan for this
  // row shows in full: a listing calls it on each row its filter matched,
  // so a row whose filtered value the caller may not read never matches.
  bool VisibleThroughFilters(const CallScope& scope, const std::vector<std::string>& filtered_paths,
                             const v1::Case& c) const;
  // For each of `paths` (caselink.v1.Case field paths), whether `plan` shows
  // it in full (ALLOW); the one test behind (filters), (aggregates) and
  // (existence_governed_by).
  static std::vector<bool> ShownInFull(const auth::FieldPlan& plan, const std::vector<std::string>& paths);
  // Whether a message of type `d` naming a case the caller reads under `plan`
  // may reach it: true unless `d` declares (existence_governed_by) a field
  // `plan` does not show in full. The response filter applies it too; a
  // listing applies it before paging, or a page token counts what it hides.
  static bool ExistenceShown(const auth::FieldPlan& plan, const google::protobuf::Descriptor* d);
  // A superseded version of a case is read as its case is now: under the
  // row facts of `latest` (owner, current domain, links), not of the
  // version's own, since an older domain could select it for a caller the
  // case's row no longer admits. Redacts `version` with that plan (noting
  // what it masked or withheld in `record`), before the response filter's own
  // pass, which can then only withhold more. False if the caller may not see
  // the case's row: the version must then be answered as missing.
  bool RedactAsLatest(const CallScope& scope, const v1::Case& latest, v1::Case* version,
                      AccessRecord* record) const;
  // RedactAsLatest for cases an answer embeds as they were at some moment
  // (an event's cases): each is read as its case is now, and left out if the
  // caller may not see that case's row now or the case is gone. Then
  // FilterResponse filters them as any answer. Errors reading a case fail.
  absl::Status ReadSnapshotsAsLatest(const CallScope& scope,
                                     google::protobuf::RepeatedPtrField<v1::Case>* snapshots,
                                     AccessRecord* record) const;
  // What the row rules know of a case (owner, domain, links).
  auth::RowFacts FactsOf(const v1::Case& c) const;

  // Applies the policy to every caselink.v1.Case inside `response`; see the
  // class comment. `request` supplies the purpose (its `purpose` field).
  // Drops unknown fields from the whole response first (closed world).
  // Adds to record->case_ids, each once, the id of every Case kept and every
  // value of a case_ref field (the access log's entry names them).
  // What FilterResponse would record of `answer` (its field paths, and the
  // parties its text shows) into `out`, leaving `answer` as it is: for a
  // write whose entry is sealed in its batch before the answer exists.
  void PreviewRecord(const CallScope& scope, const google::protobuf::Message& answer, AccessRecord* out) const;

  absl::Status FilterResponse(const CallScope& scope, const google::protobuf::Message& request,
                              google::protobuf::Message* response, AccessRecord* record) const;

  // The fields the caller may set in a Case it submits through the call's RPC.
  absl::Status CheckWritable(const CallScope& scope, const v1::Case& submitted) const;

 private:
  auth::PolicyHolder* policy_;
  const RowFactsSource* facts_;
  const RevocationWatch* revocation_ = nullptr;
  const CaseSource* cases_ = nullptr;
};

// The NOT_FOUND every path answers for a missing or invisible case.
absl::Status CaseNotFound(absl::string_view case_id);

}  // namespace caselink::server
