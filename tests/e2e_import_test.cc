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
    for (const char* agency : {"market", "procuratorate"}) {
      auto kc = district_->AgencyCert(agency);
      ASSERT_TRUE(kc.ok());
      ASSERT_TRUE(WriteFile(absl::StrCat(district_->dir(), "/", agency, ".pem"), kc->cert_pem).ok());
      ASSERT_TRUE(WriteFile(absl::StrCat(district_->dir(), "/", agency, ".key"), kc->key_pem).ok());
    }
  }

  // `caselink import KIND FILE` with the certificate of `agency`.
  int Import(const std::string& file, std::string* out, const std::string& kind = "ledger",
             const std::string& agency = "market") {
    const std::string base = absl::StrCat(district_->dir(), "/", agency);
    return Daemon::RunToCompletion(
        CASELINK_CLI_PATH,
        {"--target", district_->target(), "--server-name", "localhost", "--ca",
         district_->dir() + "/ca.pem", "--cert", base + ".pem", "--key", base + ".key", "import", kind, file},
        out);
  }

  int CountSupervision() {
    v1::ListItemsRequest req;
    auto r = district_->As("procuratorate").ListSupervision(req);
    return r.ok() ? r->records_size() : -1;
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

TEST_F(ImportTest, LargeLedgerGoesInPagesAndABadRowInOnePageStopsNothing) {
  // 1,203 cases: three SubmitCases pages of up to 500 rows; row 700 (line
  // 701) has an unknown 领域, so it alone is refused, inside the second page.
  std::string csv =
      "案号,案件名称,领域,案件状态,当事人类型,当事人,证件号码,联系电话,住所,法定代表人,违法行为,"
      "处罚依据,处罚种类,罚没金额（元）,处罚决定书文号,处罚决定日期,是否重大案件,案情摘要\n";
  for (int i = 1; i <= 1203; ++i) {
    absl::StrAppend(&csv, "某市监立〔2024〕", i, "号,案件", i, ",", i == 700 ? "不存在的领域" : "市场秩序",
                    ",已作出处罚决定,个人,张三丰,510181198503121235,,,,销售不合格产品,"
                    "《产品质量法》第四十九条,罚款,100.00,某市监罚〔2024〕",
                    i, "号,2024年5月6日,否,摘要\n");
  }
  const std::string file = district_->dir() + "/large.csv";
  ASSERT_TRUE(WriteFile(file, csv).ok());
  std::string out;
  EXPECT_NE(Import(file, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("large.csv:701:"));
  EXPECT_THAT(out, HasSubstr("1202 created, 0 already imported, 1 row(s) with problems"));
  int total = 0;
  v1::ListCasesRequest req;
  req.set_page_size(500);
  for (;;) {
    auto r = district_->As("market").ListCases(req);
    ASSERT_TRUE(r.ok()) << r.status();
    total += r->cases_size();
    if (r->next_page_token().empty()) break;
    req.set_page_token(r->next_page_token());
  }
  EXPECT_EQ(total, 1202);
  // Again: every stored row replays, the bad one is reported again.
  ASSERT_NE(Import(file, &out), 0) << out;
  EXPECT_THAT(out, HasSubstr("0 created, 1202 already imported, 1 row(s) with problems"));
}

TEST_F(ImportTest, ExampleSupervisionLedgerImportsOnceAndRerunCreatesNothing) {
  const std::string file = std::string(CASELINK_SOURCE_DIR) + "/docs/examples/supervision-ledger.csv";
  std::string out;
  ASSERT_EQ(Import(file, &out, "supervision", "procuratorate"), 0) << out;
  EXPECT_THAT(out, HasSubstr("3 item(s) read, 3 created, 0 already imported, "
                             "0 row(s) with problems"));
  // The 检察意见 about a 被不起诉人 is a reverse transfer, not a record.
  EXPECT_EQ(CountSupervision(), 2);
  v1::ListItemsRequest req;
  auto transfers = district_->As("procuratorate").ListTransfers(req);
  ASSERT_TRUE(transfers.ok()) << transfers.status();
  ASSERT_EQ(transfers->transfers_size(), 1);
  EXPECT_EQ(transfers->transfers(0).direction(), v1::TRANSFER_REVERSE);
  EXPECT_EQ(transfers->transfers(0).receiver_agency(), "emergency");
  out.clear();
  ASSERT_EQ(Import(file, &out, "supervision", "procuratorate"), 0) << out;
  EXPECT_THAT(out, HasSubstr("0 created, 3 already imported"));
  EXPECT_EQ(CountSupervision(), 2);
  EXPECT_EQ(district_->As("procuratorate").ListTransfers(req)->transfers_size(), 1);
}

TEST_F(ImportTest, SupervisionLedgerBadRowsAreReportedAndGoodRowsCreatedOnce) {
  auto c = district_->As("market").SubmitCase(SampleCase(v1::MARKET_ORDER));
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string case_id = c->case_().case_id();
  const std::string file = district_->dir() + "/supervision.csv";
  ASSERT_TRUE(WriteFile(file, absl::StrCat(
                                  "文书号,监督类型,被监督单位,监督事项,关联案件,送达日期\n",
                                  "某检行建〔2024〕1号,检察建议,market,规范涉案财物管理,", case_id, ",2024年3月1日\n",
                                  "某检行建〔2024〕2号,检察通报,market,类型不对,,2024-03-02\n",
                                  "某检行建〔2024〕3号,检察意见,mars,没有这个单位,,2024-03-03\n",
                                  "某检行建〔2024〕1号,检察建议,market,同一文书号又一行,,2024-03-04\n",
                                  "某检行建〔2024〕5号,纠正违法,market,案件不存在,C000000000000000000000000,2024-03-05\n",
                                  ",检察建议,market,没有文书号,,\n",
                                  "某检行建〔2024〕7号,检察意见,emergency,好的一行,,2024/3/7\n"))
                  .ok());
  std::string out;
  EXPECT_EQ(Import(file, &out, "supervision", "procuratorate"), 1) << out;
  EXPECT_THAT(out, HasSubstr("supervision.csv:3: 监督类型 '检察通报'"));
  EXPECT_THAT(out, HasSubstr("supervision.csv:4: INVALID_ARGUMENT: receiver_agency: 'mars'"));
  EXPECT_THAT(out, HasSubstr("supervision.csv:5: 文书号 某检行建〔2024〕1号 already appears at line 2"));
  EXPECT_THAT(out, HasSubstr("supervision.csv:6: NOT_FOUND: case 'C000000000000000000000000' not found"));
  EXPECT_THAT(out, HasSubstr("supervision.csv:7: 文书号 is empty"));
  EXPECT_THAT(out, HasSubstr("4 item(s) read, 2 created, 0 already imported, 5 row(s) with problems"));
  ASSERT_EQ(CountSupervision(), 2);
  // The rows became real supervision records: served on the ledger's date,
  // linked to the case, in the ISSUED state with the reply deadline.
  v1::ListItemsRequest req;
  auto list = district_->As("procuratorate").ListSupervision(req);
  ASSERT_TRUE(list.ok());
  int linked = 0;
  for (const auto& r : list->records()) {
    EXPECT_EQ(r.state(), v1::STATE_ISSUED);
    EXPECT_TRUE(r.has_deadline());
    if (r.document_number() == "某检行建〔2024〕1号") {
      ++linked;
      EXPECT_EQ(r.receiver_agency(), "market");
      EXPECT_EQ(r.kind(), v1::SUPERVISION_RECOMMENDATION);
      ASSERT_EQ(r.case_ids_size(), 1);
      EXPECT_EQ(r.case_ids(0), case_id);
      EXPECT_EQ(r.service_time().seconds(), 1709222400);  // 2024-03-01 00:00 +08:00
    }
  }
  EXPECT_EQ(linked, 1);
  // Running it again creates nothing; the bad rows are reported again.
  out.clear();
  EXPECT_EQ(Import(file, &out, "supervision", "procuratorate"), 1) << out;
  EXPECT_THAT(out, HasSubstr("0 created, 2 already imported, 5 row(s) with problems"));
  EXPECT_EQ(CountSupervision(), 2);
  // Only the procuratorate issues supervision records, also by import.
  out.clear();
  EXPECT_EQ(Import(file, &out, "supervision", "market"), 1) << out;
  EXPECT_THAT(out, HasSubstr("PERMISSION_DENIED"));
  EXPECT_EQ(CountSupervision(), 2);
}

}  // namespace
}  // namespace caselink::testing
