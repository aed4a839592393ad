// Loading and checking the district's policy file (text-format
// caselink.v1.Policy). Every problem is reported as "FILE:LINE:COL: reason",
// syntax and meaning alike, so an operator can fix the file without guessing.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/policy.pb.h"

namespace caselink::auth {

// Parses and validates the policy at `path`. InvalidArgument lists every
// problem found, one per line; NotFound if the file cannot be read.
absl::StatusOr<v1::Policy> LoadPolicyFile(const std::string& path);

// Parses and validates policy text; `name` is used in messages in place of a
// file name.
absl::StatusOr<v1::Policy> ParsePolicy(const std::string& text, const std::string& name);

}  // namespace caselink::auth
