// Content-aware masking of free text (issue 13, item 3): the scanner's check
// characters and boundaries (auth/free_text_scanner.h), the masker's use of
// the caller's decisions (auth/free_text_masker.h), the policy checks, and the
// field redactor applying it to every string of a Case as the example policy
// says.
#include "auth/free_text_masker.h"

#include <string>
#include <vector>

#include "auth/authorizer.h"
#include "auth/field_redactor.h"
#include "auth/free_text_scanner.h"
#include "auth/policy_loader.h"
#include "caselink/v1/case.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "support/test_district.h"

namespace caselink::auth {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Valid numbers (check characters computed by GB 11643 / GB 32100 / Luhn).
constexpr char kId[] = "510105199003071233";
constexpr char kIdX[] = "11010519491231002X";
constexpr char kId15[] = "510105900307123";  // 1990-03-07
constexpr char kCredit[] = "91350100M000100Y43";  // GB 32100's own example, corrected
constexpr char kPhone[] = "13812345678";
constexpr char kCard16[] = "6222021234567894";
constexpr char kCard19[] = "6217001234567890122";

struct Found {
  std::string text;
  FreeTextClass cls;
  bool operator==(const Found& o) const { return text == o.text && cls == o.cls; }
};
void PrintTo(const Found& f, std::ostream* os) { *os << "{" << f.text << ", " << static_cast<int>(f.cls) << "}"; }

std::vector<Found> Scan(const std::string& text) {
  std::vector<FreeTextMatch> m;
  ScanFreeText(text, &m);
  std::vector<Found> out;
  for (const auto& x : m) out.push_back({text.substr(x.begin, x.end - x.begin), x.cls});
  return out;
}

Found Id(const std::string& s) { return {s, FreeTextClass::kIdNumber}; }
Found Credit(const std::string& s) { return {s, FreeTextClass::kCreditCode}; }
Found Phone(const std::string& s) { return {s, FreeTextClass::kMobile}; }
Found Card(const std::string& s) { return {s, FreeTextClass::kBankCard}; }

TEST(FreeTextChecksTest, IdNumberCheckCharacter) {
  EXPECT_TRUE(ValidIdNumber18(kId));
  EXPECT_TRUE(ValidIdNumber18(kIdX));
  EXPECT_TRUE(ValidIdNumber18("11010519491231002x"));
  EXPECT_TRUE(ValidIdNumber18("34052419800101001X"));  // the usual textbook example
  EXPECT_FALSE(ValidIdNumber18("510105199003071234"));  // wrong check digit
  EXPECT_FALSE(ValidIdNumber18("340524198001010013"));
  EXPECT_FALSE(ValidIdNumber18("11010519491231002Y"));
  EXPECT_FALSE(ValidIdNumber18("51010519900307123"));  // 17
}

TEST(FreeTextChecksTest, LegacyIdNumberNeedsARealBirthDate) {
  EXPECT_TRUE(ValidIdNumber15(kId15));
  EXPECT_TRUE(ValidIdNumber15("510105960229123"));   // 1996-02-29, leap year
  EXPECT_FALSE(ValidIdNumber15("510105000229123"));  // 1900-02-29 does not exist
  EXPECT_FALSE(ValidIdNumber15("510105901307123"));  // month 13
  EXPECT_FALSE(ValidIdNumber15("510105900431123"));  // April 31
  EXPECT_FALSE(ValidIdNumber15("910105900307123"));  // no region starts with 9
}

TEST(FreeTextChecksTest, CreditCodeCheckCharacterAndCharacterSet) {
  EXPECT_TRUE(ValidCreditCode(kCredit));
  EXPECT_TRUE(ValidCreditCode("91350100m000100y43"));  // lower case accepted
  EXPECT_TRUE(ValidCreditCode("12510100000000000K"));
  EXPECT_TRUE(ValidCreditCode("91510104MA6C1A2B3F"));
  EXPECT_FALSE(ValidCreditCode("91350100M000100Y4Z"));  // the standard's invalid example
  EXPECT_FALSE(ValidCreditCode("91350100M000100Y44"));
  EXPECT_FALSE(ValidCreditCode("91350100I000100Y43"));  // I is not in the set
  EXPECT_FALSE(ValidCreditCode("9135A100M000100Y43"));  // division code must be digits
}

TEST(FreeTextChecksTest, Luhn) {
  EXPECT_TRUE(LuhnValid(kCard16));
  EXPECT_TRUE(LuhnValid(kCard19));
  EXPECT_TRUE(LuhnValid("4111111111111111"));
  EXPECT_FALSE(LuhnValid("6222021234567895"));
  EXPECT_FALSE(LuhnValid("4111111111111112"));
}

TEST(FreeTextScannerTest, FindsEachClassInChineseText) {
  const std::string text = std::string("当事人张三，身份证号") + kId + "，联系电话" + kPhone +
                           "，银行卡号" + kCard16 + "；所在公司统一社会信用代码" + kCredit +
                           "。旧证号" + kId15 + "，另一人证号" + kIdX + "号，卡" + kCard19 + "。";
  EXPECT_THAT(Scan(text), ElementsAre(Id(kId), Phone(kPhone), Card(kCard16), Credit(kCredit),
                                      Id(kId15), Id(kIdX), Card(kCard19)));
}

TEST(FreeTextScannerTest, InvalidCheckCharactersAreNotFound) {
  EXPECT_THAT(Scan("证号510105199003071234。"), IsEmpty());
  EXPECT_THAT(Scan("代码91350100M000100Y4Z。"), IsEmpty());
  EXPECT_THAT(Scan("卡号6222021234567895。"), IsEmpty());
  EXPECT_THAT(Scan("电话12812345678。"), IsEmpty());  // 12x is no mobile prefix
}

TEST(FreeTextScannerTest, DigitRunsAreMatchedWholeOnly) {
  // A number inside a longer run of digits is not a number of its own.
  EXPECT_THAT(Scan(std::string("0") + kPhone), IsEmpty());
  EXPECT_THAT(Scan(std::string(kPhone) + "9"), IsEmpty());
  EXPECT_THAT(Scan(std::string("1") + kId), IsEmpty());
  EXPECT_THAT(Scan(std::string(kId) + "0"), IsEmpty());
  EXPECT_THAT(Scan(std::string(kPhone) + kPhone), IsEmpty());  // 22 digits
  EXPECT_THAT(Scan(std::string(kCard19) + "0"), IsEmpty());
  // Letters and punctuation are boundaries for digit runs.
  EXPECT_THAT(Scan(std::string("Tel") + kPhone + "ext"), ElementsAre(Phone(kPhone)));
  EXPECT_THAT(Scan(std::string("(") + kPhone + ")"), ElementsAre(Phone(kPhone)));
  EXPECT_THAT(Scan(std::string(kPhone) + "/" + kPhone), ElementsAre(Phone(kPhone), Phone(kPhone)));
  // A credit code is an alphanumeric run of exactly 18.
  EXPECT_THAT(Scan(std::string("A") + kCredit), IsEmpty());
  EXPECT_THAT(Scan(std::string(kCredit) + "B"), IsEmpty());
  EXPECT_THAT(Scan(std::string("码:") + kCredit + ","), ElementsAre(Credit(kCredit)));
  // The X of an identity number must follow the 17th digit.
  EXPECT_THAT(Scan("11010519491231002 X"), IsEmpty());
}

TEST(FreeTextScannerTest, MobileAfterCountryCodeKeepsThePrefixOutOfTheMatch) {
  EXPECT_THAT(Scan(std::string("+86") + kPhone), ElementsAre(Phone(kPhone)));
  EXPECT_THAT(Scan(std::string("86") + kPhone), ElementsAre(Phone(kPhone)));
  EXPECT_THAT(Scan(std::string("+86 ") + kPhone), ElementsAre(Phone(kPhone)));
  EXPECT_THAT(Scan(std::string("87") + kPhone), IsEmpty());
}

TEST(FreeTextScannerTest, FullWidthDigitsCount) {
  const std::string fw = "１３８１２３４５６７８";  // full-width 13812345678
  EXPECT_THAT(Scan("电话" + fw + "。"), ElementsAre(Phone(fw)));
  const std::string mixed = "5101051990０３０７１２３３";
  EXPECT_THAT(Scan("证" + mixed), ElementsAre(Id(mixed)));
}

TEST(FreeTextScannerTest, InvalidUtf8IsABoundaryNotAnError) {
  const std::string text = std::string("\xff\xfe") + kPhone + "\xe4\xb8" + kId + "\xef\xbc";
  EXPECT_THAT(Scan(text), ElementsAre(Phone(kPhone), Id(kId)));
}

TEST(FreeTextScannerTest, LinearOnAdversarialInput) {
  // Inputs built to make a backtracking matcher or a re-scanning one work
  // hard: near-misses of every class, long digit runs, long alphanumeric
  // runs, dangling X, full-width forms. The work counted must grow linearly.
  const std::vector<std::string> units = {
      "1", "13812345678", "1381234567X", "9135010", "１", "86", "X",
      std::string(kId) + "X", "a1", "\xef\xbc"};
  auto work = [&](size_t repeat) {
    std::string text;
    for (size_t i = 0; i < repeat; ++i) {
      text += units[i % units.size()];
      if (i % 7 == 0) text += std::string(kId).substr(0, 17);
    }
    ScanStats stats;
    std::vector<FreeTextMatch> m;
    ScanFreeText(text, &m, &stats);
    return std::make_pair(text.size(), stats.steps);
  };
  for (size_t n : {1000u, 10000u, 100000u}) {
    auto [bytes, steps] = work(n);
    EXPECT_LE(steps, 3 * bytes) << n;
  }
  // Long homogeneous runs, the classic worst cases.
  for (const std::string& unit : {std::string("1"), std::string("A1"), std::string("１")}) {
    std::string text;
    for (int i = 0; i < 200000; ++i) text += unit;
    ScanStats stats;
    std::vector<FreeTextMatch> m;
    ScanFreeText(text, &m, &stats);
    EXPECT_THAT(m, IsEmpty());
    EXPECT_LE(stats.steps, 3 * text.size());
  }
}

// --- The masker: the caller's decision per class. ---------------------------

v1::FieldAction Decide(v1::Sensitivity s, v1::FieldAction personal, v1::FieldAction personal_id) {
  if (s == v1::PERSONAL) return personal;
  if (s == v1::PERSONAL_ID) return personal_id;
  return v1::DENY;
}

std::string MaskWith(const FreeTextMasker& m, const std::string& text, v1::FieldAction personal,
                     v1::FieldAction personal_id) {
  std::string out;
  if (!m.Apply(text, [&](v1::Sensitivity s) { return Decide(s, personal, personal_id); }, &out)) {
    return text;
  }
  return out;
}

TEST(FreeTextMaskerTest, AllowChangesNothing) {
  FreeTextMasker m;
  const std::string text = std::string("证号") + kId + "电话" + kPhone;
  std::string out = "untouched";
  EXPECT_FALSE(m.Apply(text, [](v1::Sensitivity) { return v1::ALLOW; }, &out));
  EXPECT_EQ(out, "untouched");
}

TEST(FreeTextMaskerTest, MaskUsesTheClassShapeAndDenyTheMarker) {
  FreeTextMasker m;
  const std::string text = std::string("当事人身份证号") + kId + "，电话+86" + kPhone + "，卡号" +
                           kCard16 + "，公司代码" + kCredit + "。";
  EXPECT_EQ(MaskWith(m, text, v1::MASK, v1::MASK),
            "当事人身份证号510***********1233，电话+86138****5678，卡号6222********7894，"
            "公司代码91************0Y43。");
  // Each class follows its own decision: psb sees phones, ids masked.
  EXPECT_EQ(MaskWith(m, text, v1::ALLOW, v1::MASK),
            "当事人身份证号510***********1233，电话+8613812345678，卡号6222021234567894，"
            "公司代码91************0Y43。");
  EXPECT_EQ(MaskWith(m, text, v1::DENY, v1::ALLOW),
            std::string("当事人身份证号") + kId + "，电话+86[已屏蔽]，卡号[已屏蔽]，公司代码" +
                kCredit + "。");
  // Unspecified (no grant) is treated as DENY.
  EXPECT_EQ(MaskWith(m, std::string("证") + kId, v1::ALLOW, v1::FIELD_ACTION_UNSPECIFIED),
            "证[已屏蔽]");
}

TEST(FreeTextMaskerTest, ANumberPassingTwoChecksGetsTheStricterDecision) {
  // 18 digits that pass GB 32100 (PERSONAL_ID) and Luhn (PERSONAL): found by
  // the fuzzer shown in full as a credit code to a caller who may not see
  // bank cards.
  const std::string both = "510105398006142467";
  std::vector<FreeTextMatch> m;
  ScanFreeText(both, &m);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].cls, FreeTextClass::kBankCard);
  EXPECT_EQ(m[0].also, 1 << static_cast<int>(FreeTextClass::kCreditCode));
  // The same digits inside a longer alphanumeric run (no credit code there)
  // still carry both classes: one decision for equal digits everywhere.
  m.clear();
  ScanFreeText("iv" + both + "x", &m);
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].also, 1 << static_cast<int>(FreeTextClass::kCreditCode));
  FreeTextMasker masker;
  EXPECT_EQ(MaskWith(masker, "号" + both, v1::ALLOW, v1::MASK), "号5101**********2467");
  EXPECT_EQ(MaskWith(masker, "号" + both, v1::MASK, v1::ALLOW), "号5101**********2467");
  EXPECT_EQ(MaskWith(masker, "号" + both, v1::DENY, v1::ALLOW), "号[已屏蔽]");
  EXPECT_EQ(MaskWith(masker, "号" + both, v1::ALLOW, v1::ALLOW), "号" + both);
}

