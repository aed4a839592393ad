// The CSV reader and the 行政处罚台账 mapping: quoting, line numbers, every
// column's conversion, and bad rows reported without stopping good ones.
#include "csv_reader.h"
#include "ledger_csv.h"
#include "supervision_ledger_csv.h"

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace caselink::cli {
namespace {

namespace pb = google::protobuf;
using ::testing::ElementsAre;
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

// A ledger of the required columns and the `extra` ones: row i (line i + 2)
// is case "A<line>" of a person 甲 with `rows[i]` in the extra columns.
std::string LedgerWith(const std::string& extra, const std::vector<std::string>& rows) {
  std::string csv = absl::StrCat("案号,案件名称,领域,案件状态,当事人类型,当事人,", extra, "\n");
  for (size_t i = 0; i < rows.size(); ++i) {
    absl::StrAppend(&csv, "A", i + 2, ",t,社会治安,立案,个人,甲,", rows[i], "\n");
  }
  return csv;
}

TEST(PenaltyLedgerTest, AnOldFormatLedgerMakesTheSameCaseAsBefore) {
  std::string csv = std::string(kHeader) +
                    "R1,标题,安全生产,已作出处罚决定,单位,某公司,91510181ma6c12341e,,成都,李四,违法,"
                    "产品质量法第四十九条,没收违法所得,\"1,234.5\",罚〔2024〕1号,2024年5月6日,否,案情\n";
  auto l = ParsePenaltyLedger(csv);
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 1u);
  // Field for field what the reader made before the new columns: no
  // measured_facts, provisions or register_date, so the import's idempotency
  // (same 案号, same content) holds for ledgers imported before.
  v1::Case want;
  ASSERT_TRUE(pb::TextFormat::ParseFromString(R"pb(
    agency_reference: "R1" title: "标题" domain: WORK_SAFETY status: DECIDED
    violation: "违法" legal_basis: "产品质量法第四十九条" facts: "案情"
    penalty { kind: CONFISCATION amount_fen: 123450 decision_number: "罚〔2024〕1号" decision_date: "2024-05-06" }
    parties { role: "当事人" organization { name: "某公司" credit_code: "91510181MA6C12341E" legal_representative: "李四" } }
  )pb", &want));
  const v1::Case& got = l->entries[0].content;
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(got, want)) << got.DebugString();
  EXPECT_FALSE(got.has_measured_facts());
  EXPECT_EQ(got.SerializeAsString(), want.SerializeAsString());
}

TEST(PenaltyLedgerTest, FactAmountsInYuanAreExactInFen) {
  struct { const char* in; int64_t fen; } cases[] = {
      {"49999.99", 4999999}, {"50000", 5000000}, {"50000.00", 5000000}, {"12345.67", 1234567},
      {"\"1,234.5\"", 123450}, {"0.01", 1}, {"0", 0}, {"150000元", 15000000}};
  for (const auto& c : cases) {
    auto l = ParsePenaltyLedger(LedgerWith("销售金额（元）", {c.in}));
    ASSERT_TRUE(l.ok()) << l.status();
    ASSERT_EQ(l->entries.size(), 1u) << c.in << ": " << (l->problems.empty() ? "" : l->problems[0].reason);
    const v1::CaseFacts& facts = l->entries[0].content.measured_facts();
    ASSERT_TRUE(facts.has_sales_amount_fen()) << c.in;  // "0" is established, not unset
    EXPECT_EQ(facts.sales_amount_fen(), c.fen) << c.in;
    EXPECT_FALSE(facts.has_unsold_goods_value_fen());
  }
  // An empty cell is "not established": no measured_facts at all.
  auto l = ParsePenaltyLedger(LedgerWith("销售金额（元）,货值金额(元)", {","}));
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 1u);
  EXPECT_FALSE(l->entries[0].content.has_measured_facts());
}

TEST(PenaltyLedgerTest, BadFactValuesNameTheRowAndTheColumn) {
  auto l = ParsePenaltyLedger(LedgerWith(
      "销售金额（元）,拖欠人数,责令支付后仍未支付,污染物类别",
      {"5万,,,", "12.345,,,", "-1,,,", "1.+5,,,", ",3.5,,", ",三,,", ",,也许,", ",,,锡", ",,,POLLUTANT_GROUP_UNSPECIFIED",
       "\"49,999.99\",3,否,镉"}));
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 1u);
  EXPECT_EQ(l->entries[0].line, 11);
  ASSERT_EQ(l->problems.size(), 9u);
  EXPECT_EQ(l->problems[0].line, 2);
  EXPECT_EQ(l->problems[0].reason, "销售金额（元） '5万' is not an amount in 元 (e.g. 1234.56)");
  EXPECT_EQ(l->problems[1].line, 3);
  EXPECT_THAT(l->problems[1].reason, HasSubstr("销售金额（元） '12.345'"));
  EXPECT_THAT(l->problems[2].reason, HasSubstr("销售金额（元） '-1'"));
  EXPECT_THAT(l->problems[3].reason, HasSubstr("销售金额（元） '1.+5'"));
  EXPECT_EQ(l->problems[4].line, 6);
  EXPECT_EQ(l->problems[4].reason, "拖欠人数 '3.5' is not a whole number (e.g. 12)");
  EXPECT_THAT(l->problems[5].reason, HasSubstr("拖欠人数 '三'"));
  EXPECT_EQ(l->problems[6].line, 8);
  EXPECT_THAT(l->problems[6].reason, HasSubstr("责令支付后仍未支付 '也许' must be 是 or 否"));
  EXPECT_EQ(l->problems[7].line, 9);
  EXPECT_THAT(l->problems[7].reason, HasSubstr("污染物类别 '锡' is not one of 铅汞镉铬砷铊锑"));
  EXPECT_THAT(l->problems[8].reason, HasSubstr("污染物类别 'POLLUTANT_GROUP_UNSPECIFIED'"));
}

