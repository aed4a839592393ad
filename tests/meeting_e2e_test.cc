// MeetingService end to end through the real server and client library: the
// government convenes a 联席会议 (refusals named by field, a replay by
// request_id, NOT_FOUND for agencies outside it); a decision item (议定事项)
// followed by its owner and closed by the convener, every step on record;
// an overdue item; the owner told by an event; the 会议纪要 as a document of
// the meeting; every call in the access log.
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "caselink/pages.h"
#include "gmock/gmock.h"
#include "support/sha256_hex.h"
#include "workflow_fixture.h"

namespace caselink::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MeetingTest : public WorkflowTest {
 protected:
  // A 联席会议 of the government on 2024-03-05 (the fixture's day).
  static v1::CreateMeetingRequest Joint(const std::vector<std::string>& attendees,
                                        const std::vector<std::string>& cases = {},
                                        const std::string& date = "2024-03-05") {
    v1::CreateMeetingRequest req;
    v1::Meeting* m = req.mutable_meeting();
    m->set_kind(v1::MEETING_JOINT);
    m->set_title("2024年第一季度府检联动联席会议");
    m->set_date(date);
    for (const std::string& a : attendees) m->add_attendees(a);
    for (const std::string& c : cases) m->add_case_ids(c);
    m->set_summary("通报一季度行政执法与检察监督衔接情况；议定事项见纪要。");
    return req;
  }

  // Uploads all of `content` under `h` as `agency`.
  absl::StatusOr<v1::UploadDocumentResponse> Upload(const std::string& agency, const v1::UploadHeader& h,
                                                    const std::string& content) {
    size_t at = 0;
    return As(agency).UploadDocument(h, [&](char* buf, size_t cap) -> absl::StatusOr<size_t> {
      const size_t n = std::min(cap, content.size() - at);
      std::memcpy(buf, content.data() + at, n);
      at += n;
      return n;
    });
  }

  std::string NewMeeting(const std::string& convener, const std::vector<std::string>& attendees) {
    auto r = As(convener).CreateMeeting(Joint(attendees));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? r->meeting().id() : "";
  }

  static v1::CreateDecisionRequest Decision(const std::string& meeting, const std::string& owner,
                                            const std::string& due) {
    v1::CreateDecisionRequest req;
    req.set_meeting_id(meeting);
    req.set_owner_agency(owner);
    req.set_subject("排查辖区内食品生产企业的涉刑线索并报送结果");
    req.set_due_date(due);
    return req;
  }

  absl::StatusOr<v1::DecisionResponse> Act(const std::string& agency, const std::string& id,
                                           v1::WorkflowAction a, const std::string& reason = "") {
    return As(agency).ActOnDecision(Action(id, a, reason));
  }

  v1::GetMeetingRequest GetReq(const std::string& id) {
    v1::GetMeetingRequest r;
    r.set_meeting_id(id);
    return r;
  }

  // The access-log entries of `agency`'s MeetingService calls, oldest first.
  std::vector<v1::AuditEntry> MeetingEntries(const std::string& agency) {
    v1::AgencyAccessRequest r;
    r.set_agency_id(agency);
    r.mutable_from()->set_seconds(0);
    r.set_limit(1000);
    r.set_purpose("审计联席会议记录访问");
    auto resp = As("procuratorate").AgencyAccess(r);
    EXPECT_TRUE(resp.ok()) << resp.status();
    std::vector<v1::AuditEntry> out;
    if (!resp.ok()) return out;
    for (const auto& e : resp->entries()) {
      if (absl::StrContains(e.method(), "MeetingService")) out.push_back(e);
    }
    return out;
  }

  // Whether `agency`'s log has an entry of `method` about `item` with
  // `status` (and naming `case_id` if given).
  bool Logged(const std::string& agency, const std::string& method, const std::string& item, int status,
              const std::string& case_id = "") {
    for (const v1::AuditEntry& e : MeetingEntries(agency)) {
      if (e.method() != "caselink.v1.MeetingService/" + method || e.item_id() != item ||
          e.status_code() != status) {
        continue;
      }
      if (case_id.empty() || std::find(e.case_ids().begin(), e.case_ids().end(), case_id) != e.case_ids().end()) {
        return true;
      }
    }
    return false;
  }
};

template <class T>
absl::StatusCode Code(const absl::StatusOr<T>& r) {
  return r.status().code();
}

