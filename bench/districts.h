// The in-process districts the load benchmarks measure (TestDistrict: a
// generated PKI, the example policy, RocksDB in a temp dir, a real mTLS
// server), with or without the access log, and the case they read.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "caselink/v1/case.pb.h"
#include "support/test_district.h"

namespace caselink::bench {

// A district serving with the access log, or without it: the benchmark-only
// switch (ServerHooks) that exists to price the log, one append per read
// (written before the answer, synced lazily), by comparing the same calls against both.
absl::StatusOr<std::unique_ptr<testing::TestDistrict>> StartDistrict(bool access_log);

// A new SampleCase of `domain` submitted by market; returns its id.
absl::StatusOr<std::string> SubmitMarketCase(testing::TestDistrict& district,
                                             v1::Domain domain = v1::MARKET_ORDER);

}  // namespace caselink::bench
