// MaskedSearchQuota bounds how often one agency may search by a value it is
// shown only masked or not at all: SearchCases by party_id when its policy
// masks or withholds PERSONAL_ID (身份证号, 统一社会信用代码), by party_name
// when it masks or withholds PERSONAL (a person's name). Without a bound such
// an agency could confirm full numbers or names by trying them one by one
// against the masked ones it sees (a search oracle); with it, a clerk who
// looks people up keeps working and an enumeration is refused and counted.
//
// Each agency has a token bucket of `per_hour` searches that refills
// continuously (per_hour an hour), so at most per_hour searches pass in any
// hour after a full bucket. Over it: RESOURCE_EXHAUSTED naming
// limits.masked_searches_per_agency_per_hour. The same bucket is charged by
// AuditService.PartyAccess for an agency that reads identity numbers masked:
// "who accessed this 身份证号" answers whether the number is a party's, the
// same oracle. Thread-safe.
#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "caselink/v1/case_service.pb.h"
#include "server/core/call_guard.h"

namespace caselink::server {

class MaskedSearchQuota {
 public:
  explicit MaskedSearchQuota(int per_hour) : per_hour_(per_hour) {}

  // Takes one search of `agency` at `now`; false if its bucket is empty.
  bool TryTake(const std::string& agency, absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  int per_hour() const { return per_hour_; }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time last;
  };
  const int per_hour_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
};

// Whether `req` searches by a value the caller sees masked or withheld in
// some row it may read of another agency (see the class comment).
bool SearchesMaskedValue(const CallScope& scope, const v1::SearchCasesRequest& req);

// Charges a masked-value search to the caller's quota (nothing for other
// searches or with no quota). Over the limit: sets the call's denied_by to
// deny_rule::kMaskedSearchLimit and returns RESOURCE_EXHAUSTED.
absl::Status ChargeMaskedSearch(MaskedSearchQuota* quota, const CallScope& scope,
                                const v1::SearchCasesRequest& req, absl::Time now);

// Whether the caller reads another agency's identity numbers (身份证号,
// 统一社会信用代码) masked or not at all through GetCase's rules.
bool ReadsPartyIdsMasked(const CallScope& scope);

// Charges a question by party id (AuditService.PartyAccess) to the same
// quota when ReadsPartyIdsMasked; the same refusal as ChargeMaskedSearch.
absl::Status ChargeMaskedPartyQuestion(MaskedSearchQuota* quota, const CallScope& scope, absl::Time now);

}  // namespace caselink::server
