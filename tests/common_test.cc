// The shared helpers of common/: Timestamp <-> absl::Time, the district time
// zone, and the request digest that defines "the same request".
#include <string>

#include "absl/strings/escaping.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink_common/district_time_zone.h"
#include "caselink_common/proto_time.h"
#include "caselink_common/request_digest.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"

namespace caselink {
namespace {

using ::testing::HasSubstr;

TEST(ProtoTimeTest, RoundTripKeepsNanoseconds) {
  const absl::Time t = absl::FromUnixSeconds(1709604000) + absl::Nanoseconds(123456789);
  const google::protobuf::Timestamp ts = ToProtoTime(t);
  EXPECT_EQ(ts.seconds(), 1709604000);
  EXPECT_EQ(ts.nanos(), 123456789);
  EXPECT_EQ(FromProtoTime(ts), t);
}

TEST(ProtoTimeTest, BeforeTheEpochNanosStayPositive) {
  const absl::Time t = absl::FromUnixSeconds(-1) + absl::Nanoseconds(250);
  const google::protobuf::Timestamp ts = ToProtoTime(t);
  EXPECT_EQ(ts.seconds(), -1);
  EXPECT_EQ(ts.nanos(), 250);
  EXPECT_EQ(FromProtoTime(ts), t);
}

TEST(ProtoTimeTest, OutOfRangeClampsToValidTimestamps) {
  using google::protobuf::util::TimeUtil;
  const google::protobuf::Timestamp hi = ToProtoTime(absl::InfiniteFuture());
  const google::protobuf::Timestamp lo = ToProtoTime(absl::InfinitePast());
  EXPECT_EQ(hi.seconds(), TimeUtil::kTimestampMaxSeconds);
  EXPECT_EQ(hi.nanos(), 999999999);
  EXPECT_EQ(lo.seconds(), TimeUtil::kTimestampMinSeconds);
  EXPECT_EQ(lo.nanos(), 0);
}

TEST(DistrictTimeZoneTest, DefaultIsShanghai) {
  auto tz = LoadDistrictTimeZone("");
  ASSERT_TRUE(tz.ok());
  // 2024-03-01 00:00 UTC is 08:00 in the district.
  EXPECT_EQ(absl::FormatTime("%H:%M", absl::FromUnixSeconds(1709251200), *tz), "08:00");
}

TEST(DistrictTimeZoneTest, MisspeltZoneIsAnErrorNamingIt) {
  auto tz = LoadDistrictTimeZone("Asia/Shangai");
  EXPECT_EQ(tz.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(tz.status().message()), HasSubstr("'Asia/Shangai'"));
}

TEST(DistrictTimeZoneTest, AnotherKnownZoneIsUsed) {
  auto tz = LoadDistrictTimeZone("Asia/Urumqi");
  ASSERT_TRUE(tz.ok());
  EXPECT_EQ(absl::FormatTime("%H:%M", absl::FromUnixSeconds(1709251200), *tz), "06:00");
}

TEST(RequestDigestTest, IgnoresRequestIdAndSeesEverythingElse) {
  v1::SubmitCaseRequest a;
  a.set_request_id("r1");
  a.mutable_case_()->set_title("A");
  v1::SubmitCaseRequest b = a;
  b.set_request_id("r2");
  EXPECT_EQ(RequestDigest(a), RequestDigest(b));
  EXPECT_EQ(RequestDigest(a).size(), 32u);
  b.mutable_case_()->set_title("B");
  EXPECT_NE(RequestDigest(a), RequestDigest(b));
  // SHA-256 of the empty message (request_id cleared, nothing else set).
  v1::SubmitCaseRequest empty;
  empty.set_request_id("x");
  EXPECT_EQ(absl::BytesToHexString(RequestDigest(empty)),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

}  // namespace
}  // namespace caselink