TEST_F(MeetingTest, GovernmentConvenesAJointMeetingSeenByItsAttendeesOnly) {
  const std::string case_id = NewCase("market");
  v1::CreateMeetingRequest req = Joint({"procuratorate", "justice", "market", "government"}, {case_id});
  req.set_request_id("joint-2024-q1");
  auto made = As("government").CreateMeeting(req);
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Meeting& m = made->meeting();
  EXPECT_FALSE(made->replayed());
  EXPECT_EQ(m.id()[0], 'M');
  EXPECT_EQ(m.convener_agency(), "government");
  EXPECT_EQ(m.date(), "2024-03-05");
  EXPECT_THAT(m.case_ids(), ElementsAre(case_id));
  EXPECT_EQ(m.create_time().seconds(), absl::ToUnixSeconds(Start()));

  // The same request again is answered with the meeting; another one under
  // the same request_id is refused.
  auto again = As("government").CreateMeeting(req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->meeting().id(), m.id());
  v1::CreateMeetingRequest other = req;
  other.mutable_meeting()->set_title("另一次会议");
  auto reused = As("government").CreateMeeting(other);
  EXPECT_EQ(Code(reused), absl::StatusCode::kAlreadyExists) << reused.status();
  EXPECT_THAT(std::string(reused.status().message()), HasSubstr("joint-2024-q1"));

  // Refusals name the field (or the case).
  struct Refusal {
    v1::CreateMeetingRequest req;
    absl::StatusCode code;
    std::string says;
  };
  std::vector<Refusal> refusals;
  refusals.push_back({Joint({"market", "nosuch-bureau"}), absl::StatusCode::kInvalidArgument,
                      "meeting.attendees[1]: 'nosuch-bureau' is not an agency"});
  refusals.push_back({Joint({"market", "market"}), absl::StatusCode::kInvalidArgument,
                      "meeting.attendees[1]: 'market' is already listed"});
  refusals.push_back({Joint({"market"}, {}, "2024-02-30"), absl::StatusCode::kInvalidArgument,
                      "meeting.date: \"2024-02-30\" is not a real date"});
  refusals.push_back({Joint({"market"}, {}, "2024-3-5"), absl::StatusCode::kInvalidArgument, "meeting.date"});
  refusals.push_back({Joint({"market"}, {}, ""), absl::StatusCode::kInvalidArgument, "meeting.date: is required"});
  refusals.push_back({Joint({"market"}, {"C20240305-NOSUCHCASE00"}), absl::StatusCode::kNotFound,
                      "case 'C20240305-NOSUCHCASE00' not found"});
  v1::CreateMeetingRequest no_kind = Joint({"market"});
  no_kind.mutable_meeting()->clear_kind();
  refusals.push_back({no_kind, absl::StatusCode::kInvalidArgument, "meeting.kind: is required"});
  v1::CreateMeetingRequest no_title = Joint({"market"});
  no_title.mutable_meeting()->clear_title();
  refusals.push_back({no_title, absl::StatusCode::kInvalidArgument, "meeting.title: is required"});
  for (const Refusal& r : refusals) {
    auto out = As("government").CreateMeeting(r.req);
    EXPECT_EQ(Code(out), r.code) << r.says << ": " << out.status();
    EXPECT_THAT(std::string(out.status().message()), HasSubstr(r.says));
  }

  // Convener, attendees and the three supervising roles see it; hrss and
  // the police answer NOT_FOUND exactly like a missing meeting.
  for (const char* agency : {"government", "market", "procuratorate", "justice"}) {
    auto got = As(agency).GetMeeting(GetReq(m.id()));
    ASSERT_TRUE(got.ok()) << agency << ": " << got.status();
    EXPECT_EQ(got->meeting().title(), m.title());
  }
  for (const char* agency : {"hrss", "psb"}) {
    auto hidden = As(agency).GetMeeting(GetReq(m.id()));
    EXPECT_EQ(Code(hidden), absl::StatusCode::kNotFound) << agency;
    EXPECT_EQ(std::string(hidden.status().message()), absl::StrCat("meeting '", m.id(), "' not found"));
  }
  auto missing = As("hrss").GetMeeting(GetReq("M20240305-NOSUCHMEETIN"));
  EXPECT_EQ(std::string(missing.status().message()), "meeting 'M20240305-NOSUCHMEETIN' not found");

  // Listings: the visible ones, newest date first, filtered by date.
  auto earlier = As("procuratorate").CreateMeeting(Joint({"psb"}, {}, "2024-03-01"));
  ASSERT_TRUE(earlier.ok()) << earlier.status();
  auto all = As("government").ListMeetings({});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->meetings_size(), 2);
  EXPECT_EQ(all->meetings(0).id(), m.id());
  EXPECT_EQ(all->meetings(1).id(), earlier->meeting().id());
  v1::ListMeetingsRequest range;
  range.set_from_date("2024-03-01");
  range.set_to_date("2024-03-05");
  auto in_range = As("government").ListMeetings(range);
  ASSERT_TRUE(in_range.ok()) << in_range.status();
  ASSERT_EQ(in_range->meetings_size(), 1);
  EXPECT_EQ(in_range->meetings(0).id(), earlier->meeting().id());
  // Pages: one at a time, newest first; a meeting convened between two
  // pages neither repeats a row nor hides one (the token holds a position
  // in the order, not an offset); a token is bound to its dates.
  v1::ListMeetingsRequest one;
  one.set_page_size(1);
  auto page1 = As("government").ListMeetings(one);
  ASSERT_TRUE(page1.ok()) << page1.status();
  ASSERT_EQ(page1->meetings_size(), 1);
  EXPECT_EQ(page1->meetings(0).id(), m.id());
  ASSERT_FALSE(page1->next_page_token().empty());
  auto newest = As("government").CreateMeeting(Joint({"market"}, {}, "2024-03-20"));
  ASSERT_TRUE(newest.ok()) << newest.status();
  one.set_page_token(page1->next_page_token());
  auto page2 = As("government").ListMeetings(one);
  ASSERT_TRUE(page2.ok()) << page2.status();
  ASSERT_EQ(page2->meetings_size(), 1);
  EXPECT_EQ(page2->meetings(0).id(), earlier->meeting().id());
  EXPECT_EQ(page2->next_page_token(), "");
  v1::ListMeetingsRequest other_dates = range;
  other_dates.set_page_token(page1->next_page_token());
  EXPECT_EQ(Code(As("government").ListMeetings(other_dates)), absl::StatusCode::kInvalidArgument);
  v1::ListMeetingsRequest small;
  small.set_page_size(1);
  auto whole = AllPages(small, [&](const v1::ListMeetingsRequest& r) { return As("government").ListMeetings(r); });
  ASSERT_TRUE(whole.ok()) << whole.status();
  ASSERT_EQ(whole->meetings_size(), 3);
  EXPECT_EQ(whole->meetings(0).id(), newest->meeting().id());
  EXPECT_EQ(whole->next_page_token(), "");

  EXPECT_EQ(As("market").ListMeetings({})->meetings_size(), 2);
  EXPECT_EQ(As("psb").ListMeetings({})->meetings_size(), 1);
  EXPECT_EQ(As("hrss").ListMeetings({})->meetings_size(), 0);
  range.set_to_date("2024-02-31");
  EXPECT_EQ(Code(As("government").ListMeetings(range)), absl::StatusCode::kInvalidArgument);

  // The access log has the creation, the reads with the case, the refusal.
  EXPECT_TRUE(Logged("government", "CreateMeeting", m.id(), 0, case_id));
  EXPECT_TRUE(Logged("market", "GetMeeting", m.id(), 0, case_id));
  EXPECT_TRUE(Logged("hrss", "GetMeeting", m.id(), 5));
  bool listed = false;
  for (const v1::AuditEntry& e : MeetingEntries("market")) {
    listed |= e.method() == "caselink.v1.MeetingService/ListMeetings" && e.case_ids_size() == 1 &&
              e.case_ids(0) == case_id;
  }
  EXPECT_TRUE(listed) << "market's listing is logged with the case it returned";
}

