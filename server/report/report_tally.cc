#include "server/report/report_tally.h"

#include <algorithm>
#include <cmath>

#include "caselink/v1/annotations.pb.h"
#include "caselink_common/proto_time.h"
#include "workflow/item_machine.h"

namespace caselink::server {
namespace {

bool CaseIdLess(const v1::Case& a, const v1::Case& b) { return a.case_id() < b.case_id(); }

enum class Standing { kAccepted, kRefused, kPending, kWithdrawn, kAnswered, kNotApproved };

// Where a transfer stands now, for the report's columns.
Standing TransferStanding(v1::WorkflowState s) {
  switch (s) {
    case v1::STATE_ACCEPTED:
    case v1::STATE_ITEMS_HANDED_OVER:
      return Standing::kAccepted;
    case v1::STATE_REFUSED:
    case v1::STATE_REFUSAL_UPHELD:
    case v1::STATE_SUPERVISION_CLOSED:
      return Standing::kRefused;  // the police's answer is (still) a refusal
    case v1::STATE_WITHDRAWN:
      return Standing::kWithdrawn;
    case v1::STATE_NOT_APPROVED:
      return Standing::kNotApproved;  // never sent
    case v1::STATE_PENALTY_DECIDED:
    case v1::STATE_NO_PENALTY:
      return Standing::kAnswered;
    default:
      // SENT, RETURNED, RECONSIDERATION_REQUESTED, SUPERVISION_REQUESTED,
      // UNDER_SUPERVISION, EXPLANATION_REQUIRED, FILING_NOTIFIED (a decision
      // is still to come), DELIVERED, ACKNOWLEDGED, IN_PROGRESS (no final
      // reply yet).
      return Standing::kPending;
  }
}

template <class Item>
bool Overdue(const Item& item, absl::Time now) {
  return item.has_deadline() && workflow::IsOverdue(item.deadline(), now);
}

// The median of `v` in whole days (the mean of the two middle values,
// rounded down, for an even count); 0 for none.
int64_t Median(std::vector<int64_t> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return (v[(n - 1) / 2] + v[n / 2]) / 2;
}

// Index in AggregatedPaths() of the path field `f` of `d` declares; -1 for none.
int PathIndex(const google::protobuf::Descriptor* d, int field_number) {
  const std::string& path = d->FindFieldByNumber(field_number)->options().GetExtension(v1::aggregates);
  const std::vector<std::string>& paths = AggregatedPaths();
  auto it = std::find(paths.begin(), paths.end(), path);
  return path.empty() || it == paths.end() ? -1 : static_cast<int>(it - paths.begin());
}

bool Shows(const ReportTally::Shown& shown, int index) {
  return index < 0 || shown.empty() || shown[static_cast<size_t>(index)];
}

// a += the figures of b the case may add to: those declaring (aggregates)
// a path `shown` shows (a figure a case adds must declare one; an undeclared
// one adds nothing). Runs once per case of a report over the district: the
// declared fields are found once.
void AddShownFigures(const v1::ReportFigures& b, const ReportTally::Shown& shown, v1::ReportFigures* a) {
  struct Declared {
    const google::protobuf::FieldDescriptor* field;
    int path;
  };
  static const std::vector<Declared>* declared = [] {
    const auto* d = v1::ReportFigures::descriptor();
    auto* out = new std::vector<Declared>();
    for (int i = 0; i < d->field_count(); ++i) {
      const auto* f = d->field(i);
      const int path = PathIndex(d, f->number());
      if (path >= 0 && f->number() != v1::ReportFigures::kEntryDelayMedianDaysFieldNumber) out->push_back({f, path});
    }
    return out;
  }();
  const auto* r = a->GetReflection();
  for (const Declared& x : *declared) {
    const int64_t v = r->GetInt64(b, x.field);
    if (v == 0 || !Shows(shown, x.path)) continue;
    r->SetInt64(a, x.field, r->GetInt64(*a, x.field) + v);
  }
}

}  // namespace

const std::vector<std::string>& AggregatedPaths() {
  static const std::vector<std::string>* paths = [] {
    auto* out = new std::vector<std::string>();
    for (const google::protobuf::Descriptor* d : {v1::ReportFigures::descriptor(), v1::ReportRow::descriptor()}) {
      for (int i = 0; i < d->field_count(); ++i) {
        const std::string& path = d->field(i)->options().GetExtension(v1::aggregates);
        if (!path.empty() && std::find(out->begin(), out->end(), path) == out->end()) out->push_back(path);
      }
    }
    return out;
  }();
  return *paths;
}

void AddFigures(const v1::ReportFigures& b, v1::ReportFigures* a) {
  const auto* d = v1::ReportFigures::descriptor();
  const auto* r = a->GetReflection();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    if (f->number() == v1::ReportFigures::kEntryDelayMedianDaysFieldNumber) continue;
    r->SetInt64(a, f, r->GetInt64(*a, f) + r->GetInt64(b, f));
  }
}

