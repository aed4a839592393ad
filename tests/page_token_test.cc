// server::EncodePageToken / DecodePageToken: opaque, bound to the query, and
// refused (naming page_token) when forged, mangled or reused elsewhere.
#include "server/page_token.h"

#include <cctype>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "caselink/v1/storage.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kQuery[] = "agency=psb;domain=MARKET_ORDER;owner=";

void ExpectRefused(const absl::StatusOr<std::string>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what << " decoded to '" << *r << "'";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << what;
  EXPECT_THAT(std::string(r.status().message()), StartsWith("page_token: ")) << what;
}

TEST(PageTokenTest, RoundTrip) {
  for (const std::string& after : {std::string("C20240301-ABCDEFGHJKMN"), std::string("x"), std::string("a\0b", 3),
                                  std::string(200, 'Z')}) {
    const std::string token = EncodePageToken(after, kQuery);
    auto back = DecodePageToken(token, kQuery);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, after);
  }
}

TEST(PageTokenTest, TokenIsOpaqueAndUrlSafe) {
  const std::string token = EncodePageToken("C20240301-ABCDEFGHJKMN", kQuery);
  EXPECT_FALSE(token.empty());
  for (char c : token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
  }
  // Deterministic for the same position and query.
  EXPECT_EQ(token, EncodePageToken("C20240301-ABCDEFGHJKMN", kQuery));
}

TEST(PageTokenTest, EmptyTokenIsTheStart) {
  auto r = DecodePageToken("", kQuery);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST(PageTokenTest, BoundToItsQuery) {
  const std::string token = EncodePageToken("C20240301-ABCDEFGHJKMN", kQuery);
  auto other = DecodePageToken(token, "agency=psb;domain=WORK_SAFETY;owner=");
  ExpectRefused(other, "other filters");
  EXPECT_THAT(std::string(other.status().message()), HasSubstr("different query"));
  ExpectRefused(DecodePageToken(token, "agency=justice;domain=MARKET_ORDER;owner="),
                "other agency");
  ExpectRefused(DecodePageToken(token, ""), "empty query");
}

TEST(PageTokenTest, GarbageIsRefused) {
  const std::string good = EncodePageToken("C20240301-ABCDEFGHJKMN", kQuery);
  std::string truncated = good.substr(0, good.size() / 2);
  for (const std::string& bad :
       {std::string("not a token!"), std::string("%%%"), std::string("AAAA"),
        std::string("////"), std::string("\xff\xfe"), truncated, good + "!",
        std::string("C20240301-ABCDEFGHJKMN")}) {
    ExpectRefused(DecodePageToken(bad, kQuery), bad);
  }
}

TEST(PageTokenTest, ForgedTokenWithoutPositionOrDigestIsRefused) {
  v1::PageToken t;
  t.set_after("C20240301-ABCDEFGHJKMN");  // no digest
  ExpectRefused(DecodePageToken(absl::WebSafeBase64Escape(t.SerializeAsString()), kQuery),
                "no digest");
  v1::PageToken empty_after;
  empty_after.set_query_digest("0123456789abcdef");
  ExpectRefused(DecodePageToken(absl::WebSafeBase64Escape(empty_after.SerializeAsString()), kQuery),
                "no position");
  // A token made for the same position under another query cannot be
  // re-labelled: its digest is what binds it.
  const std::string other = EncodePageToken("C20240301-ZZZZZZZZZZZZ", "agency=market;");
  ExpectRefused(DecodePageToken(other, kQuery), "foreign token");
}

}  // namespace
}  // namespace caselink::server
