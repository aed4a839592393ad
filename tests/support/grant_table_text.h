// Grant tables for redaction tests, written in text format as in the policy
// file: "fields { sensitivity: PUBLIC action: ALLOW } fields { path: ... }".
#pragma once

#include <memory>
#include <string>

#include "auth/field_plan.h"
#include "caselink/v1/policy.pb.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace caselink::testing {

// Every sensitivity class ALLOWed.
inline constexpr char kAllowAllClasses[] =
    "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
    "fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: PERSONAL_ID action: ALLOW } "
    "fields { sensitivity: INVESTIGATIVE action: ALLOW } ";

// A rule's read grants from their text (a parse failure fails the test).
inline std::unique_ptr<auth::GrantTable> GrantTableFromText(const std::string& fields_text) {
  v1::Rule rule;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(fields_text, &rule)) << fields_text;
  return std::make_unique<auth::GrantTable>(rule.fields());
}

}  // namespace caselink::testing
