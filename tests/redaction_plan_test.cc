// auth::RedactionPlanCache / CompiledRedaction: compiled field decisions are
// kept per (grant tables, message type) and never reach a caller of another
// plan; types built at run time are not kept; types nested deeper than the
// compiled depth are still decided by their full path.
#include "auth/redaction_plan.h"

#include <memory>
#include <string>

#include "auth/authorizer.h"
#include "auth/field_plan.h"
#include "auth/field_redactor.h"
#include "auth/masking.h"
#include "caselink/v1/case.pb.h"
#include "caselink/v1/policy.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "support/grant_table_text.h"

namespace caselink::auth {
namespace {

using ::testing::Contains;
using ::testing::Not;

std::unique_ptr<GrantTable> Table(const std::string& fields_text) {
  return ::caselink::testing::GrantTableFromText(fields_text);
}

constexpr const char* kAllowAll = ::caselink::testing::kAllowAllClasses;
const char kIdsMasked[] =
    "fields { sensitivity: PUBLIC action: ALLOW } fields { sensitivity: INTERNAL action: ALLOW } "
    "fields { sensitivity: PERSONAL action: ALLOW } fields { sensitivity: PERSONAL_ID action: MASK } "
    "fields { sensitivity: INVESTIGATIVE action: ALLOW } ";

MaskBook Masks() {
  v1::Policy p;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        masks { shape: MASK_SHAPE_ID_NUMBER keep_first: 3 keep_last: 4 }
        free_text {
          rules { detector: ID_NUMBER sensitivity: PERSONAL_ID keep_first: 3 keep_last: 4 }
          deny_marker: "[已屏蔽]"
        }
      )pb",
      &p));
  return MaskBook(p);
}

v1::Case Sample() {
  v1::Case c;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        case_id: "C1" owner_agency: "market" title: "无照经营案"
        facts: "当事人身份证号510105199001011237，现场检查。"
        parties { role: "当事人" person { name: "张三" id_number: "510105199001011237" } }
      )pb",
      &c));
  return c;
}

FieldPlan PlanOf(const GrantTable* t, RedactionPlanCache* cache) {
  FieldPlan plan;
  plan.Add(t, "r");
  plan.set_cache(cache);
  return plan;
}

TEST(RedactionPlanCacheTest, SameTablesAndTypeShareOneCompiledPlan) {
  RedactionPlanCache cache;
  auto all = Table(kAllowAll);
  auto masked = Table(kIdsMasked);
  FieldPlan a = PlanOf(all.get(), &cache);
  FieldPlan b = PlanOf(masked.get(), &cache);
  auto a1 = cache.Get(a, v1::Case::descriptor());
  auto a2 = cache.Get(a, v1::Case::descriptor());
  EXPECT_EQ(a1.get(), a2.get());
  EXPECT_NE(cache.Get(b, v1::Case::descriptor()).get(), a1.get());
  EXPECT_NE(cache.Get(a, v1::Party::descriptor()).get(), a1.get());
  FieldPlan both = PlanOf(all.get(), &cache);
  both.Add(masked.get(), "r2");
  EXPECT_NE(cache.Get(both, v1::Case::descriptor()).get(), a1.get());
}

// Two plans redacting through one cache, alternately: each row gets its own
// plan's decisions, never the other's compiled ones.
TEST(RedactionPlanCacheTest, PlansSharingTheCacheKeepTheirOwnDecisions) {
  RedactionPlanCache cache;
  const MaskBook masks = Masks();
  auto all = Table(kAllowAll);
  auto masked = Table(kIdsMasked);
  for (int round = 0; round < 3; ++round) {
    v1::Case owner = Sample();
    RedactionReport owner_report;
    RedactMessage(PlanOf(all.get(), &cache), masks, &owner, &owner_report);
    EXPECT_EQ(owner.parties(0).person().id_number(), "510105199001011237");
    EXPECT_EQ(owner.facts(), Sample().facts());
    EXPECT_THAT(owner_report.full, Contains("parties.person.id_number"));

    v1::Case other = Sample();
    RedactionReport other_report;
    RedactMessage(PlanOf(masked.get(), &cache), masks, &other, &other_report);
    EXPECT_EQ(other.parties(0).person().id_number(), "510***********1237");
    EXPECT_THAT(other.facts(), Not(::testing::HasSubstr("510105199001011237")));
    EXPECT_THAT(other.facts(), ::testing::HasSubstr("510***********1237"));
    EXPECT_THAT(other_report.masked, Contains("parties.person.id_number"));
    EXPECT_THAT(other_report.masked, Contains("facts"));
    EXPECT_THAT(other_report.full, Not(Contains("parties.person.id_number")));
  }
}

