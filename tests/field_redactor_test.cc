// auth::GrantTable / FieldPlan / RedactMessage / CheckWritable on real
// caselink.v1.Case messages: the one mechanism that decides what of a row a
// caller gets and which fields it may set.
#include "auth/field_redactor.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "auth/field_plan.h"
#include "auth/free_text_masker.h"
#include "auth/masking.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/storage.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "support/grant_table_text.h"

namespace caselink::auth {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::unique_ptr<GrantTable> Table(const std::string& fields_text) {
  return ::caselink::testing::GrantTableFromText(fields_text);
}

constexpr const char* kAllowAll = ::caselink::testing::kAllowAllClasses;
// Everything, the personal classes masked (the police's kind of grant).
constexpr char kMaskPersonal[] =
    "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
    "fields { sensitivity: PERSONAL action: MASK } fields { sensitivity: PERSONAL_ID action: MASK } "
    "fields { sensitivity: INVESTIGATIVE action: ALLOW }";

// The example policy's masks.
MaskBook ExampleMasks() {
  v1::Policy p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        masks { shape: MASK_SHAPE_NAME keep_first: 1 }
        masks { shape: MASK_SHAPE_ID_NUMBER keep_first: 3 keep_last: 4 }
        masks { shape: MASK_SHAPE_PHONE keep_first: 3 keep_last: 4 }
        masks { shape: MASK_SHAPE_ADDRESS keep_first: 6 }
        masks { shape: MASK_SHAPE_CREDIT_CODE keep_first: 2 keep_last: 4 }
      )pb",
      &p));
  return MaskBook(p.masks());
}

v1::Case FullCase() {
  v1::Case c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        case_id: "C20240301-ABCDEFGHJKMN"
        owner_agency: "market"
        domain: MARKET_ORDER
        title: "无照经营案"
        facts: "经查，当事人……"
        parties {
          role: "当事人"
          person {
            name: "张三"
            id_number: "510105199001011237"
            phone: "13812345678"
            address: "四川省成都市锦江区某街1号"
          }
        }
        parties {
          role: "单位"
          organization {
            name: "某某公司"
            credit_code: "91510181MA6C12341E"
            legal_representative: "李四"
          }
        }
        violation: "未取得营业执照"
        legal_basis: "《无证无照经营查处办法》第十三条"
        penalty {
          kind: FINE
          amount_fen: 500000
          decision_number: "某市监罚〔2024〕12号"
          decision_date: "2024-02-29"
        }
        status: DECIDED
        major: true
        create_time { seconds: 1709208000 nanos: 5 }
        update_time { seconds: 1709211600 }
        version: 3
        agency_reference: "市监-2024-12"
      )pb",
      &c));
  return c;
}

struct Redacted {
  v1::Case c;
  RedactionReport report;
};

Redacted Apply(const FieldPlan& plan, v1::Case c = FullCase()) {
  Redacted r;
  r.c = std::move(c);
  RedactMessage(plan, ExampleMasks(), &r.c, &r.report);
  return r;
}

TEST(FieldSensitivityTest, AnnotatedFieldsHaveTheirClass) {
  const auto* d = v1::Case::descriptor();
  EXPECT_EQ(FieldSensitivity(d->FindFieldByName("case_id")), v1::PUBLIC);
  EXPECT_EQ(FieldSensitivity(d->FindFieldByName("title")), v1::INTERNAL);
  EXPECT_EQ(FieldSensitivity(d->FindFieldByName("facts")), v1::INVESTIGATIVE);
  EXPECT_EQ(FieldSensitivity(v1::Person::descriptor()->FindFieldByName("id_number")),
            v1::PERSONAL_ID);
  EXPECT_EQ(FieldSensitivity(v1::Person::descriptor()->FindFieldByName("phone")), v1::PERSONAL);
}

TEST(FieldSensitivityTest, UnannotatedFieldIsInvestigative) {
  EXPECT_EQ(FieldSensitivity(v1::RequestRecord::descriptor()->FindFieldByName("case_id")),
            v1::INVESTIGATIVE);
}

