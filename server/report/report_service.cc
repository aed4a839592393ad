#include "server/report/report_service.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "caselink/v1/annotations.pb.h"
#include "caselink_common/status_macros.h"
#include "caselink_common/proto_time.h"
#include "server/core/call_guard.h"
#include "server/core/linked_row_facts.h"
#include "server/report/report_campaigns.h"
#include "server/report/report_decisions.h"
#include "server/report/report_period.h"
#include "server/report/report_tally.h"
#include "server/core/request_validator.h"
#include "server/core/unary_call.h"
#include "server/screening/hit_state.h"
#include "server/screening/screener.h"
#include "server/workflow/item_answers.h"
#include "server/workflow/workflow_actor.h"
#include "workflow/item_machine.h"

namespace caselink::server {
namespace {




// Which rows the caller may count: the policy's row rules for this RPC.
// Only a row's owner, domain and links matter, and links only through the
// caller's own id (`rows { transferred / linked: true }`), so each (owner, domain)
// pair is asked once: visible, hidden whatever the links, or visible if
// linked to the caller. A district-wide caller then costs a hash lookup per
// case, and links are read only where they can change the answer.
class RowGate {
 public:
  RowGate(const ServiceContext& sc, const CallScope& scope) : sc_(sc), scope_(scope) {}

  bool Case(const v1::Case& c) {
    switch (Of(c.owner_agency(), c.domain())) {
      case Access::kVisible: return true;
      case Access::kHidden: return false;
      case Access::kIfLinked: return Allowed(LinkedRowFacts(sc_.workflow->links).Facts(c));
    }
    return false;
  }

  // Which of the report's aggregated Case fields (AggregatedPaths) the
  // caller reads in full of case `c`, which Case(c) admitted. A row visible
  // without links is asked without them, once per owner and domain: a rule
  // granting linked cases more fields can then only count less, never more.
  const ReportTally::Shown& Shows(const v1::Case& c) {
    const Access a = Of(c.owner_agency(), c.domain());
    auto key = std::make_pair(c.owner_agency(), static_cast<int>(c.domain()));
    if (a == Access::kVisible) {
      auto it = shown_.find(key);
      if (it != shown_.end()) return it->second;
    }
    const auth::RowFacts facts = a == Access::kVisible ? auth::RowFacts{c.owner_agency(), c.domain(), {}, {}, {}}
                                                       : LinkedRowFacts(sc_.workflow->links).Facts(c);
    std::optional<auth::FieldPlan> plan = scope_.authz->PlanRead(scope_.principal, scope_.method, facts);
    ReportTally::Shown shown = plan.has_value() ? CallGuard::ShownInFull(*plan, AggregatedPaths())
                                                : ReportTally::Shown(AggregatedPaths().size(), false);
    if (a == Access::kVisible) return shown_.emplace(std::move(key), std::move(shown)).first->second;
    linked_shown_ = std::move(shown);
    return linked_shown_;
  }

  // Whether the caller reads case `c`'s domain in full (Case(c) admitted).
  bool ShowsDomain(const v1::Case& c) {
    static const size_t kDomain = static_cast<size_t>(
        std::find(AggregatedPaths().begin(), AggregatedPaths().end(), "domain") - AggregatedPaths().begin());
    const ReportTally::Shown& shown = Shows(c);
    return kDomain < shown.size() && shown[kDomain];
  }

  // A workflow item counts in the row of `agency` and `domain`; the agencies
  // involved in it are its links, of the item's kind.
  bool Item(const std::string& agency, v1::Domain domain,
            const google::protobuf::RepeatedPtrField<std::string>& participants, bool supervision) {
    switch (Of(agency, domain)) {
      case Access::kVisible: return true;
      case Access::kHidden: return false;
      case Access::kIfLinked: {
        if (!Linked({participants.begin(), participants.end()})) return false;
        auth::RowFacts f{agency, domain, {}, {}, {}};
        (supervision ? f.supervision_agencies : f.linked_agencies).push_back(scope_.principal.agency_id);
        return Allowed(f);
      }
    }
    return false;
  }

 private:
  enum class Access { kVisible, kHidden, kIfLinked };