v1::ReportFigures& ReportTally::Row(const std::string& agency, v1::Domain domain) {
  return rows_[{agency, static_cast<int>(domain)}];
}

v1::ReportFigures& ReportTally::CaseRow(const std::string& owner, v1::Domain domain, const Shown& shown,
                                        std::pair<std::string, int>* key) {
  static const int kAgency = PathIndex(v1::ReportRow::descriptor(), v1::ReportRow::kAgencyFieldNumber);
  static const int kDomain = PathIndex(v1::ReportRow::descriptor(), v1::ReportRow::kDomainFieldNumber);
  *key = {Shows(shown, kAgency) ? owner : std::string(),
          static_cast<int>(Shows(shown, kDomain) ? domain : v1::DOMAIN_UNSPECIFIED)};
  return rows_[*key];
}

void ReportTally::AddCase(const v1::Case& c, bool decided, const Entry& entry, const Shown& shown) {
  static const int kPlaced = PathIndex(v1::ReportFigures::descriptor(), v1::ReportFigures::kCasesFieldNumber);
  static const int kDelay =
      PathIndex(v1::ReportFigures::descriptor(), v1::ReportFigures::kEntryDelayMedianDaysFieldNumber);
  static const int kMajor = PathIndex(v1::ReportFigures::descriptor(), v1::ReportFigures::kMajorCasesFieldNumber);
  // Counted at all only if the caller may read what dates the case.
  if (!Shows(shown, kPlaced)) return;
  std::pair<std::string, int> key;
  v1::ReportFigures& f = CaseRow(c.owner_agency(), c.domain(), shown, &key);
  v1::ReportFigures add;
  add.set_cases(1);
  if (entry.timed) {
    add.set_entries_timed(1);
    if (entry.late) add.set_entries_late(1);
    if (Shows(shown, kDelay)) delays_[key].push_back(entry.delay_days);
  }
  if (decided) {
    add.set_cases_decided(1);
    add.set_penalty_amount_fen(c.penalty().amount_fen());
  }
  add.set_major_cases(c.major() ? 1 : 0);
  AddShownFigures(add, shown, &f);
  if (c.major() && Shows(shown, kMajor)) {
    // The list keeps the first kMaxListed by case_id, whatever order the
    // cases come in (by date through the date index): a max-heap by id.
    if (static_cast<int>(major_.size()) < kMaxListed) {
      major_.push_back(c);
      std::push_heap(major_.begin(), major_.end(), CaseIdLess);
    } else {
      ++major_omitted_;
      if (c.case_id() < major_.front().case_id()) {
        std::pop_heap(major_.begin(), major_.end(), CaseIdLess);
        major_.back() = c;
        std::push_heap(major_.begin(), major_.end(), CaseIdLess);
      }
    }
  }
}

void ReportTally::AddHit(const v1::ScreeningHit& hit, const Shown& shown) {
  static const int kHits = PathIndex(v1::ReportFigures::descriptor(), v1::ReportFigures::kScreeningHitsFieldNumber);
  if (!Shows(shown, kHits)) return;  // no row for what the caller may not count
  std::pair<std::string, int> key;
  v1::ReportFigures& f = CaseRow(hit.owner_agency(), hit.domain(), shown, &key);
  v1::ReportFigures add;
  add.set_screening_hits(1);
  switch (hit.state()) {
    case v1::HIT_SUPERVISED: add.set_screening_supervised(1); break;
    case v1::HIT_TRANSFERRED: add.set_screening_transferred(1); break;
    case v1::HIT_DISMISSED: add.set_screening_dismissed(1); break;
    default: add.set_screening_open(1); break;
  }
  AddShownFigures(add, shown, &f);
}