TEST(FreeTextMaskerTest, FullWidthValuesAreMaskedByCodePoint) {
  FreeTextMasker m;
  EXPECT_EQ(MaskWith(m, "电话１３８１２３４５６７８", v1::MASK, v1::MASK), "电话１３８****５６７８");
}

TEST(FreeTextMaskerTest, NumbersWrittenWithSeparatorsAreFoundToo) {
  FreeTextMasker m;
  EXPECT_EQ(MaskWith(m, "身份证 510105 19900307 1233 号", v1::ALLOW, v1::MASK), "身份证 510*************1233 号");
  EXPECT_EQ(MaskWith(m, "电话138-1234-5678。", v1::MASK, v1::ALLOW), "电话138******5678。");
  EXPECT_EQ(MaskWith(m, "卡号6222\u30000212\u30003456\u20127894", v1::DENY, v1::ALLOW), "卡号[已屏蔽]");
  // Numbers a space keeps apart are still found one by one.
  EXPECT_EQ(MaskWith(m, std::string(kId) + " " + kPhone, v1::MASK, v1::MASK), "510***********1233 138****5678");
  // Text with no number changes nothing, whatever its spaces.
  EXPECT_EQ(MaskWith(m, "2024 年 3 月 5 日 下午 3 点", v1::DENY, v1::DENY), "2024 年 3 月 5 日 下午 3 点");
}

