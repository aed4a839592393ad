#include "server/core/call_guard.h"

#include <algorithm>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "auth/free_text_masker.h"
#include "auth/peer_identity.h"
#include "auth/redaction_plan.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/case.pb.h"
#include "caselink_common/status_macros.h"
#include "server/core/party_ids.h"
#include "server/admin/revocation_watch.h"
#include "server/core/server_metrics.h"

namespace caselink::server {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Property(const grpc::AuthContext& ctx, const char* name) {
  auto values = ctx.FindPropertyValues(name);
  return values.empty() ? std::string() : std::string(values.front().data(), values.front().size());
}

// Parsing and hashing the peer certificate on every call is measurable; the
// same few dozen agency certificates come back all day, so their fingerprints
// are kept (bounded: cleared when full).
std::string CachedFingerprint(const std::string& pem) {
  static absl::Mutex mu(absl::kConstInit);
  static auto* cache ABSL_PT_GUARDED_BY(mu) = new absl::flat_hash_map<std::string, std::string>();
  {
    absl::MutexLock l(&mu);
    auto it = cache->find(pem);
    if (it != cache->end()) return it->second;
  }
  auto fp = auth::CertificateFingerprint(pem);
  if (!fp.ok()) return "";
  absl::MutexLock l(&mu);
  if (cache->size() >= 4096) cache->clear();
  (*cache)[pem] = *fp;
  return *fp;
}

auth::PeerIdentity PeerFrom(const grpc::AuthContext& ctx) {
  auth::PeerIdentity peer;
  for (const auto& v : ctx.FindPropertyValues("peer_uri")) peer.uri_sans.emplace_back(v.data(), v.size());
  for (const auto& v : ctx.FindPropertyValues("peer_dns")) peer.dns_sans.emplace_back(v.data(), v.size());
  peer.common_name = Property(ctx, "x509_common_name");
  peer.fingerprint_sha256 = CachedFingerprint(Property(ctx, "x509_pem_cert"));
  return peer;
}

std::string StringField(const Message& m, const char* name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING || f->is_repeated()) return "";
  return m.GetReflection()->GetString(m, f);
}

bool IsCase(const FieldDescriptor* f) {
  return f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         f->message_type() == v1::Case::descriptor();
}

// Walks a response and applies the row and field decisions to each Case.
class ResponseFilter {
 public:
  ResponseFilter(const CallScope& scope, const RowFactsSource& facts, const CaseSource* cases,
                 AccessRecord* record)
      : scope_(scope), facts_(facts), cases_(cases), record_(record) {}

  // NOT_FOUND if a singular Case (or the response itself) is invisible.
  absl::Status ApplyTop(Message* msg) {
    if (msg->GetDescriptor() == v1::Case::descriptor()) {
      auto* c = static_cast<v1::Case*>(msg);
      if (!Admit(c)) return CaseNotFound(c->case_id());
      return absl::OkStatus();
    }
    return Apply(msg);
  }

 private:
  absl::Status Apply(Message* msg) {
    const Reflection* r = msg->GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(*msg, &fields);
    // The cases this message names: their personal values are hidden in its
    // text and the text of what it holds (a transfer's transitions).
    const size_t scopes = named_cases_.size();
    {
      std::vector<std::string> ids;
      for (const FieldDescriptor* f : fields) {
        if (!IsCaseRef(f)) continue;
        const int n = f->is_repeated() ? r->FieldSize(*msg, f) : 1;
        for (int i = 0; i < n; ++i) {
          std::string id = f->is_repeated() ? r->GetRepeatedString(*msg, f, i) : r->GetString(*msg, f);
          if (!id.empty()) ids.push_back(std::move(id));
        }
      }
      if (!ids.empty()) named_cases_.push_back(NamedCases{std::move(ids), false, {}});
    }
    // Whose text this message holds: its (text_author) field, else its
    // enclosing message's author.
    bool own = !own_text_.empty() && own_text_.back();
    for (const FieldDescriptor* f : fields) {
      if (f->type() == FieldDescriptor::TYPE_STRING && !f->is_repeated() &&
          f->options().GetExtension(v1::text_author)) {
        own = r->GetString(*msg, f) == scope_.principal.agency_id;
        break;
      }
    }
    own_text_.push_back(own);
    absl::Status status = ApplyFields(msg, fields);
    own_text_.pop_back();
    named_cases_.resize(scopes);
    return status;
  }

