// `caselink transfer act` through the real binary against a real server:
// the actions whose required fields have their own flags reach the server
// with them (转送 names the competent police agency with --forward-to).
#include "cli_fixture.h"

#include "gmock/gmock.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

class CliWorkflowTest : public CliTest {
 protected:
  void SetUp() override {
    DistrictOptions o;
    o.policy_text = TestDistrict::ExamplePolicyText() +
                    "\nagencies { id: \"psb-traffic\" display_name: \"交警大队\" identities: "
                    "\"caselink://agency/psb-traffic\" roles: POLICE }\n";
    StartDistrict(std::move(o));
    WriteAgencyFiles({"market", "psb", "psb-traffic"});
  }
};

TEST_F(CliWorkflowTest, ForwardToCompetentNamesTheAgencyWithForwardTo) {
  const std::string id = NewForward();
  ASSERT_FALSE(id.empty());
  // Without the flag the server says which field the action needs.
  RunResult missing = Exec({"transfer", "act", id, "forward-to-competent", "--reason", "属交通肇事"}, "psb");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("forward_to_agency"));

  RunResult r = Exec({"transfer", "act", id, "forward-to-competent", "--reason", "属交通肇事, 由交警大队管辖",
                      "--forward-to", "psb-traffic"},
                     "psb");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto answer = FromJson<v1::TransferResponse>(r.out);
  EXPECT_EQ(answer.transfer().receiver_agency(), "psb-traffic");
  // The competent agency now decides, from its own command line.
  RunResult accepted = Exec({"transfer", "act", id, "accept"}, "psb-traffic");
  EXPECT_EQ(accepted.exit_code, 0) << accepted.err;
  EXPECT_EQ(FromJson<v1::TransferResponse>(accepted.out).transfer().state(), v1::STATE_ACCEPTED);
}

}  // namespace
}  // namespace caselink::testing
