// Sealed page tokens end to end (issue 13, item 2), through the real mTLS
// server and client library:
//   - town-a, which may see none of 10,500 other cases, gets empty pages
//     whose tokens hold no case id (sealed), and a hand-made token in the
//     old unkeyed format is refused;
//   - a token another agency received is refused, with the same request;
//   - a transfer-list token is bound to its query and its RPC;
//   - limits.max_rows_examined_per_page ends case and transfer pages early,
//     empty ones included, and following the tokens still finds every row;
//   - a new page-token key (audit.page_token_key_file) refuses old tokens,
//     and a short key file stops the server from starting.
#include <openssl/sha.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/server_config.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

void ExpectPageTokenRefused(const absl::Status& s, const std::string& what) {
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << what << ": " << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr("page_token")) << what;
}

// True if `token` shows any of `ids`, as text or inside its base64.
bool Reveals(const std::string& token, const std::set<std::string>& ids) {
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw)) raw.clear();
  for (const std::string& id : ids) {
    if (absl::StrContains(token, id) || absl::StrContains(raw, id)) return true;
  }
  return false;
}

class PageTokenE2eTest : public ::testing::Test {
 protected:
  void SetUp() override { Restart({}); }

  void Restart(DistrictOptions o) {
    district_.reset();
    auto d = TestDistrict::Start(std::move(o));
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  // A transfer of each case from market to psb; their ids.
  std::set<std::string> TransferEach(const std::set<std::string>& case_ids) {
    std::set<std::string> ids;
    for (const std::string& case_id : case_ids) {
      auto tr = ForwardTransfer(district_->As("market"), case_id);
      EXPECT_TRUE(tr.ok()) << tr.status();
      if (tr.ok()) ids.insert(tr->transfer().id());
    }
    return ids;
  }

  // Follows the tokens of `list` (a listing with `req`, page size 50): the
  // size of each page; every id `ids_of` a page names goes into `seen`, once.
  template <class Req, class List, class Ids>
  static std::vector<int> Pages(Req req, List list, Ids ids_of, std::set<std::string>* seen) {
    std::vector<int> sizes;
    req.set_page_size(50);
    for (int i = 0; i < 20; ++i) {
      auto page = list(req);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      const std::vector<std::string> ids = ids_of(*page);
      sizes.push_back(static_cast<int>(ids.size()));
      for (const std::string& id : ids) EXPECT_TRUE(seen->insert(id).second) << id;
      if (page->next_page_token().empty()) break;
      req.set_page_token(page->next_page_token());
    }
    return sizes;
  }

  std::vector<int> TransferPages(const std::string& agency, std::set<std::string>* seen) {
    return Pages(
        v1::ListItemsRequest(), [&](const v1::ListItemsRequest& r) { return district_->As(agency).ListTransfers(r); },
        [](const v1::ListTransfersResponse& p) {
          std::vector<std::string> ids;
          for (const auto& t : p.transfers()) ids.push_back(t.id());
          return ids;
        },
        seen);
  }

  std::vector<int> CasePages(const std::string& agency, std::set<std::string>* seen) {
    v1::ListCasesRequest req;
    req.set_purpose("page budget test");
    return Pages(
        req, [&](const v1::ListCasesRequest& r) { return district_->As(agency).ListCases(r); },
        [](const v1::ListCasesResponse& p) {
          std::vector<std::string> ids;
          for (const auto& c : p.cases()) ids.push_back(c.case_id());
          return ids;
        },
        seen);
  }

  // `n` cases of `agency`, submitted in batches; their ids.
  std::set<std::string> SubmitMany(const std::string& agency, int n) {
    std::set<std::string> ids;
    for (int done = 0; done < n;) {
      v1::SubmitCasesRequest batch;
      for (int i = 0; i < 500 && done < n; ++i, ++done) {
        v1::SubmitCaseRequest* item = batch.add_items();
        item->set_request_id(absl::StrCat(agency, "-bulk-", done));
        *item->mutable_case_() = SampleCase(v1::MARKET_ORDER, absl::StrCat("案", done));
      }
      auto r = district_->As(agency).SubmitCases(batch);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) return ids;
      for (const auto& res : r->results()) {
        EXPECT_EQ(res.code(), 0) << res.message();
        ids.insert(res.case_id());
      }
    }
    return ids;
  }