// Collects the first event of `kind` about `item` addressed to the client's
// agency (replayed from the stored log), or nothing within 10 s.
std::optional<v1::Event> FirstEvent(Client& client, v1::EventKind kind, const std::string& item) {
  WatchCanceller cancel;
  absl::Notification done;
  std::thread timer([&] {
    if (!done.WaitForNotificationWithTimeout(absl::Seconds(10))) cancel.Cancel();
  });
  std::optional<v1::Event> found;
  WatchOptions o;
  o.purpose = "议定事项督办";
  client.Watch(o, [&](const v1::Event& e) {
    if (e.kind() != kind || e.item_id() != item) return true;
    found = e;
    return false;
  }, &cancel).IgnoreError();
  done.Notify();
  timer.join();
  return found;
}

// A meeting or a decision item may name only cases its convener knows (its
// own, ones it may read, ones its report counts): another agency's case is
// answered exactly like a missing one, so CreateMeeting is no oracle of which
// case ids exist, and nothing is stored. The government, which reads no case
// rows, names the cases its district report counts.
TEST_F(MeetingTest, AMeetingNamesOnlyCasesItsConvenerKnows) {
  const std::string markets = NewCase("market");
  const std::string towns = NewCase("town-a");
  const std::string missing = "C20240305-NOSUCHCASE00";
  auto unknown = As("town-a").CreateMeeting(Joint({"town-a", "market"}, {markets}));
  auto absent = As("town-a").CreateMeeting(Joint({"town-a", "market"}, {missing}));
  ASSERT_EQ(Code(unknown), absl::StatusCode::kNotFound) << unknown.status();
  ASSERT_EQ(Code(absent), absl::StatusCode::kNotFound) << absent.status();
  EXPECT_EQ(std::string(unknown.status().message()), absl::StrCat("case '", markets, "' not found"));
  EXPECT_EQ(std::string(absent.status().message()), absl::StrCat("case '", missing, "' not found"));
  v1::ListMeetingsRequest all;
  auto listed = As("town-a").ListMeetings(all);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->meetings_size(), 0);

  auto own = As("town-a").CreateMeeting(Joint({"town-a", "market"}, {towns}));
  ASSERT_TRUE(own.ok()) << own.status();
  auto decided = As("town-a").CreateDecision([&] {
    v1::CreateDecisionRequest d = Decision(own->meeting().id(), "market", "2024-04-30");
    d.add_case_ids(markets);
    return d;
  }());
  EXPECT_EQ(Code(decided), absl::StatusCode::kNotFound) << decided.status();
  EXPECT_EQ(std::string(decided.status().message()), absl::StrCat("case '", markets, "' not found"));

  auto government = As("government").CreateMeeting(Joint({"government", "market"}, {markets, towns}));
  ASSERT_TRUE(government.ok()) << government.status();
  EXPECT_THAT(government->meeting().case_ids(), ElementsAre(markets, towns));
}

