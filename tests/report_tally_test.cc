// ReportTally (server/report_tally.h) on its own: which state counts in which
// column, overdue items and their days, rows and totals, and the bounded
// lists — the joint-meeting figures of docs/reports.md without a server.
#include "server/report/report_tally.h"

#include <cstdio>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace caselink::server {
namespace {

using google::protobuf::util::TimeUtil;

const absl::Time kNow = absl::FromUnixSeconds(1717200000);  // 2024-06-01 00:00 UTC

google::protobuf::Timestamp Ts(absl::Time t) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

v1::Deadline DueAt(absl::Time due, bool window = false) {
  v1::Deadline d;
  *d.mutable_due_time() = Ts(due);
  d.set_window(window);
  return d;
}

v1::Transfer Transfer(const std::string& id, v1::TransferDirection dir, v1::WorkflowState state) {
  v1::Transfer t;
  t.set_id(id);
  t.set_direction(dir);
  t.set_state(state);
  t.set_sender_agency(dir == v1::TRANSFER_REVERSE ? "procuratorate" : "market");
  t.set_receiver_agency(dir == v1::TRANSFER_REVERSE ? "market" : "psb");
  t.add_case_ids("case-" + id);
  *t.mutable_create_time() = Ts(kNow - absl::Hours(24 * 30));
  return t;
}

v1::SupervisionRecord Record(const std::string& id, v1::WorkflowState state) {
  v1::SupervisionRecord r;
  r.set_id(id);
  r.set_state(state);
  r.set_sender_agency("procuratorate");
  r.set_receiver_agency("market");
  r.set_document_number("某检行建〔2024〕" + id + "号");
  *r.mutable_service_time() = Ts(kNow - absl::Hours(24 * 90));
  return r;
}

v1::Case Case(const std::string& id, const std::string& owner, v1::Domain domain, int64_t fen,
              bool major = false) {
  v1::Case c;
  c.set_case_id(id);
  c.set_owner_agency(owner);
  c.set_domain(domain);
  c.mutable_penalty()->set_amount_fen(fen);
  c.set_major(major);
  return c;
}

v1::JointMeetingReport Finish(ReportTally& tally, std::map<std::string, std::string> names = {}) {
  v1::JointMeetingReport out;
  tally.Finish(names, &out);
  return out;
}

const v1::ReportFigures& OnlyRow(const v1::JointMeetingReport& r) {
  EXPECT_EQ(r.rows_size(), 1) << r.DebugString();
  return r.rows(0).figures();
}

TEST(ReportTallyTest, AnEmptyTallyHasATotalOfZeroAndNoRows) {
  ReportTally tally(kNow);
  v1::JointMeetingReport r = Finish(tally);
  EXPECT_EQ(r.rows_size(), 0);
  EXPECT_EQ(r.agency_totals_size(), 0);
  EXPECT_TRUE(r.has_total());
  EXPECT_EQ(r.total().ByteSizeLong(), 0u);
}

TEST(ReportTallyTest, CasesCountDecidedOnesAndTheirAmountsAndMajorOnes) {
  ReportTally tally(kNow);
  tally.AddCase(Case("c1", "market", v1::MARKET_ORDER, 1000), /*decided=*/true);
  tally.AddCase(Case("c2", "market", v1::MARKET_ORDER, 5000), /*decided=*/false);
  tally.AddCase(Case("c3", "market", v1::MARKET_ORDER, 300, /*major=*/true), /*decided=*/true);
  v1::JointMeetingReport r = Finish(tally);
  const v1::ReportFigures& f = OnlyRow(r);
  EXPECT_EQ(f.cases(), 3);
  EXPECT_EQ(f.cases_decided(), 2);
  // An undecided case's amount is not a penalty yet.
  EXPECT_EQ(f.penalty_amount_fen(), 1300);
  EXPECT_EQ(f.major_cases(), 1);
  ASSERT_EQ(r.major_cases_size(), 1);
  EXPECT_EQ(r.major_cases(0).case_id(), "c3");
  EXPECT_EQ(r.major_cases_omitted(), 0);
}

// Every workflow state of a forward transfer lands in exactly one column,
// and sent = accepted + refused + pending + withdrawn.
TEST(ReportTallyTest, EachForwardStateCountsInExactlyOneColumn) {
  const std::pair<v1::WorkflowState, const char*> table[] = {
      {v1::STATE_SENT, "forward_pending"},
      {v1::STATE_RETURNED, "forward_pending"},
      {v1::STATE_RECONSIDERATION_REQUESTED, "forward_pending"},
      {v1::STATE_UNDER_SUPERVISION, "forward_pending"},
      {v1::STATE_SUPERVISION_REQUESTED, "forward_pending"},
      {v1::STATE_EXPLANATION_REQUIRED, "forward_pending"},
      {v1::STATE_FILING_NOTIFIED, "forward_pending"},
      {v1::STATE_ACCEPTED, "forward_accepted"},
      {v1::STATE_ITEMS_HANDED_OVER, "forward_accepted"},
      {v1::STATE_REFUSED, "forward_refused"},
      {v1::STATE_REFUSAL_UPHELD, "forward_refused"},
      {v1::STATE_SUPERVISION_CLOSED, "forward_refused"},
      {v1::STATE_WITHDRAWN, "forward_withdrawn"},
      // Never sent: its own column, not part of forward_sent.
      {v1::STATE_NOT_APPROVED, "forward_not_approved"},
  };
  const auto* d = v1::ReportFigures::descriptor();
  for (const auto& [state, column] : table) {
    SCOPED_TRACE(v1::WorkflowState_Name(state));
    ReportTally tally(kNow);
    tally.AddTransfer(Transfer("t1", v1::TRANSFER_FORWARD, state), v1::MARKET_ORDER);
    v1::JointMeetingReport r = Finish(tally);
    const v1::ReportFigures& f = OnlyRow(r);
    EXPECT_EQ(r.rows(0).agency(), "market");  // the sender's row
    EXPECT_EQ(f.forward_sent(), state == v1::STATE_NOT_APPROVED ? 0 : 1);
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* field = d->field(i);
      const int64_t v = f.GetReflection()->GetInt64(f, field);
      if (field->name() == "forward_sent") continue;
      EXPECT_EQ(v, field->name() == column ? 1 : 0) << field->name();
    }
  }
}

