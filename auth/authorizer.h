// Authorizer: the district's policy compiled for lookups. It answers the
// questions of the one enforcement path every RPC goes through: who is this
// certificate (Authenticate), may it call this RPC (AuthorizeRpc), may it see
// this row and what of its fields (PlanRead), may it write these fields
// (PlanWrite). Deny by default: what no rule grants is refused.
// Immutable after Create, so it is shared freely across threads; a policy
// reload builds a new one (see PolicyHolder).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "auth/field_plan.h"
#include "auth/masking.h"
#include "auth/peer_identity.h"
#include "auth/redaction_plan.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/policy.pb.h"

namespace caselink::auth {

// An authenticated caller.
struct Principal {
  std::string agency_id;
  std::string display_name;
  std::vector<v1::Role> roles;
  std::string cert_fingerprint;
};

// What the row rules need to know about a case.
struct RowFacts {
  std::string owner_agency;
  v1::Domain domain = v1::DOMAIN_UNSPECIFIED;
  // Agencies a transfer links the case to (either direction): what
  // `rows { transferred: true }` follows.
  std::vector<std::string> linked_agencies;
  // Agencies a supervision record links the case to: with the above, what
  // `rows { linked: true }` follows. No other selector looks at links.
  std::vector<std::string> supervision_agencies;
  // Agencies on the inspection team of a campaign whose sample holds the
  // case: what `rows { inspection_sample: true }` follows, and nothing else.
  std::vector<std::string> inspection_agencies;
};

class Authorizer {
 public:
  static absl::StatusOr<std::shared_ptr<const Authorizer>> Create(v1::Policy policy);

  // Maps a verified certificate to its agency. PermissionDenied if no agency
  // of the policy claims any of the certificate's identities, or if its
  // identities match two different agencies.
  absl::StatusOr<Principal> Authenticate(const PeerIdentity& peer) const;

  // OK if some rule (or public_rpcs) grants `method` ("pkg.Service/Method",
  // a leading '/' is ignored) to the caller; else PermissionDenied saying so.
  absl::Status AuthorizeRpc(const Principal& p, absl::string_view method) const;

  // The caller's field plan for one row read through `method`, or nullopt if
  // no rule granting `method` selects the row (the row is invisible).
  std::optional<FieldPlan> PlanRead(const Principal& p, absl::string_view method,
                                    const RowFacts& row) const;

  // The caller's plan for a document of a workflow item through `method`:
  // the rules granting `method` to the caller that select one of `rows` (the
  // item's cases), or every rule granting it if the caller is a party of the
  // item (`party`: the workflow lets it see the item). nullopt if none: the
  // item, and so the document, is invisible to the caller.
  std::optional<FieldPlan> PlanDocument(const Principal& p, absl::string_view method,
                                        const std::vector<RowFacts>& rows, bool party) const;

  // The fields the caller may set through `method` (write rules only ever
  // cover rows the caller owns).
  FieldPlan PlanWrite(const Principal& p, absl::string_view method) const;

  const MaskBook& masks() const { return masks_; }
  const v1::Policy& policy() const { return policy_; }

 private:
  struct CompiledRule {
    std::string name;
    absl::flat_hash_set<int> roles;
    absl::flat_hash_set<std::string> agencies;
    std::vector<std::string> rpcs;  // exact "Service/Method" or "Service/*"
    v1::RowSelector rows;
    absl::flat_hash_set<int> domains;
    GrantTable read;
    GrantTable write;
  };

  Authorizer() = default;
  bool AppliesTo(const CompiledRule& r, const Principal& p) const;
  static bool GrantsRpc(const CompiledRule& r, absl::string_view method);
  static bool SelectsRow(const CompiledRule& r, const Principal& p, const RowFacts& row);

  v1::Policy policy_;
  std::vector<CompiledRule> rules_;
  absl::flat_hash_map<std::string, int> identity_to_agency_;  // index in policy_.agencies
  std::vector<std::string> public_rpcs_;
  MaskBook masks_;
  // Compiled redaction of the plans this Authorizer hands out (their tables
  // are its rules'): filled as rows are read, dropped with it on a reload.
  mutable RedactionPlanCache redaction_plans_;
};

}  // namespace caselink::auth