// A decision item links its cases to its owner (who then reads them where a
// rule selects `linked` rows), so its convener may name only cases its rules
// for CreateDecision select: psb, which reads every agency's cases masked,
// may hold a 会商 on market's case but assign an item only on a case it
// handles; the government names any case of the district.
TEST_F(MeetingTest, ADecisionItemNamesOnlyCasesItsConvenersRulesSelect) {
  const std::string markets = NewCase("market");
  const std::string psbs = NewCase("psb", v1::PUBLIC_ORDER);
  v1::GetCaseRequest get;
  get.set_case_id(markets);
  get.set_purpose("会商");
  ASSERT_TRUE(As("psb").GetCase(get).ok()) << "psb knows market's case (masked)";

  v1::CreateMeetingRequest consult = Joint({"psb", "emergency"}, {markets, psbs});
  consult.mutable_meeting()->set_kind(v1::MEETING_MAJOR_CASE_CONSULT);
  auto meeting = As("psb").CreateMeeting(consult);
  ASSERT_TRUE(meeting.ok()) << meeting.status();
  const std::string id = meeting->meeting().id();

  v1::CreateDecisionRequest foreign = Decision(id, "emergency", "2024-04-30");
  foreign.add_case_ids(markets);
  auto refused = As("psb").CreateDecision(foreign);
  ASSERT_EQ(Code(refused), absl::StatusCode::kPermissionDenied) << refused.status();
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("case_ids[0]: case '" + markets + "' is not among the cases your rules for "
                        "caselink.v1.MeetingService/CreateDecision select"));
  auto none = As("emergency").ListDecisions({});
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->decisions_size(), 0) << "a refused item is not stored";

  v1::CreateDecisionRequest own = Decision(id, "emergency", "2024-04-30");
  own.add_case_ids(psbs);
  auto made = As("psb").CreateDecision(own);
  ASSERT_TRUE(made.ok()) << made.status();

  const std::string government = NewMeeting("government", {"government", "emergency"});
  v1::CreateDecisionRequest district = Decision(government, "emergency", "2024-04-30");
  district.add_case_ids(markets);
  auto decided = As("government").CreateDecision(district);
  ASSERT_TRUE(decided.ok()) << decided.status();
}