TEST(ReportTallyTest, ReverseTransfersCountInTheReceiversRowAsAnsweredOrPending) {
  const std::pair<v1::WorkflowState, bool> table[] = {
      {v1::STATE_DELIVERED, false},
      {v1::STATE_ACKNOWLEDGED, false},
      {v1::STATE_IN_PROGRESS, false},  // an interim reply is not the answer
      {v1::STATE_PENALTY_DECIDED, true},
      {v1::STATE_NO_PENALTY, true},
  };
  for (const auto& [state, answered] : table) {
    SCOPED_TRACE(v1::WorkflowState_Name(state));
    ReportTally tally(kNow);
    tally.AddTransfer(Transfer("t1", v1::TRANSFER_REVERSE, state), v1::WORK_SAFETY);
    v1::JointMeetingReport r = Finish(tally);
    const v1::ReportFigures& f = OnlyRow(r);
    EXPECT_EQ(r.rows(0).agency(), "market");  // the receiver, who must answer
    EXPECT_EQ(r.rows(0).domain(), v1::WORK_SAFETY);
    EXPECT_EQ(f.reverse_sent(), 1);
    EXPECT_EQ(f.reverse_answered(), answered ? 1 : 0);
    EXPECT_EQ(f.reverse_pending(), answered ? 0 : 1);
    EXPECT_EQ(f.reverse_penalized(), state == v1::STATE_PENALTY_DECIDED ? 1 : 0);
    EXPECT_EQ(f.forward_sent(), 0);
  }
}

TEST(ReportTallyTest, SupervisionAnsweredAndRectifiedFollowTheStateAndTheLastAction) {
  struct Row {
    v1::WorkflowState state;
    v1::WorkflowAction last;
    int answered;
    int rectified;
  };
  const Row table[] = {
      {v1::STATE_ISSUED, v1::ACTION_UNSPECIFIED, 0, 0},
      {v1::STATE_REPLIED, v1::ACTION_REPLY, 1, 0},
      {v1::STATE_RECTIFIED, v1::ACTION_REPORT_RECTIFIED, 1, 1},
      {v1::STATE_CLOSED, v1::ACTION_CONFIRM_RECTIFICATION, 1, 1},
      // Closed without rectification (nothing to rectify): answered only.
      {v1::STATE_CLOSED, v1::ACTION_CLOSE, 1, 0},
  };
  for (const Row& row : table) {
    SCOPED_TRACE(v1::WorkflowState_Name(row.state) + "/" + v1::WorkflowAction_Name(row.last));
    ReportTally tally(kNow);
    v1::SupervisionRecord rec = Record("5", row.state);
    rec.mutable_last_transition()->set_action(row.last);
    tally.AddSupervision(rec, v1::LABOUR_PROTECTION);
    v1::JointMeetingReport r = Finish(tally);
    const v1::ReportFigures& f = OnlyRow(r);
    EXPECT_EQ(r.rows(0).agency(), "market");
    EXPECT_EQ(f.supervision_issued(), 1);
    EXPECT_EQ(f.supervision_answered(), row.answered);
    EXPECT_EQ(f.supervision_rectified(), row.rectified);
  }
}

