// ScreeningRuleSet: rules as data, compiled once, applied to CaseFacts by
// reflection. Boundaries are where the law puts them (以上 includes the
// figure, 刑法 第九十九条), unset facts are not established, and every
// malformed rule is refused naming its path.
#include "workflow/screening_rules.h"

#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"

namespace caselink::workflow {
namespace {

using ::testing::HasSubstr;

constexpr char kRules[] = R"pb(
  figures { name: "wages_one_worker_fen" value: 500000 national_min: 500000 national_max: 2000000 }
  rules {
    id: "art140-fake-products"
    offence: "生产、销售伪劣产品罪"
    article: "刑法第一百四十条"
    domains: MARKET_ORDER
    laws: "产品质量法"
    any_of { label: "（一）" source: "立案追诉标准（一）第十六条" all_of { fact: "sales_amount_fen" comparison: AT_LEAST figure: 5000000 } }
    any_of { label: "（二）" all_of { fact: "unsold_goods_value_fen" comparison: AT_LEAST figure: 15000000 } }
    any_of {
      label: "（三）"
      all_of { fact: "sales_amount_fen" comparison: BELOW figure: 5000000 }
      all_of {
        terms { fact: "sales_amount_fen" multiplier: 3 }
        terms { fact: "unsold_goods_value_fen" }
        comparison: AT_LEAST
        figure: 15000000
      }
    }
  }
  rules {
    id: "art276-1-unpaid-wages"
    offence: "拒不支付劳动报酬罪"
    article: "刑法第二百七十六条之一"
    domains: LABOUR_PROTECTION
    any_of {
      label: "一名劳动者三个月以上"
      all_of { fact: "months_unpaid" comparison: AT_LEAST figure: 3 }
      all_of { fact: "single_worker_unpaid_fen" comparison: AT_LEAST figure_name: "wages_one_worker_fen" }
      all_of { fact: "order_to_pay_ignored" comparison: IS_TRUE }
    }
  }
  rules {
    id: "art338-pollution"
    offence: "污染环境罪"
    article: "刑法第三百三十八条"
    any_of {
      label: "（三）"
      all_of { fact: "pollutant_group" comparison: IS enum_value: "POLLUTANT_PB_HG_CD_CR_AS_TL_SB" }
      all_of { fact: "pollutant_percent_of_standard" comparison: AT_LEAST figure: 300 }
    }
  }
)pb";

std::shared_ptr<const ScreeningRuleSet> Rules() {
  auto set = ScreeningRuleSet::Parse(kRules, "test-rules");
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : nullptr;
}

v1::Case MarketCase(const std::string& facts) {
  v1::Case c;
  c.set_case_id("C1");
  c.set_owner_agency("market");
  c.set_domain(v1::MARKET_ORDER);
  c.set_version(2);
  c.set_legal_basis("《中华人民共和国产品质量法》第五十条");
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(facts, c.mutable_measured_facts())) << facts;
  return c;
}

std::vector<std::string> Fired(const v1::Case& c) {
  std::vector<std::string> out;
  for (const v1::ScreeningHit& h : Rules()->Evaluate(c)) out.push_back(h.rule_id() + " " + h.threshold());
  return out;
}

TEST(ScreeningRulesTest, SalesFireAtFiftyThousandYuanAndNotOneFenBelow) {
  EXPECT_THAT(Fired(MarketCase("sales_amount_fen: 4999999")), ::testing::IsEmpty());
  EXPECT_THAT(Fired(MarketCase("sales_amount_fen: 5000000")), ::testing::ElementsAre("art140-fake-products （一）"));
  EXPECT_THAT(Fired(MarketCase("unsold_goods_value_fen: 14999999")), ::testing::IsEmpty());
  EXPECT_THAT(Fired(MarketCase("unsold_goods_value_fen: 15000000")),
              ::testing::ElementsAre("art140-fake-products （二）"));
}