TEST_F(MeetingTest, ADecisionItemIsFollowedByItsOwnerAndClosedByTheConvener) {
  const std::string meeting = NewMeeting("government", {"market", "procuratorate"});
  ASSERT_FALSE(meeting.empty());

  // Only the convener assigns; an agency outside the meeting does not see it.
  auto by_attendee = As("market").CreateDecision(Decision(meeting, "market", "2024-03-15"));
  ASSERT_EQ(Code(by_attendee), absl::StatusCode::kPermissionDenied) << by_attendee.status();
  EXPECT_THAT(std::string(by_attendee.status().message()),
              HasSubstr(absl::StrCat("only the convener of meeting '", meeting, "' (agency 'government')")));
  EXPECT_EQ(Code(As("hrss").CreateDecision(Decision(meeting, "hrss", "2024-03-15"))), absl::StatusCode::kNotFound);
  // Field refusals.
  auto unknown_owner = As("government").CreateDecision(Decision(meeting, "nosuch", "2024-03-15"));
  EXPECT_THAT(std::string(unknown_owner.status().message()), HasSubstr("owner_agency: 'nosuch'"));
  auto early = As("government").CreateDecision(Decision(meeting, "market", "2024-03-04"));
  EXPECT_EQ(Code(early), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(early.status().message()), HasSubstr("due_date: 2024-03-04 is before the date"));
  auto no_date = As("government").CreateDecision(Decision(meeting, "market", "2024-04-31"));
  EXPECT_THAT(std::string(no_date.status().message()), HasSubstr("due_date: \"2024-04-31\" is not a real date"));
  v1::CreateDecisionRequest no_subject = Decision(meeting, "market", "2024-03-15");
  no_subject.clear_subject();
  EXPECT_THAT(std::string(As("government").CreateDecision(no_subject).status().message()),
              HasSubstr("subject: is required"));
  v1::CreateDecisionRequest bad_case = Decision(meeting, "market", "2024-03-15");
  bad_case.add_case_ids("C20240305-NOSUCHCASE00");
  EXPECT_EQ(Code(As("government").CreateDecision(bad_case)), absl::StatusCode::kNotFound);

  // Due in 10 days: 24:00 of 03-15 (a Friday) in the district's zone.
  const std::string case_id = NewCase("market");
  v1::CreateDecisionRequest req = Decision(meeting, "market", "2024-03-15");
  req.add_case_ids(case_id);
  auto made = As("government").CreateDecision(req);
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::DecisionItem& d = made->decision();
  const std::string id = d.id();
  EXPECT_EQ(id[0], 'A');
  EXPECT_EQ(d.meeting_id(), meeting);
  EXPECT_EQ(d.state(), v1::STATE_ASSIGNED);
  EXPECT_EQ(d.sender_agency(), "government");
  EXPECT_EQ(d.receiver_agency(), "market");
  EXPECT_EQ(d.service_time().seconds(), absl::ToUnixSeconds(Cst(2024, 3, 5, 0, 0)));
  EXPECT_EQ(Due(d.deadline()), Cst(2024, 3, 16, 0, 0));
  EXPECT_EQ(d.deadline().party_agency(), "market");
  EXPECT_FALSE(d.overdue());

  // The owner is told.
  std::optional<v1::Event> told = FirstEvent(As("market"), v1::EVENT_DECISION_CREATED, id);
  ASSERT_TRUE(told.has_value()) << "market receives EVENT_DECISION_CREATED";
  EXPECT_EQ(told->decision().subject(), req.subject());

  // Progress twice (the state stays), done, reopened, done, closed.
  Advance(absl::Hours(24));
  auto p1 = Act("market", id, v1::ACTION_REPORT_PROGRESS, "已排查12家企业");
  ASSERT_TRUE(p1.ok()) << p1.status();
  EXPECT_EQ(p1->decision().state(), v1::STATE_ASSIGNED);
  EXPECT_EQ(Due(p1->decision().deadline()), Cst(2024, 3, 16, 0, 0));
  ASSERT_TRUE(Act("market", id, v1::ACTION_REPORT_PROGRESS, "已排查全部30家企业").ok());
  auto by_convener = Act("government", id, v1::ACTION_REPORT_PROGRESS, "督促");
  EXPECT_EQ(Code(by_convener), absl::StatusCode::kPermissionDenied) << by_convener.status();
  auto done = Act("market", id, v1::ACTION_REPORT_DONE, "发现线索2条, 已移送公安");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->decision().state(), v1::STATE_DONE_REPORTED);
  auto self_close = Act("market", id, v1::ACTION_CLOSE);
  ASSERT_EQ(Code(self_close), absl::StatusCode::kPermissionDenied) << self_close.status();
  EXPECT_THAT(std::string(self_close.status().message()), HasSubstr("sender (government)"));
  EXPECT_EQ(Code(Act("government", id, v1::ACTION_REOPEN)), absl::StatusCode::kInvalidArgument)
      << "reopening needs a reason";
  auto reopened = Act("government", id, v1::ACTION_REOPEN, "请补充线索移送情况");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->decision().state(), v1::STATE_ASSIGNED);
  ASSERT_TRUE(Act("market", id, v1::ACTION_REPORT_DONE, "已补充移送回执").ok());
  auto closed = Act("government", id, v1::ACTION_CLOSE);
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_EQ(closed->decision().state(), v1::STATE_CLOSED);
  EXPECT_FALSE(closed->decision().overdue());

  v1::GetItemRequest get;
  get.set_id(id);
  auto history = As("market").GetDecision(get);
  ASSERT_TRUE(history.ok()) << history.status();
  std::vector<std::pair<v1::WorkflowAction, std::string>> steps;
  for (const v1::Transition& t : history->history()) steps.emplace_back(t.action(), t.actor_agency());
  EXPECT_THAT(steps, ElementsAre(std::make_pair(v1::ACTION_CREATE, "government"),
                                 std::make_pair(v1::ACTION_REPORT_PROGRESS, "market"),
                                 std::make_pair(v1::ACTION_REPORT_PROGRESS, "market"),
                                 std::make_pair(v1::ACTION_REPORT_DONE, "market"),
                                 std::make_pair(v1::ACTION_REOPEN, "government"),
                                 std::make_pair(v1::ACTION_REPORT_DONE, "market"),
                                 std::make_pair(v1::ACTION_CLOSE, "government")));
  EXPECT_EQ(history->history(4).reason(), "请补充线索移送情况");
  EXPECT_EQ(Code(As("hrss").GetDecision(get)), absl::StatusCode::kNotFound);

  // The meeting shows its item to the convener and the owner.
  auto seen = As("market").GetMeeting(GetReq(meeting));
  ASSERT_TRUE(seen.ok()) << seen.status();
  ASSERT_EQ(seen->decisions_size(), 1);
  EXPECT_EQ(seen->decisions(0).state(), v1::STATE_CLOSED);
  EXPECT_TRUE(Logged("market", "GetMeeting", meeting, 0, case_id)) << "its item's case is logged as returned";
  EXPECT_TRUE(Logged("government", "CreateDecision", id, 0, case_id));
  EXPECT_TRUE(Logged("market", "ActOnDecision", id, 0, case_id));
  EXPECT_TRUE(Logged("market", "GetDecision", id, 0, case_id));
  EXPECT_TRUE(Logged("market", "ActOnDecision", id, 7));
}

