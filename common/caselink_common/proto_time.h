// The one conversion between google.protobuf.Timestamp and absl::Time.
// Full nanosecond precision both ways. Times outside the Timestamp range
// (0001-01-01 to 9999-12-31 UTC, infinities included) clamp to its ends
// instead of overflowing. Pure; thread-safe.
//
//   *item.mutable_update_time() = ToProtoTime(absl::Now());
//   absl::Time due = FromProtoTime(item.deadline().due_time());
#pragma once

#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace caselink {

google::protobuf::Timestamp ToProtoTime(absl::Time t);
absl::Time FromProtoTime(const google::protobuf::Timestamp& ts);

}  // namespace caselink
