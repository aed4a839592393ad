#include "caselink_common/proto_time.h"

#include <cstdint>

#include "google/protobuf/util/time_util.h"

namespace caselink {

google::protobuf::Timestamp ToProtoTime(absl::Time t) {
  using google::protobuf::util::TimeUtil;
  google::protobuf::Timestamp ts;
  const absl::Time min = absl::FromUnixSeconds(TimeUtil::kTimestampMinSeconds);
  const absl::Time max = absl::FromUnixSeconds(TimeUtil::kTimestampMaxSeconds) + absl::Seconds(1) -
                         absl::Nanoseconds(1);
  if (t < min) t = min;
  if (t > max) t = max;
  const int64_t seconds = absl::ToUnixSeconds(t);  // floor, so nanos >= 0
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return ts;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

}  // namespace caselink