  absl::Status ApplyFields(Message* msg, const std::vector<const FieldDescriptor*>& fields) {
    const Reflection* r = msg->GetReflection();
    for (const FieldDescriptor* f : fields) {
      if (IsCase(f)) {
        if (f->is_repeated()) {
          FilterRepeated(msg, f);
        } else {
          auto* c = static_cast<v1::Case*>(r->MutableMessage(msg, f));
          if (!Admit(c)) return CaseNotFound(c->case_id());
        }
      } else if (IsGoverned(f)) {
        if (Govern(msg, f) && IsFreeText(f)) MaskFreeText(msg, f);
      } else if (auth::IsCaselinkMessage(f)) {
        if (f->is_repeated()) {
          if (HasExistenceRule(f)) KeepExisting(msg, f);
          for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
            CASELINK_RETURN_IF_ERROR(Apply(r->MutableRepeatedMessage(msg, f, i)));
          }
        } else {
          CASELINK_RETURN_IF_ERROR(Apply(r->MutableMessage(msg, f)));
        }
      } else if (IsCaseRef(f)) {
        NameCases(*msg, f);
      } else if (IsFreeText(f)) {
        MaskFreeText(msg, f);
      }
    }
    return absl::OkStatus();
  }

  // Messages declared (caselink.v1.existence_governed_by): being in the
  // answer states a fact of the cases they name.
  static bool HasExistenceRule(const FieldDescriptor* f) {
    return f->message_type()->options().HasExtension(v1::existence_governed_by);
  }

  // Leaves out of repeated field `f` each message the caller may not know
  // exists: one naming no case, or a case whose declared field the caller's
  // plan does not show in full (a case it may not read at all included).
  void KeepExisting(Message* msg, const FieldDescriptor* f) {
    const std::string& governing = f->message_type()->options().GetExtension(v1::existence_governed_by);
    const Reflection* r = msg->GetReflection();
    int kept = 0;
    const int n = r->FieldSize(*msg, f);
    for (int i = 0; i < n; ++i) {
      if (!ExistenceShown(r->GetRepeatedMessage(*msg, f, i), governing)) continue;
      if (kept != i) r->SwapElements(msg, f, kept, i);
      ++kept;
    }
    for (int i = n; i > kept; --i) r->RemoveLast(msg, f);
  }

  bool ExistenceShown(const Message& m, const std::string& governing) {
    const Reflection* r = m.GetReflection();
    std::vector<const FieldDescriptor*> fields;
    r->ListFields(m, &fields);
    bool named = false;
    for (const FieldDescriptor* f : fields) {
      if (!IsCaseRef(f)) continue;
      const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
      for (int i = 0; i < n; ++i) {
        const std::string id = f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
        if (id.empty()) continue;
        named = true;
        const auth::FieldPlan* plan = CasePlan(id);
        if (plan == nullptr || !CallGuard::ShownInFull(*plan, {governing}).front()) return false;
      }
    }
    return named;
  }

  // A field declared (caselink.v1.governed_by): facts of the cases its
  // message names, read as the named Case field of those cases.
  static bool IsGoverned(const FieldDescriptor* f) { return f->options().HasExtension(v1::governed_by); }

  // Keeps `f` if the caller receives its governing Case field in full of
  // every case the innermost naming message names, else clears it (a value
  // about no case, or a case not found, is withheld: deny by default). The
  // record names the field under its own path either way. True if kept.
  bool Govern(Message* msg, const FieldDescriptor* f) {
    const std::string& governing = f->options().GetExtension(v1::governed_by);
    bool allowed = false;
    for (auto scope = named_cases_.rbegin(); scope != named_cases_.rend(); ++scope) {
      if (scope->ids.empty()) continue;
      allowed = true;
      for (const std::string& id : scope->ids) {
        const auth::FieldPlan* plan = CasePlan(id);
        if (plan == nullptr || plan->Decide(governing, GoverningClass(governing)) != v1::ALLOW) {
          allowed = false;
          break;
        }
      }
      break;
    }
    // Text that is kept is recorded by MaskFreeText (in full or masked).
    if (record_ != nullptr && (!allowed || !IsFreeText(f))) {
      const std::string path = absl::StrCat(msg->GetDescriptor()->name(), ".", f->name());
      (allowed ? record_->fields.full : record_->fields.withheld).insert(path);
    }
    if (!allowed) msg->GetReflection()->ClearField(msg, f);
    return allowed;
  }

  // The class of the Case field at `path` ("measured_facts.sales_amount_fen");
  // a path naming no field counts as the most sensitive class.
  static v1::Sensitivity GoverningClass(const std::string& path) {
    const google::protobuf::Descriptor* d = v1::Case::descriptor();
    const FieldDescriptor* f = nullptr;
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      if (d == nullptr) return v1::INVESTIGATIVE;
      f = d->FindFieldByName(std::string(part));
      if (f == nullptr) return v1::INVESTIGATIVE;
      d = f->message_type();
    }
    return f == nullptr ? v1::INVESTIGATIVE : auth::FieldSensitivity(f);
  }

  // The caller's plan for case `id` under the call's RPC, as a Case of it
  // in this answer would get; null if the caller may not read it or it is
  // not found.
  const auth::FieldPlan* CasePlan(const std::string& id) {
    auto it = case_plans_.find(id);
    if (it == case_plans_.end()) {
      std::optional<auth::FieldPlan> plan;
      if (cases_ != nullptr) {
        absl::StatusOr<v1::Case> c = cases_->Latest(id);
        if (c.ok()) plan = scope_.authz->PlanRead(scope_.principal, scope_.method, facts_.Facts(*c));
      }
      it = case_plans_.emplace(id, std::move(plan)).first;
    }
    return it->second.has_value() ? &*it->second : nullptr;
  }

  // A field declared (caselink.v1.case_ref): its values are case ids the
  // answer reveals, outside any Case message (an item's cases, a sample's,
  // a report's lists). Case ids are PUBLIC, never masked.
  static bool IsCaseRef(const FieldDescriptor* f) {
    return f->type() == FieldDescriptor::TYPE_STRING && f->options().GetExtension(v1::case_ref);
  }

  // Names `f`'s values in the call's record, each once: the one step by
  // which every case id an answer carries reaches its access-log entry.
  void NameCases(const Message& msg, const FieldDescriptor* f) {
    if (record_ == nullptr) return;
    if (!named_built_) {
      named_.insert(record_->case_ids.begin(), record_->case_ids.end());
      named_built_ = true;
    }
    auto name = [&](const std::string& id) {
      if (!id.empty() && named_.insert(id).second) record_->case_ids.push_back(id);
    };
    const Reflection* r = msg.GetReflection();
    if (!f->is_repeated()) {
      name(r->GetString(msg, f));
      return;
    }
    for (int i = 0; i < r->FieldSize(msg, f); ++i) name(r->GetRepeatedString(msg, f, i));
  }

  void FilterRepeated(Message* msg, const FieldDescriptor* f) {
    const Reflection* r = msg->GetReflection();
    int kept = 0;
    const int n = r->FieldSize(*msg, f);
    for (int i = 0; i < n; ++i) {
      auto* c = static_cast<v1::Case*>(r->MutableRepeatedMessage(msg, f, i));
      if (!Admit(c)) continue;
      if (kept != i) r->SwapElements(msg, f, kept, i);
      ++kept;
    }
    for (int i = n; i > kept; --i) r->RemoveLast(msg, f);
  }

  // Text outside a Case (a transfer's reason, a supervision record's subject,
  // a material's title): the fields annotated with a sensitivity other than
  // PUBLIC that the server does not assign. (Unannotated messages, such as
  // access-log entries read by auditors and the operator's metrics, are
  // records, not case text, and are returned as stored.) Such text belongs to no single row, so identifiers
  // written in it get the caller's decision for a case of another agency
  // that nothing links to it, as GetCase would answer: what the caller could
  // learn by reading any foreign case, and nothing if it may read none (the
  // DENY marker).
  static bool IsFreeText(const FieldDescriptor* f) {
    return f->type() == FieldDescriptor::TYPE_STRING && f->options().HasExtension(v1::sensitivity) &&
           f->options().GetExtension(v1::sensitivity) != v1::PUBLIC &&
           !f->options().GetExtension(v1::output_only);
  }

  // The personal values of the cases of one message (the cases its
  // case_ref fields name), loaded when its first text is met.
  struct NamedCases {
    std::vector<std::string> ids;
    bool loaded = false;
    auth::HiddenValues hidden;
  };

  // Each case as the caller reads it under GetCase (its row facts: the
  // owner reads its own in full); a case the caller may not read hides
  // every personal value. A case not found hides nothing (it holds none).
  void Load(NamedCases* nc) {
    nc->loaded = true;
    if (cases_ == nullptr) return;
    for (const std::string& id : nc->ids) {
      absl::StatusOr<v1::Case> c = cases_->Latest(id);
      if (!c.ok()) continue;
      std::optional<auth::FieldPlan> plan =
          scope_.authz->PlanRead(scope_.principal, "caselink.v1.CaseService/GetCase", facts_.Facts(*c));
      auth::CollectHiddenValues(plan.has_value() ? &*plan : nullptr, scope_.authz->masks(), *c, &nc->hidden);
    }
  }

  // `value` with the personal values of the cases named around it hidden;
  // false if it holds none.
  bool HideNamedCaseValues(const std::string& value, std::string* out) {
    bool changed = false;
    std::string current;
    for (NamedCases& nc : named_cases_) {
      if (!nc.loaded) Load(&nc);
      if (nc.hidden.empty()) continue;
      if (nc.hidden.Apply(changed ? current : value, out)) {
        current = *out;
        changed = true;
      }
    }
    if (changed) *out = std::move(current);
    return changed;
  }

  // The entry names the text's path among the fields masked if anything in
  // it was, else among those returned in full, and each identity number or
  // credit code the text shows as a party read (PartyAccess finds it).
  void MaskFreeText(Message* msg, const FieldDescriptor* f) {
    const auth::FreeTextMasker& masker = scope_.authz->masks().free_text();
    const std::string path = absl::StrCat(msg->GetDescriptor()->name(), ".", f->name());
    if (!masker.enabled() && (named_cases_.empty() || cases_ == nullptr)) {
      if (record_ != nullptr) record_->fields.full.insert(path);
      return;
    }
    if (!foreign_plan_computed_) {
      auth::RowFacts nobody;
      nobody.owner_agency = "\x01no-agency";  // matches no agency of any policy
      // Under GetCase, the RPC through which the policy says what an agency
      // may read of other agencies' cases.
      foreign_plan_ = scope_.authz->PlanRead(scope_.principal, "caselink.v1.CaseService/GetCase", nobody);
      foreign_plan_computed_ = true;
    }
    auto decide = [&](v1::Sensitivity cls) {
      return foreign_plan_.has_value() ? foreign_plan_->Decide(path, cls) : v1::DENY;
    };
    const Reflection* r = msg->GetReflection();
    // Names and addresses of the cases around the text first, then the
    // identifiers the scanner finds.
    std::vector<std::string> shown_ids;
    auto rewrite = [&](const std::string& value, std::string* out) {
      std::string hidden;
      // The caller's own text is returned as it wrote it (annotations.proto,
      // text_author): hiding a case's values in it would be an oracle.
      const bool own = !own_text_.empty() && own_text_.back();
      const bool named = !own && cases_ != nullptr && !named_cases_.empty() && HideNamedCaseValues(value, &hidden);
      const std::string& text = named ? hidden : value;
      if (masker.enabled() && masker.Apply(text, decide, out, record_ != nullptr ? &shown_ids : nullptr)) return true;
      if (named) *out = std::move(hidden);
      return named;
    };
    std::string out;
    bool masked = false;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(*msg, f); ++i) {
        if (rewrite(r->GetRepeatedString(*msg, f, i), &out)) {
          r->SetRepeatedString(msg, f, i, std::move(out));
          masked = true;
        }
      }
    } else if (rewrite(r->GetString(*msg, f), &out)) {
      r->SetString(msg, f, std::move(out));
      masked = true;
    }
    if (record_ == nullptr) return;
    (masked ? record_->fields.masked : record_->fields.full).insert(path);
    for (const std::string& id : shown_ids) record_->party_ids.push_back(NormalizePartyId(id));
  }

  // Redacts `c` in place; false if the row is invisible.
  bool Admit(v1::Case* c) {
    auto plan = scope_.authz->PlanRead(scope_.principal, scope_.method, facts_.Facts(*c));
    if (!plan.has_value()) return false;
    if (c->owner_agency() != scope_.principal.agency_id) foreign_ = true;
    const std::string id = c->case_id();
    if (record_ != nullptr) {
      for (std::string& pid : PartyIdsOf(*c)) record_->party_ids.push_back(std::move(pid));
    }
    // The record's field sets are the union over every case returned; the
    // identity numbers its text shows in full name their parties too.
    if (record_ != nullptr) {
      std::vector<std::string> shown;
      auth::RedactMessage(*plan, scope_.authz->masks(), c, &record_->fields, &shown);
      for (const std::string& pid : shown) record_->party_ids.push_back(NormalizePartyId(pid));
    } else {
      auth::RedactMessage(*plan, scope_.authz->masks(), c, nullptr);
    }
    if (record_ != nullptr) {
      record_->case_ids.push_back(id);
      if (named_built_) named_.insert(id);
    }
    return true;
  }

  const CallScope& scope_;
  const RowFactsSource& facts_;
  const CaseSource* cases_;  // null: no case values hidden in outside text
  AccessRecord* record_;
  std::vector<NamedCases> named_cases_;  // innermost last
  std::vector<bool> own_text_;           // per message walked: the caller wrote its text
  absl::flat_hash_map<std::string, std::optional<auth::FieldPlan>> case_plans_;
  bool foreign_ = false;
  bool foreign_plan_computed_ = false;
  std::optional<auth::FieldPlan> foreign_plan_;
  // The record's case ids, built at the first case_ref field (a GetCase
  // answer has none and never builds it).
  bool named_built_ = false;
  absl::flat_hash_set<std::string> named_;

 public:
  bool saw_foreign_case() const { return foreign_; }
};

}  // namespace

