// `caselink search` and `caselink audit party` end to end (the real binary
// against a TestDistrict): a party's 身份证号 or name given as "-" is read
// from standard input, so it never stands on the command line (which every
// local user can read through ps or /proc, and the shell keeps).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kPersonId[] = "510181198503121235";  // SampleCase()'s person

class CliSearchTest : public CliTest {
 protected:
  void SetUp() override {
    StartDistrict(DistrictOptions());
    WriteAgencyFiles({"market", "procuratorate"});
    auto r = As("market").SubmitCase(SampleCase());
    ASSERT_TRUE(r.ok()) << r.status();
    case_id_ = r->case_().case_id();
  }
  std::string case_id_;
};

TEST_F(CliSearchTest, APartyIdGivenAsADashIsReadFromStandardInput) {
  RunResult run = ExecWithInput({"search", "--party-id", "-", "--purpose", "核查"}, "market",
                                absl::StrCat(kPersonId, "\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto found = FromJson<v1::SearchCasesResponse>(run.out);
  ASSERT_EQ(found.cases_size(), 1);
  EXPECT_EQ(found.cases(0).case_id(), case_id_);

  // Both from stdin, one line each: the id first, then the name.
  run = ExecWithInput({"search", "--party-id", "-", "--party-name", "-", "--purpose", "核查"}, "market",
                      absl::StrCat(kPersonId, "\r\n张三丰\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(FromJson<v1::SearchCasesResponse>(run.out).cases_size(), 1);
}

TEST_F(CliSearchTest, ADashWithNothingOnStandardInputIsAUsageError) {
  RunResult run = ExecWithInput({"search", "--party-id", "-", "--purpose", "核查"}, "market", "");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr("--party-id -: no line to read on standard input"));
}

TEST_F(CliSearchTest, AnAuditorsPartyQuestionReadsTheIdFromStandardInput) {
  RunResult run = ExecWithInput({"audit", "party", "-", "--purpose", "核查访问记录"}, "procuratorate",
                                absl::StrCat(kPersonId, "\n"));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  // The submission named the person: its entry answers the question.
  EXPECT_THAT(run.out, HasSubstr("caselink.v1.CaseService/SubmitCase"));
}

}  // namespace
}  // namespace caselink::testing
