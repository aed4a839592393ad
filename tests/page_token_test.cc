// server::PageTokenKey / PageScope / CanonicalQuery: a sealed token opens to
// its position only under the same key, for the same agency, RPC and query;
// anything else (tampered, other agency, other query, other RPC, wrong key,
// garbage, the old unsealed format) is refused naming page_token, and a token
// shows nothing of the position it holds.
#include "server/core/page_token.h"

#include <cctype>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "caselink/v1/case_service.pb.h"
#include "caselink/v1/workflow.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPosition[] = "C20240301-ABCDEFGHJKMN";
const std::string kSecret(32, 'k');

PageTokenKey Key(const std::string& secret = kSecret) {
  auto k = PageTokenKey::Derive(secret);
  EXPECT_TRUE(k.ok()) << k.status();
  return *k;
}

PageScope Where(const std::string& agency = "psb", const std::string& rpc = "caselink.v1.CaseService/ListCases",
                v1::Domain domain = v1::MARKET_ORDER) {
  v1::ListCasesRequest req;
  req.set_domain(domain);
  return PageScope{agency, rpc, CanonicalQuery(req)};
}

std::string Seal(const PageTokenKey& key, const PageScope& where, const std::string& position = kPosition) {
  auto t = key.Seal(where, position);
  EXPECT_TRUE(t.ok()) << t.status();
  return *t;
}

void ExpectRefused(const absl::StatusOr<std::string>& r, const std::string& what) {
  ASSERT_FALSE(r.ok()) << what << " opened to '" << absl::CEscape(*r) << "'";
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << what;
  EXPECT_THAT(std::string(r.status().message()), StartsWith("page_token: ")) << what;
}

TEST(PageTokenTest, RoundTrip) {
  const PageTokenKey key = Key();
  for (const std::string& after : {std::string(kPosition), std::string("x"), std::string("a\0b", 3),
                                   std::string(62, 'Y'), std::string(63, 'Y'), std::string(200, 'Z')}) {
    auto back = key.Open(Seal(key, Where(), after), Where());
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, after);
  }
}

TEST(PageTokenTest, EmptyTokenIsTheStart) {
  auto r = Key().Open("", Where());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST(PageTokenTest, TokenRevealsNothingOfItsPosition) {
  const PageTokenKey key = Key();
  const std::string token = Seal(key, Where());
  for (char c : token) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') << token;
  }
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  EXPECT_EQ(raw.find("C2024"), std::string::npos) << "position in clear";
  EXPECT_EQ(raw.find("ABCDEFGHJKMN"), std::string::npos) << "position in clear";
  // A random nonce: the same position sealed twice gives unrelated tokens.
  std::set<std::string> tokens;
  for (int i = 0; i < 50; ++i) tokens.insert(Seal(key, Where()));
  EXPECT_EQ(tokens.size(), 50u);
  // Padded: every id-sized position gives a token of the same length.
  EXPECT_EQ(Seal(key, Where(), "x").size(), token.size());
  EXPECT_EQ(Seal(key, Where(), std::string(60, 'Q')).size(), token.size());
}

TEST(PageTokenTest, EveryModifiedTokenIsRefused) {
  const PageTokenKey key = Key();
  const std::string token = Seal(key, Where());
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(token, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    for (unsigned char bit : {0x01, 0x80}) {
      std::string bad = raw;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      ExpectRefused(key.Open(absl::WebSafeBase64Escape(bad), Where()), "byte " + std::to_string(i));
    }
  }
  ExpectRefused(key.Open(absl::WebSafeBase64Escape(raw.substr(0, raw.size() - 1)), Where()), "truncated");
  ExpectRefused(key.Open(absl::WebSafeBase64Escape(raw + "x"), Where()), "extended");
}