namespace {

// A request names at most this many cases in its entry: more than any
// batch the API accepts (SubmitCases takes 1000 items).
constexpr size_t kMaxRequestedCases = 1024;

// Appends the values of every (caselink.v1.case_ref) field of `m`, at any
// depth, as they come (repeats too), up to kMaxRequestedCases.
void CollectCaseRefs(const Message& m, int depth, std::vector<std::string>* out) {
  if (depth > 16) return;
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    const int n = f->is_repeated() ? r->FieldSize(m, f) : 1;
    if (auth::IsCaselinkMessage(f)) {
      for (int i = 0; i < n; ++i) {
        CollectCaseRefs(f->is_repeated() ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f), depth + 1, out);
      }
    } else if (f->type() == FieldDescriptor::TYPE_STRING && f->options().GetExtension(v1::case_ref)) {
      for (int i = 0; i < n && out->size() < kMaxRequestedCases; ++i) {
        std::string id = f->is_repeated() ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
        if (!id.empty()) out->push_back(std::move(id));
      }
    }
  }
}

}  // namespace

void NoteRequest(const Message& request, AccessRecord* record) {
  record->requested_case_id = StringField(request, "case_id");
  std::vector<std::string>& ids = record->requested_case_ids;
  ids.clear();
  CollectCaseRefs(request, 0, &ids);
  // Without the top-level case_id (a GetCase names only that one)...
  ids.erase(std::remove(ids.begin(), ids.end(), record->requested_case_id), ids.end());
  if (ids.size() > 1) {
    // ...and each once, in the order named.
    absl::flat_hash_set<std::string> seen;
    size_t kept = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (!seen.insert(ids[i]).second) continue;
      if (kept != i) ids[kept] = std::move(ids[i]);
      ++kept;
    }
    ids.resize(kept);
  }
  record->purpose = StringField(request, "purpose");
  record->purpose_case_ref = StringField(request, "purpose_case_ref");
  record->searched_party_id = StringField(request, "party_id");
  record->searched_party_name = StringField(request, "party_name");
}