  std::unique_ptr<TestDistrict> district_;
};

// The reproduction: town-a lists a district of 10,500 cases it may
// not see. Each scan stops after 10,000 rows with an empty page; the token
// it carries must not be another agency's case id (it was, in base64).
TEST_F(PageTokenE2eTest, EmptyPagesOfAnInvisibleDistrictRevealNoCaseId) {
  const std::set<std::string> ids = SubmitMany("market", 10500);
  ASSERT_EQ(ids.size(), 10500u);
  v1::ListCasesRequest req;
  std::vector<std::string> tokens;
  int pages = 0;
  do {
    auto page = district_->As("town-a").ListCases(req);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->cases_size(), 0);
    if (!page->next_page_token().empty()) tokens.push_back(page->next_page_token());
    req.set_page_token(page->next_page_token());
  } while (!req.page_token().empty() && ++pages < 10);
  ASSERT_FALSE(tokens.empty()) << "the scan budget no longer ends a page early; this test needs a token";
  for (const std::string& t : tokens) EXPECT_FALSE(Reveals(t, ids)) << t;

  // The same first page asked twice: two unrelated tokens (random nonce), so
  // a caller cannot even tell whether two scans stopped at the same row.
  v1::ListCasesRequest first;
  auto a = district_->As("town-a").ListCases(first);
  auto b = district_->As("town-a").ListCases(first);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->next_page_token(), b->next_page_token());
  // ...and both continue to the same place.
  for (const auto* p : {&*a, &*b}) {
    v1::ListCasesRequest next;
    next.set_page_token(p->next_page_token());
    auto r = district_->As("town-a").ListCases(next);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->cases_size(), 0);
  }

  // Walking ids by hand: a token re-made in the old format (base64 of
  // {after: id, digest: SHA-256 of the caller's query}) is refused.
  const std::string query = "town-a|0|";
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(query.data()), query.size(), md);
  const std::string id = *ids.begin();
  const std::string forged = absl::WebSafeBase64Escape(
      absl::StrCat(std::string{'\x0a', static_cast<char>(id.size())}, id, std::string{'\x12', '\x10'},
                   std::string(reinterpret_cast<char*>(md), 16)));
  v1::ListCasesRequest walk;
  walk.set_page_token(forged);
  ExpectPageTokenRefused(district_->As("town-a").ListCases(walk).status(), "forged token");
}

// A full page carries a token only if a row the caller may see follows:
// rows of other agencies after the last one shown must not turn it on. (An
// agency asking for one row at a time learnt that others' rows exist — and,
// searching by its own party's id, that another agency recorded that party.)
TEST_F(PageTokenE2eTest, AFullPageHasATokenOnlyIfARowItMaySeeFollows) {
  // One case (SampleCase: the same two parties) of each of four agencies
  // that list and search their own rows only.
  std::map<std::string, std::string> owner_of;
  for (const char* agency : {"market", "hrss", "emergency", "town-a"}) {
    const std::set<std::string> ids = SubmitMany(agency, 1);
    ASSERT_EQ(ids.size(), 1u) << agency;
    owner_of[*ids.begin()] = agency;
  }
  // The owner of the first case id has the others' rows after its own.
  const std::string first = owner_of.begin()->second;
  v1::ListCasesRequest list;
  list.set_page_size(1);
  list.set_purpose("执法协作核查");
  auto listed = district_->As(first).ListCases(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->cases_size(), 1);
  EXPECT_EQ(listed->next_page_token(), "") << first << "'s last row came with a token: others' rows follow it";
  v1::SearchCasesRequest search;
  search.set_party_id("510181198503121235");
  search.set_page_size(1);
  search.set_purpose("执法协作核查");
  auto found = district_->As(first).SearchCases(search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->cases_size(), 1);
  EXPECT_EQ(found->next_page_token(), "") << first << " learnt that another agency recorded its party";
  // Its own row after a full page still gets one, and it is found.
  auto second = district_->As(first).SubmitCase(SampleCase());
  ASSERT_TRUE(second.ok()) << second.status();
  std::set<std::string> seen;
  for (auto req = list; seen.size() < 3;) {
    auto page = district_->As(first).ListCases(req);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const auto& c : page->cases()) seen.insert(c.case_id());
    if (page->next_page_token().empty()) break;
    req.set_page_token(page->next_page_token());
  }
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.count(second->case_().case_id()), 1u);

  // The workflow lists alike: each enforcement agency transfers its case;
  // the sender of the first transfer id lists one at a time.
  std::map<std::string, std::string> sender_of;
  for (const auto& [case_id, agency] : owner_of) {
    if (agency == "town-a") continue;
    auto t = ForwardTransfer(district_->As(agency), case_id);
    ASSERT_TRUE(t.ok()) << agency << ": " << t.status();
    sender_of[t->transfer().id()] = agency;
  }
  const std::string first_sender = sender_of.begin()->second;
  v1::ListItemsRequest items;
  items.set_page_size(1);
  auto transfers = district_->As(first_sender).ListTransfers(items);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->transfers_size(), 1);
  EXPECT_EQ(transfers->next_page_token(), "") << first_sender << "'s last transfer came with a token";
}