TEST(ReportTallyTest, AdoptionIsCountedPerKindOfRecord) {
  struct Row {
    v1::SupervisionKind kind;
    v1::WorkflowState state;
    v1::WorkflowAction last;
    v1::Adoption adoption;
    const char* replied;  // the column counting the reply, or nullptr
    bool adopted;
  };
  const Row table[] = {
      {v1::SUPERVISION_RECOMMENDATION, v1::STATE_REPLIED, v1::ACTION_REPLY, v1::ADOPTED, "recommendation_replied", true},
      {v1::SUPERVISION_RECOMMENDATION, v1::STATE_CLOSED, v1::ACTION_CONFIRM_RECTIFICATION, v1::PARTLY_ADOPTED,
       "recommendation_replied", true},
      {v1::SUPERVISION_OPINION, v1::STATE_REPLIED, v1::ACTION_REPLY, v1::NOT_ADOPTED, "opinion_replied", false},
      {v1::SUPERVISION_OPINION, v1::STATE_REPLIED, v1::ACTION_REPLY, v1::ADOPTED, "opinion_replied", true},
      {v1::SUPERVISION_CORRECTION, v1::STATE_RECTIFIED, v1::ACTION_REPORT_RECTIFIED, v1::ADOPTED,
       "correction_replied", true},
      // Replied before replies declared adoption: replied, not adopted.
      {v1::SUPERVISION_CORRECTION, v1::STATE_REPLIED, v1::ACTION_REPLY, v1::ADOPTION_UNSPECIFIED,
       "correction_replied", false},
      // Not replied to (yet, or withdrawn on review after an objection).
      {v1::SUPERVISION_OPINION, v1::STATE_ISSUED, v1::ACTION_UPHOLD_ON_REVIEW, v1::ADOPTION_UNSPECIFIED, nullptr, false},
      {v1::SUPERVISION_OPINION, v1::STATE_CLOSED, v1::ACTION_WITHDRAW_ON_REVIEW, v1::ADOPTION_UNSPECIFIED, nullptr,
       false},
  };
  const auto* d = v1::ReportFigures::descriptor();
  for (const Row& row : table) {
    SCOPED_TRACE(absl::StrCat(v1::SupervisionKind_Name(row.kind), "/", v1::WorkflowState_Name(row.state), "/",
                              v1::Adoption_Name(row.adoption)));
    ReportTally tally(kNow);
    v1::SupervisionRecord rec = Record("5", row.state);
    rec.set_kind(row.kind);
    rec.set_adoption(row.adoption);
    rec.mutable_last_transition()->set_action(row.last);
    tally.AddSupervision(rec, v1::LABOUR_PROTECTION);
    v1::JointMeetingReport r = Finish(tally);
    const v1::ReportFigures& f = OnlyRow(r);
    EXPECT_EQ(f.supervision_answered(), row.replied != nullptr ? 1 : 0);
    for (const char* col : {"recommendation", "opinion", "correction"}) {
      const std::string replied = absl::StrCat(col, "_replied"), adopted = absl::StrCat(col, "_adopted");
      const bool mine = row.replied != nullptr && replied == row.replied;
      EXPECT_EQ(f.GetReflection()->GetInt64(f, d->FindFieldByName(replied)), mine ? 1 : 0) << replied;
      EXPECT_EQ(f.GetReflection()->GetInt64(f, d->FindFieldByName(adopted)), mine && row.adopted ? 1 : 0) << adopted;
    }
  }
}