template <class Item>
void ReportTally::NoteOverdue(const Item& item, v1::OverdueItem::Kind kind, const std::string& agency,
                              v1::Domain domain, const google::protobuf::Timestamp& start) {
  v1::OverdueItem o;
  o.set_id(item.id());
  o.set_kind(kind);
  o.set_agency(agency);
  o.set_sender_agency(item.sender_agency());
  o.set_receiver_agency(item.receiver_agency());
  o.set_state(item.state());
  o.set_domain(domain);
  if (item.case_ids_size() > 0) o.set_case_id(item.case_ids(0));
  *o.mutable_start_time() = start;
  *o.mutable_deadline() = item.deadline();
  const absl::Duration late = now_ - FromProtoTime(item.deadline().due_time());
  o.set_days_overdue(static_cast<int64_t>(std::ceil(absl::FDivDuration(late, absl::Hours(24)))));
  if (o.days_overdue() < 1) o.set_days_overdue(1);
  overdue_.push_back(std::move(o));
}

void ReportTally::AddTransfer(const v1::Transfer& t, v1::Domain domain) {
  const bool forward = t.direction() != v1::TRANSFER_REVERSE;
  // The row of the administrative agency concerned: the sender of a forward
  // transfer, the receiver (who must answer) of a reverse one.
  const std::string& agency = forward ? t.sender_agency() : t.receiver_agency();
  v1::ReportFigures& f = Row(agency, domain);
  const Standing s = TransferStanding(t.state());
  const bool overdue = Overdue(t, now_);
  if (forward && s == Standing::kNotApproved) {
    f.set_forward_not_approved(f.forward_not_approved() + 1);
  } else if (forward) {
    f.set_forward_sent(f.forward_sent() + 1);
    if (s == Standing::kAccepted) f.set_forward_accepted(f.forward_accepted() + 1);
    if (s == Standing::kRefused) f.set_forward_refused(f.forward_refused() + 1);
    if (s == Standing::kWithdrawn) f.set_forward_withdrawn(f.forward_withdrawn() + 1);
    if (s == Standing::kPending) f.set_forward_pending(f.forward_pending() + 1);
    // The figure is of pending transfers; an accepted one whose 涉案物品 are
    // late (310号 第十二条) is listed below but is not a late decision.
    if (overdue && s == Standing::kPending) f.set_forward_overdue(f.forward_overdue() + 1);
  } else {
    f.set_reverse_sent(f.reverse_sent() + 1);
    if (s == Standing::kAnswered) f.set_reverse_answered(f.reverse_answered() + 1);
    if (t.state() == v1::STATE_PENALTY_DECIDED) f.set_reverse_penalized(f.reverse_penalized() + 1);
    if (s == Standing::kPending) f.set_reverse_pending(f.reverse_pending() + 1);
    if (overdue) f.set_reverse_overdue(f.reverse_overdue() + 1);
  }
  if (overdue) {
    NoteOverdue(t, forward ? v1::OverdueItem::FORWARD_TRANSFER : v1::OverdueItem::REVERSE_TRANSFER,
                agency, domain, t.create_time());
  }
}