TEST(FreeTextMaskerTest, AnIdentityNumberShownInFullIsNamedWithoutItsSpaces) {
  FreeTextMasker m;
  std::string out;
  std::vector<std::string> shown;
  m.Apply("证号 510105 19900307 1233", [](v1::Sensitivity) { return v1::ALLOW; }, &out, &shown);
  EXPECT_EQ(shown, std::vector<std::string>{kId});
}

TEST(FreeTextMaskerTest, AsksOnlyForClassesFoundAndOncePerClass) {
  FreeTextMasker m;
  std::vector<v1::Sensitivity> asked;
  std::string out;
  const std::string text = std::string(kPhone) + "、" + kPhone + "、" + kCard16;
  EXPECT_TRUE(m.Apply(text, [&](v1::Sensitivity s) { asked.push_back(s); return v1::MASK; }, &out));
  EXPECT_THAT(asked, ElementsAre(v1::PERSONAL));
  asked.clear();
  EXPECT_FALSE(m.Apply("没有号码的案情，金额500000元。", [&](v1::Sensitivity s) {
    asked.push_back(s);
    return v1::DENY;
  }, &out));
  EXPECT_THAT(asked, IsEmpty());
}

TEST(FreeTextMaskerTest, PolicyChoosesDetectorsClassesAndMasks) {
  v1::FreeTextMasking cfg;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(rules { detector: MOBILE sensitivity: PERSONAL_ID keep_first: 0 keep_last: 2 mask_char: "#" }
           deny_marker: "【略】")pb",
      &cfg));
  FreeTextMasker m(cfg);
  const std::string text = std::string(kId) + " " + kPhone;
  // Only MOBILE runs, under PERSONAL_ID's decision.
  EXPECT_EQ(MaskWith(m, text, v1::DENY, v1::MASK), std::string(kId) + " #########78");
  EXPECT_EQ(MaskWith(m, text, v1::MASK, v1::DENY), std::string(kId) + " 【略】");
  // `free_text {}` turns content masking off.
  FreeTextMasker off{v1::FreeTextMasking()};
  EXPECT_FALSE(off.enabled());
  EXPECT_EQ(MaskWith(off, text, v1::DENY, v1::DENY), text);
  // No free_text in the policy: the defaults.
  EXPECT_TRUE(FreeTextMasker::ForPolicy(v1::Policy()).enabled());
}