TEST(PageTokenTest, AnotherAgencyCannotUseIt) {
  const PageTokenKey key = Key();
  ExpectRefused(key.Open(Seal(key, Where("market")), Where("psb")), "market's token used by psb");
  // Length-prefixed binding: no agency/RPC split shifts into another.
  ExpectRefused(key.Open(Seal(key, Where("ps", "bcaselink.v1.CaseService/ListCases")), Where("psb")), "shifted");
}

TEST(PageTokenTest, AnotherQueryCannotUseIt) {
  const PageTokenKey key = Key();
  const std::string token = Seal(key, Where());
  ExpectRefused(key.Open(token, Where("psb", "caselink.v1.CaseService/ListCases", v1::WORK_SAFETY)),
                "other filters");
  auto r = key.Open(token, PageScope{"psb", "caselink.v1.CaseService/ListCases", ""});
  ExpectRefused(r, "empty query");
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("empty page_token"));
}

TEST(PageTokenTest, AnotherRpcCannotUseIt) {
  const PageTokenKey key = Key();
  ExpectRefused(key.Open(Seal(key, Where()), Where("psb", "caselink.v1.CaseService/SearchCases")), "search");
  // The same request message under two RPCs (transfers and supervision).
  v1::ListItemsRequest items;
  const PageScope transfers{"psb", "caselink.v1.WorkflowService/ListTransfers", CanonicalQuery(items)};
  const PageScope supervision{"psb", "caselink.v1.WorkflowService/ListSupervision", CanonicalQuery(items)};
  ExpectRefused(key.Open(Seal(key, transfers), supervision), "transfers token on supervision");
}

TEST(PageTokenTest, AnotherKeyCannotOpenIt) {
  const std::string token = Seal(Key(), Where());
  ExpectRefused(Key(std::string(32, 'j')).Open(token, Where()), "wrong key");
  ASSERT_TRUE(Key().Open(token, Where()).ok()) << "same secret, same key";
}

TEST(PageTokenTest, GarbageAndTheOldFormatAreRefused) {
  const PageTokenKey key = Key();
  const std::string good = Seal(key, Where());
  // The unsealed format of earlier versions: base64url of {1: after, 2: digest}.
  const std::string old_format = absl::WebSafeBase64Escape(std::string("\x0a\x16", 2) + kPosition +
                                                           std::string("\x12\x10", 2) + std::string(16, 'd'));
  for (const std::string& bad :
       {std::string("not a token!"), std::string("%%%"), std::string("AAAA"), std::string("////"),
        std::string("\xff\xfe"), good.substr(0, good.size() / 2), good + "!", std::string(kPosition),
        std::string(5000, 'A'), old_format}) {
    ExpectRefused(key.Open(bad, Where()), bad.substr(0, 40));
  }
}

TEST(PageTokenTest, CanonicalQueryIgnoresPagingAndPurposeOnly) {
  v1::SearchCasesRequest a;
  a.set_party_name("张三");
  a.set_domain(v1::MARKET_ORDER);
  v1::SearchCasesRequest b = a;
  b.set_page_size(7);
  b.set_page_token("whatever");
  b.set_purpose("核查");
  b.set_purpose_case_ref("REF-1");
  EXPECT_EQ(CanonicalQuery(a), CanonicalQuery(b));
  for (auto change : {+[](v1::SearchCasesRequest* r) { r->set_party_name("李四"); },
                      +[](v1::SearchCasesRequest* r) { r->set_major_only(true); },
                      +[](v1::SearchCasesRequest* r) { r->set_owner_agency("psb"); },
                      +[](v1::SearchCasesRequest* r) { r->set_decided_from("2024-01-01"); }}) {
    v1::SearchCasesRequest c = a;
    change(&c);
    EXPECT_NE(CanonicalQuery(a), CanonicalQuery(c));
  }
  // Two request types never share a query, even when both are empty.
  EXPECT_NE(CanonicalQuery(v1::ListCasesRequest()), CanonicalQuery(v1::ListItemsRequest()));
}

TEST(PageTokenTest, ShortSecretIsRefused) {
  EXPECT_EQ(PageTokenKey::Derive(std::string(31, 'k')).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caselink::server