TEST(ReportTallyTest, OnlyAPassedDeadlineThatIsNotAWindowIsOverdue) {
  ReportTally tally(kNow);
  v1::Transfer late = Transfer("late", v1::TRANSFER_FORWARD, v1::STATE_SENT);
  *late.mutable_deadline() = DueAt(kNow - absl::Hours(50));  // 2 days and 2 hours: 3 started days
  v1::Transfer window = Transfer("window", v1::TRANSFER_FORWARD, v1::STATE_REFUSED);
  *window.mutable_deadline() = DueAt(kNow - absl::Hours(24 * 10), /*window=*/true);
  v1::Transfer early = Transfer("early", v1::TRANSFER_FORWARD, v1::STATE_SENT);
  *early.mutable_deadline() = DueAt(kNow + absl::Hours(1));
  v1::Transfer none = Transfer("none", v1::TRANSFER_FORWARD, v1::STATE_SENT);
  for (const auto* t : {&late, &window, &early, &none}) tally.AddTransfer(*t, v1::MARKET_ORDER);
  v1::JointMeetingReport r = Finish(tally);
  const v1::ReportFigures& f = OnlyRow(r);
  EXPECT_EQ(f.forward_sent(), 4);
  EXPECT_EQ(f.forward_overdue(), 1);
  ASSERT_EQ(r.overdue_size(), 1);
  const v1::OverdueItem& o = r.overdue(0);
  EXPECT_EQ(o.id(), "late");
  EXPECT_EQ(o.kind(), v1::OverdueItem::FORWARD_TRANSFER);
  EXPECT_EQ(o.agency(), "market");
  EXPECT_EQ(o.sender_agency(), "market");
  EXPECT_EQ(o.receiver_agency(), "psb");
  EXPECT_EQ(o.state(), v1::STATE_SENT);
  EXPECT_EQ(o.domain(), v1::MARKET_ORDER);
  EXPECT_EQ(o.case_id(), "case-late");
  EXPECT_EQ(o.start_time().seconds(), late.create_time().seconds());
  EXPECT_EQ(o.deadline().due_time().seconds(), late.deadline().due_time().seconds());
  EXPECT_EQ(o.days_overdue(), 3);
}

TEST(ReportTallyTest, ADeadlineJustReachedCountsAsOneDayOverdue) {
  ReportTally tally(kNow);
  v1::SupervisionRecord rec = Record("9", v1::STATE_ISSUED);
  *rec.mutable_deadline() = DueAt(kNow);
  tally.AddSupervision(rec, v1::MARKET_ORDER);
  v1::JointMeetingReport r = Finish(tally);
  EXPECT_EQ(OnlyRow(r).supervision_overdue(), 1);
  ASSERT_EQ(r.overdue_size(), 1);
  EXPECT_EQ(r.overdue(0).kind(), v1::OverdueItem::SUPERVISION_RECORD);
  EXPECT_EQ(r.overdue(0).days_overdue(), 1);
  EXPECT_EQ(r.overdue(0).document_number(), rec.document_number());
  EXPECT_EQ(r.overdue(0).start_time().seconds(), rec.service_time().seconds());
}

TEST(ReportTallyTest, OverdueItemsAreListedMostOverdueFirstThenById) {
  ReportTally tally(kNow);
  const std::pair<const char*, int> items[] = {{"b", 2}, {"a", 2}, {"c", 9}, {"d", 1}};
  for (const auto& [id, days] : items) {
    v1::Transfer t = Transfer(id, v1::TRANSFER_REVERSE, v1::STATE_DELIVERED);
    *t.mutable_deadline() = DueAt(kNow - absl::Hours(24 * days));
    tally.AddTransfer(t, v1::MARKET_ORDER);
  }
  v1::JointMeetingReport r = Finish(tally);
  ASSERT_EQ(r.overdue_size(), 4);
  EXPECT_EQ(r.overdue(0).id(), "c");
  EXPECT_EQ(r.overdue(1).id(), "a");
  EXPECT_EQ(r.overdue(2).id(), "b");
  EXPECT_EQ(r.overdue(3).id(), "d");
  EXPECT_EQ(r.overdue(0).kind(), v1::OverdueItem::REVERSE_TRANSFER);
  EXPECT_EQ(OnlyRow(r).reverse_overdue(), 4);
}

