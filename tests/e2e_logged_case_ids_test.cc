// Every case id an answer carries is in the call's access-log entry: a
// district with a transfer, a supervision record, a campaign with its sample
// and a review, a joint meeting with a decision item, all overdue; then each
// read RPC that answers with items, samples, reviews, meetings or reports is
// called as the agencies that see them, every string field named case_id,
// case_ids or linked_case_id in its answer is collected by reflection (so a
// new field of that name is checked without touching this test), and the
// call's own entry must name each. It would have caught ListOverdue, the
// report's lists and SubmitCases' replays, which named none of theirs.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

void CollectCaseIds(const Message& m, std::set<std::string>* out) {
  const Reflection* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const FieldDescriptor* f : fields) {
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) CollectCaseIds(r->GetRepeatedMessage(m, f, i), out);
      } else {
        CollectCaseIds(r->GetMessage(m, f), out);
      }
      continue;
    }
    if (f->type() != FieldDescriptor::TYPE_STRING) continue;
    if (f->name() != "case_id" && f->name() != "case_ids" && f->name() != "linked_case_id") continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(m, f); ++i) out->insert(r->GetRepeatedString(m, f, i));
    } else {
      out->insert(r->GetString(m, f));
    }
  }
  out->erase("");
}

struct Call {
  std::string agency;
  std::string method;  // "Service/Method", as the entry's method ends
  std::function<absl::StatusOr<std::unique_ptr<Message>>(Client&)> run;
};

template <class Resp>
absl::StatusOr<std::unique_ptr<Message>> Boxed(absl::StatusOr<Resp> r) {
  if (!r.ok()) return r.status();
  return std::unique_ptr<Message>(new Resp(*std::move(r)));
}

class LoggedCaseIdsTest : public WorkflowTest {};

