#include "fuzz/fuzz_entry_policy_parse.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "auth/authorizer.h"
#include "auth/policy_loader.h"
#include "caselink/v1/case_service.pb.h"

namespace caselink::fuzz {
namespace {

const char* const kMethods[] = {
    "caselink.v1.CaseService/GetCase",
    "/caselink.v1.CaseService/SubmitCase",
    "caselink.v1.CaseService/SearchCases",
    "caselink.v1.WorkflowService/CreateTransfer",
    "caselink.v1.AuditService/WhoRead",
    "",
    "/",
    "caselink.v1.CaseService/*",
};

// A value with no '*' so a masked rendering must differ from it.
const char kSample[] = "张三丰ABC1234567";

}  // namespace

std::string PolicyParseEntry(const uint8_t* data, size_t size) {
  // The rpc names the policy may grant are checked against the descriptor
  // pool; make sure the service descriptors are linked in.
  (void)v1::SubmitCaseRequest::descriptor();
  const std::string text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<v1::Policy> policy = auth::ParsePolicy(text, "fuzz");
  if (!policy.ok()) {
    if (policy.status().message().empty()) return "ParsePolicy failed without a message";
    return "";
  }
  const v1::Policy copy = *policy;
  auto authz = auth::Authorizer::Create(*std::move(policy));
  if (!authz.ok()) return "";

  // The principals: a fixed one, every agency of the policy (at most 8)
  // through Authenticate, and a stranger that must be refused.
  std::vector<auth::Principal> principals;
  principals.push_back({"psb", "fixed", {v1::POLICE, v1::TOWN}, "00"});
  for (int i = 0; i < copy.agencies_size() && i < 8; ++i) {
    auth::PeerIdentity peer;
    for (const std::string& id : copy.agencies(i).identities()) {
      if (absl::StartsWith(id, "CN=")) peer.common_name = id.substr(3);
      else peer.uri_sans.push_back(id);
    }
    auto p = (*authz)->Authenticate(peer);
    if (p.ok()) principals.push_back(*std::move(p));
  }
  auth::PeerIdentity stranger;
  stranger.uri_sans.push_back("caselink://agency/\xff-nobody-\x01");
  (void)(*authz)->Authenticate(stranger);

  std::vector<auth::RowFacts> rows(3);
  rows[0].owner_agency = "psb";
  rows[0].domain = v1::PUBLIC_ORDER;
  rows[1].owner_agency = "market";
  rows[1].domain = v1::MARKET_ORDER;
  rows[1].linked_agencies = {"psb", "procuratorate"};
  rows[2].owner_agency = "";

  for (const auth::Principal& p : principals) {
    for (const char* m : kMethods) {
      (void)(*authz)->AuthorizeRpc(p, m);
      for (const auth::RowFacts& row : rows) {
        auto plan = (*authz)->PlanRead(p, m, row);
        if (plan) {
          (void)plan->Decide("parties.person.id_number", v1::PERSONAL_ID);
          (void)plan->HasPathBelow("parties");
        }
      }
      auth::FieldPlan w = (*authz)->PlanWrite(p, m);
      (void)w.Decide("major", v1::PUBLIC);
    }
  }

  // Masking with the policy's rules never returns the value unchanged
  // (unless the mask string itself occurs in it).
  for (int shape = v1::MaskShape_MIN; shape <= v1::MaskShape_MAX; ++shape) {
    if (!v1::MaskShape_IsValid(shape)) continue;
    std::string mask_char = "*";
    for (const v1::MaskRule& r : copy.masks()) {
      if (r.shape() == shape) mask_char = r.mask_char().empty() ? "*" : r.mask_char();
    }
    const std::string masked = (*authz)->masks().Mask(kSample, static_cast<v1::MaskShape>(shape));
    if (masked == kSample && !absl::StrContains(kSample, mask_char)) {
      return absl::StrCat("mask shape ", shape, " returned the value unmasked: ", masked);
    }
  }
  return "";
}

}  // namespace caselink::fuzz