void ReportTally::AddSupervision(const v1::SupervisionRecord& r, v1::Domain domain) {
  v1::ReportFigures& f = Row(r.receiver_agency(), domain);
  f.set_supervision_issued(f.supervision_issued() + 1);
  const v1::WorkflowState s = r.state();
  const bool replied = s == v1::STATE_REPLIED || s == v1::STATE_RECTIFIED || s == v1::STATE_CLOSED;
  // A record withdrawn on review (异议成立) was closed without a reply.
  const bool withdrawn = s == v1::STATE_CLOSED && r.last_transition().action() == v1::ACTION_WITHDRAW_ON_REVIEW;
  if (replied && !withdrawn) {
    f.set_supervision_answered(f.supervision_answered() + 1);
    const bool adopted = r.adoption() == v1::ADOPTED || r.adoption() == v1::PARTLY_ADOPTED;
    switch (r.kind()) {
      case v1::SUPERVISION_OPINION:
        f.set_opinion_replied(f.opinion_replied() + 1);
        if (adopted) f.set_opinion_adopted(f.opinion_adopted() + 1);
        break;
      case v1::SUPERVISION_CORRECTION:
        f.set_correction_replied(f.correction_replied() + 1);
        if (adopted) f.set_correction_adopted(f.correction_adopted() + 1);
        break;
      default:
        f.set_recommendation_replied(f.recommendation_replied() + 1);
        if (adopted) f.set_recommendation_adopted(f.recommendation_adopted() + 1);
        break;
    }
  }
  // Rectification reported (awaiting confirmation) or confirmed; a record
  // closed without rectification (nothing to rectify) is not counted.
  if (s == v1::STATE_RECTIFIED ||
      (s == v1::STATE_CLOSED && r.last_transition().action() == v1::ACTION_CONFIRM_RECTIFICATION)) {
    f.set_supervision_rectified(f.supervision_rectified() + 1);
  }
  if (Overdue(r, now_)) {
    f.set_supervision_overdue(f.supervision_overdue() + 1);
    NoteOverdue(r, v1::OverdueItem::SUPERVISION_RECORD, r.receiver_agency(), domain, r.service_time());
    overdue_.back().set_document_number(r.document_number());
  }
}

void ReportTally::Finish(const std::map<std::string, std::string>& names, v1::JointMeetingReport* out) {
  auto name_of = [&](const std::string& id) {
    auto it = names.find(id);
    return it == names.end() ? id : it->second;
  };
  v1::AgencyTotal* agency_total = nullptr;
  std::vector<int64_t> agency_delays, all_delays;
  auto close_agency = [&] {
    if (agency_total != nullptr) agency_total->mutable_figures()->set_entry_delay_median_days(Median(agency_delays));
    agency_delays.clear();
  };
  for (const auto& [key, figures] : rows_) {
    v1::ReportRow* row = out->add_rows();
    row->set_agency(key.first);
    row->set_agency_name(name_of(key.first));
    row->set_domain(static_cast<v1::Domain>(key.second));
    *row->mutable_figures() = figures;
    const std::vector<int64_t>& delays = delays_[key];
    row->mutable_figures()->set_entry_delay_median_days(Median(delays));
    if (agency_total == nullptr || agency_total->agency() != key.first) {
      close_agency();
      agency_total = out->add_agency_totals();
      agency_total->set_agency(key.first);
      agency_total->set_agency_name(name_of(key.first));
    }
    AddFigures(figures, agency_total->mutable_figures());
    AddFigures(figures, out->mutable_total());
    agency_delays.insert(agency_delays.end(), delays.begin(), delays.end());
    all_delays.insert(all_delays.end(), delays.begin(), delays.end());
  }
  close_agency();
  out->mutable_total()->set_entry_delay_median_days(Median(all_delays));
  // Most overdue first by the exact deadline, not the rounded day count, so
  // the list cut at kMaxListed keeps exactly the longest overdue.
  std::stable_sort(overdue_.begin(), overdue_.end(), [](const v1::OverdueItem& a, const v1::OverdueItem& b) {
    const absl::Time da = FromProtoTime(a.deadline().due_time());
    const absl::Time db = FromProtoTime(b.deadline().due_time());
    if (da != db) return da < db;
    return a.id() < b.id();
  });
  for (size_t i = 0; i < overdue_.size(); ++i) {
    if (static_cast<int>(i) < kMaxListed) {
      *out->add_overdue() = std::move(overdue_[i]);
    } else {
      out->set_overdue_omitted(out->overdue_omitted() + 1);
    }
  }
  std::sort(major_.begin(), major_.end(), CaseIdLess);
  for (v1::Case& c : major_) *out->add_major_cases() = std::move(c);
  out->set_major_cases_omitted(major_omitted_);
}

}  // namespace caselink::server
