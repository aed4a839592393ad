// `caselink screening ls|dismiss` end to end: the real CLI binary (path in
// CASELINK_CLI_PATH), over mTLS, against a real server screening with the
// shipped rules (config/screening-rules.textproto) cases submitted through
// the client library. The procuratorate lists every hit (all pages), the
// police none; a dismissal needs a reason, is the owner's, is idempotent by
// default and shows under --state dismissed; the text form is one line per
// hit with money in 元.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "cli_fixture.h"

#ifndef CASELINK_SOURCE_DIR
#error "CASELINK_SOURCE_DIR must name the source tree (for config/screening-rules.textproto)"
#endif

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kRule[] = "art140-fake-products";

class CliScreeningTest : public CliTest {
 protected:
  void SetUp() override {
    DistrictOptions o;
    o.screening_config =
        absl::StrCat("rules_file: \"", CASELINK_SOURCE_DIR, "/config/screening-rules.textproto\"");
    // Small pages, so that `screening ls` has to follow the page tokens.
    o.max_page_size = 2;
    StartDistrict(std::move(o));
    WriteAgencyFiles({"market", "psb", "procuratorate"});
  }

  // A market case (产品质量法, 市场秩序) with this 销售金额, through the client
  // library; its case id.
  std::string MarketCase(int64_t sales_amount_fen, int n = 1) {
    v1::Case c = SampleCase(v1::MARKET_ORDER);
    c.set_legal_basis("《中华人民共和国产品质量法》第五十条");
    c.set_agency_reference(absl::StrCat("某市监立〔2024〕", 100 + n, "号"));
    c.mutable_measured_facts()->set_sales_amount_fen(sales_amount_fen);
    auto r = As("market").SubmitCase(c);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->case_().case_id() : "";
  }

  // `screening ls ARGS` as `agency`, parsed.
  v1::ListHitsResponse Ls(const std::string& agency, std::vector<std::string> args = {}) {
    args.insert(args.begin(), {"screening", "ls"});
    RunResult r = Exec(args, agency);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    return FromJson<v1::ListHitsResponse>(r.out);
  }

  static std::set<std::string> CaseIds(const v1::ListHitsResponse& r) {
    std::set<std::string> ids;
    for (const auto& h : r.hits()) ids.insert(h.case_id());
    return ids;
  }

};

TEST_F(CliScreeningTest, LsAsTheProcuratorateShowsTheHitOfAMarketCase) {
  const std::string hit = MarketCase(5000000);
  const std::string below = MarketCase(4999999, 2);
  ASSERT_FALSE(hit.empty());

  const v1::ListHitsResponse all = Ls("procuratorate");
  ASSERT_EQ(all.hits_size(), 1) << all.DebugString();
  const v1::ScreeningHit& h = all.hits(0);
  EXPECT_EQ(h.case_id(), hit);
  EXPECT_NE(h.case_id(), below);
  EXPECT_EQ(h.owner_agency(), "market");
  EXPECT_EQ(h.domain(), v1::MARKET_ORDER);
  EXPECT_EQ(h.rule_id(), kRule);
  EXPECT_EQ(h.article(), "刑法第一百四十条");
  EXPECT_EQ(h.state(), v1::HIT_OPEN);
  ASSERT_EQ(h.figures_size(), 1);
  EXPECT_EQ(h.figures(0).fact(), "sales_amount_fen");
  EXPECT_EQ(h.figures(0).value(), 5000000);
  EXPECT_EQ(h.figures(0).figure(), 5000000);
  EXPECT_TRUE(all.next_page_token().empty());

  // The filters reach the server.
  EXPECT_EQ(Ls("procuratorate", {"--agency", "market", "--domain", "market-order", "--rule", kRule,
                                 "--state", "open", "--older-than-days", "0"})
                .hits_size(),
            1);
  EXPECT_EQ(Ls("procuratorate", {"--agency", "emergency"}).hits_size(), 0);
  EXPECT_EQ(Ls("procuratorate", {"--domain", "WORK_SAFETY"}).hits_size(), 0);
  EXPECT_EQ(Ls("procuratorate", {"--rule", "art143-unsafe-food"}).hits_size(), 0);
  EXPECT_EQ(Ls("procuratorate", {"--state", "supervised", "--state", "transferred"}).hits_size(), 0);
  EXPECT_EQ(Ls("procuratorate", {"--older-than-days", "1"}).hits_size(), 0);
  Advance(absl::Hours(24));
  EXPECT_EQ(Ls("procuratorate", {"--older-than-days", "1"}).hits_size(), 1);
  // The owner sees its own hit too.
  EXPECT_EQ(CaseIds(Ls("market")), std::set<std::string>{hit});
}

