// SearchCases end to end: every filter and combinations, paging while cases
// arrive, policy filtering of rows, party-id validation and purpose, the
// index following new versions, and party ids never stored in plain text.
#include "support/raw_db.h"
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "storage/database.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kZhang[] = "510181198503121235";  // SampleCase's person
constexpr char kWang[] = "510181197908050047";
constexpr char kCompany[] = "91510181MA6C12341E";  // SampleCase's organisation

class SearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
  }

  std::string Submit(const std::string& agency, v1::Case c) {
    auto r = district_->As(agency).SubmitCase(c);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->case_().case_id() : "";
  }

  static v1::Case WithPerson(v1::Case c, const std::string& name, const std::string& id) {
    c.mutable_parties(0)->mutable_person()->set_name(name);
    c.mutable_parties(0)->mutable_person()->set_id_number(id);
    return c;
  }

  std::set<std::string> Search(const std::string& agency, v1::SearchCasesRequest req) {
    if (req.purpose().empty()) req.set_purpose("search test");
    std::set<std::string> ids;
    for (int page = 0; page < 100; ++page) {
      auto r = district_->As(agency).SearchCases(req);
      EXPECT_TRUE(r.ok()) << r.status();
      if (!r.ok()) break;
      for (const auto& c : r->cases()) EXPECT_TRUE(ids.insert(c.case_id()).second) << "repeated";
      if (r->next_page_token().empty()) break;
      req.set_page_token(r->next_page_token());
    }
    return ids;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(SearchTest, EachFilterAndCombinations) {
  v1::Case a = WithPerson(SampleCase(v1::MARKET_ORDER), "张三丰", kZhang);
  a.mutable_penalty()->set_decision_date("2024-03-01");
  v1::Case b = WithPerson(SampleCase(v1::WORK_SAFETY), "王五", kWang);
  b.set_status(v1::DECIDED);
  b.set_major(true);
  b.mutable_penalty()->set_decision_date("2024-06-15");
  v1::Case c = WithPerson(SampleCase(v1::PUBLIC_ORDER), "王五", kWang);
  c.clear_penalty();
  const std::string ida = Submit("market", a), idb = Submit("emergency", b), idc = Submit("psb", c);

  v1::SearchCasesRequest r;
  r.set_party_id(kWang);
  EXPECT_EQ(Search("procuratorate", r), (std::set<std::string>{idb, idc}));
  r.set_party_id("510181197908050047");  // lower/upper case does not matter for digits; X below
  r.set_domain(v1::WORK_SAFETY);
  EXPECT_EQ(Search("procuratorate", r), (std::set<std::string>{idb}));

  v1::SearchCasesRequest company;
  company.set_party_id("91510181ma6c12341e");  // letters in any case
  EXPECT_EQ(Search("procuratorate", company), (std::set<std::string>{ida, idb, idc}));

  v1::SearchCasesRequest name;
  name.set_party_name("张三丰");
  EXPECT_EQ(Search("procuratorate", name), (std::set<std::string>{ida}));
  v1::SearchCasesRequest org_name;
  org_name.set_party_name("某市某商贸有限公司");
  EXPECT_EQ(Search("procuratorate", org_name).size(), 3u);

  v1::SearchCasesRequest owner;
  owner.set_owner_agency("emergency");
  EXPECT_EQ(Search("procuratorate", owner), (std::set<std::string>{idb}));
  v1::SearchCasesRequest status;
  status.set_status(v1::DECIDED);
  EXPECT_EQ(Search("procuratorate", status), (std::set<std::string>{idb}));
  v1::SearchCasesRequest major;
  major.set_major_only(true);
  EXPECT_EQ(Search("procuratorate", major), (std::set<std::string>{idb}));
  v1::SearchCasesRequest dates;
  dates.set_decided_from("2024-01-01");
  dates.set_decided_to("2024-03-31");
  EXPECT_EQ(Search("procuratorate", dates), (std::set<std::string>{ida}));
  dates.set_decided_to("");
  EXPECT_EQ(Search("procuratorate", dates), (std::set<std::string>{ida, idb}));  // c has no date
  v1::SearchCasesRequest combo;
  combo.set_party_id(kCompany);
  combo.set_party_name("王五");
  combo.set_domain(v1::PUBLIC_ORDER);
  EXPECT_EQ(Search("procuratorate", combo), (std::set<std::string>{idc}));
}

TEST_F(SearchTest, HiddenRowsNeverAppear) {
  const std::string mine = Submit("town-a", WithPerson(SampleCase(v1::PUBLIC_ORDER), "张三丰", kZhang));
  Submit("market", WithPerson(SampleCase(v1::MARKET_ORDER), "张三丰", kZhang));
  Submit("emergency", WithPerson(SampleCase(v1::WORK_SAFETY), "张三丰", kZhang));
  v1::SearchCasesRequest r;
  r.set_party_id(kZhang);
  EXPECT_EQ(Search("town-a", r), (std::set<std::string>{mine}));
  EXPECT_EQ(Search("procuratorate", r).size(), 3u);
  // Masked for the justice bureau, but found.
  auto j = district_->As("justice").SearchCases([&] { auto q = r; q.set_purpose("执法监督"); return q; }());
  ASSERT_TRUE(j.ok()) << j.status();
  ASSERT_EQ(j->cases_size(), 3);
  for (const auto& c : j->cases()) EXPECT_EQ(c.parties(0).person().id_number(), "510***********1235");
}

TEST_F(SearchTest, PartyIdIsValidatedAndNeedsAPurpose) {
  v1::SearchCasesRequest r;
  r.set_party_id("510181198503121234");  // wrong check digit
  r.set_purpose("x");
  auto bad = district_->As("psb").SearchCases(r);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("party_id"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("GB 11643"));
  r.set_party_id(kZhang);
  r.clear_purpose();
  auto nopurpose = district_->As("psb").SearchCases(r);
  EXPECT_EQ(nopurpose.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(nopurpose.status().message()), HasSubstr("purpose"));
  v1::SearchCasesRequest none;
  EXPECT_EQ(district_->As("psb").SearchCases(none).status().code(), absl::StatusCode::kInvalidArgument);
  v1::SearchCasesRequest range;
  range.set_decided_from("2024-05-01");
  range.set_decided_to("2024-04-01");
  auto backwards = district_->As("psb").SearchCases(range);
  EXPECT_THAT(std::string(backwards.status().message()), HasSubstr("decided_from"));
}

TEST_F(SearchTest, IndexFollowsTheLatestVersion) {
  v1::Case c = WithPerson(SampleCase(), "张三丰", kZhang);
  auto first = district_->As("market").SubmitCase(c);
  ASSERT_TRUE(first.ok());
  v1::Case next = WithPerson(first->case_(), "王五", kWang);
  ASSERT_TRUE(district_->As("market").SubmitCase(next, 1).ok());
  v1::SearchCasesRequest old_party;
  old_party.set_party_id(kZhang);
  EXPECT_TRUE(Search("market", old_party).empty());
  v1::SearchCasesRequest new_party;
  new_party.set_party_id(kWang);
  EXPECT_EQ(Search("market", new_party).size(), 1u);
  // And after a restart, the same.
  ASSERT_TRUE(district_->Restart().ok());
  EXPECT_EQ(Search("market", new_party).size(), 1u);
  EXPECT_TRUE(Search("market", old_party).empty());
}

TEST_F(SearchTest, PagesStayValidWhileCasesArrive) {
  std::set<std::string> before;
  for (int i = 0; i < 30; ++i) before.insert(Submit("market", WithPerson(SampleCase(), "张三丰", kZhang)));
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    while (!stop) Submit("market", WithPerson(SampleCase(), "张三丰", kZhang));
  });
  v1::SearchCasesRequest r;
  r.set_party_id(kZhang);
  r.set_page_size(4);
  std::set<std::string> seen = Search("market", r);  // asserts no repeats
  stop = true;
  writer.join();
  for (const std::string& id : before) EXPECT_TRUE(seen.count(id)) << "skipped " << id;
}

