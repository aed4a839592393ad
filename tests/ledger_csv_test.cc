// The CSV reader and the 行政处罚台账 mapping: quoting, line numbers, every
// column's conversion, and bad rows reported without stopping good ones.
#include "csv_reader.h"
#include "ledger_csv.h"
#include "supervision_ledger_csv.h"

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
  ASSERT_EQ(l->entries.size(), 1u);
  EXPECT_TRUE(l->problems.empty());
  const v1::Case& c = l->entries[0].content;
  EXPECT_EQ(l->entries[0].key, "R1");
  EXPECT_EQ(l->entries[0].line, 2);
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
  ASSERT_EQ(l->entries.size(), 2u);
  EXPECT_EQ(l->entries[0].key, "G1");
  EXPECT_EQ(l->entries[1].key, "G2");
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
    ASSERT_EQ(l->entries.size(), 1u) << c.in;
    EXPECT_EQ(l->entries[0].content.penalty().amount_fen(), c.fen) << c.in;
  }
}

TEST(SupervisionLedgerTest, MapsEveryColumnAndReportsBadRowsByLine) {
  auto l = ParseSupervisionLedger(
      "送达日期,文书号,监督类型,被监督单位,监督事项,关联案件,文书名称,备注\n"
      "2024年3月1日,某检行建〔2024〕1号,检察建议,market,规范执法,C1；C2、C3 C4,检察建议书,忽略\n"
      "2024-03-02,某检行建〔2024〕2号,检察通报,market,x,,,\n"
      "2024-13-02,某检行建〔2024〕3号,纠正违法,market,x,,,\n"
      ",某检行建〔2024〕1号,检察意见,market,x,,,\n"
      ",某检行意〔2024〕4号,检察意见,,x,,,\n"
      ",某检行意〔2024〕5号,检察意见,psb,,,,\n"
      ",某检纠〔2024〕6号,纠正违法通知书,psb,纠正,,,\n");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 2u);
  ASSERT_TRUE(l->entries[0].content.record.has_value());
  const v1::CreateSupervisionRequest& r = *l->entries[0].content.record;
  EXPECT_EQ(l->entries[0].line, 2);
  EXPECT_EQ(l->entries[0].key, "某检行建〔2024〕1号");
  EXPECT_EQ(r.kind(), v1::SUPERVISION_RECOMMENDATION);
  EXPECT_EQ(r.receiver_agency(), "market");
  EXPECT_EQ(r.subject(), "规范执法");
  EXPECT_EQ(r.document_number(), "某检行建〔2024〕1号");
  EXPECT_EQ(std::vector<std::string>(r.case_ids().begin(), r.case_ids().end()),
            (std::vector<std::string>{"C1", "C2", "C3", "C4"}));
  EXPECT_EQ(r.service_time().seconds(), 1709222400);  // 2024-03-01 00:00 +08:00
  ASSERT_EQ(r.materials_size(), 1);
  EXPECT_EQ(r.materials(0).title(), "检察建议书");
  EXPECT_TRUE(r.request_id().empty());  // the importer derives it
  EXPECT_EQ(l->entries[1].content.record->kind(), v1::SUPERVISION_CORRECTION);
  EXPECT_FALSE(l->entries[1].content.record->has_service_time());
  ASSERT_EQ(l->problems.size(), 5u);
  EXPECT_EQ(l->problems[0].line, 3);
  EXPECT_THAT(l->problems[0].reason, HasSubstr("监督类型 '检察通报'"));
  EXPECT_EQ(l->problems[1].line, 4);
  EXPECT_THAT(l->problems[1].reason, HasSubstr("送达日期 '2024-13-02'"));
  EXPECT_EQ(l->problems[2].line, 5);
  EXPECT_THAT(l->problems[2].reason, HasSubstr("already appears at line 2"));
  EXPECT_EQ(l->problems[3].line, 6);
  EXPECT_THAT(l->problems[3].reason, HasSubstr("被监督单位 is empty"));
  EXPECT_EQ(l->problems[4].line, 7);
  EXPECT_THAT(l->problems[4].reason, HasSubstr("监督事项 is empty"));
}

TEST(SupervisionLedgerTest, AnOpinionAboutANonProsecutedPersonIsAReverseTransfer) {
  auto l = ParseSupervisionLedger(
      "文书号,监督类型,被监督单位,监督事项,关联案件,送达日期,不起诉决定书\n"
      "某检行意〔2024〕2号,检察意见,emergency,被不起诉人未依法给予行政处罚,C1,2024-03-08,\n"
      "某检行意〔2024〕3号,检察意见,market,应当给予行政处罚,,,某检刑不诉〔2024〕9号\n"
      "某检行意〔2024〕4号,检察意见,market,建议依法移送涉嫌犯罪案件,,,\n"
      "某检行建〔2024〕5号,检察建议,market,不起诉案件的处理建议,,,\n"
      "某检行意〔2024〕6号,检察意见,market,被不起诉人应当处罚,C1；C2,,\n");
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 4u);
  // By the text of the opinion.
  ASSERT_TRUE(l->entries[0].content.reverse.has_value());
  EXPECT_FALSE(l->entries[0].content.record.has_value());
  const v1::CreateTransferRequest& t = *l->entries[0].content.reverse;
  EXPECT_EQ(t.direction(), v1::TRANSFER_REVERSE);
  EXPECT_EQ(t.receiver_agency(), "emergency");
  EXPECT_EQ(t.case_id(), "C1");
  EXPECT_EQ(t.service_time().seconds(), 1709827200);  // 2024-03-08 00:00 +08:00
  ASSERT_EQ(t.materials_size(), 1);
  EXPECT_EQ(t.materials(0).reference(), "某检行意〔2024〕2号");
  // By the 不起诉决定书 column, which the subject then names.
  ASSERT_TRUE(l->entries[1].content.reverse.has_value());
  EXPECT_THAT(l->entries[1].content.reverse->subject(), HasSubstr("某检刑不诉〔2024〕9号"));
  // An opinion about a transfer the agency failed to make stays a record, and
  // so does a 检察建议 whatever it says.
  EXPECT_TRUE(l->entries[2].content.record.has_value());
  EXPECT_TRUE(l->entries[3].content.record.has_value());
  ASSERT_EQ(l->problems.size(), 1u);
  EXPECT_EQ(l->problems[0].line, 6);
  EXPECT_THAT(l->problems[0].reason, HasSubstr("one case"));
}

TEST(SupervisionLedgerTest, AFileWithoutTheRequiredColumnsIsNotASupervisionLedger) {
  auto l = ParseSupervisionLedger("文书号,监督类型\nA,检察建议\n");
  EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(l.status().message()), HasSubstr("not a 检察监督台账: missing column(s) 被监督单位, 监督事项"));
}

}  // namespace
}  // namespace caselink::cli