TEST_F(PageTokenE2eTest, AnotherAgencysTokenIsRefused) {
  SubmitMany("market", 3);
  v1::ListCasesRequest req;
  req.set_page_size(1);
  req.set_purpose("执法协作核查");
  auto page = district_->As("market").ListCases(req);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_page_token().empty());
  req.set_page_token(page->next_page_token());
  // psb may read market's cases, but not continue market's listing.
  ExpectPageTokenRefused(district_->As("psb").ListCases(req).status(), "market's token used by psb");
  // The same holds for a search token.
  v1::SearchCasesRequest search;
  search.set_owner_agency("market");
  search.set_page_size(1);
  search.set_purpose("执法协作核查");
  auto found = district_->As("market").SearchCases(search);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_FALSE(found->next_page_token().empty());
  search.set_page_token(found->next_page_token());
  ExpectPageTokenRefused(district_->As("psb").SearchCases(search).status(), "market's search token used by psb");
  // A ListCases token is no SearchCases token, and the reverse.
  v1::ListCasesRequest as_list;
  as_list.set_page_token(found->next_page_token());
  as_list.set_owner_agency("market");
  ExpectPageTokenRefused(district_->As("market").ListCases(as_list).status(), "search token on ListCases");
  // The owner of the token continues.
  auto next = district_->As("market").ListCases(req);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_EQ(next->cases_size(), 1);
}

TEST_F(PageTokenE2eTest, TransferListTokenIsBoundToItsQueryAndRpc) {
  const std::set<std::string> transfer_ids = TransferEach(SubmitMany("market", 3));
  ASSERT_EQ(transfer_ids.size(), 3u);
  v1::ListItemsRequest req;
  req.set_page_size(1);
  auto page = district_->As("market").ListTransfers(req);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->transfers_size(), 1);
  const std::string token = page->next_page_token();
  ASSERT_FALSE(token.empty());
  EXPECT_FALSE(Reveals(token, transfer_ids)) << token;

  v1::ListItemsRequest other = req;
  other.set_page_token(token);
  other.set_state(v1::STATE_SENT);
  ExpectPageTokenRefused(district_->As("market").ListTransfers(other).status(), "other state filter");
  v1::ListItemsRequest same = req;
  same.set_page_token(token);
  ExpectPageTokenRefused(district_->As("market").ListSupervision(same).status(), "on ListSupervision");
  ExpectPageTokenRefused(district_->As("psb").ListTransfers(same).status(), "psb replays market's token");
  v1::ListItemsRequest raw_id = req;
  raw_id.set_page_token(page->transfers(0).id());
  ExpectPageTokenRefused(district_->As("market").ListTransfers(raw_id).status(), "a bare transfer id");

  // With its own query it walks every transfer once.
  std::set<std::string> seen = {page->transfers(0).id()};
  for (int i = 0; i < 5 && !same.page_token().empty(); ++i) {
    auto next = district_->As("market").ListTransfers(same);
    ASSERT_TRUE(next.ok()) << next.status();
    for (const auto& t : next->transfers()) EXPECT_TRUE(seen.insert(t.id()).second) << t.id();
    same.set_page_token(next->next_page_token());
  }
  EXPECT_EQ(seen, transfer_ids);
}