TEST(FreeTextMaskerTest, ConfigProblemsAreFound) {
  auto problems = [](const std::string& text) {
    v1::FreeTextMasking cfg;
    EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &cfg)) << text;
    std::vector<std::string> out;
    for (auto& p : FreeTextConfigProblems(cfg)) out.push_back(p.second);
    return out;
  };
  EXPECT_THAT(FreeTextConfigProblems(FreeTextMasker::DefaultConfig()), IsEmpty());
  EXPECT_THAT(problems("rules { sensitivity: PERSONAL }"), Contains(HasSubstr("needs a detector")));
  EXPECT_THAT(problems("rules { detector: MOBILE }"), Contains(HasSubstr("needs a sensitivity")));
  EXPECT_THAT(problems("rules { detector: MOBILE sensitivity: PERSONAL } "
                       "rules { detector: MOBILE sensitivity: PERSONAL }"),
              Contains(HasSubstr("listed twice")));
  EXPECT_THAT(problems("rules { detector: MOBILE sensitivity: PERSONAL keep_first: 4 keep_last: 4 }"),
              Contains(HasSubstr("at most 7")));
  EXPECT_THAT(problems("rules { detector: MOBILE sensitivity: PERSONAL keep_first: -1 }"),
              Contains(HasSubstr("negative")));
  EXPECT_THAT(problems("rules { detector: BANK_CARD sensitivity: PERSONAL mask_char: \"0\" }"),
              Contains(HasSubstr("mask_char")));
  EXPECT_THAT(problems("rules { detector: BANK_CARD sensitivity: PERSONAL mask_char: \"**\" }"),
              Contains(HasSubstr("mask_char")));
  EXPECT_THAT(problems("deny_marker: \"[id 1]\""), Contains(HasSubstr("deny_marker")));
  EXPECT_THAT(problems("rules { detector: BANK_CARD sensitivity: PERSONAL mask_char: \"●\" } "
                       "deny_marker: \"【已删】\""),
              IsEmpty());
}

