// CaseService.MarkMajor through the real server and client library: a
// supervisor marks another agency's case major (重大案件) as a new version
// carrying who and why, the owner is told by an event and cannot drop the
// mark, a supervisor takes it back, refusals change nothing, retries replay,
// and the mark reaches the joint-meeting report and the access log.
#include <set>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::HasSubstr;

class MajorCaseTest : public WorkflowTest {
 protected:
  static v1::MarkMajorRequest Mark(const std::string& case_id, bool major, const std::string& request_id = "") {
    v1::MarkMajorRequest r;
    r.set_request_id(request_id);
    r.set_case_id(case_id);
    r.set_major(major);
    r.set_reason(major ? "涉案金额巨大, 社会影响重大, 提交联席会议研判" : "经会商, 不再作为重大案件");
    r.set_purpose("联席会议重大案件研判");
    return r;
  }
  // The government's joint-meeting report over the fixture's year.
  absl::StatusOr<v1::JointMeetingReport> GovernmentsReport() {
    v1::JointMeetingReportRequest rr;
    rr.set_from_date("2024-01-01");
    rr.set_to_date("2025-01-01");
    rr.set_purpose("联席会议");
    return As("government").GetJointMeetingReport(rr);
  }
  int64_t Versions(const std::string& case_id) {
    v1::ListCaseVersionsRequest r;
    r.set_case_id(case_id);
    auto v = As("town-a").ListCaseVersions(r);
    EXPECT_TRUE(v.ok()) << v.status();
    return v.ok() ? v->versions_size() : -1;
  }
  // The owner submits a new version of its case from what it last read,
  // with `major` as it likes.
  absl::StatusOr<v1::SubmitCaseResponse> OwnerResubmits(const std::string& case_id, bool major) {
    v1::GetCaseRequest get;
    get.set_case_id(case_id);
    auto current = As("town-a").GetCase(get);
    if (!current.ok()) return current.status();
    v1::SubmitCaseRequest req;
    *req.mutable_case_() = *current;
    req.mutable_case_()->set_major(major);
    req.mutable_case_()->set_title("测试案件(补正)");
    req.set_expected_version(current->version());
    return As("town-a").SubmitCase(req);
  }
};

TEST_F(MajorCaseTest, TheGovernmentMarksATownsCaseMajorAndTheOwnerIsToldAndKeepsTheMark) {
  const std::string id = NewCase("town-a", v1::WORK_SAFETY);
  ASSERT_FALSE(id.empty());

  auto marked = As("government").MarkMajor(Mark(id, true, "mark-1"));
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_TRUE(marked->case_().major());
  EXPECT_EQ(marked->case_().version(), 2);
  EXPECT_EQ(marked->case_().owner_agency(), "town-a") << "marking never changes the owner";
  EXPECT_EQ(marked->case_().major_mark().agency_id(), "government");
  EXPECT_TRUE(marked->case_().major_mark().major());
  EXPECT_THAT(marked->case_().major_mark().reason(), HasSubstr("联席会议"));
  // The answer is the case as the case-mark-major rule reads it: no
  // personal data (PERSONAL, PERSONAL_ID are not in its fields).
  const std::string shown = marked->case_().DebugString();
  EXPECT_FALSE(absl::StrContains(shown, "510181198503121235")) << shown;
  EXPECT_FALSE(absl::StrContains(shown, "13812345678")) << shown;
  EXPECT_EQ(marked->case_().title(), "测试案件") << "INTERNAL fields are allowed";

  // A retry of the same request replays: nothing more is stored.
  auto again = As("government").MarkMajor(Mark(id, true, "mark-1"));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(Versions(id), 2) << "history: version 1 unmarked, version 2 marked";

  // The owner is told, with the case.
  bool told = false;
  for (const v1::Event& e : EventsOf(As("town-a"), 1)) {
    if (e.kind() != v1::EVENT_CASE_MARKED_MAJOR) continue;
    told = true;
    EXPECT_EQ(e.item_id(), id);
    ASSERT_EQ(e.cases_size(), 1);
    EXPECT_TRUE(e.cases(0).major());
    EXPECT_EQ(e.cases(0).major_mark().agency_id(), "government");
  }
  EXPECT_TRUE(told) << "the owner gets EVENT_CASE_MARKED_MAJOR";
  for (const v1::Event& e : EventsOf(As("market"), 1)) EXPECT_NE(e.kind(), v1::EVENT_CASE_MARKED_MAJOR);

  // The owner's next version cannot drop the supervisor's mark.
  auto resubmitted = OwnerResubmits(id, false);
  ASSERT_TRUE(resubmitted.ok()) << resubmitted.status();
  EXPECT_TRUE(resubmitted->case_().major());
  EXPECT_EQ(resubmitted->case_().major_mark().agency_id(), "government");
  EXPECT_EQ(resubmitted->case_().title(), "测试案件(补正)");

  // The joint-meeting report lists it among the major cases.
  auto report = GovernmentsReport();
  ASSERT_TRUE(report.ok()) << report.status();
  bool listed = false;
  for (const v1::Case& c : report->major_cases()) listed |= c.case_id() == id;
  EXPECT_TRUE(listed);

  // The procuratorate takes the mark back; then the owner's own choice stands.
  auto unmarked = As("procuratorate").MarkMajor(Mark(id, false));
  ASSERT_TRUE(unmarked.ok()) << unmarked.status();
  EXPECT_FALSE(unmarked->case_().major());
  EXPECT_EQ(unmarked->case_().major_mark().agency_id(), "procuratorate");
  EXPECT_FALSE(unmarked->case_().major_mark().major());
  auto owner_again = OwnerResubmits(id, false);
  ASSERT_TRUE(owner_again.ok()) << owner_again.status();
  EXPECT_FALSE(owner_again->case_().major());
  EXPECT_EQ(Versions(id), 5);

  // Every marking is in the access log with its case.
  v1::AgencyAccessRequest audit;
  audit.set_agency_id("government");
  audit.mutable_from()->set_seconds(0);
  audit.set_limit(1000);
  audit.set_purpose("审计");
  auto log = As("justice").AgencyAccess(audit);
  ASSERT_TRUE(log.ok()) << log.status();
  int logged = 0;
  const v1::AuditEntry* first = nullptr;  // the marking's own, written with it (then the replay's)
  for (const auto& e : log->entries()) {
    if (e.method() != "caselink.v1.CaseService/MarkMajor") continue;
    std::set<std::string> cases(e.case_ids().begin(), e.case_ids().end());
    logged += cases.count(id) > 0 ? 1 : 0;
    if (first == nullptr && cases.count(id) > 0) first = &e;
  }
  EXPECT_GE(logged, 1);
  // ...with what its answer returned of the case: the entry of a write is
  // sealed before the answer exists, yet names the answer's field paths.
  ASSERT_NE(first, nullptr);
  const std::set<std::string> full(first->fields_full().begin(), first->fields_full().end());
  const std::set<std::string> withheld(first->fields_withheld().begin(), first->fields_withheld().end());
  EXPECT_TRUE(full.count("title")) << "the government received the title; its entry must say so";
  EXPECT_TRUE(withheld.count("parties.person.name")) << "and that the names were withheld";
}

