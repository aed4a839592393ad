#include "auth/authorizer.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"

namespace caselink::auth {
namespace {

bool MethodMatches(absl::string_view pattern, absl::string_view method) {
  if (pattern == method) return true;
  if (absl::EndsWith(pattern, "/*")) {
    return absl::StartsWith(method, pattern.substr(0, pattern.size() - 1));
  }
  return false;
}

absl::string_view Normalize(absl::string_view method) {
  absl::ConsumePrefix(&method, "/");
  return method;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Authorizer>> Authorizer::Create(v1::Policy policy) {
  std::shared_ptr<Authorizer> a(new Authorizer());
  a->policy_ = std::move(policy);
  for (int i = 0; i < a->policy_.agencies_size(); ++i) {
    for (const std::string& ident : a->policy_.agencies(i).identities()) {
      if (!a->identity_to_agency_.emplace(ident, i).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("identity '", ident, "' maps to more than one agency"));
      }
    }
  }
  for (const v1::Rule& r : a->policy_.rules()) {
    CompiledRule c;
    c.name = r.name();
    for (int role : r.roles()) c.roles.insert(role);
    for (const std::string& ag : r.agencies()) c.agencies.insert(ag);
    for (const std::string& rpc : r.rpcs()) c.rpcs.emplace_back(Normalize(rpc));
    c.rows = r.rows();
    for (int d : r.rows().domains()) c.domains.insert(d);
    c.read = GrantTable(r.fields());
    c.write = GrantTable(r.writable());
    a->rules_.push_back(std::move(c));
  }
  for (const std::string& rpc : a->policy_.public_rpcs()) a->public_rpcs_.emplace_back(Normalize(rpc));
  a->masks_ = MaskBook(a->policy_);
  return std::shared_ptr<const Authorizer>(std::move(a));
}

absl::StatusOr<Principal> Authorizer::Authenticate(const PeerIdentity& peer) const {
  // Every identity of the certificate is looked at, not just the first that
  // matches: a certificate naming two agencies (two URI SANs, or a URI SAN
  // and a CN) is ambiguous, and which agency it acts as must not depend on
  // the order of its SANs.
  int match = -1;
  for (const std::string& candidate : peer.Candidates()) {
    auto it = identity_to_agency_.find(candidate);
    if (it == identity_to_agency_.end() || it->second == match) continue;
    if (match >= 0) {
      return absl::PermissionDeniedError(absl::StrCat(
          peer.Describe(), " matches two agencies of the policy ('", policy_.agencies(match).id(), "' and '",
          policy_.agencies(it->second).id(), "'); a certificate must name exactly one agency: ask the CA "
          "for a certificate with only your agency's identity"));
    }
    match = it->second;
  }
  if (match >= 0) {
    const v1::Agency& ag = policy_.agencies(match);
    Principal p;
    p.agency_id = ag.id();
    p.display_name = ag.display_name();
    for (int role : ag.roles()) p.roles.push_back(static_cast<v1::Role>(role));
    p.cert_fingerprint = peer.fingerprint_sha256;
    return p;
  }
  return absl::PermissionDeniedError(absl::StrCat(
      peer.Describe(), " is signed by a trusted CA but names no agency of this district's "
      "policy; ask the operator to add its identity to the policy"));
}

bool Authorizer::AppliesTo(const CompiledRule& r, const Principal& p) const {
  if (r.agencies.contains(p.agency_id)) return true;
  return std::any_of(p.roles.begin(), p.roles.end(),
                     [&](v1::Role role) { return r.roles.contains(role); });
}

bool Authorizer::GrantsRpc(const CompiledRule& r, absl::string_view method) {
  return std::any_of(r.rpcs.begin(), r.rpcs.end(),
                     [&](const std::string& pat) { return MethodMatches(pat, method); });
}

bool Authorizer::SelectsRow(const CompiledRule& r, const Principal& p, const RowFacts& row) {
  if (r.rows.all()) return true;
  if (r.rows.own() && row.owner_agency == p.agency_id) return true;
  auto has = [&](const std::vector<std::string>& agencies) {
    return std::find(agencies.begin(), agencies.end(), p.agency_id) != agencies.end();
  };
  // A link grants a row only through the selector naming its kind.
  if ((r.rows.transferred() || r.rows.linked()) && has(row.linked_agencies)) return true;
  if (r.rows.linked() && has(row.supervision_agencies)) return true;
  if (r.rows.inspection_sample() && has(row.inspection_agencies)) return true;
  return r.domains.contains(row.domain);
}

absl::Status Authorizer::AuthorizeRpc(const Principal& p, absl::string_view method) const {
  method = Normalize(method);
  for (const std::string& pat : public_rpcs_) {
    if (MethodMatches(pat, method)) return absl::OkStatus();
  }
  for (const CompiledRule& r : rules_) {
    if (AppliesTo(r, p) && GrantsRpc(r, method)) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat(
      "no policy rule grants ", method, " to agency '", p.agency_id,
      "' (deny by default); ask the operator to grant it in the policy"));
}

std::optional<FieldPlan> Authorizer::PlanRead(const Principal& p, absl::string_view method,
                                              const RowFacts& row) const {
  method = Normalize(method);
  FieldPlan plan;
  plan.set_cache(&redaction_plans_);
  bool visible = false;
  for (const CompiledRule& r : rules_) {
    if (!AppliesTo(r, p) || !GrantsRpc(r, method) || !SelectsRow(r, p, row)) continue;
    visible = true;
    plan.Add(&r.read, r.name);
  }
  if (!visible) return std::nullopt;
  return plan;
}

std::optional<FieldPlan> Authorizer::PlanDocument(const Principal& p, absl::string_view method,
                                                  const std::vector<RowFacts>& rows, bool party) const {
  method = Normalize(method);
  FieldPlan plan;
  plan.set_cache(&redaction_plans_);
  bool visible = false;
  for (const CompiledRule& r : rules_) {
    if (!AppliesTo(r, p) || !GrantsRpc(r, method)) continue;
    const bool selects = party || std::any_of(rows.begin(), rows.end(),
                                              [&](const RowFacts& row) { return SelectsRow(r, p, row); });
    if (!selects) continue;
    visible = true;
    plan.Add(&r.read, r.name);
  }
  if (!visible) return std::nullopt;
  return plan;
}

FieldPlan Authorizer::PlanWrite(const Principal& p, absl::string_view method) const {
  method = Normalize(method);
  FieldPlan plan;
  plan.set_cache(&redaction_plans_);
  for (const CompiledRule& r : rules_) {
    if (AppliesTo(r, p) && GrantsRpc(r, method) && !r.write.empty()) plan.Add(&r.write, r.name);
  }
  return plan;
}

}  // namespace caselink::auth