TEST(FreeTextPolicyTest, LoaderChecksTheFreeTextSection) {
  const std::string base =
      "agencies { id: \"psb\" identities: \"caselink://agency/psb\" roles: POLICE }\n"
      "rules { name: \"r\" roles: [POLICE] rpcs: [\"caselink.v1.CaseService/GetCase\"] "
      "rows { all: true } fields { sensitivity: INVESTIGATIVE action: ALLOW } }\n";
  auto bad = ParsePolicy(base + "free_text {\n  rules { detector: MOBILE sensitivity: PERSONAL keep_first: 9 }\n}\n",
                         "policy.textproto");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("policy.textproto:4:"));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("free_text detector MOBILE"));
  auto marker = ParsePolicy(base + "free_text { deny_marker: \"ID 1\" }\n", "policy.textproto");
  ASSERT_FALSE(marker.ok());
  EXPECT_THAT(std::string(marker.status().message()), HasSubstr("deny_marker"));
  // The example policy's section is valid and is what the masker uses.
  auto example = ParsePolicy(caselink::testing::TestDistrict::ExamplePolicyText(), "example");
  ASSERT_TRUE(example.ok()) << example.status();
  EXPECT_TRUE(example->has_free_text());
  EXPECT_EQ(example->free_text().rules_size(), 4);
}

