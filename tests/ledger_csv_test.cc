// The CSV reader and the 行政处罚台账 mapping: quoting, line numbers, every
// column's conversion, and bad rows reported without stopping good ones.
#include "csv_reader.h"
#include "ledger_csv.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::cli {
namespace {

using ::testing::HasSubstr;

TEST(CsvReaderTest, QuotesEscapesLineBreaksBomAndCrlf) {
  auto r = ParseCsv("\xEF\xBB\xBF" "a,\"b,c\",\"d\"\"e\"\r\n\"multi\nline\",x,\r\n\r\nlast,,");
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].fields, (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ((*r)[0].line, 1);
  EXPECT_EQ((*r)[1].fields, (std::vector<std::string>{"multi\nline", "x", ""}));
  EXPECT_EQ((*r)[1].line, 2);
  EXPECT_EQ((*r)[2].fields, (std::vector<std::string>{"last", "", ""}));
  EXPECT_EQ((*r)[2].line, 5);
}

TEST(CsvReaderTest, BrokenQuotingNamesTheLine) {
  auto open = ParseCsv("a,b\nc,\"never closed\n");
  EXPECT_EQ(open.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(open.status().message()), HasSubstr("line 2"));
  auto inner = ParseCsv("a,b\nc,d\"e\n");
  EXPECT_THAT(std::string(inner.status().message()), HasSubstr("line 2"));
  auto after = ParseCsv("\"a\"b\n");
  EXPECT_THAT(std::string(after.status().message()), HasSubstr("line 1"));
}

const char kHeader[] =
    "案号,案件名称,领域,案件状态,当事人类型,当事人,证件号码,联系电话,住所,法定代表人,违法行为,"
    "处罚依据,处罚种类,罚没金额（元）,处罚决定书文号,处罚决定日期,是否重大案件,案情摘要\n";

TEST(PenaltyLedgerTest, MapsEveryColumn) {
  std::string csv = std::string(kHeader) +
                    "R1,标题,安全生产,已作出处罚决定,单位,某公司,91510181ma6c12341e,,成都,李四,违法,"
                    "依据,罚款,\"1,234.5\",罚〔2024〕1号,2024年5月6日,是,案情\n"
                    "R1,,,,个人,张三,510181198503121235,13812345678,幸福路,,,,,,,,,\n";
  auto l = ParsePenaltyLedger(csv);
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->cases.size(), 1u);
  EXPECT_TRUE(l->problems.empty());
  const v1::Case& c = l->cases[0].content;
  EXPECT_EQ(l->cases[0].reference, "R1");
  EXPECT_EQ(l->cases[0].line, 2);
  EXPECT_EQ(c.agency_reference(), "R1");
  EXPECT_EQ(c.title(), "标题");
  EXPECT_EQ(c.domain(), v1::WORK_SAFETY);
  EXPECT_EQ(c.status(), v1::DECIDED);
  EXPECT_EQ(c.violation(), "违法");
  EXPECT_EQ(c.legal_basis(), "依据");
  EXPECT_EQ(c.facts(), "案情");
  EXPECT_TRUE(c.major());
  EXPECT_EQ(c.penalty().kind(), v1::FINE);
  EXPECT_EQ(c.penalty().amount_fen(), 123450);
  EXPECT_EQ(c.penalty().decision_number(), "罚〔2024〕1号");
  EXPECT_EQ(c.penalty().decision_date(), "2024-05-06");
  ASSERT_EQ(c.parties_size(), 2);
  EXPECT_EQ(c.parties(0).organization().name(), "某公司");
  EXPECT_EQ(c.parties(0).organization().credit_code(), "91510181MA6C12341E");
  EXPECT_EQ(c.parties(0).organization().legal_representative(), "李四");
  EXPECT_EQ(c.parties(1).person().name(), "张三");
  EXPECT_EQ(c.parties(1).person().id_number(), "510181198503121235");
  EXPECT_EQ(c.parties(1).person().phone(), "13812345678");
  EXPECT_EQ(c.parties(1).person().address(), "幸福路");
}

TEST(PenaltyLedgerTest, BadRowsAreReportedWithLineAndReasonAndGoodRowsKept) {
  std::string csv = std::string(kHeader) +
                    "G1,好,社会治安,立案,个人,甲,,,,,,,,,,,,\n"
                    "B1,坏,火星,立案,个人,乙,,,,,,,,,,,,\n"
                    "B2,坏,社会治安,不存在,个人,丙,,,,,,,,,,,,\n"
                    ",无案号,社会治安,立案,个人,丁,,,,,,,,,,,,\n"
                    "B3,坏,社会治安,立案,外星人,戊,,,,,,,,,,,,\n"
                    "B4,坏,社会治安,立案,个人,己,,,,,,,罚款,12.345,,,,\n"
                    "B5,坏,社会治安,立案,个人,庚,,,,,,,,,,2024-13-01,,\n"
                    "B6,坏,社会治安,立案,个人,辛,,,,,,,,,,,也许,\n"
                    "G2,好,劳动保障,结案,单位,某公司,,,,,,,,,,,否,\n";
  auto l = ParsePenaltyLedger(csv);
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->cases.size(), 2u);
  EXPECT_EQ(l->cases[0].reference, "G1");
  EXPECT_EQ(l->cases[1].reference, "G2");
  ASSERT_EQ(l->problems.size(), 7u);
  EXPECT_EQ(l->problems[0].line, 3);
  EXPECT_THAT(l->problems[0].reason, HasSubstr("领域 '火星'"));
  EXPECT_EQ(l->problems[1].line, 4);
  EXPECT_THAT(l->problems[1].reason, HasSubstr("案件状态"));
  EXPECT_EQ(l->problems[2].line, 5);
  EXPECT_THAT(l->problems[2].reason, HasSubstr("案号 is empty"));
  EXPECT_THAT(l->problems[3].reason, HasSubstr("当事人类型"));
  EXPECT_THAT(l->problems[4].reason, HasSubstr("罚没金额"));
  EXPECT_THAT(l->problems[5].reason, HasSubstr("处罚决定日期"));
  EXPECT_THAT(l->problems[6].reason, HasSubstr("是否重大案件"));
}

TEST(PenaltyLedgerTest, MissingRequiredColumnsAreNamed) {
  auto l = ParsePenaltyLedger("案号,案件名称\nA,B\n");
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("领域"));
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("当事人类型"));
  EXPECT_EQ(ParsePenaltyLedger("").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PenaltyLedgerTest, AmountsAreExactInFen) {
  struct { const char* in; int64_t fen; } cases[] = {{"0", 0}, {"1", 100}, {"0.5", 50}, {"0.05", 5},
                                                      {"12,345.67", 1234567}, {"99999999.99", 9999999999}};
  for (const auto& c : cases) {
    std::string csv = std::string(kHeader) + "A,t,社会治安,立案,个人,甲,,,,,,,罚款,\"" + c.in + "\",,,,\n";
    auto l = ParsePenaltyLedger(csv);
    ASSERT_TRUE(l.ok());
    ASSERT_EQ(l->cases.size(), 1u) << c.in;
    EXPECT_EQ(l->cases[0].content.penalty().amount_fen(), c.fen) << c.in;
  }
}

}  // namespace
}  // namespace caselink::cli