TEST_F(MeetingTest, AnItemPastItsDueDateIsOverdue) {
  const std::string meeting = NewMeeting("government", {"market", "emergency"});
  auto soon = As("government").CreateDecision(Decision(meeting, "market", "2024-03-07"));
  ASSERT_TRUE(soon.ok()) << soon.status();
  // Due on a Saturday: the period ends with the next working day (Monday).
  auto weekend = As("government").CreateDecision(Decision(meeting, "emergency", "2024-03-09"));
  ASSERT_TRUE(weekend.ok()) << weekend.status();
  EXPECT_EQ(Due(weekend->decision().deadline()), Cst(2024, 3, 12, 0, 0));

  SetNow(Cst(2024, 3, 7, 23, 59));
  v1::GetItemRequest get;
  get.set_id(soon->decision().id());
  EXPECT_FALSE(As("market").GetDecision(get)->decision().overdue());
  SetNow(Cst(2024, 3, 8, 0, 0));
  auto late = As("market").GetDecision(get);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_TRUE(late->decision().overdue());
  auto listed = As("market").ListDecisions({});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->decisions_size(), 1) << "market sees its own item only";
  EXPECT_TRUE(listed->decisions(0).overdue());
  auto all = As("government").ListDecisions({});
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->decisions_size(), 2);
  for (const auto& d : all->decisions()) EXPECT_EQ(d.overdue(), d.id() == soon->decision().id()) << d.id();
  auto meeting_view = As("government").GetMeeting(GetReq(meeting));
  ASSERT_TRUE(meeting_view.ok());
  ASSERT_EQ(meeting_view->decisions_size(), 2);

  // WorkflowService.ListOverdue lists it for the owner and the procuratorate
  // (the example policy grants the government no WorkflowService call).
  for (const char* agency : {"market", "procuratorate"}) {
    auto over = As(agency).ListOverdue();
    ASSERT_TRUE(over.ok()) << agency << ": " << over.status();
    ASSERT_EQ(over->decisions_size(), 1) << agency << ": ListOverdue.decisions";
    EXPECT_EQ(over->decisions(0).id(), soon->decision().id());
  }
  // Done reported: the convener's turn, no deadline, no longer overdue.
  ASSERT_TRUE(Act("market", soon->decision().id(), v1::ACTION_REPORT_DONE, "已完成").ok());
  EXPECT_FALSE(As("market").GetDecision(get)->decision().overdue());
}

// A PDF-shaped file (the server checks the type by content).
std::string Pdf(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s = "%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";
  while (s.size() + 7 < n) s.push_back(static_cast<char>(rng()));
  return s + "\n%%EOF\n";
}

// The example policy grants DocumentService to the parties' roles but not
// to the government, so the 会议纪要 here is the procuratorate's, of a
// 重大案件会商 with the market regulator and the police.
TEST_F(MeetingTest, TheMinutesAreADocumentOfTheMeeting) {
  const std::string minutes = Pdf(64 << 10, 7);
  v1::UploadHeader h;
  h.set_kind(v1::MATERIAL_MEETING_MINUTES);
  h.set_file_name("重大案件会商纪要.pdf");
  h.set_size(static_cast<int64_t>(minutes.size()));
  h.set_sha256(Sha256Hex(minutes));
  h.set_draft(true);
  auto draft = Upload("procuratorate", h, minutes);
  ASSERT_TRUE(draft.ok()) << draft.status();

  v1::CreateMeetingRequest req = Joint({"market", "psb"});
  req.set_request_id("consult-with-minutes");
  req.mutable_meeting()->set_kind(v1::MEETING_MAJOR_CASE_CONSULT);
  req.mutable_meeting()->add_materials()->set_document_id(draft->document().id());
  auto made = As("procuratorate").CreateMeeting(req);
  ASSERT_TRUE(made.ok()) << made.status();
  const v1::Meeting& m = made->meeting();
  ASSERT_EQ(m.materials_size(), 1);
  EXPECT_EQ(m.materials(0).kind(), v1::MATERIAL_MEETING_MINUTES);
  EXPECT_EQ(m.materials(0).sha256(), Sha256Hex(minutes));
  EXPECT_EQ(m.materials(0).title(), "重大案件会商纪要.pdf");
  const std::string doc_id = m.materials(0).document_id();
  EXPECT_NE(doc_id, draft->document().id()) << "the meeting holds its own record of the document";
  // A retry is answered from the stored meeting, drafts already attached.
  auto again = As("procuratorate").CreateMeeting(req);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(again->replayed());
  EXPECT_EQ(again->meeting().materials(0).document_id(), doc_id);
  // Another agency cannot name the draft.
  v1::CreateMeetingRequest foreign = req;
  foreign.clear_request_id();
  auto theirs = As("market").CreateMeeting(foreign);
  EXPECT_EQ(Code(theirs), absl::StatusCode::kInvalidArgument) << theirs.status();
  EXPECT_THAT(std::string(theirs.status().message()), HasSubstr("meeting.materials[0].document_id"));

  // An attendee lists and downloads it; hrss, outside the meeting, cannot.
  v1::ListDocumentsRequest list;
  list.set_item_id(m.id());
  auto listed = As("market").ListDocuments(list);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->documents_size(), 1);
  EXPECT_EQ(listed->documents(0).id(), doc_id);
  EXPECT_EQ(listed->documents(0).item_id(), m.id());
  v1::DownloadDocumentRequest down;
  down.set_id(doc_id);
  down.set_purpose("会商纪要");
  std::string got;
  auto read = As("market").DownloadDocument(down, [&](int64_t, absl::string_view b) {
    got.append(b.data(), b.size());
    return absl::OkStatus();
  });
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(got, minutes);
  auto hidden = As("hrss").DownloadDocument(down, [](int64_t, absl::string_view) { return absl::OkStatus(); });
  EXPECT_EQ(Code(hidden), absl::StatusCode::kNotFound) << hidden.status();
  EXPECT_EQ(Code(As("hrss").ListDocuments(list)), absl::StatusCode::kNotFound);
  // Attendees read; only the convener attaches more.
  v1::UploadHeader more = h;
  more.set_draft(false);
  more.set_item_id(m.id());
  auto attendee_upload = Upload("market", more, minutes);
  EXPECT_EQ(Code(attendee_upload), absl::StatusCode::kPermissionDenied) << attendee_upload.status();
}