TEST(PenaltyLedgerTest, BoolsAndEnumsTakeTheirSpellings) {
  auto l = ParsePenaltyLedger(LedgerWith(
      "责令支付后仍未支付,违法主体为单位,污染物类别",
      {"是,否,\"铅、汞、镉、铬、砷、铊、锑\"", "true,FALSE,镍铜锌银钒锰钴", "1,0,锰", ",,pollutant_pb_hg_cd_cr_as_tl_sb"}));
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_TRUE(l->problems.empty()) << l->problems[0].reason;
  ASSERT_EQ(l->entries.size(), 4u);
  for (int i = 0; i < 3; ++i) {
    const v1::CaseFacts& facts = l->entries[i].content.measured_facts();
    EXPECT_TRUE(facts.has_order_to_pay_ignored() && facts.order_to_pay_ignored()) << i;
    EXPECT_TRUE(facts.has_offender_is_unit() && !facts.offender_is_unit()) << i;  // 否 is established
  }
  EXPECT_EQ(l->entries[0].content.measured_facts().pollutant_group(), v1::POLLUTANT_PB_HG_CD_CR_AS_TL_SB);
  EXPECT_EQ(l->entries[1].content.measured_facts().pollutant_group(), v1::POLLUTANT_NI_CU_ZN_AG_V_MN_CO);
  EXPECT_EQ(l->entries[2].content.measured_facts().pollutant_group(), v1::POLLUTANT_NI_CU_ZN_AG_V_MN_CO);
  const v1::CaseFacts& last = l->entries[3].content.measured_facts();
  EXPECT_EQ(last.pollutant_group(), v1::POLLUTANT_PB_HG_CD_CR_AS_TL_SB);
  EXPECT_FALSE(last.has_order_to_pay_ignored());
  EXPECT_FALSE(last.has_offender_is_unit());
}

// The table is the mapping: every CaseFacts field has a column, each column
// names a CaseFacts field, and no header is taken twice.
TEST(PenaltyLedgerTest, EveryCaseFactsFieldHasOneColumn) {
  const pb::Descriptor* d = v1::CaseFacts::descriptor();
  std::set<std::string> fields, names;
  for (const std::string& h : PenaltyLedgerHeaders()) names.insert(h);
  size_t fixed = names.size();
  for (const FactColumn& c : CaseFactsColumns()) {
    EXPECT_NE(d->FindFieldByName(c.field), nullptr) << c.field;
    EXPECT_TRUE(fields.insert(c.field).second) << c.field;
    for (size_t i = 1; i < c.names.size(); ++i) EXPECT_TRUE(names.insert(c.names[i]).second) << c.names[i];
  }
  EXPECT_EQ(fixed, PenaltyLedgerHeaders().size());  // documented headers are distinct
  for (int i = 0; i < d->field_count(); ++i) EXPECT_EQ(fields.count(d->field(i)->name()), 1u) << d->field(i)->name();
}

TEST(PenaltyLedgerTest, EveryFactColumnFillsItsField) {
  // A value of the field's kind in each column, under its documented header.
  std::vector<std::string> headers, values;
  const pb::Descriptor* d = v1::CaseFacts::descriptor();
  for (const FactColumn& c : CaseFactsColumns()) {
    const pb::FieldDescriptor* fd = d->FindFieldByName(c.field);
    ASSERT_NE(fd, nullptr) << c.field;
    headers.push_back(c.names[0]);
    if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL) values.push_back("是");
    else if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) values.push_back("镉");
    else values.push_back("7");
  }
  auto l = ParsePenaltyLedger(LedgerWith(absl::StrJoin(headers, ","), {absl::StrJoin(values, ",")}));
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 1u) << (l->problems.empty() ? "" : l->problems[0].reason);
  const v1::CaseFacts& facts = l->entries[0].content.measured_facts();
  const pb::Reflection* r = facts.GetReflection();
  for (const FactColumn& c : CaseFactsColumns()) {
    const pb::FieldDescriptor* fd = d->FindFieldByName(c.field);
    if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_BOOL) {
      EXPECT_TRUE(r->HasField(facts, fd) && r->GetBool(facts, fd)) << c.field;
    } else if (fd->cpp_type() == pb::FieldDescriptor::CPPTYPE_ENUM) {
      EXPECT_EQ(r->GetEnumValue(facts, fd), v1::POLLUTANT_PB_HG_CD_CR_AS_TL_SB) << c.field;
    } else {
      // 7 元 is 700 fen; every other number is taken as it is.
      EXPECT_TRUE(r->HasField(facts, fd)) << c.field;
      EXPECT_EQ(r->GetInt64(facts, fd), absl::EndsWith(c.field, "_fen") ? 700 : 7) << c.field;
    }
  }
  EXPECT_EQ(facts.pollutant_percent_of_standard(), 7);  // 超标倍数（%）: a percentage
}

