#include "districts.h"

namespace caselink::bench {

absl::StatusOr<std::unique_ptr<testing::TestDistrict>> StartDistrict(bool access_log) {
  testing::DistrictOptions options;
  options.access_log = access_log;
  return testing::TestDistrict::Start(options);
}

absl::StatusOr<std::string> SubmitMarketCase(testing::TestDistrict& district, v1::Domain domain) {
  auto created = district.As("market").SubmitCase(testing::SampleCase(domain));
  if (!created.ok()) return created.status();
  return created->case_().case_id();
}

}  // namespace caselink::bench
