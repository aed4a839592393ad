// The search index of cases: keys in the kCaseIndex table derived from each
// case's latest version, written and removed in the same batch as the case,
// so the index never disagrees with the data, also across a crash.
// Party identity numbers never appear in keys in plain text: they are indexed
// by HMAC-SHA256 under a server secret. Thread-safe (immutable).
//
//   "p" + HMAC(id)[0..16) + case_id        party 身份证号 / 统一社会信用代码
//   "n" + party name + "\0" + case_id       party name (exact)
#pragma once

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "caselink/v1/case.pb.h"

namespace caselink::storage {

class CaseIndex {
 public:
  // `party_key`: the HMAC key; empty disables the party-id index.
  explicit CaseIndex(std::string party_key) : party_key_(std::move(party_key)) {}

  // Every index key of this version of a case (sorted, unique).
  std::vector<std::string> KeysFor(const v1::Case& c) const;

  bool party_ids_enabled() const { return !party_key_.empty(); }
  // The key prefix of cases with a party having this id (upper-cased first).
  std::string PartyIdPrefix(absl::string_view party_id) const;
  static std::string PartyNamePrefix(absl::string_view name);

 private:
  std::string party_key_;
};

}  // namespace caselink::storage
