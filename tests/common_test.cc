// The shared helpers of common/: Timestamp <-> absl::Time, the district time
// zone, and the request digest that defines "the same request".
#include <string>

#include "absl/strings/escaping.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/workflow.pb.h"
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

// Workflow requests of different types can serialize alike (a reverse
// transfer and a 检察意见 of the same wording); the typed digest tells them
// apart, and the untyped one stays what stored request records hold.
TEST(RequestDigestTest, TypedDigestTellsTypesApartAndLeavesTheUntypedOneAsStored) {
  v1::CreateTransferRequest reverse;
  reverse.set_request_id("x");
  reverse.set_direction(v1::TRANSFER_REVERSE);
  reverse.set_receiver_agency("market");
  reverse.set_subject("检察意见");
  v1::CreateSupervisionRequest opinion;
  opinion.set_request_id("y");
  opinion.set_kind(v1::SUPERVISION_OPINION);
  opinion.set_receiver_agency("market");
  opinion.set_subject("检察意见");
  EXPECT_EQ(RequestDigest(reverse), RequestDigest(opinion));
  EXPECT_NE(TypedRequestDigest(reverse), TypedRequestDigest(opinion));
  EXPECT_EQ(TypedRequestDigest(reverse).size(), 32u);
  v1::CreateTransferRequest retry = reverse;
  retry.set_request_id("z");
  EXPECT_EQ(TypedRequestDigest(reverse), TypedRequestDigest(retry));
  v1::SubmitCaseRequest empty;
  EXPECT_EQ(absl::BytesToHexString(TypedRequestDigest(empty)),
            "0ee30442d079d49591c8222e3623b74e6090f8b7ea4cae8357c8627050b599a5");
}

}  // namespace
}  // namespace caselink