TEST(PenaltyLedgerTest, SeveralPenaltyKindsAreOneDecision) {
  auto l = ParsePenaltyLedger(LedgerWith(
      "处罚种类", {"没收违法所得并处罚款", "罚款、没收违法所得", "警告，罚款和没收违法所得", "没收违法所得、没收非法财物并处罚款",
                   "罚款", "罚款、拘役", "不予处罚、警告"}));
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 5u);
  auto additional = [&](int i) {
    const auto& k = l->entries[i].content.penalty().additional_kinds();
    return std::vector<int>(k.begin(), k.end());
  };
  EXPECT_EQ(l->entries[0].content.penalty().kind(), v1::CONFISCATION);
  EXPECT_THAT(additional(0), ElementsAre(v1::FINE));
  EXPECT_EQ(l->entries[1].content.penalty().kind(), v1::FINE);
  EXPECT_THAT(additional(1), ElementsAre(v1::CONFISCATION));
  EXPECT_EQ(l->entries[2].content.penalty().kind(), v1::WARNING);
  EXPECT_THAT(additional(2), ElementsAre(v1::FINE, v1::CONFISCATION));
  EXPECT_EQ(l->entries[3].content.penalty().kind(), v1::CONFISCATION);  // two spellings, one kind
  EXPECT_THAT(additional(3), ElementsAre(v1::FINE));
  EXPECT_EQ(l->entries[4].content.penalty().kind(), v1::FINE);
  EXPECT_TRUE(additional(4).empty());
  ASSERT_EQ(l->problems.size(), 2u);
  EXPECT_EQ(l->problems[0].line, 7);
  EXPECT_EQ(l->problems[0].reason, "处罚种类 '罚款、拘役': '拘役' is unknown");
  EXPECT_EQ(l->problems[1].line, 8);
  EXPECT_THAT(l->problems[1].reason, HasSubstr("不予处罚 cannot go with another kind"));
}

TEST(PenaltyLedgerTest, ProvisionsAreSplitPerArticleAndTheFreeTextKept) {
  auto l = ParsePenaltyLedger(LedgerWith(
      "法律依据,法律依据条款,立案日期",
      {"依据产品质量法等,产品质量法第四十九条；食品安全法第一百二十四条,2024年3月1日",
       ",\"《中华人民共和国食品安全法》第三十四条第（二）项、第一百二十四条第一款; 产品质量法第四十九条\",",
       ",食品安全法,", ",第四十九条,", ",,昨天"}));
  ASSERT_TRUE(l.ok()) << l.status();
  ASSERT_EQ(l->entries.size(), 2u);
  const v1::Case& a = l->entries[0].content;
  EXPECT_EQ(a.legal_basis(), "依据产品质量法等");
  EXPECT_EQ(a.register_date(), "2024-03-01");
  ASSERT_EQ(a.legal_provisions_size(), 2);
  EXPECT_EQ(a.legal_provisions(0).law(), "产品质量法");
  EXPECT_EQ(a.legal_provisions(0).article(), "第四十九条");
  EXPECT_EQ(a.legal_provisions(1).law(), "食品安全法");
  EXPECT_EQ(a.legal_provisions(1).article(), "第一百二十四条");
  const v1::Case& b = l->entries[1].content;
  EXPECT_TRUE(b.legal_basis().empty());
  EXPECT_TRUE(b.register_date().empty());
  ASSERT_EQ(b.legal_provisions_size(), 3);
  EXPECT_EQ(b.legal_provisions(0).law(), "中华人民共和国食品安全法");
  EXPECT_EQ(b.legal_provisions(0).article(), "第三十四条第（二）项");
  EXPECT_EQ(b.legal_provisions(1).law(), "中华人民共和国食品安全法");
  EXPECT_EQ(b.legal_provisions(1).article(), "第一百二十四条第一款");
  EXPECT_EQ(b.legal_provisions(2).law(), "产品质量法");
  EXPECT_EQ(b.legal_provisions(2).article(), "第四十九条");
  ASSERT_EQ(l->problems.size(), 3u);
  EXPECT_EQ(l->problems[0].line, 4);
  EXPECT_EQ(l->problems[0].reason, "法律依据条款 '食品安全法' names no article (第…条)");
  EXPECT_EQ(l->problems[1].line, 5);
  EXPECT_THAT(l->problems[1].reason, HasSubstr("法律依据条款 '第四十九条' names no law"));
  EXPECT_EQ(l->problems[2].line, 6);
  EXPECT_EQ(l->problems[2].reason, "立案日期 '昨天' is not a date (2024-04-01)");
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