// --- Through the field redactor, as CallGuard applies it. -------------------

struct Fixture {
  std::shared_ptr<const Authorizer> authz;
  Principal Of(const std::string& agency) const {
    PeerIdentity peer;
    peer.uri_sans.push_back("caselink://agency/" + agency);
    return *authz->Authenticate(peer);
  }
};

Fixture Example() {
  auto p = ParsePolicy(caselink::testing::TestDistrict::ExamplePolicyText(), "example");
  EXPECT_TRUE(p.ok()) << p.status();
  auto a = Authorizer::Create(std::move(*p));
  EXPECT_TRUE(a.ok()) << a.status();
  return Fixture{*a};
}

v1::Case CaseWithNumbersInText() {
  v1::Case c;
  c.set_case_id("C1");
  c.set_owner_agency("market");
  c.set_domain(v1::MARKET_ORDER);
  c.set_title(std::string("关于") + kId + "的案件");
  c.set_facts(std::string("当事人身份证号") + kId + "，电话" + kPhone + "，卡号" + kCard16 +
              "，公司" + kCredit + "。");
  return c;
}

v1::Case Redact(const Fixture& fx, const std::string& agency, RedactionReport* report) {
  v1::Case c = CaseWithNumbersInText();
  RowFacts facts;
  facts.owner_agency = c.owner_agency();
  facts.domain = c.domain();
  auto plan = fx.authz->PlanRead(fx.Of(agency), "caselink.v1.CaseService/GetCase", facts);
  EXPECT_TRUE(plan.has_value()) << agency;
  RedactMessage(*plan, fx.authz->masks(), &c, report);
  return c;
}

TEST(FreeTextRedactorTest, PsbSeesIdNumbersInTextMaskedAndPhonesInFull) {
  Fixture fx = Example();
  RedactionReport report;
  v1::Case c = Redact(fx, "psb", &report);
  EXPECT_EQ(c.facts(), std::string("当事人身份证号510***********1233，电话") + kPhone + "，卡号" +
                           kCard16 + "，公司91************0Y43。");
  EXPECT_EQ(c.title(), "关于510***********1233的案件");
  EXPECT_THAT(report.masked, Contains("facts"));
  EXPECT_THAT(report.masked, Contains("title"));
  EXPECT_THAT(report.full, Not(Contains("facts")));
}

TEST(FreeTextRedactorTest, OwnerAndProcuratorateSeeTheText) {
  Fixture fx = Example();
  for (const char* agency : {"market", "procuratorate"}) {
    RedactionReport report;
    v1::Case c = Redact(fx, agency, &report);
    EXPECT_EQ(c.facts(), CaseWithNumbersInText().facts()) << agency;
    EXPECT_THAT(report.masked, IsEmpty()) << agency;
    EXPECT_THAT(report.full, Contains("facts")) << agency;
  }
}

}  // namespace
}  // namespace caselink::auth