TEST(ReportTallyTest, RowsAreByAgencyThenDomainWithAgencyAndDistrictTotals) {
  ReportTally tally(kNow);
  tally.AddCase(Case("1", "psb", v1::PUBLIC_ORDER, 100), true);
  tally.AddCase(Case("2", "market", v1::WORK_SAFETY, 200), true);
  tally.AddCase(Case("3", "market", v1::MARKET_ORDER, 400), true);
  tally.AddCase(Case("4", "market", v1::MARKET_ORDER, 800), false);
  v1::JointMeetingReport r = Finish(tally, {{"market", "区市场监管局"}});
  ASSERT_EQ(r.rows_size(), 3);
  EXPECT_EQ(r.rows(0).agency(), "market");
  EXPECT_EQ(r.rows(1).agency(), "market");
  EXPECT_LT(static_cast<int>(r.rows(0).domain()), static_cast<int>(r.rows(1).domain()));
  EXPECT_EQ(r.rows(2).agency(), "psb");
  // Display names from the map; an unknown agency is shown by its id.
  EXPECT_EQ(r.rows(0).agency_name(), "区市场监管局");
  EXPECT_EQ(r.rows(2).agency_name(), "psb");

  ASSERT_EQ(r.agency_totals_size(), 2);
  EXPECT_EQ(r.agency_totals(0).agency(), "market");
  EXPECT_EQ(r.agency_totals(0).agency_name(), "区市场监管局");
  EXPECT_EQ(r.agency_totals(0).figures().cases(), 3);
  EXPECT_EQ(r.agency_totals(0).figures().penalty_amount_fen(), 600);
  EXPECT_EQ(r.agency_totals(1).agency(), "psb");
  EXPECT_EQ(r.agency_totals(1).figures().cases(), 1);
  EXPECT_EQ(r.total().cases(), 4);
  EXPECT_EQ(r.total().cases_decided(), 3);
  EXPECT_EQ(r.total().penalty_amount_fen(), 700);
}

TEST(ReportTallyTest, TheMajorCaseListKeepsTheFirstIdsWhateverTheOrderCasesComeIn) {
  // Through the date index cases come by date, not by id: the list is the
  // same as in id order (the first kMaxListed ids, ascending).
  ReportTally tally(kNow);
  const int n = ReportTally::kMaxListed + 5;
  auto id = [](int i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "c%05d", i);
    return std::string(buf);
  };
  for (int i = n - 1; i >= 0; --i) {
    // Interleaved: high ids, then low ones, then the rest.
    const int k = (i % 2 == 0) ? i : n - 1 - i;
    tally.AddCase(Case(id(k), "market", v1::MARKET_ORDER, 1, /*major=*/true), false);
  }
  v1::JointMeetingReport r = Finish(tally);
  ASSERT_EQ(r.major_cases_size(), ReportTally::kMaxListed);
  EXPECT_EQ(r.major_cases_omitted(), 5);
  for (int i = 0; i < ReportTally::kMaxListed; ++i) ASSERT_EQ(r.major_cases(i).case_id(), id(i)) << i;
}

TEST(ReportTallyTest, ListsStopAtTheLimitAndCountTheRestAsOmitted) {
  ReportTally tally(kNow);
  const int n = ReportTally::kMaxListed + 3;
  for (int i = 0; i < n; ++i) {
    tally.AddCase(Case("c" + std::to_string(i), "market", v1::MARKET_ORDER, 1, /*major=*/true), false);
    v1::Transfer t = Transfer("t" + std::to_string(i), v1::TRANSFER_FORWARD, v1::STATE_SENT);
    *t.mutable_deadline() = DueAt(kNow - absl::Hours(24 * (1 + i)));  // i + 1 days late
    tally.AddTransfer(t, v1::MARKET_ORDER);
  }
  v1::JointMeetingReport r = Finish(tally);
  EXPECT_EQ(r.major_cases_size(), ReportTally::kMaxListed);
  EXPECT_EQ(r.major_cases_omitted(), 3);
  EXPECT_EQ(r.overdue_size(), ReportTally::kMaxListed);
  EXPECT_EQ(r.overdue_omitted(), 3);
  // The figures still count everything.
  EXPECT_EQ(OnlyRow(r).major_cases(), n);
  EXPECT_EQ(OnlyRow(r).forward_overdue(), n);
  // The most overdue are the ones kept.
  EXPECT_EQ(r.overdue(0).id(), "t" + std::to_string(n - 1));
}