// Through the import an agency actually uses: `caselink import ledger` of a
// CSV whose 销售金额（元） column holds ¥50,000.00 and ¥49,999.99 — the
// first is screened a hit at the figure, the second not (刑法 第九十九条).
TEST_F(CliScreeningTest, AnImportedLedgerIsScreenedAtTheBoundary) {
  const std::string csv = Path("台账.csv");
  {
    std::ofstream out(csv);
    out << "案号,案件名称,领域,案件状态,当事人类型,当事人,证件号码,违法行为,法律依据,销售金额（元）\n"
        << "某市监立〔2024〕101号,销售伪劣电线案,市场秩序,调查取证,单位,某电器有限公司,91510181MA62XK7P3Q,"
           "以不合格产品冒充合格产品,《中华人民共和国产品质量法》第五十条,50000.00\n"
        << "某市监立〔2024〕102号,销售伪劣插座案,市场秩序,调查取证,单位,某五金有限公司,91510181MA6C12341E,"
           "以不合格产品冒充合格产品,《中华人民共和国产品质量法》第五十条,49999.99\n";
  }
  RunResult imported = Exec({"import", "ledger", csv}, "market");
  ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
  const v1::ListHitsResponse hits = Ls("procuratorate");
  ASSERT_EQ(hits.hits_size(), 1) << hits.DebugString();
  EXPECT_EQ(hits.hits(0).rule_id(), kRule);
  EXPECT_EQ(hits.hits(0).figures(0).value(), 5000000);
  v1::GetCaseRequest get;
  get.set_case_id(hits.hits(0).case_id());
  auto c = As("market").GetCase(get);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->agency_reference(), "某市监立〔2024〕101号");
}

TEST_F(CliScreeningTest, LsFollowsEveryPage) {
  std::set<std::string> want;
  for (int i = 0; i < 5; ++i) want.insert(MarketCase(5000000 + i, 10 + i));
  MarketCase(100, 20);  // below the threshold
  // The server's pages hold 2 hits: the answer is all 5, in one response.
  const v1::ListHitsResponse all = Ls("procuratorate");
  EXPECT_EQ(all.hits_size(), 5);
  EXPECT_EQ(CaseIds(all), want);
  EXPECT_TRUE(all.next_page_token().empty());
  EXPECT_EQ(Exec({"--output", "text", "screening", "ls"}, "procuratorate").out_lines().size(), 5u);
}

TEST_F(CliScreeningTest, LsAsThePoliceIsPermissionDenied) {
  ASSERT_FALSE(MarketCase(5000000).empty());
  RunResult r = Exec({"screening", "ls"}, "psb");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, StartsWith("caselink: error: PERMISSION_DENIED: "));
  EXPECT_EQ(r.out, "");
}

TEST_F(CliScreeningTest, BadArgumentsAreUsageErrors) {
  const std::string id = MarketCase(5000000);
  // --reason is required, and not empty.
  RunResult no_reason = Exec({"screening", "dismiss", id, kRule}, "market");
  EXPECT_EQ(no_reason.exit_code, 2);
  EXPECT_THAT(no_reason.err, HasSubstr("--reason"));
  EXPECT_EQ(no_reason.out, "");
  RunResult empty_reason = Exec({"screening", "dismiss", id, kRule, "--reason", "  "}, "market");
  EXPECT_EQ(empty_reason.exit_code, 2);
  EXPECT_THAT(empty_reason.err, HasSubstr("--reason"));
  EXPECT_EQ(Exec({"screening", "dismiss", id, "--reason", "x"}, "market").exit_code, 2) << "RULE_ID is required";

  RunResult bad_state = Exec({"screening", "ls", "--state", "closed"}, "procuratorate");
  EXPECT_EQ(bad_state.exit_code, 2);
  EXPECT_THAT(bad_state.err, HasSubstr("open, supervised, transferred or dismissed"));
  EXPECT_EQ(Exec({"screening", "ls", "--state", "state-unspecified"}, "procuratorate").exit_code, 2);
  RunResult bad_domain = Exec({"screening", "ls", "--domain", "market"}, "procuratorate");
  EXPECT_EQ(bad_domain.exit_code, 2);
  EXPECT_THAT(bad_domain.err, HasSubstr("MARKET_ORDER"));
  EXPECT_EQ(Exec({"screening", "ls", "--older-than-days", "-1"}, "procuratorate").exit_code, 2);

  // Nothing was dismissed.
  const v1::ListHitsResponse still = Ls("procuratorate");
  ASSERT_EQ(still.hits_size(), 1);
  EXPECT_EQ(still.hits(0).state(), v1::HIT_OPEN);
}

