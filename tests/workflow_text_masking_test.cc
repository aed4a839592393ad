// Identifiers written in workflow text (a transfer's subject, a transition's
// reason) reach each agency as GetCase would show them in a case of another
// agency (CallGuard::FilterResponse): masked for psb, in full for the
// procuratorate, the DENY marker for a town that may read no other agency's
// case. Ids and other PUBLIC fields are never rewritten.
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "auth/policy_holder.h"
#include "caselink/v1/workflow.pb.h"
#include "gtest/gtest.h"
#include "server/core/call_guard.h"
#include "server/core/row_facts.h"
#include "support/temp_dir.h"
#include "support/test_district.h"

namespace caselink::testing {
namespace {

constexpr char kId[] = "510181198503121235";          // GB 11643, valid check character
constexpr char kCard[] = "6222021234567890128";       // Luhn-valid, 19 digits

class WorkflowTextMaskingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string policy = dir_.Join("policy.textproto");
    std::ofstream(policy) << TestDistrict::ExamplePolicyText();
    auto holder = auth::PolicyHolder::Load(policy);
    ASSERT_TRUE(holder.ok()) << holder.status();
    holder_ = *std::move(holder);
    guard_ = std::make_unique<server::CallGuard>(holder_.get(), &facts_);
  }

  // GetTransfer's answer as `agency` receives it, and what the log records.
  v1::GetTransferResponse Filtered(const std::string& agency, server::AccessRecord* record) {
    server::CallScope scope;
    scope.method = "caselink.v1.WorkflowService/GetTransfer";
    scope.authz = holder_->Current();
    auth::PeerIdentity peer;
    peer.uri_sans = {"caselink://agency/" + agency};
    auto principal = scope.authz->Authenticate(peer);
    EXPECT_TRUE(principal.ok()) << principal.status();
    scope.principal = *principal;
    v1::GetTransferResponse resp;
    v1::Transfer* t = resp.mutable_transfer();
    t->set_id("T-1");
    t->set_sender_agency("market");
    t->set_receiver_agency("psb");
    t->add_case_ids("C20240305-ABCDEFGHJKMN");
    t->set_subject(std::string("涉嫌生产、销售伪劣产品罪，当事人身份证号") + kId);
    v1::Transition* step = resp.add_history();
    step->set_step(1);
    step->set_actor_agency("market");
    step->set_reason(std::string("货款转入银行卡") + kCard);
    step->set_reference(kId);  // typed by a user, so scanned like any text (INTERNAL)
    v1::GetItemRequest req;
    EXPECT_TRUE(guard_->FilterResponse(scope, req, &resp, record).ok());
    return resp;
  }

  TempDir dir_;
  std::unique_ptr<auth::PolicyHolder> holder_;
  server::CaseOnlyRowFacts facts_;
  std::unique_ptr<server::CallGuard> guard_;
};

TEST_F(WorkflowTextMaskingTest, PsbGetsTheIdMaskedAsInAForeignCase) {
  server::AccessRecord record;
  v1::GetTransferResponse r = Filtered("psb", &record);
  EXPECT_FALSE(absl::StrContains(r.transfer().subject(), kId)) << r.transfer().subject();
  EXPECT_TRUE(absl::StrContains(r.transfer().subject(), "510***********1235")) << r.transfer().subject();
  EXPECT_TRUE(absl::StartsWith(r.transfer().subject(), "涉嫌生产、销售伪劣产品罪"));
  EXPECT_EQ(r.history(0).reference(), "510***********1235");
  EXPECT_EQ(r.transfer().case_ids(0), "C20240305-ABCDEFGHJKMN");
  EXPECT_TRUE(record.fields.masked.count("Transfer.subject")) << "the log does not record the masking";
}

TEST_F(WorkflowTextMaskingTest, ProcuratorateReadsTheTextInFull) {
  v1::GetTransferResponse r = Filtered("procuratorate", nullptr);
  EXPECT_TRUE(absl::StrContains(r.transfer().subject(), kId)) << r.transfer().subject();
  EXPECT_TRUE(absl::StrContains(r.history(0).reason(), kCard)) << r.history(0).reason();
}

TEST_F(WorkflowTextMaskingTest, ATownThatReadsNoForeignCaseGetsTheMarker) {
  v1::GetTransferResponse r = Filtered("town-a", nullptr);
  EXPECT_FALSE(absl::StrContains(r.transfer().subject(), kId)) << r.transfer().subject();
  EXPECT_FALSE(absl::StrContains(r.history(0).reason(), kCard)) << r.history(0).reason();
  EXPECT_TRUE(absl::StrContains(r.transfer().subject(), "[已屏蔽]")) << r.transfer().subject();
  EXPECT_EQ(r.history(0).reference(), "[已屏蔽]");
}

}  // namespace
}  // namespace caselink::testing