absl::Status CaseNotFound(absl::string_view case_id) {
  return absl::NotFoundError(absl::StrCat("case '", case_id, "' not found"));
}

absl::StatusOr<CallScope> CallGuard::Admit(const grpc::ServerContextBase& ctx,
                                           const std::string& method,
                                           AccessRecord* record) const {
  if (record != nullptr) record->method = method;
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    if (record != nullptr) record->denied_by = deny_rule::kNoClientCertificate;
    return absl::UnauthenticatedError(
        "no verified client certificate; connect with your agency's certificate over mutual TLS");
  }
  CallScope scope;
  scope.method = method;
  scope.authz = policy_->Current();
  auth::PeerIdentity peer = PeerFrom(*auth);
  if (record != nullptr) record->cert_fingerprint = peer.fingerprint_sha256;
  auto principal = scope.authz->Authenticate(peer);
  if (!principal.ok()) {
    if (record != nullptr) record->denied_by = deny_rule::kUnknownIdentity;
    return principal.status();
  }
  scope.principal = *std::move(principal);
  if (record != nullptr) record->agency_id = scope.principal.agency_id;
  // After the identity, so the log names the agency a revoked certificate
  // claims.
  if (revocation_ != nullptr) {
    absl::Status live = revocation_->Check(Property(*auth, "x509_pem_cert"));
    if (!live.ok()) {
      if (record != nullptr) record->denied_by = deny_rule::kRevocation;
      return live;
    }
  }
  absl::Status granted = scope.authz->AuthorizeRpc(scope.principal, method);
  if (!granted.ok()) {
    if (record != nullptr) record->denied_by = deny_rule::kRpcNotGranted;
    return granted;
  }
  return scope;
}