// A path grant inside a denied container is compiled into the container's
// plan (the walk goes in), and only the granted field survives.
TEST(RedactionPlanCacheTest, PathGrantBelowADeniedContainerIsCompiled) {
  RedactionPlanCache cache;
  auto t = Table(std::string(kAllowAll) + "fields { path: \"parties\" action: DENY } "
                                          "fields { path: \"parties.person.name\" action: ALLOW }");
  FieldPlan plan = PlanOf(t.get(), &cache);
  auto compiled = cache.Get(plan, v1::Case::descriptor());
  const FieldStep* parties = compiled->root().Step(v1::Case::descriptor()->FindFieldByName("parties"));
  ASSERT_NE(parties, nullptr);
  EXPECT_EQ(parties->path, "parties");
  EXPECT_EQ(parties->action, v1::MASK);
  ASSERT_NE(parties->inside, nullptr);
  const FieldStep* person = parties->inside->Step(v1::Party::descriptor()->FindFieldByName("person"));
  ASSERT_NE(person, nullptr);
  EXPECT_EQ(person->path, "parties.person");
  v1::Case c = Sample();
  RedactMessage(plan, MaskBook(), &c, nullptr);
  ASSERT_EQ(c.parties_size(), 1);
  EXPECT_EQ(c.parties(0).person().name(), "张三");
  EXPECT_EQ(c.parties(0).person().id_number(), "");
  EXPECT_EQ(c.parties(0).role(), "");
}

// A recursive caselink.v1 type built at run time: not kept by the cache
// (its descriptors die with their pool), and a path grant deeper than the
// compiled depth still decides its field.
TEST(RedactionPlanCacheTest, RunTimeTypesAreNotKeptAndDeepPathsStillDecide) {
  google::protobuf::DescriptorPool pool(google::protobuf::DescriptorPool::generated_pool());
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        name: "caselink_test/node.proto" package: "caselink.v1" syntax: "proto3"
        dependency: "caselink/v1/annotations.proto"
        message_type {
          name: "TestNode"
          field { name: "secret" number: 1 type: TYPE_STRING label: LABEL_OPTIONAL }
          field { name: "child" number: 2 type: TYPE_MESSAGE label: LABEL_OPTIONAL type_name: ".caselink.v1.TestNode" }
        }
      )pb",
      &file));
  const google::protobuf::FileDescriptor* fd = pool.BuildFile(file);
  ASSERT_NE(fd, nullptr);
  const google::protobuf::Descriptor* node = fd->message_type(0);
  const google::protobuf::FieldDescriptor* secret = node->FindFieldByName("secret");
  const google::protobuf::FieldDescriptor* child = node->FindFieldByName("child");

  constexpr int kDepth = 24;  // deeper than the compiled depth
  std::string deep_path;
  for (int i = 0; i < kDepth; ++i) deep_path += "child.";
  deep_path += "secret";
  // Unannotated fields are INVESTIGATIVE: denied here, except by the path
  // (the containers on its way are walked for it).
  auto t = Table("fields { sensitivity: PUBLIC action: ALLOW } fields { path: \"" + deep_path +
                 "\" action: ALLOW }");
  RedactionPlanCache cache;
  FieldPlan plan = PlanOf(t.get(), &cache);
  EXPECT_NE(cache.Get(plan, node).get(), cache.Get(plan, node).get());

  google::protobuf::DynamicMessageFactory factory(&pool);
  std::unique_ptr<google::protobuf::Message> root(factory.GetPrototype(node)->New());
  google::protobuf::Message* m = root.get();
  for (int i = 0; i <= kDepth + 1; ++i) {
    m->GetReflection()->SetString(m, secret, "机密" + std::to_string(i));
    m = m->GetReflection()->MutableMessage(m, child);
  }
  RedactionReport report;
  RedactMessage(plan, MaskBook(), root.get(), &report);
  m = root.get();
  for (int i = 0; i <= kDepth + 1; ++i) {
    const bool kept = i == kDepth;  // only the secret at the granted depth
    EXPECT_EQ(m->GetReflection()->GetString(*m, secret), kept ? "机密" + std::to_string(i) : "")
        << "depth " << i;
    m = m->GetReflection()->MutableMessage(m, child);
  }
  EXPECT_THAT(report.full, Contains(deep_path));
  EXPECT_THAT(report.withheld, Contains("secret"));
}

TEST(RedactionPlanCacheTest, AuthorizerPlansUseItsCache) {
  v1::Policy policy;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(
        agencies { id: "market" identities: "caselink://agency/market" }
        rules {
          name: "own" agencies: "market" rpcs: "caselink.v1.CaseService/*" rows { own: true }
          fields { sensitivity: PUBLIC action: ALLOW }
          writable { sensitivity: PUBLIC action: ALLOW }
        }
      )pb",
      &policy));
  auto authz = Authorizer::Create(policy);
  ASSERT_TRUE(authz.ok()) << authz.status();
  Principal p;
  p.agency_id = "market";
  RowFacts row;
  row.owner_agency = "market";
  auto read = (*authz)->PlanRead(p, "caselink.v1.CaseService/GetCase", row);
  ASSERT_TRUE(read.has_value());
  EXPECT_NE(read->cache(), nullptr);
  EXPECT_EQ((*authz)->PlanWrite(p, "caselink.v1.CaseService/SubmitCase").cache(), read->cache());
}

}  // namespace
}  // namespace caselink::auth
