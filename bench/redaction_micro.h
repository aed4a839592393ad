// The in-process redaction micro-benchmark of caselink_bench: what field
// redaction costs per GetCase, without the network. Uses the real Authorizer
// built from the district's example policy and the same calls the server's
// CallGuard makes (PlanRead, then RedactMessage with a report), on the
// stored form of the sample MARKET_ORDER case of `market`.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "caselink/v1/case.pb.h"

namespace caselink::bench {

struct MicroResult {
  std::string name;         // e.g. "copy+redact(psb plan)"
  double ns_per_op = 0;
  uint64_t iterations = 0;
};

struct RedactionMicro {
  std::vector<MicroResult> rows;
  // Redaction cost per GetCase: (plan + copy + redact as psb) - (copy only).
  double redaction_ns_psb = 0;
  // The same for the owner, whose plan allows everything (still walked).
  double redaction_ns_owner = 0;
  // Fields the psb plan masked on the sample case (proves real work was done).
  std::vector<std::string> masked_fields;
};

// `policy_text` is a caselink.v1.Policy in text format; `stored` is the case
// as stored (owner market). Each variant runs for about `seconds_per_variant`.
absl::StatusOr<RedactionMicro> RunRedactionMicro(const std::string& policy_text,
                                                 const v1::Case& stored,
                                                 double seconds_per_variant);

}  // namespace caselink::bench