TEST(ScreeningRulesTest, ThreeTimesSalesPlusUnsoldMeetsTheMixedThreshold) {
  // ¥40,000 × 3 + ¥30,000 = ¥150,000: met; one fen less of unsold goods: not.
  const v1::Case met = MarketCase("sales_amount_fen: 4000000 unsold_goods_value_fen: 3000000");
  auto hits = Rules()->Evaluate(met);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].threshold(), "（三）");
  ASSERT_EQ(hits[0].figures_size(), 2);
  EXPECT_EQ(hits[0].figures(1).fact(), "sales_amount_fen×3 + unsold_goods_value_fen");
  EXPECT_EQ(hits[0].figures(1).value(), 15000000);
  EXPECT_EQ(hits[0].figures(1).figure(), 15000000);
  EXPECT_EQ(hits[0].case_id(), "C1");
  EXPECT_EQ(hits[0].owner_agency(), "market");
  EXPECT_EQ(hits[0].case_version(), 2);
  EXPECT_EQ(hits[0].article(), "刑法第一百四十条");
  EXPECT_THAT(Fired(MarketCase("sales_amount_fen: 4000000 unsold_goods_value_fen: 2999999")), ::testing::IsEmpty());
  // Sales alone at ¥50,000 fire (一), not (三): the first threshold met.
  EXPECT_THAT(Fired(MarketCase("sales_amount_fen: 5000000 unsold_goods_value_fen: 9000000")),
              ::testing::ElementsAre("art140-fake-products （一）"));
}

TEST(ScreeningRulesTest, AnUnsetFactIsNotEstablishedEvenWhereZeroWouldMeetBelow) {
  // BELOW on an unset sales amount does not hold: "not established" is not 0.
  EXPECT_THAT(Fired(MarketCase("unsold_goods_value_fen: 14000000")), ::testing::IsEmpty());
  EXPECT_THAT(Fired(MarketCase("")), ::testing::IsEmpty());
  v1::Case none = MarketCase("");
  none.clear_measured_facts();
  EXPECT_THAT(Fired(none), ::testing::IsEmpty());
}

TEST(ScreeningRulesTest, DomainAndLawDecideWhichCasesARuleLooksAt) {
  v1::Case other_domain = MarketCase("sales_amount_fen: 9000000");
  other_domain.set_domain(v1::WORK_SAFETY);
  EXPECT_THAT(Fired(other_domain), ::testing::IsEmpty());
  v1::Case other_law = MarketCase("sales_amount_fen: 9000000");
  other_law.set_legal_basis("《食品安全法》第一百二十四条");
  EXPECT_THAT(Fired(other_law), ::testing::IsEmpty());
  // A structured provision names the law as well as the free text.
  v1::LegalProvision* p = other_law.add_legal_provisions();
  p->set_law("中华人民共和国产品质量法");
  p->set_article("第四十九条");
  EXPECT_THAT(Fired(other_law), ::testing::ElementsAre("art140-fake-products （一）"));
}

TEST(ScreeningRulesTest, UnpaidWagesNeedThreeMonthsTheDistrictFigureAndTheIgnoredOrder) {
  auto wages = [](const std::string& facts) {
    v1::Case c = MarketCase(facts);
    c.set_domain(v1::LABOUR_PROTECTION);
    return Fired(c);
  };
  const std::string rest = " single_worker_unpaid_fen: 500000 order_to_pay_ignored: true";
  EXPECT_THAT(wages("months_unpaid: 2" + rest), ::testing::IsEmpty());
  EXPECT_THAT(wages("months_unpaid: 3" + rest), ::testing::ElementsAre("art276-1-unpaid-wages 一名劳动者三个月以上"));
  EXPECT_THAT(wages("months_unpaid: 3 single_worker_unpaid_fen: 499999 order_to_pay_ignored: true"),
              ::testing::IsEmpty());
  EXPECT_THAT(wages("months_unpaid: 3 single_worker_unpaid_fen: 500000 order_to_pay_ignored: false"),
              ::testing::IsEmpty());
}