absl::Status CallGuard::CheckRevocation(const grpc::ServerContextBase& ctx) const {
  if (revocation_ == nullptr) return absl::OkStatus();
  std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError("no verified client certificate");
  }
  return revocation_->Check(Property(*auth, "x509_pem_cert"));
}

auth::RowFacts CallGuard::FactsOf(const v1::Case& c) const { return facts_->Facts(c); }

bool CallGuard::Visible(const CallScope& scope, const v1::Case& c) const {
  return scope.authz->PlanRead(scope.principal, scope.method, facts_->Facts(c)).has_value();
}

std::vector<std::string> CallGuard::FilteredPaths(const Message& request) {
  std::vector<std::string> paths;
  const Reflection* r = request.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(request, &fields);  // set fields only: an unset filter filters nothing
  for (const FieldDescriptor* f : fields) {
    const std::string& path = f->options().GetExtension(v1::filters);
    if (path.empty() || std::find(paths.begin(), paths.end(), path) != paths.end()) continue;
    paths.push_back(path);
  }
  return paths;
}

bool CallGuard::RedactAsLatest(const CallScope& scope, const v1::Case& latest, v1::Case* version,
                               AccessRecord* record) const {
  std::optional<auth::FieldPlan> plan = scope.authz->PlanRead(scope.principal, scope.method, facts_->Facts(latest));
  if (!plan.has_value()) return false;
  auth::RedactMessage(*plan, scope.authz->masks(), version, record != nullptr ? &record->fields : nullptr);
  return true;
}

