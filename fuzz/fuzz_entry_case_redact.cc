#include "fuzz/fuzz_entry_case_redact.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "auth/authorizer.h"
#include "auth/field_redactor.h"
#include "auth/policy_loader.h"
#include "caselink/v1/case_service.pb.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "server/core/request_validator.h"

#ifndef CASELINK_EXAMPLE_POLICY
#error "CASELINK_EXAMPLE_POLICY (path of certs-example/policy.textproto) must be defined"
#endif

namespace caselink::fuzz {
namespace {

constexpr char kGetCase[] = "caselink.v1.CaseService/GetCase";
constexpr char kSubmitCase[] = "caselink.v1.CaseService/SubmitCase";
const char* const kAgencies[] = {"psb", "justice", "town-a", "procuratorate", "market"};

// Text-format errors are expected; keep them off stderr.
class SilentErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

struct Fixture {
  std::shared_ptr<const auth::Authorizer> authz;
  std::vector<auth::Principal> principals;
};

const Fixture& GetFixture() {
  static const Fixture* fixture = [] {
    auto* f = new Fixture;
    auto policy = auth::LoadPolicyFile(CASELINK_EXAMPLE_POLICY);
    if (!policy.ok()) {
      std::fprintf(stderr, "cannot load %s: %s\n", CASELINK_EXAMPLE_POLICY,
                   std::string(policy.status().message()).c_str());
      std::abort();
    }
    auto authz = auth::Authorizer::Create(*std::move(policy));
    if (!authz.ok()) std::abort();
    f->authz = *std::move(authz);
    for (const char* a : kAgencies) {
      auth::PeerIdentity peer;
      peer.uri_sans.push_back(absl::StrCat("caselink://agency/", a));
      auto p = f->authz->Authenticate(peer);
      if (!p.ok()) std::abort();
      f->principals.push_back(*std::move(p));
    }
    return f;
  }();
  return *fixture;
}

size_t CodePointCount(const std::string& s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// A masked value must differ from the original: at least one code point is
// replaced by '*' (so only an original made of '*' where it is hidden could
// come back unchanged). Invalid UTF-8 continuation bytes count as their own
// code point in the masker, so count conservatively: require no '*' at all.
std::string CheckMasked(const std::string& agency, const std::string& what,
                        const std::string& original, const std::string& redacted) {
  if (redacted.empty() || original.find('*') != std::string::npos) return "";
  if (CodePointCount(original) < 2) return "";
  if (redacted == original) {
    return absl::StrCat(agency, ": ", what, " returned unmasked: ", original);
  }
  return "";
}

}  // namespace

std::string CaseRedactEntry(const uint8_t* data, size_t size) {
  const Fixture& fx = GetFixture();
  v1::SubmitCaseRequest req;
  if (size > 0 && data[0] == '#') {
    google::protobuf::TextFormat::Parser parser;
    SilentErrors errors;
    parser.RecordErrorsTo(&errors);
    if (!parser.ParseFromString(std::string(reinterpret_cast<const char*>(data), size), &req)) {
      return "";
    }
  } else if (!req.ParseFromArray(data, static_cast<int>(size))) {
    return "";
  }
  (void)server::ValidateSubmitCase(req);
  const v1::Case& original = req.case_();

  for (const auth::Principal& p : fx.principals) {
    // Writes: the submitted fields against the caller's writable plan.
    const auth::FieldPlan writable = fx.authz->PlanWrite(p, kSubmitCase);
    const absl::Status w = auth::CheckWritable(writable, original);
    if (p.agency_id == "town-a" && original.major() && w.ok()) {
      return "town-a may set the major flag";
    }

    // Reads of the case as owned by its owner_agency (a row fact).
    auth::RowFacts row;
    row.owner_agency = original.owner_agency();
    row.domain = original.domain();
    const auto plan = fx.authz->PlanRead(p, kGetCase, row);
    if (p.agency_id == "town-a" && row.owner_agency != "town-a" && plan) {
      return absl::StrCat("town-a sees a case of agency '", row.owner_agency, "'");
    }
    if (!plan) continue;
    v1::Case redacted = original;
    auth::RedactionReport report;
    auth::RedactMessage(*plan, fx.authz->masks(), &redacted, &report);
    if (redacted.parties_size() != original.parties_size()) {
      return "redaction changed the number of parties";
    }
    const bool ids_masked =
        plan->Decide("parties.person.id_number", v1::PERSONAL_ID) == v1::MASK;
    if (!ids_masked) continue;
    for (int i = 0; i < original.parties_size(); ++i) {
      const v1::Party& o = original.parties(i);
      const v1::Party& r = redacted.parties(i);
      std::string v = CheckMasked(p.agency_id, "parties.person.id_number",
                                  o.person().id_number(), r.person().id_number());
      if (v.empty()) {
        v = CheckMasked(p.agency_id, "parties.organization.credit_code",
                        o.organization().credit_code(), r.organization().credit_code());
      }
      if (!v.empty()) return v;
    }
  }
  return "";
}

}  // namespace caselink::fuzz