TEST_F(CliScreeningTest, TheOwnerDismissesAndLsStateDismissedShowsIt) {
  const std::string id = MarketCase(5000000);
  const std::string reason = "经复核，销售金额含已处理的前次违法行为，重复计算";

  // Not the procuratorate's to dismiss (it does not own the case).
  RunResult theirs = Exec({"screening", "dismiss", id, kRule, "--reason", reason}, "procuratorate");
  EXPECT_EQ(theirs.exit_code, 1);
  EXPECT_THAT(theirs.err, StartsWith("caselink: error: PERMISSION_DENIED: "));

  RunResult d = Exec({"screening", "dismiss", id, kRule, "--reason", reason}, "market");
  ASSERT_EQ(d.exit_code, 0) << d.err;
  const auto dismissed = FromJson<v1::DismissHitResponse>(d.out);
  EXPECT_EQ(dismissed.hit().case_id(), id);
  EXPECT_EQ(dismissed.hit().state(), v1::HIT_DISMISSED);
  EXPECT_EQ(dismissed.hit().dismiss_reason(), reason);
  EXPECT_EQ(dismissed.hit().dismissed_by(), "market");
  EXPECT_FALSE(dismissed.replayed());

  // The same command again (its request id derived from the request) is a replay.
  RunResult again = Exec({"screening", "dismiss", id, kRule, "--reason", reason}, "market");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(FromJson<v1::DismissHitResponse>(again.out).replayed()) << again.out;

  const v1::ListHitsResponse gone = Ls("procuratorate", {"--state", "dismissed"});
  ASSERT_EQ(gone.hits_size(), 1);
  EXPECT_EQ(gone.hits(0).case_id(), id);
  EXPECT_EQ(gone.hits(0).state(), v1::HIT_DISMISSED);
  EXPECT_EQ(gone.hits(0).dismiss_reason(), reason);
  EXPECT_EQ(Ls("procuratorate", {"--state", "open"}).hits_size(), 0);
  EXPECT_EQ(Ls("market", {"--state", "dismissed"}).hits_size(), 1);

  // Text: the state word, and replayed on a line of its own.
  RunResult text = Exec({"--output", "text", "screening", "dismiss", id, kRule, "--reason", reason}, "market");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  ASSERT_EQ(text.out_lines().size(), 2u) << text.out;
  EXPECT_THAT(text.out_lines()[0], StartsWith(absl::StrCat(id, "\tmarket\t", kRule, "\tdismissed\t")));
  EXPECT_EQ(text.out_lines()[1], "replayed: true");
}

TEST_F(CliScreeningTest, TextOutputIsOneLinePerHitWithMoneyInYuan) {
  const std::string id = MarketCase(6200050);
  RunResult r = Exec({"--output", "text", "screening", "ls"}, "procuratorate");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.out_lines().size(), 1u) << r.out;
  EXPECT_EQ(r.out_lines()[0], absl::StrCat(id, "\tmarket\t", kRule, "\topen\t（一）伪劣产品销售金额五万元以上\t",
                                           "sales_amount_fen=62000.50元≥50000.00元"));

  // A sum of facts (立案追诉标准（一）第十六条第（三）项), figures separated by ", ".
  v1::Case c = SampleCase(v1::MARKET_ORDER);
  c.set_agency_reference("某市监立〔2024〕200号");
  c.mutable_measured_facts()->set_sales_amount_fen(4000000);
  c.mutable_measured_facts()->set_unsold_goods_value_fen(3000000);
  auto sum = As("market").SubmitCase(c);
  ASSERT_TRUE(sum.ok()) << sum.status();
  RunResult two = Exec({"--output", "text", "screening", "ls", "--agency", "market"}, "procuratorate");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  std::vector<std::string> sum_line;
  for (const std::string& line : two.out_lines()) {
    if (absl::StartsWith(line, sum->case_().case_id())) sum_line = absl::StrSplit(line, '\t');
  }
  ASSERT_EQ(sum_line.size(), 6u) << two.out;
  EXPECT_EQ(sum_line[3], "open");
  EXPECT_EQ(sum_line[5],
            "sales_amount_fen=40000.00元<50000.00元, "
            "sales_amount_fen×3 + unsold_goods_value_fen=150000.00元≥150000.00元");
}

}  // namespace
}  // namespace caselink::testing