// limits.max_rows_examined_per_page: a page reads at most so many stored
// rows, visible to the caller or not, so an agency that sees few of many
// rows gets early (even empty) pages with tokens instead of one call reading
// the whole table; following the tokens still finds each visible row once.
TEST_F(PageTokenE2eTest, ARowBudgetEndsPagesEarlyAndTheTokensStillFindEveryRow) {
  DistrictOptions o;
  o.max_rows_examined_per_page = 3;
  Restart(std::move(o));
  const std::set<std::string> cases = SubmitMany("market", 7);
  const std::set<std::string> transfers = TransferEach(cases);
  ASSERT_EQ(transfers.size(), 7u);

  // emergency sees none of market's transfers: three pages, two of them
  // empty with a token (3 + 3 + 1 rows examined).
  std::set<std::string> seen;
  EXPECT_THAT(TransferPages("emergency", &seen), ::testing::ElementsAre(0, 0, 0));
  EXPECT_TRUE(seen.empty());
  // psb, the receiver, sees them all, three at a time.
  EXPECT_THAT(TransferPages("psb", &seen), ::testing::ElementsAre(3, 3, 1));
  EXPECT_EQ(seen, transfers);
  // Cases likewise: town-a may see none of market's; market sees its own.
  seen.clear();
  EXPECT_THAT(CasePages("town-a", &seen), ::testing::ElementsAre(0, 0, 0));
  EXPECT_THAT(CasePages("market", &seen), ::testing::ElementsAre(3, 3, 1));
  EXPECT_EQ(seen, cases);

  // With the default budget one page holds everything.
  Restart({});
  SubmitMany("market", 7);
  seen.clear();
  EXPECT_THAT(CasePages("town-a", &seen), ::testing::ElementsAre(0));
  EXPECT_THAT(CasePages("market", &seen), ::testing::ElementsAre(7));
}

// audit.page_token_key_file: tokens are sealed under it, a new key refuses
// outstanding tokens (callers start over), and a short key stops the start.
TEST_F(PageTokenE2eTest, ANewPageTokenKeyRefusesOldTokens) {
  SubmitMany("market", 3);
  v1::ListCasesRequest req;
  req.set_page_size(1);
  auto page = district_->As("market").ListCases(req);
  ASSERT_TRUE(page.ok()) << page.status();
  req.set_page_token(page->next_page_token());
  ASSERT_FALSE(req.page_token().empty());

  std::string config;
  {
    std::ifstream in(district_->config_path());
    std::stringstream ss;
    ss << in.rdbuf();
    config = ss.str();
  }
  ASSERT_THAT(config, HasSubstr("audit { "));
  {
    std::ofstream out(district_->dir() + "/page-token.key", std::ios::binary);
    out << std::string("0123456789abcdef0123456789abcdef-page-token-secret");
  }
  std::filesystem::permissions(district_->dir() + "/page-token.key", std::filesystem::perms::owner_read |
                                                                          std::filesystem::perms::owner_write);
  {
    std::ofstream out(district_->config_path(), std::ios::trunc);
    out << absl::StrReplaceAll(config, {{"audit { ", "audit { page_token_key_file: \"page-token.key\" "}});
  }
  ASSERT_TRUE(district_->Restart().ok());
  ExpectPageTokenRefused(district_->As("market").ListCases(req).status(), "token of the old key");
  req.clear_page_token();
  auto fresh = district_->As("market").ListCases(req);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  req.set_page_token(fresh->next_page_token());
  ASSERT_TRUE(district_->As("market").ListCases(req).ok());

  // Too short a key file: the configuration check names it.
  {
    std::ofstream out(district_->dir() + "/page-token.key", std::ios::binary | std::ios::trunc);
    out << "short";
  }
  auto cfg = server::LoadServerConfig(district_->config_path());
  ASSERT_TRUE(cfg.ok()) << cfg.status();
  const absl::Status check = server::CheckServerConfig(*cfg);
  EXPECT_EQ(check.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(check.message()), HasSubstr("page-token.key"));
}

}  // namespace
}  // namespace caselink::testing