// A document's file name and reference are text about its item's cases, like
// the item's own text: a party's name in them reaches a reader who may not
// read the case hidden (Document.case_ids, declared case_ref), the case's
// owner and the uploader in full.
TEST_F(MeetingTest, ADocumentsFileNameReachesEachReaderAsItsCasesShowThem) {
  const std::string towns = NewCase("town-a");  // party 张三丰 (SampleCase)
  const std::string minutes = Pdf(4 << 10, 11);
  v1::UploadHeader h;
  h.set_kind(v1::MATERIAL_OTHER);
  h.set_file_name("张三丰询问笔录.pdf");
  h.set_reference("张三丰案材料1号");
  h.set_size(static_cast<int64_t>(minutes.size()));
  h.set_sha256(Sha256Hex(minutes));
  h.set_draft(true);
  auto draft = Upload("procuratorate", h, minutes);
  ASSERT_TRUE(draft.ok()) << draft.status();
  v1::CreateMeetingRequest req = Joint({"procuratorate", "town-a", "market"}, {towns});
  req.mutable_meeting()->set_kind(v1::MEETING_MAJOR_CASE_CONSULT);
  req.mutable_meeting()->add_materials()->set_document_id(draft->document().id());
  auto made = As("procuratorate").CreateMeeting(req);
  ASSERT_TRUE(made.ok()) << made.status();
  ASSERT_EQ(made->meeting().materials_size(), 1);
  const std::string doc_id = made->meeting().materials(0).document_id();

  v1::ListDocumentsRequest list;
  list.set_item_id(made->meeting().id());
  v1::GetDocumentRequest get;
  get.set_id(doc_id);
  struct Reader {
    std::string agency, file_name, reference;
  };
  for (const Reader& r : {Reader{"market", "[已屏蔽]询问笔录.pdf", "[已屏蔽]案材料1号"},
                          Reader{"town-a", "张三丰询问笔录.pdf", "张三丰案材料1号"},
                          Reader{"procuratorate", "张三丰询问笔录.pdf", "张三丰案材料1号"}}) {
    SCOPED_TRACE(r.agency);
    auto listed = As(r.agency).ListDocuments(list);
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_EQ(listed->documents_size(), 1);
    EXPECT_EQ(listed->documents(0).file_name(), r.file_name);
    EXPECT_EQ(listed->documents(0).reference(), r.reference);
    EXPECT_THAT(listed->documents(0).case_ids(), ElementsAre(towns));
    auto got = As(r.agency).GetDocument(get);
    ASSERT_TRUE(got.ok()) << got.status();
    EXPECT_EQ(got->document().file_name(), r.file_name);
    EXPECT_EQ(got->document().reference(), r.reference);
  }
}

// The joint-meeting report follows the meetings through: open items of any
// date and items closed in the period, overdue first, with their counts; an
// owner's report shows its own items only; the government follows its
// overdue items through ListOverdue.
TEST_F(MeetingTest, TheReportListsOpenAndOverdueDecisionItemsOverdueFirst) {
  const std::string meeting = NewMeeting("government", {"market", "emergency"});
  ASSERT_FALSE(meeting.empty());
  auto late = As("government").CreateDecision(Decision(meeting, "market", "2024-03-08"));
  auto open = As("government").CreateDecision(Decision(meeting, "emergency", "2024-06-28"));
  auto done = As("government").CreateDecision(Decision(meeting, "market", "2024-04-30"));
  ASSERT_TRUE(late.ok() && open.ok() && done.ok()) << late.status() << open.status() << done.status();
  ASSERT_TRUE(Act("market", done->decision().id(), v1::ACTION_REPORT_DONE, "已完成排查, 移送线索2条").ok());
  ASSERT_TRUE(Act("government", done->decision().id(), v1::ACTION_CLOSE).ok());
  Advance(absl::Hours(24 * 7));  // 2024-03-12: the first item is overdue

  v1::JointMeetingReportRequest rr;
  rr.set_from_date("2024-03-01");
  rr.set_to_date("2024-04-01");
  rr.set_purpose("联席会议");
  auto report = As("government").GetJointMeetingReport(rr);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->decisions_size(), 3);
  EXPECT_EQ(report->decisions(0).id(), late->decision().id()) << "overdue first";
  EXPECT_TRUE(report->decisions(0).overdue());
  EXPECT_EQ(report->decisions(1).id(), open->decision().id()) << "then open ones";
  EXPECT_EQ(report->decisions(2).id(), done->decision().id()) << "then those closed in the period";
  EXPECT_EQ(report->decisions(2).state(), v1::STATE_CLOSED);
  EXPECT_EQ(report->decisions_open(), 2);
  EXPECT_EQ(report->decisions_overdue(), 1);

  // A period after the closure leaves the closed item out; open ones stay.
  rr.set_from_date("2024-05-01");
  rr.set_to_date("2024-06-01");
  auto later = As("government").GetJointMeetingReport(rr);
  ASSERT_TRUE(later.ok()) << later.status();
  EXPECT_EQ(later->decisions_size(), 2);

  // An owner's own report: its own items only.
  rr.set_from_date("2024-03-01");
  rr.set_to_date("2024-04-01");
  auto own = As("emergency").GetJointMeetingReport(rr);
  ASSERT_TRUE(own.ok()) << own.status();
  ASSERT_EQ(own->decisions_size(), 1);
  EXPECT_EQ(own->decisions(0).id(), open->decision().id());
  EXPECT_EQ(own->decisions_overdue(), 0);

  auto overdue = As("government").ListOverdue();
  ASSERT_TRUE(overdue.ok()) << overdue.status();
  ASSERT_EQ(overdue->decisions_size(), 1);
  EXPECT_EQ(overdue->decisions(0).id(), late->decision().id());
  EXPECT_EQ(overdue->transfers_size(), 0) << "the government follows its items, not transfers";
}