  bool Allowed(const auth::RowFacts& f) const {
    return scope_.authz->PlanRead(scope_.principal, scope_.method, f).has_value();
  }
  bool Linked(const std::vector<std::string>& agencies) const {
    return std::find(agencies.begin(), agencies.end(), scope_.principal.agency_id) != agencies.end();
  }
  Access Of(const std::string& owner, v1::Domain domain) {
    auto key = std::make_pair(owner, static_cast<int>(domain));
    auto it = access_.find(key);
    if (it != access_.end()) return it->second;
    Access a = Access::kHidden;
    if (Allowed(auth::RowFacts{owner, domain, {}, {}, {}})) {
      a = Access::kVisible;
    } else if (Allowed(auth::RowFacts{owner, domain, {scope_.principal.agency_id},
                                      {scope_.principal.agency_id}, {}})) {
      a = Access::kIfLinked;
    }
    access_.emplace(std::move(key), a);
    return a;
  }

  const ServiceContext& sc_;
  const CallScope& scope_;
  absl::flat_hash_map<std::pair<std::string, int>, Access> access_;
  absl::flat_hash_map<std::pair<std::string, int>, ReportTally::Shown> shown_;
  ReportTally::Shown linked_shown_;
};

// The domain of an item: that of its first case when the caller's report
// rows show that case, else UNSPECIFIED, as for an item without cases. The
// row rules decide by it (`gate`); the report shows it only where the caller
// reads that case's domain in full (`shown`). An item addressed to the
// caller (a supervision record naming another agency's case) must not tell
// it that case's domain.
struct ItemDomain {
  v1::Domain gate = v1::DOMAIN_UNSPECIFIED;
  v1::Domain shown = v1::DOMAIN_UNSPECIFIED;
};
ItemDomain DomainOf(const ServiceContext& sc, const google::protobuf::RepeatedPtrField<std::string>& case_ids,
                    const rocksdb::Snapshot* at, RowGate* gate) {
  if (case_ids.empty()) return {};
  auto c = sc.cases->Get(case_ids[0], 0, at);
  if (!c.ok() || !gate->Case(*c)) return {};
  return {c->domain(), gate->ShowsDomain(*c) ? c->domain() : v1::DOMAIN_UNSPECIFIED};
}

// Streams the items of one table, parsed, to `fn`.
template <class Item>
absl::Status ForEachItem(const ServiceContext& sc, storage::Table table, const rocksdb::Snapshot* at,
                         const std::function<void(const Item&)>& fn) {
  absl::Status parse = absl::OkStatus();
  Item item;
  CASELINK_RETURN_IF_ERROR(sc.workflow->store->ScanHeads(
      table, "", [&](const std::string&, const std::string& bytes) {
        if (!item.ParseFromString(bytes)) {
          parse = absl::DataLossError("stored workflow item is corrupted");
          return false;
        }
        fn(item);
        return true;
      }, at));
  return parse;
}

// When the case was entered against its decision (else its 立案), in the
// district's days and working days (有案必录).
ReportTally::Entry EntryOf(const v1::Case& c, const workflow::Settings& settings, int late_working_days) {
  ReportTally::Entry e;
  const std::string& base = c.penalty().decision_date().empty() ? c.register_date() : c.penalty().decision_date();
  absl::CivilDay from;
  if (base.empty() || !absl::ParseCivilTime(base, &from)) return e;
  const absl::CivilDay entered = absl::ToCivilDay(FromProtoTime(c.create_time()), settings.tz);
  e.timed = true;
  e.delay_days = std::max<int64_t>(0, entered - from);
  e.late = settings.calendar.WorkingDaysBetween(from, entered, late_working_days) > late_working_days;
  return e;
}

// The screening hits first met in the period (their state not yet set).
absl::StatusOr<std::vector<v1::ScreeningHit>> PeriodHits(const ServiceContext& sc, const ReportPeriod& period) {
  std::vector<v1::ScreeningHit> hits;
  if (sc.screening == nullptr) return hits;
  CASELINK_RETURN_IF_ERROR(sc.screening->store()->ForEachHit([&](const v1::ScreeningHit& h) {
    if (period.Contains(FromProtoTime(h.hit_time()))) hits.push_back(h);
    return true;
  }));
  return hits;
}

// The period's screening hits of the rows the caller may count, with their
// state now; the dismissed ones also listed with their reasons.
absl::Status AddHits(const ServiceContext& sc, const CallScope& scope, std::vector<v1::ScreeningHit> hits,
                     const rocksdb::Snapshot* at, const ItemsOfCases& items, RowGate* gate, ReportTally* tally,
                     v1::JointMeetingReport* out) {
  if (hits.empty()) return absl::OkStatus();
  const storage::ScreeningStore& store = *sc.screening->store();
  for (v1::ScreeningHit& h : hits) {
    absl::StatusOr<v1::Case> c = sc.cases->Get(h.case_id(), 0, at);
    if (absl::IsNotFound(c.status())) continue;
    if (!c.ok()) return c.status();
    if (!gate->Case(*c)) continue;
    CASELINK_RETURN_IF_ERROR(SetHitState(store, items, &h));
    tally->AddHit(h, gate->Shows(*c));
    if (h.state() != v1::HIT_DISMISSED) continue;
    // Listed only to whom the hit may exist (its case's measured facts read
    // in full), checked before the cap so hidden hits take no place in it;
    // its figures and reason as the case's (governed_by, the response filter).
    std::optional<auth::FieldPlan> plan = scope.authz->PlanRead(scope.principal, scope.method, sc.guard->FactsOf(*c));
    if (!plan.has_value() || !CallGuard::ExistenceShown(*plan, v1::ScreeningHit::descriptor())) continue;
    if (out->dismissed_hits_size() >= ReportTally::kMaxListed) continue;
    *out->add_dismissed_hits() = std::move(h);
  }
  return absl::OkStatus();
}

// 未报送单位: the agencies that enter cases (enforcement agencies, towns)
// whose rows the caller may see, and that entered none dated in the period.
void ListAgenciesWithoutEntries(const CallScope& scope, v1::JointMeetingReport* out) {
  std::set<std::string> entered;
  for (const v1::ReportRow& r : out->rows()) {
    if (r.figures().cases() > 0) entered.insert(r.agency());
  }
  for (const v1::Agency& a : scope.authz->policy().agencies()) {
    const bool enters = std::any_of(a.roles().begin(), a.roles().end(),
                                    [](int r) { return r == v1::ENFORCEMENT || r == v1::TOWN; });
    if (!enters || entered.count(a.id()) > 0) continue;
    // Listed only where the caller would see this agency's entries if there
    // were any: rows it may count, with their owner and dating field read in
    // full (else its cases count under an empty key, or not at all, and the
    // list would say falsely that it entered none).
    static const std::vector<std::string> kNeeded = {
        v1::ReportRow::descriptor()->FindFieldByName("agency")->options().GetExtension(v1::aggregates),
        v1::ReportFigures::descriptor()->FindFieldByName("cases")->options().GetExtension(v1::aggregates)};
    bool visible = false;
    for (int d = v1::Domain_MIN; d <= v1::Domain_MAX && !visible; ++d) {
      if (!v1::Domain_IsValid(d)) continue;
      std::optional<auth::FieldPlan> plan = scope.authz->PlanRead(
          scope.principal, scope.method, auth::RowFacts{a.id(), static_cast<v1::Domain>(d), {}, {}, {}});
      if (!plan.has_value()) continue;
      const std::vector<bool> shown = CallGuard::ShownInFull(*plan, kNeeded);
      visible = std::all_of(shown.begin(), shown.end(), [](bool b) { return b; });
    }
    if (!visible) continue;
    v1::AgencyTotal* t = out->add_agencies_without_entries();
    t->set_agency(a.id());
    t->set_agency_name(a.display_name());
    t->mutable_figures();
  }
}

}  // namespace


absl::Status BuildJointMeetingReport(const ServiceContext& sc, const CallScope& scope,
                                     const v1::JointMeetingReportRequest& req,
                                     v1::JointMeetingReport* out) {
  const absl::TimeZone tz = sc.workflow->settings->Get()->tz;
  CASELINK_ASSIGN_OR_RETURN(ReportPeriod period, ParseReportPeriod(req.from_date(), req.to_date(), tz));
  const absl::Time now = sc.now();
  RowGate gate(sc, scope);
  ReportTally tally(now);
  // Cases and workflow items as of one instant, so an item written during
  // the report is counted with its case or not at all.
  const std::shared_ptr<const rocksdb::Snapshot> snapshot = sc.cases->ReadSnapshot();
  const rocksdb::Snapshot* at = snapshot.get();

  // A case is dated by its penalty decision, else by the day it was stored.
  const std::shared_ptr<const workflow::Settings> settings = sc.workflow->settings->Get();
  auto add_case = [&](const v1::Case& c) {
    const std::string& decided = c.penalty().decision_date();
    const bool in_period = decided.empty() ? period.Contains(FromProtoTime(c.create_time()))
                                           : period.ContainsDate(decided);
    if (in_period && gate.Case(c)) {
      tally.AddCase(c, !decided.empty(), EntryOf(c, *settings, sc.late_entry_working_days), gate.Shows(c));
    }
    return true;
  };
  // The date index files cases by the same dates in the district's zone:
  // only the period's cases are read. (Should the zone have changed since
  // the server started, every case is read, as before the index.)
  if (sc.cases->dates_ready() && sc.cases->date_zone() == tz.name()) {
    CASELINK_RETURN_IF_ERROR(sc.cases->ForEachLatestDated(period.from_date, period.to_date, add_case, at));
  } else {
    CASELINK_RETURN_IF_ERROR(sc.cases->ForEachLatest(add_case, at));
  }
  // The items decide the hits' states too: noted in the same pass, those
  // the caller knows of only (it may see the item, or the report's rows
  // count it): a hit's state must not tell an agency of a supervision record
  // addressed to another (as ListHits, which notes the items it may see).
  CASELINK_ASSIGN_OR_RETURN(std::vector<v1::ScreeningHit> hits, PeriodHits(sc, period));
  absl::flat_hash_set<std::string> hit_cases;
  for (const v1::ScreeningHit& h : hits) hit_cases.insert(h.case_id());
  auto names_a_hit = [&](const google::protobuf::RepeatedPtrField<std::string>& ids) {
    return std::any_of(ids.begin(), ids.end(), [&](const std::string& id) { return hit_cases.contains(id); });
  };
  ItemsOfCases items_of_cases;
  const workflow::Actor viewer = ActorOf(scope);
  // An item out of the period matters only for a hit's state: its case is
  // read (to ask the row rules) only then, and only if the caller may not
  // see the item anyway.
  // One pass per item kind: `when` dates it, `agency` is its row's, and
  // `add` counts it in the tally with the domain the caller may be shown.
  auto note_and_count = [&](const auto& item, const google::protobuf::Timestamp& when, const std::string& agency,
                            bool supervision, auto add) {
    const bool in_period = period.Contains(FromProtoTime(when));
    const bool for_hits = names_a_hit(item.case_ids());
    if (!in_period && !for_hits) return;
    const bool sees = workflow::CanSee(viewer, item);
    if (!in_period && sees) return NoteItem(item, &items_of_cases);
    const ItemDomain domain = DomainOf(sc, item.case_ids(), at, &gate);
    const bool counted = gate.Item(agency, domain.gate, item.participants(), supervision);
    if (for_hits && (counted || sees)) NoteItem(item, &items_of_cases);
    if (in_period && counted) add(domain.shown);
  };
  CASELINK_RETURN_IF_ERROR(ForEachItem<v1::Transfer>(sc, storage::Table::kTransfers, at, [&](const v1::Transfer& t) {
    const std::string& agency = t.direction() == v1::TRANSFER_REVERSE ? t.receiver_agency() : t.sender_agency();
    note_and_count(t, t.create_time(), agency, false, [&](v1::Domain d) { tally.AddTransfer(t, d); });
  }));
  CASELINK_RETURN_IF_ERROR(ForEachItem<v1::SupervisionRecord>(
      sc, storage::Table::kSupervision, at, [&](const v1::SupervisionRecord& r) {
        note_and_count(r, r.service_time(), r.receiver_agency(), true,
                       [&](v1::Domain d) { tally.AddSupervision(r, d); });
      }));
  CASELINK_RETURN_IF_ERROR(AddHits(sc, scope, std::move(hits), at, items_of_cases, &gate, &tally, out));

  std::map<std::string, std::string> names;
  for (const v1::Agency& a : scope.authz->policy().agencies()) names[a.id()] = a.display_name();
  out->set_from_date(period.from_date);
  out->set_to_date(period.to_date);
  *out->mutable_as_of() = ToProtoTime(now);
  out->set_time_zone(sc.workflow->settings->Get()->config.time_zone());
  tally.Finish(names, out);
  ListAgenciesWithoutEntries(scope, out);
  out->set_late_entry_working_days(sc.late_entry_working_days);
  CASELINK_RETURN_IF_ERROR(AddCampaignSummaries(sc, scope, period, out));
  CASELINK_RETURN_IF_ERROR(AddDecisionItems(sc, scope, period, at, out));
  return absl::OkStatus();
}

ReportServiceImpl::ReportServiceImpl(const ServiceContext& sc) : RawService(sc), sc_(sc) {
  Install(v1::ReportService::service_full_name(),
          {Unary<v1::JointMeetingReportRequest, v1::JointMeetingReport>(
              "GetJointMeetingReport",
              [this](const CallScope& s, const v1::JointMeetingReportRequest& req,
                     v1::JointMeetingReport* resp) { return BuildJointMeetingReport(sc_, s, req, resp); })});
}

}  // namespace caselink::server