absl::Status CallGuard::ReadSnapshotsAsLatest(const CallScope& scope,
                                              google::protobuf::RepeatedPtrField<v1::Case>* snapshots,
                                              AccessRecord* record) const {
  if (cases_ == nullptr) return absl::OkStatus();  // unit tests: no store to read the latest from
  int kept = 0;
  for (int i = 0; i < snapshots->size(); ++i) {
    v1::Case* snapshot = snapshots->Mutable(i);
    absl::StatusOr<v1::Case> latest = cases_->Latest(snapshot->case_id());
    if (absl::IsNotFound(latest.status())) continue;
    if (!latest.ok()) return latest.status();
    // The latest version itself is decided by its own facts in FilterResponse.
    if (latest->version() != snapshot->version() && !RedactAsLatest(scope, *latest, snapshot, record)) continue;
    if (kept != i) snapshots->SwapElements(kept, i);
    ++kept;
  }
  snapshots->DeleteSubrange(kept, snapshots->size() - kept);
  return absl::OkStatus();
}

std::vector<bool> CallGuard::ShownInFull(const auth::FieldPlan& plan, const std::vector<std::string>& paths) {
  std::vector<bool> shown(paths.size(), false);
  if (paths.empty()) return shown;
  std::shared_ptr<const auth::CompiledRedaction> compiled =
      plan.cache() != nullptr ? plan.cache()->Get(plan, v1::Case::descriptor())
                              : std::make_shared<const auth::CompiledRedaction>(plan, v1::Case::descriptor());
  for (size_t i = 0; i < paths.size(); ++i) shown[i] = auth::ShowsInFull(*compiled, paths[i]);
  return shown;
}