TEST(FieldSensitivityTest, UnannotatedFieldIsRedactedAsInvestigative) {
  v1::RequestRecord rec;
  rec.set_case_id("C1");
  rec.set_version(2);
  auto everything_but_investigative = Table(
      "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
      "fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: PERSONAL_ID action: ALLOW }");
  FieldPlan plan;
  plan.Add(everything_but_investigative.get(), "r");
  RedactionReport report;
  RedactMessage(plan, MaskBook(), &rec, &report);
  EXPECT_EQ(rec.case_id(), "");
  EXPECT_EQ(rec.version(), 0);
  EXPECT_THAT(report.withheld, UnorderedElementsAre("case_id", "version"));

  rec.set_case_id("C1");
  auto investigative = Table("fields { sensitivity: INVESTIGATIVE action: ALLOW }");
  FieldPlan plan2;
  plan2.Add(investigative.get(), "r");
  RedactMessage(plan2, MaskBook(), &rec, nullptr);
  EXPECT_EQ(rec.case_id(), "C1");
}

// A field annotated with a sensitivity value this build does not know (say,
// from a newer annotations.proto) must count as the most sensitive class too.
TEST(FieldSensitivityTest, UnknownSensitivityValueIsInvestigative) {
  google::protobuf::DescriptorPool pool(google::protobuf::DescriptorPool::generated_pool());
  google::protobuf::FileDescriptorProto file;
  file.set_name("caselink_test/future.proto");
  file.set_package("caselink.v1test");
  file.set_syntax("proto3");
  file.add_dependency("caselink/v1/annotations.proto");
  auto* msg = file.add_message_type();
  msg->set_name("Future");
  auto* field = msg->add_field();
  field->set_name("secret");
  field->set_number(1);
  field->set_type(google::protobuf::FieldDescriptorProto::TYPE_STRING);
  field->set_label(google::protobuf::FieldDescriptorProto::LABEL_OPTIONAL);
  field->mutable_options()->SetExtension(v1::sensitivity, static_cast<v1::Sensitivity>(9));
  const google::protobuf::FileDescriptor* fd = pool.BuildFile(file);
  ASSERT_NE(fd, nullptr);
  const google::protobuf::FieldDescriptor* f = fd->message_type(0)->field(0);
  EXPECT_EQ(FieldSensitivity(f), v1::INVESTIGATIVE);

  // And a message with such a field is redacted accordingly.
  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> m(factory.GetPrototype(fd->message_type(0))->New());
  m->GetReflection()->SetString(m.get(), f, "机密");
  auto no_investigative = Table(
      "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
      "fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: PERSONAL_ID action: ALLOW }");
  FieldPlan plan;
  plan.Add(no_investigative.get(), "r");
  RedactionReport report;
  RedactMessage(plan, MaskBook(), m.get(), &report);
  EXPECT_FALSE(m->GetReflection()->HasField(*m, f));
  EXPECT_THAT(report.withheld, ElementsAre("secret"));
}

TEST(GrantTableTest, ClassGrantsAndDefaultDeny) {
  auto t = Table("fields { sensitivity: PUBLIC action: ALLOW } "
                 "fields { sensitivity: PERSONAL action: MASK }");
  EXPECT_FALSE(t->empty());
  EXPECT_EQ(t->Decide("case_id", v1::PUBLIC), v1::ALLOW);
  EXPECT_EQ(t->Decide("parties.person.name", v1::PERSONAL), v1::MASK);
  EXPECT_EQ(t->Decide("title", v1::INTERNAL), v1::DENY);
  EXPECT_EQ(t->Decide("facts", v1::INVESTIGATIVE), v1::DENY);
  GrantTable empty;
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.Decide("case_id", v1::PUBLIC), v1::DENY);
}