TEST_F(LoggedCaseIdsTest, EveryCaseIdInAnAnswerIsInItsEntry) {
  // --- The district. ---
  const std::string c1 = NewCase("market");
  const std::string c2 = NewCase("market");
  auto t1 = Forward(c1);
  ASSERT_TRUE(t1.ok()) << t1.status();
  auto s1 = Supervise("market", c2);
  ASSERT_TRUE(s1.ok()) << s1.status();
  // A town addressed by a supervision record naming market's case: it may
  // not read the case, and still learns its id from the item.
  auto s2 = Supervise("town-a", c1);
  ASSERT_TRUE(s2.ok()) << s2.status();

  const v1::CreateCampaignRequest creq = AnyDateCampaign({"market"}, {"emergency"});
  auto campaign = As("justice").CreateCampaign(creq);
  ASSERT_TRUE(campaign.ok()) << campaign.status();
  const std::string campaign_id = campaign->campaign().id();
  v1::DrawSampleRequest draw;
  draw.set_campaign_id(campaign_id);
  draw.set_seed(1);
  draw.set_fraction_percent(100);
  auto sample = As("justice").DrawSample(draw);
  ASSERT_TRUE(sample.ok()) << sample.status();
  ASSERT_GT(sample->sample().cases_size(), 0);
  v1::SubmitReviewRequest review;
  review.set_campaign_id(campaign_id);
  review.set_case_id(sample->sample().cases(0).case_id());
  v1::Score* score = review.add_scores();
  score->set_criterion_id("law");
  score->set_score(6);
  review.set_comment("评查意见");
  ASSERT_TRUE(As("emergency").SubmitReview(review).ok());

  v1::CreateMeetingRequest mreq;
  v1::Meeting* meeting = mreq.mutable_meeting();
  meeting->set_kind(v1::MEETING_JOINT);
  meeting->set_title("联席会议");
  meeting->set_date("2024-03-05");
  for (const char* a : {"procuratorate", "justice", "market"}) meeting->add_attendees(a);
  meeting->add_case_ids(c1);
  meeting->set_summary("议定事项见纪要");
  auto made = As("government").CreateMeeting(mreq);
  ASSERT_TRUE(made.ok()) << made.status();
  v1::CreateDecisionRequest dreq;
  dreq.set_meeting_id(made->meeting().id());
  dreq.set_owner_agency("market");
  dreq.set_subject("排查涉刑线索");
  dreq.set_due_date("2024-04-01");
  auto decision = As("government").CreateDecision(dreq);
  ASSERT_TRUE(decision.ok()) << decision.status();
  SetNow(Start() + absl::Hours(24 * 200));  // everything open is overdue

  // --- The reads. ---
  auto item = [](const std::string& id) {
    v1::GetItemRequest r;
    r.set_id(id);
    return r;
  };
  auto of_campaign = [&] {
    v1::GetCampaignRequest r;
    r.set_campaign_id(campaign_id);
    return r;
  };
  v1::JointMeetingReportRequest report;
  report.set_from_date("2024-01-01");
  report.set_to_date("2025-01-01");
  v1::GetMeetingRequest get_meeting;
  get_meeting.set_meeting_id(made->meeting().id());
  v1::ListReviewsRequest reviews;
  reviews.set_campaign_id(campaign_id);
  v1::GetCaseRequest team_read;
  team_read.set_case_id(sample->sample().cases(0).case_id());
  team_read.set_purpose("案卷评查");
  const std::vector<Call> calls = {
      {"market", "WorkflowService/ListTransfers", [](Client& x) { return Boxed(x.ListTransfers({})); }},
      {"psb", "WorkflowService/GetTransfer", [&](Client& x) { return Boxed(x.GetTransfer(item(t1->transfer().id()))); }},
      {"market", "WorkflowService/ListSupervision", [](Client& x) { return Boxed(x.ListSupervision({})); }},
      {"town-a", "WorkflowService/GetSupervision",
       [&](Client& x) { return Boxed(x.GetSupervision(item(s2->record().id()))); }},
      {"town-a", "WorkflowService/ListOverdue", [](Client& x) { return Boxed(x.ListOverdue(v1::ListOverdueRequest())); }},
      {"market", "WorkflowService/ListOverdue", [](Client& x) { return Boxed(x.ListOverdue(v1::ListOverdueRequest())); }},
      {"government", "WorkflowService/ListOverdue",
       [](Client& x) { return Boxed(x.ListOverdue(v1::ListOverdueRequest())); }},
      {"government", "ReportService/GetJointMeetingReport", [&](Client& x) { return Boxed(x.GetJointMeetingReport(report)); }},
      {"market", "ReportService/GetJointMeetingReport", [&](Client& x) { return Boxed(x.GetJointMeetingReport(report)); }},
      {"market", "MeetingService/GetMeeting", [&](Client& x) { return Boxed(x.GetMeeting(get_meeting)); }},
      {"market", "MeetingService/ListMeetings", [](Client& x) { return Boxed(x.ListMeetings({})); }},
      {"market", "MeetingService/ListDecisions", [](Client& x) { return Boxed(x.ListDecisions({})); }},
      {"government", "MeetingService/GetDecision",
       [&](Client& x) { return Boxed(x.GetDecision(item(decision->decision().id()))); }},
      {"justice", "OversightService/GetSample", [&](Client& x) { return Boxed(x.GetSample(of_campaign())); }},
      {"market", "OversightService/GetSample", [&](Client& x) { return Boxed(x.GetSample(of_campaign())); }},
      {"justice", "OversightService/ListReviews", [&](Client& x) { return Boxed(x.ListReviews(reviews)); }},
      {"justice", "OversightService/GetCampaignSummary",
       [&](Client& x) { return Boxed(x.GetCampaignSummary(of_campaign())); }},
      {"emergency", "CaseService/GetCase", [&](Client& x) { return Boxed(x.GetCase(team_read)); }},
      {"procuratorate", "ScreeningService/ListHits", [](Client& x) { return Boxed(x.ListHits({})); }},
  };
  int with_ids = 0;
  for (const Call& call : calls) {
    auto resp = call.run(As(call.agency));
    ASSERT_TRUE(resp.ok()) << call.agency << " " << call.method << ": " << resp.status();
    std::set<std::string> answered;
    CollectCaseIds(**resp, &answered);
    if (!answered.empty()) ++with_ids;
    if (answered.empty()) std::printf("no case ids in the answer of %s %s\n", call.agency.c_str(), call.method.c_str());
    // The call's entry: the newest of this agency for this method.
    std::vector<v1::AuditEntry> entries = LoggedCalls(call.agency, call.method);
    ASSERT_FALSE(entries.empty()) << call.agency << " " << call.method << " has no entry";
    const v1::AuditEntry& e = entries.back();
    std::set<std::string> named(e.case_ids().begin(), e.case_ids().end());
    if (!e.requested_case_id().empty()) named.insert(e.requested_case_id());
    for (const std::string& id : answered) {
      EXPECT_TRUE(named.count(id)) << call.agency << " " << call.method << " answered case " << id
                                   << " but its entry names {" << absl::StrJoin(named, ", ") << "}";
    }
  }
  // Decision items name no case here, the summary has no differences, there
  // are no hits: the other 14 answers carry case ids.
  EXPECT_GE(with_ids, 14) << "the answers must carry case ids for this test to mean anything";
}

}  // namespace
}  // namespace caselink::testing
