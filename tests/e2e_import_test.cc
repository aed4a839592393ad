// `caselink import ledger` end to end: the real CLI binary, over mTLS, into
// the real server. Re-running the same file creates nothing twice; bad rows
// are reported with their line and reason while the good rows are stored.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "support/daemon.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto d = TestDistrict::Start();
    ASSERT_TRUE(d.ok()) << d.status();
    district_ = std::move(*d);
    auto kc = district_->AgencyCert("market");
    ASSERT_TRUE(kc.ok());
    ASSERT_TRUE(WriteFile(district_->dir() + "/market.pem", kc->cert_pem).ok());
    ASSERT_TRUE(WriteFile(district_->dir() + "/market.key", kc->key_pem).ok());
  }

  int Import(const std::string& file, std::string* out) {
    return Daemon::RunToCompletion(
        CASELINK_CLI_PATH,
        {"--target", district_->target(), "--server-name", "localhost", "--ca",
         district_->dir() + "/ca.pem", "--cert", district_->dir() + "/market.pem", "--key",
         district_->dir() + "/market.key", "import", "ledger", file},
        out);
  }

  int CountCases() {
    v1::ListCasesRequest req;
    auto r = district_->As("market").ListCases(req);
    return r.ok() ? r->cases_size() : -1;
  }

  std::unique_ptr<TestDistrict> district_;
};

TEST_F(ImportTest, ExampleLedgerImportsOnceAndRerunCreatesNothing) {
  const std::string file = std::string(CASELINK_SOURCE_DIR) + "/docs/examples/penalty-ledger.csv";
  std::string out;
  ASSERT_EQ(Import(file, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("3 case(s) read, 3 created, 0 already imported, 0 row(s) with problems"));
  EXPECT_EQ(CountCases(), 3);
  out.clear();
  ASSERT_EQ(Import(file, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("0 created, 3 already imported"));
  EXPECT_EQ(CountCases(), 3);
  // The two-party case kept both parties, with their IDs.
  v1::ListCasesRequest req;
  auto list = district_->As("market").ListCases(req);
  int parties = 0;
  for (const auto& c : list->cases()) parties += c.parties_size();
  EXPECT_EQ(parties, 4);
}

TEST_F(ImportTest, BadRowsAreReportedAndGoodRowsStored) {
  const std::string file = district_->dir() + "/bad.csv";
  ASSERT_TRUE(WriteFile(file,
                        "案号,案件名称,领域,案件状态,当事人类型,当事人,证件号码\n"
                        "A1,好,社会治安,立案,个人,张三,510181198503121235\n"
                        "A2,领域错,火星,立案,个人,李四,\n"
                        "A3,证件号错,社会治安,立案,个人,王五,510181198503121234\n"
                        "A4,也好,劳动保障,立案,单位,某公司,91510181MA6C12341E\n")
                  .ok());
  std::string out;
  EXPECT_EQ(Import(file, &out), 1) << out;
  EXPECT_THAT(out, HasSubstr("bad.csv:3: 领域 '火星'"));
  EXPECT_THAT(out, HasSubstr("bad.csv:4: INVALID_ARGUMENT: case.parties[0].person.id_number"));
  EXPECT_THAT(out, HasSubstr("2 created"));
  EXPECT_EQ(CountCases(), 2);
}

}  // namespace
}  // namespace caselink::testing