TEST(GrantTableTest, PathOverridesClassAndLongestPrefixWins) {
  auto t = Table(std::string(kAllowAll) +
                 "fields { path: \"parties\" action: DENY } "
                 "fields { path: \"parties.person\" action: MASK } "
                 "fields { path: \"parties.person.id_number\" action: ALLOW } "
                 "fields { path: \"penalty.amount_fen\" action: DENY }");
  EXPECT_EQ(t->Decide("parties", v1::PUBLIC), v1::DENY);
  EXPECT_EQ(t->Decide("parties.role", v1::INTERNAL), v1::DENY);
  EXPECT_EQ(t->Decide("parties.organization.name", v1::PUBLIC), v1::DENY);
  EXPECT_EQ(t->Decide("parties.person", v1::PUBLIC), v1::MASK);
  EXPECT_EQ(t->Decide("parties.person.name", v1::PERSONAL), v1::MASK);
  EXPECT_EQ(t->Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
  EXPECT_EQ(t->Decide("penalty.amount_fen", v1::INTERNAL), v1::DENY);
  EXPECT_EQ(t->Decide("penalty.kind", v1::PUBLIC), v1::ALLOW);
  // Prefixes count on '.' boundaries only.
  EXPECT_EQ(t->Decide("partiesx", v1::PUBLIC), v1::ALLOW);
  EXPECT_EQ(t->Decide("penalty.amount_fen_extra", v1::INTERNAL), v1::ALLOW);
}

TEST(FieldPlanTest, MostPermissiveRuleWins) {
  auto deny = Table("fields { sensitivity: PERSONAL_ID action: DENY }");
  auto mask = Table("fields { sensitivity: PERSONAL_ID action: MASK }");
  auto allow = Table("fields { sensitivity: PERSONAL_ID action: ALLOW }");
  auto path_deny = Table(std::string(kAllowAll) + "fields { path: \"facts\" action: DENY }");
  FieldPlan p;
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(p.Decide("case_id", v1::PUBLIC), v1::DENY);
  p.Add(deny.get(), "d");
  EXPECT_EQ(p.Decide("parties.person.id_number", v1::PERSONAL_ID), v1::DENY);
  p.Add(mask.get(), "m");
  EXPECT_EQ(p.Decide("parties.person.id_number", v1::PERSONAL_ID), v1::MASK);
  p.Add(allow.get(), "a");
  EXPECT_EQ(p.Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
  EXPECT_THAT(p.rule_names(), ElementsAre("d", "m", "a"));
  // Order does not matter.
  FieldPlan q;
  q.Add(allow.get(), "a");
  q.Add(deny.get(), "d");
  EXPECT_EQ(q.Decide("parties.person.id_number", v1::PERSONAL_ID), v1::ALLOW);
  // A path DENY of one rule does not beat another rule's ALLOW.
  auto inv = Table("fields { sensitivity: INVESTIGATIVE action: ALLOW }");
  FieldPlan r;
  r.Add(path_deny.get(), "pd");
  EXPECT_EQ(r.Decide("facts", v1::INVESTIGATIVE), v1::DENY);
  r.Add(inv.get(), "inv");
  EXPECT_EQ(r.Decide("facts", v1::INVESTIGATIVE), v1::ALLOW);
}

TEST(RedactTest, AllowKeepsExactValues) {
  auto t = Table(kAllowAll);
  FieldPlan plan;
  plan.Add(t.get(), "all");
  Redacted r = Apply(plan);
  EXPECT_TRUE(MessageDifferencer::Equals(r.c, FullCase()));
  EXPECT_THAT(r.report.masked, IsEmpty());
  EXPECT_THAT(r.report.withheld, IsEmpty());
  // Leaves returned in full are listed; containers are not.
  EXPECT_THAT(r.report.full, ::testing::IsSupersetOf({"case_id", "title", "facts",
                                                      "parties.person.id_number",
                                                      "parties.organization.credit_code",
                                                      "penalty.amount_fen", "create_time"}));
  EXPECT_EQ(r.report.full.count("parties"), 0u);
  EXPECT_EQ(r.report.full.count("penalty"), 0u);
}

TEST(RedactTest, EmptyPlanClearsEverything) {
  FieldPlan plan;
  Redacted r = Apply(plan);
  EXPECT_TRUE(MessageDifferencer::Equals(r.c, v1::Case()));
  EXPECT_EQ(r.report.withheld.size(), 15u);  // every set top-level field
  EXPECT_THAT(r.report.masked, IsEmpty());
}

TEST(RedactTest, MaskMasksStringsByShape) {
  auto t = Table(kMaskPersonal);
  FieldPlan plan;
  plan.Add(t.get(), "mask-personal");
  Redacted r = Apply(plan);
  const v1::Person& p = r.c.parties(0).person();
  EXPECT_EQ(p.name(), "张*");
  EXPECT_EQ(p.id_number(), "510***********1237");
  EXPECT_EQ(p.phone(), "138****5678");
  EXPECT_EQ(p.address(), "四川省成都市*******");
  const v1::Organization& o = r.c.parties(1).organization();
  EXPECT_EQ(o.name(), "某某公司");  // PUBLIC
  EXPECT_EQ(o.credit_code(), "91************341E");
  EXPECT_EQ(o.legal_representative(), "李*");
  EXPECT_EQ(r.c.parties(0).role(), "当事人");
  EXPECT_EQ(r.c.title(), "无照经营案");
  EXPECT_EQ(r.c.facts(), "经查，当事人……");
  EXPECT_THAT(r.report.masked,
              UnorderedElementsAre("parties.person.name", "parties.person.id_number",
                                   "parties.person.phone", "parties.person.address",
                                   "parties.organization.credit_code",
                                   "parties.organization.legal_representative"));
  EXPECT_THAT(r.report.withheld, IsEmpty());
  EXPECT_EQ(r.report.full.count("parties.person.name"), 0u);
  EXPECT_EQ(r.report.full.count("parties.person.id_number"), 0u);
  EXPECT_EQ(r.report.full.count("title"), 1u);
}

TEST(RedactTest, MaskClearsNonStrings) {
  auto t = Table(std::string(kAllowAll) +
                 "fields { path: \"penalty.amount_fen\" action: MASK } "
                 "fields { path: \"status\" action: MASK } "
                 "fields { path: \"major\" action: MASK } "
                 "fields { path: \"penalty.decision_number\" action: MASK }");
  FieldPlan plan;
  plan.Add(t.get(), "r");
  Redacted r = Apply(plan);
  EXPECT_FALSE(r.c.has_penalty() && r.c.penalty().amount_fen() != 0);
  EXPECT_EQ(r.c.penalty().amount_fen(), 0);
  EXPECT_EQ(r.c.status(), v1::CASE_STATUS_UNSPECIFIED);
  EXPECT_FALSE(r.c.major());
  EXPECT_EQ(r.c.penalty().kind(), v1::FINE);
  // Unspecified shape: free text, all hidden.
  EXPECT_EQ(r.c.penalty().decision_number(), std::string(13, '*'));
  EXPECT_THAT(r.report.withheld, UnorderedElementsAre("penalty.amount_fen", "status", "major"));
  EXPECT_THAT(r.report.masked, UnorderedElementsAre("penalty.decision_number"));
}

TEST(RedactTest, DenyClears) {
  auto t = Table(
      "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
      "fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: PERSONAL_ID action: DENY } "
      "fields { sensitivity: INVESTIGATIVE action: DENY }");
  FieldPlan plan;
  plan.Add(t.get(), "r");
  Redacted r = Apply(plan);
  EXPECT_EQ(r.c.facts(), "");
  EXPECT_EQ(r.c.parties(0).person().id_number(), "");
  EXPECT_EQ(r.c.parties(1).organization().credit_code(), "");
  EXPECT_EQ(r.c.parties(0).person().name(), "张三");
  EXPECT_THAT(r.report.withheld,
              UnorderedElementsAre("facts", "parties.person.id_number",
                                   "parties.organization.credit_code"));
  EXPECT_THAT(r.report.masked, IsEmpty());
  // An explicit FIELD_ACTION_UNSPECIFIED counts as DENY.
  v1::Rule rule;
  rule.add_fields()->set_sensitivity(v1::PUBLIC);  // action unset
  GrantTable unspecified(rule.fields());
  FieldPlan plan2;
  plan2.Add(&unspecified, "u");
  Redacted r2 = Apply(plan2);
  EXPECT_EQ(r2.c.case_id(), "");
}

TEST(RedactTest, UnsetFieldsAreNotReported) {
  FieldPlan plan;
  v1::Case c;
  c.set_case_id("C1");
  Redacted r = Apply(plan, c);
  EXPECT_THAT(r.report.withheld, ElementsAre("case_id"));
}

TEST(RedactTest, PathGrantOverridesClassGrant) {
  auto t = Table(std::string(kAllowAll) +
                 "fields { path: \"parties.person.id_number\" action: DENY } "
                 "fields { path: \"title\" action: MASK }");
  FieldPlan plan;
  plan.Add(t.get(), "r");
  Redacted r = Apply(plan);
  EXPECT_EQ(r.c.parties(0).person().id_number(), "");
  EXPECT_EQ(r.c.parties(1).organization().credit_code(), "91510181MA6C12341E");
  EXPECT_EQ(r.c.title(), "*****");
  EXPECT_THAT(r.report.withheld, ElementsAre("parties.person.id_number"));
  EXPECT_THAT(r.report.masked, ElementsAre("title"));

  // A path DENY on a container clears the whole subtree.
  auto t2 = Table(std::string(kAllowAll) + "fields { path: \"parties\" action: DENY }");
  FieldPlan plan2;
  plan2.Add(t2.get(), "r");
  Redacted r2 = Apply(plan2);
  EXPECT_EQ(r2.c.parties_size(), 0);
  EXPECT_THAT(r2.report.withheld, ElementsAre("parties"));
}

TEST(RedactTest, LongestPathPrefixWinsInsideADeniedContainer) {
  // Everything, but of the parties only the person's name.
  auto t = Table(std::string(kAllowAll) +
                 "fields { path: \"parties\" action: DENY } "
                 "fields { path: \"parties.person.name\" action: ALLOW }");
  FieldPlan plan;
  plan.Add(t.get(), "r");
  ASSERT_EQ(plan.Decide("parties.person.name", v1::PERSONAL), v1::ALLOW);
  Redacted r = Apply(plan);
  EXPECT_EQ(r.c.title(), "无照经营案");
  if (r.c.parties_size() == 0) {
    FAIL() << "regression: auth/field_redactor.cc Walk() decides a message field by its own "
                    "path (\"parties\" -> DENY) and clears it before its sub-paths are "
                    "consulted, so a longer path grant (\"parties.person.name\" ALLOW) under a "
                    "denied prefix never applies; recurse when some grant of the plan names a "
                    "longer path under it, and clear only what stays denied";
  }
  ASSERT_EQ(r.c.parties_size(), 2);
  EXPECT_EQ(r.c.parties(0).person().name(), "张三");
  EXPECT_EQ(r.c.parties(0).person().id_number(), "");
  EXPECT_EQ(r.c.parties(0).role(), "");
  EXPECT_EQ(r.c.parties(1).organization().name(), "");
}

TEST(RedactTest, TimestampsAreSingleValues) {
  // A grant on a sub-path of a Timestamp does not split it.
  auto t = Table(std::string(kAllowAll) + "fields { path: \"create_time.seconds\" action: DENY }");
  FieldPlan plan;
  plan.Add(t.get(), "r");
  Redacted r = Apply(plan);
  EXPECT_EQ(r.c.create_time().seconds(), 1709208000);
  EXPECT_EQ(r.c.create_time().nanos(), 5);
  EXPECT_THAT(r.report.withheld, IsEmpty());

  // MASK on a Timestamp clears it whole.
  auto m = Table(std::string(kAllowAll) + "fields { path: \"update_time\" action: MASK }");
  FieldPlan plan2;
  plan2.Add(m.get(), "r");
  Redacted r2 = Apply(plan2);
  EXPECT_FALSE(r2.c.has_update_time());
  EXPECT_TRUE(r2.c.has_create_time());
  EXPECT_THAT(r2.report.withheld, ElementsAre("update_time"));
  EXPECT_THAT(r2.report.masked, IsEmpty());
}

TEST(RedactTest, MostPermissiveRuleWinsPerField) {
  auto masked = Table(
      "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: PERSONAL_ID action: MASK }");
  auto internal = Table("fields { sensitivity: INTERNAL action: ALLOW } "
                        "fields { sensitivity: PUBLIC action: DENY }");
  FieldPlan plan;
  plan.Add(masked.get(), "a");
  plan.Add(internal.get(), "b");
  Redacted r = Apply(plan);
  EXPECT_EQ(r.c.case_id(), "C20240301-ABCDEFGHJKMN");  // a ALLOW beats b DENY
  EXPECT_EQ(r.c.title(), "无照经营案");               // b
  EXPECT_EQ(r.c.parties(0).person().id_number(), "510***********1237");
  EXPECT_EQ(r.c.parties(0).person().name(), "");     // PERSONAL: nobody
  EXPECT_EQ(r.c.facts(), "");
}

// A party's name, phone or address the caller gets masked or not at all
// must not come back through the case's other text (auth/hidden_values.h).

// Every class but the personal ones (the justice bureau's kind of grant).
constexpr char kNoPersonal[] =
    "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
    "fields { sensitivity: INVESTIGATIVE action: ALLOW }";
v1::Case CaseWhoseTextNamesItsParties() {
  v1::Case c = FullCase();
  c.set_title("张三无照经营案");
  c.set_facts("经查，张三（住四川省成都市锦江区某街1号，电话13812345678）受李四指使……");
  c.set_violation("张三丰另案处理");  // another person whose name begins alike
  return c;
}

TEST(HiddenValuesInTextTest, AMaskedNameIsMaskedWhereverTheCaseWritesIt) {
  auto t = Table(kMaskPersonal);
  FieldPlan plan;
  plan.Add(t.get(), "mask-personal");
  Redacted r = Apply(plan, CaseWhoseTextNamesItsParties());
  EXPECT_EQ(r.c.parties(0).person().name(), "张*");
  EXPECT_EQ(r.c.title(), "张*无照经营案");
  // The address and the phone as their fields show them; the phone is also
  // a mobile number, which the identifier scanner would have masked alike.
  EXPECT_EQ(r.c.facts(), "经查，张*（住四川省成都市*******，电话138****5678）受李*指使……");
  EXPECT_EQ(r.c.violation(), "张*丰另案处理");
  EXPECT_EQ(r.report.full.count("title"), 0u);
  EXPECT_EQ(r.report.masked.count("title"), 1u);
  EXPECT_EQ(r.report.masked.count("facts"), 1u);
  EXPECT_EQ(r.report.masked.count("violation"), 1u);
  // Text that names nobody is returned in full.
  EXPECT_EQ(r.c.legal_basis(), "《无证无照经营查处办法》第十三条");
  EXPECT_EQ(r.report.full.count("legal_basis"), 1u);
}

TEST(HiddenValuesInTextTest, AValueSpacedOutOrInFullWidthInTheTextIsStillHidden) {
  // The facts write the party's name and phone otherwise than its fields:
  // exact matching would have returned both as written.
  auto t = Table(kNoPersonal);
  FieldPlan plan;
  plan.Add(t.get(), "no-personal");
  v1::Case c = CaseWhoseTextNamesItsParties();
  c.set_facts("经查，张 三（电话 138-1234-5678，又记作１３８１２３４５６７８）");
  Redacted r = Apply(plan, c);
  EXPECT_EQ(r.c.facts(), absl::StrCat("经查，", kFreeTextDenyMarker, "（电话 ", kFreeTextDenyMarker,
                                      "，又记作", kFreeTextDenyMarker, "）"));
  EXPECT_EQ(r.report.masked.count("facts"), 1u);
}

TEST(HiddenValuesInTextTest, ACaseIdIsNeverReadAsANumber) {
  // The date and random part of this id, joined over its "-", are 16 digits
  // that pass the Luhn check: in text they read as a bank card, which this
  // caller (no PERSONAL grant) may not see. In the case's id they are an id.
  const std::string id = "C20241204-38123451ABCD";
  auto t = Table(kNoPersonal);
  FieldPlan plan;
  plan.Add(t.get(), "no-personal");
  v1::Case c = FullCase();
  c.set_case_id(id);
  c.set_title("并案" + id);
  Redacted r = Apply(plan, c);
  EXPECT_EQ(r.c.case_id(), id);
  EXPECT_EQ(r.c.title(), std::string("并案C") + kFreeTextDenyMarker + "ABCD");
}

TEST(HiddenValuesInTextTest, AWithheldNameBecomesTheDenyMarker) {
  // The justice bureau's kind of grant without PERSONAL: the names are
  // withheld, the title read.
  auto t = Table(kNoPersonal);
  FieldPlan plan;
  plan.Add(t.get(), "no-personal");
  Redacted r = Apply(plan, CaseWhoseTextNamesItsParties());
  EXPECT_EQ(r.c.parties(0).person().name(), "");
  EXPECT_EQ(r.c.title(), std::string(kFreeTextDenyMarker) + "无照经营案");
  EXPECT_EQ(r.c.facts(), absl::StrCat("经查，", kFreeTextDenyMarker, "（住", kFreeTextDenyMarker,
                                      "，电话", kFreeTextDenyMarker, "）受", kFreeTextDenyMarker,
                                      "指使……"));
}

TEST(HiddenValuesInTextTest, AWithheldContainerHidesEveryValueInIt) {
  // The parties denied as a whole: none of their values may show elsewhere.
  auto t = Table(std::string(kAllowAll) + "fields { path: \"parties\" action: DENY }");
  FieldPlan plan;
  plan.Add(t.get(), "no-parties");
  Redacted r = Apply(plan, CaseWhoseTextNamesItsParties());
  EXPECT_EQ(r.c.parties_size(), 0);
  EXPECT_EQ(r.c.title(), std::string(kFreeTextDenyMarker) + "无照经营案");
  EXPECT_THAT(r.c.facts(), Not(HasSubstr("李四")));
  EXPECT_THAT(r.c.facts(), Not(HasSubstr("锦江区某街")));
}

TEST(HiddenValuesInTextTest, ACallerWhoReadsTheNamesGetsTheTextAsWritten) {
  auto t = Table(kAllowAll);
  FieldPlan plan;
  plan.Add(t.get(), "all");
  const v1::Case written = CaseWhoseTextNamesItsParties();
  Redacted r = Apply(plan, written);
  EXPECT_TRUE(MessageDifferencer::Equals(r.c, written));
  EXPECT_THAT(r.report.masked, IsEmpty());
}

// The access log names the parties an answer reveals: also a number the
// case's text shows in full (a witness), not only its party fields; never
// one the caller got masked.
TEST(HiddenValuesInTextTest, NumbersTheTextShowsInFullAreReportedForTheLog) {
  constexpr char kWitness[] = "11010519491231002X";
  v1::Case c = FullCase();
  c.set_facts(absl::StrCat("证人身份证号", kWitness, "，已询问"));
  c.clear_parties();
  auto all = Table(kAllowAll);
  FieldPlan reads_all;
  reads_all.Add(all.get(), "all");
  std::vector<std::string> shown;
  RedactMessage(reads_all, ExampleMasks(), &c, nullptr, &shown);
  EXPECT_THAT(c.facts(), HasSubstr(kWitness));
  EXPECT_THAT(shown, ::testing::ElementsAre(::testing::StrCaseEq(kWitness)));  // the log's HMAC normalizes the case

  auto none = Table(kNoPersonal);
  FieldPlan reads_none;
  reads_none.Add(none.get(), "no-personal");
  c.set_facts(absl::StrCat("证人身份证号", kWitness, "，已询问"));
  shown.clear();
  RedactMessage(reads_none, ExampleMasks(), &c, nullptr, &shown);
  EXPECT_THAT(c.facts(), Not(HasSubstr(kWitness)));
  EXPECT_TRUE(shown.empty());
}

TEST(HiddenValuesInTextTest, OneCharacterValuesAreNotSearched) {
  // A one-character name would blank that character everywhere.
  auto t = Table(kNoPersonal);
  FieldPlan plan;
  plan.Add(t.get(), "no-personal");
  v1::Case c = FullCase();
  c.mutable_parties(0)->mutable_person()->set_name("张");
  c.set_title("张某无照经营案");
  Redacted r = Apply(plan, c);
  EXPECT_EQ(r.c.title(), "张某无照经营案");
}

TEST(CheckWritableTest, AllowedFieldsAreOk) {
  auto t = Table(kAllowAll);
  FieldPlan plan;
  plan.Add(t.get(), "ledger-write");
  EXPECT_TRUE(CheckWritable(plan, FullCase()).ok());
  EXPECT_TRUE(CheckWritable(plan, v1::Case()).ok());
}

TEST(CheckWritableTest, DisallowedFieldIsPermissionDeniedNamingPathAndRule) {
  auto t = Table(std::string(kAllowAll) + "fields { path: \"major\" action: DENY }");
  FieldPlan plan;
  plan.Add(t.get(), "town-ledger-write");
  absl::Status s = CheckWritable(plan, FullCase());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("'major'"));
  EXPECT_THAT(s.message(), HasSubstr("town-ledger-write"));
  v1::Case c = FullCase();
  c.set_major(false);  // unset: nothing to refuse
  EXPECT_TRUE(CheckWritable(plan, c).ok());
}

TEST(CheckWritableTest, NestedFieldIsNamedByItsPath) {
  auto t = Table(
      "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
      "fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: INVESTIGATIVE action: ALLOW }");
  FieldPlan plan;
  plan.Add(t.get(), "no-ids");
  absl::Status s = CheckWritable(plan, FullCase());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("'parties.person.id_number'"));
  EXPECT_THAT(s.message(), HasSubstr("no-ids"));
  // MASK is not enough to write.
  auto m = Table(std::string(kAllowAll) + "fields { path: \"penalty.amount_fen\" action: MASK }");
  FieldPlan plan2;
  plan2.Add(m.get(), "m");
  s = CheckWritable(plan2, FullCase());
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("'penalty.amount_fen'"));
}