// A meeting's summary and a decision item's subject are text outside any
// case, but they name the cases of the item: a party's name written there
// reaches each reader no more than that case's name field does — the owner
// reads it, the government (no personal data) and an attendee that may not
// read the case get the DENY marker, also in the answer to the write.
TEST_F(MeetingTest, ANameInTheSummaryReachesEachReaderAsTheCaseShowsIt) {
  const std::string towns = NewCase("town-a");  // party 张三丰 (SampleCase)
  v1::CreateMeetingRequest req = Joint({"government", "town-a", "market"}, {towns});
  req.mutable_meeting()->set_summary("研判张三丰非法储存危险化学品一案，议定由镇政府督促整改。");
  auto made = As("government").CreateMeeting(req);
  ASSERT_TRUE(made.ok()) << made.status();
  // The convener reads its own words as it wrote them: were the name hidden
  // in its answer, writing guesses would tell it which are the party's.
  EXPECT_EQ(made->meeting().summary(), req.meeting().summary());
  const std::string id = made->meeting().id();
  auto convener = As("government").GetMeeting(GetReq(id));
  ASSERT_TRUE(convener.ok()) << convener.status();
  EXPECT_EQ(convener->meeting().summary(), req.meeting().summary());

  auto owner = As("town-a").GetMeeting(GetReq(id));
  ASSERT_TRUE(owner.ok()) << owner.status();
  EXPECT_EQ(owner->meeting().summary(), req.meeting().summary()) << "the owner reads its party's name";
  auto other = As("market").GetMeeting(GetReq(id));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->meeting().summary(), "研判[已屏蔽]非法储存危险化学品一案，议定由镇政府督促整改。");

  v1::CreateDecisionRequest d = Decision(id, "town-a", "2024-04-30");
  d.add_case_ids(towns);
  d.set_subject("督促张三丰于四月底前完成整改");
  auto decided = As("government").CreateDecision(d);
  ASSERT_TRUE(decided.ok()) << decided.status();
  EXPECT_EQ(decided->decision().subject(), d.subject()) << "its sender's own words";
  v1::GetItemRequest get;
  get.set_id(decided->decision().id());
  auto followed = As("town-a").GetDecision(get);
  ASSERT_TRUE(followed.ok()) << followed.status();
  EXPECT_EQ(followed->decision().subject(), d.subject());
}

// The oracle the author exemption closes: an agency that may not read a case
// writes guesses into text naming it (a meeting it convenes on its report's
// cases, a progress report on a decision addressed to it) and reads back
// which came out hidden. Its own text comes back as written, whoever's case
// it names; another reader of the same text still gets the names hidden.
TEST_F(MeetingTest, GuessesInAnAgencysOwnTextComeBackAsWritten) {
  const std::string towns = NewCase("town-a");  // party 张三丰 (SampleCase)
  v1::CreateMeetingRequest req = Joint({"government", "town-a", "market"}, {towns});
  req.mutable_meeting()->set_summary("张三、李四、张三丰、王五");
  auto made = As("government").CreateMeeting(req);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->meeting().summary(), "张三、李四、张三丰、王五") << "the answer told the convener which guess is the party";

  v1::CreateDecisionRequest d = Decision(made->meeting().id(), "market", "2024-04-30");
  d.add_case_ids(towns);
  d.set_subject("协助核查");
  auto decided = As("government").CreateDecision(d);
  ASSERT_TRUE(decided.ok()) << decided.status();
  const std::string guesses = "已核查：赵六、张三丰、钱七";
  auto acted = Act("market", decided->decision().id(), v1::ACTION_REPORT_PROGRESS, guesses);
  ASSERT_TRUE(acted.ok()) << acted.status();
  EXPECT_EQ(acted->decision().last_transition().reason(), guesses)
      << "market's own progress report came back with a guess hidden";
  // town-a (the case's owner) reads every name; the government, which did
  // not write this transition and may not read the case, gets it hidden.
  v1::GetItemRequest get;
  get.set_id(decided->decision().id());
  auto seen = As("government").GetDecision(get);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->decision().last_transition().reason(), "已核查：赵六、[已屏蔽]、钱七");
}

}  // namespace
}  // namespace caselink::testing