// A search refused for its page token runs nothing and reveals nothing: it
// must not use up the masked-search quota (justice reads identity numbers
// masked, so its searches by number are charged). Before, each refusal was
// charged first and the valid search after three was RESOURCE_EXHAUSTED.
TEST_F(SearchTest, ARefusedPageTokenDoesNotUseUpTheMaskedSearchQuota) {
  district_.reset();
  DistrictOptions o;
  o.masked_searches_per_agency_per_hour = 3;
  auto d = TestDistrict::Start(std::move(o));
  ASSERT_TRUE(d.ok()) << d.status();
  district_ = std::move(*d);
  const std::string id = Submit("market", WithPerson(SampleCase(), "张三丰", kZhang));
  v1::SearchCasesRequest r;
  r.set_party_id(kZhang);
  r.set_purpose("search test");
  v1::SearchCasesRequest forged = r;
  forged.set_page_token("bm90LWEtdG9rZW4tdGhpcy1zZXJ2ZXItaXNzdWVk");
  for (int i = 0; i < 3; ++i) {
    auto refused = district_->As("justice").SearchCases(forged);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << i << ": " << refused.status();
    EXPECT_THAT(std::string(refused.status().message()), HasSubstr("page_token"));
  }
  for (int i = 0; i < 3; ++i) {
    auto ok = district_->As("justice").SearchCases(r);
    ASSERT_TRUE(ok.ok()) << i << ": " << ok.status();
    ASSERT_EQ(ok->cases_size(), 1);
    EXPECT_EQ(ok->cases(0).case_id(), id);
  }
  // The quota itself still holds: the fourth search that runs is over it.
  EXPECT_EQ(district_->As("justice").SearchCases(r).status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(SearchTest, PartyIdsAreNeverInIndexKeysInPlainText) {
  Submit("market", WithPerson(SampleCase(), "张三丰", kZhang));
  district_->Stop();
  auto db = storage::Database::Open(district_->db_path());
  ASSERT_TRUE(db.ok()) << db.status();
  std::unique_ptr<rocksdb::Iterator> it(
      storage::RawDb((*db))->NewIterator(rocksdb::ReadOptions(), (*db)->cf(storage::Table::kCaseIndex)));
  int keys = 0;
  for (it->SeekToFirst(); it->Valid(); it->Next(), ++keys) {
    const std::string k = it->key().ToString();
    EXPECT_EQ(k.find(kZhang), std::string::npos);
    EXPECT_EQ(k.find(kCompany), std::string::npos);
    EXPECT_EQ(k.find("1235"), std::string::npos) << "even a fragment";
  }
  EXPECT_GE(keys, 4);  // two ids and two names
}

}  // namespace
}  // namespace caselink::testing