TEST(CheckWritableTest, EmptyPlanSaysNoRuleGrantsWrites) {
  FieldPlan plan;
  v1::Case c;
  c.set_title("x");
  absl::Status s = CheckWritable(plan, c);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("'title'"));
  EXPECT_THAT(s.message(), HasSubstr("no rule grants writes"));
}

TEST(CheckWritableTest, OutputOnlyFieldsAreSkipped) {
  auto t = Table(std::string(kAllowAll) +
                 "fields { path: \"owner_agency\" action: DENY } "
                 "fields { path: \"version\" action: DENY } "
                 "fields { path: \"create_time\" action: DENY } "
                 "fields { path: \"update_time\" action: DENY }");
  FieldPlan plan;
  plan.Add(t.get(), "r");
  EXPECT_TRUE(CheckWritable(plan, FullCase()).ok());
  // Only PUBLIC... but PUBLIC output_only fields need no grant at all.
  FieldPlan none;
  v1::Case c;
  c.set_owner_agency("market");
  c.set_version(4);
  c.mutable_create_time()->set_seconds(1);
  c.mutable_update_time()->set_seconds(2);
  EXPECT_TRUE(CheckWritable(none, c).ok());
  // case_id is not output_only: it is checked.
  c.set_case_id("C1");
  absl::Status s = CheckWritable(none, c);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(s.message(), HasSubstr("'case_id'"));
}

}  // namespace
}  // namespace caselink::auth