// Every count and sum adds up; a median does not (Finish takes it over the
// cases themselves).
TEST(ReportTallyTest, AddFiguresAddsEveryFieldButTheMedian) {
  v1::ReportFigures a, b;
  const auto* d = v1::ReportFigures::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    a.GetReflection()->SetInt64(&a, d->field(i), i + 1);
    b.GetReflection()->SetInt64(&b, d->field(i), 100 * (i + 1));
  }
  AddFigures(b, &a);
  for (int i = 0; i < d->field_count(); ++i) {
    const bool median = d->field(i)->number() == v1::ReportFigures::kEntryDelayMedianDaysFieldNumber;
    EXPECT_EQ(a.GetReflection()->GetInt64(a, d->field(i)), (median ? 1 : 101) * (i + 1)) << d->field(i)->name();
  }
}

// 有案必录: late entries count per row, and the median delay of a total is
// that of its cases, not a sum of the rows' medians.
TEST(ReportTallyTest, EntryDelaysGiveLateCountsAndMediansPerRowAgencyAndDistrict) {
  ReportTally tally(absl::FromUnixSeconds(1717200000));
  auto add = [&](const std::string& agency, v1::Domain d, int64_t delay, bool late) {
    v1::Case c;
    c.set_owner_agency(agency);
    c.set_domain(d);
    tally.AddCase(c, false, EntryTiming{true, delay, late});
  };
  add("market", v1::MARKET_ORDER, 1, false);
  add("market", v1::MARKET_ORDER, 3, false);
  add("market", v1::MARKET_ORDER, 20, true);
  add("market", v1::PUBLIC_ORDER, 10, true);
  add("hrss", v1::LABOUR_PROTECTION, 4, false);
  v1::Case untimed;
  untimed.set_owner_agency("hrss");
  untimed.set_domain(v1::LABOUR_PROTECTION);
  tally.AddCase(untimed, false);
  v1::JointMeetingReport out;
  tally.Finish({}, &out);
  ASSERT_EQ(out.rows_size(), 3);
  const v1::ReportFigures& hrss = out.rows(0).figures();
  EXPECT_EQ(hrss.cases(), 2);
  EXPECT_EQ(hrss.entries_timed(), 1);
  EXPECT_EQ(hrss.entry_delay_median_days(), 4);
  // Rows go by agency, then domain number (PUBLIC_ORDER before MARKET_ORDER).
  EXPECT_EQ(out.rows(1).domain(), v1::PUBLIC_ORDER);
  EXPECT_EQ(out.rows(1).figures().entry_delay_median_days(), 10);
  ASSERT_EQ(out.rows(2).domain(), v1::MARKET_ORDER);
  const v1::ReportFigures& market_order = out.rows(2).figures();
  EXPECT_EQ(market_order.entries_late(), 1);
  EXPECT_EQ(market_order.entry_delay_median_days(), 3);
  ASSERT_EQ(out.agency_totals_size(), 2);
  EXPECT_EQ(out.agency_totals(1).agency(), "market");
  EXPECT_EQ(out.agency_totals(1).figures().entries_late(), 2);
  EXPECT_EQ(out.agency_totals(1).figures().entry_delay_median_days(), (3 + 10) / 2);  // 1 3 10 20
  EXPECT_EQ(out.total().entries_timed(), 5);
  EXPECT_EQ(out.total().entry_delay_median_days(), 4);  // 1 3 4 10 20
}

TEST(ReportTallyTest, HitsCountByTheirState) {
  ReportTally tally(absl::FromUnixSeconds(1717200000));
  for (v1::HitState s : {v1::HIT_OPEN, v1::HIT_OPEN, v1::HIT_SUPERVISED, v1::HIT_TRANSFERRED, v1::HIT_DISMISSED}) {
    v1::ScreeningHit h;
    h.set_owner_agency("market");
    h.set_domain(v1::MARKET_ORDER);
    h.set_state(s);
    tally.AddHit(h);
  }
  v1::JointMeetingReport out;
  tally.Finish({}, &out);
  const v1::ReportFigures& f = out.total();
  EXPECT_EQ(f.screening_hits(), 5);
  EXPECT_EQ(f.screening_open(), 2);
  EXPECT_EQ(f.screening_supervised(), 1);
  EXPECT_EQ(f.screening_transferred(), 1);
  EXPECT_EQ(f.screening_dismissed(), 1);
}

}  // namespace
}  // namespace caselink::server
