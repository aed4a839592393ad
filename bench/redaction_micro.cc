#include "redaction_micro.h"

#include <chrono>
#include <functional>

#include "absl/strings/str_cat.h"
#include "auth/authorizer.h"
#include "auth/field_redactor.h"
#include "auth/policy_loader.h"
#include "caselink_common/status_macros.h"

namespace caselink::bench {
namespace {

const char kGetCase[] = "caselink.v1.CaseService/GetCase";

// Runs `op` in batches until `seconds` have passed; ns per call.
MicroResult Measure(const std::string& name, double seconds, const std::function<void()>& op) {
  using Clock = std::chrono::steady_clock;
  for (int i = 0; i < 200; ++i) op();  // warm caches
  const auto start = Clock::now();
  const auto until = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(seconds));
  uint64_t n = 0;
  Clock::time_point now;
  do {
    for (int i = 0; i < 256; ++i) op();
    n += 256;
    now = Clock::now();
  } while (now < until);
  MicroResult r;
  r.name = name;
  r.iterations = n;
  r.ns_per_op = std::chrono::duration<double, std::nano>(now - start).count() / static_cast<double>(n);
  return r;
}

absl::StatusOr<auth::Principal> PrincipalOf(const auth::Authorizer& a, const std::string& agency) {
  auth::PeerIdentity peer;
  peer.uri_sans.push_back(absl::StrCat("caselink://agency/", agency));
  peer.common_name = agency;
  return a.Authenticate(peer);
}

}  // namespace

absl::StatusOr<RedactionMicro> RunRedactionMicro(const std::string& policy_text,
                                                 const v1::Case& stored, double seconds) {
  CASELINK_ASSIGN_OR_RETURN(v1::Policy policy, auth::ParsePolicy(policy_text, "example policy"));
  CASELINK_ASSIGN_OR_RETURN(std::shared_ptr<const auth::Authorizer> authz,
                            auth::Authorizer::Create(std::move(policy)));
  CASELINK_ASSIGN_OR_RETURN(auth::Principal psb, PrincipalOf(*authz, "psb"));
  CASELINK_ASSIGN_OR_RETURN(auth::Principal market, PrincipalOf(*authz, "market"));
  auth::RowFacts facts;
  facts.owner_agency = stored.owner_agency();
  facts.domain = stored.domain();
  std::optional<auth::FieldPlan> psb_plan = authz->PlanRead(psb, kGetCase, facts);
  std::optional<auth::FieldPlan> owner_plan = authz->PlanRead(market, kGetCase, facts);
  if (!psb_plan || !owner_plan) {
    return absl::FailedPreconditionError(
        "the example policy no longer lets psb and market read the sample case");
  }

  RedactionMicro out;
  {
    v1::Case c = stored;
    auth::RedactionReport report;
    auth::RedactMessage(*psb_plan, authz->masks(), &c, &report);
    out.masked_fields.assign(report.masked.begin(), report.masked.end());
  }

  volatile size_t sink = 0;
  const auth::MaskBook& masks = authz->masks();
  MicroResult copy = Measure("copy (no redaction)", seconds, [&] {
    v1::Case c = stored;
    sink = sink + c.parties_size();
  });
  MicroResult psb_redact = Measure("copy+redact (psb plan: id numbers masked)", seconds, [&] {
    v1::Case c = stored;
    auth::RedactionReport report;
    auth::RedactMessage(*psb_plan, masks, &c, &report);
    sink = sink + c.parties_size() + report.masked.size();
  });
  MicroResult psb_full = Measure("PlanRead+copy+redact (psb, as CallGuard)", seconds, [&] {
    auto plan = authz->PlanRead(psb, kGetCase, facts);
    v1::Case c = stored;
    auth::RedactionReport report;
    auth::RedactMessage(*plan, masks, &c, &report);
    sink = sink + c.parties_size() + report.masked.size();
  });
  MicroResult owner_full = Measure("PlanRead+copy+redact (owner market, all ALLOW)", seconds, [&] {
    auto plan = authz->PlanRead(market, kGetCase, facts);
    v1::Case c = stored;
    auth::RedactionReport report;
    auth::RedactMessage(*plan, masks, &c, &report);
    sink = sink + c.parties_size() + report.masked.size();
  });
  out.rows = {copy, psb_redact, psb_full, owner_full};
  out.redaction_ns_psb = psb_full.ns_per_op - copy.ns_per_op;
  out.redaction_ns_owner = owner_full.ns_per_op - copy.ns_per_op;
  return out;
}

}  // namespace caselink::bench