TEST(ScreeningRulesTest, AnEnumFactSelectsTheMultipleThatApplies) {
  auto pollution = [](const std::string& facts) {
    v1::Case c = MarketCase(facts);
    c.set_domain(v1::OTHER_DOMAIN);
    return Fired(c);
  };
  EXPECT_THAT(pollution("pollutant_group: POLLUTANT_PB_HG_CD_CR_AS_TL_SB pollutant_percent_of_standard: 300"),
              ::testing::ElementsAre("art338-pollution （三）"));
  EXPECT_THAT(pollution("pollutant_group: POLLUTANT_PB_HG_CD_CR_AS_TL_SB pollutant_percent_of_standard: 299"),
              ::testing::IsEmpty());
  EXPECT_THAT(pollution("pollutant_group: POLLUTANT_NI_CU_ZN_AG_V_MN_CO pollutant_percent_of_standard: 300"),
              ::testing::IsEmpty());
}

TEST(ScreeningRulesTest, MalformedRulesAreRefusedNamingThePath) {
  struct Bad {
    std::string text;
    std::string names;
  };
  const std::string head = R"pb(rules { id: "r" offence: "罪" article: "刑法" any_of { label: "l" all_of { )pb";
  const Bad bad[] = {
      {head + R"pb(fact: "sale_amount_fen" comparison: AT_LEAST figure: 1 } } })pb",
       "rules[0].any_of[0].all_of[0].fact: 'sale_amount_fen' is not a CaseFacts field"},
      {head + R"pb(fact: "deaths" comparison: IS_TRUE } } })pb", "IS_TRUE does not apply to 'deaths'"},
      {head + R"pb(fact: "order_to_pay_ignored" comparison: AT_LEAST figure: 1 } } })pb",
       "AT_LEAST does not apply to 'order_to_pay_ignored'"},
      {head + R"pb(fact: "deaths" comparison: AT_LEAST figure_name: "nowhere" } } })pb",
       "figure_name: 'nowhere' is not declared"},
      {head + R"pb(fact: "deaths" } } })pb", "comparison: is required"},
      {head + R"pb(fact: "pollutant_group" comparison: IS enum_value: "LEAD" } } })pb",
       "enum_value: 'LEAD' is not a value of PollutantGroup"},
      {head + R"pb(fact: "deaths" comparison: AT_LEAST figure: 1 } } } rules { id: "r" offence: "x" article: "y" any_of { label: "l" all_of { fact: "deaths" comparison: AT_LEAST figure: 1 } } })pb",
       "rules[1].id: 'r' is used by another rule"},
      {R"pb(figures { name: "w" value: 100 national_min: 500000 national_max: 2000000 })pb",
       "figures[0].value: 100 lies outside the national range 500000..2000000"},
      {R"pb(rules { id: "Bad Id" })pb", "rules[0].id: 'Bad Id' must be"},
      {R"pb(rules { id: "r" offence: "x" article: "y" })pb", "rules[0].any_of: a rule needs at least one threshold"},
  };
  for (const Bad& b : bad) {
    auto set = ScreeningRuleSet::Parse(b.text, "rules.textproto");
    ASSERT_FALSE(set.ok()) << b.text;
    EXPECT_EQ(set.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(set.status().message()), HasSubstr(b.names)) << b.text;
  }
  auto syntax = ScreeningRuleSet::Parse("rules { id: ", "rules.textproto");
  ASSERT_FALSE(syntax.ok());
  EXPECT_THAT(std::string(syntax.status().message()), HasSubstr("rules.textproto:1:"));
}

TEST(ScreeningRulesTest, TheVersionChangesWithTheRulesAndOnlyWithThem) {
  auto a = ScreeningRuleSet::Parse(kRules, "a");
  auto b = ScreeningRuleSet::Parse(kRules, "b");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->version(), (*b)->version());
  v1::ScreeningRules changed = (*a)->rules();
  changed.mutable_figures(0)->set_value(600000);
  auto c = ScreeningRuleSet::Compile(changed);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_NE((*c)->version(), (*a)->version());
}

}  // namespace
}  // namespace caselink::workflow