TEST_F(MajorCaseTest, RefusalsNameTheRuleOrFieldAndChangeNothing) {
  const std::string id = NewCase("town-a", v1::WORK_SAFETY);
  ASSERT_FALSE(id.empty());

  // Not a supervisor: the policy does not grant the RPC.
  auto market = As("market").MarkMajor(Mark(id, true));
  EXPECT_EQ(market.status().code(), absl::StatusCode::kPermissionDenied) << market.status();
  auto owner = As("town-a").MarkMajor(Mark(id, true));
  EXPECT_EQ(owner.status().code(), absl::StatusCode::kPermissionDenied) << owner.status();

  v1::MarkMajorRequest no_reason = Mark(id, true);
  no_reason.clear_reason();
  auto r1 = As("justice").MarkMajor(no_reason);
  EXPECT_EQ(r1.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r1.status().message(), HasSubstr("reason"));

  v1::MarkMajorRequest no_purpose = Mark(id, true);
  no_purpose.clear_purpose();
  auto r2 = As("justice").MarkMajor(no_purpose);
  EXPECT_EQ(r2.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r2.status().message(), HasSubstr("purpose"));

  auto missing = As("justice").MarkMajor(Mark("C20240305-doesnotexist", true));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();

  EXPECT_EQ(Versions(id), 1) << "no refusal stored a version";

  // A request_id reused for another marking is refused.
  ASSERT_TRUE(As("justice").MarkMajor(Mark(id, true, "reuse-1")).ok());
  auto reused = As("justice").MarkMajor(Mark(id, false, "reuse-1"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kAlreadyExists) << reused.status();
  EXPECT_EQ(Versions(id), 2);
}

// The government reads no personal data (its rules grant PUBLIC and
// INTERNAL): a party's name the owner wrote into the title (INTERNAL) must
// not reach it there either, neither in MarkMajor's answer nor in the
// report's list of major cases; the owner still reads its title as written.
TEST_F(MajorCaseTest, ANameInTheTitleReachesTheGovernmentNoMoreThanTheNameField) {
  v1::SubmitCaseRequest submit;
  *submit.mutable_case_() = SampleCase(v1::WORK_SAFETY, "张三丰非法储存危险化学品案");
  submit.mutable_case_()->set_violation("张三丰未取得许可储存危险化学品");
  auto created = As("town-a").SubmitCase(submit);
  ASSERT_TRUE(created.ok()) << created.status();
  const std::string id = created->case_().case_id();

  auto marked = As("government").MarkMajor(Mark(id, true));
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(marked->case_().parties(0).person().name(), "") << "PERSONAL is not the government's";
  EXPECT_EQ(marked->case_().title(), "[已屏蔽]非法储存危险化学品案");
  EXPECT_EQ(marked->case_().violation(), "[已屏蔽]未取得许可储存危险化学品");
  EXPECT_FALSE(absl::StrContains(marked->case_().DebugString(), "张三丰"));

  auto report = GovernmentsReport();
  ASSERT_TRUE(report.ok()) << report.status();
  bool listed = false;
  for (const v1::Case& c : report->major_cases()) {
    if (c.case_id() != id) continue;
    listed = true;
    EXPECT_EQ(c.title(), "[已屏蔽]非法储存危险化学品案");
  }
  EXPECT_TRUE(listed);
  EXPECT_FALSE(absl::StrContains(report->DebugString(), "张三丰"));

  v1::GetCaseRequest get;
  get.set_case_id(id);
  auto own = As("town-a").GetCase(get);
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->title(), "张三丰非法储存危险化学品案") << "the owner reads its case as written";
}

}  // namespace
}  // namespace caselink::testing