bool CallGuard::ExistenceShown(const auth::FieldPlan& plan, const google::protobuf::Descriptor* d) {
  const std::string& governing = d->options().GetExtension(v1::existence_governed_by);
  return governing.empty() || ShownInFull(plan, {governing}).front();
}

bool CallGuard::VisibleThroughFilters(const CallScope& scope, const std::vector<std::string>& paths,
                                      const v1::Case& c) const {
  std::optional<auth::FieldPlan> plan = scope.authz->PlanRead(scope.principal, scope.method, facts_->Facts(c));
  if (!plan.has_value()) return false;
  for (bool shown : ShownInFull(*plan, paths)) {
    if (!shown) return false;
  }
  return true;
}

absl::Status CallGuard::FilterResponse(const CallScope& scope, const Message& request,
                                       Message* response, AccessRecord* record) const {
  const std::string purpose = StringField(request, "purpose");
  if (record != nullptr) {
    record->purpose = purpose;
    record->purpose_case_ref = StringField(request, "purpose_case_ref");
  }
  // Closed world on the way out too: fields this server does not know (in
  // data stored before requests were closed) are never returned.
  response->DiscardUnknownFields();
  ResponseFilter filter(scope, *facts_, cases_, record);
  CASELINK_RETURN_IF_ERROR(filter.ApplyTop(response));
  if (filter.saw_foreign_case() && purpose.empty()) {
    if (record != nullptr) record->denied_by = deny_rule::kPurposeRequired;
    return absl::InvalidArgumentError(
        "purpose: is required (查询事由) to read cases of other agencies; say why you read them");
  }
  return absl::OkStatus();
}

void CallGuard::PreviewRecord(const CallScope& scope, const Message& answer, AccessRecord* out) const {
  std::unique_ptr<Message> copy(answer.New());
  copy->CopyFrom(answer);
  ResponseFilter filter(scope, *facts_, cases_, out);
  filter.ApplyTop(copy.get()).IgnoreError();  // an invisible answer is the filter's to refuse later
}

absl::Status CallGuard::CheckWritable(const CallScope& scope, const v1::Case& submitted) const {
  absl::Status s = auth::CheckWritable(scope.authz->PlanWrite(scope.principal, scope.method), submitted);
  if (!s.ok() && scope.record != nullptr) scope.record->denied_by = deny_rule::kFieldNotWritable;
  return s;
}

}  // namespace caselink::server
